"""The discovery failures found on real projects (tests/corpus/README.md, issue 16), as fixtures.

Each fixture under fixtures/corpus-*/ reproduces, in a few files written for it, one cause
that lost tables or defaults on public monorepos. Each test states what drizzle-kit does with
the same files (they were xfail(strict=True) until drizzle-doc did the same; the discovery
of issue 16 flipped them). tests/test_discovery.py holds the cases around them.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
FIXTURES = REPO / "fixtures"


def inspect(fixture: str) -> list[dict]:
    """`inspect --format json` run at the fixture's root, as a user at the repository root would;
    the projects it found (one or several)."""
    done = subprocess.run([sys.executable, "-m", "drizzle_doc", "inspect", "--format", "json"],
                          cwd=FIXTURES / fixture, capture_output=True, text=True, timeout=120)
    assert done.returncode in (0, 1), done.stderr
    assert "Traceback" not in done.stderr
    payload = json.loads(done.stdout)
    return payload["projects"] if "projects" in payload else [payload]


def codes(project: dict) -> set[str]:
    return {d["code"] for d in project["diagnostics"]}


def table(project: dict, name: str) -> dict:
    return next(t for t in project["tables"] if t["name"] == name)


# --- 1. `--config` run from a package sub-folder (dokploy, lightfast) -------------------------

def test_config_in_subfolder_resolves_from_the_scripts_folder():
    [project] = inspect("corpus-config-subfolder")
    signups = table(project, "signups")
    assert [c["name"] for c in signups["columns"]] == ["id", "email", "created_at", "updated_at"]
    assert "no-schema-files" not in codes(project)
    assert project["migrationsFolder"] is not None and project["migrationsFolder"].endswith("drizzle")
    assert signups["migrations"]["created"]["tag"] == "0000_init"


# --- 2. a workspace package imported by name (Zero, lightfast) --------------------------------

def test_workspace_package_import_is_followed():
    [project] = inspect("corpus-workspace-import")
    prefs = next(c for c in table(project, "user_prefs")["columns"] if c["name"] == "prefs")
    assert prefs["default"] == "'{\"theme\":\"dark\",\"digest\":true}'::jsonb"
    assert "dynamic-default" not in codes(project)


# --- 3. one project below a monorepo root (Zero, midday, openstatus, unkey, terminal) ---------

def test_monorepo_project_root_is_named_from_the_run_folder():
    [project] = inspect("corpus-monorepo-root")
    assert project["project"]["root"] == "packages/db"
    assert [t["name"] for t in project["tables"]] == ["counters"]
    assert table(project, "counters")["file"] == "src/schema.ts"  # the model's paths: from its root
