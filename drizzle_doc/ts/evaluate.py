"""A static evaluator for the small part of TypeScript that Drizzle schemas are written in.

It never runs code: it reads syntax trees and computes what constant
expressions, object literals, arrow-function helpers, imports and re-exports
mean.  Anything it cannot know becomes :class:`~.values.Unknown` with a reason.
Top-level declarations are evaluated lazily and once, so cyclic references
between files (``references(() => other.id)``) resolve naturally.
"""

from __future__ import annotations

import json
import re
from functools import lru_cache
from pathlib import Path
from typing import Any, Optional

from drizzle_doc.limits import DEFAULT_MAX_FILE_SIZE, json_max, snippet, too_dense, too_large
from drizzle_doc.model import ERROR, NO_DOC, WARNING, Diagnostic, Doc
from drizzle_doc.ts import syntax as ts
from drizzle_doc.ts.jsdoc import parse_jsdoc
from drizzle_doc.ts.values import (
    UNDEFINED,
    Call,
    JSFunction,
    METHOD_TABLES,
    JSObject,
    LazySite,
    Namespace,
    Native,
    PropMeta,
    Site,
    Unknown,
    js_number,
    js_string,
)

# A Doc is immutable: the same comment text (often repeated across columns) is parsed once.
_parse_jsdoc = lru_cache(maxsize=4096)(parse_jsdoc)

SOURCE_SUFFIXES = (".ts", ".tsx", ".mts", ".cts", ".js", ".jsx", ".mjs", ".cjs")


def resolve_file(path: Path, real_folders: dict) -> Path:
    """``path.resolve()`` for an existing file, with its folder's resolution cached in ``real_folders``:
    a file that is not a symlink resolves to its resolved folder plus its name."""
    if path.is_symlink():
        return path.resolve()
    folder = path.parent
    real = real_folders.get(folder)
    if real is None:
        real = real_folders[folder] = folder.resolve()
    return real / path.name


class TemplateParts:
    """The cooked strings and evaluated substitutions of a tagged template."""

    __slots__ = ("strings", "values")

    def __init__(self, strings: list[str], values: list[Any]):
        self.strings = strings
        self.values = values


class Env:
    """A function scope: local names, then the enclosing scopes, then the module."""

    __slots__ = ("vars", "parent", "module")

    def __init__(self, module: "Module", parent: Optional["Env"] = None):
        self.vars: dict[str, Any] = {}
        self.parent = parent
        self.module = module

    def lookup(self, name: str, site: Site) -> Any:
        env: Optional[Env] = self
        while env is not None:
            if name in env.vars:
                return env.vars[name]
            env = env.parent
        return self.module.lookup(name, site)


_ESCAPES = {"n": "\n", "t": "\t", "r": "\r", "b": "\b", "f": "\f", "v": "\v", "0": "\0"}
_ESCAPE_RE = re.compile(r"\\(u\{[0-9a-fA-F]+\}|u[0-9a-fA-F]{4}|x[0-9a-fA-F]{2}|\r\n|[\s\S])")


def unescape_js(text: str) -> str:
    def sub(m: re.Match) -> str:
        e = m.group(1)
        if e[0] == "u" and len(e) > 1:
            code = int(e[2:-1] if e.startswith("u{") else e[1:], 16)
            return chr(code) if code <= 0x10FFFF else "\ufffd"
        if e[0] == "x" and len(e) == 3:
            return chr(int(e[1:], 16))
        if e in ("\n", "\r\n", "\r", "\u2028", "\u2029"):
            return ""
        return _ESCAPES.get(e, e)

    return _ESCAPE_RE.sub(sub, text) if "\\" in text else text


_LEGACY_OCTAL = re.compile(r"0[0-7]+")


def parse_js_number(text: str) -> Any:
    t = text.replace("_", "")
    if t.endswith("n"):
        return int(t[:-1], 0)
    low = t.lower()
    try:
        if low.startswith(("0x", "0o", "0b")):
            return int(low, 0)
        if _LEGACY_OCTAL.fullmatch(t):
            return int(t, 8)
        value = float(t)
    except ValueError:
        return Unknown(f"number {text!r}")
    return int(value) if value.is_integer() and "e" not in low and "." not in t else value


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
        finally:
            self._listing = False
        self._export_names = names
        self._star_map = star_map
        return names


