"""Triggers, functions and views that hand-written migration SQL creates: parsed (pglast, not regexes),
kept by the history while they exist, and listed on their table's page (issue 17)."""

from __future__ import annotations

from pathlib import Path

from drizzle_doc.commands.generate import render_project
from drizzle_doc.dialects import get_dialect
from drizzle_doc.docs.pages import section_bodies
from drizzle_doc.drizzle.extract import extract
from drizzle_doc.history.migrations import load_history
from drizzle_doc.project.config import load_projects

REPO = Path(__file__).resolve().parent.parent


def objects(sql: str):
    statements, diags = get_dialect("postgresql").parse_migration(sql, "m.sql")
    assert diags == ()
    return [op.obj for st in statements for op in st.ops if getattr(op, "obj", None) is not None]


def test_trigger_function_and_views_are_read():
    [fn, trg, view, mat] = objects("""
CREATE FUNCTION audit.touch() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO audit.log(tbl) VALUES (TG_TABLE_NAME);
  UPDATE "users" SET "seen" = now() WHERE "id" = NEW."id";
  RETURN NEW;
END $$;
--> statement-breakpoint
CREATE TRIGGER touch_trg BEFORE UPDATE OR INSERT ON "users" FOR EACH STATEMENT EXECUTE FUNCTION audit.touch();
--> statement-breakpoint
CREATE VIEW "active" AS WITH recent AS (SELECT * FROM "sessions") SELECT u.* FROM "users" u JOIN recent r ON r.user_id = u.id;
--> statement-breakpoint
CREATE MATERIALIZED VIEW stats AS SELECT count(*) FROM billing.invoices;
""")
    assert (fn.kind, fn.name, fn.detail, fn.refs) == ("function", "audit.touch", "LANGUAGE plpgsql",
                                                      ("audit.log", "public.users"))
    assert (trg.kind, trg.name, trg.table, trg.detail, trg.refs) == (
        "trigger", "touch_trg", "public.users", "BEFORE INSERT OR UPDATE FOR EACH STATEMENT", ("audit.touch",))
    assert (view.name, view.refs) == ("public.active", ("public.sessions", "public.users"))  # not the CTE
    assert (mat.kind, mat.name, mat.refs) == ("materialized view", "public.stats", ("billing.invoices",))


def test_sql_function_body_and_drops():
    [fn] = objects("CREATE FUNCTION n() RETURNS bigint LANGUAGE sql AS $$ SELECT count(*) FROM orders $$;")
    assert fn.refs == ("public.orders",)
    dropped = objects('DROP TRIGGER IF EXISTS t ON "users";\n--> statement-breakpoint\nDROP FUNCTION f(int);\n'
                      "--> statement-breakpoint\nDROP VIEW v;")
    assert [(o.kind, o.name, o.table, o.dropped) for o in dropped] == [
        ("trigger", "t", "public.users", True), ("function", "public.f", None, True),
        ("view", "public.v", None, True)]


def test_history_keeps_the_live_objects_and_pages_list_them():
    [proj] = load_projects(REPO / "fixtures" / "shop")
    schema = extract(proj)
    history = load_history(proj, schema)
    assert sorted((o.obj.kind, o.obj.name) for o in history.objects) == [
        ("function", "public.orders_recalc_total"), ("function", "public.users_forbid_hard_delete"),
        ("trigger", "order_items_total_trg"), ("trigger", "users_no_delete_trg"), ("view", "public.customer_revenue")]
    pages = render_project(proj, schema)
    users = section_bodies(pages["users.md"])["hand-written"]
    assert "**Trigger** `users_no_delete_trg`: BEFORE DELETE FOR EACH ROW, runs `users_forbid_hard_delete()`" in users
    assert "**View** `customer_revenue` reads this table; also reads `orders`" in users
    assert "0001_hand_written_audit.sql" in users
    orders = section_bodies(pages["orders.md"])["hand-written"]
    assert "**Function** `orders_recalc_total()` (LANGUAGE plpgsql): reads or writes `order_items`, `orders`" in orders
    categories = section_bodies(pages["categories.md"])["hand-written"]
    assert "No trigger, function or view" in categories


def test_a_dropped_trigger_leaves_the_page(tmp_path):
    import shutil

    root = tmp_path / "shop"
    shutil.copytree(REPO / "fixtures" / "shop", root)
    journal = root / "drizzle" / "meta" / "_journal.json"
    import json

    data = json.loads(journal.read_text())
    last = data["entries"][-1]
    data["entries"].append({**last, "idx": last["idx"] + 1, "tag": "0002_drop_guard", "when": last["when"] + 1})
    journal.write_text(json.dumps(data))
    (root / "drizzle" / "0002_drop_guard.sql").write_text('DROP TRIGGER users_no_delete_trg ON "users";\n')
    shutil.copy(root / "drizzle" / "meta" / "0001_snapshot.json", root / "drizzle" / "meta" / "0002_snapshot.json")
    [proj] = load_projects(root)
    schema = extract(proj)
    history = load_history(proj, schema)
    assert "users_no_delete_trg" not in [o.obj.name for o in history.objects]
    assert "users_forbid_hard_delete" in str(history.objects)  # the function is still there


def test_other_dialects_say_they_do_not_read_it():
    [proj] = load_projects(REPO / "fixtures" / "sqlite-app")
    pages = render_project(proj, extract(proj))
    page = pages["users.md"]
    assert "not read for this dialect yet" in section_bodies(page)["hand-written"]
