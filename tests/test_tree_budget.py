"""Syntax trees released during evaluation (issue 7: memory at 10,000 tables).

Past its tree budget (``Plan.tree_budget`` bytes of source) the evaluator lets go of the least recently used
trees and parses a file again when it needs it again.  Nothing may depend on which
trees happen to be held: with a budget of zero (every file but the one in use is
released at once) every fixture gives exactly the model it gives with all trees held.
"""

from __future__ import annotations

from pathlib import Path

import pytest

import drizzle_doc.ts.syntax as ts_mod
from drizzle_doc.perf.extract import extract
from drizzle_doc.perf.plan import DEFAULT, SERIAL, Plan
from drizzle_doc.project.config import load_projects
from drizzle_doc.output.serialize import schema_json

REPO = Path(__file__).resolve().parent.parent
FIXTURES = sorted(p for p in (REPO / "fixtures").iterdir() if p.is_dir())


def _projects():
    for root in FIXTURES:
        yield from load_projects(root)


def _counting_parses(monkeypatch) -> list:
    parsed: list = []
    real = ts_mod.parse
    monkeypatch.setattr(ts_mod, "parse", lambda source, tsx=False: parsed.append(source) or real(source, tsx))
    return parsed


@pytest.mark.parametrize("project", list(_projects()), ids=lambda p: p.root.relative_to(REPO).as_posix())
def test_released_trees_give_the_same_model(project, monkeypatch):
    parsed = _counting_parses(monkeypatch)
    held = extract(project, SERIAL)  # one evaluator, so the parses are counted here
    once = len(parsed)
    assert len(set(parsed)) == once  # within the budget, every file is parsed exactly once
    for units in (DEFAULT.units_min_bytes, 0):  # indexed whole first, or read file by file
        parsed.clear()
        released = extract(project, Plan(fork=False, tree_budget=0, units_min_bytes=units))
        assert released == held
        assert schema_json(released) == schema_json(held)  # lines, files and diagnostics too
        assert len(parsed) >= once  # files read in turn need no tree parsed again; the rest do


def test_a_released_tree_is_parsed_again_when_needed(tmp_path):
    """Budget zero: loading a second file lets go of the first one's tree; reading a value of
    the first file then parses it again, and nothing else changes."""
    (tmp_path / "a.ts").write_text(
        'import { pgTable, integer } from "drizzle-orm/pg-core";\n'
        '/** Notes kept. */\nexport const notes = pgTable("notes", {\n  /** The key. */\n  id: integer().primaryKey(),\n});\n'
        'export function named(n: string) { return n + "_x"; }\n')
    (tmp_path / "b.ts").write_text('import { named } from "./a";\nexport const label = named("b");\n')
    from drizzle_doc.drizzle.extract import new_evaluator

    ev = new_evaluator(tmp_path, tree_budget=0)
    a = ev.load(tmp_path / "a.ts")
    b = ev.load(tmp_path / "b.ts")
    assert a._tree is None and b._tree is not None and ev.reparsed == 0
    assert b.export("label") == "b_x"  # calls a function of a.ts: its body is found in a new tree
    assert ev.reparsed == 1 and a._tree is not None and b._tree is None
    notes = a.export("notes")
    assert notes.variable == "notes" and notes.doc.text == "Notes kept."
    assert notes.columns.meta["id"].doc.text == "The key."
    assert ev.reparsed == 1


def test_a_later_export_still_changes_a_table_built_before_it(tmp_path):
    """Tables are built right after their export is read (their file's tree is still held);
    an ``enableRLS()`` or a ``pgPolicy(...).link()`` in a later export still counts."""
    (tmp_path / "src").mkdir()
    (tmp_path / "src" / "a.ts").write_text(
        'import { pgTable, integer } from "drizzle-orm/pg-core";\n'
        'export const notes = pgTable("notes", { id: integer().primaryKey() });\n')
    (tmp_path / "src" / "b.ts").write_text(
        'import { pgPolicy } from "drizzle-orm/pg-core";\nimport { sql } from "drizzle-orm";\n'
        'import { notes } from "./a";\n'
        'export const owner = pgPolicy("owner_only", { for: "select", using: sql`true` });\n'
        'export const secured = notes.enableRLS();\n'
        'export const linked = owner.link(notes);\n')
    (tmp_path / "drizzle.config.ts").write_text(
        'export default { dialect: "postgresql", schema: "./src/*.ts" };\n')
    (project,) = load_projects(tmp_path)
    for budget in (DEFAULT.tree_budget, 0):
        (table,) = extract(project, Plan(tree_budget=budget)).tables
        assert table.rls_enabled, budget
        assert [p.name for p in table.policies] == ["owner_only"], budget
