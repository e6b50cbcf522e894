"""The one schema comparator: two versions of a table, enum or view -> typed differences.

Used by the migration history (a migration's schema against the one before), drift (the models
against what the migrations built) and verify (the models against a live database).  Each of them
words the differences its own way; none compares on its own.

Equality of types, SQL expressions and identifiers is the dialect's, through a :class:`Spelling`
(the dialect object; this module imports none).  Two things are compared as the database sees
them, whatever the source wrote:

- a column is NOT NULL when it says so, is part of the primary key, is an identity column or has a
  type the dialect always makes NOT NULL (PostgreSQL's serials);
- an identity or generated column has no default;
- an ``ON UPDATE`` counts only where the database applies it (the dialect's ``stored_on_update``:
  MySQL's ``onUpdateNow()``; an app-side ``$onUpdate`` never).

What is unknown is never compared as a value: an aspect hidden by a column's
:class:`~drizzle_doc.model.schema.UnknownPart` (its default, its type …) is not a difference, nor
is a foreign key, unique constraint or primary key on a column whose ``references``, ``unique`` or
``primary_key`` is unknown, nor a column only one side has when the other has a column that could
not be read at all.

Differences come in a fixed order: the right side's columns in order (added, or what changed),
then the left side's columns the right lacks; the primary key's columns; then indexes, foreign
keys, unique constraints, checks and the named primary key, each keyed by the name the database
stores (right side's order, then the left-only ones); then row level security.

A database that keeps no name for some objects (SQLite's foreign keys) is compared after
:func:`adopt_names` has given its objects the other side's names where their columns agree.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any, Callable, Iterable, Iterator, Optional, Protocol

from drizzle_doc.model.schema import Column, Enum, ForeignKey, Index, IndexColumn, Table, UniqueConstraint

ADDED = "added"  # only on the right
DROPPED = "dropped"  # only on the left
CHANGED = "changed"  # on both sides, one aspect differs


class Spelling(Protocol):
    """What the comparator asks the dialect (see :class:`drizzle_doc.dialects.base.Dialect`)."""

    default_schema: Optional[str]

    def same_type(self, a: str, b: str) -> bool: ...

    def same_expr(self, a: Optional[str], b: Optional[str]) -> bool: ...

    def stored_identifier(self, name: str) -> str: ...

    def implies_not_null(self, type_: str) -> bool: ...

    def stored_on_update(self, column: Column) -> Optional[str]: ...
    # Optional (read with getattr, False when absent):
    # unique_constraints_are_indexes: a unique constraint is a unique index of the same name (MySQL)
    # unnamed_foreign_keys: the database keeps no foreign key names (SQLite): matched by what they are


@dataclass(frozen=True, slots=True)
class Difference:
    """One difference.  ``kind``: "column", "primary_key_columns", "index", "foreign_key",
    "unique", "check", "primary_key", "rls", "enum_value", "enum_order".  ``change``: ADDED,
    DROPPED or CHANGED.  ``name``: the column's or object's name (the stored name for named
    objects).  ``aspect`` (CHANGED only): what differs ("type", "not_null", "default",
    "primary_key", "identity", "generated", "autoincrement", "on_update", "unique", "method", "columns", "where", "target",
    "on_delete", "on_update", "nulls_not_distinct", "expression", "name").  ``left`` / ``right``:
    the objects compared (None on the side that lacks it)."""

    kind: str
    change: str
    name: Optional[str] = None
    aspect: str = ""
    left: Any = None
    right: Any = None


# ---------------------------------------------------------------------------
# Canonical values: what a database makes of a column or constraint
# ---------------------------------------------------------------------------


def effective_not_null(c: Column, table: Table, spelling: Spelling) -> bool:
    return bool(c.not_null or c.primary_key or c.name in table.pk_columns or c.identity is not None
                or spelling.implies_not_null(c.type))


def effective_default(c: Column) -> Optional[str]:
    return None if (c.identity is not None or c.generated is not None) else c.default


def fk_action(value: Optional[str]) -> str:
    return (value or "no action").lower()


def fk_target(fk: ForeignKey, spelling: Spelling) -> str:
    return f"{fk.foreign_schema or spelling.default_schema}.{fk.foreign_table}({', '.join(fk.foreign_columns)})"


def index_method(ix: Index) -> str:
    return (ix.method or "btree").lower()


def _same_index_columns(a, b, spelling: Spelling) -> bool:
    if len(a) != len(b):
        return False
    for x, y in zip(a, b):
        if (x.expression != y.expression or x.is_expression != y.is_expression) and not spelling.same_expr(
                x.expression, y.expression):
            if x.is_expression == y.is_expression:
                return False
            # a column in descending order is the expression `"col" DESC` (a SQLite migration's
            # SQL against drizzle-kit 1.0's snapshot of sql`${t.col} DESC`)
            col, expr = (y, x) if x.is_expression else (x, y)
            if col.asc or not spelling.same_expr(f'"{col.expression}" DESC', expr.expression):
                return False
            continue
        if bool(x.asc) != bool(y.asc) or (x.nulls or "last") != (y.nulls or "last"):
            return False
        if x.opclass != y.opclass:
            if x.opclass and y.opclass:
                return False
            # a database reports no operator class where the type's default one is used
            if not (x.opclass or y.opclass or "").endswith("_ops"):
                return False
    return True


# ---------------------------------------------------------------------------
# Tables
# ---------------------------------------------------------------------------


# What is not known is never compared (a column's UnknownPart): the aspects each unknown part hides.
_HIDDEN_ASPECTS = {
    "type": ("type", "not_null"),  # some types are NOT NULL by themselves (serial)
    "not_null": ("not_null",),
    "primary_key": ("primary_key", "not_null"),
    "default": ("default",),
    "identity": ("identity", "not_null", "default"),
    "generated": ("generated", "default"),
}


def hidden_aspects(c: Column) -> frozenset[str]:
    """The aspects of ``c`` that are not compared because a part of it is unknown."""
    if not c.unknown:
        return frozenset()
    if c.unknown_part("name") is not None:
        return frozenset(a for aspects in _HIDDEN_ASPECTS.values() for a in aspects)
    return frozenset(a for u in c.unknown for a in _HIDDEN_ASPECTS.get(u.part, ()))


def _unknown_columns(t: Table, part: str) -> frozenset[str]:
    """Columns of ``t`` whose ``part`` is unknown."""
    return frozenset(c.name for c in t.columns if c.unknown and c.unknown_part(part) is not None)


# Named objects that a column's unknown part may hide: (kind, the part, the columns it covers)
_HIDING_PARTS = {"foreign_key": "references", "unique": "unique", "primary_key": "primary_key"}


def _column_aspects(a: Column, b: Column, left: Table, right: Table, spelling: Spelling) -> Iterator[str]:
    hidden = hidden_aspects(a) | hidden_aspects(b)
    for aspect in _known_column_aspects(a, b, left, right, spelling):
        if aspect not in hidden:
            yield aspect


def _known_column_aspects(a: Column, b: Column, left: Table, right: Table, spelling: Spelling) -> Iterator[str]:
    if a.enum and b.enum:
        if a.enum != b.enum or a.type.endswith("[]") != b.type.endswith("[]"):
            yield "type"
    elif not spelling.same_type(a.type, b.type):
        yield "type"
    if effective_not_null(a, left, spelling) != effective_not_null(b, right, spelling):
        yield "not_null"
    if not spelling.same_expr(effective_default(a), effective_default(b)):
        yield "default"
    if a.primary_key != b.primary_key:
        yield "primary_key"
    if (a.identity is None) != (b.identity is None) or (
            a.identity is not None and b.identity is not None and a.identity.type != b.identity.type):
        yield "identity"
    if (a.generated is None) != (b.generated is None) or (
            a.generated is not None and b.generated is not None
            and (not spelling.same_expr(a.generated.expression, b.generated.expression)
                 or a.generated.type.lower() != b.generated.type.lower())):
        yield "generated"
    if a.autoincrement != b.autoincrement:
        yield "autoincrement"
    if stored_on_update(a, spelling) != stored_on_update(b, spelling):
        yield "on_update"


def stored_on_update(c: Column, spelling: Spelling) -> Optional[str]:
    """The ``ON UPDATE`` the database applies to ``c`` (None where the dialect has none)."""
    ask = getattr(spelling, "stored_on_update", None)
    return ask(c) if ask is not None else None


def _index_aspects(a: Index, b: Index, spelling: Spelling) -> Iterator[str]:
    if a.unique != b.unique:
        yield "unique"
    if index_method(a) != index_method(b):
        yield "method"
    if not _same_index_columns(a.columns, b.columns, spelling):
        yield "columns"
    if not spelling.same_expr(a.where, b.where):
        yield "where"


def _fk_aspects(a: ForeignKey, b: ForeignKey, spelling: Spelling) -> Iterator[str]:
    if tuple(a.columns) != tuple(b.columns):
        yield "columns"
    if fk_target(a, spelling) != fk_target(b, spelling):
        yield "target"
    if fk_action(a.on_delete) != fk_action(b.on_delete):
        yield "on_delete"
    if fk_action(a.on_update) != fk_action(b.on_update):
        yield "on_update"


def _unique_aspects(a, b, spelling: Spelling) -> Iterator[str]:
    if tuple(a.columns) != tuple(b.columns):
        yield "columns"
    if a.nulls_not_distinct != b.nulls_not_distinct:
        yield "nulls_not_distinct"


def _check_aspects(a, b, spelling: Spelling) -> Iterator[str]:
    if not spelling.same_expr(a.expression, b.expression):
        yield "expression"


def _pk_aspects(a, b, spelling: Spelling) -> Iterator[str]:
    if tuple(a.columns) != tuple(b.columns):
        yield "columns"


NAMED: tuple[tuple[str, Callable[[Table], Iterable[Any]], Callable[..., Iterator[str]]], ...] = (
    ("index", lambda t: t.indexes, _index_aspects),
    ("foreign_key", lambda t: t.foreign_keys, _fk_aspects),
    ("unique", lambda t: t.uniques, _unique_aspects),
    ("check", lambda t: t.checks, _check_aspects),
    ("primary_key", lambda t: (t.primary_key,) if t.primary_key else (), _pk_aspects),
)


def aspects(kind: str, left: Any, right: Any, spelling: Spelling) -> list[str]:
    """What differs between two versions of one named object of ``kind`` ("index", ...)."""
    return list(next(a for k, _, a in NAMED if k == kind)(left, right, spelling))


def align(left: Table, right: Table, spelling: Spelling) -> Table:
    """``left`` with what the dialect does not tell apart stated as ``right`` states it: in MySQL a
    unique constraint is the unique index of its name (drizzle-kit writes ``uniqueIndex()`` as a
    ``UNIQUE`` constraint and states it as an index); in SQLite a foreign key has no name, so one
    that is ``right``'s in all but its name takes ``right``'s name."""
    import dataclasses

    if getattr(spelling, "unique_constraints_are_indexes", False):
        left = unique_kind_as(left, right)
    if getattr(spelling, "unnamed_foreign_keys", False):
        def what(f: ForeignKey) -> tuple:
            return tuple(f.columns), f.foreign_table, tuple(f.foreign_columns)

        r_names = {f.name for f in right.foreign_keys}
        by_what = {what(f): f.name for f in right.foreign_keys}
        fks = tuple(dataclasses.replace(f, name=by_what[what(f)])
                    if f.name not in r_names and what(f) in by_what else f for f in left.foreign_keys)
        if fks != left.foreign_keys:
            left = dataclasses.replace(left, foreign_keys=fks)
    return left


def unique_kind_as(left: Table, right: Table) -> Table:
    """``left`` with each unique constraint that ``right`` states as the unique index of the same
    name and columns stated as that index, and the reverse: where the two are one thing (MySQL's
    unique constraint is the index of its name; a SQLite migration's ``CREATE UNIQUE INDEX`` is what
    drizzle-kit 1.0's snapshot states as the table's unique constraint)."""
    import dataclasses

    r_index = {ix.name: ix for ix in right.indexes if ix.unique and not ix.where
               and not any(c.is_expression for c in ix.columns)}
    r_unique = {u.name: u for u in right.uniques}
    moved_in = tuple(Index(u.name, tuple(IndexColumn(c) for c in u.columns), True, description=u.description,
                           file=u.file, line=u.line)
                     for u in left.uniques if u.name in r_index and u.name not in r_unique
                     and tuple(u.columns) == r_index[u.name].expressions)
    moved_out = tuple(UniqueConstraint(ix.name, ix.expressions, description=ix.description, file=ix.file,
                                       line=ix.line)
                      for ix in left.indexes if ix.name in r_unique and ix.name not in r_index and ix.unique
                      and not ix.where and tuple(r_unique[ix.name].columns) == ix.expressions)
    if not (moved_in or moved_out):
        return left
    gone_in, gone_out = {i.name for i in moved_in}, {u.name for u in moved_out}
    return dataclasses.replace(
        left, uniques=(*[u for u in left.uniques if u.name not in gone_in], *moved_out),
        indexes=(*[i for i in left.indexes if i.name not in gone_out], *moved_in))


def compare_tables(left: Table, right: Table, spelling: Spelling) -> list[Difference]:
    """Everything that differs between two versions of one table (see the module docstring)."""
    left = align(left, right, spelling)
    out: list[Difference] = []
    lcols = {c.name: c for c in left.columns}
    # a column that could not be read at all (its name is unknown) may be any column the other
    # side has: the columns only one side has are then not compared
    l_unread, r_unread = _unknown_columns(left, "name"), _unknown_columns(right, "name")
    for c in right.columns:
        old = lcols.get(c.name)
        if old is None:
            if not l_unread and c.name not in r_unread:
                out.append(Difference("column", ADDED, c.name, right=c))
            continue
        out.extend(Difference("column", CHANGED, c.name, aspect, old, c)
                   for aspect in _column_aspects(old, c, left, right, spelling))
    rnames = {c.name for c in right.columns}
    out.extend(Difference("column", DROPPED, c.name, left=c) for c in left.columns
               if c.name not in rnames and not r_unread and c.name not in l_unread)
    if left.pk_columns != right.pk_columns and not (_unknown_columns(left, "primary_key")
                                                     or _unknown_columns(right, "primary_key")):
        out.append(Difference("primary_key_columns", CHANGED, None, "columns", left, right))
    for kind, items, aspects in NAMED:
        stored = spelling.stored_identifier
        part = _HIDING_PARTS.get(kind)
        hidden = (_unknown_columns(left, part) | _unknown_columns(right, part)) if part else frozenset()

        def known(x) -> bool:  # an object on a column whose part is unknown is not compared
            return not hidden or not hidden.intersection(getattr(x, "columns", ()))

        lx = {stored(x.name): x for x in items(left) if known(x)}
        rx = {stored(y.name): y for y in items(right) if known(y)}
        for name, y in rx.items():
            x = lx.get(name)
            if x is None:
                out.append(Difference(kind, ADDED, name, right=y))
            else:
                out.extend(Difference(kind, CHANGED, name, aspect, x, y) for aspect in aspects(x, y, spelling))
        out.extend(Difference(kind, DROPPED, name, left=x) for name, x in lx.items() if name not in rx)
    if left.rls_enabled != right.rls_enabled:
        out.append(Difference("rls", CHANGED, None, "rls", left, right))
    return out


def adopt_names(left: Table, right: Table, kinds: Iterable[str]) -> Table:
    """``left`` with its ``kinds`` objects ("foreign_key", "primary_key", "index", ...) renamed to
    the name ``right`` gives the object with the same columns, where ``left``'s name is not one of
    ``right``'s: for a database that keeps no name for them (SQLite's foreign keys, MySQL's
    ``PRIMARY``), so that only what the database does keep is compared."""
    fields = {"foreign_key": "foreign_keys", "unique": "uniques", "check": "checks", "index": "indexes"}
    table = left
    for kind in kinds:
        items = next(i for k, i, _ in NAMED if k == kind)
        theirs = list(items(right))
        names = {y.name for y in theirs}
        mine = list(items(table))
        taken = {x.name for x in mine}
        renamed = []
        for x in mine:
            if x.name not in names:
                match = next((y for y in theirs if y.name not in taken and _columns_of(y) == _columns_of(x)), None)
                if match is not None:
                    taken.add(match.name)
                    x = replace(x, name=match.name)
            renamed.append(x)
        if kind == "primary_key":
            table = replace(table, primary_key=renamed[0] if renamed else None)
        else:
            table = replace(table, **{fields[kind]: tuple(renamed)})
    return table


def _columns_of(obj: Any) -> tuple:
    cols = getattr(obj, "columns", ())
    return tuple(getattr(c, "expression", c) for c in cols)


def changed_names(diffs: Iterable[Difference], kind: str) -> dict[str, None]:
    """The names of ``kind`` objects on both sides that differ in any aspect, in order."""
    return {d.name: None for d in diffs if d.kind == kind and d.change == CHANGED}


# ---------------------------------------------------------------------------
# Enums
# ---------------------------------------------------------------------------


def compare_enum(left: Enum, right: Enum) -> list[Difference]:
    """Values only on one side (right's new values first), then a different order of the values both have;
    nothing when one side's values are unknown (could not be evaluated statically)."""
    if left.unknown is not None or right.unknown is not None:
        return []
    out = [Difference("enum_value", ADDED, v, left=left, right=right) for v in right.values if v not in left.values]
    out += [Difference("enum_value", DROPPED, v, left=left, right=right) for v in left.values if v not in right.values]
    common_l = [v for v in left.values if v in right.values]
    common_r = [v for v in right.values if v in left.values]
    if common_l != common_r:
        out.append(Difference("enum_order", CHANGED, left.key, "order", left, right))
    return out
