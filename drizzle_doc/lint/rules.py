"""The spec's assumptions and the house rules as checks over the model: which run, at what
level, on which tables; the exceptions; and how each table stands against the assumptions.

Rules (id: default level; see RULE_DEFAULTS in :mod:`drizzle_doc.project.settings`, the
checks in :mod:`drizzle_doc.lint.checks`):

* ``uuid-pk`` (warning) - assumption 1: every table has a UUID primary key.
* ``timestamps`` (warning) - assumption 2: every table has createdAt and updatedAt (its
  ``columns`` option).
* ``fk-enforced`` (warning) - assumption 3: every relationship declared with
  ``relations()`` (``one(x, {fields, references})``) is enforced by a foreign key.
* ``fk-index`` (warning) - every foreign key's columns lead some index.
* ``descriptions`` (warning; error with ``require_descriptions``) - tables and columns
  have a JSDoc description (one finding per table).
* ``duplicate-relations`` (warning), ``primary-key``, ``require-columns``,
  ``unrelated-tables``, ``column-count``, ``name-pattern`` (off).

``--strict`` (``init --strict``) makes the first three and ``descriptions`` errors.  A rule's
``exclude`` (names or globs) leaves tables out without a word; a table is excepted from a rule,
with a reason, either in the settings (``[exceptions.uuid-pk] audit_log = "why"``) or by a
JSDoc tag on the table::

    /**
     * Append-only audit trail.
     * @drizzle-doc-exception uuid-pk rows are keyed by a bigint identity for ordering
     */

``min-coverage`` (percent) adds one ``coverage`` error when the description coverage
(:mod:`drizzle_doc.model.coverage`) is below it.  Pure: findings are returned as data.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Optional

from drizzle_doc.lint.checks import CHECKS, EXCEPTION_TAG, context, matches
from drizzle_doc.model import ERROR, WARNING, Diagnostic, Schema, Table, finding, unqualified
from drizzle_doc.model.coverage import Coverage
from drizzle_doc.project.settings import OFF, RULES, Settings

#: The spec's "Assumptions", by rule id: (number, wording).
ASSUMPTIONS: dict[str, tuple[int, str]] = {
    "uuid-pk": (1, "All tables have UUID primary keys"),
    "timestamps": (2, "All tables have createdAt/updatedAt timestamps"),
    "fk-enforced": (3, "Foreign keys are always enforced"),
}


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
                "exception", WARNING, s.source, s.line_of("exceptions", e.rule, e.table),
                f"exception {e.rule} names table {e.table!r}, which is not in the models",
                f"remove it from [exceptions.{e.rule}] or fix the table name"))
            continue
        found.append(TableException(t.key, e.rule, e.reason, s.source or "settings", s.source,
                                    s.line_of("exceptions", e.rule, e.table)))
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


def rule_level(settings: Settings, rule: str) -> str:
    """The level ``rule`` runs at: its setting (``require_descriptions`` makes descriptions an error)."""
    if rule == "descriptions" and settings.require_descriptions:
        return ERROR
    return settings.level(rule)


def run_rules(schema: Schema, settings: Optional[Settings] = None) -> list[Diagnostic]:
    """Every rule over every table, excludes and exceptions applied; plus problems with the
    exceptions themselves."""
    s = as_settings(settings)
    exceptions, problems = collect_exceptions(schema, s)
    excepted = {(e.table, e.rule) for e in exceptions}
    ctx = context(schema, s)
    used: set = set()
    findings: list[Diagnostic] = list(problems)
    for rule, check in CHECKS.items():
        level = rule_level(s, rule)
        if level == OFF:
            continue
        exclude = s.exclude(rule)
        for t in schema.tables:
            if exclude and matches(t, exclude):
                used.add((t.key, rule))  # an exception there as well is not "unneeded"
                continue
            hits = check(t, ctx)
            if not hits:
                continue
            if (t.key, rule) in excepted:
                used.add((t.key, rule))
                continue
            for line, message, fix in hits:
                findings.append(finding(rule, level, t.file or None, line or None, message, fix, t.key))
    for e in exceptions:
        if rule_level(s, e.rule) == OFF:
            continue
        if (e.table, e.rule) not in used:
            findings.append(finding(
                "exception", WARNING, e.file, e.line,
                f"table `{e.table}` is excepted from {e.rule} but follows the rule",
                "remove the exception" + (f" (`@{EXCEPTION_TAG} {e.rule} ...` in the table's JSDoc)"
                                          if e.source == "jsdoc" else f" from [exceptions.{e.rule}]"),
                e.table))
    return findings


def coverage_findings(cov: Coverage, settings: Optional[Settings] = None) -> list[Diagnostic]:
    """One ``coverage`` error when the description coverage is below the settings' ``min-coverage``."""
    s = as_settings(settings)
    if s.min_coverage is None or not cov.below(s.min_coverage):
        return []
    least = ", ".join(f"`{t.name}` {t.covered}/{t.total}" for t in cov.least(5))
    return [finding("coverage", ERROR, s.source, s.line_of("min-coverage"),
                    f"description coverage {cov.percent}% ({cov.covered}/{cov.total} tables and columns) "
                    f"is below min-coverage {s.min_coverage:g}%",
                    f"add JSDoc descriptions, least covered first ({least}), or lower min-coverage")]


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
    s = as_settings(settings)
    exceptions = assumption_exceptions(schema, s)
    ctx = context(schema, s)
    out: dict[str, tuple[AssumptionStatus, ...]] = {}
    for t in schema.tables:
        excepted = {e.rule: e for e in exceptions.get(t.key, ())}
        rows = []
        for rule, (number, text) in ASSUMPTIONS.items():
            if rule in excepted:
                rows.append(AssumptionStatus(number, text, rule, "exception", excepted[rule].reason))
                continue
            if matches(t, s.exclude(rule)):
                rows.append(AssumptionStatus(number, text, rule, "exception",
                                             f"excluded by `[rules.{rule}]` in {s.source or 'the settings'}"))
                continue
            hits = CHECKS[rule](t, ctx)
            if hits:
                rows.append(AssumptionStatus(number, text, rule, "broken", hits[0][1]))
            else:
                rows.append(AssumptionStatus(number, text, rule, "holds"))
        out[t.key] = tuple(rows)
    return out
