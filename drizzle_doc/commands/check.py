"""``drizzle-doc check``: the CI gate.  Compares, never writes.

tbls style: the docs are regenerated in memory (exactly what ``generate`` would
write, merged into the pages on disk by the same code) and compared with the
files.  Added to that: drift between the models and the migrations, and the
rules of :mod:`drizzle_doc.lint.rules`.

Finding ids (``Diagnostic.code``, ``rule`` in the JSON):

* ``docs-missing``  - a models file none of whose tables has a page (error)
* ``page-missing``  - a table (or the index / a diagram page) has no page (error)
* ``page-stale``    - a generated section differs from what generate writes now (error, with a diff)
* ``page-orphaned`` - a generated page whose table is gone (error)
* ``page-damaged``  - broken drizzle-doc markers (error); ``page-unmanaged`` (no
  markers, upper-cased markers, an empty page), ``page-unreadable`` (not UTF-8),
  ``page-symlink`` - a page generate cannot keep current (error: the page no longer
  documents its table) unless the project lists it under ``[pages] manual``
* ``page-manual``   - a ``[pages] manual`` entry naming no table or page (warning)
* ``drift``         - the models and the migrations disagree (error, or warning
  for things only the migrations have)
* ``migrations``    - a migrations folder that cannot be read fully
* ``model``         - a problem reading the models or the drizzle config
* ``exception``     - a bad or unneeded rule exception
* ``coverage``      - the description coverage is below ``min-coverage`` (error)
* the rule ids of :mod:`drizzle_doc.lint.rules` (RULES in :mod:`drizzle_doc.project.settings`):
  ``uuid-pk``, ``timestamps``, ``fk-enforced``, ``fk-index``, ``descriptions``,
  ``primary-key``, ``require-columns``, ``duplicate-relations``, ``unrelated-tables``,
  ``column-count``, ``name-pattern``

Besides the findings, :func:`check_coverage` gives the description coverage of every project
checked (one line in the text report, ``coverage`` in the JSON).
"""

from __future__ import annotations

import re
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING, Mapping, Optional, Sequence

if TYPE_CHECKING:
    from drizzle_doc.history.migrations import History
    from drizzle_doc.project import Project


from drizzle_doc.model import ERROR, INFO, WARNING, Diagnostic, Schema, finding
from drizzle_doc.perf.history import Histories
from drizzle_doc.lint.rules import coverage_findings, run_rules
from drizzle_doc.model.coverage import Coverage, coverage
from drizzle_doc.project.settings import RULES, Settings, with_overrides

RULE_IDS = ("docs-missing", "page-missing", "page-stale", "page-orphaned", "page-damaged",
            "page-unmanaged", "page-unreadable", "page-symlink", "page-manual", "drift", "migrations", "model", "exception",
            "coverage", *RULES)

GENERATE = "drizzle-doc generate"

_HUNK = re.compile(r"^@@ -(\d+)(,\d+)? \+(\d+)(,\d+)? @@")


def _from_diag(d: Diagnostic, rule: str, fix: str = "") -> Optional[Diagnostic]:
    if d.severity == INFO:
        return None
    return finding(rule, d.severity, d.file or None, d.line or None, d.message, fix)


def section_diff(path: str, old: str, new: str, offset_old: int, offset_new: int) -> str:
    """Unified diff of one section body, its line numbers those of the page."""
    import difflib

    lines = list(difflib.unified_diff(old.splitlines(), new.splitlines(),
                                      f"a/{path}", f"b/{path}", n=2, lineterm=""))

    def shift(m: re.Match) -> str:
        a, b = int(m.group(1)) + offset_old, int(m.group(3)) + offset_new
        return f"@@ -{a}{m.group(2) or ''} +{b}{m.group(4) or ''} @@"

    return "\n".join(_HUNK.sub(shift, ln) if ln.startswith("@@") else ln for ln in lines) + "\n"


def _first_changed_line(diff: str) -> Optional[int]:
    """The page line of the first removed (else added) line of a shifted unified diff."""
    old_line = new_line = None
    first_added = None
    for ln in diff.split("\n"):
        m = _HUNK.match(ln)
        if m:
            old_line, new_line = int(m.group(1)), int(m.group(3))
            continue
        if old_line is None:  # the ---/+++ header
            continue
        if ln.startswith("-"):
            return old_line
        if ln.startswith("+"):
            if first_added is None:
                first_added = old_line  # where the new text goes in the page on disk
            new_line += 1
            continue
        if first_added is not None:
            return first_added
        old_line += 1
        new_line += 1
    return first_added


def _line_of(text: str, offset: int) -> int:
    return text.count("\n", 0, offset) + 1


