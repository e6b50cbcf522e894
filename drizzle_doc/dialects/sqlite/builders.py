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
    check_builder,
    config_option,
    custom_type,
    foreign_key_builder,
    index_builder,
    make_table,
    name_and_config,
    orm_natives,
    primary_key_builder,
    static_text,
    table_creator,
    unique_builder,
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
            "customType": Native("customType", custom_type),
            "index": Native("index", index_builder(False)),
            "uniqueIndex": Native("uniqueIndex", index_builder(True)),
            "primaryKey": Native("primaryKey", primary_key_builder),
            "foreignKey": Native("foreignKey", foreign_key_builder),
            "unique": Native("unique", unique_builder),
            "check": Native("check", check_builder),
        }
    )
    return members


SQLITE_CORE = _members()


def _lookup(name: str) -> Any:
    if name in SQLITE_CORE:
        return SQLITE_CORE[name]
    if name[:1].isupper() or name.startswith("Any"):
        return Unknown(f"`{name}` from drizzle-orm/sqlite-core is a type, not a value")
    return Native(name, lambda ev, a, c: Unknown(f"`{name}` from drizzle-orm/sqlite-core is not known to drizzle-doc", c.site))


def natives() -> dict[str, Namespace]:
    """The packages a SQLite schema imports, as the evaluator's native namespaces."""
    return {"drizzle-orm/sqlite-core": Namespace("drizzle-orm/sqlite-core", _lookup), **orm_natives()}
