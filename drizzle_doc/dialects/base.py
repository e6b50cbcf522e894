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

from dataclasses import dataclass
from typing import Any, Callable, Mapping, Optional, Sequence


@dataclass(frozen=True)
class KitNaming:
    """The names one drizzle-kit generation gives constraints and sequences nobody named.

    Each field is a ``str.format`` pattern over ``table``, ``columns`` (the raw column names joined
    by ``_``), ``foreign_table``, ``foreign_columns`` and ``column``.  Generations differ in these
    patterns only (drizzle-kit 0.x: ``users_email_unique``); a new generation is a new instance.
    """

    generation: str
    primary_key: str  # a primary key declared on a column
    composite_primary_key: str  # primaryKey({ columns }) without a name
    unique: str  # .unique() on a column, without a name
    index: str  # index().on(...) without a name
    foreign_key: str  # .references() / foreignKey() without a name
    identity_sequence: str  # the sequence behind a generated identity column

    def name(self, pattern: str, table: str, columns: Sequence[str] = (), foreign_table: str = "",
             foreign_columns: Sequence[str] = (), column: str = "") -> str:
        return getattr(self, pattern).format(
            table=table, columns="_".join(columns), foreign_table=foreign_table,
            foreign_columns="_".join(foreign_columns), column=column)


class Dialect:
    """One SQL dialect.  Subclasses set the attributes and implement the readers."""

    #: drizzle-kit's ``dialect`` value ("postgresql", "mysql", "sqlite")
    name: str = ""
    #: the drizzle package whose builders declare tables ("drizzle-orm/pg-core")
    core_package: str = ""
    #: the schema a table without one lives in (None where the dialect has no schemas)
    default_schema: Optional[str] = None
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

    def finish_table(self, table, report):
        """The table as drizzle-kit's snapshot for this dialect states it (``report(severity,
        file, line, message, code)`` for what it refuses); PostgreSQL keeps it as built."""
        return table

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
    def read_catalog(self, conn, schemas):
        raise NotImplementedError

    def comments_sql(self, schema) -> str:
        raise NotImplementedError


class SnapshotError(ValueError):
    """The JSON is not a drizzle-kit snapshot this dialect can read."""


class UnsupportedSnapshot(SnapshotError):
    """A well-formed snapshot in a format this version does not read (drizzle-kit v1's version 8)."""


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
