"""Read a live SQLite database file into the model, spelled as drizzle-kit's SQLite snapshot spells it.

:func:`connect` opens the file strictly read-only: Python's own ``sqlite3`` with a
``file:…?mode=ro`` URI (the file is never created, written or locked for writing), then
``PRAGMA query_only`` and ``PRAGMA trusted_schema = OFF`` on top.  A missing file is an error
(exit 2), never an empty new database.  The URL may be ``file:path`` (libSQL's local form, also
``file:///abs/path``), ``sqlite:path`` / ``sqlite:///path`` (SQLAlchemy's: three slashes then a
relative path, four for an absolute one) or a plain path; relative paths are taken from the current
folder.  Remote libSQL/Turso URLs (``libsql://``, ``https://``) are refused with one line.

:func:`read_catalog` reads only ``sqlite_master`` and the table-valued pragmas
(``pragma_table_xinfo``, ``pragma_index_list`` / ``pragma_index_xinfo``,
``pragma_foreign_key_list``), table names bound as parameters.  What the pragmas do not say comes
from the ``CREATE TABLE`` / ``CREATE INDEX`` text SQLite keeps, read with a small tokenizer:
``CONSTRAINT "name" CHECK(…)``, a generated column's ``AS (…)`` and ``STORED``/``VIRTUAL``,
``AUTOINCREMENT``, an index's expressions and ``WHERE``.

SQLite keeps no name for a foreign key or a primary key (drizzle-kit writes none); they get
drizzle-kit's default names here, and ``verify`` pairs them with the model's by their columns.
A unique constraint written in ``CREATE TABLE`` is SQLite's ``sqlite_autoindex_*`` unique index
(drizzle-kit writes unique indexes instead).  SQLite's own tables (``sqlite_*``), Cloudflare
D1's (``_cf_*``, ``d1_migrations``) and libSQL's (``libsql_*``) are not part of the schema.
"""

from __future__ import annotations

import re
import sqlite3
from collections import defaultdict
from contextlib import contextmanager
from dataclasses import replace
from pathlib import Path
from typing import Iterable, Iterator, Optional
from urllib.parse import quote, unquote

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

SCHEMA = "main"
BUSY_TIMEOUT = 2.0  # seconds to wait for a writer's lock before giving up
_REMOTE = ("libsql://", "http://", "https://", "ws://", "wss://")
_SCHEME = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*:")
_INTERNAL = re.compile(r"^(sqlite_|_cf_|libsql_)|^d1_migrations$", re.IGNORECASE)

# ---------------------------------------------------------------------------
# The URL and the read-only connection
# ---------------------------------------------------------------------------


def database_path(url: str) -> Path:
    """The file a SQLite ``--database-url`` names (see the module docstring for the forms)."""
    text = (url or "").strip()
    low = text.lower()
    if not text:
        raise UsageError("no database URL: pass --database-url or set DATABASE_URL")
    if low.startswith(_REMOTE):
        raise UsageError(f"verify reads a local SQLite file, not a remote libSQL/Turso database ({mask_url(url)}): "
                         "pass a copy of it as file:path (e.g. `turso db shell <db> .dump | sqlite3 copy.db`)")
    if low.startswith("file:"):
        rest = re.split(r"[?#]", text[5:], maxsplit=1)[0]
        if rest.startswith("//"):
            host, slash, path = rest[2:].partition("/")
            if host not in ("", "localhost"):
                raise UsageError(f"bad SQLite URL {mask_url(url)}: a file: URL names no host (file:///abs/path or file:path)")
            rest = slash + path
        path_text = unquote(rest)
    elif low.startswith("sqlite:"):
        rest = re.split(r"[?#]", text[7:], maxsplit=1)[0]
        if rest.startswith("//"):  # SQLAlchemy: sqlite:///relative.db, sqlite:////absolute.db
            rest = rest[2:]
            rest = rest[1:] if rest.startswith("/") else rest
        path_text = unquote(rest)
    elif _SCHEME.match(text) and not re.match(r"^[A-Za-z]:[\\/]", text):
        raise UsageError(f"this is a SQLite project: --database-url must be a SQLite file (file:path, sqlite:path or a "
                         f"path to a .db file), not {mask_url(url)}")
    else:
        path_text = text
    if path_text in ("", ":memory:"):
        raise UsageError(f"bad SQLite URL {mask_url(url)}: it names no database file")
    return Path(path_text).expanduser()


