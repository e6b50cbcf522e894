"""``drizzle-doc comments-sql``: the models' JSDoc as ``COMMENT ON`` statements.

The output is a drizzle-kit custom migration body (``drizzle-kit generate
--custom``): one statement per table or column that has JSDoc text, separated by
``--> statement-breakpoint`` so ``drizzle-kit migrate`` runs them one by one.
Order is deterministic: tables by (schema, name), then each table's columns in
declaration order.  Tables and columns without JSDoc are left alone (never
``IS NULL``: a comment written by hand in the database is not wiped).
"""

from __future__ import annotations

from drizzle_doc.dialects.postgres.identifiers import quote_ident
from drizzle_doc.model import Schema

HEADER = (
    "-- COMMENT ON statements from the models' JSDoc, written by `drizzle-doc comments-sql`.\n"
    "-- Regenerate instead of editing; apply as a drizzle-kit custom migration.\n"
)
BREAKPOINT = "--> statement-breakpoint"


def quote_literal(text: str) -> str:
    """A standard SQL string literal: single quotes doubled; backslashes are literal.

    PostgreSQL has ``standard_conforming_strings`` on by default since 9.1;
    text with a backslash is written as an ``E''`` literal so it reads the same
    whatever that setting is.  NUL characters cannot be stored and are dropped.
    """
    text = text.replace("\x00", "")
    if "\\" in text:
        return "E'" + text.replace("\\", "\\\\").replace("'", "''") + "'"
    return "'" + text.replace("'", "''") + "'"


def qualified(schema: str, name: str) -> str:
    return f"{quote_ident(schema or 'public')}.{quote_ident(name)}"


def comment_statements(schema: Schema) -> list[str]:
    """``COMMENT ON TABLE / COLUMN ... IS '...';`` for every table and column with JSDoc text."""
    out: list[str] = []
    for t in sorted(schema.tables, key=lambda t: (t.schema, t.name)):
        table = qualified(t.schema, t.name)
        text = t.description.text.strip()
        if text:
            out.append(f"COMMENT ON TABLE {table} IS {quote_literal(text)};")
        for c in t.columns:
            text = c.description.text.strip()
            if text:
                out.append(f"COMMENT ON COLUMN {table}.{quote_ident(c.name)} IS {quote_literal(text)};")
    return out


def comments_sql(schema: Schema) -> str:
    """The whole migration file: a header and the statements, breakpoint-separated."""
    statements = comment_statements(schema)
    if not statements:
        return HEADER + "-- (no table or column has JSDoc text)\n"
    return HEADER + f"{BREAKPOINT}\n".join(s + "\n" for s in statements)
