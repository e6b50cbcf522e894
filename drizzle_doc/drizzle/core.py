"""drizzle-orm's dialect-neutral builders, re-told statically: column builders and their methods,
tables, indexes and constraints, views, enums, sequences, relations.

Each class here mirrors the drizzle-orm object of the same role closely enough to compute what
drizzle-kit would put in its snapshot.  What a dialect adds (its core package's members, the SQL
type of each column builder) lives in ``dialects/<name>/builders.py``, which passes its column
builders into :func:`make_table`; the ``sql`` tag and operators are :mod:`drizzle_doc.drizzle.sql`'s.
Source: drizzle-orm 0.45.
"""

from __future__ import annotations

import re
from functools import partial
from dataclasses import dataclass, field
from typing import Any, Optional

from drizzle_doc.model import ERROR, NO_DOC, WARNING, Doc
from drizzle_doc.ts.typetext import member_type
from drizzle_doc.drizzle.partial import join_builders, marked, still_unknown
from drizzle_doc.drizzle.sql import SQL_TAG, SQLValue, operator_members
from drizzle_doc.ts.values import (
    UNDEFINED,
    Call,
    JSFunction,
    METHOD_TABLES,
    JSObject,
    Namespace,
    Native,
    Site,
    Unknown,
    js_string,
)


def native(name: str, tag: bool = False):
    def wrap(fn):
        if tag:
            fn.is_tag = True
        return Native(name, fn)

    return wrap


# ---------------------------------------------------------------------------
# Column builders
# ---------------------------------------------------------------------------

INT_TYPES = {"integer", "smallint", "bigint"}
_DIMENSIONS = re.compile(r"(?:\[\d*\])+")


@dataclass(eq=False)
class ColumnBuilder:
    builder: str  # "varchar", "enum", a customType variable …
    name: str  # explicit SQL name, "" when taken from the key
    base_type: Any  # str, or Unknown
    column_type: str = ""  # drizzle's columnType family ("integer", "bigint", "smallint" …)
    enum: Any = None  # EnumValue
    not_null: bool = False
    primary_key: bool = False
    has_default: bool = False
    default: Any = UNDEFINED
    app_default: Optional[str] = None
    on_update: Optional[str] = None
    is_unique: bool = False
    unique_name: Optional[str] = None
    unique_nulls: Optional[str] = None
    references: list = field(default_factory=list)  # [(fn, actions JSObject, Site)]
    array_dims: list = field(default_factory=list)  # ["", "3"]
    array_last: Any = UNDEFINED  # the argument of the last .array(...) call (drizzle-orm 1.0 reads only it)
    type_variants: dict = field(default_factory=dict)  # kit generation -> the type as it spells it, where it differs
    generated: Any = None  # SQL / function / str
    identity: Optional[tuple] = None  # ("always"|"byDefault", options JSObject)
    ts_type: Optional[str] = None
    mode: Optional[str] = None
    site: Optional[Site] = None
    problems: list = field(default_factory=list)  # [(severity, site, message)]
    autoincrement: bool = False  # sqlite-core: integer().primaryKey({ autoIncrement: true })
    generated_mode: Optional[str] = None  # generatedAlwaysAs(sql, { mode: "stored" | "virtual" })
    now_sql: str = "now()"  # what .defaultNow() writes (sqlite-core timestamps: julianday)
    text_enum: tuple = ()  # text({ enum: [...] }): values checked by TypeScript only, no SQL enum
    # the parts (keys of COLUMN_PARTS) a run-time condition leaves unknown -> the Unknown saying why
    # (a column that is one builder or another: `cond ? text() : text().notNull()`); None: all known
    unknown: Optional[dict] = None

    def sql_type(self, generation: str = "0", nested_arrays: bool = True) -> Any:
        """The column's SQL type.  drizzle-orm 0.x nests each ``.array(n)`` (``integer[][]``,
        ``integer[3]``); 1.0 (``nested_arrays`` off) reads only the last call's dimensions string
        (``.array("[][]")``; no argument is one dimension, a number none at all)."""
        base = self.type_variants.get(generation, self.base_type)
        if not self.array_dims or isinstance(base, Unknown):
            return base
        if nested_arrays:
            return base + "".join(f"[{d}]" for d in self.array_dims)
        last = self.array_last
        if isinstance(last, str) and _DIMENSIONS.fullmatch(last):
            return base + last
        if isinstance(last, (int, float)) and not isinstance(last, bool):
            return base
        return base + "[]"

    def _with(self, **changes) -> "ColumnBuilder":
        """A shallow copy with ``changes``: its lists are shared, so they are never changed in place
        (methods put new lists in ``changes``).  A part that was unknown and that ``changes`` sets
        (``.notNull()`` after a run-time choice) is known again."""
        new = object.__new__(type(self))  # cheaper than copy.copy; a dialect's subclass stays itself
        d = self.__dict__.copy()
        d.update(changes)
        if self.unknown and "unknown" not in changes:
            d["unknown"] = still_unknown(self.unknown, changes)
        new.__dict__ = d
        return new

    def js_join(self, other: "ColumnBuilder", unknown: Unknown) -> Optional["ColumnBuilder"]:
        """This column or ``other``, chosen at run time (:func:`drizzle_doc.ts.values.join`): the
        parts on which both agree are kept, the others are marked ``unknown``
        (:func:`drizzle_doc.drizzle.partial.join_builders`)."""
        return join_builders(self, other, unknown)

    def js_member(self, ev, name: str, site: Site) -> Any:
        method = _COLUMN_METHODS.get(name)
        if method is None:
            def unknown(ev, args, call, name=name):
                return self._with(problems=self.problems + [
                    (WARNING, call.site, f"column method `.{name}()` is not known to drizzle-doc; ignored")])
            return Native(f"column.{name}", unknown)
        return Native(_COLUMN_METHOD_NAMES[name], partial(method, self))


