"""The second core (issue 7): forked work gives exactly what a serial run gives.

Histories are read while the models are extracted, and large sets of table
pages are rendered in two halves.  Here every fixture goes both ways and the
results must be equal; and a child that raises, crashes or returns something
that cannot be pickled only means the parent does the work itself.
"""

from __future__ import annotations

import os
import pickle
from dataclasses import replace
from pathlib import Path

import pytest

import drizzle_doc.drizzle.extract as parse_mod
import drizzle_doc.docs.render as render_mod
from drizzle_doc.perf.background import ENV_JOBS, Background, can_fork
from drizzle_doc.project.config import load_projects
from drizzle_doc.history.migrations import history_digest, history_handle, load_history, prefetch_history
from drizzle_doc.drizzle.extract import extract
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


@pytest.mark.parametrize("project", list(_projects()), ids=lambda p: p.root.relative_to(REPO).as_posix())
def test_prefetched_history_and_split_rendering_equal_serial(project, monkeypatch):
    schema = extract(project)
    serial_history = load_history(project, schema)
    prefetch_history(project)
    assert load_history(project, schema) == serial_history
    prefetch_history(project)
    handle = history_handle(project)  # digest and diagnostics before the history is unpacked
    assert handle.diagnostics == serial_history.diagnostics
    serial_latest = history_handle(project).latest()
    assert handle.digest == history_digest(replace(serial_history, drift=()), serial_latest) \
        == history_handle(project).digest
    prefetch_history(project)
    assert history_handle(project).latest() == serial_latest
    monkeypatch.setattr(render_mod, "PARALLEL_MIN_TABLES", 1)
    split = render_docs(schema, project, history=serial_history)
    monkeypatch.setattr(render_mod, "LAZY_MIN_TABLES", 0)  # pages made when read, half inflated
    lazy_split = render_docs(schema, project, history=serial_history)
    monkeypatch.setenv(ENV_JOBS, "1")
    lazy = render_docs(schema, project, history=serial_history)
    monkeypatch.setattr(render_mod, "LAZY_MIN_TABLES", 1 << 60)
    serial = render_docs(schema, project, history=serial_history)
    assert list(split.items()) == list(serial.items()) == list(lazy_split.items()) == list(lazy.items())


def _units_of(project):
    files, _ = parse_mod.schema_files(project)
    return parse_mod._units(parse_mod.new_evaluator(project.root.resolve()), files)


def _pickling(monkeypatch):
    """Every share's part must cross as a pickle (the child's does): check the parent's too."""
    for name in ("_evaluate_part", "_evaluate_units"):
        real = getattr(parse_mod, name)

        def evaluate_and_pickle(*args, real=real):
            part = real(*args)
            assert pickle.loads(pickle.dumps(part)).tables == part.tables
            return part

        monkeypatch.setattr(parse_mod, name, evaluate_and_pickle)


def _cut_units_at(k, calls):
    def cut(units, first_share=None):
        calls.append(k)
        return [u for u, _ in units[:k]], [u for u, _ in units[k:]]
    return cut


@forks
@pytest.mark.parametrize("project", list(_projects()), ids=lambda p: p.root.relative_to(REPO).as_posix())
def test_extraction_split_across_two_processes_equals_serial(project, monkeypatch):
    """The second core evaluates a share of the files, cut anywhere (and, for large schemas,
    two children evaluate both shares); the merged model is the serial one."""
    monkeypatch.setenv(ENV_JOBS, "1")
    serial = extract(project)
    monkeypatch.setenv(ENV_JOBS, "2")
    monkeypatch.setattr(parse_mod, "PARALLEL_MIN_BYTES", 0)
    monkeypatch.setattr(parse_mod, "UNITS_MIN_BYTES", 0)
    _pickling(monkeypatch)
    units = _units_of(project)
    assert units is not None  # every fixture is read file by file
    for isolate in (1 << 60, 0):
        monkeypatch.setattr(parse_mod, "ISOLATE_MIN_BYTES", isolate)
        for k in range(1, len(units)):
            calls: list = []
            monkeypatch.setattr(parse_mod, "_cut", _cut_units_at(k, calls))
            split = extract(project)
            assert calls == [k]  # the split path ran
            assert split == serial, (isolate, k)
            assert schema_json(split) == schema_json(serial), (isolate, k)  # fields equality skips (files, lines) too


@forks
@pytest.mark.parametrize("project", list(_projects()), ids=lambda p: p.root.relative_to(REPO).as_posix())
def test_extraction_split_by_exports_equals_serial(project, monkeypatch):
    """The general way (every file indexed first, exports cut by where they are bound), used when
    a barrel's `export *` names a package: also the serial model."""
    monkeypatch.setenv(ENV_JOBS, "1")
    serial = extract(project)
    monkeypatch.setattr(parse_mod, "_units", lambda ev, files: None)
    assert extract(project) == serial
    monkeypatch.setenv(ENV_JOBS, "2")
    monkeypatch.setattr(parse_mod, "PARALLEL_MIN_EXPORTS", 0)
    calls = []
    real = parse_mod._split
    monkeypatch.setattr(parse_mod, "_split", lambda *a: calls.append(1) or real(*a))
    _pickling(monkeypatch)
    split = extract(project)
    assert calls  # the split path ran
    assert split == serial
    assert schema_json(split) == schema_json(serial)


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


