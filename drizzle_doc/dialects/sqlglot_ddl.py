"""Migration SQL -> schema operations for the dialects read with sqlglot (MySQL, SQLite): the reader
they share.  :class:`Reader` holds what both do alike; ``dialects/mysql/ddl.py`` and
``dialects/sqlite/ddl.py`` subclass it with what each does its own way (type spelling, the names
a database or drizzle-kit gives unnamed constraints, ``MODIFY``/``CHANGE``/``RENAME TABLE``,
SQLite's table rebuild).  sqlglot is imported here and in those two folders only.

How a migration is read: drizzle-kit's ``--> statement-breakpoint`` chunks (or the whole file)
are split into statements on the tokens of sqlglot's tokenizer for the dialect (a ``;`` inside a
trigger's ``BEGIN … END`` does not end it); each statement is parsed by sqlglot's parser for the
dialect, which gives its structure.  Text that must read exactly as drizzle-kit's snapshot has it
(types, defaults, checks, generated expressions, index expressions and ``WHERE``) is taken from the
source by the tokens' offsets, never re-printed.  The operations are :mod:`drizzle_doc.model.operations`,
the ones PostgreSQL's reader makes.

Nothing raises: a statement sqlglot cannot parse is kept as an opaque statement (a ``Touch``) with
its line, and one that changes the schema (``CREATE TABLE``, ``ALTER TABLE``, ...) is also a
warning that the schema after it may be incomplete; a statement that cannot be tokenized (an open
quote, unbalanced parentheses) or that is no SQL statement is an error naming file and line with a
snippet.  With the migration's snapshot, statements in drizzle-kit's spelling that only build what
the snapshot states are counted, not parsed (the snapshot is the authority; sqlglot is not even
imported for a history made by drizzle-kit alone).
"""

from __future__ import annotations

import dataclasses
import logging
import re
from typing import Any, Optional

import sqlglot
from sqlglot import exp
from sqlglot.dialects.dialect import Dialect as SqlglotDialect
from sqlglot.errors import ParseError, TokenError
from sqlglot.tokens import Token, TokenType

from drizzle_doc.dialects.sqlglot_tokens import (
    Part, Stmt, after_table_name, balanced, chunks, elements, first_error, index_open, mask_types,
    skip_words, split_commas, split_statements, type_end, without_comments, word,
)
from drizzle_doc.dialects.migration_text import semicolon_parts
from drizzle_doc.limits import snippet
from drizzle_doc.model import (
    ERROR,
    WARNING,
    Check,
    Column,
    Diagnostic,
    ForeignKey,
    Generated,
    Index,
    IndexColumn,
    PrimaryKey,
    Schema,
    Table,
    UniqueConstraint,
)
from drizzle_doc.model.operations import (
    AddColumn, AddConstraint, CreateIndex, CreateTable, DropColumn, DropConstraint, DropIndex,
    DropPrimaryKey, DropTable, RenameColumn, RenameIndex, RenameTable, Statement, Touch,
)

logging.getLogger("sqlglot").setLevel(logging.ERROR)  # its "falling back to a Command" notes are ours to word

#: statements that change tables: one sqlglot cannot parse leaves the schema after it unknown
SCHEMA_HEADS = ("CREATE TABLE", "ALTER TABLE", "CREATE INDEX", "CREATE UNIQUE INDEX", "DROP TABLE", "DROP INDEX",
                "RENAME TABLE")
#: the first word of any SQL statement either dialect knows; anything else is not SQL
STATEMENT_WORDS = frozenset(
    "ALTER ANALYZE ATTACH BEGIN CALL COMMIT CREATE DEALLOCATE DELETE DELIMITER DESCRIBE DETACH DO DROP END "
    "EXECUTE EXPLAIN FLUSH GRANT HANDLER INSERT INSTALL KILL LOAD LOCK OPTIMIZE PRAGMA PREPARE REINDEX RELEASE "
    "RENAME REPAIR REPLACE RESET REVOKE ROLLBACK SAVEPOINT SELECT SET SHOW START TRUNCATE UNINSTALL UNLOCK "
    "UPDATE USE VACUUM VALUES WITH".split())
