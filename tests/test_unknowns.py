"""Partial evaluation never drops a known fact (issue 16).

What a schema's TypeScript means is evaluated as TypeScript would (optional chaining and
comparisons on omitted arguments are ``undefined``); a value that cannot be evaluated
statically becomes unknown *in the model* (``Column.unknown``), the column keeps its name and
builder, pages say what is unknown and why, and drift and verify never compare an unknown as
a value.  Whole projects: fixtures/unknowns (held against the real drizzle-kit by
tests/test_oracle.py, which counts the facts our JSON marks unknown instead of comparing them).
"""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from drizzle_doc.cli import cli
from drizzle_doc.dialects import dialect_for
from drizzle_doc.docs.render import column_constraints, unknown_note
from drizzle_doc.drizzle.extract import extract
from drizzle_doc.history.drift import compute_drift
from drizzle_doc.history.migrations import load_history
from drizzle_doc.model import Column, ForeignKey, Schema, Table, UnknownPart
from drizzle_doc.model.compare import compare_tables
from drizzle_doc.output.serialize import column_json
from drizzle_doc.project.config import load_projects
from test_extract import CONFIG, write

REPO = Path(__file__).resolve().parent.parent
FIXTURE = REPO / "fixtures" / "unknowns"
HDR = 'import { pgTable, text, integer, varchar, timestamp, uuid } from "drizzle-orm/pg-core";\n'


def columns(tmp_path: Path, body: str, extra: str = "") -> tuple[dict[str, Column], Schema]:
    """The columns of table ``t`` declared with ``body`` (after ``extra`` top-level code)."""
    write(tmp_path, {"drizzle.config.ts": CONFIG,
                     "src/schema.ts": HDR + extra + f"\nexport const t = pgTable(\"t\", {{\n{body}\n}});\n"})
    (project,) = load_projects(tmp_path)
    schema = extract(project)
    (table,) = schema.tables
    return {c.property: c for c in table.columns}, schema


def parts(c: Column) -> dict[str, str]:
    return {u.part: u.reason for u in c.unknown}


# ---------------------------------------------------------------------------
# Evaluated as TypeScript would: nothing unknown here
# ---------------------------------------------------------------------------

CUID = """
const createId = () => "x";
const cuid = (name: string, options?: { default?: boolean }) =>
  options?.default === false ? text(name) : text(name).$defaultFn(() => createId());
"""


def test_an_omitted_options_argument_is_undefined_so_the_helper_gives_its_column(tmp_path):
    cols, schema = columns(tmp_path, '  id: cuid("id").primaryKey(),\n  plain: cuid("plain", { default: false }),', CUID)
    assert cols["id"].primary_key and cols["id"].app_default == "$defaultFn(() => createId())" and not cols["id"].unknown
    assert cols["plain"].app_default is None and not cols["plain"].unknown
    assert schema.tables[0].pk_columns == ("id",)
    assert not [d for d in schema.diagnostics if d.file == "src/schema.ts"]


@pytest.mark.parametrize("expr, length", [
    ("o?.a?.b ?? 7", 7),             # the chain short-circuits on the first undefined
    ("o?.a.b.c ?? 8", 8),            # ...and the rest of it is not read
    ("o?.[k] ?? 9", 9),
    ("o?.f?.() ?? 10", 10),
    ("(typeof o === 'undefined') ? 11 : 0", 11),
    ("(o == null) ? 12 : 0", 12),   # undefined == null
    ("(o === null) ? 0 : 13", 13),  # undefined !== null
    ("(1 === 1.0) ? 14 : 0", 14),
    ("(2 > 1 && 'a' < 'b') ? 15 : 0", 15),
    ("({ a: 1 } === undefined) ? 0 : 16", 16),  # an object is never undefined
])
def test_optional_chaining_typeof_and_comparisons_on_an_omitted_argument(tmp_path, expr, length):
    extra = f"const len = (o?: any, k = 'x') => {expr};\n"
    cols, _ = columns(tmp_path, '  c: varchar("c", { length: len() }),', extra)
    assert cols["c"].type == f"varchar({length})" and not cols["c"].unknown


