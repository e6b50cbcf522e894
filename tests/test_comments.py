"""comments-sql: COMMENT ON statements from JSDoc (quoting, order, breakpoints)."""

from __future__ import annotations

from drizzle_doc.dialects.postgres.comments import (
    BREAKPOINT,
    HEADER,
    comment_statements,
    comments_sql,
    quote_ident,
    quote_literal,
)
from drizzle_doc.model import Column, Doc, DocTag, Schema, Table


def schema() -> Schema:
    return Schema(tables=(
        Table(name="users", description=Doc(text="People who can sign in.\nOne row per person.",
                                              tags=(DocTag("see", "sessions"),)),
              columns=(
                  Column("id", "id", "uuid"),
                  Column("email", "email", "text", description=Doc(text="Login address; it's unique.")),
                  Column("path", "path", "text", description=Doc(text="C:\\Users\\x")),
              )),
        Table(name="Weird \"Name\"", schema="catalog", description=Doc(text="Odd one.")),
        Table(name="audit", description=Doc(tags=(DocTag("deprecated", "gone soon"),))),
        Table(name="accounts", columns=(Column("note", "note", "text", description=Doc(text="  padded  ")),)),
    ))


def test_quoting():
    assert quote_ident("users") == '"users"'
    assert quote_ident('a"b') == '"a""b"'
    assert quote_literal("it's") == "'it''s'"
    assert quote_literal("a\\b") == "E'a\\\\b'"
    assert quote_literal("a\\'b") == "E'a\\\\''b'"
    assert quote_literal("nul\x00") == "'nul'"


def test_statements_in_deterministic_order_and_only_for_documented_objects():
    assert comment_statements(schema()) == [
        '''COMMENT ON TABLE "catalog"."Weird ""Name""" IS 'Odd one.';''',
        '''COMMENT ON COLUMN "public"."accounts"."note" IS 'padded';''',
        "COMMENT ON TABLE \"public\".\"users\" IS 'People who can sign in.\nOne row per person.';",
        '''COMMENT ON COLUMN "public"."users"."email" IS 'Login address; it''s unique.';''',
        '''COMMENT ON COLUMN "public"."users"."path" IS E'C:\\\\Users\\\\x';''',
    ]


def test_file_is_breakpoint_separated_for_drizzle_kit():
    text = comments_sql(schema())
    assert text.startswith(HEADER)
    chunks = text.split(BREAKPOINT)
    assert len(chunks) == 5
    assert all(c.strip().endswith(";") for c in chunks)
    assert comments_sql(schema()) == text  # deterministic


def test_nothing_documented():
    assert comments_sql(Schema(tables=(Table(name="t"),))) == HEADER + "-- (no table or column has JSDoc text)\n"
