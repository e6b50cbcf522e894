"""Run drizzle-doc zero-config over a folder of real Drizzle projects and print what it found.

Each sub-folder of the corpus folder (default /work/corpus) is one checked-out project. At its
root, as a user would, this runs `python -m drizzle_doc inspect --format json`, then copies the
project to a temporary folder and runs `generate` and `check --format json` there (the checkout
is never written). Independently of drizzle-doc it reads every drizzle-kit migrations folder on
disk (`meta/_journal.json` + `meta/NNNN_snapshot.json`, or 1.0's `<stamp>_<name>/snapshot.json`)
and counts the tables of its newest snapshot, so a lost table or a wrong path shows as a gap.

It also compares, table by table, drizzle-doc's columns with the newest snapshot's: a snapshot
table or column that drizzle-doc does not document is counted as lost (on a project whose models
moved on after its last migration, e.g. a push workflow, that is drift, not a loss: see the
README's triage).

    PYTHONPATH=/work/main python tests/corpus/run.py [CORPUS] [--only NAME] [--json FILE]
                                                     [--keep DIR] [--timeout S] [--markdown]

`projects.json` beside this script names each project's repository and commit, and where a
project's users run drizzle-kit from a sub-folder (`run_from`: a package script with `--config`),
so the same zero-config commands are also run there (a second row, `name@sub/folder`).
`--keep DIR` writes each command's raw stdout/stderr to DIR/<project>/ for triage; `--markdown`
prints the README's corpus table from the rows. The code under test is whatever
`python -m drizzle_doc` imports (set PYTHONPATH). Nothing here is a test that can pass or fail:
it measures.
"""
from __future__ import annotations

import argparse
import collections
import json
import os
import re
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


HERE = Path(__file__).resolve().parent
_VERSION = re.compile(r"^(?:[~^<>=v]\s*)*\d|^(?:latest|beta|rc|next|canary)$")


def snapshot_columns(snapshot: dict) -> dict[str, set[str]]:
    """Table name -> its column names, in one drizzle-kit snapshot (0.x `tables`, 1.0 `ddl`)."""
    out: dict[str, set[str]] = {}
    if isinstance(snapshot.get("tables"), dict):
        for key, table in snapshot["tables"].items():
            if not isinstance(table, dict):
                continue
            name = str(table.get("name") or key.rpartition(".")[2])
            cols = table.get("columns") if isinstance(table.get("columns"), dict) else {}
            out[name] = {str(c.get("name", k)) if isinstance(c, dict) else k for k, c in cols.items()}
    elif isinstance(snapshot.get("ddl"), list):
        for e in snapshot["ddl"]:
            if isinstance(e, dict) and e.get("entityType") == "tables":
                out.setdefault(str(e.get("name")), set())
        for e in snapshot["ddl"]:
            if isinstance(e, dict) and e.get("entityType") == "columns" and e.get("table") is not None:
                out.setdefault(str(e["table"]), set()).add(str(e.get("name")))
    return out


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
                          "tables": snapshot_tables(newest) if newest else None,
                          "columns": snapshot_columns(newest) if newest else {}})
        nested = sorted(d for d in dirs if (here / d / "snapshot.json").is_file()
                        and (here / d / "migration.sql").is_file())
        if nested:
            newest = _load(here / nested[-1] / "snapshot.json") or {}
            found.append({"folder": here.relative_to(project).as_posix(), "layout": "folders",
                          "dialect": newest.get("dialect"), "migrations": len(nested),
                          "snapshot": f"{nested[-1]}/snapshot.json", "tables": snapshot_tables(newest),
                          "columns": snapshot_columns(newest)})
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
                    # a script named drizzle-kit ("pnpm dotenv ... drizzle-kit --config=...") is no version
                    if value and _VERSION.match(value):
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


def lost_to_snapshots(parts: list[dict], snapshots: list[dict]) -> dict:
    """What the newest snapshots have that drizzle-doc does not document: tables (by name) and,
    in the tables both have, columns.  Folders below a dot folder (`.deprecated/`) are left out:
    drizzle-doc does not read them, and their users no longer run them."""
    documented: dict[str, set[str]] = {}
    for p in parts:
        for t in p.get("tables", []):
            documented.setdefault(t.get("name"), set()).update(c.get("name") for c in t.get("columns", []))
    tables: list[str] = []
    columns: list[str] = []
    for snap in snapshots:
        if any(part.startswith(".") for part in snap["folder"].split("/")):
            continue
        for name, cols in sorted(snap.get("columns", {}).items()):
            if name not in documented:
                tables.append(name)
            else:
                columns += [f"{name}.{c}" for c in sorted(cols - documented[name])]
    return {"lost_tables": sorted(set(tables)), "lost_columns": sorted(set(columns))}


