"""Read a live MySQL or MariaDB server into the model, spelled as drizzle-kit's MySQL snapshot spells it.

:func:`connect` takes ``mysql://user:password@host:port/database`` (also ``mysql2://`` and
``mariadb://``; ``?ssl-mode=REQUIRED|VERIFY_CA|VERIFY_IDENTITY``, ``?ssl=true`` or PlanetScale's
``?ssl={"rejectUnauthorized":true}``, ``?sslaccept=strict``; other parameters, a pool's settings,
are not used) and opens it through PyMySQL (pure Python, the ``[verify]`` extra): the session is
``TRANSACTION READ ONLY`` and everything runs in one ``START TRANSACTION READ ONLY`` that is rolled
back; 5 s to connect, 15 s per statement (``max_statement_time`` on MariaDB,
``max_execution_time`` on MySQL, and the socket's read timeout on both), 2 s for a metadata lock.
The password is masked in every message.

:func:`read_catalog` runs SELECTs on ``information_schema`` only, every table qualified
(``information_schema.COLUMNS``), every value bound as a parameter: no stored function, view or
table of the database itself is ever read or called, so nothing a database's users planted
runs.  A model schema maps to a database: ``public`` (the model's default) is the URL's database,
a ``mysqlSchema("x")`` table's schema the database ``x``.

What the catalog states in its own way, respelled here as drizzle-kit's snapshot writes it:

- types: display widths dropped (``int(11)`` -> ``int``), ``tinyint(1)`` is ``boolean``; a
  ``bigint unsigned`` ``AUTO_INCREMENT`` column with the unique key named after it (what
  ``SERIAL`` makes) is ``serial``, and that key is not reported;
- the primary key is always called ``PRIMARY`` (verify pairs it with the model's by its columns);
  a unique constraint is a unique index;
- an index MySQL made by itself for a foreign key (named after the constraint, on its columns) is
  not reported: the model never declares it;
- ``EXTRA``: ``auto_increment`` is ``autoincrement``, ``on update current_timestamp…`` is
  ``onUpdateNow()``, ``VIRTUAL GENERATED`` / ``STORED GENERATED`` the generated column's kind.

MySQL 8 and MariaDB differ; both are read, and :mod:`~drizzle_doc.dialects.mysql.spelling`
judges what is the same:

- defaults: MySQL 8 reports a literal default bare (``default`` for ``'default'``), flags
  expression defaults ``DEFAULT_GENERATED`` and escapes their quotes (``_utf8mb4\\'x\\'``): bare
  literals of non-numeric columns are quoted here, the escapes undone.  MariaDB (10.2.7+) quotes
  literals itself, reports no default on a nullable column as the text ``NULL`` (read as none),
  and expression defaults as it prints them: ``DEFAULT (now())`` on a ``timestamp(3)`` is
  ``current_timestamp(3)``, ``CURRENT_TIMESTAMP`` is ``current_timestamp()``, ``true`` is ``1``,
  a decimal's ``'0.00'`` is ``0.00``, a JSON default ``('{}')`` is ``'{}'``;
- JSON: MariaDB's ``json`` is ``longtext`` with a column-level ``CHECK (json_valid(`c`))`` named
  after the column; such a column is read as ``json`` and that check is not reported;
- checks and generated columns are stored without table qualifiers (```t`.`c``` is ```c```)
  and, in MySQL 8, with outer parentheses and ``_utf8mb4`` introducers;
- ``information_schema.CHECK_CONSTRAINTS`` has ``TABLE_NAME`` on MariaDB (a check's name is unique
  per table there) but not on MySQL 8 (unique per database): checks are matched to tables either way;
- ``STATISTICS.EXPRESSION`` (a functional key part) exists on MySQL 8.0.13+ only; MariaDB has no
  functional indexes (drizzle-kit's ``CREATE INDEX … ((lower(`x`)))`` fails there).
"""

from __future__ import annotations

import json
import ssl
from collections import defaultdict
from contextlib import contextmanager
from dataclasses import replace
from typing import Iterable, Iterator, Optional
from urllib.parse import parse_qs, unquote, urlsplit

from drizzle_doc.dialects.base import CatalogComments
from drizzle_doc.dialects.mysql.spelling import canonical_expr, respell_type
from drizzle_doc.errors import DatabaseError, UsageError
from drizzle_doc.masking import mask_text, mask_url
from drizzle_doc.model import (
    Check,
    Column,
    ForeignKey,
    Generated,
    Index,
    IndexColumn,
    PrimaryKey,
    Schema,
    Table,
    View,
)

