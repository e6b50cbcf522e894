"""Stage 2: read a project's Drizzle schema files statically and build the model.

``extract(project)`` is the only entry point; no tree-sitter object leaves this
package.  It parses each file once, follows imports lazily, and reports every
problem as a :class:`~drizzle_doc.model.Diagnostic` while still returning
everything it could read.
"""

from __future__ import annotations

import gc
from dataclasses import replace
from pathlib import Path
from typing import Any, Iterable, Optional

from .. import limits
from ..model import ERROR, WARNING, Diagnostic, Schema, Table
from ..project import Project
from .build import Builder
from .evaluate import SOURCE_SUFFIXES, Evaluator, Module, read_tsconfig_paths, resolve_file
from .pgcore import (
    DefineRelationsValue,
    EnumNative,
    PolicyValue,
    RelationsValue,
    SequenceValue,
    TableValue,
    ViewValue,
    natives,
)
from .values import Site, Unknown

__all__ = ["extract", "schema_files", "evaluate_config"]

GLOB_CHARS = set("*?[{")
SKIP_DIRS = {"node_modules", ".git"}


def _expand_braces(pattern: str, limit: int = 256) -> list[str]:
    """``a/{b,c}/*.ts`` -> ``a/b/*.ts``, ``a/c/*.ts`` (iteratively; at most ``limit`` patterns)."""
    done: list[str] = []
    todo = [pattern]
    while todo and len(done) + len(todo) <= limit:
        p = todo.pop()
        start = p.find("{")
        end = p.find("}", start + 1)
        if start < 0 or end < 0:
            done.append(p)
            continue
        head, body, tail = p[:start], p[start + 1 : end], p[end + 1 :]
        todo.extend(head + alt + tail for alt in reversed(body.split(",")))
    return sorted(set(done + todo))


def _is_dir(p: Path) -> bool:
    try:
        return p.is_dir()
    except OSError:  # a name too long, a loop: it matches nothing
        return False


def _is_file(p: Path) -> bool:
    try:
        return p.is_file()
    except OSError:
        return False


def _walk(folder: Path) -> Iterable[Path]:
    """Files below ``folder``, sorted, skipping node_modules and symlink loops."""
    seen: set = set()
    stack = [folder]
    while stack:
        d = stack.pop()
        try:
            real = d.resolve()
            if real in seen:
                continue
            seen.add(real)
            entries = sorted(d.iterdir(), key=lambda p: p.name, reverse=True)
        except OSError:
            continue
        for e in entries:
            if e.name in SKIP_DIRS:
                continue
            try:
                if e.is_dir():
                    stack.append(e)
                elif e.is_file():
                    yield e
            except OSError:
                continue


def _is_source(p: Path) -> bool:
    return p.suffix in SOURCE_SUFFIXES and not p.name.endswith((".d.ts", ".d.mts", ".d.cts"))


def schema_files(project: Project) -> tuple[list[Path], list[Diagnostic]]:
    """The files named by ``project.schema`` (files, folders or globs), sorted and unique."""
    root = project.root
    found: dict[Path, None] = {}
    real_folders: dict[Path, Path] = {}  # for resolve_file
    diags: list[Diagnostic] = []
    for entry in project.schema:
        matched = 0
        for pattern in _expand_braces(entry):
            p = pattern[2:] if pattern.startswith("./") else pattern
            if any(ch in p for ch in "*?["):
                regex_root = root
                parts = Path(p).parts
                static = []
                for part in parts:
                    if any(ch in part for ch in "*?["):
                        break
                    static.append(part)
                base = regex_root.joinpath(*static) if static else regex_root
                rest = "/".join(parts[len(static):])
                if not _is_dir(base):
                    continue
                for f in _walk(base):
                    rel = f.relative_to(base).as_posix()
                    if _glob_match(rel, rest) and _is_source(f):
                        found[resolve_file(f, real_folders)] = None
                        matched += 1
            else:
                target = (root / p) if not Path(p).is_absolute() else Path(p)
                if _is_dir(target):
                    for f in _walk(target):
                        if _is_source(f):
                            found[resolve_file(f, real_folders)] = None
                            matched += 1
                elif _is_file(target):
                    found[target.resolve()] = None
                    matched += 1
        if matched == 0:
            diags.append(Diagnostic(ERROR, project.config_file, None, f"schema path {entry!r} matches no files", None, "no-schema-files"))
    return sorted(found, key=lambda f: f.as_posix()), diags


