"""Benchmark drizzle-doc against raw tree-sitter parsing and drizzle-kit, on the same files.

For each size (number of tables) a project is generated with ``bench/gen_project.py``
and these steps are timed, in this order, on that one project:

==================  ==========================================================================
parse               raw tree-sitter: read and parse every ``.ts`` file of the project once
                    (tree_sitter + tree_sitter_typescript only; the physical limit)
drizzle-kit         ``drizzle-kit generate`` into a fresh ``./drizzle`` (Node + tests/oracle);
                    its output stays, so the drizzle-doc steps below also read the migrations
inspect (lib)       in-process: ``load_projects`` + ``extract`` + ``schema_json`` + the JSON text
                    (made chunk by chunk, as the CLI writes it)
inspect             ``drizzle-doc inspect`` as a subprocess (JSON to a file)
generate            ``drizzle-doc generate`` into an empty docs folder
generate (re-run)   the same again on unchanged input: must write nothing (mtimes compared);
                    it finds generate's record of the clean run and renders nothing
check               ``drizzle-doc check`` on the fresh docs (same record)
generate (re-run,   (info) the re-run with ``--no-cache``: renders, merges and compares
  --no-cache)       every page; still writes nothing
check (--no-cache)  (info) ``check --no-cache``: what CI pays on a fresh clone
==================  ==========================================================================

generate's record (``drizzle_doc.perf.cache``) goes to ``<--out>/cache``, drizzle-doc's compiled
bytecode to ``<--out>/pycache`` (made once before the first step, as an installed wheel has it).

Every step runs in a fresh subprocess: in-process steps time themselves after their
imports, CLI steps are timed from spawn to exit (interpreter start included).  Peak
memory is the step's ``ru_maxrss`` from ``os.wait4`` (its own children included), taken by a
small launcher process (see ``launch``).  Seconds are the best of
``--repeat`` runs (default 3, 1 at 10,000 tables and above); peak MB the largest.
A command drizzle-doc does not have yet prints ``n/a``.

Usage::

    python bench/run.py --sizes 100,1000 [--repeat 3] [--out bench/out] [--json]
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import signal
import subprocess
import sys
import threading
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Optional

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
NODE_MODULES = REPO / "tests" / "oracle" / "node_modules"
DRIZZLE_KIT = NODE_MODULES / ".bin" / "drizzle-kit"
DOCS_OUT = "docs/schema"  # the generated docs folder, relative to the project root
TIMEOUT = 3600

sys.path.insert(0, str(HERE))
from gen_project import generate as gen_project  # noqa: E402


# ---------------------------------------------------------------------------
# Workers: run inside a fresh interpreter, time themselves after imports
# ---------------------------------------------------------------------------


def project_sources(root: Path) -> list[Path]:
    out = []
    for dirpath, dirnames, filenames in os.walk(root):
        dirnames[:] = sorted(d for d in dirnames if d not in ("node_modules", ".git", "drizzle", "docs"))
        out += [Path(dirpath) / f for f in sorted(filenames) if f.endswith(".ts")]
    return out


def worker_parse(root: Path) -> dict:
    import tree_sitter_typescript
    from tree_sitter import Language, Parser

    parser = Parser(Language(tree_sitter_typescript.language_typescript()))
    files = project_sources(root)
    t0 = time.perf_counter()
    total = 0
    errors = 0
    for f in files:
        src = f.read_bytes()
        total += len(src)
        tree = parser.parse(src)
        errors += tree.root_node.has_error
    seconds = time.perf_counter() - t0
    return {"seconds": seconds, "note": f"{len(files)} files, {total / 1024:.0f} KiB"
            + (f", {errors} with syntax errors" if errors else "")}


def worker_inspect(root: Path) -> dict:
    from drizzle_doc.project.config import load_projects
    try:  # the extraction the CLI runs (on two cores): drizzle_doc.perf since issue 13
        from drizzle_doc.perf.extract import extract
    except ImportError:
        from drizzle_doc.drizzle.extract import extract
    from drizzle_doc.output.jsonout import pretty_chunks
    from drizzle_doc.output.serialize import schema_json

    t0 = time.perf_counter()
    projects = load_projects(root=root, config=None, schema=None, migrations=None, casing=None, out=None)
    payloads = [schema_json(extract(p)) for p in projects]
    # the JSON text chunk by chunk, as the CLI writes it to its output
    size = sum(len(chunk) for chunk in pretty_chunks(payloads[0] if len(payloads) == 1 else payloads))
    seconds = time.perf_counter() - t0
    tables = sum(len(p["tables"]) for p in payloads)
    errors = sum(d["severity"] == "error" for p in payloads for d in p["diagnostics"])
    return {"seconds": seconds, "note": f"{tables} tables, {size / 1024:.0f} KiB JSON"
            + (f", {errors} error diagnostics" if errors else "")}


WORKERS = {"parse": worker_parse, "inspect": worker_inspect}


# ---------------------------------------------------------------------------
# Measuring subprocesses
# ---------------------------------------------------------------------------


@dataclass
class Run:
    seconds: float
    peak_mb: float
    code: int
    stdout: str
    stderr: str


def launch(result: Path, cmd: list[str]) -> int:
    """Run ``cmd`` (stdin closed, output inherited); write its wall seconds, peak RSS and exit
    code to ``result`` as JSON.

    ``measure`` runs this in a small process of its own.  A process's peak RSS starts from
    the high-water mark of the process it was spawned from (Linux carries it across
    ``exec``), so the benchmark's own memory (a generated project, a parsed snapshot) would
    otherwise be counted as the command's.
    """
    t0 = time.perf_counter()
    proc = subprocess.Popen(cmd, stdin=subprocess.DEVNULL)
    timer = threading.Timer(TIMEOUT, lambda: os.kill(proc.pid, signal.SIGKILL))
    timer.start()
    try:
        _, status, usage = os.wait4(proc.pid, 0)
    finally:
        timer.cancel()
    seconds = time.perf_counter() - t0
    # ru_maxrss is in KiB on Linux, bytes on macOS; it covers the command's own children too.
    peak = usage.ru_maxrss / (1024 * 1024 if sys.platform == "darwin" else 1024)
    result.write_text(json.dumps({"seconds": seconds, "peak_mb": peak, "code": os.waitstatus_to_exitcode(status)}))
    return 0


def measure(cmd: list[str], cwd: Path, log: Path) -> Run:
    """Run ``cmd``; wall seconds (from spawn to exit), peak RSS (MB) of it and its children,
    exit code, output (see :func:`launch`)."""
    log.parent.mkdir(parents=True, exist_ok=True)
    out_path, err_path, res_path = log.with_suffix(".out"), log.with_suffix(".err"), log.with_suffix(".json")
    env = dict(os.environ, NO_COLOR="1", FORCE_COLOR="0", PYTHONHASHSEED="0", **CACHE_ENV)
    env.pop("PYTHONDONTWRITEBYTECODE", None)  # see CACHE_ENV
    res_path.unlink(missing_ok=True)
    with open(out_path, "wb") as out, open(err_path, "wb") as err:
        subprocess.run([sys.executable, str(Path(__file__).resolve()), "_launch", str(res_path), "--", *cmd],
                       cwd=cwd, stdout=out, stderr=err, stdin=subprocess.DEVNULL, env=env, check=False)
    try:
        res = json.loads(res_path.read_text())
    except (OSError, ValueError):
        res = {"seconds": float("nan"), "peak_mb": 0.0, "code": -1}
    return Run(res["seconds"], res["peak_mb"], res["code"],
               out_path.read_text(errors="replace"), err_path.read_text(errors="replace"))


@dataclass
class Result:
    size: int
    step: str
    seconds: Optional[float] = None  # best of the repeats; None: not available
    peak_mb: Optional[float] = None  # largest of the repeats
    note: str = ""
    ok: bool = True
    runs: list = field(default_factory=list)


def drizzle_doc_cmd(*args: str) -> list[str]:
    return [sys.executable, "-m", "drizzle_doc", *args]


_help_cache: dict[str, Optional[str]] = {}


def command_help(name: str) -> Optional[str]:
    """The command's --help text, or None when drizzle-doc has no such command (yet)."""
    if name not in _help_cache:
        proc = subprocess.run(drizzle_doc_cmd(name, "--help"), capture_output=True, text=True, cwd=REPO)
        _help_cache[name] = proc.stdout if proc.returncode == 0 else None
    return _help_cache[name]


