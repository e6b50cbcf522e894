"""Rendered docs: golden files, page structure, escaping, file names, diagrams.

Regenerate the goldens with:

    DRIZZLE_DOC_REGEN=1 pytest tests/test_render.py
"""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest

from drizzle_doc.docs.erd import MERMAID_MAX_TEXT, schema_edges
from drizzle_doc.model import (
    Check,
    Column,
    Doc,
    Enum,
    ForeignKey,
    Generated,
    Identity,
    Index,
    IndexColumn,
    PrimaryKey,
    Relation,
    Schema,
    Table,
    UniqueConstraint,
    View,
)
from drizzle_doc.docs.pages import parse_page, section_bodies
from drizzle_doc.project.settings import validate
from drizzle_doc.project import Project
from drizzle_doc.docs.render import PURPOSE_PLACEHOLDER, page_paths, render_docs, safe_stem

REPO = Path(__file__).resolve().parent.parent
GOLDEN = REPO / "tests" / "golden"
REGEN = os.environ.get("DRIZZLE_DOC_REGEN") == "1"
REGEN_CMD = "DRIZZLE_DOC_REGEN=1 pytest tests/test_render.py"

M = "server/src/models"


def hand_schema() -> Schema:
    """A small but complete model, built by hand (no extractor needed)."""
    users = Table(
        name="users", variable="users", file=f"{M}/users.ts", line=9,
        description=Doc("User accounts and authentication.\n\nOne row per person who can sign in."),
        columns=(
            Column("id", "id", "uuid", not_null=True, primary_key=True, default="gen_random_uuid()",
                   description=Doc("Primary key.")),
            Column("email", "email", "varchar(255)", not_null=True, unique=True,
                   description=Doc("Login e-mail | lower-cased")),
            Column("name", "name", "text"),
            Column("role", "role", "user_role", not_null=True, default="'member'", enum="public.user_role",
                   enum_values=("member", "admin")),
            Column("password_hash", "passwordHash", "text", not_null=True),
            Column("manager_id", "managerId", "uuid"),
            Column("created_at", "createdAt", "timestamp with time zone", not_null=True, default="now()"),
            Column("updated_at", "updatedAt", "timestamp with time zone", not_null=True, default="now()",
                   on_update="$onUpdate"),
        ),
        foreign_keys=(ForeignKey("users_manager_id_users_id_fk", ("manager_id",), "public", "users", ("id",),
                                 on_delete="set null"),),
        uniques=(UniqueConstraint("users_email_unique", ("email",), from_column=True),),
        indexes=(Index("users_lower_email_idx", (IndexColumn("lower(\"email\")", is_expression=True),),
                       unique=True),),
        relations=(Relation("sessions", "many", "sessions"), Relation("posts", "many", "posts")),
    )
    sessions = Table(
        name="sessions", variable="sessions", file=f"{M}/sessions.ts", line=5,
        columns=(
            Column("id", "id", "uuid", not_null=True, primary_key=True, default="gen_random_uuid()"),
            Column("user_id", "userId", "uuid", not_null=True),
            Column("refresh_token", "refreshToken", "text", not_null=True, app_default="$defaultFn"),
            Column("expires_at", "expiresAt", "timestamp", not_null=True),
            Column("meta", "meta", "jsonb"),
        ),
        foreign_keys=(ForeignKey("sessions_user_id_users_id_fk", ("user_id",), "public", "users", ("id",),
                                 on_delete="cascade"),),
        relations=(Relation("user", "one", "users", fields=("user_id",), references=("id",)),),
    )
    posts = Table(
        name="posts", variable="posts", file=f"{M}/posts.ts", line=12,
        description=Doc("Blog posts."),
        columns=(
            Column("id", "id", "integer", not_null=True, primary_key=True,
                   identity=Identity("always", "posts_id_seq")),
            Column("author_id", "authorId", "uuid", not_null=True),
            Column("title", "title", "varchar(200)", not_null=True),
            Column("slug", "slug", "text", generated=Generated("lower(\"title\")")),
            Column("published", "published", "boolean", not_null=True, default="false"),
        ),
        indexes=(Index("posts_author_id_idx", (IndexColumn("author_id"),),
                       description=Doc("Posts of one author.")),
                 Index("posts_published_idx", (IndexColumn("published"),), where="\"posts\".\"published\" = true")),
        checks=(Check("posts_title_len", "char_length(\"posts\".\"title\") > 0"),),
        relations=(Relation("author", "one", "users", fields=("author_id",), references=("id",)),),
    )
    products = Table(
        name="products", schema="catalog", variable="products", file=f"{M}/catalog.ts", line=3,
        columns=(
            Column("sku", "sku", "text", not_null=True),
            Column("store_id", "storeId", "integer", not_null=True),
            Column("price", "price", "numeric(10, 2)", not_null=True),
        ),
        primary_key=PrimaryKey("products_sku_store_id_pk", ("sku", "store_id"), composite=True),
        checks=(Check("price_positive", "\"catalog\".\"products\".\"price\" > 0"),),
    )
    return Schema(
        tables=(users, sessions, posts, products),
        enums=(Enum("user_role", ("member", "admin"), variable="userRole", file=f"{M}/users.ts", line=3),),
        views=(View("active_users", variable="activeUsers", file=f"{M}/users.ts", line=40,
                    description=Doc("Users who signed in this month.")),),
        files=tuple(sorted({f"{M}/users.ts", f"{M}/sessions.ts", f"{M}/posts.ts", f"{M}/catalog.ts"})),
    )