def _glob_match(rel: str, pattern: str) -> bool:
    """Match a posix relative path against a glob where ``**`` spans folders."""
    import re

    i, out = 0, []
    while i < len(pattern):
        c = pattern[i]
        if pattern.startswith("**/", i):
            out.append("(?:.*/)?")
            i += 3
        elif pattern.startswith("**", i):
            out.append(".*")
            i += 2
        elif c == "*":
            out.append("[^/]*")
            i += 1
        elif c == "?":
            out.append("[^/]")
            i += 1
        elif c == "[":
            j = pattern.find("]", i)
            if j < 0:
                out.append(re.escape(c))
                i += 1
            else:
                out.append("[" + pattern[i + 1 : j].replace("!", "^", 1) + "]")
                i = j + 1
        else:
            out.append(re.escape(c))
            i += 1
    return re.fullmatch("".join(out), rel) is not None


def _on_named(value: Any, name: str, module: Module) -> None:
    """Give a top-level drizzle object its variable name, JSDoc and declaration line."""
    target = value.value if isinstance(value, EnumNative) else value
    if isinstance(target, (TableValue, SequenceValue, ViewValue, RelationsValue, DefineRelationsValue)) or hasattr(target, "variable"):
        if getattr(target, "variable", None) == "":
            target.variable = name
            doc, site = module.doc_of(name)
            if doc is not None and hasattr(target, "doc"):
                target.doc = doc
            if isinstance(target, TableValue) and site is not None:
                target.decl_site = site


def new_evaluator(root: Path, settings: Optional[dict] = None) -> Evaluator:
    """An evaluator for the project at ``root``; ``settings`` (drizzle-doc.toml's) set the size limits."""
    diags: list[Diagnostic] = []
    ev = Evaluator(root, natives(), read_tsconfig_paths(root, diags, limits.json_max(settings)))
    ev.max_file_bytes = limits.max_file_size(settings)
    for d in diags:
        ev.add(d)
    ev.on_named = _on_named
    return ev


def extract(project: Project) -> Schema:
    # The extractor makes a great many small objects, nearly all freed by reference counting;
    # what forms cycles (modules, scopes, functions) lives until the end of the call anyway.
    # The cyclic collector's repeated passes over the growing heap are pure cost here.
    enabled = gc.isenabled()
    gc.disable()
    try:
        return _extract(project)
    finally:
        if enabled:
            gc.enable()


#: From this many exported values on, the second core evaluates about half of them.
PARALLEL_MIN_EXPORTS = 200
#: The same, for schemas read file by file (see ``_units``): from this many bytes of source.
PARALLEL_MIN_BYTES = 128 * 1024
#: Schemas with more source than this are read file by file (``_units``): each file parsed when
#: its turn comes, by the process that evaluates it.  Smaller ones (every tree fits in
#: ``evaluate.TREE_BUDGET``) are indexed whole first, and a forked child shares the trees.
UNITS_MIN_BYTES = 2 * 1024 * 1024
#: From this many bytes of source on, both shares are evaluated in children and this process
#: only merges their parts: the evaluation's garbage (several hundred MB at 10,000 tables)
#: then never fragments this process's heap, and what it forks later (pages rendered on
#: the second core) starts small.
ISOLATE_MIN_BYTES = 4 * 1024 * 1024


