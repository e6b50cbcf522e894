"""verify without a server: URL masking, spelling normalisation, comparison, output formats."""

from __future__ import annotations

import json
import re

import pytest

from drizzle_doc.dialects.postgres.catalog import CatalogComments
from drizzle_doc.dialects.postgres.spelling import drizzle_type, normalize_expr, type_key
from drizzle_doc.model import (
    Check,
    Column,
    Doc,
    Enum,
    ForeignKey,
    Identity,
    Index,
    IndexColumn,
    PrimaryKey,
    Schema,
    Table,
    UniqueConstraint,
    View,
)
from drizzle_doc.commands.verify import (
    DB_ONLY,
    DIFFERS,
    MODEL_ONLY,
    compare,
    compare_comments,
    mask_text,
    mask_url,
    render_github,
    render_json,
    render_text,
    scope_schemas,
    table_in_filter,
    with_db_comments,
)

# ---------------------------------------------------------------------------
# mask_url
# ---------------------------------------------------------------------------


@pytest.mark.parametrize("url, masked", [
    ("postgresql://app:s3cret@db:5432/app", "postgresql://app:***@db:5432/app"),
    ("postgres://app:p%40ss@db/app?sslmode=require", "postgres://app:***@db/app?sslmode=require"),
    ("postgresql://app:pa@ss@db/app", "postgresql://app:***@db/app"),  # unencoded @ in the password
    ("postgresql://app@db/app", "postgresql://app@db/app"),
    ("postgresql://db/app?user=app&password=s3cret", "postgresql://db/app?user=app&password=***"),
    ("postgresql://app:@db/app", "postgresql://app:***@db/app"),
    ("host=db user=app password=s3cret dbname=app", "host=db user=app password=*** dbname=app"),
    ("host=db password='s3 cret' dbname=app", "host=db password=*** dbname=app"),
    # every form libpq accepts: ? # / in the password, sslpassword, query and key=value spellings
    ("postgresql://u:pa?ss@host/db", "postgresql://u:***@host/db"),
    ("postgresql://u:pa#ss@host/db", "postgresql://u:***@host/db"),
    ("postgresql://u:pa/ss@host/db", "postgresql://u:***@host/db"),
    ("postgresql://u:pw@h/db?sslpassword=k3y&password=qq", "postgresql://u:***@h/db?sslpassword=***&password=***"),
    ("postgresql://h/db?password=s3cret&user=u", "postgresql://h/db?password=***&user=u"),
    ("host=h sslpassword=k3y password = s3cret", "host=h sslpassword=*** password = ***"),
    ("postgresql://u:pw@h1:5432,h2:5433/db", "postgresql://u:***@h1:5432,h2:5433/db"),
    ("postgresql://u:s3cret@h/db?options=-c%20x%3Ds3cret", "postgresql://u:***@h/db?options=-c%20x%3D***"),
    ("", ""),
])
def test_mask_url(url, masked):
    assert mask_url(url) == masked


def test_mask_url_is_one_bounded_line():
    shown = mask_url("postgresql://u:s3cret@" + "h" * 300 + "/db")
    assert len(shown) == 200 and shown.endswith("…") and "s3cret" not in shown


def test_mask_text_removes_the_password_in_any_spelling():
    url = "postgresql://app:p%40ss@db/app"
    text = f"could not connect to {url}: password p@ss and p%40ss rejected"
    out = mask_text(text, url)
    assert "p@ss" not in out and "p%40ss" not in out
    assert "postgresql://app:***@db/app" in out


# ---------------------------------------------------------------------------
# Spelling
# ---------------------------------------------------------------------------


@pytest.mark.parametrize("formatted, dims, expected", [
    ("character varying(255)", 0, "varchar(255)"),
    ("character varying", 0, "varchar"),
    ("character(2)", 0, "char(2)"),
    ("timestamp(3) with time zone", 0, "timestamp (3) with time zone"),
    ("timestamp without time zone", 0, "timestamp"),
    ("timestamp(6) without time zone", 0, "timestamp (6)"),
    ("time(3) with time zone", 0, "time(3) with time zone"),
    ("time without time zone", 0, "time"),
    ("numeric(10,2)", 0, "numeric(10, 2)"),
    ("text[]", 1, "text[]"),
    ("integer[]", 2, "integer[][]"),
    ("double precision", 0, "double precision"),
    ('"catalog"."Status"', 0, "catalog.Status"),
    ("public.vector(3)", 0, "vector(3)"),
])
def test_drizzle_type(formatted, dims, expected):
    assert drizzle_type(formatted, dims) == expected


