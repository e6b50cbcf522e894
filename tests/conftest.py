"""Shared, generic test helpers (paths and the optional Node oracle)."""

from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path
from typing import Optional

REPO = Path(__file__).resolve().parent.parent
FIXTURES = REPO / "fixtures"
ORACLE_DIR = REPO / "tests" / "oracle"

# generate's cache of clean runs (drizzle_doc.perf.cache) goes to a folder of this test
# session, never to ~/.cache; subprocesses inherit it.
os.environ["DRIZZLE_DOC_CACHE_DIR"] = tempfile.mkdtemp(prefix="drizzle-doc-test-cache-")


def oracle_bin() -> Optional[Path]:
    """The pinned drizzle-kit (tests/oracle/node_modules/.bin/drizzle-kit), or None when it
    or node is missing (install with `npm ci --prefix tests/oracle`)."""
    path = ORACLE_DIR / "node_modules" / ".bin" / "drizzle-kit"
    if shutil.which("node") is None or not path.exists():
        return None
    return path


#: test modules that need Node (the pinned drizzle-kit, tsc, npm, @dbml/core) or a database
#: server: marked so that README's quick subset, `-m "not oracle and not postgres"`, leaves them out
NODE_MODULES = {"test_oracle", "test_export_sql", "test_dbml", "test_bench", "test_render_tsc", "test_wrappers"}
DATABASE_MODULES = {"test_verify_pg", "test_verify_mysql", "test_verify_sqlite"}
#: the site tests that drive a real browser (chromium) are left out of the quick subset too
BROWSER_TESTS = ("test_browser_",)


def pytest_collection_modifyitems(config, items):
    import pytest

    for item in items:
        module = item.module.__name__.rsplit(".", 1)[-1] if getattr(item, "module", None) else ""
        if module in NODE_MODULES or (module == "test_site" and item.name.startswith(BROWSER_TESTS)):
            item.add_marker(pytest.mark.oracle)
        if module in DATABASE_MODULES:
            item.add_marker(pytest.mark.postgres)


def migration_sql_files(project) -> list[Path]:
    """A project's drizzle-kit migration SQL files in the order drizzle-kit applies them: the
    journal's entries (0.x: ``meta/_journal.json``) or 1.0's ``<timestamp>_<name>/migration.sql``
    folders, by name; else a hand-written folder's ``*.sql`` files, by name."""
    import json

    from drizzle_doc.project import DEFAULT_MIGRATION_DIRS

    for c in ([project.migrations] if project.migrations else list(DEFAULT_MIGRATION_DIRS)):
        folder = Path(project.root) / c
        journal = folder / "meta" / "_journal.json"
        if journal.exists():
            return [folder / f"{e['tag']}.sql" for e in json.loads(journal.read_text())["entries"]]
        kit1 = sorted(p for p in folder.glob("*/migration.sql")) if folder.is_dir() else []
        if kit1:
            return kit1
        flat = sorted(folder.glob("*.sql")) if folder.is_dir() else []  # hand-written, no journal
        if flat:
            return flat
    raise AssertionError(f"no migrations for {project.root}")


def write_files(root: Path, files: dict[str, str]) -> Path:
    """A project made of ``{relative path: text}`` (the text dedented) below ``root``."""
    import textwrap

    for rel, text in files.items():
        p = root / rel
        p.parent.mkdir(parents=True, exist_ok=True)
        p.write_text(textwrap.dedent(text).lstrip("\n"), encoding="utf-8")
    return root


def run_cli_at(cwd: Path, *args: str):
    """``drizzle-doc ARGS`` run by someone standing in ``cwd`` (click's CliRunner, in this process)."""
    from click.testing import CliRunner

    from drizzle_doc.cli import cli

    here = os.getcwd()
    os.chdir(cwd)
    try:
        return CliRunner().invoke(cli, list(args), catch_exceptions=False)
    finally:
        os.chdir(here)


def inspect_projects(cwd: Path, *args: str) -> list[dict]:
    """``drizzle-doc inspect --format json`` at ``cwd``: every project's payload."""
    import json

    r = run_cli_at(cwd, "inspect", "--format", "json", *args)
    assert r.exit_code in (0, 1), r.output
    payload = json.loads(r.stdout)
    return payload["projects"] if "projects" in payload else [payload]


def need_node() -> None:
    """Skip (fail, with ``CI`` set) a test that runs the pinned drizzle-kit or tsc when Node or
    tests/oracle/node_modules is missing."""
    import pytest

    if shutil.which("node") is None or not (ORACLE_DIR / "node_modules" / "drizzle-kit" / "bin.cjs").is_file():
        reason = "needs node and the pinned drizzle-kit/typescript: run `npm ci --prefix tests/oracle`"
        if os.environ.get("CI"):
            pytest.fail(reason)
        pytest.skip(reason)


def assert_check_clean_after_generate(root: Path) -> None:
    """``generate`` then ``check --format json`` at ``root``: exit 0, no finding of the models or drift."""
    import json

    assert run_cli_at(root, "generate").exit_code == 0
    r = run_cli_at(root, "check", "--format", "json")
    report = json.loads(r.stdout)
    assert r.exit_code == 0, [f for f in report["findings"] if f["severity"] == "error"]
    assert not [f for f in report["findings"] if f["rule"] in ("model", "drift")]
