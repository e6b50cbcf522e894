"""MySQL migration SQL: which reader a migration needs.

With its drizzle-kit snapshot (``meta/NNNN_snapshot.json``, the authority on what a migration
made), a migration made of statements drizzle-kit writes for what the snapshot states is only
counted and placed (no parser is loaded).  Anything else (a migration without a snapshot: a
hand-written folder, ``drizzle-kit generate --custom``, the SQL after an introspected snapshot;
renames, triggers, data fixes) is read with sqlglot's MySQL parser by :mod:`.ddl`, which turns it
into the operations PostgreSQL's reader makes, so history, drift and ``addedIn`` come from the SQL.
"""

from __future__ import annotations

from typing import Optional

from drizzle_doc.dialects.migration_text import kit_described, statements
from drizzle_doc.model import Diagnostic, Schema
from drizzle_doc.model.operations import Statement


def parse_migration(text: str, file: str, snapshot: Optional[Schema] = None
                    ) -> tuple[tuple[Statement, ...], tuple[Diagnostic, ...]]:
    """A migration's statements and their operations, and diagnostics for what could not be read."""
    if snapshot is not None:
        found = statements(text, hash_comments=True)
        if all(kit_described(body, hash_comments=True) for body, _ in found):
            return tuple(Statement(i + 1, line, ()) for i, (_, line) in enumerate(found)), ()
    from drizzle_doc.dialects.mysql.ddl import parse_migration as read

    return read(text, file, snapshot)
