"""The migration history as the ``inspect`` JSON contract, ``migrations --format json`` and the
``migrations`` text listing.

``shown`` (a project's :meth:`~drizzle_doc.project.Project.shown`) names a root-relative path
from where the user stands: the text names every path so, the JSON its diagnostics (its other
paths are relative to its ``root``)."""

from __future__ import annotations

from typing import Any, Callable, Optional

from drizzle_doc.model import Diagnostic, unqualified

from drizzle_doc.history.records import Change, Drift, History, Migration, MigrationRef, iso_when


# ---------------------------------------------------------------------------
# JSON (the `inspect` contract) and text
# ---------------------------------------------------------------------------


def ref_json(ref: Optional[MigrationRef]) -> Optional[dict[str, Any]]:
    """``{tag, file}``, plus ``snapshot`` for a migration known only from its snapshot (``file`` "")."""
    if ref is None:
        return None
    out = {"tag": ref.tag, "file": ref.file}
    if not ref.file and ref.snapshot:
        out["snapshot"] = ref.snapshot
    return out


def change_json(ch: Change) -> dict[str, Any]:
    out = {
        "tag": ch.migration.tag,
        "file": ch.migration.file,
        "when": iso_when(ch.migration.when),
        "summary": ch.summary,
        "kind": ch.kind,
    }
    if not ch.migration.file and ch.migration.snapshot:
        out["snapshot"] = ch.migration.snapshot
    return out


def table_migrations_json(history: History, key: str) -> dict[str, Any]:
    """``{created: {tag, file} | null, changes: [{tag, file, when, summary}]}`` for one table."""
    th = history.table(key)
    if th is None:
        return {"created": None, "changes": []}
    return {"created": ref_json(th.created), "changes": [change_json(c) for c in th.changes]}


def drift_json(d: Drift) -> dict[str, Any]:
    return {
        "severity": d.severity,
        "kind": d.kind,
        "table": d.table,
        "column": d.column,
        "index": d.index,
        "constraint": d.constraint,
        "enum": d.enum,
        "message": d.message,
        "fix": d.fix,
        **({"outsideJournal": list(d.outside_journal)} if d.outside_journal else {}),
    }


def migration_json(m: Migration) -> dict[str, Any]:
    return {
        "index": m.ref.index,
        "tag": m.ref.tag,
        "file": m.ref.file,
        "when": iso_when(m.ref.when),
        "snapshot": m.snapshot,
        "inJournal": m.in_journal,
        "statements": m.statements,
        "changes": [
            {"table": c.table, "kind": c.kind, "summary": c.summary, "column": c.column, "target": c.target}
            for c in m.changes
        ],
    }


Shown = Callable[[Optional[str]], Optional[str]]


def _same(path: Optional[str]) -> Optional[str]:
    return path


def diag_json(d: Diagnostic, shown: Shown = _same) -> dict[str, Any]:
    return {"severity": d.severity, "file": shown(d.file), "line": d.line, "column": d.column,
            "message": d.message, "code": d.code or None}


def history_json(history: History, root: str = ".", shown: Shown = _same) -> dict[str, Any]:
    """The whole history: what `drizzle-doc migrations --format json` prints; ``root`` is the
    project's root from where the user stands, which its paths are relative to."""
    return {
        "root": root,
        "folder": history.folder,
        "layout": history.layout,
        "migrations": [migration_json(m) for m in history.migrations],
        "tables": [
            {
                "table": t.table,
                "created": ref_json(t.created),
                "dropped": ref_json(t.dropped),
                "formerNames": list(t.former_names),
                "changes": [change_json(c) for c in t.changes],
                "columns": {name: ref_json(ref) for name, ref in t.columns},
            }
            for t in history.tables
        ],
        "drift": [drift_json(d) for d in history.drift],
        "outsideJournal": list(history.outside_journal),
        "diagnostics": [diag_json(d, shown) for d in history.diagnostics],
    }


def augment_inspect(payload: dict[str, Any], history: History) -> dict[str, Any]:
    """Add the migration keys to an ``inspect`` payload (in place; also returned):
    ``tables[].migrations``, ``tables[].columns[].addedIn``, ``migrationsFolder``, ``drift``,
    and the history's diagnostics."""
    for t in payload.get("tables", []):
        key = f"{t.get('schema') or 'public'}.{t['name']}"
        t["migrations"] = table_migrations_json(history, key)
        th = history.table(key)
        for c in t.get("columns", []):
            c["addedIn"] = ref_json(th.added_in(c["name"])) if th is not None else None
    payload["migrationsFolder"] = history.folder
    payload["drift"] = [drift_json(d) for d in history.drift]
    payload.setdefault("diagnostics", []).extend(diag_json(d) for d in history.diagnostics)
    return payload


def history_text(history: History, shown: Shown = _same) -> str:
    """Migrations in order and what each one touched (``drizzle-doc migrations``)."""
    lines: list[str] = []
    if history.folder is None:
        lines.append("no migrations folder found")
    else:
        lines.append(f"{shown(history.folder)} ({history.layout}, {len(history.migrations)} migrations)")
    for m in history.migrations:
        date = f"  {m.ref.date}" if m.ref.when is not None else ""
        note = "" if m.in_journal in (None, True) else "  [outside meta/_journal.json: drizzle-kit never runs it]"
        where = shown(m.ref.file) or (f"(no SQL file; snapshot {shown(m.ref.snapshot)})" if m.ref.snapshot else "(file missing)")
        lines.append(f"{m.ref.tag}{date}  {where}{note}")
        if not m.changes:
            lines.append("    (no schema change)")
        for c in m.changes:
            where = c.table.split(".", 1)[1] if c.table and unqualified(c.table.split(".", 1)[0]) else (c.table or "-")
            lines.append(f"    {where}: {c.summary}")
    if history.drift:
        lines.append("")
        lines.append("drift:")
        for d in history.drift:
            lines.append(f"  {d.severity}: {d.message} ({d.fix})")
    for d in history.diagnostics:
        where = Diagnostic(d.severity, shown(d.file), d.line, d.message, d.column).where()
        lines.append(f"{where + ': ' if where else ''}{d.severity}: {d.message}")
    return "\n".join(lines) + "\n"