def mtimes(folder: Path) -> dict[str, int]:
    if not folder.is_dir():
        return {}
    return {p.relative_to(folder).as_posix(): p.stat().st_mtime_ns for p in folder.rglob("*") if p.is_file()}


def tail(text: str, n: int = 6) -> str:
    return "\n".join(text.strip().splitlines()[-n:])


# ---------------------------------------------------------------------------
# The benchmark
# ---------------------------------------------------------------------------


def oracle_reason() -> Optional[str]:
    if shutil.which("node") is None:
        return "node not on PATH"
    if not DRIZZLE_KIT.exists():
        return "tests/oracle/node_modules missing (npm ci --prefix tests/oracle)"
    return None


ALL_STEPS = ("parse", "drizzle-kit", "inspect (lib)", "inspect", "generate", "generate (re-run)", "check",
             "generate (one file edited)", "generate (re-run --no-cache)", "check (--no-cache)",
             "check (no cache yet)")

#: generate's record of its last clean run (drizzle_doc.perf.cache) goes under --out, not the project;
#: so does drizzle-doc's compiled bytecode (``PYTHONPYCACHEPREFIX``, made before the first step),
#: as an installed wheel has it: a ``PYTHONDONTWRITEBYTECODE`` in the environment would otherwise
#: make every step compile drizzle-doc's sources again (about 0.12 s a run here).
CACHE_ENV: dict[str, str] = {}


