"""verify against real SQLite files: every fixtures/sqlite-* project's drizzle-kit migrations are
applied to a fresh file, verify must find it clean, then planted drift must be reported exactly.

The file is opened read-only: its bytes and mtime stay the same, no journal or WAL file appears,
and a write through verify's own connection fails.  Needs nothing but Python's sqlite3.
"""

from __future__ import annotations

import json
import os
import re
import sqlite3
from pathlib import Path

import pytest
from click.testing import CliRunner

from drizzle_doc import cli as cli_module
from drizzle_doc.commands.verify import DB_ONLY, DIFFERS, MODEL_ONLY, verify
from drizzle_doc.dialects.sqlite.catalog import QUERIES, _TableText, connect, database_path, read_catalog
from drizzle_doc.errors import DatabaseError, UsageError
from drizzle_doc.project import Project
from tests.conftest import migration_sql_files

REPO = Path(__file__).resolve().parent.parent
# the SQL-only fixture's models are one step ahead of its hand-written migrations on purpose (its drift
# is what tests/test_migrations_mysql_sqlite.py asserts), so its migrations cannot verify clean
# Two kit-release fixtures are left out too (issue 16's closing note). sqlite-kit1-beta: drizzle-kit
# 1.0.0-beta.2's SQL never created `handle`'s UNIQUE (its index on the column hid it: verify rightly
# reports the database lacks it), and it spells boolean defaults `0`/`1` and `email`'s UNIQUE inline
# and unnamed, which drift accepts as that release's spelling and verify does not yet. sqlite-d1-flat:
# its flat hand-written D1 files are not applied by `migration_sql_files`, and they make unique
# indexes where the models (kit 1.0) state unique constraints, which verify does not accept yet.
NOT_YET = {"sqlite-kit1-beta", "sqlite-d1-flat"}
FIXTURES = sorted(p for p in (REPO / "fixtures").glob("sqlite-*")
                  if (p / "drizzle.config.ts").exists() and not p.name.endswith("-sql-only")
                  and p.name not in NOT_YET)


def split_statements(sql: str) -> list[str]:
    """drizzle-kit's breakpoint chunks, or a hand-written file's statements (drizzle-doc's own
    splitter: quotes, comments and trigger bodies kept whole)."""
    from drizzle_doc.dialects.migration_text import statements

    return [s.strip() for s, _ in statements(sql, hash_comments=False)]


def _project(root: Path):
    from drizzle_doc.drizzle.extract import extract
    from drizzle_doc.project.config import load_projects

    (project,) = load_projects(root)
    return project, extract(project)


def apply_migrations(path: Path, project, model) -> None:
    """Every migration in journal order, then each ``.existing()`` view as the hand-written
    migration a project keeps for it would make it (drizzle-kit never creates those)."""
    conn = sqlite3.connect(path)
    try:
        for sql_file in migration_sql_files(project):
            for statement in split_statements(sql_file.read_text()):
                try:
                    conn.execute(statement)
                except sqlite3.OperationalError as exc:
                    if "parameters prohibited in CHECK" in str(exc):  # drizzle-kit 1.0 rc.5 writes `?` there
                        pytest.skip(f"{sql_file.relative_to(project.root)}: SQLite refuses drizzle-kit's own SQL ({exc})")
                    raise
        for view in model.views:
            if view.existing:
                columns = ", ".join(f'NULL AS "{c.name}"' for c in view.columns) or "1 AS x"
                conn.execute(f'CREATE VIEW "{view.name}" AS SELECT {columns}')
        conn.commit()
    finally:
        conn.close()


def rebuild(path: Path, table: str, change) -> None:
    """Change a table's CREATE TABLE text the way SQLite allows it (and drizzle-kit does it): a
    new table from the changed text, the rows copied, the old one dropped, its indexes re-made."""
    conn = sqlite3.connect(path)
    try:
        conn.execute("PRAGMA foreign_keys = OFF")
        (sql,) = conn.execute("SELECT sql FROM sqlite_master WHERE type = 'table' AND name = ?", (table,)).fetchone()
        indexes = [r[0] for r in conn.execute(
            "SELECT sql FROM sqlite_master WHERE type = 'index' AND tbl_name = ? AND sql IS NOT NULL", (table,))]
        new_sql = change(sql)
        assert new_sql != sql, "the planted change changed nothing"
        body = new_sql[new_sql.index("("):]
        conn.execute(f'CREATE TABLE "__new_{table}" {body}')
        conn.execute(f'INSERT INTO "__new_{table}" SELECT * FROM "{table}"')
        conn.execute(f'DROP TABLE "{table}"')
        conn.execute(f'ALTER TABLE "__new_{table}" RENAME TO "{table}"')
        for ix in indexes:
            conn.execute(ix)
        conn.commit()
    finally:
        conn.close()


