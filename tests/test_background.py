"""The second core (issue 7): forked work gives exactly what a serial run gives.

Histories are read while the models are extracted, models are extracted in two
shares, and large sets of table pages are rendered in two halves.  Here every
fixture goes every way (a :class:`~drizzle_doc.perf.plan.Plan` says which) and the
results must equal what the pure, one-process stages make; and a child that raises,
crashes or returns something that cannot be pickled only means the parent does the
work itself.
"""

from __future__ import annotations

import os
import pickle
from dataclasses import replace
from pathlib import Path

import pytest

from drizzle_doc.perf.background import ENV_JOBS, Background, can_fork
from drizzle_doc.perf.extract import Route, extract_route
from drizzle_doc.perf.extract import extract as planned_extract
from drizzle_doc.perf.history import Histories
from drizzle_doc.perf.plan import SERIAL, Plan
from drizzle_doc.perf.render import render_pages
from drizzle_doc.project.config import load_projects
from drizzle_doc.history.migrations import history_digest, load_history, read_history
from drizzle_doc.drizzle.extract import Extraction, extract
from drizzle_doc.docs.render import render_docs
from drizzle_doc.output.serialize import schema_json

REPO = Path(__file__).resolve().parent.parent
FIXTURES = sorted(p for p in (REPO / "fixtures").iterdir() if p.is_dir())

forks = pytest.mark.skipif(not can_fork(), reason="needs fork and two cores")


def _pid_and(x):
    return os.getpid(), x * 2


@forks
def test_the_work_runs_in_a_child():
    value = Background(_pid_and, 21).result()
    assert value[1] == 42 and value[0] != os.getpid()


def test_one_job_means_no_fork(monkeypatch):
    monkeypatch.setenv(ENV_JOBS, "1")
    assert not can_fork()
    assert Background(_pid_and, 1).result() == (os.getpid(), 2)


def test_no_fork_while_another_thread_runs():
    import threading

    stop = threading.Event()
    t = threading.Thread(target=stop.wait)
    t.start()
    try:
        assert not can_fork()
        assert Background(_pid_and, 1).result() == (os.getpid(), 2)
    finally:
        stop.set()
        t.join()


def _fails_in_child(parent):
    if os.getpid() != parent:
        raise RuntimeError("child only")
    return "parent did it"


def _dies_in_child(parent):
    if os.getpid() != parent:
        os._exit(3)
    return "parent did it"


def _unpicklable(parent):
    return (lambda: None) if os.getpid() != parent else "parent did it"


@forks
@pytest.mark.parametrize("fn", [_fails_in_child, _dies_in_child, _unpicklable])
def test_a_failing_child_means_the_parent_does_it(fn):
    assert Background(fn, os.getpid()).result() == "parent did it"


def _always_fails():
    raise ValueError("bad input")


def test_an_error_is_the_serial_error():
    with pytest.raises(ValueError, match="bad input"):
        Background(_always_fails).result()


def _big(n):
    return "x" * n


@forks
def test_an_abandoned_job_leaves_no_child():
    job = Background(_big, 10_000_000)  # far more than a pipe holds: the child blocks writing
    pid = job._pid
    assert pid
    del job  # never read
    with pytest.raises(ChildProcessError):
        os.waitpid(pid, os.WNOHANG)  # already reaped


def test_result_is_read_once():
    job = Background(_pid_and, 2)
    assert job.result() is job.result()


def _projects():
    for root in FIXTURES:
        yield from load_projects(root)


#: Read file by file from the first byte on, cut in two from the first byte on.
BY_FILES = Plan(parallel_min_bytes=0, units_min_bytes=0)
#: Every file indexed first (the general way, as for a barrel whose `export *` names a
#: package), exports cut in two from the first on.
BY_EXPORTS = Plan(units_min_bytes=1 << 60, parallel_min_exports=0)


def _sorted_pages(schema, project, history, plan):
    pages = render_pages(schema, project, history=history, plan=plan)
    return {path: pages[path] for path in sorted(pages)}


