"""``json.dumps(value, indent=2, ensure_ascii=False)``, exactly, but fast and in pieces.

``inspect`` prints megabytes of JSON; the standard library's indenting encoder
is pure Python (a third of ``inspect``'s time at 1,000 tables).  orjson writes
the same text in C: with ``OPT_INDENT_2`` its output equals the standard
library's for the values the model holds (strings, ints, booleans, None, lists
and dicts with string keys; the model has no floats, whose spelling differs).
The top two levels are streamed item by item, so a large model is never one
string; anything orjson refuses (a lone surrogate, an int beyond 64 bits, a
non-string key) is spelled by the standard library instead.
"""

from __future__ import annotations

import json
from typing import Any, Iterator

import orjson

#: Containers at these depths are written item by item; deeper values in one piece.
STREAM_DEPTH = 2


def _dumps(value: Any, depth: int) -> str:
    try:
        text = orjson.dumps(value, option=orjson.OPT_INDENT_2).decode("utf-8")
    except (TypeError, ValueError):  # orjson.JSONEncodeError is a TypeError
        text = json.dumps(value, indent=2, ensure_ascii=False)
    return text.replace("\n", "\n" + "  " * depth) if depth else text


def pretty_chunks(value: Any, depth: int = 0) -> Iterator[str]:
    """Pieces whose concatenation is ``json.dumps(value, indent=2, ensure_ascii=False)``."""
    pad = "  " * depth
    if depth < STREAM_DEPTH and type(value) is dict and value and all(type(k) is str for k in value):
        first = True
        for k, v in value.items():
            yield ("{\n" if first else ",\n") + pad + "  " + _dumps(k, 0) + ": "
            yield from pretty_chunks(v, depth + 1)
            first = False
        yield "\n" + pad + "}"
    elif depth < STREAM_DEPTH and type(value) is list and value:
        first = True
        for v in value:
            yield ("[\n" if first else ",\n") + pad + "  "
            yield from pretty_chunks(v, depth + 1)
            first = False
        yield "\n" + pad + "]"
    else:
        yield _dumps(value, depth)
