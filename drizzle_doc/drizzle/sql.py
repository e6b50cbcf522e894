"""drizzle-orm's ``sql`` template tag (``sql.raw``, ``sql.identifier``, ``sql.join``, …) and its
operators (``eq``, ``and``, ``inArray``, …), re-told statically: what a default, a check, an index
expression or a view's query holds, as chunks of SQL text and values.  The builders of
:mod:`drizzle_doc.drizzle.core` use it; :mod:`drizzle_doc.drizzle.build` prints it."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from drizzle_doc.ts.values import UNDEFINED, Call, Native, Site, Unknown




@dataclass(eq=False)
class SQLValue:
    """A drizzle ``SQL`` object: raw strings interleaved with columns, tables, params, nested SQL."""

    chunks: list  # items: ("raw", str) | ("value", Any)

    def js_member(self, ev, name: str, site: Site) -> Any:
        if name in ("mapWith", "inlineParams", "as", "append"):
            if name == "append":
                return Native("sql.append", lambda ev, a, c: SQLValue(self.chunks + [("value", a[0])] if a else self.chunks))
            return Native(f"sql.{name}", lambda ev, a, c: self)
        return Unknown(f"sql.{name} is not known statically", site)


@dataclass(eq=False)
class RawSQL:
    text: str


@dataclass(eq=False)
class SQLName:
    value: str


def _sql_tag(ev, args, call: Call) -> Any:
    parts = args[0] if args else None
    if not hasattr(parts, "strings"):  # sql("x") or a syntax error: not a tagged template
        return Unknown("`sql` used without a template literal", call.site)
    chunks: list = []
    for i, s in enumerate(parts.strings):
        if s:
            chunks.append(("raw", s))
        if i < len(parts.values):
            chunks.append(("value", parts.values[i]))
    return SQLValue(chunks)


_sql_tag.is_tag = True


def _sql_member(ev, name: str, site: Site) -> Any:
    if name == "raw":
        return Native("sql.raw", lambda ev, a, c: SQLValue([("value", RawSQL(a[0]))]) if a and isinstance(a[0], str) else Unknown("sql.raw of a value that is not static", c.site))
    if name == "identifier":
        return Native("sql.identifier", lambda ev, a, c: SQLValue([("value", SQLName(a[0]))]) if a and isinstance(a[0], str) else Unknown("sql.identifier", c.site))
    if name == "join":
        def join(ev, a, c):
            items = a[0] if a else []
            sep = a[1] if len(a) > 1 else UNDEFINED
            if not isinstance(items, list):
                return Unknown("sql.join of a value that is not static", c.site)
            chunks: list = []
            for i, item in enumerate(items):
                if i and sep is not UNDEFINED:
                    chunks.append(("value", sep))
                chunks.append(("value", item))
            return SQLValue(chunks)
        return Native("sql.join", join)
    if name in ("empty",):
        return Native("sql.empty", lambda ev, a, c: SQLValue([]))
    if name == "placeholder":
        return Native("sql.placeholder", lambda ev, a, c: Unknown("placeholder", c.site))
    return Unknown(f"sql.{name} is not known statically", site)


class _SqlTagNative(Native):
    def js_member(self, ev, name: str, site: Site) -> Any:
        return _sql_member(ev, name, site)


SQL_TAG = _SqlTagNative("sql", _sql_tag)


def _op(template: list):
    """drizzle-orm's comparison helpers (eq, isNull, and …) as SQL templates."""

    def fn(ev, args, call):
        chunks: list = []
        for part in template:
            if isinstance(part, str):
                chunks.append(("raw", part))
            else:
                value = args[part] if part < len(args) else UNDEFINED
                chunks.append(("value", value))
        return SQLValue(chunks)

    return fn


def _logical(word: str):
    def fn(ev, args, call):
        conds = [a for a in args if a is not UNDEFINED]
        if not conds:
            return UNDEFINED
        if len(conds) == 1:
            return SQLValue([("value", conds[0])])
        chunks: list = [("raw", "(")]
        for i, c in enumerate(conds):
            if i:
                chunks.append(("raw", f" {word} "))
            chunks.append(("value", c))
        chunks.append(("raw", ")"))
        return SQLValue(chunks)

    return fn


DRIZZLE_OPERATORS = {
    "eq": [0, " = ", 1],
    "ne": [0, " <> ", 1],
    "gt": [0, " > ", 1],
    "gte": [0, " >= ", 1],
    "lt": [0, " < ", 1],
    "lte": [0, " <= ", 1],
    "isNull": [0, " is null"],
    "isNotNull": [0, " is not null"],
    "not": ["not ", 0],
    "like": [0, " like ", 1],
    "ilike": [0, " ilike ", 1],
    "notLike": [0, " not like ", 1],
    "notIlike": [0, " not ilike ", 1],
    "inArray": [0, " in ", 1],
    "notInArray": [0, " not in ", 1],
    "between": [0, " between ", 1, " and ", 2],
    "exists": ["exists ", 0],
}


def operator_members() -> dict[str, Native]:
    """drizzle-orm's operators as the evaluator's natives: ``and``, ``or``, then ``eq``, ``inArray``, …"""
    members: dict[str, Native] = {"and": Native("and", _logical("and")), "or": Native("or", _logical("or"))}
    for name, template in DRIZZLE_OPERATORS.items():
        members[name] = Native(name, _op(template))
    return members