def project(**kw) -> Project:
    return Project(root=Path("/nonexistent/project"), **kw)


# --- golden -----------------------------------------------------------------


def compare_golden(name: str, pages: dict[str, str]) -> None:
    folder = GOLDEN / name
    if REGEN:
        if folder.exists():
            for f in sorted(folder.rglob("*"), reverse=True):
                f.unlink() if f.is_file() else f.rmdir()
        for rel, text in pages.items():
            p = folder / rel
            p.parent.mkdir(parents=True, exist_ok=True)
            p.write_text(text, encoding="utf-8", newline="")
        return
    assert folder.is_dir(), f"no golden for {name}: run `{REGEN_CMD}`"
    on_disk = {p.relative_to(folder).as_posix(): p.read_text(encoding="utf-8")
               for p in folder.rglob("*") if p.is_file()}
    assert sorted(on_disk) == sorted(pages), f"pages differ from golden {name}: run `{REGEN_CMD}`"
    for rel in pages:
        assert pages[rel] == on_disk[rel], f"{name}/{rel} differs from its golden: run `{REGEN_CMD}`"


def test_golden_hand_model():
    compare_golden("hand", render_docs(hand_schema(), project()))


def test_deterministic():
    a = render_docs(hand_schema(), project())
    b = render_docs(hand_schema(), project())
    assert a == b and list(a) == sorted(a)


# --- page structure ------------------------------------------------------------

SPEC_HEADINGS = ["## Purpose", "## Schema Definition", "### Columns", "### Relationships", "### Indexes",
                 "### Constraints", "## Usage Patterns", "### Common Queries", "### Performance Considerations",
                 "## Examples"]


def test_page_order_and_paths():
    pages = render_docs(hand_schema(), project())
    assert set(pages) == {"README.md", "users.md", "sessions.md", "posts.md", "catalog.products.md"}
    users = pages["users.md"]
    positions = [users.index(h + "\n") for h in SPEC_HEADINGS]
    assert positions == sorted(positions)
    assert users.startswith("<!-- drizzle-doc:begin header -->\n# users\n")
    assert "**Location:** [server/src/models/users.ts:9](../../../server/src/models/users.ts#L9)" in users
    assert "**Migration:** _No migration found._" in users
    for text in pages.values():
        assert parse_page(text).ok


def test_location_link_follows_out():
    pages = render_docs(hand_schema(), project(out="docs"))
    assert "[server/src/models/users.ts:9](../server/src/models/users.ts#L9)" in pages["users.md"]


def test_purpose_placeholder_when_no_jsdoc():
    body = section_bodies(render_docs(hand_schema(), project())["sessions.md"])["purpose"]
    assert body.strip().startswith(PURPOSE_PLACEHOLDER)
    assert "`export const sessions`" in body and "`server/src/models/sessions.ts`" in body