@pytest.mark.parametrize("db, model", [
    ("'x'::text", "'x'"),
    ("'it''s'::text", "'it''s'"),
    ("'-5'::integer", "-5"),
    ("'-5'::integer", -5),
    ("9.99", "'9.99'"),
    ("1.5", 1.5),
    ("true", True),
    ("'{}'::jsonb", "'{}'::jsonb"),
    ("'{\"a\": 1, \"b\": [1, 2]}'::jsonb", "'{\"b\":[1,2],\"a\":1}'::jsonb"),
    ("'{1,2}'::integer[]", "'{1,2}'"),
    ("'draft'::catalog.product_status", "'draft'"),
    ("now()", "now()"),
    ("(price > (0)::numeric)", '"catalog"."products"."price" > 0'),
    ("(age > 0)", '"users"."age" > 0'),
    ("lower((email)::text)", 'lower("email")'),
    ("status = ANY (ARRAY['a'::task_status, 'b'::task_status])", "\"tasks\".\"status\" in ('a', 'b')"),
    ("'2024-01-01 00:00:00'::timestamp without time zone", "'2024-01-01 00:00:00'"),
    ("'x'::character varying", "'x'"),
    ("'1 day'::interval day to second(3)", "'1 day'"),
    ("(now() + '1 day'::interval)", "now() + interval '1 day'"),
    ("'{ok}'::mood[]", "'{\"ok\"}'"),
    ("'{a,b}'::character varying[]", "'{\"a\",\"b\"}'"),
    ("(email)::text ~~ '%@%'::text", "\"people\".\"email\" like '%@%'"),
    ("(weight >= 0) AND (weight <= 100)", "\"t\".\"weight\" between 0 and 100"),
    ("CURRENT_TIMESTAMP", "current_timestamp"),
])
def test_normalize_expr_equal(db, model):
    assert normalize_expr(db) == normalize_expr(model)


@pytest.mark.parametrize("a, b", [
    ("'x'::text", "'y'"),
    ("'A b'::text", "'a b'"),  # literal text keeps its case and spaces
    ("42", "43"),
    ("(age > 0)", '"users"."age" >= 0'),
    ("'{\"a\":1}'::jsonb", "'{\"a\":2}'::jsonb"),
    ("now()", None),
])
def test_normalize_expr_different(a, b):
    assert normalize_expr(a) != normalize_expr(b)


def test_type_key_tolerates_spacing_and_public_prefix():
    assert type_key("timestamp(3) with time zone") == type_key("timestamp (3) with time zone")
    assert type_key("public.mood") == type_key("mood")
    assert type_key("numeric(10,2)") == type_key("numeric(10, 2)")
    assert type_key("varchar(255)") != type_key("varchar(100)")
    assert type_key("numeric(5,0)") == type_key("numeric(5)")


def test_long_names_compare_as_postgres_stores_them():
    from drizzle_doc.commands.verify import pg_name
    long = "reviews_author_id_favourite_product_id_favourites_person_id_product_id_fk"
    assert pg_name(long) == long[:63]
    assert pg_name("é" * 40) == "é" * 31  # cut on a character boundary (63 bytes)
    model = Schema(tables=(Table(name="t", foreign_keys=(ForeignKey(long, ("a",), "public", "t", ("b",)),)),))
    live = Schema(tables=(Table(name="t", foreign_keys=(
        ForeignKey(long[:63], ("a",), "public", "t", ("b",), on_update="no action"),)),))
    assert run(model, live) == ()


def test_table_in_filter_globs_and_negation():
    assert table_in_filter("users", ())
    assert table_in_filter("app_users", ("app_*",))
    assert not table_in_filter("users", ("app_*",))
    assert not table_in_filter("app_tmp", ("app_*", "!app_tmp"))
    assert table_in_filter("users", ("!tmp_*",))


