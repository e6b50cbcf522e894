"""Migration history and drift, from what drizzle-kit leaves on disk.

Reads a migrations folder in any of its shapes:

* drizzle-kit's journal layout: ``meta/_journal.json`` + ``NNNN_tag.sql`` +
  ``meta/NNNN_snapshot.json``;
* the newer layout of one folder per migration: ``<timestamp>_<name>/migration.sql``
  (+ ``snapshot.json``), no journal;
* SQL files only, ordered by file name.

For every migration the schema *after* it is known either from its snapshot or by
replaying its SQL on the previous schema (:mod:`drizzle_doc.dialects.postgres.ddl`, pglast).
Consecutive schemas are diffed into one-line changes per table; renames come from
the SQL (``RENAME COLUMN`` / ``RENAME TO`` / ``SET SCHEMA``) and the snapshot's
``_meta``; hand-written statements (triggers, COMMENT ON, data fixes) are added as
they are.  Drift compares the extracted model with the last schema.

Everything is data: messy folders become :class:`~drizzle_doc.model.Diagnostic`
values, nothing is printed or raised.
"""

from __future__ import annotations

import dataclasses
import functools
import datetime as _dt
import json
import os
import re
from collections.abc import Collection, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Optional

from drizzle_doc.dialects.postgres import ddl as sqlddl
from drizzle_doc.dialects import dialect_for
from drizzle_doc.dialects.postgres.identifiers import pg_name
from drizzle_doc.model import compare
from drizzle_doc.model import ERROR, INFO, WARNING, Diagnostic, Enum, Schema, Table
from drizzle_doc.project import DEFAULT_MIGRATION_DIRS, Project
from drizzle_doc.dialects.base import SnapshotError, UnsupportedSnapshot
from drizzle_doc import limits
from drizzle_doc.limits import snippet

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


@dataclass(frozen=True, slots=True)
class History:
    folder: Optional[str]  # relative posix path, None when no migrations folder was found
    layout: str  # "journal" | "folders" | "sql" | "none"
    migrations: tuple[Migration, ...] = ()
    tables: tuple[TableHistory, ...] = ()
    enums: tuple[tuple[str, MigrationRef], ...] = ()  # enum key -> migration that created it
    drift: tuple[Drift, ...] = ()  # the models against the schema the migrations leave behind
    diagnostics: tuple[Diagnostic, ...] = ()
    _index: Optional[dict] = field(default=None, init=False, compare=False, hash=False, repr=False)

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


def _journal_when(value: Any) -> Optional[int]:
    """A journal ``when`` as milliseconds since the epoch, or None when it is not one."""
    if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= MAX_WHEN:
        return None
    return value


def iso_when(when: Optional[int], date_only: bool = False) -> Optional[str]:
    if when is None or not isinstance(when, int) or not 0 <= when <= MAX_WHEN:
        return None
    d = _dt.datetime.fromtimestamp(when / 1000, tz=_dt.timezone.utc)
    return d.strftime("%Y-%m-%d") if date_only else d.strftime("%Y-%m-%dT%H:%M:%SZ")


# ---------------------------------------------------------------------------
# Finding and listing the folder
# ---------------------------------------------------------------------------


def find_migrations_dir(project: Project) -> Optional[Path]:
    """``project.migrations`` (config ``out`` / ``--migrations``), else ``drizzle/migrations``,
    else ``drizzle``; None when none of them is a folder."""
    from drizzle_doc.project.contain import boundary_of, is_inside

    candidates = (project.migrations,) if project.migrations else DEFAULT_MIGRATION_DIRS
    for rel in candidates:
        p = project.root / rel
        # a folder that a symlink sends outside the project is not read (a configured one
        # was checked when the config was read; --migrations is the user's own choice)
        if os.path.isdir(p) and (project.migrations_given or is_inside(p, boundary_of(project))):
            return p  # isdir: False (not an OSError) for a name too long, a NUL, a loop
    return None


@dataclass(frozen=True, slots=True)
class _Entry:
    tag: str
    sql: Optional[Path]
    snapshot: Optional[Path]
    when: Optional[int]
    in_journal: Optional[bool]


_NUM = re.compile(r"^(\d+)_")
_FOLDER_TS = re.compile(r"^(\d{14})(?:_|$)")


def _number(name: str) -> Optional[str]:
    m = _NUM.match(name)
    return m.group(1) if m else None


