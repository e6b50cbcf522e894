"""Migration history and drift, on folders produced step by step by the real drizzle-kit
(``python tests/oracle/regen_history.py`` re-creates fixtures/history-basic, sql-only and
unmigrated) and on messy copies of them made in a temp dir."""

from __future__ import annotations

import dataclasses
import json
import shutil
from pathlib import Path

import pytest

from drizzle_doc.dialects.postgres import ddl as sqlddl
from drizzle_doc.dialects.postgres import spelling
from drizzle_doc.history import replay
from drizzle_doc.model.operations import Touch
from drizzle_doc.history.drift import compute_drift
from drizzle_doc.history.layout import find_migrations_dir
from drizzle_doc.history.migrations import read_history, load_history
from drizzle_doc.output.history import augment_inspect, history_json, history_text
from drizzle_doc.model import Column, Enum, Index, IndexColumn, Schema, Table
from drizzle_doc.project import Project
from drizzle_doc.output.serialize import schema_json
from drizzle_doc.dialects.postgres.snapshot import load_snapshot

REPO = Path(__file__).resolve().parent.parent
FIXTURES = REPO / "fixtures"
MIG = "drizzle/migrations"


def project(name_or_path) -> Project:
    root = name_or_path if isinstance(name_or_path, Path) else FIXTURES / name_or_path
    return Project(root=root.resolve())


def summaries(th) -> list[tuple[str, str]]:
    return [(c.migration.tag, c.summary) for c in th.changes]


def snapshot(name: str, number: str) -> Schema:
    path = FIXTURES / name / MIG / "meta" / f"{number}_snapshot.json"
    return load_snapshot(json.loads(path.read_text()))


def copy_fixture(name: str, tmp_path: Path) -> Path:
    dest = tmp_path / name
    shutil.copytree(FIXTURES / name, dest)
    return dest


# ---------------------------------------------------------------------------
# history-basic: journal + snapshots
# ---------------------------------------------------------------------------


@pytest.fixture(scope="module")
def basic():
    return load_history(project("history-basic"))


def test_basic_migrations_in_journal_order(basic):
    assert basic.folder == MIG and basic.layout == "journal"
    assert [m.ref.tag for m in basic.migrations] == [
        "0000_create_users_posts",
        "0001_add_user_bio",
        "0002_posts_author_index",
        "0003_drop_legacy_slug",
        "0004_rename_user_name",
        "0005_users_touch_trigger",
        "0006_comments_status_tweaks",
        "0007_rename_posts_to_articles",
    ]
    first = basic.migrations[0]
    assert first.ref.file == f"{MIG}/0000_create_users_posts.sql"
    assert first.ref.date == "2025-01-01" and basic.migrations[7].ref.date == "2025-01-08"
    assert first.snapshot == f"{MIG}/meta/0000_snapshot.json"
    assert basic.diagnostics == ()


def test_basic_created_in(basic):
    assert basic.table("users").created.tag == "0000_create_users_posts"
    assert basic.table("comments").created.tag == "0006_comments_status_tweaks"
    articles = basic.table("public.articles")
    assert articles.created.tag == "0000_create_users_posts"  # created as posts
    assert articles.former_names == ("public.posts",)
    assert basic.table("posts") is None or basic.table("posts").table == "public.articles"


def test_basic_users_history(basic):
    assert summaries(basic.table("users")) == [
        ("0001_add_user_bio", "column bio added (text)"),
        ("0004_rename_user_name", "column name renamed to display_name"),
        ("0005_users_touch_trigger", "trigger users_touch_trg created"),
        ("0005_users_touch_trigger", "data fix (UPDATE)"),
        ("0006_comments_status_tweaks", "column bio default set to ''"),
    ]


