"""The lint rules: each fires where it should and not where it should not (its false positives),
each exception and exclude form silences it, levels and --strict apply, fixes are written in the
project's own dialect (and compile), and the README's example findings are real output."""

from __future__ import annotations

import json
import re
import sys
from pathlib import Path

import pytest

from drizzle_doc.project.config import load_projects
from drizzle_doc.model import (Column, Doc, DocTag, ForeignKey, Index, IndexColumn, PrimaryKey, Relation, Schema, Table,
                               UniqueConstraint)
from drizzle_doc.drizzle.extract import extract
from drizzle_doc.lint.rules import assumption_exceptions, collect_exceptions, run_rules
from drizzle_doc.project.settings import RULE_DEFAULTS, STRICT_RULES, validate, with_overrides

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib

F = "server/src/models/x.ts"
D = Doc("Described.")


def col(name, type_="text", prop=None, pk=False, line=5, doc=D):
    return Column(name=name, property=prop or name, type=type_, primary_key=pk, description=doc, file=F, line=line)


TS = (col("created_at", "timestamp", "createdAt"), col("updated_at", "timestamp", "updatedAt"))


def table(name="t", cols=None, doc=D, **kw):
    cols = cols if cols is not None else (col("id", "uuid", pk=True, line=3), *TS)
    return Table(name=name, variable=name, columns=tuple(cols), description=doc, file=F, line=2, **kw)


def rules_of(schema, settings=None, rule=None):
    out = run_rules(schema, validate(settings or {}))
    return [f for f in out if rule is None or f.rule == rule]


def test_clean_table_has_no_findings():
    assert rules_of(Schema(tables=(table(),))) == []


def test_uuid_pk_serial_key_is_warning_with_line_and_fix_and_error_when_strict():
    t = table(cols=(col("id", "serial", pk=True, line=7), *TS))
    [f] = rules_of(Schema(tables=(t,)), rule="uuid-pk")
    assert (f.severity, f.file, f.line, f.table) == ("warning", F, 7, "public.t")
    [f] = [f for f in run_rules(Schema(tables=(t,)), with_overrides(validate({}), strict=True)) if f.rule == "uuid-pk"]
    assert f.severity == "error"
    assert "not UUID" in f.message and "serial" in f.message
    assert "uuid(" in f.fix and "@drizzle-doc-exception uuid-pk" in f.fix


def test_uuid_pk_missing_key_and_composite_uuid_key():
    [f] = rules_of(Schema(tables=(table(cols=TS),)), rule="uuid-pk")
    assert "no primary key" in f.message and f.line == 2
    composite = table(cols=(col("a", "uuid"), col("b", "uuid"), *TS),
                      primary_key=PrimaryKey("t_a_b_pk", ("a", "b"), composite=True))
    assert rules_of(Schema(tables=(composite,)), rule="uuid-pk") == []


def test_timestamps_by_property_or_sql_name():
    t = table(cols=(col("id", "uuid", pk=True), col("created_at", "timestamp", "created")))
    [f] = rules_of(Schema(tables=(t,)), rule="timestamps")
    assert "`updatedAt`" in f.message and "`createdAt`" not in f.message
    camel = table(cols=(col("id", "uuid", pk=True), col("createdAt", "timestamp"), col("updatedAt", "timestamp")))
    assert rules_of(Schema(tables=(camel,)), rule="timestamps") == []


def _rel(fields=("parent_id",)):
    return Relation(name="parent", kind="one", target="p", fields=fields, references=("id",), file=F, line=30)


def test_fk_enforced_relation_without_fk_and_with_fk():
    parent = table("p")
    child = table("c", cols=(col("id", "uuid", pk=True), col("parent_id", "uuid"), *TS), relations=(_rel(),))
    [f] = rules_of(Schema(tables=(parent, child)), rule="fk-enforced")
    assert f.line == 30 and "relation `parent`" in f.message and ".references(" in f.fix
    fk = ForeignKey("c_parent_id_p_id_fk", ("parent_id",), "public", "p", ("id",), file=F, line=9)
    enforced = table("c", cols=child.columns, relations=(_rel(),), foreign_keys=(fk,))
    assert rules_of(Schema(tables=(parent, enforced)), rule="fk-enforced") == []
    many = table("p", relations=(Relation(name="cs", kind="many", target="c"),))
    assert rules_of(Schema(tables=(many,)), rule="fk-enforced") == []


