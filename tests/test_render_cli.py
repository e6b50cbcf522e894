"""`drizzle-doc generate`: the command end to end (extraction stubbed with the hand model)."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

import drizzle_doc.cli as cli_mod
from drizzle_doc.cli import cli
from drizzle_doc.docs.pages import begin_marker
from drizzle_doc.project import Project


@pytest.fixture
def stub(monkeypatch, tmp_path):
    from test_render import hand_schema

    state = {"schema": hand_schema()}

    def fake_load(root, config_path, schema_globs, migrations_dir, casing, out=None, histories=None, **_):
        return [(Project(root=tmp_path, out=out or "docs/data/schemas"), state["schema"])]

    monkeypatch.setattr(cli_mod, "load", fake_load)
    return state


def run(*args):
    return CliRunner().invoke(cli, ["generate", *args], catch_exceptions=False)


def test_generate_writes_then_is_idempotent(stub, tmp_path):
    r = run()
    assert r.exit_code == 0, r.output
    assert r.stdout.strip().splitlines()[-1] == "docs/data/schemas: 5 written, 0 unchanged, 0 orphaned"
    out = tmp_path / "docs" / "data" / "schemas"
    assert sorted(p.name for p in out.iterdir()) == ["README.md", "catalog.products.md", "posts.md",
                                                     "sessions.md", "users.md"]
    r = run()
    assert r.stdout.strip().splitlines()[-1] == "docs/data/schemas: 0 written, 5 unchanged, 0 orphaned"


def test_generate_out_and_prune(stub, tmp_path):
    run("--out", "docs/db")
    page = (tmp_path / "docs/db/users.md").read_text()
    assert "(../../server/src/models/users.ts#L9)" in page
    from test_render import hand_schema
    s = hand_schema()
    stub["schema"] = type(s)(tables=tuple(t for t in s.tables if t.name != "posts"))
    r = run("--out", "docs/db")
    assert "orphaned page" in r.stderr and r.stdout.strip().endswith("1 orphaned")
    assert (tmp_path / "docs/db/posts.md").exists()
    r = run("--out", "docs/db", "--prune")
    assert r.stdout.strip().endswith("0 orphaned, 1 pruned")
    assert not (tmp_path / "docs/db/posts.md").exists()


def test_generate_damaged_page_exit_1(stub, tmp_path):
    run()
    page = tmp_path / "docs/data/schemas/users.md"
    damaged = page.read_text() + begin_marker("columns") + "\n"
    page.write_text(damaged)
    r = run()
    assert r.exit_code == 1
    assert "docs/data/schemas/users.md: error: drizzle-doc markers are damaged" in r.stderr
    assert page.read_text() == damaged


def test_generate_templates_override(stub, tmp_path):
    tpl = tmp_path / "tpl"
    tpl.mkdir()
    (tpl / "index.md.j2").write_text("# Our tables\n<!-- drizzle-doc:begin t -->\n{{ totals.tables }}\n"
                                     "<!-- drizzle-doc:end t -->\n")
    r = run("--templates", str(tpl))
    assert r.exit_code == 0
    assert (tmp_path / "docs/data/schemas/README.md").read_text() == \
        "# Our tables\n<!-- drizzle-doc:begin t -->\n4\n<!-- drizzle-doc:sections t -->\n<!-- drizzle-doc:end t -->\n"


def test_generate_help_has_example():
    r = CliRunner().invoke(cli, ["generate", "--help"])
    assert r.exit_code == 0 and "Example:" in r.output and "--prune" in r.output and "--templates" in r.output


def test_progress_bar_only_on_a_terminal(stub, tmp_path, monkeypatch, capsys):
    import drizzle_doc.commands.generate as gen

    monkeypatch.setattr(gen, "PROGRESS_MIN_FILES", 1)
    results = cli_mod.load(None, None, (), None, None)
    assert gen.run_generate(results) == 0
    assert "Writing docs" not in capsys.readouterr().err  # stderr is not a terminal here

    class TTY:
        def __init__(self, real):
            self.real = real

        def isatty(self):
            return True

        def __getattr__(self, name):
            return getattr(self.real, name)

    monkeypatch.setattr(gen.sys, "stderr", TTY(gen.sys.stderr))
    (tmp_path / "docs/data/schemas/users.md").unlink()
    assert gen.run_generate(results) == 0
    captured = capsys.readouterr()
    assert "Writing docs" in captured.err and "Writing docs" not in captured.out
    assert captured.out.strip() == "docs/data/schemas: 1 written, 4 unchanged, 0 orphaned"