def test_columns_constraints():
    cols = section_bodies(render_docs(hand_schema(), project())["sessions.md"])["columns"]
    rows = [r for r in cols.strip().split("\n") if r.startswith("| `")]
    assert [r.split("|")[1].strip() for r in rows] == ["`id`", "`user_id`", "`refresh_token`", "`expires_at`", "`meta`"]
    assert "PK, NOT NULL, DEFAULT `gen_random_uuid()`" in rows[0]
    assert "FK → [users.id](users.md)" in rows[1]
    assert "app default `$defaultFn`" in rows[2]
    users = section_bodies(render_docs(hand_schema(), project())["users.md"])["columns"]
    assert "One of: `member`, `admin`" in users
    assert "Login e-mail \\| lower-cased" in users
    posts = section_bodies(render_docs(hand_schema(), project())["posts.md"])["columns"]
    assert "IDENTITY ALWAYS" in posts and "GENERATED ALWAYS AS" in posts


def test_relationships_both_directions_and_unenforced():
    pages = render_docs(hand_schema(), project())
    users = section_bodies(pages["users.md"])["relationships"]
    assert "**Has Many:** [sessions](sessions.md) via `sessions.user_id`" in users
    assert "**Belongs To:** [users](users.md) via `users.manager_id`" in users  # self reference
    assert "**Has Many:** [users](users.md) via `users.manager_id`" in users
    # posts.author is only in relations(): no FK
    assert re.search(r"\*\*Has Many:\*\* \[posts\]\(posts.md\) via `posts.author_id` \(relation `posts`; "
                     r"\*\*not enforced by the database\*\*", users)
    posts = section_bodies(pages["posts.md"])["relationships"]
    assert "**Belongs To:** [users](users.md) via `posts.author_id`" in posts
    assert "not enforced by the database" in posts
    sessions = section_bodies(pages["sessions.md"])["relationships"]
    assert "not enforced" not in sessions and "ON DELETE cascade" in sessions


def test_has_one_when_fk_is_unique():
    s = hand_schema()
    profiles = Table("profiles", variable="profiles", file=f"{M}/p.ts", line=1, columns=(
        Column("user_id", "userId", "uuid", not_null=True, unique=True),),
        foreign_keys=(ForeignKey("profiles_user_id_users_id_fk", ("user_id",), "public", "users", ("id",)),))
    s = Schema(tables=s.tables + (profiles,))
    users = section_bodies(render_docs(s, project())["users.md"])["relationships"]
    assert "**Has One:** [profiles](profiles.md) via `profiles.user_id`" in users


def test_indexes_and_constraints():
    pages = render_docs(hand_schema(), project())
    ix = section_bodies(pages["posts.md"])["indexes"]
    assert "`posts_author_id_idx` on `author_id` (`btree`) - Posts of one author." in ix
    assert "partial: WHERE `\"posts\".\"published\" = true`" in ix
    assert "looks up posts by published" in ix
    ix = section_bodies(pages["users.md"])["indexes"]
    assert "unique" in ix and "looks up users by lower(\"email\")" in ix
    cons = section_bodies(pages["catalog.products.md"])["constraints"]
    assert "**Primary Key:** `products_sku_store_id_pk` on `sku`, `store_id`" in cons
    assert "**Check:** `price_positive`" in cons
    cons = section_bodies(pages["sessions.md"])["constraints"]
    assert "ON DELETE CASCADE, ON UPDATE NO ACTION" in cons


def test_derived_index_purpose_for_fk():
    s = hand_schema()
    t = s.table("sessions")
    t2 = Table(**{**{f: getattr(t, f) for f in t.__slots__ if not f.startswith("__")},
                  "indexes": (Index("sessions_user_id_idx", (IndexColumn("user_id"),)),)})
    s2 = Schema(tables=tuple(t2 if x.key == t.key else x for x in s.tables))
    pages = render_docs(s2, project())
    assert "serves joins from sessions to users" in section_bodies(pages["sessions.md"])["indexes"]
    assert "has no index" not in section_bodies(pages["sessions.md"])["performance"]


def test_performance_notes():
    pages = render_docs(hand_schema(), project())
    perf = section_bodies(pages["sessions.md"])["performance"]
    assert "Foreign key `user_id` → `users` has no index" in perf and "`index().on(t.userId)`" in perf
    assert "`meta jsonb`" in perf
    perf = section_bodies(pages["posts.md"])["performance"]
    assert "has no index" not in perf  # author_id is indexed