def _m_not_null(self, ev, args, call):
    return self._with(not_null=True)


def _m_primary_key(self, ev, args, call):
    cfg = args[0] if args else UNDEFINED
    if isinstance(cfg, JSObject) and cfg.get("autoIncrement") is True:  # sqlite-core integer()
        return self._with(primary_key=True, not_null=True, autoincrement=True)
    return self._with(primary_key=True, not_null=True)


def _m_unique(self, ev, args, call):
    name = args[0] if args and isinstance(args[0], str) else None
    cfg = args[1] if len(args) > 1 else (args[0] if args and isinstance(args[0], JSObject) else UNDEFINED)
    nulls = cfg.get("nulls") if isinstance(cfg, JSObject) else UNDEFINED
    b = self._with(is_unique=True, unique_name=name, unique_nulls=nulls if isinstance(nulls, str) else None)
    return marked(b, "unique", next((a for a in (*args[:2], nulls) if isinstance(a, Unknown)), None))


def _m_default(self, ev, args, call):
    value = args[0] if args else UNDEFINED
    return self._with(has_default=True, default=value)


def _m_default_now(self, ev, args, call):
    return self._with(has_default=True, default=SQLValue([("raw", self.now_sql)]))


def _m_default_random(self, ev, args, call):
    return self._with(has_default=True, default=SQLValue([("raw", "gen_random_uuid()")]))


def _short(text: str) -> str:
    return " ".join(text.split())


def _chained_call_text(call: Call) -> str:
    """`$defaultFn(() => createId())` out of the whole `text().$defaultFn(...)` chain."""
    return _short("$" + call.text.rsplit(".$", 1)[-1]) if ".$" in call.text else _short(call.text)


def _m_app_default(self, ev, args, call):
    return self._with(has_default=True, app_default=_chained_call_text(call))


def _m_on_update(self, ev, args, call):
    return self._with(on_update=_chained_call_text(call))


def _m_references(self, ev, args, call):
    fn = args[0] if args else UNDEFINED
    actions = args[1] if len(args) > 1 else JSObject()
    b = self._with(references=self.references + [(fn, actions, call.site)])
    if isinstance(actions, JSObject):
        actions = next((v for v in (actions.get("onDelete"), actions.get("onUpdate")) if isinstance(v, Unknown)), None)
    return marked(b, "references", actions)


