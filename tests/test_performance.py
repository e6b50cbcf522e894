"""Performance Considerations (drizzle_doc/docs/performance.py): each rule, what it finds and what it
must not claim (an index that exists always silences the note it would contradict)."""

from __future__ import annotations

from drizzle_doc.docs.performance import performance_notes, redundant_indexes
from drizzle_doc.model import Column, ForeignKey, Index, IndexColumn, PrimaryKey, Schema, Table, UniqueConstraint


def table(*, indexes=(), uniques=(), fks=None, pk=("id",), cols=None, name="orders") -> Table:
    columns = cols or (
        Column("id", "id", "integer", not_null=True, primary_key=len(pk) == 1 and pk == ("id",)),
        Column("customer_id", "customerId", "uuid", not_null=True),
        Column("team_id", "teamId", "uuid", not_null=True),
        Column("status", "status", "order_status", not_null=True, enum="public.order_status",
               enum_values=("open", "closed")),
        Column("placed_at", "placedAt", "timestamp", not_null=True),
        Column("note", "note", "text"),
    )
    fks = (ForeignKey("orders_customer_fk", ("customer_id",), "public", "customers", ("id",)),) if fks is None else fks
    return Table(name, variable=name, columns=columns, indexes=tuple(indexes), uniques=tuple(uniques),
                 foreign_keys=tuple(fks),
                 primary_key=PrimaryKey(f"{name}_pkey", pk) if pk and pk != ("id",) else None)


def notes(t: Table, dialect: str = "postgresql") -> str:
    return "\n".join(performance_notes(t, Schema(dialect=dialect, tables=(t,))))


def ix(name, *cols, where=None, method="btree", unique=False, desc=(), opclass=None) -> Index:
    return Index(name, tuple(IndexColumn(c, asc=c not in desc, opclass=opclass) for c in cols), unique=unique,
                 method=method, where=where)


# --- foreign keys ------------------------------------------------------------------


def test_fk_without_index_is_flagged():
    assert "Foreign key `customer_id` → `customers` has no index" in notes(table())


def test_fk_served_by_index_pk_prefix_unique_or_any_column_order():
    assert "customer_id` → `customers`" not in notes(table(indexes=[ix("a", "customer_id")]))
    assert "customer_id` → `customers`" not in notes(table(indexes=[ix("a", "customer_id", "placed_at")]))
    assert "customer_id` → `customers`" not in notes(table(pk=("customer_id", "id")))
    assert "customer_id` → `customers`" not in notes(table(uniques=[UniqueConstraint("u", ("customer_id", "team_id"))]))
    two = (ForeignKey("fk2", ("team_id", "customer_id"), "public", "memberships", ("team_id", "user_id")),)
    assert "has no index" not in notes(table(fks=two, indexes=[ix("a", "customer_id", "team_id")]))


def test_fk_not_served_by_a_later_column_or_a_gin_index():
    assert "has no index" in notes(table(indexes=[ix("a", "team_id", "customer_id")]))
    assert "has no index" in notes(table(indexes=[ix("a", "customer_id", method="gin")]))


def test_partial_index_serves_fk_only_with_is_not_null():
    served = notes(table(indexes=[ix("a", "customer_id", where='"orders"."customer_id" IS NOT NULL')]))
    assert "customer_id` → `customers`" not in served
    partial = notes(table(indexes=[ix("open_by_customer", "customer_id", where="\"orders\".\"status\" <> 'closed'")]))
    assert "has no index" not in partial  # an index exists: the note must not deny it
    assert "indexed only by the partial index `open_by_customer`" in partial
    assert "queries that repeat its condition use it" in partial


def test_mysql_fk_note_says_innodb_creates_the_index():
    n = notes(table(), "mysql")
    assert "MySQL requires one and InnoDB creates it silently" in n


# --- redundant indexes ------------------------------------------------------------------


def test_identical_indexes():
    t = table(indexes=[ix("a", "customer_id"), ix("b", "customer_id")])
    assert "`b` and `a` are the same index" in notes(t) and redundant_indexes(t) == {"b"}


def test_not_identical_when_where_opclass_order_or_method_differ():
    for other in (ix("b", "customer_id", where="\"orders\".\"status\" = 'open'"), ix("b", "customer_id", desc=("customer_id",)),
                  ix("b", "customer_id", method="hash"), ix("b", "customer_id", opclass="uuid_ops")):
        t = table(indexes=[ix("a", "customer_id"), other])
        assert "same index" not in notes(t), other


def test_index_repeating_the_primary_key_or_a_unique_constraint():
    assert "`a` (`id`) repeats the primary key" in notes(table(indexes=[ix("a", "id")]))
    t = table(indexes=[ix("a", "team_id")], uniques=[UniqueConstraint("orders_team_unique", ("team_id",))])
    assert "repeats unique constraint `orders_team_unique`" in notes(t)
    t = table(pk=("customer_id", "id"), indexes=[ix("a", "customer_id")])
    assert "is a leading part of the primary key" in notes(t)


def test_unique_or_partial_index_over_key_columns_is_not_flagged():
    assert "repeats" not in notes(table(indexes=[ix("a", "id", unique=True)]))
    assert "repeats" not in notes(table(indexes=[ix("a", "id", where="\"orders\".\"status\" = 'open'")]))
    assert "leading part" not in notes(table(indexes=[ix("a", "placed_at", "id")]))  # not a prefix of the key


def test_prefix_of_another_btree():
    t = table(indexes=[ix("by_customer", "customer_id"), ix("by_customer_date", "customer_id", "placed_at")])
    assert "`by_customer` (`customer_id`) is a leading part of `by_customer_date`" in notes(t)


def test_prefix_not_flagged_across_where_method_or_order():
    for longer in (ix("b", "customer_id", "placed_at", where="\"orders\".\"status\" = 'open'"),
                   ix("b", "customer_id", "placed_at", method="gist"),
                   ix("b", "customer_id", "placed_at", desc=("customer_id",))):
        assert "leading part of `b`" not in notes(table(indexes=[ix("a", "customer_id"), longer])), longer


# --- filters ---------------------------------------------------------------------------


def test_enum_filter_served_by_prefix_is_not_denied():
    n = notes(table(indexes=[ix("by_status", "status", "placed_at")]))
    assert "status" not in n.split("has no index")[-1].replace("customer_id", "")
    n = notes(table(indexes=[ix("team_status", "team_id", "status")]))
    assert "`status` is indexed only after `team_id` in `team_status`" in n
    assert "No index holds" not in n
    assert "No index holds `status` (enum)" in notes(table())


def test_enum_filter_served_by_a_partial_index():
    n = notes(table(indexes=[ix("open", "status", where="\"orders\".\"status\" = 'open'")]))
    assert "No index holds" not in n and "indexed only after" not in n


# --- storage ---------------------------------------------------------------------------


def test_toast_only_for_documents_and_only_postgresql_says_toast():
    plain = table()  # a text column: no note
    assert "TOAST" not in notes(plain)
    doc = table(cols=table().columns + (Column("meta", "meta", "jsonb"),))
    assert "`meta jsonb`) are stored out of line (TOAST)" in notes(doc)
    assert "TOAST" not in notes(doc, "sqlite")
    mysql = table(cols=table().columns + (Column("body", "body", "mediumtext"),))
    assert "off-page by InnoDB" in notes(mysql, "mysql")


def test_sqlite_notes_name_its_storage_facts():
    n = notes(table(), "sqlite")
    assert "INTEGER PRIMARY KEY" in n and "affinities" in n and "copies the table" in n
