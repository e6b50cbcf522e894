"""SQLite: drizzle-orm/sqlite-core, drizzle-kit's ``sqlite`` snapshots (also ``turso``: libSQL,
Cloudflare D1, Expo, Bun, Durable Objects).

The modules beside this one each hold one SQLite concern: ``builders`` (sqlite-core's column
builders), ``snapshot`` (drizzle-kit's version 6 JSON) and ``sql`` (migration SQL: its
statements; a live database is not read yet).  :data:`SQLITE` puts them together.

SQLite has no schemas in drizzle's sense: every table lives in the database's ``main`` schema
(SQLite's own name for it: ``main.users`` is valid SQL), which is :attr:`default_schema`, so
model keys read ``main.users`` and pages name tables without it, as PostgreSQL's ``public``.
"""

from __future__ import annotations

import re
from typing import Any, Optional

from drizzle_doc.dialects.sqlite import notes as _notes
from drizzle_doc.dialects.base import Dialect, KitNaming
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

_WORD = re.compile(r"\s+")


class SqliteDialect(Dialect):
    name = "sqlite"
    core_package = "drizzle-orm/sqlite-core"
    default_schema = "main"
    kit_naming = {"0": KIT_0}
    qualified_generated = False
    json_literal_defaults = True
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

    # SQLite keeps a column's declared type as written and compares defaults as text.
    def same_type(self, a: str, b: str) -> bool:
        return _WORD.sub(" ", a.strip().lower()) == _WORD.sub(" ", b.strip().lower())

    def same_expr(self, a: Optional[str], b: Optional[str]) -> bool:
        if a is None or b is None:
            return a is b
        return self.canonical_expr(a) == self.canonical_expr(b)

    def canonical_expr(self, text: Optional[str]) -> Optional[str]:
        if text is None:
            return None
        return _WORD.sub(" ", text.strip()).replace("`", '"')

    def finish_table(self, table, report):
        """drizzle-kit's SQLite snapshot: every unique constraint (a column's ``.unique()`` or
        ``unique().on(...)``) is a unique index; a one-column ``primaryKey({ columns })`` is the
        column's own key; an index needs a name."""
        import dataclasses

        def as_index(u):
            return Index(u.name, tuple(IndexColumn(c) for c in u.columns), True,
                         description=u.description, file=u.file, line=u.line)

        # drizzle-kit's order: a column's .unique() first, then the indexes, then unique().on()
        indexes = [as_index(u) for u in table.uniques if u.from_column]
        for ix in table.indexes:
            if not ix.name:
                report(ERROR, ix.file, ix.line, f"index on table {table.name!r} has no name: sqlite-core's "
                       f"index(name) needs one (drizzle-kit fails without it); the index is skipped", "index-name")
                continue
            indexes.append(ix)
        indexes += [as_index(u) for u in table.uniques if not u.from_column]
        columns = table.columns
        pk = table.primary_key
        if pk is not None and pk.composite and len(pk.columns) == 1:
            columns = tuple(dataclasses.replace(c, primary_key=True) if c.name == pk.columns[0] else c
                            for c in columns)
            pk = PrimaryKey(KIT_0.name("primary_key", table.name), pk.columns, False, pk.file, pk.line)
        return dataclasses.replace(table, indexes=tuple(indexes), uniques=(), columns=columns, primary_key=pk)

    def parse_migration(self, text: str, file: str, snapshot=None):
        from drizzle_doc.dialects.sqlite.sql import parse_migration

        return parse_migration(text, file, snapshot)

    def load_snapshot(self, data: Any):
        from drizzle_doc.dialects.sqlite.snapshot import load_snapshot

        return load_snapshot(data)

    def snapshot_renames(self, data: Any):
        from drizzle_doc.dialects.sqlite.snapshot import snapshot_renames

        return snapshot_renames(data)

    def read_catalog(self, conn, schemas):
        from drizzle_doc.dialects.base import UnsupportedDialect

        raise UnsupportedDialect("a live SQLite database is not read yet")

    def comments_sql(self, schema) -> str:
        from drizzle_doc.dialects.base import UnsupportedDialect

        raise UnsupportedDialect("SQLite has no COMMENT ON: the JSDoc descriptions live in the docs pages only")


SQLITE = SqliteDialect()
