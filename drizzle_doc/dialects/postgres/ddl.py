"""Migration SQL -> a list of operations, read with PostgreSQL's own parser (pglast).

A drizzle-kit migration is split on ``--> statement-breakpoint``; each chunk is parsed
with pglast.  Older drizzle-kit wraps foreign keys in ``DO $$ BEGIN … EXCEPTION WHEN
duplicate_object … END $$;``: the PL/pgSQL body is parsed too and its inner SQL used.
Hand-written statements that touch a table (triggers, COMMENT ON, policies, UPDATE /
INSERT / DELETE data fixes) become :class:`Touch` operations.

:func:`apply` replays operations on a :class:`model.Schema`, which is how a folder
without snapshots is turned back into a schema.  Types and defaults are spelled as
drizzle-kit spells them in snapshots (``integer``, ``varchar(255)``,
``timestamp (3) with time zone``) so the result compares with the model by name.
"""

from __future__ import annotations

import bisect
import dataclasses
import functools
import importlib
import re
from typing import Any, Optional


class _OnFirstUse:
    """A module imported the first time one of its names is read, then bound in its place.

    pglast takes about 65 ms to import, and most runs never parse SQL: drizzle-kit's own
    statements are read from the snapshots (see :func:`parse_migration`).
    """

    def __init__(self, module: str, bound_as: str) -> None:
        self._module, self._bound_as = module, bound_as

    def __getattr__(self, name: str) -> Any:
        module = importlib.import_module(self._module)
        globals()[self._bound_as] = module
        return getattr(module, name)


pglast: Any = _OnFirstUse("pglast", "pglast")
ast: Any = _OnFirstUse("pglast.ast", "ast")
pg_enums: Any = _OnFirstUse("pglast.enums", "pg_enums")


def RawStream() -> Any:  # noqa: N802 - stands in for the class until pglast is loaded
    from pglast.stream import RawStream as cls

    globals()["RawStream"] = cls
    return cls()

from drizzle_doc.dialects.postgres.sqlscan import prescan
from drizzle_doc.limits import snippet
from drizzle_doc.model import (
    ERROR,
    Check,
    Column,
    Diagnostic,
    Enum,
    ForeignKey,
    Generated,
    Identity,
    Index,
    IndexColumn,
    PrimaryKey,
    Schema,
    Table,
    UniqueConstraint,
)

BREAKPOINT = "--> statement-breakpoint"

from drizzle_doc.model.operations import (  # noqa: E402
    AddColumn, AddConstraint, AddEnumValue, AlterColumn, CreateEnum, CreateIndex, CreateTable, DropColumn,
    DropConstraint, DropEnum, DropIndex, DropTable, RenameColumn, RenameConstraint, RenameIndex, RenameTable,
    HandObject, SetRls, SetTableSchema, Statement, Touch, add_constraint,
)

# ---------------------------------------------------------------------------
# Spelling: types, expressions, names
# ---------------------------------------------------------------------------

_PG_TYPES = {
    "int4": "integer",
    "int8": "bigint",
    "int2": "smallint",
    "bool": "boolean",
    "float4": "real",
    "float8": "double precision",
}
_UNQUALIFIED = {"int4", "int8", "int2", "bool", "float4", "float8", "timestamptz", "timetz", "bpchar"}
_ACTIONS = {"a": "no action", "r": "restrict", "c": "cascade", "n": "set null", "d": "set default"}


def _ints(typmods) -> list[str]:
    out = []
    for m in typmods or ():
        if isinstance(m, ast.A_Const) and m.val is not None:
            v = getattr(m.val, "ival", None)
            if v is None:
                v = getattr(m.val, "sval", None) or getattr(m.val, "fval", None)
            out.append(str(v))
        else:
            out.append(RawStream()(m))
    return out


