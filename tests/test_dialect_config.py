"""Which dialect a config names, and how a dialect without named schemas is shown (issue 15, the
corpus of tests/corpus/README.md).

- every ``driver`` of an old config (no ``dialect``) names its dialect, per project in a monorepo;
  a ``driver`` beside a ``dialect`` is never read (a run-time choice there is no problem);
- an unsupported dialect or an unknown driver is one line naming the config file and line, exit 2,
  and nothing written, in every command and also when only one project of a monorepo has it;
- MySQL (the connection's database) and SQLite (``main``) have no schema users name: pages, the
  index, diagrams, DBML, drift messages and the migrations text name their tables bare, while the
  model keys (``main.users``, the ``inspect``/``check`` JSON) stay as they are.
"""

from __future__ import annotations

import json
import shutil
import textwrap
from pathlib import Path

import pytest
from click.testing import CliRunner

from drizzle_doc.cli import cli
from drizzle_doc.dialects import get_dialect
from drizzle_doc.project.config import load_projects

REPO = Path(__file__).resolve().parents[1]
FIXTURES = REPO / "fixtures"

SQLITE_SCHEMA = """
import { sqliteTable, integer, text } from "drizzle-orm/sqlite-core";
export const notes = sqliteTable("notes", { id: integer("id").primaryKey(), body: text("body") });
"""
MYSQL_SCHEMA = """
import { mysqlTable, int, varchar } from "drizzle-orm/mysql-core";
export const notes = mysqlTable("notes", { id: int("id").primaryKey(), body: varchar("body", { length: 80 }) });
"""
PG_SCHEMA = """
import { pgTable, integer, text } from "drizzle-orm/pg-core";
export const notes = pgTable("notes", { id: integer("id").primaryKey(), body: text("body") });
"""


def write(root: Path, files: dict[str, str]) -> Path:
    for rel, text in files.items():
        p = root / rel
        p.parent.mkdir(parents=True, exist_ok=True)
        p.write_text(textwrap.dedent(text).lstrip("\n"), encoding="utf-8")
    return root


def invoke(*args: str):
    return CliRunner().invoke(cli, list(args))


def tree(root: Path) -> list[Path]:
    return sorted(p.relative_to(root) for p in root.rglob("*"))


# --- the dialect a config names ---------------------------------------------------------------

#: (package folder, config body, the schema it declares, the dialect drizzle-kit reads it as)
MONOREPO = [
    ("mysql2", '{ driver: "mysql2", schema: "./s.ts" }', MYSQL_SCHEMA, "mysql"),
    ("better-sqlite", '{ driver: "better-sqlite", schema: "./s.ts" }', SQLITE_SCHEMA, "sqlite"),
    ("libsql", '{ driver: "libsql", schema: "./s.ts" }', SQLITE_SCHEMA, "sqlite"),
    ("turso", '{ driver: "turso", schema: "./s.ts" }', SQLITE_SCHEMA, "sqlite"),
    ("d1-http", '{ driver: "d1-http", schema: "./s.ts" }', SQLITE_SCHEMA, "sqlite"),
    ("expo", '{ driver: "expo", schema: "./s.ts" }', SQLITE_SCHEMA, "sqlite"),
    ("durable-sqlite", '{ driver: "durable-sqlite", schema: "./s.ts" }', SQLITE_SCHEMA, "sqlite"),
    ("dialect-turso", '{ dialect: "turso", schema: "./s.ts" }', SQLITE_SCHEMA, "sqlite"),
    ("old-pg", '{ driver: "pg", schema: "./s.ts" }', PG_SCHEMA, "postgresql"),
    ("none", '{ schema: "./s.ts" }', PG_SCHEMA, "postgresql"),
]


