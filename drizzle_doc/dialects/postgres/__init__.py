"""PostgreSQL: drizzle-orm/pg-core, drizzle-kit's ``postgresql`` snapshots, pglast for SQL, pg_catalog.

The modules beside this one each hold one PostgreSQL concern: ``builders`` (pg-core's column
builders and their SQL types), ``ddl`` (migration SQL read with pglast, the only place pglast is
imported), ``snapshot`` (drizzle-kit's JSON), ``catalog`` (a live database, read-only),
``comments`` (``COMMENT ON``), ``export`` (the DDL ``drizzle-kit export`` prints) and ``identifiers``.  :data:`POSTGRES` is the one
:class:`~drizzle_doc.dialects.base.Dialect` that puts them together; each is imported on first use.
"""

from __future__ import annotations

from typing import Any, Optional

from drizzle_doc.dialects.postgres import notes as _notes
from drizzle_doc.dialects.base import Dialect, KitNaming
from drizzle_doc.dialects.postgres import kit1, spelling
from drizzle_doc.dialects.postgres.identifiers import pg_name, quote_ident

#: drizzle-kit 0.x (0.31): the names its snapshot gives constraints nobody named.
KIT_0 = KitNaming(
    generation="0",
    primary_key="{table}_pkey",
    composite_primary_key="{table}_{columns}_pk",
    unique="{table}_{columns}_unique",
    index="{table}_{columns}_index",
    foreign_key="{table}_{columns}_{foreign_table}_{foreign_columns}_fk",
    identity_sequence="{table}_{column}_seq",
)

#: drizzle-kit 1.0 (1.0.0-rc.5, ``src/dialects/postgres/grammar.ts``): PostgreSQL's own names
#: (``_pkey`` for every primary key, ``_key`` for ``.unique()``, ``_fkey``), no config casing,
#: unqualified checks, upper-case FK actions; the spelling hooks live in ``kit1``.
KIT_1 = KitNaming(
    generation="1",
    primary_key="{table}_pkey",
    composite_primary_key="{table}_pkey",
    unique="{table}_{columns}_key",
    unique_on="{table}_{columns}_unique",
    index="{table}_{columns}_index",
    foreign_key="{table}_{columns}_{foreign_table}_{foreign_columns}_fkey",
    identity_sequence="{table}_{column}_seq",
    config_casing=False,
    names_from_keys=False,
    qualified_checks=False,
    object_enum_schema=True,
    policies_enable_rls=True,
    upper_actions=True,
    nested_arrays=False,
    column_unique_kept=False,
    shorten_foreign_key=kit1.shorten_foreign_key,
    respell_type=kit1.respell_type,
    respell_default=kit1.respell_default,
)


class PostgresDialect(Dialect):
    name = "postgresql"
    core_package = "drizzle-orm/pg-core"
    default_schema = "public"
    default_schema_named = True
    kit_naming = {"0": KIT_0, "1": KIT_1}
    ts_types = _notes.TS_TYPES
    reads_hand_written_sql = True
    builder_aliases = _notes.BUILDER_ALIASES

    def performance_notes(self, table, schema, code):
        return _notes.performance_notes(table, schema, code)

    def out_of_line(self, column):
        return _notes.out_of_line(column)

    def natives(self) -> dict[str, Any]:
        from drizzle_doc.dialects.postgres.builders import natives

        return natives()

    def stored_identifier(self, name: str) -> str:
        return pg_name(name)

    def quote_ident(self, name: str) -> str:
        return quote_ident(name)

    def same_type(self, a: str, b: str) -> bool:
        return spelling.same_type(a, b)

    def same_expr(self, a: Optional[str], b: Optional[str]) -> bool:
        return spelling.same_expr(a, b)

    def implies_not_null(self, type_: str) -> bool:
        return spelling.implies_not_null(type_)

    def canonical_expr(self, text: Optional[str]) -> Optional[str]:
        from drizzle_doc.dialects.postgres import ddl

        return ddl.canonical_expr(text)

    def parse_migration(self, text: str, file: str, snapshot=None):
        from drizzle_doc.dialects.postgres import ddl

        return ddl.parse_migration(text, file, snapshot)

    def load_snapshot(self, data: Any):
        from drizzle_doc.dialects.postgres.snapshot import load_snapshot

        return load_snapshot(data)

    def snapshot_renames(self, data: Any):
        from drizzle_doc.dialects.postgres.snapshot import snapshot_renames

        return snapshot_renames(data)

    def open_catalog(self, url: str):
        from drizzle_doc.dialects.postgres.catalog import connect

        return connect(url)

    def read_catalog(self, conn, schemas):
        from drizzle_doc.dialects.postgres.catalog import read_catalog

        return read_catalog(conn, schemas)

    def read_comments(self, conn, schemas):
        from drizzle_doc.dialects.postgres.catalog import read_comments

        return read_comments(conn, schemas)

    def comments_sql(self, schema) -> str:
        from drizzle_doc.dialects.postgres.comments import comments_sql

        return comments_sql(schema)

    def export_sql(self, schema, kit: str = "0") -> str:
        """drizzle-kit 0.31's ``export`` (kit 1.0's PostgreSQL export is not mirrored yet: the
        0.31 spelling is written for both)."""
        from drizzle_doc.dialects.postgres.export import export_sql

        return export_sql(schema)


POSTGRES = PostgresDialect()
