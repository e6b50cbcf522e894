"""verify against the real MariaDB (or MySQL) on 127.0.0.1:3306 (user root, empty password).

Each test creates and drops its own uniquely named database.  Every fixtures/mysql-* project's
drizzle-kit migrations are applied to a fresh database, verify must find it clean, then planted
drift must be reported exactly.  Without a server the tests skip with the reason; with env CI
set they fail instead.  Set DRIZZLE_DOC_TEST_MYSQL to point at another server (an admin URL).

drizzle-kit writes MySQL 8's SQL; two of its statements MariaDB refuses, and
:func:`apply_migrations` says so rather than hiding it: ``serial AUTO_INCREMENT`` (MariaDB's
``SERIAL`` already is ``AUTO_INCREMENT`` and may not repeat it: applied as ``serial``, the same
column) and a functional index (``CREATE INDEX … ((lower(`x`)))``: MariaDB has none), which verify
must then report as the one index in the models but not in the database.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import uuid
from dataclasses import replace
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from click.testing import CliRunner

pymysql = pytest.importorskip("pymysql")

from drizzle_doc import cli as cli_module  # noqa: E402
from drizzle_doc.commands.verify import DB_ONLY, DIFFERS, MODEL_ONLY, verify  # noqa: E402
from drizzle_doc.dialects.mysql import catalog  # noqa: E402
from tests.conftest import migration_sql_files  # noqa: E402
from drizzle_doc.dialects.mysql.catalog import connect, read_catalog, read_comments  # noqa: E402
from drizzle_doc.dialects.mysql.comments import comments_sql  # noqa: E402
from drizzle_doc.errors import DatabaseError, UsageError  # noqa: E402
from drizzle_doc.model import Doc  # noqa: E402
from drizzle_doc.project import Project  # noqa: E402

pytestmark = pytest.mark.mysql

REPO = Path(__file__).resolve().parent.parent
ADMIN_URL = os.environ.get("DRIZZLE_DOC_TEST_MYSQL", "mysql://root@127.0.0.1:3306/test")
# the SQL-only fixture's models are one step ahead of its hand-written migrations on purpose (its drift
# is what tests/test_migrations_mysql_sqlite.py asserts), so its migrations cannot verify clean
FIXTURES = sorted(p for p in (REPO / "fixtures").glob("mysql-*")
                  if (p / "drizzle.config.ts").exists() and not p.name.endswith("-sql-only"))


def _admin(database: str | None = None):
    parts = urlsplit(ADMIN_URL)
    return pymysql.connect(host=parts.hostname, port=parts.port or 3306, user=parts.username or "root",
                           password=parts.password or "", database=database, autocommit=True, connect_timeout=3)


def _server_problem() -> str | None:
    try:
        with _admin() as conn, conn.cursor() as cur:
            cur.execute("SELECT 1")
    except Exception as exc:  # any failure means "no usable server"
        return f"no MySQL/MariaDB answers at {ADMIN_URL} ({exc})"
    return None


@pytest.fixture(scope="module")
def server() -> str:
    problem = _server_problem()
    if problem:
        if os.environ.get("CI"):
            pytest.fail(f"{problem}; CI is set, so the live-database tests must run")
        pytest.skip(problem)
    with _admin() as conn, conn.cursor() as cur:
        cur.execute("SELECT VERSION()")
        return cur.fetchone()[0]


def _db_url(name: str) -> str:
    parts = urlsplit(ADMIN_URL)
    return parts._replace(path="/" + name).geturl()


def execute(url: str, *statements: str) -> None:
    with _admin(urlsplit(url).path.lstrip("/")) as conn, conn.cursor() as cur:
        for s in statements:
            cur.execute(s)


@pytest.fixture
def fresh_db(server):
    """A new empty database for this test; dropped afterwards."""
    name = f"drizzle_doc_verify_{uuid.uuid4().hex[:12]}"
    with _admin() as conn, conn.cursor() as cur:
        cur.execute(f"CREATE DATABASE `{name}`")
    try:
        yield _db_url(name)
    finally:
        with _admin() as conn, conn.cursor() as cur:
            cur.execute(f"DROP DATABASE IF EXISTS `{name}`")


def split_statements(sql: str) -> list[str]:
    """drizzle-kit's breakpoint chunks, or a hand-written file's statements (drizzle-doc's own
    splitter: quotes, comments and trigger bodies kept whole)."""
    from drizzle_doc.dialects.migration_text import statements

    return [s.strip() for s, _ in statements(sql, hash_comments=True)]


def _project(root: Path):
    from drizzle_doc.drizzle.extract import extract
    from drizzle_doc.project.config import load_projects

    (project,) = load_projects(root)
    return project, extract(project)


_FUNCTIONAL_INDEX = re.compile(r"^CREATE (?:UNIQUE )?INDEX `([^`]+)` ON `([^`]+)` \(\(", re.DOTALL)


def apply_migrations(url: str, server: str, project, model) -> list[tuple[str, str]]:
    """Apply the project's migrations in journal order, then create each ``.existing()`` view as
    the hand-written migration a project keeps for it would.  Returns what verify must then
    report: the functional indexes MariaDB cannot build, as (MODEL_ONLY, what)."""
    mariadb = "mariadb" in server.lower()
    expected = []
    statements = []
    for sql_file in migration_sql_files(project):
        statements += split_statements(sql_file.read_text())
    for view in model.views:
        if view.existing:
            columns = ", ".join(f"NULL AS `{c.name}`" for c in view.columns) or "1 AS x"
            statements.append(f"CREATE VIEW `{view.name}` AS SELECT {columns}")
    with _admin(urlsplit(url).path.lstrip("/")) as conn, conn.cursor() as cur:
        for s in statements:
            functional = _FUNCTIONAL_INDEX.match(s)
            if mariadb and functional:
                with pytest.raises(pymysql.err.ProgrammingError, match="syntax"):
                    cur.execute(s)
                table = next(t for t in model.tables if t.name == functional.group(2))
                expected.append((MODEL_ONLY, f'index "{functional.group(1)}" on "{table.key}"'))
                continue
            cur.execute(s.replace("serial AUTO_INCREMENT", "serial") if mariadb else s)
    return expected


def codes(diags):
    return sorted((d.code, d.message.split(":")[0]) for d in diags)


# ---------------------------------------------------------------------------
# Every MySQL fixture: clean, then exactly the planted drift
# ---------------------------------------------------------------------------


@pytest.mark.parametrize("root", FIXTURES, ids=[p.name for p in FIXTURES])
def test_fixture_migrations_verify_clean_then_planted_drift(fresh_db, server, root):
    project, model = _project(root)
    unbuildable = apply_migrations(fresh_db, server, project, model)
    result = verify(model, fresh_db)
    assert codes(result.diagnostics) == sorted(unbuildable)

    tables = list(model.tables)
    first = tables[0]
    changes = [f"ALTER TABLE `{first.name}` ADD COLUMN `verify_extra` int",
               "CREATE TABLE `verify_audit` (id int PRIMARY KEY)"]
    expected = [(DB_ONLY, f'column "{first.key}.verify_extra"'), (DB_ONLY, 'table "public.verify_audit"')]
    # an index (MySQL keeps a unique constraint as one) that no foreign key needs
    droppable = [(t, i.name, i.unique, tuple(c.expression for c in i.columns)) for t in tables for i in t.indexes
                 if not any(c.is_expression for c in i.columns)]
    droppable += [(t, u.name, True, u.columns) for t in tables for u in t.uniques]
    ix_table, ix_name, _, _ = sorted((d for d in droppable if not any(f.columns == d[3][:len(f.columns)]
                                                                      for f in d[0].foreign_keys)),
                                     key=lambda d: d[2])[0]
    changes.append(f"DROP INDEX `{ix_name}` ON `{ix_table.name}`")
    expected.append((MODEL_ONLY, f'index "{ix_name}" on "{ix_table.key}"'))
    # a column whose default the test replaces: a short string literal, else a number
    literal = [(t, c, "'zz'") for t in tables for c in t.columns
               if c.default is not None and re.fullmatch(r"\(?'[a-z]+'\)?", c.default)
               and not c.type.startswith("enum(") and not re.match(r"(var)?binary", c.type)]
    numeric = [(t, c, "7") for t in tables for c in t.columns
               if c.default is not None and re.fullmatch(r"\(?\d+(\.\d+)?\)?", c.default)
               and re.match(r"(int|real|double|float|decimal)", c.type)]
    t, c, new_default = (literal + numeric)[0]
    changes.append(f"ALTER TABLE `{t.name}` ALTER COLUMN `{c.name}` SET DEFAULT {new_default}")
    expected.append((DIFFERS, f'column "{t.key}.{c.name}"'))
    t2, c2 = next((t2, c2) for t2 in tables for c2 in t2.columns if re.fullmatch(r"varchar\(\d+\)", c2.type) and c2.type != "varchar(200)"
                  and c2.default is None and (t2.name, c2.name) != (t.name, c.name) and not c2.primary_key
                  and c2.name not in (t2.primary_key.columns if t2.primary_key else ())
)
    # varchar(200): short enough for any index on it (utf8mb4 keys stop at 3,072 bytes)
    changes.append(f"ALTER TABLE `{t2.name}` MODIFY COLUMN `{c2.name}` varchar(200)"
                   f"{' NOT NULL' if c2.not_null else ''}")
    expected.append((DIFFERS, f'column "{t2.key}.{c2.name}"'))
    execute(fresh_db, *changes)

    result = verify(model, fresh_db)
    assert codes(result.diagnostics) == sorted(expected + unbuildable)
    messages = {d.message.split(":")[0]: d.message for d in result.diagnostics}
    assert re.search(rf"the default is {re.escape(new_default)}(\.0+)? in the database but {re.escape(c.default)} in the models",
                     messages[f'column "{t.key}.{c.name}"']), messages[f'column "{t.key}.{c.name}"']
    assert f"the type is varchar(200) in the database but {c2.type} in the models" in \
        messages[f'column "{t2.key}.{c2.name}"']


def test_catalog_reads_mariadb_and_mysql_spellings_as_drizzle_kit_writes_them(fresh_db, server):
    project, model = _project(REPO / "fixtures" / "mysql-shipping")
    apply_migrations(fresh_db, server, project, model)
    with connect(fresh_db) as conn:
        live = read_catalog(conn, ("public",))
    orders = live.table("orders")
    assert (orders.column("id").type, orders.column("id").autoincrement) == ("serial", True)
    assert [i.name for i in orders.indexes if i.name == "id"] == []  # SERIAL's own unique key
    assert orders.primary_key.columns == ("id",)
    assert orders.column("total_with_tax").generated.type == "virtual"
    carriers = live.table("carriers")
    assert carriers.column("settings").type == "json"  # MariaDB: longtext + CHECK (json_valid(...))
    assert [c.name for c in carriers.checks] == []
    assert carriers.column("updated_at").on_update == "onUpdateNow()"
    assert carriers.column("active").type == "boolean"
    assert live.table("customers").column("id").type == "bigint unsigned"
    assert {c.name for c in live.table("customers").checks} == {"customers_tier_range"}
    assert live.table("order_items").primary_key.composite is True
    fk = next(f for f in live.table("order_items").foreign_keys if f.name == "order_items_order_fk")
    # InnoDB's RESTRICT and NO ACTION are one action (MariaDB reports an omitted clause as RESTRICT)
    assert (fk.on_delete, fk.on_update, fk.foreign_schema) == ("cascade", "no action", "public")
    # MySQL's own index for a foreign key without one is not the model's business
    api_keys = live.table("api_keys")
    assert api_keys.indexes == () and api_keys.foreign_keys[0].name == "api_keys_carrier_id_carriers_id_fk"
    assert [v.name for v in live.views] == ["open_orders"]


def test_mysql_schema_tables_are_read_from_their_database(fresh_db, server, tmp_path):
    """A ``mysqlSchema("archive")`` table lives in the database ``archive``; ``public`` is the URL's."""
    other = f"drizzle_doc_archive_{uuid.uuid4().hex[:8]}"
    root = tmp_path / "proj"
    (root / "src").mkdir(parents=True)
    (root / "drizzle.config.ts").write_text('export default { dialect: "mysql", schema: "./src/s.ts" };\n')
    (root / "src/s.ts").write_text(
        'import { int, varchar, mysqlSchema, mysqlTable } from "drizzle-orm/mysql-core";\n'
        f'export const archive = mysqlSchema("{other}");\n'
        'export const old = archive.table("old_orders", { id: int().primaryKey(), ref: varchar({ length: 9 }) });\n'
        'export const live = mysqlTable("orders", { id: int().primaryKey().autoincrement() });\n')
    project, model = _project(root)
    execute(fresh_db, f"CREATE DATABASE `{other}`",
            f"CREATE TABLE `{other}`.`old_orders` (id int NOT NULL, ref varchar(9), PRIMARY KEY (id))",
            "CREATE TABLE `orders` (id int AUTO_INCREMENT NOT NULL, CONSTRAINT `orders_id` PRIMARY KEY(`id`))")
    try:
        result = verify(model, fresh_db)
        assert result.schemas == (other, "public") and result.diagnostics == ()
        execute(fresh_db, f"ALTER TABLE `{other}`.`old_orders` MODIFY ref varchar(10)",
                "ALTER TABLE `orders` MODIFY id int NOT NULL")
        assert codes(verify(model, fresh_db).diagnostics) == [
            (DIFFERS, f'column "{other}.old_orders.ref"'), (DIFFERS, 'column "public.orders.id"')]
        assert "autoincrement is not set in the database but set in the models" in \
            [d.message for d in verify(model, fresh_db).diagnostics if "orders.id" in d.message][0]
    finally:
        execute(fresh_db, f"DROP DATABASE IF EXISTS `{other}`")