def codes(diags):
    return sorted((d.code, d.message.split(":")[0]) for d in diags)


# ---------------------------------------------------------------------------
# Every SQLite fixture: clean, then exactly the planted drift
# ---------------------------------------------------------------------------


@pytest.mark.parametrize("root", FIXTURES, ids=[p.name for p in FIXTURES])
def test_fixture_migrations_verify_clean_then_planted_drift(tmp_path, root):
    project, model = _project(root)
    db = tmp_path / "app.db"
    apply_migrations(db, project, model)
    assert [d.message for d in verify(model, f"file:{db}").diagnostics] == []

    tables = [t for t in model.tables]
    first = tables[0]
    expected = [(DB_ONLY, f'column "{first.key}.verify_extra"'), (DB_ONLY, 'table "main.verify_audit"')]
    statements = [f'ALTER TABLE "{first.name}" ADD COLUMN "verify_extra" integer',
                  'CREATE TABLE "verify_audit" (id integer PRIMARY KEY)']
    ix = next((t, i) for t in tables for i in t.indexes if not i.unique)
    statements.append(f'DROP INDEX "{ix[1].name}"')
    expected.append((MODEL_ONLY, f'index "{ix[1].name}" on "{ix[0].key}"'))
    conn = sqlite3.connect(db)
    for s in statements:
        conn.execute(s)
    conn.commit()
    conn.close()

    # a default changed, and another column's type
    t, c = next((t, c) for t in tables for c in t.columns
                if c.default is not None and re.fullmatch(r"'[^']*'|\d+", c.default))
    new_default = "'verify-changed'" if c.default.startswith("'") else "12345"
    rebuild(db, t.name, lambda sql: re.sub(rf"(`{c.name}`[^,\n]*DEFAULT ){re.escape(c.default)}",
                                           rf"\g<1>{new_default}", sql, count=1))
    expected.append((DIFFERS, f'column "{t.key}.{c.name}"'))
    t2, c2 = next((t2, c2) for t2 in tables for c2 in t2.columns if c2.type == "text" and c2.default is None
                  and not c2.primary_key and c2.generated is None and (t2.name, c2.name) != (t.name, c.name))
    rebuild(db, t2.name, lambda sql: re.sub(rf"(`{c2.name}` )text", r"\1text(99)", sql, count=1))
    expected.append((DIFFERS, f'column "{t2.key}.{c2.name}"'))

    result = verify(model, f"file:{db}")
    assert codes(result.diagnostics) == sorted(expected)
    messages = {d.message.split(":")[0]: d.message for d in result.diagnostics}
    assert f"the default is {new_default} in the database but {c.default} in the models" in \
        messages[f'column "{t.key}.{c.name}"']
    assert "the type is text(99) in the database but text in the models" in messages[f'column "{t2.key}.{c2.name}"']
    assert all(d.severity == "error" for d in result.diagnostics)


def test_catalog_reads_what_drizzle_kit_wrote(tmp_path):
    project, model = _project(REPO / "fixtures" / "sqlite-app")
    db = tmp_path / "app.db"
    apply_migrations(db, project, model)
    with connect(str(db)) as conn:
        live = read_catalog(conn)
    projects = live.table("projects", "main")
    assert projects.column("slug").generated.expression == "(lower(replace(name, ' ', '-')))"
    assert projects.column("slug").generated.type == "stored"
    assert live.table("tasks", "main").column("title_length").generated.type == "virtual"
    assert [(c.name, c.expression) for c in projects.checks] == [
        ("projects_rating_range", '"projects"."rating" between 0 and 5')]
    assert live.table("users", "main").column("id").autoincrement is True
    assert live.table("tasks", "main").column("id").autoincrement is False
    users = live.table("users", "main")
    lower = next(i for i in users.indexes if i.name == "users_email_lower_idx")
    assert (lower.unique, [(c.expression, c.is_expression) for c in lower.columns]) == (True, [('lower("email")', True)])
    assert next(i for i in users.indexes if i.name == "users_active_role_idx").where == '"users"."is_active" = 1'
    task_tags = live.table("task_tags", "main")
    assert task_tags.primary_key.columns == ("task_id", "tag_id") and task_tags.primary_key.composite
    assert {(f.columns, f.foreign_table, f.on_delete) for f in task_tags.foreign_keys} == {
        (("task_id",), "tasks", "cascade"), (("tag_id",), "tags", "cascade")}
    assert "sqlite_sequence" not in {t.name for t in live.tables}
    assert {v.name for v in live.views} == {"open_tasks", "user_stats"}