def _folder_when(name: str) -> Optional[int]:
    m = _FOLDER_TS.match(name)
    if not m:
        return None
    try:
        d = _dt.datetime.strptime(m.group(1), "%Y%m%d%H%M%S").replace(tzinfo=_dt.timezone.utc)
    except ValueError:
        return None
    return int(d.timestamp() * 1000)


def _list_folder(folder: Path, rel, json_limit: int = limits.JSON_MAX) -> tuple[str, list[_Entry], list[Diagnostic]]:
    diags: list[Diagnostic] = []
    sql_files = sorted(p for p in folder.glob("*.sql") if p.is_file())
    sub_dirs = sorted(p for p in folder.iterdir() if p.is_dir() and (p / "migration.sql").is_file())
    meta = folder / "meta"
    journal_path = meta / "_journal.json"

    if sub_dirs and not journal_path.exists():
        entries = []
        for d in sub_dirs:
            snap = d / "snapshot.json"
            entries.append(_Entry(d.name, d / "migration.sql", snap if snap.is_file() else None,
                                  _folder_when(d.name), None))
        for p in sql_files:
            diags.append(Diagnostic(WARNING, rel(p), None,
                                    "SQL file outside the per-migration folders: ignored", code="migration-stray"))
        return "folders", entries, diags

    snapshots: dict[str, list[Path]] = {}
    if meta.is_dir():
        for p in sorted(meta.glob("*_snapshot.json")):
            num = _number(p.name)
            if num is not None:
                snapshots.setdefault(num, []).append(p)

    def snapshot_for(tag: str) -> Optional[Path]:
        num = _number(tag)
        found = snapshots.get(num or "", [])
        return found[0] if len(found) == 1 else None

    journal: Optional[list[dict]] = None
    big = limits.too_large(journal_path, json_limit) if journal_path.is_file() else None
    if big:
        diags.append(Diagnostic(ERROR, rel(journal_path), None, big.replace(": skipped", ": not read; migrations "
                                "ordered by file name instead"), code="migration-journal"))
    elif journal_path.is_file():
        try:
            data = json.loads(journal_path.read_text(encoding="utf-8"))
            raw = data["entries"] if isinstance(data, dict) else None
            if not isinstance(raw, list):
                raise ValueError("no `entries` list")
            journal = []
            for i, e in enumerate(raw):
                if not isinstance(e, dict) or not isinstance(e.get("tag"), str):
                    diags.append(Diagnostic(ERROR, rel(journal_path), None,
                                            f"journal entry {i} has no tag: skipped", code="migration-journal"))
                    continue
                journal.append(e)
            journal.sort(key=lambda e: (e.get("idx") if isinstance(e.get("idx"), int) else 10**9))
        except (ValueError, KeyError, TypeError, UnicodeDecodeError, RecursionError) as exc:
            diags.append(Diagnostic(ERROR, rel(journal_path), None,
                                    f"malformed journal ({exc}): migrations ordered by file name instead",
                                    code="migration-journal"))
            journal = None

    by_stem = {p.stem: p for p in sql_files}
    # two files with the same number
    numbers: dict[str, list[Path]] = {}
    for p in sql_files:
        num = _number(p.name)
        if num is not None:
            numbers.setdefault(num, []).append(p)
    for num, files in sorted(numbers.items()):
        if len(files) > 1:
            names = ", ".join(f.name for f in files)
            for f in files:
                diags.append(Diagnostic(WARNING, rel(f), None,
                                        f"{len(files)} migrations share the number {num} ({names})",
                                        code="migration-duplicate"))
    for num, snaps in sorted(snapshots.items()):
        if len(snaps) > 1:
            diags.append(Diagnostic(WARNING, rel(snaps[0]), None,
                                    f"{len(snaps)} snapshots share the number {num}: none of them used",
                                    code="migration-duplicate"))

    if journal is None:
        entries = [_Entry(p.stem, p, snapshot_for(p.stem), None, None) for p in sql_files]
        return "sql", entries, diags

    entries = []
    tags = set()
    for e in journal:
        tag = e["tag"]
        tags.add(tag)
        sql = by_stem.get(tag)
        if sql is None:
            diags.append(Diagnostic(WARNING, rel(journal_path), None,
                                    f"journal entry {tag} has no file {tag}.sql", code="migration-missing"))
        when = _journal_when(e.get("when"))
        if when is None and e.get("when") is not None:
            diags.append(Diagnostic(WARNING, rel(journal_path), None,
                                    f"journal entry {snippet(tag, 80)}: `when` {snippet(json.dumps(e.get('when')), 40)} is not "
                                    "a time in milliseconds since 1970: ignored", code="migration-journal"))
        entries.append(_Entry(tag, sql, snapshot_for(tag), when, True))
    for p in sql_files:
        if p.stem in tags:
            continue
        diags.append(Diagnostic(WARNING, rel(p), None,
                                "not listed in meta/_journal.json: drizzle-kit's migrator will not run it",
                                code="migration-unlisted"))
        extra = _Entry(p.stem, p, None, None, False)
        pos = next((i for i, x in enumerate(entries) if x.tag > p.stem), len(entries))
        entries.insert(pos, extra)
    return "journal", entries, diags