# ---------------------------------------------------------------------------
# Read-only, hostile databases, errors, masking
# ---------------------------------------------------------------------------


def _tables(url: str) -> list:
    with _admin() as conn, conn.cursor() as cur:
        cur.execute("SELECT TABLE_NAME, TABLE_TYPE, CREATE_TIME FROM information_schema.TABLES "
                    "WHERE TABLE_SCHEMA = %s ORDER BY 1", (urlsplit(url).path.lstrip("/"),))
        return cur.fetchall()


def test_connection_is_read_only(fresh_db, server):
    project, model = _project(REPO / "fixtures" / "mysql-shipping")
    apply_migrations(fresh_db, server, project, model)
    execute(fresh_db, "INSERT INTO carriers (code, name) VALUES ('DHL', 'DHL')")
    before = _tables(fresh_db)
    with connect(fresh_db) as conn, conn.cursor() as cur:
        cur.execute("SELECT @@session.transaction_read_only" if "mariadb" not in server.lower()
                    else "SELECT @@session.tx_read_only")
        assert cur.fetchone()[0] == 1
        for write in ("CREATE TABLE x (i int)", "INSERT INTO carriers (code, name) VALUES ('UPS', 'UPS')",
                      "DELETE FROM carriers", "DROP TABLE api_keys", "ALTER TABLE carriers ADD COLUMN q int",
                      "CREATE TEMPORARY TABLE t (i int)", "CREATE DATABASE drizzle_doc_should_not_exist"):
            with pytest.raises(pymysql.err.MySQLError) as info:
                cur.execute(write)
            assert info.value.args[0] == 1792, (write, info.value)  # ER_CANT_EXECUTE_IN_READ_ONLY_TRANSACTION
    assert verify(model, fresh_db, db_comments=True).diagnostics == ()
    assert _tables(fresh_db) == before
    with _admin(urlsplit(fresh_db).path.lstrip("/")) as conn, conn.cursor() as cur:
        cur.execute("SELECT code FROM carriers")
        assert cur.fetchall() == (("DHL",),)
        cur.execute("SHOW DATABASES LIKE 'drizzle_doc_should_not_exist'")
        assert cur.fetchall() == ()


