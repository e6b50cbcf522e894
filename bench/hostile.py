"""Time and peak memory of drizzle-doc on hostile inputs (issue 21): each must stay bounded.

Each case is ``fixtures/history-basic`` plus one hostile file, run through one command as a
subprocess (timed and measured as ``run.py`` does: wall seconds from spawn to exit, peak RSS of
the process and its children):

=================  ===========================================================  ===========
models-10mb        ``server/src/models/big.ts``: ``export const big = [1,1,…]``  inspect
models-2mb         the same, just under the 2 MB limit (so parsed)               inspect
tsconfig-10mb      tsconfig.json whose one ``paths`` target is 10 MB long        inspect
journal-100k       meta/_journal.json with 100,000 entries (9 MB: over the limit) migrations
journal-100k-read  the same with DRIZZLE_DOC_MAX_FILE_SIZE=20MB (so read)        migrations
sql-comments-50k   ``'/*' * 50000`` appended to a migration                       migrations
=================  ===========================================================  ===========

The target is under 10 s and under 300 MB for each.  The drizzle-doc that runs is the one
``python -m drizzle_doc`` imports: set PYTHONPATH to compare two trees.

Usage::

    python bench/hostile.py [--cases models-10mb,journal-100k] [--out bench/out] [--json]
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from run import measure  # noqa: E402

BASE = HERE.parent / "fixtures" / "history-basic"
MB = 1024 * 1024
MIG = Path("drizzle/migrations")


def _models(root: Path) -> None:
    body = "1," * (5 * MB)
    (root / "server/src/models/big.ts").write_text(f"export const big = [{body}1];\n")


def _models_under_limit(root: Path) -> None:
    body = "1," * (MB - 1024)  # just under the default 2 MB limit: parsed and evaluated
    (root / "server/src/models/big.ts").write_text(f"export const big = [{body}1];\n")


def _tsconfig(root: Path) -> None:
    paths = {"@/*": ["a" * (10 * MB)]}
    (root / "tsconfig.json").write_text(json.dumps({"compilerOptions": {"baseUrl": ".", "paths": paths}}))


def _journal(root: Path) -> None:
    entries = [{"idx": i, "version": "7", "when": 1735689600000 + i, "tag": f"{i:06d}_m", "breakpoints": True}
               for i in range(100_000)]
    (root / MIG / "meta/_journal.json").write_text(json.dumps({"version": "7", "dialect": "postgresql", "entries": entries}))


def _sql(root: Path) -> None:
    p = root / MIG / "0001_add_user_bio.sql"
    p.write_text(p.read_text() + "\n" + "/*" * 50_000)


#: name -> (make the hostile file, command, environment)
CASES = {
    "models-10mb": (_models, "inspect", {}),
    "models-2mb": (_models_under_limit, "inspect", {}),
    "tsconfig-10mb": (_tsconfig, "inspect", {}),
    "journal-100k": (_journal, "migrations", {}),
    "journal-100k-read": (_journal, "migrations", {"DRIZZLE_DOC_MAX_FILE_SIZE": "20MB"}),
    "sql-comments-50k": (_sql, "migrations", {}),
}


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--cases", default=",".join(CASES))
    ap.add_argument("--out", type=Path, default=HERE / "out" / "hostile")
    ap.add_argument("--json", action="store_true", help="also write results.json under --out")
    args = ap.parse_args(argv)
    results = {}
    print(f"{'case':<18} {'command':<11} {'seconds':>8} {'peak MB':>8}  exit  last line of stderr")
    for name in args.cases.split(","):
        make, command, env = CASES[name]
        root = args.out / name
        shutil.rmtree(root, ignore_errors=True)
        shutil.copytree(BASE, root)
        make(root)
        saved = {k: os.environ.get(k) for k in env}
        os.environ.update(env)
        try:
            run = measure([sys.executable, "-m", "drizzle_doc", command, "--root", str(root)], root, args.out / "logs" / name)
        finally:
            for k, v in saved.items():
                os.environ.pop(k) if v is None else os.environ.__setitem__(k, v)
        last = (run.stderr.strip().splitlines() or [""])[-1]
        results[name] = {"command": command, "seconds": round(run.seconds, 2), "peak_mb": round(run.peak_mb, 1),
                         "code": run.code, "stderr_tail": last[:300]}
        print(f"{name:<18} {command:<11} {run.seconds:8.2f} {run.peak_mb:8.1f}  {run.code:>4}  {last[:100]}", flush=True)
        shutil.rmtree(root, ignore_errors=True)
    if args.json:
        (args.out / "results.json").write_text(json.dumps(results, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