def test_basic_articles_history(basic):
    assert summaries(basic.table("articles")) == [
        ("0002_posts_author_index", "index posts_author_idx added on (author_id)"),
        ("0003_drop_legacy_slug", "column legacy_slug dropped"),
        ("0005_users_touch_trigger", "comment on table set"),
        ("0006_comments_status_tweaks", "column title type changed from text to varchar(200)"),
        ("0006_comments_status_tweaks", "column body set NOT NULL"),
        ("0006_comments_status_tweaks", "column body default set to ''"),
        ("0006_comments_status_tweaks", "column status added (post_status)"),
        ("0007_rename_posts_to_articles", "table renamed from posts to articles"),
        ("0007_rename_posts_to_articles", "foreign key articles_author_id_users_id_fk added (author_id -> users.id)"),
        ("0007_rename_posts_to_articles", "foreign key posts_author_id_users_id_fk dropped"),
    ]


def test_basic_column_added_in(basic):
    users = basic.table("users")
    assert users.added_in("bio").tag == "0001_add_user_bio"
    assert users.added_in("display_name").tag == "0000_create_users_posts"  # renamed, not added
    assert users.added_in("name") is None
    assert basic.table("articles").added_in("status").tag == "0006_comments_status_tweaks"
    assert basic.table("articles").added_in("legacy_slug") is None


def test_basic_custom_migration_touches(basic):
    custom = basic.migrations[5]
    assert [(c.table, c.kind, c.summary) for c in custom.changes] == [
        (None, "function", "function users_touch created"),
        ("public.users", "trigger", "trigger users_touch_trg created"),
        ("public.posts", "comment", "comment on table set"),
        ("public.users", "data", "data fix (UPDATE)"),
    ]
    assert custom.statements == 4


def test_basic_enum_created(basic):
    assert dict(basic.enums)["public.post_status"].tag == "0006_comments_status_tweaks"


def test_basic_no_drift_against_its_own_last_snapshot(basic):
    model = snapshot("history-basic", "0007")
    assert compute_drift(model, read_history(project("history-basic"))[1]) == ()
    h = load_history(project("history-basic"), schema=model)
    assert h.drift == ()


# ---------------------------------------------------------------------------
# The SQL path reproduces drizzle-kit's snapshots, on every committed fixture
# ---------------------------------------------------------------------------


def _journals():
    # PostgreSQL's SQL replay (pglast); SQLite histories are read from their snapshots
    return sorted(p for p in FIXTURES.glob("**/meta/_journal.json")
                  if json.loads(p.read_text()).get("dialect", "postgresql") == "postgresql")


@pytest.mark.parametrize("journal", _journals(), ids=lambda p: p.parent.parent.relative_to(FIXTURES).as_posix())
def test_sql_replay_equals_every_snapshot(journal):
    folder = journal.parent.parent
    state = Schema()
    for entry in json.loads(journal.read_text())["entries"]:
        sql = folder / f"{entry['tag']}.sql"
        snap = folder / "meta" / f"{entry['tag'].split('_')[0]}_snapshot.json"
        expected = load_snapshot(json.loads(snap.read_text()))
        if not sql.is_file():  # fixtures/history-hand lost one on purpose: its snapshot is the state
            state = expected
            continue
        statements, diags = sqlddl.parse_migration(sql.read_text(), sql.name)
        assert diags == ()
        state = replay.apply(state, [op for st in statements for op in st.ops])
        assert compute_drift(expected, state) == (), sql.name


# ---------------------------------------------------------------------------
# sql-only: no meta/ at all
# ---------------------------------------------------------------------------


def test_sql_only_history():
    h = load_history(project("sql-only"))
    assert h.layout == "sql" and h.diagnostics == ()
    assert [m.ref.tag for m in h.migrations][-1] == "0006_comments_status_tweaks"
    assert all(m.ref.when is None and m.snapshot is None for m in h.migrations)
    assert h.table("posts").created.tag == "0000_create_users_posts"
    assert h.table("comments").created.tag == "0006_comments_status_tweaks"
    assert summaries(h.table("users")) == [
        ("0001_add_user_bio", "column bio added (text)"),
        ("0004_rename_user_name", "column name renamed to display_name"),
        ("0005_users_touch_trigger", "trigger users_touch_trg created"),
        ("0005_users_touch_trigger", "data fix (UPDATE)"),
        ("0006_comments_status_tweaks", "column bio default set to ''"),
    ]
    assert ("0003_drop_legacy_slug", "column legacy_slug dropped") in summaries(h.table("posts"))
    assert h.table("posts").added_in("status").tag == "0006_comments_status_tweaks"
    # the schema rebuilt from SQL is the one drizzle-kit recorded after the same step
    assert compute_drift(snapshot("history-basic", "0006"), read_history(project("sql-only"))[1]) == ()


