"""``inspect --format sql``: the DDL the models imply, held statement for statement against the
pinned ``drizzle-kit export`` on every fixture project (tests/oracle) and every drizzle-kit
generation its dialect's export is written for (PostgreSQL: 0.31; MySQL and SQLite: 0.31 and
1.0), plus unit tests of the spelling on hand-made models and a golden per fixture
(tests/golden/fixtures/<name>/export/).

drizzle-kit 0.31's ``export`` drops the config's ``casing`` (it builds its snapshot with casing
undefined), so for a project whose config sets ``casing`` the oracle is ``drizzle-kit generate``'s
first migration instead: the same diff of the empty schema against the models, with casing
(drizzle-kit 1.0 applies no config casing, so its ``export`` is the oracle as it is).  0.31's
MySQL export first prints the schema files it reads ("Reading schema files:"): those lines go.
Statements are compared as a multiset: within a group drizzle-kit's order is its module loader's
export order (alphabetical per file), drizzle-doc keeps the models' order.  A statement the model
cannot state (a view defined with the query builder) is a ``--`` comment in ours and is counted
apart, never silently.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from collections import Counter
from dataclasses import replace
from pathlib import Path

import pytest
from click.testing import CliRunner

sys.path.insert(0, str(Path(__file__).resolve().parent / "oracle"))

from harness import (DRIZZLE_KIT, FixtureProject, generations_of, OracleError, copy_project, discover,  # noqa: E402
                     find_migration_dirs, oracle_available, run_generate)

from drizzle_doc.cli import cli  # noqa: E402
from drizzle_doc.dialects import get_dialect  # noqa: E402
from drizzle_doc.dialects.base import Dialect  # noqa: E402
from drizzle_doc.dialects.postgres import POSTGRES  # noqa: E402
from drizzle_doc.drizzle.extract import extract  # noqa: E402
from drizzle_doc.model import (Check, Column, Enum, ForeignKey, Identity, Index, IndexColumn, Policy,  # noqa: E402
                               PrimaryKey, Schema, Table, UniqueConstraint, View)
from drizzle_doc.project.config import load_projects  # noqa: E402

REPO = Path(__file__).resolve().parent.parent
FIXTURES = REPO / "fixtures"
GOLDEN = REPO / "tests" / "golden" / "fixtures"
REGEN = os.environ.get("DRIZZLE_DOC_REGEN") == "1"
NAMES = sorted(p.name for p in FIXTURES.iterdir() if p.is_dir() and not p.name.startswith("."))
PROJECTS = discover()
UNSTATED = re.compile(r'^-- (MATERIALIZED VIEW|VIEW|TABLE) ((?:"[^"]*"\.)?"[^"]*"|`[^`]*`): '
                      r'(?:its definition is not static|not all of it is known)', re.M)
#: the drizzle-kit generations whose ``export`` each dialect's DDL is written for
EXPORTED = {"postgresql": ("0",), "mysql": ("0", "1"), "sqlite": ("0", "1")}


def split_statements(text: str) -> list[str]:
    """SQL text -> statements (each stripped, with its ``;``), ``--`` lines and breakpoints dropped.
    A ``;`` inside a quoted string or identifier does not end a statement."""
    text = text.replace("--> statement-breakpoint", "\n")
    text = "\n".join(line for line in text.splitlines() if not line.lstrip().startswith("--"))
    out, cur, quote = [], [], None
    for ch in text:
        cur.append(ch)
        if quote:
            quote = None if ch == quote else quote
        elif ch in "'\"":
            quote = ch
        elif ch == ";":
            stmt = "".join(cur).strip()
            cur = []
            if stmt:
                out.append(stmt)
    if "".join(cur).strip():
        out.append("".join(cur).strip())
    return out


# ---------------------------------------------------------------------------
# The spelling, on hand-made models (no Node)
# ---------------------------------------------------------------------------


def _schema() -> Schema:
    items = Table(
        name="items", schema="catalog",
        columns=(
            Column("id", "id", "integer", not_null=True, primary_key=True,
                   identity=Identity("always", "items_id_seq", "catalog", "1", "1", "1", "2147483647", "1")),
            Column("status", "status", "catalog.item_status[]", not_null=True, enum="catalog.item_status"),
            Column("ip", "ip", "inet"),
            Column("tiny", "tiny", "smallserial", not_null=True),
            Column("at", "at", "timestamp (3) with time zone", default="now()"),
            Column("label", "label", "text", generated=None, default="'it''s'"),
        ),
        indexes=(Index("items_lower_idx", (IndexColumn('lower("label")', is_expression=True),
                                           IndexColumn("at", asc=False, nulls="first")),
                       unique=True, where='"catalog"."items"."id" > 0', with_=(("fillfactor", "70"),)),),
        checks=(Check("items_id_ck", '"catalog"."items"."id" > 0'),),
    )
    links = Table(
        name="links",
        columns=(Column("a", "a", "integer", not_null=True, primary_key=True),
                 Column("b", "b", "integer", not_null=True, primary_key=True)),
        primary_key=PrimaryKey("links_a_b_pk", ("a", "b"), composite=True),
        foreign_keys=(ForeignKey("links_a_fk", ("a",), "catalog", "items", ("id",), on_delete="cascade"),),
        uniques=(UniqueConstraint("links_b_unique", ("b",), nulls_not_distinct=True, from_column=True),),
        policies=(Policy("links_read", for_="select", to=("public", "auditor"), using="true"),),
    )
    return Schema(tables=(items, links), enums=(Enum("item_status", ("new", "o'ld"), "catalog"),),
                  views=(View("v", definition=None), View("w", materialized=True, definition="select 1")))


def test_statements_are_spelled_as_drizzle_kit_spells_them():
    sql = POSTGRES.export_sql(_schema())
    assert sql.startswith('CREATE SCHEMA "catalog";\n\nCREATE TYPE "catalog"."item_status" AS ENUM(\'new\', \'o\'\'ld\');\n')
    assert ('\t"id" integer PRIMARY KEY GENERATED ALWAYS AS IDENTITY (sequence name "catalog"."items_id_seq" '
            'INCREMENT BY 1 MINVALUE 1 MAXVALUE 2147483647 START WITH 1 CACHE 1),\n') in sql  # no NOT NULL
    assert '\t"status" "catalog"."item_status"[] NOT NULL,\n' in sql
    assert '\t"ip" "inet",\n\t"tiny" "smallserial" NOT NULL,\n' in sql
    assert '\t"at" timestamp (3) with time zone DEFAULT now(),\n' in sql
    assert '\tCONSTRAINT "items_id_ck" CHECK ("catalog"."items"."id" > 0)\n);\n' in sql
    # a composite key's columns say no PRIMARY KEY; a column's .unique() is a table constraint
    assert ('CREATE TABLE "links" (\n\t"a" integer NOT NULL,\n\t"b" integer NOT NULL,\n'
            '\tCONSTRAINT "links_a_b_pk" PRIMARY KEY("a","b"),\n'
            '\tCONSTRAINT "links_b_unique" UNIQUE NULLS NOT DISTINCT("b")\n);\n') in sql
    assert 'ALTER TABLE "links" ENABLE ROW LEVEL SECURITY;' in sql
    assert ('ALTER TABLE "links" ADD CONSTRAINT "links_a_fk" FOREIGN KEY ("a") REFERENCES "catalog"."items"("id") '
            'ON DELETE cascade ON UPDATE no action;') in sql
    assert ('CREATE UNIQUE INDEX "items_lower_idx" ON "catalog"."items" USING btree (lower("label"),"at" DESC NULLS FIRST) '
            'WITH (fillfactor=70) WHERE "catalog"."items"."id" > 0;') in sql
    assert 'CREATE POLICY "links_read" ON "links" AS PERMISSIVE FOR SELECT TO public, "auditor" USING (true);' in sql
    assert '-- VIEW "public"."v": its definition is not static' in sql
    assert 'CREATE MATERIALIZED VIEW "public"."w" AS (select 1);' in sql


def test_statements_come_in_drizzle_kit_s_order():
    kinds = [s.split(" (")[0].split(" ")[0:2] for s in split_statements(POSTGRES.export_sql(_schema()))]
    order = [" ".join(k) for k in kinds]
    assert order == ["CREATE SCHEMA", "CREATE TYPE", "CREATE TABLE", "CREATE TABLE", "ALTER TABLE", "ALTER TABLE",
                     "CREATE UNIQUE", "CREATE MATERIALIZED", "CREATE POLICY"], order


def _flat_schema(dialect: str, kit: str) -> Schema:
    """One MySQL or SQLite table with each kind of constraint, named as ``kit`` names them."""
    mysql = dialect == "mysql"
    pk = PrimaryKey(("PRIMARY" if kit == "1" else "nodes_id") if mysql else ("nodes_pk" if kit == "1" else "nodes_pkey"),
                    ("id",))
    nodes = Table(
        name="nodes", schema="public" if mysql else "main",
        columns=(Column("id", "id", "int" if mysql else "integer", not_null=kit == "0" or mysql, primary_key=True,
                        autoincrement=True),
                 Column("parent_id", "parentId", "int"),
                 Column("label", "label", "varchar(9)" if mysql else "text", not_null=True, default="'x'")),
        primary_key=pk,
        foreign_keys=(ForeignKey("nodes_parent_fk", ("parent_id",), "public", "nodes", ("id",),
                                 on_delete="CASCADE" if kit == "1" else "cascade"),),
        indexes=(Index("nodes_label_idx", (IndexColumn("label"),)),
                 Index("nodes_lower_idx", (IndexColumn("lower(`label`)", is_expression=True),), unique=True)),
        uniques=(UniqueConstraint("nodes_label_parent_key", ("label", "parent_id")),) if not mysql else (),
        checks=(Check("nodes_id_ck", "`nodes`.`id` > 0"),),
    )
    view = View("v", "public" if mysql else "main", definition="select 1",
                options=(("algorithm", "merge"), ("withCheckOption", "cascaded")) if mysql else ())
    return Schema(dialect=dialect, tables=(nodes,), views=(view, View("old", existing=True), View("q")))


def test_mysql_statements_per_generation():
    sql0 = get_dialect("mysql").export_sql(_flat_schema("mysql", "0"), "0")
    assert ("CREATE TABLE `nodes` (\n\t`id` int AUTO_INCREMENT NOT NULL,\n\t`parent_id` int,\n"
            "\t`label` varchar(9) NOT NULL DEFAULT 'x',\n\tCONSTRAINT `nodes_id` PRIMARY KEY(`id`),\n"
            "\tCONSTRAINT `nodes_lower_idx` UNIQUE(lower(`label`)),\n"
            "\tCONSTRAINT `nodes_id_ck` CHECK(`nodes`.`id` > 0)\n);\n") in sql0
    assert ("ALTER TABLE `nodes` ADD CONSTRAINT `nodes_parent_fk` FOREIGN KEY (`parent_id`) REFERENCES `nodes`(`id`) "
            "ON DELETE cascade ON UPDATE no action;") in sql0
    assert "CREATE INDEX `nodes_label_idx` ON `nodes` (`label`);" in sql0
    assert "CREATE ALGORITHM = merge\nSQL SECURITY definer\nVIEW `v` AS (select 1)\nWITH cascaded CHECK OPTION;" in sql0
    assert "-- VIEW `q`: its definition is not static" in sql0 and "`old`" not in sql0
    sql1 = get_dialect("mysql").export_sql(_flat_schema("mysql", "1"), "1")
    # a lone table keeps its foreign keys, without actions
    assert ("CREATE TABLE `nodes` (\n\t`id` int AUTO_INCREMENT PRIMARY KEY,\n\t`parent_id` int,\n"
            "\t`label` varchar(9) NOT NULL DEFAULT 'x',\n\tCONSTRAINT `nodes_lower_idx` UNIQUE INDEX(lower(`label`)),\n"
            "\tCONSTRAINT `nodes_parent_fk` FOREIGN KEY (`parent_id`) REFERENCES `nodes`(`id`),\n"
            "\tCONSTRAINT `nodes_id_ck` CHECK(`nodes`.`id` > 0)\n);\n") in sql1
    assert "ALTER TABLE" not in sql1
    assert "CREATE ALGORITHM = merge SQL SECURITY definer VIEW `v` AS (select 1) WITH cascaded CHECK OPTION;" in sql1
    two = replace(_flat_schema("mysql", "1"), tables=_flat_schema("mysql", "1").tables + (Table("other"),))
    assert ("ALTER TABLE `nodes` ADD CONSTRAINT `nodes_parent_fk` FOREIGN KEY (`parent_id`) REFERENCES `nodes`(`id`) "
            "ON DELETE CASCADE;") in get_dialect("mysql").export_sql(two, "1")


def test_sqlite_statements_per_generation():
    sql0 = get_dialect("sqlite").export_sql(_flat_schema("sqlite", "0"), "0")
    assert ("CREATE TABLE `nodes` (\n\t`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,\n\t`parent_id` int,\n"
            "\t`label` text DEFAULT 'x' NOT NULL,\n"
            "\tFOREIGN KEY (`parent_id`) REFERENCES `nodes`(`id`) ON UPDATE no action ON DELETE cascade,\n"
            "\tCONSTRAINT nodes_label_parent_key UNIQUE(`label`,`parent_id`),\n"
            '\tCONSTRAINT "nodes_id_ck" CHECK(`nodes`.`id` > 0)\n);\n') in sql0
    assert "CREATE UNIQUE INDEX `nodes_lower_idx` ON `nodes` (lower(`label`));" in sql0
    assert "CREATE VIEW `v` AS select 1;" in sql0
    sql1 = get_dialect("sqlite").export_sql(_flat_schema("sqlite", "1"), "1")
    assert ("CREATE TABLE `nodes` (\n\t`id` integer PRIMARY KEY AUTOINCREMENT,\n\t`parent_id` int,\n"
            "\t`label` text DEFAULT 'x' NOT NULL,\n"
            "\tCONSTRAINT `nodes_parent_fk` FOREIGN KEY (`parent_id`) REFERENCES `nodes`(`id`) ON DELETE CASCADE,\n"
            "\tCONSTRAINT `nodes_label_parent_key` UNIQUE(`label`,`parent_id`),\n"
            '\tCONSTRAINT "nodes_id_ck" CHECK(`nodes`.`id` > 0)\n);\n') in sql1
    named = replace(_flat_schema("sqlite", "1").tables[0], primary_key=PrimaryKey("nodes_id_key", ("id",)))
    assert "CONSTRAINT `nodes_id_key` PRIMARY KEY(`id`)" in get_dialect("sqlite").export_sql(Schema(tables=(named,)), "1")


def test_a_dialect_without_an_export_says_so():
    with pytest.raises(NotImplementedError, match="no DDL export"):
        Dialect().export_sql(Schema())


def test_split_statements_keeps_semicolons_inside_quotes():
    assert split_statements("-- x\nA 'a;b';--> statement-breakpoint\nB \"c;\";\n") == ["A 'a;b';", 'B "c;";']


# ---------------------------------------------------------------------------
# Goldens: `inspect --format sql` on every fixture folder
# ---------------------------------------------------------------------------


def _inspect(fmt: str, name: str):
    """``inspect --format FMT --root fixtures/NAME`` by someone standing in that root (a monorepo's
    headers name its projects from there)."""
    here = os.getcwd()
    os.chdir(FIXTURES / name)
    try:
        return CliRunner().invoke(cli, ["inspect", "--format", fmt, "--root", str(FIXTURES / name)])
    finally:
        os.chdir(here)


def check_golden(path: Path, text: str) -> None:
    if REGEN:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    assert path.is_file(), f"{path} missing: DRIZZLE_DOC_REGEN=1 pytest {Path(sys.argv[0]).name}"
    assert path.read_text(encoding="utf-8") == text, f"{path} differs (regenerate with DRIZZLE_DOC_REGEN=1)"


@pytest.mark.parametrize("name", NAMES)
def test_sql_golden(name):
    result = _inspect("sql", name)
    assert result.exit_code in (0, 1), result.output
    check_golden(GOLDEN / name / "export" / "inspect.sql", result.stdout)


def test_several_projects_are_one_document_each_with_a_header():
    out = _inspect("sql", "monorepo").stdout
    headers = re.findall(r"^-- drizzle-doc project: (.+)$", out, re.M)
    assert headers == ["packages/a (drizzle.config.mjs)", "packages/b (drizzle.config.ts)"], headers


# ---------------------------------------------------------------------------
# The oracle: drizzle-kit export (generate where the config sets casing)
# ---------------------------------------------------------------------------


def _project(fixture: FixtureProject):
    projects = load_projects(root=fixture.path)
    if fixture.config is not None:
        projects = [p for p in projects if p.config_file and Path(p.config_file).name == fixture.config]
    assert len(projects) == 1, projects
    return projects[0]


def kit_sql(fixture: FixtureProject, casing: bool, tmp: Path, kit: str = "0") -> str:
    """What drizzle-kit generation ``kit`` exports for the fixture (0.31 with a config casing: its
    first migration)."""
    work = tmp / "project"
    config = copy_project(fixture, work, kit)
    for d in find_migration_dirs(work):
        shutil.rmtree(d)
    if casing and kit == "0":  # export ignores casing: the first migration is the same diff, with it
        run_generate(work, config, name="oracle")
        (migrations,) = find_migration_dirs(work)
        return "\n".join(p.read_text(encoding="utf-8") for p in sorted(migrations.glob("*.sql")))
    if kit == "0":
        cmd = [str(DRIZZLE_KIT), "export", "--config", config]
    else:
        cmd = ["node", "--preserve-symlinks", "--preserve-symlinks-main", "node_modules/drizzle-kit/bin.cjs",
               "export", "--config", config]
    proc = subprocess.run(cmd, cwd=work, capture_output=True, text=True, timeout=180, stdin=subprocess.DEVNULL,
                          env=dict(os.environ, NO_COLOR="1", FORCE_COLOR="0"))
    if proc.returncode != 0 or proc.stderr.strip():
        raise OracleError(f"drizzle-kit export failed (exit {proc.returncode}):\n{proc.stdout}{proc.stderr}")
    return _without_file_list(proc.stdout)


def _without_file_list(text: str) -> str:
    """0.31's MySQL export: "Reading schema files:" and a path a line before the statements."""
    lines = text.splitlines(keepends=True)
    if lines and lines[0].startswith("Reading schema files:"):
        lines.pop(0)
        while lines and lines[0].strip() and not lines[0].startswith(("CREATE", "ALTER")):
            lines.pop(0)
    return "".join(lines)