def _m_array(self, ev, args, call):
    size = args[0] if args else UNDEFINED
    dim = js_string(size) if isinstance(size, (int, float)) and not isinstance(size, bool) else ""
    return marked(self._with(array_dims=self.array_dims + [dim], array_last=size), "type", size)


def _m_type(self, ev, args, call):  # $type<T>(): T replaces any customType's data type
    return self._with(ts_type=call.type_args)


def _m_generated(self, ev, args, call):
    cfg = args[1] if len(args) > 1 else UNDEFINED
    mode = cfg.get("mode") if isinstance(cfg, JSObject) else UNDEFINED
    return self._with(generated=args[0] if args else UNDEFINED, generated_mode=mode if isinstance(mode, str) else None)


def _m_identity(kind):
    def method(self, ev, args, call):
        opts = args[0] if args and isinstance(args[0], JSObject) else JSObject()
        b = self._with(identity=(kind, opts), not_null=True, has_default=True)
        bad = args[0] if args and isinstance(args[0], Unknown) else next(
            (v for v in opts.props.values() if isinstance(v, Unknown)), None)
        return marked(b, "identity", bad)

    return method


def _m_same(self, ev, args, call):
    return self


_COLUMN_METHODS = {
    "notNull": _m_not_null,
    "primaryKey": _m_primary_key,
    "unique": _m_unique,
    "default": _m_default,
    "defaultNow": _m_default_now,
    "defaultRandom": _m_default_random,
    "$defaultFn": _m_app_default,
    "$default": _m_app_default,
    "$onUpdate": _m_on_update,
    "$onUpdateFn": _m_on_update,
    "references": _m_references,
    "array": _m_array,
    "$type": _m_type,
    "generatedAlwaysAs": _m_generated,
    "generatedAlwaysAsIdentity": _m_identity("always"),
    "generatedByDefaultAsIdentity": _m_identity("byDefault"),
    "$dbType": _m_same,
    "$typeOf": _m_same,
}
_COLUMN_METHOD_NAMES = {name: f"column.{name}" for name in _COLUMN_METHODS}
METHOD_TABLES[ColumnBuilder] = _COLUMN_METHODS  # js_member above: Native(partial(method, self))


def name_and_config(args: list) -> tuple[Any, Any]:
    """drizzle's getColumnNameAndConfig(a, b)."""
    a = args[0] if args else UNDEFINED
    b = args[1] if len(args) > 1 else UNDEFINED
    if isinstance(a, str):
        return a, b if isinstance(b, (JSObject, Unknown)) else JSObject()
    if isinstance(a, JSObject):
        return "", a
    if a is UNDEFINED:
        return "", JSObject()
    return a, b if isinstance(b, (JSObject, Unknown)) else JSObject()


def config_option(cfg: JSObject, key: str) -> Any:
    return cfg.get(key) if isinstance(cfg, JSObject) else UNDEFINED


def static_text(v: Any) -> str:
    return js_string(v) or ""


@dataclass(eq=False)
class CustomTypeFactory:
    config: JSObject
    site: Site
    data_type: Optional[str] = None  # the ``data`` member of customType<{ data: T }>: T's text

    def call(self, ev, args, call: Call) -> Any:
        col_name, cfg = name_and_config(args)
        data_type = self.config.get("dataType")
        base: Any
        if isinstance(data_type, JSFunction):
            base = ev.call_function(data_type, [cfg])
            if not isinstance(base, str):
                base = Unknown("customType dataType() does not return a static string", self.site)
        else:
            base = Unknown("customType without dataType()", self.site)
        return ColumnBuilder(builder="customType", name=col_name if isinstance(col_name, str) else "", base_type=base,
                             column_type="custom", site=call.lazy_site, ts_type=self.data_type)