# ---------------------------------------------------------------------------
# compare
# ---------------------------------------------------------------------------

F = "src/schema.ts"


def model_schema() -> Schema:
    users = Table(
        name="users", file=F, line=10,
        columns=(
            Column("id", "id", "uuid", not_null=True, primary_key=True, default="gen_random_uuid()", file=F, line=11),
            Column("email", "email", "varchar(255)", not_null=True, file=F, line=12),
            Column("name", "name", "text", default="'anon'", file=F, line=13),
            Column("mood", "mood", "mood", enum="public.mood", file=F, line=14),
            Column("n", "n", "integer", not_null=True, identity=Identity(type="always", name="users_n_seq"),
                   file=F, line=15),
        ),
        indexes=(Index("users_name_idx", (IndexColumn("name"),), file=F, line=18),),
        uniques=(UniqueConstraint("users_email_unique", ("email",), from_column=True),),
        checks=(Check("name_len", 'length("users"."name") > 0', file=F, line=19),),
    )
    posts = Table(
        name="posts", schema="blog", file=F, line=30,
        columns=(
            Column("id", "id", "serial", not_null=True, file=F, line=31),
            Column("author_id", "authorId", "uuid", file=F, line=32),
        ),
        primary_key=PrimaryKey("posts_id_pk", ("id",), composite=True, file=F, line=35),
        foreign_keys=(ForeignKey("posts_author_id_users_id_fk", ("author_id",), "public", "users", ("id",),
                                 on_delete="cascade", file=F, line=32),),
    )
    return Schema(
        tables=(users, posts),
        enums=(Enum("mood", ("sad", "happy"), file=F, line=3),),
        views=(View("active", file=F, line=40),),
    )


def live_schema() -> Schema:
    """What read_catalog returns for a database built from model_schema()'s migration."""
    users = Table(
        name="users",
        columns=(
            Column("id", "id", "uuid", not_null=True, default="gen_random_uuid()"),
            Column("email", "email", "varchar(255)", not_null=True),
            Column("name", "name", "text", default="'anon'::text"),
            Column("mood", "mood", "mood", enum="public.mood"),
            Column("n", "n", "integer", not_null=True, identity=Identity(type="always", name="users_n_seq")),
        ),
        primary_key=PrimaryKey("users_pkey", ("id",)),
        indexes=(Index("users_name_idx", (IndexColumn("name"),)),),
        uniques=(UniqueConstraint("users_email_unique", ("email",)),),
        checks=(Check("name_len", "length(name) > 0"),),
    )
    posts = Table(
        name="posts", schema="blog",
        columns=(
            Column("id", "id", "serial", not_null=True),
            Column("author_id", "author_id", "uuid"),
        ),
        primary_key=PrimaryKey("posts_id_pk", ("id",)),
        foreign_keys=(ForeignKey("posts_author_id_users_id_fk", ("author_id",), "public", "users", ("id",),
                                 on_delete="cascade", on_update="no action"),),
    )
    return Schema(tables=(users, posts), enums=(Enum("mood", ("sad", "happy")),), views=(View("active"),))


def run(model: Schema, live: Schema):
    return compare(model, live, schemas=scope_schemas(model))


def replace_table(schema: Schema, key: str, **changes) -> Schema:
    from dataclasses import replace
    return replace(schema, tables=tuple(replace(t, **changes) if t.key == key else t for t in schema.tables))


def test_identical_schemas_have_no_drift():
    assert run(model_schema(), live_schema()) == ()


def test_scope_is_the_models_schemas_or_the_filter():
    assert scope_schemas(model_schema()) == ("blog", "public")
    assert scope_schemas(model_schema(), ("public",)) == ("public",)
    assert scope_schemas(Schema()) == ("public",)