def test_queries_insert_exactly_required_columns():
    q = section_bodies(render_docs(hand_schema(), project())["users.md"])["queries"]
    assert "(email, password_hash)" in q
    insert = q[q.index(".insert(users)"):]
    assert re.findall(r"^    (\w+):", insert, re.M) == ["email", "passwordHash"]
    q = section_bodies(render_docs(hand_schema(), project())["sessions.md"])["queries"]
    insert = q[q.index(".insert(sessions)"):]
    assert re.findall(r"^    (\w+):", insert, re.M) == ["userId", "expiresAt"]
    assert 'expiresAt: new Date("2024-04-14T23:59:59.000Z")' in insert  # a deadline, in the future of created_at
    assert ".innerJoin(users, eq(sessions.userId, users.id))" in q
    assert "db.query.sessions.findFirst" in q and "with: { user: true }" in q
    q = section_bodies(render_docs(hand_schema(), project())["posts.md"])["queries"]
    assert "(author_id, title)" in q  # identity, generated and defaulted columns are not required


def test_sample_row_is_realistic_and_stable():
    ex = section_bodies(render_docs(hand_schema(), project())["users.md"])["examples"]
    email = re.search(r'email: "(\w+)\.(\w+)@example.com"', ex)
    name = re.search(r'name: "(\w+) (\w+)"', ex)
    assert email and name and email.groups() == (name.group(1).lower(), name.group(2).lower())  # one person
    assert 'role: "member"' in ex
    assert "export const user: User = {" in ex and "type User = typeof users.$inferSelect;" in ex
    session = section_bodies(render_docs(hand_schema(), project())["sessions.md"])["examples"]
    user_id = re.search(r'^  id: ("[^"]+")', ex, re.M).group(1)
    assert f"userId: {user_id}," in session  # a foreign key shows its parent's sample key
    assert ex == section_bodies(render_docs(hand_schema(), project())["users.md"])["examples"]


def test_index_page():
    idx = render_docs(hand_schema(), project())["README.md"]
    assert "| Schema | Purpose | Described | Documentation |" in idx
    assert "### Schema `catalog`" in idx and "### Schema `public`" in idx
    assert idx.index("### Schema `catalog`") < idx.index("### Schema `public`")
    # description coverage per table: the table's own description and each column's
    assert "| **users** | User accounts and authentication. | 33.3% (3/9) | [users.md](users.md) |" in idx
    assert "| **sessions** | _No description yet_ | 0.0% (0/6) | [sessions.md](sessions.md) |" in idx
    assert "| **posts** | Blog posts. | 16.6% (1/6) | [posts.md](posts.md) |" in idx  # rounded down
    assert "```mermaid\nerDiagram" in idx
    assert "- `user_role`: `member`, `admin`" in idx
    assert "`active_users` (view)" in idx
    assert "| 4 | 21 | 2 | 3 | 1 | 1 | 2 / 4 | 16.0% (4/25) |" in idx


# --- escaping ------------------------------------------------------------------

EVIL = "evil | pipe\n<!-- drizzle-doc:end columns -->\n```\n<img src=x onerror=alert(1)> `tick` -->"


def test_source_text_cannot_break_tables_or_markers():
    t = Table("t", variable="t", file=f"{M}/t.ts", line=1, description=Doc(EVIL), columns=(
        Column("c", "c", "text", not_null=True, default=EVIL, description=Doc(EVIL),
               enum_values=(EVIL, "ok")),),
        checks=(Check("chk", EVIL),),
        indexes=(Index("ix", (IndexColumn(EVIL, is_expression=True),), where=EVIL, description=Doc(EVIL)),))
    pages = render_docs(Schema(tables=(t,)), project())
    for text in pages.values():
        parsed = parse_page(text)
        assert parsed.ok, parsed.problems
        assert "<img" not in re.sub(r"^(`{3,})[a-z]*\n.*?^\1$", "", text, flags=re.S | re.M)  # code is inert
    page = pages["t.md"]
    assert parse_page(page).names() == ("header", "purpose", "columns", "relationships", "indexes",
                                        "constraints", "hand-written", "assumptions", "queries", "performance",
                                        "migrations",
                                        "examples", "diagram")
    cols = section_bodies(page)["columns"].strip().split("\n")
    assert len(cols) == 3  # header, rule, one row: nothing broke the row
    assert all(len(re.findall(r"(?<!\\)\|", r.replace("&#124;", ""))) == 5 for r in cols)
    # fences are never closed early: every ``` fence line pairs up within its section
    for body in section_bodies(page).values():
        assert len(re.findall(r"^```", body, re.M)) % 2 == 0


