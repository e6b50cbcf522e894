"""The model as DBML (``inspect --format dbml``), for dbdiagram.io and dbdocs.

One document per project: a ``Project`` block, the enums, the tables (``schema.table`` outside
the default schema: ``public``, SQLite's ``main``), the refs and the table groups.  Columns carry their type as drizzle-kit spells it
(quoted where DBML needs it: ``"timestamp with time zone"``, ``"text[]"``; an enum column's type is
the enum, ``catalog.status``), ``pk``, ``not null``, ``unique`` (a column's own ``.unique()``),
``increment`` (serials and identity columns), ``default:`` and ``note:`` (the JSDoc text).  A SQL
default is a backtick expression unless it is a plain literal: a number, ``true``/``false``,
``null`` or a quoted string (``'draft'``, written as a DBML string).  Composite primary keys,
table-level unique constraints and indexes are ``indexes`` entries (expressions in backticks,
the method as ``type:``); foreign keys are ``Ref``\\ s, many-to-one (``>``), composite where they
are, with their actions.  Views, checks, policies and sequences have no DBML form and are left out.

Table groups come from the caller (``drizzle-doc.toml``'s ``[groups]``, already resolved to
tables).  Pure: model in, text out.
"""

from __future__ import annotations

import re
from typing import Iterable, Optional, Sequence

from drizzle_doc.model import Column, Doc, Schema, Table, unqualified

_IDENT = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")
_PLAIN_TYPE = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*(\(\d+(,\d+)*\))?$")
_NUMBER = re.compile(r"^-?\d+(\.\d+)?$")
_STRING = re.compile(r"^'((?:[^']|'')*)'$", re.S)
_SERIALS = ("serial", "smallserial", "bigserial")


#: dbdiagram.io's names for drizzle-kit's dialects
DATABASE_TYPES = {"postgresql": "PostgreSQL", "mysql": "MySQL", "sqlite": "SQLite"}


def quoted(text: str) -> str:
    """A double-quoted DBML name (``\\`` and ``"`` escaped)."""
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def ident(name: str) -> str:
    """A DBML identifier: bare when it is a plain word, else double-quoted."""
    return name if _IDENT.match(name) else quoted(name)


def string(text: str) -> str:
    """A single-quoted DBML string (``\\``, ``'`` and line breaks escaped)."""
    escaped = text.replace("\\", "\\\\").replace("'", "\\'").replace("\n", "\\n").replace("\r", "\\r").replace("\t", "\\t")
    return f"'{escaped}'"


def table_ref(schema: str, name: str) -> str:
    return ident(name) if unqualified(schema) else f"{ident(schema)}.{ident(name)}"


def note_text(doc: Doc) -> str:
    return doc.text.strip() if doc else ""


def column_type(column: Column) -> str:
    """An enum column's type is its enum (``catalog.status``); any other type as drizzle-kit spells it."""
    if column.enum:
        enum_schema, enum_name = column.enum.split(".", 1)
        if column.type in (column.enum, enum_name):
            return table_ref(enum_schema, enum_name)
    return column.type if _PLAIN_TYPE.match(column.type) else quoted(column.type)


def default_value(sql: str) -> Optional[str]:
    """A SQL default as DBML: literals as literals, anything else as a backtick expression."""
    text = sql.strip()
    if _NUMBER.match(text):
        return text
    if text.lower() in ("true", "false", "null"):
        return text.lower()
    m = _STRING.match(text)
    if m:
        return string(m.group(1).replace("''", "'"))
    return expression(text)


def expression(sql: str) -> str:
    """SQL text as a DBML backtick expression.  A DBML expression cannot hold a backtick, so
    MySQL's and SQLite's backtick-quoted names are written with double quotes (the ANSI spelling)."""
    return "`" + sql.replace("`", '"') + "`"


def increments(column: Column) -> bool:
    return column.identity is not None or column.type in _SERIALS