# ---------------------------------------------------------------------------
# unmigrated: model changes never migrated
# ---------------------------------------------------------------------------


def unmigrated_model() -> Schema:
    """fixtures/unmigrated/server/src/models at their final state, built by hand."""
    base = snapshot("unmigrated", "0001")
    users = base.table("users")
    users = dataclasses.replace(
        users,
        columns=(
            users.column("id"),
            dataclasses.replace(users.column("email"), type="varchar(320)"),
            dataclasses.replace(users.column("name"), not_null=True),
            Column(name="phone", property="phone", type="text"),
        ),
    )
    teams = base.table("teams")
    teams = dataclasses.replace(teams, indexes=(Index(name="teams_name_idx", columns=(IndexColumn("name"),)),))
    audit = Table(
        name="audit_log",
        columns=(
            Column(name="id", property="id", type="serial", not_null=True, primary_key=True),
            Column(name="action", property="action", type="text", not_null=True),
        ),
    )
    return Schema(tables=(users, teams, audit))


def test_unmigrated_drift():
    h = load_history(project("unmigrated"), schema=unmigrated_model())
    got = {(d.severity, d.kind, d.table, d.column or d.index or d.constraint) for d in h.drift}
    assert got == {
        ("error", "column.type", "public.users", "email"),
        ("error", "column.not_null", "public.users", "name"),
        ("error", "column.missing", "public.users", "phone"),
        ("warning", "column.extra", "public.users", "nickname"),
        ("error", "index.missing", "public.teams", "teams_name_idx"),
        ("warning", "index.extra", "public.teams", "teams_owner_idx"),
        ("error", "table.missing", "public.audit_log", None),
    }
    assert all(d.fix == "run `drizzle-kit generate`" for d in h.drift)
    email = next(d for d in h.drift if d.kind == "column.type")
    assert email.message == "column users.email is varchar(320) in the models but varchar(255) in the migrations"


def test_drift_enums_defaults_checks_fks():
    migrated = snapshot("history-basic", "0007")
    articles = migrated.table("articles")
    comments = migrated.table("comments")
    model = dataclasses.replace(
        migrated,
        tables=(
            migrated.table("users"),
            dataclasses.replace(articles, columns=tuple(
                dataclasses.replace(c, default="'published'") if c.name == "status" else c for c in articles.columns),
                foreign_keys=tuple(dataclasses.replace(f, on_delete="set null") for f in articles.foreign_keys)),
            dataclasses.replace(comments, checks=tuple(
                dataclasses.replace(c, expression="length(comments.body) > 1") for c in comments.checks)),
        ),
        enums=(Enum(name="post_status", values=("draft", "published", "archived")),
               Enum(name="mood", values=("ok",))),
    )
    got = {(d.kind, d.table, d.column or d.constraint or d.enum) for d in compute_drift(model, migrated)}
    assert got == {
        ("column.default", "public.articles", "status"),
        ("foreign_key.changed", "public.articles", "articles_author_id_users_id_fk"),
        ("check.changed", "public.comments", "comments_body_not_empty"),
        ("enum.values", None, "public.post_status"),
        ("enum.missing", None, "public.mood"),
    }


def test_drift_spelling_differences_are_not_drift():
    migrated = snapshot("history-basic", "0007")
    comments = migrated.table("comments")
    # quoting, case and int4-style spellings mean the same thing
    model = dataclasses.replace(migrated, tables=(
        migrated.table("users"), migrated.table("articles"),
        dataclasses.replace(
            comments,
            columns=tuple(dataclasses.replace(c, type="INTEGER") if c.name == "post_id" else c for c in comments.columns),
            checks=tuple(dataclasses.replace(c, expression='length("comments"."body")>0') for c in comments.checks)),
    ))
    assert compute_drift(model, migrated) == ()


