"""A deterministic, readable dump of a frozen dataclass tree (the model, a history, a project).

Every field of every dataclass is written, defaults included, so that a field added,
removed, renamed or computed differently changes the text.  Only ``init=False`` fields
are left out: they are caches (``Schema._by_key``, ``History._index``) filled or not
depending on what was asked before, not data.  Scalars are written with ``repr``;
tuples and lists keep their order (the model's order is part of what it means); dicts
are sorted by key and sets by ``repr``, so their iteration order cannot leak in.
Paths are written relative to ``base`` (posix) where they lie below it.

Used by tests/test_fixture_goldens.py; nothing in ``drizzle_doc`` imports this.
"""

from __future__ import annotations

import dataclasses
from pathlib import Path, PurePath
from typing import Any, Optional

INDENT = "  "


def dump(obj: Any, base: Optional[Path] = None) -> str:
    """``obj`` as indented text, one fact per line, ending in a newline."""
    lines: list[str] = []
    _dump(obj, 0, lines, base)
    return "\n".join(lines) + "\n"


def _scalar(obj: Any, base: Optional[Path]) -> Optional[str]:
    if obj is None or isinstance(obj, (bool, int, float, str, bytes)):
        return repr(obj)
    if isinstance(obj, PurePath):
        if base is not None:
            try:
                return f"Path({Path(obj).relative_to(base).as_posix() or '.'!r})"
            except ValueError:
                pass
        return f"Path({PurePath(obj).as_posix()!r})"
    return None


def _dump(obj: Any, depth: int, lines: list[str], base: Optional[Path], head: str = "") -> None:
    pad = INDENT * depth
    text = _scalar(obj, base)
    if text is not None:
        lines.append(f"{pad}{head}{text}")
    elif dataclasses.is_dataclass(obj) and not isinstance(obj, type):
        lines.append(f"{pad}{head}{type(obj).__name__}")
        for f in dataclasses.fields(obj):
            if f.init:
                _dump(getattr(obj, f.name), depth + 1, lines, base, f"{f.name}: ")
    elif isinstance(obj, (tuple, list)):
        if not obj:
            lines.append(f"{pad}{head}{'()' if isinstance(obj, tuple) else '[]'}")
            return
        if all(_scalar(x, base) is not None for x in obj) and len(obj) <= 8:
            inner = ", ".join(_scalar(x, base) for x in obj)
            lines.append(f"{pad}{head}({inner}{',' if len(obj) == 1 and isinstance(obj, tuple) else ''})"
                         if isinstance(obj, tuple) else f"{pad}{head}[{inner}]")
            return
        lines.append(f"{pad}{head}{type(obj).__name__}[{len(obj)}]")
        for i, item in enumerate(obj):
            _dump(item, depth + 1, lines, base, f"[{i}] ")
    elif isinstance(obj, dict):
        lines.append(f"{pad}{head}dict[{len(obj)}]" if obj else f"{pad}{head}{{}}")
        for key in sorted(obj, key=repr):
            _dump(obj[key], depth + 1, lines, base, f"{key!r}: ")
    elif isinstance(obj, (set, frozenset)):
        lines.append(f"{pad}{head}{type(obj).__name__}[{len(obj)}]")
        for item in sorted(obj, key=repr):
            _dump(item, depth + 1, lines, base, "- ")
    else:  # anything else would dump an address or an unordered state: fail loudly instead
        raise TypeError(f"modeldump: cannot dump {type(obj).__name__} at {head or 'top'}")
