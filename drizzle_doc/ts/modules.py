"""One TypeScript file as the evaluator reads it (:class:`Module`: its bindings, imports, exports and
JSDoc, its syntax tree parsed on demand).  Which file an import specifier names (tsconfig
``paths``, workspaces, package ``exports``) is :mod:`drizzle_doc.ts.resolve`'s."""

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
        self.docs: dict[str, tuple[Any, Site]] = {}  # name -> (Doc, or the ref of the node it is read above, site)
        self.cache: dict[str, Any] = {}
        self.in_progress: set[str] = set()
        self.env = Env(self)
        self.resolved: dict[str, Any] = {}  # module specifier -> Module / Namespace / Unknown
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
                for spec in caps["clause"][0].named_children:
                    if spec.type != "export_specifier":
                        continue
                    name = spec.child_by_field_name("name")
                    alias = spec.child_by_field_name("alias") or name
                    self.exports[self.text(alias)] = ("local", self.text(name))
            elif "export_declaration" in caps:
                stmt = caps["export_declaration"][0]
                for name in self._index_declaration(caps["declaration"][0], stmt):
                    self.exports[name] = ("local", name)
            elif "export_default" in caps:
                self.exports["default"] = ("node", self.ref(caps["value"][0]))
                stmt = caps["export_default"][0]
                self.docs["default"] = (self.ref(stmt), LazySite(self, stmt))
            elif "commonjs_export" in caps:
                self.exports["default"] = ("node", self.ref(caps["value"][0]))
            elif "declaration" in caps:
                decl = caps["declaration"][0]
                self._index_declaration(decl, decl)

    def _index_import(self, stmt, source_node) -> None:
        spec = unescape_js(self.text(source_node)[1:-1])
        clause = next((c for c in stmt.named_children if c.type == "import_clause"), None)
        if clause is None:
            return
        for part in clause.named_children:
            if part.type == "identifier":
                self.bindings[self.text(part)] = ("import", spec, "default", LazySite(self, part))
            elif part.type == "namespace_import":
                ident = next((c for c in part.named_children if c.type == "identifier"), None)
                if ident is not None:
                    self.bindings[self.text(ident)] = ("namespace", spec, LazySite(self, part))
            elif part.type == "named_imports":
                for s in part.named_children:
                    if s.type != "import_specifier":
                        continue
                    name = s.child_by_field_name("name")
                    alias = s.child_by_field_name("alias") or name
                    imported = self.text(name)
                    if name.type == "string":
                        imported = unescape_js(imported[1:-1])
                    self.bindings[self.text(alias)] = ("import", spec, imported, LazySite(self, s))

    def _index_reexport(self, stmt, source_node) -> None:
        spec = unescape_js(self.text(source_node)[1:-1])
        clause = next((c for c in stmt.named_children if c.type == "export_clause"), None)
        if clause is None:
            ns = next((c for c in stmt.named_children if c.type == "namespace_export"), None)
            if ns is not None:  # export * as x from "./y"
                ident = ns.named_children[-1] if ns.named_children else None
                if ident is not None:
                    self.exports[self.text(ident)] = ("namespace", spec, LazySite(self, stmt))
                return
            self.star_exports.append((spec, LazySite(self, stmt)))
            return
        for s in clause.named_children:
            if s.type != "export_specifier":
                continue
            name = s.child_by_field_name("name")
            alias = s.child_by_field_name("alias") or name
            self.exports[self.text(alias)] = ("from", spec, self.text(name), LazySite(self, s))

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
                self.bindings[name] = ("node", self.ref(value), LazySite(self, name_node))
                self.docs[name] = (doc, LazySite(self, doc_anchor))
                names.append(name)
        elif decl.type == "function_declaration":
            name_node = decl.child_by_field_name("name")
            if name_node is not None:
                name = self.text(name_node)
                self.bindings[name] = ("function", self.ref(decl), LazySite(self, name_node))
                self.docs[name] = (doc, LazySite(self, doc_anchor))
                names.append(name)
        elif decl.type == "enum_declaration":
            name_node = decl.child_by_field_name("name")
            if name_node is not None:
                name = self.text(name_node)
                self.bindings[name] = ("enum", self.ref(decl), LazySite(self, name_node))
                self.docs[name] = (doc, LazySite(self, doc_anchor))
                names.append(name)
        elif decl.type in ("class_declaration", "abstract_class_declaration", "interface_declaration", "type_alias_declaration"):
            name_node = decl.child_by_field_name("name")
            if name_node is not None:
                self.bindings[self.text(name_node)] = ("opaque", self.ref(decl), LazySite(self, name_node))
        return names

    # -- evaluation ----------------------------------------------------------------
    def lookup(self, name: str, site: Site) -> Any:
        if name in self.cache:
            return self.cache[name]
        binding = self.bindings.get(name)
        if binding is None:
            return self.ev.global_value(name, site)
        if name in self.in_progress:
            return Unknown(f"`{name}` refers to itself while being defined (a cycle)", site)
        self.in_progress.add(name)
        try:
            value = self._evaluate_binding(name, binding)
        except RecursionError:  # a chain of thousands of constants
            value = Unknown(f"`{name}` is defined through a chain nested too deeply to read", site)
        finally:
            self.in_progress.discard(name)
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
        return Unknown(f"`{name}` is a type or class, not a value drizzle-doc can read", binding[2])

    def export(self, name: str, seen: Optional[set] = None) -> Any:
        seen = seen if seen is not None else set()
        key = (self.rel, name)
        if key in seen:
            return UNDEFINED
        seen.add(key)
        entry = self.exports.get(name)
        if entry is not None:
            kind = entry[0]
            if kind == "local":
                return self.lookup(entry[1], self.ev.module_site(self))
            if kind == "node":
                cache_key = "\0export:" + name
                if cache_key not in self.cache:
                    value = self.ev.eval(self.node(entry[1]), self.env)
                    self.ev.named(value, name, self)  # `export default pgTable(...)`: variable "default"
                    self.cache[cache_key] = value
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

    def export_names(self) -> list[str]:
        """Every name this module exports (``export *`` followed), in source order; computed once."""
        if self._export_names is not None:
            return self._export_names
        if self._listing:  # a cycle of barrels: the outer call completes the list
            return [n for n in self.exports if n != "default"]
        self._listing = True
        try:
            names = [n for n in self.exports if n != "default"]
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
        self._export_names = names
        self._star_map = star_map
        return names