# ---------------------------------------------------------------------------
# JSON and text
# ---------------------------------------------------------------------------


def test_inspect_json_keys(basic):
    model = snapshot("history-basic", "0007")
    h = load_history(project("history-basic"), schema=model)
    payload = augment_inspect(schema_json(model), h)
    users = next(t for t in payload["tables"] if t["name"] == "users")
    assert users["migrations"]["created"] == {
        "tag": "0000_create_users_posts", "file": f"{MIG}/0000_create_users_posts.sql"}
    assert users["migrations"]["changes"][0] == {
        "tag": "0001_add_user_bio", "file": f"{MIG}/0001_add_user_bio.sql", "when": "2025-01-02T00:00:00Z",
        "summary": "column bio added (text)", "kind": "column.added"}
    bio = next(c for c in users["columns"] if c["name"] == "bio")
    assert bio["addedIn"] == {"tag": "0001_add_user_bio", "file": f"{MIG}/0001_add_user_bio.sql"}
    assert payload["drift"] == [] and payload["migrationsFolder"] == MIG
    json.dumps(payload)


def test_unmigrated_drift_json():
    h = load_history(project("unmigrated"), schema=unmigrated_model())
    payload = augment_inspect(schema_json(unmigrated_model()), h)
    audit = next(t for t in payload["tables"] if t["name"] == "audit_log")
    assert audit["migrations"] == {"created": None, "changes": []}
    assert audit["columns"][0]["addedIn"] is None
    phone = next(d for d in payload["drift"] if d["column"] == "phone")
    assert phone == {
        "severity": "error", "kind": "column.missing", "table": "public.users", "column": "phone",
        "index": None, "constraint": None, "enum": None,
        "message": "column users.phone is in the models but in no migration", "fix": "run `drizzle-kit generate`"}


def test_history_json_and_text_are_deterministic(basic):
    data = history_json(basic)
    assert data == history_json(load_history(project("history-basic")))
    text = history_text(basic)
    assert "0004_rename_user_name  2025-01-05  drizzle/migrations/0004_rename_user_name.sql" in text
    assert "    users: column name renamed to display_name" in text
    assert str(REPO) not in text and str(REPO) not in json.dumps(data)


# ---------------------------------------------------------------------------
# Finding the folder, messy folders
# ---------------------------------------------------------------------------


def test_find_folder_order(tmp_path):
    (tmp_path / "drizzle").mkdir()
    assert find_migrations_dir(project(tmp_path)) == tmp_path / "drizzle"
    (tmp_path / "drizzle" / "migrations").mkdir()
    assert find_migrations_dir(project(tmp_path)) == tmp_path / "drizzle" / "migrations"
    (tmp_path / "db").mkdir()
    p = dataclasses.replace(project(tmp_path), migrations="db")
    assert find_migrations_dir(p) == tmp_path / "db"


def test_no_folder_is_a_warning(tmp_path):
    (tmp_path / "server/src/models").mkdir(parents=True)
    (tmp_path / "server/src/models/a.ts").write_text("export {};\n")  # models found, migrations not
    h = load_history(project(tmp_path), schema=Schema())
    assert h.folder is None and h.layout == "none" and h.migrations == () and h.drift == ()
    (d,) = h.diagnostics
    assert d.severity == "warning" and "no migrations folder found" in d.message
    assert "no migrations folder found" in history_text(h)


