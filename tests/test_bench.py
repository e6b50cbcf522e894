"""Smoke test of the benchmark (bench/): it runs end to end at the smallest size.

No time assertions (CI machines vary): only that every step ran, the generated
project is deterministic and read completely, an unchanged re-run of
``generate`` writes nothing, and (with Node and tests/oracle installed) the real
drizzle-kit accepts the generated project and agrees with our extractor on it.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO / "bench"))
sys.path.insert(0, str(REPO / "tests" / "oracle"))

import gen_project  # noqa: E402
import run as bench_run  # noqa: E402

SIZE = 100


def test_generator_is_deterministic_and_complete(tmp_path: Path):
    a = gen_project.generate(SIZE, tmp_path / "a")
    b = gen_project.generate(SIZE, tmp_path / "b")
    assert a == b and a["tables"] == SIZE
    files_a = sorted(p.relative_to(tmp_path / "a") for p in (tmp_path / "a").rglob("*") if p.is_file())
    files_b = sorted(p.relative_to(tmp_path / "b") for p in (tmp_path / "b").rglob("*") if p.is_file())
    assert files_a == files_b
    for rel in files_a:
        assert (tmp_path / "a" / rel).read_bytes() == (tmp_path / "b" / rel).read_bytes(), rel
    models = "".join((tmp_path / "a" / "src/db/schema").joinpath(p).read_text()
                     for p in sorted(p.name for p in (tmp_path / "a/src/db/schema").iterdir()))
    # The shapes the issue asks for are all present.
    for needle in ("(t) => [", "(t) => ({", "pgEnum(", "check(", "sql`", "uniqueIndex(", "unique(",
                   "index(", "...timestamps", "/**", "AnyPgColumn", "primaryKey({", "relations("):
        assert needle in models, needle
    barrel = (tmp_path / "a/src/db/schema/index.ts").read_text()
    assert barrel.count("export * from") == len(list((tmp_path / "a/src/db/schema").glob("m*.ts"))) + 1


def test_benchmark_runs_at_the_smallest_size(tmp_path: Path, capsys):
    code = bench_run.main(["--sizes", str(SIZE), "--repeat", "1", "--out", str(tmp_path), "--json"])
    printed = capsys.readouterr().out
    data = json.loads((tmp_path / "results.json").read_text())
    steps = {r["step"]: r for r in data["results"]}
    assert code == 0, printed
    for step in ("parse", "inspect (lib)", "inspect", "generate", "generate (re-run)", "check", "drizzle-kit"):
        assert step in steps, printed
        r = steps[step]
        assert r["ok"], (step, r["note"])
        if not r["note"].startswith("n/a"):
            assert r["seconds"] is not None and r["seconds"] > 0
            assert r["peak_mb"] and r["peak_mb"] > 0
    assert steps["inspect"]["note"].startswith(f"{SIZE} tables"), steps["inspect"]["note"]
    if steps["generate (re-run)"]["seconds"] is not None:
        assert steps["generate (re-run)"]["note"].startswith("0 files changed")
    assert "| ratio" in printed and "machine:" in printed
    if bench_run.oracle_reason() is None:
        assert steps["drizzle-kit"]["seconds"] is not None, steps["drizzle-kit"]["note"]


@pytest.mark.oracle
def test_drizzle_kit_agrees_with_the_extractor_on_a_generated_project(tmp_path: Path):
    """Every fact of drizzle-kit's snapshot of a generated project is in our inspect JSON."""
    import subprocess

    from harness import oracle_available, run_generate

    why = oracle_available()
    if why:
        pytest.skip(why)
    from test_oracle import compare, report

    root = tmp_path / "p"
    gen_project.generate(SIZE, root)
    (root / "node_modules").symlink_to(bench_run.NODE_MODULES, target_is_directory=True)
    run_generate(root, "drizzle.config.ts")
    snapshot = json.loads(next((root / "drizzle/meta").glob("0000_snapshot.json")).read_text())
    assert len(snapshot["tables"]) == SIZE
    ours = json.loads(subprocess.run([sys.executable, "-m", "drizzle_doc", "inspect", "--root", str(root)],
                                     capture_output=True, text=True, check=False).stdout)
    cmp = compare(snapshot, ours)
    assert not cmp.mismatches, report("bench", cmp)