class Evaluator:
    """Evaluates expressions across the files of one project; collects diagnostics."""

    def __init__(self, root: Path, natives: dict[str, Namespace], path_aliases: Optional[list] = None,
                 tree_budget: Optional[int] = None):
        self.root = root
        self.natives = natives  # package name -> Namespace ("drizzle-orm/pg-core", …)
        self.path_aliases = path_aliases or []  # [(prefix, suffix, [target dirs])]
        self.modules: dict[Path, Optional[Module]] = {}
        self._paths: dict[tuple[str, str], Optional[Path]] = {}  # (folder, specifier) -> file
        self._real_folders: dict[Path, Path] = {}  # for resolve_file
        self._diags: dict[tuple, Diagnostic] = {}
        self.globals = _make_globals()
        self.on_named = None  # hook: (value, name, module) -> None, set by pgcore
        # Syntax trees kept alive, least recently used first, and the bytes of source they cover.
        # Trees take ~25 bytes per byte of source: past ``tree_budget`` bytes of source the oldest
        # is released (Module.tree parses it again if it is needed again); None keeps every tree.
        self.tree_budget = tree_budget if tree_budget is not None else float("inf")
        self.max_file_bytes = DEFAULT_MAX_FILE_SIZE  # larger models files are skipped, not parsed
        self.reparsed = 0  # how many trees were parsed again
        self._live: dict[Module, None] = {}
        self._live_bytes = 0
        self._last: Optional[Module] = None

    def keep_tree(self, module: Module) -> None:
        """Note that ``module``'s tree is in use; release the least recently used past the budget."""
        if module is self._last:
            return
        self._last = module
        live = self._live
        if module in live:
            del live[module]
            live[module] = None
            return
        live[module] = None
        self._live_bytes += len(module.source)
        while self._live_bytes > self.tree_budget and len(live) > 1:
            old = next(iter(live))
            del live[old]
            self._live_bytes -= len(old.source)
            old._tree = None  # freed once no evaluation in progress holds one of its nodes

    # -- diagnostics ---------------------------------------------------------------
    def report(self, severity: str, site: Optional[Site], message: str, code: str = "") -> None:
        key = (site.file if site else None, site.line if site else None, message)
        if key not in self._diags:
            self._diags[key] = Diagnostic(
                severity,
                site.file if site else None,
                site.line if site else None,
                message,
                site.column if site else None,
                code,
            )

    def add(self, d: Diagnostic) -> None:
        """A diagnostic made elsewhere (the tsconfig's, say)."""
        self._diags.setdefault((d.file, d.line, d.message), d)

    @property
    def diagnostics(self) -> list[Diagnostic]:
        return sorted(self._diags.values(), key=Diagnostic.sort_key)

    def module_site(self, module: Module) -> Site:
        return Site(module.rel, 1, 1)

    # -- files -------------------------------------------------------------------
    def rel(self, path: Path) -> str:
        try:
            return path.relative_to(self.root).as_posix()
        except ValueError:
            return path.as_posix()

    def load(self, path: Path) -> Optional[Module]:
        path = Path(path)
        if path in self.modules:
            return self.modules[path]
        self.modules[path] = None  # guards against re-entry while loading
        rel = self.rel(path)
        try:
            big = too_large(path, self.max_file_bytes)
            if big:
                self.report(ERROR, Site(rel, 1), big, "file-too-large")
                return None
            raw = path.read_bytes()
        except OSError as exc:
            self.report(ERROR, Site(rel, 1), f"cannot read file: {exc.strerror or exc}", "unreadable")
            return None
        if b"\0" in raw[:8192]:
            self.report(ERROR, Site(rel, 1), "binary file (contains NUL bytes): skipped", "binary-file")
            return None
        dense = too_dense(raw, self.max_file_bytes)
        if dense:
            self.report(ERROR, Site(rel, 1), dense, "file-too-large")
            return None
        try:
            raw.decode("utf-8")
            source = raw
        except UnicodeDecodeError as exc:
            line = raw[: exc.start].count(b"\n") + 1
            self.report(WARNING, Site(rel, line), "file is not valid UTF-8; undecodable bytes were replaced", "not-utf8")
            source = raw.decode("utf-8", "replace").encode("utf-8")
        if source.startswith(b"\xef\xbb\xbf"):
            source = b"   " + source[3:]  # keep byte offsets, drop the BOM
        module = Module(self, path, rel, source, path.suffix in (".tsx", ".jsx"))
        for row, col, what in ts.syntax_errors(module.tree):
            line_start = 0
            for _ in range(row):
                line_start = source.find(b"\n", line_start) + 1
            char_col = len(source[line_start : line_start + col].decode("utf-8", "replace"))
            self.report(ERROR, Site(rel, row + 1, char_col + 1), f"TypeScript {what}; the rest of the file is still read", "syntax")
        self.modules[path] = module
        return module

    def resolve_path(self, base: Path, spec: str) -> Optional[Path]:
        key = (str(base), spec)
        if key not in self._paths:
            self._paths[key] = self._resolve_path(base, spec)
        return self._paths[key]

    def _resolve_path(self, base: Path, spec: str) -> Optional[Path]:
        for c in self._candidates(base, spec):
            try:
                if c.is_file():
                    return resolve_file(c, self._real_folders)
            except OSError:  # a name too long, a symlink loop: not a module
                continue
        return None

    @staticmethod
    def _candidates(base: Path, spec: str):
        """The files an import specifier may name, in the order they are tried (made one at a time:
        the first usually exists)."""
        target = (base / spec) if not spec.startswith("/") else Path(spec)
        if target.suffix in (".js", ".jsx", ".mjs", ".cjs"):
            ts_suffix = {".js": ".ts", ".jsx": ".tsx", ".mjs": ".mts", ".cjs": ".cts"}[target.suffix]
            yield target.with_suffix("").with_suffix(ts_suffix)
        yield target
        text = str(target)
        for suffix in SOURCE_SUFFIXES:
            yield Path(text + suffix)
        for suffix in SOURCE_SUFFIXES:
            yield target / ("index" + suffix)

    def resolve_module(self, module: Module, spec: str, site: Site) -> Any:
        """A module specifier to a Module, a native Namespace, or Unknown (cached per module)."""
        if spec in self.natives:
            return self.natives[spec]
        if spec in module.resolved:
            return module.resolved[spec]
        target = self._resolve_module(module, spec, site)
        module.resolved[spec] = target
        return target

    def module_path(self, module: Module, spec: str) -> Optional[Path]:
        """The file ``spec`` names from ``module`` (relative or a tsconfig path alias), or None
        (a package, or nothing there); nothing is loaded or reported."""
        if spec in self.natives:
            return None
        if spec.startswith("."):
            return self.resolve_path(module.path.parent, spec)
        for prefix, suffix, targets in self.path_aliases:
            if spec.startswith(prefix) and spec.endswith(suffix) and len(spec) >= len(prefix) + len(suffix):
                middle = spec[len(prefix) : len(spec) - len(suffix) if suffix else None]
                for t in targets:
                    path = self.resolve_path(Path("/"), str(t).replace("*", middle, 1))
                    if path is not None:
                        return path
        return None

    def _resolve_module(self, module: Module, spec: str, site: Site) -> Any:
        path = self.module_path(module, spec)  # (native packages were answered before)
        if path is None and not spec.startswith("."):
            return Unknown(f"import from package {spec!r} is not followed", site)
        if path is None:
            self.report(ERROR, site, f"cannot resolve import {spec!r}", "unresolved-import")
            return Unknown(f"cannot resolve import {spec!r}", site)
        loaded = self.load(path)
        if loaded is None:
            if path in self.modules and self.modules[path] is None:
                return Unknown(f"{spec!r} could not be read", site)
        return loaded if loaded is not None else Unknown(f"{spec!r} could not be read", site)

    def import_value(self, module: Module, spec: str, imported: str, site: Site) -> Any:
        target = self.resolve_module(module, spec, site)
        if isinstance(target, Module):
            value = target.export(imported)
            if value is UNDEFINED and imported != "default":
                self.report(ERROR, site, f"{spec!r} has no export named {imported!r}", "missing-export")
                return Unknown(f"{spec!r} has no export {imported!r}", site)
            return value
        if isinstance(target, Namespace):
            if imported == "default":
                return target
            return target.members(imported)
        return target

    def namespace_value(self, module: Module, spec: str, site: Site) -> Any:
        target = self.resolve_module(module, spec, site)
        if isinstance(target, Module):
            return Namespace(spec, lambda n, m=target: m.export(n))
        return target

    def global_value(self, name: str, site: Site) -> Any:
        if name in self.globals:
            return self.globals[name]
        return Unknown(f"`{name}` is not defined in this file", site)

    def named(self, value: Any, name: str, module: Module) -> None:
        if self.on_named is not None:
            self.on_named(value, name, module)

    # -- TypeScript enums ---------------------------------------------------------------
    def eval_ts_enum(self, decl, module: Module) -> Any:
        body = decl.child_by_field_name("body")
        obj = JSObject()
        counter: Any = 0
        for member in body.named_children if body is not None else ():
            if member.type == "enum_assignment":
                key = self.prop_key(member.child_by_field_name("name"), module, module.env)
                value = self.eval(member.child_by_field_name("value"), module.env)
                obj.props[key] = value
                counter = value + 1 if isinstance(value, (int, float)) and not isinstance(value, bool) else Unknown("enum")
            elif member.type in ("property_identifier", "string"):
                key = self.prop_key(member, module, module.env)
                obj.props[key] = counter
                counter = counter + 1 if isinstance(counter, (int, float)) else counter
        # numeric enums also map value -> name, as TypeScript emits them
        for key, value in list(obj.props.items()):
            if isinstance(value, (int, float)) and not isinstance(value, bool):
                obj.props[js_number(value)] = key
        return obj

    # -- expressions -------------------------------------------------------------------
    def eval(self, node, env: Env) -> Any:
        handler = _HANDLERS.get(node.type)
        if handler is None:
            return Unknown(f"{node.type.replace('_', ' ')} is not evaluated statically", env.module.site(node))
        try:
            return handler(self, node, env)
        except RecursionError:  # thousands of nested levels: this expression only is lost
            return Unknown("expression nested too deeply to read", env.module.site(node))

    def prop_key(self, node, module: Module, env: Env) -> Any:
        if node is None:
            return Unknown("missing key")
        t = node.type
        if t in ("property_identifier", "identifier", "private_property_identifier", "shorthand_property_identifier"):
            return module.text(node)
        if t == "string":
            return unescape_js(module.text(node)[1:-1])
        if t == "number":
            v = parse_js_number(module.text(node))
            return js_number(v) if not isinstance(v, Unknown) else module.text(node)
        if t == "computed_property_name":
            inner = node.named_children[0] if node.named_children else None
            v = self.eval(inner, env) if inner is not None else Unknown("empty key")
            s = js_string(v)
            return s if s is not None else Unknown("computed key is not static", module.site(node))
        return module.text(node)

    def member(self, obj: Any, name: str, site: Site) -> Any:
        if isinstance(obj, JSObject):
            return obj.props.get(name, UNDEFINED)
        if isinstance(obj, Namespace):
            return obj.members(name)
        if isinstance(obj, Unknown):
            return obj
        js_member = getattr(obj, "js_member", None)
        if js_member is not None:
            return js_member(self, name, site)
        if isinstance(obj, list):
            if name == "length":
                return len(obj)
            if name == "map":
                return Native("Array.map", lambda ev, args, call, lst=obj: [ev.call(args[0], [x, i], call) for i, x in enumerate(lst)] if args else Unknown("map"))
            if name == "filter":
                return Native("Array.filter", lambda ev, args, call, lst=obj: [x for i, x in enumerate(lst) if ev.call(args[0], [x, i], call) is True] if args else Unknown("filter"))
            if name == "concat":
                return Native("Array.concat", lambda ev, args, call, lst=obj: lst + [y for a in args for y in (a if isinstance(a, list) else [a])])
        if isinstance(obj, str):
            if name == "length":
                return len(obj)
            simple = {"toLowerCase": str.lower, "toUpperCase": str.upper, "trim": str.strip}
            if name in simple:
                return Native(f"String.{name}", lambda ev, args, call, s=obj, f=simple[name]: f(s))
        if obj is UNDEFINED or obj is None:
            return Unknown(f"cannot read `{name}` of {js_string(obj)}", site)
        return Unknown(f"property `{name}` is not known statically", site)

    def call(self, fn: Any, args: list[Any], call: Call) -> Any:
        if isinstance(fn, Native):
            return fn.fn(self, args, call)
        if isinstance(fn, JSFunction):
            return self.call_function(fn, args)
        if isinstance(fn, Unknown):
            return fn
        return Unknown("value is not callable", call.site)

    def call_function(self, fn: JSFunction, args: list[Any]) -> Any:
        module: Module = fn.module
        env = Env(module, fn.env)
        params = module.node(fn.params)
        if params is not None:
            if params.type == "identifier":
                env.vars[module.text(params)] = args[0] if args else UNDEFINED
            else:
                i = 0
                for p in params.named_children:
                    if p.type in ("required_parameter", "optional_parameter"):
                        pattern = p.child_by_field_name("pattern")
                        default = p.child_by_field_name("value")
                        if pattern is not None and pattern.type == "rest_pattern":
                            inner = pattern.named_children[0] if pattern.named_children else None
                            if inner is not None:
                                self.bind_pattern(inner, list(args[i:]), env)
                            break
                        value = args[i] if i < len(args) else UNDEFINED
                        if value is UNDEFINED and default is not None:
                            value = self.eval(default, env)
                        if pattern is not None:
                            self.bind_pattern(pattern, value, env)
                        i += 1
                    elif p.type == "identifier":  # plain JS parameters
                        env.vars[module.text(p)] = args[i] if i < len(args) else UNDEFINED
                        i += 1
        body = module.node(fn.body)
        if body is None:
            return UNDEFINED
        if body.type == "statement_block":
            _, value = self.exec_block(body, env)
            return value
        return self.eval(body, env)

    def bind_pattern(self, pattern, value: Any, env: Env) -> None:
        module = env.module
        t = pattern.type
        if t in ("identifier", "shorthand_property_identifier_pattern"):
            env.vars[module.text(pattern)] = value
        elif t == "object_pattern":
            for part in pattern.named_children:
                if part.type == "shorthand_property_identifier_pattern":
                    name = module.text(part)
                    env.vars[name] = self.member(value, name, module.site(part))
                elif part.type == "pair_pattern":
                    key = self.prop_key(part.child_by_field_name("key"), module, env)
                    target = part.child_by_field_name("value")
                    sub = self.member(value, key, module.site(part)) if isinstance(key, str) else Unknown("computed key")
                    if target is not None:
                        self.bind_pattern(target, sub, env)
                elif part.type == "object_assignment_pattern":
                    left = part.child_by_field_name("left")
                    right = part.child_by_field_name("right")
                    name = module.text(left)
                    sub = self.member(value, name, module.site(part))
                    if sub is UNDEFINED and right is not None:
                        sub = self.eval(right, env)
                    self.bind_pattern(left, sub, env)
                elif part.type == "rest_pattern":
                    inner = part.named_children[0] if part.named_children else None
                    if inner is not None:
                        env.vars[module.text(inner)] = Unknown("rest of an object", module.site(part))
        elif t == "array_pattern":
            items = value if isinstance(value, list) else []
            for i, part in enumerate(pattern.named_children):
                if part.type == "rest_pattern":
                    inner = part.named_children[0] if part.named_children else None
                    if inner is not None:
                        self.bind_pattern(inner, items[i:], env)
                    break
                self.bind_pattern(part, items[i] if i < len(items) else (value if isinstance(value, Unknown) else UNDEFINED), env)
        elif t == "assignment_pattern":
            left = pattern.child_by_field_name("left")
            right = pattern.child_by_field_name("right")
            if value is UNDEFINED and right is not None:
                value = self.eval(right, env)
            if left is not None:
                self.bind_pattern(left, value, env)

    def exec_block(self, block, env: Env) -> tuple[bool, Any]:
        module = env.module
        for stmt in block.named_children:
            t = stmt.type
            if t in ("lexical_declaration", "variable_declaration"):
                for d in stmt.named_children:
                    if d.type != "variable_declarator":
                        continue
                    name = d.child_by_field_name("name")
                    value_node = d.child_by_field_name("value")
                    value = self.eval(value_node, env) if value_node is not None else UNDEFINED
                    if name is not None:
                        self.bind_pattern(name, value, env)
            elif t == "function_declaration":
                name = stmt.child_by_field_name("name")
                if name is not None:
                    env.vars[module.text(name)] = JSFunction(
                        module.ref(stmt.child_by_field_name("parameters")), module.ref(stmt.child_by_field_name("body")), module, env,
                        module.text(name), module.site(stmt), module.text(stmt),
                    )
            elif t == "return_statement":
                expr = stmt.named_children[0] if stmt.named_children else None
                return True, (self.eval(expr, env) if expr is not None else UNDEFINED)
            elif t == "if_statement":
                cond_node = stmt.child_by_field_name("condition")
                cond = self.eval(cond_node, env) if cond_node is not None else Unknown("if")
                if isinstance(cond, Unknown) or not isinstance(cond, (bool, int, float, str)) and cond not in (None, UNDEFINED):
                    return True, Unknown("a condition that depends on run-time values", module.site(stmt))
                branch = stmt.child_by_field_name("consequence") if _truthy(cond) else stmt.child_by_field_name("alternative")
                if branch is not None:
                    if branch.type == "else_clause":
                        branch = branch.named_children[0] if branch.named_children else None
                    if branch is not None:
                        done, value = self.exec_block(branch, env) if branch.type == "statement_block" else self.exec_block_single(branch, env)
                        if done:
                            return True, value
            elif t == "statement_block":
                done, value = self.exec_block(stmt, env)
                if done:
                    return True, value
            elif t == "expression_statement":
                continue
        return False, UNDEFINED

    def exec_block_single(self, stmt, env: Env) -> tuple[bool, Any]:
        if stmt.type == "return_statement":
            expr = stmt.named_children[0] if stmt.named_children else None
            return True, (self.eval(expr, env) if expr is not None else UNDEFINED)
        return False, UNDEFINED


