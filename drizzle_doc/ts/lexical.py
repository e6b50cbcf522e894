"""Literals and scopes of the static evaluator: string escapes, numbers, template parts and the
environment of local bindings."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any, Optional

from drizzle_doc.ts.values import (
    Site,
    Unknown,
)

if TYPE_CHECKING:
    from drizzle_doc.ts.modules import Module




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