# ---------------------------------------------------------------------------
# Diffing two schemas
# ---------------------------------------------------------------------------


def _cols(names) -> str:
    return ", ".join(names)


def _index_text(ix) -> str:
    return f"({_cols(ix.expressions)})"


def _norm_fk(fk):
    return (fk.columns, fk.foreign_schema or "public", fk.foreign_table, fk.foreign_columns,
            (fk.on_delete or "no action").lower(), (fk.on_update or "no action").lower())


# How the history words a named object: (label, what follows its name)
_NAMED_WORDS = {
    "index": ("index", lambda ix: ("unique " if ix.unique else "") + f"on {_index_text(ix)}"),
    "foreign_key": ("foreign key", lambda f: f"({_cols(f.columns)} -> {f.foreign_table}.{_cols(f.foreign_columns)})"),
    "unique": ("unique constraint", lambda u: f"on ({_cols(u.columns)})"),
    "check": ("check constraint", lambda c: f"({c.expression})"),
    "primary_key": ("primary key", lambda p: f"on ({_cols(p.columns)})"),
}


def _column_change(d: compare.Difference, right: Table, spelling) -> tuple[str, str]:
    old, c = d.left, d.right
    if d.aspect == "type":
        return "column.retyped", f"column {c.name} type changed from {old.type} to {c.type}"
    if d.aspect == "not_null":
        now = compare.effective_not_null(c, right, spelling)
        return "column.nullability", f"column {c.name} {'set NOT NULL' if now else 'made nullable'}"
    if d.aspect == "default":
        before, after = compare.effective_default(old), compare.effective_default(c)
        if after is None:
            return "column.default", f"column {c.name} default dropped (was {before})"
        if before is None:
            return "column.default", f"column {c.name} default set to {after}"
        return "column.default", f"column {c.name} default changed from {before} to {after}"
    if d.aspect == "primary_key":
        return "column.primary_key", f"column {c.name} primary key {'added' if c.primary_key else 'dropped'}"
    if d.aspect == "identity":
        if old.identity is not None and c.identity is not None:
            return "column.identity", f"column {c.name} identity changed from {old.identity.type} to {c.identity.type}"
        return "column.identity", f"column {c.name} identity {'added' if c.identity else 'dropped'}"
    if old.generated is not None and c.generated is not None:
        return "column.generated", f"column {c.name} generated expression changed"
    return "column.generated", f"column {c.name} generated expression {'added' if c.generated else 'dropped'}"


def _table_changes(a: Table, b: Table, spelling) -> list[tuple[str, str, Optional[str], Optional[str]]]:
    """(kind, summary, column, target) for everything that differs between two versions,
    as :func:`drizzle_doc.model.compare.compare_tables` finds it."""
    out: list[tuple[str, str, Optional[str], Optional[str]]] = []
    worded: set[tuple[str, str]] = set()
    for d in compare.compare_tables(a, b, spelling):
        if d.kind == "column":
            if d.change == compare.ADDED:
                out.append(("column.added", f"column {d.name} added ({d.right.type})", d.name, None))
            elif d.change == compare.DROPPED:
                out.append(("column.dropped", f"column {d.name} dropped", d.name, None))
            else:
                kind, summary = _column_change(d, b, spelling)
                out.append((kind, summary, d.name, None))
        elif d.kind in _NAMED_WORDS:
            label, describe = _NAMED_WORDS[d.kind]
            if d.change == compare.DROPPED:
                out.append((f"{d.kind}.dropped", f"{label} {d.name} dropped", None, d.name))
            elif (d.kind, d.name) not in worded:  # one line for an object, whatever changed in it
                worded.add((d.kind, d.name))
                out.append((f"{d.kind}.{d.change}", f"{label} {d.name} {d.change} {describe(d.right)}".rstrip(),
                            None, d.name))
        elif d.kind == "rls":
            out.append(("rls", f"row level security {'enabled' if b.rls_enabled else 'disabled'}", None, None))
    return out


