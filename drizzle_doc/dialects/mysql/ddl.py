"""MySQL migration SQL -> schema operations, read with sqlglot's MySQL parser (see
:mod:`drizzle_doc.dialects.sqlglot_ddl`, the reader SQLite shares).

What is MySQL's own here, as drizzle-kit's MySQL snapshot states it:

- a type in drizzle-kit's spelling: lower case, no spaces inside the parentheses
  (``decimal(10,2) unsigned``, ``enum('a','b')``), values of an enum as written;
- a primary key named ``<table>_<column>`` on one column (drizzle-kit's name for a column's
  ``.primaryKey()``; also a column's own ``PRIMARY KEY`` and an unnamed one-column key) is the
  column's key; any other is a composite key (``<table>_<columns>_pk`` when unnamed);
- names MySQL gives what is written without one: a unique index or index after its first column,
  a foreign key ``<table>_ibfk_<n>``, a check ``<table>_chk_<n>``;
- ``MODIFY``/``CHANGE COLUMN`` restate the whole column, ``ALTER COLUMN … SET/DROP DEFAULT`` its
  default, ``RENAME TABLE a TO b`` renames, ``DROP INDEX`` drops an index or a unique constraint (in
  MySQL the same thing), ``DROP FOREIGN KEY`` / ``DROP CHECK`` / ``DROP PRIMARY KEY`` the one kind;
- an index's ``USING``, ``ALGORITHM`` and ``LOCK`` are read from the statement (sqlglot does not
  take them) into the index's method and options.
"""

from __future__ import annotations

import dataclasses
from typing import Optional

from sqlglot import exp
from sqlglot.tokens import TokenType

from drizzle_doc.dialects.sqlglot_ddl import Reader
from drizzle_doc.dialects.sqlglot_tokens import Part, Stmt, word
from drizzle_doc.model import PrimaryKey, Table
from drizzle_doc.model.operations import AddConstraint, AlterColumn, RenameColumn, RenameTable, Touch

#: index options sqlglot's MySQL parser does not take, and how many tokens follow the word
_INDEX_OPTIONS = {"USING": 1, "ALGORITHM": 1, "LOCK": 1, "COMMENT": 1, "VISIBLE": 0, "INVISIBLE": 0,
                  "KEY_BLOCK_SIZE": 1}
#: what MODIFY/CHANGE restate: the column's attributes, in this order
_RESTATED = ("type", "not_null", "default", "autoincrement", "on_update", "generated")


