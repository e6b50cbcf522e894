"""From evaluated drizzle objects to the model, naming things exactly as drizzle-kit does.

The rules mirror drizzle-kit 0.31's ``generatePgSnapshot``: default constraint
and index names, casing replacements in FK/PK names, default spelling
(``'{}'::jsonb``, ``'{"a","b"}'``), SQL templates rendered with qualified
column names (``"users"."age"``) except inside index expressions (``"age"``).
"""

from __future__ import annotations

import re
from typing import Any, Optional

from drizzle_doc.drizzle.casing import apply_casing
from drizzle_doc.model import (
    ERROR,
    NO_DOC,
    WARNING,
    Check,
    Column,
    Doc,
    Enum,
    ForeignKey,
    Generated,
    Identity,
    Index,
    IndexColumn,
    Policy,
    PrimaryKey,
    Relation,
    Sequence,
    Table,
    UniqueConstraint,
    UnknownPart,
    UNKNOWN_PARTS,
    View,
)
from drizzle_doc.ts.evaluate import Evaluator
from drizzle_doc.drizzle.core import (
    CheckValue,
    ColumnBuilder,
    ColumnRef,
    EnumNative,
    ForeignKeyBuilder,
    IndexBuilder,
    PolicyValue,
    PrimaryKeyBuilder,
    RoleValue,
    SequenceValue,
    TableValue,
    UniqueBuilder,
    ViewValue,
)
from drizzle_doc.drizzle.sql import RawSQL, SQLName, SQLValue
from drizzle_doc.drizzle.relations import RELATION_HELPERS, RelationSpec, relations_helper_v2
from drizzle_doc.ts.values import UNDEFINED, JSFunction, JSObject, Namespace, Native, Site, Unknown, js_string, json_stringify

_ARRAY_TYPE = re.compile(r".*\[\d*\].*|.*\[\].*")