def test_unlisted_duplicate_and_missing_files(tmp_path):
    root = copy_fixture("history-basic", tmp_path)
    mig = root / MIG
    (mig / "0008_hotfix.sql").write_text('ALTER TABLE "users" ADD COLUMN "phone" text;\n')
    (mig / "0003_other.sql").write_text('CREATE INDEX "users_bio_idx" ON "users" ("bio");\n')
    (mig / "0001_add_user_bio.sql").unlink()
    h = load_history(project(root))
    got = {(d.file, d.code) for d in h.diagnostics}
    assert got == {
        (f"{MIG}/0008_hotfix.sql", "migration-unlisted"),
        (f"{MIG}/0003_other.sql", "migration-unlisted"),
        (f"{MIG}/0003_drop_legacy_slug.sql", "migration-duplicate"),
        (f"{MIG}/0003_other.sql", "migration-duplicate"),
        (f"{MIG}/meta/_journal.json", "migration-missing"),
    }
    missing = next(d for d in h.diagnostics if d.code == "migration-missing")
    assert missing.message == "journal entry 0001_add_user_bio has no file 0001_add_user_bio.sql"
    tags = [m.ref.tag for m in h.migrations]
    assert tags.index("0003_other") == tags.index("0003_drop_legacy_slug") + 1
    assert tags[-1] == "0008_hotfix"
    # the missing file's snapshot is still used; the unlisted SQL is replayed
    assert h.table("users").added_in("bio").tag == "0001_add_user_bio"
    assert h.migrations[1].ref.file == ""
    assert h.table("users").added_in("phone").tag == "0008_hotfix"
    assert h.migrations[-1].in_journal is False


def test_malformed_journal_falls_back_to_file_names(tmp_path):
    root = copy_fixture("history-basic", tmp_path)
    (root / MIG / "meta" / "_journal.json").write_text("{ not json")
    h = load_history(project(root))
    (d,) = h.diagnostics
    assert d.file == f"{MIG}/meta/_journal.json" and d.severity == "error" and "malformed journal" in d.message
    assert h.layout == "sql" and len(h.migrations) == 8
    assert h.migrations[0].snapshot == f"{MIG}/meta/0000_snapshot.json"  # snapshots still found by number
    assert h.table("articles").former_names == ("public.posts",)


def test_malformed_snapshot_falls_back_to_sql(tmp_path):
    root = copy_fixture("history-basic", tmp_path)
    (root / MIG / "meta" / "0002_snapshot.json").write_text('{"version": "7", "dialect": "postgresql"')
    h = load_history(project(root))
    (d,) = h.diagnostics
    assert d.file == f"{MIG}/meta/0002_snapshot.json" and d.code == "migration-snapshot"
    assert h.migrations[2].snapshot is None
    assert ("0002_posts_author_index", "index posts_author_idx added on (author_id)") in summaries(h.table("articles"))


def test_sql_that_does_not_parse(tmp_path):
    root = copy_fixture("sql-only", tmp_path)
    (root / MIG / "0007_broken.sql").write_text(
        'ALTER TABLE "users" ADD COLUMN "a" text;\n--> statement-breakpoint\n'
        'ALTER TABLE "users" ADD COLUM "b" text;\n--> statement-breakpoint\n'
        'ALTER TABLE "users" ADD COLUMN "c" text;\n'
    )
    h = load_history(project(root))
    (d,) = h.diagnostics
    assert d.file == f"{MIG}/0007_broken.sql" and d.line == 3 and d.severity == "error"
    assert d.message.startswith("statement 2 does not parse")
    users = h.table("users")
    assert users.added_in("a").tag == users.added_in("c").tag == "0007_broken"
    assert users.added_in("b") is None


def test_old_drizzle_kit_do_blocks(tmp_path):
    mig = tmp_path / "drizzle"
    mig.mkdir()
    (mig / "0000_init.sql").write_text(
        'CREATE TABLE IF NOT EXISTS "users" ("id" serial PRIMARY KEY NOT NULL);\n--> statement-breakpoint\n'
        'CREATE TABLE IF NOT EXISTS "posts" ("id" serial PRIMARY KEY NOT NULL, "author_id" integer);\n'
        '--> statement-breakpoint\n'
        'DO $$ BEGIN\n ALTER TABLE "posts" ADD CONSTRAINT "posts_author_id_users_id_fk" FOREIGN KEY ("author_id") '
        'REFERENCES "public"."users"("id") ON DELETE cascade ON UPDATE no action;\n'
        'EXCEPTION\n WHEN duplicate_object THEN null;\nEND $$;\n'
    )
    h = load_history(project(tmp_path))
    assert h.folder == "drizzle" and h.diagnostics == ()
    (fk,) = read_history(project(tmp_path))[1].table("posts").foreign_keys
    assert (fk.name, fk.foreign_table, fk.on_delete) == ("posts_author_id_users_id_fk", "users", "cascade")


