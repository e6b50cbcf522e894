"""MySQL and SQLite migration SQL read with sqlglot (issue 15): history, drift and ``addedIn`` from
SQL alone, as PostgreSQL's come from pglast.

- every MySQL/SQLite fixture's drizzle-kit-generated SQL, replayed, is the schema its snapshot
  states (through :mod:`drizzle_doc.model.compare`: 0 differences), and so is the SQL the pinned
  drizzle-kit writes for alterations (SQLite's table rebuild, MySQL's ``MODIFY COLUMN``, ...);
- fixtures/mysql-sql-only and fixtures/sqlite-sql-only (hand-written folders, no meta/, models
  one step ahead): their history, drift and each column's ``addedIn``;
- what cannot be read stays in the history as an opaque statement with its line; a broken
  statement is a diagnostic naming file and line, and the rest is still read.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from dataclasses import replace
from pathlib import Path

import pytest

from drizzle_doc.dialects import get_dialect
from drizzle_doc.dialects.mysql.ddl import parse_migration as read_mysql
from drizzle_doc.dialects.sqlite.ddl import parse_migration as read_sqlite
from drizzle_doc.history import replay
from drizzle_doc.history.migrations import load_history, read_history
from drizzle_doc.drizzle.extract import extract
from drizzle_doc.model import Schema, compare
from drizzle_doc.model.operations import (
    AddColumn, AlterColumn, CreateIndex, CreateTable, DropConstraint, DropIndex, DropPrimaryKey, RenameColumn,
    RenameTable, Touch,
)
from drizzle_doc.project.config import load_projects

REPO = Path(__file__).resolve().parent.parent
FIXTURES = REPO / "fixtures"
READERS = {"mysql": read_mysql, "sqlite": read_sqlite}


def project(name: str):
    (p,) = load_projects(FIXTURES / name)
    return p


def summaries(history, key: str) -> list[tuple[str, str]]:
    th = history.table(key)
    return [(c.migration.tag, c.summary) for c in th.changes]


# ---------------------------------------------------------------------------
# Replayed SQL = drizzle-kit's snapshots
# ---------------------------------------------------------------------------


def differences(replayed: Schema, snapshot: Schema, dialect_name: str) -> list[str]:
    """Every difference between the replayed schema and the snapshot, as compare finds it.

    One fact is not in drizzle-kit 0.31's MySQL SQL and so cannot be rebuilt from it: an index's
    ``USING`` (the kit writes ``CREATE INDEX … ON t (c)`` whatever ``.using()`` says; the database
    then makes its default, a B-tree): the snapshot's method is compared as B-tree."""
    dialect = get_dialect(dialect_name)
    a, b = replayed.tables_by_key(), snapshot.tables_by_key()
    out = [f"tables: {sorted(a)} != {sorted(b)}"] if set(a) != set(b) else []
    for key in sorted(set(a) & set(b)):
        expected = b[key]
        if dialect_name == "mysql":
            expected = replace(expected, indexes=tuple(replace(ix, method="btree") for ix in expected.indexes))
        out += [f"{key}: {d.kind} {d.name} {d.change} {d.aspect}"
                for d in compare.compare_tables(a[key], expected, dialect)]
    return out


def replay_folder(folder: Path, dialect_name: str) -> list[str]:
    """Replay a journal folder's SQL migration by migration, against each snapshot."""
    dialect = get_dialect(dialect_name)
    state, found = Schema(), []
    for entry in json.loads((folder / "meta" / "_journal.json").read_text())["entries"]:
        sql = folder / f"{entry['tag']}.sql"
        statements, diags = READERS[dialect_name](sql.read_text(encoding="utf-8"), sql.name)
        assert diags == (), diags
        assert all(st.ops or "breakpoint" for st in statements)
        state = replay.apply(state, [op for st in statements for op in st.ops])
        snap = dialect.load_snapshot(json.loads((folder / "meta" / f"{entry['idx']:04d}_snapshot.json").read_text()))
        found += [f"{sql.name}: {d}" for d in differences(state, snap, dialect_name)]
    return found


