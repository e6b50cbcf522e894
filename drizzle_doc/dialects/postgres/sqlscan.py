"""A linear pre-scan of SQL text before PostgreSQL's parser (pglast) sees it (issue 21).

pglast is quadratic on a run of unterminated nested ``/*`` (50,000 of them: about a minute), and
its C code overflows the stack (the process dies) on a long left-deep chain of operators such as
``1+1+…+1`` or ``x::int::int…`` (about 25,000 of them).  :func:`prescan` finds such text in one
pass with a regular expression and says why it is refused; the caller reports a diagnostic and
skips the statement.  Literals, quoted names, dollar quotes and ``--`` comments are skipped as
PostgreSQL's scanner does, so what they hold never counts.
"""

from __future__ import annotations

import re
from typing import Optional

from drizzle_doc.limits import MAX_COMMENT_DEPTH, MAX_SQL_STATEMENT, human

#: Operators in a row at one parenthesis level, between commas: deeper is refused.
MAX_OPERATOR_CHAIN = 2000

#: ``$tag$``: ``\$(?:[A-Za-z_\x80-\uffff][\w\x80-\uffff]*)?\$``, U+0080-U+FFFF written as "not ASCII
#: and not astral": the same characters, compiled 20 times faster (5 ms of every run)
_WIDE = r"[^\x00-\x7f\U00010000-\U0010ffff]"
DOLLAR_TAG = rf"\$(?:(?:[A-Za-z_]|{_WIDE})(?:\w|{_WIDE})*)?\$"

_TOKEN = re.compile(
    r"""(?P<e>[Ee]'(?:[^'\\]|''|\\.)*'?)"""  # E'…' (backslash escapes); an open one runs to the end
    r"""|(?P<s>'(?:[^']|'')*'?)"""  # '…'
    r'''|(?P<q>"(?:[^"]|"")*"?)'''  # "name"
    rf"""|(?P<d>{DOLLAR_TAG})"""  # $tag$ … $tag$
    r"""|(?P<l>--[^\n]*)"""
    r"""|(?P<co>/\*)|(?P<cc>\*/)"""
    r"""|(?P<op>[-+*/<>=~!@#%^&|`?:]+)"""
    r"""|(?P<p>[(),;\[\]])""",
    re.S,
)
_COMMENT = re.compile(r"/\*|\*/")


def prescan(text: str) -> Optional[tuple[int, str]]:
    """``(offset, reason)`` when ``text`` must not reach pglast, else None."""
    if len(text) > MAX_SQL_STATEMENT:
        return 0, f"longer than {human(MAX_SQL_STATEMENT)}"
    chain = [0]  # operators since the last comma, per open parenthesis
    pos = 0
    n = len(text)
    while pos < n:
        m = _TOKEN.search(text, pos)
        if m is None:
            break
        kind = m.lastgroup
        pos = m.end()
        if kind == "d":
            close = text.find(m.group(), pos)
            pos = n if close < 0 else close + len(m.group())
        elif kind == "co":
            end, why = _skip_comment(text, m.start())
            if why:
                return m.start(), why
            pos = end
        elif kind == "op":
            if "/*" in m.group() or "--" in m.group():
                pos = m.start() + _op_len(m.group())  # an operator run that opens a comment
            chain[-1] += 1
            if chain[-1] > MAX_OPERATOR_CHAIN:
                return m.start(), f"more than {MAX_OPERATOR_CHAIN} operators in a row (too deep to parse safely)"
        elif kind == "p":
            c = m.group()
            if c in "([":
                chain.append(0)
            elif c in ")]":
                if len(chain) > 1:
                    chain.pop()
            else:  # , ;
                chain[-1] = 0
    return None


def _op_len(op: str) -> int:
    cut = [i for i in (op.find("--"), op.find("/*")) if i >= 0]
    return max(1, min(cut)) if cut else len(op)


def _skip_comment(text: str, start: int) -> tuple[int, Optional[str]]:
    """The end of the (nesting) block comment opened at ``start``, or why it is refused."""
    depth = 0
    for m in _COMMENT.finditer(text, start):
        if m.group() == "/*":
            depth += 1
            if depth > MAX_COMMENT_DEPTH:
                return 0, f"block comments nested more than {MAX_COMMENT_DEPTH} deep"
        else:
            depth -= 1
            if depth == 0:
                return m.end(), None
    return 0, "unterminated /* comment"
