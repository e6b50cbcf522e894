"""SQL dialects: one folder each, one :class:`~drizzle_doc.dialects.base.Dialect` object each.

``get_dialect("postgresql")`` is how every layer above the drizzle builder finds what differs.
"""

from __future__ import annotations

from drizzle_doc.dialects.base import Dialect, KitNaming, UnsupportedDialect, lookup, register, registered


def _postgres() -> Dialect:
    from drizzle_doc.dialects.postgres import POSTGRES

    return POSTGRES


register("postgresql", _postgres)


def get_dialect(name: str) -> Dialect:
    """The dialect drizzle-kit calls ``name``; :class:`UnsupportedDialect` for any other."""
    return lookup(name)


__all__ = ["Dialect", "KitNaming", "UnsupportedDialect", "get_dialect", "registered"]