def _truthy(v: Any) -> bool:
    if v is None or v is UNDEFINED or v is False:
        return False
    if isinstance(v, (int, float)) and not isinstance(v, bool):
        return v != 0
    if isinstance(v, str):
        return v != ""
    return True


# ---------------------------------------------------------------------------
# Expression handlers
# ---------------------------------------------------------------------------


def _identifier(ev: Evaluator, node, env: Env) -> Any:
    module = env.module
    src = module._str  # Module.text, inlined for ASCII files
    name = src[node.start_byte : node.end_byte] if src is not None else module.text(node)
    if name == "undefined":
        return UNDEFINED
    # Env.lookup and Module.lookup inlined for the common hits (a local, a cached top-level name)
    e: Optional[Env] = env
    while e is not None:
        if name in e.vars:
            return e.vars[name]
        e = e.parent
    cache = module.cache
    if name in cache:
        return cache[name]
    return module.lookup(name, LazySite(module, node))


def _string(ev: Evaluator, node, env: Env) -> Any:
    module = env.module
    src = module._str  # Module.text, inlined for ASCII files
    text = src[node.start_byte + 1 : node.end_byte - 1] if src is not None else module.text(node)[1:-1]
    return unescape_js(text) if "\\" in text else text


def _template_parts(ev: Evaluator, node, env: Env) -> TemplateParts:
    module = env.module
    strings: list[str] = []
    values: list[Any] = []
    pos = node.start_byte + 1
    for child in node.named_children:
        if child.type == "template_substitution":
            strings.append(unescape_js(module.source[pos : child.start_byte].decode("utf-8", "replace")))
            inner = child.named_children[0] if child.named_children else None
            values.append(ev.eval(inner, env) if inner is not None else UNDEFINED)
            pos = child.end_byte
    strings.append(unescape_js(module.source[pos : node.end_byte - 1].decode("utf-8", "replace")))
    return TemplateParts(strings, values)


