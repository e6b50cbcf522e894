"""MySQL (and PlanetScale, MariaDB, TiDB): drizzle-orm/mysql-core, drizzle-kit's ``mysql`` snapshots.

The modules beside this one each hold one MySQL concern: ``builders`` (mysql-core's column
builders and their SQL types), ``snapshot`` (drizzle-kit's JSON snapshots), ``sql`` and ``ddl``
(migration SQL: counted where the snapshot states it, else read with sqlglot's MySQL parser into
schema operations), ``spelling`` (when two types or expressions are the same, MariaDB's spellings
included), ``catalog`` (a live MySQL or MariaDB server, read-only, for ``verify``) and ``comments``
(``ALTER TABLE … MODIFY … COMMENT``: MySQL has no ``COMMENT ON``).  :data:`MYSQL` puts them together.

Names: a MySQL table lives in the connection's database, which no schema file names; the model
keeps such tables in its default schema, spelled ``public`` as for PostgreSQL, so pages and keys
read ``users`` (a ``mysqlSchema("x")`` table is ``x.users``).  drizzle-kit spells a column's
primary key ``<table>_<column>`` and states it as a one-column composite key; types as
``getSQLType()`` writes them (``int unsigned``, ``enum('a','b')``, ``datetime(3)``); names in SQL
in backticks and parameters as ``?``.
"""

from __future__ import annotations

import dataclasses
from typing import Any, Optional

from drizzle_doc.dialects.mysql import notes as _notes
from drizzle_doc.dialects.base import Dialect, KitNaming
from drizzle_doc.dialects.kit_hash import shorten_foreign_key
from drizzle_doc.dialects.mysql import kit1, spelling
from drizzle_doc.model import WARNING, Index, IndexColumn

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

#: drizzle-kit 1.0 (1.0.0-rc.5, ``src/dialects/mysql/{drizzle,grammar,ddl}.ts``): every primary key
#: is MySQL's own ``PRIMARY``; a unique constraint is a unique index named ``<columns>_unique``
#: (no table: MySQL names indexes per table), listed before the table's indexes; foreign keys
#: ``_fkey`` (hashed past 63 characters), actions upper case; no config casing; the spelling hooks
#: live in ``kit1``.
KIT_1 = KitNaming(
    generation="1",
    primary_key="PRIMARY",
    composite_primary_key="PRIMARY",
    unique="{columns}_unique",
    index="{table}_{columns}_index",
    foreign_key="{table}_{columns}_{foreign_table}_{foreign_columns}_fkey",
    identity_sequence="",
    config_casing=False,
    names_from_keys=False,
    upper_actions=True,
    preserved_names=("foreign_key", "index"),
    shorten_foreign_key=shorten_foreign_key,
    respell_type=kit1.respell_type,
    respell_default=kit1.respell_default,
)

#: drizzle-kit writes a literal default of these types in parentheses (MySQL 8's expression default)
_PARENTHESISED_DEFAULTS = ("blob", "text", "json")


