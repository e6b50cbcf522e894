"""A table page's Performance Considerations: notes with a fact of the model behind each.

Rules (each has tests for what it finds and for its false positives, tests/test_performance.py):

* **Which index serves a set of columns.**  A b-tree (or the primary key, or a unique constraint)
  serves equality on columns C when its first ``len(C)`` key columns are exactly C, in any order,
  as plain columns.  A *partial* index serves only queries whose condition implies its
  ``WHERE``; a foreign key's own check (``WHERE fk = $1`` when a parent row is deleted or its
  key changes) implies nothing but ``fk IS NOT NULL``, so a partial index serves a foreign key
  fully only when its ``WHERE`` is that; otherwise the note names the partial index and says
  what it does and does not serve.  Columns that an index holds only after others (``status`` in
  ``(team_id, status)``) are not served alone, and the note says which columns to add.
* **Redundant indexes.**  Two indexes with the same method, key columns (order, direction,
  operator class) and ``WHERE`` are one index kept twice.  A non-unique b-tree whose columns
  equal the primary key's or a unique constraint's, or are a leading prefix of another b-tree
  with the same ``WHERE``, serves nothing the other does not (a unique one is never flagged:
  it enforces something).
* **Storage** (from the project's Dialect): out-of-line storage of large values only for the
  types the dialect stores so (PostgreSQL's TOAST for documents and binaries, not every text
  column), InnoDB's clustered key and its foreign key indexes, SQLite's rowid, type affinity and
  table rebuilds.
"""

from __future__ import annotations

import re
from typing import Optional

from drizzle_doc.dialects import get_dialect
from drizzle_doc.docs.pages import md_code
from drizzle_doc.model import ForeignKey, Index, Schema, Table


def _plain(ix: Index) -> Optional[tuple[str, ...]]:
    """The index's key columns, or None when any is an expression."""
    if any(c.is_expression for c in ix.columns):
        return None
    return tuple(c.expression for c in ix.columns)


def _btree(ix: Index) -> bool:
    return (ix.method or "btree").lower() == "btree"


def _keys(t: Table) -> list[tuple[str, tuple[str, ...]]]:
    """(what, columns) of the primary key and every unique constraint (each has its own index)."""
    out = []
    if t.pk_columns:
        out.append(("the primary key", t.pk_columns))
    for u in t.uniques:
        out.append((f"unique constraint {md_code(u.name)}", tuple(u.columns)))
    for c in t.columns:
        if c.unique and not any(u.columns == (c.name,) for u in t.uniques):
            out.append((f"the unique column {md_code(c.name)}", (c.name,)))
    return out


def _leads(cols: tuple[str, ...], lead: tuple[str, ...]) -> bool:
    n = len(cols)
    return len(lead) >= n and set(lead[:n]) == set(cols)


def not_null_predicate(where: str, cols: tuple[str, ...]) -> bool:
    """``"t"."c" IS NOT NULL`` (for one of ``cols``), which equality on the column implies."""
    m = re.fullmatch(r'\(?\s*(?:[`"][^`"]+[`"]\.)*[`"]?([^`"\s]+)[`"]?\s+is\s+not\s+null\s*\)?', where.strip(), re.I)
    return bool(m) and m.group(1) in cols


def serving_index(t: Table, cols: tuple[str, ...]) -> tuple[Optional[str], list[Index]]:
    """(what serves equality on ``cols`` fully, partial indexes that lead with them): the first is a
    phrase (``the primary key``, an index's name) or None."""
    for what, key in _keys(t):
        if _leads(cols, key):
            return what, []
    partial = []
    for ix in t.indexes:
        lead = []
        for c in ix.columns:
            if c.is_expression:
                break
            lead.append(c.expression)
        if (ix.method or "btree").lower() not in ("btree", "hash") or not _leads(cols, tuple(lead)):
            continue
        if (ix.method or "btree").lower() == "hash" and len(cols) != 1:
            continue
        if ix.where is None or not_null_predicate(ix.where, cols):
            return f"index {md_code(ix.name)}", []
        partial.append(ix)
    return None, partial


def _fk_notes(t: Table, schema: Schema, dialect) -> list[str]:
    notes = []
    for fk in t.foreign_keys:
        served, partial = serving_index(t, fk.columns)
        if served is not None:
            continue
        if partial:
            notes.append(_partial_fk_note(t, fk, partial[0]))
        else:
            notes.append(dialect.unindexed_fk_note(t, fk, md_code))
    return notes


def _partial_fk_note(t: Table, fk: ForeignKey, ix: Index) -> str:
    ref = fk.foreign_table if fk.foreign_schema in ("public", "main") else f"{fk.foreign_schema}.{fk.foreign_table}"
    cols = ", ".join(fk.columns)
    return (f"Foreign key {md_code(cols)} → {md_code(ref)} is indexed only by the partial index {md_code(ix.name)} "
            f"(WHERE {md_code(ix.where or '')}): queries that repeat its condition use it, but the database's own "
            f"check when a {md_code(ref)} row is deleted or its key changes ({md_code(cols + ' = …')}) cannot, so "
            f"each such change scans this table.")