def test_each_project_of_a_monorepo_has_the_dialect_of_its_own_config(tmp_path: Path):
    files = {}
    for folder, config, schema, _ in MONOREPO:
        files[f"packages/{folder}/drizzle.config.ts"] = f"export default {config};\n"
        files[f"packages/{folder}/s.ts"] = schema
    write(tmp_path, files)
    found = {p.root.name: p.dialect for p in load_projects(tmp_path)}
    assert found == {folder: dialect for folder, _, _, dialect in MONOREPO}

    result = invoke("inspect", "--format", "json", "--root", str(tmp_path))
    assert result.exit_code == 0, result.output
    projects = json.loads(result.stdout)["projects"]
    assert len(projects) == len(MONOREPO)
    by_dialect = {}
    for p in projects:
        [notes] = p["tables"]
        by_dialect.setdefault(p["dialect"], set()).add((notes["schema"], notes["columns"][1]["type"]))
    # each read with its own dialect's builders: body is varchar(80) only in MySQL
    assert by_dialect == {"mysql": {("public", "varchar(80)")}, "sqlite": {("main", "text")},
                          "postgresql": {("public", "text")}}


def test_a_driver_beside_a_dialect_is_not_read(tmp_path: Path):
    # a D1 worker picks its driver at run time; the dialect is static, and that is all drizzle-doc needs
    write(tmp_path, {"drizzle.config.ts": """
        export default {
          dialect: "sqlite",
          driver: process.env.DATABASE_URL ? undefined : "d1-http",
          schema: "./s.ts",
        };
        """, "s.ts": SQLITE_SCHEMA})
    [project] = load_projects(tmp_path)
    assert project.dialect == "sqlite"
    assert [d.message for d in project.diagnostics if d.code == "config"] == []


def test_a_run_time_driver_without_a_dialect_is_still_said(tmp_path: Path):
    write(tmp_path, {"drizzle.config.ts": 'export default { driver: process.env.D, schema: "./s.ts" };\n',
                     "s.ts": PG_SCHEMA})
    [project] = load_projects(tmp_path)
    assert project.dialect == "postgresql"
    assert any(d.code == "config" and "`driver`" in d.message for d in project.diagnostics)


# --- what cannot be documented: one line, exit 2, nothing written -----------------------------

@pytest.mark.parametrize("config, line, words", [
    ('{\n  dialect: "singlestore",\n  schema: "./s.ts",\n}', 2, "dialect 'singlestore' is not supported"),
    ('{\n  dialect: "mssql",\n  schema: "./s.ts",\n}', 2, "dialect 'mssql' is not supported"),
    ('{\n  dialect: "gel",\n  schema: "./s.ts",\n}', 2, "dialect 'gel' is not supported"),
    ('{\n  schema: "./s.ts",\n  dialect: "oracle",\n}', 3, "dialect 'oracle' is not supported"),
    ('{\n  schema: "./s.ts",\n  driver: "planetscale-http",\n}', 3,
     "driver 'planetscale-http' names no dialect drizzle-doc knows"),
])
def test_what_cannot_be_documented_is_one_line_exit_2_and_nothing_written(tmp_path: Path, config: str, line: int,
                                                                           words: str):
    write(tmp_path, {"drizzle.config.ts": f"export default {config};\n", "s.ts": PG_SCHEMA})
    before = tree(tmp_path)
    for command in (["generate"], ["inspect"], ["inspect", "--format", "json"], ["check"], ["migrations"]):
        result = invoke(*command, "--root", str(tmp_path))
        assert result.exit_code == 2, (command, result.output)
        lines = [x for x in result.output.splitlines() if x.strip()]
        assert len(lines) == 1, (command, result.output)
        assert f"drizzle.config.ts:{line}: {words}" in lines[0]
        assert "mysql, postgresql, sqlite" in lines[0] and "Traceback" not in result.output
    assert tree(tmp_path) == before


