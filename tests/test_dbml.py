"""``inspect --format dbml``: every fixture's DBML parsed by the pinned ``@dbml/core`` (the parser of
dbdiagram.io and dbdocs, tests/oracle/dbml-parse.js) and what it understood held against
drizzle-doc's own model: tables, columns (type, pk, not null, unique, increment, default, note),
indexes (composite keys and table-level uniques among them), refs with their actions, enums and
table groups.  Any parse error fails.  Plus a golden per fixture folder
(tests/golden/fixtures/<name>/export/inspect.dbml) and unit tests of the escaping.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent / "oracle"))

from harness import FixtureProject, ORACLE_DIR, discover  # noqa: E402
from test_export_sql import FIXTURES, GOLDEN, NAMES, _inspect, _project, check_golden  # noqa: E402

from drizzle_doc.commands.export import table_groups  # noqa: E402
from drizzle_doc.dialects import dialect_for  # noqa: E402
from drizzle_doc.drizzle.extract import extract  # noqa: E402
from drizzle_doc.model import Column, Doc, Enum, Schema, Table  # noqa: E402
from drizzle_doc.output.dbml import render_dbml  # noqa: E402
from drizzle_doc.project.config import load_projects  # noqa: E402

PROJECTS = discover()
PARSER = ORACLE_DIR / "dbml-parse.js"
DBML_CORE = ORACLE_DIR / "node_modules" / "@dbml" / "core"


def parse(text: str, tmp: Path) -> dict:
    if shutil.which("node") is None or not DBML_CORE.is_dir():
        reason = "node or tests/oracle/node_modules/@dbml/core missing (npm ci --prefix tests/oracle)"
        if os.environ.get("CI"):
            pytest.fail(reason)
        pytest.skip(reason)
    path = tmp / "schema.dbml"
    path.write_text(text, encoding="utf-8")
    proc = subprocess.run(["node", str(PARSER), str(path)], capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, f"@dbml/core rejects the DBML: {proc.stdout}{proc.stderr}\n---\n{text}"
    return json.loads(proc.stdout)


# ---------------------------------------------------------------------------
# What @dbml/core read, against the model (written independently of output/dbml.py)
# ---------------------------------------------------------------------------


def expected_type(c: Column) -> str:
    if c.enum:
        schema, name = c.enum.split(".", 1)
        if c.type in (c.enum, name):
            return name if schema == "public" else c.enum
    return c.type


def default_matches(sql: str | None, parsed: dict | None) -> bool:
    if parsed is None:
        return sql is None
    if sql is None:
        return False
    kind, value = parsed["type"], parsed["value"]
    if kind == "expression":  # backtick-quoted names (MySQL, SQLite) are written with double quotes
        return value == sql.strip().replace("`", '"')
    if kind == "string":
        return "'" + str(value).replace("'", "''") + "'" == sql.strip()
    if kind == "number":
        return float(value) == float(sql)
    if kind == "boolean":
        return str(value).lower() == sql.strip().lower()
    return value is None and sql.strip().lower() == "null"


class Facts:
    def __init__(self) -> None:
        self.count = 0
        self.wrong: list[str] = []

    def eq(self, where: str, ours, theirs) -> None:
        self.count += 1
        if ours != theirs:
            self.wrong.append(f"{where}: model {ours!r}, @dbml/core read {theirs!r}")


def compare(schema: Schema, parsed: dict, groups=()) -> Facts:
    f = Facts()
    # a table without a schema is in DBML's `public`: the dialect's default schema (SQLite's `main`)
    default = dialect_for(schema.dialect).default_schema
    for r in parsed["refs"]:
        for e in r["endpoints"]:
            e["schema"] = default if e["schema"] == "public" else e["schema"]
    tables = {f"{default if t['schema'] == 'public' else t['schema']}.{t['name']}": t for t in parsed["tables"]}
    f.eq("tables", sorted(t.key for t in schema.tables), sorted(tables))
    for table in schema.tables:
        got = tables.get(table.key)
        if got is None:
            continue
        f.eq(f"{table.key} note", table.description.text.strip() or None, got["note"])
        f.eq(f"{table.key} columns", [c.name for c in table.columns], [c["name"] for c in got["columns"]])
        for c, g in zip(table.columns, got["columns"]):
            w = f"{table.key}.{c.name}"
            f.eq(f"{w} type", expected_type(c), g["type"])
            f.eq(f"{w} pk", c.primary_key, g["pk"])
            f.eq(f"{w} not null", c.not_null, g["notNull"])
            f.eq(f"{w} unique", c.unique, g["unique"])
            f.eq(f"{w} increment", c.identity is not None or c.type in ("serial", "smallserial", "bigserial"), g["increment"])
            f.count += 1
            if not default_matches(c.default, g["default"]):
                f.wrong.append(f"{w} default: model {c.default!r}, @dbml/core read {g['default']!r}")
            f.eq(f"{w} note", c.description.text.strip() or None, g["note"])
        want = []
        if table.primary_key is not None and table.primary_key.composite:
            want.append({"name": table.primary_key.name, "unique": False, "pk": True, "type": None,
                         "columns": [{"type": "column", "value": x} for x in table.primary_key.columns]})
        want += [{"name": u.name, "unique": True, "pk": False, "type": None,
                  "columns": [{"type": "column", "value": x} for x in u.columns]}
                 for u in table.uniques if not u.from_column]
        want += [{"name": ix.name, "unique": ix.unique, "pk": False, "type": ix.method,
                  "columns": [{"type": "expression" if x.is_expression else "column", "value": x.expression.replace("`", "\"") if x.is_expression else x.expression}
                              for x in ix.columns]} for ix in table.indexes]
        key = lambda ix: (ix["name"] or "", json.dumps(ix, sort_keys=True))  # noqa: E731
        # @dbml/core lists an index's expressions before its columns: compare columns as sets
        norm = lambda ixs: sorted(({**ix, "columns": sorted(ix["columns"], key=json.dumps)} for ix in ixs), key=key)  # noqa: E731
        f.eq(f"{table.key} indexes", norm(want), norm(got["indexes"]))
    want_refs = sorted(
        json.dumps({"name": fk.name, "onDelete": fk.on_delete, "onUpdate": fk.on_update, "endpoints": [
            {"schema": t.schema, "table": t.name, "columns": list(fk.columns), "relation": "*"},
            {"schema": fk.foreign_schema, "table": fk.foreign_table, "columns": list(fk.foreign_columns), "relation": "1"}]},
            sort_keys=True)
        for t in schema.tables for fk in t.foreign_keys)
    got_refs = sorted(json.dumps(r, sort_keys=True) for r in parsed["refs"])
    f.count += len(want_refs) - 1
    f.eq("refs", want_refs, got_refs)
    f.eq("enums", sorted((e.schema, e.name, list(e.values)) for e in schema.enums),
         sorted((e["schema"], e["name"], e["values"]) for e in parsed["enums"]))
    f.eq("groups", sorted((n, sorted(k)) for n, k, _ in groups if k), sorted((g["name"], sorted(g["tables"])) for g in parsed["groups"]))
    return f


@pytest.mark.oracle
@pytest.mark.parametrize("fixture", PROJECTS, ids=[f.id for f in PROJECTS])
def test_dbml_parses_and_states_the_model(fixture: FixtureProject, tmp_path: Path):
    project = _project(fixture)
    schema = extract(project)
    parsed = parse(render_dbml(schema, fixture.id), tmp_path)
    facts = compare(schema, parsed)
    print(f"{fixture.id}: {facts.count} DBML facts round-tripped, {len(facts.wrong)} wrong")
    assert not facts.wrong, "\n".join(facts.wrong)
    assert facts.count > 0


def test_table_groups_from_drizzle_doc_toml(tmp_path: Path):
    work = tmp_path / "example"
    shutil.copytree(FIXTURES / "example", work, ignore=shutil.ignore_patterns("node_modules", "docs"))
    (work / "drizzle-doc.toml").write_text(
        '[groups.auth]\ntables = ["users", "sessions", "nope"]\ndescription = "Sign-in: \'users\' and sessions"\n'
        '[groups."work items"]\ntables = ["public.tasks", "comments"]\n', encoding="utf-8")
    (project,) = load_projects(work)
    schema = extract(project)
    groups = table_groups(schema, project.settings)
    assert groups == [("auth", ["public.users", "public.sessions"], "Sign-in: 'users' and sessions"),
                      ("work items", ["public.tasks", "public.comments"], "")]
    text = render_dbml(schema, "example", groups)
    assert "TableGroup auth [note: 'Sign-in: \\'users\\' and sessions'] {\n  users\n  sessions\n}" in text
    assert 'TableGroup "work items" {' in text
    parsed = parse(text, tmp_path)
    facts = compare(schema, parsed, groups)
    assert not facts.wrong, "\n".join(facts.wrong)


def test_names_notes_and_defaults_are_escaped(tmp_path: Path):
    odd = Table(name="odd table", schema="my schema", columns=(
        Column("it's", "x", "text", default="'a\\b ''q'' `t`'", description=Doc("Line one\nline 'two' \\ end")),
        Column("n", "n", "numeric(10, 2)", default="-1.5"),
        Column("e", "e", "my schema.mood[]", enum="my schema.mood", default="'{}'::\"my schema\".mood[]"),
        Column("b", "b", "boolean", default="TRUE"),
        Column("t", "t", "text", default="'x' || `y`"),  # a DBML expression cannot hold a backtick
    ), description=Doc('A "quoted" note'))
    schema = Schema(tables=(odd,), enums=(Enum("mood", ("a b", 'say "hi"', "back\\slash"), "my schema", description=Doc("Feelings.\nTwo lines.")),))
    text = render_dbml(schema, "odd project")
    assert "// Feelings.\n// Two lines.\nEnum \"my schema\".mood {" in text
    assert "default: `'{}'::\"my schema\".mood[]`" in text
    assert "default: true" in text and "default: -1.5" in text
    assert '"it\'s" text [default: \'a\\\\b \\\'q\\\' `t`\', note: \'Line one\\nline \\\'two\\\' \\\\ end\']' in text
    parsed = parse(text, tmp_path)
    facts = compare(schema, parsed)
    assert not facts.wrong, "\n".join(facts.wrong)
    assert parsed["tables"][0]["columns"][4]["default"] == {"type": "expression", "value": "'x' || \"y\""}


@pytest.mark.parametrize("name", NAMES)
def test_dbml_golden(name):
    result = _inspect("dbml", name)
    assert result.exit_code in (0, 1), result.output
    check_golden(GOLDEN / name / "export" / "inspect.dbml", result.stdout)


def test_several_projects_are_one_document_each_with_a_header():
    out = _inspect("dbml", "monorepo").stdout
    docs = out.split("// drizzle-doc project: ")
    assert docs[0] == "" and [d.splitlines()[0] for d in docs[1:]] == [
        "packages/a (drizzle.config.mjs)", "packages/b (drizzle.config.ts)"]
    assert all("\nProject " in d for d in docs[1:])
