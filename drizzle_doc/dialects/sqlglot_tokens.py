"""The tokens of a MySQL or SQLite migration, as sqlglot's tokenizer makes them: statements split
on them (a trigger's ``BEGIN … END`` kept whole), the ranges of a table's elements and of an
``ALTER TABLE``'s actions, and the exact source text of a type, a default, a check or a generated
expression (never re-printed: drizzle-kit's snapshot states them as written).  Used by
:mod:`drizzle_doc.dialects.sqlglot_ddl`.
"""

from __future__ import annotations

import dataclasses
from typing import Optional

from sqlglot.tokens import Token, TokenType

from drizzle_doc.limits import snippet

BREAKPOINT = "--> statement-breakpoint"
#: words that end a column's type and start its constraints
CONSTRAINT_WORDS = frozenset(
    "CONSTRAINT PRIMARY NOT NULL UNIQUE CHECK DEFAULT COLLATE REFERENCES GENERATED AS AUTO_INCREMENT "
    "AUTOINCREMENT ON COMMENT CHARSET KEY INVISIBLE VISIBLE STORAGE COLUMN_FORMAT SRID ENGINE_ATTRIBUTE "
    "SECONDARY_ENGINE_ATTRIBUTE FIRST AFTER STORED VIRTUAL".split())
#: words that start a table element that is no column
TABLE_CONSTRAINT_WORDS = frozenset("CONSTRAINT PRIMARY UNIQUE CHECK FOREIGN KEY INDEX FULLTEXT SPATIAL".split())
_QUOTED = (TokenType.IDENTIFIER, TokenType.STRING)


def word(tok: Token) -> str:
    """A keyword's (first) word, upper case; "" for a quoted token (``PRIMARY KEY`` is one token: PRIMARY)."""
    if tok.token_type in _QUOTED or not tok.text:
        return ""
    return tok.text.split(None, 1)[0].upper()


@dataclasses.dataclass
class Stmt:
    """One statement: its tokens (offsets into ``text``), ``text`` (its chunk) and its first line in the chunk."""

    toks: list
    text: str
    line: int

    @property
    def source(self) -> str:
        return self.text[self.toks[0].start:self.toks[-1].end + 1]

    @property
    def table_name(self) -> str:
        for i, t in enumerate(self.toks[:6]):
            if word(t) == "TABLE":
                j = i + 1
                while j < len(self.toks) and word(self.toks[j]) in ("IF", "NOT", "EXISTS"):
                    j += 1
                if j + 2 < len(self.toks) and self.toks[j + 1].token_type == TokenType.DOT:
                    j += 2
                return self.toks[j].text if j < len(self.toks) else ""
        return ""


class Part:
    """A range of a statement's tokens (one table element or ALTER action); ``ok`` is False where
    the tokens could not be matched to the parsed elements."""

    def __init__(self, st: Stmt, rng: Optional[tuple[int, int]]) -> None:
        self.st, self.toks, self.text = st, st.toks, st.text
        self.ok = rng is not None
        self.lo, self.hi = rng if rng is not None else (0, 0)
        self.table_name = st.table_name

    def _find(self, kw: str, nth: int = 1) -> Optional[int]:
        depth, seen = 0, 0
        for i in range(self.lo, self.hi):
            t = self.toks[i]
            if t.token_type == TokenType.L_PAREN:
                depth += 1
            elif t.token_type == TokenType.R_PAREN:
                depth -= 1
            elif depth == 0 and word(t) == kw:
                seen += 1
                if seen == nth:
                    return i
        return None

    def group_after(self, kw: str, keep_parens: bool, nth: int = 1) -> Optional[str]:
        """The parenthesised text after the ``nth`` keyword ``kw`` (``CHECK (…)``, ``AS (…)``)."""
        i = self._find(kw, nth)
        if i is None or i + 1 >= self.hi or self.toks[i + 1].token_type != TokenType.L_PAREN:
            return None
        j = close_paren(self.toks, i + 1)
        if j is None:
            return None
        if keep_parens:
            return self.text[self.toks[i + 1].start:self.toks[j].end + 1]
        return self.text[self.toks[i + 1].end + 1:self.toks[j].start].strip()

    def default(self) -> Optional[str]:
        """The text after ``DEFAULT``: a literal, a signed number, a ``(…)`` or a call such as
        ``CURRENT_TIMESTAMP(3)``, exactly as written."""
        i = self._find("DEFAULT")
        if i is None or i + 1 >= self.hi:
            return None
        j = i + 1
        if self.toks[j].token_type in (TokenType.DASH, TokenType.PLUS) and j + 1 < self.hi:
            j += 1
        end = j
        if self.toks[j].token_type == TokenType.L_PAREN:
            end = close_paren(self.toks, j) or j
        elif j + 1 < self.hi and self.toks[j + 1].token_type == TokenType.L_PAREN:
            end = close_paren(self.toks, j + 1) or j
        return self.text[self.toks[i + 1].start:self.toks[end].end + 1]