def test_one_unsupported_project_in_a_monorepo_stops_the_run_before_anything_is_written(tmp_path: Path):
    write(tmp_path, {"apps/web/drizzle.config.ts": 'export default { dialect: "sqlite", schema: "./s.ts" };\n',
                     "apps/web/s.ts": SQLITE_SCHEMA,
                     "apps/edge/drizzle.config.ts": 'export default {\n  dialect: "singlestore",\n  schema: "./s.ts",\n};\n',
                     "apps/edge/s.ts": PG_SCHEMA})
    before = tree(tmp_path)
    result = invoke("generate", "--root", str(tmp_path))
    assert result.exit_code == 2
    assert [x for x in result.output.splitlines() if x.strip()] == [
        x for x in result.output.splitlines() if "apps/edge/drizzle.config.ts:2: dialect 'singlestore'" in x]
    assert tree(tmp_path) == before


# --- no default-schema heading or prefix where users never name one ---------------------------

def _copy(fixture: str, dest: Path) -> Path:
    shutil.copytree(FIXTURES / fixture, dest, ignore=shutil.ignore_patterns("node_modules", "docs"))
    return dest


def test_sqlite_tables_are_named_bare_in_pages_dbml_drift_and_history_but_keyed_main(tmp_path: Path):
    root = _copy("sqlite-d1", tmp_path / "d1")
    schema = root / "src" / "schema.ts"
    schema.write_text(schema.read_text(encoding="utf-8") + textwrap.dedent("""
        /** Added after the last migration. */
        export const tags = table("tags", { id: integer().primaryKey() });
        """), encoding="utf-8")
    result = invoke("generate", "--root", str(root))
    assert result.exit_code == 0, result.output
    index = next(root.rglob("README.md")).read_text(encoding="utf-8")
    assert "### Schema" not in index and "main." not in index
    assert "| **shortener_tags** |" in index

    dbml = invoke("inspect", "--format", "dbml", "--root", str(root)).stdout
    assert "Table shortener_tags {" in dbml and "main." not in dbml

    payload = json.loads(invoke("inspect", "--format", "json", "--root", str(root)).stdout)
    assert {t["schema"] for t in payload["tables"]} == {"main"}  # the JSON contract keeps the key
    drift = [d for d in payload["drift"] if d["kind"] == "table.missing"]
    assert [(d["table"], d["message"]) for d in drift] == [
        ("main.shortener_tags", "table shortener_tags is in the models but in no migration")]

    history = invoke("migrations", "--root", str(root)).stdout
    assert "    shortener_links: table shortener_links created" in history and "main." not in history


def test_mysql_default_database_has_no_heading_and_comes_before_a_mysql_schema(tmp_path: Path):
    write(tmp_path, {"drizzle.config.ts": 'export default { dialect: "mysql", schema: "./s.ts" };\n', "s.ts": """
        import { mysqlTable, mysqlSchema, int } from "drizzle-orm/mysql-core";
        export const archive = mysqlSchema("archive");
        export const zebras = mysqlTable("zebras", { id: int("id").primaryKey() });
        export const old = archive.table("old_zebras", { id: int("id").primaryKey() });
        """})
    result = invoke("generate", "--root", str(tmp_path))
    assert result.exit_code == 0, result.output
    index = next(tmp_path.rglob("README.md")).read_text(encoding="utf-8")
    tables = index.split("<!-- drizzle-doc:begin tables -->", 1)[1].split("<!-- drizzle-doc:end tables -->")[0]
    assert "public" not in tables
    # the connection's own tables first, without a heading; then the other database, headed
    assert tables.index("**zebras**") < tables.index("### Schema `archive`") < tables.index("**old_zebras**")


def test_postgresql_keeps_its_public_heading_and_prefix(tmp_path: Path):
    write(tmp_path, {"drizzle.config.ts": 'export default { dialect: "postgresql", schema: "./s.ts" };\n',
                     "s.ts": PG_SCHEMA})
    assert invoke("generate", "--root", str(tmp_path)).exit_code == 0
    assert "### Schema `public`" in next(tmp_path.rglob("README.md")).read_text(encoding="utf-8")
    assert get_dialect("postgresql").shown_key("public.notes") == "public.notes"
    assert get_dialect("sqlite").shown_key("main.notes") == "notes"
    assert (get_dialect("mysql").shown_key("public.notes"), get_dialect("mysql").shown_key("archive.t")) == (
        "notes", "archive.t")
