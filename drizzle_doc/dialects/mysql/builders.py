"""drizzle-orm/mysql-core, re-told statically: the SQL type of every column builder and the package's members.

The machinery shared with every dialect (tables, constraints, the ``sql`` tag, relations) is
:mod:`drizzle_doc.drizzle.core`; what mysql-core adds is here: ``getSQLType()`` of each builder
(``int unsigned``, ``decimal(12,2)``, ``enum('a','b')``, ``datetime(3)``), the column methods
``.autoincrement()`` and ``.onUpdateNow()``, ``generatedAlwaysAs``' ``virtual`` default and the
index options ``.using`` / ``.algorithm`` / ``.lock``.  Source: drizzle-orm 0.45 ``mysql-core``.
"""

from __future__ import annotations

import re

from functools import partial
from typing import Any

from drizzle_doc.drizzle.core import (
    _COLUMN_METHODS,
    ColumnBuilder,
    IndexBuilder,
    SchemaValue,
    casing_arg,
    casing_namespace,
    ViewBuilder,
    chained,
    check_builder,
    config_option,
    custom_type,
    foreign_key_builder,
    make_table,
    name_and_config,
    orm_natives,
    package_lookup,
    primary_key_builder,
    static_text,
    table_creator,
    unique_builder,
)
from drizzle_doc.model import ERROR, WARNING
from drizzle_doc.ts.values import METHOD_TABLES, UNDEFINED, Call, JSObject, Namespace, Native, Site, Unknown

INT_BUILDERS = ("int", "tinyint", "smallint", "mediumint", "bigint")
FLOAT_BUILDERS = ("double", "float")
TEXT_BUILDERS = ("text", "tinytext", "mediumtext", "longtext")
SIMPLE_TYPES = {"serial": "serial", "json": "json", "boolean": "boolean", "date": "date", "year": "year",
                **{name: name for name in TEXT_BUILDERS}}
COLUMN_BUILDERS = sorted(set(SIMPLE_TYPES) | set(INT_BUILDERS) | set(FLOAT_BUILDERS) | {
    "decimal", "real", "varchar", "char", "binary", "varbinary", "datetime", "time", "timestamp", "mysqlEnum",
})
#: mysql-core builders with ``.defaultNow()`` / ``.onUpdateNow()`` (MySqlDateColumnBaseBuilder)
NOW_BUILDERS = ("timestamp",)


def _precision(name: str, cfg: JSObject, sep: str) -> str:
    p, s = config_option(cfg, "precision"), config_option(cfg, "scale")
    if p is not UNDEFINED and s is not UNDEFINED:
        return f"{name}({static_text(p)}{sep}{static_text(s)})"
    if p is UNDEFINED:
        return name
    return f"{name}({static_text(p)})"


def _unsigned(cfg: JSObject) -> str:
    return " unsigned" if config_option(cfg, "unsigned") is True else ""


def sql_type(name: str, cfg: JSObject) -> Any:
    """getSQLType() of each mysql-core builder, from its config."""
    if name in SIMPLE_TYPES:
        return SIMPLE_TYPES[name]
    if name in INT_BUILDERS:
        return name + _unsigned(cfg)
    if name in ("varchar", "char", "binary", "varbinary"):
        length = config_option(cfg, "length")
        return name if length is UNDEFINED else f"{name}({static_text(length)})"
    if name == "decimal":
        t = _precision("decimal", cfg, ",")
        return ("decimal" if t in ("decimal(10,0)", "decimal(10)") else t) + _unsigned(cfg)
    if name in FLOAT_BUILDERS:
        return _precision(name, cfg, ",") + _unsigned(cfg)
    if name == "real":  # MySqlReal: "real(8, 2)", with a space, and no unsigned
        return _precision("real", cfg, ", ")
    if name in ("datetime", "time", "timestamp"):
        fsp = config_option(cfg, "fsp")
        return name if fsp is UNDEFINED else f"{name}({static_text(fsp)})"
    return Unknown(f"unknown builder {name}")


def enum_type(values: list) -> str:
    """drizzle-kit's handleEnumType: ``enum('a','b')``, quotes inside a value doubled."""
    return "enum(" + ",".join("'" + v.replace("'", "''") + "'" for v in values) + ")"