def test_a_renamed_foreign_key_target_and_action_are_differences_not_names(tmp_path):
    """SQLite keeps no foreign key names: the model's custom name (task_tags_task_fk) is paired by
    its columns, and what SQLite does keep (the action) is compared."""
    project, model = _project(REPO / "fixtures" / "sqlite-app")
    db = tmp_path / "app.db"
    apply_migrations(db, project, model)
    rebuild(db, "task_tags", lambda sql: sql.replace(
        "REFERENCES `tasks`(`id`) ON UPDATE no action ON DELETE cascade",
        "REFERENCES `tasks`(`id`) ON UPDATE no action ON DELETE restrict"))
    (diag,) = verify(model, f"file:{db}").diagnostics
    assert diag.message.startswith('foreign key "task_tags_task_fk" on "main.task_tags": '
                                   "ON DELETE is restrict in the database but cascade in the models")


# ---------------------------------------------------------------------------
# Read-only
# ---------------------------------------------------------------------------


def test_the_file_is_opened_read_only(tmp_path):
    project, model = _project(REPO / "fixtures" / "sqlite-d1")
    db = tmp_path / "d1.sqlite"
    apply_migrations(db, project, model)
    os.utime(db, (1_000_000_000, 1_000_000_000))
    before = (db.read_bytes(), db.stat().st_mtime_ns)
    assert verify(model, str(db)).diagnostics == ()
    with connect(f"sqlite:{db}") as conn:
        for write in ("CREATE TABLE x (i int)", "INSERT INTO shortener_links (code, target_url) VALUES ('a', 'b')",
                      "DROP TABLE shortener_clicks"):
            with pytest.raises(sqlite3.OperationalError, match="readonly"):
                conn.execute(write)
        conn.execute("PRAGMA query_only = OFF")  # even then the file was opened mode=ro
        with pytest.raises(sqlite3.OperationalError, match="readonly"):
            conn.execute("CREATE TABLE y (i int)")
    assert (db.read_bytes(), db.stat().st_mtime_ns) == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["d1.sqlite"]


def test_every_statement_is_a_select_with_names_bound():
    assert len(QUERIES) == 5
    for sql in QUERIES:
        assert sql.startswith("SELECT ") and "{" not in sql
        assert re.findall(r"\bFROM (\S+)", sql)[0] in ("main.sqlite_master", "pragma_table_xinfo(?,",
                                                        "pragma_index_list(?,", "pragma_index_xinfo(?,",
                                                        "pragma_foreign_key_list(?,")


# ---------------------------------------------------------------------------
# URLs and errors
# ---------------------------------------------------------------------------


