"""SQL dialects: one folder each, one :class:`~drizzle_doc.dialects.base.Dialect` object each.

``get_dialect("postgresql")`` is how every layer above the drizzle builder finds what differs.
"""

from __future__ import annotations

from drizzle_doc.dialects.base import Dialect, KitNaming, UnsupportedDialect, lookup, register, registered


def _mysql() -> Dialect:
    from drizzle_doc.dialects.mysql import MYSQL

    return MYSQL


register("mysql", _mysql)


def _postgres() -> Dialect:
    from drizzle_doc.dialects.postgres import POSTGRES

    return POSTGRES


def _sqlite() -> Dialect:
    from drizzle_doc.dialects.sqlite import SQLITE

    return SQLITE


register("postgresql", _postgres)
register("sqlite", _sqlite)


def get_dialect(name: str) -> Dialect:
    """The dialect drizzle-kit calls ``name``; :class:`UnsupportedDialect` for any other."""
    return lookup(name)


def dialect_for(name: str) -> Dialect:
    """:func:`get_dialect`, but PostgreSQL's for a name no dialect is registered under: the config
    reader refuses those (exit 2), so only a Schema made without a config gets here."""
    try:
        return lookup(name)
    except UnsupportedDialect:
        return lookup("postgresql")


__all__ = ["Dialect", "KitNaming", "UnsupportedDialect", "dialect_for", "get_dialect", "registered"]