def test_every_query_reads_only_qualified_information_schema_tables():
    assert len(catalog.QUERIES) == 8
    for sql in catalog.QUERIES:
        assert sql.startswith("SELECT ")
        tables = re.findall(r"\b(?:FROM|JOIN)\s+([\w.`]+)", sql)
        assert all(t.startswith("information_schema.") for t in tables), sql
        assert "%" not in sql.replace("{in_}", "")  # every value is bound, none spliced in
        assert not re.search(r"\b(?!VERSION\(|DATABASE\()\w+\(", sql.replace("{in_}", "")), sql


def test_views_named_like_information_schema_tables_change_nothing(fresh_db, server):
    """A database may hold views named like information_schema's tables, built to lie: every query
    is qualified, so verify reads the real catalog and reports those views as what they are."""
    project, model = _project(REPO / "fixtures" / "mysql-shipping")
    apply_migrations(fresh_db, server, project, model)
    planted = ("TABLES", "COLUMNS", "STATISTICS", "TABLE_CONSTRAINTS", "KEY_COLUMN_USAGE",
               "REFERENTIAL_CONSTRAINTS", "CHECK_CONSTRAINTS")
    execute(fresh_db, *[f"CREATE VIEW `{name}` AS SELECT 'planted' AS TABLE_SCHEMA, 'planted' AS TABLE_NAME"
                        for name in planted])
    result = verify(model, fresh_db)
    assert codes(result.diagnostics) == sorted((DB_ONLY, f'view "public.{name}"') for name in planted)