def _template(ev: Evaluator, node, env: Env) -> Any:
    parts = _template_parts(ev, node, env)
    out = [parts.strings[0]]
    for value, tail in zip(parts.values, parts.strings[1:]):
        s = js_string(value)
        if s is None:
            return Unknown("template literal with a value that is not static", env.module.site(node))
        out.append(s)
        out.append(tail)
    return "".join(out)


def _number(ev: Evaluator, node, env: Env) -> Any:
    return parse_js_number(env.module.text(node))


def _const(value):
    return lambda ev, node, env: value


def _object(ev: Evaluator, node, env: Env) -> Any:
    module = env.module
    src = module._str  # Module.text, inlined for ASCII files
    obj = JSObject()
    props = obj.props
    meta = obj.meta
    children = node.children  # all of them (tokens too): PropMeta finds a JSDoc just before a property here
    for i, child in enumerate(children):
        t = child.type  # tokens ("{", ",", "}") match no case below
        if t == "pair":
            key_node = child.child_by_field_name("key")
            if key_node is not None and key_node.type == "property_identifier":
                key = src[key_node.start_byte : key_node.end_byte] if src is not None else module.text(key_node)
            else:
                key = ev.prop_key(key_node, module, env)
                if not isinstance(key, str):
                    continue
            value_node = child.child_by_field_name("value")
            try:
                props[key] = ev.eval(value_node, env) if value_node is not None else UNDEFINED
            except RecursionError:  # thousands of nested levels: this property only is lost
                props[key] = Unknown("expression nested too deeply to read", module.site(child))
            meta[key] = module.prop_meta(child, children, i)
        elif t == "shorthand_property_identifier":
            key = module.text(child)
            props[key] = env.lookup(key, LazySite(module, child))
            meta[key] = module.prop_meta(child, children, i)
        elif t == "spread_element":
            inner = child.named_children[0] if child.named_children else None
            value = ev.eval(inner, env) if inner is not None else UNDEFINED
            if isinstance(value, JSObject):
                for k, v in value.props.items():
                    obj.props.pop(k, None)
                    obj.props[k] = v
                    if k in value.meta:
                        obj.meta[k] = value.meta[k]
            elif isinstance(value, Unknown):
                obj.props[f"\0spread@{child.start_byte}"] = Unknown(
                    f"spread `{module.text(child)}` is not static: {value.reason}", module.site(child)
                )
        elif t == "method_definition":
            name = child.child_by_field_name("name")
            key = ev.prop_key(name, module, env)
            if isinstance(key, str):
                obj.props[key] = JSFunction(
                    module.ref(child.child_by_field_name("parameters")), module.ref(child.child_by_field_name("body")), module, env,
                    key, module.site(child), module.text(child),
                )
                obj.meta[key] = module.prop_meta(child, children, i)
    return obj


