"""Run drizzle-doc zero-config over a folder of real Drizzle projects and print what it found.

Each sub-folder of the corpus folder (default /work/corpus) is one checked-out project. At its
root, as a user would, this runs `python -m drizzle_doc inspect --format json`, then copies the
project to a temporary folder and runs `generate` and `check --format json` there (the checkout
is never written). Independently of drizzle-doc it reads every drizzle-kit migrations folder on
disk (`meta/_journal.json` + `meta/NNNN_snapshot.json`, or 1.0's `<stamp>_<name>/snapshot.json`)
and counts the tables of its newest snapshot, so a lost table or a wrong path shows as a gap.

    PYTHONPATH=/work/main python tests/corpus/run.py [CORPUS] [--only NAME] [--json FILE]
                                                     [--keep DIR] [--timeout S]

`--keep DIR` writes each command's raw stdout/stderr to DIR/<project>/ for triage. The code
under test is whatever `python -m drizzle_doc` imports (set PYTHONPATH). Nothing here is a test
that can pass or fail: it measures.
"""
from __future__ import annotations

import argparse
import collections
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

SKIP_DIRS = {".git", "node_modules", ".next", ".turbo", "dist", ".output", ".nuxt", ".svelte-kit"}
BINARY_EXT = {".png", ".jpg", ".jpeg", ".gif", ".webp", ".ico", ".mp4", ".mov", ".webm", ".woff",
              ".woff2", ".ttf", ".otf", ".pdf", ".zip", ".gz", ".mp3", ".wav", ".avif", ".psd"}


def run(cmd: list[str], cwd: Path, timeout: float) -> tuple[int, str, str, float]:
    """Run `python -m drizzle_doc ...` in cwd; (exit code, stdout, stderr, seconds)."""
    started = time.monotonic()
    try:
        done = subprocess.run([sys.executable, "-m", "drizzle_doc", *cmd], cwd=cwd,
                              capture_output=True, text=True, timeout=timeout)
        code, out, err = done.returncode, done.stdout, done.stderr
    except subprocess.TimeoutExpired as exc:
        code, out, err = -9, _text(exc.stdout), _text(exc.stderr) + f"\n[timeout after {timeout}s]"
    return code, out, err, time.monotonic() - started


def _text(data: bytes | str | None) -> str:
    if data is None:
        return ""
    return data if isinstance(data, str) else data.decode("utf-8", "replace")


def walk(root: Path):
    """Every folder below root outside SKIP_DIRS, as (folder, sub-folder names, file names)."""
    for here, dirs, files in os.walk(root):
        dirs[:] = sorted(d for d in dirs if d not in SKIP_DIRS)
        yield Path(here), dirs, files


def snapshot_tables(snapshot: dict) -> int | None:
    """Tables in one drizzle-kit snapshot: 0.x keeps a `tables` object, 1.0 a `ddl` list."""
    if isinstance(snapshot.get("tables"), dict):
        return len(snapshot["tables"])
    if isinstance(snapshot.get("ddl"), list):
        return sum(1 for e in snapshot["ddl"] if isinstance(e, dict) and e.get("entityType") == "tables")
    return None


def _load(path: Path) -> dict | None:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return data if isinstance(data, dict) else None


def kit_snapshots(project: Path) -> list[dict]:
    """Each drizzle-kit migrations folder below project: its path, layout, count and newest tables."""
    found = []
    for here, dirs, files in walk(project):
        if here.name == "meta" and "_journal.json" in files:
            snaps = sorted(f for f in files if f.endswith("_snapshot.json"))
            newest = _load(here / snaps[-1]) if snaps else None
            journal = _load(here / "_journal.json") or {}
            entries = journal.get("entries") if isinstance(journal.get("entries"), list) else []
            found.append({"folder": here.parent.relative_to(project).as_posix(), "layout": "journal",
                          "dialect": journal.get("dialect"), "migrations": len(entries),
                          "snapshot": snaps[-1] if snaps else None,
                          "tables": snapshot_tables(newest) if newest else None})
        nested = sorted(d for d in dirs if (here / d / "snapshot.json").is_file()
                        and (here / d / "migration.sql").is_file())
        if nested:
            newest = _load(here / nested[-1] / "snapshot.json") or {}
            found.append({"folder": here.relative_to(project).as_posix(), "layout": "folders",
                          "dialect": newest.get("dialect"), "migrations": len(nested),
                          "snapshot": f"{nested[-1]}/snapshot.json", "tables": snapshot_tables(newest)})
    return found


def kit_versions(project: Path) -> list[str]:
    """The drizzle-kit versions named in the project's package.json files (catalogs included)."""
    versions = set()
    for here, _dirs, files in walk(project):
        for name in ("package.json", "pnpm-workspace.yaml"):
            if name not in files:
                continue
            text = (here / name).read_text(encoding="utf-8", errors="replace")
            for line in text.splitlines():
                stripped = line.strip().strip(",")
                if stripped.startswith(('"drizzle-kit"', "drizzle-kit:", "'drizzle-kit'")) and ":" in stripped:
                    value = stripped.split(":", 1)[1].strip().strip("\"'")
                    if value and value != "catalog:":
                        versions.add(value)
    return sorted(versions)


