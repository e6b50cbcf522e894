"""The DDL a MySQL model implies, as ``drizzle-kit export`` prints it (``inspect --format sql``),
for each drizzle-kit generation.

Both generations diff the empty schema against the models and print the statements joined by
newlines; ``CREATE TABLE`` ends in a newline of its own.  Within each group the model's order is
kept (drizzle-kit's is its module loader's export order).

- drizzle-kit 0.31 (``MySqlCreateTableConvertor`` and friends in its ``sqlgenerator``): every
  primary key is a named ``CONSTRAINT … PRIMARY KEY`` (a column's too: ``carriers_id``); unique
  constraints and unique indexes are ``CONSTRAINT … UNIQUE(…)`` in the table; then every foreign
  key as ``ALTER TABLE … ADD CONSTRAINT`` with both actions spelled, every other index as
  ``CREATE INDEX`` (without its ``using``, ``algorithm`` or ``lock``) and the views, their
  algorithm and SQL security on lines of their own.
- drizzle-kit 1.0 (``src/dialects/mysql/convertor.ts`` and ``diff.ts``): a one-column key is the
  column's ``PRIMARY KEY`` (its NOT NULL left implicit), a longer one ``CONSTRAINT PRIMARY
  KEY(…)``; unique indexes are ``CONSTRAINT … UNIQUE INDEX(…)`` in the table; ``AUTO_INCREMENT``
  is not written for ``serial``; foreign keys are ``ALTER TABLE``
  after the indexes, their actions only when not ``NO ACTION`` (a lone table keeps them in its
  ``CREATE TABLE``); a view's options on one line.

drizzle-kit leaves tables of a ``mysqlSchema()`` out; so does the export, with a ``--`` comment.
A view whose definition is not static (query builder) is a ``--`` comment, and a view declared
``.existing()`` is left out, as drizzle-kit leaves it out.
"""

from __future__ import annotations

from typing import Optional

from drizzle_doc.model import Column, Schema, Table, View

SCHEMA = "public"  # the model's schema of the connection's database (see dialects/mysql/__init__.py)


def _q(name: str) -> str:
    return f"`{name}`"


def _columns(names) -> str:
    return ",".join(_q(c) for c in names)


def _index_columns(ix) -> str:
    return ",".join(c.expression if c.is_expression else _q(c.expression) for c in ix.columns)


def _generated(column: Column) -> str:
    g = column.generated
    return f" GENERATED ALWAYS AS ({g.expression}) {g.type.upper()}" if g is not None else ""


# -- drizzle-kit 0.31 ------------------------------------------------------------------------


def _column_0(column: Column) -> str:
    return "".join((
        f"\t{_q(column.name)} {column.type}",
        " AUTO_INCREMENT" if column.autoincrement else "",
        _generated(column),
        " NOT NULL" if column.not_null else "",
        f" DEFAULT {column.default}" if column.default is not None else "",
        " ON UPDATE CURRENT_TIMESTAMP" if column.on_update == "onUpdateNow()" else "",
    ))


def _create_table_0(table: Table) -> str:
    parts = [_column_0(c) for c in table.columns]
    pk = table.primary_key
    if pk is not None:
        parts.append(f"\tCONSTRAINT {_q(pk.name)} PRIMARY KEY({_columns(pk.columns)})")
    for u in table.uniques:
        parts.append(f"\tCONSTRAINT {_q(u.name)} UNIQUE({_columns(u.columns)})")
    for ix in table.indexes:
        if ix.unique:  # drizzle-kit 0.31 turns a unique index into the table's unique constraint
            parts.append(f"\tCONSTRAINT {_q(ix.name)} UNIQUE({_index_columns(ix)})")
    for ck in table.checks:
        parts.append(f"\tCONSTRAINT {_q(ck.name)} CHECK({ck.expression})")
    return f"CREATE TABLE {_q(table.name)} (\n" + ",\n".join(parts) + "\n);\n"


def _foreign_key_0(table: Table, fk) -> str:
    return (f"ALTER TABLE {_q(table.name)} ADD CONSTRAINT {_q(fk.name)} FOREIGN KEY ({_columns(fk.columns)}) "
            f"REFERENCES {_q(fk.foreign_table)}({_columns(fk.foreign_columns)}) "
            f"ON DELETE {fk.on_delete or 'no action'} ON UPDATE {fk.on_update or 'no action'};")


def _view_0(view: View) -> str:
    options = dict(view.options)
    out = (f"CREATE ALGORITHM = {options.get('algorithm', 'undefined')}\n"
           f"SQL SECURITY {options.get('sqlSecurity', 'definer')}\n"
           f"VIEW {_q(view.name)} AS ({view.definition})")
    if options.get("withCheckOption"):
        out += f"\nWITH {options['withCheckOption']} CHECK OPTION"
    return out + ";"


# -- drizzle-kit 1.0 -------------------------------------------------------------------------


