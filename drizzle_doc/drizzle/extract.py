"""Stage 2: read a project's Drizzle schema files statically and build the model.

Owns which files are the schema (:func:`schema_files`), the order drizzle-kit reads their
exports in, evaluating exports into model objects, and merging what was made into one
:class:`~drizzle_doc.model.Schema`.  :func:`extract` does it all in this process;
:class:`Extraction` offers the same work as stages (list, evaluate a share into a
picklable :class:`Part`, merge) for :mod:`drizzle_doc.perf.extract`, which decides whether
and how to spread them over processes.  Nothing here knows of processes.  No tree-sitter
object leaves this package; every problem is a :class:`~drizzle_doc.model.Diagnostic`
while everything that could be read is still returned.
"""

from __future__ import annotations

import gc
import os
import posixpath
from dataclasses import replace
from pathlib import Path
from typing import Any, Callable, Iterable, Optional, TypeVar

from drizzle_doc import limits
from drizzle_doc.model import ERROR, WARNING, Diagnostic, Schema, Table
from drizzle_doc.project import Project
from drizzle_doc.project.settings import Settings
from drizzle_doc.drizzle.build import Builder
from drizzle_doc.ts.evaluate import Evaluator
from drizzle_doc.ts.modules import SOURCE_SUFFIXES, Module, resolve_file
from drizzle_doc.ts.resolve import Resolver
from drizzle_doc.drizzle.core import (
    EnumNative,
    PolicyValue,
    SequenceValue,
    TableValue,
    ViewValue,
)
from drizzle_doc.drizzle.relations import DefineRelationsValue, RelationsValue
from drizzle_doc.ts.values import Site, Unknown
from drizzle_doc.ts.witness import Witness

__all__ = ["extract", "Extraction", "Part", "schema_files", "evaluate_config"]

T = TypeVar("T")
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


def _walk(folder: Path, limit: Optional[Path] = None, outside: Optional[list] = None,
          witness: Optional[Witness] = None) -> Iterable[Path]:
    """Files below ``folder``, sorted, skipping node_modules and symlink loops.

    With ``limit`` (a resolved folder), a symlinked folder or file leading outside it is
    neither entered nor yielded (it is added to ``outside``): a glob never leaves the project.
    Every folder listed is recorded in ``witness``, if given.
    """
    seen: set = set()
    stack = [folder]
    while stack:
        d = stack.pop()
        if witness is not None:
            witness.listed(d)
        try:
            real = d.resolve()
            if real in seen:
                continue
            if limit is not None and real != limit and limit not in real.parents:
                if outside is not None:
                    outside.append(d)
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
                    if limit is not None and e.is_symlink():
                        r = e.resolve()
                        if limit not in r.parents:
                            if outside is not None:
                                outside.append(e)
                            continue
                    yield e
            except OSError:
                continue


def _is_source(p: Path) -> bool:
    return p.suffix in SOURCE_SUFFIXES and not p.name.endswith((".d.ts", ".d.mts", ".d.cts"))


def schema_files(project: Project, witness: Optional[Witness] = None) -> tuple[list[Path], list[Diagnostic]]:
    """The files named by ``project.schema`` (files, folders or globs), sorted and unique; what
    decided it is recorded in ``witness``, if given."""
    root = project.root
    found: dict[Path, None] = {}
    real_folders: dict[Path, Path] = {}  # for resolve_file
    diags: list[Diagnostic] = []
    boundary = Path(os.path.realpath(getattr(project, "boundary", None) or root))
    outside: list[Path] = []

    def limit_for(base: Path) -> Path:
        """The walk stays in the project root, or in the folder a --schema outside it named."""
        r = Path(os.path.realpath(base))
        return boundary if (r == boundary or boundary in r.parents) else r

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
                if witness is not None:
                    witness.probed(base)
                if not _is_dir(base):
                    continue
                for f in _walk(base, limit_for(base), outside, witness):
                    rel = f.relative_to(base).as_posix()
                    if _glob_match(rel, rest) and _is_source(f):
                        found[resolve_file(f, real_folders)] = None
                        matched += 1
            else:
                target = (root / p) if not Path(p).is_absolute() else Path(p)
                if witness is not None:
                    witness.probed(target)
                if _is_dir(target):
                    for f in _walk(target, limit_for(target), outside, witness):
                        if _is_source(f):
                            found[resolve_file(f, real_folders)] = None
                            matched += 1
                elif _is_file(target):
                    found[target.resolve()] = None
                    matched += 1
        if matched == 0:
            diags.append(_no_schema_files(project, entry))
    if outside:
        names = ", ".join(sorted({os.path.relpath(p, root) for p in outside})[:5])
        diags.append(Diagnostic(WARNING, project.config_file, None,
                                f"{len(outside)} symlink(s) below the schema paths lead outside the project "
                                f"root and were not followed ({names})", None, "schema-outside"))
    return sorted(found, key=lambda f: f.as_posix()), diags