def compile_sources() -> None:
    env = dict(os.environ, **CACHE_ENV)
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    subprocess.run([sys.executable, "-m", "compileall", "-q", str(REPO / "drizzle_doc")], env=env, check=True,
                   stdout=subprocess.DEVNULL)


def code_fingerprint() -> tuple:
    """mtimes of drizzle-doc's sources: a run spanning an edit (shared checkout) is flagged."""
    files = [*sorted((REPO / "drizzle_doc").rglob("*.py")), *sorted((REPO / "templates").rglob("*"))]
    return tuple((str(f), f.stat().st_mtime_ns) for f in files if f.is_file())


def bench_size(size: int, repeat: int, out: Path, kit: bool, echo, steps=ALL_STEPS) -> list[Result]:
    fingerprint = code_fingerprint()
    root = out / "projects" / f"t{size}"
    logs = out / "logs" / f"t{size}"
    if logs.exists():
        shutil.rmtree(logs)
    info = gen_project(size, root)
    echo(f"[{size} tables] generated {root}: {info['files']} files, {info['bytes'] / 1024:.0f} KiB")
    results: list[Result] = []

    def empty_cache():
        cache = Path(CACHE_ENV.get("DRIZZLE_DOC_CACHE_DIR", out / "cache"))
        if cache.exists():
            shutil.rmtree(cache)

    def repeated(step: str, cmd: list[str], prepare=None, check_run=None, n: int = repeat) -> Result:
        res = Result(size, step)
        for i in range(n):
            if prepare:
                prepare()
            run = measure(cmd, root, logs / f"{step.replace(' ', '_').replace('(', '').replace(')', '')}-{i}")
            res.runs.append(round(run.seconds, 4))
            res.peak_mb = max(res.peak_mb or 0.0, run.peak_mb)
            problem = check_run(run) if check_run else (f"exit {run.code}" if run.code else None)
            if problem:
                res.ok = False
                res.note = f"FAILED: {problem}"
                echo(f"  {step}: {res.note}\n    " + tail(run.stderr or run.stdout).replace("\n", "\n    "))
                break
        if res.ok:
            res.seconds = min(res.runs)
        results.append(res)
        return res

    def worker(step: str, mode: str) -> Result:
        res = Result(size, step)
        notes = []
        for i in range(repeat):
            run = measure([sys.executable, str(Path(__file__).resolve()), "_worker", mode, str(root)],
                          root, logs / f"{mode}-{i}")
            res.peak_mb = max(res.peak_mb or 0.0, run.peak_mb)
            if run.code:
                res.ok = False
                res.note = f"FAILED: exit {run.code}"
                echo(f"  {step}: {res.note}\n    " + tail(run.stderr).replace("\n", "\n    "))
                break
            data = json.loads(run.stdout)
            res.runs.append(round(data["seconds"], 4))
            notes.append(data["note"])
        if res.ok:
            res.seconds = min(res.runs)
            res.note = notes[-1]
        results.append(res)
        show(res)
        return res

    def show(res: Result) -> None:
        echo(f"  {res.step:<28} {fmt_s(res.seconds):>9} s  {fmt_mb(res.peak_mb):>7} MB  {res.note}")

    def na(step: str, why: str) -> None:
        res = Result(size, step, note=f"n/a: {why}")
        results.append(res)
        echo(f"  {step:<28} {'n/a':>9}    {'':>7}     {why}")

    # 1. The physical limit.
    if "parse" in steps:
        worker("parse", "parse")

    # 2. drizzle-kit generate into a fresh ./drizzle (the output stays for the steps below).
    migrations = root / "drizzle"
    if "drizzle-kit" not in steps:
        pass
    elif kit:
        link = root / "node_modules"
        if not link.exists():
            link.symlink_to(NODE_MODULES, target_is_directory=True)

        def fresh_migrations():
            if migrations.exists():
                shutil.rmtree(migrations)

        def kit_ok(run: Run) -> Optional[str]:
            text = run.stdout + run.stderr
            if run.code or "Your SQL migration file" not in text:
                return f"exit {run.code}"
            snaps = sorted((migrations / "meta").glob("*_snapshot.json"))
            n = len(json.loads(snaps[-1].read_text())["tables"]) if snaps else 0
            return None if n == size else f"snapshot has {n} tables, expected {size}"

        r = repeated("drizzle-kit", [str(DRIZZLE_KIT), "generate", "--config", "drizzle.config.ts"],
                     prepare=fresh_migrations, check_run=kit_ok)
        if r.ok:
            r.note = f"{size} tables in the snapshot"
        show(r)
    else:
        na("drizzle-kit", oracle_reason() or "skipped (--no-drizzle-kit)")

    # 3. inspect: in-process, then the CLI.
    if "inspect (lib)" in steps:
        worker("inspect (lib)", "inspect")

    def inspect_ok(run: Run) -> Optional[str]:
        if run.code not in (0, 1):
            return f"exit {run.code}"
        data = json.loads(run.stdout)
        n = len(data.get("tables", []))
        errors = sum(d["severity"] == "error" for d in data.get("diagnostics", []))
        if n != size:
            return f"{n} tables, expected {size}"
        return f"{errors} error diagnostics" if errors else None

    if "inspect" in steps:
        r = repeated("inspect", drizzle_doc_cmd("inspect", "--root", "."), check_run=inspect_ok)
        if r.ok:
            r.note = f"{size} tables" + (", with migrations" if migrations.is_dir() else ", no migrations")
        show(r)

    # 4. generate: first run into an empty folder, then an unchanged re-run.
    docs = root / DOCS_OUT
    if "generate" not in steps:
        pass
    elif command_help("generate") is None:
        na("generate", "no `generate` command yet")
        na("generate (re-run)", "no `generate` command yet")
    else:
        def empty_docs():  # a first run: no docs and nothing kept from an earlier run
            if docs.exists():
                shutil.rmtree(docs)
            empty_cache()

        r = repeated("generate", drizzle_doc_cmd("generate", "--root", ".", "--out", DOCS_OUT), prepare=empty_docs)
        if r.ok:
            r.note = f"{len(mtimes(docs))} files written"
        show(r)
        if r.ok:
            before = mtimes(docs)
            # at least twice: an unchanged re-run is one that follows a run of its own (not only generate's)
            r2 = repeated("generate (re-run)", drizzle_doc_cmd("generate", "--root", ".", "--out", DOCS_OUT),
                          n=max(repeat, 2))
            after = mtimes(docs)
            changed = sum(1 for k, v in after.items() if before.get(k) != v) + sum(1 for k in before if k not in after)
            if r2.ok:
                r2.note = f"{changed} files changed"
                if changed:
                    r2.ok = False
                    r2.note = f"FAILED: {changed} files changed (must be 0)"
            show(r2)
            if "generate (one file edited)" in steps:
                edited = sorted((root / "src/db/schema").glob("m*.ts"))[0]
                original = edited.read_text()
                turn = [0]

                def edit_one():  # a JSDoc line of one models file, different each time
                    turn[0] += 1
                    edited.write_text(original.replace("/**", f"/** Edited {turn[0]}.", 1))

                r4 = repeated("generate (one file edited)",
                              drizzle_doc_cmd("generate", "--root", ".", "--out", DOCS_OUT), prepare=edit_one)
                edited.write_text(original)
                if r4.ok:
                    r4.note = f"{edited.name} edited before each run"
                show(r4)
                repeated("generate (restore)", drizzle_doc_cmd("generate", "--root", ".", "--out", DOCS_OUT), n=1)
                results.pop()
                after = mtimes(docs)
            if "generate (re-run --no-cache)" in steps and "--no-cache" in (command_help("generate") or ""):
                r3 = repeated("generate (re-run --no-cache)",
                              drizzle_doc_cmd("generate", "--root", ".", "--out", DOCS_OUT, "--no-cache"))
                changed = sum(1 for k, v in mtimes(docs).items() if after.get(k) != v)
                if r3.ok:
                    r3.note = f"{changed} files changed; renders and compares every page"
                show(r3)
        else:
            na("generate (re-run)", "generate failed")

    # 5. check on the fresh docs.
    help_text = command_help("check")
    if "check" not in steps:
        pass
    elif help_text is None:
        na("check", "no `check` command yet")
    elif not docs.is_dir():
        na("check", "no docs to check (generate failed)")
    else:
        args = ["check", "--root", "."] + (["--out", DOCS_OUT] if "--out" in help_text else [])
        r = repeated("check", drizzle_doc_cmd(*args), n=max(repeat, 2))  # the second follows a check
        if r.ok:
            r.note = "docs current (exit 0); unchanged since the last check"
        show(r)
        if "check (--no-cache)" in steps and "--no-cache" in help_text:
            r = repeated("check (--no-cache)", drizzle_doc_cmd(*args, "--no-cache"))
            if r.ok:
                r.note = "docs current (exit 0); nothing kept is read or written"
            show(r)
        if "check (no cache yet)" in steps:
            r = repeated("check (no cache yet)", drizzle_doc_cmd(*args), prepare=empty_cache)
            if r.ok:
                r.note = "docs current (exit 0); a fresh clone in CI: nothing kept yet, kept after"
            show(r)
    if code_fingerprint() != fingerprint:
        echo(f"  WARNING: drizzle_doc/ or templates/ changed during the {size}-table run; rerun for clean numbers")
        for r in results:
            r.note += " [code changed during run]"
    return results


