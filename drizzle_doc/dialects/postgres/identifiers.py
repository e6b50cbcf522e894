"""PostgreSQL identifiers: how they are stored (63 bytes) and quoted."""

from __future__ import annotations

NAMEDATALEN = 64  # PostgreSQL keeps the first NAMEDATALEN - 1 bytes of an identifier


def pg_name(name: str) -> str:
    """An identifier as PostgreSQL stores it: cut to 63 bytes on a character boundary.

    drizzle-kit's snapshot keeps the long name; the database (and so its catalog) does not.
    """
    raw = name.encode("utf-8")
    if len(raw) < NAMEDATALEN:
        return name
    return raw[: NAMEDATALEN - 1].decode("utf-8", errors="ignore")


def quote_ident(name: str) -> str:
    """A PostgreSQL identifier in double quotes (embedded quotes doubled)."""
    return '"' + name.replace('"', '""') + '"'
