"""Where a key is written in a settings file: its line in ``drizzle-doc.toml`` or package.json.

The parsers (``tomllib``, ``json``) give values without positions, so a settings error
could only name the file.  These scanners read the text once more and map every key
path (``("rules", "fk-index", "max")``) to the line it is written on, so the error can
say ``drizzle-doc.toml:7: ...``.  Best effort: a key the scanner cannot place has no
line, and :func:`line_of` then gives the line of its nearest written parent.
"""

from __future__ import annotations

import re
from typing import Mapping, Optional, Sequence

KeyLines = Mapping[tuple[str, ...], int]

_BARE = r"[A-Za-z0-9_-]+"
_QUOTED = r'"(?:[^"\\]|\\.)*"|\'[^\']*\''
_KEY = rf"(?:{_BARE}|{_QUOTED})(?:\s*\.\s*(?:{_BARE}|{_QUOTED}))*"
_HEADER = re.compile(rf"^\s*\[\[?\s*({_KEY})\s*\]\]?\s*(?:#.*)?$")
_ASSIGN = re.compile(rf"^\s*({_KEY})\s*=")
_INLINE_KEY = re.compile(rf"(?:^|[{{,])\s*({_KEY})\s*=")
_PART = re.compile(rf"{_BARE}|{_QUOTED}")


def _parts(key: str) -> tuple[str, ...]:
    out = []
    for m in _PART.finditer(key):
        p = m.group(0)
        if p[0] in "\"'":
            p = p[1:-1]
            if m.group(0)[0] == '"':
                p = p.encode("utf-8", "surrogatepass").decode("unicode_escape", "replace")
        out.append(p)
    return tuple(out)


def toml_key_lines(text: str) -> dict[tuple[str, ...], int]:
    """Every key path of a TOML text -> the 1-based line it is first written on.

    Table headers (``[rules.fk-index]``), assignments (``max = 3``, dotted ``rules.x = 1``)
    and the keys of a one-line inline table (``fk-index = { level = "off" }``) are placed;
    lines inside a multi-line string or array are not read as keys."""
    found: dict[tuple[str, ...], int] = {}
    table: tuple[str, ...] = ()
    depth = 0  # open [ of a multi-line array
    in_string: Optional[str] = None
    for number, line in enumerate(text.splitlines(), 1):
        if in_string is not None:
            if in_string in line:
                in_string = None
            continue
        if depth:
            depth += line.count("[") - line.count("]")
            depth = max(depth, 0)
            continue
        m = _HEADER.match(line)
        if m:
            table = _parts(m.group(1))
            found.setdefault(table, number)
            continue
        m = _ASSIGN.match(line)
        if not m:
            continue
        path = table + _parts(m.group(1))
        for end in range(len(table) + 1, len(path) + 1):  # a dotted key writes its parents too
            found.setdefault(path[:end], number)
        rest = line[m.end():]
        for quote in ('"""', "'''"):
            if rest.count(quote) == 1:
                in_string = quote
        stripped = rest.strip()
        if stripped.startswith("{"):
            for k in _INLINE_KEY.finditer(stripped):
                found.setdefault(path + _parts(k.group(1)), number)
        elif stripped.startswith("["):
            depth = max(rest.count("[") - rest.count("]"), 0)
    return found


def json_key_lines(text: str) -> dict[tuple[str, ...], int]:
    """Every key path of a JSON text -> the 1-based line of its key (keys inside arrays are not placed)."""
    found: dict[tuple[str, ...], int] = {}
    stack: list[Optional[str]] = []  # per open container: the key it is the value of (None: top level, array)
    pending: Optional[str] = None  # the last key read, until its value opens or ends
    line = 1
    i, n = 0, len(text)
    while i < n:
        ch = text[i]
        if ch == "\n":
            line += 1
        elif ch == '"':
            j = i + 1
            while j < n and text[j] != '"':
                j += 2 if text[j] == "\\" else 1
            raw = text[i + 1:j]
            k = j + 1
            while k < n and text[k] in " \t\r\n":
                k += 1
            if k < n and text[k] == ":":
                pending = json_string(raw)
                if stack and None not in stack[1:]:
                    found.setdefault(tuple(stack[1:]) + (pending,), line)
            line += text.count("\n", i, j)
            i = j
        elif ch == "{":
            stack.append(pending)
            pending = None
        elif ch == "[":
            stack.append(None)
            pending = None
        elif ch in "}]":
            if stack:
                stack.pop()
            pending = None
        i += 1
    return found


def json_string(raw: str) -> str:
    """The text of a JSON string's body (escapes decoded; a bad escape is kept as written)."""
    if "\\" not in raw:
        return raw
    import json

    try:
        return json.loads(f'"{raw}"')
    except ValueError:
        return raw


def line_of(lines: KeyLines, path: Sequence[str]) -> Optional[int]:
    """The line of ``path``, else of its nearest parent that is written; None when none is."""
    path = tuple(path)
    while path:
        if path in lines:
            return lines[path]
        path = path[:-1]
    return None