def test_a_path_that_throws_gives_no_value_and_assignments_to_locals_are_followed(tmp_path):
    extra = """
function money(name: string, scale = 2) {
  if (scale < 0) throw new Error("negative");
  let col = varchar(name, { length: 10 });
  if (scale > 1) { col = col.notNull(); }
  return col;
}
function runtime(name: string) {
  if (process.env.STRICT) throw new Error("no");
  return text(name).notNull();
}
"""
    cols, _ = columns(tmp_path, '  m: money("m"),\n  r: runtime("r"),', extra)
    assert cols["m"].not_null and not cols["m"].unknown
    assert cols["r"].not_null and not cols["r"].unknown  # the other path throws: this one is the value


# ---------------------------------------------------------------------------
# What cannot be evaluated is unknown, with the rest kept
# ---------------------------------------------------------------------------


def test_a_run_time_condition_keeps_what_both_branches_agree_on(tmp_path):
    extra = """
const strict = process.env.STRICT === "1";
function stamp(name: string) {
  if (process.env.TZ) {
    return timestamp(name, { withTimezone: true }).notNull().defaultNow();
  }
  return timestamp(name).notNull().defaultNow();
}
"""
    body = """  name: strict ? varchar("name", { length: 80 }).notNull() : varchar("name", { length: 80 }),
  fixed: (strict ? text("fixed") : text("fixed").notNull()).notNull(),
  at: stamp("at"),
  other: strict ? text("a") : integer("a"),"""
    cols, schema = columns(tmp_path, body, extra)
    name = cols["name"]
    assert name.type == "varchar(80)" and list(parts(name)) == ["not_null"] and not name.not_null
    assert "process.env.STRICT" in parts(name)["not_null"] and "run-time" in parts(name)["not_null"]
    assert name.unknown[0].file == "src/schema.ts" and name.unknown[0].line == 12  # the ternary
    assert cols["fixed"].not_null and not cols["fixed"].unknown  # set after the choice: known again
    at = cols["at"]
    assert at.type == "unknown" and list(parts(at)) == ["type"] and at.not_null and at.default == "now()"
    other = cols["other"]  # two different builders: nothing but the key is known
    assert other.name == "other" and other.type == "unknown" and list(parts(other)) == ["name"]
    warned = {d.message for d in schema.diagnostics if d.severity == "warning"}
    assert any("'other'" in m and "documented as unknown" in m for m in warned)
    assert not [d for d in schema.diagnostics if d.severity == "error"]


def test_statements_that_are_not_followed_make_the_column_unknown_not_lost(tmp_path):
    extra = """
function sized(kind: string) {
  switch (kind) { case "s": return varchar("code", { length: 8 }); default: return text("code"); }
}
function looped() { for (const x of [1]) { return text("l"); } return text("l"); }
"""
    cols, _ = columns(tmp_path, '  code: sized("s"),\n  l: looped(),\n  ok: integer("ok"),', extra)
    assert list(cols) == ["code", "l", "ok"]
    assert "`switch` statement" in parts(cols["code"])["name"]
    assert "`for` statement" in parts(cols["l"])["name"]
    assert cols["ok"].type == "integer" and not cols["ok"].unknown


def test_a_builder_option_that_is_not_static_makes_the_type_unknown_not_wrong(tmp_path):
    extra = 'import { LIMITS, OPTS, MODE } from "@acme/limits";\n'
    body = """  a: varchar("a", { length: LIMITS.name }),
  b: timestamp("b", OPTS),
  c: integer("c", { mode: MODE }),
  d: varchar("d", { length: 20 }),"""
    cols, _ = columns(tmp_path, body, extra)
    assert cols["a"].type == "unknown" and "option `length` is not static" in parts(cols["a"])["type"]  # not varchar()
    assert cols["b"].type == "unknown" and set(parts(cols["b"])) == {"type", "mode"}
    assert cols["c"].type == "integer" and list(parts(cols["c"])) == ["mode"]  # integer's type takes no option
    assert cols["d"].type == "varchar(20)" and not cols["d"].unknown


def test_a_default_from_a_package_is_unknown_not_none(tmp_path):
    extra = 'import { DEFAULT_ROLE } from "@acme/constants";\n'
    cols, schema = columns(tmp_path, '  role: text("role").notNull().default(DEFAULT_ROLE),', extra)
    role = cols["role"]
    assert role.default is None and role.not_null and role.type == "text"
    (u,) = role.unknown
    assert u == UnknownPart("default", "import from package '@acme/constants' is not followed")
    assert (u.file, u.line) == ("src/schema.ts", 2)  # the import it comes from
    assert column_json(role)["unknown"] == {"default": {
        "reason": "import from package '@acme/constants' is not followed", "file": "src/schema.ts", "line": 2}}
    assert "unknown" not in column_json(dataclasses.replace(role, unknown=()))  # additive: only when present


