"""SQLite migration SQL: drizzle-kit's ``--> statement-breakpoint`` chunks, counted and placed.

drizzle-doc reads a SQLite history from drizzle-kit's snapshots (``meta/NNNN_snapshot.json``),
which state the whole schema after each migration; renames come from their ``_meta``.  The SQL
itself is not replayed (no SQLite parser is bundled), so a migration without a snapshot gets one
clear diagnostic instead of a guess, and never a PostgreSQL parse error.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Optional

from drizzle_doc.model import WARNING, Diagnostic, Schema

BREAKPOINT = "--> statement-breakpoint"


@dataclass(frozen=True, slots=True)
class Statement:
    number: int  # 1-based, in file order
    line: int  # 1-based line where the statement starts
    ops: tuple = ()


def _statements(text: str) -> list[Statement]:
    out: list[Statement] = []
    offset = 0
    for chunk in text.split(BREAKPOINT):
        start = offset
        offset += len(chunk) + len(BREAKPOINT)
        body = _without_comments(chunk)
        if not body.strip():
            continue
        lead = len(chunk) - len(chunk.lstrip())
        out.append(Statement(len(out) + 1, text.count("\n", 0, start + lead) + 1))
    return out


def _without_comments(chunk: str) -> str:
    return "\n".join(line for line in chunk.splitlines() if not line.lstrip().startswith("--"))


def parse_migration(text: str, file: str, snapshot: Optional[Schema] = None
                    ) -> tuple[tuple[Statement, ...], tuple[Diagnostic, ...]]:
    """A migration's statements (without operations: its snapshot says what it made) and, when
    it has no snapshot, a diagnostic saying its changes are not known."""
    statements = tuple(_statements(text))
    if snapshot is not None or not statements:
        return statements, ()
    return statements, (Diagnostic(
        WARNING, file, statements[0].line,
        f"SQLite migration without a drizzle-kit snapshot: its {len(statements)} statement(s) are not replayed "
        "(drizzle-doc reads SQLite history from meta/NNNN_snapshot.json); run `drizzle-kit generate` to "
        "write snapshots", code="migration-sql"),)