SCHEMA = "public"  # the model's schema for the URL's database (see dialects/mysql/__init__.py)
CONNECT_TIMEOUT = 5  # seconds
STATEMENT_TIMEOUT = 15  # seconds
LOCK_WAIT_TIMEOUT = 2  # seconds
SCHEMES = ("mysql", "mysql2", "mariadb")
_INSTALL = "verify needs the MySQL driver PyMySQL, which is not installed: pip install 'drizzle-doc[verify]'"
_NUMERIC = {"tinyint", "smallint", "mediumint", "int", "integer", "bigint", "decimal", "numeric", "float",
            "double", "real", "bit", "year"}
_TABLE_TYPES = ("BASE TABLE", "SYSTEM VERSIONED")

# ---------------------------------------------------------------------------
# The URL and the read-only connection
# ---------------------------------------------------------------------------


def connection_options(url: str) -> dict:
    """PyMySQL's connection arguments for ``url`` (see the module docstring)."""
    shown = mask_url(url)
    try:
        parts = urlsplit(url.strip())
        port = parts.port
    except ValueError as exc:
        raise UsageError(f"bad database URL {shown}: {mask_text(str(exc), url)}") from None
    if parts.scheme.lower() not in SCHEMES:
        raise UsageError(f"this is a MySQL project: --database-url must be a mysql:// URL "
                         f"(mysql://user:password@host:3306/database), not {shown}")
    database = unquote(parts.path.lstrip("/"))
    if not database or "/" in database:
        raise UsageError(f"bad database URL {shown}: it must name one database (mysql://user@host:3306/database)")
    options = {
        "host": parts.hostname or "localhost",
        "port": port or 3306,
        "user": unquote(parts.username or "") or None,
        "password": unquote(parts.password or ""),
        "database": database,
    }
    query = {k.lower().replace("_", "-"): v[-1] for k, v in parse_qs(parts.query, keep_blank_values=True).items()}
    context = _ssl_context(query, shown)
    if context is not None:
        options["ssl"] = context
    socket = query.get("socket")
    if socket:
        options["unix_socket"] = socket
    return options


def _ssl_context(query: dict, shown: str) -> Optional[ssl.SSLContext]:
    """An SSL context for the URL's ``ssl-mode`` / ``sslmode`` / ``ssl`` / ``sslaccept``, or None."""
    mode = (query.get("ssl-mode") or query.get("sslmode") or "").upper().replace("-", "_")
    raw = query.get("ssl")
    if raw is not None and not mode:
        try:
            value = json.loads(raw) if raw.strip().startswith("{") else raw
        except ValueError:
            raise UsageError(f"bad database URL {shown}: ?ssl= is neither true/false nor a JSON object") from None
        if isinstance(value, dict):
            mode = "VERIFY_IDENTITY" if value.get("rejectUnauthorized", True) else "REQUIRED"
        elif str(value).lower() in ("1", "true", "required"):
            mode = "REQUIRED"
    accept = (query.get("sslaccept") or "").lower()
    if accept and not mode:
        mode = "VERIFY_IDENTITY" if accept == "strict" else "REQUIRED"
    if mode in ("", "DISABLED", "PREFERRED", "FALSE", "0"):
        return None
    if mode not in ("REQUIRED", "VERIFY_CA", "VERIFY_IDENTITY"):
        raise UsageError(f"bad database URL {shown}: ssl-mode must be DISABLED, PREFERRED, REQUIRED, VERIFY_CA "
                         "or VERIFY_IDENTITY")
    context = ssl.create_default_context()
    if mode != "VERIFY_IDENTITY":
        context.check_hostname = False
    if mode == "REQUIRED":
        context.verify_mode = ssl.CERT_NONE
    return context


