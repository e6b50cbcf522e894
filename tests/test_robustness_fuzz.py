"""Fuzz in CI: mutated fixture projects through the whole pipeline (issue 6).

200 hypothesis examples with a fixed seed: a fixture project is copied and 1-3 of
its files (models, config, migration SQL / journal / snapshots) damaged by byte
flips, truncation, token deletion/duplication/swaps, lines spliced from other
fixtures, nasty literals and deep nesting (``tests/fuzz/mutate.py``).  Then
load_projects -> extract -> load_history -> render_docs -> check runs twice,
in-process: no exception other than a DrizzleDocError may escape, and the two
runs must agree exactly.  The longer run is ``tests/fuzz/run_fuzz.py``.

Also here: repros for crashes the fuzzer found in the extractor, and (issue 21) every input kind a
project holds made hostile -- a seed corpus of an audit's reproducers, then hypothesis-made JSON
shapes and text -- through every command that reads a project (not verify), in-process: never an
internal error, exit code 0, 1 or 2 (``tests/fuzz/hostile.py``).
"""

from __future__ import annotations

import json
import os
import shutil
import tempfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, Phase, given, seed, settings
from hypothesis import strategies as st

from fuzz.hostile import JSON_KINDS, KINDS, SEEDS, TEXT_BITS, base_project, put_json, put_text, run_commands
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


@pytest.mark.parametrize("name", sorted(SEEDS))
def test_every_seed_reproducer_gives_diagnostics_never_an_internal_error(tmp_path, name):
    root = base_project(tmp_path / "p")
    SEEDS[name](root)
    outcomes = run_commands(root)
    # a usage/config error is one line naming the file; otherwise the models still come out
    if outcomes["inspect"][0] == 2:
        assert all(code == 2 and len(err.strip().splitlines()) == 1 for code, err in outcomes.values()), outcomes
        assert any(f in outcomes["inspect"][1] for f in ("drizzle-doc.toml", "package.json", "drizzle.config")), outcomes
    else:
        assert outcomes["comments-sql"][0] == 0 or name.startswith(("config-", "models-")), outcomes
        assert (root / "docs/data/schemas").is_dir(), outcomes


_json_values = st.recursive(
    st.none() | st.booleans() | st.integers(min_value=-(10**40), max_value=10**40)
    | st.floats(allow_nan=False, allow_infinity=False) | st.text(max_size=30)
    | st.sampled_from(["../../etc", "/abs", "*", "@/*", "0000_x", "x" * 3000]),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=12), inner, max_size=4),
    max_leaves=12,
)