def _one_column_key(table: Table) -> Optional[str]:
    pk = table.primary_key
    return pk.columns[0] if pk is not None and len(pk.columns) == 1 else None


def _column_1(table: Table, column: Column) -> str:
    is_pk = column.name == _one_column_key(table)
    return "".join((
        f"\t{_q(column.name)} {column.type}",
        " AUTO_INCREMENT" if column.autoincrement and column.type != "serial" else "",
        " PRIMARY KEY" if is_pk else "",
        _generated(column),
        " NOT NULL" if column.not_null and not is_pk else "",
        f" DEFAULT {column.default}" if column.default is not None else "",
        " ON UPDATE CURRENT_TIMESTAMP" if column.on_update == "onUpdateNow()" else "",
    ))


def _actions_1(fk) -> str:
    on_delete, on_update = (fk.on_delete or "NO ACTION").upper(), (fk.on_update or "NO ACTION").upper()
    return (f" ON DELETE {on_delete}" if on_delete != "NO ACTION" else "") + \
        (f" ON UPDATE {on_update}" if on_update != "NO ACTION" else "")


def _create_table_1(table: Table, inline_fks: bool) -> str:
    parts = [_column_1(table, c) for c in table.columns]
    pk = table.primary_key
    if pk is not None and len(pk.columns) > 1:
        parts.append(f"\tCONSTRAINT PRIMARY KEY({_columns(pk.columns)})")
    for ix in table.indexes:
        if ix.unique:
            parts.append(f"\tCONSTRAINT {_q(ix.name)} UNIQUE INDEX({_index_columns(ix)})")
    if inline_fks:  # drizzle-kit 1.0 writes no actions here
        for fk in table.foreign_keys:
            parts.append(f"\tCONSTRAINT {_q(fk.name)} FOREIGN KEY ({_columns(fk.columns)}) "
                         f"REFERENCES {_q(fk.foreign_table)}({_columns(fk.foreign_columns)})")
    for ck in table.checks:
        parts.append(f"\tCONSTRAINT {_q(ck.name)} CHECK({ck.expression})")
    return f"CREATE TABLE {_q(table.name)} (\n" + ",\n".join(parts) + "\n);\n"


def _foreign_key_1(table: Table, fk) -> str:
    return (f"ALTER TABLE {_q(table.name)} ADD CONSTRAINT {_q(fk.name)} FOREIGN KEY ({_columns(fk.columns)}) "
            f"REFERENCES {_q(fk.foreign_table)}({_columns(fk.foreign_columns)}){_actions_1(fk)};")


def _view_1(view: View) -> str:
    options = dict(view.options)
    out = (f"CREATE ALGORITHM = {options.get('algorithm', 'undefined')} SQL SECURITY "
           f"{options.get('sqlSecurity', 'definer')} VIEW {_q(view.name)} AS ({view.definition})")
    if options.get("withCheckOption"):
        out += f" WITH {options['withCheckOption']} CHECK OPTION"
    return out + ";"


# -- both ------------------------------------------------------------------------------------


def _view(view: View, kit: str) -> Optional[str]:
    if view.existing:
        return None
    if view.definition is None:
        return f"-- VIEW {_q(view.name)}: its definition is not static (not exported)"
    return _view_1(view) if kit == "1" else _view_0(view)


def export_statements(schema: Schema, kit: str = "0") -> list[str]:
    """The statements, in drizzle-kit's order for generation ``kit``, each as it prints it."""
    out = [f"-- TABLE {_q(t.schema)}.{_q(t.name)}: drizzle-kit leaves tables of mysqlSchema() out (not exported)"
           for t in schema.tables if t.schema != SCHEMA]
    tables = [t for t in schema.tables if t.schema == SCHEMA]
    if kit == "1":
        lone = len(tables) == 1
        out += [_create_table_1(t, lone) for t in tables]
        out += [f"CREATE INDEX {_q(ix.name)} ON {_q(t.name)} ({_index_columns(ix)});"
                for t in tables for ix in t.indexes if not ix.unique]
        if not lone:
            out += [_foreign_key_1(t, fk) for t in tables for fk in t.foreign_keys]
    else:
        out += [_create_table_0(t) for t in tables]
        out += [_foreign_key_0(t, fk) for t in tables for fk in t.foreign_keys]
        out += [f"CREATE INDEX {_q(ix.name)} ON {_q(t.name)} ({_index_columns(ix)});"
                for t in tables for ix in t.indexes if not ix.unique]
    out += [v for v in (_view(v, kit) for v in schema.views) if v is not None]
    return list(dict.fromkeys(out))


def export_sql(schema: Schema, kit: str = "0") -> str:
    """``drizzle-kit export``'s text for the model (its statements joined by newlines)."""
    statements = export_statements(schema, kit)
    return "\n".join(statements) + "\n" if statements else ""