def fmt_s(v: Optional[float]) -> str:
    return "n/a" if v is None else (f"{v:.3f}" if v < 10 else f"{v:.1f}")


def fmt_mb(v: Optional[float]) -> str:
    return "" if v is None else f"{v:.0f}"


DRIZZLE_DOC_STEPS = ("inspect (lib)", "inspect", "generate", "generate (re-run)", "check",
                     "generate (one file edited)", "generate (re-run --no-cache)", "check (--no-cache)",
                     "check (no cache yet)")
CLI_STEPS = ("inspect", "generate", "generate (re-run)", "check", "generate (one file edited)",
             "generate (re-run --no-cache)", "check (--no-cache)", "check (no cache yet)")

#: issue 18: drizzle-kit generate's time over each step's, at 1,000 tables and above
KIT_RATIOS = (("generate (re-run)", 5.0), ("check", 5.0), ("generate (one file edited)", 4.0),
              ("check (--no-cache)", 2.0), ("check (no cache yet)", None), ("generate", 1.5))


def ratios(results: list[Result]) -> list[dict]:
    """The ratios issue 18 names, with their targets (side by side with drizzle-kit generate, in one run)."""
    by = {(r.size, r.step): r.seconds for r in results}
    sizes = sorted({r.size for r in results})
    out = []

    def add(name, value, target, good):
        out.append({"ratio": name, "value": value, "target": target,
                    "met": None if value is None else good(value)})

    for s in sizes:
        kit = by.get((s, "drizzle-kit"))
        for step, want in KIT_RATIOS:
            t = by.get((s, step))
            info = want is None or s < 1000
            add(f"{s}: drizzle-kit / {step}", kit / t if kit and t else None,
                "(info)" if info else f">= {want:g}x", (lambda v: True) if info else (lambda v, w=want: v >= w))
        if s <= 10:
            for step in CLI_STEPS:
                t = by.get((s, step))
                if t is not None:
                    add(f"{s}: {step} (s)", t, "< 0.25 s", lambda v: v < 0.25)
    for a in sizes:
        b = a * 10
        if b not in sizes:
            continue
        # growth is compared on the steps that keep nothing between runs: a step repeated 3 times at one
        # size and once at the other would otherwise compare a kept answer with a first run
        for step in ("parse", "inspect (lib)", "generate", "generate (re-run --no-cache)", "check (--no-cache)",
                     "drizzle-kit"):
            ta, tb = by.get((a, step)), by.get((b, step))
            add(f"{b}/{a} time: {step}", tb / ta if ta and tb else None,
                "<= 11x" if step != "drizzle-kit" else "(info)",
                (lambda v: v <= 11) if step != "drizzle-kit" else (lambda v: True))
    big = max(sizes)
    peaks = [r.peak_mb for r in results if r.size == big and r.step in DRIZZLE_DOC_STEPS and r.peak_mb]
    add(f"{big}: drizzle-doc peak memory (MB)", max(peaks) if peaks else None,
        "< 300 MB" if big >= 10000 else "(info)", lambda v: v < 300)
    return out