def _table_id(tv: TableValue) -> tuple:
    """A table value's identity across processes: the same ``pgTable(...)`` call gives the same."""
    return (tv.site, tv.schema, tv.name)


class _Part:
    """What one process made of its share of the exports (plain, picklable data).

    Each item carries the position of its export in the serial order, so the parts merge
    into exactly what a single process makes.
    """

    __slots__ = ("tables", "others", "relations", "policies", "exported", "hidden", "star_names", "diagnostics")

    def __init__(self) -> None:
        self.tables: list[tuple[int, tuple, Optional[Table]]] = []  # (pos, table id, Table or None: failed)
        self.others: list[tuple[int, tuple, Any]] = []  # enums, sequences, views: (pos, identity, model)
        self.relations: list[tuple[int, tuple, int, Any]] = []  # (pos, id of their table, n-th of the value, Relation)
        self.policies: list[tuple[int, tuple, Any]] = []  # linked pgPolicy(...).link(table): (pos, table id, Policy)
        self.exported: set[tuple] = set()  # ids of every exported table value
        self.hidden: list[tuple[tuple, Site, str]] = []  # tables seen but not exported: (id, site, message)
        self.star_names: list[tuple[Any, str]] = []  # (pos, name) of names an `export *` took: the first wins
        self.diagnostics: list[Diagnostic] = []


def _evaluate_part(ev: Evaluator, builder: Builder, exports: list[tuple[Module, str]], positions: Iterable[int],
                   scan: list[Module], in_scope) -> _Part:
    """Evaluate the exports at ``positions`` and build their model objects; look for tables
    that the ``scan`` modules define but do not export."""
    return _evaluate(ev, builder, ((pos, *exports[pos]) for pos in positions), scan, in_scope, _Part())


def _evaluate_units(ev: Evaluator, builder: Builder, units: list[tuple], in_scope) -> _Part:
    """:func:`_evaluate_part` for a share of :func:`_units`: each file is loaded when reached."""
    part = _Part()
    scan: list[Module] = []
    return _evaluate(ev, builder, _unit_exports(ev, units, scan, part.star_names), scan, in_scope, part)


def _unit_exports(ev: Evaluator, units: list[tuple], scan: list[Module], star_names: list) -> Iterable[tuple]:
    """(position, module, name) of every export the units hold, in order; the schema files met
    are added to ``scan``, the names taken through the barrel's ``export *`` to ``star_names``."""
    for unit in units:
        kind, i = unit[0], unit[1]
        if kind == "own":  # the barrel's own exports (and, last of all, its default)
            _, _, module, listed, scanned = unit
            if scanned:
                scan.append(module)
        else:
            module = ev.load(unit[2])
            if module is None:
                continue
            try:
                listed = module.export_names()
            except RecursionError:
                listed = []
            if kind == "file":
                scan.append(module)
                if "default" in module.exports:  # drizzle-kit reads Object.values(module)
                    listed = [*listed, "default"]
            else:  # "star": what `export * from` it gives the barrel
                own = unit[3]
                listed = [n for n in listed if n not in own]
                star_names.extend(((i, k), n) for k, n in enumerate(listed))
        for k, name in enumerate(listed):
            yield (i, k), module, name