class Reader:
    """One dialect's migration reader; subclasses set the attributes and override the hooks."""

    #: sqlglot's name for the dialect
    sqlglot_dialect: str = ""
    #: how messages name the dialect
    label: str = ""
    #: the model's schema for an unqualified table
    schema: str = ""
    #: a generated column's expression keeps its parentheses (SQLite's snapshot) or not (MySQL's)
    generated_parens: bool = False
    #: ``#`` starts a comment (MySQL)
    hash_comments: bool = False

    def __init__(self) -> None:
        self._dialect = SqlglotDialect.get_or_raise(self.sqlglot_dialect)

    # -- hooks ------------------------------------------------------------------------------
    def type_text(self, toks: list[Token], text: str) -> str:
        """A column's type from its tokens, spelled as drizzle-kit's snapshot spells it."""
        raise NotImplementedError

    def unique_name(self, table: str, columns: tuple, number: int) -> str:
        raise NotImplementedError

    def foreign_key_name(self, table: str, columns: tuple, foreign_table: str, foreign_columns: tuple,
                         number: int) -> str:
        raise NotImplementedError

    def check_name(self, table: str, number: int) -> str:
        raise NotImplementedError

    def index_name(self, table: str, columns: tuple) -> str:
        raise NotImplementedError

    def primary_key(self, table: Table, name: Optional[str], columns: tuple) -> Table:
        """``table`` with a primary key on ``columns`` declared as a table constraint."""
        raise NotImplementedError

    def column_primary_key(self, table: Table, column: str) -> Table:
        """``table`` with a column's own ``PRIMARY KEY``."""
        raise NotImplementedError

    def unique(self, table: Table, con: UniqueConstraint) -> Table:
        """``table`` with a unique constraint made in its ``CREATE TABLE``."""
        return dataclasses.replace(table, uniques=(*table.uniques, con))

    def add_unique_op(self, key: str, con: UniqueConstraint):
        """The operation for a unique constraint added by ``ALTER TABLE``."""
        return AddConstraint(key, con)

    def finish_column(self, column: Column) -> Column:
        """A column as the dialect's snapshot states what its type implies (MySQL's ``serial``)."""
        return column

    def final_name(self, name: str) -> str:
        """The name a table will have (SQLite's rebuild: ``__new_users`` is ``users``)."""
        return name

    def special(self, node, st: "Stmt") -> Optional[list]:
        """A dialect's own reading of a statement, or None for the shared one."""
        return None

    def prepare(self, st: "Stmt") -> "Stmt":
        """The statement's tokens as the parser should see them (MySQL: index options aside)."""
        return st

    # -- a migration -------------------------------------------------------------------------
    def parse_migration(self, text: str, file: str, snapshot: Optional[Schema] = None
                        ) -> tuple[tuple[Statement, ...], tuple[Diagnostic, ...]]:
        out: list[Statement] = []
        diags: list[Diagnostic] = []
        number = 0
        pending = list(chunks(text))
        while pending:
            chunk, start = pending.pop(0)
            if not without_comments(chunk).strip():
                continue
            before = text.count("\n", 0, start)  # lines before the chunk
            try:
                toks = self._dialect.tokenize(chunk)
            except TokenError:
                parts = [(p, start + at) for p, at in semicolon_parts(chunk, self.hash_comments)
                         if without_comments(p).strip()]
                if len(parts) > 1:  # the statements one by one: only the broken one is lost
                    pending[:0] = parts
                    continue
                number += 1
                lead = len(chunk) - len(chunk.lstrip())
                diags.append(Diagnostic(ERROR, file, before + chunk.count("\n", 0, lead) + 1,
                                        f"statement {number} does not parse (an unclosed quote or comment): {snippet(chunk)}",
                                        code="migration-sql"))
                continue
            for st in split_statements(toks, chunk):
                number += 1
                line = before + st.line + 1
                if snapshot is not None and self.described(st):
                    out.append(Statement(number, line, ()))
                    continue
                ops, diag = self.statement(st, file, line, number)
                if diag is not None:
                    diags.append(diag)
                if ops is not None:
                    out.append(Statement(number, line, tuple(ops)))
        return tuple(out), tuple(diags)

    def described(self, st: "Stmt") -> bool:
        """A statement in drizzle-kit's spelling whose effect the snapshot states: not parsed."""
        head = " ".join(word(t) for t in st.toks[:3])
        if head.startswith(("CREATE TABLE", "CREATE INDEX", "CREATE UNIQUE INDEX", "DROP TABLE", "DROP INDEX")):
            return True
        if head.startswith("ALTER TABLE"):
            return not any(word(t) == "RENAME" for t in st.toks)
        if head.startswith("PRAGMA"):
            return len(st.toks) > 1 and st.toks[1].text.lower() == "foreign_keys"
        if head.startswith("INSERT INTO") and len(st.toks) > 2:
            return st.toks[2].text.startswith("__new_")
        return False

    def statement(self, st: "Stmt", file: str, line: int, number: int):
        """(operations or None, diagnostic or None) for one statement."""
        first = word(st.toks[0])
        head = " ".join(word(t) for t in st.toks[:4] if word(t))
        if not balanced(st.toks):
            return None, Diagnostic(ERROR, file, line, f"statement {number} does not parse (unbalanced parentheses): "
                                                       f"{snippet(st.source)}", code="migration-sql")
        if first not in STATEMENT_WORDS:
            return None, Diagnostic(ERROR, file, line, f"statement {number} is not SQL: {snippet(st.source)}",
                                    code="migration-sql")
        prepared = self.prepare(st)
        node, error = self._parse(prepared)
        if node is None and error is not None and any(head.startswith(h) for h in ("CREATE TABLE", "ALTER TABLE")):
            masked = mask_types(prepared)
            if masked is not None:
                node, _ = self._parse(masked)
        special = None
        if node is not None:
            try:
                special = self.special(node, prepared)
            except Exception as exc:  # noqa: BLE001 - read as the shared reader would
                special, error = None, f"{type(exc).__name__}: {exc}"
        if special is None and isinstance(node, exp.Command) and any(head.startswith(h) for h in SCHEMA_HEADS):
            node, error = None, "sqlglot reads it only as an opaque command"
        if node is None and first == "CREATE" and "TRIGGER" in head.split():
            return self.command(st), None  # a trigger's body is the database's business: touched, by its words
        if node is None:
            schema_change = any(head.startswith(h) for h in SCHEMA_HEADS)
            ops = [Touch(None, "other", f"statement not read: {snippet(st.source, 60)}")]
            if not schema_change:
                return ops, None
            return ops, Diagnostic(
                WARNING, file, line, f"statement {number} could not be read by sqlglot ({error}); the schema after "
                f"this migration may lack what it does: {snippet(st.source)}", code="migration-sql")
        try:
            ops = special if special is not None else self.node_ops(node, prepared)
        except Exception as exc:  # noqa: BLE001 - a statement we cannot read is a diagnostic, never a crash
            return [Touch(None, "other", f"statement not read: {snippet(st.source, 60)}")], Diagnostic(
                WARNING, file, line, f"statement {number} could not be read ({type(exc).__name__}: {exc}); the "
                f"schema after this migration may lack what it does: {snippet(st.source)}", code="migration-sql")
        return ops, None

    def _parse(self, st: "Stmt"):
        try:
            nodes = [n for n in self._dialect.parser().parse(st.toks, st.text) if n is not None]
        except (ParseError, TokenError) as exc:
            return None, first_error(exc)
        except Exception as exc:  # noqa: BLE001 - sqlglot's own failures are a statement not read
            return None, f"{type(exc).__name__}: {exc}"
        if len(nodes) != 1:
            return None, f"{len(nodes)} statements where one was expected"
        return nodes[0], None

    # -- statements -------------------------------------------------------------------------
    def key(self, table: exp.Table) -> str:
        return f"{table.db or self.schema}.{table.name}"

    def node_ops(self, node, st: "Stmt") -> list:
        if isinstance(node, exp.Create):
            kind = (node.args.get("kind") or "").upper()
            if kind == "TABLE":
                return self.create_table(node, st)
            if kind == "INDEX":
                return [self.create_index(node, st)]
            if kind == "VIEW":
                return [Touch(None, "view", f"view {node.this.name} created")]
            return [Touch(None, kind.lower() or "other", f"{kind.lower()} {_name_of(node.this)} created")]
        if isinstance(node, exp.Alter) and (node.args.get("kind") or "").upper() == "TABLE":
            return self.alter_table(node, st)
        if isinstance(node, exp.Drop):
            return self.drop(node)
        if isinstance(node, (exp.Insert, exp.Update, exp.Delete)):
            target = node.this.this if isinstance(node.this, exp.Schema) else node.this
            name = target.name if isinstance(target, exp.Table) else ""
            if isinstance(node, exp.Insert) and name.startswith("__new_"):
                return []  # SQLite's table rebuild copies the rows: no change of its own
            verb = type(node).__name__.upper()
            return [Touch(self.key(target) if isinstance(target, exp.Table) else None, "data", f"data fix ({verb})")]
        if isinstance(node, exp.Command):
            return self.command(st)
        if isinstance(node, (exp.Transaction, exp.Commit, exp.Rollback, exp.Set, exp.Select)):
            return []  # session and transaction statements, queries: nothing changes
        return [Touch(None, "other", f"{type(node).__name__.upper()} statement")]

    def command(self, st: "Stmt") -> list:
        """A statement sqlglot keeps as a command: triggers by their words, anything else opaque."""
        words = [word(t) for t in st.toks]
        if words[:1] == ["CREATE"] and "TRIGGER" in words[:4]:
            i = words.index("TRIGGER") + 1
            if words[i:i + 3] == ["IF", "NOT", "EXISTS"]:
                i += 3
            name = st.toks[i].text if i < len(st.toks) else "?"
            key = None
            if "ON" in words[i:]:
                j = words.index("ON", i) + 1
                key = self._dotted_key(st.toks, j)
            return [Touch(key, "trigger", f"trigger {name} created")]
        return [Touch(None, "other", f"{' '.join(w for w in words[:2] if w).lower() or 'unknown'} statement")]

    def _dotted_key(self, toks: list[Token], i: int) -> Optional[str]:
        if i >= len(toks):
            return None
        if i + 2 < len(toks) and toks[i + 1].token_type == TokenType.DOT:
            return f"{toks[i].text}.{toks[i + 2].text}"
        return f"{self.schema}.{toks[i].text}"

    def drop(self, node: exp.Drop) -> list:
        kind = (node.args.get("kind") or "").upper()
        ops: list = []
        for t in node.args.get("tables") or []:
            if not isinstance(t, exp.Table):
                continue
            if kind == "TABLE":
                ops.append(DropTable(self.key(t)))
            elif kind == "INDEX":
                ops.append(DropIndex(t.db or self.schema, t.name))
                on = node.args.get("cluster")
                if isinstance(on, exp.OnProperty) and isinstance(on.this, exp.Table):
                    ops.append(DropConstraint(self.key(on.this), t.name, ("unique",)))
            elif kind == "TRIGGER":
                ops.append(Touch(None, "trigger", f"trigger {t.name} dropped"))
            else:
                ops.append(Touch(None, kind.lower() or "other", f"{kind.lower()} {t.name} dropped"))
        return ops

    # -- CREATE TABLE ------------------------------------------------------------------------
    def create_table(self, node: exp.Create, st: "Stmt") -> list:
        schema = node.this
        if "VIRTUAL" in (word(t) for t in st.toks[:3]):
            target = schema.this if isinstance(schema, exp.Schema) else schema
            return [Touch(self.key(target) if isinstance(target, exp.Table) else None, "other",
                          f"virtual table {_name_of(target)} created (its columns are its module's)")]
        if not isinstance(schema, exp.Schema):
            target = schema if isinstance(schema, exp.Table) else schema.find(exp.Table)
            return [Touch(self.key(target) if target else None, "other",
                          f"table {_name_of(target)} created from a query or another table: its columns are not read")]
        tnode = schema.this
        name = tnode.name
        final = self.final_name(name)
        open_at = next((i for i, t in enumerate(st.toks) if t.token_type == TokenType.L_PAREN), None)
        ranges = elements(st.toks, open_at) if open_at is not None else []
        parsed = list(schema.expressions)
        if len(ranges) != len(parsed):
            ranges = [None] * len(parsed)
        counts = {"check": 0, "fk": 0, "unique": 0}
        columns: list[Column] = []
        declared: list = []  # (column name or None, constraint), in the order written
        for node_, rng in zip(parsed, ranges):
            part = Part(st, rng)
            if isinstance(node_, exp.ColumnDef):
                col, cons = self.column(node_, part, final, counts)
                columns.append(col)
                declared += [(col.name, con) for con in cons]
            else:
                declared += [(None, con) for con in self.table_constraint(node_, part, final, counts)]
        table = Table(name=name, schema=tnode.db or self.schema, columns=tuple(columns))
        fks, checks, indexes = [], [], []
        for column, con in declared:
            if isinstance(con, PrimaryKey):
                table = (self.column_primary_key(table, column) if column is not None
                         else self.primary_key(table, con.name or None, con.columns))
            elif isinstance(con, UniqueConstraint):
                table = self.unique(table, con)
            elif isinstance(con, ForeignKey):
                fks.append(con)
            elif isinstance(con, Check):
                checks.append(con)
            elif isinstance(con, Index):
                indexes.append(con)
        if fks or checks or indexes:
            table = dataclasses.replace(table, foreign_keys=(*table.foreign_keys, *fks), checks=(*table.checks, *checks),
                                        indexes=(*table.indexes, *indexes))
        return [CreateTable(table)]

    def column(self, cd: exp.ColumnDef, part: "Part", table: str, counts: dict) -> tuple[Column, list]:
        """A column definition -> (Column, the constraints it declares: PrimaryKey, UniqueConstraint,
        ForeignKey, Check)."""
        name = cd.name
        attrs: dict = {}
        if part.ok:  # part.lo is the column's name
            end = type_end(part.toks, part.lo + 1, part.hi)
            attrs["type"] = self.type_text(part.toks[part.lo + 1:end], part.text)
        else:
            kind = cd.args.get("kind")
            attrs["type"] = kind.sql(self.sqlglot_dialect).lower() if kind is not None else ""
        cons: list = []
        checks_seen = 0
        for c in cd.constraints:
            kind = c.args.get("kind")
            cname = c.this.name if isinstance(c.this, exp.Identifier) else None
            if isinstance(kind, exp.NotNullColumnConstraint):
                attrs["not_null"] = not kind.args.get("allow_null")
            elif isinstance(kind, exp.PrimaryKeyColumnConstraint):
                attrs["primary_key"] = True
                cons.append(PrimaryKey(cname or "", (name,)))
            elif isinstance(kind, exp.AutoIncrementColumnConstraint):
                attrs["autoincrement"] = True
            elif isinstance(kind, exp.UniqueColumnConstraint):
                counts["unique"] += 1
                attrs["unique"] = True
                cons.append(UniqueConstraint(cname or self.unique_name(table, (name,), counts["unique"]), (name,),
                                             from_column=True))
            elif isinstance(kind, exp.DefaultColumnConstraint):
                attrs["default"] = part.default() if part.ok else kind.this.sql(self.sqlglot_dialect)
            elif isinstance(kind, exp.ComputedColumnConstraint):
                text = part.group_after("AS", keep_parens=self.generated_parens) if part.ok else None
                if text is None:
                    text = kind.this.sql(self.sqlglot_dialect)
                    text = f"({text})" if self.generated_parens else text
                attrs["generated"] = Generated(text, "stored" if kind.args.get("persisted") else "virtual")
            elif isinstance(kind, exp.OnUpdateColumnConstraint):
                attrs["on_update"] = "onUpdateNow()"
            elif isinstance(kind, exp.CheckColumnConstraint):
                checks_seen += 1
                counts["check"] += 1
                cons.append(Check(cname or self.check_name(table, counts["check"]),
                                  self._check_text(kind, part, checks_seen, table)))
            elif isinstance(kind, exp.Reference):
                counts["fk"] += 1
                cons.append(self._foreign_key(kind, (name,), cname, table, counts["fk"]))
        return self.finish_column(Column(name=name, property="", **attrs)), cons

    def _check_text(self, kind, part: "Part", nth: int, table: str) -> str:
        text = part.group_after("CHECK", keep_parens=False, nth=nth) if part.ok else None
        if text is None:
            text = kind.this.sql(self.sqlglot_dialect)
        return self.check_text(text, part.table_name, table)

    def check_text(self, text: str, written: str, final: str) -> str:
        """A check's text; SQLite's rebuild names the ``__new_`` table in it, which the rename undoes."""
        return text

    def _foreign_key(self, ref: exp.Reference, columns: tuple, name: Optional[str], table: str, number: int
                     ) -> ForeignKey:
        target = ref.this
        fcols: tuple = ()
        if isinstance(target, exp.Schema):
            fcols = tuple(e.name for e in target.expressions)
            target = target.this
        actions = {"delete": None, "update": None}
        for opt in ref.args.get("options") or ():
            m = re.match(r"ON\s+(DELETE|UPDATE)\s+(.+)", str(opt), re.I)
            if m:
                actions[m.group(1).lower()] = " ".join(m.group(2).split()).lower()
        ftable = self.final_name(target.name)
        return ForeignKey(
            name=name or self.foreign_key_name(table, columns, ftable, fcols, number),
            columns=columns, foreign_schema=target.db or self.schema, foreign_table=ftable,
            foreign_columns=fcols, on_delete=actions["delete"] or "no action", on_update=actions["update"] or "no action")

    def table_constraint(self, node, part: "Part", table: str, counts: dict) -> list:
        """A table constraint (named or not) -> model constraints (PrimaryKey, UniqueConstraint,
        ForeignKey, Check, Index)."""
        name = None
        inner = [node]
        if isinstance(node, exp.Constraint):
            name = node.name or None
            inner = list(node.expressions)
        out: list = []
        for n in inner:
            if isinstance(n, exp.PrimaryKey):
                out.append(PrimaryKey(name or "", tuple(_col_name(e) for e in n.expressions), True))
            elif isinstance(n, exp.UniqueColumnConstraint):
                target = n.this
                cols = tuple(_col_name(e) for e in target.expressions) if isinstance(target, exp.Schema) else ()
                own = target.this.name if isinstance(target, exp.Schema) and isinstance(target.this, exp.Identifier) \
                    else None
                counts["unique"] += 1
                out.append(UniqueConstraint(name or own or self.unique_name(table, cols, counts["unique"]), cols))
            elif isinstance(n, exp.ForeignKey):
                counts["fk"] += 1
                cols = tuple(_col_name(e) for e in n.expressions)
                out.append(self._foreign_key(n.args["reference"], cols, name, table, counts["fk"]))
            elif isinstance(n, exp.CheckColumnConstraint):
                counts["check"] += 1
                out.append(Check(name or self.check_name(table, counts["check"]), self._check_text(n, part, 1, table)))
            elif isinstance(n, exp.IndexColumnConstraint):
                cols = tuple(_col_name(e) for e in n.expressions)
                own = n.this.name if isinstance(n.this, exp.Identifier) else None
                kind = (n.args.get("kind") or "").lower()
                using = n.args.get("index_type") or next(
                    (o.args.get("using") for o in n.args.get("options") or () if o.args.get("using")), None)
                method = kind if kind in ("fulltext", "spatial") else str(using or "btree").lower()
                out.append(Index(own or name or self.index_name(table, cols), tuple(IndexColumn(c) for c in cols),
                                 method=method))
        return out

    # -- CREATE INDEX ------------------------------------------------------------------------
    def create_index(self, node: exp.Create, st: "Stmt", method: str = "btree", with_: tuple = ()) -> CreateIndex:
        ix = node.this
        table = ix.args.get("table")
        params = ix.args.get("params")
        cols = list(params.args.get("columns") or []) if params is not None else []
        open_at = index_open(st.toks)
        ranges = elements(st.toks, open_at) if open_at is not None else []
        if len(ranges) != len(cols):
            ranges = [None] * len(cols)
        out = []
        for c, rng in zip(cols, ranges):
            desc = bool(c.args.get("desc")) if isinstance(c, exp.Ordered) else False
            inner = c.this if isinstance(c, exp.Ordered) else c
            if isinstance(inner, exp.Collate):
                inner = inner.this
            if isinstance(inner, exp.Column) and not inner.table:
                out.append(IndexColumn(inner.name, False, not desc, "first" if desc else "last"))
                continue
            text = None
            if rng is not None:
                lo, hi = rng
                while hi > lo and word(st.toks[hi - 1]) in ("ASC", "DESC"):
                    hi -= 1
                text = st.text[st.toks[lo].start:st.toks[hi - 1].end + 1]
            out.append(IndexColumn(text or inner.sql(self.sqlglot_dialect), True, not desc,
                                   "first" if desc else "last"))
        where = params.args.get("where") if params is not None else None
        where_text = None
        if where is not None:
            at = next((i for i, t in enumerate(st.toks) if word(t) == "WHERE"), None)
            where_text = (st.text[st.toks[at + 1].start:st.toks[-1].end + 1].strip() if at is not None
                          and at + 1 < len(st.toks) else where.this.sql(self.sqlglot_dialect))
        index = Index(ix.name, tuple(out), bool(node.args.get("unique")), method, where_text, False, with_)
        return CreateIndex(self.key(table), index)

    # -- ALTER TABLE -------------------------------------------------------------------------
    def alter_table(self, node: exp.Alter, st: "Stmt") -> list:
        key = self.key(node.this)
        name = node.this.name
        actions = list(node.args.get("actions") or [])
        at = after_table_name(st.toks)
        ranges = split_commas(st.toks, at, len(st.toks)) if at is not None else []
        if len(ranges) != len(actions):
            ranges = [None] * len(actions)
        counts = {"check": 0, "fk": 0, "unique": 0}
        ops: list = []
        for action, rng in zip(actions, ranges):
            part = Part(st, rng)
            ops.extend(self.alter_action(key, name, action, part, counts))
        for opt in node.args.get("options") or []:  # table options: MySQL's COMMENT = '…', ENGINE = …
            if isinstance(opt, exp.SchemaCommentProperty):
                ops.append(Touch(key, "comment", "comment on table set"))
            else:
                ops.append(Touch(key, "alter", f"table option {opt.sql(self.sqlglot_dialect)} set"))
        return ops

    def alter_action(self, key: str, table: str, action, part: "Part", counts: dict) -> list:
        if isinstance(action, exp.ColumnDef):
            col, cons = self.column(action, skip_words(part, ("ADD", "COLUMN", "IF", "NOT", "EXISTS")), table,
                                    counts)
            out_cons = []
            for con in cons:
                if isinstance(con, PrimaryKey):
                    out_cons.append(PrimaryKey(con.name or f"{table}_pkey", con.columns))
                else:
                    out_cons.append(con)
            return [AddColumn(key, col, tuple(out_cons))]
        if isinstance(action, exp.Drop):
            kind = (action.args.get("kind") or "").upper()
            names = [e.name for e in action.args.get("tables") or []]
            if kind == "COLUMN":
                return [DropColumn(key, n) for n in names]
            if kind == "FOREIGN KEY":
                return [DropConstraint(key, n, ("foreign_key",)) for n in names]
            if kind in ("INDEX", "KEY"):
                return [op for n in names for op in (DropIndex(key.split(".", 1)[0], n),
                                                     DropConstraint(key, n, ("unique",)))]
            if kind in ("CONSTRAINT", "CHECK"):
                return [DropConstraint(key, n) for n in names]
            return [Touch(key, "alter", f"ALTER TABLE DROP {kind} {' '.join(names)}".rstrip())]
        if isinstance(action, exp.DropPrimaryKey):
            return [DropPrimaryKey(key)]
        if isinstance(action, exp.RenameColumn):
            return [RenameColumn(key, action.this.name, action.args["to"].name)]
        if isinstance(action, exp.AlterRename):
            return [RenameTable(key, action.this.name)]
        if isinstance(action, exp.RenameIndex):
            return [RenameIndex(key.split(".", 1)[0], action.this.name, action.args["to"].name)]
        if isinstance(action, exp.AddConstraint):
            ops: list = []
            for con in self.table_constraint_list(action, part, table, counts):
                if isinstance(con, Index):
                    ops.append(CreateIndex(key, con))
                elif isinstance(con, UniqueConstraint):
                    ops.append(self.add_unique_op(key, con))
                elif isinstance(con, PrimaryKey):
                    ops.append(self.add_primary_key_op(key, table, con))
                else:
                    ops.append(AddConstraint(key, con))
            return ops
        return self.alter_other(key, table, action, part)

    def table_constraint_list(self, action: exp.AddConstraint, part: "Part", table: str, counts: dict) -> list:
        out: list = []
        for n in action.expressions:
            out.extend(self.table_constraint(n, part, table, counts))
        return out

    def add_primary_key_op(self, key: str, table: str, con: PrimaryKey):
        return AddConstraint(key, PrimaryKey(con.name or f"{table}_{'_'.join(con.columns)}_pk", con.columns, True))

    def alter_other(self, key: str, table: str, action, part: "Part") -> list:
        words = " ".join(word(t) for t in part.toks[part.lo:part.lo + 3]) if part.ok else type(action).__name__
        return [Touch(key, "alter", f"ALTER TABLE {words.strip() or type(action).__name__}")]




def _col_name(e) -> str:
    if isinstance(e, exp.Ordered):
        e = e.this
    if isinstance(e, (exp.Anonymous,)) and isinstance(e.this, (exp.Identifier, str)):
        return e.this.name if isinstance(e.this, exp.Identifier) else str(e.this)
    return e.name


def _name_of(node: Any) -> str:
    return getattr(node, "name", "") or "?"


__all__ = ["Reader", "sqlglot"]