def machine() -> dict:
    cpu = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    info = {"nproc": len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count(),
            "cpu": cpu, "os": platform.platform(), "python": platform.python_version()}
    try:
        from importlib.metadata import version

        info["tree-sitter"] = version("tree-sitter")
        info["tree-sitter-typescript"] = version("tree-sitter-typescript")
    except Exception:  # pragma: no cover
        pass
    if shutil.which("node"):
        info["node"] = subprocess.run(["node", "--version"], capture_output=True, text=True).stdout.strip()
    pkg = NODE_MODULES / "drizzle-kit" / "package.json"
    if pkg.exists():
        info["drizzle-kit"] = json.loads(pkg.read_text())["version"]
    commit = subprocess.run(["git", "rev-parse", "--short", "HEAD"], capture_output=True, text=True, cwd=REPO)
    if commit.returncode == 0:
        info["commit"] = commit.stdout.strip()
    return info


def print_table(results: list[Result], rats: list[dict], mach: dict, echo) -> None:
    echo("")
    echo(f"machine: {mach['cpu']}, {mach['nproc']} cores; Python {mach['python']}, "
         f"tree-sitter {mach.get('tree-sitter', '?')}, node {mach.get('node', 'n/a')}, "
         f"drizzle-kit {mach.get('drizzle-kit', 'n/a')}, commit {mach.get('commit', '?')}")
    echo("")
    echo(f"| {'tables':>6} | {'step':<28} | {'seconds':>8} | {'peak MB':>7} | note")
    echo(f"|{'-' * 8}|{'-' * 30}|{'-' * 10}|{'-' * 9}|------")
    for r in results:
        echo(f"| {r.size:>6} | {r.step:<28} | {fmt_s(r.seconds):>8} | {fmt_mb(r.peak_mb):>7} | {r.note}")
    echo("")
    echo(f"| {'ratio':<42} | {'value':>7} | {'target':<10} | met")
    echo(f"|{'-' * 44}|{'-' * 9}|{'-' * 12}|-----")
    for q in rats:
        v = q["value"]
        shown = "n/a" if v is None else (f"{v:.0f}" if "MB" in q["ratio"] else f"{v:.3f}" if q["ratio"].endswith("(s)")
                                         else f"{v:.2f}x")
        met = "" if v is None or q["target"].startswith("(") else ("yes" if q["met"] else "NO")
        echo(f"| {q['ratio']:<42} | {shown:>7} | {q['target']:<10} | {met}")