def test_a_reference_decided_at_run_time_is_unknown_and_no_foreign_key_is_invented(tmp_path):
    extra = 'export const a = pgTable("a", { id: uuid("id").primaryKey() });\n' \
            'export const b = pgTable("b", { id: uuid("id").primaryKey() });\n'
    write(tmp_path, {"drizzle.config.ts": CONFIG, "src/schema.ts": HDR + extra +
                     'export const t = pgTable("t", { ref: uuid("ref").references(() => process.env.X ? a.id : b.id),'
                     ' same: uuid("same").references(() => process.env.X ? a.id : a.id) });\n'})
    (project,) = load_projects(tmp_path)
    t = next(t for t in extract(project).tables if t.name == "t")
    assert "references" in parts(t.column("ref")) and not t.column("same").unknown
    assert [fk.columns for fk in t.foreign_keys] == [("same",)]


# ---------------------------------------------------------------------------
# Never compared as a value: drift, verify and history share the one comparator
# ---------------------------------------------------------------------------

PG = dialect_for("postgresql")


def _col(name, type_="text", **kw):
    return Column(name=name, property=name, type=type_, **kw)


def test_unknown_parts_are_never_differences():
    migrated = Table("t", columns=(_col("role", default="'user'", not_null=True), _col("n", "integer", not_null=True),
                                   _col("ref", "uuid"), _col("gone")),
                     foreign_keys=(ForeignKey("t_ref_u_id_fk", ("ref",), "public", "u", ("id",)),))
    why = UnknownPart("default", "import from package 'x' is not followed")
    model = Table("t", columns=(
        _col("role", not_null=True, unknown=(why,)),
        _col("n", "unknown", unknown=(dataclasses.replace(why, part="type"), dataclasses.replace(why, part="not_null"))),
        _col("ref", "uuid", unknown=(dataclasses.replace(why, part="references"),)),
        _col("mystery", "unknown", unknown=(dataclasses.replace(why, part="name"),)),
    ))
    assert compare_tables(migrated, model, PG) == []
    assert compare_tables(model, migrated, PG) == []
    # what is known is still compared
    known = dataclasses.replace(model, columns=(dataclasses.replace(model.columns[0], type="varchar(3)"), *model.columns[1:]))
    assert [(d.name, d.aspect) for d in compare_tables(migrated, known, PG)] == [("role", "type")]


def test_drift_on_the_fixture_has_no_finding_and_check_passes():
    (project,) = load_projects(FIXTURE)
    schema = extract(project)
    history = load_history(project, schema)
    assert history.drift == ()
    unknown = {(t.name, c.name): sorted(u.part for u in c.unknown) for t in schema.tables for c in t.columns if c.unknown}
    assert unknown == {("users", "name"): ["not_null"], ("users", "created_at"): ["type"], ("jobs", "code"): ["name"],
                       ("jobs", "stop_signal"): ["default"], ("jobs", "owner_id"): ["references"]}
    # without the marks the same model drifts: the marks are what keeps "none in the models" away
    unmarked = dataclasses.replace(schema, tables=tuple(dataclasses.replace(
        t, columns=tuple(dataclasses.replace(c, unknown=()) for c in t.columns)) for t in schema.tables))
    kinds = {d.kind for d in compute_drift(unmarked, _migrated(project))}
    assert {"column.default", "column.type", "foreign_key.extra"} <= kinds


def _migrated(project):
    from drizzle_doc.history.migrations import read_history

    return read_history(project)[1]


def test_pages_say_what_is_unknown_and_why():
    u = UnknownPart("default", "import from package '@acme/x' is not followed", "src/a.ts", 3)
    assert unknown_note(u) == ("_default unknown (could not be evaluated statically: import from package "
                               "'@acme/x' is not followed, src/a.ts:3)_")
    assert unknown_note(dataclasses.replace(u, part="name", reason="a `switch` | b")) == (
        "_unknown (could not be evaluated statically: a \\`switch\\` \\| b, src/a.ts:3)_")
    t = Table("t", columns=(_col("role", not_null=True, unknown=(u,)),))
    assert column_constraints(t, t.columns[0], {}, {}) == ["NOT NULL", unknown_note(u)]


