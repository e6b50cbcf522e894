"""``drizzle-doc comments-sql`` for MySQL: the models' JSDoc as ``COMMENT`` clauses.

MySQL has no ``COMMENT ON``.  A table's comment is ``ALTER TABLE `t` COMMENT = '…'``; a column's
comment is part of its definition, so it can only be set by restating the whole column:
``ALTER TABLE `t` MODIFY COLUMN `c` <type> [NOT NULL] [DEFAULT …] [ON UPDATE …] [AUTO_INCREMENT]
COMMENT '…'``.  The definition is written from the models exactly as drizzle-kit's migration
would write it; apply the file only when the migrations are current (``drizzle-doc check``
clean), or the MODIFY would also change the column.  Output is a drizzle-kit custom migration
body, statements separated by ``--> statement-breakpoint``; tables by name, columns in order;
tables and columns without JSDoc are left alone.
"""

from __future__ import annotations

from drizzle_doc.model import Column, Schema

HEADER = (
    "-- MySQL COMMENT clauses from the models' JSDoc, written by `drizzle-doc comments-sql`.\n"
    "-- MySQL has no COMMENT ON: a column comment is set by MODIFY COLUMN with the column's whole\n"
    "-- definition, written here from the models. Apply only when `drizzle-doc check` is clean.\n"
)
BREAKPOINT = "--> statement-breakpoint"


def quote_ident(name: str) -> str:
    return "`" + name.replace("`", "``") + "`"


def quote_literal(text: str) -> str:
    """A MySQL string literal: backslashes escaped (MySQL reads them as escapes by default),
    single quotes doubled; NUL characters dropped."""
    return "'" + text.replace("\x00", "").replace("\\", "\\\\").replace("'", "''") + "'"


def column_definition(c: Column, in_primary_key: bool) -> str:
    """The column as drizzle-kit's CREATE TABLE writes it (without constraints).  A ``serial`` is
    restated as what it stands for without its ``UNIQUE``: ``bigint unsigned AUTO_INCREMENT NOT
    NULL`` (``MODIFY … serial`` would add a second unique key, ``id_2``, every time it runs)."""
    serial = c.type.strip().lower() == "serial"
    parts = [quote_ident(c.name), "bigint unsigned" if serial else c.type]
    if c.generated is not None:
        parts.append(f"GENERATED ALWAYS AS ({c.generated.expression}) {c.generated.type.upper()}")
    if c.autoincrement or serial:
        parts.append("AUTO_INCREMENT")
    if c.not_null or in_primary_key or serial:
        parts.append("NOT NULL")
    if c.default is not None and c.generated is None:
        parts.append(f"DEFAULT {c.default}")
    if c.on_update == "onUpdateNow()":
        parts.append("ON UPDATE CURRENT_TIMESTAMP")
    return " ".join(parts)


def comment_statements(schema: Schema) -> list[str]:
    out: list[str] = []
    for t in sorted(schema.tables, key=lambda t: (t.schema, t.name)):
        table = quote_ident(t.name) if t.schema == "public" else f"{quote_ident(t.schema)}.{quote_ident(t.name)}"
        text = t.description.text.strip()
        if text:
            out.append(f"ALTER TABLE {table} COMMENT = {quote_literal(text)};")
        pk = set(t.pk_columns)
        for c in t.columns:
            text = c.description.text.strip()
            if text:
                out.append(f"ALTER TABLE {table} MODIFY COLUMN {column_definition(c, c.name in pk)} "
                           f"COMMENT {quote_literal(text)};")
    return out


def comments_sql(schema: Schema) -> str:
    """The whole migration file: a header and the statements, breakpoint-separated."""
    statements = comment_statements(schema)
    if not statements:
        return HEADER + "-- (no table or column has JSDoc text)\n"
    return HEADER + f"{BREAKPOINT}\n".join(s + "\n" for s in statements)