def test_folder_per_migration_layout(tmp_path):
    mig = tmp_path / "drizzle"
    (mig / "20250101000000_init").mkdir(parents=True)
    (mig / "20250101000000_init" / "migration.sql").write_text('CREATE TABLE "users" ("id" serial PRIMARY KEY);\n')
    (mig / "20250203120000_bio").mkdir()
    (mig / "20250203120000_bio" / "migration.sql").write_text(
        'ALTER TABLE "users" ADD COLUMN "bio" text;\n--> statement-breakpoint\n'
        'ALTER TABLE "users" SET SCHEMA "app";\n')
    (mig / "20250203120000_bio" / "snapshot.json").write_text('{"version": "99", "dialect": "postgres", "ddl": []}')
    h = load_history(project(tmp_path))
    assert h.layout == "folders"
    assert [(m.ref.tag, m.ref.file, m.ref.date) for m in h.migrations] == [
        ("20250101000000_init", "drizzle/20250101000000_init/migration.sql", "2025-01-01"),
        ("20250203120000_bio", "drizzle/20250203120000_bio/migration.sql", "2025-02-03"),
    ]
    (d,) = h.diagnostics  # a snapshot format we do not read: rebuilt from SQL, said so
    assert d.code == "migration-snapshot" and "not supported" in d.message and d.severity == "info"
    users = h.table("app.users")
    assert users.created.tag == "20250101000000_init" and users.former_names == ("public.users",)
    assert summaries(users) == [
        ("20250203120000_bio", "table moved from schema public to app"),
        ("20250203120000_bio", "column bio added (text)"),
    ]


def test_sql_types_in_drizzle_kit_spelling():
    st, _ = sqlddl.parse_migration(
        'CREATE TABLE "t" ("a" timestamp(3) with time zone, "b" numeric(10, 2), "c" int8[], '
        '"d" "catalog"."mood", "e" char(2), "f" double precision DEFAULT 1.5, "g" jsonb DEFAULT \'{}\'::jsonb);',
        "t.sql")
    (table,) = [op.table for s in st for op in s.ops]
    assert [c.type for c in table.columns] == [
        "timestamp (3) with time zone", "numeric(10, 2)", "bigint[]", "catalog.mood", "char(2)",
        "double precision", "jsonb"]
    assert sqlddl.canonical_expr(table.column("g").default) == sqlddl.canonical_expr("'{}'::jsonb")


def test_snapshot_meta_renames_are_used(tmp_path):
    """Older drizzle-kit records renames in the snapshot's _meta (quoted keys)."""
    root = copy_fixture("history-basic", tmp_path)
    mig = root / MIG
    (mig / "0004_rename_user_name.sql").write_text("-- rename recorded in the snapshot only\nSELECT 1;\n")
    snap_path = mig / "meta" / "0004_snapshot.json"
    snap = json.loads(snap_path.read_text())
    snap["_meta"]["columns"] = {'"public"."users"."name"': '"public"."users"."display_name"'}
    snap_path.write_text(json.dumps(snap))
    h = load_history(project(root))
    assert ("0004_rename_user_name", "column name renamed to display_name") in summaries(h.table("users"))
    assert h.table("users").added_in("display_name").tag == "0000_create_users_posts"