def custom_type(ev, args, call):
    cfg = args[0] if args else UNDEFINED
    if not isinstance(cfg, JSObject):
        return Unknown("customType() needs an object literal", call.site)
    # the TypeScript type of the column's values: customType<{ data: number; driverData: string }>
    factory = CustomTypeFactory(cfg, call.site, member_type(call.type_args, "data"))
    return Native("customType", factory.call)


# ---------------------------------------------------------------------------
# Enums, schemas, sequences, roles
# ---------------------------------------------------------------------------


@dataclass(eq=False)
class EnumValue:
    name: str
    values: list
    schema: Optional[str]
    site: Site
    variable: str = ""
    doc: Doc = NO_DOC
    from_object: bool = False  # pgEnum("x", SomeTsEnum) rather than an array
    object_type: Optional[str] = None  # that object's name: the TypeScript type of the column's values
    unknown: Any = None  # an Unknown when its values could not be evaluated statically

    def call(self, ev, args, call: Call) -> Any:
        col_name, _cfg = name_and_config(args)
        return ColumnBuilder(builder="enum", name=col_name if isinstance(col_name, str) else "", base_type=self.name,
                             column_type="enum", enum=self, site=call.lazy_site, ts_type=self.object_type)

    def js_member(self, ev, name: str, site: Site) -> Any:
        if name == "enumValues":
            return list(self.values)
        if name == "enumName":
            return self.name
        if name == "schema":
            return self.schema if self.schema is not None else UNDEFINED
        return Unknown(f"enum.{name}", site)


class EnumNative(Native):
    """A pgEnum is callable (makes a column) and has members (enumValues)."""

    def __init__(self, value: EnumValue):
        super().__init__(value.name, value.call)
        self.value = value

    def js_member(self, ev, name: str, site: Site) -> Any:
        return self.value.js_member(ev, name, site)


def make_enum(ev, args, call: Call, schema: Optional[str]) -> Any:
    name = args[0] if args else UNDEFINED
    values = args[1] if len(args) > 1 else UNDEFINED
    if not isinstance(name, str):
        ev.report(ERROR, call.site, "enum name is not static; the enum is skipped", "dynamic-name")
        return Unknown("dynamic enum name", call.site)
    from_object = isinstance(values, JSObject)
    if from_object:  # pgEnum("mood", MoodEnum): Object.values of a TS enum / object
        from drizzle_doc.ts.expressions import is_numeric_reverse

        values = [v for k, v in values.props.items() if not is_numeric_reverse(values, k)]
    unknown = next((v for v in (values if isinstance(values, list) else [values]) if isinstance(v, Unknown)), None)
    if unknown is not None:  # values only known at run time: unknown, never compared
        ev.report(WARNING, unknown.site or call.site, f"values of enum {name!r} are not static: {unknown.reason}",
                  "dynamic-enum")
        values = []
    elif not isinstance(values, list) or not all(isinstance(v, str) for v in values):
        ev.report(ERROR, call.site, f"values of enum {name!r} are not static strings", "dynamic-enum")
        values = [v for v in values if isinstance(v, str)] if isinstance(values, list) else []
    # pgEnum("mood", Mood): the values' TypeScript type is the enum `Mood` (its members, not strings)
    m = re.search(r",\s*([A-Za-z_$][\w$]*(?:\.[A-Za-z_$][\w$]*)*)\s*,?\s*\)\s*$", call.text) if from_object else None
    return EnumNative(EnumValue(name, list(values), schema, call.site, from_object=from_object,
                                object_type=m.group(1) if m else None, unknown=unknown))


@dataclass(eq=False)
class SequenceValue:
    name: str
    schema: Optional[str]
    options: JSObject
    site: Site
    variable: str = ""
    doc: Doc = NO_DOC


@dataclass(eq=False)
class RoleValue:
    name: str