@contextmanager
def connect(url: str, *, connect_timeout: int = CONNECT_TIMEOUT,
            statement_timeout: int = STATEMENT_TIMEOUT) -> Iterator[object]:
    """A PyMySQL connection inside a READ ONLY transaction that is rolled back at the end.

    Raises :class:`UsageError` / :class:`DatabaseError` (exit code 2) for a bad URL, PyMySQL
    missing, an unreachable server, a failed login or missing permissions; the password never
    appears."""
    if not url or not url.strip():
        raise UsageError("no database URL: pass --database-url or set DATABASE_URL")
    options = connection_options(url)
    try:
        import pymysql
    except ImportError:
        raise UsageError(_INSTALL) from None
    try:
        conn = pymysql.connect(**options, connect_timeout=connect_timeout, read_timeout=statement_timeout + 5,
                               write_timeout=statement_timeout + 5, charset="utf8mb4", autocommit=False,
                               local_infile=False, program_name="drizzle-doc verify")
    except pymysql.err.MySQLError as exc:
        raise DatabaseError(_message(url, exc, connecting=True)) from None
    except (UnicodeError, ValueError, OSError) as exc:
        raise DatabaseError(f"bad database host in {mask_url(url)}: {mask_text(_first_line(exc), url)}") from None
    except RuntimeError as exc:  # e.g. MySQL 8's caching_sha2_password without the cryptography package
        raise DatabaseError(f"cannot connect to {mask_url(url)}: {mask_text(_first_line(exc), url)}") from None
    try:
        try:
            cur = conn.cursor()
            cur.execute("SET SESSION TRANSACTION READ ONLY")
            for setting in (f"SET SESSION max_statement_time = {int(statement_timeout)}",  # MariaDB, seconds
                            f"SET SESSION max_execution_time = {int(statement_timeout) * 1000}",  # MySQL, ms
                            f"SET SESSION lock_wait_timeout = {LOCK_WAIT_TIMEOUT}"):
                try:
                    cur.execute(setting)
                except pymysql.err.MySQLError:  # the other server's variable
                    pass
            cur.execute("START TRANSACTION READ ONLY")
            yield conn
        except pymysql.err.MySQLError as exc:
            raise DatabaseError(_message(url, exc, connecting=False)) from None
    finally:
        try:
            conn.rollback()
        except Exception:  # a connection already lost: closing is all that is left
            pass
        finally:
            conn.close()


def _first_line(exc: BaseException) -> str:
    args = getattr(exc, "args", ())
    text = str(args[1]) if len(args) >= 2 and isinstance(args[0], int) else str(exc)
    text = text.strip()
    return text.splitlines()[0] if text else type(exc).__name__


_LOGIN = {1045, 1698, 1251}
_PERMISSION = {1044, 1142, 1143, 1227, 1370}
_MISSING = {1049}
_TIMEOUT = {1969, 3024, 2013}
_UNREACHABLE = {2002, 2003, 2005, 2006}


def _message(url: str, exc: BaseException, *, connecting: bool) -> str:
    code = exc.args[0] if exc.args and isinstance(exc.args[0], int) else None
    where = mask_url(url)
    detail = mask_text(_first_line(exc), url)
    if code in _LOGIN:
        return f"login failed on {where}: {detail}"
    if code in _PERMISSION:
        return f"missing permissions on {where}: {detail} (verify needs to read information_schema)"
    if code in _MISSING:
        return f"cannot use {where}: {detail}"
    if code in _TIMEOUT and not connecting:
        return f"query timed out on {where} after {STATEMENT_TIMEOUT} s: {detail}"
    if connecting or code in _UNREACHABLE:
        return f"cannot connect to {where}: {detail}"
    return f"database error on {where}: {detail}"


# ---------------------------------------------------------------------------
# Reading
# ---------------------------------------------------------------------------

_IN = "IN ({})"
_SERVER_SQL = "SELECT VERSION(), DATABASE()"
_TABLES_SQL = ("SELECT TABLE_SCHEMA, TABLE_NAME, TABLE_TYPE, TABLE_COMMENT FROM information_schema.TABLES "
               "WHERE TABLE_SCHEMA {in_} ORDER BY TABLE_SCHEMA, TABLE_NAME")
_COLUMNS_SQL = ("SELECT TABLE_SCHEMA, TABLE_NAME, COLUMN_NAME, COLUMN_DEFAULT, IS_NULLABLE, DATA_TYPE, COLUMN_TYPE, "
                "EXTRA, GENERATION_EXPRESSION, COLUMN_COMMENT FROM information_schema.COLUMNS "
                "WHERE TABLE_SCHEMA {in_} ORDER BY TABLE_SCHEMA, TABLE_NAME, ORDINAL_POSITION")
_STATISTICS_SQL = ("SELECT * FROM information_schema.STATISTICS "
                   "WHERE TABLE_SCHEMA {in_} ORDER BY TABLE_SCHEMA, TABLE_NAME, INDEX_NAME, SEQ_IN_INDEX")