def _kit_folders() -> list[tuple[Path, str]]:
    out = []
    for journal in sorted(FIXTURES.rglob("meta/_journal.json")):
        dialect = json.loads(journal.read_text()).get("dialect")
        if dialect in READERS:
            out.append((journal.parent.parent, dialect))
    return out


KIT_FOLDERS = _kit_folders()


def test_every_mysql_and_sqlite_fixture_has_kit_sql():
    assert {d for _, d in KIT_FOLDERS} == {"mysql", "sqlite"} and len(KIT_FOLDERS) >= 4


@pytest.mark.parametrize("folder,dialect", KIT_FOLDERS, ids=[f.relative_to(FIXTURES).as_posix() for f, _ in KIT_FOLDERS])
def test_replayed_kit_sql_is_its_snapshot(folder: Path, dialect: str):
    assert replay_folder(folder, dialect) == []


sys.path.insert(0, str(REPO / "tests" / "oracle"))
from harness import NODE_MODULES, oracle_available, run_generate  # noqa: E402

#: successive models for the pinned drizzle-kit: every step alters what the one before made
#: (no step both adds and drops in one table: drizzle-kit would ask whether it is a rename)
KIT_STEPS = {
    "sqlite": [
        '''import { sqliteTable, integer, text, index } from "drizzle-orm/sqlite-core";
export const teams = sqliteTable("teams", { id: integer("id").primaryKey(), name: text("name").notNull() });
export const users = sqliteTable("users", {
  id: integer("id").primaryKey({ autoIncrement: true }),
  email: text("email").notNull().unique(),
  bio: text("bio"),
  legacy: text("legacy"),
}, (t) => [index("users_bio_idx").on(t.bio)]);
export const gone = sqliteTable("gone", { id: integer("id").primaryKey() });
''',
        '''import { sqliteTable, integer, text, index } from "drizzle-orm/sqlite-core";
export const teams = sqliteTable("teams", { id: integer("id").primaryKey(), name: text("name").notNull() });
export const users = sqliteTable("users", {
  id: integer("id").primaryKey({ autoIncrement: true }),
  email: text("email").notNull().unique(),
  bio: text("bio").notNull().default(""),
}, (t) => [index("users_bio_idx").on(t.bio)]);
''',
        '''import { sql } from "drizzle-orm";
import { sqliteTable, integer, text, index, check, primaryKey } from "drizzle-orm/sqlite-core";
export const teams = sqliteTable("teams", { id: integer("id").primaryKey(), name: text("name").notNull() });
export const users = sqliteTable("users", {
  id: integer("id").primaryKey({ autoIncrement: true }),
  email: text("email").notNull().unique(),
  bio: text("bio").notNull().default(""),
  teamId: integer("team_id").references(() => teams.id, { onDelete: "cascade" }),
  age: integer("age").default(18),
}, (t) => [index("users_bio_idx").on(t.bio), check("age_ok", sql`${t.age} > 0`)]);
export const members = sqliteTable("members", {
  userId: integer("user_id").notNull().references(() => users.id),
  teamId: integer("team_id").notNull(),
}, (t) => [primaryKey({ columns: [t.userId, t.teamId] })]);
''',
    ],
    "mysql": [
        '''import { mysqlTable, int, varchar, text, index, serial } from "drizzle-orm/mysql-core";
export const teams = mysqlTable("teams", { id: int("id").primaryKey().autoincrement(), name: varchar("name", { length: 50 }).notNull() });
export const users = mysqlTable("users", {
  id: serial("id").primaryKey(),
  email: varchar("email", { length: 255 }).notNull(),
  bio: text("bio"),
  legacy: int("legacy"),
  score: int("score").default(0),
}, (t) => [index("users_bio_idx").on(t.email)]);
export const gone = mysqlTable("gone", { id: int("id").primaryKey() });
''',
        '''import { mysqlTable, int, varchar, text, uniqueIndex, serial, bigint } from "drizzle-orm/mysql-core";
export const teams = mysqlTable("teams", { id: int("id").primaryKey().autoincrement(), name: varchar("name", { length: 80 }).notNull().unique() });
export const users = mysqlTable("users", {
  id: serial("id").primaryKey(),
  email: varchar("email", { length: 255 }).notNull(),
  bio: text("bio").notNull(),
  score: bigint("score", { mode: "number" }).default(5),
}, (t) => [uniqueIndex("users_email_idx").on(t.email)]);
''',
        '''import { sql } from "drizzle-orm";
import { mysqlTable, int, varchar, text, uniqueIndex, timestamp, primaryKey, serial, bigint, check } from "drizzle-orm/mysql-core";
export const teams = mysqlTable("teams", { id: int("id").primaryKey().autoincrement(), name: varchar("name", { length: 80 }).notNull().unique() });
export const users = mysqlTable("users", {
  id: serial("id").primaryKey(),
  email: varchar("email", { length: 255 }).notNull(),
  bio: text("bio").notNull(),
  score: bigint("score", { mode: "number" }),
  teamId: int("team_id").references(() => teams.id, { onDelete: "set null" }),
  updatedAt: timestamp("updated_at").onUpdateNow(),
}, (t) => [uniqueIndex("users_email_idx").on(t.email), check("score_ok", sql`${t.score} >= 0`)]);
export const memberships = mysqlTable("memberships", { userId: int("user_id").notNull(), teamId: int("team_id").notNull() },
  (t) => [primaryKey({ columns: [t.userId, t.teamId] })]);
''',
    ],
}


