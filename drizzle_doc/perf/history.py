"""Histories read on the second core while the models are extracted, and sent back cheaply.

A command that reads migrations owns a :class:`Histories`: :meth:`Histories.prefetch`
starts reading a project's migrations in a forked child (when the plan may fork);
:meth:`Histories.handle` takes that result, or reads the history now.  Either way the
command gets a :class:`HistoryHandle`: digest and diagnostics at once, the rest unpickled
only when needed.  The history itself is :func:`drizzle_doc.history.migrations.read_history`'s;
nothing here changes it.
"""

from __future__ import annotations

import dataclasses
import functools
import pickle
from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING, Optional

from drizzle_doc.model import Schema, Table
from drizzle_doc.perf import pickling
from drizzle_doc.perf.background import Background
from drizzle_doc.perf.plan import DEFAULT, Plan
from drizzle_doc.project import Project

if TYPE_CHECKING:  # the history's modules are imported when a history is read, not before an answer is replayed
    from drizzle_doc.history.records import History


class HistoryHandle:
    """A project's history without drift, and the schema its migrations leave behind
    (``latest``), as read here or on the second core.

    ``digest`` (sha256 of their deterministic ``repr``) and ``diagnostics`` are at hand at
    once; a child process sends the rest pickled, unpickled only when needed: not at all
    by an unchanged ``generate``, and for ``latest`` only the tables whose drift
    fingerprint differs from the models' (see :meth:`full`).
    """

    __slots__ = ("_base", "_data", "_latest", "_packed", "_digest", "diagnostics")

    def __init__(self, base: Optional[History] = None, latest: Optional[Schema] = None, *,
                 data: Optional[bytes] = None, packed: tuple = (), digest: Optional[str] = None,
                 diagnostics: tuple = ()) -> None:
        self._base, self._latest, self._data, self._digest = base, latest, data, digest
        self._packed = packed  # ((table key, drift fingerprint, pickled Table), ...) of latest
        self.diagnostics = base.diagnostics if base is not None else diagnostics

    @classmethod
    def packed(cls, history: History, latest: Schema) -> "HistoryHandle":
        """A handle that travels cheaply between processes: digest, diagnostics and pickled bytes;
        ``latest``'s tables are pickled one by one, each with its drift fingerprint."""
        from drizzle_doc.history.drift import drift_fingerprint
        from drizzle_doc.history.migrations import history_digest

        dump = functools.partial(pickle.dumps, protocol=pickle.HIGHEST_PROTOCOL)
        packed = tuple((t.key, drift_fingerprint(t), dump(t)) for t in latest.tables)
        return cls(data=dump((history, dataclasses.replace(latest, tables=()))), packed=packed,
                   digest=history_digest(history, latest), diagnostics=history.diagnostics)

    @property
    def digest(self) -> str:
        if self._digest is None:
            from drizzle_doc.history.migrations import history_digest

            self._digest = history_digest(self.base(), self.latest())
        return self._digest

    def base(self) -> History:
        if self._base is None:
            self._base, self._latest = pickle.loads(self._data)
            self._data = None
        return self._base

    def latest(self) -> Schema:
        """The schema the migrations leave behind (every table unpickled)."""
        self.base()
        if self._packed:
            tables = tuple(pickle.loads(data) for _, _, data in self._packed)
            self._latest, self._packed = dataclasses.replace(self._latest, tables=tables), ()
        return self._latest

    def full(self, schema: Optional[Schema], project: Project) -> History:
        """The history, with drift against ``schema`` when one is given."""
        from drizzle_doc.history.drift import compute_drift, drift_by_key, drift_fingerprint, journal_drift, kit_naming

        history = self.base()
        if schema is None or history.folder is None:
            return history
        if not self._packed:
            drift = compute_drift(schema, self._latest, project)
        else:
            model = schema.tables_by_key()
            kept = _Compared.load(project, schema, self.digest)
            unchanged = set()
            for key, fp, _ in self._packed:
                t = model.get(key)
                if t is None:
                    continue
                answer = kept.kept(t) if kept is not None else None
                if answer is None and drift_fingerprint(t) == fp:  # known to match: no comparison
                    answer = []
                    if kept is not None:
                        kept.made(t, answer)
                if answer is not None and not answer:
                    unchanged.add(key)
            migrated = _PackedTables((key, data) for key, _, data in self._packed)
            drift = drift_by_key(schema, migrated, self._latest.enums, unchanged, kit_naming(project), compared=kept)
            if kept is not None:
                kept.save()
        return dataclasses.replace(history, drift=journal_drift(drift, schema, history))