def test_fk_index_warning_by_default_and_covered_by_leading_index():
    fk = ForeignKey("c_p_fk", ("parent_id",), "public", "p", ("id",), file=F, line=9)
    cols = (col("id", "uuid", pk=True), col("parent_id", "uuid"), col("n", "integer"), *TS)
    t = table("c", cols=cols, foreign_keys=(fk,))
    [f] = rules_of(Schema(tables=(t,)), rule="fk-index")
    assert (f.severity, f.line) == ("warning", 9) and "index(" in f.fix
    leading = Index("c_idx", (IndexColumn("parent_id"), IndexColumn("n")))
    assert rules_of(Schema(tables=(table("c", cols=cols, foreign_keys=(fk,), indexes=(leading,)),)),
                    rule="fk-index") == []
    trailing = Index("c_idx", (IndexColumn("n"), IndexColumn("parent_id")))
    assert len(rules_of(Schema(tables=(table("c", cols=cols, foreign_keys=(fk,), indexes=(trailing,)),)),
                        rule="fk-index")) == 1


def test_descriptions_one_warning_per_table_and_require_descriptions_error():
    t = table(doc=Doc(), cols=(col("id", "uuid", pk=True, doc=Doc(), line=4), *TS))
    [f] = rules_of(Schema(tables=(t,)), rule="descriptions")
    assert (f.severity, f.line) == ("warning", 2)
    assert f.message == "table `t` and 1 of its 3 columns have no description (`id`)"
    assert "`export const t`" in f.fix and "`id:`" in f.fix
    [f] = rules_of(Schema(tables=(t,)), {"require_descriptions": True}, rule="descriptions")
    assert f.severity == "error"
    # many undescribed columns: still one finding, at the first column, the names cut short
    many = table(cols=tuple(col(f"c{i}", line=10 + i, doc=Doc()) for i in range(9)))
    [f] = rules_of(Schema(tables=(many,)), rule="descriptions")
    assert f.line == 10 and f.message == ("9 of the 9 columns of `t` have no description "
                                          "(`c0`, `c1`, `c2`, `c3`, `c4`, `c5` and 3 more)")


def test_descriptions_options_and_tags_alone_do_not_describe():
    t = table(doc=Doc("", (DocTag("see", "x"),)), cols=(col("id", "uuid", pk=True, doc=Doc()), col("n", doc=Doc())))
    [f] = rules_of(Schema(tables=(t,)), rule="descriptions")
    assert f.message.startswith("table `t` and 2 of its 2 columns")
    [f] = rules_of(Schema(tables=(t,)), {"rules": {"descriptions": {"columns": False}}}, rule="descriptions")
    assert f.message == "table `t` has no description"
    [f] = rules_of(Schema(tables=(t,)), {"rules": {"descriptions": {"tables": False, "exclude-columns": ["i*"]}}},
                   rule="descriptions")
    assert f.message == "1 of the 2 columns of `t` has no description (`n`)"


def test_primary_key_rule_off_by_default_and_can_be_enabled():
    t = table(cols=TS)
    assert rules_of(Schema(tables=(t,)), rule="primary-key") == []
    [f] = rules_of(Schema(tables=(t,)), {"rules": {"primary-key": "warning"}}, rule="primary-key")
    assert f.severity == "warning"


def test_levels_switch_off_and_raise_to_error():
    t = table(cols=(col("id", "serial", pk=True),))
    s = Schema(tables=(t,))
    assert rules_of(s, {"rules": {"uuid-pk": "off"}}, rule="uuid-pk") == []
    [f] = rules_of(s, {"rules": {"uuid-pk": "error"}}, rule="uuid-pk")
    assert f.severity == "error"


def test_defaults_fit_a_first_run_and_strict_turns_up_the_assumptions():
    assert {r for r, level in RULE_DEFAULTS.items() if level == "error"} == set()
    assert STRICT_RULES == ("uuid-pk", "timestamps", "fk-enforced", "descriptions")
    strict = with_overrides(validate({"rules": {"fk-index": "off"}}), strict=True, rules={"timestamps": "off"})
    assert [strict.level(r) for r in ("uuid-pk", "timestamps", "fk-enforced", "descriptions", "fk-index")] == \
        ["error", "off", "error", "error", "off"]