def measure(project: Path, timeout: float, keep: Path | None, sub: str = "", entry: dict | None = None) -> dict:
    """One project: inspect in its folder (the root, or `sub` below it), then generate and check in
    a temporary copy of the whole project, in the same folder."""
    label = f"{project.name}@{sub}" if sub else project.name
    here = project / sub if sub else project
    row: dict = {"project": label, "repo": (entry or {}).get("repo"), "commit": (entry or {}).get("commit"),
                 "dialect_expected": (entry or {}).get("dialect"), "layout": (entry or {}).get("layout"),
                 "kit": kit_versions(project), "snapshots": kit_snapshots(project)}
    code, out, err, secs = run(["inspect", "--format", "json"], here, timeout)
    row.update(inspect_exit=code, inspect_s=round(secs, 2), internal=[])
    raw = {"inspect.json": out, "inspect.err": err}
    try:
        payload = json.loads(out) if out.strip() else {}
    except ValueError:
        payload = {}
    parts = projects_of(payload) if payload else []
    diags = [d for p in parts for d in p.get("diagnostics", [])]
    row["projects"] = [{"root": p.get("project", {}).get("root"), "config": p.get("project", {}).get("config"),
                        "dialect": p.get("dialect"), "kit_generation": p.get("kit"), "tables": len(p.get("tables", [])),
                        "columns": sum(len(t.get("columns", [])) for t in p.get("tables", [])),
                        "migrationsFolder": p.get("migrationsFolder"), "drift": len(p.get("drift") or []),
                        "drift_kinds": dict(collections.Counter(
                            f"{d.get('severity')}:{d.get('kind')}" for d in p.get("drift") or []).most_common())}
                       for p in parts]
    row["tables"] = sum(p["tables"] for p in row["projects"])
    row["columns"] = sum(p["columns"] for p in row["projects"])
    row.update(lost_to_snapshots(parts, row["snapshots"]))
    row["severity"] = dict(collections.Counter(d.get("severity") for d in diags))
    row["codes"] = dict(collections.Counter(f"{d.get('severity')}:{d.get('code')}" for d in diags).most_common())
    row["inspect_error"] = "" if payload else (err.strip().splitlines() or [""])[-1][:300]
    with tempfile.TemporaryDirectory(prefix="corpus-") as tmp:
        copy = Path(tmp) / project.name
        copy_project(project, copy)
        where = copy / sub if sub else copy
        gcode, gout, gerr, gsecs = run(["generate"], where, timeout)
        ccode, cout, cerr, csecs = run(["check", "--format", "json"], where, timeout)
    raw.update({"generate.out": gout, "generate.err": gerr, "check.json": cout, "check.err": cerr})
    row.update(generate_exit=gcode, generate_s=round(gsecs, 2), check_exit=ccode, check_s=round(csecs, 2))
    row["seconds"] = round(secs + gsecs + csecs, 1)
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
        folder = keep / label.replace("/", "+")
        folder.mkdir(parents=True, exist_ok=True)
        for name, text in raw.items():
            (folder / name).write_text(text, encoding="utf-8")
    return row


def show(row: dict) -> str:
    snaps = ", ".join(f"{s['folder']}={s['tables']}" for s in row["snapshots"]) or "-"
    lines = [f"== {row['project']}  kit {'/'.join(row['kit']) or '?'}",
             f"   tables {row['tables']}  columns {row['columns']}  kit snapshots: {snaps}",
             f"   lost to the snapshots: {len(row['lost_tables'])} tables {row['lost_tables'][:6]}"
             f"  {len(row['lost_columns'])} columns {row['lost_columns'][:6]}",
             f"   diagnostics {row['severity'] or {}}  {row['codes'] or ''}",
             f"   inspect {row['inspect_exit']} ({row['inspect_s']}s)  generate {row['generate_exit']}"
             f" ({row['generate_s']}s: {row['generate_summary']})  check {row['check_exit']} ({row['check_s']}s)"]
    if row["inspect_error"]:
        lines.append(f"   inspect said: {row['inspect_error']}")
    for p in row["projects"]:
        lines.append(f"   project {p['root']} config={p['config']} dialect={p['dialect']} kit={p['kit_generation']}"
                     f" tables={p['tables']} columns={p['columns']} migrations={p['migrationsFolder']} drift={p['drift']}")
    if row["check_rules"]:
        lines.append(f"   check findings {row['check_rules']}")
    if row["internal"]:
        lines.append(f"   INTERNAL ERROR in {', '.join(row['internal'])}")
    return "\n".join(lines)