def test_the_fixture_pages_and_json_mark_each_unknown(tmp_path):
    r = CliRunner().invoke(cli, ["inspect", "--format", "json", "--root", str(FIXTURE)])
    payload = json.loads(r.stdout)
    jobs = next(t for t in payload["tables"] if t["name"] == "jobs")
    code = next(c for c in jobs["columns"] if c["name"] == "code")
    assert code["type"] == "unknown" and code["unknown"]["name"]["file"] == "src/db/columns.ts"
    out = tmp_path / "docs"
    r = CliRunner().invoke(cli, ["generate", "--root", str(FIXTURE), "--out", str(out), "--no-cache"])
    assert r.exit_code == 0, r.output
    page = (out / "jobs.md").read_text()
    row = next(line for line in page.splitlines() if line.startswith("| `stop_signal`"))
    assert "NOT NULL, _default unknown (could not be evaluated statically: import from package 'node:os'" in row
    row = next(line for line in page.splitlines() if line.startswith("| `code`"))
    assert row.startswith("| `code` | _unknown_ | _unknown (could not be evaluated statically: a \\`switch\\` statement")


def test_an_argument_of_a_column_method_that_is_not_static_marks_its_part(tmp_path):
    extra = 'import { N, ACTION, NAME, START } from "@acme/config";\nexport const o = pgTable("o", { id: integer("id").primaryKey() });\n'
    body = """  arr: integer("arr").array(N),
  ref: integer("ref").references(() => o.id, { onDelete: ACTION }),
  uq: text("uq").unique(NAME),
  ident: integer("ident").generatedAlwaysAsIdentity({ startWith: START }),"""
    write(tmp_path, {"drizzle.config.ts": CONFIG,
                     "src/schema.ts": HDR + extra + f"export const t = pgTable(\"t\", {{\n{body}\n}});\n"})
    (project,) = load_projects(tmp_path)
    t = next(t for t in extract(project).tables if t.name == "t")
    assert {c.name: sorted(parts(c)) for c in t.columns} == {
        "arr": ["type"], "ref": ["references"], "uq": ["unique"], "ident": ["identity"]}
    assert t.column("arr").type == "unknown" and not t.column("uq").unique and t.column("ident").identity is None
    assert t.column("ident").not_null  # what the method sets regardless of its options is known


def test_a_run_time_condition_in_a_nested_block_is_followed_to_the_end_of_the_function(tmp_path):
    extra = """
function col(name: string) {
  let c = text(name);
  {
    if (process.env.STRICT) { c = c.notNull(); }
  }
  return c;
}
function known(name: string) {
  let c = text(name);
  { if (name === "k") { c = c.notNull(); } else { return integer(name); } }
  return c;
}
"""
    cols, _ = columns(tmp_path, '  c: col("c"),\n  k: known("k"),\n  i: known("i"),', extra)
    assert list(parts(cols["c"])) == ["not_null"] and cols["c"].type == "text"  # never "known nullable"
    assert cols["k"].not_null and cols["k"].type == "text" and not cols["k"].unknown
    assert cols["i"].type == "integer" and not cols["i"].unknown


def test_conditions_within_conditions_stop_doubling_and_say_so(tmp_path):
    extra = "const f = (n: any): any => n.x ? f(n.a) : f(n.b);\n"  # both ways, forever
    cols, _ = columns(tmp_path, '  c: f(process.env),\n  ok: integer("ok"),', extra)
    assert "run-time values" in parts(cols["c"])["name"] and cols["ok"].type == "integer"


def test_ddl_and_dbml_state_no_guess():
    from drizzle_doc.output.dbml import render_dbml

    why = UnknownPart("default", "import from package 'x' is not followed")
    known = Table("k", columns=(_col("id", "integer", primary_key=True, not_null=True),))
    partly = Table("p", columns=(_col("role", not_null=True, unknown=(why,)),),
                   foreign_keys=(ForeignKey("p_role_k_id_fk", ("role",), "public", "k", ("id",)),))
    sql = PG.export_sql(Schema(tables=(known, partly)))
    assert 'CREATE TABLE "k" (' in sql and 'CREATE TABLE "p"' not in sql and 'ALTER TABLE "p"' not in sql
    assert ('-- TABLE "p": not all of it is known statically (not exported): "role" default: import from package '
            "'x' is not followed") in sql
    dbml = render_dbml(Schema(tables=(partly,)))
    assert "role text [not null, note: 'default unknown: import from package \\'x\\' is not followed']" in dbml


