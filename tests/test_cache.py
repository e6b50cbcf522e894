"""The clean-run cache (issue 7): an unchanged re-run skips rendering, and is never stale.

The property that matters: with the cache, ``generate`` and ``check`` give exactly
what they give without it (same files, same bytes, same output, same exit code,
same findings), whatever happened since the last run.  A hypothesis test applies
random sequences of real-world changes (model edits, hand edits inside and
outside the markers, deleted, extra and unmanaged pages, temp files left by a
killed run, settings and migration edits, an mtime-only touch) to two copies of
the example project and runs one with the cache and one without.  The plain
tests pin when it hits (and that a hit renders nothing and writes nothing) and
that a broken or unwritable cache only costs time.
"""

from __future__ import annotations

import contextlib
import io
import os
import shutil
import tempfile
from pathlib import Path
from unittest import mock

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import drizzle_doc.commands.generate as generate_mod
from drizzle_doc.perf import cache
from drizzle_doc.commands.check import run_check
from drizzle_doc.project.config import load_projects
from drizzle_doc.commands.generate import run_generate
from drizzle_doc.drizzle.extract import extract

REPO = Path(__file__).resolve().parent.parent
EXAMPLE = REPO / "fixtures" / "example"
OUT = "docs/data/schemas"


def _copy(dest: Path) -> Path:
    shutil.copytree(EXAMPLE, dest, ignore=shutil.ignore_patterns("node_modules"))
    shutil.rmtree(dest / OUT, ignore_errors=True)
    return dest


def _load(root: Path):
    return [(p, extract(p)) for p in load_projects(root)]


def gen(root: Path, use_cache: bool = True, prune: bool = False) -> tuple[int, str]:
    buf = io.StringIO()
    with contextlib.redirect_stdout(buf), contextlib.redirect_stderr(buf):
        code = run_generate(_load(root), prune=prune, use_cache=use_cache)
    return code, buf.getvalue().replace(str(root), "<root>")


def chk(root: Path, use_cache: bool = True) -> list:
    return run_check(_load(root), base=root, use_cache=use_cache)