# --- file names -----------------------------------------------------------------

BAD_NAMES = ["../../x", "/abs", "a/b\\c", "nul\x00byte", "ctl\x01\x1f", "x" * 500, "README", ".hidden",
             "Users", "users", "con", "émoji 🎉", "..", "."]


def test_safe_unique_stable_file_names():
    tables = tuple(Table(n, variable="", file=f"{M}/x.ts", line=1) for n in BAD_NAMES)
    s = Schema(tables=tables)
    paths = page_paths(s)
    names = list(paths.values())
    assert len(set(n.lower() for n in names)) == len(names)
    for n in names:
        assert re.fullmatch(r"[A-Za-z0-9_][A-Za-z0-9_.-]*\.md", n) and len(n) < 120, n
        assert ".." not in n and n.lower() != "readme.md"
    assert paths == page_paths(Schema(tables=tuple(reversed(tables))))
    assert paths["public.users"] != paths["public.Users"]
    assert safe_stem("orders") == "orders"
    pages = render_docs(s, project())
    assert set(pages) == set(names) | {"README.md"}


# --- diagrams -------------------------------------------------------------------


def big_schema(n: int, schemas: int = 1) -> Schema:
    tables = []
    for i in range(n):
        sch = "public" if schemas == 1 else f"s{i % schemas}"
        cols = tuple(Column(f"col_{j}", f"col{j}", "varchar(255)", not_null=True) for j in range(30))
        fks = (ForeignKey(f"t{i}_fk", ("col_1",), sch, f"t{i - 1}", ("col_0",)),) if i else ()
        tables.append(Table(f"t{i}", schema=sch, variable=f"t{i}", file=f"{M}/f{i // 25}.ts", line=1,
                            columns=(Column("id", "id", "uuid", primary_key=True, not_null=True),) + cols,
                            foreign_keys=fks))
    return Schema(tables=tuple(tables))


def _mermaid_blocks(text: str) -> list[str]:
    return re.findall(r"```mermaid\n(.*?)```", text, re.S)


def test_small_schema_single_diagram():
    idx = render_docs(hand_schema(), project())["README.md"]
    assert len(_mermaid_blocks(idx)) == 1
    assert "users ||--o{ sessions" in idx
    assert "users |o..o{ posts" not in idx and "users ||..o{ posts" in idx  # unenforced: dotted


@pytest.mark.parametrize("schemas", [1, 3])
def test_large_schema_splits_diagrams_under_mermaid_limit(schemas):
    pages = render_docs(big_schema(120, schemas), project())
    idx = pages["README.md"]
    assert not _mermaid_blocks(idx)
    diagram_pages = sorted(p for p in pages if p.startswith("diagrams/"))
    assert len(diagram_pages) >= 3
    if schemas == 1:  # one chain of 120 tables: cut into pieces of at most 25, the cut drawn as stubs
        assert all(len(re.findall(r"^    \S+ \{", pages[p], re.M)) <= 25 for p in diagram_pages)
    for p in diagram_pages:
        assert f"({p})" in idx
        for block in _mermaid_blocks(pages[p]):
            assert len(block) < MERMAID_MAX_TEXT
    covered = set()
    for p in diagram_pages:
        covered |= set(re.findall(r"^    (\w+)(?:\[\"[^\"]*\"\])? \{", pages[p], re.M))
    assert len(covered) == 120


def test_named_groups_get_their_own_diagram_page():
    settings = validate({"groups": {"auth": {"tables": ["users", "sessions", "missing"], "description": "Sign-in."}}})
    pages = render_docs(hand_schema(), project(), settings=settings)
    g = pages["groups/auth.md"]
    assert "[users](../users.md)" in g and "[sessions](../sessions.md)" in g
    assert "`missing` (no such table)" in g
    assert "posts {" not in g and "users {" in g
    assert "[auth](groups/auth.md) (2 tables) - Sign-in." in pages["README.md"]