def test_unreachable_server_and_bad_urls_mask_the_password():
    with pytest.raises(DatabaseError) as info:
        with connect("mysql://app:hunter2secret@127.0.0.1:1/app", connect_timeout=2):
            pass
    text = str(info.value)
    assert text.startswith("cannot connect to mysql://app:***@127.0.0.1:1/app") and "hunter2secret" not in text
    for url in ("mysql://app:hunter2secret@127.0.0.1:notaport/app", "mysql://app:hunter2secret@127.0.0.1:3306",
                "mysql://app:hunter2secret@127.0.0.1/app?ssl-mode=sometimes", "postgresql://app:hunter2secret@h/app"):
        with pytest.raises(UsageError) as info:
            with connect(url):
                pass
        assert "hunter2secret" not in str(info.value) and info.value.exit_code == 2, url


def test_login_missing_database_and_missing_permissions(fresh_db, server):
    base = urlsplit(fresh_db)
    wrong = base._replace(netloc=f"root:wrong-hunter2@{base.hostname}:{base.port or 3306}").geturl()
    with pytest.raises(DatabaseError) as info:
        with connect(wrong):
            pass
    assert str(info.value).startswith("login failed on mysql://root:***@") and "wrong-hunter2" not in str(info.value)
    with pytest.raises(DatabaseError, match=r"^cannot use .*drizzle_doc_no_such_db"):
        with connect(base._replace(path="/drizzle_doc_no_such_db").geturl()):
            pass
    user = f"dd_noperm_{uuid.uuid4().hex[:8]}"
    execute(fresh_db, f"CREATE USER '{user}'@'%' IDENTIFIED BY 'topsecret-pw'",
            f"CREATE USER '{user}'@'localhost' IDENTIFIED BY 'topsecret-pw'")
    try:
        url = base._replace(netloc=f"{user}:topsecret-pw@{base.hostname}:{base.port or 3306}").geturl()
        with pytest.raises(DatabaseError) as info:
            with connect(url):
                pass
        assert str(info.value).startswith("missing permissions on") and "topsecret-pw" not in str(info.value)
    finally:
        execute(fresh_db, f"DROP USER IF EXISTS '{user}'@'%'", f"DROP USER IF EXISTS '{user}'@'localhost'")


