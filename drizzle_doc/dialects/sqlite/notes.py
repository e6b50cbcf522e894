"""What a SQLite table's page tells a developer: drizzle's TypeScript types of sqlite-core's
columns (``$inferSelect``), and SQLite's storage facts behind its performance notes (the rowid,
type affinity, foreign key enforcement, table rebuilds).

Source of the types: drizzle-orm 0.45 ``sqlite-core/columns/*.d.ts``.  Notes are Markdown; ``code``
(the docs layer's escaper) makes inline code.
"""

from __future__ import annotations

import re
from typing import Callable, Optional

_INTEGER = {None: "number", "number": "number", "timestamp": "Date", "timestamp_ms": "Date", "boolean": "boolean"}
TS_TYPES = {
    "integer": _INTEGER,
    "int": _INTEGER,
    "real": "number",
    "text": {None: "string", "text": "string", "json": "unknown"},
    "numeric": {None: "string", "string": "string", "number": "number", "bigint": "bigint"},
    "blob": {None: "unknown", "json": "unknown", "bigint": "bigint", "buffer": "Buffer"},
}


def _base(sql_type: str) -> str:
    return re.sub(r"\s*\(.*?\)", "", sql_type.strip().lower())


def out_of_line(column) -> Optional[str]:
    if _base(column.type) == "blob" and column.mode in (None, "buffer", "json"):
        return "in overflow pages once a row outgrows its b-tree page"
    return None


def performance_notes(table, schema, code: Callable[[str], str]) -> list[str]:
    """The rowid, type affinity, foreign key enforcement and how drizzle-kit changes a table."""
    notes = []
    pk = table.pk_columns
    col = table.column(pk[0]) if len(pk) == 1 else None
    if col is not None and _base(col.type) == "integer":
        auto = (" AUTOINCREMENT also keeps ids of deleted rows from being reused, at the cost of a "
                "`sqlite_sequence` update on every insert.") if col.autoincrement else ""
        notes.append(f"{code(col.name)} is an INTEGER PRIMARY KEY: an alias of the rowid, so lookups by it "
                     f"walk the table's own b-tree and a new row without one gets the next rowid.{auto}")
    elif not pk:
        notes.append("No primary key: rows are addressed only by the hidden rowid, which `VACUUM` may renumber.")
    else:
        notes.append("The primary key is not an INTEGER PRIMARY KEY: SQLite keeps a separate unique index "
                     "for it beside the rowid b-tree (`WITHOUT ROWID` would store the rows by the key itself).")
    notes.append("Column types are affinities, not checks: drizzle-kit creates tables without `STRICT`, so "
                 "SQLite stores a value of another type in a column as given unless it converts cleanly; "
                 "the CHECK constraints and drizzle's TypeScript types are what keep values in shape.")
    if table.foreign_keys:
        notes.append("SQLite enforces these foreign keys only on connections that run `PRAGMA foreign_keys = ON` "
                     "(off by default in SQLite; Cloudflare D1 enforces them): without it, ON DELETE actions do not run.")
    notes.append("SQLite's ALTER TABLE only adds, renames and drops columns: to change a column's type, default, "
                 "NOT NULL or a constraint, drizzle-kit's migration copies the table into a new one "
                 "(`__new_…`), which rewrites every row and takes the database's write lock while it runs.")
    return notes