@pytest.mark.parametrize("project", list(_projects()), ids=lambda p: p.root.relative_to(REPO).as_posix())
def test_prefetched_history_and_split_rendering_equal_serial(project):
    schema = extract(project)
    serial_history = load_history(project, schema)
    histories = Histories()
    histories.prefetch(project)
    assert histories.load(project, schema) == serial_history
    histories.prefetch(project)
    handle = histories.handle(project)  # digest and diagnostics before the history is unpacked
    assert handle.diagnostics == serial_history.diagnostics
    serial_latest = read_history(project)[1]
    assert Histories(SERIAL).handle(project).latest() == serial_latest
    assert handle.digest == history_digest(replace(serial_history, drift=()), serial_latest) \
        == Histories(SERIAL).handle(project).digest
    histories.prefetch(project)
    assert histories.handle(project).latest() == serial_latest
    split = _sorted_pages(schema, project, serial_history, Plan(parallel_min_tables=1))
    # pages made when read, half inflated
    lazy_split = _sorted_pages(schema, project, serial_history, Plan(parallel_min_tables=1, lazy_min_tables=0))
    lazy = _sorted_pages(schema, project, serial_history, Plan(fork=False, parallel_min_tables=1, lazy_min_tables=0))
    at_once = _sorted_pages(schema, project, serial_history, Plan(fork=False, lazy_min_tables=1 << 60))
    serial = render_docs(schema, project, history=serial_history)
    assert list(split.items()) == list(serial.items()) == list(lazy_split.items()) == list(lazy.items()) \
        == list(at_once.items())


@forks
@pytest.mark.parametrize("project", list(_projects()), ids=lambda p: p.root.relative_to(REPO).as_posix())
def test_extraction_split_across_two_processes_equals_serial(project):
    """The second core evaluates a share of the files, cut anywhere (and, for large schemas,
    two children evaluate both shares); the merged model is the serial one."""
    serial = extract(project)  # one process, every file indexed first
    assert planned_extract(project, replace(BY_FILES, fork=False)) == serial  # one process, file by file
    units = Extraction(project).units()
    assert units is not None  # every fixture is read file by file
    for isolate in (1 << 60, 0):
        for k in range(1, len(units)):
            split, route = extract_route(project, replace(BY_FILES, isolate_min_bytes=isolate, cut_at=k))
            # the split path ran, and each child's part crossed as a pickle (with isolate, both)
            assert route == Route("units", (k, len(units) - k), isolated=isolate == 0, crossed=True)
            assert split == serial, (isolate, k)
            assert schema_json(split) == schema_json(serial), (isolate, k)  # fields equality skips (files, lines) too


@forks
@pytest.mark.parametrize("project", list(_projects()), ids=lambda p: p.root.relative_to(REPO).as_posix())
def test_extraction_split_by_exports_equals_serial(project):
    """The general way (every file indexed first, exports cut by where they are bound), used when
    a barrel's `export *` names a package: also the serial model."""
    serial = extract(project)
    split, route = extract_route(project, BY_EXPORTS)
    assert route.way == "exports" and len(route.shares) == 2  # the split path ran
    assert route.crossed  # the child's part crossed as a pickle
    assert split == serial
    assert schema_json(split) == schema_json(serial)
    run = Extraction(project)  # the share made here crosses nothing: its part must pickle too
    exports, modules = run.index()
    part = run.evaluate_exports(exports, range(len(exports)), modules)
    assert pickle.loads(pickle.dumps(part)).tables == part.tables


def _alias_project(tmp_path):
    (tmp_path / "src").mkdir()
    imports = 'import { pgTable, integer } from "drizzle-orm/pg-core";\n'
    tables = "".join(f'export const t{i} = pgTable("t{i}", {{ id: integer().primaryKey() }});\n' for i in range(4))
    (tmp_path / "src" / "a.ts").write_text(
        imports + tables
        + 'const hidden = pgTable("hidden", { id: integer() });\n'
        + 'export const twin = pgTable("t0", { id: integer() });\n')
    (tmp_path / "src" / "b.ts").write_text(
        'import { t1 } from "./a";\nexport const alias = t1;\nexport { t2 as again } from "./a";\n')
    (tmp_path / "src" / "c.ts").write_text(
        imports + "".join(f'export const t{i} = pgTable("t{i}", {{ id: integer().primaryKey() }});\n' for i in range(4, 8)))
    (tmp_path / "drizzle.config.ts").write_text(
        'export default { dialect: "postgresql", schema: "./src/*.ts" };\n')
    (project,) = load_projects(tmp_path)
    return project


def test_extraction_split_keeps_aliases_once_and_spots_unexported_tables(tmp_path):
    """A table exported under two names (made in both processes) is one table, a table kept
    private is still reported, and a duplicate name is still an error, whichever process made it."""
    project = _alias_project(tmp_path)
    serial = extract(project)
    assert [t.name for t in serial.tables] == [f"t{i}" for i in range(8)]
    codes = sorted(d.code for d in serial.diagnostics if d.code in ("not-exported", "duplicate-table"))
    assert codes == ["duplicate-table", "not-exported"]
    for k in (1, 2):  # every way of cutting the three files in two
        split = planned_extract(project, replace(BY_FILES, cut_at=k))
        assert split == serial and split.diagnostics == serial.diagnostics, k
    for share in range(1, 11):  # every way of cutting the 11 exports in two (the general way)
        split = planned_extract(project, replace(BY_EXPORTS, cut_at=share))
        assert split == serial and split.diagnostics == serial.diagnostics, share


