"""The one schema comparator (drizzle_doc.model.compare) and its three users agree.

History, drift and verify used to compare with three normalisers that disagreed (NOT NULL implied
by serial / identity / primary key in verify, not in drift).  They now word one comparator's
differences; these tests hold it to that.
"""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest

from drizzle_doc.commands.verify import compare as verify_compare
from drizzle_doc.dialects.postgres import POSTGRES
from drizzle_doc.drizzle.extract import extract
from drizzle_doc.history.changes import table_changes as _table_changes
from drizzle_doc.history.drift import compute_drift
from drizzle_doc.model import Column, Identity, Index, IndexColumn, PrimaryKey, Schema, Table
from drizzle_doc.model.compare import ADDED, CHANGED, DROPPED, compare_tables
from drizzle_doc.project.config import load_projects

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"


def _tables():
    out = []
    for fixture in sorted(p for p in FIXTURES.iterdir() if p.is_dir()):
        for project in load_projects(fixture):
            out += [pytest.param(t, id=f"{fixture.name}:{t.key}") for t in extract(project).tables]
    return out


TABLES = _tables()


@pytest.mark.parametrize("table", TABLES)
def test_a_table_equals_itself(table):
    assert compare_tables(table, table, POSTGRES) == []


@pytest.mark.parametrize("table", TABLES[::3])
def test_differences_mirror_when_the_sides_swap(table):
    """Dropping each column and each named object one at a time: one side's ADDED is the other's DROPPED."""
    # a column that could not be read (its name unknown) may be any column: beside one, a column
    # only one side has is no difference (issue 16), so those tables drop named objects only
    unread = any(c.unknown and c.unknown_part("name") is not None for c in table.columns)
    variants = [dataclasses.replace(table, columns=table.columns[:i] + table.columns[i + 1:])
                for i in range(len(table.columns))] if not unread else []
    variants += [dataclasses.replace(table, indexes=table.indexes[:i] + table.indexes[i + 1:])
                 for i in range(len(table.indexes))]
    for smaller in variants:
        forward = compare_tables(smaller, table, POSTGRES)
        backward = compare_tables(table, smaller, POSTGRES)
        flip = {ADDED: DROPPED, DROPPED: ADDED, CHANGED: CHANGED}
        assert forward, "removing a part must show"
        assert sorted((d.kind, flip[d.change], d.name, d.aspect) for d in forward) == \
            sorted((d.kind, d.change, d.name, d.aspect) for d in backward)


def _table(*columns, **kw):
    return Table(name="t", schema="public", variable="t", columns=tuple(columns), **kw)


IMPLIED_NOT_NULL = [
    pytest.param(Column("id", "id", "serial"), id="serial"),
    pytest.param(Column("id", "id", "integer", primary_key=True), id="primary key"),
    pytest.param(Column("id", "id", "integer", identity=Identity("always", "t_id_seq", "public")), id="identity"),
]


@pytest.mark.parametrize("column", IMPLIED_NOT_NULL)
def test_not_null_that_the_database_implies_is_no_difference_anywhere(column):
    declared = dataclasses.replace(column, not_null=True)
    model, migrated = Schema(tables=(_table(column),)), Schema(tables=(_table(declared),))
    assert compare_tables(_table(declared), _table(column), POSTGRES) == []
    assert _table_changes(_table(declared), _table(column), POSTGRES) == []
    assert compute_drift(model, migrated) == ()
    assert verify_compare(model, migrated, schemas=["public"]) == ()


def test_an_identity_change_is_found_by_history_drift_and_verify_alike():
    always = Column("id", "id", "integer", not_null=True, identity=Identity("always", "t_id_seq", "public"))
    by_default = dataclasses.replace(always, identity=Identity("byDefault", "t_id_seq", "public"))
    model, other = Schema(tables=(_table(by_default),)), Schema(tables=(_table(always),))
    diffs = compare_tables(_table(always), _table(by_default), POSTGRES)
    assert [(d.kind, d.change, d.name, d.aspect) for d in diffs] == [("column", CHANGED, "id", "identity")]
    assert [k for k, *_ in _table_changes(_table(always), _table(by_default), POSTGRES)] == ["column.identity"]
    assert [d.kind for d in compute_drift(model, other)] == ["column.identity"]
    assert [d.code for d in verify_compare(model, other, schemas=["public"])] == ["differs"]


def test_named_objects_compare_by_the_stored_name_and_by_each_aspect():
    long = "i" * 70
    ix = Index(long, (IndexColumn("email"),))
    a = _table(Column("email", "email", "text"), indexes=(ix,))
    b = _table(Column("email", "email", "text"), indexes=(dataclasses.replace(ix, name=long[:63], unique=True,
                                                                          method="hash"),))
    diffs = compare_tables(a, b, POSTGRES)
    assert [(d.kind, d.change, d.aspect) for d in diffs] == [("index", CHANGED, "unique"), ("index", CHANGED, "method")]
    # history words one line per object, whatever changed in it
    assert [k for k, *_ in _table_changes(a, b, POSTGRES)] == ["index.changed"]


def test_primary_key_columns_in_key_order():
    a = _table(Column("a", "a", "integer"), Column("b", "b", "integer"),
               primary_key=PrimaryKey("t_a_b_pk", ("a", "b"), True))
    b = dataclasses.replace(a, primary_key=PrimaryKey("t_a_b_pk", ("b", "a"), True))
    kinds = [(d.kind, d.aspect) for d in compare_tables(a, b, POSTGRES)]
    assert ("primary_key_columns", "columns") in kinds and ("primary_key", "columns") in kinds