def _enum_changes(a: dict[str, Enum], b: dict[str, Enum]):
    out = []
    for key, e in b.items():
        if key not in a:
            out.append(("enum.created", f"enum {key} created ({', '.join(e.values)})", key))
        elif a[key].values != e.values:
            added = [v for v in e.values if v not in a[key].values]
            removed = [v for v in a[key].values if v not in e.values]
            bits = []
            if added:
                bits.append("added " + ", ".join(added))
            if removed:
                bits.append("removed " + ", ".join(removed))
            out.append(("enum.changed", f"enum {key} values {'; '.join(bits) or 'reordered'}", key))
    for key in a:
        if key not in b:
            out.append(("enum.dropped", f"enum {key} dropped", key))
    return out


# ---------------------------------------------------------------------------
# Building the history
# ---------------------------------------------------------------------------


@dataclass
class _Lineage:
    key: str
    created: Optional[MigrationRef]
    changes: list = field(default_factory=list)
    columns: dict = field(default_factory=dict)
    former: list = field(default_factory=list)
    dropped: Optional[MigrationRef] = None

    def freeze(self) -> TableHistory:
        return TableHistory(
            table=self.key,
            created=self.created,
            changes=tuple(self.changes),
            columns=tuple(self.columns.items()),
            former_names=tuple(self.former),
            dropped=self.dropped,
        )


def _renames(statements, snap_data, dialect) -> tuple[dict[str, str], dict[str, dict[str, str]]]:
    """Table renames {old_key: new_key} and column renames {new_table_key: {old: new}}."""
    chain: list[tuple[str, str]] = []
    col_renames: list[tuple[str, str, str]] = []
    for st in statements:
        for op in st.ops:
            if isinstance(op, sqlddl.RenameTable):
                chain.append((op.key, f"{op.key.split('.', 1)[0]}.{op.new_name}"))
            elif isinstance(op, sqlddl.SetTableSchema):
                chain.append((op.key, f"{op.new_schema}.{op.key.split('.', 1)[1]}"))
            elif isinstance(op, sqlddl.RenameColumn):
                col_renames.append((op.key, op.old, op.new))
    if snap_data is not None:
        mt, mc = dialect.snapshot_renames(snap_data)
        for old, new in mt.items():
            if (old, new) not in chain:
                chain.append((old, new))
        for old, new in mc.items():
            o, n = old.rsplit(".", 1), new.rsplit(".", 1)
            if len(o) == 2 and len(n) == 2 and (n[0], o[1], n[1]) not in col_renames:
                col_renames.append((n[0], o[1], n[1]))

    def final(key: str) -> str:
        for old, new in chain:
            if key == old:
                key = new
        return key

    tables: dict[str, str] = {}
    for old, _ in chain:
        if old not in tables.values():
            tables[old] = final(old)
    tables = {o: n for o, n in tables.items() if o != n}
    columns: dict[str, dict[str, str]] = {}
    for key, old, new in col_renames:
        columns.setdefault(final(key), {})[old] = new
    return tables, columns


def history_digest(history: History, latest: Schema) -> str:
    """sha256 of the history's and the latest schema's ``repr``: deterministic (tuples,
    strings and ints only).  Fed a piece at a time (each migration, table, history of a
    table): the whole ``repr`` of 10,000 tables would be a string of a hundred megabytes."""
    import hashlib

    digest = hashlib.sha256()
    for head, items in ((dataclasses.replace(history, migrations=(), tables=()), (history.migrations, history.tables)),
                        (dataclasses.replace(latest, tables=()), (latest.tables,))):
        digest.update(repr(head).encode("utf-8", "surrogatepass"))
        for group in items:
            digest.update(b"\0\1")
            for item in group:
                digest.update(b"\0")
                digest.update(repr(item).encode("utf-8", "surrogatepass"))
    return digest.hexdigest()


def load_history(project: Project, schema: Optional[Schema] = None) -> History:
    """Read the project's migrations folder; with ``schema`` (the extracted model), also drift."""
    history, latest = read_history(project)
    if schema is None or history.folder is None:
        return history
    return dataclasses.replace(history, drift=compute_drift(schema, latest, project))