def test_a_barrel_name_given_by_two_export_stars_is_the_first_ones(tmp_path):
    """`export *` from two files that both export `users`: the barrel gives the first file's
    (as Module.export_names has it), even when each file was read by a different process."""
    (tmp_path / "src").mkdir()
    imports = 'import { pgTable, integer } from "drizzle-orm/pg-core";\n'
    (tmp_path / "src" / "a.ts").write_text(imports + 'export const users = pgTable("users_a", { id: integer() });\n')
    (tmp_path / "src" / "b.ts").write_text(imports + 'export const users = pgTable("users_b", { id: integer() });\n'
                                           'export const posts = pgTable("posts", { id: integer() });\n')
    (tmp_path / "src" / "index.ts").write_text(
        imports + 'export * from "./a";\nexport * from "./b";\nexport const own = pgTable("own", { id: integer() });\n')
    (tmp_path / "drizzle.config.ts").write_text(
        'export default { dialect: "postgresql", schema: "./src/index.ts" };\n')
    (project,) = load_projects(tmp_path)
    serial = extract(project)  # the general way
    assert [t.name for t in serial.tables] == ["users_a", "posts", "own"]
    assert planned_extract(project, replace(BY_FILES, fork=False)) == serial  # file by file agrees
    for k in (1, 2):
        split, route = extract_route(project, replace(BY_FILES, cut_at=k))
        assert route.shares == ((k, 3 - k) if can_fork() else (3,)), k
        assert split == serial and split.diagnostics == serial.diagnostics, k


@forks
def test_prefetched_drift_compares_only_changed_tables_and_finds_every_change():
    """A history read on the second core unpickles only the migrated tables whose drift
    fingerprint differs from the models', and finds the same drift as a serial run."""
    import json

    from drizzle_doc.history.drift import compute_drift
    from drizzle_doc.project import Project
    from drizzle_doc.dialects.postgres.snapshot import load_snapshot

    root = REPO / "fixtures" / "history-basic"
    project = Project(root=root)
    older = load_snapshot(json.loads((root / "drizzle" / "migrations" / "meta" / "0005_snapshot.json").read_text()))
    latest = read_history(Project(root=root))[1]
    serial = compute_drift(older, latest)
    assert serial  # the models are two migrations behind: real drift
    histories = Histories()
    histories.prefetch(project)
    handle = histories.handle(project)
    assert handle.full(older, project).drift == serial
    assert handle.full(latest, project).drift == ()


@forks
def test_generate_with_pages_made_on_two_cores_writes_what_one_core_writes(tmp_path, monkeypatch):
    """Table pages rendered when merged (this process's share) or inflated from the second
    core's: the files written, a hand-edited page and an orphan included, are the same."""
    import shutil

    from click.testing import CliRunner

    from drizzle_doc.cli import cli
    from drizzle_doc.commands.generate import run_generate

    results = {}
    for fork in (False, True):
        plan = Plan(fork=fork, lazy_min_tables=0, parallel_min_tables=1)
        root = tmp_path / str(fork)
        shutil.copytree(REPO / "fixtures" / "example", root, ignore=shutil.ignore_patterns("docs"))
        (project,) = load_projects(root)
        out = root / project.out
        monkeypatch.setenv(ENV_JOBS, "1")
        runner = CliRunner()
        assert runner.invoke(cli, ["generate", "--root", str(root), "--no-cache"]).exit_code == 0
        monkeypatch.delenv(ENV_JOBS)
        page = sorted(out.rglob("*.md"))[-1]
        page.write_text(page.read_text() + "\nA note a human added.\n")
        (out / "tables").mkdir(exist_ok=True)
        orphan = out / "tables" / "gone.md"
        orphan.write_text(page.read_text())
        schema = extract(project)
        pages = render_pages(schema, project, history=load_history(project, schema), plan=plan)
        assert sorted(pages) == sorted(render_docs(schema, project, history=load_history(project, schema)))
        assert all(pages[p] == pages[p] for p in pages) and all(p in pages for p in pages)
        assert run_generate([(project, schema)], use_cache=False, plan=plan) == 0
        results[fork] = {p.relative_to(root).as_posix(): p.read_bytes() for p in sorted(out.rglob("*")) if p.is_file()}
    assert results[False] == results[True]
    assert any(b"A note a human added." in data for data in results[True].values())