def test_no_finding_and_no_page_note_claims_what_is_unknown(tmp_path):
    from drizzle_doc.docs.render import performance_notes
    from drizzle_doc.lint.checks import CHECKS, context
    from drizzle_doc.project.settings import Settings

    extra = "const strict = process.env.STRICT === '1';\n"
    body = '  id: strict ? text("id").primaryKey() : text("id"),\n  key: strict ? uuid("key") : text("key"),'
    _, schema = columns(tmp_path, body, extra)
    (t,) = schema.tables
    assert t.pk_columns == () and t.pk_unknown
    ctx = context(schema, Settings())
    assert CHECKS["primary-key"](t, ctx) == [] and CHECKS["uuid-pk"](t, ctx) == []
    assert not any("No primary key" in n for n in performance_notes(t, schema))
    uuid_keyed = dataclasses.replace(t, columns=(dataclasses.replace(t.columns[1], primary_key=True),))
    assert uuid_keyed.pk_columns == ("key",) and CHECKS["uuid-pk"](uuid_keyed, ctx) == []  # its type is unknown
    known = dataclasses.replace(t, columns=(_col("id"),))
    assert CHECKS["primary-key"](known, ctx) and not known.pk_unknown


def test_enum_values_from_a_package_are_unknown_and_never_drift(tmp_path):
    from drizzle_doc.model import Enum
    from drizzle_doc.output.serialize import enum_json

    write(tmp_path, {"drizzle.config.ts": CONFIG, "src/schema.ts": """
        import { pgEnum, pgTable, integer } from "drizzle-orm/pg-core";
        import { ROLES } from "@acme/roles";
        export const role = pgEnum("role", ROLES);
        export const t = pgTable("t", { id: integer("id").primaryKey(), role: role("role").notNull() });
        """})
    (project,) = load_projects(tmp_path)
    schema = extract(project)
    (e,) = schema.enums
    assert e.values == () and e.unknown == UnknownPart("values", "import from package '@acme/roles' is not followed")
    assert (e.unknown.file, e.unknown.line) == ("src/schema.ts", 2)
    assert enum_json(e)["unknown"]["values"]["reason"].startswith("import from package")
    assert [d.severity for d in schema.diagnostics if d.code == "dynamic-enum"] == ["warning"]
    migrated = dataclasses.replace(schema, enums=(Enum("role", ("admin", "member")),))
    assert compute_drift(schema, migrated) == ()


def test_mysql_enum_values_and_a_column_name_not_static_are_unknown_warnings(tmp_path):
    write(tmp_path, {"drizzle.config.ts": 'export default { dialect: "mysql", schema: "./src/schema.ts" };\n',
                     "src/schema.ts": """
        import { mysqlTable, mysqlEnum, int, varchar } from "drizzle-orm/mysql-core";
        import { STATES, COLUMN } from "@acme/states";
        export const t = mysqlTable("t", {
          id: int("id").primaryKey(),
          state: mysqlEnum("state", STATES).notNull(),
          other: varchar(COLUMN, { length: 5 }),
        });
        """})
    (project,) = load_projects(tmp_path)
    schema = extract(project)
    cols = {c.property: c for c in schema.tables[0].columns}
    assert cols["state"].type == "unknown" and list(parts(cols["state"])) == ["type"] and cols["state"].not_null
    assert list(parts(cols["other"])) == ["name"]
    assert not [d for d in schema.diagnostics if d.severity == "error"]


def test_a_method_on_a_column_whose_name_is_unknown_keeps_it_unknown(tmp_path):
    """`text(process.env.COL).notNull()`: the name stays unknown (was an internal error, found by
    tests/test_robustness_fuzz.py); what the method sets is known."""
    cols, _ = columns(tmp_path, '  x: text(process.env.COL).notNull(),\n  ok: integer("ok"),')
    assert list(parts(cols["x"])) == ["name"] and cols["ok"].type == "integer"
