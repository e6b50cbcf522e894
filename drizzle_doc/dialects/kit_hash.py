"""drizzle-kit 1.0's name hash, shared by the dialects whose default foreign key names it shortens
(PostgreSQL and MySQL: ``defaultNameForFK`` in ``src/dialects/{postgres,mysql}/grammar.ts``)."""

from __future__ import annotations

_DICTIONARY = "0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"


def kit_hash(text: str, length: int = 12) -> str:
    """drizzle-kit 1.0's ``hash()`` (``src/dialects/common.ts``): a base-62 polynomial hash."""
    size = len(_DICTIONARY)
    combinations = size ** length
    value, power = 0, 1
    for ch in text:  # JS for..of walks code points, as Python's str does
        value = (value + ord(ch) * power) % combinations
        power = power * 53 % combinations
    out = []
    for _ in range(length):
        out.append(_DICTIONARY[value % size])
        value //= size
    return "".join(reversed(out))


def shorten_foreign_key(name: str, table: str) -> str:
    """``defaultNameForFK``: past 63 characters, ``<table>_<hash>_fkey`` (or ``<hash>_fkey``)."""
    if len(name) <= 63:
        return name
    return f"{table}_{kit_hash(name)}_fkey" if len(table) < 45 else f"{kit_hash(name)}_fkey"
