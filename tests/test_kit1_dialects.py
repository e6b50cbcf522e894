"""drizzle-kit 1.0 for MySQL and SQLite (issue 15): the generation read from each dialect's 1.0
snapshot, kit 1.0's names and default spellings, its ``ddl`` snapshots read back into the same model
the extractor builds, and its recorded renames.  The oracle (tests/test_oracle.py,
tests/test_export_sql.py) holds the fixtures mysql-kit1 and sqlite-kit1 against the real kit."""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path

import pytest

from drizzle_doc.dialects import get_dialect
from drizzle_doc.dialects.mysql import KIT_1 as MYSQL_KIT_1
from drizzle_doc.dialects.mysql.kit1 import respell_default as mysql_default
from drizzle_doc.dialects.sqlite import KIT_1 as SQLITE_KIT_1
from drizzle_doc.dialects.sqlite.kit1 import respell_default as sqlite_default
from drizzle_doc.drizzle.extract import extract
from drizzle_doc.model.compare import compare_tables
from drizzle_doc.project.config import load_projects
from drizzle_doc.ts.values import JSObject

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"


def _project(tmp_path: Path, files: dict) -> Path:
    for rel, text in files.items():
        p = tmp_path / rel
        p.parent.mkdir(parents=True, exist_ok=True)
        p.write_text(text)
    return tmp_path


@pytest.mark.parametrize("dialect,version,kit", [
    ("mysql", "5", "0"), ("mysql", "6", "1"), ("sqlite", "6", "0"), ("sqlite", "7", "1"), ("postgresql", "7", "0"),
    ("postgresql", "8", "1"),
])
def test_kit_from_the_newest_snapshot_of_each_dialect(tmp_path, dialect, version, kit):
    """kit 1.0's snapshot versions differ per dialect: MySQL's is 6, SQLite's 7, PostgreSQL's 8 and up."""
    config = f'export default {{ dialect: "{dialect}", schema: "./s.ts", out: "./drizzle" }};\n'
    snapshot = json.dumps({"version": version, "dialect": dialect, "ddl": []})
    layout = ({"drizzle/20250101000000_x/snapshot.json": snapshot, "drizzle/20250101000000_x/migration.sql": ""}
              if kit == "1" else {"drizzle/meta/0000_snapshot.json": snapshot,
                                  "drizzle/meta/_journal.json": '{"entries": []}'})
    (p,) = load_projects(_project(tmp_path, {"drizzle.config.ts": config, "s.ts": "", **layout}))
    assert (p.kit, p.kit_source) == (kit, "snapshot")


@pytest.mark.parametrize("name", ["mysql-kit1", "sqlite-kit1"])
def test_a_1_0_fixture_is_kit_1_from_its_package_json(name):
    (p,) = load_projects(FIXTURES / name)
    assert (p.kit, p.kit_source) == ("1", "package.json")


def test_mysql_kit_1_names():
    assert MYSQL_KIT_1.name("primary_key", "users", ["id"]) == "PRIMARY"
    assert MYSQL_KIT_1.name("composite_primary_key", "t", ["a", "b"]) == "PRIMARY"
    assert MYSQL_KIT_1.name("unique", "users", ["email"]) == "email_unique"  # per table: no table name
    assert MYSQL_KIT_1.name("unique_on", "users", ["a", "b"]) == "a_b_unique"
    assert MYSQL_KIT_1.name("foreign_key", "posts", ["author_id"], "users", ["id"]) == "posts_author_id_users_id_fkey"
    # what drizzle-kit 1.0.0-rc.5 wrote for fixtures/mysql-kit1 (64 characters: hashed)
    assert MYSQL_KIT_1.name("foreign_key", "article_tag_assignments", ["article_identifier"], "blog_articles",
                            ["id"]) == "article_tag_assignments_sEZLn7uaojzY_fkey"