@seed(21)
@settings(max_examples=70, deadline=None, database=None, derandomize=True,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
@given(data=st.data())
def test_hostile_inputs_of_every_kind_never_give_an_internal_error(tmp_path_factory, data):
    root = base_project(tmp_path_factory.mktemp("hostile") / "p")
    kind = data.draw(st.sampled_from(sorted(KINDS)), label="kind")
    path = root / KINDS[kind]
    if kind in JSON_KINDS:
        put_json(path, data.draw(st.floats(0, 1)), data.draw(_json_values, label="value"), data.draw(st.booleans()))
    else:
        bits = st.sampled_from(TEXT_BITS[kind]) | st.text(max_size=40)
        put_text(path, data.draw(bits, label="text"), data.draw(st.floats(0, 1)), data.draw(st.booleans(), label="whole"))
    run_commands(root)


# -- bounded cost (issue 21): outcomes only, never a time ------------------------------------------


def _inspect(root: Path, env: dict | None = None) -> tuple[int, dict]:
    from click.testing import CliRunner

    from drizzle_doc.cli import cli

    here = os.getcwd()
    os.chdir(root)  # the user stands in the root: diagnostics name files from there
    try:
        r = CliRunner().invoke(cli, ["inspect", "--root", str(root)], env={"DRIZZLE_DOC_DEBUG": None, **(env or {})})
    finally:
        os.chdir(here)
    assert r.exit_code in (0, 1), r.stderr
    return r.exit_code, json.loads(r.stdout)


def _diags(payload: dict, code: str) -> list[dict]:
    return [d for d in payload["diagnostics"] if d.get("code") == code]


def test_a_models_file_over_the_size_limit_is_skipped_with_a_diagnostic_and_the_rest_documented(tmp_path):
    root = base_project(tmp_path / "p")
    (root / "server/src/models/big.ts").write_text("// " + "x" * (3 * 1024 * 1024) + "\n" + HDR + table("big_t"))
    code, payload = _inspect(root)
    (big,) = _diags(payload, "file-too-large")
    assert code == 1 and big["file"] == "server/src/models/big.ts" and "2 MB" in big["message"]
    names = [t["name"] for t in payload["tables"]]
    assert "users" in names and "big_t" not in names
    # raised in drizzle-doc.toml, or by the environment: read
    (root / "drizzle-doc.toml").write_text(TOML_WITH_SIZE)
    code, payload = _inspect(root)
    assert not _diags(payload, "file-too-large") and "big_t" in [t["name"] for t in payload["tables"]]
    (root / "drizzle-doc.toml").unlink()
    code, payload = _inspect(root, {"DRIZZLE_DOC_MAX_FILE_SIZE": "5MB"})
    assert not _diags(payload, "file-too-large") and "big_t" in [t["name"] for t in payload["tables"]]


TOML_WITH_SIZE = 'max-file-size = "4MB"\n'


def test_a_dense_models_file_under_the_byte_limit_is_skipped_too(tmp_path):
    root = base_project(tmp_path / "p")
    (root / "server/src/models/big.ts").write_text("export const big = [" + "1," * 600_000 + "1];\n")  # 1.2 MB
    code, payload = _inspect(root)
    (big,) = _diags(payload, "file-too-large")
    assert code == 1 and big["file"] == "server/src/models/big.ts" and "tokens" in big["message"]
    assert "users" in [t["name"] for t in payload["tables"]]


def test_a_huge_tsconfig_is_a_warning_and_the_models_still_come_out(tmp_path):
    root = base_project(tmp_path / "p")
    (root / "tsconfig.json").write_text(json.dumps({"compilerOptions": {"paths": {"@/*": ["a" * (6 * 1024 * 1024)]}}}))
    code, payload = _inspect(root)
    (d,) = [d for d in payload["diagnostics"] if d["file"] == "tsconfig.json"]
    assert code == 0 and "over the 5 MB limit" in d["message"] and "users" in [t["name"] for t in payload["tables"]]


def test_an_oversized_journal_and_sql_nesting_are_diagnostics_that_echo_no_input(tmp_path):
    root = base_project(tmp_path / "p")
    SEEDS["journal-many-entries"](root)
    journal = root / KINDS["journal"]
    journal.write_text(journal.read_text() + " " * (5 * 1024 * 1024))
    sql = root / KINDS["sql"]
    sql.write_text(sql.read_text() + "\n--> statement-breakpoint\nSELECT " + "x" * 40_000 + " FROM;\n--> statement-breakpoint\n" + "/*" * 50_000)
    outcomes = run_commands(root, ("migrations",))
    code, err = outcomes["migrations"]
    from click.testing import CliRunner

    from drizzle_doc.cli import cli

    out = CliRunner().invoke(cli, ["migrations", "--root", str(root)]).stdout
    lines = [line for line in out.splitlines() if KINDS["sql"] in line or "_journal.json" in line]
    assert code == 1 and any("over the 5 MB limit" in line for line in lines), out
    assert any("does not parse" in line for line in lines) and any("nested more than 100" in line for line in lines), out
    assert all(len(line) < 400 for line in out.splitlines()), max(out.splitlines(), key=len)[:500]


@pytest.mark.parametrize("value, ok", [(2097152, True), ("4MB", True), ("512 KB", True), ("lots", False),
                                       (0, False), (-1, False), (True, False), ([1], False)])
def test_max_file_size_setting_is_validated(value, ok):
    from drizzle_doc.errors import ConfigError
    from drizzle_doc.project.settings import validate

    if ok:
        validate({"max-file-size": value})
    else:
        with pytest.raises(ConfigError, match="max-file-size"):
            validate({"max-file-size": value})