class _Compared:
    """The differences drift found between each model table and its migrated table, kept between
    runs: for the same history (its digest names the entry's contents) and a model table with the
    same pickled bytes (:func:`drizzle_doc.perf.extract.known_table_digests`), the comparison of
    the last run is given again (a table whose drift fingerprint matched counts as no difference);
    any other table is compared now.  The ``compared`` of
    :func:`~drizzle_doc.history.drift.drift_by_key`."""

    def __init__(self, folder, name: str, history: str, digests: dict, kept: dict) -> None:
        self._folder, self._name, self._history = folder, name, history
        self._digests, self._kept = digests, kept
        self._made: dict = {}

    @classmethod
    def load(cls, project: Project, schema: Schema, history: str) -> "Optional[_Compared]":
        from drizzle_doc.perf import cache, store
        from drizzle_doc.perf.extract import known_table_digests

        digests = known_table_digests(schema)
        if digests is None:  # a model that was not kept: nothing to know its tables by
            return None
        folder, name = cache.cache_dir(project), cache.entry_name("drift", project)
        entry = store.load(folder, name)
        kept = entry.get("diffs") if isinstance(entry, dict) and entry.get("history") == history else None
        return cls(folder, name, history, {t.key: d for t, d in zip(schema.tables, digests)},
                   kept if isinstance(kept, dict) else {})

    def kept(self, table: Table) -> Optional[list]:
        """The kept differences of ``table`` from its migrated table, or None (compare it now)."""
        digest = self._digests.get(table.key)
        was = self._kept.get(table.key)
        if digest is not None and isinstance(was, tuple) and len(was) == 2 and was[0] == digest:
            self._made[table.key] = was
            return list(was[1])
        return None

    def made(self, table: Table, diffs: list) -> None:
        """The differences of ``table`` from its migrated table, made now."""
        self._made[table.key] = (self._digests.get(table.key), tuple(diffs))

    def save(self) -> None:
        from drizzle_doc.perf import store

        if self._made != self._kept:
            store.save(self._folder, self._name, {"history": self._history, "diffs": self._made})


class _PackedTables(Mapping):
    """``{table key: Table}`` whose tables are unpickled on first access."""

    def __init__(self, items: Iterable[tuple[str, bytes]]) -> None:
        self._data = dict(items)
        self._done: dict[str, Table] = {}

    def __getitem__(self, key: str) -> Table:
        if key not in self._done:
            self._done[key] = pickle.loads(self._data[key])
        return self._done[key]

    def __iter__(self):
        return iter(self._data)

    def __len__(self) -> int:
        return len(self._data)

    def __contains__(self, key: object) -> bool:
        return key in self._data


def _register() -> None:
    from drizzle_doc.history import migrations

    pickling.model(migrations)


def _state_before_reading(project: Project) -> dict:
    from drizzle_doc.perf import store

    started = store.now_ns()
    return store.state(_witness(project, started), started)


def _read_packed(project: Project, keep: bool = False) -> tuple[HistoryHandle, Optional[dict]]:
    """The history, packed for the trip back, and (``keep``) the state it was read on: taken here,
    on the second core, just before reading (hashing a large migrations folder takes a while)."""
    from drizzle_doc.history import migrations

    recorded = _state_before_reading(project) if keep else None
    return HistoryHandle.packed(*migrations.read_history(project)), recorded


def _witness(project: Project, started_ns: int):
    """What reading ``project``'s migrations looks at: the folders drizzle-doc looks for, the whole
    folder found (see :func:`drizzle_doc.perf.store.read_tree`) and the wrangler configs that make its
    flat SQL D1's.  Taken *before* the history is read, so a file changed meanwhile makes the kept
    history a miss, never stale."""
    from drizzle_doc.history.layout import find_migrations_dir
    from drizzle_doc.perf import store
    from drizzle_doc.project import DEFAULT_MIGRATION_DIRS
    from drizzle_doc.project.d1 import looked_at
    from drizzle_doc.ts.witness import Witness

    witness = Witness()
    for rel in ((project.migrations,) if project.migrations else DEFAULT_MIGRATION_DIRS):
        witness.probed(project.root / rel)
    folder = find_migrations_dir(project)
    if folder is not None:
        store.read_tree(witness, folder, started_ns)
        for config in looked_at(folder, project.boundary or project.root):
            try:
                witness.read(str(config), config.read_bytes())
            except OSError:
                witness.probed(str(config))
    return witness


#: a kept history that holds, not read into memory yet (see :meth:`Histories._lookup`)
LATER = HistoryHandle()


