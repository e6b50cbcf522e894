"""MySQL and MariaDB spelling: when two column types or SQL expressions mean the same to the database.

The one place :class:`~drizzle_doc.dialects.mysql.MySqlDialect` asks, for the history, drift and
``verify`` alike.  Types (:func:`canonical_type`): case and spaces do not count; display widths
are gone (``int(11)`` is ``int``, MariaDB and MySQL 5.7 still print them) except ``tinyint(1)``,
which is ``boolean``; ``integer``/``numeric``/``real``/``double precision`` are ``int``/
``decimal``/``double``/``double``; ``decimal`` is ``decimal(10,0)``, ``char``/``binary`` are
``(1)``, ``time(0)`` is ``time``.  Enum values keep their case.

Expressions (:func:`canonical_expr`, :func:`same_expr`) are compared token by token: backticks,
table qualifiers (```t`.`c``` is ``c``: MySQL and MariaDB store checks and generated columns
without them), outer parentheses, case outside string literals, character-set introducers
(``_utf8mb4'x'``, as MySQL 8 prints expression defaults) and the way a string literal is quoted
do not count; ``true``/``false`` are ``1``/``0``; ``now()``, ``current_timestamp``,
``current_timestamp()`` and ``current_timestamp(3)`` (also ``localtime``/``localtimestamp``) are
one "current time" (MariaDB reports ``DEFAULT (now())`` on a ``timestamp(3)`` as
``current_timestamp(3)``); and a quoted number equals the same number unquoted (``'0.00'`` and
``0.00``: drizzle-kit quotes a decimal's default, the database reports the number).
"""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation
from typing import Optional

_WORD = re.compile(r"\s+")
_ALIASES = {"integer": "int", "bool": "boolean", "numeric": "decimal", "dec": "decimal", "fixed": "decimal",
            "real": "double", "double precision": "double", "character": "char"}
_WIDTH = re.compile(r"^(tinyint|smallint|mediumint|int|integer|bigint|year)\(\d+\)", re.IGNORECASE)
_ZERO_FSP = re.compile(r"^(time|datetime|timestamp)\(0\)", re.IGNORECASE)
_NOW = {"now", "current_timestamp", "localtime", "localtimestamp"}


def _outside_quotes(text: str, fn) -> str:
    """``fn`` applied to the parts of ``text`` outside single-quoted literals."""
    parts = re.split(r"('(?:[^'\\]|''|\\.)*')", text)
    return "".join(p if i % 2 else fn(p) for i, p in enumerate(parts))


def respell_type(column_type: str) -> str:
    """A live column's ``COLUMN_TYPE`` as drizzle-kit's snapshot writes it (``int(11)`` -> ``int``,
    ``tinyint(1)`` -> ``boolean``, ``year(4)`` -> ``year``); the rest as the database says it."""
    t = _WORD.sub(" ", column_type.strip())
    if re.match(r"^tinyint\(1\)(?!\s*unsigned)", t, re.IGNORECASE):
        return "boolean"
    return _WIDTH.sub(lambda m: m.group(1).lower(), t)


def canonical_type(t: str) -> str:
    t = _outside_quotes(_WORD.sub(" ", t.strip()), str.lower)
    t = re.sub(r"\s*\(\s*", "(", re.sub(r"\s*,\s*", ",", re.sub(r"\s*\)", ")", t)))
    if t.startswith("tinyint(1)") and "unsigned" not in t:
        return "boolean"
    t = _WIDTH.sub(r"\1", t)
    t = _ZERO_FSP.sub(r"\1", t)
    m = re.match(r"^([a-z ]+?)(\(.*?\))?((?: [a-z]+)*)$", t)
    if m:
        name, args, rest = _ALIASES.get(m.group(1), m.group(1)), m.group(2) or "", m.group(3)
        if name == "decimal":
            nums = args[1:-1].split(",") if args else []
            args = f"({nums[0] if nums else '10'},{nums[1] if len(nums) > 1 else '0'})"
        elif name in ("char", "binary", "bit") and not args:
            args = "(1)"
        t = name + args + rest
    return _ALIASES.get(t, t)


_TOKEN = re.compile(r"""
    (?P<ws>\s+)
  | (?P<str>'(?:[^'\\]|''|\\.)*'?|"(?:[^"\\]|""|\\.)*"?)
  | (?P<ident>`(?:[^`]|``)*`?)
  | (?P<num>\d+(?:\.\d*)?(?:[eE][+-]?\d+)?|\.\d+(?:[eE][+-]?\d+)?)
  | (?P<word>[A-Za-z_$][A-Za-z0-9_$]*)
  | (?P<punct>.)
""", re.VERBOSE | re.DOTALL)


