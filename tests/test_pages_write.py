"""Writing pages to disk (drizzle_doc.docs.write): merge, atomicity, unchanged files, orphans, safety."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from drizzle_doc.model import Column, Schema, Table
from drizzle_doc.docs.pages import begin_marker, end_marker
from drizzle_doc.project import Project
from drizzle_doc.docs.render import render_docs
from drizzle_doc.docs.write import WriteError, plan_docs, write_docs


def pg(body: str) -> str:
    return f"# page\n{begin_marker('a')}\n{body}\n{end_marker('a')}\n"


def snapshot(folder: Path) -> dict[str, tuple[bytes, int]]:
    return {p.relative_to(folder).as_posix(): (p.read_bytes(), p.stat().st_mtime_ns)
            for p in sorted(folder.rglob("*")) if p.is_file()}


def test_first_write_then_unchanged(tmp_path):
    out = tmp_path / "docs"
    s = write_docs(out, {"a.md": pg("one"), "sub/b.md": pg("two")})
    assert (s.written, s.unchanged, s.orphaned) == (2, 0, 0)
    assert s.line() == "2 written, 0 unchanged, 0 orphaned"
    before = snapshot(out)
    os.utime(out / "a.md", ns=(1, 1))  # make any rewrite visible in mtime
    before["a.md"] = ((out / "a.md").read_bytes(), 1)
    s = write_docs(out, {"a.md": pg("one"), "sub/b.md": pg("two")})
    assert (s.written, s.unchanged) == (0, 2)
    assert snapshot(out) == before  # not rewritten: same bytes and mtimes
    assert not [p for p in out.rglob("*.tmp")]


def test_human_text_kept_and_section_updated(tmp_path):
    out = tmp_path
    write_docs(out, {"a.md": pg("v1")})
    (out / "a.md").write_text("My notes\n" + (out / "a.md").read_text() + "More notes\n")
    s = write_docs(out, {"a.md": pg("v2")})
    assert s.written == 1
    assert (out / "a.md").read_text() == "My notes\n" + pg("v2") + "More notes\n"


def test_damaged_page_left_untouched_and_reported(tmp_path):
    (tmp_path / "a.md").write_text(f"# mine\n{begin_marker('a')}\nold\n")
    s = write_docs(tmp_path, {"a.md": pg("new")})
    assert s.skipped == 1 and s.written == 0
    assert (tmp_path / "a.md").read_text() == f"# mine\n{begin_marker('a')}\nold\n"
    [d] = s.diagnostics
    assert d.severity == "error" and d.file == "a.md" and "no end marker" in d.message
    assert s.line() == "0 written, 0 unchanged, 0 orphaned, 1 skipped"


def test_unmanaged_page_is_left_alone(tmp_path):
    (tmp_path / "a.md").write_text("# hand-written\n")
    s = write_docs(tmp_path, {"a.md": pg("new")})
    assert (tmp_path / "a.md").read_text() == "# hand-written\n"
    assert s.diagnostics[0].code == "page-unmanaged"


def test_orphans_reported_then_pruned(tmp_path):
    write_docs(tmp_path, {"a.md": pg("x"), "gone.md": pg("y")})
    (tmp_path / "notes.md").write_text("human notes, no markers\n")
    s = write_docs(tmp_path, {"a.md": pg("x")}, display_out="docs/data/schemas")
    assert s.orphaned == 1 and (tmp_path / "gone.md").exists()
    assert s.diagnostics[0].file == "docs/data/schemas/gone.md" and "--prune" in s.diagnostics[0].fix
    s = write_docs(tmp_path, {"a.md": pg("x")}, prune=True)
    assert s.pruned == 1 and s.orphaned == 0 and not (tmp_path / "gone.md").exists()
    assert (tmp_path / "notes.md").exists()  # never ours


@pytest.mark.parametrize("bad", ["../x.md", "/abs.md", "a/../../x.md", "a\\b.md", "", "a//b.md", "nul\x00.md"])
def test_unsafe_paths_refused(tmp_path, bad):
    with pytest.raises(WriteError):
        write_docs(tmp_path / "out", {bad: pg("x")})
    assert not (tmp_path / "x.md").exists()


def test_nasty_table_names_stay_inside_out(tmp_path):
    names = ["../../x", "/abs", "a/b\\c", "nul\x00byte", "ctl\x01", "y" * 500, "README", "..", "Users", "users"]
    schema = Schema(tables=tuple(Table(n, columns=(Column("id", "id", "uuid"),)) for n in names))
    out = tmp_path / "root" / "docs"
    pages = render_docs(schema, Project(root=tmp_path / "root", out="docs"))
    s = write_docs(out, pages)
    assert s.written == len(names) + 1
    everything = [p for p in tmp_path.rglob("*") if p.is_file()]
    assert all(out in p.parents for p in everything)
    assert len(everything) == len(names) + 1


def test_read_only_folder_gives_clear_error(tmp_path):
    if os.geteuid() == 0:
        pytest.skip("root ignores file permissions")
    write_docs(tmp_path, {"a.md": pg("v1")})
    tmp_path.chmod(0o555)
    try:
        with pytest.raises(WriteError, match="cannot write docs"):
            write_docs(tmp_path, {"a.md": pg("v2")})
        assert (tmp_path / "a.md").read_text() == pg("v1")
    finally:
        tmp_path.chmod(0o755)


def test_plan_is_pure(tmp_path):
    write_docs(tmp_path, {"a.md": pg("v1")})
    before = snapshot(tmp_path)
    files, _ = plan_docs(tmp_path, {"a.md": pg("v2"), "b.md": pg("b")})
    assert [(f.path, f.status) for f in files] == [("a.md", "written"), ("b.md", "written")]
    assert snapshot(tmp_path) == before


def test_crlf_and_bytes_preserved(tmp_path):
    write_docs(tmp_path, {"a.md": pg("v1")})
    raw = (tmp_path / "a.md").read_bytes().replace(b"# page\n", b"# page\r\nCaf\xc3\xa9 notes\r\n")
    (tmp_path / "a.md").write_bytes(raw)
    write_docs(tmp_path, {"a.md": pg("v2")})
    assert (tmp_path / "a.md").read_bytes() == raw.replace(b"v1", b"v2")


def test_symlinked_subfolder_leading_out_is_refused(tmp_path):
    outside = tmp_path / "outside"
    outside.mkdir()
    out = tmp_path / "out"
    out.mkdir()
    (out / "groups").symlink_to(outside, target_is_directory=True)
    with pytest.raises(WriteError, match="symlinked folder"):
        write_docs(out, {"groups/auth.md": pg("x")})
    assert not list(outside.iterdir())


def test_a_broken_page_late_in_the_run_writes_nothing_at_all(tmp_path):
    """Pages are merged and staged one at a time: a page found broken after others were
    staged still leaves the docs folder exactly as it was, with no temp file behind."""
    out = tmp_path / "docs"
    write_docs(out, {"a.md": pg("one"), "c.md": pg("three")})
    before = snapshot(out)
    pages = {"a.md": pg("uno"), "b.md": pg("dos"), "c.md": f"# page\n{begin_marker('a')}\nno end\n"}
    with pytest.raises(WriteError, match="nothing was written"):
        write_docs(out, pages)
    assert snapshot(out) == before


def test_plan_keeps_texts_only_for_what_changes(tmp_path):
    out = tmp_path / "docs"
    write_docs(out, {"a.md": pg("one"), "b.md": pg("two")})
    files, _ = plan_docs(out, {"a.md": pg("one"), "b.md": pg("zwei")})
    assert [(f.path, f.status, f.old is None, f.new is None) for f in files] == [
        ("a.md", "unchanged", True, True), ("b.md", "written", False, False)]
    summary = write_docs(out, {"a.md": pg("one"), "b.md": pg("zwei")})
    assert [(f.path, f.status, f.old, f.new) for f in summary.files] == [
        ("a.md", "unchanged", None, None), ("b.md", "written", None, None)]