def _array(ev: Evaluator, node, env: Env) -> Any:
    out: list[Any] = []
    for child in node.named_children:
        if child.type == "spread_element":
            inner = child.named_children[0] if child.named_children else None
            value = ev.eval(inner, env) if inner is not None else UNDEFINED
            if isinstance(value, list):
                out.extend(value)
            else:
                out.append(Unknown(f"spread `{env.module.text(child)}` is not static", env.module.site(child)))
        elif child.type == "comment":
            continue
        else:
            out.append(ev.eval(child, env))
    return out


def _function(ev: Evaluator, node, env: Env) -> Any:
    module = env.module
    params = node.child_by_field_name("parameters") or node.child_by_field_name("parameter")
    return JSFunction(module.ref(params), module.ref(node.child_by_field_name("body")), module, env, "", LazySite(module, node),
                      module.text(node))


def _unwrap(ev: Evaluator, node, env: Env) -> Any:
    inner = node.named_children[0] if node.named_children else None
    return ev.eval(inner, env) if inner is not None else UNDEFINED


def _parenthesized(ev: Evaluator, node, env: Env) -> Any:
    inner = [c for c in node.named_children if c.type != "comment"]
    return ev.eval(inner[-1], env) if inner else UNDEFINED


def _member(ev: Evaluator, node, env: Env) -> Any:
    obj_node = node.child_by_field_name("object")
    prop = node.child_by_field_name("property")
    obj = ev.eval(obj_node, env)
    return ev.member(obj, env.module.text(prop), LazySite(env.module, prop))