@dataclass(eq=False)
class SchemaValue:
    name: str
    builders: Any = None  # the dialect's column builders, for ``schema.table(...)``
    casing: Optional[str] = None  # drizzle-orm 1.0: pgSchema(name, "snake_case")

    def js_member(self, ev, name: str, site: Site) -> Any:
        schema = self.name
        if name == "table":
            return Native("schema.table", lambda ev, a, c: make_table(ev, a, c, schema, self.builders, casing=self.casing))
        if name == "enum":
            return Native("schema.enum", lambda ev, a, c: make_enum(ev, a, c, schema))
        if name == "sequence":
            return Native("schema.sequence", lambda ev, a, c: make_sequence(ev, a, c, schema))
        if name == "view":
            return Native("schema.view", lambda ev, a, c: ViewBuilder(a[0] if a else UNDEFINED, schema, False, a[1] if len(a) > 1 else UNDEFINED, c.site))
        if name == "materializedView":
            return Native("schema.materializedView", lambda ev, a, c: ViewBuilder(a[0] if a else UNDEFINED, schema, True, a[1] if len(a) > 1 else UNDEFINED, c.site))
        if name == "schemaName":
            return schema
        return Unknown(f"pgSchema().{name} is not known statically", site)


def make_sequence(ev, args, call, schema):
    name = args[0] if args else UNDEFINED
    if not isinstance(name, str):
        ev.report(ERROR, call.site, "sequence name is not static; the sequence is skipped", "dynamic-name")
        return Unknown("dynamic sequence name", call.site)
    opts = args[1] if len(args) > 1 and isinstance(args[1], JSObject) else JSObject()
    return SequenceValue(name, schema, opts, call.site)


# ---------------------------------------------------------------------------
# Tables
# ---------------------------------------------------------------------------


@dataclass(eq=False)
class TableValue:
    name: str
    schema: Optional[str]
    columns: JSObject  # property -> ColumnBuilder (or Unknown)
    extra: Any  # JSFunction or UNDEFINED
    site: Site
    rls: bool = False
    variable: str = ""
    doc: Doc = NO_DOC
    decl_site: Optional[Site] = None
    casing: Optional[str] = None  # drizzle-orm 1.0: the table builder's own casing (snakeCase.table)

    def js_member(self, ev, name: str, site: Site) -> Any:
        if name == "enableRLS":
            def enable(ev, args, call):
                self.rls = True
                return self
            return Native("enableRLS", enable)
        if name in self.columns.props:
            return ColumnRef(self, name)
        if name in ("_", "$inferSelect", "$inferInsert"):
            return Unknown(f"{name} is a type helper", site)
        return Unknown(f"table `{self.variable or self.name}` has no column `{name}`", site)


def chained(**fields: Any):
    """A chained builder method (``.desc()``, ``.on(...)``, ``.onDelete(...)``) as
    ``method(obj, ev, args, call)``: it returns a copy of ``obj`` with ``fields`` set; a callable
    field value is computed from the call's arguments.  Each builder class lists its methods in a
    table (also in METHOD_TABLES, so the evaluator calls them directly)."""

    def method(obj, ev, args, call):
        # copy.copy of these plain dataclasses, without its generic __reduce_ex__ machinery
        new = object.__new__(type(obj))
        d = obj.__dict__.copy()
        for k, v in fields.items():
            d[k] = v(args) if callable(v) else v
        new.__dict__ = d
        return new

    return method


def _chained_member(methods: dict, obj: Any, name: str) -> Optional[Native]:
    """``obj.name`` for a chained builder method of ``methods``, None for other names."""
    method = methods.get(name)
    return Native(name, partial(method, obj)) if method is not None else None


def _first(args: list) -> Any:
    return args[0] if args else None


@dataclass(eq=False)
class ColumnRef:
    """A column of a table, as ``users.id`` or ``t.id`` in the third argument."""

    table: TableValue
    prop: str
    order: Optional[str] = None
    nulls: Optional[str] = None
    opclass: Optional[str] = None
    through: Any = None  # defineRelations: .through(junction column)

    def js_member(self, ev, name: str, site: Site) -> Any:
        fn = _chained_member(_COLUMN_REF_METHODS, self, name)
        if fn is not None:
            return fn
        if name == "name":
            b = self.table.columns.get(self.prop)
            return b.name or self.prop if isinstance(b, ColumnBuilder) else Unknown("name")
        return Unknown(f"column.{name} is not known statically", site)

    def js_join(self, other: "ColumnRef", unknown: Unknown) -> Optional["ColumnRef"]:
        """The same column of the same table on both sides of a run-time choice is that column."""
        same = (self.table is other.table and self.prop == other.prop and self.order == other.order
                and self.nulls == other.nulls and self.opclass == other.opclass and self.through is other.through)
        return self if same else None


