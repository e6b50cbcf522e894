"""Longer fuzz run over mutated fixture projects (not collected by pytest).

    python3 tests/fuzz/run_fuzz.py --minutes 10            # or --inputs 5000
    python3 tests/fuzz/run_fuzz.py --seed 7 --replay 1234  # re-run one input by its number

Each input is a fixture project copied to a temp folder and damaged (see
``mutate.py``); the whole pipeline runs in-process twice.  A crash is an
exception other than DrizzleDocError escaping, or two runs that disagree.
Crashing inputs are kept under --keep (default: tests/fuzz/crashes/) with the
traceback; a summary (inputs tried, crashes, distinct crash sites) is printed
and, with --json, written as JSON.
"""

from __future__ import annotations

import argparse
import json
import random
import shutil
import sys
import tempfile
import time
import traceback
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from fuzz.mutate import make_case, run_pipeline  # noqa: E402


def one(seed: int, index: int, workdir: Path) -> tuple[dict, str | None, str | None]:
    rng = random.Random(f"{seed}:{index}")
    case_dir = workdir / f"case{index}"
    info = make_case(rng, case_dir)
    try:
        first = run_pipeline(case_dir)
        second = run_pipeline(case_dir)
    except Exception as exc:  # noqa: BLE001 - that's the point
        tb = traceback.extract_tb(exc.__traceback__)
        site = next((f"{Path(f.filename).name}:{f.lineno}" for f in reversed(tb)
                     if "drizzle_doc" in f.filename), "?")
        return info, f"{type(exc).__name__} at {site}", traceback.format_exc()
    if first != second:
        return info, "nondeterministic output", None
    return info, None, None


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--minutes", type=float, default=None)
    ap.add_argument("--inputs", type=int, default=None)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--replay", type=int, default=None, help="run only input number N (with --seed)")
    ap.add_argument("--keep", type=Path, default=Path(__file__).resolve().parent / "crashes")
    ap.add_argument("--json", type=Path, default=None)
    args = ap.parse_args(argv)
    if args.minutes is None and args.inputs is None and args.replay is None:
        args.minutes = 1.0
    deadline = time.monotonic() + 60 * args.minutes if args.minutes is not None else None
    tried = 0
    crashes: dict[str, list[int]] = {}
    started = time.monotonic()
    indices = [args.replay] if args.replay is not None else range(10**12)
    with tempfile.TemporaryDirectory(prefix="drizzle-doc-fuzz-") as tmp:
        work = Path(tmp)
        for index in indices:
            if args.inputs is not None and tried >= args.inputs:
                break
            if deadline is not None and time.monotonic() > deadline:
                break
            info, crash, tb = one(args.seed, index, work)
            tried += 1
            if crash:
                crashes.setdefault(crash, []).append(index)
                if len(crashes[crash]) <= 3:
                    dest = args.keep / f"seed{args.seed}-{index}"
                    shutil.rmtree(dest, ignore_errors=True)
                    shutil.copytree(work / f"case{index}", dest, symlinks=True)
                    (dest / "CRASH.txt").write_text(f"{crash}\n{json.dumps(info)}\n\n{tb or ''}")
                print(f"[{index}] CRASH {crash} {info}", flush=True)
                if args.replay is not None and tb:
                    print(tb)
            shutil.rmtree(work / f"case{index}", ignore_errors=True)
            if tried % 500 == 0:
                print(f"... {tried} inputs, {sum(map(len, crashes.values()))} crashes", flush=True)
    elapsed = time.monotonic() - started
    summary = {"seed": args.seed, "inputs": tried, "seconds": round(elapsed, 1),
               "crashing_inputs": sum(map(len, crashes.values())), "distinct_crashes": len(crashes),
               "crashes": {k: v[:10] for k, v in crashes.items()}}
    print(json.dumps(summary, indent=2))
    if args.json:
        args.json.write_text(json.dumps(summary, indent=2))
    return 1 if crashes else 0


if __name__ == "__main__":
    sys.exit(main())