def type_text(tn: ast.TypeName) -> str:
    """A pglast TypeName spelled as drizzle-kit spells column types in snapshots."""
    names = [n.sval for n in tn.names]
    mods = _ints(tn.typmods)
    if len(names) == 1 and names[0] in _UNQUALIFIED:
        names = ["pg_catalog", names[0]]
    if len(names) == 2 and names[0] == "pg_catalog":
        base = names[1]
        if base in _PG_TYPES:
            text = _PG_TYPES[base]
        elif base in ("timestamp", "timestamptz", "time", "timetz"):
            word = "timestamp" if base.startswith("timestamp") else "time"
            text = word + (f" ({mods[0]})" if mods else "")
            if base.endswith("tz"):
                text += " with time zone"
        elif base == "bpchar":
            text = "char" + (f"({mods[0]})" if mods else "")
        elif base == "numeric":
            text = "numeric" + (f"({', '.join(mods)})" if mods else "")
        elif base == "interval":
            text = "interval"
        else:
            text = base + (f"({', '.join(mods)})" if mods else "")
    else:
        parts = [n for n in names]
        if len(parts) == 2 and parts[0] == "public":
            parts = parts[1:]
        text = ".".join(parts) + (f"({', '.join(mods)})" if mods else "")
    if tn.arrayBounds:
        text += "[]" * len(tn.arrayBounds)
    return text


@functools.lru_cache(maxsize=4096)
def canonical_type(text: str) -> str:
    """Any type spelling (``int4``, ``INTEGER``, ``timestamp(3)``) in drizzle-kit's spelling."""
    try:
        if prescan(text) is not None:
            raise ValueError("not parsed")
        stmt = pglast.parse_sql(f"SELECT NULL::{text}")[0].stmt
        return type_text(stmt.targetList[0].val.typeName)
    except Exception:  # noqa: BLE001 - unknown spelling: compare as written
        return " ".join(text.split())


def expr_text(node) -> str:
    return RawStream()(node)


@functools.lru_cache(maxsize=4096)
def canonical_expr(text: Optional[str]) -> Optional[str]:
    """An SQL expression re-printed by pglast, so quoting and spacing do not matter."""
    if text is None:
        return None
    try:
        if prescan(text) is not None:
            raise ValueError("not parsed")
        stmt = pglast.parse_sql(f"SELECT {text}")[0].stmt
        return RawStream()(stmt.targetList[0].val)
    except Exception:  # noqa: BLE001
        return " ".join(text.split())


def _key(rv: ast.RangeVar) -> str:
    return f"{rv.schemaname or 'public'}.{rv.relname}"


def _names(node_list) -> list[str]:
    return [getattr(n, "sval", str(n)) for n in (node_list or ())]


# ---------------------------------------------------------------------------
# Statement -> ops
# ---------------------------------------------------------------------------


def _constraint(c: ast.Constraint, table: str, column: Optional[str] = None):
    ct = pg_enums.ConstrType
    if c.contype == ct.CONSTR_FOREIGN:
        cols = _names(c.fk_attrs) or ([column] if column else [])
        return ForeignKey(
            name=c.conname or f"{table}_{'_'.join(cols)}_fkey",
            columns=tuple(cols),
            foreign_schema=c.pktable.schemaname or "public",
            foreign_table=c.pktable.relname,
            foreign_columns=tuple(_names(c.pk_attrs)),
            on_delete=_ACTIONS.get(c.fk_del_action),
            on_update=_ACTIONS.get(c.fk_upd_action),
        )
    if c.contype == ct.CONSTR_UNIQUE:
        cols = _names(c.keys) or ([column] if column else [])
        return UniqueConstraint(
            name=c.conname or f"{table}_{'_'.join(cols)}_key",
            columns=tuple(cols),
            nulls_not_distinct=bool(c.nulls_not_distinct),
            from_column=column is not None,
        )
    if c.contype == ct.CONSTR_CHECK:
        return Check(name=c.conname or f"{table}_{column or ''}_check", expression=expr_text(c.raw_expr))
    if c.contype == ct.CONSTR_PRIMARY:
        cols = _names(c.keys) or ([column] if column else [])
        return PrimaryKey(name=c.conname or f"{table}_pkey", columns=tuple(cols), composite=column is None)
    return None


