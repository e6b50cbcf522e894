"""Migration SQL as text, before any parser: drizzle-kit's ``--> statement-breakpoint`` chunks,
each statement's line, and whether a statement is one drizzle-kit writes for what its snapshot
states (then a history with snapshots needs no parser at all).  Used by the MySQL and SQLite
readers (``dialects/mysql/sql.py``, ``dialects/sqlite/sql.py``), which hand anything else to
sqlglot (:mod:`drizzle_doc.dialects.sqlglot_ddl`).
"""

from __future__ import annotations

import re

BREAKPOINT = "--> statement-breakpoint"

_COMMENT = re.compile(r"--[^\n]*|/\*.*?\*/", re.S)
_KIT = re.compile(
    r"\s*(?:CREATE\s+TABLE|CREATE\s+(?:UNIQUE\s+)?INDEX|DROP\s+TABLE|DROP\s+INDEX|ALTER\s+TABLE"
    r"|PRAGMA\s+foreign_keys\s*=|INSERT\s+INTO\s+[`\"]?__new_)\b", re.I)
_RENAME = re.compile(r"\bRENAME\b", re.I)


def statements(text: str, hash_comments: bool = False) -> list[tuple[str, int]]:
    """Each statement's text and 1-based line: every breakpoint chunk, split after each ``;``
    outside quotes and comments (``#`` starts a comment where ``hash_comments``: MySQL)."""
    out: list[tuple[str, int]] = []
    chunks = text.split(BREAKPOINT) if BREAKPOINT in text else [text]
    offset = 0
    for chunk in chunks:
        base = offset
        offset += len(chunk) + len(BREAKPOINT)
        for part, at in semicolon_parts(chunk, hash_comments):
            body = _without_comments(part, hash_comments)
            if not body.strip():
                continue
            lead = len(part) - len(part.lstrip())
            out.append((part, text.count("\n", 0, base + at + lead) + 1))
    return out


def kit_described(body: str, hash_comments: bool = False) -> bool:
    """A statement drizzle-kit writes for what its snapshot states (a table, an index, a column or
    constraint change, the rebuild of a SQLite table); a rename is not, it names what was renamed."""
    text = _without_comments(body, hash_comments)
    return _KIT.match(text) is not None and _RENAME.search(text) is None


def semicolon_parts(text: str, hash_comments: bool) -> list[tuple[str, int]]:
    """``text`` split after each ``;`` outside quotes and comments, with each part's offset."""
    parts, start, i, quote = [], 0, 0, None
    while i < len(text):
        ch = text[i]
        if quote:
            if ch == "\\" and quote != "`" and hash_comments:
                i += 1
            elif ch == quote:
                quote = None
        elif ch in "'\"`":
            quote = ch
        elif text.startswith("--", i) or (hash_comments and ch == "#"):
            nl = text.find("\n", i)
            i = len(text) if nl < 0 else nl
            continue
        elif text.startswith("/*", i):
            end = text.find("*/", i + 2)
            i = len(text) if end < 0 else end + 2
            continue
        elif ch == ";":
            parts.append((text[start:i + 1], start))
            start = i + 1
        i += 1
    parts.append((text[start:], start))
    return _join_triggers(parts)


_TRIGGER = re.compile(r"\s*CREATE\s+(?:TEMP\w*\s+)?TRIGGER\b.*\bBEGIN\b", re.I | re.S)
_TRIGGER_END = re.compile(r"\bEND\s*;?\s*\Z", re.I)


def _join_triggers(parts: list[tuple[str, int]]) -> list[tuple[str, int]]:
    """A trigger's ``BEGIN … END`` body holds ``;``: its parts joined back into one statement."""
    out: list[tuple[str, int]] = []
    open_trigger = False
    for part, at in parts:
        if open_trigger:
            out[-1] = (out[-1][0] + part, out[-1][1])
            open_trigger = _TRIGGER_END.search(_without_comments(part, False)) is None
            continue
        out.append((part, at))
        body = _without_comments(part, False)
        open_trigger = _TRIGGER.match(body) is not None and _TRIGGER_END.search(body) is None
    return out


def _without_comments(text: str, hash_comments: bool) -> str:
    text = _COMMENT.sub(" ", text)
    if hash_comments:
        text = re.sub(r"#[^\n]*", " ", text)
    return text
