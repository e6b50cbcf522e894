"""SQLite (drizzle-orm/sqlite-core, issue 15): the config's dialect, the builders' edge cases the
fixture (fixtures/sqlite-app, held against drizzle-kit by tests/test_oracle.py) cannot show,
history from SQLite snapshots, and the commands that have nothing to say for SQLite."""

from __future__ import annotations

import json
import textwrap
from pathlib import Path

import pytest
from click.testing import CliRunner

from drizzle_doc.cli import cli
from drizzle_doc.drizzle.extract import extract
from drizzle_doc.project.config import load_projects

REPO = Path(__file__).resolve().parents[1]
APP = REPO / "fixtures" / "sqlite-app"


def write(root: Path, files: dict[str, str]) -> Path:
    for rel, text in files.items():
        p = root / rel
        p.parent.mkdir(parents=True, exist_ok=True)
        p.write_text(textwrap.dedent(text).lstrip("\n"), encoding="utf-8")
    return root


def project(root: Path):
    projects = load_projects(root)
    assert len(projects) == 1
    return projects[0]


SCHEMA = """
import { sql } from "drizzle-orm";
import { sqliteTable, integer, text, index, primaryKey } from "drizzle-orm/sqlite-core";
export const notes = sqliteTable("notes", {
  id: integer("id").primaryKey({ autoIncrement: true }),
  body: text("body").notNull(),
  seenAt: integer("seen_at", { mode: "timestamp_ms" }).defaultNow(),
});
"""


@pytest.mark.parametrize("config, dialect", [
    ('{ dialect: "sqlite", schema: "./src/schema.ts" }', "sqlite"),
    ('{ dialect: "turso", schema: "./src/schema.ts" }', "sqlite"),
    ('{ dialect: "sqlite", driver: "d1-http", schema: "./src/schema.ts" }', "sqlite"),
    ('{ dialect: "sqlite", driver: "expo", schema: "./src/schema.ts" }', "sqlite"),
    ('{ driver: "better-sqlite", schema: "./src/schema.ts" }', "sqlite"),
    ('{ driver: "libsql", schema: "./src/schema.ts" }', "sqlite"),
    ('{ driver: "turso", schema: "./src/schema.ts" }', "sqlite"),
    ('{ schema: "./src/schema.ts" }', "postgresql"),
])
def test_the_config_names_the_dialect(tmp_path: Path, config: str, dialect: str):
    write(tmp_path, {"drizzle.config.ts": f"export default {config};\n", "src/schema.ts": SCHEMA})
    p = project(tmp_path)
    assert p.dialect == dialect
    assert p.sql_dialect.name == dialect
    if dialect == "sqlite":
        t = extract(p).tables[0]
        assert (t.key, t.columns[0].autoincrement, t.columns[2].default) == (
            "main.notes", True, "(cast((julianday('now') - 2440587.5)*86400000 as integer))")


@pytest.mark.parametrize("dialect", ["singlestore", "mssql", "gel", "cockroach"])
def test_an_unsupported_dialect_is_one_error_line_exit_2_and_nothing_written(tmp_path: Path, dialect: str):
    write(tmp_path, {"drizzle.config.ts": f'export default {{\n  dialect: "{dialect}",\n  schema: "./src/schema.ts",\n}};\n',
                     "src/schema.ts": SCHEMA})
    before = sorted(p.relative_to(tmp_path) for p in tmp_path.rglob("*"))
    for command in (["generate"], ["inspect"], ["check"]):
        result = CliRunner().invoke(cli, [*command, "--root", str(tmp_path)])
        assert result.exit_code == 2, result.output
        lines = [line for line in result.output.splitlines() if line.strip()]
        assert len(lines) == 1, result.output
        assert f"drizzle.config.ts:2: dialect '{dialect}' is not supported" in lines[0]
        assert "sqlite" in lines[0] and "Traceback" not in result.output
    assert sorted(p.relative_to(tmp_path) for p in tmp_path.rglob("*")) == before


def test_sqlite_builder_rules_drizzle_kit_applies(tmp_path: Path):
    write(tmp_path, {"drizzle.config.ts": 'export default { dialect: "sqlite", schema: "./src/schema.ts" };\n',
                     "src/schema.ts": """
        import { sql } from "drizzle-orm";
        import { sqliteTable, integer, text, index, unique, primaryKey } from "drizzle-orm/sqlite-core";
        export const a = sqliteTable("a", {
          id: integer().primaryKey(),
          code: text({ length: 8 }).unique(),
          kind: text({ enum: ["x", "y"] }),
          meta: text({ mode: "json" }).default([1, "two"]),
          calc: integer().generatedAlwaysAs(sql`1 + 1`),
        }, (t) => [
          index("").on(t.kind),
          unique().on(t.kind, t.code),
        ]);
        export const b = sqliteTable("b", { k: text().notNull() }, (t) => [primaryKey({ columns: [t.k] })]);
        """})
    schema = extract(project(tmp_path))
    a, b = schema.tables
    cols = {c.name: c for c in a.columns}
    assert cols["code"].type == "text(8)" and cols["id"].autoincrement is False and cols["id"].primary_key
    assert cols["kind"].enum_values == ("x", "y") and cols["kind"].enum is None
    assert cols["meta"].default == "'[1,\"two\"]'"
    assert (cols["calc"].generated.expression, cols["calc"].generated.type) == ("(1 + 1)", "virtual")
    # uniques are unique indexes in drizzle-kit's SQLite snapshot: the column's first, unique().on() last
    assert [(ix.name, ix.unique) for ix in a.indexes] == [("a_code_unique", True), ("a_kind_code_unique", True)]
    assert a.uniques == ()
    assert any("index on table 'a' has no name" in d.message and d.line == 10 for d in schema.diagnostics)
    # a one-column primaryKey({ columns }) is the column's own key
    assert b.columns[0].primary_key and not b.primary_key.composite and b.pk_columns == ("k",)
    data = json.loads(CliRunner().invoke(cli, ["inspect", "--root", str(tmp_path), "--format", "json"]).output)
    assert data["dialect"] == "sqlite" and data["tables"][0]["schema"] == "main"
    assert data["tables"][0]["columns"][2]["enumValues"] == ["x", "y"]