def _column_def(cd: ast.ColumnDef, table: str) -> tuple[Column, list]:
    ct = pg_enums.ConstrType
    col = Column(name=cd.colname, property="", type=type_text(cd.typeName))
    extra = []
    for c in cd.constraints or ():
        if c.contype == ct.CONSTR_NOTNULL:
            col = dataclasses.replace(col, not_null=True)
        elif c.contype == ct.CONSTR_NULL:
            col = dataclasses.replace(col, not_null=False)
        elif c.contype == ct.CONSTR_DEFAULT:
            col = dataclasses.replace(col, default=expr_text(c.raw_expr))
        elif c.contype == ct.CONSTR_PRIMARY:
            col = dataclasses.replace(col, primary_key=True, not_null=True)
        elif c.contype == ct.CONSTR_IDENTITY:
            opts = {d.defname: d.arg for d in (c.options or ())}
            seq = opts.get("sequence_name")
            seq_names = _names(seq) if seq else []
            col = dataclasses.replace(
                col,
                not_null=True,
                identity=Identity(
                    type="always" if c.generated_when == "a" else "byDefault",
                    name=seq_names[-1] if seq_names else f"{table}_{cd.colname}_seq",
                ),
            )
        elif c.contype == ct.CONSTR_GENERATED:
            col = dataclasses.replace(col, generated=Generated(expression=expr_text(c.raw_expr)))
        else:
            con = _constraint(c, table, cd.colname)
            if isinstance(con, UniqueConstraint):
                col = dataclasses.replace(col, unique=True)
            if con is not None:
                extra.append(con)
    return col, extra


def _create_table(s: ast.CreateStmt) -> CreateTable:
    table = s.relation.relname
    cols: list[Column] = []
    constraints: list = []
    for e in s.tableElts or ():
        if isinstance(e, ast.ColumnDef):
            col, extra = _column_def(e, table)
            cols.append(col)
            constraints.extend(extra)
        elif isinstance(e, ast.Constraint):
            con = _constraint(e, table)
            if con is not None:
                constraints.append(con)
    t = Table(name=table, schema=s.relation.schemaname or "public", columns=tuple(cols))
    for con in constraints:
        t = add_constraint(t, con)
    return CreateTable(t)


def _alter_table(s: ast.AlterTableStmt) -> list:
    at = pg_enums.AlterTableType
    key = _key(s.relation)
    table = s.relation.relname
    ops: list = []
    for cmd in s.cmds or ():
        st = cmd.subtype
        if st == at.AT_AddColumn:
            col, extra = _column_def(cmd.def_, table)
            ops.append(AddColumn(key, col, tuple(extra)))
        elif st == at.AT_DropColumn:
            ops.append(DropColumn(key, cmd.name))
        elif st == at.AT_AlterColumnType:
            ops.append(AlterColumn(key, cmd.name, "type", type_text(cmd.def_.typeName)))
        elif st == at.AT_ColumnDefault:
            ops.append(AlterColumn(key, cmd.name, "default", None if cmd.def_ is None else expr_text(cmd.def_)))
        elif st == at.AT_SetNotNull:
            ops.append(AlterColumn(key, cmd.name, "not_null", True))
        elif st == at.AT_DropNotNull:
            ops.append(AlterColumn(key, cmd.name, "not_null", False))
        elif st == at.AT_DropIdentity:
            ops.append(AlterColumn(key, cmd.name, "identity", None))
        elif st == at.AT_DropExpression:
            ops.append(AlterColumn(key, cmd.name, "generated", None))
        elif st == at.AT_AddConstraint:
            con = _constraint(cmd.def_, table)
            if con is not None:
                ops.append(AddConstraint(key, con))
            else:
                ops.append(Touch(key, "constraint", "constraint added"))
        elif st == at.AT_DropConstraint:
            ops.append(DropConstraint(key, cmd.name))
        elif st in (at.AT_EnableRowSecurity, at.AT_ForceRowSecurity):
            ops.append(SetRls(key, True))
        elif st == at.AT_DisableRowSecurity:
            ops.append(SetRls(key, False))
        else:
            name = st.name.removeprefix("AT_")
            what = f" {cmd.name}" if cmd.name else ""
            ops.append(Touch(key, "alter", f"ALTER TABLE {name}{what}"))
    return ops


