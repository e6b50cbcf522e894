"""The spec's assumptions, and a few more house rules, as checks over the model.

Rules (id: default level):

* ``uuid-pk`` (error) - assumption 1: every table has a UUID primary key.
* ``timestamps`` (error) - assumption 2: every table has createdAt and updatedAt.
* ``fk-enforced`` (error) - assumption 3: every relationship declared with
  ``relations()`` (``one(x, {fields, references})``) is enforced by a foreign key.
* ``fk-index`` (warning) - every foreign key's columns lead some index.
* ``descriptions`` (warning; error with ``require_descriptions``) - every table
  and column has a JSDoc description.
* ``primary-key`` (off) - every table has a primary key.

A table is excepted from a rule, with a reason, either in the settings
(``[exceptions.uuid-pk] audit_log = "why"``) or by a JSDoc tag on the table::

    /**
     * Append-only audit trail.
     * @drizzle-doc-exception uuid-pk rows are keyed by a bigint identity for ordering
     */

Pure: findings are returned as data.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Optional

from drizzle_doc.model import ERROR, WARNING, Diagnostic, Schema, Table, finding, unqualified
from drizzle_doc.project.settings import OFF, RULES, Settings

EXCEPTION_TAG = "drizzle-doc-exception"

#: The spec's "Assumptions", by rule id: (number, wording).
ASSUMPTIONS: dict[str, tuple[int, str]] = {
    "uuid-pk": (1, "All tables have UUID primary keys"),
    "timestamps": (2, "All tables have createdAt/updatedAt timestamps"),
    "fk-enforced": (3, "Foreign keys are always enforced"),
}

_TIMESTAMPS = ("createdAt", "updatedAt")


@dataclass(frozen=True, slots=True)
class TableException:
    """One table excepted from one rule, and why."""

    table: str  # table key ("public.audit_log")
    rule: str
    reason: str
    source: str  # "jsdoc" | "drizzle-doc.toml" | "package.json"
    file: Optional[str] = None  # where it is declared (relative posix)
    line: Optional[int] = None

    @property
    def assumption(self) -> Optional[int]:
        a = ASSUMPTIONS.get(self.rule)
        return a[0] if a else None

    @property
    def assumption_text(self) -> Optional[str]:
        a = ASSUMPTIONS.get(self.rule)
        return a[1] if a else None


def as_settings(settings: Optional[Settings]) -> Settings:
    """``settings``, or the defaults when None."""
    return settings if settings is not None else Settings()


def _match_table(schema: Schema, ref: str) -> Optional[Table]:
    for t in schema.tables:
        shown = t.name if unqualified(t.schema) else t.key
        if ref in (t.key, shown, t.variable):
            return t
    return None


def _tag_exceptions(t: Table) -> tuple[list[TableException], list[Diagnostic]]:
    found: list[TableException] = []
    problems: list[Diagnostic] = []
    for tag in t.description.tag(EXCEPTION_TAG) if t.description else ():
        rule, _, reason = " ".join(tag.text.split()).partition(" ")
        if rule not in RULES:
            problems.append(finding(
                "exception", ERROR, t.file or None, t.line or None,
                f"`@{EXCEPTION_TAG} {rule}` on table `{t.name}`: unknown rule "
                f"{rule!r}" if rule else f"`@{EXCEPTION_TAG}` on table `{t.name}` names no rule",
                f"write `@{EXCEPTION_TAG} RULE reason` with RULE one of: {', '.join(RULES)}", t.key))
            continue
        if not reason.strip():
            problems.append(finding(
                "exception", ERROR, t.file or None, t.line or None,
                f"`@{EXCEPTION_TAG} {rule}` on table `{t.name}` gives no reason",
                f"say why after the rule: `@{EXCEPTION_TAG} {rule} <reason>`", t.key))
            continue
        found.append(TableException(t.key, rule, reason.strip(), "jsdoc", t.file or None, t.line or None))
    return found, problems


def collect_exceptions(schema: Schema, settings: Optional[Settings] = None
                       ) -> tuple[tuple[TableException, ...], tuple[Diagnostic, ...]]:
    """Every exception (JSDoc tags and settings) and the problems with them (unknown rule/table, no reason)."""
    s = as_settings(settings)
    found: list[TableException] = []
    problems: list[Diagnostic] = []
    for t in schema.tables:
        f, p = _tag_exceptions(t)
        found += f
        problems += p
    for e in s.exceptions:
        t = _match_table(schema, e.table)
        if t is None:
            problems.append(finding(
                "exception", WARNING, s.source, None,
                f"exception {e.rule} names table {e.table!r}, which is not in the models",
                f"remove it from [exceptions.{e.rule}] or fix the table name"))
            continue
        found.append(TableException(t.key, e.rule, e.reason, s.source or "settings", s.source, None))
    found.sort(key=lambda x: (x.table, ASSUMPTIONS.get(x.rule, (99, ""))[0], x.rule, x.source))
    return tuple(found), tuple(problems)


def assumption_exceptions(schema: Schema, settings: Optional[Settings] = None
                          ) -> dict[str, tuple[TableException, ...]]:
    """Table key -> its exceptions to the spec's assumptions (uuid-pk, timestamps, fk-enforced).

    For the docs: a page lists these under "Assumptions".  ``settings``: the project's
    :class:`~drizzle_doc.project.settings.Settings` (None: the defaults).
    """
    found, _ = collect_exceptions(schema, settings)
    out: dict[str, list[TableException]] = {}
    for e in found:
        if e.rule in ASSUMPTIONS:
            out.setdefault(e.table, []).append(e)
    return {k: tuple(v) for k, v in sorted(out.items())}


# ---------------------------------------------------------------------------
# The rules
# ---------------------------------------------------------------------------



def _base_type(sql_type: str) -> str:
    return sql_type.split("(")[0].strip().lower()


def _exc_hint(rule: str, t: Table) -> str:
    return (f"or except the table with `@{EXCEPTION_TAG} {rule} <reason>` in its JSDoc "
            f"(or `[exceptions.{rule}]` `{t.name} = \"<reason>\"` in drizzle-doc.toml)")


def _uuid_pk(t: Table) -> list[tuple[Optional[int], str, str]]:
    cols = t.pk_columns
    if not cols and t.pk_unknown:  # whether it has one could not be evaluated
        return []
    if not cols:
        return [(t.line, f"table `{t.name}` has no primary key (assumption 1: UUID primary keys)",
                 f"add `id: uuid(\"id\").primaryKey().defaultRandom()`, {_exc_hint('uuid-pk', t)}")]
    bad = [t.column(c) for c in cols if t.column(c) is not None and _base_type(t.column(c).type) != "uuid"
           and t.column(c).unknown_part("type") is None]  # an unknown type is not a finding
    if not bad:
        return []
    c = bad[0]
    what = ", ".join(f"`{b.name}` is {b.type}" for b in bad)
    line = c.line or (t.primary_key.line if t.primary_key else None) or t.line
    return [(line, f"primary key of `{t.name}` is not UUID ({what}) (assumption 1: UUID primary keys)",
             f"use `uuid(\"{c.name}\").primaryKey().defaultRandom()`, {_exc_hint('uuid-pk', t)}")]


def _norm_name(s: str) -> str:
    return s.replace("_", "").lower()


def _timestamps(t: Table) -> list[tuple[Optional[int], str, str]]:
    have = {_norm_name(c.property) for c in t.columns} | {_norm_name(c.name) for c in t.columns}
    missing = [n for n in _TIMESTAMPS if _norm_name(n) not in have]
    if not missing:
        return []
    names = " and ".join(f"`{m}`" for m in missing)
    return [(t.line, f"table `{t.name}` has no {names} column (assumption 2: createdAt/updatedAt timestamps)",
             "add `createdAt: timestamp(\"created_at\", { withTimezone: true }).notNull().defaultNow()` and "
             "`updatedAt: timestamp(\"updated_at\", { withTimezone: true }).notNull().defaultNow()"
             ".$onUpdate(() => new Date())` (a shared `...timestamps` spread), "
             + _exc_hint("timestamps", t))]


def _fk_enforced(t: Table) -> list[tuple[Optional[int], str, str]]:
    out = []
    for r in t.relations:
        if not r.fields:
            continue  # the side without fields (many(), or the other end of a one-to-one)
        match = [fk for fk in t.foreign_keys
                 if set(fk.columns) == set(r.fields) and fk.foreign_table == r.target
                 and fk.foreign_schema == r.target_schema
                 and (not r.references or set(fk.foreign_columns) == set(r.references))]
        if match:
            continue
        cols = ", ".join(r.fields)
        refs = ", ".join(r.references) if r.references else "?"
        out.append((r.line or t.line,
                    f"relation `{r.name}` of `{t.name}` ({cols} -> {r.target}({refs})) is not enforced by a "
                    "foreign key (assumption 3: foreign keys are always enforced)",
                    f"add `.references(() => {r.target}.{r.references[0] if r.references else 'id'})` to the "
                    f"column (or a `foreignKey({{...}})`), then `drizzle-kit generate`; "
                    + _exc_hint("fk-enforced", t)))
    return out


def _leads(prefix: tuple[str, ...], cols: tuple[str, ...]) -> bool:
    return len(cols) >= len(prefix) and set(cols[: len(prefix)]) == set(prefix)


def _fk_index(t: Table) -> list[tuple[Optional[int], str, str]]:
    leads: list[tuple[str, ...]] = []
    if t.pk_columns:
        leads.append(t.pk_columns)
    leads += [tuple(u.columns) for u in t.uniques]
    for ix in t.indexes:
        cols = []
        for c in ix.columns:
            if c.is_expression:
                break
            cols.append(c.expression)
        leads.append(tuple(cols))  # a partial index counts too: it serves the lookups it covers
    out = []
    for fk in t.foreign_keys:
        if any(_leads(tuple(fk.columns), cols) for cols in leads if cols):
            continue
        cols = ", ".join(fk.columns)
        props = [t.column(c).property if t.column(c) else c for c in fk.columns]
        out.append((fk.line or t.line,
                    f"foreign key `{fk.name}` ({cols}) on `{t.name}` has no index starting with its "
                    "column(s): deletes on the parent and joins scan the table",
                    f"add `index(\"{t.name}_{'_'.join(fk.columns)}_idx\").on("
                    + ", ".join(f"t.{p}" for p in props) + ")` to the table's extra config, "
                    + _exc_hint("fk-index", t)))
    return out


def _descriptions(t: Table) -> list[tuple[Optional[int], str, str]]:
    out = []
    if not (t.description and t.description.text.strip()):
        out.append((t.line, f"table `{t.name}` has no description",
                    f"add a JSDoc comment (`/** What this table stores and why. */`) above "
                    f"`{t.declaration}`"))
    for c in t.columns:
        if not (c.description and c.description.text.strip()):
            out.append((c.line or t.line, f"column `{t.name}.{c.name}` has no description",
                        f"add a JSDoc comment (`/** ... */`) above `{c.property}:`"))
    return out


def _primary_key(t: Table) -> list[tuple[Optional[int], str, str]]:
    if t.pk_columns or t.pk_unknown:
        return []
    return [(t.line, f"table `{t.name}` has no primary key",
             "add `.primaryKey()` to a column or `primaryKey({ columns: [...] })` to the table, "
             + _exc_hint("primary-key", t))]


CHECKS = {
    "uuid-pk": _uuid_pk,
    "timestamps": _timestamps,
    "fk-enforced": _fk_enforced,
    "fk-index": _fk_index,
    "descriptions": _descriptions,
    "primary-key": _primary_key,
}


def run_rules(schema: Schema, settings: Optional[Settings] = None) -> list[Diagnostic]:
    """Every rule over every table, exceptions applied; plus problems with the exceptions themselves."""
    s = as_settings(settings)
    exceptions, problems = collect_exceptions(schema, s)
    excepted = {(e.table, e.rule) for e in exceptions}
    used: set = set()
    findings: list[Diagnostic] = list(problems)
    for rule, check in CHECKS.items():
        level = s.level(rule)
        if rule == "descriptions" and s.require_descriptions:
            level = ERROR
        if level == OFF:
            continue
        for t in schema.tables:
            hits = check(t)
            if not hits:
                continue
            if (t.key, rule) in excepted:
                used.add((t.key, rule))
                continue
            for line, message, fix in hits:
                findings.append(finding(rule, level, t.file or None, line or None, message, fix, t.key))
    for e in exceptions:
        if s.level(e.rule) == OFF and not (e.rule == "descriptions" and s.require_descriptions):
            continue
        if (e.table, e.rule) not in used:
            findings.append(finding(
                "exception", WARNING, e.file, e.line,
                f"table `{e.table}` is excepted from {e.rule} but follows the rule",
                "remove the exception" + (f" (`@{EXCEPTION_TAG} {e.rule} ...` in the table's JSDoc)"
                                          if e.source == "jsdoc" else f" from [exceptions.{e.rule}]"),
                e.table))
    return findings


@dataclass(frozen=True, slots=True)
class AssumptionStatus:
    """How one table stands against one of the spec's assumptions (for its page)."""

    number: int
    text: str
    rule: str
    status: str  # "holds" | "exception" | "broken"
    detail: str = ""  # the exception's reason, or what breaks it


def assumption_status(schema: Schema, settings: Optional[Settings] = None
                      ) -> dict[str, tuple[AssumptionStatus, ...]]:
    """Table key -> the three assumptions, each holding, excepted (with the reason) or broken."""
    exceptions = assumption_exceptions(schema, settings)
    out: dict[str, tuple[AssumptionStatus, ...]] = {}
    for t in schema.tables:
        excepted = {e.rule: e for e in exceptions.get(t.key, ())}
        rows = []
        for rule, (number, text) in ASSUMPTIONS.items():
            if rule in excepted:
                rows.append(AssumptionStatus(number, text, rule, "exception", excepted[rule].reason))
                continue
            hits = CHECKS[rule](t)
            if hits:
                rows.append(AssumptionStatus(number, text, rule, "broken", hits[0][1]))
            else:
                rows.append(AssumptionStatus(number, text, rule, "holds"))
        out[t.key] = tuple(rows)
    return out
