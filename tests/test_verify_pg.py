"""verify against the real PostgreSQL on 127.0.0.1:5432 (trust auth, user postgres).

Each test creates and drops its own uniquely named database.  Without a server
the tests skip with the reason; with env CI set they fail instead.
Set DRIZZLE_DOC_TEST_PG to point at another server (an admin URL).
"""

from __future__ import annotations

import json
import os
import re
import uuid
from dataclasses import replace
from pathlib import Path

import pytest
from click.testing import CliRunner

psycopg = pytest.importorskip("psycopg")

from drizzle_doc import cli as cli_module  # noqa: E402
from drizzle_doc.dialects.postgres.catalog import read_catalog, read_comments  # noqa: E402
from drizzle_doc.dialects.postgres.comments import comments_sql  # noqa: E402
from drizzle_doc.errors import DatabaseError  # noqa: E402
from drizzle_doc.model import (  # noqa: E402
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
    Schema,
    Table,
    UniqueConstraint,
    View,
)
from drizzle_doc.project import Project  # noqa: E402
from drizzle_doc.commands.verify import (  # noqa: E402
    DB_ONLY,
    DIFFERS,
    MODEL_ONLY,
    compare,
    connect,
    scope_schemas,
    verify,
    with_db_comments,
)

REPO = Path(__file__).resolve().parent.parent
ADMIN_URL = os.environ.get("DRIZZLE_DOC_TEST_PG", "postgresql://postgres@127.0.0.1:5432/postgres")


def _server_problem() -> str | None:
    try:
        with psycopg.connect(ADMIN_URL, connect_timeout=3, autocommit=True) as conn:
            conn.execute("SELECT 1")
    except Exception as exc:  # any failure means "no usable server"
        return f"no PostgreSQL answers at {ADMIN_URL} ({str(exc).strip().splitlines()[0] if str(exc).strip() else exc})"
    return None


@pytest.fixture(scope="module")
def admin_url() -> str:
    problem = _server_problem()
    if problem:
        if os.environ.get("CI"):
            pytest.fail(f"{problem}; CI is set, so the live-database tests must run")
        pytest.skip(problem)
    return ADMIN_URL


def _db_url(name: str) -> str:
    """ADMIN_URL with its database swapped (ADMIN_URL is a postgresql://…/db URL without a query)."""
    return ADMIN_URL.rsplit("/", 1)[0] + "/" + name