def _rename(s: ast.RenameStmt) -> list:
    ot = pg_enums.ObjectType
    if s.renameType == ot.OBJECT_TABLE:
        return [RenameTable(_key(s.relation), s.newname)]
    if s.renameType == ot.OBJECT_COLUMN and s.relation is not None:
        return [RenameColumn(_key(s.relation), s.subname, s.newname)]
    if s.renameType == ot.OBJECT_TABCONSTRAINT and s.relation is not None:
        return [RenameConstraint(_key(s.relation), s.subname, s.newname)]
    if s.renameType == ot.OBJECT_INDEX and s.relation is not None:
        return [RenameIndex(s.relation.schemaname or "public", s.relation.relname, s.newname)]
    if s.renameType == ot.OBJECT_TYPE:
        return [Touch(None, "type", f"type {'.'.join(_names(s.object))} renamed to {s.newname}")]
    return [Touch(None, "other", f"renamed {s.renameType.name.removeprefix('OBJECT_').lower()} to {s.newname}")]


def _index_stmt(s: ast.IndexStmt) -> CreateIndex:
    cols = []
    for p in s.indexParams or ():
        if p.name:
            expr, is_expr = p.name, False
        else:
            expr, is_expr = expr_text(p.expr), True
        asc = p.ordering != pg_enums.SortByDir.SORTBY_DESC
        if p.nulls_ordering == pg_enums.SortByNulls.SORTBY_NULLS_FIRST:
            nulls = "first"
        elif p.nulls_ordering == pg_enums.SortByNulls.SORTBY_NULLS_LAST:
            nulls = "last"
        else:
            nulls = "last" if asc else "first"
        opclass = ".".join(_names(p.opclass)) or None
        cols.append(IndexColumn(expression=expr, is_expression=is_expr, asc=asc, nulls=nulls, opclass=opclass))
    with_ = tuple(sorted((d.defname, expr_text(d.arg) if d.arg is not None else "") for d in (s.options or ())))
    idx = Index(
        name=s.idxname or f"{s.relation.relname}_idx",
        columns=tuple(cols),
        unique=bool(s.unique),
        method=s.accessMethod or "btree",
        where=expr_text(s.whereClause) if s.whereClause is not None else None,
        concurrently=bool(s.concurrent),
        with_=with_,
    )
    return CreateIndex(_key(s.relation), idx)


def _drop(s: ast.DropStmt) -> list:
    ot = pg_enums.ObjectType
    ops: list = []
    for obj in s.objects or ():
        names = _names(obj.names if isinstance(obj, ast.TypeName) else
                       obj.objname if isinstance(obj, ast.ObjectWithArgs) else obj)
        if not names:
            continue
        schema = names[-2] if len(names) > 1 else "public"
        key = f"{schema}.{names[-1]}"
        if s.removeType == ot.OBJECT_TABLE:
            ops.append(DropTable(key))
        elif s.removeType == ot.OBJECT_INDEX:
            ops.append(DropIndex(schema, names[-1]))
        elif s.removeType == ot.OBJECT_TYPE:
            ops.append(DropEnum(key))
        elif s.removeType in (ot.OBJECT_TRIGGER, ot.OBJECT_POLICY, ot.OBJECT_RULE):
            # names: [schema?, table, object]
            tkey = f"{names[-3] if len(names) > 2 else 'public'}.{names[-2]}" if len(names) > 1 else None
            kind = s.removeType.name.removeprefix("OBJECT_").lower()
            obj = HandObject("trigger", names[-1], table=tkey, dropped=True) if kind == "trigger" else None
            ops.append(Touch(tkey, kind, f"{kind} {names[-1]} dropped", obj))
        elif s.removeType in (ot.OBJECT_FUNCTION, ot.OBJECT_PROCEDURE, ot.OBJECT_VIEW, ot.OBJECT_MATVIEW):
            kind = {ot.OBJECT_FUNCTION: "function", ot.OBJECT_PROCEDURE: "function", ot.OBJECT_VIEW: "view",
                    ot.OBJECT_MATVIEW: "materialized view"}[s.removeType]
            ops.append(Touch(None, kind, f"{kind} {'.'.join(names)} dropped",
                             HandObject(kind, key, dropped=True)))
        else:
            kind = s.removeType.name.removeprefix("OBJECT_").lower().replace("_", " ")
            ops.append(Touch(None, kind, f"{kind} {'.'.join(names)} dropped"))
    return ops