def test_without_pymysql_one_line_with_the_install_command(monkeypatch, tmp_path):
    project, model = _project(REPO / "fixtures" / "mysql-casing")
    monkeypatch.setattr(cli_module, "load", lambda *a, **k: [(Project(root=tmp_path), model)])
    for name in [m for m in sys.modules if m == "pymysql" or m.startswith("pymysql.")]:
        monkeypatch.delitem(sys.modules, name)
    monkeypatch.setitem(sys.modules, "pymysql", None)  # import pymysql -> ImportError
    result = CliRunner().invoke(cli_module.cli, ["verify", "--database-url", "mysql://u:s3cret@127.0.0.1:1/db"])
    assert result.exit_code == 2, result.output
    assert result.output.strip().splitlines() == [
        "drizzle-doc: error: verify needs the MySQL driver PyMySQL, which is not installed: "
        "pip install 'drizzle-doc[verify]'"]


def test_without_a_server_skips_but_fails_under_ci(tmp_path):
    base = {k: v for k, v in os.environ.items() if k != "CI"}
    base["DRIZZLE_DOC_TEST_MYSQL"] = "mysql://root@127.0.0.1:1/test"
    args = [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", str(Path(__file__)),
            "-k", "test_connection_is_read_only", "-rs"]
    skipped = subprocess.run(args, env=base, capture_output=True, text=True, cwd=tmp_path)
    assert skipped.returncode == 0, skipped.stdout
    assert "no MySQL/MariaDB answers at mysql://root@127.0.0.1:1/test" in skipped.stdout
    failed = subprocess.run(args, env={**base, "CI": "1"}, capture_output=True, text=True, cwd=tmp_path)
    assert failed.returncode == 1, failed.stdout
    assert "CI is set, so the live-database tests must run" in failed.stdout


