"""Reading drizzle-kit snapshot JSON defensively: the helpers the MySQL and SQLite snapshot readers
share (a damaged snapshot gives empty values, never an exception)."""

from __future__ import annotations

from typing import Any, Optional


def as_dict(value: Any) -> dict:
    return value if isinstance(value, dict) else {}


def as_strs(value: Any) -> tuple[str, ...]:
    if isinstance(value, str):
        return (value,)
    return tuple(str(v) for v in value) if isinstance(value, (list, tuple)) else ()


def default_text(value: Any) -> Optional[str]:
    """A snapshot default as SQL text: JSON ``true`` is ``true``, numbers as JSON writes them."""
    if value is None:
        return None
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def ddl_renames(value: Any) -> list[tuple[str, str]]:
    """drizzle-kit 1.0's ``renames`` list (``"old->new"``, ``"t.old->t.new"``) as pairs."""
    out = []
    for item in value if isinstance(value, list) else ():
        if isinstance(item, str) and "->" in item:
            old, new = item.split("->", 1)
            out.append((old, new))
    return out