def _units(ev: Evaluator, files: list[Path]) -> Optional[list[tuple[tuple, int]]]:
    """The schema as units of files, in drizzle-kit's order, found without parsing them:
    [(unit, bytes of source)], or None when it cannot be cut so.

    Each schema file is a unit (``("file", i, path)``).  A single schema file that is a barrel
    (``export * from "./users"`` …) is its own exports (``("own", …)``), then one unit per
    ``export *`` target (``("star", i, path, own names)``), then its default.  A unit holds whole
    files, so each share of them parses only its own files (and what they import).
    """
    def size(path: Path) -> int:
        try:
            return path.stat().st_size
        except OSError:
            return 0

    if len(files) != 1:
        return [(("file", i, path), size(path)) for i, path in enumerate(files)]
    barrel = ev.load(files[0])
    if barrel is None:
        return []
    targets = [ev.module_path(barrel, spec) for spec, _site in barrel.star_exports]
    if not targets:
        return [(("file", 0, files[0]), size(files[0]))]
    if None in targets:  # a package or an unresolved target: the general way
        return None
    own = [n for n in barrel.exports if n != "default"]
    units: list[tuple[tuple, int]] = [(("own", 0, barrel, own, True), 0)]
    units += [(("star", i + 1, path, frozenset(own)), size(path)) for i, path in enumerate(targets)]
    if "default" in barrel.exports:
        units.append((("own", len(units), barrel, ["default"], False), 0))
    return units


def _evaluate(ev: Evaluator, builder: Builder, items: Iterable[tuple], scan: list[Module], in_scope, part: _Part) -> _Part:
    seen: set[int] = set()
    order: list[tuple[Any, Any]] = []
    built: list[tuple[TableValue, int]] = []  # (value, index in part.tables)
    for pos, module, name in items:
        try:
            value = module.export(name)
        except RecursionError:
            ev.report(ERROR, Site(module.rel, 1), f"export {name!r} is nested too deeply to read", "too-deep")
            continue
        if id(value) in seen:
            continue
        seen.add(id(value))
        order.append((pos, value))
        # Tables and relations are built at once, while their file's syntax tree is likely still
        # held (their callbacks are evaluated now); the rest waits for every export, as a
        # `pgPolicy(...)` may be linked to its table by a later one.
        if isinstance(value, TableValue):
            part.exported.add(_table_id(value))
            if not in_scope(value.schema):
                continue
            try:
                table = builder.table(value)
            except RecursionError:
                ev.report(ERROR, value.decl_site or value.site, f"table {value.name!r} is nested too deeply to read", "too-deep")
                table = None
            if table is not None:
                built.append((value, len(part.tables)))
            part.tables.append((pos, _table_id(value), table))
        elif isinstance(value, (RelationsValue, DefineRelationsValue)):
            try:
                pairs = builder.relations_v1(value, {}) if isinstance(value, RelationsValue) else builder.relations_v2(value)
            except RecursionError:
                continue
            for n, (table_value, rel) in enumerate(pairs):
                if isinstance(table_value, TableValue):
                    part.relations.append((pos, _table_id(table_value), n, rel))

    own_values = {id(v) for _, v in order}
    for module in scan:  # tables drizzle-kit would ignore: defined in a schema file but never exported
        for name, binding in module.bindings.items():
            if binding[0] != "node" or binding[1] is None or binding[1][2] not in ("call_expression", "member_expression"):
                continue
            try:
                value = module.lookup(name, binding[2])
            except RecursionError:
                continue
            if isinstance(value, TableValue) and id(value) not in own_values:
                part.hidden.append((_table_id(value), value.decl_site or value.site,
                                    f"table {value.name!r} (`{name}`) is not exported, so drizzle-kit ignores it; "
                                    "export it to document and migrate it"))

    for value, i in built:  # `x.enableRLS()` in a later export turns RLS on for the table built before
        pos, table_id, table = part.tables[i]
        if value.rls and not table.rls_enabled:
            part.tables[i] = (pos, table_id, replace(table, rls_enabled=True))

    for pos, value in order:
        if isinstance(value, EnumNative):
            if in_scope(value.value.schema):
                e = builder.enum(value)
                part.others.append((pos, ("enum", e.key, e.file, e.line), e))
        elif isinstance(value, SequenceValue):
            if in_scope(value.schema):
                q = builder.sequence(value)
                part.others.append((pos, ("sequence", q.schema, q.name, q.file, q.line), q))
        elif isinstance(value, ViewValue):
            if in_scope(value.builder.schema):
                v = builder.view(value)
                if v is not None:
                    part.others.append((pos, ("view", v.key, v.file, v.line), v))
        elif isinstance(value, PolicyValue) and isinstance(value.linked, TableValue):
            if in_scope(value.linked.schema):
                p = builder.policy(value)
                if p is not None:
                    part.policies.append((pos, _table_id(value.linked), p))
    part.diagnostics = ev.diagnostics
    return part