def make_table(ev, args, call: Call, schema: Optional[str], builders: "JSObject", name_fn: Any = None,
               casing: Optional[str] = None) -> Any:
    """A ``<dialect>Table(name, columns, extra)`` call; ``builders`` is what a ``(t) => ({...})``
    columns callback receives: the dialect's column builders; ``casing`` the table builder's own
    (drizzle-orm 1.0)."""
    name = args[0] if args else UNDEFINED
    if name_fn is not None and isinstance(name, str):
        name = ev.call(name_fn, [name], call)
    if not isinstance(name, str):
        reason = name.reason if isinstance(name, Unknown) else "not a string"
        ev.report(ERROR, call.site, f"table name is not static ({reason}); drizzle-doc cannot document this table", "dynamic-name")
        return Unknown("dynamic table name", call.site)
    columns = args[1] if len(args) > 1 else JSObject()
    if isinstance(columns, JSFunction):
        columns = ev.call_function(columns, [builders])
    if not isinstance(columns, JSObject):
        ev.report(ERROR, call.site, f"columns of table {name!r} are not a static object", "dynamic-columns")
        columns = JSObject()
    extra = args[2] if len(args) > 2 else UNDEFINED
    table = TableValue(name, schema, columns, extra, call.site)
    if casing is not None:
        table.casing = casing
    return table


@dataclass(eq=False)
class TableCreator:
    fn: Any
    schema: Optional[str] = None


CASINGS = ("snake_case", "camelCase")


def casing_arg(args: list, i: int) -> Optional[str]:
    """drizzle-orm 1.0's casing argument (``pgTableCreator(fn, "snake_case")``), None if absent."""
    value = args[i] if len(args) > i else None
    return value if value in CASINGS else None


def table_creator(builders: Any, label: str = "pgTableCreator()"):
    """``<dialect>TableCreator(fn, casing?)``: a table function whose names pass through ``fn``."""
    def creator(ev, args, call):
        fn = args[0] if args else UNDEFINED
        casing = casing_arg(args, 1)
        return Native(label, lambda ev, a, c: make_table(ev, a, c, None, builders, fn, casing))
    return creator


def casing_namespace(prefix: str, casing: str, builders: Any, schema_fn) -> JSObject:
    """drizzle-orm 1.0's ``snakeCase`` / ``camelCase``: ``.table(...)`` and ``.schema(name)`` with
    that casing (``.view``/``.materializedView`` are views: no casing reaches a snapshot)."""
    return JSObject({
        "table": Native(f"{prefix}.table", lambda ev, a, c: make_table(ev, a, c, None, builders, casing=casing)),
        "schema": Native(f"{prefix}.schema", lambda ev, a, c: schema_fn(ev, [*a[:1], casing], c)),
    })


# ---------------------------------------------------------------------------
# Third-argument builders: indexes and constraints
# ---------------------------------------------------------------------------


@dataclass(eq=False)
class IndexBuilder:
    name: Any
    unique: bool
    site: Site
    columns: Optional[list] = None
    method: str = "btree"
    where: Any = None
    concurrently: bool = False
    with_: Any = None
    only: bool = False

    def js_member(self, ev, name: str, site: Site) -> Any:
        fn = _chained_member(_INDEX_METHODS, self, name)
        return fn if fn is not None else Unknown(f"index().{name} is not known statically", site)


@dataclass(eq=False)
class PrimaryKeyBuilder:
    name: Any
    columns: list
    site: Site


@dataclass(eq=False)
class ForeignKeyBuilder:
    name: Any
    columns: list
    foreign_columns: list
    site: Site
    on_delete: Any = None
    on_update: Any = None

    def js_member(self, ev, name: str, site: Site) -> Any:
        fn = _chained_member(_FOREIGN_KEY_METHODS, self, name)
        return fn if fn is not None else Unknown(f"foreignKey().{name} is not known statically", site)