def test_jsdoc_exception_silences_rule_and_is_listed_as_assumption_exception():
    doc = Doc("Audit.", (DocTag("drizzle-doc-exception", "uuid-pk keyed by a bigint identity for ordering"),))
    t = table("audit", doc=doc, cols=(col("id", "bigint", pk=True), *TS))
    s = Schema(tables=(t,))
    assert rules_of(s, rule="uuid-pk") == []
    ex = assumption_exceptions(s, None)
    [e] = ex["public.audit"]
    assert (e.rule, e.reason, e.source, e.assumption) == ("uuid-pk", "keyed by a bigint identity for ordering",
                                                          "jsdoc", 1)
    assert e.assumption_text == "All tables have UUID primary keys"


def test_config_exception_silences_rule_and_unknown_table_is_reported():
    t = table("audit", cols=(col("id", "uuid", pk=True),))
    s = Schema(tables=(t,))
    settings = validate({"exceptions": {"timestamps": {"audit": "append-only", "nope": "x"}}}, "drizzle-doc.toml")
    found = run_rules(s, settings)
    assert [f.rule for f in found] == ["exception"]
    assert "nope" in found[0].message and found[0].file == "drizzle-doc.toml"
    [e] = assumption_exceptions(s, settings)["public.audit"]
    assert (e.rule, e.reason, e.source) == ("timestamps", "append-only", "drizzle-doc.toml")


def test_bad_tags_and_unneeded_exceptions_are_findings():
    bad = table("a", doc=Doc("A.", (DocTag("drizzle-doc-exception", "uuid-pk"),
                                     DocTag("drizzle-doc-exception", "no-such-rule because"))))
    found = rules_of(Schema(tables=(bad,)), rule="exception")
    assert len(found) == 2 and all(f.severity == "error" for f in found)
    assert any("gives no reason" in f.message for f in found)
    assert any("unknown rule" in f.message for f in found)
    needless = table("b", doc=Doc("B.", (DocTag("drizzle-doc-exception", "uuid-pk why not"),)))
    [f] = rules_of(Schema(tables=(needless,)), rule="exception")
    assert f.severity == "warning" and "follows the rule" in f.message


def test_non_assumption_exceptions_not_listed_as_assumptions():
    t = table("c", doc=Doc("C.", (DocTag("drizzle-doc-exception", "fk-index tiny table"),)))
    exc, problems = collect_exceptions(Schema(tables=(t,)), None)
    assert [e.rule for e in exc] == ["fk-index"] and problems == ()
    assert assumption_exceptions(Schema(tables=(t,)), None) == {}


MODELS = '''import { relations } from "drizzle-orm";
import { bigint, pgTable, text, timestamp, uuid } from "drizzle-orm/pg-core";

/**
 * Append-only audit trail.
 * @drizzle-doc-exception uuid-pk ordered by a bigint identity
 * @drizzle-doc-exception timestamps rows are never updated
 */
export const audit = pgTable("audit", {
  /** Key. */
  id: bigint("id", { mode: "number" }).primaryKey().generatedAlwaysAsIdentity(),
  /** Who. */
  userId: uuid("user_id"),
});

/** People. */
export const users = pgTable("users", {
  /** Key. */
  id: uuid("id").primaryKey().defaultRandom(),
  /** Name. */
  name: text("name"),
  /** Created. */
  createdAt: timestamp("created_at").notNull().defaultNow(),
  /** Updated. */
  updatedAt: timestamp("updated_at").notNull().defaultNow(),
});

export const auditRelations = relations(audit, ({ one }) => ({
  user: one(users, { fields: [audit.userId], references: [users.id] }),
}));
'''


def _project(tmp_path: Path, settings: dict | None = None, how: str = "toml") -> Path:
    models = tmp_path / "server" / "src" / "models"
    models.mkdir(parents=True)
    (models / "audit.ts").write_text(MODELS, encoding="utf-8")
    if settings is not None and how == "package.json":
        (tmp_path / "package.json").write_text(json.dumps({"name": "x", "drizzle-doc": settings}))
    elif settings is not None:
        lines = []
        for rule, tables in settings.get("exceptions", {}).items():
            lines.append(f"[exceptions.{rule}]")
            lines += [f'{t} = "{r}"' for t, r in tables.items()]
        (tmp_path / "drizzle-doc.toml").write_text("\n".join(lines) + "\n")
    return tmp_path


