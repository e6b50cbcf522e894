"""One TypeScript file as the evaluator reads it (:class:`Module`: its bindings, imports, exports and
JSDoc, its syntax tree parsed on demand).  Which file an import specifier names (tsconfig
``paths``, workspaces, package ``exports``) is :mod:`drizzle_doc.ts.resolve`'s.

Types are names too: a type alias or interface, ``import type``/``import { type X }``,
``export type { X }``/``export { type X }`` and ``export type * from`` bind or export a name that
is no value at run time.  :meth:`Module.export_names` leaves them out (drizzle-kit's
``Object.values(module)`` never sees them) and :meth:`Module.type_export` says whether a name
that has no value is a type, so importing one is not a missing export.  A value and a type of
one name (``export const Role = …; export type Role = …``) are the value."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any, Optional

from drizzle_doc.model import NO_DOC, WARNING, Doc
from drizzle_doc.ts import syntax as ts
from drizzle_doc.ts.jsdoc import parse_jsdoc
from drizzle_doc.ts.resolve import SOURCE_SUFFIXES, resolve_file  # noqa: F401 (re-exported)
from drizzle_doc.ts.values import (
    UNDEFINED,
    JSFunction,
    LazySite,
    Namespace,
    PropMeta,
    Site,
    Unknown,
)
from drizzle_doc.ts.lexical import Env, unescape_js

# A Doc is immutable: the same comment text (often repeated across columns) is parsed once.
_parse_jsdoc = lru_cache(maxsize=4096)(parse_jsdoc)

if TYPE_CHECKING:
    from drizzle_doc.ts.evaluate import Evaluator


def _find_node(root, start: int, end: int, kind: str):
    """The node of type ``kind`` spanning exactly ``start``-``end`` below ``root``, searching only
    the children that cover the range (zero-width nodes included), or None."""
    todo = [root]
    while todo:
        node = todo.pop()
        if node.type == kind and node.start_byte == start and node.end_byte == end:
            return node
        todo.extend(c for c in node.children if c.start_byte <= start and c.end_byte >= end)
    return None


class Module:
    """One source file: its tree, top-level bindings and exports (indexed once, evaluated lazily)."""

    def __init__(self, ev: "Evaluator", path: Path, rel: str, source: bytes, tsx: bool):
        self.ev = ev
        self.path = path
        self.rel = rel
        self.source = source
        self.tsx = tsx
        self._tree = ts.parse(source, tsx)
        ev.keep_tree(self)
        self.ascii = source.isascii()
        # ASCII: byte offsets are character offsets, so slicing the decoded text once is the same
        self._str: Optional[str] = source.decode("ascii") if self.ascii else None
        self.bindings: dict[str, tuple] = {}
        self.exports: dict[str, tuple] = {}
        self.star_exports: list[tuple[str, Site]] = []
        self.type_stars: list[tuple[str, Site]] = []  # `export type * from "x"`: its names are types
        self.docs: dict[str, tuple[Any, Site]] = {}  # name -> (Doc, or the ref of the node it is read above, site)
        self.cache: dict[str, Any] = {}
        self.frames: dict[str, Any] = {}  # cache key -> the Frame its result was made in (see Evaluator.record)
        self.in_progress: set[str] = set()
        self.env = Env(self)
        self.resolved: dict[str, Any] = {}  # module specifier -> Module / Namespace / Unknown
        # module specifier -> where it is first written here: what resolving it says is said there,
        # whichever import of it is evaluated first (the same in any order of evaluation)
        self.spec_sites: dict[str, LazySite] = {}
        self._export_names: Optional[list[str]] = None
        self._star_map: Optional[dict[str, "Module"]] = None  # name -> module it is re-exported from
        self._listing = False
        self._index()

    # -- the syntax tree ---------------------------------------------------------------
    @property
    def tree(self):
        """The syntax tree, parsed again if the evaluator released it (see ``Evaluator.keep_tree``).

        Nothing long-lived holds a node (a node keeps its tree alive): bindings, functions and
        positions keep :meth:`ref` s, and :meth:`node` finds the node again in today's tree.
        """
        tree = self._tree
        if tree is None:
            tree = self._tree = ts.parse(self.source, self.tsx)
            self.ev.reparsed += 1
        self.ev.keep_tree(self)
        return tree

    @staticmethod
    def ref(node) -> Optional[tuple[int, int, str]]:
        """A handle on ``node`` that does not keep the tree alive: (start byte, end byte, type)."""
        return None if node is None else (node.start_byte, node.end_byte, node.type)

    def node(self, ref: Optional[tuple[int, int, str]]):
        """The node :meth:`ref` gave ``ref`` for (the same in a tree parsed again: parsing is deterministic)."""
        if ref is None:
            return None
        start, end, kind = ref
        node = self.tree.root_node.descendant_for_byte_range(start, end)
        # the smallest node over the range; a wrapper with the same range (an expression
        # statement around its call, say) is an ancestor
        while node is not None and not (node.type == kind and node.start_byte == start and node.end_byte == end):
            node = node.parent
        if node is None:  # a zero-width node (tree-sitter's MISSING after a syntax error) is not
            node = _find_node(self.tree.root_node, start, end, kind)  # found by range: search down
        if node is None:  # cannot happen for a ref of this module's source
            raise LookupError(f"{self.rel}: no {kind} node at bytes {start}-{end}")
        return node

    # -- positions -----------------------------------------------------------------
    def text(self, node) -> str:
        if self._str is not None:
            return self._str[node.start_byte : node.end_byte]
        return self.source[node.start_byte : node.end_byte].decode("utf-8", "replace")

    def site(self, node) -> Site:
        return self.site_at(node.start_point, node.start_byte)

    def site_at(self, point: tuple[int, int], byte: int) -> Site:
        """The site of a node that starts at ``point`` (row, byte column), byte offset ``byte``."""
        row, col = point
        if self.ascii:  # byte columns are character columns
            return Site(self.rel, row + 1, col + 1)
        line_start = self.source.rfind(b"\n", 0, byte) + 1
        char_col = len(self.source[line_start : line_start + col].decode("utf-8", "replace"))
        return Site(self.rel, row + 1, char_col + 1)

    def doc_before(self, node, siblings: Optional[list] = None, index: int = 0) -> Doc:
        """The JSDoc block directly above ``node`` (only blank space between)."""
        return self.jsdoc(self.jsdoc_above(node, siblings, index))

    def jsdoc(self, comment: Optional[tuple[int, int]]) -> Doc:
        """The parsed JSDoc block at byte range ``comment`` (from :meth:`jsdoc_above`)."""
        if comment is None:
            return NO_DOC
        return _parse_jsdoc(self.source[comment[0] : comment[1]].decode("utf-8", "replace"))

    def prop_meta(self, child, siblings: list, index: int) -> PropMeta:
        """The PropMeta of property ``child`` (``siblings[index]``): its JSDoc's place found now."""
        prev = siblings[index - 1] if index > 0 else None
        comment = self.jsdoc_above(child, siblings, index) if prev is not None and prev.type == "comment" else None
        return PropMeta(None, None, self, comment, child.start_point, child.start_byte)

    def jsdoc_above(self, node, siblings: Optional[list] = None, index: int = 0) -> Optional[tuple[int, int]]:
        """The byte range of the JSDoc block directly above ``node`` (only blank space between), or None.

        ``siblings`` (the parent's ``children``, ``node`` at ``index``) spares the walk back with
        ``prev_sibling``, which tree-sitter answers by searching down from the root."""
        source = self.source
        if siblings is not None:
            i = index - 1
            while True:
                prev = siblings[i] if i >= 0 else None
                if prev is None or prev.type != "comment":
                    return None
                if source.startswith(b"/**", prev.start_byte, prev.end_byte):
                    break
                i -= 1
        else:
            prev = node.prev_sibling
            while True:
                if prev is None or prev.type != "comment":
                    return None
                if source.startswith(b"/**", prev.start_byte, prev.end_byte):
                    break
                prev = prev.prev_sibling
        if node.start_point[0] - prev.end_point[0] > 1:
            return None
        return (prev.start_byte, prev.end_byte)

    def doc_of(self, name: str) -> tuple[Optional[Doc], Optional[Site]]:
        """The JSDoc and declaration site of top-level ``name`` (read once, on first use)."""
        entry = self.docs.get(name)
        if entry is None:
            return None, None
        doc, site = entry
        if not isinstance(doc, Doc):  # the ref of the statement it is read above
            doc = self.doc_before(self.node(doc))
            self.docs[name] = (doc, site)
        return doc, site

    # -- indexing ----------------------------------------------------------------
    def _index(self) -> None:
        # every pattern of module.scm is anchored at (program …): matches start at depth 0
        for _pattern, caps in ts.matches("module.scm", self.tree.root_node, self.tsx, max_start_depth=0):
            if "import" in caps:
                self._index_import(caps["import"][0], caps["source"][0])
            elif "reexport" in caps:
                self._index_reexport(caps["reexport"][0], caps["source"][0])
            elif "export_clause" in caps:
                stmt = caps["export_clause"][0]
                all_types = _has_type_keyword(stmt)  # export type { X, Y }
                for spec in caps["clause"][0].named_children:
                    if spec.type != "export_specifier":
                        continue
                    name = spec.child_by_field_name("name")
                    alias = spec.child_by_field_name("alias") or name
                    if all_types or _has_type_keyword(spec):  # export { type X }
                        self._export(self.text(alias), ("type", LazySite(self, spec)))
                    else:
                        self._export(self.text(alias), ("local", self.text(name)))
            elif "export_declaration" in caps:
                stmt = caps["export_declaration"][0]
                decl = caps["declaration"][0]
                for name in self._index_declaration(decl, stmt):
                    if decl.type in _TYPE_DECLARATIONS:
                        self._export(name, ("type", LazySite(self, decl)))
                    else:
                        self._export(name, ("local", name))
            elif "export_default" in caps:
                self.exports["default"] = ("node", self.ref(caps["value"][0]))
                stmt = caps["export_default"][0]
                self.docs["default"] = (self.ref(stmt), LazySite(self, stmt))
            elif "commonjs_export" in caps:
                self.exports["default"] = ("node", self.ref(caps["value"][0]))
            elif "declaration" in caps:
                decl = caps["declaration"][0]
                self._index_declaration(decl, decl)
        # `export type * from "x"` is blanked before parsing (ts.syntax repairs it): read it here
        for start, quoted, alias in ts.blanked_type_stars(self.source, self.tree):
            spec = unescape_js(quoted[1:-1])
            site = Site(self.rel, self.source.count(b"\n", 0, start) + 1, 1)
            if alias is None:
                self.type_stars.append((spec, site))
            else:
                self._export(alias, ("type", site))

    def _export(self, name: str, entry: tuple) -> None:
        """Export ``name`` as ``entry``; a type never replaces a value of the same name."""
        if entry[0] == "type" and self.exports.get(name, ("type",))[0] != "type":
            return
        self.exports[name] = entry

    def _bind(self, name: str, entry: tuple) -> None:
        """Bind ``name`` to ``entry``; a type never replaces a value of the same name (a value
        declared after a type of its name replaces it)."""
        if entry[0] in _TYPE_BINDINGS and self.bindings.get(name, ("type",))[0] not in _TYPE_BINDINGS:
            return
        self.bindings[name] = entry

    def _index_import(self, stmt, source_node) -> None:
        spec = unescape_js(self.text(source_node)[1:-1])
        self.spec_sites.setdefault(spec, LazySite(self, source_node))
        clause = next((c for c in stmt.named_children if c.type == "import_clause"), None)
        if clause is None:
            return
        all_types = _has_type_keyword(stmt)  # import type { X } / import type X / import type * as X
        for part in clause.named_children:
            if part.type == "identifier":
                kind = "typeimport" if all_types else "import"
                self._bind(self.text(part), (kind, spec, "default", LazySite(self, part)))
            elif part.type == "namespace_import":
                ident = next((c for c in part.named_children if c.type == "identifier"), None)
                if ident is not None:
                    if all_types:
                        self._bind(self.text(ident), ("typeimport", spec, "*", LazySite(self, part)))
                    else:
                        self._bind(self.text(ident), ("namespace", spec, LazySite(self, part)))
            elif part.type == "named_imports":
                for s in part.named_children:
                    if s.type != "import_specifier":
                        continue
                    name = s.child_by_field_name("name")
                    alias = s.child_by_field_name("alias") or name
                    imported = self.text(name)
                    if name.type == "string":
                        imported = unescape_js(imported[1:-1])
                    kind = "typeimport" if all_types or _has_type_keyword(s) else "import"  # import { type X }
                    self._bind(self.text(alias), (kind, spec, imported, LazySite(self, s)))

    def _index_reexport(self, stmt, source_node) -> None:
        spec = unescape_js(self.text(source_node)[1:-1])
        self.spec_sites.setdefault(spec, LazySite(self, source_node))
        all_types = _has_type_keyword(stmt)  # export type { X } from "./y"
        clause = next((c for c in stmt.named_children if c.type == "export_clause"), None)
        if clause is None:
            ns = next((c for c in stmt.named_children if c.type == "namespace_export"), None)
            if ns is not None:  # export * as x from "./y"
                ident = ns.named_children[-1] if ns.named_children else None
                if ident is not None:
                    self._export(self.text(ident), ("namespace", spec, LazySite(self, stmt)))
                return
            self.star_exports.append((spec, LazySite(self, stmt)))
            return
        for s in clause.named_children:
            if s.type != "export_specifier":
                continue
            name = s.child_by_field_name("name")
            alias = s.child_by_field_name("alias") or name
            if all_types or _has_type_keyword(s):  # export { type X } from "./y"
                self._export(self.text(alias), ("type", LazySite(self, s)))
            else:
                self._export(self.text(alias), ("from", spec, self.text(name), LazySite(self, s)))

    def _index_declaration(self, decl, doc_anchor) -> list[str]:
        names: list[str] = []
        doc = self.ref(doc_anchor)  # the JSDoc above it is read by doc_of(), only for names that need one
        if decl.type in ("lexical_declaration", "variable_declaration"):
            for d in decl.named_children:
                if d.type != "variable_declarator":
                    continue
                name_node = d.child_by_field_name("name")
                value = d.child_by_field_name("value")
                if name_node is None or name_node.type != "identifier":
                    continue  # destructuring at top level: not something a schema needs
                name = self.text(name_node)
                self._bind(name, ("node", self.ref(value), LazySite(self, name_node)))
                self.docs[name] = (doc, LazySite(self, doc_anchor))
                names.append(name)
        elif decl.type == "function_declaration":
            name_node = decl.child_by_field_name("name")
            if name_node is not None:
                name = self.text(name_node)
                self._bind(name, ("function", self.ref(decl), LazySite(self, name_node)))
                self.docs[name] = (doc, LazySite(self, doc_anchor))
                names.append(name)
        elif decl.type == "enum_declaration":
            name_node = decl.child_by_field_name("name")
            if name_node is not None:
                name = self.text(name_node)
                self._bind(name, ("enum", self.ref(decl), LazySite(self, name_node)))
                self.docs[name] = (doc, LazySite(self, doc_anchor))
                names.append(name)
        elif decl.type in ("class_declaration", "abstract_class_declaration"):  # a value, not read
            name_node = decl.child_by_field_name("name")
            if name_node is not None:
                name = self.text(name_node)
                self._bind(name, ("opaque", self.ref(decl), LazySite(self, name_node)))
                names.append(name)
        elif decl.type in _TYPE_DECLARATIONS:
            name_node = decl.child_by_field_name("name")
            if name_node is not None:
                name = self.text(name_node)
                self._bind(name, ("type", self.ref(decl), LazySite(self, name_node)))
                names.append(name)
        elif decl.type == "ambient_declaration":  # export declare const x: T; (its value is set elsewhere)
            inner = next((c for c in decl.named_children if c.type in _AMBIENT_VALUES), None)
            if inner is not None:
                for name_node in _declared_names(inner):
                    name = self.text(name_node)
                    self._bind(name, ("node", None, LazySite(self, name_node)))
                    names.append(name)
        return names

    # -- evaluation ----------------------------------------------------------------
    def lookup(self, name: str, site: Site) -> Any:
        ev = self.ev
        if name in self.cache:
            ev.hit(self.frames, name)
            return self.cache[name]
        binding = self.bindings.get(name)
        if binding is None:
            return ev.global_value(name, site)
        if name in self.in_progress:
            return Unknown(f"`{name}` refers to itself while being defined (a cycle)", site)
        self.in_progress.add(name)
        frame = ev.begin(self.path)
        try:
            value = self._evaluate_binding(name, binding)
        except RecursionError:  # a chain of thousands of constants
            value = Unknown(f"`{name}` is defined through a chain nested too deeply to read", site)
        finally:
            self.in_progress.discard(name)
            ev.end(frame, self.frames, name)
        self.cache[name] = value
        return value

    def _evaluate_binding(self, name: str, binding: tuple) -> Any:
        kind = binding[0]
        if kind == "node":
            if binding[1] is None:
                return UNDEFINED
            value = self.ev.eval(self.node(binding[1]), self.env)
            self.ev.named(value, name, self)
            return value
        if kind == "function":
            decl = self.node(binding[1])
            return JSFunction(
                self.ref(decl.child_by_field_name("parameters")),
                self.ref(decl.child_by_field_name("body")),
                self,
                self.env,
                name,
                self.site(decl),
                self.text(decl),
            )
        if kind == "enum":
            return self.ev.eval_ts_enum(self.node(binding[1]), self)
        if kind == "import":
            _, spec, imported, site = binding
            return self.ev.import_value(self, spec, imported, site)
        if kind == "namespace":
            _, spec, site = binding
            return self.ev.namespace_value(self, spec, site)
        if kind == "typeimport":
            return Unknown(f"`{name}` is imported as a type (`import type`), not a value", binding[3])
        if kind == "type":
            return Unknown(f"`{name}` is a type, not a value", binding[2])
        return Unknown(f"`{name}` is a class, not a value drizzle-doc can read", binding[2])

    def export(self, name: str, seen: Optional[set] = None) -> Any:
        seen = seen if seen is not None else set()
        key = (self.rel, name)
        if key in seen:
            return UNDEFINED
        seen.add(key)
        entry = self.exports.get(name)
        if entry is not None:
            kind = entry[0]
            if kind == "local" and not self._type_local(entry[1]):
                return self.lookup(entry[1], self.ev.module_site(self))
            if kind == "node":
                cache_key = "\0export:" + name
                if cache_key not in self.cache:
                    frame = self.ev.begin(self.path)
                    try:
                        value = self.ev.eval(self.node(entry[1]), self.env)
                        self.ev.named(value, name, self)  # `export default pgTable(...)`: variable "default"
                    finally:
                        self.ev.end(frame, self.frames, cache_key)
                    self.cache[cache_key] = value
                else:
                    self.ev.hit(self.frames, cache_key)
                return self.cache[cache_key]
            if kind == "from":
                _, spec, imported, site = entry
                target = self.ev.resolve_module(self, spec, site)
                if isinstance(target, Module):
                    return target.export(imported, seen)
                if isinstance(target, Namespace):
                    return target.members(imported)
                return target
            if kind == "namespace":
                return self.ev.namespace_value(self, entry[1], entry[2])
            # a type: erased at run time (an `export *` may still give the name a value)
        if name == "default" or not self.star_exports:
            return UNDEFINED
        target = self._star_source(name)
        if target is not None:
            return target.export(name, seen)
        for spec, site in self.star_exports:  # native namespaces cannot list their names
            ns = self.ev.resolve_module(self, spec, site)
            if isinstance(ns, Namespace):
                value = ns.members(name)
                if value is not UNDEFINED:
                    return value
        return UNDEFINED

    def _star_source(self, name: str) -> Optional["Module"]:
        """The module an ``export *`` of this one takes ``name`` from, if any."""
        if self._star_map is None:
            self.export_names()
        return (self._star_map or {}).get(name)

    def origin(self, name: str, seen: Optional[set] = None) -> tuple[str, str]:
        """Where ``export(name)`` is defined, without evaluating anything: ``(module rel, binding)``.

        Re-exports, ``export *`` and imported-then-exported names are followed to the module
        that binds the value; exports that are the same binding have the same origin.
        """
        seen = seen if seen is not None else set()
        key = (self.rel, name)
        if key in seen:
            return key
        seen.add(key)
        entry = self.exports.get(name)
        if entry is not None and (entry[0] == "type" or entry[0] == "local" and self._type_local(entry[1])):
            entry = None  # a type: what an `export *` gives the name, if anything
        if entry is None:
            if name != "default" and self.star_exports:
                target = self._star_source(name)
                if target is not None:
                    return target.origin(name, seen)
            return key
        kind = entry[0]
        if kind == "from":
            target = self.ev.resolve_module(self, entry[1], entry[3])
            return target.origin(entry[2], seen) if isinstance(target, Module) else key
        if kind != "local":
            return (self.rel, "\0" + name)  # export default <expr>, export * as x
        binding = self.bindings.get(entry[1])
        if binding is not None and binding[0] == "import":
            target = self.ev.resolve_module(self, binding[1], binding[3])
            return target.origin(binding[2], seen) if isinstance(target, Module) else (self.rel, entry[1])
        return (self.rel, entry[1])

    def own_export_names(self) -> list[str]:
        """The names this module's own export statements give a value (not ``default``, not
        ``export *``): no type, and no name bound only as a type here."""
        out = []
        for name, entry in self.exports.items():
            if name == "default" or entry[0] == "type":
                continue
            if entry[0] == "local" and self._type_local(entry[1]):
                continue  # type X = …; export { X }
            out.append(name)
        return out

    def _type_local(self, name: str) -> bool:
        """Whether top-level ``name`` is bound here as a type only (alias, interface, ``import type``)."""
        binding = self.bindings.get(name)
        return binding is not None and binding[0] in _TYPE_BINDINGS

    def type_export(self, name: str, seen: Optional[set] = None) -> bool:
        """Whether ``name`` is exported by this module as a type only (an alias or interface,
        ``export type``, ``export { type X }``, a type imported and exported again, or a name of
        an ``export type *``), following re-exports; nothing is evaluated."""
        seen = seen if seen is not None else set()
        key = (self.rel, name)
        if key in seen:
            return False
        seen.add(key)
        entry = self.exports.get(name)
        if entry is not None:
            kind = entry[0]
            if kind == "type":
                return True
            if kind == "local":
                binding = self.bindings.get(entry[1])
                if binding is None:
                    return False
                if binding[0] in _TYPE_BINDINGS:
                    return True
                if binding[0] == "import":
                    target = self.ev.resolve_module(self, binding[1], binding[3])
                    return isinstance(target, Module) and target.type_export(binding[2], seen)
                return False
            if kind == "from":
                target = self.ev.resolve_module(self, entry[1], entry[3])
                return isinstance(target, Module) and target.type_export(entry[2], seen)
            return False
        if name == "default":
            return False
        for spec, site in self.star_exports:
            target = self.ev.resolve_module(self, spec, site)
            if isinstance(target, Module) and target.type_export(name, seen):
                return True
        for spec, site in self.type_stars:
            target = self.ev.resolve_module(self, spec, site)
            if isinstance(target, Module) and (name in target.export_names() or target.type_export(name, seen)):
                return True
        return False

    def export_names(self) -> list[str]:
        """Every name this module exports (``export *`` followed), in source order; computed once."""
        if self._export_names is not None:
            self.ev.hit(self.frames, "\0names")
            return self._export_names
        if self._listing:  # a cycle of barrels: the outer call completes the list
            return [n for n in self.exports if n != "default"]
        self._listing = True
        frame = self.ev.begin(self.path)
        try:
            names = self.own_export_names()
            own = set(names)
            star_map: dict[str, Module] = {}
            for spec, site in self.star_exports:
                target = self.ev.resolve_module(self, spec, site)
                if isinstance(target, Module):
                    for n in target.export_names():
                        if n not in own and n not in star_map:
                            star_map[n] = target
                            names.append(n)
                elif isinstance(target, Unknown) and not self.ev.resolver.resolve(self.path, spec).local:
                    # a registry package's names cannot be listed: say so rather than re-export nothing
                    self.ev.report(WARNING, site, f"`export * from {spec!r}`: {spec!r} is a package "
                                   "drizzle-doc does not read (not in the workspace, no tsconfig alias); "
                                   "what it exports is not listed", "unfollowed-export")
        finally:
            self._listing = False
            self.ev.end(frame, self.frames, "\0names")
        self._export_names = names
        self._star_map = star_map
        return names


#: Declarations of types only (no value at run time).
_TYPE_DECLARATIONS = frozenset({"type_alias_declaration", "interface_declaration"})
#: Bindings of types only: a type alias or interface here, a name of ``import type``.
_TYPE_BINDINGS = frozenset({"type", "typeimport"})
#: What ``declare`` may declare that is a value set elsewhere.
_AMBIENT_VALUES = frozenset({"lexical_declaration", "variable_declaration", "function_signature",
                             "class_declaration", "abstract_class_declaration"})


def _has_type_keyword(node) -> bool:
    """Whether ``node`` (an import or export statement, or one specifier) has its own ``type``
    keyword: ``import type …``, ``export type { … }``, ``{ type X }``."""
    return any(c.type == "type" for c in node.children)


def _declared_names(decl) -> list:
    """The name nodes a ``declare``d declaration binds (``declare const a: A, b: B``)."""
    if decl.type in ("lexical_declaration", "variable_declaration"):
        return [n for d in decl.named_children if d.type == "variable_declarator"
                for n in [d.child_by_field_name("name")] if n is not None and n.type == "identifier"]
    name = decl.child_by_field_name("name")
    return [name] if name is not None else []
