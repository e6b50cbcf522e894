"""What a PostgreSQL table's page tells a developer: drizzle's TypeScript types of pg-core's
columns (``$inferSelect``), and the storage facts behind its performance notes.

Source of the types: drizzle-orm 0.45 ``pg-core/columns/*.d.ts`` (``data:`` of each builder, by
``mode``).  Notes are Markdown; ``code`` (the docs layer's escaper) makes inline code.
"""

from __future__ import annotations

import re
from typing import Callable, Optional

#: builder -> TypeScript type of its values, or {mode: type} (None: the default mode)
TS_TYPES = {
    **{b: "number" for b in ("integer", "smallint", "serial", "smallserial", "real", "doublePrecision")},
    **{b: "string" for b in ("text", "varchar", "char", "uuid", "inet", "cidr", "macaddr", "macaddr8", "time",
                             "interval", "bit", "sparsevec")},
    "bigint": {None: "number", "number": "number", "bigint": "bigint", "string": "string"},
    "bigserial": {None: "number", "number": "number", "bigint": "bigint"},
    "numeric": {None: "string", "string": "string", "number": "number", "bigint": "bigint"},
    "decimal": {None: "string", "string": "string", "number": "number", "bigint": "bigint"},
    "boolean": "boolean",
    "timestamp": {None: "Date", "date": "Date", "string": "string"},
    "date": {None: "string", "string": "string", "date": "Date"},
    "json": "unknown",
    "jsonb": "unknown",
    "point": {None: "[number, number]", "tuple": "[number, number]", "xy": "{ x: number; y: number }"},
    "geometry": {None: "[number, number]", "tuple": "[number, number]", "xy": "{ x: number; y: number }"},
    "line": {None: "[number, number, number]", "tuple": "[number, number, number]",
             "abc": "{ a: number; b: number; c: number }"},
    "vector": "number[]",
    "halfvec": "number[]",
}

BUILDER_ALIASES = {
    "double precision": "doublePrecision", "timestamp with time zone": "timestamp", "timestamp without time zone":
    "timestamp", "time with time zone": "time", "time without time zone": "time", "character varying": "varchar",
    "character": "char", "bool": "boolean", "int": "integer", "int4": "integer", "int2": "smallint",
    "int8": "bigint", "float8": "doublePrecision", "float4": "real", "serial4": "serial", "serial8": "bigserial",
    "citext": "text", "tsvector": "text",
}

#: types whose values are documents or binaries: TOAST compresses them and moves them out of the
#: row once a row passes about 2 kB
_TOASTED = ("json", "jsonb", "bytea", "xml", "tsvector")


def _base(sql_type: str) -> str:
    return re.sub(r"\s*\(.*?\)", "", sql_type.strip().lower())


def out_of_line(column) -> Optional[str]:
    base = _base(column.type)
    if base.endswith("[]") and base[:-2] not in ("boolean", "smallint", "integer"):
        return "out of line (TOAST) once a row passes about 2 kB"
    if base in _TOASTED:
        return "out of line (TOAST) once a row passes about 2 kB"
    m = re.fullmatch(r"(vector|halfvec)\((\d+)\)", column.type.strip().lower())
    if m and int(m.group(2)) * (4 if m.group(1) == "vector" else 2) > 2000:  # over the TOAST threshold
        return "out of line (TOAST) once a row passes about 2 kB"
    return None


def performance_notes(table, schema, code: Callable[[str], str]) -> list[str]:
    notes = []
    if not table.pk_columns:
        notes.append("No primary key: rows cannot be addressed or updated reliably, and logical "
                     "replication cannot send updates or deletes for this table.")
    return notes
