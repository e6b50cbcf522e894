"""Stage 2: read a project's Drizzle schema files statically and build the model.

``extract(project)`` is the only entry point; no tree-sitter object leaves this
package.  It parses each file once, follows imports lazily, and reports every
problem as a :class:`~drizzle_doc.model.Diagnostic` while still returning
everything it could read.
"""

from __future__ import annotations

import gc
from pathlib import Path
from typing import Any, Iterable, Optional

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
            doc, site = module.docs.get(name, (None, None))
            if doc is not None and hasattr(target, "doc"):
                target.doc = doc
            if isinstance(target, TableValue) and site is not None:
                target.decl_site = site


def new_evaluator(root: Path) -> Evaluator:
    ev = Evaluator(root, natives(), read_tsconfig_paths(root))
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


def _extract(project: Project) -> Schema:
    root = project.root.resolve()
    files, diags = schema_files(project)
    ev = new_evaluator(root)
    builder = Builder(ev, project.casing)

    exported: dict[int, Any] = {}
    order: list[Any] = []
    modules: list[Module] = []
    for path in files:
        module = ev.load(path)
        if module is None:
            continue
        modules.append(module)
        # drizzle-kit reads Object.values(module): the default export counts too
        for name in [*module.export_names(), *(["default"] if "default" in module.exports else [])]:
            try:
                value = module.export(name)
            except RecursionError:
                ev.report(ERROR, Site(module.rel, 1), f"export {name!r} is nested too deeply to read", "too-deep")
                continue
            if id(value) not in exported:
                exported[id(value)] = value
                order.append(value)

    # Tables drizzle-kit would ignore: defined in a schema file but never exported.
    for module in modules:
        for name, binding in module.bindings.items():
            if binding[0] != "node" or binding[1] is None or binding[1].type not in ("call_expression", "member_expression"):
                continue
            try:
                value = module.lookup(name, binding[2])
            except RecursionError:
                continue
            if isinstance(value, TableValue) and id(value) not in exported:
                ev.report(WARNING, value.decl_site or value.site,
                          f"table {value.name!r} (`{name}`) is not exported, so drizzle-kit ignores it; export it to document and migrate it",
                          "not-exported")

    schema_filter = set(project.schema_filter)

    def in_scope(schema: Optional[str]) -> bool:
        return not schema_filter or (schema or "public") in schema_filter

    tables: list[Table] = []
    table_by_value: dict[int, int] = {}
    seen_keys: dict[tuple, Table] = {}
    enums, views, sequences = [], [], []
    relation_values: list = []
    linked_policies: dict[int, list] = {}
    for value in order:
        if isinstance(value, PolicyValue) and isinstance(value.linked, TableValue):
            linked_policies.setdefault(id(value.linked), []).append(value)
    for value in order:
        if isinstance(value, TableValue):
            if not in_scope(value.schema):
                continue
            try:
                t = builder.table(value, linked_policies.get(id(value), ()))
            except RecursionError:
                ev.report(ERROR, value.decl_site or value.site, f"table {value.name!r} is nested too deeply to read", "too-deep")
                continue
            key = (t.schema, t.name)
            if key in seen_keys:
                other = seen_keys[key]
                ev.report(ERROR, Site(t.file, t.line),
                          f"table {t.schema}.{t.name} is defined twice: here (`{t.variable}`) and at {other.file}:{other.line} (`{other.variable}`); drizzle-kit would fail",
                          "duplicate-table")
                continue
            seen_keys[key] = t
            table_by_value[id(value)] = len(tables)
            tables.append(t)
        elif isinstance(value, EnumNative):
            if in_scope(value.value.schema):
                enums.append(builder.enum(value))
        elif isinstance(value, SequenceValue):
            if in_scope(value.schema):
                sequences.append(builder.sequence(value))
        elif isinstance(value, ViewValue):
            if in_scope(value.builder.schema):
                v = builder.view(value)
                if v is not None:
                    views.append(v)
        elif isinstance(value, (RelationsValue, DefineRelationsValue)):
            relation_values.append(value)

    # Relations attach to their source table.
    extra_relations: dict[int, list] = {}
    for rv in relation_values:
        try:
            pairs = builder.relations_v1(rv, {}) if isinstance(rv, RelationsValue) else builder.relations_v2(rv)
        except RecursionError:
            continue
        for table_value, rel in pairs:
            idx = table_by_value.get(id(table_value))
            if idx is not None:
                extra_relations.setdefault(idx, []).append(rel)
    if extra_relations:
        from dataclasses import replace

        for idx, rels in extra_relations.items():
            tables[idx] = replace(tables[idx], relations=tables[idx].relations + tuple(rels))

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
    all_diags = sorted([*project.diagnostics, *diags, *ev.diagnostics], key=Diagnostic.sort_key)
    rel_files = tuple(sorted(ev.rel(f) for f in files))
    # The syntax trees and values are not needed past this point.  Modules, their values and
    # sites refer to each other; emptying the modules' tables lets reference counting free
    # most of it now, instead of leaving a heap of cycles to the (paused) collector.
    for module in ev.modules.values():
        if module is not None:
            for table in (module.bindings, module.exports, module.docs, module.cache, module.resolved):
                table.clear()
    ev.modules.clear()
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