def test_table_only_in_database_and_only_in_models():
    live = live_schema()
    from dataclasses import replace
    live = replace(live, tables=live.tables[:1] + (Table(name="audit"),))
    diags = run(model_schema(), live)
    assert [(d.code, d.file, d.line) for d in diags] == [(DB_ONLY, None, None), (MODEL_ONLY, F, 30)]
    assert 'table "public.audit"' in diags[0].message
    assert "changed by hand, or a migration the models never got?" in diags[0].message
    assert 'table "blog.posts"' in diags[1].message and "migration not applied?" in diags[1].message


def test_column_drift_is_anchored_at_the_model():
    live = live_schema()
    users = live.tables[0]
    from dataclasses import replace
    cols = list(users.columns)
    cols[2] = replace(cols[2], default="'someone'::text")  # changed default
    cols[1] = replace(cols[1], type="varchar(100)", not_null=False)  # type and NOT NULL
    cols.append(Column("nickname", "nickname", "text"))  # added by hand
    live = replace_table(live, "public.users", columns=tuple(cols))
    diags = run(model_schema(), live)
    assert [(d.code, d.line) for d in diags] == [(DB_ONLY, 10), (DIFFERS, 12), (DIFFERS, 12), (DIFFERS, 13)]
    by_line = {}
    for d in diags:
        by_line.setdefault(d.line, []).append(d.message)
    assert by_line[10] == ['column "public.users.nickname": in the database but not in the models '
                           "(changed by hand, or a migration the models never got?)"]
    assert sorted(by_line[12]) == sorted([
        'column "public.users.email": the type is varchar(100) in the database but varchar(255) in the models',
        'column "public.users.email": NOT NULL is not set in the database but set in the models',
    ])
    assert by_line[13] == ["column \"public.users.name\": the default is 'someone'::text in the database "
                           "but 'anon' in the models"]
    assert len(diags) == 4


def test_index_fk_unique_check_enum_view_drift():
    from dataclasses import replace
    live = live_schema()
    users, posts = live.tables
    users = replace(
        users,
        indexes=(Index("users_name_idx", (IndexColumn("name", asc=False),), where="name <> ''::text"),
                 Index("users_email_idx", (IndexColumn("lower((email)::text)", is_expression=True),), unique=True)),
        uniques=(),
        checks=(Check("name_len", "length(name) > 1"),),
    )
    posts = replace(posts, foreign_keys=(replace(posts.foreign_keys[0], on_delete="set null"),))
    live = replace(live, tables=(users, posts), enums=(Enum("mood", ("sad", "happy", "meh")),),
                   views=(View("active", materialized=True),))
    diags = run(model_schema(), live)
    msgs = [d.message for d in diags]
    assert 'index "users_email_idx" on "public.users" (lower((email)::text)): in the database but not in the models ' \
           "(changed by hand, or a migration the models never got?)" in msgs
    assert 'index "users_name_idx" on "public.users": the column list is (name DESC NULLS LAST) in the database but (name) ' \
           "in the models" in msgs
    assert "index \"users_name_idx\" on \"public.users\": the WHERE clause is name <> ''::text in the database " \
           "but none in the models" in msgs
    assert 'unique constraint "users_email_unique" on "public.users": in the models but not in the database ' \
           "(migration not applied?)" in msgs
    assert 'check constraint "name_len" on "public.users": the expression is length(name) > 1 in the database ' \
           'but length("users"."name") > 0 in the models' in msgs
    assert 'foreign key "posts_author_id_users_id_fk" on "blog.posts": ON DELETE is set null in the database ' \
           "but cascade in the models" in msgs
    assert "enum value \"public.mood\".'meh': in the database but not in the models " \
           "(changed by hand, or a migration the models never got?)" in msgs
    assert 'view "public.active": materialized is True in the database but False in the models' in msgs
    assert len(diags) == 8
    unique_finding = next(d for d in diags if "users_email_unique" in d.message)
    assert (unique_finding.file, unique_finding.line) == (F, 10)  # no own line: the table's


def test_primary_key_and_identity_drift():
    from dataclasses import replace
    live = live_schema()
    users, posts = live.tables
    cols = list(users.columns)
    cols[4] = replace(cols[4], identity=Identity(type="byDefault", name="users_n_seq"))
    live = replace(live, tables=(replace(users, columns=tuple(cols), primary_key=None), posts))
    diags = run(model_schema(), live)
    msgs = [d.message for d in diags]
    assert 'primary key on "public.users" (id): in the models but not in the database (migration not applied?)' in msgs
    assert 'column "public.users.n": identity is generated byDefault in the database but generated always ' \
           "in the models" in msgs
    assert 'column "public.users.id": NOT NULL is set in the database but set in the models' not in msgs
    assert len(diags) == 2


