"""SQLite: drizzle-orm/sqlite-core, drizzle-kit's ``sqlite`` snapshots (also ``turso``: libSQL,
Cloudflare D1, Expo, Bun, Durable Objects).

The modules beside this one each hold one SQLite concern: ``builders`` (sqlite-core's column
builders), ``snapshot`` (drizzle-kit's JSON snapshots), ``sql`` and ``ddl`` (migration SQL:
counted where the snapshot states it, else read with sqlglot's SQLite parser into schema
operations) and ``catalog`` (a live database file, opened read-only, for ``verify``).
:data:`SQLITE` puts them together.  SQLite has no ``COMMENT ON`` and keeps no comments at all:
``comments-sql`` and ``verify --db-comments`` say so and stop (exit 2).

SQLite has no schemas in drizzle's sense: every table lives in the database's ``main`` schema
(SQLite's own name for it: ``main.users`` is valid SQL), which is :attr:`default_schema`, so
model keys read ``main.users`` and pages name tables without it, as PostgreSQL's ``public``.
"""

from __future__ import annotations

import re
from typing import Any, Optional

from drizzle_doc.dialects.base import Dialect, KitNaming, balanced_parens
from drizzle_doc.dialects.sqlite import kit1
from drizzle_doc.dialects.sqlite import notes as _notes
from drizzle_doc.model import ERROR, Index, IndexColumn, PrimaryKey

#: drizzle-kit 0.31's SQLite snapshot: the names it gives constraints nobody named.  A column's
#: primary key has no name there (``{table}_pkey`` is only our label), an index must be named
#: (sqlite-core's ``index(name)``: drizzle-kit fails without one) and there are no sequences.
KIT_0 = KitNaming(
    generation="0",
    primary_key="{table}_pkey",
    composite_primary_key="{table}_{columns}_pk",
    unique="{table}_{columns}_unique",
    index="",
    foreign_key="{table}_{columns}_{foreign_table}_{foreign_columns}_fk",
    identity_sequence="",
)

#: drizzle-kit 1.0 (1.0.0-rc.5, ``src/dialects/sqlite/{drizzle,grammar,ddl}.ts``): every primary key
#: is named ``<table>_pk`` (a column's too), foreign keys ``fk_<table>_<columns>_<table>_<columns>_fk``
#: with upper-case actions, unique constraints stay constraints (named ``<table>_<columns>_unique``),
#: checks unqualified (their params stay ``?``) while index WHERE clauses stay qualified, a column's
#: own primary key is not NOT NULL, no config casing; the default spelling lives in ``kit1``, and
#: what earlier 1.0 releases spelled their own way (``kit1.RELEASES``).
KIT_1 = KitNaming(
    generation="1",
    primary_key="{table}_pk",
    composite_primary_key="{table}_pk",
    unique="{table}_{columns}_unique",
    index="",
    foreign_key="fk_{table}_{columns}_{foreign_table}_{foreign_columns}_fk",
    identity_sequence="",
    config_casing=False,
    names_from_keys=False,
    qualified_checks=False,
    qualified_where=True,
    inline_check_params=False,
    upper_actions=True,
    preserved_names=("unique", "primary_key", "foreign_key"),
    respell_default=kit1.respell_default,
    releases=kit1.RELEASES,
)

_WORD = re.compile(r"\s+")
_NO_COMMENTS = ("SQLite has no COMMENT ON and keeps no table or column comments: the JSDoc descriptions "
                "live in the docs pages only")


