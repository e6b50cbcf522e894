"""`drizzle-doc check`: docs currency (tbls style), drift, rules, output formats, exit codes, read-only."""

from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from drizzle_doc.cli import cli
from tests.conftest import FIXTURES

PAGES = "docs/data/schemas"
GITHUB_LINE = re.compile(r"^::(error|warning|notice) file=([^,:]+)(?:,line=(\d+))?,title=drizzle-doc ([a-z-]+)::(.+)$")


@pytest.fixture()
def example(tmp_path) -> Path:
    dst = tmp_path / "example"
    shutil.copytree(FIXTURES / "example", dst, ignore=shutil.ignore_patterns("node_modules"))
    return dst


def run(root: Path, *args: str):
    """``check --root ROOT`` run by someone standing in ROOT (paths are printed from there)."""
    here = os.getcwd()
    os.chdir(root)
    try:
        return CliRunner().invoke(cli, ["check", "--root", str(root), *args])
    finally:
        os.chdir(here)


def findings(root: Path, *args: str) -> tuple[int, dict]:
    r = run(root, "--format", "json", *args)
    return r.exit_code, json.loads(r.output)


def tree_hash(root: Path) -> str:
    h = hashlib.sha256()
    for p in sorted(root.rglob("*")):
        rel = p.relative_to(root).as_posix()
        h.update(rel.encode())
        if p.is_file():
            h.update(p.read_bytes())
            h.update(str(p.stat().st_mtime_ns).encode())
    return h.hexdigest()


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def test_committed_example_is_clean(example):
    code, data = findings(example)
    assert code == 0 and data["ok"] is True
    assert data["summary"]["errors"] == 0
    # only the default-warning rule fires on the example (unindexed FK columns)
    assert {f["rule"] for f in data["findings"]} <= {"fk-index"}
    for f in data["findings"]:
        assert f["file"] and f["line"] and f["fix"]


def test_check_never_writes(example):
    edit(example / "server/src/models/tasks.ts", "/** One-line summary. */", "/** One-line title. */")
    (example / PAGES / "sessions.md").unlink()
    before = tree_hash(example)
    for fmt in ("text", "json", "github"):
        assert run(example, "--format", fmt).exit_code == 1
    assert tree_hash(example) == before


def test_stale_page_has_section_diff_and_fix(example):
    edit(example / "server/src/models/tasks.ts", "/** One-line summary. */", "/** One-line title. */")
    code, data = findings(example)
    assert code == 1 and data["ok"] is False
    stale = [f for f in data["findings"] if f["rule"] == "page-stale"]
    assert [f["file"] for f in stale] == [f"{PAGES}/tasks.md"]
    f = stale[0]
    assert "`columns`" in f["message"] and f["fix"] == "run `drizzle-doc generate --root " + str(example) + "`"
    assert f["diff"].startswith(f"--- a/{PAGES}/tasks.md\n+++ b/{PAGES}/tasks.md\n@@ ")
    assert "-| `title` | `varchar(300)` | NOT NULL | One-line summary. |" in f["diff"]
    assert "+| `title` | `varchar(300)` | NOT NULL | One-line title. |" in f["diff"]
    # the line points at the stale line of the page on disk
    page_lines = (example / PAGES / "tasks.md").read_text().split("\n")
    assert "One-line summary." in page_lines[f["line"] - 1]


def test_generate_then_check_is_clean(example):
    edit(example / "server/src/models/tasks.ts", "/** One-line summary. */", "/** One-line title. */")
    assert run(example).exit_code == 1
    assert CliRunner().invoke(cli, ["generate", "--root", str(example)]).exit_code == 0
    assert run(example).exit_code == 0


def test_hand_text_outside_markers_is_not_stale(example):
    page = example / PAGES / "users.md"
    page.write_text(page.read_text() + "\n## Notes\n\nHand-written words stay.\n")
    assert run(example).exit_code == 0


def test_missing_page_missing_docs_and_orphan(example):
    (example / PAGES / "sessions.md").unlink()
    (example / PAGES / "memberships.md").unlink()  # organizations.ts still has organizations.md
    gone = example / PAGES / "widgets.md"
    gone.write_text("<!-- drizzle-doc:begin header -->\n# widgets\n<!-- drizzle-doc:end header -->\n")
    code, data = findings(example)
    assert code == 1
    by_rule = {}
    for f in data["findings"]:
        by_rule.setdefault(f["rule"], []).append(f)
    [docs] = by_rule["docs-missing"]
    assert docs["file"] == "server/src/models/sessions.ts" and docs["line"] and "`sessions`" in docs["message"]
    [page] = by_rule["page-missing"]
    assert page["file"] == "server/src/models/organizations.ts" and page["table"] == "public.memberships"
    [orphan] = by_rule["page-orphaned"]
    assert orphan["file"] == f"{PAGES}/widgets.md" and "--prune" in orphan["fix"]