def test_url_forms(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    absolute = tmp_path / "a b.db"
    assert database_path(f"file:{absolute}") == absolute
    assert database_path("file://" + str(absolute).replace(" ", "%20")) == absolute
    assert database_path("file://localhost" + str(absolute)) == absolute
    assert database_path("file:local.db?mode=rwc") == Path("local.db")
    assert database_path("sqlite:local.db") == Path("local.db")
    assert database_path("sqlite:///local.db") == Path("local.db")  # SQLAlchemy: relative
    assert database_path(f"sqlite:///{absolute}") == absolute  # four slashes: absolute
    assert database_path("data/app.sqlite") == Path("data/app.sqlite")
    for bad in ("libsql://db-org.turso.io?authToken=hunter2token", "https://db.turso.io", ":memory:", "file:",
                "postgresql://u:hunter2token@h/db", "mysql://u:hunter2token@h/db"):
        with pytest.raises(UsageError) as info:
            database_path(bad)
        assert "hunter2token" not in str(info.value) and info.value.exit_code == 2


def test_relative_paths_are_taken_from_the_current_folder(tmp_path, monkeypatch):
    project, model = _project(REPO / "fixtures" / "sqlite-d1")
    (tmp_path / "data").mkdir()
    apply_migrations(tmp_path / "data" / "local.db", project, model)
    monkeypatch.chdir(tmp_path)
    for url in ("file:data/local.db", "sqlite:data/local.db", "sqlite:///data/local.db", "data/local.db",
                "file:./data/local.db"):
        assert verify(model, url).diagnostics == (), url


def test_missing_folder_and_not_a_database(tmp_path):
    missing = tmp_path / "nope.db"
    with pytest.raises(DatabaseError, match="no SQLite database at .*does not exist"):
        with connect(str(missing)):
            pass
    assert not missing.exists()
    with pytest.raises(DatabaseError, match="it is not a file"):
        with connect(str(tmp_path)):
            pass
    junk = tmp_path / "junk.db"
    junk.write_bytes(b"this is not a database file, just text" * 100)
    with pytest.raises(DatabaseError, match="cannot read .* as a SQLite database: file is not a database"):
        with connect(str(junk)):
            pass


def test_create_table_text_is_read_with_a_tokenizer():
    text = _TableText('CREATE TABLE "t" (\n'
                      '  "as" integer PRIMARY KEY AUTOINCREMENT, -- a comment with AS (x) and CHECK (y)\n'
                      "  `v` text DEFAULT (cast(1 as text)) CONSTRAINT v_len CHECK(length(v) < 10),\n"
                      "  g integer AS (\"as\" * 2) STORED,\n"
                      "  h text GENERATED ALWAYS AS ('a,(b') VIRTUAL,\n"
                      "  CONSTRAINT \"t_ok\" CHECK(\"t\".\"as\" > 0), CHECK (v <> 'x')\n)")
    assert text.autoincrement == {"as"}
    assert {k: (g.expression, g.type) for k, g in text.generated.items()} == {
        "g": ('("as" * 2)', "stored"), "h": ("('a,(b')", "virtual")}
    assert text.checks == [("v_len", "length(v) < 10"), ("t_ok", '"t"."as" > 0'), (None, "v <> 'x'")]


# ---------------------------------------------------------------------------
# CLI
# ---------------------------------------------------------------------------


def test_cli_formats_exit_codes_and_db_comments(tmp_path):
    root = REPO / "fixtures" / "sqlite-d1"
    project, model = _project(root)
    db = tmp_path / "d1.db"
    apply_migrations(db, project, model)
    runner = CliRunner()
    clean = runner.invoke(cli_module.cli, ["verify", "--root", str(root), "--database-url", f"file:{db}"])
    assert (clean.exit_code, clean.output) == (0, f"drizzle-doc verify: the models agree with file:{db}\n")
    conn = sqlite3.connect(db)
    conn.execute("DROP INDEX links_created_idx")
    conn.commit()
    conn.close()
    js = runner.invoke(cli_module.cli, ["verify", "--root", str(root), "--format", "json"],
                       env={"DATABASE_URL": str(db)})
    assert js.exit_code == 1, js.output
    payload = json.loads(js.output)
    assert payload["schemas"] == ["main"] and payload["summary"]["modelOnly"] == 1
    comments = runner.invoke(cli_module.cli, ["verify", "--root", str(root), "--db-comments", "--database-url", str(db)])
    assert comments.exit_code == 2
    assert comments.output.strip().splitlines() == [
        "drizzle-doc: error: --db-comments: SQLite has no COMMENT ON and keeps no table or column comments: "
        "the JSDoc descriptions live in the docs pages only"]
    sql = runner.invoke(cli_module.cli, ["comments-sql", "--root", str(root), "--output", str(tmp_path / "c.sql")])
    assert sql.exit_code == 2 and not (tmp_path / "c.sql").exists()
    assert "SQLite has no COMMENT ON" in sql.output and "nothing was written" in sql.output


def test_a_postgres_url_on_a_sqlite_project_is_one_masked_line(monkeypatch, tmp_path):
    project, model = _project(REPO / "fixtures" / "sqlite-d1")
    monkeypatch.setattr(cli_module, "load", lambda *a, **k: [(Project(root=tmp_path), model)])
    result = CliRunner().invoke(cli_module.cli, ["verify", "--database-url", "postgresql://app:hunter2@db/app"])
    assert result.exit_code == 2
    assert result.output.strip().splitlines() == [
        "drizzle-doc: error: this is a SQLite project: --database-url must be a SQLite file (file:path, sqlite:path "
        "or a path to a .db file), not postgresql://app:***@db/app"]