@pytest.mark.oracle
@pytest.mark.parametrize("dialect", sorted(KIT_STEPS))
def test_replayed_kit_alterations_are_its_snapshots(dialect: str, tmp_path: Path):
    """The pinned drizzle-kit 0.31 writes the migrations of successive models (SQLite's table
    rebuild, MySQL's MODIFY COLUMN / DROP INDEX / ADD CONSTRAINT, dropped tables); their SQL,
    replayed, is each snapshot."""
    reason = oracle_available("0")
    if reason is not None:
        if os.environ.get("CI"):
            pytest.fail(f"drizzle-kit oracle unavailable in CI: {reason}")
        pytest.skip(f"drizzle-kit oracle unavailable: {reason}")
    (tmp_path / "node_modules").symlink_to(NODE_MODULES, target_is_directory=True)
    (tmp_path / "src").mkdir()
    (tmp_path / "drizzle.config.ts").write_text(
        f'export default {{ dialect: "{dialect}", schema: "./src/schema.ts", out: "./drizzle" }};\n')
    for number, models in enumerate(KIT_STEPS[dialect]):
        (tmp_path / "src" / "schema.ts").write_text(models)
        run_generate(tmp_path, "drizzle.config.ts", name=f"step{number}")
    sql = "\n".join(p.read_text() for p in sorted((tmp_path / "drizzle").glob("*.sql")))
    if dialect == "sqlite":
        assert "__new_users" in sql and "PRAGMA foreign_keys=OFF" in sql  # the rebuild was exercised
    else:
        assert "MODIFY COLUMN" in sql and "DROP INDEX" in sql and "DROP TABLE" in sql
    assert replay_folder(tmp_path / "drizzle", dialect) == []


# ---------------------------------------------------------------------------
# fixtures/sqlite-sql-only and fixtures/mysql-sql-only: SQL alone
# ---------------------------------------------------------------------------


@pytest.fixture(scope="module")
def sqlite_history():
    p = project("sqlite-sql-only")
    return load_history(p, extract(p))


@pytest.fixture(scope="module")
def mysql_history():
    p = project("mysql-sql-only")
    return load_history(p, extract(p))