def test_extraction_split_keeps_aliases_once_and_spots_unexported_tables(tmp_path, monkeypatch):
    """A table exported under two names (made in both processes) is one table, a table kept
    private is still reported, and a duplicate name is still an error, whichever process made it."""
    project = _alias_project(tmp_path)
    monkeypatch.setenv(ENV_JOBS, "1")
    serial = extract(project)
    assert [t.name for t in serial.tables] == [f"t{i}" for i in range(8)]
    codes = sorted(d.code for d in serial.diagnostics if d.code in ("not-exported", "duplicate-table"))
    assert codes == ["duplicate-table", "not-exported"]
    monkeypatch.setenv(ENV_JOBS, "2")
    monkeypatch.setattr(parse_mod, "PARALLEL_MIN_BYTES", 0)
    monkeypatch.setattr(parse_mod, "UNITS_MIN_BYTES", 0)
    for k in (1, 2):  # every way of cutting the three files in two
        monkeypatch.setattr(parse_mod, "_cut", _cut_units_at(k, []))
        split = extract(project)
        assert split == serial and split.diagnostics == serial.diagnostics, k
    monkeypatch.setattr(parse_mod, "_units", lambda ev, files: None)  # the general way
    monkeypatch.setattr(parse_mod, "PARALLEL_MIN_EXPORTS", 0)
    for share in range(1, 11):  # every way of cutting the 11 exports in two
        monkeypatch.setattr(parse_mod, "_split", _cut_at(share))
        split = extract(project)
        assert split == serial and split.diagnostics == serial.diagnostics, share


def _cut_at(share):
    def split(exports, modules):
        first, second = list(range(share)), list(range(share, len(exports)))
        return first, second, modules[:1], modules[1:]
    return split


def test_a_barrel_name_given_by_two_export_stars_is_the_first_ones(tmp_path, monkeypatch):
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
    monkeypatch.setenv(ENV_JOBS, "1")
    serial = extract(project)
    assert [t.name for t in serial.tables] == ["users_a", "posts", "own"]
    monkeypatch.setattr(parse_mod, "_units", lambda ev, files: None)
    assert extract(project) == serial  # the general way agrees
    monkeypatch.undo()
    monkeypatch.setenv(ENV_JOBS, "2")
    monkeypatch.setattr(parse_mod, "PARALLEL_MIN_BYTES", 0)
    monkeypatch.setattr(parse_mod, "UNITS_MIN_BYTES", 0)
    for k in (1, 2):
        calls: list = []
        monkeypatch.setattr(parse_mod, "_cut", _cut_units_at(k, calls))
        split = extract(project)
        assert calls == [k] and split == serial and split.diagnostics == serial.diagnostics, k


@forks
def test_prefetched_drift_compares_only_changed_tables_and_finds_every_change():
    """A history read on the second core unpickles only the migrated tables whose drift
    fingerprint differs from the models', and finds the same drift as a serial run."""
    import json

    from drizzle_doc.history.migrations import compute_drift
    from drizzle_doc.project import Project
    from drizzle_doc.dialects.postgres.snapshot import load_snapshot

    root = REPO / "fixtures" / "history-basic"
    project = Project(root=root)
    older = load_snapshot(json.loads((root / "drizzle" / "migrations" / "meta" / "0005_snapshot.json").read_text()))
    serial = compute_drift(older, history_handle(Project(root=root)).latest())
    assert serial  # the models are two migrations behind: real drift
    prefetch_history(project)
    handle = history_handle(project)
    assert handle.full(older, project).drift == serial
    latest = history_handle(Project(root=root)).latest()
    assert handle.full(latest, project).drift == ()


@forks
def test_generate_with_pages_made_on_two_cores_writes_what_one_core_writes(tmp_path, monkeypatch):
    """Table pages rendered when merged (this process's share) or inflated from the second
    core's: the files written, a hand-edited page and an orphan included, are the same."""
    import shutil

    from click.testing import CliRunner

    from drizzle_doc.cli import cli
    from drizzle_doc.docs.render import render_pages

    results = {}
    monkeypatch.setattr(render_mod, "LAZY_MIN_TABLES", 0)
    for jobs in ("1", "2"):
        root = tmp_path / jobs
        shutil.copytree(REPO / "fixtures" / "example", root, ignore=shutil.ignore_patterns("docs"))
        (project,) = load_projects(root)
        out = root / project.out
        monkeypatch.setenv(ENV_JOBS, "1")
        runner = CliRunner()
        assert runner.invoke(cli, ["generate", "--root", str(root), "--no-cache"]).exit_code == 0
        page = sorted(out.rglob("*.md"))[-1]
        page.write_text(page.read_text() + "\nA note a human added.\n")
        (out / "tables").mkdir(exist_ok=True)
        orphan = out / "tables" / "gone.md"
        orphan.write_text(page.read_text())
        monkeypatch.setenv(ENV_JOBS, jobs)
        monkeypatch.setattr(render_mod, "PARALLEL_MIN_TABLES", 1)
        schema = extract(project)
        pages = render_pages(schema, project, history=load_history(project, schema))
        assert sorted(pages) == sorted(render_docs(schema, project, history=load_history(project, schema)))
        assert all(pages[p] == pages[p] for p in pages) and all(p in pages for p in pages)
        result = runner.invoke(cli, ["generate", "--root", str(root), "--no-cache"])
        assert result.exit_code == 0, result.output
        results[jobs] = {p.relative_to(root).as_posix(): p.read_bytes() for p in sorted(out.rglob("*")) if p.is_file()}
    assert results["1"] == results["2"]
    assert any(b"A note a human added." in data for data in results["2"].values())