def _no_schema_files(project: Project, entry: str) -> Diagnostic:
    """The error for a schema path that matches nothing, naming where it was looked for (from
    where the user stands) and why there; without a drizzle config, how to point at the schema."""
    from drizzle_doc.project import DEFAULT_SCHEMA_GLOBS

    looked = ", ".join(dict.fromkeys(
        project.shown(p if os.path.isabs(p) else posixpath.normpath(p)) or p for p in _expand_braces(entry)))
    if project.config_file is None and project.schema == DEFAULT_SCHEMA_GLOBS:
        from drizzle_doc.project.discover import schema_candidates

        tables, folders = schema_candidates(Path(project.root))
        here = "here" if project.shown_root == "." else project.shown_root
        if tables:  # a command to run, with what was found
            use = " ".join(f"--schema {project.shown(t)}" for t in tables)
            use += "".join(f" --migrations {project.shown(f)}" for f in folders[:1])
            how = f"drizzle tables are in {', '.join(project.shown(t) or t for t in tables)}: run with {use}"
        else:
            how = "point drizzle-doc at the schema with --schema FILE|FOLDER|GLOB (and --migrations FOLDER)"
        return Diagnostic(ERROR, None, None,
                          f"no drizzle.config.* {here} or below, and no models at {looked} (drizzle-doc's default "
                          f"without one); {how}, or name a drizzle config with --config FILE",
                          None, "no-schema-files")
    why = ""
    if project.script is not None:
        package_json, line, name = project.script
        why = (f", from {project.shown_root}, the folder drizzle-kit runs in for the script {name!r} "
               f"({project.shown(package_json)}{f':{line}' if line else ''})")
    return Diagnostic(ERROR, project.config_file, None, f"schema path {entry!r} matches no files (looked for "
                      f"{looked}{why})", None, "no-schema-files")


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


def new_evaluator(root: Path, tree_budget: Optional[int] = None, dialect=None,
                  settings: Optional[Settings] = None, witness: Optional[Witness] = None) -> Evaluator:
    """An evaluator for a project's files; its native packages are ``dialect``'s (a project's
    :attr:`~drizzle_doc.project.Project.sql_dialect`), PostgreSQL's when none is given;
    ``settings`` (drizzle-doc.toml's) set the size limits; what it reads is recorded in ``witness``."""
    if dialect is None:
        from drizzle_doc.project import default_dialect

        dialect = default_dialect()
    resolver = Resolver(root, json_limit=limits.json_max(settings))
    resolver.witness = witness
    ev = Evaluator(root, dialect.natives(), resolver, tree_budget)
    resolver.rel = ev.rel
    resolver.tsconfig_for(root)  # a broken tsconfig.json is reported even when no import needs it
    ev.max_file_bytes = limits.max_file_size(settings)
    ev.on_named = _on_named
    return ev


def gc_paused(fn: Callable[..., T], *args: Any) -> T:
    """``fn(*args)`` with the cyclic garbage collector paused.

    The extractor makes a great many small objects, nearly all freed by reference counting;
    what forms cycles (modules, scopes, functions) lives until the end of the call anyway.
    The cyclic collector's repeated passes over the growing heap are pure cost here.  ``fn``'s
    frame, and all it alone holds, is freed before the collector resumes (freed after, the
    next step's peak at 1,000 tables was ~6 MB higher).
    """
    enabled = gc.isenabled()
    gc.disable()
    try:
        return fn(*args)
    finally:
        if enabled:
            gc.enable()


def extract(project: Project, tree_budget: Optional[int] = None) -> Schema:
    """``project``'s model, made in this process: every schema file indexed, then every export
    evaluated in drizzle-kit's order.  ``tree_budget``: see :class:`~drizzle_doc.ts.evaluate.Evaluator`.

    :func:`drizzle_doc.perf.extract.extract` gives this same model, sooner and in less memory
    for a large schema (its shares are evaluated by the stages of :class:`Extraction`).
    """
    return gc_paused(_extract, project, tree_budget)


