"""Character classes written in a form that compiles fast (issue 18: each run compiles them) match
exactly the characters of the plain form they stand for, on every code point."""

from __future__ import annotations

import re

from drizzle_doc.dialects.postgres import sqlscan
from drizzle_doc.docs import erd


def _same(fast: re.Pattern, plain: re.Pattern, *shapes: str) -> None:
    for cp in range(0x110000):
        c = chr(cp)
        for shape in shapes:
            text = shape.replace("X", c)
            assert bool(fast.fullmatch(text)) == bool(plain.fullmatch(text)), (hex(cp), shape)


def test_mermaid_attribute_words():
    plain = re.compile(r"[*A-Za-z_\u00C0-\uFFFF][A-Za-z0-9\-_\[\]()\u00C0-\uFFFF*]*")
    _same(erd._ATTRIBUTE_WORD, plain, "X", "aX", "XX")


def test_dollar_quote_tags():
    plain = re.compile(r"\$(?:[A-Za-z_\x80-\uffff][\w\x80-\uffff]*)?\$")
    fast = re.compile(sqlscan.DOLLAR_TAG)
    assert f"(?P<d>{sqlscan.DOLLAR_TAG})" in sqlscan._TOKEN.pattern
    _same(fast, plain, "$X$", "$aX$", "$XX$")