def _findings(root: Path):
    [p] = load_projects(root)
    schema = extract(p)
    return schema, run_rules(schema, p.settings)


def test_real_models_jsdoc_tags_except_and_fk_rule_fires(tmp_path):
    schema, found = _findings(_project(tmp_path))
    assert [(f.rule, f.file, f.line) for f in found] == [("fk-enforced", "server/src/models/audit.ts", 29)]
    ex = assumption_exceptions(schema, None)
    assert [e.rule for e in ex["public.audit"]] == ["uuid-pk", "timestamps"]


@pytest.mark.parametrize("how", ["toml", "package.json"])
def test_real_models_config_exception_forms(tmp_path, how):
    root = _project(tmp_path, {"exceptions": {"fk-enforced": {"audit": "user ids come from the identity provider"}}},
                    how)
    schema, found = _findings(root)
    assert found == []
    [p] = load_projects(root)
    [e] = [e for e in assumption_exceptions(schema, p.settings)["public.audit"] if e.rule == "fk-enforced"]
    assert (e.reason, e.source) == ("user ids come from the identity provider",
                                    "drizzle-doc.toml" if how == "toml" else "package.json")


# ---------------------------------------------------------------------------
# fk-index (tbls requireForeignKeyIndex): prefixes, composite keys, partial and other indexes
# ---------------------------------------------------------------------------

FK_AB = ForeignKey("c_ab_fk", ("a", "b"), "public", "p", ("x", "y"), file=F, line=9)
AB_COLS = (col("id", "uuid", pk=True), col("a"), col("b"), col("n"), *TS)


def _fk_index(fk=FK_AB, indexes=(), dialect="postgresql", **kw):
    t = table("c", cols=kw.pop("cols", AB_COLS), foreign_keys=(fk,), indexes=tuple(indexes), **kw)
    return rules_of(Schema(dialect=dialect, tables=(t,)), rule="fk-index")


def ix(*cols, where=None, method="btree", name="c_idx"):
    return Index(name, tuple(IndexColumn(c[1:], is_expression=True) if c.startswith("=") else IndexColumn(c)
                             for c in cols), method=method, where=where)


def test_fk_index_composite_key_needs_all_its_columns_leading_in_any_order():
    [f] = _fk_index(indexes=[ix("a", name="c_a_idx")])  # only a prefix of the key
    assert f.message == ("foreign key `c_ab_fk` (a, b) on `c` has no index starting with its column(s): deletes "
                         "on the parent and joins read every row with the same a (`c_a_idx` leads with a only)")
    assert len(_fk_index(indexes=[ix("a", "n", "b")])) == 1  # b not in the leading columns
    assert _fk_index(indexes=[ix("b", "a")]) == []
    assert _fk_index(indexes=[ix("a", "b", "n")]) == []
    assert len(_fk_index(indexes=[ix("=lower(a)", "a", "b")])) == 1  # an expression first leads nothing
    assert _fk_index(indexes=[ix("a", "b", "=lower(n)")]) == []


def test_fk_index_primary_key_and_unique_constraints_count():
    pk = PrimaryKey("c_pk", ("b", "a", "n"), composite=True)
    assert _fk_index(primary_key=pk) == []
    assert len(_fk_index(primary_key=PrimaryKey("c_pk", ("n", "a", "b"), composite=True))) == 1
    assert _fk_index(uniques=(UniqueConstraint("c_u", ("a", "b")),)) == []


def test_fk_index_partial_index_counts_only_when_it_keeps_every_row_the_lookup_can_match():
    [f] = _fk_index(indexes=[ix("a", "b", where='"c"."deleted_at" is null', name="c_live_idx")])
    assert f.message.endswith('; the partial index `c_live_idx` (WHERE "c"."deleted_at" is null) leaves rows out')
    assert _fk_index(indexes=[ix("a", "b", where='"c"."a" is not null')]) == []
    assert _fk_index(indexes=[ix("a", "b", where='("c"."a" IS NOT NULL) and "b" is not null')]) == []
    assert len(_fk_index(indexes=[ix("a", "b", where='"c"."a" is not null and "c"."n" > 0')])) == 1
    assert len(_fk_index(indexes=[ix("a", "b", where='"c"."n" is not null')])) == 1


