"""MySQL migration SQL: drizzle-kit's ``--> statement-breakpoint`` chunks, counted and placed.

drizzle-doc reads a MySQL history from drizzle-kit's snapshots (``meta/NNNN_snapshot.json``),
which state the whole schema after each migration; renames come from their ``_meta``.  The SQL
itself is not replayed (no MySQL parser is bundled: sqlglot would be the one to add), so a
migration without a snapshot gets one clear diagnostic instead of a guess, and MySQL SQL never
meets PostgreSQL's parser.
"""

from __future__ import annotations

from typing import Optional

from drizzle_doc.model import WARNING, Diagnostic, Schema
from drizzle_doc.model.operations import Statement

BREAKPOINT = "--> statement-breakpoint"


def statements(text: str) -> list[Statement]:
    """Each non-empty breakpoint chunk (or ``;``-ended statement in hand-written SQL), with its line."""
    out: list[Statement] = []
    chunks = text.split(BREAKPOINT) if BREAKPOINT in text else _semicolon_chunks(text)
    offset = 0
    for chunk in chunks:
        start = text.index(chunk, offset) if chunk else offset
        offset = start + len(chunk)
        if not _without_comments(chunk).strip():
            continue
        lead = len(chunk) - len(chunk.lstrip())
        out.append(Statement(len(out) + 1, text.count("\n", 0, start + lead) + 1, ()))
    return out


def _semicolon_chunks(text: str) -> list[str]:
    """Hand-written SQL split after each ``;`` outside quotes and comments."""
    chunks, start, i, quote = [], 0, 0, None
    while i < len(text):
        ch = text[i]
        if quote:
            if ch == "\\" and quote != "`":
                i += 1
            elif ch == quote:
                quote = None
        elif ch in "'\"`":
            quote = ch
        elif text.startswith("--", i) or ch == "#":
            nl = text.find("\n", i)
            i = len(text) if nl < 0 else nl
            continue
        elif text.startswith("/*", i):
            end = text.find("*/", i + 2)
            i = len(text) if end < 0 else end + 2
            continue
        elif ch == ";":
            chunks.append(text[start:i + 1])
            start = i + 1
        i += 1
    chunks.append(text[start:])
    return chunks


def _without_comments(chunk: str) -> str:
    return "\n".join(line for line in chunk.splitlines() if not line.lstrip().startswith(("--", "#")))


def parse_migration(text: str, file: str, snapshot: Optional[Schema] = None
                    ) -> tuple[tuple[Statement, ...], tuple[Diagnostic, ...]]:
    """A migration's statements (without operations: its snapshot says what it made) and, when
    it has no snapshot, one diagnostic saying its changes are not known."""
    found = tuple(statements(text))
    if snapshot is not None or not found:
        return found, ()
    return found, (Diagnostic(
        WARNING, file, found[0].line,
        f"MySQL migration without a drizzle-kit snapshot: its {len(found)} statement(s) are not replayed "
        "(drizzle-doc reads MySQL history from meta/NNNN_snapshot.json, it has no MySQL SQL parser); "
        "run `drizzle-kit generate` to write snapshots", code="migration-sql"),)
