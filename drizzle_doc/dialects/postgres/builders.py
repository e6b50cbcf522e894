"""drizzle-orm/pg-core, re-told statically: the SQL type of every column builder and the package's members.

The machinery they share with every dialect (column, table, index and constraint builders, the
``sql`` tag, relations) is :mod:`drizzle_doc.drizzle.core`.  Source: drizzle-orm 0.45 ``pg-core``.
"""

from __future__ import annotations

from typing import Any

from drizzle_doc.model import ERROR, WARNING
from drizzle_doc.drizzle.partial import builder_unknowns
from drizzle_doc.drizzle.core import (
    ColumnBuilder,
    RoleValue,
    SchemaValue,
    ViewBuilder,
    casing_arg,
    casing_namespace,
    name_and_config,
    config_option,
    constraint_natives,
    policy_builder,
    static_text,
    table_creator,
    make_enum,
    make_sequence,
    make_table,
    orm_natives,
    package_lookup,
)
from drizzle_doc.ts.values import UNDEFINED, Call, JSObject, Namespace, Native, Unknown

def _type_fn(name: str, cfg: JSObject) -> Any:
    """getSQLType() of each pg-core builder, from its config."""
    if name in ("varchar", "char"):
        length = config_option(cfg, "length")
        return name if length is UNDEFINED else f"{name}({static_text(length)})"
    if name in ("numeric", "decimal"):
        p, s = config_option(cfg, "precision"), config_option(cfg, "scale")
        if p is not UNDEFINED and s is not UNDEFINED:
            return f"numeric({static_text(p)}, {static_text(s)})"
        if p is UNDEFINED:
            return "numeric"
        return f"numeric({static_text(p)})"
    if name == "timestamp":
        p = config_option(cfg, "precision")
        # drizzle-orm's PgTimestamp spells " (3)", its string-mode twin "(3)"
        space = "" if config_option(cfg, "mode") == "string" else " "
        precision = "" if p is UNDEFINED else f"{space}({static_text(p)})"
        return f"timestamp{precision}{' with time zone' if config_option(cfg, 'withTimezone') is True else ''}"
    if name == "time":
        p = config_option(cfg, "precision")
        precision = "" if p is UNDEFINED else f"({static_text(p)})"
        return f"time{precision}{' with time zone' if config_option(cfg, 'withTimezone') is True else ''}"
    if name == "interval":
        fields = config_option(cfg, "fields")
        p = config_option(cfg, "precision")
        return f"interval{(' ' + static_text(fields)) if fields not in (UNDEFINED, None, '') else ''}{('(' + static_text(p) + ')') if p not in (UNDEFINED, None, 0) else ''}"
    if name in ("vector", "halfvec", "sparsevec", "bit"):
        return f"{name}({static_text(config_option(cfg, 'dimensions'))})"
    if name == "geometry":
        return "geometry(point)"
    if name == "doublePrecision":
        return "double precision"
    if name == "text" or name in SIMPLE_TYPES:
        return SIMPLE_TYPES.get(name, name)
    return Unknown(f"unknown builder {name}")


SIMPLE_TYPES = {
    "integer": "integer", "smallint": "smallint", "bigint": "bigint", "serial": "serial",
    "smallserial": "smallserial", "bigserial": "bigserial", "text": "text", "real": "real",
    "boolean": "boolean", "json": "json", "jsonb": "jsonb", "uuid": "uuid", "date": "date",
    "inet": "inet", "cidr": "cidr", "macaddr": "macaddr", "macaddr8": "macaddr8",
    "point": "point", "line": "line",
}
COLUMN_BUILDERS = sorted(set(SIMPLE_TYPES) | {
    "varchar", "char", "numeric", "decimal", "timestamp", "time", "interval", "vector",
    "halfvec", "sparsevec", "bit", "geometry", "doublePrecision",
})
_COLUMN_TYPE_FAMILY = {"integer": "integer", "serial": "integer", "smallint": "smallint", "smallserial": "smallint", "bigint": "bigint", "bigserial": "bigint"}