def _subscript(ev: Evaluator, node, env: Env) -> Any:
    obj = ev.eval(node.child_by_field_name("object"), env)
    index_node = node.child_by_field_name("index")
    index = ev.eval(index_node, env) if index_node is not None else UNDEFINED
    if isinstance(obj, list) and isinstance(index, int) and not isinstance(index, bool):
        return obj[index] if 0 <= index < len(obj) else UNDEFINED
    key = js_string(index)
    if key is None:
        return Unknown("computed member is not static", env.module.site(node))
    return ev.member(obj, key, env.module.site(node))


def _call(ev: Evaluator, node, env: Env) -> Any:
    module = env.module
    src = module._str  # Module.text, inlined for ASCII files
    fn_node = node.child_by_field_name("function")
    args_node = node.child_by_field_name("arguments")
    method = None  # a method of METHOD_TABLES, called directly once the arguments are read
    tagged = args_node is not None and args_node.type == "template_string"
    if fn_node is None:
        fn = Unknown("call")
    elif fn_node.type == "member_expression":  # a method call: _member inlined
        prop = fn_node.child_by_field_name("property")
        obj = ev.eval(fn_node.child_by_field_name("object"), env)
        name = src[prop.start_byte : prop.end_byte] if src is not None else module.text(prop)
        methods = METHOD_TABLES.get(type(obj))
        if methods is not None and not tagged:
            method = methods.get(name)
        if method is not None:
            fn = None
        else:
            js_member = getattr(obj, "js_member", None)  # drizzle builders: Evaluator.member's own first choice
            if js_member is not None:
                fn = js_member(ev, name, LazySite(module, prop))
            else:
                fn = ev.member(obj, name, LazySite(module, prop))
    else:
        fn = ev.eval(fn_node, env)
    call = Call(None, None, None, module, node)
    if tagged:
        parts = _template_parts(ev, args_node, env)
        if isinstance(fn, Native) and getattr(fn.fn, "is_tag", False):
            return fn.fn(ev, [parts], call)
        if isinstance(fn, Unknown):
            return fn
        return Unknown(f"tagged template `{module.text(fn_node)}` is not understood", module.site(node))
    args: list[Any] = []
    if args_node is not None and args_node.named_child_count:
        for a in args_node.named_children:
            t = a.type
            if t == "string":  # eval() -> _string, inlined
                text = src[a.start_byte + 1 : a.end_byte - 1] if src is not None else module.text(a)[1:-1]
                args.append(unescape_js(text) if "\\" in text else text)
                continue
            if t == "comment":
                continue
            if t == "spread_element":
                inner = a.named_children[0] if a.named_children else None
                value = ev.eval(inner, env) if inner is not None else UNDEFINED
                if isinstance(value, list):
                    args.extend(value)
                else:
                    args.append(Unknown("spread argument is not static", module.site(a)))
            else:
                args.append(ev.eval(a, env))
    if method is not None:
        return method(obj, ev, args, call)
    if isinstance(fn, Native):  # Evaluator.call's first case, inlined
        return fn.fn(ev, args, call)
    return ev.call(fn, args, call)


