"""MySQL (and PlanetScale, MariaDB, TiDB): drizzle-orm/mysql-core, drizzle-kit's ``mysql`` snapshots.

The modules beside this one each hold one MySQL concern: ``builders`` (mysql-core's column
builders and their SQL types), ``snapshot`` (drizzle-kit's version 5 JSON), ``sql`` (migration
SQL: statements counted and placed, never parsed as PostgreSQL) and ``comments``
(``ALTER TABLE … MODIFY … COMMENT``).  :data:`MYSQL` puts them together.

Names: a MySQL table lives in the connection's database, which no schema file names; the model
keeps such tables in its default schema, spelled ``public`` as for PostgreSQL, so pages and keys
read ``users`` (a ``mysqlSchema("x")`` table is ``x.users``).  drizzle-kit spells a column's
primary key ``<table>_<column>`` and states it as a one-column composite key; types as
``getSQLType()`` writes them (``int unsigned``, ``enum('a','b')``, ``datetime(3)``); names in SQL
in backticks and parameters as ``?``.
"""

from __future__ import annotations

import re
from typing import Any, Optional

from drizzle_doc.dialects.mysql import notes as _notes
from drizzle_doc.dialects.base import Dialect, KitNaming, balanced_parens
from drizzle_doc.model import WARNING

#: drizzle-kit 0.31's MySQL snapshot: the names it gives constraints nobody named.  A column's
#: ``.primaryKey()`` is ``<table>_<column>``; mysql-core's ``index(name)`` always has a name.
KIT_0 = KitNaming(
    generation="0",
    primary_key="{table}_{columns}",
    composite_primary_key="{table}_{columns}_pk",
    unique="{table}_{columns}_unique",
    index="{table}_{columns}_index",
    foreign_key="{table}_{columns}_{foreign_table}_{foreign_columns}_fk",
    identity_sequence="",
)

#: drizzle-kit writes a literal default of these types in parentheses (MySQL 8's expression default)
_PARENTHESISED_DEFAULTS = ("blob", "text", "json")
_WORD = re.compile(r"\s+")
_TYPE_ALIASES = {"integer": "int", "bool": "boolean", "tinyint(1)": "boolean", "numeric": "decimal",
                 "double precision": "double"}


class MySqlDialect(Dialect):
    name = "mysql"
    core_package = "drizzle-orm/mysql-core"
    default_schema = "public"
    kit_naming = {"0": KIT_0}
    ts_types = _notes.TS_TYPES
    builder_aliases = _notes.BUILDER_ALIASES
    insert_returning = "$returningId"

    def performance_notes(self, table, schema, code):
        return _notes.performance_notes(table, schema, code)

    def out_of_line(self, column):
        return _notes.out_of_line(column)

    def unindexed_fk_note(self, table, fk, code):
        return _notes.unindexed_fk_note(table, fk, code)

    def natives(self) -> dict[str, Any]:
        from drizzle_doc.dialects.mysql.builders import natives

        return natives()

    def quote_ident(self, name: str) -> str:
        return "`" + name.replace("`", "``") + "`"

    def sql_name(self, name: str) -> str:
        return self.quote_ident(name)

    def sql_param(self, number: int) -> str:
        return "?"

    def json_default(self, text: str, sql_type: str) -> str:
        return f"'{text}'"

    def literal_default(self, text: str, sql_type: str) -> str:
        return f"({text})" if sql_type in _PARENTHESISED_DEFAULTS else text

    # -- spelling: types case-insensitively, with MySQL's synonyms; expressions as text ------
    def same_type(self, a: str, b: str) -> bool:
        return canonical_type(a) == canonical_type(b)

    def same_expr(self, a: Optional[str], b: Optional[str]) -> bool:
        if a is None or b is None:
            return a is b
        return self.canonical_expr(a) == self.canonical_expr(b)

    def canonical_expr(self, text: Optional[str]) -> Optional[str]:
        if text is None:
            return None
        t = _WORD.sub(" ", text.strip())
        while t.startswith("(") and t.endswith(")") and balanced_parens(t[1:-1]):
            t = t[1:-1].strip()
        return t

    def finish_table(self, table, report):
        """drizzle-kit 0.31 leaves a ``mysqlSchema("x")`` table out of its snapshot (and so out of
        every migration): keep documenting it, and say so."""
        if table.schema != self.default_schema:
            report(WARNING, table.file, table.line,
                   f"table {table.schema}.{table.name}: drizzle-kit 0.31 leaves tables of mysqlSchema() out of its "
                   "snapshot and migrations, so no migration creates it", "drizzle-kit-mysql-schema")
        return table

    # -- migrations ------------------------------------------------------------------------
    def parse_migration(self, text: str, file: str, snapshot=None):
        from drizzle_doc.dialects.mysql.sql import parse_migration

        return parse_migration(text, file, snapshot)

    def load_snapshot(self, data: Any):
        from drizzle_doc.dialects.mysql.snapshot import load_snapshot

        return load_snapshot(data)

    def snapshot_renames(self, data: Any):
        from drizzle_doc.dialects.mysql.snapshot import snapshot_renames

        return snapshot_renames(data)

    # -- a live database and comments --------------------------------------------------------
    def read_catalog(self, conn, schemas):
        from drizzle_doc.dialects.base import UnsupportedDialect

        raise UnsupportedDialect("verify reads PostgreSQL catalogs only; a MySQL catalog reader is not written yet")

    def comments_sql(self, schema) -> str:
        from drizzle_doc.dialects.mysql.comments import comments_sql

        return comments_sql(schema)


def canonical_type(t: str) -> str:
    t = _WORD.sub(" ", t.strip().lower())
    t = re.sub(r"\s*\(\s*", "(", re.sub(r"\s*,\s*", ",", re.sub(r"\s*\)", ")", t)))
    # display widths are gone in MySQL 8 (int(11) is int)
    t = re.sub(r"^(tinyint|smallint|mediumint|int|integer|bigint)\(\d+\)", r"\1", t) if not t.startswith("tinyint(1)") else t
    return _TYPE_ALIASES.get(t, t)


MYSQL = MySqlDialect()
