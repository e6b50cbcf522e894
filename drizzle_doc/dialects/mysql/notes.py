"""What a MySQL table's page tells a developer: drizzle's TypeScript types of mysql-core's columns
(``$inferSelect``), and InnoDB's storage facts behind its performance notes.

Source of the types: drizzle-orm 0.45 ``mysql-core/columns/*.d.ts``.  Notes are Markdown; ``code``
(the docs layer's escaper) makes inline code.
"""

from __future__ import annotations

import re
from typing import Callable, Optional

TS_TYPES = {
    **{b: "number" for b in ("int", "tinyint", "smallint", "mediumint", "serial", "double", "float", "real", "year")},
    **{b: "string" for b in ("varchar", "char", "text", "tinytext", "mediumtext", "longtext", "binary", "varbinary",
                             "time")},
    "bigint": {None: "number", "number": "number", "bigint": "bigint", "string": "string"},
    "decimal": {None: "string", "string": "string", "number": "number", "bigint": "bigint"},
    "boolean": "boolean",
    "timestamp": {None: "Date", "date": "Date", "string": "string"},
    "datetime": {None: "Date", "date": "Date", "string": "string"},
    "date": {None: "Date", "date": "Date", "string": "string"},
    "json": "unknown",
}

BUILDER_ALIASES = {"integer": "int", "bool": "boolean", "numeric": "decimal", "double precision": "double"}

#: types InnoDB (DYNAMIC rows) may keep off-page: long variable-length values
_OFF_PAGE = ("text", "mediumtext", "longtext", "json", "blob", "mediumblob", "longblob")
_STRING_TYPES = ("char", "varchar", "text", "tinytext", "mediumtext", "longtext", "enum")


def _base(sql_type: str) -> str:
    return re.sub(r"\s*\(.*?\)", "", sql_type.strip().lower()).split(" ")[0]


def out_of_line(column) -> Optional[str]:
    if _base(column.type) in _OFF_PAGE:
        return "off-page by InnoDB once a row outgrows half a 16 KB page"
    return None


def unindexed_fk_note(table, fk, code: Callable[[str], str]) -> str:
    """MySQL requires an index on a foreign key's columns and makes one itself when none is declared."""
    ref = fk.foreign_table if fk.foreign_schema == "public" else f"{fk.foreign_schema}.{fk.foreign_table}"
    props = ", ".join(f"t.{(table.column(c).property if table.column(c) else c)}" for c in fk.columns)
    return (f"Foreign key {code(', '.join(fk.columns))} → {code(ref)} has no declared index: MySQL requires "
            f"one and InnoDB creates it silently, named {code(fk.name)}, so the database has an index the "
            f"models do not show. Consider {code(f'index().on({props})')}.")


def performance_notes(table, schema, code: Callable[[str], str]) -> list[str]:
    """What holds for an InnoDB table: the clustered primary key, character sets, CHECK enforcement."""
    notes = []
    pk = table.pk_columns
    if pk:
        auto = [c for c in (table.column(n) for n in pk) if c is not None and c.autoincrement]
        order = (f" {code(auto[0].name)} is AUTO_INCREMENT, so new rows append at the end of the "
                 "clustered index.") if auto else ""
        notes.append(f"InnoDB stores the rows in primary key order ({code(', '.join(pk))}): a lookup by it reads "
                     f"the row itself, and every secondary index carries the key, so a short key keeps them small.{order}")
    else:
        notes.append("No primary key: InnoDB clusters the rows by the first NOT NULL unique index, else by a hidden "
                     "6-byte row id, and row-based replication scans the table for each row it updates or deletes.")
    strings = [c for c in table.columns if _base(c.type) in _STRING_TYPES]
    if strings:
        notes.append("Text columns (" + ", ".join(code(c.name) for c in strings) + ") take the table's character "
                     "set and collation (MySQL 8: `utf8mb4` and `utf8mb4_0900_ai_ci` unless the database says "
                     "otherwise): comparisons, unique keys and indexes on them ignore case and accents.")
    if table.checks:
        notes.append("MySQL enforces CHECK constraints from 8.0.16 (MariaDB from 10.2); older servers accept "
                     "and ignore them.")
    return notes