def tree(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


@contextlib.contextmanager
def counting_renders():
    calls = []
    real = generate_mod.render_project

    def wrapper(*args, **kwargs):
        calls.append(1)
        return real(*args, **kwargs)

    with mock.patch.object(generate_mod, "render_project", wrapper):
        yield calls


# ---------------------------------------------------------------------------
# Changes a person (or a killed run) makes between two runs
# ---------------------------------------------------------------------------


def _pages(root: Path) -> list[Path]:
    return sorted((root / OUT).rglob("*.md"))


def _pick(root: Path, i: int) -> Path:
    pages = _pages(root)
    return pages[i % len(pages)]


def edit_outside(root, i):
    p = _pick(root, i)
    p.write_text(p.read_text() + "\nA note a person added.\n")


def edit_inside(root, i):
    p = _pick(root, i)
    text = p.read_text()
    at = text.index("<!-- drizzle-doc:end")
    p.write_text(text[:at] + "scribbled inside a section\n" + text[at:])


def delete_page(root, i):
    _pick(root, i).unlink()


def orphan_page(root, i):
    p = _pick(root, i)
    (root / OUT / "zz_gone_table.md").write_text(p.read_text())


def temp_file(root, i):
    (root / OUT / ".drizzle-doc-tmp.users.md.abc.tmp").write_text("half a page")


def unmanaged(root, i):
    p = _pick(root, i)
    p.write_text(p.read_text().replace("drizzle-doc:", "drizzle-doc-"))


def hand_page(root, i):
    (root / OUT / "notes.md").write_text("# Our notes\n")


def edit_model_doc(root, i):
    p = root / "server/src/models/users.ts"
    p.write_text(p.read_text().replace("User accounts and authentication.", f"User accounts (edit {i})."))


def add_table(root, i):
    p = root / "server/src/models/sessions.ts"
    p.write_text(p.read_text() + f'\n/** Added {i}. */\nexport const probe{i} = pgTable("probe_{i}", '
                 '{ id: uuid("id").primaryKey().defaultRandom() });\n')


def break_model(root, i):
    p = root / "server/src/models/tasks.ts"
    p.write_text(p.read_text() + "\nexport const broken = pgTable(\n")


def touch_model(root, i):
    p = root / "server/src/models/users.ts"
    st_ = p.stat()
    os.utime(p, ns=(st_.st_atime_ns, st_.st_mtime_ns + 10_000_000_000 * (i + 1)))


def settings_group(root, i):
    (root / "drizzle-doc.toml").write_text(f'[groups.g{i}]\ntables = ["users", "sessions"]\n')


def migration_comment(root, i):
    sql = sorted((root / "drizzle/migrations").glob("*.sql"))[-1]
    sql.write_text(sql.read_text() + '\n--> statement-breakpoint\nCOMMENT ON TABLE "users" IS \'people\';\n')


def drop_migration(root, i):
    sql = sorted((root / "drizzle/migrations").glob("*.sql"))[-1]
    sql.unlink()


def nothing(root, i):
    pass


CHANGES = [edit_outside, edit_inside, delete_page, orphan_page, temp_file, unmanaged, hand_page,
           edit_model_doc, add_table, break_model, touch_model, settings_group, migration_comment,
           drop_migration, nothing]


# ---------------------------------------------------------------------------
# The property: cached == uncached, always
# ---------------------------------------------------------------------------


steps = st.lists(st.tuples(st.sampled_from(CHANGES), st.integers(0, 50), st.booleans()), min_size=1, max_size=4)


@settings(max_examples=40, deadline=None, derandomize=True,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
@given(steps=steps, prune=st.booleans())
def test_cached_runs_equal_uncached_runs(steps, prune):
    with tempfile.TemporaryDirectory() as tmp:
        a = _copy(Path(tmp) / "a")  # with the cache
        b = _copy(Path(tmp) / "b")  # without
        assert gen(a) == gen(b, use_cache=False)
        for change, i, regenerate in steps:
            change(a, i)
            change(b, i)
            assert chk(a) == chk(b, use_cache=False), change.__name__
            if regenerate:
                assert gen(a, prune=prune) == gen(b, use_cache=False, prune=prune), change.__name__
                assert tree(a) == tree(b), change.__name__
        assert gen(a, prune=prune) == gen(b, use_cache=False, prune=prune)
        assert tree(a) == tree(b)
        assert chk(a) == chk(b, use_cache=False)


# ---------------------------------------------------------------------------
# When it hits, and what a hit does
# ---------------------------------------------------------------------------


HITS = {nothing, touch_model}


@pytest.mark.parametrize("change", CHANGES, ids=lambda c: c.__name__)
def test_hit_only_when_inputs_and_docs_are_unchanged(tmp_path, change):
    root = _copy(tmp_path / "p")
    assert gen(root)[0] == 0
    change(root, 3)
    with counting_renders() as calls:
        gen(root)
    assert (len(calls) == 0) == (change in HITS)


def test_a_hit_renders_nothing_and_writes_nothing(tmp_path):
    root = _copy(tmp_path / "p")
    code, first = gen(root)
    assert code == 0 and " 0 unchanged" in first
    entry = cache.entry_path(load_projects(root)[0], root / OUT)
    assert entry.is_file()
    before = {p: p.stat().st_mtime_ns for p in [entry, *(root / OUT).rglob("*")]}
    with counting_renders() as calls:
        code, again = gen(root)
    assert calls == [] and code == 0
    assert again.strip().endswith(f"0 written, {len(_pages(root))} unchanged, 0 orphaned")
    assert {p: p.stat().st_mtime_ns for p in [entry, *(root / OUT).rglob("*")]} == before
    # and check agrees without rendering either
    with mock.patch("drizzle_doc.commands.generate.render_project", side_effect=AssertionError("rendered")):
        assert [f for f in chk(root) if f.rule.startswith(("page", "docs"))] == []


def test_no_cache_renders_again(tmp_path):
    root = _copy(tmp_path / "p")
    gen(root)
    with counting_renders() as calls:
        gen(root, use_cache=False)
    assert calls == [1]


def test_a_run_with_diagnostics_is_not_cached(tmp_path):
    root = _copy(tmp_path / "p")
    (root / OUT).mkdir(parents=True)
    (root / OUT / "users.md").write_text("# Users, by hand\n")  # unmanaged: left alone, warned
    code, out = gen(root)
    assert "hand-written" in out
    with counting_renders() as calls:
        code2, out2 = gen(root)
    assert calls == [1]  # the warning is shown again, every time
    assert out2.splitlines()[:-1] == out.splitlines()[:-1]
    assert out2.splitlines()[-1] == f"{OUT}: 0 written, 7 unchanged, 0 orphaned, 1 skipped"


@pytest.mark.parametrize("garbage", [b"", b"{", b"[]", b'{"format": 1, "key": 3}', b"\xff\xfe", b"[" * 100000])
def test_a_damaged_entry_is_a_miss(tmp_path, garbage):
    root = _copy(tmp_path / "p")
    gen(root)
    entry = cache.entry_path(load_projects(root)[0], root / OUT)
    entry.write_bytes(garbage)
    with counting_renders() as calls:
        code, out = gen(root)
    assert calls == [1] and code == 0
    with counting_renders() as calls:
        gen(root)
    assert calls == []  # the clean run wrote a good entry again


def test_an_unwritable_cache_only_costs_time(tmp_path, monkeypatch):
    blocker = tmp_path / "not-a-dir"
    blocker.write_text("a file where the cache folder should be")
    monkeypatch.setenv(cache.ENV_DIR, str(blocker / "sub"))
    root = _copy(tmp_path / "p")
    code, out = gen(root)
    assert code == 0 and "written" in out
    with counting_renders() as calls:
        assert gen(root)[0] == 0
    assert calls == [1]


def test_where_the_cache_lives(tmp_path, monkeypatch):
    root = _copy(tmp_path / "p")
    project = load_projects(root)[0]
    monkeypatch.setenv(cache.ENV_DIR, str(tmp_path / "c"))
    assert cache.cache_dir(project) == tmp_path / "c"
    monkeypatch.delenv(cache.ENV_DIR)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    assert cache.cache_dir(project) == tmp_path / "xdg" / "drizzle-doc"
    (root / "node_modules").mkdir()
    assert cache.cache_dir(project) == root / "node_modules" / ".cache" / "drizzle-doc"
    # never inside the docs, so it is never committed with them
    gen(root)
    assert (root / "node_modules" / ".cache" / "drizzle-doc").is_dir()
    assert not any(".json" in p.name for p in (root / OUT).rglob("*"))


def test_the_key_covers_history_templates_and_code(tmp_path):
    root = _copy(tmp_path / "p")
    ((project, schema),) = _load(root)
    key = cache.render_key(project, schema, "h1")
    assert cache.render_key(project, schema, "h2") != key
    templates = tmp_path / "t"
    templates.mkdir()
    (templates / "table.md.j2").write_text("{{ name }}\n")
    k1 = cache.render_key(project, schema, "h1", templates)
    (templates / "table.md.j2").write_text("{{ name }}!\n")
    assert len({key, k1, cache.render_key(project, schema, "h1", templates)}) == 3
    cache.code_fingerprint.cache_clear()
    try:
        with mock.patch.object(cache, "__version__", "9.9.9"):
            assert cache.render_key(project, schema, "h1") != key
    finally:
        cache.code_fingerprint.cache_clear()


def test_out_outside_the_root_links_do_not_depend_on_the_current_folder(tmp_path):
    """The current folder is not an input: pages (and so the record's key) do not change with it."""
    import re
    import subprocess
    import sys

    root = _copy(tmp_path / "p")
    outs = []
    for i, cwd in enumerate((tmp_path, root / "server")):
        out = tmp_path / f"elsewhere{i}" / "docs"
        subprocess.run([sys.executable, "-m", "drizzle_doc", "generate", "--root", str(root), "--out", str(out),
                        "--no-cache"], cwd=cwd, check=True, capture_output=True)
        outs.append(out)
    a, b = ((o / "users.md").read_text() for o in outs)
    assert a == b
    link = re.search(r"\]\(([^)#]*users\.ts)#L\d+\)", a).group(1)
    assert (outs[0] / link).resolve() == (root / "server/src/models/users.ts").resolve()