@pytest.fixture
def fresh_db(admin_url):
    """A new empty database for this test; dropped afterwards."""
    name = f"drizzle_doc_verify_{uuid.uuid4().hex[:12]}"
    with psycopg.connect(admin_url, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    try:
        yield _db_url(name)
    finally:
        with psycopg.connect(admin_url, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def execute(url: str, *statements: str) -> None:
    with psycopg.connect(url, autocommit=True) as conn:
        for s in statements:
            conn.execute(s)


def split_statements(sql: str) -> list[str]:
    return [s.strip() for s in sql.split("--> statement-breakpoint") if s.strip()]


# ---------------------------------------------------------------------------
# A small schema of our own: drizzle-kit 0.31's migration SQL and the model for it
# ---------------------------------------------------------------------------

MIGRATION = """CREATE SCHEMA "catalog";
--> statement-breakpoint
CREATE TYPE "public"."mood" AS ENUM('sad', 'ok', 'happy');--> statement-breakpoint
CREATE TYPE "catalog"."product_status" AS ENUM('draft', 'live');--> statement-breakpoint
CREATE TABLE "posts" (
	"id" integer PRIMARY KEY GENERATED ALWAYS AS IDENTITY (sequence name "posts_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 2147483647 START WITH 1 CACHE 1),
	"sid" serial NOT NULL,
	"author_id" uuid,
	"title" text NOT NULL,
	"slug" text,
	CONSTRAINT "posts_title_slug" UNIQUE NULLS NOT DISTINCT("title","slug")
);
--> statement-breakpoint
CREATE TABLE "catalog"."products" (
	"sku" text,
	"variant" integer,
	"status" "catalog"."product_status" DEFAULT 'draft' NOT NULL,
	"price" numeric(10, 2),
	"owner_id" uuid,
	CONSTRAINT "products_sku_variant_pk" PRIMARY KEY("sku","variant"),
	CONSTRAINT "price_pos" CHECK ("catalog"."products"."price" > 0)
);
--> statement-breakpoint
CREATE TABLE "users" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"email" varchar(255) NOT NULL,
	"name" text DEFAULT 'x',
	"age" integer DEFAULT 42,
	"big" bigint DEFAULT -5,
	"price" numeric(10, 2) DEFAULT '9.99',
	"active" boolean DEFAULT true NOT NULL,
	"meta" jsonb DEFAULT '{}'::jsonb,
	"meta2" json DEFAULT '{"a":1}'::json,
	"tags" text[] DEFAULT '{}'::text[],
	"ints" integer[] DEFAULT '{1,2}',
	"created_at" timestamp (3) with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp DEFAULT now(),
	"tz" time(3) with time zone,
	"c" char(2),
	"m" "mood" DEFAULT 'ok',
	"ms" "mood"[],
	CONSTRAINT "users_email_unique" UNIQUE("email"),
	CONSTRAINT "age_check" CHECK ("users"."age" > 0)
);
--> statement-breakpoint
ALTER TABLE "posts" ADD CONSTRAINT "posts_author_id_users_id_fk" FOREIGN KEY ("author_id") REFERENCES "public"."users"("id") ON DELETE cascade ON UPDATE set null;--> statement-breakpoint
ALTER TABLE "catalog"."products" ADD CONSTRAINT "products_owner_id_users_id_fk" FOREIGN KEY ("owner_id") REFERENCES "public"."users"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "users_name_idx" ON "users" USING btree ("name");--> statement-breakpoint
CREATE INDEX "users_age_tz_index" ON "users" USING btree ("age" DESC NULLS FIRST,"tz");--> statement-breakpoint
CREATE UNIQUE INDEX "users_lower_email" ON "users" USING btree (lower("email"));--> statement-breakpoint
CREATE INDEX "users_partial" ON "users" USING btree ("age") WHERE "users"."active" = true;--> statement-breakpoint
CREATE INDEX "users_gin" ON "users" USING gin ("meta");--> statement-breakpoint
CREATE TABLE "extra" (
	"id" bigint PRIMARY KEY GENERATED BY DEFAULT AS IDENTITY (sequence name "extra_id_seq" INCREMENT BY 5 MINVALUE 1 MAXVALUE 9223372036854775807 START WITH 100 CACHE 1),
	"iv" interval day to second(3) DEFAULT '1 day',
	"later" timestamp with time zone DEFAULT now() + interval '1 day',
	"vcs" varchar(10)[] DEFAULT '{"a","b"}',
	"moods" "mood"[] DEFAULT '{"ok"}',
	"full" text GENERATED ALWAYS AS ('x' || 'y') STORED,
	"js" jsonb DEFAULT '[1,"two",{"three":3}]'::jsonb,
	"n2" numeric(5) DEFAULT '1'
);
--> statement-breakpoint
CREATE INDEX "extra_multi" ON "extra" USING btree ("iv" DESC NULLS LAST,"later" NULLS FIRST) WHERE "extra"."n2" in (1, 2) and "extra"."n2" between 0 and 5;--> statement-breakpoint
CREATE VIEW "public"."active_users" AS (select "id", "email" from "users" where "users"."active" = true);
"""

F = "src/schema.ts"


def own_model() -> Schema:
    c = Column
    users = Table(
        name="users", file=F, line=20,
        description=Doc(text="People who can sign in."),
        columns=(
            c("id", "id", "uuid", not_null=True, primary_key=True, default="gen_random_uuid()", file=F, line=21),
            c("email", "email", "varchar(255)", not_null=True, unique=True, file=F, line=22,
              description=Doc(text="Login address; it's unique.")),
            c("name", "name", "text", default="'x'", file=F, line=23),
            c("age", "age", "integer", default="42", file=F, line=24),
            c("big", "big", "bigint", default="-5", file=F, line=25),
            c("price", "price", "numeric(10, 2)", default="'9.99'", file=F, line=26),
            c("active", "active", "boolean", not_null=True, default="true", file=F, line=27),
            c("meta", "meta", "jsonb", default="'{}'::jsonb", file=F, line=28),
            c("meta2", "meta2", "json", default="'{\"a\":1}'::json", file=F, line=29),
            c("tags", "tags", "text[]", default="'{}'::text[]", file=F, line=30),
            c("ints", "ints", "integer[]", default="'{1,2}'", file=F, line=31),
            c("created_at", "createdAt", "timestamp (3) with time zone", not_null=True, default="now()",
              file=F, line=32),
            c("updated_at", "updatedAt", "timestamp", default="now()", file=F, line=33),
            c("tz", "tz", "time(3) with time zone", file=F, line=34),
            c("c", "c", "char(2)", file=F, line=35),
            c("m", "m", "mood", default="'ok'", enum="public.mood", enum_values=("sad", "ok", "happy"),
              file=F, line=36),
            c("ms", "ms", "mood[]", enum="public.mood", enum_values=("sad", "ok", "happy"), file=F, line=37),
        ),
        indexes=(
            Index("users_name_idx", (IndexColumn("name"),), file=F, line=40),
            Index("users_age_tz_index", (IndexColumn("age", asc=False, nulls="first"), IndexColumn("tz")),
                  file=F, line=41),
            Index("users_lower_email", (IndexColumn('lower("email")', is_expression=True),), unique=True,
                  file=F, line=42),
            Index("users_partial", (IndexColumn("age"),), where='"users"."active" = true', file=F, line=43),
            Index("users_gin", (IndexColumn("meta"),), method="gin", file=F, line=44),
        ),
        uniques=(UniqueConstraint("users_email_unique", ("email",), from_column=True, file=F, line=22),),
        checks=(Check("age_check", '"users"."age" > 0', file=F, line=45),),
    )
    posts = Table(
        name="posts", file=F, line=50,
        columns=(
            c("id", "id", "integer", not_null=True, primary_key=True,
              identity=Identity(type="always", name="posts_id_seq"), file=F, line=51),
            c("sid", "sid", "serial", not_null=True, file=F, line=52),
            c("author_id", "authorId", "uuid", file=F, line=53),
            c("title", "title", "text", not_null=True, file=F, line=54),
            c("slug", "slug", "text", file=F, line=55),
        ),
        foreign_keys=(ForeignKey("posts_author_id_users_id_fk", ("author_id",), "public", "users", ("id",),
                                 on_delete="cascade", on_update="set null", file=F, line=53),),
        uniques=(UniqueConstraint("posts_title_slug", ("title", "slug"), nulls_not_distinct=True, file=F, line=57),),
    )
    products = Table(
        name="products", schema="catalog", file=F, line=60,
        columns=(
            c("sku", "sku", "text", file=F, line=61),
            c("variant", "variant", "integer", file=F, line=62),
            c("status", "status", "catalog.product_status", not_null=True, default="'draft'",
              enum="catalog.product_status", file=F, line=63),
            c("price", "price", "numeric(10, 2)", file=F, line=64),
            c("owner_id", "ownerId", "uuid", file=F, line=65),
        ),
        primary_key=PrimaryKey("products_sku_variant_pk", ("sku", "variant"), composite=True, file=F, line=67),
        foreign_keys=(ForeignKey("products_owner_id_users_id_fk", ("owner_id",), "public", "users", ("id",),
                                 on_delete="set null", file=F, line=68),),
        checks=(Check("price_pos", '"catalog"."products"."price" > 0', file=F, line=69),),
    )
    extra = Table(
        name="extra", file=F, line=80,
        columns=(
            c("id", "id", "bigint", not_null=True, primary_key=True,
              identity=Identity(type="byDefault", name="extra_id_seq", increment="5", start_with="100"),
              file=F, line=81),
            c("iv", "iv", "interval day to second(3)", default="'1 day'", file=F, line=82),
            c("later", "later", "timestamp with time zone", default="now() + interval '1 day'", file=F, line=83),
            c("vcs", "vcs", "varchar(10)[]", default="'{\"a\",\"b\"}'", file=F, line=84),
            c("moods", "moods", "mood[]", default="'{\"ok\"}'", enum="public.mood", file=F, line=85),
            c("full", "full", "text", generated=Generated("'x' || 'y'"), file=F, line=86),
            c("js", "js", "jsonb", default="'[1,\"two\",{\"three\":3}]'::jsonb", file=F, line=87),
            c("n2", "n2", "numeric(5)", default="'1'", file=F, line=88),
        ),
        indexes=(Index("extra_multi", (IndexColumn("iv", asc=False, nulls="last"),
                                       IndexColumn("later", nulls="first")),
                       where='"extra"."n2" in (1, 2) and "extra"."n2" between 0 and 5', file=F, line=90),),
    )
    return Schema(
        tables=(users, posts, products, extra),
        enums=(Enum("mood", ("sad", "ok", "happy"), file=F, line=3),
               Enum("product_status", ("draft", "live"), schema="catalog", file=F, line=5)),
        views=(View("active_users", file=F, line=75),),
    )


@pytest.fixture
def own_db(fresh_db):
    execute(fresh_db, *split_statements(MIGRATION))
    return fresh_db


def codes(diags):
    return sorted((d.code, d.message.split(":")[0]) for d in diags)


def test_own_schema_has_no_drift(own_db):
    result = verify(own_model(), own_db)
    assert result.schemas == ("catalog", "public")
    assert result.diagnostics == ()


def test_catalog_spells_types_as_drizzle_kit(own_db):
    with connect(own_db) as conn:
        live = read_catalog(conn, ("public", "catalog"))
    users = live.table("users")
    assert {c.name: c.type for c in users.columns} == {
        "id": "uuid", "email": "varchar(255)", "name": "text", "age": "integer", "big": "bigint",
        "price": "numeric(10, 2)", "active": "boolean", "meta": "jsonb", "meta2": "json", "tags": "text[]",
        "ints": "integer[]", "created_at": "timestamp (3) with time zone", "updated_at": "timestamp",
        "tz": "time(3) with time zone", "c": "char(2)", "m": "mood", "ms": "mood[]",
    }
    posts = live.table("posts")
    assert posts.column("sid").type == "serial" and posts.column("sid").default is None
    assert posts.column("id").identity.type == "always" and posts.column("id").default is None
    extra_id = live.table("extra").column("id").identity
    assert (extra_id.type, extra_id.name, extra_id.increment, extra_id.start_with) == \
        ("byDefault", "extra_id_seq", "5", "100")
    assert live.table("extra").column("full").generated.expression == "('x'::text || 'y'::text)"
    assert live.table("extra").column("full").default is None
    assert posts.uniques[0].nulls_not_distinct is True
    products = live.table("products", "catalog")
    assert products.column("status").type == "catalog.product_status"
    assert products.primary_key.columns == ("sku", "variant")
    assert products.foreign_keys[0].on_delete == "set null"
    assert [v.key for v in live.views] == ["public.active_users"]
    assert [e.key for e in live.enums] == ["catalog.product_status", "public.mood"]


def test_hand_changes_are_reported_exactly(own_db):
    execute(
        own_db,
        "ALTER TABLE users ADD COLUMN nickname text",
        "DROP INDEX users_name_idx",
        "ALTER TABLE users ALTER COLUMN name SET DEFAULT 'y'",
        "ALTER TYPE mood ADD VALUE 'meh'",
        "ALTER TABLE posts DROP CONSTRAINT posts_author_id_users_id_fk",
        "ALTER TABLE posts ADD CONSTRAINT posts_author_id_users_id_fk FOREIGN KEY (author_id) "
        "REFERENCES users(id) ON DELETE RESTRICT ON UPDATE SET NULL",
        "CREATE TABLE catalog.audit (id int)",
        "ALTER TABLE users ALTER COLUMN c SET NOT NULL",
    )
    diags = verify(own_model(), own_db).diagnostics
    assert codes(diags) == sorted([
        (DB_ONLY, 'column "public.users.nickname"'),
        (MODEL_ONLY, 'index "users_name_idx" on "public.users"'),
        (DIFFERS, 'column "public.users.name"'),
        (DB_ONLY, "enum value \"public.mood\".'meh'"),
        (DIFFERS, 'foreign key "posts_author_id_users_id_fk" on "public.posts"'),
        (DB_ONLY, 'table "catalog.audit"'),
        (DIFFERS, 'column "public.users.c"'),
    ])
    by_code = {d.message.split(":")[0]: d for d in diags}
    assert by_code['index "users_name_idx" on "public.users"'].line == 40
    assert by_code['column "public.users.nickname"'].line == 20  # the table's line
    assert by_code['table "catalog.audit"'].file is None
    assert "the default is 'y'::text in the database but 'x' in the models" in \
        by_code['column "public.users.name"'].message
    assert "ON DELETE is restrict in the database but cascade in the models" in \
        by_code['foreign key "posts_author_id_users_id_fk" on "public.posts"'].message


def test_models_ahead_of_database(fresh_db):
    statements = [s for s in split_statements(MIGRATION) if "active_users" not in s and "users_gin" not in s]
    execute(fresh_db, *statements)
    diags = verify(own_model(), fresh_db).diagnostics
    assert codes(diags) == [
        (MODEL_ONLY, 'index "users_gin" on "public.users"'),
        (MODEL_ONLY, 'view "public.active_users"'),
    ]
    assert all("migration not applied?" in d.message for d in diags)


# ---------------------------------------------------------------------------
# Read-only, timeouts, errors, masking
# ---------------------------------------------------------------------------


def _relations(url):
    with psycopg.connect(url) as conn:
        return conn.execute("SELECT count(*) FROM pg_class").fetchone()[0]


def test_connection_is_read_only_with_timeouts(own_db):
    before = _relations(own_db)
    with connect(own_db) as conn:
        assert conn.execute("SHOW transaction_read_only").fetchone()[0] == "on"
        assert conn.execute("SHOW statement_timeout").fetchone()[0] == "15s"
        assert conn.execute("SHOW default_transaction_read_only").fetchone()[0] == "on"
        with pytest.raises(psycopg.errors.ReadOnlySqlTransaction):
            conn.execute("CREATE TEMP TABLE t (x int)")
        conn.rollback()
    verify(own_model(), own_db, db_comments=True)
    assert _relations(own_db) == before


def test_unreachable_server_masks_password():
    with pytest.raises(DatabaseError) as info:
        with connect("postgresql://app:hunter2secret@127.0.0.1:1/app", connect_timeout=2):
            pass
    text = str(info.value)
    assert "hunter2secret" not in text
    assert "postgresql://app:***@127.0.0.1:1/app" in text
    assert text.startswith("cannot connect to")
    assert info.value.exit_code == 2


def test_bad_url_masks_password():
    with pytest.raises(DatabaseError) as info:
        with connect("postgresql://app:hunter2secret@127.0.0.1:notaport/app"):
            pass
    assert "hunter2secret" not in str(info.value)
    assert "***" in str(info.value)


def test_missing_database_and_missing_permissions(admin_url, fresh_db):
    missing = fresh_db.rsplit("/", 1)[0] + "/drizzle_doc_no_such_db"
    with pytest.raises(DatabaseError, match="does not exist"):
        with connect(missing):
            pass
    role = f"drizzle_doc_noperm_{uuid.uuid4().hex[:8]}"
    dbname = fresh_db.rsplit("/", 1)[1]
    execute(admin_url, f'CREATE ROLE "{role}" LOGIN', f'REVOKE CONNECT ON DATABASE "{dbname}" FROM PUBLIC')
    try:
        url = fresh_db.replace("postgres@", f"{role}:topsecretpw@", 1)
        with pytest.raises(DatabaseError) as info:
            with connect(url):
                pass
        assert str(info.value).startswith("missing permissions on")
        assert "topsecretpw" not in str(info.value)
    finally:
        execute(admin_url, f'DROP DATABASE IF EXISTS "{dbname}" WITH (FORCE)', f'DROP ROLE "{role}"')


# ---------------------------------------------------------------------------
# CLI
# ---------------------------------------------------------------------------


@pytest.fixture
def cli_with_model(monkeypatch, tmp_path):
    project = Project(root=tmp_path)
    monkeypatch.setattr(cli_module, "load", lambda *a, **k: [(project, own_model())])
    return CliRunner()


def test_cli_exit_codes_and_formats(own_db, cli_with_model):
    runner = cli_with_model
    clean = runner.invoke(cli_module.cli, ["verify", "--database-url", own_db])
    assert clean.exit_code == 0, clean.output
    assert clean.output.startswith("drizzle-doc verify: the models agree with postgresql://")

    execute(own_db, "ALTER TABLE users ADD COLUMN nickname text")
    text = runner.invoke(cli_module.cli, ["verify", "--database-url", own_db])
    assert text.exit_code == 1
    assert text.output.splitlines()[0] == F
    assert re.match(r'\s+20\s+error\s+column "public.users.nickname": in the database', text.output.splitlines()[1])

    js = runner.invoke(cli_module.cli, ["verify", "--format", "json"], env={"DATABASE_URL": own_db})
    assert js.exit_code == 1
    payload = json.loads(js.output)
    assert payload["summary"]["dbOnly"] == 1 and payload["schemas"] == ["catalog", "public"]

    gh = runner.invoke(cli_module.cli, ["verify", "--format", "github", "--database-url", own_db])
    assert gh.exit_code == 1
    assert re.fullmatch(r"::error file=src/schema\.ts,line=20,title=drizzle-doc db-only::column \"public\.users\.nickname\": .*\n"
                        r"drizzle-doc verify: 1 error, 0 warnings\n", gh.output)


def test_cli_connection_and_usage_errors(cli_with_model):
    runner = cli_with_model
    result = runner.invoke(cli_module.cli, ["verify", "--database-url",
                                            "postgresql://app:hunter2secret@127.0.0.1:1/app"])
    assert result.exit_code == 2
    assert "hunter2secret" not in result.output
    assert "app:***@127.0.0.1:1/app" in result.output
    result = runner.invoke(cli_module.cli, ["verify"], env={"DATABASE_URL": ""})
    assert result.exit_code == 2
    assert "DATABASE_URL" in result.output


@pytest.mark.parametrize("url, secret", [
    ("postgresql://app:pa?ss-hunter2@127.0.0.1:1/app", "hunter2"),  # libpq keeps ? in the password
    ("postgresql://app:hunter2@" + "h" * 300 + "/app", "hunter2"),  # the resolver's IDNA step refuses it
    ("postgresql://app:hunter2@127.0.0.1:notaport/app", "hunter2"),
    ("postgresql://app:hun%zzter2@127.0.0.1/app", "ter2"),
    ("postgresql://127.0.0.1:1/app?sslpassword=hunter2&password=hunter3", "hunter"),
    ("host=127.0.0.1 port=1 password='hunter2 x'", "hunter2"),
    ("postgresql://[::1/app", None),
])
@pytest.mark.parametrize("fmt", ["text", "json", "github"])
def test_cli_bad_url_or_host_is_one_clean_masked_line(cli_with_model, url, secret, fmt):
    result = cli_with_model.invoke(cli_module.cli, ["verify", "--format", fmt, "--database-url", url])
    assert result.exit_code == 2, result.output
    lines = result.output.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("drizzle-doc: error: "), result.output
    assert "internal error" not in result.output and "Traceback" not in result.output
    if secret:
        assert secret not in result.output


# ---------------------------------------------------------------------------
# Comments: comments-sql applied for real, then read back
# ---------------------------------------------------------------------------


def test_comments_sql_round_trip_and_db_comments(own_db, cli_with_model, tmp_path):
    model = own_model()
    out = tmp_path / "0001_comments.sql"
    result = cli_with_model.invoke(cli_module.cli, ["comments-sql", "--output", str(out)])
    assert result.exit_code == 0, result.output
    assert out.read_text() == comments_sql(model)
    execute(own_db, *split_statements(out.read_text()))
    with psycopg.connect(own_db) as conn:
        got = read_comments(conn, ("public",))
    assert dict(got.tables) == {("public", "users"): "People who can sign in."}
    assert dict(got.columns) == {("public", "users", "email"): "Login address; it's unique."}

    # --db-comments: a model without JSDoc takes the database's words
    bare = replace(model, tables=tuple(
        replace(t, description=Doc(), columns=tuple(replace(c, description=Doc()) for c in t.columns))
        for t in model.tables))
    result = verify(bare, own_db, db_comments=True)
    assert result.diagnostics == ()
    assert result.schema.table("users").description.text == "People who can sign in."
    assert result.schema.table("users").column("email").description.text == "Login address; it's unique."

    # and where both exist and disagree, a warning (exit stays 0)
    execute(own_db, "COMMENT ON TABLE users IS 'Someone else''s words.'")
    result = verify(model, own_db, db_comments=True)
    assert [(d.severity, d.code, d.line) for d in result.diagnostics] == [("warning", "comment-differs", 20)]
    assert with_db_comments(model, got) == model  # JSDoc always wins


# ---------------------------------------------------------------------------
# Every fixture project with drizzle-kit migrations
# ---------------------------------------------------------------------------


def _journals() -> list[Path]:
    found = []
    for j in sorted((REPO / "fixtures").glob("**/meta/_journal.json")):
        # PostgreSQL histories only (SQLite fixtures' SQL is not PostgreSQL's)
        if "node_modules" not in j.parts and json.loads(j.read_text()).get("dialect", "postgresql") == "postgresql":
            found.append(j)
    return found


def apply_migrations(url: str, migrations: Path) -> None:
    """Every .sql in journal order, split on breakpoints.  A statement that fails for
    ordering reasons (drizzle-kit may add a foreign key before the unique index it
    needs) is retried after the rest; what still fails skips the test with the reason."""
    journal = json.loads((migrations / "meta" / "_journal.json").read_text())
    statements = []
    for entry in journal["entries"]:
        statements += split_statements((migrations / f"{entry['tag']}.sql").read_text())
    text = "\n".join(statements)
    with psycopg.connect(url, autocommit=True) as conn:
        if re.search(r"\bgi[ns]t?_trgm_ops\b|\bgist_trgm_ops\b", text):
            conn.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
        pending = statements
        for _ in range(3):
            failed = []
            errors = []
            for s in pending:
                try:
                    conn.execute(s)
                except psycopg.Error as exc:
                    failed.append(s)
                    errors.append(str(exc).strip().splitlines()[0])
            if not failed or len(failed) == len(pending):
                break
            pending = failed
        if failed:
            pytest.skip(f"{migrations.relative_to(REPO)}: its migrations do not apply on this server: {errors[0]}")


def _last_snapshot(migrations: Path) -> dict:
    journal = json.loads((migrations / "meta" / "_journal.json").read_text())
    last = journal["entries"][-1]["idx"]
    return json.loads((migrations / "meta" / f"{last:04d}_snapshot.json").read_text())


JOURNALS = _journals()


@pytest.mark.parametrize("journal", JOURNALS, ids=[j.parent.parent.relative_to(REPO / "fixtures").as_posix()
                                                    for j in JOURNALS])
def test_fixture_migrations_match_their_snapshot(fresh_db, journal):
    """The catalog read back equals drizzle-kit's own snapshot after the last migration."""
    snapshot = pytest.importorskip("drizzle_doc.dialects.postgres.snapshot")
    migrations = journal.parent.parent
    apply_migrations(fresh_db, migrations)
    model = snapshot.load_snapshot(_last_snapshot(migrations))
    # a view created by hand-written SQL is in the database but never in drizzle-kit's snapshot
    by_hand = {f'view "{v}"' for v in _hand_written_views(migrations)}
    assert [d for d in verify(model, fresh_db).diagnostics
            if not (d.code == "db-only" and d.message.split(":")[0] in by_hand)] == []


def _hand_written_views(migrations: Path) -> set[str]:
    """Keys of the views the folder's migrations create in hand-written SQL (and do not drop)."""
    from drizzle_doc.dialects import get_dialect

    journal = json.loads((migrations / "meta" / "_journal.json").read_text())
    views: set[str] = set()
    for entry in journal["entries"]:
        statements, _ = get_dialect("postgresql").parse_migration(
            (migrations / f"{entry['tag']}.sql").read_text(), entry["tag"])
        for st in statements:
            for op in st.ops:
                obj = getattr(op, "obj", None)
                if obj is not None and obj.kind in ("view", "materialized view"):
                    (views.discard if obj.dropped else views.add)(obj.name)
    return views


def _extracted(project_root: Path):
    config = pytest.importorskip("drizzle_doc.project.config")
    parse = pytest.importorskip("drizzle_doc.drizzle.extract")
    if not hasattr(parse, "extract"):
        pytest.skip("drizzle_doc.drizzle.extract.extract is not there yet")
    return [(p, parse.extract(p)) for p in config.load_projects(project_root)]


@pytest.mark.parametrize("journal", JOURNALS, ids=[j.parent.parent.relative_to(REPO / "fixtures").as_posix()
                                                    for j in JOURNALS])
def test_fixture_models_verify_clean_then_hand_changes(fresh_db, journal):
    migrations = journal.parent.parent
    apply_migrations(fresh_db, migrations)
    top = REPO / "fixtures" / migrations.relative_to(REPO / "fixtures").parts[0]
    def migrations_of(p):
        from drizzle_doc.project import DEFAULT_MIGRATION_DIRS
        candidates = [p.migrations] if p.migrations else list(DEFAULT_MIGRATION_DIRS)
        return [(p.root / c).resolve() for c in candidates]

    projects = [(p, s) for p, s in _extracted(top) if migrations.resolve() in migrations_of(p)]
    if not projects:
        pytest.skip(f"no project found for {migrations.relative_to(REPO)}")
    project, model = projects[0]
    result = verify(model, fresh_db, schema_filter=project.schema_filter, tables_filter=project.tables_filter)
    if top.name == "unmigrated":
        # models ahead of their migrations on purpose
        assert any(d.code == MODEL_ONLY for d in result.diagnostics)
        return
    assert [d.message for d in result.diagnostics] == []

    expected = []
    table = next(t for t in model.tables)
    changes = [f'ALTER TABLE "{table.schema}"."{table.name}" ADD COLUMN "verify_extra" integer']
    expected.append((DB_ONLY, f'column "{table.key}.verify_extra"'))
    ix = next(((t, i) for t in model.tables for i in t.indexes if not i.unique), None)
    if ix:
        changes.append(f'DROP INDEX "{ix[0].schema}"."{ix[1].name}"')
        expected.append((MODEL_ONLY, f'index "{ix[1].name}" on "{ix[0].key}"'))
    dc = next(((t, c) for t in model.tables for c in t.columns
               if c.default is not None and c.type in ("text", "integer", "boolean")), None)
    if dc:
        t, c = dc
        new = {"text": "'verify-changed'", "integer": "12345"}.get(
            c.type, "false" if str(c.default).lower() == "true" else "true")
        changes.append(f'ALTER TABLE "{t.schema}"."{t.name}" ALTER COLUMN "{c.name}" SET DEFAULT {new}')
        expected.append((DIFFERS, f'column "{t.key}.{c.name}"'))
    if model.enums:
        e = model.enums[0]
        changes.append(f'ALTER TYPE "{e.schema}"."{e.name}" ADD VALUE \'verify_extra\'')
        expected.append((DB_ONLY, f"enum value \"{e.key}\".'verify_extra'"))
    execute(fresh_db, *changes)
    result = verify(model, fresh_db, schema_filter=project.schema_filter, tables_filter=project.tables_filter)
    assert codes(result.diagnostics) == sorted(expected)


def test_without_a_server_skips_but_fails_under_ci(tmp_path):
    import subprocess
    import sys
    base = {k: v for k, v in os.environ.items() if k != "CI"}
    base["DRIZZLE_DOC_TEST_PG"] = "postgresql://postgres@127.0.0.1:1/postgres"
    args = [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", str(Path(__file__)),
            "-k", "test_own_schema_has_no_drift", "-rs"]
    skipped = subprocess.run(args, env=base, capture_output=True, text=True, cwd=tmp_path)
    assert skipped.returncode == 0, skipped.stdout
    assert "no PostgreSQL answers at postgresql://postgres@127.0.0.1:1/postgres" in skipped.stdout
    failed = subprocess.run(args, env={**base, "CI": "1"}, capture_output=True, text=True, cwd=tmp_path)
    assert failed.returncode == 1, failed.stdout
    assert "CI is set, so the live-database tests must run" in failed.stdout


# ---------------------------------------------------------------------------
# Planted code: a role that may only CREATE in public cannot make verify run its functions
# ---------------------------------------------------------------------------

# Exact-type matches for every function verify calls (an exact match in a schema on the
# search_path beats pg_catalog's coercible one), and operators on the types its joins use.
PLANTED_FUNCTIONS = (
    "quote_ident(name)", "obj_description(oid, name)", "obj_description(oid, unknown)",
    "format_type(oid, integer)", "pg_get_expr(pg_node_tree, oid)", "pg_get_serial_sequence(text, text)",
    "pg_get_serial_sequence(text, name)", "col_description(oid, integer)", "col_description(oid, smallint)",
    "pg_get_constraintdef(oid)", "pg_get_indexdef(oid, integer, boolean)", "pg_get_viewdef(oid, boolean)",
    "format(text, name, name)", "generate_series(integer, smallint)", "generate_series(integer, integer)",
)
PLANTED_OPERATORS = (("=", "oid"), ("=", "name"), ("=", '"char"'), ("=", "smallint"), ("=", "integer"),
                     (">", "smallint"), (">", "integer"), ("-", "integer"), ("-", "smallint"))


def _plant(admin_url: str, url: str, role: str) -> None:
    dbname = url.rsplit("/", 1)[1]
    execute(admin_url, f'CREATE ROLE "{role}" NOLOGIN')
    statements = [f'GRANT CREATE, USAGE ON SCHEMA public TO "{role}"', f'SET ROLE "{role}"']
    for i, sig in enumerate(PLANTED_FUNCTIONS):
        name, args = sig.split("(", 1)
        args = args.rstrip(")")
        if "unknown" in args:
            continue  # not a type a function can take; kept in the list as the call's spelling
        ret = "SETOF integer" if name == "generate_series" else "text"
        statements.append(
            f"CREATE FUNCTION public.{name}({args}) RETURNS {ret} LANGUAGE plpgsql AS "
            f"$$ BEGIN RAISE EXCEPTION 'planted public.{name}({args}) ran'; END $$")
    for i, (op, typ) in enumerate(PLANTED_OPERATORS):
        ret = "boolean" if op in ("=", ">") else typ
        statements += [
            f"CREATE FUNCTION public.planted_op_{i}(a {typ}, b {typ}) RETURNS {ret} LANGUAGE plpgsql AS "
            f"$$ BEGIN RAISE EXCEPTION 'planted public.{op}({typ}, {typ}) ran'; END $$",
            f"CREATE OPERATOR public.{op} (LEFTARG = {typ}, RIGHTARG = {typ}, FUNCTION = public.planted_op_{i})",
        ]
    statements.append("RESET ROLE")
    with psycopg.connect(url, autocommit=True) as conn:
        for s in statements:
            conn.execute(s)
    # A hostile default path for every session of this database, public first.
    execute(admin_url, f'ALTER DATABASE "{dbname}" SET search_path = public, pg_catalog')


def test_verify_runs_no_function_or_operator_planted_in_public(admin_url, own_db):
    role = f"drizzle_doc_planter_{uuid.uuid4().hex[:8]}"
    _plant(admin_url, own_db, role)
    try:
        # The trap is armed: an ordinary session of this database runs the planted code.
        with psycopg.connect(own_db) as conn:
            for probe in ("SELECT quote_ident('users'::name)", "SELECT 1::oid = 1::oid",
                          "SELECT 'a'::name = 'a'::name", "SELECT obj_description(1::oid, 'pg_class'::name)"):
                with pytest.raises(psycopg.errors.RaiseException, match="planted"):
                    conn.execute(probe)
                conn.rollback()
        # verify's session resolves nothing in public, so the schema reads exactly as before.
        result = verify(own_model(), own_db, db_comments=True)
        assert result.diagnostics == ()
        with connect(own_db) as conn:
            assert conn.execute("SHOW search_path").fetchone()[0] == "pg_catalog"
            assert len(read_catalog(conn, ["public", "catalog"]).tables) == len(own_model().tables)
    finally:
        dbname = own_db.rsplit("/", 1)[1]
        execute(admin_url, f'DROP DATABASE IF EXISTS "{dbname}" WITH (FORCE)', f'DROP ROLE IF EXISTS "{role}"')


def _calls(node, found):
    """Every function name and operator name in a pglast parse tree, as (kind, qualified name tuple)."""
    from pglast import ast

    if isinstance(node, ast.FuncCall):
        found.append(("function", tuple(n.sval for n in node.funcname)))
    elif isinstance(node, ast.A_Expr) and node.name:
        found.append(("operator", tuple(n.sval for n in node.name)))
    if isinstance(node, ast.Node):
        for attr in node:
            _calls(getattr(node, attr), found)
    elif isinstance(node, tuple):
        for item in node:
            _calls(item, found)
    return found


def test_every_catalog_call_and_operator_is_pg_catalog_qualified():
    from pglast import parse_sql

    from drizzle_doc.dialects.postgres import catalog

    assert len(catalog.QUERIES) >= 12
    seen = 0
    for sql in catalog.QUERIES:
        for kind, name in _calls(parse_sql(re.sub(r"%\((\w+)\)s", "$1", sql).replace("%%", "%")), []):
            seen += 1
            assert name[0] == "pg_catalog" and len(name) == 2, f"{kind} {'.'.join(name)} unqualified in:\n{sql}"
    assert seen > 60


def test_kit_1_project_verifies_clean_against_its_own_migrations(fresh_db):
    """A drizzle-kit 1.0 project (folder layout, 1.0 names: users_pkey, *_fkey, *_key): its
    migrations applied, the models read with kit 1.0's rules agree with the live catalog."""
    root = REPO / "fixtures" / "kit1"
    (project, model) = _extracted(root)[0]
    assert project.kit == "1"
    statements = []
    for folder in sorted(p for p in (root / "drizzle").iterdir() if p.is_dir()):
        statements += split_statements((folder / "migration.sql").read_text())
    execute(fresh_db, *statements)
    result = verify(model, fresh_db, schema_filter=project.schema_filter, tables_filter=project.tables_filter)
    assert [d.message for d in result.diagnostics] == []
    names = {c.name for t in model.tables for c in (*t.foreign_keys, *t.uniques)}
    assert any(n.endswith("_fkey") for n in names), names  # 1.0's names are what the database has
