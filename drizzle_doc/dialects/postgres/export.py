"""The DDL a PostgreSQL model implies, as ``drizzle-kit export`` prints it (``inspect --format sql``).

drizzle-kit 0.31 exports by diffing the empty schema against the models, so the statements come
in its diff's order: schemas, enums, sequences, tables (each followed by ``ENABLE ROW LEVEL
SECURITY`` where it has policies or RLS), foreign keys, indexes, views, policies.  Every statement
is spelled as drizzle-kit's ``sqlgenerator`` spells it (the quirks included: a public table is
unqualified while a foreign key's target is ``"public"."t"``; types drizzle-kit does not know as
native are quoted, ``"inet"``, ``"smallserial"``; an identity column's NOT NULL is left implicit);
statements are joined by newlines, and ``CREATE SCHEMA`` and ``CREATE TABLE`` end in a newline of
their own, as there.  Within each group the model's order is kept (drizzle-kit's is its module
loader's export order).

What the model cannot state is written as a ``--`` comment instead of a statement: a view whose
definition is not static (query builder), and an existing (``.existing()``) view is left out as
drizzle-kit leaves it out.  Roles (``pgRole``) are not in the model.
"""

from __future__ import annotations

import re
from typing import Optional

from drizzle_doc.dialects.base import unstated_table
from drizzle_doc.model import Column, Schema, Table

#: Types drizzle-kit writes unquoted (``parseType`` in its sqlgenerator): a prefix match.
_NATIVE_TYPES = (
    "uuid", "smallint", "integer", "bigint", "boolean", "text", "varchar", "serial", "bigserial",
    "decimal", "numeric", "real", "json", "jsonb", "time", "time with time zone",
    "time without time zone", "timestamp", "timestamp with time zone", "timestamp without time zone",
    "date", "interval", "double precision", "interval year", "interval month", "interval day",
    "interval hour", "interval minute", "interval second", "interval year to month",
    "interval day to hour", "interval day to minute", "interval day to second",
    "interval hour to minute", "interval hour to second", "interval minute to second", "char",
    "vector", "geometry", "halfvec", "sparsevec", "bit",
)
_ARRAY_DIMS = re.compile(r"\[\d*(?:\[\d*\])*\]")
_POLICY_KEYWORDS = ("current_user", "current_role", "session_user", "public")


def _q(name: str) -> str:
    return f'"{name}"'


def _table_name(schema: str, name: str) -> str:
    """A table as drizzle-kit names it in DDL: unqualified in ``public`` (its snapshot's ``""``)."""
    return _q(name) if schema == "public" else f"{_q(schema)}.{_q(name)}"


def _column_type(column: Column) -> str:
    """``parseType``: the enum's schema split off (``"catalog"."status"[]``), unknown types quoted."""
    type_, prefix = column.type, ""
    if column.enum:
        enum_schema = column.enum.split(".", 1)[0]
        if enum_schema != "public" and type_.startswith(enum_schema + "."):
            type_, prefix = type_[len(enum_schema) + 1:], f"{_q(enum_schema)}."
    dims = "".join(_ARRAY_DIMS.findall(type_))
    bare = _ARRAY_DIMS.sub("", type_)
    if any(type_.startswith(native) for native in _NATIVE_TYPES):
        return f"{bare}{dims}"
    return f'{prefix}"{bare}"{dims}'


def _options(increment, min_value, max_value, start_with, cache, cycle) -> str:
    return "".join((
        f" INCREMENT BY {increment}" if increment else "",
        f" MINVALUE {min_value}" if min_value else "",
        f" MAXVALUE {max_value}" if max_value else "",
        f" START WITH {start_with}" if start_with else "",
        f" CACHE {cache}" if cache else "",
        " CYCLE" if cycle else "",
    ))


def _column(table: Table, column: Column) -> str:
    out = [f"\t{_q(column.name)} {_column_type(column)}"]
    if column.primary_key and not (table.primary_key is not None and table.primary_key.composite):
        out.append(" PRIMARY KEY")
    if column.default is not None:
        out.append(f" DEFAULT {column.default}")
    if column.generated is not None:
        out.append(f" GENERATED ALWAYS AS ({column.generated.expression}) STORED")
    if column.not_null and column.identity is None:
        out.append(" NOT NULL")
    ident = column.identity
    if ident is not None:
        seq = _table_name(table.schema, ident.name)
        kind = "ALWAYS" if ident.type == "always" else "BY DEFAULT"
        out.append(f" GENERATED {kind} AS IDENTITY (sequence name {seq}"
                   f"{_options(ident.increment, ident.min_value, ident.max_value, ident.start_with, ident.cache, ident.cycle)})")
    return "".join(out)


def _columns_list(columns) -> str:
    return ",".join(_q(c) for c in columns)