@dataclass(eq=False)
class UniqueBuilder:
    name: Any
    site: Site
    columns: Optional[list] = None
    nulls_not_distinct: bool = False

    def js_member(self, ev, name: str, site: Site) -> Any:
        fn = _chained_member(_UNIQUE_METHODS, self, name)
        return fn if fn is not None else Unknown(f"unique().{name} is not known statically", site)


_COLUMN_REF_METHODS = {
    "asc": chained(order="asc"),
    "desc": chained(order="desc"),
    "nullsFirst": chained(nulls="first"),
    "nullsLast": chained(nulls="last"),
    "op": chained(opclass=lambda a: a[0] if a and isinstance(a[0], str) else None),
    "through": chained(through=_first),
}
_INDEX_METHODS = {
    "on": chained(columns=list, only=False),
    "onOnly": chained(columns=list, only=True),
    "using": chained(method=lambda a: a[0] if a and isinstance(a[0], str) else "btree", columns=lambda a: list(a[1:])),
    "where": chained(where=_first),
    "concurrently": chained(concurrently=True),
    "with": chained(with_=_first),
}
_FOREIGN_KEY_METHODS = {
    "onDelete": chained(on_delete=_first),
    "onUpdate": chained(on_update=_first),
}
_UNIQUE_METHODS = {
    "on": chained(columns=list),
    "nullsNotDistinct": chained(nulls_not_distinct=True),
}
METHOD_TABLES[ColumnRef] = _COLUMN_REF_METHODS
METHOD_TABLES[IndexBuilder] = _INDEX_METHODS
METHOD_TABLES[ForeignKeyBuilder] = _FOREIGN_KEY_METHODS
METHOD_TABLES[UniqueBuilder] = _UNIQUE_METHODS


@dataclass(eq=False)
class CheckValue:
    name: Any
    sql: Any
    site: Site


@dataclass(eq=False)
class PolicyValue:
    name: Any
    config: JSObject
    site: Site
    linked: Any = None

    def js_member(self, ev, name: str, site: Site) -> Any:
        if name == "link":
            def link(ev, args, call):
                self.linked = args[0] if args else None
                return self
            return Native("link", link)
        return Unknown(f"pgPolicy().{name}", site)


def index_builder(unique: bool):
    def fn(ev, args, call):
        return IndexBuilder(args[0] if args else UNDEFINED, unique, call.site)

    return fn


def primary_key_builder(ev, args, call):
    if args and isinstance(args[0], JSObject):  # primaryKey({ columns: [...], name })
        cfg = args[0]
        cols = cfg.get("columns")
        return PrimaryKeyBuilder(cfg.get("name"), cols if isinstance(cols, list) else [], call.site)
    return PrimaryKeyBuilder(UNDEFINED, list(args), call.site)  # deprecated primaryKey(t.a, t.b)


def foreign_key_builder(ev, args, call):
    cfg = args[0] if args else UNDEFINED
    if not isinstance(cfg, JSObject):
        return Unknown("foreignKey() needs an object literal", call.site)
    cols = cfg.get("columns")
    fcols = cfg.get("foreignColumns")
    return ForeignKeyBuilder(cfg.get("name"), cols if isinstance(cols, list) else [], fcols if isinstance(fcols, list) else [], call.site)


def unique_builder(ev, args, call):
    return UniqueBuilder(args[0] if args else UNDEFINED, call.site)


def check_builder(ev, args, call):
    return CheckValue(args[0] if args else UNDEFINED, args[1] if len(args) > 1 else UNDEFINED, call.site)


def policy_builder(ev, args, call):
    cfg = args[1] if len(args) > 1 and isinstance(args[1], JSObject) else JSObject()
    return PolicyValue(args[0] if args else UNDEFINED, cfg, call.site)


# ---------------------------------------------------------------------------
# Views
# ---------------------------------------------------------------------------