def read_history(project: Project) -> tuple[History, Schema]:
    """The history of ``project``'s migrations folder (drift left empty) and the schema they
    leave behind."""
    dialect = project.sql_dialect
    rel = functools.lru_cache(maxsize=None)(project.rel)  # the journal is named once per entry it lacks
    folder = find_migrations_dir(project)
    if folder is None:
        looked = project.migrations or " or ".join(DEFAULT_MIGRATION_DIRS)
        diag = Diagnostic(WARNING, None, None, f"no migrations folder found (looked for {looked}); "
                                               f"{FIX} to create one", code="migration-none")
        return History(folder=None, layout="none", diagnostics=(diag,)), Schema()

    layout, entries, diags = _list_folder(folder, rel, limits.json_max(project.settings))
    file_limit = limits.migration_max(project.settings)
    state = Schema()
    lineages: dict[str, _Lineage] = {}
    finished: list[_Lineage] = []
    enum_created: dict[str, MigrationRef] = {}
    migrations: list[Migration] = []

    for index, entry in enumerate(entries):
        ref = MigrationRef(tag=entry.tag, file=rel(entry.sql) if entry.sql else "", when=entry.when, index=index)
        snap_schema = None
        snap_data = None
        snap_rel = None
        if entry.snapshot is not None:
            snap_rel = rel(entry.snapshot)
            try:
                big = limits.too_large(entry.snapshot, file_limit)
                if big:
                    raise ValueError(big.replace(": skipped", ""))
                snap_data = json.loads(entry.snapshot.read_text(encoding="utf-8"))
                snap_schema = dialect.load_snapshot(snap_data)
            except (ValueError, SnapshotError, UnicodeDecodeError, RecursionError) as exc:
                diags.append(Diagnostic(INFO if isinstance(exc, UnsupportedSnapshot) else ERROR, snap_rel, None,
                                        f"unusable snapshot ({exc}): the schema is rebuilt from the SQL instead",
                                        code="migration-snapshot"))
                snap_data = snap_data if isinstance(snap_data, dict) else None
                snap_schema = None
                snap_rel = None
        statements: tuple = ()
        if entry.sql is not None:
            try:
                big = limits.too_large(entry.sql, file_limit)
                if big:
                    raise OSError(big)
                text = entry.sql.read_text(encoding="utf-8")
            except (OSError, UnicodeDecodeError) as exc:
                diags.append(Diagnostic(ERROR, ref.file, None, f"cannot read migration: {exc}", code="migration-sql"))
                text = ""
            statements, sql_diags = dialect.parse_migration(text, ref.file, snap_schema)
            diags.extend(sql_diags)
        ops = [op for st in statements for op in st.ops]
        new_state = snap_schema if snap_schema is not None else sqlddl.apply(state, ops)
        table_renames, column_renames = _renames(statements, snap_data, dialect)

        changes: list[Change] = []
        before = {t.key: t for t in state.tables}
        after = {t.key: t for t in new_state.tables}
        renamed_from = {new: old for old, new in table_renames.items() if old in before and new in after}
        # lineage moves first, so changes land on the right table
        for new, old in renamed_from.items():
            lin = lineages.pop(old, None)
            if lin is not None:
                lin.former.append(old)
                lin.key = new
                lineages[new] = lin
        for key, t in after.items():
            old_key = renamed_from.get(key, key if key in before else None)
            if old_key is None:
                lin = _Lineage(key=key, created=ref)
                if key in lineages:
                    finished.append(lineages[key])
                lineages[key] = lin
                for c in t.columns:
                    lin.columns[c.name] = ref
                changes.append(Change(ref, key, "table.created", f"table {t.name} created", None, t.name))
                continue
            lin = lineages.setdefault(key, _Lineage(key=key, created=None))
            prev = before[old_key]
            if old_key != key:
                os_, on = old_key.split(".", 1)
                if os_ != t.schema and on != t.name:
                    s = f"table moved from {old_key} to {key}"
                elif os_ != t.schema:
                    s = f"table moved from schema {os_} to {t.schema}"
                else:
                    s = f"table renamed from {on} to {t.name}"
                ch = Change(ref, key, "table.renamed", s, None, t.name)
                changes.insert(0, ch)
                lin.changes.append(ch)
            for old_c, new_c in column_renames.get(key, {}).items():
                if prev.column(old_c) is not None and t.column(new_c) is not None:
                    prev = sqlddl._rename_column(prev, old_c, new_c)
                    if old_c in lin.columns:
                        lin.columns[new_c] = lin.columns.pop(old_c)
                    ch = Change(ref, key, "column.renamed", f"column {old_c} renamed to {new_c}", new_c, None)
                    changes.append(ch)
                    lin.changes.append(ch)
            if prev is t or prev == t:
                continue
            for kind, summary, column, target in _table_changes(prev, t, dialect):
                ch = Change(ref, key, kind, summary, column, target)
                changes.append(ch)
                lin.changes.append(ch)
                if kind == "column.added":
                    lin.columns[column] = ref
                elif kind == "column.dropped":
                    lin.columns.pop(column, None)
        for key in before:
            if key in after or key in table_renames and table_renames[key] in after:
                continue
            ch = Change(ref, key, "table.dropped", f"table {key.split('.', 1)[1]} dropped", None, None)
            changes.append(ch)
            lin = lineages.pop(key, None)
            if lin is not None:
                lin.changes.append(ch)
                lin.dropped = ref
                finished.append(lin)
        for kind, summary, key in _enum_changes({e.key: e for e in state.enums}, {e.key: e for e in new_state.enums}):
            changes.append(Change(ref, None, kind, summary, None, key))
            if kind == "enum.created":
                enum_created[key] = ref
            elif kind == "enum.dropped":
                enum_created.pop(key, None)
        # hand-written statements that touch a table (or the database)
        for op in ops:
            if not isinstance(op, sqlddl.Touch):
                continue
            key = op.key
            if key is not None and key not in lineages:
                key = table_renames.get(key, key)
            ch = Change(ref, key, op.kind, op.summary, None, None)
            changes.append(ch)
            if key is not None and key in lineages:
                lineages[key].changes.append(ch)

        migrations.append(Migration(ref=ref, snapshot=snap_rel, statements=len(statements),
                                    changes=tuple(changes), in_journal=entry.in_journal))
        state = new_state

    tables = sorted([*(x.freeze() for x in finished), *(x.freeze() for x in lineages.values())],
                    key=lambda t: (t.table, t.dropped is None, t.created.index if t.created else -1))
    history = History(
        folder=rel(folder),
        layout=layout,
        migrations=tuple(migrations),
        tables=tuple(tables),
        enums=tuple(sorted(enum_created.items())),
        diagnostics=tuple(sorted(diags, key=Diagnostic.sort_key)),
    )
    return history, state