def test_damaged_markers_are_an_error(example):
    page = example / PAGES / "users.md"
    page.write_text(page.read_text().replace("<!-- drizzle-doc:end columns -->", "", 1))
    code, data = findings(example)
    assert code == 1
    assert any(f["rule"] == "page-damaged" and f["file"] == f"{PAGES}/users.md" for f in data["findings"])


def test_drift_new_column_never_migrated(example):
    edit(example / "server/src/models/tasks.ts", "    /** Optional due date. */",
         "    /** Estimate in hours. */\n    estimate: integer(\"estimate\"),\n    /** Optional due date. */")
    assert CliRunner().invoke(cli, ["generate", "--root", str(example)]).exit_code == 0
    code, data = findings(example)
    assert code == 1
    [d] = [f for f in data["findings"] if f["rule"] == "drift"]
    assert d["file"] == "server/src/models/tasks.ts" and d["table"] == "public.tasks"
    src = (example / "server/src/models/tasks.ts").read_text().split("\n")
    assert "estimate" in src[d["line"] - 1]
    assert "drizzle-kit generate" in d["fix"] and "estimate" in d["message"]


def test_assumption_rule_and_exception_end_to_end(example):
    edit(example / "server/src/models/sessions.ts", 'id: uuid("id").primaryKey().defaultRandom(),',
         'id: serial("id").primaryKey(),')
    edit(example / "server/src/models/sessions.ts", "import { index, inet,", "import { index, inet, serial,")
    code, data = findings(example, "--rule", "fk-index=off")
    rules = {f["rule"] for f in data["findings"]}
    assert code == 1 and "uuid-pk" in rules
    # except it with a JSDoc tag: the rule is quiet (the docs and drift still complain: the page and the
    # migrations show a uuid key), so check only the rule
    edit(example / "server/src/models/sessions.ts", " * User sessions: one row per signed-in device.\n",
         " * User sessions: one row per signed-in device.\n"
         " * @drizzle-doc-exception uuid-pk sessions are looked up by a sequential id for sharding\n")
    code, data = findings(example, "--rule", "fk-index=off")
    assert "uuid-pk" not in {f["rule"] for f in data["findings"]}
    # lowered to a warning in drizzle-doc.toml instead
    edit(example / "server/src/models/sessions.ts",
         " * @drizzle-doc-exception uuid-pk sessions are looked up by a sequential id for sharding\n", "")
    (example / "drizzle-doc.toml").write_text('[rules]\nuuid-pk = "warning"\nfk-index = "off"\n')
    code, data = findings(example)
    [f] = [f for f in data["findings"] if f["rule"] == "uuid-pk"]
    assert f["severity"] == "warning"


def test_require_descriptions_flag_makes_missing_jsdoc_an_error(example):
    edit(example / "server/src/models/tasks.ts", "    /** Optional due date. */\n", "")
    assert CliRunner().invoke(cli, ["generate", "--root", str(example)]).exit_code == 0
    code, data = findings(example, "--rule", "fk-index=off")
    [f] = [f for f in data["findings"] if f["rule"] == "descriptions"]
    assert code == 0 and f["severity"] == "warning"
    assert f["message"] == "1 of the 13 columns of `tasks` has no description (`due_on`)"
    code, data = findings(example, "--rule", "fk-index=off", "--require-descriptions")
    [f] = [f for f in data["findings"] if f["rule"] == "descriptions"]
    assert code == 1 and f["severity"] == "error"


def test_json_format_is_stable(example):
    (example / PAGES / "sessions.md").unlink()
    r1, r2 = run(example, "--format", "json"), run(example, "--format", "json")
    assert r1.output == r2.output
    data = json.loads(r1.output)
    assert list(data) == ["version", "ok", "summary", "coverage", "findings"] and data["version"] == 1
    assert list(data["summary"]) == ["errors", "warnings", "infos"]
    for f in data["findings"]:
        assert list(f) == ["rule", "severity", "file", "line", "table", "message", "fix", "diff"]
        assert f["severity"] in ("error", "warning", "info")
    keys = [((f["file"] or ""), f["line"] or 0) for f in data["findings"]]
    assert keys == sorted(keys)


def test_github_format_lines(example):
    edit(example / "server/src/models/tasks.ts", "/** One-line summary. */", "/** One-line title. */")
    r = run(example, "--format", "github")
    assert r.exit_code == 1
    lines = r.output.rstrip("\n").split("\n")
    assert lines[-1].startswith("drizzle-doc check: 1 error, ")
    assert lines[-2] == "description coverage: 100.0% (61/61 tables and columns)"
    parsed = [GITHUB_LINE.match(ln) for ln in lines[:-2]]
    assert all(parsed), lines
    stale = [m for m in parsed if m.group(4) == "page-stale"]
    assert len(stale) == 1 and stale[0].group(1) == "error" and stale[0].group(2) == f"{PAGES}/tasks.md"
    assert int(stale[0].group(3)) > 0
    assert "%0A" in stale[0].group(5) and "\n" not in stale[0].group(5)  # diff kept on one line
    assert {m.group(1) for m in parsed if m.group(4) == "fk-index"} == {"warning"}