def test_fk_index_methods_and_mysql_which_indexes_foreign_keys_itself():
    fk = ForeignKey("c_a_fk", ("a",), "public", "p", ("x",), file=F, line=9)
    assert _fk_index(fk, [ix("a", method="hash")]) == []
    assert len(_fk_index(fk, [ix("a", "n", method="hash")])) == 1  # a hash serves whole keys only
    [f] = _fk_index(fk, [ix("a", method="gin", name="c_gin")])
    assert "`c_gin` is a gin index" in f.message
    assert _fk_index(fk, dialect="mysql") == []  # InnoDB makes the index: no lookup scans
    assert len(_fk_index(fk, dialect="sqlite")) == 1


# ---------------------------------------------------------------------------
# duplicate-relations, unrelated-tables, column-count, name-pattern, require-columns
# ---------------------------------------------------------------------------


def _parent_child(fks=(), rels=()):
    child = table("c", cols=(col("id", "uuid", pk=True), col("parent_id", "uuid"), col("other_id", "uuid"), *TS),
                  foreign_keys=tuple(fks), relations=tuple(rels))
    return Schema(tables=(table("p"), child))


def test_duplicate_relations_foreign_keys_and_relations():
    a = ForeignKey("c_parent_id_p_id_fk", ("parent_id",), "public", "p", ("id",), file=F, line=9)
    b = ForeignKey("c_parent_fk", ("parent_id",), "public", "p", ("id",), file=F, line=12)
    [f] = rules_of(_parent_child([a, b]), rule="duplicate-relations")
    assert (f.severity, f.line) == ("warning", 12)
    assert f.message == "foreign key `c_parent_fk` on `c` duplicates `c_parent_id_p_id_fk` (parent_id -> p(id))"
    twice = rules_of(_parent_child([a, a]), rule="duplicate-relations")  # .references() called twice
    assert [f.message for f in twice] == [
        "foreign key `c_parent_id_p_id_fk` on `c` is declared twice (parent_id -> p(id))"]
    other = ForeignKey("c_other_fk", ("other_id",), "public", "p", ("id",), file=F, line=12)
    assert rules_of(_parent_child([a, other]), rule="duplicate-relations") == []  # two roles, two columns
    r1 = Relation(name="parent", kind="one", target="p", fields=("parent_id",), references=("id",), file=F, line=30)
    r2 = Relation(name="owner", kind="one", target="p", fields=("parent_id",), references=("id",), file=F, line=31)
    r3 = Relation(name="other", kind="one", target="p", fields=("other_id",), references=("id",), file=F, line=32)
    many = Relation(name="siblings", kind="many", target="p")
    [f] = rules_of(_parent_child([a], [r1, r2, r3, many, many]), rule="duplicate-relations")
    assert f.line == 31 and "relation `owner` of `c` duplicates `parent`" in f.message


def test_unrelated_tables_counts_foreign_keys_and_relations_both_ways():
    fk = ForeignKey("c_fk", ("parent_id",), "public", "p", ("id",))
    lone = table("settings")
    s = Schema(tables=(*_parent_child([fk]).tables, lone))
    found = rules_of(s, {"rules": {"unrelated-tables": "warning"}}, rule="unrelated-tables")
    assert [(f.table, f.message) for f in found] == [
        ("public.settings", "table `settings` has no foreign key or relation in or out")]
    rel = Relation(name="p", kind="one", target="p", fields=("parent_id",), references=("id",))
    assert rules_of(_parent_child(rels=[rel]), {"rules": {"unrelated-tables": "warning"}},
                    rule="unrelated-tables") == []  # related by relations() alone, parent too
    assert rules_of(s, rule="unrelated-tables") == []  # off by default


def test_column_count_max_and_default():
    t = table(cols=tuple(col(f"c{i}") for i in range(51)))
    assert rules_of(Schema(tables=(t,)), rule="column-count") == []  # off by default
    [f] = rules_of(Schema(tables=(t,)), {"rules": {"column-count": "warning"}}, rule="column-count")
    assert f.message == "table `t` has 51 columns, more than column-count's max of 50"
    assert rules_of(Schema(tables=(t,)), {"rules": {"column-count": {"max": 51}}}, rule="column-count") == []