def test_sqlite_sql_only_history(sqlite_history):
    h = sqlite_history
    assert h.layout == "sql" and h.diagnostics == ()
    assert [m.ref.tag for m in h.migrations] == ["0000_init", "0001_reviews", "0002_rename_writers",
                                                 "0003_books_in_print", "0004_review_guard"]
    assert all(m.snapshot is None for m in h.migrations)
    assert [m.statements for m in h.migrations] == [3, 3, 2, 9, 2]
    authors = h.table("main.authors")
    assert authors.created.tag == "0000_init" and authors.former_names == ("main.writers",)
    assert summaries(h, "main.authors") == [("0002_rename_writers", "table renamed from writers to authors"),
                                            ("0002_rename_writers", "column name renamed to display_name")]
    # drizzle-kit's rebuild: the new table takes the old one's place, its columns keep their history
    assert summaries(h, "main.books") == [
        ("0001_reviews", "column published_at added (integer)"),
        ("0001_reviews", "index books_title_author_idx added unique on (title, author_id)"),
        ("0002_rename_writers", "foreign key books_author_id_writers_id_fk changed (author_id -> authors.id)"),
        ("0003_books_in_print", "column in_print added (integer)"),
        ("0003_books_in_print", "column title_length added (integer)"),
        ("0003_books_in_print", "column legacy_code dropped"),
        ("0003_books_in_print", "index books_in_print_idx added on (published_at)"),
        ("0004_review_guard", "data fix (UPDATE)"),
    ]
    assert summaries(h, "main.reviews") == [("0004_review_guard", "trigger reviews_stars_clamp created")]
    assert h.table("main.__new_books") is None  # the rebuild's table is no table of its own


def test_sqlite_sql_only_added_in(sqlite_history):
    books, authors = sqlite_history.table("main.books"), sqlite_history.table("main.authors")
    assert books.added_in("title").tag == "0000_init"
    assert books.added_in("published_at").tag == "0001_reviews"
    assert books.added_in("in_print").tag == "0003_books_in_print"
    assert books.added_in("legacy_code") is None
    assert authors.added_in("display_name").tag == "0000_init"  # renamed, not added


def test_sqlite_sql_only_drift_is_what_the_models_are_ahead_by(sqlite_history):
    assert sorted((d.kind, d.table, d.column) for d in sqlite_history.drift) == [
        ("column.missing", "main.books", "isbn"), ("table.missing", "main.loans", None)]


def test_mysql_sql_only_history(mysql_history):
    h = mysql_history
    assert h.layout == "sql" and h.diagnostics == ()
    assert [m.statements for m in h.migrations] == [2, 2, 5, 6]
    customers = h.table("customers")
    assert customers.created.tag == "0000_init" and customers.former_names == ("public.clients",)
    assert summaries(h, "public.customers") == [
        ("0002_customers", "table renamed from clients to customers"),
        ("0002_customers", "column name renamed to full_name"),
        ("0002_customers", "column full_name type changed from varchar(80) to varchar(120)"),
        ("0002_customers", "index customers_name_idx added on (full_name)"),
        ("0002_customers", "unique constraint customers_email_unique added on (email)"),
    ]
    assert summaries(h, "public.orders") == [
        ("0001_order_lines", "column note added (text)"),
        ("0001_order_lines", "column legacy_ref dropped"),
        ("0002_customers", "foreign key orders_customer_id_customers_id_fk added (customer_id -> customers.id)"),
        ("0003_order_status", "column status type changed from enum('pending','paid','shipped') to "
                              "enum('pending','paid','shipped','cancelled')"),
        ("0003_order_status", "column updated_at added (timestamp)"),
        ("0003_order_status", "index orders_customer_status_idx added unique on (customer_id, status)"),
        ("0003_order_status", "index orders_status_idx dropped"),
        ("0003_order_status", "check constraint orders_total_positive added (`orders`.`total` >= 0)"),
        ("0003_order_status", "data fix (UPDATE)"),
    ]
    orders = h.table("orders")
    assert orders.added_in("note").tag == "0001_order_lines" and orders.added_in("updated_at").tag == "0003_order_status"
    assert customers.added_in("full_name").tag == "0000_init"


def test_mysql_sql_only_drift_is_what_the_models_are_ahead_by(mysql_history):
    assert [(d.kind, d.table, d.column) for d in mysql_history.drift] == [
        ("column.missing", "public.customers", "phone")]


