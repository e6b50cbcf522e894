"""What differs between SQL dialects, as one object per dialect: :class:`Dialect`.

A dialect knows its drizzle core package and builders (``natives``), its default schema, how it
truncates and quotes identifiers, the constraint names drizzle-kit gives when none is written
(:class:`KitNaming`, one per drizzle-kit generation), how its migrations' SQL and snapshots are
read, how a live catalog is read and how comments are written.  Everything outside
``dialects/`` asks the project's dialect instead of assuming PostgreSQL.

The layers below never import a dialect: the TypeScript evaluator knows no SQL, and the drizzle
builder (:mod:`drizzle_doc.drizzle.build`) is handed the dialect by its caller.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from typing import Any, Callable, Mapping, Optional, Sequence


def unstated_table(table: Any, name: str) -> Optional[str]:
    """The comment a DDL export writes instead of ``CREATE TABLE`` for a table with a part that
    could not be evaluated statically (``Column.unknown``), naming each part and why; None when
    all of it is known.  ``name`` is the table as the dialect quotes it."""
    parts = ['"' + c.name + '" ' + (u.part if u.part != "name" else "column") + ": " + " ".join(u.reason.split())
             for c in table.columns for u in c.unknown]
    if not parts:
        return None
    return f"-- TABLE {name}: not all of it is known statically (not exported): {'; '.join(parts)}"


@dataclass(frozen=True)
class KitRelease:
    """Releases of one drizzle-kit generation that wrote something in their snapshots their own
    way (1.0's betas wrote a boolean default ``0``, its RCs ``false``).  ``explains(difference,
    model table, migrated table)`` is true when the migrated side of the difference is exactly what
    those releases wrote for the models' side: the project's own snapshot shows its kit was one of
    them, so the pair is the same thing spelled twice, not drift."""

    name: str  # the releases, as drizzle-kit numbers them ("1.0.0-beta.2")
    spells: str  # what they spell their own way, for a reader
    explains: Callable[[Any, Any, Any], bool]


@dataclass(frozen=True)
class KitNaming:
    """The names one drizzle-kit generation gives constraints and sequences nobody named.

    The patterns are ``str.format`` patterns over ``table``, ``columns`` (the column names joined
    by ``_``), ``foreign_table``, ``foreign_columns`` and ``column`` (drizzle-kit 0.x:
    ``users_email_unique``, 1.0: ``users_email_key``).  The fields after them are the few other
    things a generation does its own way, as data or small hooks (defaults: 0.x's behaviour); a
    new generation is a new instance, chosen per project (``Dialect.naming(project.kit)``).
    """

    generation: str
    primary_key: str  # a primary key declared on a column
    composite_primary_key: str  # primaryKey({ columns }) without a name
    unique: str  # .unique() on a column, without a name
    index: str  # index().on(...) without a name
    foreign_key: str  # .references() / foreignKey() without a name
    identity_sequence: str  # the sequence behind a generated identity column
    unique_on: str = ""  # unique().on(...) without a name; "": the ``unique`` pattern
    # the config's ``casing`` renames columns (0.x); else only the table's own casing does
    # (1.0: ``snakeCase.table``, ``pgTableCreator(fn, "snake_case")``, ``pgSchema(name, casing)``)
    config_casing: bool = True
    # default names are built from the un-cased property names and then re-cased (0.x) rather
    # than from the columns' final names (1.0)
    names_from_keys: bool = True
    # checks and index WHERE clauses: columns qualified ``"t"."c"`` and params as ``$1`` (0.x),
    # else unqualified with params inlined as literals (1.0: ``"price" >= 0``)
    qualified_checks: bool = True
    # index WHERE clauses qualified or not when that differs from checks (None: as checks;
    # kit 1.0's SQLite keeps ``"tasks"."status"`` there while its checks say ``"status"``)
    qualified_where: Optional[bool] = None
    # params of unqualified checks inlined as literals (None: exactly when unqualified; kit 1.0's
    # SQLite writes them as ``?``)
    inline_check_params: Optional[bool] = None
    object_enum_schema: bool = False  # an enum built from a TS enum object keeps its schema (1.0)
    policies_enable_rls: bool = False  # a table with a policy has RLS enabled (1.0)
    upper_actions: bool = False  # FK actions as ``CASCADE``, ``NO ACTION`` when not given (1.0)
    nested_arrays: bool = True  # each .array() call adds a dimension (0.x); 1.0 reads the last call's only
    # a column's own .unique() is kept beside a unique().on() of that column (0.x); 1.0 keeps only the latter
    column_unique_kept: bool = True
    # kinds ("foreign_key", "unique", "index", "primary_key") whose unnamed objects keep the name
    # their migration gave them when nothing but the name would change (kit 1.0's
    # ``preserveEntityNames``: after a table rename, its foreign keys keep their old names)
    preserved_names: tuple[str, ...] = ()
    # hooks: a too-long default FK name shortened (name, table) -> name; a column type respelled
    shorten_foreign_key: Optional[Callable[[str, str], str]] = None
    respell_type: Optional[Callable[[str], str]] = None
    # a default as this generation spells it:
    # (text as 0.x spells it, SQL type, JS value, from sql``, an enum column) -> text
    respell_default: Optional[Callable[[str, str, Any, bool, bool], Optional[str]]] = None
    # what earlier releases of this generation spelled their own way (a 1.0 beta, an RC): a
    # difference between the models and a migration that one of them explains is no drift
    releases: tuple["KitRelease", ...] = ()

    def release_spelling(self, difference: Any, model: Any, migrated: Any) -> Optional["KitRelease"]:
        """The release of this generation whose snapshot spells ``difference`` (one of
        :func:`drizzle_doc.model.compare.compare_tables`'s, migrations on the left) its own way, as
        the migrated table shows; None when no release explains it."""
        for release in self.releases:
            if release.explains(difference, model, migrated):
                return release
        return None

    def name(self, pattern: str, table: str, columns: Sequence[str] = (), foreign_table: str = "",
             foreign_columns: Sequence[str] = (), column: str = "") -> str:
        if pattern == "unique_on" and not self.unique_on:
            pattern = "unique"
        text = getattr(self, pattern).format(
            table=table, columns="_".join(columns), foreign_table=foreign_table,
            foreign_columns="_".join(foreign_columns), column=column)
        if pattern == "foreign_key" and self.shorten_foreign_key is not None:
            text = self.shorten_foreign_key(text, table)
        return text


class Dialect:
    """One SQL dialect.  Subclasses set the attributes and implement the readers."""

    #: drizzle-kit's ``dialect`` value ("postgresql", "mysql", "sqlite")
    name: str = ""
    #: the drizzle package whose builders declare tables ("drizzle-orm/pg-core")
    core_package: str = ""
    #: the schema a table without one lives in (None where the dialect has no schemas)
    default_schema: Optional[str] = None
    #: the default schema is a name its users see and write (PostgreSQL's ``public``); where it
    #: is not (MySQL's connection database, SQLite's ``main``), pages, diagrams and messages name
    #: its tables bare and give it no heading, while model keys keep it (``main.users``)
    default_schema_named: bool = False
    #: drizzle-kit generation -> its naming rules
    kit_naming: Mapping[str, KitNaming] = {}

    def natives(self) -> dict[str, Any]:
        """The evaluator's native packages for a schema in this dialect (package name -> namespace)."""
        raise NotImplementedError

    def naming(self, generation: str = "0") -> KitNaming:
        return self.kit_naming[generation]

    def schema_of(self, schema: Optional[str]) -> Optional[str]:
        """The schema an object lives in: its own, else the dialect's default."""
        return schema or self.default_schema

    def shown_schema(self, schema: Optional[str]) -> Optional[str]:
        """A schema as pages and messages name it: None for a default schema nobody names."""
        schema = self.schema_of(schema)
        return None if schema == self.default_schema and not self.default_schema_named else schema

    def shown_key(self, key: str) -> str:
        """A ``schema.name`` model key as pages and messages name it (``main.users`` -> ``users``
        in SQLite; PostgreSQL keeps ``public.users``)."""
        schema, dot, name = key.partition(".")
        return name if dot and self.shown_schema(schema) is None else key

    def stored_identifier(self, name: str) -> str:
        """An identifier as the database stores it (PostgreSQL cuts at 63 bytes)."""
        return name

    def quote_ident(self, name: str) -> str:
        raise NotImplementedError

    # -- spelling: the one canonical spelling of this dialect's types and expressions --------
    def same_type(self, a: str, b: str) -> bool:
        raise NotImplementedError

    def same_expr(self, a: Optional[str], b: Optional[str]) -> bool:
        raise NotImplementedError

    #: a unique constraint is the unique index of its name (MySQL), compared as one
    unique_constraints_are_indexes: bool = False
    #: the database keeps no names for foreign keys (SQLite): compared by what they are
    unnamed_foreign_keys: bool = False

    def implies_not_null(self, type_: str) -> bool:
        """A column of this type is NOT NULL whatever it declares (PostgreSQL's serials)."""
        return False

    def canonical_expr(self, text: Optional[str]) -> Optional[str]:
        raise NotImplementedError

    # -- the drizzle builder's dialect hooks (PostgreSQL's behaviour by default) -----------
    #: a generated column's expression names columns qualified (``"users"."a"``, pg-core) or
    #: bare and in parentheses (``("a")``, sqlite-core)
    qualified_generated: bool = True
    #: an object or array default is written as quoted JSON (sqlite-core) rather than refused
    json_literal_defaults: bool = False

    def sql_name(self, name: str) -> str:
        """A name as drizzle's ``sqlToQuery`` escapes it in checks, defaults and views (pg-core: ``"x"``)."""
        return '"' + name.replace('"', '""') + '"'

    def sql_param(self, number: int) -> str:
        """A parameter as drizzle's ``sqlToQuery`` writes it (pg-core: ``$1``)."""
        return f"${number}"

    def json_default(self, text: str, sql_type: str) -> str:
        """A JSON value's default for a ``json``/``jsonb`` column (pg-core: ``'{}'::jsonb``)."""
        return f"'{text}'::{sql_type}"

    def literal_default(self, text: str, sql_type: str) -> str:
        """A literal (not ``sql``) default as the snapshot finally writes it; PostgreSQL keeps it."""
        return text

    def finish_table(self, table, report, naming: Optional[KitNaming] = None):
        """The table as drizzle-kit's snapshot for this dialect states it (``report(severity,
        file, line, message, code)`` for what it refuses; ``naming``: the project's drizzle-kit
        generation); PostgreSQL keeps it as built."""
        return table

    # -- lint: the spec's assumptions in this dialect's own builders (PostgreSQL's by default) --
    #: the database makes an index for every foreign key that has none (InnoDB does)
    indexes_foreign_keys: bool = False

    def is_uuid_key(self, column) -> bool:
        """A primary key column holds UUIDs (pg-core: the ``uuid`` type)."""
        return column.type.split("(")[0].strip().lower() == "uuid"

    def uuid_key_code(self, prop: str, name: str) -> str:
        """The core package's code for a UUID primary key column ``prop`` named ``name``."""
        return f'{prop}: uuid("{name}").primaryKey().defaultRandom()'

    def timestamp_code(self, prop: str, name: str, on_update: bool) -> str:
        """The core package's code for a NOT NULL timestamp column set on insert (and on update)."""
        code = f'{prop}: timestamp("{name}", {{ withTimezone: true }}).notNull().defaultNow()'
        return code + ".$onUpdate(() => new Date())" if on_update else code

    # -- migrations ----------------------------------------------------------------------
    def parse_migration(self, text: str, file: str, snapshot=None):
        """A migration's SQL -> (statements, diagnostics); see ``history``."""
        raise NotImplementedError

    def load_snapshot(self, data: Any):
        """A drizzle-kit snapshot (parsed JSON) -> model Schema."""
        raise NotImplementedError

    def snapshot_renames(self, data: Any) -> tuple[dict[str, str], dict[str, str]]:
        raise NotImplementedError

    # -- a live database and comments --------------------------------------------------------
    #: named objects this database keeps no name for (SQLite's foreign keys, MySQL's primary key,
    #: always ``PRIMARY``): ``verify`` pairs them with the model's by their columns
    #: (:func:`drizzle_doc.model.compare.adopt_names`)
    catalog_unnamed: tuple[str, ...] = ()
    #: why this database keeps no table or column comments (SQLite), None where it keeps them:
    #: ``comments-sql`` and ``verify --db-comments`` say it and stop (exit 2)
    no_comments: Optional[str] = None

    def open_catalog(self, url: str):
        """A context manager: a strictly read-only connection to the live database at ``url``.

        Raises :class:`~drizzle_doc.errors.UsageError` / :class:`~drizzle_doc.errors.DatabaseError`
        (exit 2) with the URL masked (:mod:`drizzle_doc.masking`) for a URL of another kind, a
        missing driver, an unreachable server or a failed login."""
        raise NotImplementedError

    def read_catalog(self, conn, schemas):
        """The live database's tables (and enums, views) in ``schemas`` as a model Schema, spelled
        as drizzle-kit's snapshot for this dialect spells them."""
        raise NotImplementedError

    def read_comments(self, conn, schemas) -> "CatalogComments":
        """The database's table and column comments in ``schemas``."""
        raise NotImplementedError

    def as_catalog(self, table):
        """A model table as this database's catalog can state it (MySQL: a unique constraint is a
        unique index, every index a B-tree); the model is compared with the live catalog in this shape."""
        return table

    def stored_on_update(self, column) -> Optional[str]:
        """The ``ON UPDATE`` the database itself applies to ``column`` (MySQL's ``onUpdateNow()``),
        None where the dialect has none (an app-side ``$onUpdate`` never counts)."""
        return None

    def comments_sql(self, schema) -> str:
        raise NotImplementedError

    # -- pages: what a developer reading this dialect's docs is told --------------------------
    #: drizzle's TypeScript type of a column's values (``$inferSelect``) by builder; a mapping by
    #: the builder's ``mode`` where it has modes (key None: the mode it takes when none is given)
    ts_types: Mapping[str, Any] = {}
    #: a SQL type's builder where the two are not spelled alike (``double precision`` -> ``doublePrecision``):
    #: how a model read from SQL or a snapshot (no builder recorded) finds its column's TypeScript type
    builder_aliases: Mapping[str, str] = {}
    #: its migration reader lists the triggers, functions and views hand-written SQL creates
    reads_hand_written_sql: bool = False
    #: how an insert returns its row: ``returning`` (pg-core, sqlite-core) or mysql-core's
    #: ``$returningId`` (MySQL has no RETURNING: only the new keys come back)
    insert_returning: str = "returning"

    def ts_value_type(self, column) -> Optional[str]:
        """The TypeScript type drizzle gives ``column``'s values (``typeof t.$inferSelect``), without
        its ``| null``; None where it cannot be known from the source (a customType whose ``data``
        is a named type, an unknown builder)."""
        dims = len(_ARRAY_DIMS.findall(column.type.rsplit(")", 1)[-1])) if column.type.endswith("]") else 0
        if column.ts_type and column.enum_values and _IDENT.fullmatch(column.ts_type):
            return column.ts_type + "[]" * dims  # pgEnum("mood", Mood): the TS enum `Mood`
        if column.ts_type:  # $type<T>() is the whole type; a customType's data is its element
            return column.ts_type + ("[]" * dims if column.builder == "customType" else "")
        if column.enum_values:
            base = " | ".join(json.dumps(v) for v in column.enum_values)
            return (f"({base})" if dims and len(column.enum_values) > 1 else base) + "[]" * dims
        entry = self.ts_types.get(column.builder)
        if entry is None and column.builder in ("", "enum", "mysqlEnum"):  # a model read from SQL or a snapshot
            base = re.sub(r"\s*\(.*?\)", "", column.type.lower()).removesuffix("[]" * dims).strip()
            entry = self.ts_types.get(self.builder_aliases.get(base, base)) or \
                self.ts_types.get(base.split(" ")[0])
        if isinstance(entry, Mapping):
            entry = entry.get(column.mode, entry.get(None))
        if entry is None:
            return None
        return (f"({entry})" if dims and " " in entry and not entry.startswith(("[", "{")) else entry) + "[]" * dims

    def performance_notes(self, table, schema, code: Callable[[str], str]) -> list[str]:
        """What holds for ``table`` in this dialect's storage (Markdown; ``code`` makes inline code)."""
        return []

    def unindexed_fk_note(self, table, fk, code: Callable[[str], str]) -> str:
        """A foreign key whose columns lead no index: what that costs here (Markdown)."""
        ref = fk.foreign_table if fk.foreign_schema in (self.default_schema, "public") else \
            f"{fk.foreign_schema}.{fk.foreign_table}"
        props = ", ".join(f"t.{(table.column(c).property if table.column(c) else c)}" for c in fk.columns)
        return (f"Foreign key {code(', '.join(fk.columns))} → {code(ref)} has no index that starts with its "
                f"columns: joins from {code(ref)} and each delete or key update in {code(ref)} scan this "
                f"table. Consider {code(f'index().on({props})')}.")

    def out_of_line(self, column) -> Optional[str]:
        """Where a value of ``column``'s type goes when it is large (``out of line (TOAST)``), or None
        where this dialect keeps it in the row (or the notion does not apply)."""
        return None

    # -- export ------------------------------------------------------------------------------
    def export_sql(self, schema, kit: str = "0") -> str:
        """The DDL the model implies, as this dialect's drizzle-kit ``export`` prints it (``kit``:
        the project's drizzle-kit generation)."""
        raise NotImplementedError(f"no DDL export for the {self.name or 'unknown'} dialect yet")


@dataclass(frozen=True, slots=True)
class CatalogComments:
    """A live database's comments by object: tables ``(schema, table)`` and columns
    ``(schema, table, column)`` (PostgreSQL's ``COMMENT ON``, MySQL's ``COMMENT``)."""

    tables: tuple[tuple[tuple[str, str], str], ...] = ()
    columns: tuple[tuple[tuple[str, str, str], str], ...] = ()


_IDENT = re.compile(r"[A-Za-z_$][\w$]*(?:\.[A-Za-z_$][\w$]*)*")
_ARRAY_DIMS = re.compile(r"\[\d*\]")


def balanced_parens(text: str) -> bool:
    """Every ``(`` in ``text`` is closed, and no ``)`` comes first (quotes not considered)."""
    depth = 0
    for ch in text:
        if ch == "(":
            depth += 1
        elif ch == ")":
            depth -= 1
            if depth < 0:
                return False
    return depth == 0


class SnapshotError(ValueError):
    """The JSON is not a drizzle-kit snapshot this dialect can read."""


class UnsupportedSnapshot(SnapshotError):
    """A well-formed snapshot in a format this version does not read (a version after 9)."""


class UnsupportedDialect(ValueError):
    """A dialect drizzle-doc does not document (yet)."""


_REGISTRY: dict[str, Callable[[], Dialect]] = {}


def register(name: str, factory: Callable[[], Dialect]) -> None:
    _REGISTRY[name] = factory


def registered() -> tuple[str, ...]:
    return tuple(sorted(_REGISTRY))


def lookup(name: str) -> Dialect:
    try:
        return _REGISTRY[name]()
    except KeyError:
        raise UnsupportedDialect(name) from None