def _comment(s: ast.CommentStmt) -> list:
    ot = pg_enums.ObjectType
    names = _names(s.object)
    verb = "removed" if s.comment is None else "set"
    if s.objtype == ot.OBJECT_TABLE and names:
        key = f"{names[-2] if len(names) > 1 else 'public'}.{names[-1]}"
        return [Touch(key, "comment", f"comment on table {verb}")]
    if s.objtype == ot.OBJECT_COLUMN and len(names) >= 2:
        key = f"{names[-3] if len(names) > 2 else 'public'}.{names[-2]}"
        return [Touch(key, "comment", f"comment on column {names[-1]} {verb}")]
    kind = s.objtype.name.removeprefix("OBJECT_").lower()
    return [Touch(None, "comment", f"comment on {kind} {'.'.join(names)} {verb}")]


# ---------------------------------------------------------------------------
# Triggers, functions and views written by hand: what they are and which tables they use
# ---------------------------------------------------------------------------

_TIMING = {2: "BEFORE", 64: "INSTEAD OF"}
_EVENTS = ((4, "INSERT"), (16, "UPDATE"), (8, "DELETE"), (32, "TRUNCATE"))


def _relations(node, ctes: frozenset = frozenset()) -> set[str]:
    """The table keys a parsed query (or any node) names in its FROM, JOIN, INSERT, UPDATE, DELETE."""
    found: set[str] = set()
    stack = [node]
    names = set(ctes)
    while stack:
        n = stack.pop()
        if isinstance(n, (tuple, list)):
            stack.extend(n)
        elif isinstance(n, ast.Node):
            if isinstance(n, ast.CommonTableExpr) and n.ctename:
                names.add(n.ctename)
            if isinstance(n, ast.RangeVar):
                if n.schemaname or n.relname not in names:
                    found.add(_key(n))
                continue
            for attr in n.__slots__:
                v = getattr(n, attr, None)
                if isinstance(v, (ast.Node, tuple, list)):
                    stack.append(v)
    return {k for k in found if k.split(".", 1)[1] not in names}


def _trigger(stmt) -> HandObject:
    events = " OR ".join(word for bit, word in _EVENTS if (stmt.events or 0) & bit)
    when = _TIMING.get(stmt.timing or 0, "AFTER")
    fn = ".".join(_names(stmt.funcname))
    detail = f"{when} {events} FOR EACH {'ROW' if stmt.row else 'STATEMENT'}"
    return HandObject("trigger", stmt.trigname, table=_key(stmt.relation), detail=detail,
                      refs=(fn if "." in fn else f"public.{fn}",))


def _function(stmt) -> HandObject:
    names = _names(stmt.funcname)
    key = ".".join(names) if len(names) > 1 else f"public.{names[0]}"
    language, body = "sql", ""
    for o in stmt.options or ():
        if o.defname == "language":
            language = getattr(o.arg, "sval", str(o.arg))
        elif o.defname == "as" and o.arg:
            body = getattr(o.arg[0], "sval", "") if isinstance(o.arg, tuple) else getattr(o.arg, "sval", "")
    refs: set[str] = set()
    try:
        ret = _names(stmt.returnType.names)[-1:] if stmt.returnType is not None else []
        returns = "trigger" if ret == ["trigger"] else "void" if ret in ([], ["void"]) else "text"
        queries = _plpgsql_queries(body, returns) if language == "plpgsql" else [body] if language == "sql" else []
        for q in queries:
            for raw in pglast.parse_sql(q):
                refs |= _relations(raw.stmt)
    except Exception:  # a body pglast cannot read: the function is still listed, its tables unknown
        refs = set()
    if stmt.sql_body is not None:  # BEGIN ATOMIC ... END
        refs |= _relations(stmt.sql_body)
    return HandObject("function", key, detail=f"LANGUAGE {language}", refs=tuple(sorted(refs)))


