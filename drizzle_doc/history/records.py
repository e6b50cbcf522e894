"""The history as data: migrations, what each changed, each table's lineage, drift between the models
and the migrations.  Frozen records, no I/O."""

from __future__ import annotations

import datetime as _dt
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Optional

from drizzle_doc.model import Diagnostic, Schema

if TYPE_CHECKING:  # an annotation only: what reads no SQL does not import the operations
    from drizzle_doc.model.operations import HandObject



FIX = "run `drizzle-kit generate`"

# ---------------------------------------------------------------------------
# Data
# ---------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class MigrationRef:
    tag: str  # "0003_drop_legacy_slug" (journal tag, file stem or folder name)
    file: str  # the SQL file, relative posix path from the project root ("" when it is missing)
    when: Optional[int] = None  # ms since the epoch (journal `when` or folder timestamp)
    index: int = 0  # position in the history, from 0
    snapshot: str = ""  # the snapshot, relative posix path, when there is no SQL file (``file`` is "")

    @property
    def date(self) -> Optional[str]:
        """``YYYY-MM-DD`` (UTC) of ``when``."""
        return iso_when(self.when, date_only=True)


@dataclass(frozen=True, slots=True)
class Change:
    migration: MigrationRef
    table: Optional[str]  # table key ("public.users") as named after the migration; None: database-wide
    kind: str  # "table.created", "column.added", "index.dropped", "trigger", "data", …
    summary: str  # one line, e.g. "column bio added (text)"
    column: Optional[str] = None
    target: Optional[str] = None  # index / constraint / enum / trigger name


@dataclass(frozen=True, slots=True)
class HandWritten:
    """A trigger, function or view that hand-written migration SQL created and no later one dropped."""

    obj: HandObject
    created: MigrationRef  # the migration that created it last (CREATE OR REPLACE: the latest)


@dataclass(frozen=True, slots=True)
class Migration:
    ref: MigrationRef
    snapshot: Optional[str] = None  # snapshot file used (relative posix), if any
    statements: int = 0  # SQL statements read
    changes: tuple[Change, ...] = ()  # everything the migration touched, in order
    in_journal: Optional[bool] = None  # None when the folder has no journal


@dataclass(frozen=True, slots=True)
class TableHistory:
    table: str  # key as named in the latest migration ("public.articles")
    created: Optional[MigrationRef]
    changes: tuple[Change, ...] = ()  # later changes (creation not repeated), oldest first
    columns: tuple[tuple[str, MigrationRef], ...] = ()  # column name -> migration that added it
    former_names: tuple[str, ...] = ()  # earlier keys, oldest first
    dropped: Optional[MigrationRef] = None

    def added_in(self, column: str) -> Optional[MigrationRef]:
        for name, ref in self.columns:
            if name == column:
                return ref
        return None


@dataclass(frozen=True, slots=True)
class Drift:
    severity: str
    table: Optional[str]  # table key, None for enums
    message: str
    kind: str  # "table.missing", "column.type", "index.extra", "enum.values", …
    column: Optional[str] = None
    index: Optional[str] = None
    constraint: Optional[str] = None
    enum: Optional[str] = None
    fix: str = FIX
    extra: bool = False  # only the migrations have it: the fix drops it (or adds it back to the models)
    # the SQL files outside drizzle-kit's journal this finding depends on: with them the migrations
    # match the models but drizzle-kit's migrator never runs them (or: they make the difference)
    outside_journal: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class History:
    folder: Optional[str]  # relative posix path, None when no migrations folder was found
    layout: str  # "journal" | "folders" | "sql" | "none"
    migrations: tuple[Migration, ...] = ()
    tables: tuple[TableHistory, ...] = ()
    enums: tuple[tuple[str, MigrationRef], ...] = ()  # enum key -> migration that created it
    drift: tuple[Drift, ...] = ()  # the models against the schema the migrations leave behind
    diagnostics: tuple[Diagnostic, ...] = ()
    objects: tuple[HandWritten, ...] = ()  # triggers, functions and views from hand-written SQL, still there
    outside_journal: tuple[str, ...] = ()  # SQL files in the folder that the journal does not list
    # the schema drizzle-kit's migrator leaves behind (those files left out), where it differs from
    # the one all the SQL files make; None otherwise
    journal_schema: Optional[Schema] = None
    _index: Optional[dict] = field(default=None, init=False, compare=False, hash=False, repr=False)

    def objects_of(self, key: str) -> tuple[HandWritten, ...]:
        """The hand-written objects that concern table ``key``: its triggers, the functions they run,
        and the views and functions that read or write it."""
        triggers = [o for o in self.objects if o.obj.kind == "trigger" and o.obj.table == key]
        called = {r for o in triggers for r in o.obj.refs}
        others = [o for o in self.objects if o.obj.kind != "trigger" and (o.obj.name in called or key in o.obj.refs)]
        return tuple(triggers + others)

    def table(self, key: str) -> Optional[TableHistory]:
        """History of a table by key (``public.users``) or bare name; live tables first."""
        if "." not in key:
            key = f"public.{key}"
        if self._index is None:
            index: dict[str, list[TableHistory]] = {}
            for t in self.tables:
                index.setdefault(t.table, []).append(t)
            object.__setattr__(self, "_index", index)
        found = self._index.get(key, [])
        live = [t for t in found if t.dropped is None]
        return (live or found or [None])[-1]


#: The last millisecond of year 9999: later (or negative) journal times are not dates.
MAX_WHEN = 253402300799999


def journal_when(value: Any) -> Optional[int]:
    """A journal ``when`` as milliseconds since the epoch, or None when it is not one."""
    if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= MAX_WHEN:
        return None
    return value


def iso_when(when: Optional[int], date_only: bool = False) -> Optional[str]:
    if when is None or not isinstance(when, int) or not 0 <= when <= MAX_WHEN:
        return None
    d = _dt.datetime.fromtimestamp(when / 1000, tz=_dt.timezone.utc)
    return d.strftime("%Y-%m-%d") if date_only else d.strftime("%Y-%m-%dT%H:%M:%SZ")
