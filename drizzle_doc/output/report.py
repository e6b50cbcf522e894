"""Findings (what ``check`` and ``verify`` found) and their three renderings: text, JSON,
GitHub annotations.

A finding is a :class:`~drizzle_doc.model.Diagnostic` that carries the rule or check id that
found it (``code``, written as ``rule``), its ``fix`` and, where there is one, its ``table``
and ``diff``.  Pure: every function returns a string; the CLI prints it.

JSON format (``--format json``), version 1, keys always present::

    {
      "version": 1,
      "ok": false,                      # true when there is no error finding
      "summary": {"errors": 1, "warnings": 2, "infos": 0},
      "coverage": {                     # check only: description coverage (drizzle_doc.model.coverage)
        "total": {"covered": 25, "total": 40, "percent": 62.5},
        "tables": [                     # every table, by file then table key
          {"table": "public.sessions", "name": "sessions", "file": "server/src/models/sessions.ts",
           "line": 12, "described": false, "columns": {"covered": 0, "total": 6},
           "covered": 0, "total": 7, "percent": 0.0}
        ]
      },
      "findings": [
        {
          "rule": "uuid-pk",            # Diagnostic.code: rule or check id (see RULE_IDS in drizzle_doc.commands.check)
          "severity": "error",          # "error" | "warning" | "info"
          "file": "server/src/models/audit.ts",   # relative posix path, or null
          "line": 12,                   # 1-based, or null
          "table": "public.audit_log",  # table key, or null
          "message": "...",             # what is wrong
          "fix": "...",                 # how to fix it
          "diff": null                  # unified diff (stale pages only), else null
        }
      ]
    }

Findings are sorted by file, line, rule and message.  Coverage counts, per table, its own
description (1) and each column's (1 each); ``percent`` is rounded down to one decimal.
"""

from __future__ import annotations

import json
from typing import Iterable, Optional, Sequence

from drizzle_doc.model import ERROR, INFO, WARNING, Diagnostic
from drizzle_doc.model.coverage import Coverage

JSON_VERSION = 1


def _finding_key(f: Diagnostic) -> tuple:
    return (f.file or "", f.line or 0, f.rule, f.message)


def sort_findings(findings: Iterable[Diagnostic]) -> list[Diagnostic]:
    return sorted(findings, key=_finding_key)


def counts(findings: Sequence[Diagnostic]) -> dict[str, int]:
    return {
        "errors": sum(1 for f in findings if f.severity == ERROR),
        "warnings": sum(1 for f in findings if f.severity == WARNING),
        "infos": sum(1 for f in findings if f.severity == INFO),
    }


def exit_code(findings: Sequence[Diagnostic]) -> int:
    return 1 if any(f.severity == ERROR for f in findings) else 0


def _plural(n: int, word: str) -> str:
    return f"{n} {word}" + ("" if n == 1 else "s")


def coverage_json(cov: Coverage) -> dict:
    """The ``coverage`` key of check's JSON: the total and every table, by file then table key."""
    def figures(covered: int, total: int, pct: float) -> dict:
        return {"covered": covered, "total": total, "percent": pct}

    tables = sorted(cov.tables, key=lambda t: (t.file, t.table))
    return {"total": figures(cov.covered, cov.total, cov.percent),
            "tables": [{"table": t.table, "name": t.name, "file": t.file or None, "line": t.line or None,
                        "described": t.described,
                        "columns": {"covered": t.columns_described, "total": t.columns},
                        **figures(t.covered, t.total, t.percent)} for t in tables]}


def coverage_text(cov: Coverage, least: int = 3) -> str:
    """One line: the total description coverage and the least covered tables; "" without tables."""
    if not cov.tables:
        return ""
    line = f"description coverage: {cov.percent}% ({cov.covered}/{cov.total} tables and columns)"
    worst = cov.least(least)
    if worst:
        line += "; least covered: " + ", ".join(f"{t.name} {t.percent}% ({t.covered}/{t.total})" for t in worst)
    return line


