"""TypeScript type *text* (``{ data: number; driverData: string }``, ``"a" | "b"``, ``string[]``), parsed.

The evaluator keeps a generic's type arguments as source text (``$type<T>()``,
``customType<{ data: T }>``).  This module reads such text into a small tree of
:class:`TypeNode` so other layers can ask what a type is made of: the member ``data``
of an object type, the members of a union, the element of an array.  It is a reader of
type *syntax* only; a name (``Address``) stays a name.  Nothing here knows drizzle.
"""

from __future__ import annotations

from functools import lru_cache

import re
from dataclasses import dataclass
from typing import Optional

#: Deeper than this, a type is not read (a literal that deep is not written by hand).
MAX_DEPTH = 32


@dataclass(frozen=True, slots=True)
class TypeNode:
    """One type.  ``kind``: ``name`` (``string``, ``Date``, ``Address``; ``args`` for generics),
    ``literal`` (``"a"``, ``3``, ``true``), ``union``, ``array``, ``tuple``, ``object``."""

    kind: str
    text: str = ""  # the name, or the literal as written
    args: tuple["TypeNode", ...] = ()  # generic arguments, union members, the array element, tuple items
    members: tuple[tuple[str, bool, "TypeNode"], ...] = ()  # object: (key, optional, type)


_TOKEN = re.compile(r"""\s*(?:("(?:\\.|[^"\\])*"|'(?:\\.|[^'\\])*'|`[^`]*`)|(-?\d+(?:\.\d+)?n?)|([A-Za-z_$][\w$]*(?:\.[A-Za-z_$][\w$]*)*)|(=>|\.\.\.|[{}\[\]()<>|&;:,?=]))""")


class _Parser:
    def __init__(self, text: str):
        self.toks: list[tuple[str, str]] = []
        pos = 0
        while pos < len(text):
            m = _TOKEN.match(text, pos)
            if not m or m.end() == pos:
                if text[pos:].strip() == "":
                    break
                raise ValueError(f"unexpected {text[pos:pos + 10]!r}")
            pos = m.end()
            for kind, value in zip(("str", "num", "id", "p"), m.groups()):
                if value is not None:
                    self.toks.append((kind, value))
                    break
        self.i = 0
        self.depth = 0

    def peek(self, value: Optional[str] = None) -> bool:
        if self.i >= len(self.toks):
            return False
        return value is None or self.toks[self.i][1] == value

    def take(self, value: Optional[str] = None) -> tuple[str, str]:
        if self.i >= len(self.toks) or (value is not None and self.toks[self.i][1] != value):
            raise ValueError(f"expected {value or 'a type'}")
        self.i += 1
        return self.toks[self.i - 1]

    def union(self) -> TypeNode:
        self.depth += 1
        if self.depth > MAX_DEPTH:
            raise ValueError("too deep")
        if self.peek("|"):
            self.take()
        parts = [self.postfix()]
        while self.peek("|"):
            self.take()
            parts.append(self.postfix())
        if self.peek("&"):
            raise ValueError("intersection")
        self.depth -= 1
        return parts[0] if len(parts) == 1 else TypeNode("union", args=tuple(parts))

    def postfix(self) -> TypeNode:
        node = self.primary()
        while self.peek("["):
            self.take("[")
            self.take("]")
            node = TypeNode("array", args=(node,))
        return node

    def primary(self) -> TypeNode:
        kind, value = self.take()
        if kind in ("str", "num"):
            return TypeNode("literal", value)
        if kind == "id":
            if value in ("true", "false", "null", "undefined"):
                return TypeNode("literal" if value in ("true", "false") else "name", value)
            if value in ("keyof", "typeof", "readonly", "infer"):
                if value == "readonly":
                    return self.postfix()
                raise ValueError(value)
            args: tuple[TypeNode, ...] = ()
            if self.peek("<"):
                self.take("<")
                items = [self.union()]
                while self.peek(","):
                    self.take(",")
                    items.append(self.union())
                self.take(">")
                args = tuple(items)
            if value in ("Array", "ReadonlyArray") and len(args) == 1:
                return TypeNode("array", args=args)
            return TypeNode("name", value, args)
        if value == "(":
            inner = self.union()
            self.take(")")
            return inner
        if value == "[":
            items = []
            while not self.peek("]"):
                items.append(self.union())
                if not self.peek(","):
                    break
                self.take(",")
            self.take("]")
            return TypeNode("tuple", args=tuple(items))
        if value == "{":
            members = []
            while not self.peek("}"):
                if self.peek("readonly"):
                    self.take()
                k, key = self.take()
                if k == "p":
                    raise ValueError("index signature or method")
                if k == "str":
                    key = key[1:-1]
                optional = False
                if self.peek("?"):
                    self.take("?")
                    optional = True
                self.take(":")
                members.append((key, optional, self.union()))
                if self.peek(";") or self.peek(","):
                    self.take()
            self.take("}")
            return TypeNode("object", members=tuple(members))
        raise ValueError(f"unexpected {value!r}")


@lru_cache(maxsize=4096)
def parse_type(text: Optional[str]) -> Optional[TypeNode]:
    """The tree of a type's text, or None where it is not plain type syntax this module reads
    (conditional, mapped, function and intersection types, index signatures).  Trees are
    immutable, so a text read before gives the same tree (columns repeat a few types)."""
    if not text or len(text) > 4000:
        return None
    try:
        p = _Parser(text)
        node = p.union()
        if p.i != len(p.toks):
            return None
        return node
    except (ValueError, RecursionError):
        return None


def member_type(text: Optional[str], key: str) -> Optional[str]:
    """The text of member ``key`` of an object type's text (``{ data: number }`` -> ``number``)."""
    if not text:
        return None
    depth, start, i, n = 0, None, 0, len(text)
    # find `key` followed by ':' at depth 1 of the outer braces
    while i < n:
        ch = text[i]
        if ch in "\"'`":
            j = i + 1
            while j < n and text[j] != ch:
                j += 2 if text[j] == "\\" else 1
            i = j + 1
            continue
        if ch in "{[(<":
            depth += 1
        elif ch in "}])>" and not (ch == ">" and i and text[i - 1] == "="):
            depth -= 1
        elif depth == 1 and text.startswith(key, i) and (i == 0 or not (text[i - 1].isalnum() or text[i - 1] in "_$")):
            m = re.match(rf"{re.escape(key)}\s*\??\s*:", text[i:])
            if m:
                start = i + m.end()
                break
        i += 1
    if start is None:
        return None
    depth, j = 0, start
    while j < n:
        ch = text[j]
        if ch in "\"'`":
            k = j + 1
            while k < n and text[k] != ch:
                k += 2 if text[k] == "\\" else 1
            j = k + 1
            continue
        if ch in "{[(<":
            depth += 1
        elif ch in "}])>" and not (ch == ">" and text[j - 1] == "="):
            if depth == 0:
                break
            depth -= 1
        elif ch in ";," and depth == 0:
            break
        elif ch == "\n" and depth == 0 and text[start:j].strip():
            break
        j += 1
    out = text[start:j].strip()
    return out or None