def compare_statements(ours_text: str, kit: list[str]) -> tuple[int, list[str], list[str]]:
    """(equal, kit's statements ours lacks, ours that kit lacks); statements of views the model
    cannot state (a comment in ours) are taken out of kit's first."""
    unstated = [name for _, name in UNSTATED.findall(ours_text)]
    kit = [s for s in kit if not any(s.startswith("CREATE ") and re.search(rf"\bVIEW {re.escape(n)} AS", s)
                                     or re.match(rf"(CREATE TABLE|ALTER TABLE|CREATE (UNIQUE )?INDEX \S+ ON) "
                                                 rf"{re.escape(n)}[ (]", s) for n in unstated)]
    a, b = Counter(split_statements(ours_text)), Counter(kit)
    return sum((a & b).values()), sorted((b - a).elements()), sorted((a - b).elements())


def _runs():
    """(fixture, kit) for every drizzle-kit generation the fixture is valid in and its dialect's
    export is written for."""
    out = []
    for f in PROJECTS:
        if (f.path / ".oracle-skip").exists():
            out.append(pytest.param(f, "0", id=f"{f.id}@kit0", marks=pytest.mark.skip(reason=f"{f.id}/.oracle-skip")))
            continue
        dialect = _project(f).dialect
        for kit in generations_of(f):
            if kit in EXPORTED[dialect]:
                out.append(pytest.param(f, kit, id=f"{f.id}@kit{kit}"))
    return out


@pytest.mark.oracle
@pytest.mark.parametrize("fixture,kit", _runs())
def test_export_equals_drizzle_kit_statement_for_statement(fixture: FixtureProject, kit: str, tmp_path: Path):
    reason = oracle_available(kit)
    if reason is not None:
        if os.environ.get("CI"):
            pytest.fail(f"drizzle-kit oracle unavailable in CI: {reason}")
        pytest.skip(f"drizzle-kit oracle unavailable: {reason}")
    project = replace(_project(fixture), kit=kit)
    ours = get_dialect(project.dialect).export_sql(extract(project), kit)
    kit_statements = split_statements(kit_sql(fixture, project.casing is not None, tmp_path, kit))
    equal, missing, extra = compare_statements(ours, kit_statements)
    print(f"{fixture.id}@kit{kit}: {equal}/{len(kit_statements)} statements equal, "
          f"{len(UNSTATED.findall(ours))} not stated (views, tables with unknowns)")
    assert not missing and not extra, (
        f"{fixture.id}@kit{kit}: {equal}/{len(kit_statements)} equal\n"
        + "\n".join(f"drizzle-kit only: {s}" for s in missing)
        + "\n" + "\n".join(f"drizzle-doc only: {s}" for s in extra))
    assert equal > 0