def test_replay_hand_written_ddl():
    sql = """
CREATE TYPE "mood" AS ENUM ('sad', 'ok');
CREATE TABLE "a" ("id" integer NOT NULL, "k" text, "m" "mood", CONSTRAINT "a_k_key" UNIQUE ("k"));
ALTER TABLE "a" ADD CONSTRAINT "a_pk" PRIMARY KEY ("id", "k");
CREATE UNIQUE INDEX "a_k_idx" ON "a" USING btree (lower("k") DESC NULLS LAST) WHERE "k" IS NOT NULL;
ALTER INDEX "a_k_idx" RENAME TO "a_lower_k_idx";
ALTER TABLE "a" RENAME CONSTRAINT "a_k_key" TO "a_k_unique";
ALTER TYPE "mood" ADD VALUE 'happy' AFTER 'ok';
ALTER TYPE "mood" ADD VALUE 'meh' BEFORE 'ok';
ALTER TABLE "a" ENABLE ROW LEVEL SECURITY;
CREATE POLICY "a_read" ON "a" FOR SELECT USING (true);
DROP INDEX "a_lower_k_idx";
"""
    statements, diags = sqlddl.parse_migration(sql, "x.sql")
    assert diags == ()
    s = replay.apply(Schema(), [op for st in statements for op in st.ops])
    a = s.table("a")
    assert a.primary_key.columns == ("id", "k") and a.primary_key.composite
    assert [u.name for u in a.uniques] == ["a_k_unique"]
    assert a.indexes == () and a.rls_enabled
    assert s.enum("public.mood").values == ("sad", "meh", "ok", "happy")
    touches = [op for st in statements for op in st.ops if isinstance(op, Touch)]
    assert [(t.key, t.summary) for t in touches] == [("public.a", "policy a_read created")]
    (ix,) = [op.index for st in statements for op in st.ops if isinstance(op, sqlddl.CreateIndex)]
    assert ix.unique and ix.columns[0].is_expression and not ix.columns[0].asc and ix.columns[0].nulls == "last"
    assert ix.where == "k IS NOT NULL"


def test_odd_shapes_never_raise(tmp_path):
    """Wrong-shaped JSON and undecodable SQL are diagnostics, never exceptions."""
    root = copy_fixture("history-basic", tmp_path)
    mig = root / MIG
    (mig / "meta" / "_journal.json").write_text(json.dumps(
        {"entries": [{"idx": "x", "tag": "0000_create_users_posts", "when": "soon"}, 7, {"idx": 1}]}))
    (mig / "meta" / "0000_snapshot.json").write_text(json.dumps({"version": "7", "dialect": "postgresql",
                                                                 "tables": [1, 2]}))
    (mig / "meta" / "0003_snapshot.json").write_text(json.dumps({"version": "7", "dialect": "postgresql",
                                                                 "tables": {"public.t": {"columns": []}}}))
    (mig / "0002_posts_author_index.sql").write_bytes(b"\xff\xfe\x00garbage")
    h = load_history(project(root))
    codes = sorted(d.code for d in h.diagnostics)
    assert codes.count("migration-journal") == 3  # two entries without a tag, a `when` that is no time
    assert any("`when` \"soon\" is not a time" in d.message for d in h.diagnostics)
    assert "migration-snapshot" in codes and "migration-sql" in codes
    assert h.migrations[0].ref.tag == "0000_create_users_posts" and h.migrations[0].ref.when is None
    history_text(h)
    json.dumps(history_json(h))


def test_deeply_nested_journal_and_snapshot_json_are_diagnostics_not_crashes(tmp_path):
    """JSON nested past Python's recursion limit is reported like any malformed file."""
    import shutil

    from drizzle_doc.project.config import load_projects
    from drizzle_doc.history.migrations import load_history
    from drizzle_doc.drizzle.extract import extract

    src = Path(__file__).resolve().parents[1] / "fixtures" / "history-basic"
    shutil.copytree(src, tmp_path / "p", ignore=shutil.ignore_patterns("node_modules"))
    meta = next((tmp_path / "p").rglob("meta"))
    deep = "[" * 100_000 + "]" * 100_000
    (meta / "0001_snapshot.json").write_text(deep)
    (meta / "_journal.json").write_text('{"entries": ' + deep + "}")
    (project,) = load_projects(tmp_path / "p")
    history = load_history(project, extract(project))
    files = {d.file for d in history.diagnostics}
    assert any(f and f.endswith("_journal.json") for f in files)
    assert any(f and f.endswith("0001_snapshot.json") for f in files)
    assert history.migrations  # the SQL files are still read