def test_name_pattern_tables_and_columns_one_finding_each():
    t = table("UserProfiles", cols=(col("id", "uuid", pk=True, line=3), col("firstName", line=4),
                                    col("lastName", line=5), *TS))
    found = rules_of(Schema(tables=(t,)), {"rules": {"name-pattern": "warning"}}, rule="name-pattern")
    assert [(f.line, f.message) for f in found] == [
        (2, "table name `UserProfiles` does not match name-pattern's `tables` pattern `[a-z][a-z0-9_]*`"),
        (4, "column names `firstName`, `lastName` of `UserProfiles` do not match name-pattern's `columns` "
            "pattern `[a-z][a-z0-9_]*`")]
    camel = {"rules": {"name-pattern": {"tables": "[A-Z][A-Za-z]*", "columns": "[a-z][A-Za-z_]*"}}}
    assert rules_of(Schema(tables=(t,)), camel, rule="name-pattern") == []
    assert rules_of(Schema(tables=(table("users"),)), {"rules": {"name-pattern": "error"}}, rule="name-pattern") == []


def test_require_columns_by_key_or_sql_name_with_per_column_excludes():
    t = table("audit_log", cols=(col("id", "uuid", pk=True), col("tenant_id", "uuid", "tenantId"), *TS))
    u = table("users")
    cfg = {"rules": {"require-columns": {"columns": ["tenantId", {"name": "deleted_at", "exclude": ["audit_*"]}]}}}
    found = rules_of(Schema(tables=(t, u)), cfg, rule="require-columns")
    assert [(f.table, f.severity, f.message) for f in found] == [
        ("public.users", "warning",
         "table `users` has no `tenantId` and `deleted_at` columns (required by [rules.require-columns])")]


def test_timestamps_columns_option_replaces_the_pair():
    t = table(cols=(col("id", "uuid", pk=True), col("inserted_at", "timestamp", "insertedAt")))
    cfg = {"rules": {"timestamps": {"columns": ["insertedAt"]}}}
    assert rules_of(Schema(tables=(t,)), cfg, rule="timestamps") == []
    [f] = rules_of(Schema(tables=(t,)), {"rules": {"timestamps": {"columns": ["insertedAt", "changedAt"]}}},
                   rule="timestamps")
    assert f.message == "table `t` has no `changedAt` column (assumption 2: insertedAt/changedAt timestamps)"


def test_exclude_globs_match_name_key_or_variable_and_page_shows_exclusion():
    a = table("audit_log", cols=(col("id", "serial", pk=True), *TS))
    b = table("users", cols=(col("id", "serial", pk=True), *TS))
    found = rules_of(Schema(tables=(a, b)), {"rules": {"uuid-pk": {"exclude": ["audit_*"]}}}, rule="uuid-pk")
    assert [f.table for f in found] == ["public.users"]
    found = rules_of(Schema(tables=(a, b)), {"rules": {"uuid-pk": {"exclude": ["public.*"]}}}, rule="uuid-pk")
    assert found == []
    # excluded and excepted too: the exception is not reported as unneeded
    both = {"rules": {"uuid-pk": {"exclude": ["audit_*"]}}, "exceptions": {"uuid-pk": {"audit_log": "why"}}}
    assert [f.rule for f in rules_of(Schema(tables=(a,)), both)] == []
    from drizzle_doc.lint.rules import assumption_status

    settings = validate({"rules": {"uuid-pk": {"exclude": ["audit_*"]}}}, "drizzle-doc.toml")
    status = {r.rule: r for r in assumption_status(Schema(tables=(a, b)), settings)["public.audit_log"]}
    assert (status["uuid-pk"].status, status["uuid-pk"].detail) == (
        "exception", "excluded by `[rules.uuid-pk]` in drizzle-doc.toml")


# ---------------------------------------------------------------------------
# Fixes in the project's own dialect
# ---------------------------------------------------------------------------