def test_text_format_grouped_per_file_no_colour_when_piped(example):
    edit(example / "server/src/models/tasks.ts", "/** One-line summary. */", "/** One-line title. */")
    r = run(example)
    assert "\x1b[" not in r.output
    lines = r.output.split("\n")
    assert f"{PAGES}/tasks.md" in lines and "server/src/models/tasks.ts" in lines
    assert lines.count("server/src/models/tasks.ts") == 1  # one heading per file
    assert "fix: run `drizzle-doc generate" in r.output
    assert r.output.rstrip().endswith("\ndescription coverage: 100.0% (61/61 tables and columns)\n"
                                      "drizzle-doc check: 1 error, 5 warnings")


def test_text_colour_only_when_asked():
    from drizzle_doc.model import finding
    from drizzle_doc.output.report import render_text

    f = [finding("uuid-pk", "error", "a.ts", 3, "bad", "fix it")]
    assert "\x1b[" in render_text(f, color=True)
    assert "\x1b[" not in render_text(f, color=False)


def test_monorepo_paths_are_relative_to_root(tmp_path):
    mono = tmp_path / "mono"
    shutil.copytree(FIXTURES / "example", mono / "packages" / "db", ignore=shutil.ignore_patterns("node_modules"))
    (mono / "packages/db" / PAGES / "users.md").unlink()
    code, data = findings(mono)
    assert code == 1
    files = {f["file"] for f in data["findings"]}
    assert "packages/db/server/src/models/users.ts" in files


def test_usage_errors_exit_2(tmp_path):
    assert CliRunner().invoke(cli, ["check", "--root", str(tmp_path / "nope")]).exit_code == 2
    assert CliRunner().invoke(cli, ["check", "--format", "xml"]).exit_code == 2


def test_coverage_in_json_and_text_and_one_line_not_one_warning_per_column(example):
    # take the descriptions off one table and two columns of another
    edit(example / "server/src/models/sessions.ts", "/**\n * User sessions: one row per signed-in device.\n *\n"
         " * A session ends at `expires_at` or when revoked; refresh tokens are stored hashed.\n */\n", "")
    edit(example / "server/src/models/tasks.ts", "    /** Optional due date. */\n", "")
    edit(example / "server/src/models/tasks.ts", "/** One-line summary. */", "")
    assert CliRunner().invoke(cli, ["generate", "--root", str(example)]).exit_code == 0
    code, data = findings(example, "--rule", "fk-index=off")
    assert code == 0
    cov = data["coverage"]
    assert cov["total"] == {"covered": 58, "total": 61, "percent": 95.0}
    by_table = {t["table"]: t for t in cov["tables"]}
    assert [t["table"] for t in cov["tables"]] == sorted(by_table, key=lambda k: (by_table[k]["file"], k))
    assert by_table["public.tasks"] == {
        "table": "public.tasks", "name": "tasks", "file": "server/src/models/tasks.ts",
        "line": by_table["public.tasks"]["line"], "described": True, "columns": {"covered": 11, "total": 13},
        "covered": 12, "total": 14, "percent": 85.7}
    assert by_table["public.sessions"]["described"] is False and by_table["public.sessions"]["percent"] == 90.0
    assert by_table["public.users"]["percent"] == 100.0
    assert [f["rule"] for f in data["findings"]] == ["descriptions", "descriptions"]  # one per table
    r = run(example, "--rule", "fk-index=off")
    assert ("\ndescription coverage: 95.0% (58/61 tables and columns); least covered: tasks 85.7% (12/14), "
            "sessions 90.0% (9/10)\n") in r.output
    # the index page shows the same figures
    index = (example / PAGES / "README.md").read_text()
    assert "| **tasks** | Units of work inside a project. | 85.7% (12/14) | [tasks.md](tasks.md) |" in index
    assert "| 7 / 7 | 95.0% (58/61) |" not in index and "| 6 / 7 | 95.0% (58/61) |" in index


def test_min_coverage_below_is_one_error_at_the_setting(example):
    (example / "drizzle-doc.toml").write_text('# the example is fully described\n\nmin-coverage = 100\n[rules]\nfk-index = "off"\n')
    assert run(example).exit_code == 0  # every table and column of the example is described
    edit(example / "server/src/models/tasks.ts", "    /** Optional due date. */\n", "")
    assert CliRunner().invoke(cli, ["generate", "--root", str(example)]).exit_code == 0
    code, data = findings(example)
    [f] = [f for f in data["findings"] if f["rule"] == "coverage"]
    assert code == 1 and (f["severity"], f["file"], f["line"]) == ("error", "drizzle-doc.toml", 3)
    assert f["message"] == "description coverage 98.3% (60/61 tables and columns) is below min-coverage 100%"
    assert "`tasks` 13/14" in f["fix"]
    (example / "drizzle-doc.toml").write_text('min-coverage = 98.3\n')
    assert findings(example)[0] == 0  # 60/61 = 98.36%: not below