class MySqlReader(Reader):
    sqlglot_dialect = "mysql"
    label = "MySQL"
    schema = "public"
    generated_parens = False
    hash_comments = True

    def type_text(self, toks, text: str) -> str:
        out: list[str] = []
        depth = 0
        for t in toks:
            src = text[t.start:t.end + 1]
            piece = src if t.token_type == TokenType.STRING else src.lower()
            if t.token_type == TokenType.L_PAREN:
                depth += 1
            elif t.token_type == TokenType.R_PAREN:
                depth -= 1
            elif depth == 0 and out and out[-1] != "(":
                out.append(" ")
            out.append(piece)
        return "".join(out).replace(" (", "(")

    def finish_column(self, column):
        """``SERIAL`` is ``BIGINT UNSIGNED NOT NULL AUTO_INCREMENT UNIQUE``: drizzle-kit's snapshot
        states a ``serial`` column as autoincrement (mysql-core's MySqlSerialBuilder)."""
        if column.type.lower() == "serial" and not column.autoincrement:
            return dataclasses.replace(column, autoincrement=True)
        return column

    def unique_name(self, table: str, columns: tuple, number: int) -> str:
        return columns[0] if columns else f"{table}_unique_{number}"

    def foreign_key_name(self, table, columns, foreign_table, foreign_columns, number) -> str:
        return f"{table}_ibfk_{number}"

    def check_name(self, table: str, number: int) -> str:
        return f"{table}_chk_{number}"

    def index_name(self, table: str, columns: tuple) -> str:
        return columns[0] if columns else f"{table}_index"

    def primary_key(self, table: Table, name: Optional[str], columns: tuple) -> Table:
        if len(columns) == 1 and name in (None, f"{table.name}_{columns[0]}"):
            return self.column_primary_key(table, columns[0])
        cols = tuple(dataclasses.replace(c, not_null=True) if c.name in columns else c for c in table.columns)
        return dataclasses.replace(table, columns=cols, primary_key=PrimaryKey(
            name or f"{table.name}_{'_'.join(columns)}_pk", columns, True))

    def column_primary_key(self, table: Table, column: str) -> Table:
        cols = tuple(dataclasses.replace(c, primary_key=True, not_null=True) if c.name == column else c
                     for c in table.columns)
        return dataclasses.replace(table, columns=cols,
                                   primary_key=PrimaryKey(f"{table.name}_{column}", (column,), False))

    def add_primary_key_op(self, key: str, table: str, con: PrimaryKey):
        if len(con.columns) == 1 and con.name in ("", f"{table}_{con.columns[0]}"):
            return AddConstraint(key, PrimaryKey(f"{table}_{con.columns[0]}", con.columns, False))
        return AddConstraint(key, PrimaryKey(con.name or f"{table}_{'_'.join(con.columns)}_pk", con.columns, True))

    # -- statements sqlglot's MySQL parser leaves to us --------------------------------------
    def prepare(self, st: Stmt) -> Stmt:
        """``CREATE [UNIQUE|FULLTEXT|SPATIAL] INDEX``: the options sqlglot does not take are read
        here and left out of what it parses."""
        words = [word(t) for t in st.toks]
        if words[:1] == ["CREATE"] and "VIEW" in words[:12]:
            return self._plain_view(st, words)
        if words[:1] != ["CREATE"] or "INDEX" not in words[:3]:
            return st
        kept, method, options = [], "btree", []
        i, depth = 0, 0
        while i < len(st.toks):
            t, w = st.toks[i], words[i]
            if t.token_type == TokenType.L_PAREN:
                depth += 1
            elif t.token_type == TokenType.R_PAREN:
                depth -= 1
            if depth == 0 and i > 0 and w in ("FULLTEXT", "SPATIAL") and words[i - 1] == "CREATE":
                method = w.lower()
                i += 1
                continue
            if depth == 0 and w in _INDEX_OPTIONS and not (w == "LOCK" and i == 0):
                j = i + 1
                if j < len(st.toks) and st.toks[j].token_type == TokenType.EQ:
                    j += 1
                value = st.toks[j].text if _INDEX_OPTIONS[w] and j < len(st.toks) else ""
                if w == "USING":
                    method = value.lower()
                elif w in ("ALGORITHM", "LOCK"):
                    options.append((w.lower(), value.lower()))
                i = j + _INDEX_OPTIONS[w]
                continue
            kept.append(t)
            i += 1
        out = Stmt(kept, st.text, st.line)
        out.index_method, out.index_with = method, tuple(options)  # type: ignore[attr-defined]
        return out

    @staticmethod
    def _plain_view(st: Stmt, words: list) -> Stmt:
        """``CREATE [OR REPLACE] [ALGORITHM = x] [DEFINER = u] [SQL SECURITY x] VIEW … [WITH
        [CASCADED|LOCAL] CHECK OPTION]`` (drizzle-kit 1.0 writes a view's options so): the options
        left out of what sqlglot parses, which takes a plain ``CREATE VIEW``."""
        view = words.index("VIEW")
        kept = [t for i, t in enumerate(st.toks[:view]) if i == 0 or words[i] in ("OR", "REPLACE")]
        rest = list(st.toks[view:])
        tail = [word(t) for t in rest]
        if len(tail) >= 3 and tail[-2:] == ["CHECK", "OPTION"]:
            cut = len(rest) - 2
            while cut > 0 and tail[cut - 1] in ("WITH", "CASCADED", "LOCAL"):
                cut -= 1
            rest = rest[:cut]
        return Stmt(kept + rest, st.text, st.line)

    def create_index(self, node, st: Stmt, method: str = "btree", with_: tuple = ()):
        return super().create_index(node, st, getattr(st, "index_method", method), getattr(st, "index_with", with_))

    def special(self, node, st: Stmt) -> Optional[list]:
        if isinstance(node, exp.Command) and word(st.toks[0]) == "RENAME" and len(st.toks) > 1:
            # sqlglot's tokenizer keeps the rest of a RENAME as one string: its own tokens, read here
            rest = self._dialect.tokenize(st.toks[1].text) if st.toks[1].token_type == TokenType.STRING \
                else st.toks[1:]
            if rest and word(rest[0]) in ("TABLE", "TABLES"):
                return self._rename_tables(rest[1:])
        return None

    def _rename_tables(self, toks: list) -> list:
        """``RENAME TABLE a TO b [, c TO d]`` (the tokens after ``TABLE``)."""
        ops: list = []
        names: list = []
        i = 0
        while i < len(toks):
            t = toks[i]
            if t.token_type == TokenType.COMMA:
                i += 1
                continue
            if word(t) == "TO":
                names.append("TO")
                i += 1
                continue
            if i + 2 < len(toks) and toks[i + 1].token_type == TokenType.DOT:
                names.append((t.text, toks[i + 2].text))
                i += 3
            else:
                names.append((self.schema, t.text))
                i += 1
        for j in range(len(names) - 2):
            if names[j + 1] == "TO" and isinstance(names[j], tuple) and isinstance(names[j + 2], tuple):
                (s, old), (_, new) = names[j], names[j + 2]
                ops.append(RenameTable(f"{s}.{old}", new))
        return ops or [Touch(None, "other", "RENAME statement")]

    def alter_other(self, key: str, table: str, action, part: Part) -> list:
        if isinstance(action, exp.ModifyColumn):
            return self._modify(key, table, action, part)
        if isinstance(action, exp.AlterColumn) and ("default" in action.args or action.args.get("drop")):
            name = action.this.name
            if action.args.get("drop"):
                return [AlterColumn(key, name, "default", None)]
            text = part.default() if part.ok else None
            return [AlterColumn(key, name, "default", text or action.args["default"].sql("mysql"))]
        return super().alter_other(key, table, action, part)

    def _modify(self, key: str, table: str, action: exp.ModifyColumn, part: Part) -> list:
        """``MODIFY [COLUMN] c …`` / ``CHANGE [COLUMN] old new …``: the column as restated."""
        old = action.args.get("rename_from")
        if part.ok:
            i = part.lo + 1
            if i < part.hi and word(part.toks[i]) == "COLUMN":
                i += 1
            part.lo = i + (1 if old is not None else 0)
        col, cons = self.column(action.this, part, table, {"check": 0, "fk": 0, "unique": 0})
        ops: list = []
        name = col.name
        if old is not None and old.name != name:
            ops.append(RenameColumn(key, old.name, name))
        ops.extend(AlterColumn(key, name, attr, getattr(col, attr)) for attr in _RESTATED)
        if col.primary_key:
            ops.append(self.add_primary_key_op(key, table, PrimaryKey("", (name,))))
        ops.extend(AddConstraint(key, c) for c in cons if not isinstance(c, PrimaryKey))
        return ops


READER: Optional[MySqlReader] = None


def parse_migration(text: str, file: str, snapshot=None):
    """:meth:`Reader.parse_migration` with the MySQL reader (made on first use)."""
    global READER
    if READER is None:
        READER = MySqlReader()
    return READER.parse_migration(text, file, snapshot)
