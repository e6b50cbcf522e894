"""drizzle-kit 1.0 (issue 14): the generation a project is on, kit 1.0's names and spelling, and
its migration folders and ``ddl`` snapshots (versions 8 and 9)."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from drizzle_doc.dialects.postgres import KIT_0, KIT_1
from drizzle_doc.dialects.postgres.kit1 import kit_hash, respell_default, shorten_foreign_key, trim_cast
from drizzle_doc.dialects.postgres.snapshot import load_snapshot
from drizzle_doc.project.config import load_projects
from drizzle_doc.project.kit import generation_of

FIXTURE = Path(__file__).resolve().parent.parent / "fixtures" / "kit1"


def run(*args, cwd=None):
    return subprocess.run([sys.executable, "-m", "drizzle_doc", *args], capture_output=True, text=True, cwd=cwd)


def test_generation_of_versions_and_ranges():
    assert generation_of("1.0.0-rc.5") == "1"
    assert generation_of("^1.0.0-beta.2") == "1"
    assert generation_of("npm:drizzle-kit@1.0.0-rc.5") == "1"
    assert generation_of("^0.31.4") == "0"
    assert generation_of("latest") is None and generation_of("workspace:*") is None and generation_of(3) is None


def _project(tmp_path, files: dict) -> Path:
    for rel, text in files.items():
        p = tmp_path / rel
        p.parent.mkdir(parents=True, exist_ok=True)
        p.write_text(text)
    (tmp_path / "server/src/models").mkdir(parents=True, exist_ok=True)
    return tmp_path


def test_kit_from_installed_then_declared_then_snapshot_then_default(tmp_path):
    (p,) = load_projects(_project(tmp_path / "a", {}))
    assert (p.kit, p.kit_source) == ("0", "default")
    (p,) = load_projects(_project(tmp_path / "b", {"drizzle/20250101000000_x/snapshot.json": '{"version": "9", "ddl": []}',
                                                   "drizzle/20250101000000_x/migration.sql": ""}))
    assert (p.kit, p.kit_source) == ("1", "snapshot")
    (p,) = load_projects(_project(tmp_path / "c", {"package.json": '{"devDependencies": {"drizzle-kit": "^1.0.0-rc.5"}, '
                                                                   '"dependencies": {"drizzle-orm": "1.0.0-rc.5"}}'}))
    assert (p.kit, p.kit_source, p.diagnostics) == ("1", "package.json", ())
    installed = {"package.json": '{"devDependencies": {"drizzle-kit": "^1.0.0-rc.5"}}',
                 "node_modules/drizzle-kit/package.json": '{"version": "0.31.11"}',
                 "node_modules/drizzle-orm/package.json": '{"version": "0.45.4"}'}
    (p,) = load_projects(_project(tmp_path / "d", installed))
    assert (p.kit, p.kit_source) == ("0", "node_modules/drizzle-kit/package.json")


def test_kit_override_and_mismatch_diagnostic(tmp_path):
    root = _project(tmp_path, {"package.json": '{"dependencies": {"drizzle-kit": "1.0.0-rc.5", "drizzle-orm": "0.45.4"}}',
                               "drizzle-doc.toml": 'kit = "0"\n'})
    (p,) = load_projects(root)
    assert (p.kit, p.kit_source) == ("0", "drizzle-doc.toml")
    (d,) = p.diagnostics
    assert d.code == "kit-mismatch" and d.file == "package.json" and "drizzle-orm is 0.x" in d.message
    (root / "drizzle-doc.toml").write_text('kit = "2"\n')
    r = run("inspect", "--root", str(root))
    assert r.returncode == 2 and "`kit` must be" in r.stderr and "Traceback" not in r.stderr


def test_kit_1_names():
    assert KIT_1.name("unique", "users", ["email"]) == "users_email_key"
    assert KIT_1.name("unique_on", "users", ["a", "b"]) == "users_a_b_unique"
    assert KIT_0.name("unique_on", "users", ["a", "b"]) == "users_a_b_unique"
    assert KIT_1.name("composite_primary_key", "t", ["a", "b"]) == "t_pkey"
    assert KIT_1.name("foreign_key", "posts", ["author_id"], "users", ["id"]) == "posts_author_id_users_id_fkey"
    long = "reviews_author_id_favourite_product_id_favourites_person_id_product_id_fkey"
    assert shorten_foreign_key(long, "reviews") == "reviews_VtFn5XTOXrhM_fkey"  # what kit 1.0.0-rc.5 wrote
    assert shorten_foreign_key(long, "x" * 45) == kit_hash(long) + "_fkey"
    assert shorten_foreign_key("short_fkey", "t") == "short_fkey"


def test_kit_1_defaults():
    assert trim_cast("'{}'::jsonb") == "'{}'"
    assert trim_cast("now()") == "now()"
    from drizzle_doc.ts.values import JSObject

    assert respell_default("'{}'::jsonb", "jsonb", JSObject({}), False) == "'{}'"
    assert respell_default("'x'", "json", "x", False) == "'\"x\"'"
    assert respell_default("0.5", "numeric(8, 3)", 0.5, False) == "'0.5'"
    assert respell_default("'{\"a\",\"b c\"}'", "text[]", ["a", "b c"], False) == "'{a,b c}'"  # as kit wrote
    assert respell_default("'{\"a,b\",\"\"}'", "text[]", ["a,b", ""], False) == "'{\"a,b\",\"\"}'"
    assert respell_default("'{\"reader\"}'", "role[]", ["reader"], False, True) == "'{reader}'"
    assert respell_default("'{true}'", "boolean[]", [True, False], False) == "'{t,f}'"


def test_ddl_snapshot_loads_as_the_model():
    snap = json.loads(next(FIXTURE.glob("drizzle/*/snapshot.json")).read_text())
    schema = load_snapshot(snap)
    accounts = schema.table("accounts")
    assert accounts.primary_key.name == "accounts_pkey" and accounts.pk_columns == ("id",)
    assert [u.name for u in accounts.uniques] == ["accounts_email_address_key"]
    lines = schema.table("invoice_lines", "billing")
    assert lines.primary_key.composite and lines.primary_key.columns == ("invoiceNo", "lineNo")
    (fk,) = schema.table("app_orders").foreign_keys
    assert (fk.name, fk.on_delete, fk.on_update) == ("app_orders_account_id_accounts_id_fkey", "CASCADE", "NO ACTION")
    assert [e.key for e in schema.enums] == ["public.account_status"]


def test_kit_1_project_inspect_states_kit_1(tmp_path):
    r = run("inspect", "--root", str(FIXTURE))
    data = json.loads(r.stdout)
    assert data["kit"] == "1" and data["drift"] == [] and data["diagnostics"] == []
    orders = next(t for t in data["tables"] if t["name"] == "app_orders")
    assert [c["name"] for c in orders["columns"]] == ["id", "account_id", "total_price", "placed_at"]  # snake_case
    assert orders["checks"] == [{"name": "app_orders_total_positive", "expression": '"total_price" >= 0',
                                 **{k: v for k, v in orders["checks"][0].items() if k not in ("name", "expression")}}]
    accounts = next(t for t in data["tables"] if t["name"] == "accounts")
    assert next(c for c in accounts["columns"] if c["name"] == "settings")["default"] == "'{}'"
    assert len(orders["relations"]) == 2  # defineRelations(import * as schema)


def test_kit_1_project_generate_then_check_is_clean(tmp_path):
    work = tmp_path / "p"
    shutil.copytree(FIXTURE, work)
    assert run("generate", "--root", str(work)).returncode == 0
    r = run("check", "--root", str(work))
    assert r.returncode == 0, r.stdout + r.stderr
    # a model change the migrations never got is drift again
    schema = work / "src/db/schema.ts"
    schema.write_text(schema.read_text().replace("displayName: text(),", "displayName: text(),\n    nickname: text(),"))
    r = run("check", "--root", str(work))
    assert r.returncode == 1 and "nickname" in r.stdout


@pytest.mark.parametrize("version", ["8", "9"])
def test_mixed_history_old_journal_then_kit_1_folders(tmp_path, version):
    """A project moved from 0.x to 1.0: `drizzle-kit up` turned the old steps into folders whose
    snapshots may still be version 7; the new steps are 1.0's ddl lists.  Both are read."""
    from drizzle_doc.history.migrations import load_history

    mig = tmp_path / "drizzle"
    old = mig / "20240101000000_init"
    old.mkdir(parents=True)
    (old / "migration.sql").write_text('CREATE TABLE "users" ("id" integer PRIMARY KEY NOT NULL);\n')
    (old / "snapshot.json").write_text(json.dumps({
        "version": "7", "dialect": "postgresql", "tables": {"public.users": {
            "name": "users", "schema": "", "columns": {"id": {"name": "id", "type": "integer", "primaryKey": True,
                                                               "notNull": True}}}}, "enums": {}}))
    new = mig / "20250101000000_email"
    new.mkdir()
    (new / "migration.sql").write_text('ALTER TABLE "users" ADD COLUMN "email" text;\n')
    ddl = [{"entityType": "tables", "schema": "public", "name": "users", "isRlsEnabled": False},
           {"entityType": "columns", "schema": "public", "table": "users", "name": "id", "type": "integer",
            "notNull": True, "dimensions": 0},
           {"entityType": "columns", "schema": "public", "table": "users", "name": "email", "type": "text",
            "notNull": False, "dimensions": 0},
           {"entityType": "pks", "schema": "public", "table": "users", "name": "users_pkey", "columns": ["id"]}]
    (new / "snapshot.json").write_text(json.dumps({"version": version, "dialect": "postgres", "ddl": ddl}))
    (p,) = load_projects(_project(tmp_path, {}))
    assert p.kit == "1"
    h = load_history(p)
    assert h.diagnostics == ()
    users = h.table("users")
    assert users.created.tag == "20240101000000_init"
    assert any("email" in c.summary for c in users.changes)


