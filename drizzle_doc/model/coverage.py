"""Description coverage (as ``tbls coverage``): how much of the schema has a JSDoc description.

What is counted, per table: the table itself (1) and each of its columns (1 each); an item is
covered when its JSDoc description has text (tags alone, such as ``@see``, do not count).
Views, enums, indexes and constraints are not counted.  A schema's figure is the sum over its
tables.  Percentages are rounded down to one decimal, so 100.0 means every item is described.

Pure: counted from the model, rendered by ``output`` (check) and ``docs`` (the index page).
"""

from __future__ import annotations

from dataclasses import dataclass

from drizzle_doc.model.schema import Doc, Schema, Table, unqualified


def described(doc: Doc) -> bool:
    """A description counts when it has text."""
    return bool(doc and doc.text.strip())


def percent(covered: int, total: int) -> float:
    """``covered / total`` in percent, rounded down to one decimal (100.0 when there is nothing to count)."""
    if total <= 0:
        return 100.0
    return (covered * 1000 // total) / 10


@dataclass(frozen=True, slots=True)
class TableCoverage:
    """One table's description coverage: the table's own description and its columns'."""

    table: str  # the table key ("public.users")
    name: str  # as shown: the name, or schema.name outside the default schema
    file: str  # the models file (relative posix)
    line: int
    described: bool  # the table has a description
    columns: int
    columns_described: int

    @property
    def covered(self) -> int:
        return int(self.described) + self.columns_described

    @property
    def total(self) -> int:
        return 1 + self.columns

    @property
    def percent(self) -> float:
        return percent(self.covered, self.total)


@dataclass(frozen=True, slots=True)
class Coverage:
    """The coverage of a set of tables (one schema, or every project of a check)."""

    tables: tuple[TableCoverage, ...] = ()

    @property
    def covered(self) -> int:
        return sum(t.covered for t in self.tables)

    @property
    def total(self) -> int:
        return sum(t.total for t in self.tables)

    @property
    def percent(self) -> float:
        return percent(self.covered, self.total)

    def below(self, minimum: float) -> bool:
        """The exact fraction is under ``minimum`` percent (not the rounded figure)."""
        return self.total > 0 and self.covered * 100 < minimum * self.total

    def least(self, n: int = 3) -> list[TableCoverage]:
        """Up to ``n`` tables not fully covered, least covered first (then most items missing, then name)."""
        todo = [t for t in self.tables if t.covered < t.total]
        todo.sort(key=lambda t: (t.covered * 1.0 / t.total, t.covered - t.total, t.name, t.file))
        return todo[:n]


def table_coverage(t: Table) -> TableCoverage:
    return TableCoverage(t.key, t.name if unqualified(t.schema) else t.key, t.file, t.line,
                         described(t.description), len(t.columns),
                         sum(1 for c in t.columns if described(c.description)))


def coverage(schema: Schema) -> Coverage:
    """The description coverage of every table of ``schema``, in table order."""
    return Coverage(tuple(table_coverage(t) for t in schema.tables))