# ---------------------------------------------------------------------------
# Drift
# ---------------------------------------------------------------------------


def compute_drift(model: Schema, migrated: Schema, project: Optional[Project] = None) -> tuple[Drift, ...]:
    """Everything the models have that no migration made, and the reverse.

    Compared by name, as drizzle-kit's snapshot spells them; types, defaults and
    SQL expressions are compared after pglast re-prints them.
    """
    return drift_by_key(model, migrated.tables_by_key(), migrated.enums)


def drift_fingerprint(t: Table) -> str:
    """A digest of everything :func:`compute_drift` compares in one table: two tables with the
    same fingerprint have no drift between them (different spellings of one type or default
    give different fingerprints, and are then compared in full)."""
    import hashlib

    view = (
        tuple((c.name, c.type, c.not_null, c.default, c.primary_key, c.identity and c.identity.type,
               c.generated and c.generated.expression) for c in t.columns),
        t.pk_columns,
        tuple((pg_name(ix.name), ix.unique, ix.method, ix.where,
               tuple((c.expression, c.is_expression, c.asc, c.nulls, c.opclass) for c in ix.columns))
              for ix in t.indexes),
        tuple((pg_name(f.name), _norm_fk(f)) for f in t.foreign_keys),
        tuple((pg_name(u.name), u.columns, u.nulls_not_distinct) for u in t.uniques),
        tuple((pg_name(c.name), c.expression) for c in t.checks),
    )
    return hashlib.sha256(repr(view).encode("utf-8", "surrogatepass")).hexdigest()


# How drift words a named object: (label, Drift field that names it)
_DRIFT_NAMED = {"index": ("index", "index"), "foreign_key": ("foreign key", "constraint"),
                "unique": ("unique constraint", "constraint"), "check": ("check constraint", "constraint")}