def test_table_diagram_is_neighbourhood():
    d = section_bodies(render_docs(hand_schema(), project())["sessions.md"])["diagram"]
    assert "sessions {" in d and "users {" in d and "posts {" not in d


def test_edges_cover_relations_and_fks():
    edges = schema_edges(hand_schema())
    kinds = {(e.child, e.parent, e.enforced) for e in edges}
    assert ("public.sessions", "public.users", True) in kinds
    assert ("public.posts", "public.users", False) in kinds


def test_template_override(tmp_path):
    (tmp_path / "index.md.j2").write_text("# Custom index\n<!-- drizzle-doc:begin tables -->\n"
                                           "{% for s in schemas %}{{ s.name }}\n{% endfor %}"
                                           "<!-- drizzle-doc:end tables -->\n")
    pages = render_docs(hand_schema(), project(), templates=tmp_path)
    assert pages["README.md"].startswith("# Custom index\n")
    assert pages["users.md"] == render_docs(hand_schema(), project())["users.md"]


def test_history_slot():
    class Ref:
        def __init__(self, tag, file, when):
            self.tag, self.file, self.when = tag, file, when

    class Change:
        def __init__(self, ref, summary):
            self.migration, self.summary = ref, summary

    class TH:
        created = Ref("0000_init", "drizzle/migrations/0000_init.sql", 1700000000000)
        changes = (Change(Ref("0002_bio", "drizzle/migrations/0002_bio.sql", 1700100000000), "column name added"),)

        def added_in(self, col):
            return self.changes[0].migration if col == "name" else self.created

    class History:
        def table(self, key):
            return TH() if key == "public.users" else None

    pages = render_docs(hand_schema(), project(), history=History())
    users = pages["users.md"]
    assert "**Migration:** [drizzle/migrations/0000_init.sql](../../../drizzle/migrations/0000_init.sql)" in users
    mig = section_bodies(users)["migrations"]
    assert "2023-11-14 [drizzle/migrations/0000_init.sql]" in mig and "column name added" in mig
    assert "Added in `0002_bio`" in section_bodies(users)["columns"]
    assert "_No migration found._" in pages["sessions.md"]


# --- real fixture projects (need the extractor) --------------------------------

FIXTURES = REPO / "fixtures"
EXAMPLE = FIXTURES / "example"


def _extractor():
    try:
        from drizzle_doc.project.config import load_projects
        from drizzle_doc.drizzle.extract import extract
    except ImportError as exc:  # pragma: no cover - only before the extractor exists
        pytest.skip(f"extractor not available yet: {exc}")
    return load_projects, extract


def fixture_projects():
    return sorted(p.name for p in FIXTURES.iterdir() if p.is_dir() and not p.name.startswith("."))


@pytest.mark.parametrize("name", fixture_projects())
def test_golden_fixture(name):
    load_projects, extract = _extractor()
    from drizzle_doc.commands.generate import render_project

    pages: dict[str, str] = {}
    projects = load_projects(FIXTURES / name)
    for proj in projects:
        prefix = proj.rel(proj.root)
        prefix = "" if prefix in (".", "") or len(projects) == 1 else prefix + "/"
        for rel, text in render_project(proj, extract(proj)).items():
            pages[prefix + rel] = text
    compare_golden(f"fixtures/{name}/render", pages)


def test_example_docs_are_current():
    """fixtures/example/docs/data/schemas is committed; regenerating changes nothing."""
    load_projects, extract = _extractor()
    from drizzle_doc.commands.generate import out_dir, render_project
    from drizzle_doc.docs.write import UNCHANGED, plan_docs, write_docs

    [proj] = load_projects(EXAMPLE)
    pages = render_project(proj, extract(proj))
    if REGEN:
        write_docs(out_dir(proj), pages, prune=True)
    files, diags = plan_docs(out_dir(proj), pages)
    stale = [f.path for f in files if f.status != UNCHANGED]
    assert not stale and not diags, f"example docs are stale ({stale}): run `{REGEN_CMD}`"
