"""Schema operations: what a migration statement does to a schema, whatever the dialect it was
written in (a dialect's SQL reader makes them; :mod:`drizzle_doc.history.replay` applies them)."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from typing import Any, Optional, Union

from drizzle_doc.model.schema import (
    Check,
    Column,
    Enum,
    ForeignKey,
    Index,
    PrimaryKey,
    Table,
    UniqueConstraint,
)


@dataclass(frozen=True, slots=True)
class CreateTable:
    table: Table


@dataclass(frozen=True, slots=True)
class DropTable:
    key: str


@dataclass(frozen=True, slots=True)
class RenameTable:
    key: str
    new_name: str


@dataclass(frozen=True, slots=True)
class SetTableSchema:
    key: str
    new_schema: str


@dataclass(frozen=True, slots=True)
class AddColumn:
    key: str
    column: Column
    constraints: tuple = ()  # ForeignKey / UniqueConstraint / Check / PrimaryKey declared inline


@dataclass(frozen=True, slots=True)
class DropColumn:
    key: str
    name: str


@dataclass(frozen=True, slots=True)
class RenameColumn:
    key: str
    old: str
    new: str


@dataclass(frozen=True, slots=True)
class AlterColumn:
    key: str
    name: str
    attr: str  # "type" | "not_null" | "default" | "identity" | "generated"
    value: Any


@dataclass(frozen=True, slots=True)
class AddConstraint:
    key: str
    constraint: Union[ForeignKey, UniqueConstraint, Check, PrimaryKey]


@dataclass(frozen=True, slots=True)
class DropConstraint:
    key: str
    name: str
    #: which kinds of constraint the name may be ("foreign_key", "unique", "check", "primary_key");
    #: empty: any (MySQL's ``DROP FOREIGN KEY`` and ``DROP INDEX`` name one kind each)
    kinds: tuple = ()


@dataclass(frozen=True, slots=True)
class DropPrimaryKey:
    """MySQL's ``DROP PRIMARY KEY``: the table's key, whatever its name."""

    key: str


@dataclass(frozen=True, slots=True)
class RenameConstraint:
    key: str
    old: str
    new: str


@dataclass(frozen=True, slots=True)
class CreateIndex:
    key: str
    index: Index


@dataclass(frozen=True, slots=True)
class DropIndex:
    schema: str
    name: str


@dataclass(frozen=True, slots=True)
class RenameIndex:
    schema: str
    old: str
    new: str


@dataclass(frozen=True, slots=True)
class SetRls:
    key: str
    enabled: bool


@dataclass(frozen=True, slots=True)
class CreateEnum:
    enum: Enum


@dataclass(frozen=True, slots=True)
class DropEnum:
    key: str


@dataclass(frozen=True, slots=True)
class AddEnumValue:
    key: str
    value: str
    neighbor: Optional[str] = None
    after: bool = True


@dataclass(frozen=True, slots=True)
class HandObject:
    """A trigger, function or view that a migration's hand-written SQL creates or drops."""

    kind: str  # "trigger" | "function" | "view" | "materialized view"
    name: str  # a trigger's own name; a function's or view's key ("public.customer_revenue")
    table: Optional[str] = None  # a trigger's table key
    detail: str = ""  # what it does in SQL's words ("BEFORE DELETE FOR EACH ROW", "LANGUAGE plpgsql")
    refs: tuple[str, ...] = ()  # tables a view or function reads or writes; the function a trigger runs
    dropped: bool = False  # the statement drops it


@dataclass(frozen=True, slots=True)
class Touch:
    """A statement that does not change the table's shape but touches it (or the database)."""

    key: Optional[str]  # table key, or None for database-wide statements (functions, …)
    kind: str  # "trigger" | "comment" | "data" | "policy" | "function" | "other" …
    summary: str
    obj: Optional[HandObject] = None  # the trigger, function or view it creates or drops


Op = Union[
    CreateTable, DropTable, RenameTable, SetTableSchema, AddColumn, DropColumn, RenameColumn,
    AlterColumn, AddConstraint, DropConstraint, DropPrimaryKey, RenameConstraint, CreateIndex, DropIndex,
    RenameIndex, SetRls, CreateEnum, DropEnum, AddEnumValue, Touch,
]


@dataclass(frozen=True, slots=True)
class Statement:
    number: int  # 1-based, in file order
    line: int  # 1-based line where the statement starts
    ops: tuple


# ---------------------------------------------------------------------------
# One table, changed by one constraint operation
# ---------------------------------------------------------------------------


def add_constraint(t: Table, con) -> Table:
    if isinstance(con, ForeignKey):
        return dataclasses.replace(t, foreign_keys=(*[f for f in t.foreign_keys if f.name != con.name], con))
    if isinstance(con, UniqueConstraint):
        return dataclasses.replace(t, uniques=(*[u for u in t.uniques if u.name != con.name], con))
    if isinstance(con, Check):
        return dataclasses.replace(t, checks=(*[c for c in t.checks if c.name != con.name], con))
    if isinstance(con, PrimaryKey):
        if not con.composite and len(con.columns) == 1:
            cols = tuple(
                dataclasses.replace(c, primary_key=True, not_null=True) if c.name == con.columns[0] else c
                for c in t.columns
            )
            return dataclasses.replace(t, columns=cols)
        cols = tuple(dataclasses.replace(c, not_null=True) if c.name in con.columns else c for c in t.columns)
        return dataclasses.replace(t, columns=cols, primary_key=dataclasses.replace(con, composite=True))
    return t

def drop_constraint(t: Table, name: str, kinds: tuple = ()) -> Table:
    def gone(kind: str, x) -> bool:
        return x.name == name and (not kinds or kind in kinds)

    pk = t.primary_key if t.primary_key is None or not gone("primary_key", t.primary_key) else None
    cols = t.columns
    if (name == f"{t.name}_pkey" and t.primary_key is None or t.primary_key is not None and pk is None) and (
            not kinds or "primary_key" in kinds):
        cols = tuple(dataclasses.replace(c, primary_key=False) for c in cols)
    return dataclasses.replace(
        t,
        columns=cols,
        primary_key=pk,
        foreign_keys=tuple(f for f in t.foreign_keys if not gone("foreign_key", f)),
        uniques=tuple(u for u in t.uniques if not gone("unique", u)),
        checks=tuple(c for c in t.checks if not gone("check", c)),
    )


def drop_primary_key(t: Table) -> Table:
    return dataclasses.replace(t, primary_key=None,
                               columns=tuple(dataclasses.replace(c, primary_key=False) for c in t.columns))

def rename_column(t: Table, old: str, new: str) -> Table:
    def ren(names):
        return tuple(new if n == old else n for n in names)

    return dataclasses.replace(
        t,
        columns=tuple(dataclasses.replace(c, name=new) if c.name == old else c for c in t.columns),
        primary_key=(dataclasses.replace(t.primary_key, columns=ren(t.primary_key.columns))
                     if t.primary_key else None),
        foreign_keys=tuple(dataclasses.replace(f, columns=ren(f.columns)) for f in t.foreign_keys),
        uniques=tuple(dataclasses.replace(u, columns=ren(u.columns)) for u in t.uniques),
        indexes=tuple(
            dataclasses.replace(i, columns=tuple(
                dataclasses.replace(c, expression=new) if not c.is_expression and c.expression == old else c
                for c in i.columns))
            for i in t.indexes
        ),
    )
