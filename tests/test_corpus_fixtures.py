"""The failures found on real projects (tests/corpus/README.md, issues 15 and 16), as fixtures.

Each fixture under fixtures/corpus-*/, or written into tmp_path by its test (the later ones, from
the MySQL/SQLite corpus), reproduces in a few files written for it one cause that lost tables,
columns or defaults on public projects. Each test states what drizzle-kit does with
the same files and is marked xfail(strict=True) until drizzle-doc does the same: the fix
flips it to a pass, and strict makes that pass fail the suite until the mark is removed.
The last test of each pair pins today's behaviour, so the reproducer cannot rot silently.
The first three (causes 2, 3 and 5) pass since the discovery of issue 16, whose other cases
are in tests/test_discovery.py.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
FIXTURES = REPO / "fixtures"


def inspect(fixture: str) -> list[dict]:
    """`inspect --format json` run at the fixture's root, as a user at the repository root would;
    the projects it found (one or several)."""
    done = subprocess.run([sys.executable, "-m", "drizzle_doc", "inspect", "--format", "json"],
                          cwd=FIXTURES / fixture, capture_output=True, text=True, timeout=120)
    assert done.returncode in (0, 1), done.stderr
    assert "Traceback" not in done.stderr
    payload = json.loads(done.stdout)
    return payload["projects"] if "projects" in payload else [payload]


def codes(project: dict) -> set[str]:
    return {d["code"] for d in project["diagnostics"]}


def table(project: dict, name: str) -> dict:
    return next(t for t in project["tables"] if t["name"] == name)


# --- 1. `--config` run from a package sub-folder (dokploy, lightfast) -------------------------

def test_config_in_subfolder_resolves_from_the_scripts_folder():
    [project] = inspect("corpus-config-subfolder")
    signups = table(project, "signups")
    assert [c["name"] for c in signups["columns"]] == ["id", "email", "created_at", "updated_at"]
    assert "no-schema-files" not in codes(project)
    assert project["migrationsFolder"] is not None and project["migrationsFolder"].endswith("drizzle")
    assert signups["migrations"]["created"]["tag"] == "0000_init"


# --- 2. a workspace package imported by name (Zero, lightfast) --------------------------------

def test_workspace_package_import_is_followed():
    [project] = inspect("corpus-workspace-import")
    prefs = next(c for c in table(project, "user_prefs")["columns"] if c["name"] == "prefs")
    assert prefs["default"] == "'{\"theme\":\"dark\",\"digest\":true}'::jsonb"
    assert "dynamic-default" not in codes(project)


# --- 3. one project below a monorepo root (Zero, midday, openstatus, unkey, terminal) ---------

def test_monorepo_project_root_is_named_from_the_run_folder():
    [project] = inspect("corpus-monorepo-root")
    assert project["project"]["root"] == "packages/db"
    assert [t["name"] for t in project["tables"]] == ["counters"]
    assert table(project, "counters")["file"] == "src/schema.ts"  # the model's paths: from its root


# --- causes found on the MySQL/SQLite corpus (tests/corpus/README.md, triage 9-15) --------------
# Small projects written into tmp_path here (no project code); each xfail states what drizzle-kit
# (or, without a config, its users) would get, and its pair pins today's behaviour.

import textwrap  # noqa: E402

from click.testing import CliRunner  # noqa: E402

from drizzle_doc.cli import cli  # noqa: E402
from drizzle_doc.project.config import load_projects  # noqa: E402


def write(root: Path, files: dict[str, str]) -> Path:
    for rel, text in files.items():
        p = root / rel
        p.parent.mkdir(parents=True, exist_ok=True)
        p.write_text(textwrap.dedent(text).lstrip("\n"), encoding="utf-8")
    return root


def inspect_at(root: Path, *args: str) -> list[dict]:
    """`inspect --format json --root ROOT [args]`, in process; the projects it found."""
    result = CliRunner().invoke(cli, ["inspect", "--format", "json", "--root", str(root), *args])
    assert result.exit_code in (0, 1), result.output
    payload = json.loads(result.stdout)
    return payload["projects"] if "projects" in payload else [payload]


# 9. column helpers as object getters (sst/console: 55 columns, terminal: 12) -- TS evaluation.
# `...ids` spreads the getters' values, as JavaScript does: drizzle-kit 0.31.11 (checked with the
# pinned oracle) creates `id` and `account_id` and names the key ticket_account_id_id_pk.
GETTERS = {
    "drizzle.config.ts": 'export default { dialect: "mysql", schema: "./src/*.sql.ts" };\n',
    "src/util.ts": """
        import { char } from "drizzle-orm/mysql-core";
        export const ulid = (name: string) => char(name, { length: 30 });
        export const ids = {
          get id() {
            return ulid("id").notNull();
          },
          get accountID() {
            return ulid("account_id").notNull();
          },
        };
        """,
    "src/ticket.sql.ts": """
        import { mysqlTable, primaryKey, varchar } from "drizzle-orm/mysql-core";
        import { ids } from "./util";
        export const ticket = mysqlTable("ticket", {
          ...ids,
          title: varchar("title", { length: 120 }).notNull(),
        }, (t) => [primaryKey({ columns: [t.accountID, t.id] })]);
        """,
}


def test_object_getter_columns_are_read(tmp_path: Path):
    """A getter in an object literal (`get id() { return … }`) is evaluated when the object is
    spread or read, as JavaScript does (issue 16: no column lost)."""
    [project] = inspect_at(write(tmp_path, GETTERS))
    ticket = table(project, "ticket")
    assert [(c["name"], c["type"], c["notNull"]) for c in ticket["columns"]] == [
        ("id", "char(30)", True), ("account_id", "char(30)", True), ("title", "varchar(120)", True)]
    assert ticket["primaryKey"] == {"name": "ticket_account_id_id_pk", "columns": ["account_id", "id"]}
    assert "unknown-column" not in codes(project)


# 10. a column helper imported from a workspace package that is not followed (un/inbox: 32 columns
# of 42 tables, and 7 mysqlEnum value lists) -- partial evaluation + workspace resolution. Issue 16:
# the column, its property and what is known stay; the unknown is marked, never dropped.
UNFOLLOWED_HELPER = {
    "drizzle.config.ts": 'export default { dialect: "mysql", schema: "./src/schema.ts" };\n',
    "src/schema.ts": """
        import { mysqlTable, serial, varchar, index } from "drizzle-orm/mysql-core";
        import { typeId } from "@acme/ids";
        export const accounts = mysqlTable("accounts", {
          id: serial("id").primaryKey(),
          publicId: typeId("accounts", "public_id").notNull(),
          email: varchar("email", { length: 255 }).notNull(),
        }, (t) => [index("public_id_idx").on(t.publicId)]);
        """,
}


def test_column_from_an_unfollowed_helper_is_kept_as_unknown(tmp_path: Path):
    """Issue 16: the column stays in the model (its property and place kept, its type unknown)."""
    [project] = inspect_at(write(tmp_path, UNFOLLOWED_HELPER))
    accounts = table(project, "accounts")
    assert [c["property"] for c in accounts["columns"]] == ["id", "publicId", "email"]
    public_id = accounts["columns"][1]
    assert public_id["type"] == "unknown" and "@acme/ids" in public_id["unknown"]["name"]["reason"]
    assert accounts["indexes"][0]["columns"] == ["publicId"]
    assert "unknown-column" in codes(project)


# 11. newer TypeScript syntax (openstatus: 7 files; unkey: 1 column) -- TS syntax.
TS_SYNTAX = {
    "drizzle.config.ts": 'export default { dialect: "sqlite", schema: "./src/schema.ts" };\n',
    "src/types.ts": "export type Meta = { source: string };\n",
    "src/schema.ts": """
        import { sqliteTable, integer, text } from "drizzle-orm/sqlite-core";
        export type * from "./types";
        export const events = sqliteTable("events", {
          id: integer("id").primaryKey(),
          meta: text("meta", { mode: "json" }).$type<import("./types").Meta>(),
        });
        """,
}


def test_type_only_syntax_is_read(tmp_path: Path):
    """Issue 16: `export type * from` (TS 5.0) and an import type in a generic are valid
    TypeScript: no syntax error, no lost column."""
    [project] = inspect_at(write(tmp_path, TS_SYNTAX))
    assert [c["name"] for c in table(project, "events")["columns"]] == ["id", "meta"]
    assert table(project, "events")["columns"][1]["tsType"] == 'import("./types").Meta'
    assert not codes(project) & {"syntax", "unknown-column"}


# 12. a barrel re-exporting a workspace package through tsconfig `paths` (dokploy, 67 tables) --
# monorepo resolution. drizzle-kit, run from apps/web, follows apps/web/tsconfig.json.
PATHS_BARREL = {
    "apps/web/tsconfig.json": '{ "compilerOptions": { "baseUrl": ".", "paths": { "@acme/server/*": '
                              '["../../packages/server/src/*"] } } }\n',
    "apps/web/server/db/drizzle.config.ts": 'export default { dialect: "postgresql", schema: "./schema/index.ts" };\n',
    "apps/web/server/db/schema/index.ts": 'export * from "@acme/server/db/schema";\n',
    "packages/server/src/db/schema/index.ts": """
        import { pgTable, uuid, text } from "drizzle-orm/pg-core";
        export const servers = pgTable("servers", { id: uuid("id").primaryKey(), name: text("name").notNull() });
        """,
}


def test_paths_barrel_is_followed_or_said(tmp_path: Path):
    [project] = inspect_at(write(tmp_path, PATHS_BARREL))
    said = [d for d in project["diagnostics"] if (d["file"] or "").endswith("schema/index.ts") and d["line"] == 1]
    assert [t["name"] for t in project["tables"]] == ["servers"] or said
    assert [t["name"] for t in project["tables"]] == ["servers"]  # followed (issue 16's discovery)


# 13. no drizzle.config, a sqlite-core schema (atidone: NuxtHub's D1) -- dialect/discovery.
NO_CONFIG_SQLITE = {
    "server/db/schema.ts": """
        import { sqliteTable, integer, text } from "drizzle-orm/sqlite-core";
        export const todos = sqliteTable("todos", { id: integer("id").primaryKey(), title: text("title").notNull() });
        """,
}


def test_no_config_dialect_comes_from_the_schema_imports(tmp_path: Path):
    root = write(tmp_path, NO_CONFIG_SQLITE)
    [project] = inspect_at(root, "--schema", str(root / "server/db/schema.ts"))
    assert project["dialect"] == "sqlite"
    assert [t["name"] for t in project["tables"]] == ["todos"]
    [note] = [d for d in project["diagnostics"] if d["code"] == "dialect"]
    assert note["severity"] == "info" and "drizzle-orm/sqlite-core" in note["message"]


# 14. the drizzle-kit generation of a SQLite/MySQL project on kit 1.0 (scorebrawl, phoenix) -- kit
# detection. Both say `"drizzle-kit": "catalog:"` (bun's `catalog` in the root package.json,
# pnpm's in pnpm-workspace.yaml); their newest snapshot is 1.0's folder layout, SQLite version "7"
# (1.0 PostgreSQL's is "8", which is all the snapshot check knows).
SQLITE_KIT1_SNAPSHOT = json.dumps({
    "version": "7", "dialect": "sqlite", "id": "3f0c9c1e-0000-4000-8000-000000000001",
    "prevIds": ["00000000-0000-0000-0000-000000000000"],
    "ddl": [{"name": "todos", "entityType": "tables"},
            {"table": "todos", "name": "id", "type": "integer", "notNull": False, "autoincrement": False,
             "default": None, "generated": None, "entityType": "columns"},
            {"table": "todos", "name": "todos_pk", "columns": ["id"], "nameExplicit": False, "entityType": "pks"}],
    "renames": []}, indent=2)
KIT1_SQLITE = {
    "package.json": '{ "name": "acme", "private": true, "workspaces": ["apps/*"], '
                    '"catalog": { "drizzle-kit": "1.0.0-rc.5", "drizzle-orm": "1.0.0-rc.5" } }\n',
    "apps/worker/package.json": '{ "name": "worker", "devDependencies": { "drizzle-kit": "catalog:" }, '
                                '"dependencies": { "drizzle-orm": "catalog:" } }\n',
    "apps/worker/drizzle.config.ts": 'export default { dialect: "sqlite", schema: "./src/s.ts", out: "./drizzle" };\n',
    "apps/worker/src/s.ts": """
        import { sqliteTable, integer } from "drizzle-orm/sqlite-core";
        export const todos = sqliteTable("todos", { id: integer("id").primaryKey() });
        """,
}


def test_kit_generation_from_a_catalog(tmp_path: Path):
    [project] = load_projects(write(tmp_path, KIT1_SQLITE))
    assert project.kit == "1"


def test_kit_generation_from_a_pnpm_named_catalog(tmp_path: Path):
    files = dict(KIT1_SQLITE)
    files["package.json"] = '{ "name": "acme", "private": true }\n'
    files["pnpm-workspace.yaml"] = ("packages:\n  - apps/*\ncatalogs:\n  kit1:\n"
                                    "    drizzle-kit: 1.0.0-rc.5\n    drizzle-orm: 1.0.0-rc.5\n")
    files["apps/worker/package.json"] = files["apps/worker/package.json"].replace('"catalog:"', '"catalog:kit1"')
    [project] = load_projects(write(tmp_path, files))
    assert (project.kit, project.kit_source) == ("1", "package.json")


def test_kit_generation_from_a_sqlite_kit1_snapshot(tmp_path: Path):
    files = {k: v for k, v in KIT1_SQLITE.items() if not k.endswith("package.json")}
    files["apps/worker/drizzle/20260101000000_init/snapshot.json"] = SQLITE_KIT1_SNAPSHOT
    files["apps/worker/drizzle/20260101000000_init/migration.sql"] = (
        "CREATE TABLE `todos` (\n\t`id` integer PRIMARY KEY\n);\n")
    [project] = load_projects(write(tmp_path, files))
    assert project.kit == "1"