def _new(ev: Evaluator, node, env: Env) -> Any:
    ctor = node.child_by_field_name("constructor")
    name = env.module.text(ctor) if ctor is not None else "?"
    return Unknown(f"`new {name}(…)` is only known at run time", env.module.site(node))


def _unary(ev: Evaluator, node, env: Env) -> Any:
    op = node.child_by_field_name("operator")
    arg = node.child_by_field_name("argument")
    op_text = env.module.text(op) if op is not None else ""
    value = ev.eval(arg, env) if arg is not None else UNDEFINED
    if op_text == "-" and isinstance(value, (int, float)) and not isinstance(value, bool):
        return -value
    if op_text == "+" and isinstance(value, (int, float)) and not isinstance(value, bool):
        return value
    if op_text == "!" and not isinstance(value, Unknown):
        return not _truthy(value)
    if op_text == "void":
        return UNDEFINED
    return Unknown(f"unary `{op_text}` is not evaluated statically", env.module.site(node))


def _binary(ev: Evaluator, node, env: Env) -> Any:
    op = env.module.text(node.child_by_field_name("operator"))
    left = ev.eval(node.child_by_field_name("left"), env)
    if op in ("??", "||", "&&") and not isinstance(left, Unknown):
        if op == "??":
            return left if left not in (None, UNDEFINED) else ev.eval(node.child_by_field_name("right"), env)
        if op == "||":
            return left if _truthy(left) else ev.eval(node.child_by_field_name("right"), env)
        return ev.eval(node.child_by_field_name("right"), env) if _truthy(left) else left
    right = ev.eval(node.child_by_field_name("right"), env)
    num = (int, float)
    if op == "+":
        if isinstance(left, str) or isinstance(right, str):
            ls, rs = js_string(left), js_string(right)
            if ls is not None and rs is not None:
                return ls + rs
        elif isinstance(left, num) and isinstance(right, num) and not isinstance(left, bool) and not isinstance(right, bool):
            return left + right
    elif op in ("-", "*", "/", "%", "**") and all(isinstance(v, num) and not isinstance(v, bool) for v in (left, right)):
        try:
            if op == "-":
                return left - right
            if op == "*":
                return left * right
            if op == "/":
                r = left / right
                return int(r) if r.is_integer() else r
            if op == "%":
                return left % right
            return left**right
        except (ZeroDivisionError, OverflowError):
            pass
    elif op in ("===", "==", "!==", "!=") and not isinstance(left, Unknown) and not isinstance(right, Unknown):
        if isinstance(left, (str, int, float, bool)) or left in (None, UNDEFINED):
            same = left == right and type(left) is type(right)
            return same if op in ("===", "==") else not same
    return Unknown(f"`{op}` expression is not evaluated statically", env.module.site(node))


def _ternary(ev: Evaluator, node, env: Env) -> Any:
    cond = ev.eval(node.child_by_field_name("condition"), env)
    if isinstance(cond, Unknown):
        return Unknown("a condition that depends on run-time values", env.module.site(node))
    branch = node.child_by_field_name("consequence") if _truthy(cond) else node.child_by_field_name("alternative")
    return ev.eval(branch, env)


def _await(ev: Evaluator, node, env: Env) -> Any:
    return Unknown("`await` is only known at run time", env.module.site(node))


_HANDLERS = {
    "identifier": _identifier,
    "shorthand_property_identifier": _identifier,
    "string": _string,
    "template_string": _template,
    "number": _number,
    "true": _const(True),
    "false": _const(False),
    "null": _const(None),
    "undefined": _const(UNDEFINED),
    "object": _object,
    "array": _array,
    "arrow_function": _function,
    "function_expression": _function,
    "function": _function,
    "generator_function": _function,
    "parenthesized_expression": _parenthesized,
    "as_expression": _unwrap,
    "satisfies_expression": _unwrap,
    "non_null_expression": _unwrap,
    "type_assertion": lambda ev, node, env: ev.eval(node.named_children[-1], env),
    "member_expression": _member,
    "subscript_expression": _subscript,
    "call_expression": _call,
    "new_expression": _new,
    "unary_expression": _unary,
    "binary_expression": _binary,
    "ternary_expression": _ternary,
    "await_expression": _await,
    "instantiation_expression": _unwrap,
}


# ---------------------------------------------------------------------------
# Globals (Object.values and friends)
# ---------------------------------------------------------------------------