_CONSTRAINTS_SQL = ("SELECT TABLE_SCHEMA, TABLE_NAME, CONSTRAINT_NAME, CONSTRAINT_TYPE "
                    "FROM information_schema.TABLE_CONSTRAINTS WHERE TABLE_SCHEMA {in_}")
_FK_COLUMNS_SQL = ("SELECT TABLE_SCHEMA, TABLE_NAME, CONSTRAINT_NAME, COLUMN_NAME, REFERENCED_TABLE_SCHEMA, "
                   "REFERENCED_TABLE_NAME, REFERENCED_COLUMN_NAME FROM information_schema.KEY_COLUMN_USAGE "
                   "WHERE TABLE_SCHEMA {in_} AND REFERENCED_TABLE_NAME IS NOT NULL "
                   "ORDER BY TABLE_SCHEMA, TABLE_NAME, CONSTRAINT_NAME, ORDINAL_POSITION")
_FK_RULES_SQL = ("SELECT CONSTRAINT_SCHEMA, TABLE_NAME, CONSTRAINT_NAME, UPDATE_RULE, DELETE_RULE "
                 "FROM information_schema.REFERENTIAL_CONSTRAINTS WHERE CONSTRAINT_SCHEMA {in_}")
_CHECKS_SQL = "SELECT * FROM information_schema.CHECK_CONSTRAINTS WHERE CONSTRAINT_SCHEMA {in_}"

#: Every statement verify sends to a MySQL server besides the session settings (tests hold each
#: to a SELECT naming only ``information_schema`` tables).
QUERIES = (_SERVER_SQL, _TABLES_SQL, _COLUMNS_SQL, _STATISTICS_SQL, _CONSTRAINTS_SQL, _FK_COLUMNS_SQL,
           _FK_RULES_SQL, _CHECKS_SQL)


def _fetch(conn, sql: str, databases: list[str]) -> list[dict]:
    """Rows as dicts keyed by upper-case column name (the databases bound as parameters)."""
    cur = conn.cursor()
    cur.execute(sql.format(in_=_IN.format(", ".join(["%s"] * len(databases)))), databases)
    names = [d[0].upper() for d in cur.description or ()]
    return [dict(zip(names, row)) for row in cur.fetchall()]


def _text(value) -> Optional[str]:
    if value is None:
        return None
    return value.decode("utf-8", "replace") if isinstance(value, (bytes, bytearray)) else str(value)


def _databases(conn, schemas: Iterable[str]) -> tuple[dict[str, str], bool]:
    """(database -> model schema, the server is MariaDB)."""
    cur = conn.cursor()
    cur.execute(_SERVER_SQL)
    version, current = (_text(v) for v in cur.fetchone())
    mapping = {}
    for s in sorted(set(schemas)) or [SCHEMA]:
        mapping[current if s == SCHEMA else s] = s
    mapping.pop(None, None)
    return mapping, "mariadb" in (version or "").lower()