@contextmanager
def connect(url: str) -> Iterator[sqlite3.Connection]:
    """A read-only ``sqlite3`` connection to the file ``url`` names; closed at the end.

    Raises :class:`UsageError` / :class:`DatabaseError` (exit 2) for a URL that names no local
    file, a missing file (never created), a folder, or a file that is not a SQLite database."""
    path = database_path(url)
    shown = mask_url(url)
    if not path.exists():
        raise DatabaseError(f"no SQLite database at {shown}: the file does not exist "
                            "(verify opens an existing file read-only and never creates one)")
    if not path.is_file():
        raise DatabaseError(f"no SQLite database at {shown}: it is not a file")
    uri = "file:" + quote(str(path.resolve())) + "?mode=ro"
    try:
        conn = sqlite3.connect(uri, uri=True, timeout=BUSY_TIMEOUT)
    except sqlite3.Error as exc:
        raise DatabaseError(f"cannot open {shown}: {mask_text(str(exc), url)}") from None
    try:
        try:
            conn.execute("PRAGMA query_only = ON")
            conn.execute("PRAGMA trusted_schema = OFF")
            conn.execute("SELECT count(*) FROM main.sqlite_master").fetchone()
            yield conn
        except sqlite3.DatabaseError as exc:
            raise DatabaseError(f"cannot read {shown} as a SQLite database: {mask_text(str(exc), url)}") from None
    finally:
        conn.close()


# ---------------------------------------------------------------------------
# The SQL text SQLite keeps: a small tokenizer
# ---------------------------------------------------------------------------

_TOKEN = re.compile(r"""
    (?P<ws>\s+|--[^\n]*|/\*.*?(?:\*/|\Z))
  | (?P<str>'(?:[^']|'')*'?)
  | (?P<ident>"(?:[^"]|"")*"?|`(?:[^`]|``)*`?|\[[^\]]*\]?)
  | (?P<num>\d+(?:\.\d*)?(?:[eE][+-]?\d+)?|\.\d+(?:[eE][+-]?\d+)?)
  | (?P<word>[A-Za-z_][A-Za-z0-9_$]*)
  | (?P<punct>.)
""", re.VERBOSE | re.DOTALL)


def _tokens(sql: str) -> list[tuple[str, str, int, int]]:
    """(kind, text, start, end) for each token, whitespace and comments left out."""
    return [(m.lastgroup, m.group(), m.start(), m.end()) for m in _TOKEN.finditer(sql) if m.lastgroup != "ws"]


def _unquote(text: str) -> str:
    if len(text) >= 2 and text[0] in "\"`[":
        close = "]" if text[0] == "[" else text[0]
        inner = text[1:-1] if text.endswith(close) else text[1:]
        return inner if close == "]" else inner.replace(close * 2, close)
    return text


def _group_end(tokens, i: int) -> int:
    """The index of the ``)`` closing the ``(`` at ``tokens[i]`` (the last token if unclosed)."""
    depth = 0
    for j in range(i, len(tokens)):
        if tokens[j][1] == "(":
            depth += 1
        elif tokens[j][1] == ")":
            depth -= 1
            if depth == 0:
                return j
    return len(tokens) - 1


def _items(tokens, open_at: int) -> list[list]:
    """The comma-separated items of the parenthesised group opening at ``tokens[open_at]``."""
    end = _group_end(tokens, open_at)
    items, current, j = [], [], open_at + 1
    while j < end:
        tok = tokens[j]
        if tok[1] == "(":
            close = _group_end(tokens, j)
            current.extend(tokens[j:close + 1])
            j = close + 1
            continue
        if tok[1] == ",":
            items.append(current)
            current = []
        else:
            current.append(tok)
        j += 1
    if current:
        items.append(current)
    return items


def _text(sql: str, tokens, first: int, last: int) -> str:
    return sql[tokens[first][2]:tokens[last][3]] if first <= last else ""


def _inner(sql: str, tokens, open_at: int) -> str:
    """The text inside the group opening at ``tokens[open_at]``."""
    close = _group_end(tokens, open_at)
    return sql[tokens[open_at][3]:tokens[close][2]].strip() if close > open_at else ""