def test_drizzle_migrations_table_and_out_of_scope_schemas_are_ignored():
    from dataclasses import replace
    live = live_schema()
    live = replace(live, tables=live.tables + (Table(name="__drizzle_migrations", schema="public"),
                                               Table(name="other", schema="elsewhere")))
    assert run(model_schema(), live) == ()


# ---------------------------------------------------------------------------
# Output
# ---------------------------------------------------------------------------


def drift():
    from dataclasses import replace
    live = live_schema()
    live = replace(live, tables=live.tables + (Table(name="audit"),))
    users = live.tables[0]
    live = replace_table(live, "public.users", columns=users.columns[:-1])
    return run(model_schema(), live)


def test_render_text_is_checks_format_grouped_per_file():
    text = render_text(drift(), database="postgresql://app:***@db/app")
    lines = text.splitlines()
    assert lines[0] == "(database only)"
    assert re.fullmatch(r"\s+-\s+error\s+table \"public\.audit\": in the database but not in the models "
                        r"\(changed by hand, or a migration the models never got\?\)\s+\[db-only\]", lines[1])
    assert lines[2].strip().startswith("fix: add it to the models")
    assert "src/schema.ts" in lines
    i = lines.index("src/schema.ts")
    assert re.fullmatch(r"\s+15\s+error\s+column \"public\.users\.n\": in the models but not in the database .*\[model-only\]", lines[i + 1])
    assert lines[-1] == ("drizzle-doc verify: 2 errors, 0 warnings (1 only in the database, 1 only in the models, "
                         "0 different with postgresql://app:***@db/app)")
    assert render_text(()) == "drizzle-doc verify: the models agree with the database\n"


def test_render_json_is_checks_document_with_database_and_schemas():
    payload = json.loads(render_json(drift(), database="postgresql://db/app", schemas=("public",)))
    assert list(payload) == ["version", "ok", "summary", "database", "schemas", "findings"]
    assert payload["version"] == 1 and payload["ok"] is False
    assert payload["database"] == "postgresql://db/app"
    assert payload["schemas"] == ["public"]
    assert payload["summary"] == {"errors": 2, "warnings": 0, "infos": 0, "dbOnly": 1, "modelOnly": 1, "differs": 0}
    assert [set(f) for f in payload["findings"]] == [
        {"rule", "severity", "file", "line", "table", "message", "fix", "diff"}] * 2
    assert payload["findings"][0]["file"] is None and payload["findings"][0]["rule"] == "db-only"
    assert payload["findings"][1]["file"] == F and payload["findings"][1]["line"] == 15
    assert payload["findings"][1]["fix"]


def test_render_github_annotations():
    lines = render_github(drift()).splitlines()
    assert len(lines) == 3
    assert re.fullmatch(r"::error title=drizzle-doc db-only::table \"public\.audit\": in the database but not in the models .* Fix: .*", lines[0])
    assert lines[1].startswith("::error file=src/schema.ts,line=15,title=drizzle-doc model-only::column \"public.users.n\":")
    assert lines[2] == "drizzle-doc verify: 2 errors, 0 warnings"
    assert render_github(()) == "drizzle-doc verify: 0 errors, 0 warnings\n"


def test_render_github_escapes_newlines_and_percent():
    from drizzle_doc.model import Diagnostic
    out = render_github([Diagnostic("warning", "a,b:c.ts", 3, "100% sure\nreally")])
    assert out.splitlines()[0] == "::warning file=a%2Cb%3Ac.ts,line=3,title=drizzle-doc verify::100%25 sure%0Areally"


# ---------------------------------------------------------------------------
# Descriptions from COMMENT ON
# ---------------------------------------------------------------------------


