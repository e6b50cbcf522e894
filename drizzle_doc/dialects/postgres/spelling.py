"""PostgreSQL spelling: the one canonical spelling of its types and SQL expressions.

drizzle-kit's snapshot is the reference spelling.  What other sources print is brought to it here:
``format_type()`` from a live catalog (:func:`drizzle_type`), and any type or expression text is
compared by :func:`same_type` / :func:`same_expr`, which every comparison uses (history, drift and
verify, through :mod:`drizzle_doc.model.compare`).  Two texts are the same when they are equal,
when pglast re-prints them alike (:mod:`~drizzle_doc.dialects.postgres.ddl`, parsed only when the
texts differ), or when they differ only in what PostgreSQL adds or drizzle-kit leaves out
(:func:`normalize_expr`: casts, qualifiers, quoting, parentheses, case; :func:`type_key`).
"""

from __future__ import annotations

import json
import re
from typing import Any, Optional

SERIAL_TYPES = frozenset({"serial", "bigserial", "smallserial"})


def same_type(a: str, b: str) -> bool:
    """Two type spellings name the same type (equal text needs no parsing)."""
    if a == b:
        return True
    from drizzle_doc.dialects.postgres import ddl

    return ddl.canonical_type(a) == ddl.canonical_type(b) or type_key(a) == type_key(b)


def same_expr(a: Optional[str], b: Optional[str]) -> bool:
    """Two SQL expressions (defaults, checks, WHERE clauses) are the same (equal text needs no parsing)."""
    if a == b:
        return True
    if a is None or b is None:
        return False
    from drizzle_doc.dialects.postgres import ddl

    return ddl.canonical_expr(a) == ddl.canonical_expr(b) or normalize_expr(a) == normalize_expr(b)


def implies_not_null(type_: str) -> bool:
    """A serial column is NOT NULL whether or not it says so."""
    return type_ in SERIAL_TYPES


def type_key(type_: str) -> str:
    t = type_.strip().lower().replace('"', "")
    t = re.sub(r"^public\.", "", t)
    t = re.sub(r"\s*\(\s*", "(", t)
    t = re.sub(r"\s*,\s*", ",", t)
    t = re.sub(r"\s+", " ", t)
    t = t.replace("character varying", "varchar").replace(" without time zone", "")
    t = re.sub(r"^decimal\b", "numeric", t)
    t = re.sub(r"^numeric\((\d+),0\)", r"numeric(\1)", t)  # numeric(5) is stored as numeric(5,0)
    return t


# ---------------------------------------------------------------------------
# Types
# ---------------------------------------------------------------------------



def drizzle_type(formatted: str, dims: int = 0) -> str:
    """``format_type()`` output respelled as drizzle-kit's snapshot spells it."""
    t = formatted.replace('"', "")
    base, brackets = t, ""
    while base.endswith("[]"):
        base, brackets = base[:-2], brackets + "[]"
    if dims > len(brackets) // 2:
        brackets = "[]" * dims
    base = base.replace("character varying", "varchar").replace(" without time zone", "")
    base = re.sub(r"^character\b", "char", base)
    base = re.sub(r"^bit varying\b", "varbit", base)
    base = re.sub(r"^timestamp\(", "timestamp (", base)
    m = re.match(r"^(numeric|decimal)\((\d+),\s*(\d+)\)$", base)
    if m:
        base = f"numeric({m.group(2)}, {m.group(3)})"
    if base.startswith("public."):
        base = base[len("public."):]
    return base + brackets


# ---------------------------------------------------------------------------
# Expressions (defaults, checks, index expressions, WHERE clauses)
# ---------------------------------------------------------------------------

_STRING = re.compile(r"(?:E)?'(?:[^']|'')*'")
_IDENT = r'(?:"(?:[^"]|"")+"|[A-Za-z_][A-Za-z0-9_$]*)'
_QUALIFIER = re.compile(rf"{_IDENT}\.(?={_IDENT})")
_CAST = re.compile(
    rf"::{_IDENT}(?:\.{_IDENT})?"
    r"(?:\s+(?:varying|precision|with\s+time\s+zone|without\s+time\s+zone))*"
    r"(?:\s+(?:year|month|day|hour|minute|second)(?:\s+to\s+(?:month|hour|minute|second))?)?"
    r"(?:\s*\(\s*\d+(?:\s*,\s*\d+)?\s*\))?"
    r"(?:\s+(?:with\s+time\s+zone|without\s+time\s+zone))?"
    r"(?:\[\d*\])*"
)
_NUMBER = re.compile(r"^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$")


def _split_strings(text: str) -> list[tuple[bool, str]]:
    """[(is_string_literal, piece)] so rewrites never touch literal text."""
    out: list[tuple[bool, str]] = []
    pos = 0
    for m in _STRING.finditer(text):
        if m.start() > pos:
            out.append((False, text[pos:m.start()]))
        out.append((True, m.group(0)))
        pos = m.end()
    if pos < len(text):
        out.append((False, text[pos:]))
    return out