def _split(exports: list[tuple[Module, str]], modules: list[Module]) -> tuple[list[int], list[int], list[Module], list[Module]]:
    """Two shares of the exports (positions) and of the schema modules to scan, whole origins each
    (the first for this process, the second for the child).

    Exports of one binding (an origin) stay together, so each value is made in one process;
    a schema module is scanned by the share that holds most of what it defines.
    """
    groups: dict[tuple[str, str], list[int]] = {}
    for pos, (module, name) in enumerate(exports):
        try:
            key = module.origin(name)
        except RecursionError:
            key = (module.rel, name)
        groups.setdefault(key, []).append(pos)
    first: list[int] = []
    second: list[int] = []
    # a little over half for the first share (the parent's): the child also pickles its share
    # and the parent unpickles it, so equal shares would leave the parent waiting
    cut = len(exports) * 11 // 20
    per_module: dict[str, list[int]] = {}
    for key, positions in groups.items():  # in order of first export: files stay together
        share = first if len(first) < cut else second
        share.extend(positions)
        counts = per_module.setdefault(key[0], [0, 0])
        counts[share is second] += len(positions)
    scan_first = [m for m in modules if per_module.get(m.rel, [0, 0])[1] <= per_module.get(m.rel, [0, 0])[0]]
    scan_second = [m for m in modules if per_module.get(m.rel, [0, 0])[1] > per_module.get(m.rel, [0, 0])[0]]
    return sorted(first), sorted(second), scan_first, scan_second


def _extract(project: Project) -> Schema:
    from .. import background

    root = project.root.resolve()
    files, diags = schema_files(project)
    ev = new_evaluator(root, project.settings)
    builder = Builder(ev, project.casing)

    schema_filter = set(project.schema_filter)

    def in_scope(schema: Optional[str]) -> bool:
        return not schema_filter or (schema or "public") in schema_filter

    units = _units(ev, files)
    total = sum(n for _, n in units) if units is not None else 0
    if total > UNITS_MIN_BYTES:  # file by file: each file is parsed when its turn comes
        if total >= PARALLEL_MIN_BYTES and len(units) > 1 and background.can_fork():
            isolate = total >= ISOLATE_MIN_BYTES
            first, second = _cut(units, 0.55) if isolate else _cut(units)
            parts = _in_two(background, (_evaluate_units, ev, builder, first, in_scope),
                            (_evaluate_units, ev, builder, second, in_scope), isolate)
        else:
            parts = [_evaluate_units(ev, builder, [u for u, _ in units], in_scope)]
        return _finish(project, ev, parts, files, diags)

    # small (or a barrel whose `export *` names a package): index every file first

    modules: list[Module] = []
    exports: list[tuple[Module, str]] = []  # every (module, name) drizzle-kit reads, in order
    for path in files:
        module = ev.load(path)
        if module is None:
            continue
        modules.append(module)
        # drizzle-kit reads Object.values(module): the default export counts too
        try:
            names = module.export_names()
        except RecursionError:
            names = []
        for name in [*names, *(["default"] if "default" in module.exports else [])]:
            exports.append((module, name))

    if len(exports) >= PARALLEL_MIN_EXPORTS and background.can_fork():
        mine, theirs, scan_mine, scan_theirs = _split(exports, modules)
        # the files are parsed and indexed; a forked child shares them and makes the second share
        parts = _in_two(background, (_evaluate_part, ev, builder, exports, mine, scan_mine, in_scope),
                        (_evaluate_part, ev, builder, exports, theirs, scan_theirs, in_scope))
    else:
        parts = [_evaluate_part(ev, builder, exports, range(len(exports)), modules, in_scope)]
    return _finish(project, ev, parts, files, diags)