def _plpgsql_queries(body: str, returns: str = "void") -> list[str]:
    """The SQL statements inside a DO block's (or a function's) PL/pgSQL body (pglast's PL/pgSQL parser)."""
    tag = "$drizzle_doc$"
    refused = prescan(body)
    if refused is not None:
        raise ValueError(f"its DO block is {refused[1]}")
    tree = pglast.parse_plpgsql(
        f"CREATE FUNCTION drizzle_doc_do() RETURNS {returns} AS {tag}{body}{tag} LANGUAGE plpgsql"
    )
    found: list[str] = []

    def walk(node):
        if isinstance(node, dict):
            for k, v in node.items():
                if k == "PLpgSQL_stmt_execsql":
                    q = v.get("sqlstmt", {}).get("PLpgSQL_expr", {}).get("query")
                    if q:
                        found.append(q)
                else:
                    walk(v)
        elif isinstance(node, list):
            for v in node:
                walk(v)

    walk(tree)
    return found


def statement_ops(stmt) -> list:
    """One parsed statement -> its operations (unknown statements become a :class:`Touch`)."""
    ot = pg_enums.ObjectType
    if isinstance(stmt, ast.CreateStmt):
        return [_create_table(stmt)]
    if isinstance(stmt, ast.AlterTableStmt):
        if stmt.objtype in (ot.OBJECT_TABLE, None):
            return _alter_table(stmt)
        if stmt.objtype == ot.OBJECT_INDEX:
            return [Touch(None, "index", f"index {stmt.relation.relname} altered")]
        return [Touch(None, "other", f"ALTER {stmt.objtype.name.removeprefix('OBJECT_')} {stmt.relation.relname}")]
    if isinstance(stmt, ast.RenameStmt):
        return _rename(stmt)
    if isinstance(stmt, ast.AlterObjectSchemaStmt):
        if stmt.objectType == ot.OBJECT_TABLE and stmt.relation is not None:
            return [SetTableSchema(_key(stmt.relation), stmt.newschema)]
        return [Touch(None, "other", f"moved {stmt.objectType.name.removeprefix('OBJECT_').lower()} "
                                     f"to schema {stmt.newschema}")]
    if isinstance(stmt, ast.IndexStmt):
        return [_index_stmt(stmt)]
    if isinstance(stmt, ast.DropStmt):
        return _drop(stmt)
    if isinstance(stmt, ast.CreateEnumStmt):
        names = _names(stmt.typeName)
        schema = names[-2] if len(names) > 1 else "public"
        return [CreateEnum(Enum(name=names[-1], schema=schema, values=tuple(_names(stmt.vals))))]
    if isinstance(stmt, ast.AlterEnumStmt):
        names = _names(stmt.typeName)
        key = f"{names[-2] if len(names) > 1 else 'public'}.{names[-1]}"
        if stmt.newVal and not stmt.oldVal:
            return [AddEnumValue(key, stmt.newVal, stmt.newValNeighbor, bool(stmt.newValIsAfter))]
        return [Touch(None, "enum", f"enum {key} value {stmt.oldVal} renamed to {stmt.newVal}")]
    if isinstance(stmt, ast.CreateTrigStmt):
        return [Touch(_key(stmt.relation), "trigger", f"trigger {stmt.trigname} created", _trigger(stmt))]
    if isinstance(stmt, ast.CommentStmt):
        return _comment(stmt)
    if isinstance(stmt, (ast.UpdateStmt, ast.InsertStmt, ast.DeleteStmt)):
        verb = {"UpdateStmt": "UPDATE", "InsertStmt": "INSERT", "DeleteStmt": "DELETE"}[type(stmt).__name__]
        return [Touch(_key(stmt.relation), "data", f"data fix ({verb})")]
    if isinstance(stmt, ast.CreatePolicyStmt):
        return [Touch(_key(stmt.table), "policy", f"policy {stmt.policy_name} created")]
    if isinstance(stmt, ast.AlterPolicyStmt):
        return [Touch(_key(stmt.table), "policy", f"policy {stmt.policy_name} altered")]
    if isinstance(stmt, ast.CreateFunctionStmt):
        return [Touch(None, "function", f"function {'.'.join(_names(stmt.funcname))} created", _function(stmt))]
    if isinstance(stmt, ast.ViewStmt):
        obj = HandObject("view", _key(stmt.view), refs=tuple(sorted(_relations(stmt.query) - {_key(stmt.view)})))
        return [Touch(None, "view", f"view {stmt.view.relname} created", obj)]
    if isinstance(stmt, ast.CreateTableAsStmt) and stmt.objtype == pg_enums.ObjectType.OBJECT_MATVIEW:
        key = _key(stmt.into.rel)
        obj = HandObject("materialized view", key, refs=tuple(sorted(_relations(stmt.query) - {key})))
        return [Touch(None, "materialized view", f"materialized view {stmt.into.rel.relname} created", obj)]
    if isinstance(stmt, ast.CreateSeqStmt):
        return [Touch(None, "sequence", f"sequence {stmt.sequence.relname} created")]
    if isinstance(stmt, ast.CreateSchemaStmt):
        return [Touch(None, "schema", f"schema {stmt.schemaname} created")]
    if isinstance(stmt, ast.GrantStmt):
        return [Touch(None, "grant", "privileges changed")]
    if isinstance(stmt, ast.DoStmt):
        ops: list = []
        for d in stmt.args or ():
            if d.defname == "as":
                for q in _plpgsql_queries(d.arg.sval):
                    refused = prescan(q)
                    if refused is not None:
                        raise ValueError(f"a statement in its DO block is {refused[1]}")
                    for raw in pglast.parse_sql(q):
                        ops.extend(statement_ops(raw.stmt))
        return ops or [Touch(None, "do", "DO block")]
    name = type(stmt).__name__.removesuffix("Stmt")
    return [Touch(None, "other", f"{name} statement")]


