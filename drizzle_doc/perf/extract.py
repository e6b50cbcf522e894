"""Extraction on two cores: whether and how to split it, per a :class:`~drizzle_doc.perf.plan.Plan`.

:func:`extract` gives exactly the model :func:`drizzle_doc.drizzle.extract.extract` makes
in one process; it only decides how the stages of
:class:`~drizzle_doc.drizzle.extract.Extraction` run:

* a large schema (``units_min_bytes``) is read file by file, each file parsed when its turn
  comes; from ``parallel_min_bytes`` the files are cut in two shares by size (:func:`_cut`)
  and the second core evaluates one; from ``isolate_min_bytes`` both shares are evaluated
  in children, so this process only merges;
* a smaller one is indexed whole first; from ``parallel_min_exports`` its exports are cut
  in two by origin (:func:`_split`) and a forked child, sharing the parsed trees,
  evaluates one share.

The parts cross as pickles (:mod:`drizzle_doc.perf.pickling`) and merge in export order.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Optional

from drizzle_doc.drizzle.extract import Extraction, Part, gc_paused
from drizzle_doc.model import Schema
from drizzle_doc.perf import background, pickling
from drizzle_doc.perf.plan import DEFAULT, Plan
from drizzle_doc.project import Project
from drizzle_doc.ts.modules import Module


@dataclass(frozen=True)
class Route:
    """How an extraction ran: ``way`` ``"units"`` (file by file) or ``"exports"`` (every file
    indexed first); ``shares``, the units or exports each process took (one share: serial);
    ``isolated``, both shares in children; ``crossed``, every forked share's part came back
    from its child as a pickle (none had to be made again here)."""

    way: str
    shares: tuple[int, ...]
    isolated: bool = False
    crossed: bool = False


def extract(project: Project, plan: Plan = DEFAULT, use_cache: bool = False,
            states: Optional[list] = None) -> Schema:
    """``project``'s model, made as ``plan`` says (the same model whatever the plan).

    With ``use_cache``, the model the last run made is taken back when nothing it was made from
    has changed (:mod:`drizzle_doc.perf.store`: every file read has the same bytes, every path
    probed and folder listed is as it was; the project's settings, where the user stands and
    drizzle-doc's code are part of the entry's name), and a model made now is kept for the next run.
    The state the model stands on is added to ``states`` (see :mod:`drizzle_doc.perf.replay`).
    """
    if not use_cache:
        if states is not None:
            states.append(None)
        return extract_route(project, plan)[0]
    from drizzle_doc.perf import cache, store
    from drizzle_doc.ts.witness import Witness

    import hashlib
    import io
    import pickle
    from dataclasses import replace

    folder = cache.cache_dir(project)
    name = cache.entry_name("extract", project)
    entry = store.load(folder, name)
    if isinstance(entry, dict) and isinstance(entry.get("head"), bytes) and store.holds(entry.get("state")):
        pickling.model()
        schema = pickle.loads(entry["head"])
        if isinstance(schema, Schema):
            with memoryview(entry.pop("blob")) as blob:  # one block, freed whole (no fragments left)
                ends = entry["ends"]
                schema = replace(schema, tables=tuple(pickle.loads(blob[a:b]) for a, b in zip([0, *ends], ends)))
            if states is not None:
                states.append(entry["state"])
            _known(schema, entry.get("digest"), entry.get("tables"))
            return schema
    started = store.now_ns()
    # What lets an edit be answered from what is kept (a part per unit, and through the tables'
    # digests the pages and drift comparisons of perf.render and perf.history) is recorded from a
    # project's second run on: a first run (a fresh clone in CI) would only pay for it.
    warm = isinstance(entry, dict)
    del entry  # (a large model's bytes are not held while it is made again)
    units_name = cache.entry_name("units", project)
    made = _again(project, plan, store.load(folder, units_name)) if warm else None
    if made is not None:  # only the units whose files changed were evaluated again
        schema, witness, units = made
    else:
        witness, units = Witness(), []
        schema = extract_route(project, plan, witness, units if warm else None)[0]
    pickling.model()
    recorded = store.state(witness, started)
    # a table at a time: one pickle of 10,000 tables keeps a memo of every object (~100 MB)
    head = pickle.dumps(replace(schema, tables=()), protocol=pickle.HIGHEST_PROTOCOL)
    out = io.BytesIO()
    pickler = pickle.Pickler(out, protocol=pickle.HIGHEST_PROTOCOL)
    ends = []
    for t in schema.tables:  # into one buffer, the memo cleared after each table
        pickler.dump(t)
        pickler.clear_memo()
        ends.append(out.tell())
    blob = out.getvalue()
    del out, pickler
    h = hashlib.blake2b(digest_size=20)
    h.update(len(head).to_bytes(8, "big"))
    h.update(head)
    h.update(repr(ends).encode())
    h.update(blob)
    digest = h.hexdigest()
    with memoryview(blob) as view:  # each table's own digest: pages rendered from unchanged tables are kept
        tables = [hashlib.blake2b(view[a:b], digest_size=16).hexdigest() for a, b in zip([0, *ends], ends)]
    store.save(folder, name, {"state": recorded, "head": head, "ends": ends, "blob": blob, "digest": digest,
                              "tables": tables})
    if units:  # apart, with the state they stand on: read only when the model does not hold
        store.save(folder, units_name, {"state": recorded, "units": units})
    del blob
    _known(schema, digest, tables if warm else None)
    if states is not None:
        states.append(recorded)
    return schema


#: id(schema) -> (schema, digest of its pickled bytes, each table's), for the models this process read or took back
_DIGESTS: dict[int, tuple[Schema, str, Optional[tuple[str, ...]]]] = {}


def _known(schema: Schema, digest, tables=None) -> None:
    if isinstance(digest, str):
        ok = isinstance(tables, list) and len(tables) == len(schema.tables) and all(isinstance(t, str) for t in tables)
        _DIGESTS[id(schema)] = (schema, digest, tuple(tables) if ok else None)


def known_digest(schema: Schema) -> Optional[str]:
    """A digest that changes whenever ``schema`` differs from the model of an earlier run (the hash of
    its pickled bytes, made when it was kept), or None for a model this module did not keep: the
    clean-run record's key then hashes the model's ``repr`` (see :func:`drizzle_doc.perf.cache.render_key`)."""
    known = _DIGESTS.get(id(schema))
    return known[1] if known is not None and known[0] is schema else None


def known_table_digests(schema: Schema) -> Optional[tuple[str, ...]]:
    """For a model this module kept or took back, of a project run before: a digest of each table's
    pickled bytes (in the order of ``schema.tables``), equal only for equal tables; else None."""
    known = _DIGESTS.get(id(schema))
    return known[2] if known is not None and known[0] is schema else None


def unit_id(unit: tuple) -> tuple:
    """A unit of :meth:`~drizzle_doc.drizzle.extract.Extraction.units` as it is kept (its files by
    path, not its place in today's order)."""
    if unit[0] == "own":
        return ("own", str(unit[2].path), tuple(unit[3]), unit[4])
    if unit[0] == "star":
        return ("star", str(unit[2]), tuple(sorted(unit[3])))
    return (unit[0], str(unit[2]))


def _kept_units(parts: list[Part], units: list[tuple], into: list, pickled: Optional[dict] = None) -> None:
    """``into``: what is kept of each unit's part, ``(unit id, files it touched, pickled part, the
    unit's place in the order it was made in)``, or
    nothing when a part cannot say exactly what it needed (see ``Part.unframed``).  ``pickled``:
    ``{id(part): bytes}`` of parts taken back as they were kept (not pickled again)."""
    import pickle

    if len(parts) != len(units) or any(p.unframed for p in parts):
        return
    for unit, part in zip(units, parts):
        data = (pickled or {}).get(id(part))
        if data is None:
            witness, part.witness = part.witness, None
            data = pickle.dumps(part, protocol=pickle.HIGHEST_PROTOCOL)
            part.witness = witness
        into.append((unit_id(unit), part.files, data, unit[1]))


def _again(project: Project, plan: Plan, entry):
    """``(model, witness, kept units)`` made from the kept units of a run (``entry``: its units and
    the state they stand on), those whose files changed evaluated again; None when that cannot be
    done exactly (nothing kept per unit, or anything but the units' own files changed: a path
    probed, a folder listed, a tsconfig read)."""
    import pickle

    from drizzle_doc.perf import store
    from drizzle_doc.ts.witness import Witness

    if not isinstance(entry, dict):
        return None
    kept, old = entry.get("units"), entry.get("state")
    if not isinstance(kept, list) or not kept or not isinstance(old, dict):
        return None
    try:
        files = old["files"]
        touched = {f for _, fs, _, _ in kept for f in fs}
        rest = {"files": {p: v for p, v in files.items() if p not in touched},
                "probes": old["probes"], "folders": old["folders"]}
        by_id = {uid: (fs, blob, at) for uid, fs, blob, at in kept}
    except (KeyError, TypeError, ValueError, AttributeError):  # (an entry of another layout: a miss)
        return None
    if not store.holds(rest):
        return None
    changed = {f for f in touched if f not in files or not store.holds({"files": {f: files[f]}, "probes": {}, "folders": {}})}
    witness = Witness()
    run = Extraction(project, plan.tree_budget, witness)
    units = run.units()
    if not units:
        return None
    pickling.model()
    parts: list[Part] = []
    pickled: dict[int, bytes] = {}
    for unit, _size in units:
        was = by_id.get(unit_id(unit))
        if was is not None and not changed.intersection(was[0]):
            part = pickle.loads(was[1])
            if was[2] == unit[1]:
                pickled[id(part)] = was[1]  # at the same place: kept as it was
            else:
                part = part.at(unit[1])
            part.witness, part.files = None, was[0]
            for f in was[0]:
                witness.files[f] = files[f][0]
        else:
            [part] = run.unit_parts([unit])
        parts.append(part)
    for p, v in rest["files"].items():
        witness.files.setdefault(p, v[0])
    witness.probes.update(rest["probes"])
    witness.folders.update(rest["folders"])
    record: list = []
    _kept_units(parts, [u for u, _ in units], record, pickled)
    return run.finish(parts), witness, record


def extract_route(project: Project, plan: Plan = DEFAULT, witness=None,
                  units: Optional[list] = None) -> tuple[Schema, Route]:
    """:func:`extract`, and the :class:`Route` it took; what it read is recorded in ``witness``
    (a :class:`~drizzle_doc.ts.witness.Witness`), if given.  With a list ``units``, the schema
    is evaluated unit by unit where it can be (file by file) and what is kept of each unit's
    part is added to it (see :func:`_kept_units`)."""
    return gc_paused(_extract_route, project, plan, witness, units)


def _extract_route(project: Project, plan: Plan, witness=None, kept: Optional[list] = None) -> tuple[Schema, Route]:
    run = Extraction(project, plan.tree_budget, witness)
    units = run.units()
    total = sum(n for _, n in units) if units is not None else 0
    if kept is not None and units and total <= plan.keep_units_max_bytes:  # a part per unit, to be kept
        listed = [u for u, _ in units]
        if total >= plan.parallel_min_bytes and len(units) > 1 and plan.forks():
            isolate = total >= plan.isolate_min_bytes
            first, second = _cut(units, plan.cut_at)
            shares, crossed = _in_two((run.unit_parts, first), (run.unit_parts, second), isolate)
            parts = shares[0] + shares[1]
            route = Route("units", (len(first), len(second)), isolate, crossed)
        else:
            parts, route = run.unit_parts(listed), Route("units", (len(units),))
        _kept_units(parts, listed, kept)
        return run.finish(parts), route
    if total > plan.units_min_bytes:  # file by file: each file is parsed when its turn comes
        if total >= plan.parallel_min_bytes and len(units) > 1 and plan.forks():
            isolate = total >= plan.isolate_min_bytes
            first, second = _cut(units, plan.cut_at)
            parts, crossed = _in_two((run.evaluate_units, first), (run.evaluate_units, second), isolate)
            return run.finish(parts), Route("units", (len(first), len(second)), isolate, crossed)
        return run.finish([run.evaluate_units([u for u, _ in units])]), Route("units", (len(units),))

    # small (or a barrel whose `export *` names a package): index every file first
    exports, modules = run.index()
    if len(exports) >= plan.parallel_min_exports and plan.forks():
        mine, theirs, scan_mine, scan_theirs = _split(exports, modules, plan.cut_at)
        # the files are parsed and indexed; a forked child shares them and makes the second share
        parts, crossed = _in_two((run.evaluate_exports, exports, mine, scan_mine),
                                 (run.evaluate_exports, exports, theirs, scan_theirs))
        return run.finish(parts), Route("exports", (len(mine), len(theirs)), False, crossed)
    return (run.finish([run.evaluate_exports(exports, range(len(exports)), modules)]),
            Route("exports", (len(exports),)))


def _in_two(first: tuple, second: tuple, isolate: bool = False) -> tuple[list[Part], bool]:
    """The parts of two shares, each ``(fn, *args)``: ``second`` in a forked child, ``first``
    in this process, or with ``isolate`` in a child of its own too; and whether every
    child's part crossed."""
    pickling.model()
    jobs = [background.Background(*share) for share in ((first, second) if isolate else (second,))]
    try:
        mine = jobs[0].result() if isolate else first[0](*first[1:])
        return [mine, jobs[-1].result()], all(job.crossed for job in jobs)
    finally:
        for job in jobs:
            job.close()


def _cut(units: list[tuple[tuple, int]], cut_at: Optional[int] = None,
         first_share: float = 0.55) -> tuple[list[tuple], list[tuple]]:
    """Two shares of the units, in order: the first ``cut_at`` units, or by default the first
    with ``first_share`` of the source, a little over half (this process's).  The second share
    costs a little more per byte: its files import tables of the first share's (foreign keys
    point back), which it evaluates too, and it pickles its part for this process to unpickle.
    """
    if cut_at is not None:
        return [u for u, _ in units[:cut_at]], [u for u, _ in units[cut_at:]]
    total = sum(n for _, n in units)
    first: list[tuple] = []
    done = 0
    for k, (unit, n) in enumerate(units):
        if first and done + n / 2 > total * first_share:
            return first, [u for u, _ in units[k:]]
        first.append(unit)
        done += n
    return first[:-1], first[-1:]


def _split(exports: list[tuple[Module, str]], modules: list[Module],
           cut_at: Optional[int] = None) -> tuple[list[int], list[int], list[Module], list[Module]]:
    """Two shares of the exports (positions) and of the schema modules to scan, whole origins each
    (the first for this process, the second for the child).

    Exports of one binding (an origin) stay together, so each value is made in one process;
    a schema module is scanned by the share that holds most of what it defines.  With
    ``cut_at`` the first share is the first ``cut_at`` exports, each export its own group.
    """
    groups: dict[tuple, list[int]] = {}
    for pos, (module, name) in enumerate(exports):
        try:
            key = module.origin(name)
        except RecursionError:
            key = (module.rel, name)
        if cut_at is not None:
            key = (key[0], pos)
        groups.setdefault(key, []).append(pos)
    first: list[int] = []
    second: list[int] = []
    # a little over half for the first share (the parent's): the child also pickles its share
    # and the parent unpickles it, so equal shares would leave the parent waiting
    cut = len(exports) * 11 // 20 if cut_at is None else cut_at
    per_module: dict[str, list[int]] = {}
    for key, positions in groups.items():  # in order of first export: files stay together
        share = first if len(first) < cut else second
        share.extend(positions)
        counts = per_module.setdefault(key[0], [0, 0])
        counts[share is second] += len(positions)
    scan_first = [m for m in modules if per_module.get(m.rel, [0, 0])[1] <= per_module.get(m.rel, [0, 0])[0]]
    scan_second = [m for m in modules if per_module.get(m.rel, [0, 0])[1] > per_module.get(m.rel, [0, 0])[0]]
    return sorted(first), sorted(second), scan_first, scan_second