def read_catalog(conn, schemas: Iterable[str] = (SCHEMA,)) -> Schema:
    """The tables and views of the databases the model's ``schemas`` name, as a model Schema."""
    mapping, mariadb = _databases(conn, schemas)
    dbs = list(mapping)
    if not dbs:
        return Schema(dialect="mysql")
    relations = {(_text(r["TABLE_SCHEMA"]), _text(r["TABLE_NAME"])): _text(r["TABLE_TYPE"])
                 for r in _fetch(conn, _TABLES_SQL, dbs)}
    checks = _checks(conn, dbs)
    columns: dict[tuple, list[Column]] = defaultdict(list)
    json_checks: set[tuple] = set()
    for r in _fetch(conn, _COLUMNS_SQL, dbs):
        key = (_text(r["TABLE_SCHEMA"]), _text(r["TABLE_NAME"]))
        if key not in relations:
            continue
        name = _text(r["COLUMN_NAME"])
        column = _column(r, mariadb)
        clause = checks.get(key, {}).get(name)
        if mariadb and column.type.lower() == "longtext" and clause is not None and \
                canonical_expr(clause) == f"json_valid ( {name.lower()} )":
            column = replace(column, type="json")
            json_checks.add((key, name))
        columns[key].append(column)
    indexes, pks = _indexes(conn, dbs)
    fks = _foreign_keys(conn, dbs, mapping)

    tables, views = [], []
    for (db, name), kind in relations.items():
        schema = mapping.get(db, db)
        if kind == "VIEW":
            views.append(View(name=name, schema=schema))
            continue
        if kind not in _TABLE_TYPES:
            continue
        key = (db, name)
        cols = columns.get(key, [])
        table_indexes = indexes.get(key, [])
        table_fks = fks.get(key, [])
        # SERIAL: bigint unsigned NOT NULL AUTO_INCREMENT with a unique key named after the column
        serial_keys = set()
        for n, c in enumerate(cols):
            if c.autoincrement and c.not_null and c.type.lower() == "bigint unsigned":
                own = next((ix for ix in table_indexes if ix.unique and ix.name == c.name
                            and [x.expression for x in ix.columns] == [c.name]), None)
                if own is not None:
                    serial_keys.add(own.name)
                    cols[n] = replace(c, type="serial")
        fk_names = {f.name: f.columns for f in table_fks}
        kept = [ix for ix in table_indexes if ix.name not in serial_keys and not (
            not ix.unique and fk_names.get(ix.name) == tuple(x.expression for x in ix.columns))]
        pk_cols = pks.get(key, ())
        if len(pk_cols) == 1:
            cols = [replace(c, primary_key=True) if c.name == pk_cols[0] else c for c in cols]
        table_checks = tuple(Check(check_name, clause) for check_name, clause in checks.get(key, {}).items()
                             if (key, check_name) not in json_checks)
        tables.append(Table(
            name=name, schema=schema, columns=tuple(cols),
            primary_key=PrimaryKey("PRIMARY", pk_cols, len(pk_cols) > 1) if pk_cols else None,
            foreign_keys=tuple(table_fks), indexes=tuple(kept), checks=table_checks,
        ))
    return Schema(dialect="mysql", tables=tuple(tables), views=tuple(views))


def _column(r: dict, mariadb: bool) -> Column:
    extra = (_text(r["EXTRA"]) or "").lower()
    data_type = (_text(r["DATA_TYPE"]) or "").lower()
    generated = None
    if "generated" in extra and ("virtual" in extra or "stored" in extra):
        expression = _text(r["GENERATION_EXPRESSION"]) or ""
        if not mariadb:
            expression = expression.replace("\\'", "'")
        generated = Generated(expression, "stored" if "stored" in extra else "virtual")
    return Column(
        name=_text(r["COLUMN_NAME"]), property="", type=respell_type(_text(r["COLUMN_TYPE"]) or data_type),
        not_null=(_text(r["IS_NULLABLE"]) or "").upper() == "NO",
        default=None if generated is not None else _default(_text(r["COLUMN_DEFAULT"]), extra, data_type, mariadb),
        on_update="onUpdateNow()" if "on update" in extra else None,
        generated=generated, autoincrement="auto_increment" in extra,
    )


def innodb_action(rule: Optional[str]) -> str:
    """A foreign key action as InnoDB applies it: ``RESTRICT`` and ``NO ACTION`` are one action
    (both checked at once; MariaDB reports an omitted clause as ``RESTRICT``, MySQL 8 as ``NO
    ACTION``), so both read as ``no action``; the model's side is mapped the same way
    (``MySqlDialect.as_catalog``)."""
    action = (rule or "no action").lower()
    return "no action" if action == "restrict" else action


def _default(raw: Optional[str], extra: str, data_type: str, mariadb: bool) -> Optional[str]:
    """A column default as drizzle-kit writes one (see the module docstring)."""
    if raw is None:
        return None
    if mariadb:
        return None if raw == "NULL" else raw
    if "default_generated" in extra:
        return raw.replace("\\'", "'")
    if data_type in _NUMERIC:
        return raw
    return "'" + raw.replace("'", "''") + "'"


def _checks(conn, dbs: list[str]) -> dict[tuple, dict[str, str]]:
    """(database, table) -> {check name: clause}.  MySQL before 8.0.16 has no such table: none."""
    import pymysql

    try:
        rows = _fetch(conn, _CHECKS_SQL, dbs)
    except pymysql.err.MySQLError:
        return {}
    owners = {(_text(r["TABLE_SCHEMA"]), _text(r["CONSTRAINT_NAME"])): _text(r["TABLE_NAME"])
              for r in _fetch(conn, _CONSTRAINTS_SQL, dbs) if _text(r["CONSTRAINT_TYPE"]) == "CHECK"}
    out: dict[tuple, dict[str, str]] = defaultdict(dict)
    for r in rows:
        db, name = _text(r["CONSTRAINT_SCHEMA"]), _text(r["CONSTRAINT_NAME"])
        table = _text(r["TABLE_NAME"]) if "TABLE_NAME" in r else owners.get((db, name))
        if table is not None:
            out[(db, table)][name] = _text(r["CHECK_CLAUSE"]) or ""
    return out


