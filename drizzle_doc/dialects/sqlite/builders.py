"""drizzle-orm/sqlite-core, re-told statically: the SQL type of every column builder and the package's members.

The machinery shared with every dialect (columns, tables, indexes, constraints, the ``sql`` tag,
relations) is :mod:`drizzle_doc.drizzle.core`.  Source: drizzle-orm 0.45 ``sqlite-core``
(``columns/{integer,text,real,numeric,blob,custom}.js``): every builder's ``getSQLType()`` is
fixed but ``text``'s (``text(255)`` with a ``length``).
"""

from __future__ import annotations

from typing import Any

from drizzle_doc.drizzle.core import (
    ColumnBuilder,
    ViewBuilder,
    casing_namespace,
    config_option,
    constraint_natives,
    package_lookup,
    custom_type,
    make_table,
    name_and_config,
    orm_natives,
    static_text,
    table_creator,
)
from drizzle_doc.model import ERROR
from drizzle_doc.ts.values import UNDEFINED, Call, JSObject, Namespace, Native, Unknown

#: integer({ mode: "timestamp" | "timestamp_ms" }).defaultNow(): drizzle-orm's deprecated default
NOW_MS = "(cast((julianday('now') - 2440587.5)*86400000 as integer))"

#: builder -> its SQL type (``text`` may add a length); ``int`` is sqlite-core's alias of ``integer``
TYPES = {"integer": "integer", "int": "integer", "text": "text", "real": "real", "numeric": "numeric", "blob": "blob"}


def column_builder_native(name: str) -> Native:
    sql_type = TYPES[name]

    def build(ev, args, call: Call):
        col_name, cfg = name_and_config(args)
        problems = []
        if not isinstance(col_name, str):
            problems.append((ERROR, call.site, f"column name given to {name}() is not static"))
            col_name = ""
        base: Any = sql_type
        if sql_type == "text":
            length = config_option(cfg, "length")
            if length not in (UNDEFINED, None, 0, ""):
                base = f"text({static_text(length)})"
        mode = config_option(cfg, "mode")
        b = ColumnBuilder(builder=name, name=col_name, base_type=base, column_type=sql_type,
                          mode=mode if isinstance(mode, str) else None, site=call.lazy_site, problems=problems)
        if sql_type == "integer" and mode in ("timestamp", "timestamp_ms"):
            b.now_sql = NOW_MS
        values = config_option(cfg, "enum")
        if sql_type == "text" and isinstance(values, list):
            if all(isinstance(v, str) for v in values):
                b.text_enum = tuple(values)
            else:
                problems.append((ERROR, call.site, f"enum values of {name}() are not static strings"))
        return b

    return Native(name, build)


def _view(ev, args, call):
    return ViewBuilder(args[0] if args else UNDEFINED, None, False, args[1] if len(args) > 1 else UNDEFINED, call.site)


def _members() -> dict[str, Any]:
    members: dict[str, Any] = {name: column_builder_native(name) for name in TYPES}
    builders = JSObject({name: members[name] for name in TYPES})
    builders.props["customType"] = Native("customType", custom_type)
    members.update(
        {
            "sqliteTable": Native("sqliteTable", lambda ev, a, c: make_table(ev, a, c, None, builders)),
            "sqliteTableCreator": Native("sqliteTableCreator", lambda ev, a, c: table_creator(builders, "sqliteTableCreator()")(ev, a, c)),
            "sqliteView": Native("sqliteView", _view),
            "view": Native("view", _view),
        }
    )
    members.update(constraint_natives())
    for prefix, casing in (("snakeCase", "snake_case"), ("camelCase", "camelCase")):  # drizzle-orm 1.0
        members[prefix] = casing_namespace(prefix, casing, builders, _no_schema)
    return members


def _no_schema(ev, args, call):
    return Unknown("sqlite-core has no schemas", call.site)


SQLITE_CORE = _members()


_lookup = package_lookup("drizzle-orm/sqlite-core", SQLITE_CORE)


def natives() -> dict[str, Namespace]:
    """The packages a SQLite schema imports, as the evaluator's native namespaces."""
    return {"drizzle-orm/sqlite-core": Namespace("drizzle-orm/sqlite-core", _lookup), **orm_natives()}
