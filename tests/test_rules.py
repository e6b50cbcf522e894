"""The spec's assumptions as rules: each rule fires, each exception form silences it, levels apply."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from drizzle_doc.project.config import load_projects
from drizzle_doc.model import Column, Doc, DocTag, ForeignKey, Index, IndexColumn, PrimaryKey, Relation, Schema, Table
from drizzle_doc.drizzle.extract import extract
from drizzle_doc.lint.rules import assumption_exceptions, collect_exceptions, run_rules
from drizzle_doc.project.settings import validate

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


def test_uuid_pk_serial_key_is_error_with_line_and_fix():
    t = table(cols=(col("id", "serial", pk=True, line=7), *TS))
    [f] = rules_of(Schema(tables=(t,)), rule="uuid-pk")
    assert (f.severity, f.file, f.line, f.table) == ("error", F, 7, "public.t")
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


def test_descriptions_warning_and_require_descriptions_error():
    t = table(doc=Doc(), cols=(col("id", "uuid", pk=True, doc=Doc(), line=4), *TS))
    found = rules_of(Schema(tables=(t,)), rule="descriptions")
    assert {(f.severity, f.line) for f in found} == {("warning", 2), ("warning", 4)}
    strict = rules_of(Schema(tables=(t,)), {"require_descriptions": True}, rule="descriptions")
    assert {f.severity for f in strict} == {"error"}


def test_primary_key_rule_off_by_default_and_can_be_enabled():
    t = table(cols=TS)
    assert rules_of(Schema(tables=(t,)), rule="primary-key") == []
    [f] = rules_of(Schema(tables=(t,)), {"rules": {"primary-key": "warning"}}, rule="primary-key")
    assert f.severity == "warning"


def test_levels_switch_off_and_lower_to_warning():
    t = table(cols=(col("id", "serial", pk=True),))
    s = Schema(tables=(t,))
    assert rules_of(s, {"rules": {"uuid-pk": "off"}}, rule="uuid-pk") == []
    [f] = rules_of(s, {"rules": {"uuid-pk": "warning"}}, rule="uuid-pk")
    assert f.severity == "warning"


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
