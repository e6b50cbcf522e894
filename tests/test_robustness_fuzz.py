"""Fuzz in CI: mutated fixture projects through the whole pipeline (issue 6).

200 hypothesis examples with a fixed seed: a fixture project is copied and 1-3 of
its files (models, config, migration SQL / journal / snapshots) damaged by byte
flips, truncation, token deletion/duplication/swaps, lines spliced from other
fixtures, nasty literals and deep nesting (``tests/fuzz/mutate.py``).  Then
load_projects -> extract -> load_history -> render_docs -> check runs twice,
in-process: no exception other than a DrizzleDocError may escape, and the two
runs must agree exactly.  The longer run is ``tests/fuzz/run_fuzz.py``.

Also here: repros for crashes the fuzzer found in the extractor.
"""

from __future__ import annotations

import shutil
import tempfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, Phase, given, seed, settings
from hypothesis import strategies as st

from fuzz.mutate import make_case, run_pipeline
from test_robustness import CONFIG, HDR, drizzle_doc, table, write


@seed(6)
@settings(max_examples=200, phases=[Phase.explicit, Phase.reuse, Phase.generate, Phase.shrink], derandomize=True, deadline=None, database=None,
          suppress_health_check=[HealthCheck.too_slow])
@given(rng=st.randoms(use_true_random=False))
def test_mutated_fixtures_never_crash_the_pipeline_and_output_is_deterministic(rng):
    tmp = Path(tempfile.mkdtemp(prefix="drizzle-doc-fuzz-"))
    try:
        case = make_case(rng, tmp / "p")
        first = run_pipeline(tmp / "p", tolerate_known=True)  # tolerate crashes listed in mutate.KNOWN_PARSE_BUGS (none today)
        second = run_pipeline(tmp / "p", tolerate_known=True)
        assert first == second, case
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def test_a_schema_path_too_long_for_the_file_system_is_one_clear_line_in_the_cli(tmp_path):
    long = "y" * 300
    write(tmp_path, {"drizzle.config.ts": CONFIG.replace('"./src/*.ts"', f'["./{long}", "./src/a.ts"]'),
                     "src/a.ts": HDR + table("t")})
    for args in ([], ["--schema", long, "--schema", "src/a.ts"]):
        r = drizzle_doc("generate", "--root", str(tmp_path), *args, cwd=tmp_path)  # no traceback, exit 0/1/2
        assert r.returncode == 1 and len(r.stderr.strip().splitlines()) <= 3, r.stderr


def test_extract_reports_a_schema_path_too_long_as_matching_nothing(tmp_path):
    from drizzle_doc.project.config import load_projects
    from drizzle_doc.drizzle.extract import extract

    long = "y" * 300
    write(tmp_path, {"drizzle.config.ts": CONFIG.replace('"./src/*.ts"', f'["./{long}", "./src/a.ts"]'),
                     "src/a.ts": HDR + table("t")})
    (project,) = load_projects(tmp_path)
    schema = extract(project)
    assert [t.name for t in schema.tables] == ["t"]
    assert any("matches no files" in d.message for d in schema.diagnostics)


def _extract_src(tmp_path, source: str):
    from drizzle_doc.project.config import load_projects
    from drizzle_doc.drizzle.extract import extract

    write(tmp_path, {"drizzle.config.ts": CONFIG, "src/a.ts": source})
    (project,) = load_projects(tmp_path)
    return extract(project)


def test_extract_survives_a_broken_sql_member_call(tmp_path):
    s = _extract_src(tmp_path, 'import { pgTable, text } from "drizzle-orm/pg-core";\nimport { sql } from "drizzle-orm";\n'
                               'export const t = pgTable("t", { a: text("a").default(sql. ("x")) });\n')
    assert [t.name for t in s.tables] == ["t"]


def test_extract_survives_a_bad_unicode_escape(tmp_path):
    s = _extract_src(tmp_path, 'import { pgTable, integer } from "drizzle-orm/pg-core";\n'
                               'export const t = pgTable("\\u", { id: integer() });\nexport const ok = pgTable("ok", { id: integer() });\n')
    assert "ok" in [t.name for t in s.tables]