def _extract(project: Project, tree_budget: Optional[int]) -> Schema:
    run = Extraction(project, tree_budget)
    exports, modules = run.index()
    return run.finish([run.evaluate_exports(exports, range(len(exports)), modules)])


class Extraction:
    """One project's extraction, as stages a scheduler may spread over processes.

    List the work, in drizzle-kit's order: :meth:`units` (whole files, found without parsing
    them) or :meth:`index` (every file parsed and indexed: its exports).  Evaluate any share
    of it into a picklable :class:`Part` (:meth:`evaluate_units`, :meth:`evaluate_exports`).
    :meth:`finish` merges the parts into the model one process evaluating every export in
    order makes.
    """

    def __init__(self, project: Project, tree_budget: Optional[int] = None,
                 witness: Optional[Witness] = None) -> None:
        self.project = project
        self.witness = witness  # what the reading looked at (see drizzle_doc.ts.witness), if wanted
        self.files, self.diags = schema_files(project, witness)
        dialect = project.sql_dialect
        self.ev = new_evaluator(project.root.resolve(), tree_budget, dialect, project.settings, witness)
        self.builder = Builder(self.ev, project.casing, dialect, project.kit, project.kit_casing)
        schema_filter = set(project.schema_filter)

        def in_scope(schema: Optional[str]) -> bool:
            return not schema_filter or (schema or dialect.default_schema) in schema_filter

        self.in_scope = in_scope

    def units(self) -> Optional[list[tuple[tuple, int]]]:
        """The schema as units of whole files with their bytes of source (see :func:`_units`)."""
        return _units(self.ev, self.files)

    def index(self) -> tuple[list[tuple[Module, str]], list[Module]]:
        """Every (module, name) drizzle-kit reads, in order, and the schema modules."""
        modules: list[Module] = []
        exports: list[tuple[Module, str]] = []
        for path in self.files:
            module = self.ev.load(path)
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
        return exports, modules

    def evaluate_units(self, units: list[tuple]) -> "Part":
        """The part of a share of :meth:`units` (the units only): each file is loaded when reached."""
        part = Part()
        scan: list[Module] = []
        return _evaluate(self.ev, self.builder, _unit_exports(self.ev, units, scan, part.star_names), scan,
                         self.in_scope, part)

    def unit_parts(self, units: list[tuple]) -> list["Part"]:
        """A part per unit of :meth:`units`, each with exactly what evaluating that unit alone would
        touch and say (``Part.files``, ``Part.diagnostics``: see ``Evaluator.record``), though they
        share this evaluator's results; ``Part.unframed`` when a diagnostic came through the
        resolver, whose own caches are not framed."""
        out = []
        for unit in units:
            self.ev.added = False
            part, frame = self.ev.record(self.evaluate_units, [unit])
            part.diagnostics = sorted(frame.diags.values(), key=Diagnostic.sort_key)
            part.files = tuple(frame.files)
            part.unframed = self.ev.added
            out.append(part)
        return out

    def evaluate_exports(self, exports: list[tuple[Module, str]], positions: Iterable[int],
                         scan: list[Module]) -> "Part":
        """The part of the exports at ``positions`` of :meth:`index`; tables that the ``scan``
        modules define but do not export are looked for too."""
        return _evaluate(self.ev, self.builder, ((pos, *exports[pos]) for pos in positions), scan,
                         self.in_scope, Part())

    def finish(self, parts: list["Part"]) -> Schema:
        """The model, from the parts of every share (see :func:`_merge`); what each share read is
        added to :attr:`witness`."""
        if self.witness is not None:
            for part in parts:
                if part.witness is not None and part.witness is not self.witness:
                    self.witness.merge(part.witness)
        return _finish(self.project, self.ev, parts, self.files, self.diags)


def _table_id(tv: TableValue) -> tuple:
    """A table value's identity across processes: the same ``pgTable(...)`` call gives the same."""
    return (tv.site, tv.schema, tv.name)