D1 = REPO / "fixtures" / "sqlite-d1"


def test_generate_then_check_is_clean_and_a_model_change_is_drift(tmp_path: Path):
    import shutil

    root = tmp_path / "d1"
    shutil.copytree(D1, root)
    run = CliRunner()
    assert run.invoke(cli, ["generate", "--root", str(root), "--no-cache"]).exit_code == 0
    result = run.invoke(cli, ["check", "--root", str(root), "--no-cache", "--format", "json"])
    assert result.exit_code == 0, result.output
    assert not [f for f in json.loads(result.output)["findings"] if f["rule"].startswith(("drift", "migration"))]
    schema = root / "src" / "schema.ts"
    schema.write_text(schema.read_text().replace("country: text({ length: 2 }),",
                                                 "country: text({ length: 2 }),\n    referrer: text(),"))
    result = run.invoke(cli, ["check", "--root", str(root), "--no-cache", "--format", "json"])
    assert result.exit_code == 1
    found = json.loads(result.output)["findings"]
    assert any("referrer" in f["message"] and f["table"] == "main.shortener_clicks" for f in found), found


def test_history_comes_from_the_sqlite_snapshots():
    result = CliRunner().invoke(cli, ["migrations", "--root", str(D1), "--format", "json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    changes = [(c["kind"], c["summary"]) for m in data["migrations"] for c in m["changes"]]
    assert ("column.added", "column expires_at added (integer)") in changes
    assert ("table.created", "table shortener_clicks created") in changes
    assert not data["diagnostics"]


def test_sqlite_sql_without_a_snapshot_is_replayed_never_a_postgres_parse_error(tmp_path: Path):
    write(tmp_path, {"drizzle.config.ts": 'export default { dialect: "sqlite", schema: "./src/schema.ts", out: "./sql" };\n',
                     "src/schema.ts": SCHEMA,
                     "sql/0001_init.sql": "CREATE TABLE `notes` (\n\t`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL\n);\n"
                                          "--> statement-breakpoint\nCREATE INDEX `x` ON `notes` (`id`);\n"})
    result = CliRunner().invoke(cli, ["migrations", "--root", str(tmp_path), "--format", "json"])
    assert result.exit_code == 1, result.output  # the models' table is in no migration: drift
    data = json.loads(result.output)
    assert data["diagnostics"] == []  # read with sqlglot's SQLite parser: nothing left unknown
    changes = [(c["kind"], c["summary"]) for m in data["migrations"] for c in m["changes"]]
    assert changes == [("table.created", "table notes created")]
    assert sorted((d["kind"], d.get("column") or d.get("index")) for d in data["drift"]) == [
        ("column.missing", "body"), ("column.missing", "seen_at"), ("index.extra", "x")]


def test_comments_sql_says_sqlite_has_no_comment_on(tmp_path: Path):
    out = tmp_path / "comments.sql"
    result = CliRunner().invoke(cli, ["comments-sql", "--root", str(APP), "--output", str(out)])
    assert result.exit_code == 2
    lines = [line for line in result.output.splitlines() if line.strip()]
    assert len(lines) == 1 and "SQLite has no COMMENT ON" in lines[0], result.output
    assert not out.exists()


def test_sqlite_pages_say_what_holds_for_sqlite(tmp_path: Path):
    from drizzle_doc.commands.generate import render_project

    p = project(APP)
    pages = render_project(p, extract(p))
    tasks = next(text for path, text in pages.items() if path.endswith("tasks.md"))
    assert "# tasks" in tasks and "main." not in tasks.replace("main.ts", "")
    for pg_only in ("TOAST", "pg-core", "COMMENT ON", "logical replication", "jsonb", "::"):
        assert pg_only not in "".join(pages.values()), pg_only
    assert 'import { alias } from "drizzle-orm/sqlite-core";' in tasks
    assert "PRAGMA foreign_keys = ON" in tasks and "INTEGER PRIMARY KEY" in tasks and "STRICT" in tasks
    assert "GENERATED ALWAYS AS `(length(\"title\"))` VIRTUAL" in tasks
    projects = next(text for path, text in pages.items() if path.endswith("/projects.md") or path == "projects.md")
    assert "GENERATED ALWAYS AS `(lower(replace(name, ' ', '-')))` STORED" in projects
    assert "overflow pages" in projects


def test_verify_on_a_missing_sqlite_file_is_a_clear_error_and_creates_nothing(tmp_path: Path):
    result = CliRunner().invoke(cli, ["verify", "--root", str(APP), "--database-url", f"file:{tmp_path}/app.db"])
    assert result.exit_code == 2
    assert result.output.strip().splitlines() == [
        f"drizzle-doc: error: no SQLite database at file:{tmp_path}/app.db: the file does not exist "
        "(verify opens an existing file read-only and never creates one)"]
    assert "Traceback" not in result.output and not (tmp_path / "app.db").exists()