# ---------------------------------------------------------------------------
# CLI and comments
# ---------------------------------------------------------------------------


def test_cli_exit_codes_and_formats(fresh_db, server, monkeypatch):
    root = REPO / "fixtures" / "mysql-shipping"
    monkeypatch.chdir(root)  # the user stands in the root: files are named from there
    project, model = _project(root)
    apply_migrations(fresh_db, server, project, model)
    runner = CliRunner()
    clean = runner.invoke(cli_module.cli, ["verify", "--root", str(root), "--database-url", fresh_db])
    assert (clean.exit_code, clean.output) == (0, f"drizzle-doc verify: the models agree with {fresh_db}\n")
    execute(fresh_db, "ALTER TABLE `invoices` ADD COLUMN `memo` text")
    text = runner.invoke(cli_module.cli, ["verify", "--root", str(root), "--database-url", fresh_db])
    assert text.exit_code == 1
    assert text.output.splitlines()[0] == "src/db/billing.ts"
    assert re.match(r'\s+6\s+error\s+column "public.invoices.memo": in the database', text.output.splitlines()[1])
    js = runner.invoke(cli_module.cli, ["verify", "--root", str(root), "--format", "json"], env={"DATABASE_URL": fresh_db})
    payload = json.loads(js.output)
    assert js.exit_code == 1 and payload["schemas"] == ["public"] and payload["summary"]["dbOnly"] == 1


def test_comments_sql_round_trip_and_db_comments(fresh_db, server):
    """comments-sql's ALTER TABLE … COMMENT / MODIFY COLUMN … COMMENT applied for real, read back by
    --db-comments; a serial column restated keeps its one unique key (no id_2)."""
    project, model = _project(REPO / "fixtures" / "mysql-shipping")
    apply_migrations(fresh_db, server, project, model)
    orders = model.table("orders")
    documented = replace(orders, columns=tuple(
        replace(c, description=Doc(text="Order number, it's the key.")) if c.name == "id" else c for c in orders.columns))
    model = replace(model, tables=tuple(documented if t.name == "orders" else t for t in model.tables))
    sql = comments_sql(model)
    assert "MODIFY COLUMN `id` bigint unsigned AUTO_INCREMENT NOT NULL COMMENT 'Order number, it''s the key.'" in sql
    execute(fresh_db, *[s for s in split_statements(sql.split("\n", 3)[3])])
    with connect(fresh_db) as conn:
        comments = read_comments(conn, ("public",))
    assert dict(comments.tables)[("public", "carriers")] == "Shipping companies we hand parcels to."
    assert dict(comments.columns)[("public", "orders", "id")] == "Order number, it's the key."
    assert verify(model, fresh_db).diagnostics == ()  # no second unique key on orders.id
    bare = replace(model, tables=tuple(
        replace(t, description=Doc(), columns=tuple(replace(c, description=Doc()) for c in t.columns))
        for t in model.tables))
    result = verify(bare, fresh_db, db_comments=True)
    assert result.diagnostics == ()
    assert result.schema.table("carriers").description.text == "Shipping companies we hand parcels to."
    execute(fresh_db, "ALTER TABLE `carriers` COMMENT = 'Someone else''s words.'")
    result = verify(model, fresh_db, db_comments=True)
    assert [(d.severity, d.code) for d in result.diagnostics] == [("warning", "comment-differs")]