def drift_by_key(model: Schema, dt: Mapping[str, Table], migrated_enums: tuple[Enum, ...],
                 unchanged: Collection[str] = ()) -> tuple[Drift, ...]:
    """:func:`compute_drift` against the migrated tables by key; tables in ``unchanged`` are known
    to match their model (equal :func:`drift_fingerprint`) and are not compared again.  The
    comparing is :func:`drizzle_doc.model.compare.compare_tables`'s, migrations on the left."""
    out: list[Drift] = []
    mt = {t.key: t for t in model.tables}
    spelling = dialect_for(model.dialect)

    def add(sev, table, kind, msg, **kw):
        out.append(Drift(severity=sev, table=table, message=msg, kind=kind, **kw))

    def word(nn):
        return "NOT NULL" if nn else "nullable"

    for key, t in mt.items():
        if key not in dt:
            add(ERROR, key, "table.missing", f"table {key} is in the models but in no migration")
            continue
        if key in unchanged:
            continue
        d = dt[key]
        worded: set[tuple[str, str]] = set()
        for diff in compare.compare_tables(d, t, spelling):
            name = diff.name
            if diff.kind == "column":
                if diff.change == compare.ADDED:
                    add(ERROR, key, "column.missing", f"column {t.name}.{name} is in the models but in no migration",
                        column=name)
                elif diff.change == compare.DROPPED:
                    add(WARNING, key, "column.extra", f"column {t.name}.{name} is in the migrations but not in the models",
                        column=name, extra=True)
                elif diff.aspect == "type":
                    add(ERROR, key, "column.type",
                        f"column {t.name}.{name} is {diff.right.type} in the models but {diff.left.type} in the migrations",
                        column=name)
                elif diff.aspect == "not_null":
                    add(ERROR, key, "column.not_null",
                        f"column {t.name}.{name} is {word(compare.effective_not_null(diff.right, t, spelling))} in the "
                        f"models but {word(compare.effective_not_null(diff.left, d, spelling))} in the migrations",
                        column=name)
                elif diff.aspect == "default":
                    add(ERROR, key, "column.default",
                        f"column {t.name}.{name} default is {compare.effective_default(diff.right) or 'none'} in the "
                        f"models but {compare.effective_default(diff.left) or 'none'} in the migrations", column=name)
                elif diff.aspect in ("identity", "generated"):
                    what = "identity" if diff.aspect == "identity" else "generated expression"
                    add(ERROR, key, f"column.{diff.aspect}",
                        f"column {t.name}.{name} {what} differs between the models and the migrations", column=name)
            elif diff.kind == "primary_key_columns":
                add(ERROR, key, "primary_key",
                    f"primary key of {t.name} is ({_cols(t.pk_columns)}) in the models but ({_cols(d.pk_columns)}) "
                    "in the migrations", constraint=(t.primary_key.name if t.primary_key else None))
            elif diff.kind in _DRIFT_NAMED:
                label, field_name = _DRIFT_NAMED[diff.kind]
                if diff.change == compare.ADDED:
                    add(ERROR, key, f"{diff.kind}.missing",
                        f"{label} {name} on {t.name} is in the models but in no migration", **{field_name: name})
                elif diff.change == compare.DROPPED:
                    add(WARNING, key, f"{diff.kind}.extra",
                        f"{label} {name} on {t.name} is in the migrations but not in the models", extra=True,
                        **{field_name: name})
                elif (diff.kind, name) not in worded:
                    worded.add((diff.kind, name))
                    add(ERROR, key, f"{diff.kind}.changed",
                        f"{label} {name} on {t.name} differs between the models and the migrations",
                        **{field_name: name})
    for key in dt:
        if key not in mt:
            add(WARNING, key, "table.extra", f"table {key} is in the migrations but not in the models", extra=True)

    me = {e.key: e for e in model.enums}
    de = {e.key: e for e in migrated_enums}
    for key, e in me.items():
        if key not in de:
            add(ERROR, None, "enum.missing", f"enum {key} is in the models but in no migration", enum=key)
        elif compare.compare_enum(de[key], e):
            add(ERROR, None, "enum.values",
                f"enum {key} has values ({', '.join(e.values)}) in the models but "
                f"({', '.join(de[key].values)}) in the migrations", enum=key)
    for key in de:
        if key not in me:
            add(WARNING, None, "enum.extra", f"enum {key} is in the migrations but not in the models", enum=key,
                extra=True)
    return tuple(out)


# ---------------------------------------------------------------------------
# JSON (the `inspect` contract) and text
# ---------------------------------------------------------------------------