def test_sqlite_kit_1_names():
    assert SQLITE_KIT_1.name("primary_key", "users", ["id"]) == "users_pk"
    assert SQLITE_KIT_1.name("composite_primary_key", "t", ["a", "b"]) == "t_pk"
    assert SQLITE_KIT_1.name("unique", "users", ["email"]) == "users_email_unique"
    assert SQLITE_KIT_1.name("foreign_key", "posts", ["author_id"], "users", ["id"]) == "fk_posts_author_id_users_id_fk"
    long = SQLITE_KIT_1.name("foreign_key", "a" * 40, ["b" * 20], "c" * 20, ["id"])
    assert len(long) > 63 and long.endswith("_fk")  # SQLite's are never shortened


@pytest.mark.parametrize("text,sql_type,value,from_sql,expected", [
    ("CURRENT_TIMESTAMP(3)", "datetime(3)", None, True, "(CURRENT_TIMESTAMP(3))"),
    ("(now())", "timestamp", None, True, "(now())"),
    ("'0.00'", "decimal(12,2)", "0.00", False, "(0.00)"),
    ("1.5", "decimal", 1.5, False, "(1.5)"),
    ("('a\\b')", "text", "a\\b 'q'", False, "('a\\\\b ''q''')"),
    ("'x'", "varchar(10)", "x\\y", False, "'x\\\\y'"),
    ("'abc'", "varbinary(16)", "abc", False, "(0x616263)"),
    ("('ab')", "binary(4)", "ab", False, "('ab')"),
    ("true", "boolean", True, False, "true"),
    ("5", "int unsigned", 5, False, "5"),
    ("2.5", "real(4,2)", 2.5, False, "2.5"),
    ("'08:00:00'", "time", "08:00:00", False, "'08:00:00'"),
    ("'draft'", "enum('draft','x')", "draft", False, "'draft'"),
    ("'p'", "point", "p", False, "p"),  # a customType: String(value)
])
def test_mysql_kit_1_defaults(text, sql_type, value, from_sql, expected):
    assert mysql_default(text, sql_type, value, from_sql) == expected


def test_mysql_kit_1_json_default_doubles_quotes_in_strings_only():
    value = JSObject({"it's": "g'day", "n": 1, "list": ["a'b"]})
    assert mysql_default("('...')", "json", value, False) == """('{"it's":"g''day","n":1,"list":["a''b"]}')"""


@pytest.mark.parametrize("text,sql_type,value,expected", [
    ("'a\\b'", "text", "a\\b 'q'", "'a\\\\b ''q'''"),
    ("'x'", "text(7)", "x", "'x'"),
    ("'1.50'", "numeric", "1.50", "'1.50'"),
    ("0", "numeric", 0, "0"),
    ("true", "integer", True, "true"),
    ("4.5", "real", 4.5, "4.5"),
    ("'[\"a\"]'", "blob", ["a'b"], "'[\"a''b\"]'"),
    ("'x'", "blob", "x", "'x'"),  # kit refuses a string default on a blob: 0.x's text is kept
])
def test_sqlite_kit_1_defaults(text, sql_type, value, expected):
    assert sqlite_default(text, sql_type, value, False) == expected
    assert sqlite_default("(unixepoch())", sql_type, None, True) == "(unixepoch())"


@pytest.mark.parametrize("name", ["mysql-kit1", "sqlite-kit1"])
def test_the_1_0_snapshot_reads_back_as_the_extracted_model(name):
    """The fixture's committed kit 1.0 snapshot and its models: the same tables, keys, uniques,
    indexes, checks and defaults (the one comparator finds no difference)."""
    (project,) = load_projects(FIXTURES / name)
    dialect = get_dialect(project.dialect)
    (folder,) = [p for p in (FIXTURES / name / "drizzle").iterdir() if (p / "snapshot.json").is_file()]
    snap = dialect.load_snapshot(json.loads((folder / "snapshot.json").read_text(encoding="utf-8")))
    ours = extract(project)
    assert {t.key for t in snap.tables} == {t.key for t in ours.tables if t.schema == dialect.default_schema}
    for t in snap.tables:
        mine = ours.tables_by_key()[t.key]
        assert compare_tables(t, mine, dialect) == [], t.key
        assert (t.primary_key.name, t.primary_key.columns) == (mine.primary_key.name, mine.primary_key.columns)
    assert {v.name for v in snap.views} <= {v.name for v in ours.views}