class SqliteDialect(Dialect):
    name = "sqlite"
    core_package = "drizzle-orm/sqlite-core"
    default_schema = "main"
    kit_naming = {"0": KIT_0, "1": KIT_1}
    unnamed_foreign_keys = True
    qualified_generated = False
    json_literal_defaults = True
    catalog_unnamed = ("foreign_key", "primary_key")
    no_comments = _NO_COMMENTS
    ts_types = _notes.TS_TYPES

    def performance_notes(self, table, schema, code):
        return _notes.performance_notes(table, schema, code)

    def out_of_line(self, column):
        return _notes.out_of_line(column)

    def natives(self) -> dict[str, Any]:
        from drizzle_doc.dialects.sqlite.builders import natives

        return natives()

    def quote_ident(self, name: str) -> str:
        return '"' + name.replace('"', '""') + '"'

    def sql_param(self, number: int) -> str:
        return "?"  # drizzle's SQLiteDialect.escapeParam

    # -- lint (see Dialect): sqlite-core has no uuid() and no timestamp()
    def is_uuid_key(self, column) -> bool:
        """A ``text`` or ``blob`` key whose default (SQL or ``$defaultFn``) makes a UUID."""
        return column.type.split("(")[0].strip().lower() in ("text", "blob") and \
            "uuid" in f"{column.default or ''} {column.app_default or ''}".lower()

    def uuid_key_code(self, prop: str, name: str) -> str:
        return f'{prop}: text("{name}").primaryKey().$defaultFn(() => crypto.randomUUID())'

    def timestamp_code(self, prop: str, name: str, on_update: bool) -> str:
        code = f'{prop}: integer("{name}", {{ mode: "timestamp" }}).notNull().default(sql`(unixepoch())`)'
        return code + ".$onUpdate(() => new Date())" if on_update else code

    # SQLite keeps a column's declared type as written and compares defaults as text.
    def same_type(self, a: str, b: str) -> bool:
        return _WORD.sub(" ", a.strip().lower()) == _WORD.sub(" ", b.strip().lower())

    def same_expr(self, a: Optional[str], b: Optional[str]) -> bool:
        """Equal as text, up to whitespace, quotes and outer parentheses (SQLite keeps a
        default ``(unixepoch())`` as ``unixepoch()``)."""
        if a is None or b is None:
            return a is b
        return _without_parens(self.canonical_expr(a)) == _without_parens(self.canonical_expr(b))

    def canonical_expr(self, text: Optional[str]) -> Optional[str]:
        if text is None:
            return None
        return _WORD.sub(" ", text.strip()).replace("`", '"')

    def finish_table(self, table, report, naming: Optional[KitNaming] = None):
        """The table as drizzle-kit's SQLite snapshot states it: an index needs a name; a
        one-column ``primaryKey({ columns })`` is the column's own key.  drizzle-kit 0.x makes
        every unique constraint (a column's ``.unique()`` or ``unique().on(...)``) a unique index;
        1.0 keeps them constraints (``unique().on()`` first, a column's ``.unique()`` left out
        where a one-column unique index covers it) and leaves a column's own primary key
        nullable (``notNull && !primaryKey``)."""
        import dataclasses

        kit_1 = naming is not None and naming.generation == "1"
        indexes = []
        for ix in table.indexes:
            if not ix.name:
                report(ERROR, ix.file, ix.line, f"index on table {table.name!r} has no name: sqlite-core's "
                       f"index(name) needs one (drizzle-kit fails without it); the index is skipped", "index-name")
                continue
            indexes.append(ix)
        columns = table.columns
        if kit_1:
            covered = {ix.columns[0].expression for ix in indexes
                       if ix.unique and len(ix.columns) == 1 and not ix.columns[0].is_expression}
            uniques = tuple([u for u in table.uniques if not u.from_column]
                            + [u for u in table.uniques if u.from_column and u.columns[0] not in covered])
            columns = tuple(dataclasses.replace(c, not_null=False) if c.primary_key else c for c in columns)
        else:
            def as_index(u):
                return Index(u.name, tuple(IndexColumn(c) for c in u.columns), True,
                             description=u.description, file=u.file, line=u.line)

            # drizzle-kit's order: a column's .unique() first, then the indexes, then unique().on()
            indexes = ([as_index(u) for u in table.uniques if u.from_column] + indexes
                       + [as_index(u) for u in table.uniques if not u.from_column])
            uniques = ()
        pk = table.primary_key
        if pk is not None and pk.composite and len(pk.columns) == 1:
            columns = tuple(dataclasses.replace(c, primary_key=True) if c.name == pk.columns[0] else c
                            for c in columns)
            name = pk.name if kit_1 else KIT_0.name("primary_key", table.name)
            pk = PrimaryKey(name, pk.columns, False, pk.file, pk.line)
        return dataclasses.replace(table, indexes=tuple(indexes), uniques=uniques, columns=columns, primary_key=pk)

    def parse_migration(self, text: str, file: str, snapshot=None):
        from drizzle_doc.dialects.sqlite.sql import parse_migration

        return parse_migration(text, file, snapshot)

    def load_snapshot(self, data: Any):
        from drizzle_doc.dialects.sqlite.snapshot import load_snapshot

        return load_snapshot(data)

    def snapshot_renames(self, data: Any):
        from drizzle_doc.dialects.sqlite.snapshot import snapshot_renames

        return snapshot_renames(data)

    def open_catalog(self, url: str):
        from drizzle_doc.dialects.sqlite.catalog import connect

        return connect(url)

    def read_catalog(self, conn, schemas):
        from drizzle_doc.dialects.sqlite.catalog import read_catalog

        return read_catalog(conn, schemas)

    def read_comments(self, conn, schemas):
        from drizzle_doc.dialects.base import UnsupportedDialect

        raise UnsupportedDialect(_NO_COMMENTS)

    def comments_sql(self, schema) -> str:
        from drizzle_doc.dialects.base import UnsupportedDialect

        raise UnsupportedDialect(_NO_COMMENTS + "; nothing was written")

    # -- export ------------------------------------------------------------------------------
    def export_sql(self, schema, kit: str = "0") -> str:
        from drizzle_doc.dialects.sqlite.export import export_sql

        return export_sql(schema, kit)


def _without_parens(text: str) -> str:
    while text.startswith("(") and text.endswith(")") and balanced_parens(text[1:-1]):
        text = text[1:-1].strip()
    return text


SQLITE = SqliteDialect()