def _in_two(background, first: tuple, second: tuple, isolate: bool = False) -> list[_Part]:
    """The parts of two shares, each ``(fn, *args)``: ``second`` in a forked child, ``first``
    in this process, or with ``isolate`` in a child of its own too."""
    jobs = [background.Background(*share) for share in ((first, second) if isolate else (second,))]
    try:
        mine = jobs[0].result() if isolate else first[0](*first[1:])
        return [mine, jobs[-1].result()]
    finally:
        for job in jobs:
            job.close()


def _cut(units: list[tuple[tuple, int]], first_share: float = 0.55) -> tuple[list[tuple], list[tuple]]:
    """Two shares of the units, in order, the first with ``first_share`` of the source: by
    default a little over half (this process's).  The second share costs a little more per
    byte: its files import tables of the first share's (foreign keys point back), which it
    evaluates too, and it pickles its part for this process to unpickle.
    """
    total = sum(n for _, n in units)
    first: list[tuple] = []
    done = 0
    for k, (unit, n) in enumerate(units):
        if first and done + n / 2 > total * first_share:
            return first, [u for u, _ in units[k:]]
        first.append(unit)
        done += n
    return first[:-1], first[-1:]


def _finish(project: Project, ev: Evaluator, parts: list[_Part], files: list[Path], diags: list[Diagnostic]) -> Schema:
    schema = _merge(project, ev, parts, files, diags)
    # The syntax trees and values are not needed past this point.  Modules, their values and
    # sites refer to each other; emptying the modules' tables lets reference counting free
    # most of it now, instead of leaving a heap of cycles to the (paused) collector.
    for module in ev.modules.values():
        if module is not None:
            for table in (module.bindings, module.exports, module.docs, module.cache, module.resolved):
                table.clear()
    ev.modules.clear()
    return schema


def _in_order(parts: list[_Part], name: str, identity, shadowed: frozenset = frozenset()) -> Iterable[tuple]:
    """The items of every part's list ``name`` in export order (their first element), each
    ``identity`` kept only from the first part that made it: a value exported twice may have
    been made by both processes.  Items of ``shadowed`` positions are left out."""
    made_by: dict[Any, int] = {}
    for pos, n, item in sorted(((x[0], n, x) for n, p in enumerate(parts) for x in getattr(p, name)),
                               key=lambda e: (e[0], e[1])):  # stable: a value's items keep their order
        if pos not in shadowed and made_by.setdefault(identity(item), n) == n:
            yield item


def _shadowed(parts: list[_Part]) -> frozenset:
    """Positions of names a barrel's earlier ``export *`` already gave (the first one wins,
    as ``Module.export_names`` has it); each share only saw its own targets."""
    first: dict[str, Any] = {}
    for pos, name in sorted(x for p in parts for x in p.star_names):
        first.setdefault(name, pos)
    return frozenset(pos for p in parts for pos, name in p.star_names if first[name] != pos)