def quote(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


class SQLRenderError(Exception):
    pass


class Builder:
    """Builds model objects from evaluated drizzle values.  ``dialect`` (a
    :class:`~drizzle_doc.dialects.base.Dialect`, handed in by the caller: this layer imports
    none) gives the default schema and the names drizzle-kit's ``kit`` generation writes."""

    def __init__(self, ev: Evaluator, casing: Optional[str], dialect, kit: str = "0",
                 kit_casing: Optional[bool] = None):
        self.ev = ev
        self.names = names = dialect.naming(kit)
        # the config's casing, where this generation applies it (0.x, a 1.0 beta as the project's
        # snapshot shows: ``kit_casing``); else each table's own (1.0 RC)
        self.config_casing = names.config_casing if kit_casing is None else kit_casing
        self.casing = casing if self.config_casing else None
        self.dialect = dialect
        self.default_schema = dialect.default_schema
        self.qualified = names.qualified_checks
        self.qualified_where = names.qualified_checks if names.qualified_where is None else names.qualified_where
        self.inline_checks = not names.qualified_checks if names.inline_check_params is None else names.inline_check_params

    def table_casing(self, tv: TableValue) -> Optional[str]:
        return self.casing if self.config_casing else tv.casing

    # -- names -------------------------------------------------------------------
    def raw_name(self, ref: ColumnRef) -> str:
        """The name a default constraint name is built from (see ``KitNaming.names_from_keys``)."""
        b = ref.table.columns.get(ref.prop)
        if isinstance(b, ColumnBuilder) and b.name:
            return b.name
        return ref.prop if self.names.names_from_keys else apply_casing(ref.prop, ref.table.casing)

    def cased_name(self, ref: ColumnRef) -> str:
        b = ref.table.columns.get(ref.prop)
        if isinstance(b, ColumnBuilder) and b.name:
            return b.name
        return apply_casing(ref.prop, self.table_casing(ref.table))

    # -- SQL -----------------------------------------------------------------------
    def render_sql(self, value: Any, indexes: bool = False, inline: bool = False) -> tuple[str, Optional[str]]:
        """(SQL text, problem or None) as drizzle's sqlToQuery spells it; ``inline``: params as
        literals (drizzle's ``inlineParams()``), else ``$1``, ``$2``…"""
        counter = [0]
        problems: list[str] = []
        quote = self.dialect.sql_name

        def chunk(v: Any, depth: int = 0) -> str:
            if depth > 200:
                problems.append("SQL nested too deeply")
                return ""
            if isinstance(v, SQLValue):
                return "".join(part if kind == "raw" else chunk(part, depth + 1) for kind, part in v.chunks)
            if isinstance(v, ColumnRef):
                name = self.cased_name(v)
                if indexes:
                    return quote(name)
                t = v.table
                if t.schema is None:
                    return quote(t.name) + "." + quote(name)
                return quote(t.schema) + "." + quote(t.name) + "." + quote(name)
            if isinstance(v, TableValue):
                return quote(v.name) if v.schema is None else quote(v.schema) + "." + quote(v.name)
            if isinstance(v, RawSQL):
                return v.text
            if isinstance(v, SQLName):
                return quote(v.value)
            if isinstance(v, EnumNative):
                e = v.value
                return quote(e.name) if e.schema is None else quote(e.schema) + "." + quote(e.name)
            if isinstance(v, list):
                return "(" + ", ".join(chunk(x, depth + 1) for x in v) + ")"
            if v is UNDEFINED:
                return ""
            if isinstance(v, Unknown):
                problems.append(v.reason)
                return "?"
            if isinstance(v, (JSFunction, Native)):
                problems.append("a function inside sql`` is not static")
                return "?"
            if inline:
                return _inline_param(v)
            counter[0] += 1
            return self.dialect.sql_param(counter[0])

        try:
            text = chunk(value)
        finally:
            del chunk  # the recursive closure refers to itself: break that cycle for refcounting
        return text, (problems[0] if problems else None)

    def sql_or_report(self, value: Any, site: Site, what: str, indexes: bool = False,
                      inline: bool = False) -> Optional[str]:
        if isinstance(value, JSFunction):
            value = self.ev.call_function(value, [])
        if isinstance(value, str):
            return value
        if isinstance(value, Unknown):
            self.ev.report(ERROR, value.site or site, f"{what} is not static: {value.reason}", "dynamic-sql")
            return None
        if not isinstance(value, SQLValue):
            self.ev.report(ERROR, site, f"{what} is not an sql`` template", "dynamic-sql")
            return None
        text, problem = self.render_sql(value, indexes, inline)
        if problem:
            self.ev.report(WARNING, site, f"{what}: part of the SQL is not static ({problem})", "dynamic-sql")
        return text

    # -- defaults ------------------------------------------------------------------
    def render_default(self, b: ColumnBuilder, sql_type: str, site: Site, label: str) -> Any:
        """The column's SQL default as drizzle-kit's snapshot spells it, None when it has none, or
        an :class:`Unknown` (reported here) when it cannot be told statically."""
        d = b.default
        if d is UNDEFINED:
            return None
        lowered = sql_type.lower()

        def unknown(message: str, reason: str, where: Optional[Site] = None) -> Unknown:
            self.ev.report(WARNING, where or site, message, "dynamic-default")
            return Unknown(reason, where or site)

        if isinstance(d, SQLValue):
            text, problem = self.render_sql(d)
            if problem:
                return unknown(f"default of {label} is not static ({problem})", f"part of its SQL is not static: {problem}")
            return text
        if isinstance(d, str):
            return "'" + d.replace("'", "''") + "'"
        if isinstance(d, Unknown):
            return unknown(f"default of {label} is not static: {d.reason}", d.reason, d.site)
        if self.dialect.json_literal_defaults and isinstance(d, (JSObject, list)):
            text = json_stringify(d)  # drizzle-kit: `'${JSON.stringify(value)}'`, quotes unescaped
            if text is None:
                return unknown(f"default of {label} is not static JSON", "not static JSON")
            return f"'{text}'"
        if lowered in ("json", "jsonb"):
            text = json_stringify(d)
            if text is None:
                return unknown(f"default of {label} is not static JSON", "not static JSON")
            return self.dialect.json_default(text, lowered)
        if _ARRAY_TYPE.fullmatch(lowered) and isinstance(d, list):
            text = self.array_string(d)
            if text is None:
                return unknown(f"default of {label} is not a static array", "not a static array")
            return f"'{text}'"
        if isinstance(d, (bool, int, float)):
            return js_string(d)
        if d is None:
            return None
        return unknown(f"default of {label} is not a static value", "not a static value")

    def array_string(self, items: list) -> Optional[str]:
        out = []
        for v in items:
            if isinstance(v, bool):
                out.append("true" if v else "false")
            elif isinstance(v, (int, float)):
                out.append(js_string(v))
            elif isinstance(v, list):
                inner = self.array_string(v)
                if inner is None:
                    return None
                out.append(inner)
            elif isinstance(v, JSObject):
                j = json_stringify(v)
                if j is None:
                    return None
                out.append('"' + j.replace('"', '\\"') + '"')
            elif isinstance(v, str) or v is None:
                out.append(f'"{js_string(v)}"')
            else:
                return None
        return "{" + ",".join(out) + "}"

    # -- tables --------------------------------------------------------------------
    def table(self, tv: TableValue, linked_policies=()) -> Table:
        ev = self.ev
        site = tv.decl_site or tv.site
        label_table = tv.name
        columns: list[Column] = []
        uniques: list[UniqueConstraint] = []
        fks: list[ForeignKey] = []
        pk_columns: list[str] = []
        metas = tv.columns.meta
        casing = self.table_casing(tv)
        names = self.names
        for prop, b in tv.columns.props.items():
            meta = metas.get(prop)
            col_site = meta.site if meta is not None else None  # a PropMeta is always truthy
            if not col_site:
                col_site = (b.site if isinstance(b, ColumnBuilder) else None) or site
            if prop.startswith("\0"):
                ev.report(ERROR, b.site if isinstance(b, Unknown) and b.site else col_site,
                          f"table {label_table!r}: {b.reason if isinstance(b, Unknown) else 'a spread that is not static'}; those columns are missing", "dynamic-columns")
                continue
            if isinstance(b, Unknown):  # kept under its key, everything else unknown
                ev.report(WARNING, col_site, f"column {prop!r} of table {label_table!r} cannot be read: {b.reason}; "
                          "it is documented as unknown", "unknown-column")
                where = b.site or col_site
                columns.append(Column(apply_casing(prop, casing), prop, "unknown", description=meta.doc if meta else NO_DOC,
                                      file=col_site.file, line=col_site.line,
                                      unknown=(UnknownPart("name", b.reason, where.file, where.line),)))
                continue
            if not isinstance(b, ColumnBuilder):
                ev.report(ERROR, col_site, f"column {prop!r} of table {label_table!r} is not a drizzle column builder", "unknown-column")
                continue
            for severity, psite, message in b.problems:
                ev.report(severity, psite or col_site, message, "column")
            name = b.name if b.name else apply_casing(prop, casing)
            raw = b.name or prop if names.names_from_keys else name
            label = f"{label_table}.{name}"
            # the parts a run-time condition left unknown, then those that cannot be evaluated
            marks: dict[str, Unknown] = dict(b.unknown) if b.unknown else {}
            sql_type = b.sql_type(names.generation, names.nested_arrays)
            if isinstance(sql_type, Unknown):
                if "type" not in marks:
                    ev.report(ERROR, col_site, f"type of column {label} is not known: {sql_type.reason}", "unknown-type")
                    marks["type"] = Unknown(sql_type.reason, sql_type.site or col_site)
                sql_type = "unknown"
            elif names.respell_type is not None and b.enum is None:
                sql_type = names.respell_type(sql_type)
            model_type = sql_type
            enum_key = None
            enum_values: tuple[str, ...] = b.text_enum
            if b.enum is not None:
                e = b.enum
                enum_key = f"{e.schema or self.default_schema}.{e.name}"
                enum_values = tuple(e.values)
                if e.schema is not None and e.schema != self.default_schema:
                    if e.from_object and not names.object_enum_schema:
                        # drizzle-kit 0.31 loses the schema of an enum made from a TS enum object
                        # (its column class is not PgEnumColumn): mirror it, and say so.
                        ev.report(WARNING, col_site,
                                  f"column {label} uses enum {e.schema}.{e.name} built from an object: drizzle-kit writes its "
                                  f"type without the schema (\"{e.name}\"), so the migration looks for public.{e.name}; "
                                  f"pass an array of values to {e.schema}.enum() instead", "drizzle-kit-enum-schema")
                    else:
                        model_type = f"{e.schema}.{sql_type}"
            default = None
            if b.has_default and "default" not in marks:
                default = self.render_default(b, sql_type, col_site, label)
                if isinstance(default, Unknown):
                    marks["default"] = default
                    default = None
            if default is not None and not isinstance(b.default, SQLValue):
                default = self.dialect.literal_default(default, sql_type)
            if default is not None and names.respell_default is not None:
                default = names.respell_default(default, sql_type, b.default, isinstance(b.default, SQLValue),
                                                b.enum is not None)
            identity = self.identity(b, tv, name, sql_type) if b.identity is not None and "identity" not in marks else None
            generated = None
            if b.generated is not None and b.generated is not UNDEFINED and "generated" not in marks:
                qualified = self.dialect.qualified_generated
                text = self.sql_or_report(b.generated, col_site, f"generated expression of {label}", indexes=not qualified)
                if text is not None:
                    generated = Generated(text, b.generated_mode or "stored") if qualified else Generated(f"({text})", b.generated_mode or "virtual")
                else:
                    marks["generated"] = Unknown("the expression is not static", col_site)
            references = b.references if "references" not in marks else ()
            for fn, actions, ref_site in references:  # a reference that cannot be followed is unknown
                target = ev.call_function(fn, []) if isinstance(fn, JSFunction) else fn
                if not isinstance(target, ColumnRef):
                    if isinstance(target, Unknown):
                        ev.report(WARNING, ref_site, f"reference of column {label} cannot be followed: {target.reason}",
                                  "unresolved-reference")
                    else:
                        ev.report(ERROR, ref_site, f"reference of column {label} cannot be followed: not a column",
                                  "unresolved-reference")
                    marks["references"] = Unknown(target.reason if isinstance(target, Unknown) else "not a column", ref_site)
                    continue
                fk = self.foreign_key(tv, [ColumnRef(tv, prop)], [target], UNDEFINED,
                                      actions.get("onDelete") if isinstance(actions, JSObject) else UNDEFINED,
                                      actions.get("onUpdate") if isinstance(actions, JSObject) else UNDEFINED,
                                      ref_site, NO_DOC)
                if fk is not None:
                    fks.append(fk)
            known = not marks
            unknown_parts = () if known else tuple(
                UnknownPart(part, marks[part].reason, *_where(marks[part].site, col_site)) for part in UNKNOWN_PARTS if part in marks)
            if not known:
                if "type" in marks:
                    model_type, enum_key, enum_values = "unknown", None, ()
            primary_key = b.primary_key if known or "primary_key" not in marks else False
            unique = b.is_unique if known or "unique" not in marks else False
            columns.append(
                Column(  # positional, in field order: half the cost of 19 keywords, once per column
                    name,  # name
                    prop,  # property
                    model_type,  # type
                    b.not_null if known or "not_null" not in marks else False,  # not_null
                    primary_key,  # primary_key
                    default,  # default
                    b.app_default if known or "default" not in marks else None,  # app_default
                    b.on_update if known or "on_update" not in marks else None,  # on_update
                    identity,  # identity
                    generated,  # generated
                    unique,  # unique
                    enum_key,  # enum
                    enum_values,  # enum_values
                    b.ts_type if known or "ts_type" not in marks else None,  # ts_type
                    b.mode if known or "mode" not in marks else None,  # mode
                    b.builder,  # builder
                    meta.doc if meta else NO_DOC,  # description
                    col_site.file,  # file
                    col_site.line,  # line
                    b.autoincrement if known or "primary_key" not in marks else False,  # autoincrement
                    unknown_parts,  # unknown
                )
            )
            if primary_key:
                pk_columns.append(name)
            if unique:
                uniques.append(
                    UniqueConstraint(
                        name=b.unique_name or self.names.name("unique", tv.name, [raw]),
                        columns=(name,),
                        nulls_not_distinct=b.unique_nulls == "not distinct",
                        from_column=True,
                        file=col_site.file,
                        line=col_site.line,
                    )
                )

        primary_key = None
        if pk_columns:
            primary_key = PrimaryKey(self.names.name("primary_key", tv.name, pk_columns), tuple(pk_columns), False,
                                     site.file, site.line)
        indexes: list[Index] = []
        checks: list[Check] = []
        policies: list[Policy] = []
        for item, doc, item_site in self.extra_items(tv):
            if isinstance(item, IndexBuilder):
                ix = self.index(tv, item, doc)
                if ix is not None:
                    indexes.append(ix)
            elif isinstance(item, PrimaryKeyBuilder):
                cols = [c for c in item.columns if isinstance(c, ColumnRef)]
                if len(cols) != len(item.columns) or not cols:
                    ev.report(ERROR, item.site, f"primary key of table {label_table!r} names columns that cannot be read", "dynamic-constraint")
                    continue
                raw_names = [self.raw_name(c) for c in cols]
                cased = [self.cased_name(c) for c in cols]
                if isinstance(item.name, str):
                    name = item.name
                else:
                    name = names.name("composite_primary_key", tv.name, raw_names)
                if self.casing is not None:
                    for o, c in zip(raw_names, cased):
                        name = name.replace(o, c, 1)
                if primary_key is not None and not primary_key.composite:
                    ev.report(WARNING, item.site, f"table {label_table!r} declares a primary key on a column and another with primaryKey()", "duplicate-pk")
                primary_key = PrimaryKey(name, tuple(cased), True, item.site.file, item.site.line)
            elif isinstance(item, ForeignKeyBuilder):
                cols = [c for c in item.columns if isinstance(c, ColumnRef)]
                fcols = [c for c in item.foreign_columns if isinstance(c, ColumnRef)]
                if not cols or not fcols or len(cols) != len(item.columns) or len(fcols) != len(item.foreign_columns):
                    ev.report(ERROR, item.site, f"foreign key of table {label_table!r} names columns that cannot be read", "dynamic-constraint")
                    continue
                fk = self.foreign_key(tv, cols, fcols, item.name, item.on_delete, item.on_update, item.site, doc)
                if fk is not None:
                    fks.append(fk)
            elif isinstance(item, UniqueBuilder):
                if not item.columns or not all(isinstance(c, ColumnRef) for c in item.columns):
                    ev.report(ERROR, item.site, f"unique constraint of table {label_table!r} has no readable .on(...) columns", "dynamic-constraint")
                    continue
                cased = [self.cased_name(c) for c in item.columns]
                # drizzle-orm names it from the raw (un-cased) column names
                raw_names = [self.raw_name(c) for c in item.columns]
                name = item.name if isinstance(item.name, str) else names.name("unique_on", tv.name, raw_names)
                uniques.append(UniqueConstraint(name, tuple(cased), item.nulls_not_distinct, False, doc, item.site.file, item.site.line))
            elif isinstance(item, CheckValue):
                if not isinstance(item.name, str):
                    ev.report(ERROR, item.site, f"check constraint of table {label_table!r} has no static name", "dynamic-constraint")
                    continue
                text = self.sql_or_report(item.sql, item.site, f"check {item.name!r}", not self.qualified,
                                          self.inline_checks)
                if text is not None:
                    checks.append(Check(item.name, text, doc, item.site.file, item.site.line))
            elif isinstance(item, PolicyValue):
                p = self.policy(item)
                if p is not None:
                    policies.append(p)
            elif isinstance(item, Unknown):
                ev.report(ERROR, item.site or item_site, f"an entry of table {label_table!r}'s third argument cannot be read: {item.reason}", "dynamic-constraint")
            elif item is UNDEFINED or item is None:
                continue
            else:
                ev.report(WARNING, item_site, f"an entry of table {label_table!r}'s third argument is not an index or constraint; ignored", "dynamic-constraint")
        for pv in linked_policies:  # pgPolicy(...).link(table), declared outside the table
            p = self.policy(pv)
            if p is not None:
                policies.append(p)
        if not names.column_unique_kept:  # 1.0: unique().on(c) replaces c's own .unique()
            on = {u.columns for u in uniques if not u.from_column}
            uniques = [u for u in uniques if not (u.from_column and u.columns in on)]
        table = Table(
            name=tv.name,
            schema=tv.schema or self.default_schema,
            variable=tv.variable,
            columns=tuple(columns),
            primary_key=primary_key,
            foreign_keys=tuple(fks),
            indexes=tuple(indexes),
            uniques=tuple(uniques),
            checks=tuple(checks),
            policies=tuple(policies),
            rls_enabled=tv.rls or bool(self.names.policies_enable_rls and policies),
            description=tv.doc,
            file=site.file,
            line=site.line,
        )
        return self.dialect.finish_table(table, self._report, names)

    def _report(self, severity: str, file: str, line: int, message: str, code: str) -> None:
        self.ev.report(severity, Site(file, line), message, code)

    def extra_items(self, tv: TableValue):
        """(item, JSDoc, site) for each entry of pgTable's third argument."""
        extra = tv.extra
        if extra is UNDEFINED or extra is None:
            return []
        if not isinstance(extra, JSFunction):
            self.ev.report(ERROR, tv.site, f"third argument of table {tv.name!r} is not a function", "dynamic-constraint")
            return []
        cols = JSObject({prop: ColumnRef(tv, prop) for prop in tv.columns.props if not prop.startswith("\0")})
        result = self.ev.call_function(extra, [cols])
        items: list = []
        docs = _element_docs(extra)
        if isinstance(result, list):
            for i, item in enumerate(result):
                doc = docs[i] if i < len(docs) else NO_DOC
                items.append((item, doc, tv.site))
        elif isinstance(result, JSObject):
            for key, item in result.props.items():
                meta = result.meta.get(key)
                items.append((item, meta.doc if meta else NO_DOC, meta.site if meta and meta.site else tv.site))
        elif isinstance(result, Unknown):
            self.ev.report(ERROR, result.site or tv.site, f"third argument of table {tv.name!r} cannot be read: {result.reason}", "dynamic-constraint")
        return items

    def index(self, tv: TableValue, ib: IndexBuilder, doc) -> Optional[Index]:
        ev = self.ev
        if ib.columns is None:
            ev.report(ERROR, ib.site, f"index on table {tv.name!r} has no .on(...) columns", "dynamic-index")
            return None
        cols: list[IndexColumn] = []
        names: list[str] = []
        has_expr = False
        for c in ib.columns:
            if isinstance(c, ColumnRef):
                name = self.cased_name(c)
                names.append(name)
                cols.append(IndexColumn(name, False, (c.order or "asc") == "asc", c.nulls or "last", c.opclass))
            elif isinstance(c, SQLValue):
                has_expr = True
                text, problem = self.render_sql(c, indexes=True)
                if problem:
                    ev.report(WARNING, ib.site, f"index expression is not fully static ({problem})", "dynamic-index")
                cols.append(IndexColumn(text, True, True, "last", None))
                names.append(text)
            else:
                reason = c.reason if isinstance(c, Unknown) else "not a column or sql``"
                ev.report(ERROR, ib.site, f"index column on table {tv.name!r} cannot be read: {reason}", "dynamic-index")
                return None
        if isinstance(ib.name, str) and ib.name:
            name = ib.name
        else:
            if has_expr:
                ev.report(ERROR, ib.site, f"index on an expression in table {tv.name!r} needs a name (drizzle-kit refuses to generate one)", "index-name")
            name = self.names.name("index", tv.name, names)
        where = None
        if ib.where is not None and ib.where is not UNDEFINED:
            where = self.sql_or_report(ib.where, ib.site, f"where clause of index {name!r}", not self.qualified_where,
                                       not self.qualified_where)
        with_: tuple = ()
        if isinstance(ib.with_, JSObject):
            with_ = tuple((k, js_string(v) or "") for k, v in ib.with_.props.items())
        return Index(name, tuple(cols), ib.unique, ib.method, where, ib.concurrently, with_, doc, ib.site.file, ib.site.line)

    def foreign_key(self, tv, cols, fcols, name, on_delete, on_update, site, doc) -> Optional[ForeignKey]:
        ftable = fcols[0].table
        raw_from = [self.raw_name(c) for c in cols]
        raw_to = [self.raw_name(c) for c in fcols]
        cased_from = [self.cased_name(c) for c in cols]
        cased_to = [self.cased_name(c) for c in fcols]
        if isinstance(name, str):
            fk_name = name
        else:
            fk_name = self.names.name("foreign_key", tv.name, raw_from, ftable.name, raw_to)
        if self.casing is not None:
            for o, c in zip(raw_from, cased_from):
                fk_name = fk_name.replace(o, c, 1)
            for o, c in zip(raw_to, cased_to):
                fk_name = fk_name.replace(o, c, 1)
        return ForeignKey(
            name=fk_name,
            columns=tuple(cased_from),
            foreign_schema=ftable.schema or self.default_schema,
            foreign_table=ftable.name,
            foreign_columns=tuple(cased_to),
            on_delete=self.action(on_delete),
            on_update=self.action(on_update),
            description=doc,
            file=site.file,
            line=site.line,
        )

    def action(self, action: Any) -> str:
        """An FK action as the snapshot spells it (0.x ``cascade``, 1.0 ``CASCADE``)."""
        text = action if isinstance(action, str) else "no action"
        return text.upper() if self.names.upper_actions else text

    def identity(self, b: ColumnBuilder, tv: TableValue, name: str, sql_type: str) -> Optional[Identity]:
        if b.identity is None:
            return None
        kind, opts = b.identity

        def opt(key):
            v = opts.get(key) if isinstance(opts, JSObject) else UNDEFINED
            return None if v is UNDEFINED else js_string(v)

        family = b.column_type
        increment = opt("increment") or "1"
        neg = _float(increment) < 0
        min_value = opt("minValue") or ({"integer": "-2147483648", "bigint": "-9223372036854775808"}.get(family, "-32768") if neg else "1")
        max_value = opt("maxValue") or ("-1" if neg else {"integer": "2147483647", "bigint": "9223372036854775807"}.get(sql_type, "32767"))
        start = opt("startWith") or (max_value if neg else min_value)
        cache = opt("cache") or "1"
        cycle = opts.get("cycle") is True if isinstance(opts, JSObject) else False
        seq_name = opt("name") or self.names.name("identity_sequence", tv.name, column=name)
        return Identity(kind, seq_name, tv.schema or self.default_schema, increment, start, min_value, max_value, cache, cycle)

    def policy(self, p: PolicyValue) -> Optional[Policy]:
        if not isinstance(p.name, str):
            self.ev.report(ERROR, p.site, "policy name is not static", "dynamic-name")
            return None
        cfg = p.config
        as_ = cfg.get("as")
        for_ = cfg.get("for")
        to = cfg.get("to")
        roles: list[str] = []
        if to is UNDEFINED or to is None:
            roles = ["public"]
        else:
            for r in to if isinstance(to, list) else [to]:
                if isinstance(r, str):
                    roles.append(r)
                elif isinstance(r, RoleValue):
                    roles.append(r.name)
        using = cfg.get("using")
        check = cfg.get("withCheck")
        return Policy(
            name=p.name,
            as_=as_.upper() if isinstance(as_, str) else "PERMISSIVE",
            for_=for_.upper() if isinstance(for_, str) else "ALL",
            to=tuple(sorted(roles)),
            using=self.sql_or_report(using, p.site, f"policy {p.name!r} using") if using is not UNDEFINED else None,
            with_check=self.sql_or_report(check, p.site, f"policy {p.name!r} withCheck") if check is not UNDEFINED else None,
            file=p.site.file,
            line=p.site.line,
        )

    # -- relations -----------------------------------------------------------------
    def relations_v1(self, rv, table_keys: dict) -> list[tuple[Any, Relation]]:
        out = []
        if not isinstance(rv.fn, JSFunction) or not isinstance(rv.table, TableValue):
            self.ev.report(WARNING, rv.site, "relations() whose table or callback cannot be read; ignored", "relations")
            return out
        result = self.ev.call_function(rv.fn, [RELATION_HELPERS])
        if not isinstance(result, JSObject):
            self.ev.report(WARNING, rv.site, "relations() callback does not return a static object; ignored", "relations")
            return out
        for prop, spec in result.props.items():
            if not isinstance(spec, RelationSpec) or not isinstance(spec.target, TableValue):
                self.ev.report(WARNING, rv.site, f"relation {prop!r} cannot be read; ignored", "relations")
                continue
            cfg = spec.config if isinstance(spec.config, JSObject) else JSObject()
            fields = cfg.get("fields")
            refs = cfg.get("references")
            rel_name = cfg.get("relationName")
            meta = result.meta.get(prop)
            site = meta.site if meta and meta.site else spec.site
            out.append((rv.table, Relation(
                name=prop,
                kind=spec.kind,
                target=spec.target.name,
                target_schema=spec.target.schema or self.default_schema,
                fields=tuple(self.cased_name(c) for c in fields if isinstance(c, ColumnRef)) if isinstance(fields, list) else (),
                references=tuple(self.cased_name(c) for c in refs if isinstance(c, ColumnRef)) if isinstance(refs, list) else (),
                relation_name=rel_name if isinstance(rel_name, str) else None,
                source="relations",
                file=site.file,
                line=site.line,
            )))
        return out

    def relations_v2(self, dv) -> list[tuple[Any, Relation]]:
        out = []
        if isinstance(dv.tables, Namespace) and dv.tables.names is not None:  # import * as schema
            dv.tables = JSObject({n: dv.tables.members(n) for n in dv.tables.names()})
        if not isinstance(dv.tables, JSObject):
            self.ev.report(WARNING, dv.site, "defineRelations() schema cannot be read; ignored", "relations")
            return out
        if not isinstance(dv.fn, JSFunction):
            return out
        result = self.ev.call_function(dv.fn, [relations_helper_v2(dv.tables)])
        if not isinstance(result, JSObject):
            self.ev.report(WARNING, dv.site, "defineRelations() callback does not return a static object; ignored", "relations")
            return out
        for table_key, rels in result.props.items():
            source = dv.tables.get(table_key)
            if not isinstance(source, TableValue) or not isinstance(rels, JSObject):
                continue
            for prop, spec in rels.props.items():
                if not isinstance(spec, RelationSpec):
                    continue
                target = dv.tables.get(spec.target) if isinstance(spec.target, str) else UNDEFINED
                if not isinstance(target, TableValue):
                    continue
                cfg = spec.config if isinstance(spec.config, JSObject) else JSObject()
                frm = cfg.get("from")
                to = cfg.get("to")
                frm_list = frm if isinstance(frm, list) else ([frm] if isinstance(frm, ColumnRef) else [])
                to_list = to if isinstance(to, list) else ([to] if isinstance(to, ColumnRef) else [])
                through = None
                for c in frm_list:
                    if isinstance(c, ColumnRef) and isinstance(c.through, ColumnRef):
                        through = c.through.table.name
                alias = cfg.get("alias")
                optional = cfg.get("optional")
                meta = rels.meta.get(prop)
                site = meta.site if meta and meta.site else spec.site
                out.append((source, Relation(
                    name=prop,
                    kind=spec.kind,
                    target=target.name,
                    target_schema=target.schema or self.default_schema,
                    fields=tuple(self.cased_name(c) for c in frm_list if isinstance(c, ColumnRef)),
                    references=tuple(self.cased_name(c) for c in to_list if isinstance(c, ColumnRef)),
                    relation_name=alias if isinstance(alias, str) else None,
                    through=through,
                    source="defineRelations",
                    optional=optional if isinstance(optional, bool) else None,
                    file=site.file,
                    line=site.line,
                )))
        return out

    # -- other entities --------------------------------------------------------------
    def enum(self, en: EnumNative) -> Enum:
        e = en.value
        unknown = None
        if e.unknown is not None:
            unknown = UnknownPart("values", e.unknown.reason, *_where(e.unknown.site, e.site))
        return Enum(e.name, tuple(e.values), e.schema or self.default_schema, e.variable, e.doc, e.site.file, e.site.line,
                    unknown)

    def sequence(self, s: SequenceValue) -> Sequence:
        o = s.options

        def opt(k):
            v = o.get(k)
            return None if v is UNDEFINED else js_string(v)

        # the defaults drizzle-kit writes into its snapshot
        increment = opt("increment") or "1"
        neg = _float(increment) < 0
        min_value = opt("minValue") or ("-9223372036854775808" if neg else "1")
        max_value = opt("maxValue") or ("-1" if neg else "9223372036854775807")
        start = opt("startWith") or (max_value if neg else min_value)
        return Sequence(s.name, s.schema or self.default_schema, increment, start, min_value, max_value,
                        opt("cache") or "1", o.get("cycle") is True, s.variable, s.doc, s.site.file, s.site.line)

    def view(self, v: ViewValue) -> Optional[View]:
        b = v.builder
        if not isinstance(b.name, str):
            self.ev.report(ERROR, b.site, "view name is not static; the view is skipped", "dynamic-name")
            return None
        definition = None
        if isinstance(v.query, SQLValue):
            definition, _problem = self.render_sql(v.query)
        columns: list[Column] = []
        if isinstance(b.columns, JSObject):
            for prop, cb in b.columns.props.items():
                if isinstance(cb, ColumnBuilder):
                    t = cb.sql_type()
                    meta = b.columns.meta.get(prop)
                    columns.append(Column(
                        # drizzle-kit applies no casing to view columns
                        name=cb.name or prop, property=prop, type=t if isinstance(t, str) else "unknown",
                        not_null=cb.not_null, builder=cb.builder,
                        description=meta.doc if meta else NO_DOC,
                        file=(meta.site.file if meta and meta.site else b.site.file),
                        line=(meta.site.line if meta and meta.site else b.site.line),
                    ))
        site = b.site
        return View(b.name, b.schema or self.default_schema, b.materialized, tuple(columns), definition, v.existing,
                    v.variable, v.doc, site.file, site.line, b.options)


def _inline_param(v: Any) -> str:
    """drizzle-orm's ``mapInlineParam`` with PostgreSQL's ``escapeString``."""
    if v is None:
        return "null"
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, (int, float)):
        return js_string(v)
    text = v if isinstance(v, str) else (json_stringify(v) if isinstance(v, JSObject) else js_string(v))
    return "'" + str(text).replace("'", "''") + "'"


def _where(site: Optional[Site], fallback: Site) -> tuple[str, int]:
    """(file, line) of ``site``, else of ``fallback``."""
    site = site or fallback
    return site.file, site.line


def _float(text: str) -> float:
    try:
        return float(text)
    except ValueError:
        return 0.0


def _element_docs(fn: JSFunction) -> list[Doc]:
    """JSDoc of each element of the array an extra-config callback returns, by position."""
    module = fn.module
    body = module.node(fn.body)
    if body is None:
        return []
    node = body
    if node.type == "statement_block":
        ret = next((c for c in node.named_children if c.type == "return_statement"), None)
        node = ret.named_children[0] if ret is not None and ret.named_children else None
    while node is not None and node.type == "parenthesized_expression":
        node = node.named_children[-1] if node.named_children else None
    if node is None or node.type != "array":
        return []
    children = node.children
    return [module.doc_before(child, children, i) for i, child in enumerate(children) if child.is_named and child.type != "comment"]
