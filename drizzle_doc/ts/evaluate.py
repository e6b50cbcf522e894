"""A static evaluator for the small part of TypeScript that Drizzle schemas are written in.

It never runs code: it reads syntax trees and computes what constant
expressions, object literals, arrow-function helpers, imports and re-exports
mean.  Anything it cannot know becomes :class:`~.values.Unknown` with a reason.
Top-level declarations are evaluated lazily and once, so cyclic references
between files (``references(() => other.id)``) resolve naturally.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any, Optional

from drizzle_doc.limits import DEFAULT_MAX_FILE_SIZE, too_dense, too_large
from drizzle_doc.model import ERROR, WARNING, Diagnostic
from drizzle_doc.ts import syntax as ts
from drizzle_doc.ts.values import (
    UNDEFINED,
    Call,
    JSFunction,
    JSObject,
    Namespace,
    Native,
    THROWN,
    Site,
    Unknown,
    join,
    js_number,
    js_string,
)
from drizzle_doc.ts.expressions import HANDLERS, make_globals, truthy
from drizzle_doc.ts.lexical import Env, parse_js_number, unescape_js
from drizzle_doc.ts.modules import Module
from drizzle_doc.ts.resolve import Resolution, Resolver



#: Statements that change nothing a function returns (declarations of types, empty ones).
_INERT_STATEMENTS = frozenset({"empty_statement", "comment", "class_declaration", "abstract_class_declaration",
                               "interface_declaration", "type_alias_declaration", "enum_declaration", "debugger_statement",
                               "ambient_declaration"})


def _branch_statements(branch) -> list:
    """The statements of an if statement's consequence or alternative (an else clause, a block,
    one statement, or none)."""
    if branch is not None and branch.type == "else_clause":
        branch = branch.named_children[0] if branch.named_children else None
    if branch is None:
        return []
    return list(branch.named_children) if branch.type == "statement_block" else [branch]


class Frame:
    """What one evaluation looked at and said: the files of the modules it touched and its
    diagnostics, those of every result it took from a cache included (see :meth:`Evaluator.record`)."""

    __slots__ = ("files", "diags")

    def __init__(self) -> None:
        self.files: dict[str, None] = {}
        self.diags: dict[tuple, Diagnostic] = {}


class Evaluator:
    """Evaluates expressions across the files of one project; collects diagnostics."""

    def __init__(self, root: Path, natives: dict[str, Namespace], resolver: Optional[Resolver] = None,
                 tree_budget: Optional[int] = None):
        self.root = root
        self.natives = natives  # package name -> Namespace ("drizzle-orm/pg-core", …)
        # import specifiers -> files (tsconfig paths, workspaces, package exports); its warnings are ours
        self.resolver = resolver or Resolver(root, self.rel)
        if self.resolver.report is None:
            self.resolver.report = self.add
        self.modules: dict[Path, Optional[Module]] = {}
        self._diags: dict[tuple, Diagnostic] = {}
        self.globals = make_globals()
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
        self._forks = 0  # run-time conditions being followed both ways now (see _fork)
        # a diagnostic from elsewhere (the resolver's) came during a recorded evaluation: the resolver's
        # own caches keep no frames, so another evaluation may have needed it without saying it
        self.added = False
        # While :meth:`record` runs, the frames of the evaluations in progress (innermost last); each
        # cached result keeps the frame it was made in, given again to whoever takes it from the cache.
        self.frames: list[Frame] = []
        self._load_frames: dict[Path, Frame] = {}

    # -- what an evaluation looked at ----------------------------------------------------
    def record(self, fn, *args):
        """``(fn(*args), frame)``: the files of every module the call touched and every diagnostic
        it raised, exactly as a fresh evaluator would have (results taken from this evaluator's
        caches count with what making them touched and said)."""
        frame = Frame()
        outer, self.frames = self.frames, [frame]
        try:
            return fn(*args), frame
        finally:
            self.frames = outer

    def begin(self, path: Optional[Path] = None) -> Optional[Frame]:
        """A frame for a result about to be made and cached (None when nothing is recorded)."""
        if not self.frames:
            return None
        frame = Frame()
        if path is not None:
            frame.files[str(path)] = None
        self.frames.append(frame)
        return frame

    def end(self, frame: Optional[Frame], kept: dict, key: Any) -> None:
        """The result ``frame`` was opened for is made and cached as ``key``: the frame is kept with
        it (in ``kept``) and what it recorded counts for the caller too."""
        if frame is not None:
            self.frames.pop()
            kept[key] = frame
            self.taken(frame)

    def hit(self, kept: dict, key: Any) -> None:
        """The result cached as ``key`` was taken again: so is what making it recorded (``kept``)."""
        if self.frames:
            self.taken(kept.get(key))

    def taken(self, frame: Optional[Frame]) -> None:
        """A result made under ``frame`` was taken from a cache."""
        if frame is not None and self.frames:
            top = self.frames[-1]
            top.files.update(frame.files)
            top.diags.update(frame.diags)

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
        if self.frames:
            self.frames[-1].diags[key] = self._diags[key]

    def add(self, d: Diagnostic) -> None:
        """A diagnostic made elsewhere (the tsconfig's, say)."""
        key = (d.file, d.line, d.message)
        self._diags.setdefault(key, d)
        if self.frames:
            self.added = True
            self.frames[-1].diags[key] = self._diags[key]

    @property
    def diagnostics(self) -> list[Diagnostic]:
        return sorted(self._diags.values(), key=Diagnostic.sort_key)

    def module_site(self, module: Module) -> Site:
        return Site(module.rel, 1, 1)

    # -- files -------------------------------------------------------------------
    def rel(self, path: Path) -> str:
        """``path`` relative to the project root (``../../packages/x.ts`` for a workspace
        package's file beside it), posix."""
        try:
            return path.relative_to(self.root).as_posix()
        except ValueError:
            try:
                return Path(os.path.relpath(path, self.root)).as_posix()
            except ValueError:  # another drive
                return path.as_posix()

    def load(self, path: Path) -> Optional[Module]:
        path = Path(path)
        if path in self.modules:
            if self.frames:
                self.taken(self._load_frames.get(path) or self._touched(path))
            return self.modules[path]
        self.modules[path] = None  # guards against re-entry while loading
        frame = self.begin(path)
        try:
            return self._load(path)
        finally:
            self.end(frame, self._load_frames, path)

    @staticmethod
    def _touched(path: Path) -> Frame:
        frame = Frame()
        frame.files[str(path)] = None
        return frame

    def _load(self, path: Path) -> Optional[Module]:
        rel = self.rel(path)
        try:
            big = too_large(path, self.max_file_bytes)
            if big:
                self.report(ERROR, Site(rel, 1), big, "file-too-large")
                return None
            raw = path.read_bytes()
            if self.resolver.witness is not None:
                self.resolver.witness.read(path, raw)
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

    def resolve_module(self, module: Module, spec: str, site: Site) -> Any:
        """A module specifier to a Module, a native Namespace, or Unknown (cached per module)."""
        if spec in self.natives:
            return self.natives[spec]
        if spec in module.resolved:
            self.hit(module.frames, "\0resolve:" + spec)
            return module.resolved[spec]
        frame = self.begin()
        try:
            target = self._resolve_module(module, spec, module.spec_sites.get(spec, site))
        finally:
            self.end(frame, module.frames, "\0resolve:" + spec)
        module.resolved[spec] = target
        return target

    def module_path(self, module: Module, spec: str) -> Optional[Path]:
        """The file ``spec`` names from ``module`` (see :mod:`drizzle_doc.ts.resolve`), or None
        (a package, or nothing there); nothing is loaded or reported."""
        if spec in self.natives:
            return None
        return self.resolver.resolve(module.path, spec).path

    def _resolve_module(self, module: Module, spec: str, site: Site) -> Any:
        found: Resolution = self.resolver.resolve(module.path, spec)  # (native packages were answered before)
        if found.path is None and not found.local:
            return Unknown(f"import from package {spec!r} is not followed", site)
        if found.path is None:
            self.report(ERROR, site, f"cannot resolve import {spec!r}: {found.why}", "unresolved-import")
            return Unknown(f"cannot resolve import {spec!r}", site)
        loaded = self.load(found.path)
        return loaded if loaded is not None else Unknown(f"{spec!r} could not be read", site)

    def import_value(self, module: Module, spec: str, imported: str, site: Site) -> Any:
        target = self.resolve_module(module, spec, site)
        if isinstance(target, Module):
            value = target.export(imported)
            if value is UNDEFINED and imported != "default":
                if target.type_export(imported):  # `import { T }` of a type: used in types only
                    return Unknown(f"`{imported}` of {spec!r} is a type, not a value", site)
                if imported in target.export_names():  # `export let x: T;`, assigned at run time
                    return Unknown(f"`{imported}` of {spec!r} is declared without a value (set at run time)", site)
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
            return Namespace(spec, lambda n, m=target: m.export(n), target.export_names)
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
        handler = HANDLERS.get(node.type)
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
            if value is THROWN:
                return Unknown(f"{fn.name or 'the function'} throws an error", fn.site)
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
        """Run a function body: (whether it returned, the value it returned)."""
        return self.exec_statements(block.named_children, env)

    def exec_statements(self, statements: list, env: Env) -> tuple[bool, Any]:
        """Run ``statements``, the rest of a function body: (whether one returned, its value).

        Nested blocks and the branch an ``if`` takes are spliced into the list (the evaluator
        keeps one scope per function), so a condition on run-time values (:meth:`_fork`) follows
        each branch to the end of the function."""
        module = env.module
        todo = list(statements)
        at = 0
        while at < len(todo):
            stmt = todo[at]
            at += 1
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
                if isinstance(cond, Unknown):
                    return self._fork(stmt, cond, todo[at:], env)
                branch = stmt.child_by_field_name("consequence") if truthy(cond) else stmt.child_by_field_name("alternative")
                todo[at:at] = _branch_statements(branch)
            elif t == "statement_block":
                todo[at:at] = stmt.named_children
            elif t == "expression_statement":
                expr = stmt.named_children[0] if stmt.named_children else None
                if expr is not None and expr.type in ("assignment_expression", "augmented_assignment_expression",
                                                      "update_expression"):
                    self._assign(expr, env)
                # other expressions (a call for its side effects) change nothing drizzle-doc reads
            elif t == "throw_statement":
                return True, THROWN
            elif t not in _INERT_STATEMENTS:  # loops, switch, try: their effect is not followed
                return True, Unknown(f"a `{module.text(stmt).split(None, 1)[0].split('(')[0]}` statement is not followed",
                                     module.site(stmt))
        return False, UNDEFINED

    def _assign(self, expr, env: Env) -> None:
        """``x = value`` to a local (``x += …`` and ``x++`` make it unknown); ``obj.key = value``
        on a local object literal."""
        module = env.module
        left = expr.child_by_field_name("left") or expr.child_by_field_name("argument")
        if left is None:
            return
        if expr.type == "assignment_expression":
            right = expr.child_by_field_name("right")
            value = self.eval(right, env) if right is not None else UNDEFINED
        else:
            value = Unknown(f"`{module.text(expr)}` is not evaluated statically", module.site(expr))
        if left.type == "identifier":
            name = module.text(left)
            scope: Optional[Env] = env
            while scope is not None and name not in scope.vars:
                scope = scope.parent
            if scope is not None:
                scope.vars[name] = value
        elif left.type == "member_expression":
            target = self.eval(left.child_by_field_name("object"), env)
            prop = left.child_by_field_name("property")
            if isinstance(target, JSObject) and prop is not None:
                target.props[module.text(prop)] = value

    #: How many run-time conditions may be followed both ways at once before a value is unknown
    #: (each one doubles the paths followed).
    MAX_FORKS = 8

    def _fork(self, stmt, cond: Unknown, rest: list, env: Env) -> tuple[bool, Any]:
        """An ``if`` whose condition depends on run-time values: follow both branches, each then
        the rest of the function, and keep what their results agree on (:func:`join`)."""
        unknown = Unknown(f"a condition that depends on run-time values ({cond.reason})", env.module.site(stmt))
        if self._forks >= self.MAX_FORKS:
            return True, unknown
        results = []
        self._forks += 1
        try:
            for field in ("consequence", "alternative"):
                path = Env(env.module, env.parent)
                path.vars = dict(env.vars)  # what one path assigns is not seen by the other
                done, value = self.exec_statements(_branch_statements(stmt.child_by_field_name(field)) + rest, path)
                results.append(value if done else UNDEFINED)  # off the end: the function returns undefined
        finally:
            self._forks -= 1
        return True, join(results[0], results[1], unknown)