_SHORT = {"postgresql": "pg", "mysql": "MySQL", "sqlite": "SQLite"}


def markdown(rows: list[dict]) -> str:
    """The README's corpus table: one line per row."""
    out = ["| project | commit | dialect | kit | layout | tables (cols) | snapshot | lost | diag | exits | s |",
           "|---|---|---|---|---|---|---|---|---|---|---|"]
    for r in rows:
        snaps = " + ".join(str(s["tables"]) if s["tables"] is not None else "–" for s in r["snapshots"]
                           if not any(x.startswith(".") for x in s["folder"].split("/"))) or "–"
        sev = r["severity"]
        diag = " ".join(f"{sev[k]}{k[0]}" for k in ("error", "warning", "info") if sev.get(k)) or "–"
        drift = sum(p["drift"] for p in r["projects"])
        if drift:
            diag += f" ({drift} drift)"
        if r["inspect_error"]:
            diag = "exit 2"
        lost = []
        if r["lost_tables"]:
            lost.append(f"{len(r['lost_tables'])} tables")
        if r["lost_columns"]:
            lost.append(f"{len(r['lost_columns'])} cols")
        name = f"{r['repo']}" + (f" `{r['project'].split('@', 1)[1]}`" if "@" in r["project"] else "")
        dialect = _SHORT.get(r["dialect_expected"], r["dialect_expected"])
        read = {_SHORT.get(p["dialect"], p["dialect"]) for p in r["projects"]} - {dialect}
        if read:  # what drizzle-doc read it as, where that is not the project's dialect
            dialect += f" (read as {', '.join(sorted(read))})"
        out.append(f"| {name} | {(r['commit'] or '?')[:12]} | {dialect}"
                   f" | {', '.join(r['kit']) or '?'} | {r['layout'] or ''} | {r['tables']} ({r['columns']}) | {snaps}"
                   f" | {', '.join(lost) or '–'} | {diag} | {r['inspect_exit']}/{r['generate_exit']}/{r['check_exit']}"
                   f" | {r['seconds']} |")
    return "\n".join(out)


def load_manifest(path: Path) -> dict[str, dict]:
    if not path.is_file():
        return {}
    data = json.loads(path.read_text(encoding="utf-8"))
    return {e["name"]: e for e in data.get("projects", [])}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("corpus", nargs="?", default="/work/corpus", type=Path)
    parser.add_argument("--only", action="append", default=[], help="project folder name (repeatable)")
    parser.add_argument("--json", type=Path, help="also write every row as JSON to this file")
    parser.add_argument("--keep", type=Path, help="write each command's raw output below this folder")
    parser.add_argument("--timeout", type=float, default=300.0, help="seconds per command")
    parser.add_argument("--manifest", type=Path, default=HERE / "projects.json",
                        help="repositories, commits and run_from folders (default: projects.json beside this)")
    parser.add_argument("--markdown", action="store_true", help="print the README's corpus table at the end")
    args = parser.parse_args(argv)
    manifest = load_manifest(args.manifest)
    projects = sorted(p for p in args.corpus.iterdir() if p.is_dir() and not p.name.startswith((".", "_")))
    if args.only:
        projects = [p for p in projects if p.name in args.only]
    missing = sorted(set(manifest) - {p.name for p in args.corpus.iterdir() if p.is_dir()})
    if missing and not args.only:
        print(f"not in {args.corpus}: {', '.join(missing)} (see projects.json for their repositories)", flush=True)
    rows = []
    for project in projects:
        entry = manifest.get(project.name)
        for sub in ("", *([entry["run_from"]] if entry and entry.get("run_from") else [])):
            row = measure(project, args.timeout, args.keep, sub, entry)
            rows.append(row)
            print(show(row), flush=True)
    if args.json:
        def plain(o):
            return sorted(o) if isinstance(o, set) else o
        args.json.write_text(json.dumps(rows, indent=2, default=plain) + "\n", encoding="utf-8")
    if args.markdown:
        print(markdown(rows))
    return 0


if __name__ == "__main__":
    sys.exit(main())
