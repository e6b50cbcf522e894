"""tree-sitter plumbing: languages, one parser each, queries compiled once.

Nothing outside :mod:`drizzle_doc.drizzle.extract` sees a tree-sitter object.
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Optional

import tree_sitter_typescript
from tree_sitter import Language, Node, Parser, Query, QueryCursor, Tree

from drizzle_doc.resources import grammar_path

TYPESCRIPT = Language(tree_sitter_typescript.language_typescript())
TSX = Language(tree_sitter_typescript.language_tsx())

# The only predicates our .scm files may use; anything else (a typo such as
# "#matches?") would be silently ignored by tree-sitter and match everything.
ALLOWED_PREDICATES = {"eq?", "not-eq?", "match?", "not-match?", "any-of?"}
_PREDICATE = re.compile(r"#([A-Za-z_-]+[?!]?)")


@lru_cache(maxsize=None)
def parser(tsx: bool = False) -> Parser:
    return Parser(TSX if tsx else TYPESCRIPT)


def parse(source: bytes, tsx: bool = False) -> Tree:
    """The syntax tree of ``source``.  Valid TypeScript that tree-sitter-typescript 0.23 cannot
    parse (see :func:`repair`) is parsed from a repaired copy of the same length, so every node's
    byte range is still the source's; read node text from ``source``, never ``node.text``."""
    tree = parser(tsx).parse(source)
    if tree.root_node.has_error:
        repaired = repair(source, tree)
        if repaired is not None:
            better = parser(tsx).parse(repaired)
            if len(syntax_errors(better)) < len(syntax_errors(tree)):
                return better
    return tree


# Newer TypeScript the grammar does not know, each as (pattern, the group to blank or fill):
# a repair keeps every byte's place (spaces for what is blanked, newlines kept) and only touches
# top-level statements the parser found an error in.
_STRING = rb"""(?:"[^"\n]*"|'[^'\n]*')"""
_REPAIRS: tuple[tuple[re.Pattern, int, bytes], ...] = (
    # `export type * from "./x"` / `export type * as T from "./x"` (TS 5.0): exports no value at all
    (re.compile(rb"(\bexport\s+type\s*\*\s*(?:as\s+[\w$]+\s*)?from\s*" + _STRING
                + rb"(?:\s*(?:with|assert)\s*\{[^}]*\})?\s*;?)"), 1, b" "),
    # `import("./x").T` as a type inside type arguments (`$type<import("./x").T>()`): a name instead
    (re.compile(rb"(?:[<,|&:(\[]|\btypeof|\bkeyof)\s*(import\s*\(\s*" + _STRING + rb"\s*\))"), 1, b"_"),
    # `static accessor x` / `override accessor x` (TS 4.9 auto-accessors after a modifier)
    (re.compile(rb"\b(accessor)(?=\s+[#\w$\[])"), 1, b" "),
    # variance annotations on type parameters: `<in out T>` (TS 4.7)
    (re.compile(rb"[<,]\s*((?:(?:in|out)\s+)+)(?=[A-Za-z_$])"), 1, b" "),
)


_TYPE_STAR = re.compile(rb"\bexport\s+type\s*\*\s*(?:as\s+([\w$]+)\s*)?from\s*(" + _STRING + rb")")


def blanked_type_stars(source: bytes, tree: Tree) -> list[tuple[int, str, Optional[str]]]:
    """The ``export type * [as ns] from "spec"`` statements that :func:`repair` blanked out of
    ``tree`` (tree-sitter-typescript 0.23 cannot parse them): (start byte, specifier with its
    quotes, ``ns`` or None) of each, in source order.  A match inside a node (a comment, a
    string, a statement that was not repaired) is not one."""
    if b"type" not in source:
        return []
    found = []
    root = tree.root_node
    for m in _TYPE_STAR.finditer(source):
        start = m.start()
        covering = root.descendant_for_byte_range(start, start + 1)
        if covering is not None and covering != root:  # inside a top-level node: never blanked
            continue
        alias = m.group(1)
        found.append((start, m.group(2).decode("utf-8", "replace"), alias.decode() if alias else None))
    return found


def repair(source: bytes, tree: Tree) -> Optional[bytes]:
    """``source`` with the constructs of :data:`_REPAIRS` rewritten, in the top-level statements
    that hold a syntax error; None when there is nothing to repair."""
    spans = [(n.start_byte, n.end_byte) for n in tree.root_node.children if n.has_error or n.is_error]
    out = bytearray(source)
    changed = False
    for start, end in spans:
        for pattern, group, fill in _REPAIRS:
            for m in pattern.finditer(source, start, end):
                a, b = m.span(group)
                out[a:b] = bytes(fill[0] if c not in b"\r\n" else c for c in source[a:b])
                changed = True
    return bytes(out) if changed else None


def check_query_text(text: str) -> list[str]:
    """Predicates in ``text`` that are not on the allow-list."""
    return sorted({p for p in _PREDICATE.findall(text) if p not in ALLOWED_PREDICATES})


@lru_cache(maxsize=None)
def query(name: str, tsx: bool = False) -> Query:
    text = grammar_path(name).read_text(encoding="utf-8")
    bad = check_query_text(text)
    if bad:
        raise ValueError(f"grammars/{name}: unknown predicate(s) {', '.join(bad)}")
    return Query(TSX if tsx else TYPESCRIPT, text)


def matches(name: str, node: Node, tsx: bool = False, max_start_depth: Optional[int] = None) -> list[tuple[int, dict[str, list[Node]]]]:
    """Query matches under ``node``, in source order (never ``captures()``).

    ``max_start_depth`` (relative to ``node``) lets the cursor skip the rest of the tree
    when every pattern is anchored at ``node`` itself: 0 for ``(program …)`` patterns.
    """
    cursor = QueryCursor(query(name, tsx))
    if max_start_depth is not None:
        cursor.set_max_start_depth(max_start_depth)
    found = cursor.matches(node)

    def first_start(m):
        caps = m[1]
        return min(n.start_byte for nodes in caps.values() for n in nodes)

    return sorted(found, key=lambda m: (first_start(m), m[0]))


def syntax_errors(tree: Tree, limit: int = 50) -> list[tuple[int, int, str]]:
    """(row, byte column, description) of ERROR / MISSING nodes, without recursion."""
    out: list[tuple[int, int, str]] = []
    root = tree.root_node
    if not root.has_error:
        return out
    stack = [root]
    while stack and len(out) < limit:
        node = stack.pop()
        if node.is_missing:
            out.append((node.start_point[0], node.start_point[1], f"missing {node.type!r}"))
            continue
        if node.is_error:
            out.append((node.start_point[0], node.start_point[1], "syntax error"))
            continue
        if node.has_error:
            stack.extend(reversed(node.children))
    out.sort()
    return out