def test_a_kit_0_project_keeps_0_x_names(tmp_path):
    """The same MySQL schema under each generation: only the generation changes the names."""
    root = _project(tmp_path, {
        "drizzle.config.ts": 'export default { dialect: "mysql", schema: "./s.ts", out: "./drizzle" };\n',
        "s.ts": 'import { int, mysqlTable, varchar } from "drizzle-orm/mysql-core";\n'
                'export const users = mysqlTable("users", { id: int().primaryKey(), email: varchar({ length: 9 }).unique() });\n'})
    (p,) = load_projects(root)
    t0 = extract(replace(p, kit="0")).tables[0]
    t1 = extract(replace(p, kit="1")).tables[0]
    assert (t0.primary_key.name, [u.name for u in t0.uniques], [i.name for i in t0.indexes]) == \
        ("users_id", ["users_email_unique"], [])
    assert (t1.primary_key.name, [u.name for u in t1.uniques], [(i.name, i.unique) for i in t1.indexes]) == \
        ("PRIMARY", [], [("email_unique", True)])


@pytest.mark.parametrize("dialect,table_key,column_key", [
    ("mysql", "public.people", "public.people.full_name"), ("sqlite", "main.people", "main.people.full_name")])
def test_kit_1_renames(dialect, table_key, column_key):
    tables, columns = get_dialect(dialect).snapshot_renames({"renames": ["users->people", "people.name->people.full_name"]})
    assert list(tables.values()) == [table_key] and list(columns.values()) == [column_key]


def _fk_table(fk_name: str, schema: str = "public") -> "Table":
    from drizzle_doc.model import Column, ForeignKey, PrimaryKey, Table

    return Table("league_team", schema, columns=(Column("id", "id", "int", primary_key=True),
                                                 Column("league_id", "leagueId", "int")),
                 primary_key=PrimaryKey("PRIMARY", ("id",)),
                 foreign_keys=(ForeignKey(fk_name, ("league_id",), schema, "league", ("id",), "CASCADE", "NO ACTION"),))


def test_kit_1_keeps_the_migrated_name_of_an_unnamed_foreign_key():
    """After ``org_team`` was renamed ``league_team``, drizzle-kit 1.0 keeps its foreign key's old
    name (``preserveEntityNames``): no drift.  Under 0.x, or for a name the models give, it is.
    (MySQL: SQLite keeps no foreign key names at all, so there a name is never drift.)"""
    from drizzle_doc.history.drift import drift_by_key
    from drizzle_doc.model import Schema

    migrated = {"public.league_team": _fk_table("org_team_league_id_league_id_fkey")}
    model = Schema(dialect="mysql", tables=(_fk_table("league_team_league_id_league_id_fkey"),))
    mysql = get_dialect("mysql")
    assert drift_by_key(model, migrated, (), naming=mysql.naming("1")) == ()
    kinds = sorted(d.kind for d in drift_by_key(model, migrated, (), naming=mysql.naming("0")))
    assert kinds == ["foreign_key.extra", "foreign_key.missing"]
    named = Schema(dialect="mysql", tables=(_fk_table("league_team_league_fk"),))
    assert sorted(d.kind for d in drift_by_key(named, migrated, (), naming=mysql.naming("1"))) == kinds
    sqlite_migrated = {"main.league_team": _fk_table("fk_org_team_league_id_league_id_fk", "main")}
    sqlite_model = Schema(dialect="sqlite", tables=(_fk_table("league_team_league_fk", "main"),))
    assert drift_by_key(sqlite_model, sqlite_migrated, (), naming=get_dialect("sqlite").naming("0")) == ()