def test_uuid_keys_as_each_dialect_stores_them():
    def fires(dialect, c):
        return rules_of(Schema(dialect=dialect, tables=(table(cols=(c, *TS)),)), rule="uuid-pk") != []

    random = "$defaultFn(() => crypto.randomUUID())"
    assert not fires("postgresql", col("id", "uuid", pk=True))
    assert fires("postgresql", Column("id", "id", "text", primary_key=True, app_default=random))
    assert not fires("mysql", col("id", "varchar(36)", pk=True))
    assert not fires("mysql", col("id", "binary(16)", pk=True))
    assert not fires("mysql", Column("id", "id", "varchar(64)", primary_key=True, app_default=random))
    assert fires("mysql", col("id", "varchar(64)", pk=True))
    assert fires("mysql", col("id", "serial", pk=True))
    assert not fires("sqlite", Column("id", "id", "text", primary_key=True, app_default=random))
    assert fires("sqlite", col("id", "text", pk=True))  # a text key could hold anything (a slug)
    assert fires("sqlite", Column("id", "id", "text", primary_key=True, app_default="$defaultFn(() => createId())"))


CORE = {"postgresql": ("pg-core", "pgTable"), "mysql": ("mysql-core", "mysqlTable"),
        "sqlite": ("sqlite-core", "sqliteTable")}


def _fix_code(dialect: str) -> list[str]:
    """The column code the uuid-pk and timestamps fixes suggest for a table keyed by a serial."""
    t = table("things", cols=(col("id", "serial", pk=True),))
    found = rules_of(Schema(dialect=dialect, tables=(t,)))
    code = []
    for f in found:
        if f.rule in ("uuid-pk", "timestamps"):
            code += [c for c in re.findall(r"`([a-zA-Z]+: [^`]*(?:`\([^`]*\)`[^`]*)?)`", f.fix)]
    return code


def test_fix_code_is_the_dialects_own_satisfies_the_rules_and_compiles(tmp_path):
    """Per dialect: the suggested columns, written into a table, are read back by drizzle-doc and
    satisfy uuid-pk and timestamps; then all of them type-check against the pinned drizzle-orm."""
    files = []
    for dialect, (pkg, fn) in sorted(CORE.items()):
        code = _fix_code(dialect)
        assert [c.split(":")[0] for c in code] == ["id", "createdAt", "updatedAt"], code
        assert ("uuid(" in code[0]) == (dialect == "postgresql")  # uuid() exists in pg-core only
        imports = sorted({m for c in code for m in re.findall(r"\b(uuid|varchar|text|integer|timestamp)\(", c)})
        models = (f'import {{ sql }} from "drizzle-orm";\nimport {{ {", ".join([fn, *imports])} }} '
                  f'from "drizzle-orm/{pkg}";\n\nexport const things = {fn}("things", {{\n'
                  + "".join(f"  {c},\n" for c in code) + "});\n\nvoid sql;\n")
        root = tmp_path / dialect
        (root / "src").mkdir(parents=True)
        (root / "src" / "schema.ts").write_text(models)
        (root / "drizzle.config.ts").write_text(
            f'export default {{ dialect: "{dialect}", schema: "./src/schema.ts", out: "./drizzle" }};\n')
        [p] = load_projects(root)
        schema = extract(p)
        assert [c.name for c in schema.tables[0].columns] == ["id", "created_at", "updated_at"], schema.diagnostics
        assert [f.rule for f in run_rules(schema, p.settings) if f.rule in ("uuid-pk", "timestamps")] == []
        if dialect == "mysql":
            assert code[0].startswith('id: varchar("id", { length: 36 })') and code[2].endswith(".onUpdateNow()")
        if dialect == "sqlite":
            assert code[1] == ('createdAt: integer("created_at", { mode: "timestamp" }).notNull()'
                               '.default(sql`(unixepoch())`)')
        files.append(f"{dialect}/src/schema.ts")
    _tsc(tmp_path, files)


def _tsc(folder: Path, files: list[str]) -> None:
    """Type-check ``files`` against the pinned drizzle-orm (skipped without Node, failed under CI)."""
    from tests.test_render_tsc import NODE_MODULES, TSCONFIG, need_tsc, run_tsc

    need_tsc()
    (folder / "node_modules").symlink_to(NODE_MODULES)
    options = dict(TSCONFIG["compilerOptions"], lib=["ES2022", "DOM"])  # DOM: crypto.randomUUID
    (folder / "tsconfig.json").write_text(json.dumps({"compilerOptions": options, "files": files}))
    r = run_tsc(folder)
    assert r.returncode == 0, r.stdout + r.stderr