def test_with_db_comments_fills_only_missing_descriptions():
    from dataclasses import replace
    schema = model_schema()
    schema = replace_table(schema, "public.users", description=Doc(text="People."))
    comments = CatalogComments(
        tables=((("public", "users"), "DB people"), (("blog", "posts"), "Blog posts.")),
        columns=((("public", "users", "email"), "Login address."), (("blog", "posts", "nope"), "x")),
    )
    out = with_db_comments(schema, comments)
    assert out.table("users").description.text == "People."  # JSDoc wins
    assert out.table("posts", "blog").description.text == "Blog posts."
    assert out.table("users").column("email").description.text == "Login address."
    assert out.table("users").column("name").description.text == ""
    assert schema.table("posts", "blog").description.text == ""  # the input is untouched
    warnings = compare_comments(schema, comments, ("public", "blog"))
    assert [(d.severity, d.code, d.line) for d in warnings] == [("warning", "comment-differs", 10)]


def test_verify_without_its_extra_says_how_to_install_it(monkeypatch, tmp_path):
    """Without psycopg (the [verify] extra) verify is one line with the install command, exit 2."""
    import sys

    from click.testing import CliRunner

    from drizzle_doc.cli import cli

    for name in [m for m in sys.modules if m == "psycopg" or m.startswith("psycopg.")]:
        monkeypatch.delitem(sys.modules, name)
    monkeypatch.setitem(sys.modules, "psycopg", None)  # import psycopg -> ImportError
    result = CliRunner().invoke(cli, ["verify", "--root", str(tmp_path), "--database-url",
                                      "postgresql://u:s3cret@127.0.0.1:1/db"])
    assert result.exit_code == 2, result.output
    assert result.output.strip().splitlines() == [
        "drizzle-doc: error: verify needs the PostgreSQL driver psycopg, which is not installed: "
        "pip install 'drizzle-doc[verify]'"]


# ---------------------------------------------------------------------------
# MySQL / MariaDB and SQLite: spelling, URLs, names the database does not keep
# ---------------------------------------------------------------------------


@pytest.mark.parametrize("url, masked", [
    ("mysql://app:s3cret@db:3306/shop", "mysql://app:***@db:3306/shop"),
    ("mysql://app:s3cret@db/shop?ssl-mode=REQUIRED", "mysql://app:***@db/shop?ssl-mode=REQUIRED"),
    ("libsql://db-org.turso.io?authToken=eyJhbGciOi", "libsql://db-org.turso.io?authToken=***"),
    ("file:local.db?authToken=eyJhbGciOi", "file:local.db?authToken=***"),
    ("file:/data/app.db", "file:/data/app.db"),
])
def test_mask_url_other_dialects(url, masked):
    assert mask_url(url) == masked


@pytest.mark.parametrize("db, model", [
    ("int(11)", "int"), ("bigint(20) unsigned", "bigint unsigned"), ("tinyint(1)", "boolean"),
    ("year(4)", "year"), ("double", "real"), ("decimal(10,0)", "decimal"), ("char(1)", "char"),
    ("time", "time(0)"), ("enum('a','b')", "enum('a', 'b')"),
])
def test_mysql_types_the_same(db, model):
    from drizzle_doc.dialects import get_dialect

    assert get_dialect("mysql").same_type(db, model)


@pytest.mark.parametrize("db, model", [
    ("current_timestamp(3)", "(now())"), ("current_timestamp()", "CURRENT_TIMESTAMP"), ("1", "true"),
    ("0", "false"), ("0.00", "'0.00'"), ("'{\"a\":1}'", "('{\"a\":1}')"), ("'it''s'", "'it\\'s'"),
    ("`tier` between 0 and 5", "`customers`.`tier` between 0 and 5"),
    ("(`tier` between 0 and 5)", "`customers`.`tier` between 0 and 5"),
    ("concat(`a`,_utf8mb4' ',`b`)", "concat(`t`.`a`, ' ', `t`.`b`)"), ("-5", "'-5'"),
])
def test_mysql_expressions_the_same(db, model):
    from drizzle_doc.dialects import get_dialect

    assert get_dialect("mysql").same_expr(db, model)