def _line_of(text: str, offset: int, newlines: Optional[list] = None) -> int:
    if newlines is not None:
        return bisect.bisect_left(newlines, offset) + 1
    return text.count("\n", 0, offset) + 1


_NEWLINE = re.compile("\n")
_NAME = r'(?:"([^"]+)"|(\w+))'
_KEY = _NAME + r"(?:\." + _NAME + r")?"
# drizzle-kit's own spellings of statements that add nothing its snapshot does not say:
_CREATE_TABLE = re.compile(r"\s*CREATE\s+TABLE\s+(?:IF\s+NOT\s+EXISTS\s+)?" + _KEY, re.I)
_CREATE_INDEX = re.compile(r"\s*CREATE\s+(?:UNIQUE\s+)?INDEX\s+(?:CONCURRENTLY\s+)?(?:IF\s+NOT\s+EXISTS\s+)?"
                           + _NAME + r"\s+ON\s+(?:ONLY\s+)?" + _KEY, re.I)
_ADD_FOREIGN_KEY = re.compile(  # one constraint, nothing after it: the whole statement
    r"\s*ALTER\s+TABLE\s+(?:ONLY\s+)?" + _KEY + r"\s+ADD\s+CONSTRAINT\s+" + _NAME
    + r'\s+FOREIGN\s+KEY\s*\([^()]*\)\s*REFERENCES\s+(?:"[^"]+"|\w+)(?:\.(?:"[^"]+"|\w+))?\s*\([^()]*\)'
    r"(?:\s+ON\s+(?:DELETE|UPDATE)\s+(?:NO\s+ACTION|SET\s+NULL|SET\s+DEFAULT|\w+))*\s*;?\s*\Z", re.I)
_CREATE_ENUM = re.compile(r"\s*CREATE\s+TYPE\s+" + _KEY + r"\s+AS\s+ENUM\b", re.I)


def _key_of(m: re.Match, i: int) -> str:
    """``schema.name`` from the two name groups starting at group ``i`` (``public`` when unqualified)."""
    first, second = m.group(i) or m.group(i + 1), m.group(i + 2) or m.group(i + 3)
    return f"{first}.{second}" if second else f"public.{first}"