# ---------------------------------------------------------------------------
# The README's example findings are this project's real check output
# ---------------------------------------------------------------------------

DEMO_MODELS = '''import { relations } from "drizzle-orm";
import { boolean, foreignKey, pgTable, serial, text, timestamp, uuid } from "drizzle-orm/pg-core";

/** People who sign in. */
export const users = pgTable("users", {
  /** Key. */
  id: uuid("id").primaryKey().defaultRandom(),
  /** Shown name. */
  displayName: text("displayName"),
  /** Created. */
  createdAt: timestamp("created_at").notNull().defaultNow(),
  /** Updated. */
  updatedAt: timestamp("updated_at").notNull().defaultNow(),
});

/** Posts people write. */
export const posts = pgTable(
  "posts",
  {
    /** Key. */
    id: serial("id").primaryKey(),
    /** Who wrote it. */
    authorId: uuid("author_id").notNull().references(() => users.id),
    /** Who last edited it. */
    editorId: uuid("editor_id"),
    title: text("title"),
    /** Created. */
    createdAt: timestamp("created_at").notNull().defaultNow(),
  },
  (t) => [foreignKey({ name: "posts_author_fk", columns: [t.authorId], foreignColumns: [users.id] })],
);

export const postsRelations = relations(posts, ({ one }) => ({
  author: one(users, { fields: [posts.authorId], references: [users.id] }),
  writer: one(users, { fields: [posts.authorId], references: [users.id] }),
  editor: one(users, { fields: [posts.editorId], references: [users.id] }),
}));

/** Feature switches. */
export const flags = pgTable("Flags", {
  /** Switch name. */
  name: text("name").notNull(),
  /** On or off. */
  enabled: boolean("enabled").notNull(),
});
'''

DEMO_SETTINGS = '''[rules]
primary-key = "warning"
unrelated-tables = "warning"

[rules.require-columns]
columns = [{ name = "tenantId", exclude = ["users"] }]

[rules.column-count]
max = 4

[rules.name-pattern]
'''

README = Path(__file__).resolve().parent.parent / "README.md"
FINDING_LINE = re.compile(r"^\s+\d+\s+(error|warning)\s+.*\s\s\[([a-z-]+)\]$")


def demo_check(root: Path) -> str:
    from click.testing import CliRunner

    from drizzle_doc.cli import cli

    (root / "src").mkdir(parents=True)
    (root / "src" / "schema.ts").write_text(DEMO_MODELS)
    (root / "drizzle.config.ts").write_text(
        'export default { dialect: "postgresql", schema: "./src/schema.ts", out: "./drizzle" };\n')
    (root / "drizzle-doc.toml").write_text(DEMO_SETTINGS)
    return CliRunner().invoke(cli, ["check", "--root", str(root), "--no-cache"]).output


def test_every_rule_fires_on_the_demo_and_the_readme_shows_that_output(tmp_path):
    out = demo_check(tmp_path / "demo")
    lines = out.split("\n")
    found = {m.group(2) for m in map(FINDING_LINE.match, lines) if m}
    assert set(RULE_DEFAULTS) <= found, sorted(set(RULE_DEFAULTS) - found)
    text = README.read_text(encoding="utf-8")
    block = text.split("<!-- lint-examples:begin -->", 1)[1].split("<!-- lint-examples:end -->", 1)[0]
    shown = [ln for ln in block.split("\n") if FINDING_LINE.match(ln)]
    assert {FINDING_LINE.match(ln).group(2) for ln in shown} >= set(RULE_DEFAULTS)
    shown += [ln for ln in text.split("\n") if ln.startswith("description coverage: ")]
    missing = [ln for ln in shown if ln not in lines]
    assert not missing, "README lint examples differ from the demo's check output:\n" + "\n".join(missing) \
        + "\n--- actual:\n" + out
    # the settings the README says the demo used are the demo's; every TOML block there is valid
    blocks = [tomllib.loads(b) for b in re.findall(r"^```toml\n(.*?)^```$", text, re.S | re.M)]
    assert tomllib.loads(DEMO_SETTINGS) in blocks
    for b in blocks:
        validate(b, "README.md")