def _merge(project: Project, ev: Evaluator, parts: list[_Part], files: list[Path], diags: list[Diagnostic]) -> Schema:
    """One model from the parts, as if one process had evaluated every export in order."""
    shadowed = _shadowed(parts)
    exported = set().union(*(p.exported for p in parts))
    hidden: dict[tuple, None] = {}
    for part in parts:
        for table_id, site, message in part.hidden:
            if table_id not in exported and (table_id, site, message) not in hidden:
                hidden[(table_id, site, message)] = None
                ev.report(WARNING, site, message, "not-exported")

    tables: list[Table] = []
    index_of: dict[tuple, int] = {}  # table id -> index in tables
    seen_keys: dict[tuple, Table] = {}
    for _pos, table_id, t in _in_order(parts, "tables", lambda x: x[1], shadowed):
        if t is None:
            continue
        key = (t.schema, t.name)
        if key in seen_keys:
            other = seen_keys[key]
            ev.report(ERROR, Site(t.file, t.line),
                      f"table {t.schema}.{t.name} is defined twice: here (`{t.variable}`) and at {other.file}:{other.line} (`{other.variable}`); drizzle-kit would fail",
                      "duplicate-table")
            continue
        seen_keys[key] = t
        index_of[table_id] = len(tables)
        tables.append(t)

    extra: dict[int, tuple[list, list]] = {}
    for _pos, table_id, _n, rel in _in_order(parts, "relations", lambda x: (x[0], x[2]), shadowed):
        if table_id in index_of:
            extra.setdefault(index_of[table_id], ([], []))[0].append(rel)
    for _pos, table_id, policy in _in_order(parts, "policies", lambda x: (x[1], x[2]), shadowed):
        if table_id in index_of:
            extra.setdefault(index_of[table_id], ([], []))[1].append(policy)
    for idx, (rels, policies) in extra.items():
        tables[idx] = replace(tables[idx], relations=tables[idx].relations + tuple(rels),
                              policies=tables[idx].policies + tuple(policies))

    enums, views, sequences = [], [], []
    for _pos, identity, obj in _in_order(parts, "others", lambda x: x[1], shadowed):
        {"enum": enums, "sequence": sequences, "view": views}[identity[0]].append(obj)

    # Enums used by columns but not exported: drizzle-kit still needs them exported.
    enum_keys = {e.key for e in enums}
    for t in tables:
        for c in t.columns:
            if c.enum and c.enum not in enum_keys:
                ev.report(WARNING, Site(c.file, c.line),
                          f"column {t.name}.{c.name} uses enum {c.enum!r}, which no schema file exports; drizzle-kit will not create its type",
                          "enum-not-exported")

    tables.sort(key=lambda t: (t.file, t.line, t.schema, t.name))
    enums.sort(key=lambda e: (e.file, e.line, e.key))
    views.sort(key=lambda v: (v.file, v.line, v.key))
    sequences.sort(key=lambda s: (s.file, s.line, s.schema, s.name))
    found = {d: None for p in parts for d in p.diagnostics}
    found.update((d, None) for d in ev.diagnostics)
    all_diags = sorted([*project.diagnostics, *diags, *found], key=Diagnostic.sort_key)
    rel_files = tuple(sorted(ev.rel(f) for f in files))
    return Schema(
        dialect=project.dialect,
        tables=tuple(tables),
        enums=tuple(enums),
        views=tuple(views),
        sequences=tuple(sequences),
        files=rel_files,
        diagnostics=tuple(_dedupe(all_diags)),
    )


def _dedupe(diags: list[Diagnostic]) -> list[Diagnostic]:
    out, seen = [], set()
    for d in diags:
        key = (d.severity, d.file, d.line, d.column, d.message)
        if key not in seen:
            seen.add(key)
            out.append(d)
    return out


def evaluate_config(path: Path, root: Path) -> tuple[Any, list[Diagnostic]]:
    """Statically read a drizzle.config.{ts,js,…}: the default export as plain data."""
    ev = new_evaluator(root)
    module = ev.load(path)
    if module is None:
        return None, ev.diagnostics
    value = module.export("default")
    return _plain(value), ev.diagnostics


def _plain(value: Any) -> Any:
    from .values import JSObject, UNDEFINED

    if isinstance(value, JSObject):
        return {k: _plain(v) for k, v in value.props.items() if not k.startswith("\0")}
    if isinstance(value, list):
        return [_plain(v) for v in value]
    if value is UNDEFINED:
        return None
    if isinstance(value, Unknown):
        return value
    if isinstance(value, (str, int, float, bool)) or value is None:
        return value
    return Unknown("not a plain value")