def _described(chunk: str, snapshot: Schema) -> bool:
    """``chunk`` is one statement in drizzle-kit's spelling that only creates something
    ``snapshot`` already holds (a table, one of its indexes or foreign keys, an enum)."""
    body = chunk.rstrip()
    if ";" in body.rstrip(";"):
        return False  # more than one statement (or a literal with a semicolon): parse it
    head = body.lstrip()[:12].upper()
    if head.startswith("CREATE TABLE"):
        m = _CREATE_TABLE.match(body)
        return m is not None and _key_of(m, 1) in snapshot.tables_by_key()
    if head.startswith("CREATE"):
        m = _CREATE_INDEX.match(body)
        if m is not None:
            t = snapshot.tables_by_key().get(_key_of(m, 3))
            name = m.group(1) or m.group(2)
            return t is not None and any(ix.name == name for ix in t.indexes)
        m = _CREATE_ENUM.match(body)
        return m is not None and snapshot.enum(_key_of(m, 1)) is not None
    if head.startswith("ALTER TABLE"):
        m = _ADD_FOREIGN_KEY.match(body)
        if m is None:
            return False
        t = snapshot.tables_by_key().get(_key_of(m, 1))
        name = m.group(5) or m.group(6)
        return t is not None and any(fk.name == name for fk in t.foreign_keys)
    return False


def parse_migration(text: str, file: str, snapshot: Optional[Schema] = None
                    ) -> tuple[tuple[Statement, ...], tuple[Diagnostic, ...]]:
    """Split a migration on breakpoints, parse each chunk; a chunk that does not parse is a
    diagnostic (file, line, statement number) and is skipped.

    ``snapshot`` is the migration's own snapshot: a statement in drizzle-kit's spelling
    that only creates what the snapshot holds (a table, an index, a foreign key, an enum)
    says nothing more, so it is listed without operations and not parsed (parsing is
    most of the cost on large histories)."""
    statements: list[Statement] = []
    diags: list[Diagnostic] = []
    offset = 0
    number = 0
    newlines = [m.start() for m in _NEWLINE.finditer(text)] if len(text) > 4096 else None
    _line = lambda off: _line_of(text, off, newlines)  # noqa: E731
    for chunk in text.split(BREAKPOINT):
        start = offset
        offset += len(chunk) + len(BREAKPOINT)
        if not chunk.strip():
            continue
        lead = len(chunk) - len(chunk.lstrip())
        refused = prescan(chunk)
        if refused is not None:
            number += 1
            diags.append(Diagnostic(ERROR, file, _line(start + max(refused[0], lead)),
                                    f"statement {number} not parsed: {refused[1]}", code="migration-sql"))
            continue
        if snapshot is not None and _described(chunk, snapshot):
            number += 1
            statements.append(Statement(number=number, line=_line(start + lead), ops=()))
            continue
        try:
            raws = pglast.parse_sql(chunk)
        except pglast.parser.ParseError as exc:
            number += 1
            where = start + lead
            loc = getattr(exc, "location", None)
            line = _line(start + loc) if isinstance(loc, int) and loc >= 0 else _line(where)
            diags.append(Diagnostic(ERROR, file, line, f"statement {number} does not parse: {snippet(str(exc.args[0]))}",
                                    code="migration-sql"))
            continue
        for raw in raws:
            number += 1
            loc = start + (raw.stmt_location or 0)
            # skip leading whitespace/comments so the line points at the statement itself
            body = text[loc: loc + (raw.stmt_len or len(text))]
            loc += len(body) - len(body.lstrip())
            try:
                ops = tuple(statement_ops(raw.stmt))
            except Exception as exc:  # noqa: BLE001 - a statement we cannot read is a diagnostic
                diags.append(Diagnostic(ERROR, file, _line(loc),
                                        f"statement {number} could not be read: {snippet(str(exc))}", code="migration-sql"))
                continue
            statements.append(Statement(number=number, line=_line(loc), ops=ops))
    return tuple(statements), tuple(diags)
