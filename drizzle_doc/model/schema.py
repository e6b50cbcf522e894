"""The schema model: plain frozen dataclasses, no rendering, no I/O.

Names, SQL types and defaults are spelled exactly as drizzle-kit writes them in
its snapshot (``users_email_unique``, ``timestamp (3) with time zone``,
``'{}'::jsonb``).  Source positions (``file``/``line``) never take part in
equality: two models are equal when they *mean* the same schema.

Every collection is a tuple so the whole model is hashable and immutable.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Optional

from drizzle_doc.model.diagnostics import Diagnostic

#: The schema a dialect's tables live in when none is named: PostgreSQL's ``public``, SQLite's
#: ``main``.  Pages and messages name such tables without it.  (A PostgreSQL schema literally
#: called ``main`` is shown unqualified too.)
UNQUALIFIED_SCHEMAS = frozenset({"public", "main"})


def unqualified(schema: Optional[str]) -> bool:
    """Tables in ``schema`` are named without it (the dialect's default schema)."""
    return schema in UNQUALIFIED_SCHEMAS



# ---------------------------------------------------------------------------
# Documentation attached to source entities
# ---------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class DocTag:
    tag: str  # without the "@", e.g. "deprecated", "see", "example"
    text: str


@dataclass(frozen=True, slots=True)
class Doc:
    """A JSDoc block: its free text and its tags, in source order."""

    text: str = ""
    tags: tuple[DocTag, ...] = ()

    def tag(self, name: str) -> tuple[DocTag, ...]:
        return tuple(t for t in self.tags if t.tag == name)

    def __bool__(self) -> bool:  # an empty JSDoc counts as no description
        return bool(self.text or self.tags)


NO_DOC = Doc()


# ---------------------------------------------------------------------------
# Table parts
# ---------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Identity:
    """``generatedAlwaysAsIdentity`` / ``generatedByDefaultAsIdentity``."""

    type: str  # "always" | "byDefault"
    name: str  # sequence name, e.g. "posts_id_seq"
    schema: str = "public"
    increment: Optional[str] = None
    start_with: Optional[str] = None
    min_value: Optional[str] = None
    max_value: Optional[str] = None
    cache: Optional[str] = None
    cycle: bool = False


@dataclass(frozen=True, slots=True)
class Generated:
    """``generatedAlwaysAs(sql`...`)``: a stored generated column."""

    expression: str
    type: str = "stored"


@dataclass(frozen=True, slots=True)
class Column:
    name: str  # SQL name, after casing
    property: str  # the TypeScript key in the table object
    type: str  # as drizzle-kit's snapshot spells it ("varchar(255)", "text[]", "catalog.product_status")
    not_null: bool = False
    primary_key: bool = False
    default: Optional[str] = None  # SQL text as in the snapshot, or None
    app_default: Optional[str] = None  # "$defaultFn" / "$default" / "$onUpdate" … (app-side, no SQL default)
    on_update: Optional[str] = None  # "$onUpdate" / "$onUpdateFn" when present
    identity: Optional[Identity] = None
    generated: Optional[Generated] = None
    unique: bool = False  # column-level .unique() (the constraint itself is in Table.uniques)
    enum: Optional[str] = None  # qualified enum key ("public.mood") when the column is an enum column
    enum_values: tuple[str, ...] = ()
    # the TypeScript type of its values where the source states it: the text of $type<...>(), else
    # the `data` member of its customType<{ data: ... }>
    ts_type: Optional[str] = None
    mode: Optional[str] = None  # the builder's `mode` option ("date", "string", "number", "bigint", "json" …)
    builder: str = ""  # the drizzle builder used ("varchar", "timestamp", a customType variable, …)
    description: Doc = NO_DOC
    file: str = field(default="", compare=False)
    line: int = field(default=0, compare=False)
    autoincrement: bool = False  # SQLite: INTEGER PRIMARY KEY AUTOINCREMENT (rowids never reused)


@dataclass(frozen=True, slots=True)
class PrimaryKey:
    name: str
    columns: tuple[str, ...]
    composite: bool = False  # declared with primaryKey({...}) rather than on a column
    file: str = field(default="", compare=False)
    line: int = field(default=0, compare=False)


@dataclass(frozen=True, slots=True)
class ForeignKey:
    name: str
    columns: tuple[str, ...]
    foreign_schema: str
    foreign_table: str
    foreign_columns: tuple[str, ...]
    on_delete: Optional[str] = None  # "cascade", "set null", … ; None when not given ("no action" in SQL)
    on_update: Optional[str] = None
    description: Doc = NO_DOC
    file: str = field(default="", compare=False)
    line: int = field(default=0, compare=False)


@dataclass(frozen=True, slots=True)
class IndexColumn:
    expression: str  # column name, or SQL text for an expression
    is_expression: bool = False
    asc: bool = True
    nulls: str = "last"  # "first" | "last"
    opclass: Optional[str] = None


@dataclass(frozen=True, slots=True)
class Index:
    name: str
    columns: tuple[IndexColumn, ...]
    unique: bool = False
    method: str = "btree"
    where: Optional[str] = None
    concurrently: bool = False
    with_: tuple[tuple[str, str], ...] = ()  # storage parameters, e.g. (("fillfactor", "70"),)
    description: Doc = NO_DOC
    file: str = field(default="", compare=False)
    line: int = field(default=0, compare=False)

    @property
    def expressions(self) -> tuple[str, ...]:
        return tuple(c.expression for c in self.columns)


@dataclass(frozen=True, slots=True)
class UniqueConstraint:
    name: str
    columns: tuple[str, ...]
    nulls_not_distinct: bool = False
    from_column: bool = False  # declared with a column's .unique()
    description: Doc = NO_DOC
    file: str = field(default="", compare=False)
    line: int = field(default=0, compare=False)


@dataclass(frozen=True, slots=True)
class Check:
    name: str
    expression: str
    description: Doc = NO_DOC
    file: str = field(default="", compare=False)
    line: int = field(default=0, compare=False)


@dataclass(frozen=True, slots=True)
class Policy:
    name: str
    as_: str = "permissive"
    for_: str = "all"
    to: tuple[str, ...] = ("public",)
    using: Optional[str] = None
    with_check: Optional[str] = None
    file: str = field(default="", compare=False)
    line: int = field(default=0, compare=False)


@dataclass(frozen=True, slots=True)
class Relation:
    """A relationship declared in ``relations()`` or ``defineRelations()``.

    ``target`` is the SQL name of the other table (schema-qualified key in
    ``target_schema``).  ``fields``/``references`` are SQL column names and are
    empty on the side that does not declare them (e.g. a plain ``many(posts)``).
    """

    name: str  # the property name (e.g. "posts", "author")
    kind: str  # "one" | "many"
    target: str
    target_schema: str = "public"
    fields: tuple[str, ...] = ()
    references: tuple[str, ...] = ()
    relation_name: Optional[str] = None
    through: Optional[str] = None  # junction table for defineRelations many-to-many
    source: str = "relations"  # "relations" | "defineRelations"
    optional: Optional[bool] = None
    file: str = field(default="", compare=False)
    line: int = field(default=0, compare=False)


@dataclass(frozen=True, slots=True)
class Table:
    name: str
    schema: str = "public"
    variable: str = ""
    columns: tuple[Column, ...] = ()
    primary_key: Optional[PrimaryKey] = None
    foreign_keys: tuple[ForeignKey, ...] = ()
    indexes: tuple[Index, ...] = ()
    uniques: tuple[UniqueConstraint, ...] = ()
    checks: tuple[Check, ...] = ()
    policies: tuple[Policy, ...] = ()
    relations: tuple[Relation, ...] = ()
    rls_enabled: bool = False
    description: Doc = NO_DOC
    file: str = field(default="", compare=False)
    line: int = field(default=0, compare=False)

    @property
    def key(self) -> str:
        """``schema.name`` as drizzle-kit keys its snapshot (``public.users``)."""
        return f"{self.schema}.{self.name}"

    @property
    def pk_columns(self) -> tuple[str, ...]:
        """The primary key's columns, in key order: the constraint's (primaryKey() or a
        snapshot's), else the columns marked ``.primaryKey()``; empty without a primary key."""
        if self.primary_key is not None and self.primary_key.columns:
            return tuple(self.primary_key.columns)
        return tuple(c.name for c in self.columns if c.primary_key)

    @property
    def declaration(self) -> str:
        """How the table is declared in TypeScript, for messages: ``export const users``."""
        if self.variable == "default":
            return "export default"
        return f"export const {self.variable or self.name}"

    def column(self, name: str) -> Optional[Column]:
        for c in self.columns:
            if c.name == name:
                return c
        return None


@dataclass(frozen=True, slots=True)
class Enum:
    name: str
    values: tuple[str, ...]
    schema: str = "public"
    variable: str = ""
    description: Doc = NO_DOC
    file: str = field(default="", compare=False)
    line: int = field(default=0, compare=False)

    @property
    def key(self) -> str:
        return f"{self.schema}.{self.name}"


@dataclass(frozen=True, slots=True)
class Sequence:
    name: str
    schema: str = "public"
    increment: Optional[str] = None
    start_with: Optional[str] = None
    min_value: Optional[str] = None
    max_value: Optional[str] = None
    cache: Optional[str] = None
    cycle: bool = False
    variable: str = ""
    description: Doc = NO_DOC
    file: str = field(default="", compare=False)
    line: int = field(default=0, compare=False)


@dataclass(frozen=True, slots=True)
class View:
    name: str
    schema: str = "public"
    materialized: bool = False
    columns: tuple[Column, ...] = ()  # only where they are static
    definition: Optional[str] = None  # SQL text where static
    existing: bool = False
    variable: str = ""
    description: Doc = NO_DOC
    file: str = field(default="", compare=False)
    line: int = field(default=0, compare=False)
    # MySQL's view options as declared: ("algorithm", "merge"), ("sqlSecurity", "invoker"),
    # ("withCheckOption", "cascaded"); drizzle-kit's defaults are not filled in
    options: tuple[tuple[str, str], ...] = ()

    @property
    def key(self) -> str:
        return f"{self.schema}.{self.name}"


@dataclass(frozen=True, slots=True)
class Schema:
    """Everything extracted from one Drizzle project."""

    dialect: str = "postgresql"
    tables: tuple[Table, ...] = ()
    enums: tuple[Enum, ...] = ()
    views: tuple[View, ...] = ()
    sequences: tuple[Sequence, ...] = ()
    files: tuple[str, ...] = ()  # schema files read, relative posix paths, sorted
    diagnostics: tuple[Diagnostic, ...] = ()
    _by_key: Optional[dict] = field(default=None, init=False, compare=False, hash=False, repr=False)  # not copied by replace()

    def tables_by_key(self) -> dict[str, Table]:
        """``{"schema.name": Table}``, built once (the model is immutable)."""
        if self._by_key is None:
            object.__setattr__(self, "_by_key", {t.key: t for t in self.tables})
        return self._by_key

    def table(self, name: str, schema: str = "public") -> Optional[Table]:
        return self.tables_by_key().get(f"{schema}.{name}")

    def enum(self, key: str) -> Optional[Enum]:
        for e in self.enums:
            if e.key == key:
                return e
        return None