class MySqlDialect(Dialect):
    name = "mysql"
    core_package = "drizzle-orm/mysql-core"
    default_schema = "public"
    kit_naming = {"0": KIT_0, "1": KIT_1}
    catalog_unnamed = ("primary_key",)  # MySQL names every primary key PRIMARY
    unique_constraints_are_indexes = True
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

    # -- lint (see Dialect): mysql-core has no uuid(); InnoDB indexes every foreign key itself
    indexes_foreign_keys = True

    def is_uuid_key(self, column) -> bool:
        """``char(36)`` / ``varchar(36)`` / ``binary(16)``, or a string key whose default makes a UUID."""
        t = column.type.replace(" ", "").lower()
        if t in ("char(36)", "varchar(36)", "binary(16)"):
            return True
        return t.split("(")[0] in ("char", "varchar", "binary", "varbinary") and \
            "uuid" in f"{column.default or ''} {column.app_default or ''}".lower()

    def uuid_key_code(self, prop: str, name: str) -> str:
        return f'{prop}: varchar("{name}", {{ length: 36 }}).primaryKey().$defaultFn(() => crypto.randomUUID())'

    def timestamp_code(self, prop: str, name: str, on_update: bool) -> str:
        code = f'{prop}: timestamp("{name}").notNull().defaultNow()'
        return code + ".onUpdateNow()" if on_update else code

    def sql_name(self, name: str) -> str:
        return self.quote_ident(name)

    def sql_param(self, number: int) -> str:
        return "?"

    def json_default(self, text: str, sql_type: str) -> str:
        return f"'{text}'"

    def literal_default(self, text: str, sql_type: str) -> str:
        return f"({text})" if sql_type in _PARENTHESISED_DEFAULTS else text

    # -- spelling: types with MySQL's synonyms, expressions token by token (see ``spelling``) --
    def same_type(self, a: str, b: str) -> bool:
        return spelling.canonical_type(a) == spelling.canonical_type(b)

    def same_expr(self, a: Optional[str], b: Optional[str]) -> bool:
        return spelling.same_expr(a, b)

    def canonical_expr(self, text: Optional[str]) -> Optional[str]:
        return spelling.canonical_expr(text)

    def stored_on_update(self, column) -> Optional[str]:
        return "CURRENT_TIMESTAMP" if column.on_update == "onUpdateNow()" else None

    def finish_table(self, table, report, naming: Optional[KitNaming] = None):
        """drizzle-kit leaves a ``mysqlSchema("x")`` table out of its snapshot (and so out of
        every migration): keep documenting it, and say so.  Kit 1.0 states every unique
        constraint as a unique index (a column's ``.unique()`` first, then ``unique().on()``, then
        the indexes) and a one-column ``primaryKey({ columns })`` as the column's key (both are
        ``PRIMARY``)."""
        if table.schema != self.default_schema:
            report(WARNING, table.file, table.line,
                   f"table {table.schema}.{table.name}: drizzle-kit leaves tables of mysqlSchema() out of its "
                   "snapshot and migrations, so no migration creates it", "drizzle-kit-mysql-schema")
        if naming is None or naming.generation != "1":
            return table
        return unique_indexes_and_column_key(table)

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
    def open_catalog(self, url: str):
        from drizzle_doc.dialects.mysql.catalog import connect

        return connect(url)

    def read_catalog(self, conn, schemas):
        from drizzle_doc.dialects.mysql.catalog import read_catalog

        return read_catalog(conn, schemas)

    def read_comments(self, conn, schemas):
        from drizzle_doc.dialects.mysql.catalog import read_comments

        return read_comments(conn, schemas)

    def as_catalog(self, table):
        """The table as MySQL's catalog states it: a unique constraint is a unique index (MySQL keeps
        no other kind), every index is a B-tree (InnoDB accepts ``USING HASH`` and builds a
        B-tree; drizzle-kit cannot make a MEMORY table), ``RESTRICT`` is ``NO ACTION`` (InnoDB
        checks both at once) and a ``binary``/``varbinary`` default is the bytes the database
        reports (see :func:`spelling.stored_binary_default`)."""
        from drizzle_doc.dialects.mysql.catalog import innodb_action

        indexes = [dataclasses.replace(ix, method="btree") if (ix.method or "btree").lower() == "hash" else ix
                   for ix in table.indexes]
        indexes += [Index(u.name, tuple(IndexColumn(c) for c in u.columns), True, description=u.description,
                          file=u.file, line=u.line) for u in table.uniques]
        fks = tuple(dataclasses.replace(fk, on_delete=innodb_action(fk.on_delete), on_update=innodb_action(fk.on_update))
                    for fk in table.foreign_keys)
        columns = tuple(dataclasses.replace(c, default=spelling.stored_binary_default(c.type, c.default))
                        if c.default is not None else c for c in table.columns)
        return dataclasses.replace(table, indexes=tuple(indexes), uniques=(), foreign_keys=fks, columns=columns)

    def comments_sql(self, schema) -> str:
        from drizzle_doc.dialects.mysql.comments import comments_sql

        return comments_sql(schema)

    # -- export ------------------------------------------------------------------------------
    def export_sql(self, schema, kit: str = "0") -> str:
        from drizzle_doc.dialects.mysql.export import export_sql

        return export_sql(schema, kit)


def unique_indexes_and_column_key(table):
    """A table as kit 1.0's MySQL snapshot states it: uniques as unique indexes, and a
    one-column composite key as the column's own."""
    import dataclasses

    from drizzle_doc.model import Index, IndexColumn, PrimaryKey

    def as_index(u):
        return Index(u.name, tuple(IndexColumn(c) for c in u.columns), True,
                     description=u.description, file=u.file, line=u.line)

    indexes = ([as_index(u) for u in table.uniques if u.from_column]
               + [as_index(u) for u in table.uniques if not u.from_column] + list(table.indexes))
    columns, pk = table.columns, table.primary_key
    if pk is not None:  # a name given to primaryKey() is not kept either
        pk = PrimaryKey(KIT_1.composite_primary_key, pk.columns, pk.composite and len(pk.columns) > 1, pk.file, pk.line)
        if len(pk.columns) == 1:
            columns = tuple(dataclasses.replace(c, primary_key=True) if c.name == pk.columns[0] else c for c in columns)
    return dataclasses.replace(table, indexes=tuple(indexes), uniques=(), columns=columns, primary_key=pk)


canonical_type = spelling.canonical_type


MYSQL = MySqlDialect()