def test_mysql_sql_only_replayed_schema_states_the_sql(mysql_history):
    _, schema = read_history(project("mysql-sql-only"))
    orders = schema.table("orders")
    status = orders.column("status")
    assert (status.type, status.not_null, status.default) == ("enum('pending','paid','shipped','cancelled')", True,
                                                              "'pending'")
    assert orders.column("total").type == "decimal(10,2)" and orders.column("total").default == "'0.00'"
    assert orders.column("updated_at").on_update == "onUpdateNow()" and not orders.column("updated_at").not_null
    assert orders.primary_key.name == "orders_id" and orders.column("id").primary_key
    lines = schema.table("order_lines")
    assert lines.primary_key.composite and lines.primary_key.columns == ("order_id", "line")
    assert [ix.method for ix in schema.table("customers").indexes] == ["btree"]


@pytest.mark.parametrize("name", ["mysql-sql-only", "sqlite-sql-only"])
def test_migrations_command_on_sql_only_fixtures(name: str):
    env = dict(os.environ, PYTHONPATH=str(REPO))
    r = subprocess.run([sys.executable, "-m", "drizzle_doc", "migrations", "--root", str(FIXTURES / name)],
                       cwd=REPO, env=env, capture_output=True, text=True, timeout=120)
    assert r.returncode == 1, r.stdout + r.stderr  # drift: the models are one step ahead
    assert "not replayed" not in r.stdout + r.stderr and "warning" not in r.stderr
    assert "table renamed from" in r.stdout and "is in the models but in no migration" in r.stdout


# ---------------------------------------------------------------------------
# What cannot be read, and what is broken
# ---------------------------------------------------------------------------


def test_opaque_and_broken_statements_never_stop_the_history():
    text = ("CREATE TABLE t (id integer PRIMARY KEY, name text);\n"
            "CREATE TRIGGER t_ai AFTER INSERT ON t BEGIN\n  UPDATE t SET name = upper(new.name) WHERE id = new.id;\nEND;\n"
            "SOME NONSENSE HERE;\n"
            "ALTER TABLE t ADD COLUMN note text;\n"
            "INSERT INTO t (name) VALUES ('it''s; fine');\n"
            "SELECT 'never closed\n")
    statements, diags = read_sqlite(text, "m/0001_x.sql")
    assert [(d.severity, d.file, d.line) for d in diags] == [("error", "m/0001_x.sql", 5), ("error", "m/0001_x.sql", 8)]
    assert "is not SQL: SOME NONSENSE HERE" in diags[0].message
    assert "unclosed quote" in diags[1].message and "SELECT 'never closed" in diags[1].message
    by_line = {st.line: st.ops for st in statements}
    assert isinstance(by_line[1][0], CreateTable)
    assert by_line[2] == (Touch("main.t", "trigger", "trigger t_ai created"),)  # one statement, ; inside kept
    assert isinstance(by_line[6][0], AddColumn) and by_line[6][0].column.name == "note"
    assert by_line[7] == (Touch("main.t", "data", "data fix (INSERT)"),)


def test_a_statement_sqlglot_cannot_parse_is_kept_with_its_line_and_a_warning_if_it_changes_tables():
    text = ("CREATE TABLE `a` (`id` int) PARTITION BY RANGE COLUMNS(`id`) (PARTITION p0 VALUES LESS THAN (10));\n"
            "CREATE TABLE `b` (`id` int) WITH SYSTEM VERSIONING;\n"
            "HANDLER `a` OPEN;\n")
    statements, diags = read_mysql(text, "x.sql")
    assert [(d.severity, d.line) for d in diags] == [("warning", 1), ("warning", 2)]
    assert "could not be read by sqlglot" in diags[0].message and "x.sql" == diags[0].file
    assert "CREATE TABLE `a`" in diags[0].message  # the snippet
    assert [st.line for st in statements] == [1, 2, 3]
    assert all(isinstance(op, Touch) for st in statements for op in st.ops)