def skip_words(part: Part, words: tuple) -> Part:
    if part.ok:
        while part.lo < part.hi and word(part.toks[part.lo]) in words:
            part.lo += 1
    return part


def without_comments(chunk: str) -> str:
    return "\n".join(line for line in chunk.splitlines() if not line.lstrip().startswith(("--", "#")))


def first_error(exc: Exception) -> str:
    errors = getattr(exc, "errors", None)
    if errors:
        desc = errors[0].get("description")
        line = errors[0].get("line")
        if desc:
            return f"{desc} at line {line}" if line else str(desc)
    return snippet(str(exc))


def chunks(text: str) -> list[tuple[str, int]]:
    """drizzle-kit's breakpoint chunks with their offsets, or the whole text."""
    if BREAKPOINT not in text:
        return [(text, 0)]
    out, offset = [], 0
    for chunk in text.split(BREAKPOINT):
        out.append((chunk, offset))
        offset += len(chunk) + len(BREAKPOINT)
    return out


def split_statements(toks: list, text: str) -> list[Stmt]:
    """Statements at each ``;`` outside parentheses and outside a trigger's ``BEGIN … END``."""
    out: list[Stmt] = []
    cur: list = []
    body = 0  # BEGIN/CASE … END depth inside a trigger
    trigger = False
    for t in toks:
        if t.token_type == TokenType.SEMICOLON and body == 0:
            if cur:
                out.append(Stmt(cur, text, text.count("\n", 0, cur[0].start)))
            cur, trigger = [], False
            continue
        if not cur:
            trigger = False
        cur.append(t)
        w = word(t)
        if len(cur) <= 4 and w == "TRIGGER" and word(cur[0]) == "CREATE":
            trigger = True
        elif trigger and w in ("BEGIN", "CASE"):
            body += 1
        elif trigger and w == "END" and body > 0:
            body -= 1
    if cur:
        out.append(Stmt(cur, text, text.count("\n", 0, cur[0].start)))
    return out


def balanced(toks: list) -> bool:
    depth = 0
    for t in toks:
        if t.token_type == TokenType.L_PAREN:
            depth += 1
        elif t.token_type == TokenType.R_PAREN:
            depth -= 1
            if depth < 0:
                return False
    return depth == 0


def close_paren(toks: list, i: int) -> Optional[int]:
    """The index of the ``)`` closing the ``(`` at ``i``."""
    depth = 0
    for j in range(i, len(toks)):
        if toks[j].token_type == TokenType.L_PAREN:
            depth += 1
        elif toks[j].token_type == TokenType.R_PAREN:
            depth -= 1
            if depth == 0:
                return j
    return None