def _canon_literal(lit: str) -> str:
    body = lit[1:-1] if lit.startswith("'") else lit[2:-1]
    body = body.replace("''", "'")
    if _NUMBER.match(body.strip()):
        return _canon_number(body.strip())
    try:
        value = json.loads(body)
    except (ValueError, RecursionError):
        if body.startswith("{") and body.endswith("}"):
            body = _canon_array(body)
        return "'" + body.replace("'", "''") + "'"
    if isinstance(value, (dict, list)):
        return "'" + json.dumps(value, sort_keys=True, separators=(",", ":")) + "'"
    return "'" + body.replace("'", "''") + "'"


def _canon_number(text: str) -> str:
    try:
        f = float(text)
    except ValueError:
        return text
    if f == int(f) and "e" not in text.lower() and abs(f) < 1e15:
        return str(int(f))
    return repr(f)


_BETWEEN_OPERAND = r'[\w."$]+'
_NOT_BETWEEN = re.compile(rf"({_BETWEEN_OPERAND})\s+not\s+between\s+({_BETWEEN_OPERAND})\s+and\s+({_BETWEEN_OPERAND})",
                          re.IGNORECASE)
_BETWEEN = re.compile(rf"({_BETWEEN_OPERAND})\s+between\s+({_BETWEEN_OPERAND})\s+and\s+({_BETWEEN_OPERAND})",
                      re.IGNORECASE)
_LIKE_OPERATORS = (("!~~*", " not ilike "), ("~~*", " ilike "), ("!~~", " not like "), ("~~", " like "))


def _rewrite_operators(piece: str) -> str:
    """Spell operators the way PostgreSQL prints them back (``BETWEEN`` expands, ``~~`` is LIKE)."""
    for op, word in _LIKE_OPERATORS:
        piece = piece.replace(op, word)
    piece = _NOT_BETWEEN.sub(r"\1 < \2 or \1 > \3", piece)
    piece = _BETWEEN.sub(r"\1 >= \2 and \1 <= \3", piece)
    return piece


def _canon_array(body: str) -> str:
    """A one-dimensional array literal with elements unquoted: ``{"a","b"}`` = ``{a,b}``."""
    inner = body[1:-1]
    if "{" in inner or "}" in inner:
        return body
    elements, current, quoted, i = [], "", False, 0
    while i < len(inner):
        ch = inner[i]
        if ch == "\\" and i + 1 < len(inner):
            current += inner[i + 1]
            i += 2
            continue
        if ch == '"':
            quoted = not quoted
        elif ch == "," and not quoted:
            elements.append(current.strip())
            current = ""
        else:
            current += ch
        i += 1
    if inner.strip():
        elements.append(current.strip())
    return "{" + ",".join(elements) + "}"


# `interval '1 day'` and `'1 day'::interval` are the same literal
_TYPED_LITERAL_PREFIX = re.compile(
    r"(?:interval|timestamptz|timestamp|date|time|text|numeric|uuid|jsonb|json|boolean|bigint|integer)$")


def normalize_expr(expr: Optional[Any]) -> Optional[str]:
    """A comparison key for SQL expression text: equal keys mean "the same" here.

    Removes what PostgreSQL adds or drizzle-kit leaves out: casts (``'x'::text``,
    ``(0)::numeric``), table qualifiers (``"users"."age"`` -> ``age``), quoting of
    identifiers, parentheses, whitespace and keyword case.  Numbers compare by
    value (``'-5'`` = ``-5``), JSON literals by content (``'{"a": 1}'`` =
    ``'{"a":1}'``).  Text inside string literals is kept as is.
    """
    if expr is None:
        return None
    if isinstance(expr, bool):
        return "true" if expr else "false"
    if isinstance(expr, (int, float)):
        return _canon_number(str(expr))
    text = str(expr).strip()
    pieces: list[str] = []
    for is_string, piece in _split_strings(text):
        if is_string:
            pieces.append(piece)
            continue
        piece = _CAST.sub("", piece)
        piece = _rewrite_operators(piece)
        prev = None
        while prev != piece:
            prev, piece = piece, _QUALIFIER.sub("", piece)
        piece = piece.replace('"', "").lower()
        piece = re.sub(r"[()\s]+", "", piece)
        pieces.append(piece)
    joined_parts = []
    for i, p in enumerate(pieces):
        if p.startswith("'") or p.startswith("E'"):
            joined_parts.append(_canon_literal(p))
        else:
            if i + 1 < len(pieces) and pieces[i + 1].startswith(("'", "E'")):
                p = _TYPED_LITERAL_PREFIX.sub("", p)
            joined_parts.append(p)
    out = "".join(joined_parts)
    # PostgreSQL prints `x IN ('a', 'b')` as `x = ANY (ARRAY['a', 'b'])`
    out = re.sub(r"=anyarray\[([^\]]*)\]", r"in\1", out)
    out = re.sub(r"<>allarray\[([^\]]*)\]", r"notin\1", out)
    if _NUMBER.match(out):
        out = _canon_number(out)
    return out