def projects_of(payload: dict) -> list[dict]:
    """inspect's JSON is one project, or {"projects": [...]} for a monorepo."""
    return payload["projects"] if isinstance(payload.get("projects"), list) else [payload]


def copy_project(src: Path, dest: Path) -> None:
    def ignore(folder: str, names: list[str]) -> set[str]:
        skip = {n for n in names if n in SKIP_DIRS or Path(n).suffix.lower() in BINARY_EXT}
        return skip | {n for n in names if os.path.islink(os.path.join(folder, n))}
    shutil.copytree(src, dest, ignore=ignore)


def measure(project: Path, timeout: float, keep: Path | None) -> dict:
    """One project: inspect at its root, then generate and check in a temporary copy."""
    row: dict = {"project": project.name, "kit": kit_versions(project), "snapshots": kit_snapshots(project)}
    code, out, err, secs = run(["inspect", "--format", "json"], project, timeout)
    row.update(inspect_exit=code, inspect_s=round(secs, 2), internal=[])
    raw = {"inspect.json": out, "inspect.err": err}
    try:
        payload = json.loads(out) if out.strip() else {}
    except ValueError:
        payload = {}
    parts = projects_of(payload) if payload else []
    diags = [d for p in parts for d in p.get("diagnostics", [])]
    row["projects"] = [{"root": p.get("project", {}).get("root"), "config": p.get("project", {}).get("config"),
                        "dialect": p.get("dialect"), "tables": len(p.get("tables", [])),
                        "columns": sum(len(t.get("columns", [])) for t in p.get("tables", [])),
                        "migrationsFolder": p.get("migrationsFolder"), "drift": len(p.get("drift") or [])}
                       for p in parts]
    row["tables"] = sum(p["tables"] for p in row["projects"])
    row["columns"] = sum(p["columns"] for p in row["projects"])
    row["severity"] = dict(collections.Counter(d.get("severity") for d in diags))
    row["codes"] = dict(collections.Counter(f"{d.get('severity')}:{d.get('code')}" for d in diags).most_common())
    with tempfile.TemporaryDirectory(prefix="corpus-") as tmp:
        copy = Path(tmp) / project.name
        copy_project(project, copy)
        gcode, gout, gerr, gsecs = run(["generate"], copy, timeout)
        ccode, cout, cerr, csecs = run(["check", "--format", "json"], copy, timeout)
    raw.update({"generate.out": gout, "generate.err": gerr, "check.json": cout, "check.err": cerr})
    row.update(generate_exit=gcode, generate_s=round(gsecs, 2), check_exit=ccode, check_s=round(csecs, 2))
    row["generate_summary"] = (gout.strip().splitlines() or [""])[-1][:120]
    try:
        report = json.loads(cout) if cout.strip() else {}
    except ValueError:
        report = {}
    findings = [f for r in ([report] if "findings" in report else report.get("projects", [])) for f in r.get("findings", [])]
    row["check_rules"] = dict(collections.Counter(f"{f.get('severity')}:{f.get('rule')}" for f in findings).most_common())
    for name, text in (("inspect", err), ("generate", gerr + gout), ("check", cerr)):
        if "Traceback" in text or "internal error" in text:
            row["internal"].append(name)
    if keep is not None:
        folder = keep / project.name
        folder.mkdir(parents=True, exist_ok=True)
        for name, text in raw.items():
            (folder / name).write_text(text, encoding="utf-8")
    return row


def show(row: dict) -> str:
    snaps = ", ".join(f"{s['folder']}={s['tables']}" for s in row["snapshots"]) or "-"
    lines = [f"== {row['project']}  kit {'/'.join(row['kit']) or '?'}",
             f"   tables {row['tables']}  columns {row['columns']}  kit snapshots: {snaps}",
             f"   diagnostics {row['severity'] or {}}  {row['codes'] or ''}",
             f"   inspect {row['inspect_exit']} ({row['inspect_s']}s)  generate {row['generate_exit']}"
             f" ({row['generate_s']}s: {row['generate_summary']})  check {row['check_exit']} ({row['check_s']}s)"]
    for p in row["projects"]:
        lines.append(f"   project {p['root']} config={p['config']} dialect={p['dialect']} tables={p['tables']}"
                     f" columns={p['columns']} migrations={p['migrationsFolder']} drift={p['drift']}")
    if row["check_rules"]:
        lines.append(f"   check findings {row['check_rules']}")
    if row["internal"]:
        lines.append(f"   INTERNAL ERROR in {', '.join(row['internal'])}")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("corpus", nargs="?", default="/work/corpus", type=Path)
    parser.add_argument("--only", action="append", default=[], help="project folder name (repeatable)")
    parser.add_argument("--json", type=Path, help="also write every row as JSON to this file")
    parser.add_argument("--keep", type=Path, help="write each command's raw output below this folder")
    parser.add_argument("--timeout", type=float, default=300.0, help="seconds per command")
    args = parser.parse_args(argv)
    projects = sorted(p for p in args.corpus.iterdir() if p.is_dir() and not p.name.startswith((".", "_")))
    if args.only:
        projects = [p for p in projects if p.name in args.only]
    rows = []
    for project in projects:
        row = measure(project, args.timeout, args.keep)
        rows.append(row)
        print(show(row), flush=True)
    if args.json:
        args.json.write_text(json.dumps(rows, indent=2) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