def _stale_findings(shown: str, old: str, new: str, fix: str, table: Optional[str]) -> list[Diagnostic]:
    from drizzle_doc.docs.pages import parse_page

    po, pn = parse_page(old), parse_page(new)
    new_by_name = {s.name: s for s in pn.sections}
    out = []
    for s in po.sections:
        ns = new_by_name.get(s.name)
        if ns is None:
            continue
        ob, nb = old[s.body_start:s.body_end], new[ns.body_start:ns.body_end]
        if ob == nb:
            continue
        o_line, n_line = _line_of(old, s.body_start), _line_of(new, ns.body_start)
        diff = section_diff(shown, ob, nb, o_line - 1, n_line - 1)
        first = _first_changed_line(diff) or o_line
        out.append(finding("page-stale", ERROR, shown, max(first, 1),
                           f"generated section `{s.name}` is out of date with the models", fix, table, diff))
    if not out:  # differs outside the sections we can pair (should not happen): one finding, whole diff
        import difflib

        diff = "\n".join(difflib.unified_diff(old.splitlines(), new.splitlines(), f"a/{shown}", f"b/{shown}",
                                              lineterm="")) + "\n"
        out.append(finding("page-stale", ERROR, shown, 1, "page is out of date with the models", fix, table, diff))
    return out


def _drift_findings(project: Project, schema: Schema, history: History) -> list[Diagnostic]:
    tables = {t.key: t for t in schema.tables}
    enums = {e.key: e for e in schema.enums}
    last = history.migrations[-1].ref.file if history.migrations else (history.folder or None)
    out = []
    for d in history.drift:
        file, line = last, None
        t = tables.get(d.table) if d.table else None
        if t is not None:
            file, line = t.file or file, t.line or None
            c = t.column(d.column) if d.column else None
            if c is not None and c.file:
                file, line = c.file, c.line
            for group in (t.indexes, t.foreign_keys, t.uniques, t.checks):
                for x in group:
                    if x.name in (d.index, d.constraint) and x.file:
                        file, line = x.file, x.line
            if d.kind == "primary_key" and t.primary_key is not None and t.primary_key.file:
                file, line = t.primary_key.file, t.primary_key.line
        elif d.enum and d.enum in enums and enums[d.enum].file:
            file, line = enums[d.enum].file, enums[d.enum].line
        if d.outside_journal:  # SQL drizzle-kit's migrator never runs: its own fix
            fix = d.fix
        elif d.extra:
            fix = "run `drizzle-kit generate` to write the migration that drops it, or add it back to the models"
        else:
            fix = (d.fix or "run `drizzle-kit generate`") + " to write the migration, then `drizzle-kit migrate`"
        out.append(finding("drift", d.severity if d.severity != INFO else WARNING, file, line,
                           d.message, fix, d.table))
    return out