class MySqlColumnBuilder(ColumnBuilder):
    """A mysql-core column builder: the shared column methods plus mysql-core's own."""

    def js_member(self, ev, name: str, site: Site) -> Any:
        method = _MYSQL_COLUMN_METHODS.get(name)
        if method is None:
            return super().js_member(ev, name, site)
        return Native(f"column.{name}", partial(method, self))


def _m_autoincrement(self, ev, args, call):
    return self._with(autoincrement=True, has_default=True)


def _m_on_update_now(self, ev, args, call):
    if self.builder not in NOW_BUILDERS:
        return self._with(problems=self.problems + [
            (WARNING, call.site, f"`.onUpdateNow()` exists on mysql-core timestamp() only, not {self.builder}()")])
    return self._with(on_update="onUpdateNow()", has_default=True)


def _m_generated(self, ev, args, call):
    cfg = args[1] if len(args) > 1 else UNDEFINED
    mode = cfg.get("mode") if isinstance(cfg, JSObject) else UNDEFINED
    # mysql-core: generatedAlwaysAs(as, { mode }) is VIRTUAL unless told otherwise
    return self._with(generated=args[0] if args else UNDEFINED, generated_mode=mode if isinstance(mode, str) else "virtual")


def _m_unique(self, ev, args, call):  # mysql-core: .unique(name?) has no nulls option
    name = args[0] if args and isinstance(args[0], str) else None
    return self._with(is_unique=True, unique_name=name)


_MYSQL_COLUMN_METHODS = {
    **_COLUMN_METHODS,
    "autoincrement": _m_autoincrement,
    "onUpdateNow": _m_on_update_now,
    "generatedAlwaysAs": _m_generated,
    "unique": _m_unique,
}
METHOD_TABLES[MySqlColumnBuilder] = _MYSQL_COLUMN_METHODS


def column_builder_native(name: str) -> Native:
    def build(ev, args, call: Call):
        if name == "mysqlEnum":
            return _enum_column(ev, args, call)
        col_name, cfg = name_and_config(args)
        problems = []
        if not isinstance(col_name, str):
            problems.append((ERROR, call.site, f"column name given to {name}() is not static"))
            col_name = ""
        mode = config_option(cfg, "mode")
        text_enum = config_option(cfg, "enum")
        b = MySqlColumnBuilder(builder=name, name=col_name, base_type=sql_type(name, cfg), column_type=name,
                               mode=mode if isinstance(mode, str) else None, site=call.lazy_site, problems=problems)
        b.now_sql = "(now())"  # MySqlDateColumnBaseBuilder.defaultNow(): sql`(now())`
        if isinstance(text_enum, list) and all(isinstance(v, str) for v in text_enum):
            b.text_enum = tuple(text_enum)  # varchar/char/text({ enum }): TypeScript-only values
        if name == "serial":  # MySqlSerialBuilder: hasDefault and autoIncrement, nullable until .primaryKey()
            b.has_default = True
            b.autoincrement = True
        return b

    return Native(name, build)


def _enum_column(ev, args, call: Call) -> Any:
    """mysqlEnum(name?, values): an inline ``enum('a','b')`` column (MySQL has no named enum types)."""
    a = args[0] if args else UNDEFINED
    b = args[1] if len(args) > 1 else UNDEFINED
    col_name, values = ("", a) if not isinstance(a, str) else (a, b)
    ts_type = None
    if isinstance(values, JSObject):  # a TS enum or object: Object.values; its name is the values' TS type
        m = re.search(r"[(,]\s*([A-Za-z_$][\w$]*(?:\.[A-Za-z_$][\w$]*)*)\s*,?\s*\)\s*$", call.text)
        ts_type = m.group(1) if m else None
        from drizzle_doc.ts.expressions import is_numeric_reverse

        values = [v for k, v in values.props.items() if not is_numeric_reverse(values, k)]
    problems = []
    if not isinstance(values, list) or not values or not all(isinstance(v, str) for v in values):
        problems.append((ERROR, call.site, "values of mysqlEnum() are not static strings"))
        values = [v for v in values if isinstance(v, str)] if isinstance(values, list) else []
    b = MySqlColumnBuilder(builder="mysqlEnum", name=col_name, base_type=enum_type(values), column_type="enum",
                           site=call.lazy_site, problems=problems, ts_type=ts_type)
    b.text_enum = tuple(values)
    return b


