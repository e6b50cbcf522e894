"""The DDL a SQLite model implies, as ``drizzle-kit export`` prints it (``inspect --format sql``),
for each drizzle-kit generation.

Both generations diff the empty schema against the models and print the statements joined by
newlines; ``CREATE TABLE`` ends in a newline of its own and holds the table's foreign keys.  Within
each group the model's order is kept (drizzle-kit's is its module loader's export order).

- drizzle-kit 0.31 (``SQLiteCreateTableConvertor`` in its ``sqlgenerator``): a column's key is
  ``PRIMARY KEY`` on the column, a composite one an unnamed ``PRIMARY KEY(a, b)``; foreign keys
  unnamed, both actions spelled (``ON UPDATE no action ON DELETE cascade``); each table is
  followed by its indexes (unique constraints among them, as drizzle-kit 0.x makes them); views
  last.
- drizzle-kit 1.0 (``src/dialects/sqlite/convertor.ts`` and ``diff.ts``): a column's key stays on
  the column unless it was given a name (then ``CONSTRAINT `name` PRIMARY KEY(…)``), an integer
  key without NOT NULL; a one-column unique is ``UNIQUE`` on its column (``CONSTRAINT `name`
  UNIQUE`` when named), a longer one a table constraint; foreign keys named, actions only when
  not ``NO ACTION``, ``ON UPDATE`` first; every index after every table; views last.

Whether kit 1.0 was given a key's or a unique's name is not in the model: a name other than the
one drizzle-kit would give is taken as given.  A view whose definition is not static (query
builder) is a ``--`` comment, and a view declared ``.existing()`` is left out, as drizzle-kit
leaves it out.
"""

from __future__ import annotations

from typing import Optional

from drizzle_doc.model import Column, Schema, Table, View


def _q(name: str) -> str:
    return f"`{name}`"


def _generated(column: Column) -> str:
    g = column.generated
    return f" GENERATED ALWAYS AS {g.expression} {g.type.upper()}" if g is not None else ""


def _checks(table: Table) -> list[str]:
    return [f'\tCONSTRAINT "{ck.name}" CHECK({ck.expression})' for ck in table.checks]


def _index(table: Table, ix) -> str:
    cols = ",".join(c.expression if c.is_expression else _q(c.expression) for c in ix.columns)
    where = f" WHERE {ix.where}" if ix.where else ""
    return f"CREATE {'UNIQUE INDEX' if ix.unique else 'INDEX'} {_q(ix.name)} ON {_q(table.name)} ({cols}){where};"


# -- drizzle-kit 0.31 ------------------------------------------------------------------------


def _column_0(column: Column) -> str:
    return "".join((
        f"\t{_q(column.name)} {column.type}",
        " PRIMARY KEY" if column.primary_key else "",
        " AUTOINCREMENT" if column.autoincrement else "",
        f" DEFAULT {column.default}" if column.default is not None else "",
        _generated(column),
        " NOT NULL" if column.not_null else "",
    ))


def _create_table_0(table: Table) -> str:
    parts = [_column_0(c) for c in table.columns]
    pk = table.primary_key
    if pk is not None and pk.composite:
        parts.append(f"\tPRIMARY KEY({', '.join(_q(c) for c in pk.columns)})")
    for fk in table.foreign_keys:
        parts.append(f"\tFOREIGN KEY ({','.join(_q(c) for c in fk.columns)}) REFERENCES {_q(fk.foreign_table)}"
                     f"({','.join(_q(c) for c in fk.foreign_columns)}) ON UPDATE {fk.on_update or 'no action'} "
                     f"ON DELETE {fk.on_delete or 'no action'}")
    for u in table.uniques:  # drizzle-kit 0.x states none (they are unique indexes)
        parts.append(f"\tCONSTRAINT {u.name} UNIQUE({','.join(_q(c) for c in u.columns)})")
    parts += _checks(table)
    return f"CREATE TABLE {_q(table.name)} (\n" + ",\n".join(parts) + "\n);\n"


# -- drizzle-kit 1.0 -------------------------------------------------------------------------


def _column_1(table: Table, column: Column) -> str:
    pk = table.primary_key
    is_pk = pk is not None and pk.columns == (column.name,)
    unique = next((u for u in table.uniques if u.columns == (column.name,)), None)
    if unique is None:
        unique_text = ""
    elif unique.name == f"{table.name}_{column.name}_unique":
        unique_text = " UNIQUE"
    else:
        unique_text = f" CONSTRAINT {_q(unique.name)} UNIQUE"
    return "".join((
        f"\t{_q(column.name)} {column.type}",
        " PRIMARY KEY" if is_pk and not _named(table) else "",
        " AUTOINCREMENT" if column.autoincrement else "",
        f" DEFAULT {column.default}" if column.default else "",
        _generated(column),
        " NOT NULL" if column.not_null and not (is_pk and column.type.lower().startswith("int")) else "",
        unique_text,
    ))


def _named(table: Table) -> bool:
    """Whether the primary key was given a name (drizzle-kit 1.0's own is ``<table>_pk``)."""
    return table.primary_key is not None and table.primary_key.name != f"{table.name}_pk"


def _actions_1(fk) -> str:
    on_delete, on_update = (fk.on_delete or "NO ACTION").upper(), (fk.on_update or "NO ACTION").upper()
    return (f" ON UPDATE {on_update}" if on_update != "NO ACTION" else "") + \
        (f" ON DELETE {on_delete}" if on_delete != "NO ACTION" else "")


def _create_table_1(table: Table) -> str:
    parts = [_column_1(table, c) for c in table.columns]
    pk = table.primary_key
    if pk is not None and (len(pk.columns) > 1 or _named(table)):
        parts.append(f"\tCONSTRAINT {_q(pk.name)} PRIMARY KEY({', '.join(_q(c) for c in pk.columns)})")
    for fk in table.foreign_keys:
        parts.append(f"\tCONSTRAINT {_q(fk.name)} FOREIGN KEY ({','.join(_q(c) for c in fk.columns)}) "
                     f"REFERENCES {_q(fk.foreign_table)}({','.join(_q(c) for c in fk.foreign_columns)}){_actions_1(fk)}")
    for u in table.uniques:
        if len(u.columns) > 1:
            parts.append(f"\tCONSTRAINT {_q(u.name)} UNIQUE({','.join(_q(c) for c in u.columns)})")
    parts += _checks(table)
    return f"CREATE TABLE {_q(table.name)} (\n" + ",\n".join(parts) + "\n);\n"


# -- both ------------------------------------------------------------------------------------


def _view(view: View) -> Optional[str]:
    if view.existing:
        return None
    if view.definition is None:
        return f"-- VIEW {_q(view.name)}: its definition is not static (not exported)"
    return f"CREATE VIEW {_q(view.name)} AS {view.definition};"


def export_statements(schema: Schema, kit: str = "0") -> list[str]:
    """The statements, in drizzle-kit's order for generation ``kit``, each as it prints it."""
    out: list[str] = []
    if kit == "1":
        out += [_create_table_1(t) for t in schema.tables]
        out += [_index(t, ix) for t in schema.tables for ix in t.indexes]
    else:
        for t in schema.tables:
            out.append(_create_table_0(t))
            out += [_index(t, ix) for ix in t.indexes]
    out += [v for v in map(_view, schema.views) if v is not None]
    return list(dict.fromkeys(out))


def export_sql(schema: Schema, kit: str = "0") -> str:
    """``drizzle-kit export``'s text for the model (its statements joined by newlines)."""
    statements = export_statements(schema, kit)
    return "\n".join(statements) + "\n" if statements else ""