def _make_globals() -> dict[str, Any]:
    def values(ev, args, call):
        o = args[0] if args else UNDEFINED
        if isinstance(o, JSObject):
            return [v for k, v in o.props.items() if not _is_numeric_reverse(o, k)]
        if isinstance(o, list):
            return list(o)
        return Unknown("Object.values of a value that is not static", call.site)

    def keys(ev, args, call):
        o = args[0] if args else UNDEFINED
        if isinstance(o, JSObject):
            return [k for k in o.props if not k.startswith("\0")]
        return Unknown("Object.keys of a value that is not static", call.site)

    def entries(ev, args, call):
        o = args[0] if args else UNDEFINED
        if isinstance(o, JSObject):
            return [[k, v] for k, v in o.props.items() if not k.startswith("\0")]
        return Unknown("Object.entries of a value that is not static", call.site)

    def from_entries(ev, args, call):
        o = args[0] if args else UNDEFINED
        if isinstance(o, list) and all(isinstance(p, list) and len(p) >= 2 and isinstance(p[0], str) for p in o):
            return JSObject({p[0]: p[1] for p in o})
        return Unknown("Object.fromEntries of a value that is not static", call.site)

    def assign(ev, args, call):
        target = JSObject()
        for a in args:
            if isinstance(a, JSObject):
                target.props.update(a.props)
                target.meta.update(a.meta)
        return target

    def identity(ev, args, call):
        return args[0] if args else UNDEFINED

    obj = JSObject(
        {
            "values": Native("Object.values", values),
            "keys": Native("Object.keys", keys),
            "entries": Native("Object.entries", entries),
            "fromEntries": Native("Object.fromEntries", from_entries),
            "assign": Native("Object.assign", assign),
            "freeze": Native("Object.freeze", identity),
        }
    )

    def string(ev, args, call):
        s = js_string(args[0] if args else "")
        return s if s is not None else Unknown("String() of a value that is not static", call.site)

    def stringify(ev, args, call):
        from drizzle_doc.ts.values import json_stringify

        s = json_stringify(args[0]) if args else None
        return s if s is not None else Unknown("JSON.stringify of a value that is not static", call.site)

    return {
        "Object": obj,
        "String": Native("String", string),
        "Number": Native("Number", lambda ev, a, c: a[0] if a and isinstance(a[0], (int, float)) else Unknown("Number()", c.site)),
        "JSON": JSObject({"stringify": Native("JSON.stringify", stringify)}),
        "NaN": float("nan"),
        "Infinity": float("inf"),
    }


def _is_numeric_reverse(o: JSObject, key: str) -> bool:
    """TS numeric enums map value -> name too; Object.values skips those reverse keys' duplicates."""
    if key.startswith("\0"):
        return True
    try:
        float(key)
    except ValueError:
        return False
    value = o.props.get(key)
    return isinstance(value, str) and isinstance(o.props.get(value), (int, float))


#: A tsconfig `paths` pattern or target longer than this is refused (no real one comes close).
MAX_ALIAS_CHARS = 1024
MAX_ALIASES = 1000


def read_tsconfig_paths(root: Path, diags: Optional[list] = None, limit: Optional[int] = None) -> list:
    """``compilerOptions.paths`` of the root tsconfig.json as (prefix, suffix, [targets]).

    A tsconfig that cannot be used (too large, not JSON, an unexpected shape) adds a warning to
    ``diags`` and gives no aliases; a bad entry is skipped with a warning."""
    path = root / "tsconfig.json"
    rel = "tsconfig.json"

    def warn(message: str, outcome: str = "its path aliases are not used") -> list:
        if diags is not None:
            diags.append(Diagnostic(WARNING, rel, None, f"{message}: {outcome}", None, "tsconfig"))
        return []

    try:
        if not path.is_file():
            return []
        big = too_large(path, limit or json_max())
        if big:
            return warn(big.replace(": skipped", ""))
        text = path.read_text(encoding="utf-8", errors="replace")
        text = re.sub(r'("(?:\\.|[^"\\])*")|//[^\n]*|/\*[\s\S]*?\*/', lambda m: m.group(1) or "", text)
        text = re.sub(r",(\s*[}\]])", r"\1", text)
        data = json.loads(text)
    except (OSError, ValueError, RecursionError) as exc:
        return warn(f"cannot read tsconfig.json ({snippet(str(exc), 120)})")
    options = data.get("compilerOptions") if isinstance(data, dict) else None
    if options is None:
        return []
    if not isinstance(options, dict):
        return warn("`compilerOptions` is not an object")
    base_url = options.get("baseUrl")
    if base_url is not None and not (isinstance(base_url, str) and len(base_url) <= MAX_ALIAS_CHARS and "\0" not in base_url):
        return warn("`compilerOptions.baseUrl` is not a path")
    paths = options.get("paths")
    if paths is None:
        return []
    if not isinstance(paths, dict):
        return warn("`compilerOptions.paths` is not an object")
    if len(paths) > MAX_ALIASES:
        return warn(f"`compilerOptions.paths` has over {MAX_ALIASES} entries")
    base = root / (base_url or ".")
    out = []
    for pattern, targets in paths.items():
        ok = isinstance(targets, list) and all(isinstance(t, str) and len(t) <= MAX_ALIAS_CHARS and "\0" not in t
                                               for t in targets[:MAX_ALIASES]) and len(targets) <= MAX_ALIASES
        if not ok or len(pattern) > MAX_ALIAS_CHARS:
            warn(f"`compilerOptions.paths` entry {snippet(pattern, 60)!r} is not a short pattern with a list of paths", "skipped")
            continue
        prefix, _, suffix = pattern.partition("*")
        try:
            out.append((prefix, suffix, [str((base / t).resolve()) if "*" not in t else str(base.resolve() / t) for t in targets]))
        except (OSError, RuntimeError, ValueError):  # a symlink loop, a name too long
            warn(f"`compilerOptions.paths` entry {snippet(pattern, 60)!r} cannot be resolved", "skipped")
    out.sort(key=lambda p: -len(p[0]))
    return out