def _string_value(text: str) -> str:
    quote = text[0]
    body = text[1:-1] if len(text) >= 2 and text.endswith(quote) else text[1:]
    out, i = [], 0
    while i < len(body):
        ch = body[i]
        if ch == "\\" and i + 1 < len(body):
            nxt = body[i + 1]
            out.append({"n": "\n", "t": "\t", "r": "\r", "0": "\0"}.get(nxt, nxt))
            i += 2
        elif ch == quote and body[i + 1:i + 2] == quote:
            out.append(quote)
            i += 2
        else:
            out.append(ch)
            i += 1
    return "".join(out)


def _tokens(text: str) -> list[tuple[str, str]]:
    raw = [(m.lastgroup, m.group()) for m in _TOKEN.finditer(text) if m.lastgroup != "ws"]
    out: list[tuple[str, str]] = []
    i = 0
    while i < len(raw):
        kind, tok = raw[i]
        nxt = raw[i + 1] if i + 1 < len(raw) else ("", "")
        if kind == "word" and tok.startswith("_") and nxt[0] == "str":  # a character-set introducer
            i += 1
            continue
        if kind in ("word", "ident") and nxt[1] == "." and i + 2 < len(raw) and raw[i + 2][0] in ("word", "ident"):
            i += 2  # `t`.`c` -> c
            continue
        if kind == "ident":
            out.append(("word", tok[1:-1].replace("``", "`").lower() if tok.endswith("`") else tok[1:].lower()))
        elif kind == "word":
            low = tok.lower()
            if low in _NOW:
                if nxt[1] == "(":  # now(), current_timestamp(3)
                    j = i + 2
                    while j < len(raw) and raw[j][1] != ")":
                        j += 1
                    i = j
                out.append(("word", "current_timestamp"))
            else:
                out.append(("num", "1") if low == "true" else ("num", "0") if low == "false" else ("word", low))
        elif kind == "str":
            out.append(("str", _string_value(tok)))
        else:
            out.append((kind, tok))
        i += 1
    while len(out) >= 2 and out[0][1] == "(" and out[-1][1] == ")" and _closes_at_end(out):
        out = out[1:-1]
    return out


def _closes_at_end(tokens) -> bool:
    depth = 0
    for n, (kind, tok) in enumerate(tokens):
        if kind == "punct" and tok == "(":
            depth += 1
        elif kind == "punct" and tok == ")":
            depth -= 1
            if depth == 0 and n != len(tokens) - 1:
                return False
    return depth == 0


def canonical_expr(text: Optional[str]) -> Optional[str]:
    """``text`` in one spelling (see the module docstring)."""
    if text is None:
        return None
    return " ".join("'" + t.replace("'", "''") + "'" if k == "str" else t for k, t in _tokens(text))


def _number(tokens) -> Optional[Decimal]:
    sign = ""
    if len(tokens) == 2 and tokens[0] == ("punct", "-"):
        sign, tokens = "-", tokens[1:]
    if len(tokens) != 1 or tokens[0][0] not in ("num", "str"):
        return None
    try:
        return Decimal(sign + tokens[0][1].strip())
    except (InvalidOperation, ValueError):
        return None


def same_expr(a: Optional[str], b: Optional[str]) -> bool:
    if a is None or b is None:
        return a is b
    ta, tb = _tokens(a), _tokens(b)
    if ta == tb:
        return True
    if all(len(t) == 1 and t[0][0] == "str" for t in (ta, tb)):
        return False  # two different string literals
    na, nb = _number(ta), _number(tb)
    return na is not None and na == nb


_BINARY = re.compile(r"^(var)?binary(?:\((\d+)\))?$", re.IGNORECASE)


def stored_binary_default(column_type: str, default: str) -> str:
    """A ``binary``/``varbinary`` column's default as MariaDB reports it: the bytes as a quoted
    string (drizzle-kit 1.0 writes ``(0x616263)``, 0.31 ``('abc')``), a fixed ``binary(N)`` padded
    to N bytes with ``\\0``.  Any other column's default, or one that is not a plain literal,
    is returned as it is."""
    m = _BINARY.match(column_type.strip())
    if not m:
        return default
    text = default.strip()
    while text.startswith("(") and text.endswith(")"):
        text = text[1:-1].strip()
    hexed = re.fullmatch(r"0x([0-9a-fA-F]*)", text) or re.fullmatch(r"[xX]'([0-9a-fA-F]*)'", text)
    if hexed and len(hexed.group(1)) % 2 == 0:
        data = bytes.fromhex(hexed.group(1))
    elif re.fullmatch(r"'(?:[^'\\]|'')*'", text):
        data = text[1:-1].replace("''", "'").encode("latin-1", "replace")
    else:
        return default
    if not m.group(1):  # binary(N): fixed length, padded with zero bytes
        data = data.ljust(int(m.group(2) or 1), b"\0")
    body = "".join("\\0" if b == 0 else "''" if b == 39 else chr(b) for b in data)
    return f"'{body}'"