class Part:
    """What one process made of its share of the exports (plain, picklable data).

    Each item carries the position of its export in the serial order, so the parts merge
    into exactly what a single process makes.
    """

    __slots__ = ("tables", "others", "relations", "policies", "exported", "hidden", "star_names", "diagnostics",
                 "witness", "files", "unframed")

    def __init__(self) -> None:
        self.tables: list[tuple[int, tuple, Optional[Table]]] = []  # (pos, table id, Table or None: failed)
        self.others: list[tuple[int, tuple, Any]] = []  # enums, sequences, views: (pos, identity, model)
        # (pos, id of their table, n-th of the value, Relation, where the value was made: a value exported
        # twice, say by its file and by a barrel's `export *`, may be made by two parts)
        self.relations: list[tuple[int, tuple, int, Any, Site]] = []
        self.policies: list[tuple[int, tuple, Any]] = []  # linked pgPolicy(...).link(table): (pos, table id, Policy)
        self.exported: set[tuple] = set()  # ids of every exported table value
        self.hidden: list[tuple[tuple, Site, str]] = []  # tables seen but not exported: (id, site, message)
        self.star_names: list[tuple[Any, str]] = []  # (pos, name) of names an `export *` took: the first wins
        self.diagnostics: list[Diagnostic] = []
        self.witness: Optional[Witness] = None  # what the process that made it read (when recorded)
        self.files: tuple[str, ...] = ()  # a unit's part (Extraction.unit_parts): the files it touched
        self.unframed = False

    def at(self, unit: int) -> "Part":
        """This part of a unit, its items placed at unit ``unit`` of today's order (a kept part of
        a unit that moved: positions are ``(unit, k)``)."""
        def moved(items: list) -> list:
            return [(((unit, *x[0][1:]) if isinstance(x[0], tuple) else x[0]), *x[1:]) for x in items]

        self.tables, self.others, self.relations, self.policies, self.star_names = (
            moved(self.tables), moved(self.others), moved(self.relations), moved(self.policies), moved(self.star_names))
        return self


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
    own = barrel.own_export_names()  # types are not drizzle-kit's to see
    units: list[tuple[tuple, int]] = [(("own", 0, barrel, own, True), 0)]
    units += [(("star", i + 1, path, frozenset(own)), size(path)) for i, path in enumerate(targets)]
    if "default" in barrel.exports:
        units.append((("own", len(units), barrel, ["default"], False), 0))
    return units


def _evaluate(ev: Evaluator, builder: Builder, items: Iterable[tuple], scan: list[Module], in_scope, part: Part) -> Part:
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
                    part.relations.append((pos, _table_id(table_value), n, rel, value.site))

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
    part.witness = ev.resolver.witness
    return part


def _finish(project: Project, ev: Evaluator, parts: list[Part], files: list[Path], diags: list[Diagnostic]) -> Schema:
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


def _in_order(parts: list[Part], name: str, identity, shadowed: frozenset = frozenset()) -> Iterable[tuple]:
    """The items of every part's list ``name`` in export order (their first element), each
    ``identity`` kept only from the first part that made it: a value exported twice may have
    been made by both processes.  Items of ``shadowed`` positions are left out."""
    made_by: dict[Any, int] = {}
    for pos, n, item in sorted(((x[0], n, x) for n, p in enumerate(parts) for x in getattr(p, name)),
                               key=lambda e: (e[0], e[1])):  # stable: a value's items keep their order
        if pos not in shadowed and made_by.setdefault(identity(item), n) == n:
            yield item


def _shadowed(parts: list[Part]) -> frozenset:
    """Positions of names a barrel's earlier ``export *`` already gave (the first one wins,
    as ``Module.export_names`` has it); each share only saw its own targets."""
    first: dict[str, Any] = {}
    for pos, name in sorted(x for p in parts for x in p.star_names):
        first.setdefault(name, pos)
    return frozenset(pos for p in parts for pos, name in p.star_names if first[name] != pos)


def _merge(project: Project, ev: Evaluator, parts: list[Part], files: list[Path], diags: list[Diagnostic]) -> Schema:
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
    for _pos, table_id, _n, rel, _site in _in_order(parts, "relations", lambda x: (x[4], x[1], x[2]), shadowed):
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


def evaluate_config(path: Path, root: Path, identity_calls: tuple[str, ...] = ()) -> tuple[Any, list[Diagnostic]]:
    """Statically read a drizzle.config.{ts,js,…}: the default export as plain data.
    ``identity_calls``: global functions that return their argument (Nuxt's ``defineNuxtConfig``)."""
    from drizzle_doc.ts.values import UNDEFINED, Native

    ev = new_evaluator(root)
    for name in identity_calls:
        ev.globals[name] = Native(name, lambda _ev, args, _call: args[0] if args else UNDEFINED)
    module = ev.load(path)
    if module is None:
        return None, ev.diagnostics
    value = module.export("default")
    return _plain(value), ev.diagnostics


def _plain(value: Any) -> Any:
    from drizzle_doc.ts.values import JSObject, UNDEFINED

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
