"""Replaying schema operations (:mod:`drizzle_doc.model.operations`) on a schema: the schema after a
migration whose snapshot is missing, from the one before it."""

from __future__ import annotations

import dataclasses

from drizzle_doc.model.schema import (
    Enum,
    Schema,
    Table,
)
from drizzle_doc.model.operations import (
    AddColumn, AddConstraint, AddEnumValue, AlterColumn, CreateEnum, CreateIndex, CreateTable, DropColumn,
    DropConstraint, DropEnum, DropIndex, DropPrimaryKey, DropTable, RenameColumn, RenameConstraint, RenameIndex, RenameTable,
    SetRls, SetTableSchema, add_constraint, drop_constraint, drop_primary_key, rename_column,
)





def apply(schema: Schema, ops) -> Schema:
    """Replay operations on a schema (tables and enums); unknown targets are ignored."""
    if not ops:  # an empty migration (a journal entry without its file): the same schema
        return schema
    tables: dict[str, Table] = {t.key: t for t in schema.tables}
    enums: dict[str, Enum] = {e.key: e for e in schema.enums}

    def upd(key: str, fn):
        if key in tables:
            tables[key] = fn(tables[key])

    for op in ops:
        if isinstance(op, CreateTable):
            tables[op.table.key] = op.table
        elif isinstance(op, DropTable):
            tables.pop(op.key, None)
        elif isinstance(op, (RenameTable, SetTableSchema)):
            if op.key in tables:
                t = tables.pop(op.key)
                t = (dataclasses.replace(t, name=op.new_name) if isinstance(op, RenameTable)
                     else dataclasses.replace(t, schema=op.new_schema))
                tables[t.key] = t
                # foreign keys elsewhere follow the table
                old_schema, old_name = op.key.split(".", 1)
                for k, other in list(tables.items()):
                    fks = tuple(
                        dataclasses.replace(f, foreign_table=t.name, foreign_schema=t.schema)
                        if (f.foreign_schema, f.foreign_table) == (old_schema, old_name) else f
                        for f in other.foreign_keys
                    )
                    if fks != other.foreign_keys:
                        tables[k] = dataclasses.replace(other, foreign_keys=fks)
        elif isinstance(op, AddColumn):
            def add(t, op=op):
                t = dataclasses.replace(t, columns=(*[c for c in t.columns if c.name != op.column.name], op.column))
                for con in op.constraints:
                    t = add_constraint(t, con)
                return t
            upd(op.key, add)
        elif isinstance(op, DropColumn):
            def drop(t, op=op):
                return dataclasses.replace(
                    t,
                    columns=tuple(c for c in t.columns if c.name != op.name),
                    indexes=tuple(i for i in t.indexes
                                  if not any(not c.is_expression and c.expression == op.name for c in i.columns)),
                    foreign_keys=tuple(f for f in t.foreign_keys if op.name not in f.columns),
                    uniques=tuple(u for u in t.uniques if op.name not in u.columns),
                )
            upd(op.key, drop)
        elif isinstance(op, RenameColumn):
            upd(op.key, lambda t, op=op: rename_column(t, op.old, op.new))
        elif isinstance(op, AlterColumn):
            upd(op.key, lambda t, op=op: dataclasses.replace(t, columns=tuple(
                dataclasses.replace(c, **{op.attr: op.value}) if c.name == op.name else c for c in t.columns)))
        elif isinstance(op, AddConstraint):
            upd(op.key, lambda t, op=op: add_constraint(t, op.constraint))
        elif isinstance(op, DropConstraint):
            upd(op.key, lambda t, op=op: drop_constraint(t, op.name, op.kinds))
        elif isinstance(op, DropPrimaryKey):
            upd(op.key, drop_primary_key)
        elif isinstance(op, RenameConstraint):
            def ren_con(t, op=op):
                def r(x):
                    return dataclasses.replace(x, name=op.new) if x.name == op.old else x
                return dataclasses.replace(
                    t,
                    primary_key=r(t.primary_key) if t.primary_key else None,
                    foreign_keys=tuple(r(f) for f in t.foreign_keys),
                    uniques=tuple(r(u) for u in t.uniques),
                    checks=tuple(r(c) for c in t.checks),
                )
            upd(op.key, ren_con)
        elif isinstance(op, CreateIndex):
            upd(op.key, lambda t, op=op: dataclasses.replace(
                t, indexes=(*[i for i in t.indexes if i.name != op.index.name], op.index)))
        elif isinstance(op, (DropIndex, RenameIndex)):
            name = op.name if isinstance(op, DropIndex) else op.old
            for k, t in list(tables.items()):
                if t.schema == op.schema and any(i.name == name for i in t.indexes):
                    if isinstance(op, DropIndex):
                        idx = tuple(i for i in t.indexes if i.name != name)
                    else:
                        idx = tuple(dataclasses.replace(i, name=op.new) if i.name == name else i for i in t.indexes)
                    tables[k] = dataclasses.replace(t, indexes=idx)
        elif isinstance(op, SetRls):
            upd(op.key, lambda t, op=op: dataclasses.replace(t, rls_enabled=op.enabled))
        elif isinstance(op, CreateEnum):
            enums[op.enum.key] = op.enum
        elif isinstance(op, DropEnum):
            enums.pop(op.key, None)
        elif isinstance(op, AddEnumValue):
            e = enums.get(op.key)
            if e is not None and op.value not in e.values:
                vals = list(e.values)
                if op.neighbor in vals:
                    i = vals.index(op.neighbor) + (1 if op.after else 0)
                    vals.insert(i, op.value)
                else:
                    vals.append(op.value)
                enums[op.key] = dataclasses.replace(e, values=tuple(vals))
    return dataclasses.replace(schema, tables=tuple(tables.values()), enums=tuple(enums.values()))
