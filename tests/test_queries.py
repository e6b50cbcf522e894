"""Common Queries chosen from what each index serves, and sample rows with realistic values (issue 17).

The type-checking of both blocks is tests/test_render_tsc.py; here: which operator each index gets,
that no example uses one its index does not serve (on every fixture), imports as the project writes
them, and that sample values follow the column's name, type and mode."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from drizzle_doc.commands.generate import render_project
from drizzle_doc.docs.pages import section_bodies
from drizzle_doc.docs.render import page_paths
from drizzle_doc.drizzle.extract import extract
from drizzle_doc.model import Schema
from drizzle_doc.project.config import load_projects
from drizzle_doc.project.imports import import_rules, module_specifier

REPO = Path(__file__).resolve().parent.parent
FIXTURES = REPO / "fixtures"
NAMES = sorted(p.name for p in FIXTURES.iterdir() if p.is_dir() and not p.name.startswith("."))


def _pages(name: str) -> list[tuple[Schema, dict[str, dict[str, str]]]]:
    out = []
    for proj in load_projects(FIXTURES / name):
        schema = extract(proj)
        pages = render_project(proj, schema)
        by_table = {}
        for key, rel in page_paths(schema).items():
            text = next((v for k, v in pages.items() if k == rel or k.endswith("/" + rel)), None)
            if text is not None:
                by_table[key] = section_bodies(text)
        out.append((schema, by_table))
    return out


def misused_operators(schema: Schema, pages: dict[str, dict[str, str]]) -> list[str]:
    """Examples that use ``eq`` on a column only a GIN/GiST index serves, or on a time column that
    no key makes unique (an exact-match lookup on ``created_at``)."""
    bad = []
    for t in schema.tables:
        q = pages.get(t.key, {}).get("queries", "")
        if not t.variable:
            continue
        keyed = set(t.pk_columns) | {c for u in t.uniques for c in u.columns} | {c.name for c in t.columns if c.unique}
        btree = {ic.expression for ix in t.indexes if (ix.method or "btree") in ("btree", "hash") for ic in ix.columns}
        search = {ic.expression for ix in t.indexes if (ix.method or "btree") in ("gin", "gist") for ic in ix.columns}
        for c in t.columns:
            used = re.findall(rf"\beq\({re.escape(t.variable)}\.{re.escape(c.property)},", q)
            if not used:
                continue
            if c.name in search and c.name not in btree | keyed:
                bad.append(f"{t.key}.{c.name}: eq on a GIN/GiST column")
            if re.match(r"(timestamp|datetime|date)\b", c.type) and c.name not in keyed:
                bad.append(f"{t.key}.{c.name}: exact match on a time column")
    return bad


@pytest.mark.parametrize("name", NAMES)
def test_no_query_uses_an_operator_its_index_does_not_serve(name):
    for schema, pages in _pages(name):
        assert misused_operators(schema, pages) == []


def test_shop_queries_by_index_kind():
    [(schema, pages)] = _pages("shop")
    products = pages["public.products"]["queries"]
    assert "ilike(products.name, `%${term}%`)" in products  # gin_trgm_ops
    assert "arrayContains(products.tags, values)" in products  # GIN on text[]
    assert "sql`${products.attributes} @> ${JSON.stringify(fragment)}::jsonb`" in products  # jsonb_path_ops
    assert "sql`${products.search} @@ websearch_to_tsquery(${query})`" in products  # tsvector column
    assert ("sql`to_tsvector('english', ${products.description}) @@ websearch_to_tsquery('english', ${query})`"
            in products)  # expression index: the same expression
    assert "and(eq(products.categoryId, categoryId), sql`${products.price} > 0`)" in products  # partial: its WHERE
    assert ".where(gte(products.createdAt, since))\n    .orderBy(desc(products.createdAt))\n    .limit(50)" in products
    assert "gt(products.id, after)" in products and ".orderBy(asc(products.id))" in products  # keyset on the key
    assert 'from "@/db/schema/catalog"' in products  # the tsconfig alias, as the app imports it
    orders = pages["public.orders"]["queries"]
    assert ".where(eq(orders.customerId, customerId))\n    .orderBy(desc(orders.placedAt))" in orders  # prefix + order
    assert "eq(orders.placedAt" not in orders
    users = pages["public.users"]["queries"]
    assert "sql`lower(${users.email}) = lower(${email})`" in users  # expression unique index
    assert 'const manager = alias(users, "manager");' in users
    assert ".leftJoin(manager, eq(users.managerId, manager.id))" in users  # the tree, through its relation name
    assert "listUserReports" in users and "eq(users.managerId, id)" in users
    assert "eq(users.id, manager.id)" not in users and "eq(users.id, parent.id)" not in users
    assert "with: { manager: true, reports: true, orders: true }" in users
    assert "users_email_idx" not in users  # a duplicate of the unique key gets no example of its own
    assert "orders_customer_idx)" not in orders  # a prefix of another index neither


def test_imports_follow_the_project():
    [(schema, pages)] = _pages("corpus-workspace-import")
    assert any('from "@acme/db";' in p.get("queries", "") for p in pages.values())
    rules = (("@/*", "src/*"), ("@acme/db", "src/index.ts"))
    assert module_specifier("src/db/schema/users.ts", rules) == "@/db/schema/users"
    assert module_specifier("src/db/index.ts", rules) == "@/db"
    assert module_specifier("lib/x.ts", rules) == "./lib/x"
    assert module_specifier("src/index.ts", (("@acme/db", "src/index.ts"),)) == "@acme/db"
    assert import_rules(FIXTURES / "shop") == (("@/*", "src/*"),)


# --- sample rows -----------------------------------------------------------------------


def _examples(name: str, key: str) -> str:
    for _schema, pages in _pages(name):
        if key in pages:
            return pages[key]["examples"]
    raise KeyError(key)


def test_samples_follow_mode_enum_and_type():
    shop_products = _examples("shop", "public.products")
    assert 'price: "49.90",' in shop_products  # numeric(10, 2): a string with the declared scale
    assert 'currency: "EUR",' in shop_products and 'createdAt: "2024-03-14 09:30:00",' in shop_products
    orders = _examples("shop", "public.orders")
    assert "total: 49.9," in orders  # numeric({ mode: "number" })
    users = _examples("shop", "public.users")
    assert 'role: "customer",' in users and 'timezone: "UTC",' in users
    sqlite = _examples("sqlite-app", "main.users")
    assert re.search(r"createdAt: new Date\(", sqlite) and re.search(r"isActive: (true|false),", sqlite)
    columns = _examples("columns", "public.all_types")
    assert 'mood: "ok" as AllType["mood"]' in columns or 'as AllType["mood"]' in columns  # a TS enum's member
    mysql = _examples("mysql-shipping", "public.shipments")
    assert re.search(r"deliveredOn: (new Date\(\"\d{4}-\d\d-\d\d\"\)|null)", mysql)  # mysql-core date(): a Date


@pytest.mark.parametrize("name", NAMES)
def test_no_filler_values(name):
    """No ``"currency 2"``: a string value is never a column name with a number."""
    for _schema, pages in _pages(name):
        for key, p in pages.items():
            filler = re.findall(r':\s*"([a-z][a-z ]*) \d+"', p.get("examples", ""))
            assert not filler, (key, filler)