def test_index_and_expression_equality_ignores_spelling_only():
    """Drift compares expressions as PostgreSQL re-prints them; equal text is equal without parsing."""
    from drizzle_doc.dialects.postgres import POSTGRES
    from drizzle_doc.model.compare import aspects

    def _same_index(a, b):
        return not aspects("index", a, b, POSTGRES)

    assert spelling.same_expr('"users"."age" > 0', '("users"."age" > 0)')
    assert spelling.same_expr(None, None) and not spelling.same_expr("0", None)
    assert not spelling.same_expr('"age" > 0', '"age" > 1')
    assert spelling.same_type("integer", "int4") and not spelling.same_type("integer", "bigint")

    lower = Index("u_email", (IndexColumn('lower("email")', True),), unique=True)
    assert _same_index(lower, Index("u_email", (IndexColumn("lower(email)", True),), unique=True))
    assert _same_index(lower, dataclasses.replace(lower, description=lower.description, line=9))
    for changed in (dataclasses.replace(lower, unique=False), dataclasses.replace(lower, method="hash"),
                    dataclasses.replace(lower, where='"email" IS NOT NULL'),
                    dataclasses.replace(lower, columns=(IndexColumn('upper("email")', True),)),
                    dataclasses.replace(lower, columns=(IndexColumn('lower("email")', True, asc=False),)),
                    dataclasses.replace(lower, columns=lower.columns * 2)):
        assert not _same_index(lower, changed), changed


def test_statements_the_snapshot_describes_are_counted_but_not_parsed():
    """A migration's CREATE TABLE / CREATE INDEX / FOREIGN KEY / CREATE TYPE statements that its own
    snapshot holds are listed (same numbers and lines) without being parsed; the rest still are."""
    mig = FIXTURES / "example" / "drizzle" / "migrations"
    sql = (mig / "0000_initial.sql").read_text()
    snap = load_snapshot(json.loads((mig / "meta" / "0000_snapshot.json").read_text()))
    fast, d1 = sqlddl.parse_migration(sql, "0000_initial.sql", snap)
    full, d2 = sqlddl.parse_migration(sql, "0000_initial.sql")
    assert d1 == d2 == ()
    assert [(s.number, s.line) for s in fast] == [(s.number, s.line) for s in full]
    assert len(fast) == sql.count("--> statement-breakpoint") + 1 == 28
    assert not any(s.ops for s in fast)
    # a statement the snapshot does not hold is parsed: an index, a foreign key and a table it lacks
    extra = ('CREATE INDEX "tasks_extra_idx" ON "tasks" USING btree ("title");--> statement-breakpoint\n'
             'ALTER TABLE "tasks" ADD CONSTRAINT "tasks_x_fk" FOREIGN KEY ("id") REFERENCES "public"."users"("id")'
             ' ON DELETE cascade ON UPDATE no action;--> statement-breakpoint\n'
             'CREATE TABLE "ghost" ("id" integer);')
    more, _ = sqlddl.parse_migration(sql + "--> statement-breakpoint\n" + extra, "x.sql", snap)
    assert [type(op).__name__ for s in more[28:] for op in s.ops] == ["CreateIndex", "AddConstraint", "CreateTable"]


def test_snapshot_boolean_and_number_defaults_read_as_sql():
    snap = load_snapshot(json.loads((FIXTURES / "barrel" / "drizzle" / "meta" / "0000_snapshot.json").read_text()))
    defaults = {c.default for t in snap.tables for c in t.columns}
    assert "false" in defaults and "0" in defaults and "False" not in defaults


def test_replaced_schema_does_not_keep_a_stale_table_index():
    a = Schema(tables=(Table(name="a", columns=()),))
    assert a.table("a") is not None  # builds the index
    b = dataclasses.replace(a, tables=(*a.tables, Table(name="b", columns=())))
    assert b.table("b") is not None and "public.b" in b.tables_by_key()