def test_mysql_statements_sqlglot_leaves_to_us():
    text = ("CREATE TABLE `w` (`id` int NOT NULL, `loc` point NOT NULL, `f` float(7,2) unsigned, "
            "CONSTRAINT `w_pk` PRIMARY KEY (`id`, `loc`)) ENGINE=InnoDB;\n"
            "RENAME TABLE `w` TO `places`, `x` TO `y`;\n"
            "ALTER TABLE `places` CHANGE `f` `size` double NOT NULL DEFAULT 1.5;\n"
            "CREATE FULLTEXT INDEX `places_loc` ON `places` (`loc`) ALGORITHM = INPLACE LOCK = NONE;\n"
            "ALTER TABLE `places` DROP PRIMARY KEY, DROP INDEX `places_loc`, DROP FOREIGN KEY `fk`;\n")
    statements, diags = read_mysql(text, "m.sql")
    assert diags == ()
    ops = [op for st in statements for op in st.ops]
    table = ops[0].table
    assert [c.type for c in table.columns] == ["int", "point", "float(7,2) unsigned"]  # types sqlglot does not know
    assert table.primary_key.name == "w_pk" and table.primary_key.composite
    assert ops[1:3] == [RenameTable("public.w", "places"), RenameTable("public.x", "y")]
    assert ops[3] == RenameColumn("public.places", "f", "size")
    assert AlterColumn("public.places", "size", "type", "double") in ops
    assert AlterColumn("public.places", "size", "default", "1.5") in ops
    index = next(op for op in ops if isinstance(op, CreateIndex)).index
    assert (index.method, index.with_) == ("fulltext", (("algorithm", "inplace"), ("lock", "none")))
    assert ops[-4:] == [DropPrimaryKey("public.places"), DropIndex("public", "places_loc"),
                        DropConstraint("public.places", "places_loc", ("unique",)),
                        DropConstraint("public.places", "fk", ("foreign_key",))]


def test_with_a_snapshot_only_what_the_snapshot_cannot_say_is_read():
    snapshot = Schema()
    kit = "CREATE TABLE `t` (\n\t`id` int NOT NULL\n);\n--> statement-breakpoint\nCREATE INDEX `i` ON `t` (`id`);"
    statements, diags = read_mysql(kit, "0000.sql", snapshot)
    assert diags == () and [st.ops for st in statements] == [(), ()]
    custom = "CREATE TRIGGER trg BEFORE INSERT ON t FOR EACH ROW SET NEW.id = 1;\nALTER TABLE t RENAME COLUMN a TO b;"
    statements, _ = read_mysql(custom, "0001.sql", snapshot)
    assert [st.ops for st in statements] == [(Touch("public.t", "trigger", "trigger trg created"),),
                                             (RenameColumn("public.t", "a", "b"),)]


def test_a_history_drizzle_kit_made_alone_never_loads_sqlglot():
    code = ("import sys\nfrom drizzle_doc.project.config import load_projects\n"
            "from drizzle_doc.history.migrations import read_history\n"
            "for name in ('mysql-casing', 'sqlite-d1'):\n"
            f"    (p,) = load_projects(__import__('pathlib').Path({str(FIXTURES)!r}) / name)\n"
            "    h, _ = read_history(p)\n    assert not h.diagnostics, h.diagnostics\n"
            "assert 'sqlglot' not in sys.modules\nprint('ok')\n")
    r = subprocess.run([sys.executable, "-c", code], env=dict(os.environ, PYTHONPATH=str(REPO)),
                       capture_output=True, text=True, timeout=120)
    assert r.stdout.strip() == "ok", r.stderr


def test_mysql_unique_constraint_and_unique_index_of_one_name_are_one_thing():
    """drizzle-kit writes ``uniqueIndex()`` as a ``UNIQUE`` constraint in MySQL SQL and states it
    as an index in its snapshot: in MySQL both are the same unique index."""
    from drizzle_doc.model import Index, IndexColumn, Table, UniqueConstraint

    as_constraint = Table("t", uniques=(UniqueConstraint("t_a_idx", ("a",)),))
    as_index = Table("t", indexes=(Index("t_a_idx", (IndexColumn("a"),), unique=True),))
    assert compare.compare_tables(as_constraint, as_index, get_dialect("mysql")) == []
    assert compare.compare_tables(as_index, as_constraint, get_dialect("mysql")) == []
    assert compare.compare_tables(as_constraint, as_index, get_dialect("postgresql")) != []
    other = Table("t", indexes=(Index("t_a_idx", (IndexColumn("b"),), unique=True),))
    assert compare.compare_tables(as_constraint, other, get_dialect("mysql")) != []