def render_text(findings: Sequence[Diagnostic], color: bool = False, *, label: str = "drizzle-doc check",
                ok_message: str = "docs are current and every rule passes", note: str = "",
                no_file: str = "(project)", coverage: Optional[Coverage] = None) -> str:
    """Human text grouped per file; ANSI colour only when ``color``.

    ``label``/``ok_message`` name the command in the closing line (check and verify
    share this format); ``note`` is appended to the closing line; ``coverage`` (check)
    adds its one line before it.
    """
    import click

    def style(s: str, **kw) -> str:
        return click.style(s, **kw) if color else s

    colours = {ERROR: "red", WARNING: "yellow", INFO: "blue"}
    findings = sort_findings(findings)
    lines: list[str] = []
    current: object = object()
    for f in findings:
        if f.file != current:
            if lines:
                lines.append("")
            lines.append(style(f.file or no_file, bold=True, underline=True))
            current = f.file
        loc = f"{f.line}" if f.line else "-"
        sev = style(f.severity, fg=colours.get(f.severity), bold=True)
        lines.append(f"  {loc:>5}  {sev}  {f.message}  {style('[' + f.rule + ']', dim=True)}")
        if f.diff:
            for d in f.diff.rstrip("\n").split("\n"):
                c = "green" if d.startswith("+") and not d.startswith("+++") else \
                    "red" if d.startswith("-") and not d.startswith("---") else \
                    "cyan" if d.startswith("@@") else None
                lines.append("         " + (style(d, fg=c) if c else d))
        if f.fix:
            lines.append("         " + style("fix: ", bold=True) + f.fix)
    c = counts(findings)
    if findings:
        lines.append("")
    cov_line = coverage_text(coverage) if coverage is not None else ""
    if cov_line:
        lines.append(cov_line)
    tail = f" {note}" if note else ""
    if c["errors"] or c["warnings"]:
        summary = f"{label}: {_plural(c['errors'], 'error')}, {_plural(c['warnings'], 'warning')}"
        lines.append(style(summary, fg="red" if c["errors"] else "yellow", bold=True) + tail)
    else:
        lines.append(style(f"{label}: {ok_message}", fg="green") + tail)
    return "\n".join(lines) + "\n"


def finding_json(f: Diagnostic) -> dict:
    return {"rule": f.rule, "severity": f.severity, "file": f.file, "line": f.line, "table": f.table,
            "message": f.message, "fix": f.fix, "diff": f.diff}


def render_json(findings: Sequence[Diagnostic], *, extra: Optional[dict] = None,
                extra_summary: Optional[dict] = None, coverage: Optional[Coverage] = None) -> str:
    """The JSON document; ``extra`` adds top-level keys (verify: database, schemas),
    ``extra_summary`` adds counts to ``summary``, ``coverage`` (check) the ``coverage`` key."""
    findings = sort_findings(findings)
    payload = {
        "version": JSON_VERSION,
        "ok": exit_code(findings) == 0,
        "summary": {**counts(findings), **(extra_summary or {})},
        **({"coverage": coverage_json(coverage)} if coverage is not None else {}),
        **(extra or {}),
        "findings": [finding_json(f) for f in findings],
    }
    return json.dumps(payload, indent=2, ensure_ascii=False) + "\n"


def _gh_data(s: str) -> str:
    return s.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _gh_prop(s: str) -> str:
    return _gh_data(s).replace(":", "%3A").replace(",", "%2C")


def render_github(findings: Sequence[Diagnostic], *, label: str = "drizzle-doc check",
                  coverage: Optional[Coverage] = None) -> str:
    """GitHub Actions workflow commands: ``::error file=F,line=N,title=T::message`` per finding;
    then the coverage line (check) and the summary as plain log lines."""
    kinds = {ERROR: "error", WARNING: "warning", INFO: "notice"}
    out = []
    for f in sort_findings(findings):
        props = []
        if f.file:
            props.append(f"file={_gh_prop(f.file)}")
            if f.line:
                props.append(f"line={f.line}")
        props.append(f"title={_gh_prop(label.split()[0] + ' ' + f.rule)}")
        msg = f.message + (f" Fix: {f.fix}" if f.fix else "")
        if f.diff:
            msg += "\n" + f.diff.rstrip("\n")
        out.append(f"::{kinds.get(f.severity, 'warning')} {','.join(props)}::{_gh_data(msg)}")
    c = counts(findings)
    cov_line = coverage_text(coverage) if coverage is not None else ""
    if cov_line:
        out.append(cov_line)
    out.append(f"{label}: {_plural(c['errors'], 'error')}, {_plural(c['warnings'], 'warning')}")
    return "\n".join(out) + "\n"