class Histories:
    """The histories one command reads: each project's prefetched on the second core, or read
    when asked for.  Owned by the command; keyed by the project object it was given.

    With ``use_cache``, a history the last run read from exactly these files is taken back
    (see :mod:`drizzle_doc.perf.store`) and one read now is kept for the next run."""

    def __init__(self, plan: Plan = DEFAULT, use_cache: bool = False) -> None:
        self.plan = plan
        self.use_cache = use_cache
        self._jobs: dict[int, tuple[Project, Background]] = {}
        self._kept: dict[int, tuple[Project, Optional[HistoryHandle], Optional[tuple]]] = {}
        self.states: Optional[list] = None  # where each history's state goes (see drizzle_doc.perf.replay)

    def _lookup(self, project: Project, materialize: bool = True) -> Optional[HistoryHandle]:
        """The kept history of ``project`` when it still holds; otherwise None, and what to keep
        it as is noted for :meth:`handle`.  Without ``materialize`` a kept history that holds is
        only noted (and :data:`LATER` returned): read again when asked for, it is not in memory
        while the models are extracted (children forked then would carry it too)."""
        if not self.use_cache:
            if self.states is not None and id(project) not in self._kept:
                self._kept[id(project)] = (project, None, None)
                self.states.append(None)
            return None
        known = self._kept.get(id(project))
        if known is not None and known[0] is project and not (materialize and known[1] is LATER):
            return known[1]
        from drizzle_doc.perf import cache, store

        folder = cache.cache_dir(project)
        name = cache.entry_name("history", project)
        entry = store.load(folder, name)
        hit = None
        pending = None
        if isinstance(entry, dict) and not materialize and store.holds(entry.get("state")):
            if self.states is not None:
                self.states.append(entry["state"])
            self._kept[id(project)] = (project, LATER, None)
            return LATER
        if isinstance(entry, dict) and store.holds(entry.get("state")):
            try:
                blob = memoryview(entry["blob"])  # the latest tables, one block (see _keep)
                ends = entry["ends"]
                packed = tuple((key, fp, blob[a:b]) for (key, fp), a, b in zip(entry["keys"], [0, *ends], ends))
                hit = HistoryHandle(data=entry["data"], packed=packed, digest=entry["digest"],
                                    diagnostics=entry["diagnostics"])
            except (KeyError, TypeError, ValueError):
                hit = None
        was_later = known is not None and known[0] is project and known[1] is LATER
        if hit is None:
            pending = (folder, name, None)  # its state is taken where the history is read, just before
            if was_later and self.states is not None:  # changed since prefetch looked: not recorded
                self.states.append(None)
        elif self.states is not None and not was_later:
            self.states.append(entry["state"])
        self._kept[id(project)] = (project, hit, pending)
        return hit

    def _keep(self, project: Project, handle: HistoryHandle, recorded: dict) -> HistoryHandle:
        """Keep ``handle``, read on the ``recorded`` state, for the next run (when this one looked)."""
        known = self._kept.get(id(project))
        if known is None or known[0] is not project or known[2] is None:
            return handle
        from drizzle_doc.perf import store

        folder, name, _ = known[2]
        if self.states is not None:
            self.states.append(recorded)
        if handle._data is None:  # read in this process: pack it as a child would
            _register()
            handle = HistoryHandle.packed(handle.base(), handle.latest())
        # the latest tables' pickles as one block: 10,000 small bytes objects would fragment the heap
        ends, total = [], 0
        for _, _, data in handle._packed:
            total += len(data)
            ends.append(total)
        store.save(folder, name, {"state": recorded, "data": handle._data, "ends": ends,
                                  "keys": [(key, fp) for key, fp, _ in handle._packed],
                                  "blob": b"".join(data for _, _, data in handle._packed),
                                  "digest": handle.digest, "diagnostics": handle.diagnostics})
        self._kept[id(project)] = (project, handle, None)
        return handle

    def prefetch(self, project: Project) -> None:
        """Start reading ``project``'s migrations on another core (while its models are extracted).

        The next :meth:`handle` (or :meth:`load`) for this same project object takes the
        result; when the plan may not fork this does nothing and the history is read when
        asked for.  A kept history that still holds is not read at all.
        """
        if self._lookup(project, materialize=False) is not None:
            return
        if self.plan.forks():
            _register()
            self._jobs[id(project)] = (project, Background(_read_packed, project, self._wanted(project)))

    def handle(self, project: Project) -> HistoryHandle:
        """``project``'s history (no drift yet): the kept one, the prefetched one, else read now."""
        hit = self._lookup(project)
        if hit is not None:
            return hit
        entry = self._jobs.pop(id(project), None)
        if entry is not None and entry[0] is project:
            handle, recorded = entry[1].result()
            return self._keep(project, handle, recorded) if recorded is not None else handle
        from drizzle_doc.history import migrations

        recorded = _state_before_reading(project) if self._wanted(project) else None
        handle = HistoryHandle(*migrations.read_history(project))
        return self._keep(project, handle, recorded) if recorded is not None else handle

    def _wanted(self, project: Project) -> bool:
        """Whether the history read now is to be kept (the cache is on and none held)."""
        known = self._kept.get(id(project))
        return known is not None and known[0] is project and known[2] is not None

    def load(self, project: Project, schema: Optional[Schema] = None) -> History:
        """:func:`drizzle_doc.history.migrations.load_history`, prefetched if it was."""
        return self.handle(project).full(schema, project)