# ---------------------------------------------------------------------------
# Indexes: mysql-core's .using(method) / .algorithm(a) / .lock(l), never PostgreSQL's using(method, ...cols)
# ---------------------------------------------------------------------------


class MySqlIndexBuilder(IndexBuilder):
    def js_member(self, ev, name: str, site: Site) -> Any:
        method = _MYSQL_INDEX_METHODS.get(name)
        if method is None:
            return Unknown(f"index().{name} is not known statically", site)
        return Native(name, partial(method, self))


def _with_option(key: str):
    """``.algorithm(x)`` / ``.lock(x)``: kept as the index's options (its ``with``), in call order."""
    def method(obj, ev, args, call):
        if not args or not isinstance(args[0], str):
            return obj
        props = dict(obj.with_.props) if isinstance(obj.with_, JSObject) else {}
        props[key] = args[0]
        return chained(with_=JSObject(props))(obj, ev, args, call)
    return method


_MYSQL_INDEX_METHODS = {
    "on": chained(columns=list),
    "using": chained(method=lambda a: a[0] if a and isinstance(a[0], str) else "btree"),
    "algorithm": _with_option("algorithm"),
    "lock": _with_option("lock"),
}
METHOD_TABLES[MySqlIndexBuilder] = _MYSQL_INDEX_METHODS


def index_builder(unique: bool):
    def fn(ev, args, call):
        return MySqlIndexBuilder(args[0] if args else UNDEFINED, unique, call.site)
    return fn


# ---------------------------------------------------------------------------
# The package
# ---------------------------------------------------------------------------


def _view(ev, args, call, schema=None):
    return ViewBuilder(args[0] if args else UNDEFINED, schema, False, args[1] if len(args) > 1 else UNDEFINED, call.site)


class MySqlSchemaValue(SchemaValue):
    """mysqlSchema("x") / mysqlDatabase("x"): ``.table`` and ``.view``; MySQL has no enums or sequences."""

    def js_member(self, ev, name: str, site: Site) -> Any:
        if name in ("enum", "sequence", "materializedView"):
            return Unknown(f"mysqlSchema().{name} does not exist in mysql-core", site)
        return super().js_member(ev, name, site)


def _schema(ev, args, call):
    if args and isinstance(args[0], str):
        return MySqlSchemaValue(args[0], MYSQL_CORE_BUILDERS, casing_arg(args, 1))
    return Unknown("dynamic schema name", call.site)


def _mysql_core_members() -> dict[str, Any]:
    members: dict[str, Any] = {name: column_builder_native(name) for name in COLUMN_BUILDERS}
    members.update(
        {
            "mysqlTable": Native("mysqlTable", lambda ev, a, c: make_table(ev, a, c, None, MYSQL_CORE_BUILDERS)),
            "mysqlTableCreator": Native("mysqlTableCreator", lambda ev, a, c: table_creator(MYSQL_CORE_BUILDERS, "mysqlTableCreator()")(ev, a, c)),
            "mysqlSchema": Native("mysqlSchema", _schema),
            "mysqlDatabase": Native("mysqlDatabase", _schema),
            "mysqlView": Native("mysqlView", _view),
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


MYSQL_CORE = _mysql_core_members()
MYSQL_CORE_BUILDERS = JSObject({name: MYSQL_CORE[name] for name in COLUMN_BUILDERS})
for _prefix, _casing in (("snakeCase", "snake_case"), ("camelCase", "camelCase")):  # drizzle-orm 1.0
    MYSQL_CORE[_prefix] = casing_namespace(_prefix, _casing, MYSQL_CORE_BUILDERS, _schema)


def natives() -> dict[str, Namespace]:
    """The packages a MySQL schema imports, as the evaluator's native namespaces."""
    package = "drizzle-orm/mysql-core"
    return {package: Namespace(package, package_lookup(package, MYSQL_CORE)), **orm_natives()}