def ref_json(ref: Optional[MigrationRef]) -> Optional[dict[str, Any]]:
    return None if ref is None else {"tag": ref.tag, "file": ref.file}


def change_json(ch: Change) -> dict[str, Any]:
    return {
        "tag": ch.migration.tag,
        "file": ch.migration.file,
        "when": iso_when(ch.migration.when),
        "summary": ch.summary,
        "kind": ch.kind,
    }


def table_migrations_json(history: History, key: str) -> dict[str, Any]:
    """``{created: {tag, file} | null, changes: [{tag, file, when, summary}]}`` for one table."""
    th = history.table(key)
    if th is None:
        return {"created": None, "changes": []}
    return {"created": ref_json(th.created), "changes": [change_json(c) for c in th.changes]}


def drift_json(d: Drift) -> dict[str, Any]:
    return {
        "severity": d.severity,
        "kind": d.kind,
        "table": d.table,
        "column": d.column,
        "index": d.index,
        "constraint": d.constraint,
        "enum": d.enum,
        "message": d.message,
        "fix": d.fix,
    }


def migration_json(m: Migration) -> dict[str, Any]:
    return {
        "index": m.ref.index,
        "tag": m.ref.tag,
        "file": m.ref.file,
        "when": iso_when(m.ref.when),
        "snapshot": m.snapshot,
        "inJournal": m.in_journal,
        "statements": m.statements,
        "changes": [
            {"table": c.table, "kind": c.kind, "summary": c.summary, "column": c.column, "target": c.target}
            for c in m.changes
        ],
    }


def _diag_json(d: Diagnostic) -> dict[str, Any]:
    return {"severity": d.severity, "file": d.file, "line": d.line, "column": d.column,
            "message": d.message, "code": d.code or None}


def history_json(history: History) -> dict[str, Any]:
    """The whole history: what `drizzle-doc migrations --format json` prints."""
    return {
        "folder": history.folder,
        "layout": history.layout,
        "migrations": [migration_json(m) for m in history.migrations],
        "tables": [
            {
                "table": t.table,
                "created": ref_json(t.created),
                "dropped": ref_json(t.dropped),
                "formerNames": list(t.former_names),
                "changes": [change_json(c) for c in t.changes],
                "columns": {name: ref_json(ref) for name, ref in t.columns},
            }
            for t in history.tables
        ],
        "drift": [drift_json(d) for d in history.drift],
        "diagnostics": [_diag_json(d) for d in history.diagnostics],
    }


def augment_inspect(payload: dict[str, Any], history: History) -> dict[str, Any]:
    """Add the migration keys to an ``inspect`` payload (in place; also returned):
    ``tables[].migrations``, ``tables[].columns[].addedIn``, ``migrationsFolder``, ``drift``,
    and the history's diagnostics."""
    for t in payload.get("tables", []):
        key = f"{t.get('schema') or 'public'}.{t['name']}"
        t["migrations"] = table_migrations_json(history, key)
        th = history.table(key)
        for c in t.get("columns", []):
            c["addedIn"] = ref_json(th.added_in(c["name"])) if th is not None else None
    payload["migrationsFolder"] = history.folder
    payload["drift"] = [drift_json(d) for d in history.drift]
    payload.setdefault("diagnostics", []).extend(_diag_json(d) for d in history.diagnostics)
    return payload


def history_text(history: History) -> str:
    """Migrations in order and what each one touched (``drizzle-doc migrations``)."""
    lines: list[str] = []
    if history.folder is None:
        lines.append("no migrations folder found")
    else:
        lines.append(f"{history.folder} ({history.layout}, {len(history.migrations)} migrations)")
    for m in history.migrations:
        date = f"  {m.ref.date}" if m.ref.when is not None else ""
        note = "" if m.in_journal in (None, True) else "  [not in journal]"
        lines.append(f"{m.ref.tag}{date}  {m.ref.file or '(file missing)'}{note}")
        if not m.changes:
            lines.append("    (no schema change)")
        for c in m.changes:
            where = c.table.split(".", 1)[1] if c.table and c.table.startswith("public.") else (c.table or "-")
            lines.append(f"    {where}: {c.summary}")
    if history.drift:
        lines.append("")
        lines.append("drift:")
        for d in history.drift:
            lines.append(f"  {d.severity}: {d.message} ({d.fix})")
    for d in history.diagnostics:
        where = d.where()
        lines.append(f"{where + ': ' if where else ''}{d.severity}: {d.message}")
    return "\n".join(lines) + "\n"