@dataclass(eq=False)
class ViewBuilder:
    name: Any
    schema: Optional[str]
    materialized: bool
    columns: Any
    site: Site
    options: tuple = ()  # mysql-core's .algorithm(), .sqlSecurity(), .withCheckOption(): (name, value)

    def js_member(self, ev, name: str, site: Site) -> Any:
        if name == "as":
            return Native("as", lambda ev, a, c: ViewValue(self, a[0] if a else UNDEFINED, False))
        if name == "existing":
            return Native("existing", lambda ev, a, c: ViewValue(self, UNDEFINED, True))
        if name in VIEW_OPTIONS:
            return Native(name, lambda ev, a, c: self._option(name, a))
        if name in ("with", "using", "tablespace", "withNoData"):
            return Native(name, lambda ev, a, c: self)
        return Unknown(f"view builder .{name}", site)

    def _option(self, name: str, args: list) -> "ViewBuilder":
        value = args[0] if args else VIEW_OPTIONS[name]
        if not isinstance(value, str):
            return self
        return ViewBuilder(self.name, self.schema, self.materialized, self.columns, self.site,
                           tuple(o for o in self.options if o[0] != name) + ((name, value),))


#: mysql-core's view options and the value each takes when called without one
VIEW_OPTIONS = {"algorithm": None, "sqlSecurity": None, "withCheckOption": "cascaded"}


@dataclass(eq=False)
class ViewValue:
    builder: ViewBuilder
    query: Any
    existing: bool
    variable: str = ""
    doc: Doc = NO_DOC

    def js_member(self, ev, name: str, site: Site) -> Any:
        return Unknown(f"view.{name} is not known statically", site)


# ---------------------------------------------------------------------------
# The packages
# ---------------------------------------------------------------------------


def _drizzle_orm_members() -> dict[str, Any]:
    from drizzle_doc.drizzle.relations import define_relations, relations

    members: dict[str, Any] = {
        "sql": SQL_TAG,
        "relations": Native("relations", relations),
        "defineRelations": Native("defineRelations", define_relations),
    }
    members.update(operator_members())
    return members


DRIZZLE_ORM = _drizzle_orm_members()


def _drizzle_kit_lookup(name: str) -> Any:
    if name == "defineConfig":
        return Native("defineConfig", lambda ev, a, c: a[0] if a else UNDEFINED)
    return Unknown(f"drizzle-kit.{name}")



def constraint_natives() -> dict[str, Native]:
    """The members every dialect's core package shares: ``customType`` and the third
    argument's builders (indexes, keys, uniques, checks)."""
    fns = {"customType": custom_type, "index": index_builder(False), "uniqueIndex": index_builder(True),
           "primaryKey": primary_key_builder, "foreignKey": foreign_key_builder, "unique": unique_builder,
           "check": check_builder}
    return {name: Native(name, fn) for name, fn in fns.items()}


def package_lookup(package: str, members: dict) -> Any:
    """A dialect's core package as the evaluator looks names up in it: its members, a clear
    ``Unknown`` for a type-only export, and a callable that reports any other name."""
    def lookup(name: str) -> Any:
        if name in members:
            return members[name]
        if name[:1].isupper() or name.startswith("Any"):
            return Unknown(f"`{name}` from {package} is a type, not a value")
        return Native(name, lambda ev, a, c: Unknown(f"`{name}` from {package} is not known to drizzle-doc", c.site))
    return lookup


def orm_natives() -> dict[str, Namespace]:
    """The packages every dialect shares: ``drizzle-orm`` (sql, operators, relations) and ``drizzle-kit``."""
    orm = Namespace("drizzle-orm", lambda n: DRIZZLE_ORM.get(n, Unknown(f"drizzle-orm.{n} is not known statically")))
    return {
        "drizzle-orm": orm,
        "drizzle-orm/sql": orm,
        "drizzle-orm/relations": orm,
        "drizzle-orm/_relations": orm,  # 1.0: the old relations() moved here
        "drizzle-kit": Namespace("drizzle-kit", _drizzle_kit_lookup),
    }