def _type_variants(name: str, cfg: JSObject) -> dict:
    """The type where a drizzle-kit generation spells it otherwise: drizzle-orm 1.0's geometry
    carries its srid (``geometry(point,4326)``), 0.x's does not."""
    if name == "geometry":
        srid = config_option(cfg, "srid")
        if isinstance(srid, (int, float)) and not isinstance(srid, bool):
            return {"1": f"geometry(point,{static_text(srid)})"}
    return {}


def column_builder_native(name: str) -> Native:
    column_type = _COLUMN_TYPE_FAMILY.get(name, name)
    serial = name in ("serial", "smallserial", "bigserial")
    # the SQL type of a simple builder does not depend on its config (see _type_fn)
    fixed_type = SIMPLE_TYPES.get(name, name) if name == "text" or name in SIMPLE_TYPES else None

    def build(ev, args, call: Call):
        col_name, cfg = name_and_config(args)
        problems = []
        unknown = builder_unknowns(col_name, cfg, fixed_type is None)
        if not isinstance(col_name, str):
            problems.append((WARNING if isinstance(col_name, Unknown) else ERROR, call.site,  # unknown: marked
                             f"column name given to {name}() is not static"))
            col_name = ""
        base = fixed_type if fixed_type is not None else _type_fn(name, cfg)
        mode = config_option(cfg, "mode")
        b = ColumnBuilder(builder=name, name=col_name, base_type=base, column_type=column_type,
                          mode=mode if isinstance(mode, str) else None, site=call.lazy_site, problems=problems,
                          type_variants=_type_variants(name, cfg), unknown=unknown)
        if serial:
            b.not_null = True
            b.has_default = True
        return b

    return Native(name, build)



def _pg_schema(ev, a, c):
    if a and isinstance(a[0], str):
        return SchemaValue(a[0], PG_CORE_BUILDERS, casing_arg(a, 1))
    return Unknown("dynamic schema name", c.site)


def _pg_core_members() -> dict[str, Any]:
    members: dict[str, Any] = {name: column_builder_native(name) for name in COLUMN_BUILDERS}
    members.update(
        {
            "pgTable": Native("pgTable", lambda ev, a, c: make_table(ev, a, c, None, PG_CORE_BUILDERS)),
            "pgTableCreator": Native("pgTableCreator", lambda ev, a, c: table_creator(PG_CORE_BUILDERS)(ev, a, c)),
            "pgSchema": Native("pgSchema", _pg_schema),
            "pgEnum": Native("pgEnum", lambda ev, a, c: make_enum(ev, a, c, None)),
            "pgSequence": Native("pgSequence", lambda ev, a, c: make_sequence(ev, a, c, None)),
            "pgRole": Native("pgRole", lambda ev, a, c: RoleValue(a[0]) if a and isinstance(a[0], str) else Unknown("role", c.site)),
            "pgPolicy": Native("pgPolicy", policy_builder),
            "pgView": Native("pgView", lambda ev, a, c: ViewBuilder(a[0] if a else UNDEFINED, None, False, a[1] if len(a) > 1 else UNDEFINED, c.site)),
            "pgMaterializedView": Native("pgMaterializedView", lambda ev, a, c: ViewBuilder(a[0] if a else UNDEFINED, None, True, a[1] if len(a) > 1 else UNDEFINED, c.site)),
        }
    )
    members.update(constraint_natives())
    return members


PG_CORE = _pg_core_members()
PG_CORE_BUILDERS = JSObject({name: PG_CORE[name] for name in COLUMN_BUILDERS})
for _prefix, _casing in (("snakeCase", "snake_case"), ("camelCase", "camelCase")):  # drizzle-orm 1.0
    PG_CORE[_prefix] = casing_namespace(_prefix, _casing, PG_CORE_BUILDERS, _pg_schema)


def natives() -> dict[str, Namespace]:
    """The packages a PostgreSQL schema imports, as the evaluator's native namespaces."""
    package = "drizzle-orm/pg-core"
    return {package: Namespace(package, package_lookup(package, PG_CORE)), **orm_natives()}