@pytest.mark.parametrize("db, model", [
    ("'A'", "'a'"), ("'1.0'", "'1'"), ("1", "2"), ("`a` > 0", "`a` >= 0"), ("'x'", None),
    ("current_timestamp(3)", "'now'"),
])
def test_mysql_expressions_that_differ(db, model):
    from drizzle_doc.dialects import get_dialect

    assert not get_dialect("mysql").same_expr(db, model)


def test_sqlite_defaults_equal_up_to_outer_parentheses():
    from drizzle_doc.dialects import get_dialect

    sqlite = get_dialect("sqlite")
    assert sqlite.same_expr("unixepoch()", "(unixepoch())") and sqlite.same_expr("`a` > 1", '"a" > 1')
    assert not sqlite.same_expr("(1) + (2)", "1 + 2")


def test_names_a_database_does_not_keep_are_taken_from_the_model():
    from drizzle_doc.model.compare import adopt_names

    live = Table("t", schema="main", primary_key=PrimaryKey("t_a_b_pk", ("a", "b"), True), foreign_keys=(
        ForeignKey("t_a_u_id_fk", ("a",), "main", "u", ("id",)), ForeignKey("t_b_v_id_fk", ("b",), "main", "v", ("id",))))
    model = Table("t", schema="main", primary_key=PrimaryKey("t_custom_pk", ("a", "b"), True), foreign_keys=(
        ForeignKey("t_to_u", ("a",), "main", "u", ("id",), on_delete="cascade"),))
    out = adopt_names(live, model, ("foreign_key", "primary_key"))
    assert [f.name for f in out.foreign_keys] == ["t_to_u", "t_b_v_id_fk"]  # paired by columns, the rest kept
    assert out.primary_key.name == "t_custom_pk" and out.foreign_keys[0].on_delete is None
    assert adopt_names(live, model, ()) is live


def test_mysql_8_and_mariadb_default_spellings_become_drizzle_kits():
    """information_schema.COLUMNS.COLUMN_DEFAULT as each server reports it (MariaDB is tested
    live in test_verify_mysql.py; these are MySQL 8's documented spellings)."""
    from drizzle_doc.dialects import get_dialect
    from drizzle_doc.dialects.mysql.catalog import _default

    mysql = get_dialect("mysql")
    assert _default("default", "", "varchar", mariadb=False) == "'default'"
    assert _default("it's", "", "varchar", mariadb=False) == "'it''s'"
    assert _default("0.00", "", "decimal", mariadb=False) == "0.00"
    assert _default("CURRENT_TIMESTAMP(3)", "default_generated", "timestamp", mariadb=False) == "CURRENT_TIMESTAMP(3)"
    json8 = _default("_utf8mb4\\'{\"region\":\"eu\"}\\'", "default_generated", "json", mariadb=False)
    assert mysql.same_expr(json8, "('{\"region\":\"eu\"}')")
    assert _default(None, "", "int", mariadb=False) is None
    assert _default("NULL", "", "int", mariadb=True) is None  # MariaDB: no default on a nullable column
    assert _default("'NULL'", "", "varchar", mariadb=True) == "'NULL'"  # the string
    assert mysql.same_expr(_default("'en_US'", "", "char", mariadb=True), "'en_US'")


@pytest.mark.parametrize("dialect, url, expected", [
    ("postgresql", "mysql://u:hunter2@h/db", "this is a PostgreSQL project: --database-url must be a postgresql:// URL"),
    ("postgresql", "file:./local.db", "this is a PostgreSQL project"),
    ("mysql", "postgresql://u:hunter2@h/db", "this is a MySQL project: --database-url must be a mysql:// URL"),
    ("mysql", "./local.db", "this is a MySQL project"),
    ("sqlite", "mysql://u:hunter2@h/db", "this is a SQLite project: --database-url must be a SQLite file"),
])
def test_a_url_of_another_dialect_is_a_usage_error(dialect, url, expected):
    from drizzle_doc.commands.verify import verify
    from drizzle_doc.errors import UsageError

    with pytest.raises(UsageError) as info:
        verify(Schema(dialect=dialect), url)
    assert str(info.value).startswith(expected) and "hunter2" not in str(info.value)
