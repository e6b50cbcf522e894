"""Migration history and drift, from what drizzle-kit leaves on disk.

Reads a migrations folder in any of its shapes:

* drizzle-kit's journal layout: ``meta/_journal.json`` + ``NNNN_tag.sql`` +
  ``meta/NNNN_snapshot.json``;
* the newer layout of one folder per migration: ``<timestamp>_<name>/migration.sql``
  (+ ``snapshot.json``), no journal; on Cloudflare D1 the SQL files beside those folders are
  migrations too (wrangler runs them: :mod:`drizzle_doc.project.d1`);
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
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Optional

from drizzle_doc.history import replay
from drizzle_doc.model import compare, operations
from drizzle_doc.model import ERROR, INFO, WARNING, Diagnostic, Schema
from drizzle_doc.project import DEFAULT_MIGRATION_DIRS, Project
from drizzle_doc.project.d1 import flat_sql_runner
from drizzle_doc.dialects.base import SnapshotError, UnsupportedSnapshot
from drizzle_doc import limits

from drizzle_doc.history.records import FIX, Change, History, HandWritten, Migration, MigrationRef, TableHistory
from drizzle_doc.history.changes import enum_changes, table_changes
from drizzle_doc.history.layout import find_migrations_dir, list_folder
from drizzle_doc.history.drift import compute_drift, journal_drift


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
            if isinstance(op, operations.RenameTable):
                chain.append((op.key, f"{op.key.split('.', 1)[0]}.{op.new_name}"))
            elif isinstance(op, operations.SetTableSchema):
                chain.append((op.key, f"{op.new_schema}.{op.key.split('.', 1)[1]}"))
            elif isinstance(op, operations.RenameColumn):
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
    return dataclasses.replace(history, drift=journal_drift(compute_drift(schema, latest, project), schema, history))


def _nothing_found(project: Project) -> bool:
    """A project without a drizzle config whose models are not at drizzle-doc's default path
    either: the models' one hint names what to pass (see ``drizzle.extract``)."""
    from drizzle_doc.project import DEFAULT_SCHEMA_GLOBS

    if project.config_file is not None or project.migrations or project.schema != DEFAULT_SCHEMA_GLOBS:
        return False
    try:
        return not any(any(Path(project.root).glob(g)) for g in DEFAULT_SCHEMA_GLOBS)
    except (OSError, ValueError):
        return False


def read_history(project: Project) -> tuple[History, Schema]:
    """The history of ``project``'s migrations folder (drift left empty) and the schema they
    leave behind."""
    dialect = project.sql_dialect
    rel = functools.lru_cache(maxsize=None)(project.rel)  # the journal is named once per entry it lacks
    folder = find_migrations_dir(project)
    if folder is None:
        looked = " or ".join(project.shown(d) or d for d in ((project.migrations,) if project.migrations
                                                            else DEFAULT_MIGRATION_DIRS))
        diag = Diagnostic(WARNING, None, None, f"no migrations folder found (looked for {looked}); "
                                               f"{FIX} to create one", code="migration-none")
        if _nothing_found(project):  # the models' hint says it all, --migrations included
            return History(folder=None, layout="none"), Schema()
        return History(folder=None, layout="none", diagnostics=(diag,)), Schema()

    file_limit = limits.migration_max(project.settings)
    layout, entries, diags = list_folder(folder, rel, limits.json_max(project.settings),
                                         flat_sql_runner(project, folder), file_limit)
    state = Schema()
    lineages: dict[str, _Lineage] = {}
    objects: dict[tuple, HandWritten] = {}  # (kind, table, name) -> the live hand-written object
    finished: list[_Lineage] = []
    enum_created: dict[str, MigrationRef] = {}
    migrations: list[Migration] = []

    # the schema drizzle-kit's migrator builds: SQL files outside the journal left out
    journal_state = Schema()
    outside: list[str] = []
    from_sql = False  # the state holds SQL replayed since the last snapshot

    for index, entry in enumerate(entries):
        ref = MigrationRef(tag=entry.tag, file=rel(entry.sql) if entry.sql else "", when=entry.when, index=index,
                           snapshot=rel(entry.snapshot) if entry.snapshot is not None and entry.sql is None else "")
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
        new_state = snap_schema if snap_schema is not None else replay.apply(state, ops)
        # a snapshot after SQL read without one states the same schema its own way: what the SQL
        # only labels (SQLite's key names) and a unique index it states as a constraint are no change
        restated = snap_schema is not None and from_sql
        from_sql = snap_schema is None and (from_sql or bool(ops))
        if entry.in_journal is False:
            outside.append(ref.file)
        else:
            journal_state = new_state if snap_schema is not None or not outside else replay.apply(journal_state, ops)
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
            if restated:
                prev = compare.unique_kind_as(compare.adopt_names(prev, t, dialect.catalog_unnamed), t)
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
                    prev = operations.rename_column(prev, old_c, new_c)
                    if old_c in lin.columns:
                        lin.columns[new_c] = lin.columns.pop(old_c)
                    ch = Change(ref, key, "column.renamed", f"column {old_c} renamed to {new_c}", new_c, None)
                    changes.append(ch)
                    lin.changes.append(ch)
            if prev is t or prev == t:
                continue
            for kind, summary, column, target in table_changes(prev, t, dialect):
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
        for kind, summary, key in enum_changes({e.key: e for e in state.enums}, {e.key: e for e in new_state.enums}):
            changes.append(Change(ref, None, kind, summary, None, key))
            if kind == "enum.created":
                enum_created[key] = ref
            elif kind == "enum.dropped":
                enum_created.pop(key, None)
        # hand-written statements that touch a table (or the database)
        for op in ops:
            if not isinstance(op, operations.Touch):
                continue
            key = op.key
            if key is not None and key not in lineages:
                key = table_renames.get(key, key)
            ch = Change(ref, key, op.kind, op.summary, None, None)
            changes.append(ch)
            if key is not None and key in lineages:
                lineages[key].changes.append(ch)
            if op.obj is not None:
                # triggers are named per table; a view and a materialized view share one namespace
                group = {"view": "relation", "materialized view": "relation"}.get(op.obj.kind, op.obj.kind)
                ident = (group, op.obj.table, op.obj.name)
                if op.obj.dropped:
                    objects.pop(ident, None)
                else:
                    objects[ident] = HandWritten(op.obj, ref)

        migrations.append(Migration(ref=ref, snapshot=snap_rel, statements=len(statements),
                                    changes=tuple(changes), in_journal=entry.in_journal))
        state = new_state

    tables = sorted([*(x.freeze() for x in finished), *(x.freeze() for x in lineages.values())],
                    key=lambda t: (t.table, t.dropped is None, t.created.index if t.created else -1))
    live = {t.key for t in state.tables}
    history = History(
        objects=tuple(o for o in objects.values() if o.obj.kind != "trigger" or o.obj.table in live),
        folder=rel(folder),
        layout=layout,
        migrations=tuple(migrations),
        tables=tuple(tables),
        enums=tuple(sorted(enum_created.items())),
        diagnostics=tuple(sorted(diags, key=Diagnostic.sort_key)),
        outside_journal=tuple(outside),
        journal_schema=journal_state if outside and journal_state != state else None,
    )
    return history, state