def main(argv: Optional[list[str]] = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if argv[:1] == ["_worker"]:
        print(json.dumps(WORKERS[argv[1]](Path(argv[2]))))
        return 0
    if argv[:1] == ["_launch"] and argv[2:3] == ["--"]:
        return launch(Path(argv[1]), argv[3:])
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--sizes", default="100,1000", help="comma-separated table counts (default: 100,1000)")
    ap.add_argument("--repeat", type=int, default=None,
                    help="runs per step, best time kept (default: 3, or 1 at 10000 tables and above)")
    ap.add_argument("--out", type=Path, default=HERE / "out", help="work folder (default: bench/out)")
    ap.add_argument("--json", action="store_true", help="also write <out>/results.json")
    ap.add_argument("--no-drizzle-kit", action="store_true", help="skip drizzle-kit even when Node is present")
    ap.add_argument("--steps", default=",".join(ALL_STEPS),
                    help="comma-separated steps to run (default: all); `generate` includes its re-run")
    args = ap.parse_args(argv)
    sizes = [int(s) for s in args.sizes.split(",") if s.strip()]
    out = args.out.resolve()
    CACHE_ENV["DRIZZLE_DOC_CACHE_DIR"] = str(out / "cache")
    CACHE_ENV["PYTHONPYCACHEPREFIX"] = str(out / "pycache")
    out.mkdir(parents=True, exist_ok=True)
    compile_sources()
    kit = not args.no_drizzle_kit and oracle_reason() is None
    steps = tuple(s.strip() for s in args.steps.split(",") if s.strip())
    unknown = [s for s in steps if s not in ALL_STEPS]
    if unknown:
        ap.error(f"unknown step(s) {unknown}; known: {', '.join(ALL_STEPS)}")

    def echo(msg: str) -> None:
        print(msg, flush=True)

    results: list[Result] = []
    for size in sizes:
        repeat = args.repeat if args.repeat is not None else (1 if size >= 10000 else 3)
        results += bench_size(size, repeat, out, kit, echo, steps)
    rats = ratios(results)
    mach = machine()
    print_table(results, rats, mach, echo)
    if args.json:
        path = out / "results.json"
        path.write_text(json.dumps({"machine": mach, "results": [asdict(r) for r in results], "ratios": rats},
                                   indent=2) + "\n")
        echo(f"\nwrote {path}")
    return 0 if all(r.ok for r in results) else 1


if __name__ == "__main__":
    sys.exit(main())