CASED = {
    "package.json": '{"devDependencies": {"drizzle-kit": "1.0.0-beta.2"}, "dependencies": {"drizzle-orm": "1.0.0-beta.2"}}',
    "drizzle.config.ts": 'export default { dialect: "postgresql", schema: "./src/schema.ts", out: "./drizzle", '
                         'casing: "snake_case" };\n',
    "src/schema.ts": 'import { integer, pgTable, text } from "drizzle-orm/pg-core";\n'
                     'export const people = pgTable("people", { id: integer().primaryKey(), firstName: text(), '
                     'nickName: text("nick") });\n',
}


def _snapshot(*columns: str) -> str:
    return json.dumps({"version": "8", "dialect": "postgres", "ddl": [
        {"entityType": "columns", "schema": "public", "table": "people", "name": c, "type": "text"} for c in columns]})


@pytest.mark.parametrize("snapshot, expected", [
    (None, "firstName"),  # 1.0 RC: the config's casing is not applied
    (_snapshot("id", "first_name", "nick"), "first_name"),  # a beta applied it, as this snapshot shows
    (_snapshot("id", "firstName", "nick"), "firstName"),  # this project's kit did not
])
def test_kit_1_config_casing_follows_the_projects_own_newest_snapshot(tmp_path, snapshot, expected):
    from drizzle_doc.drizzle.extract import extract

    files = dict(CASED)
    if snapshot is not None:
        files["drizzle/20250101000000_init/snapshot.json"] = snapshot
        files["drizzle/20250101000000_init/migration.sql"] = ""
    (project,) = load_projects(_project(tmp_path, files))
    assert project.kit == "1"
    (table,) = extract(project).tables
    assert [c.name for c in table.columns] == ["id", expected, "nick"]