def _same(a: Index, b: Index) -> bool:
    return ((a.method or "btree").lower() == (b.method or "btree").lower() and a.where == b.where
            and [(c.expression, c.is_expression, c.asc, (c.opclass or "").lower()) for c in a.columns]
            == [(c.expression, c.is_expression, c.asc, (c.opclass or "").lower()) for c in b.columns])


def redundant_indexes(t: Table) -> set[str]:
    """The names of the indexes :func:`redundancy_notes` flags."""
    return set(_redundancy(t)[1])


def redundancy_notes(t: Table) -> list[str]:
    """Indexes kept twice, and non-unique b-trees that another index or key makes unnecessary."""
    return _redundancy(t)[0]


def _redundancy(t: Table) -> tuple[list[str], list[str]]:
    notes: list[str] = []
    dropped: list[str] = []
    flagged: set[str] = set()
    ixs = list(t.indexes)
    for i, a in enumerate(ixs):
        for b in ixs[i + 1:]:
            if _same(a, b) and b.name not in flagged:
                flagged.add(b.name if not b.unique or a.unique else a.name)
                keep, drop = (a, b) if a.unique or not b.unique else (b, a)
                dropped.append(drop.name)
                notes.append(f"{md_code(drop.name)} and {md_code(keep.name)} are the same index "
                             f"({', '.join(md_code(c.expression) for c in a.columns)}): every write updates both "
                             f"and neither serves a query the other does not; drop {md_code(drop.name)}.")
    for a in ixs:
        plain = _plain(a)
        if a.name in flagged or a.unique or plain is None or not _btree(a) or any(not c.asc for c in a.columns) \
                or any(c.opclass for c in a.columns):
            continue
        if a.where is None:
            for what, key in _keys(t):
                if plain == key[: len(plain)]:
                    flagged.add(a.name)
                    dropped.append(a.name)
                    same = "repeats" if plain == key else "is a leading part of"
                    notes.append(f"{md_code(a.name)} ({', '.join(md_code(c) for c in plain)}) {same} {what}, which "
                                 f"has its own index: it serves no query that one does not, and every write updates "
                                 f"both. Consider dropping it.")
                    break
            if a.name in flagged:
                continue
        for b in ixs:
            pb = _plain(b)
            if b is a or pb is None or not _btree(b) or b.where != a.where or len(pb) <= len(plain) \
                    or pb[: len(plain)] != plain or b.name in flagged:
                continue
            if any(not c.asc for c in b.columns[: len(plain)]):
                continue
            flagged.add(a.name)
            dropped.append(a.name)
            notes.append(f"{md_code(a.name)} ({', '.join(md_code(c) for c in plain)}) is a leading part of "
                         f"{md_code(b.name)} ({', '.join(md_code(c) for c in pb)}), which serves every lookup and "
                         f"order it does; it is only smaller. Consider dropping it.")
            break
    return notes, dropped


def _filter_notes(t: Table) -> list[str]:
    """Enum columns: served by an index, only after other columns, or by none."""
    notes = []
    unserved, later = [], []
    for c in t.columns:
        if not c.enum_values or c.name in t.pk_columns:
            continue
        served, partial = serving_index(t, (c.name,))
        if served is not None or partial:
            continue
        after = []
        for ix in t.indexes:
            lead = [ic.expression for ic in ix.columns if not ic.is_expression]
            if c.name in lead and lead.index(c.name) > 0:
                after.append((ix, lead[: lead.index(c.name)]))
        if after:
            later.append((c, after[0]))
        else:
            unserved.append(c)
    for c, (ix, before) in later:
        notes.append(f"{md_code(c.name)} is indexed only after {', '.join(md_code(b) for b in before)} in "
                     f"{md_code(ix.name)}: a filter on {md_code(c.name)} uses it together with "
                     f"{', '.join(md_code(b) for b in before)}; on its own it reads the whole table.")
    if unserved:
        notes.append("No index holds " + ", ".join(md_code(c.name) for c in unserved) + " (enum): a filter on "
                     + ("it" if len(unserved) == 1 else "one of them") + " alone reads the whole table.")
    return notes


def performance_notes(t: Table, schema: Schema) -> list[str]:
    """The notes of one table page, Markdown."""
    dialect = get_dialect(schema.dialect)
    notes = _fk_notes(t, schema, dialect)
    notes += redundancy_notes(t)
    notes += dialect.performance_notes(t, schema, md_code)
    large = [(c, where) for c in t.columns for where in (dialect.out_of_line(c),) if where]
    if large:
        where = large[0][1]
        notes.append("Large values (" + ", ".join(md_code(f"{c.name} {c.type}") for c, _ in large) + ") are stored "
                     f"{where}: select only the columns a query needs instead of `select()` on hot paths.")
    notes += _filter_notes(t)
    return notes