def _indexes(conn, dbs: list[str]) -> tuple[dict[tuple, list[Index]], dict[tuple, tuple[str, ...]]]:
    parts: dict[tuple, list[dict]] = defaultdict(list)
    order: list[tuple] = []
    for r in _fetch(conn, _STATISTICS_SQL, dbs):
        key = (_text(r["TABLE_SCHEMA"]), _text(r["TABLE_NAME"]), _text(r["INDEX_NAME"]))
        if key not in parts:
            order.append(key)
        parts[key].append(r)
    indexes: dict[tuple, list[Index]] = defaultdict(list)
    pks: dict[tuple, tuple[str, ...]] = {}
    for key in order:
        rows = parts[key]
        table = key[:2]
        if key[2] == "PRIMARY":
            pks[table] = tuple(_text(r["COLUMN_NAME"]) for r in rows)
            continue
        cols = []
        for r in rows:
            column = _text(r["COLUMN_NAME"])
            expression = _text(r.get("EXPRESSION"))
            desc = (_text(r.get("COLLATION")) or "A").upper() == "D"
            if column is None and expression:
                cols.append(IndexColumn(expression.replace("\\'", "'"), True, not desc))
            else:
                sub = r.get("SUB_PART")
                cols.append(IndexColumn(f"{column}({sub})" if sub else column, False, not desc))
        first = rows[0]
        indexes[table].append(Index(key[2], tuple(cols), str(first["NON_UNIQUE"]) == "0",
                                    (_text(first["INDEX_TYPE"]) or "btree").lower()))
    return indexes, pks


def _foreign_keys(conn, dbs: list[str], mapping: dict[str, str]) -> dict[tuple, list[ForeignKey]]:
    rules = {(_text(r["CONSTRAINT_SCHEMA"]), _text(r["TABLE_NAME"]), _text(r["CONSTRAINT_NAME"])): r
             for r in _fetch(conn, _FK_RULES_SQL, dbs)}
    grouped: dict[tuple, list[dict]] = defaultdict(list)
    for r in _fetch(conn, _FK_COLUMNS_SQL, dbs):
        grouped[(_text(r["TABLE_SCHEMA"]), _text(r["TABLE_NAME"]), _text(r["CONSTRAINT_NAME"]))].append(r)
    out: dict[tuple, list[ForeignKey]] = defaultdict(list)
    for key, rows in grouped.items():
        rule = rules.get(key, {})
        target_db = _text(rows[0]["REFERENCED_TABLE_SCHEMA"])
        out[key[:2]].append(ForeignKey(
            name=key[2], columns=tuple(_text(r["COLUMN_NAME"]) for r in rows),
            foreign_schema=mapping.get(target_db, target_db), foreign_table=_text(rows[0]["REFERENCED_TABLE_NAME"]),
            foreign_columns=tuple(_text(r["REFERENCED_COLUMN_NAME"]) for r in rows),
            on_delete=innodb_action(_text(rule.get("DELETE_RULE"))),
            on_update=innodb_action(_text(rule.get("UPDATE_RULE"))),
        ))
    return out


def read_comments(conn, schemas: Iterable[str] = (SCHEMA,)) -> CatalogComments:
    """Table and column comments (MySQL's ``COMMENT``) of the databases ``schemas`` name."""
    mapping, _ = _databases(conn, schemas)
    dbs = list(mapping)
    if not dbs:
        return CatalogComments()
    tables = []
    for r in _fetch(conn, _TABLES_SQL, dbs):
        text = _text(r["TABLE_COMMENT"])
        if text and _text(r["TABLE_TYPE"]) in _TABLE_TYPES:
            tables.append(((mapping[_text(r["TABLE_SCHEMA"])], _text(r["TABLE_NAME"])), text))
    columns = [((mapping[_text(r["TABLE_SCHEMA"])], _text(r["TABLE_NAME"]), _text(r["COLUMN_NAME"])),
                _text(r["COLUMN_COMMENT"]))
               for r in _fetch(conn, _COLUMNS_SQL, dbs) if _text(r["COLUMN_COMMENT"])]
    return CatalogComments(tables=tuple(tables), columns=tuple(columns))