def check_project(project: Project, schema: Schema, settings: Optional[Settings] = None, *,
                  templates: Optional[Path] = None, generate_cmd: str = GENERATE,
                  use_cache: bool = True, histories: Optional[Histories] = None) -> list[Diagnostic]:
    """Every finding for one project; paths relative to the project root.  Reads, never writes.

    ``histories``: where the command prefetched the project's history (default: read now)."""
    from drizzle_doc.commands.generate import manual_pages, out_dir, render_project
    from drizzle_doc.docs.render import page_paths
    from drizzle_doc.docs.write import WRITTEN, plan_docs

    settings = settings if settings is not None else project.settings
    findings: list[Diagnostic] = []
    for d in (*project.diagnostics, *schema.diagnostics):
        f = _from_diag(d, "model", "fix the models or the drizzle config where shown")
        if f:
            findings.append(f)

    handle = (histories or Histories()).handle(project)
    history = handle.full(schema, project)
    for d in history.diagnostics:
        f = _from_diag(d, "migrations", "run `drizzle-kit generate` (or point --migrations at the folder); "
                       "repair or remove the file named")
        if f:
            findings.append(f)
    if project.config_file:  # a project-wide problem is shown on the drizzle config
        findings = [replace(f, file=project.config_file) if f.file is None else f for f in findings]
    findings += _drift_findings(project, schema, history)

    # docs: what generate would write now, merged with what is on disk.  When the out
    # dir is exactly as a clean generate left it for these same inputs, nothing is stale.
    out = out_dir(project)
    if use_cache:
        from drizzle_doc.perf import cache

        if cache.lookup(project, out, cache.render_key(project, schema, handle.digest, templates)) is not None:
            return findings + run_rules(schema, settings) + coverage_findings(coverage(schema), settings)
    pages = render_project(project, schema, templates, history=history, lazy=True, use_cache=use_cache)
    manual, manual_diags = manual_pages(project, schema)
    from drizzle_doc.perf.docstate import for_run

    docs = for_run(project, out, schema, pages, use_cache)
    files, diags = plan_docs(out, pages, display_out=project.out, manual=manual,
                             known=docs.known if docs is not None else None)
    if docs is not None:
        docs.record(files, pages, written=False)
    shown_out = project.out.rstrip("/") + "/"  # findings' files: relative to the root, as all here
    said_out = project.shown(project.out).rstrip("/") + "/"  # messages: from where the user stands
    fix = f"run `{generate_cmd}`"
    opt_out = "or, if the page is written by hand on purpose, list it under [pages] manual in drizzle-doc.toml"
    for d in manual_diags:
        findings.append(finding("page-manual", WARNING, settings.source, None, d.message,
                                "name a table of the models or a page path, or remove the entry"))
    for d in diags:
        if d.code == "page-orphaned":
            findings.append(finding("page-orphaned", ERROR, d.file, None, d.message,
                                    f"run `{generate_cmd} --prune` (or delete the page)"))
        elif d.code == "page-damaged":
            findings.append(finding("page-damaged", ERROR, d.file, None, d.message,
                                    "restore the drizzle-doc markers (or delete the page), then " + fix
                                    + "; " + opt_out))
        elif d.code in ("page-unmanaged", "page-unreadable", "page-symlink"):
            # the page no longer documents its table: the gate fails unless the project opted it out
            findings.append(finding(d.code, ERROR, d.file, None, d.message,
                                    "delete the page (or replace it with a regular file), then " + fix
                                    + "; " + opt_out))
        else:
            f = _from_diag(d, d.code or "page-unmanaged", d.fix or fix)
            if f:
                findings.append(f)

    by_page = {path: key for key, path in page_paths(schema).items()}
    tables = {t.key: t for t in schema.tables}
    missing_tables: list[str] = []
    for pf in files:
        shown = shown_out + pf.path
        key = by_page.get(pf.path)
        if pf.status != WRITTEN:
            continue
        if pf.old is None:
            if key is not None:
                missing_tables.append(key)
            else:
                findings.append(finding("page-missing", ERROR, shown, None,
                                        f"page {said_out}{pf.path} is missing", fix))
        else:
            findings += _stale_findings(shown, pf.old, pf.new, fix, key)
    # every models file has docs; every table its page
    by_file: dict[str, list[str]] = {}
    for t in schema.tables:
        by_file.setdefault(t.file, []).append(t.key)
    missing = set(missing_tables)
    for file, keys in sorted(by_file.items()):
        gone = [k for k in keys if k in missing]
        if not gone:
            continue
        if len(gone) == len(keys):
            first = tables[keys[0]]
            names = ", ".join(f"`{tables[k].name}`" for k in keys)
            findings.append(finding("docs-missing", ERROR, file or None, first.line or None,
                                    f"models file has no docs: no page for {names} in {said_out}", fix,
                                    keys[0] if len(keys) == 1 else None))
        else:
            for k in gone:
                t = tables[k]
                findings.append(finding("page-missing", ERROR, t.file or None, t.line or None,
                                        f"table `{t.name}` has no page ({said_out}{page_paths(schema)[k]})",
                                        fix, k))
    findings += run_rules(schema, settings)
    findings += coverage_findings(coverage(schema), settings)
    return findings


def _namer(project: Project, base: Optional[Path]):
    """How a root-relative path is named from where the user stands: the project's
    :meth:`~Project.shown`; a project loaded without :attr:`~Project.seen_from` is seen from ``base``."""
    if project.seen_from is None and base is not None:
        project = replace(project, seen_from=Path(base).resolve())
    return project.shown


def check_coverage(results: Sequence[tuple[Project, Schema]], *, base: Optional[Path] = None) -> Coverage:
    """The description coverage of every (project, schema) together, files named from where the
    user stands (see :func:`_namer`)."""
    tables = []
    for project, schema in results:
        shown = _namer(project, base)
        tables += [replace(t, file=shown(t.file)) if t.file else t for t in coverage(schema).tables]
    return Coverage(tuple(tables))


def run_check(results: Sequence[tuple[Project, Schema]], *, base: Optional[Path] = None,
              require_descriptions: Optional[bool] = None, rules: Mapping[str, str] = {},
              strict: bool = False, templates: Optional[Path] = None, generate_cmd: str = GENERATE,
              use_cache: bool = True, histories: Optional[Histories] = None) -> list[Diagnostic]:
    """Check every (project, schema); file paths are named from where the user stands (each
    project's :attr:`~Project.seen_from`; for projects loaded without one, ``base``).
    ``strict``, ``require_descriptions`` and ``rules`` are the flags over each project's settings;
    ``histories``: where the command prefetched the histories (default: each read when needed)."""
    findings: list[Diagnostic] = []
    for project, schema in results:
        settings = with_overrides(project.settings, require_descriptions=require_descriptions,
                                  rules=rules, strict=strict)
        shown = _namer(project, base)
        for f in check_project(project, schema, settings, templates=templates, generate_cmd=generate_cmd,
                                   use_cache=use_cache, histories=histories):
            file = shown(f.file)
            if file != f.file:
                diff = f.diff
                if diff:
                    diff = diff.replace(f"--- a/{f.file}", f"--- a/{file}", 1) \
                               .replace(f"+++ b/{f.file}", f"+++ b/{file}", 1)
                f = replace(f, file=file, diff=diff)
            findings.append(f)
    return findings