class _TableText:
    """What a ``CREATE TABLE`` statement says that the pragmas do not."""

    def __init__(self, sql: str) -> None:
        self.checks: list[tuple[Optional[str], str]] = []  # (name or None, expression)
        self.generated: dict[str, Generated] = {}
        self.autoincrement: set[str] = set()
        tokens = _tokens(sql or "")
        start = next((i for i, t in enumerate(tokens) if t[1] == "("), None)
        if start is None:
            return
        for item in _items(tokens, start):
            if item:
                self._item(sql, item)

    def _item(self, sql: str, item: list) -> None:
        first = item[0][1].upper() if item[0][0] == "word" else ""
        column = None if first in ("CONSTRAINT", "PRIMARY", "UNIQUE", "CHECK", "FOREIGN") else _unquote(item[0][1])
        name = None
        j = 0 if column is None else 1
        while j < len(item):
            kind, text, _, _ = item[j]
            word = text.upper() if kind == "word" else ""
            if text == "(":  # a type's size or a DEFAULT (…): not read here
                j = _group_end(item, j) + 1
                continue
            if word == "CONSTRAINT" and j + 1 < len(item):
                name = _unquote(item[j + 1][1])
                j += 2
                continue
            if word == "CHECK" and j + 1 < len(item) and item[j + 1][1] == "(":
                self.checks.append((name, _inner(sql, item, j + 1)))
                name = None
                j = _group_end(item, j + 1) + 1
                continue
            if column is not None and word == "AS" and j + 1 < len(item) and item[j + 1][1] == "(":
                close = _group_end(item, j + 1)
                after = item[close + 1][1].upper() if close + 1 < len(item) else ""
                self.generated[column] = Generated(_text(sql, item, j + 1, close),
                                                   "stored" if after == "STORED" else "virtual")
                j = close + 1
                continue
            if column is not None and word == "AUTOINCREMENT":
                self.autoincrement.add(column)
            j += 1


def _index_text(sql: Optional[str]) -> tuple[list[str], Optional[str]]:
    """A ``CREATE INDEX`` statement's key items (their text, without ASC/DESC/COLLATE) and WHERE."""
    if not sql:
        return [], None
    tokens = _tokens(sql)
    on = next((i for i, t in enumerate(tokens) if t[0] == "word" and t[1].upper() == "ON"), None)
    start = next((i for i in range(on or 0, len(tokens)) if tokens[i][1] == "("), None) if on is not None else None
    if start is None:
        return [], None
    items = []
    for item in _items(tokens, start):
        last = len(item) - 1
        while last > 0 and item[last][0] == "word" and item[last][1].upper() in ("ASC", "DESC"):
            last -= 1
        for k in range(1, last):
            if item[k][0] == "word" and item[k][1].upper() == "COLLATE":
                last = k - 1
                break
        items.append(_text(sql, item, 0, last))
    close = _group_end(tokens, start)
    where = None
    if close + 1 < len(tokens) and tokens[close + 1][0] == "word" and tokens[close + 1][1].upper() == "WHERE":
        where = sql[tokens[close + 1][3]:].strip().rstrip(";").strip() or None
    return items, where


# ---------------------------------------------------------------------------
# Reading
# ---------------------------------------------------------------------------

_OBJECTS_SQL = ("SELECT type, name, tbl_name, sql FROM main.sqlite_master "
                "WHERE type IN ('table', 'view', 'index') ORDER BY type, name")
_COLUMNS_SQL = 'SELECT cid, name, type, "notnull", dflt_value, pk, hidden FROM pragma_table_xinfo(?, \'main\') ORDER BY cid'
_INDEX_LIST_SQL = 'SELECT seq, name, "unique", origin, partial FROM pragma_index_list(?, \'main\') ORDER BY seq'
_INDEX_COLUMNS_SQL = 'SELECT seqno, cid, name, "desc", key FROM pragma_index_xinfo(?, \'main\') ORDER BY seqno'
_FOREIGN_KEYS_SQL = ('SELECT id, seq, "table", "from", "to", on_update, on_delete '
                     "FROM pragma_foreign_key_list(?, 'main') ORDER BY id, seq")

#: Every statement verify runs on a SQLite file (each a SELECT; names are bound, never spliced in).
QUERIES = (_OBJECTS_SQL, _COLUMNS_SQL, _INDEX_LIST_SQL, _INDEX_COLUMNS_SQL, _FOREIGN_KEYS_SQL)


def _action(value: Optional[str]) -> str:
    return (value or "no action").lower()