def create_table(table: Table) -> list[str]:
    parts = [_column(table, c) for c in table.columns]
    pk = table.primary_key
    if pk is not None and pk.composite:
        parts.append(f"\tCONSTRAINT {_q(pk.name)} PRIMARY KEY({_columns_list(pk.columns)})")
    for u in table.uniques:
        nnd = " NULLS NOT DISTINCT" if u.nulls_not_distinct else ""
        parts.append(f"\tCONSTRAINT {_q(u.name)} UNIQUE{nnd}({_columns_list(u.columns)})")
    for ck in table.checks:
        parts.append(f"\tCONSTRAINT {_q(ck.name)} CHECK ({ck.expression})")
    name = _table_name(table.schema, table.name)
    out = [f"CREATE TABLE {name} (\n" + ",\n".join(parts) + "\n);\n"]
    if table.policies or table.rls_enabled:
        out.append(f"ALTER TABLE {name} ENABLE ROW LEVEL SECURITY;")
    return out


def foreign_keys(table: Table) -> list[str]:
    name = _table_name(table.schema, table.name)
    return [f"ALTER TABLE {name} ADD CONSTRAINT {_q(fk.name)} FOREIGN KEY ({_columns_list(fk.columns)}) "
            f"REFERENCES {_q(fk.foreign_schema)}.{_q(fk.foreign_table)}({_columns_list(fk.foreign_columns)}) "
            f"ON DELETE {fk.on_delete or 'no action'} ON UPDATE {fk.on_update or 'no action'};"
            for fk in table.foreign_keys]


def indexes(table: Table) -> list[str]:
    out = []
    for ix in table.indexes:
        cols = []
        for c in ix.columns:
            text = c.expression if c.is_expression else _q(c.expression)
            text += f" {c.opclass}" if c.opclass else ("" if c.asc else " DESC")
            if not ((c.asc and c.nulls == "last") or c.opclass):
                text += f" NULLS {c.nulls.upper()}"
            cols.append(text)
        with_ = f" WITH ({','.join(f'{k}={v}' for k, v in ix.with_)})" if ix.with_ else ""
        where = f" WHERE {ix.where}" if ix.where else ""
        out.append(f"CREATE {'UNIQUE INDEX' if ix.unique else 'INDEX'}{' CONCURRENTLY' if ix.concurrently else ''} "
                   f"{_q(ix.name)} ON {_table_name(table.schema, table.name)} USING {ix.method} "
                   f"({','.join(cols)}){with_}{where};")
    return out


def policies(table: Table) -> list[str]:
    out = []
    for p in table.policies:
        to = ", ".join(r if r in _POLICY_KEYWORDS else _q(r) for r in p.to)
        using = f" USING ({p.using})" if p.using else ""
        check = f" WITH CHECK ({p.with_check})" if p.with_check else ""
        out.append(f"CREATE POLICY {_q(p.name)} ON {_table_name(table.schema, table.name)} "
                   f"AS {p.as_.upper()} FOR {p.for_.upper()} TO {to}{using}{check};")
    return out


def _view(view) -> Optional[str]:
    if view.existing:
        return None
    name = f"{_q(view.schema)}.{_q(view.name)}"
    if view.definition is None:
        return f"-- {'MATERIALIZED ' if view.materialized else ''}VIEW {name}: its definition is not static (not exported)"
    return f"CREATE {'MATERIALIZED VIEW' if view.materialized else 'VIEW'} {name} AS ({view.definition});"


def export_statements(schema: Schema) -> list[str]:
    """The statements, in drizzle-kit's order, each as it prints it (duplicates dropped as there)."""
    used = [t.schema for t in schema.tables] + [e.schema for e in schema.enums] + \
        [s.schema for s in schema.sequences] + [v.schema for v in schema.views]
    out = [f"CREATE SCHEMA {_q(s)};\n" for s in dict.fromkeys(used) if s != "public"]
    for e in schema.enums:
        values = ", ".join("'" + v.replace("'", "''") + "'" for v in e.values)
        out.append(f"CREATE TYPE {_q(e.schema)}.{_q(e.name)} AS ENUM({values});")
    for s in schema.sequences:
        out.append(f"CREATE SEQUENCE {_q(s.schema)}.{_q(s.name)}"
                   f"{_options(s.increment, s.min_value, s.max_value, s.start_with, s.cache, s.cycle)};")
    unstated = {t.key: unstated_table(t, _table_name(t.schema, t.name)) for t in schema.tables}
    stated = [t for t in schema.tables if unstated[t.key] is None]
    for table in schema.tables:
        out += create_table(table) if unstated[table.key] is None else [unstated[table.key]]
    for table in stated:
        out += foreign_keys(table)
    for table in stated:
        out += indexes(table)
    out += [v for v in map(_view, schema.views) if v is not None]
    for table in stated:
        out += policies(table)
    return list(dict.fromkeys(out))



def export_sql(schema: Schema) -> str:
    """``drizzle-kit export``'s text for the model (its statements joined by newlines)."""
    statements = export_statements(schema)
    return "\n".join(statements) + "\n" if statements else ""
