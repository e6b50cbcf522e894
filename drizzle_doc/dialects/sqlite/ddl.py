"""SQLite migration SQL -> schema operations, read with sqlglot's SQLite parser (see
:mod:`drizzle_doc.dialects.sqlglot_ddl`, the reader MySQL shares).

What is SQLite's own here, as drizzle-kit's SQLite snapshot states it:

- a type as written (``integer``, ``text(320)``, ``decimal(12, 2)``), lower case;
- a column's ``PRIMARY KEY`` (or a one-column table ``PRIMARY KEY(x)``) is the column's key; a
  composite key is named ``<table>_<columns>_pk`` unless written with a name;
- every unique constraint is a unique index (what SQLite makes of it); one written without a name
  gets drizzle-kit's ``<table>_<columns>_unique``, and a foreign key (SQLite keeps no names for
  them) drizzle-kit's ``<table>_<columns>_<foreign table>_<foreign columns>_fk``;
- a generated column's expression keeps its parentheses;
- drizzle-kit's table rebuild (``PRAGMA foreign_keys=OFF``, ``CREATE TABLE __new_x``, ``INSERT
  INTO __new_x SELECT …``, ``DROP TABLE x``, ``ALTER TABLE __new_x RENAME TO x``, ``PRAGMA
  foreign_keys=ON``) replays as the new table taking the old one's place: its names are made for
  ``x``, the copy of the rows and the pragmas are no change of their own.
"""

from __future__ import annotations

import dataclasses
import re
from typing import Optional

from sqlglot import exp
from sqlglot.tokens import TokenType

from drizzle_doc.dialects.sqlglot_ddl import Reader
from drizzle_doc.model import Index, IndexColumn, PrimaryKey, Table, UniqueConstraint
from drizzle_doc.model.operations import CreateIndex, Touch

REBUILD_PREFIX = "__new_"
_SPACE = re.compile(r"\s+")


class SqliteReader(Reader):
    sqlglot_dialect = "sqlite"
    label = "SQLite"
    schema = "main"
    generated_parens = True

    def type_text(self, toks, text: str) -> str:
        if not toks:
            return ""
        parts, last = [], toks[0].start
        for t in toks:
            between = text[last:t.start]
            parts.append(" " if between.strip() == "" and between else between)
            src = text[t.start:t.end + 1]
            parts.append(src if t.token_type == TokenType.STRING else src.lower())
            last = t.end + 1
        return _SPACE.sub(" ", "".join(parts).strip()).replace(" (", "(")

    def final_name(self, name: str) -> str:
        return name[len(REBUILD_PREFIX):] if name.startswith(REBUILD_PREFIX) and len(name) > len(REBUILD_PREFIX) else name

    def unique_name(self, table: str, columns: tuple, number: int) -> str:
        return f"{table}_{'_'.join(columns)}_unique"

    def foreign_key_name(self, table, columns, foreign_table, foreign_columns, number) -> str:
        return f"{table}_{'_'.join(columns)}_{foreign_table}_{'_'.join(foreign_columns)}_fk"

    def check_name(self, table: str, number: int) -> str:
        return f"{table}_check_{number}"

    def index_name(self, table: str, columns: tuple) -> str:
        return f"{table}_{'_'.join(columns)}_index"

    def check_text(self, text: str, written: str, final: str) -> str:
        if written != final:
            for q in ('"', "`"):
                text = text.replace(f"{q}{written}{q}.", f"{q}{final}{q}.")
        return text

    def primary_key(self, table: Table, name: Optional[str], columns: tuple) -> Table:
        if len(columns) == 1:
            return self.column_primary_key(table, columns[0])
        final = self.final_name(table.name)
        return dataclasses.replace(table, primary_key=PrimaryKey(name or f"{final}_{'_'.join(columns)}_pk", columns,
                                                                 True))

    def column_primary_key(self, table: Table, column: str) -> Table:
        cols = tuple(dataclasses.replace(c, primary_key=True) if c.name == column else c for c in table.columns)
        pk_cols = tuple(c.name for c in cols if c.primary_key)
        return dataclasses.replace(table, columns=cols,
                                   primary_key=PrimaryKey(f"{self.final_name(table.name)}_pkey", pk_cols, False))

    def unique(self, table: Table, con: UniqueConstraint) -> Table:
        return dataclasses.replace(table, indexes=(*table.indexes, _as_index(con)))

    def add_unique_op(self, key: str, con: UniqueConstraint):
        return CreateIndex(key, _as_index(con))

    def prepare(self, st):
        """``ON CONFLICT <algorithm>`` on a constraint (sqlglot does not take it; it is no part of
        the schema's shape) left out of what sqlglot parses."""
        words = [t.text.upper() if t.token_type not in (TokenType.IDENTIFIER, TokenType.STRING) else ""
                 for t in st.toks]
        if "CONFLICT" not in words or words[:1] != ["CREATE"]:
            return st
        keep, i = [], 0
        while i < len(st.toks):
            if words[i] == "ON" and i + 2 < len(st.toks) and words[i + 1] == "CONFLICT":
                i += 3
                continue
            keep.append(st.toks[i])
            i += 1
        return type(st)(keep, st.text, st.line)

    def special(self, node, st) -> Optional[list]:
        if isinstance(node, exp.Pragma):
            target = node.this
            name = (target.this.name if isinstance(target, exp.EQ) else getattr(target, "name", "")) or ""
            if name.lower() == "foreign_keys":
                return []  # the rebuild's bracket: a setting of the connection, no change of the schema
            return [Touch(None, "pragma", f"PRAGMA {name or st.source[6:].strip()}")]
        return None


def _as_index(con: UniqueConstraint) -> Index:
    return Index(con.name, tuple(IndexColumn(c) for c in con.columns), True)


READER: Optional[SqliteReader] = None


def parse_migration(text: str, file: str, snapshot=None):
    """:meth:`Reader.parse_migration` with the SQLite reader (made on first use)."""
    global READER
    if READER is None:
        READER = SqliteReader()
    return READER.parse_migration(text, file, snapshot)
