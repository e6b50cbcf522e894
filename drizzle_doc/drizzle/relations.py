"""drizzle-orm's relations, re-told statically: ``relations(table, ({ one, many }) => …)`` and
``defineRelations(schema, (r) => …)`` as values the builder turns into model relations."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from drizzle_doc.ts.values import (
    UNDEFINED,
    JSObject,
    Namespace,
    Native,
    Site,
)
from drizzle_doc.drizzle.core import ColumnRef, TableValue



@dataclass(eq=False)
class RelationSpec:
    kind: str  # "one" | "many"
    target: Any  # TableValue (relations) or table key (defineRelations)
    config: Any  # JSObject or UNDEFINED
    site: Site


@dataclass(eq=False)
class RelationsValue:
    table: Any
    fn: Any
    site: Site
    variable: str = ""


@dataclass(eq=False)
class DefineRelationsValue:
    tables: Any  # JSObject of key -> TableValue
    fn: Any
    site: Site
    variable: str = ""


def relations(ev, args, call):
    return RelationsValue(args[0] if args else UNDEFINED, args[1] if len(args) > 1 else UNDEFINED, call.site)


def define_relations(ev, args, call):
    return DefineRelationsValue(args[0] if args else UNDEFINED, args[1] if len(args) > 1 else UNDEFINED, call.site)


RELATION_HELPERS = JSObject(
    {
        "one": Native("one", lambda ev, a, c: RelationSpec("one", a[0] if a else UNDEFINED, a[1] if len(a) > 1 else UNDEFINED, c.site)),
        "many": Native("many", lambda ev, a, c: RelationSpec("many", a[0] if a else UNDEFINED, a[1] if len(a) > 1 else UNDEFINED, c.site)),
    }
)


def relations_helper_v2(tables: JSObject) -> JSObject:
    """The ``r`` of ``defineRelations(schema, (r) => …)``."""

    def kind_ns(kind):
        def member(key):
            if key not in tables.props:
                return UNDEFINED
            return Native(f"r.{kind}.{key}", lambda ev, a, c: RelationSpec(kind, key, a[0] if a else UNDEFINED, c.site))
        return Namespace(f"r.{kind}", member)

    r = JSObject({"one": kind_ns("one"), "many": kind_ns("many")})
    for key, table in tables.props.items():
        if isinstance(table, TableValue):
            r.props[key] = JSObject({prop: ColumnRef(table, prop) for prop in table.columns.props})
    return r