def split_commas(toks: list, lo: int, hi: int) -> list[tuple[int, int]]:
    out, depth, start = [], 0, lo
    for i in range(lo, hi):
        tt = toks[i].token_type
        if tt == TokenType.L_PAREN:
            depth += 1
        elif tt == TokenType.R_PAREN:
            depth -= 1
        elif tt == TokenType.COMMA and depth == 0:
            out.append((start, i))
            start = i + 1
    if start < hi:
        out.append((start, hi))
    return out


def elements(toks: list, open_at: int) -> list[tuple[int, int]]:
    """The comma-separated elements inside the parentheses opened at ``open_at``."""
    close = close_paren(toks, open_at)
    if close is None:
        return []
    return split_commas(toks, open_at + 1, close)


def index_open(toks: list) -> Optional[int]:
    """The ``(`` of a ``CREATE INDEX … ON t (…)`` column list."""
    for i, t in enumerate(toks):
        if word(t) == "ON":
            for j in range(i + 1, len(toks)):
                if toks[j].token_type == TokenType.L_PAREN:
                    return j
            return None
    return None


def after_table_name(toks: list) -> Optional[int]:
    """The first token after ``ALTER TABLE [IF EXISTS] [ONLY] name``."""
    i = 0
    while i < len(toks) and word(toks[i]) in ("ALTER", "TABLE", "IF", "EXISTS", "ONLY", "IGNORE", "ONLINE"):
        i += 1
    if i >= len(toks):
        return None
    i += 1
    if i + 1 < len(toks) and toks[i].token_type == TokenType.DOT:
        i += 2
    return i


def type_end(toks: list, lo: int, hi: int) -> int:
    """Where a column's type ends: at the first constraint word (or quoted token, or comma) outside
    parentheses."""
    i = lo
    while i < hi:
        t = toks[i]
        if t.token_type == TokenType.L_PAREN:
            i = (close_paren(toks, i) or hi - 1) + 1
            continue
        if t.token_type in _QUOTED or t.token_type == TokenType.COMMA:
            break
        w = word(t)
        if w in CONSTRAINT_WORDS or (w == "CHARACTER" and i + 1 < hi and word(toks[i + 1]) == "SET"):
            break
        i += 1
    return i


def mask_types(st: Stmt) -> Optional[Stmt]:
    """The statement with each column's type read as ``TEXT`` (a type sqlglot does not know, such
    as MySQL's ``point`` or ``float unsigned``, fails the whole statement; ours comes from the text)."""
    words = [word(t) for t in st.toks]
    spans: list[tuple[int, int]] = []
    if words[:2] == ["CREATE", "TABLE"] or (words[:1] == ["CREATE"] and "TABLE" in words[:4]):
        open_at = next((i for i, t in enumerate(st.toks) if t.token_type == TokenType.L_PAREN), None)
        for lo, hi in (elements(st.toks, open_at) if open_at is not None else []):
            if words[lo] in TABLE_CONSTRAINT_WORDS:
                continue
            spans.append((lo + 1, type_end(st.toks, lo + 1, hi)))
    elif words[:2] == ["ALTER", "TABLE"]:
        at = after_table_name(st.toks)
        for lo, hi in (split_commas(st.toks, at, len(st.toks)) if at is not None else []):
            i = lo
            verb = words[i]
            if verb not in ("ADD", "MODIFY", "CHANGE"):
                continue
            i += 1
            if i < hi and words[i] == "COLUMN":
                i += 1
            if i < hi and (words[i] in TABLE_CONSTRAINT_WORDS):
                continue
            i += 2 if verb == "CHANGE" else 1
            spans.append((i, type_end(st.toks, i, hi)))
    spans = [(a, b) for a, b in spans if a < b]
    if not spans:
        return None
    toks = list(st.toks)
    for a, b in reversed(spans):
        first = toks[a]
        toks[a:b] = [Token(TokenType.TEXT, "TEXT", first.line, first.col, first.start, toks[b - 1].end)]
    return Stmt(toks, st.text, st.line)