def _column(column: Column) -> str:
    settings = []
    if column.primary_key:
        settings.append("pk")
    if column.not_null:
        settings.append("not null")
    if column.unique:
        settings.append("unique")
    if increments(column):
        settings.append("increment")
    if column.default is not None:
        value = default_value(column.default)
        if value is not None:
            settings.append(f"default: {value}")
    note = note_text(column.description)
    if note:
        settings.append(f"note: {string(note)}")
    tail = f" [{', '.join(settings)}]" if settings else ""
    return f"  {ident(column.name)} {column_type(column)}{tail}"


def _index_columns(parts: Sequence[tuple[str, bool]]) -> str:
    rendered = [expression(text) if is_expr else ident(text) for text, is_expr in parts]
    return rendered[0] if len(rendered) == 1 and not parts[0][1] else f"({', '.join(rendered)})"


def _indexes(table: Table) -> list[str]:
    lines = []
    pk = table.primary_key
    if pk is not None and pk.composite:
        lines.append(f"    {_index_columns([(c, False) for c in pk.columns])} [pk, name: {string(pk.name)}]")
    for u in table.uniques:
        if not u.from_column:
            lines.append(f"    {_index_columns([(c, False) for c in u.columns])} [unique, name: {string(u.name)}]")
    for ix in table.indexes:
        settings = (["unique"] if ix.unique else []) + [f"name: {string(ix.name)}", f"type: {ident(ix.method)}"]
        note = note_text(ix.description)
        if note:
            settings.append(f"note: {string(note)}")
        cols = _index_columns([(c.expression, c.is_expression) for c in ix.columns])
        lines.append(f"    {cols} [{', '.join(settings)}]")
    return lines


def _table(table: Table) -> list[str]:
    lines = [f"Table {table_ref(table.schema, table.name)} {{"]
    lines += [_column(c) for c in table.columns]
    idx = _indexes(table)
    if idx:
        lines += ["", "  indexes {", *idx, "  }"]
    note = note_text(table.description)
    if note:
        lines += ["", f"  Note: {string(note)}"]
    lines.append("}")
    return lines


def _endpoint(schema: str, table: str, columns: Sequence[str]) -> str:
    cols = ident(columns[0]) if len(columns) == 1 else f"({', '.join(ident(c) for c in columns)})"
    return f"{table_ref(schema, table)}.{cols}"


def _refs(table: Table) -> list[str]:
    lines = []
    for fk in table.foreign_keys:
        name = f" {ident(fk.name)}" if fk.name else ""
        actions = [f"delete: {fk.on_delete}" if fk.on_delete else "", f"update: {fk.on_update}" if fk.on_update else ""]
        actions = [a for a in actions if a]
        lines.append(f"Ref{name}: {_endpoint(table.schema, table.name, fk.columns)} > "
                     f"{_endpoint(fk.foreign_schema, fk.foreign_table, fk.foreign_columns)}"
                     + (f" [{', '.join(actions)}]" if actions else ""))
    return lines


def render_dbml(schema: Schema, project_name: str = "", groups: Iterable[tuple[str, Sequence[str], str]] = ()) -> str:
    """The DBML document of one project's model.

    ``groups``: ``(name, table keys ("schema.name"), description)``; keys not in the model are
    left out, and a group left empty is not written."""
    out: list[str] = []
    out += [f"Project {ident(project_name or 'schema')} {{", f"  database_type: '{DATABASE_TYPES.get(schema.dialect, schema.dialect)}'", "}"]
    for enum in schema.enums:
        out.append("")
        out += [f"// {line}".rstrip() for line in note_text(enum.description).splitlines()]  # an Enum takes no note
        out += [f"Enum {table_ref(enum.schema, enum.name)} {{", *(f"  {quoted(v)}" for v in enum.values), "}"]
    for table in schema.tables:
        out += [""] + _table(table)
    refs = [line for table in schema.tables for line in _refs(table)]
    if refs:
        out += [""] + refs
    by_key = schema.tables_by_key()
    for name, keys, description in groups:
        members = [by_key[k] for k in dict.fromkeys(keys) if k in by_key]
        if not members:
            continue
        out += ["", f"TableGroup {ident(name)}" + (f" [note: {string(description)}]" if description else "") + " {"]
        out += [f"  {table_ref(t.schema, t.name)}" for t in members]
        out.append("}")
    return "\n".join(out) + "\n"