def read_catalog(conn: sqlite3.Connection, schemas: Iterable[str] = (SCHEMA,)) -> Schema:
    """The tables and views of the database's ``main`` schema, as a model Schema."""
    objects = conn.execute(_OBJECTS_SQL).fetchall()
    index_sql = {name: sql for kind, name, _, sql in objects if kind == "index"}
    relations = [(kind, name, sql) for kind, name, _, sql in objects
                 if kind in ("table", "view") and not _INTERNAL.search(name)]
    table_cols: dict[str, list[str]] = {}
    tables, views = [], []
    for kind, name, sql in relations:
        if kind == "view":
            views.append(View(name=name, schema=SCHEMA, definition=" ".join((sql or "").split()) or None))
            continue
        tables.append(_table(conn, name, sql or "", index_sql, table_cols))
    return Schema(dialect="sqlite", tables=tuple(tables), views=tuple(views))


def _table(conn, name: str, sql: str, index_sql: dict, table_cols: dict) -> Table:
    text = _TableText(sql)
    columns, pk_cols = [], []
    for cid, col, type_, notnull, default, pk, hidden in conn.execute(_COLUMNS_SQL, (name,)).fetchall():
        if hidden == 1:  # a virtual table's hidden column
            continue
        generated = text.generated.get(col)
        if generated is None and hidden in (2, 3):
            generated = Generated("", "stored" if hidden == 3 else "virtual")
        if pk:
            pk_cols.append((pk, col))
        columns.append(Column(name=col, property="", type=type_ or "", not_null=bool(notnull),
                              default=None if generated is not None else default, generated=generated,
                              autoincrement=col in text.autoincrement))
    pk_cols = [c for _, c in sorted(pk_cols)]
    table_cols[name] = pk_cols
    primary_key = None
    if len(pk_cols) == 1:
        columns = [replace(c, primary_key=True) if c.name == pk_cols[0] else c for c in columns]
        primary_key = PrimaryKey(f"{name}_pkey", tuple(pk_cols), False)
    elif pk_cols:
        primary_key = PrimaryKey(f"{name}_{'_'.join(pk_cols)}_pk", tuple(pk_cols), True)

    indexes = []
    for _, ix_name, unique, origin, _ in conn.execute(_INDEX_LIST_SQL, (name,)).fetchall():
        if origin == "pk":
            continue
        items, where = _index_text(index_sql.get(ix_name))
        cols = []
        keys = [r for r in conn.execute(_INDEX_COLUMNS_SQL, (ix_name,)).fetchall() if r[4]]
        for n, (_, cid, col, desc, _) in enumerate(keys):
            if cid is not None and cid >= 0 and col is not None:
                cols.append(IndexColumn(col, False, not desc))
            else:
                cols.append(IndexColumn(items[n] if n < len(items) else "?", True, not desc))
        indexes.append(Index(ix_name, tuple(cols), bool(unique), where=where))

    fks = []
    grouped: dict[int, list] = defaultdict(list)
    for row in conn.execute(_FOREIGN_KEYS_SQL, (name,)).fetchall():
        grouped[row[0]].append(row)
    for fk_id in sorted(grouped, reverse=True):  # pragma lists the last declared first
        rows = grouped[fk_id]
        target = rows[0][2]
        from_cols = tuple(r[3] for r in rows)
        to_cols = tuple(r[4] for r in rows)
        if any(c is None for c in to_cols):  # REFERENCES t without columns: t's primary key
            to_cols = tuple(_primary_key_of(conn, target, table_cols))
        fks.append(ForeignKey(
            name=f"{name}_{'_'.join(from_cols)}_{target}_{'_'.join(to_cols)}_fk",
            columns=from_cols, foreign_schema=SCHEMA, foreign_table=target, foreign_columns=to_cols,
            on_delete=_action(rows[0][6]), on_update=_action(rows[0][5])))

    checks = []
    for n, (check_name, expression) in enumerate(text.checks, start=1):
        checks.append(Check(check_name or f"{name}_check_{n}", expression))
    return Table(name=name, schema=SCHEMA, columns=tuple(columns), primary_key=primary_key,
                 foreign_keys=tuple(fks), indexes=tuple(indexes), checks=tuple(checks))


def _primary_key_of(conn, table: str, table_cols: dict) -> list[str]:
    if table not in table_cols:
        rows = conn.execute(_COLUMNS_SQL, (table,)).fetchall()
        table_cols[table] = [r[1] for r in sorted((r for r in rows if r[5]), key=lambda r: r[5])]
    return table_cols[table]
