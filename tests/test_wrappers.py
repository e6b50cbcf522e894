"""The wrappers, run for real: the example's npm scripts and the pre-commit hook.

Skipped (with the reason) when npm / pre-commit is missing, unless $CI is set:
in CI a missing tool is a failure.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import FIXTURES, REPO

PAGES = "docs/data/schemas"


def _need(tool: str) -> str:
    path = shutil.which(tool)
    if path is None:
        if os.environ.get("CI"):
            pytest.fail(f"{tool} is required in CI")
        pytest.skip(f"{tool} not installed (install it to run the wrapper tests; they are required when $CI is set)")
    return path


def _console_script_dir() -> str:
    """The folder of the installed `drizzle-doc` console script (next to this Python, else on PATH)."""
    here = Path(sys.executable).parent / "drizzle-doc"
    if here.exists():
        return str(here.parent)
    found = shutil.which("drizzle-doc")
    if found is None:
        pytest.skip("the drizzle-doc console script is not installed (pip install -e .)")
    return str(Path(found).parent)


def _env() -> dict:
    env = dict(os.environ)
    env["PATH"] = _console_script_dir() + os.pathsep + env.get("PATH", "")
    env["NO_COLOR"] = "1"
    return env


def _copy_example(dst: Path) -> Path:
    shutil.copytree(FIXTURES / "example", dst, ignore=shutil.ignore_patterns("node_modules"))
    return dst


def _break_model(project: Path) -> None:
    f = project / "server/src/models/tasks.ts"
    text = f.read_text(encoding="utf-8")
    assert "/** One-line summary. */" in text
    f.write_text(text.replace("/** One-line summary. */", "/** One-line title. */"), encoding="utf-8")


def test_example_package_json_carries_the_scripts():
    import json

    scripts = json.loads((FIXTURES / "example/package.json").read_text())["scripts"]
    assert scripts["db:docs"] == "drizzle-doc generate"
    assert scripts["db:docs:check"] == "drizzle-doc check"


def _teammate_project(tmp_path: Path) -> tuple[Path, dict]:
    """The example after `drizzle-doc init`, and an environment whose PATH has npm and the
    system's tools but no drizzle-doc: a teammate who never installed it globally."""
    import json

    npm = _need("npm")
    project = _copy_example(tmp_path / "example")
    pkg = project / "package.json"
    data = json.loads(pkg.read_text())
    del data["scripts"]["db:docs"], data["scripts"]["db:docs:check"]
    pkg.write_text(json.dumps(data, indent=2))
    from drizzle_doc.commands.init import init_project

    init_project(project)
    dirs = [str(Path(npm).parent), str(Path(shutil.which("node") or npm).parent), "/usr/bin", "/bin"]
    env = dict(os.environ, NO_COLOR="1", PATH=os.pathsep.join(dict.fromkeys(dirs)))
    for d in dirs:
        if (Path(d) / "drizzle-doc").exists():
            pytest.skip(f"drizzle-doc is installed in {d}, a system folder: cannot hide it from the script")
    return project, env


def test_npm_scripts_without_drizzle_doc_print_the_install_command(tmp_path):
    project, env = _teammate_project(tmp_path)
    r = subprocess.run([shutil.which("npm"), "run", "--silent", "db:docs:check"], cwd=project, env=env,
                       capture_output=True, text=True, timeout=300)
    assert r.returncode == 127, r.stdout + r.stderr
    assert r.stderr.strip().splitlines()[-1].startswith("drizzle-doc is not installed: python3 -m pip install")


def test_npm_scripts_find_the_project_venv(tmp_path):
    project, env = _teammate_project(tmp_path)
    venv_bin = project / ".venv" / "bin"
    venv_bin.mkdir(parents=True)
    # the real console script (its shebang names the Python that has drizzle-doc installed)
    shutil.copy2(Path(_console_script_dir()) / "drizzle-doc", venv_bin / "drizzle-doc")

    def npm_run(script: str) -> subprocess.CompletedProcess:
        return subprocess.run([shutil.which("npm"), "run", "--silent", script], cwd=project, env=env,
                              capture_output=True, text=True, timeout=300)

    assert npm_run("db:docs:check").returncode == 0
    _break_model(project)
    stale = npm_run("db:docs:check")
    assert stale.returncode == 1 and "page-stale" in stale.stdout  # check's own exit code comes through
    assert npm_run("db:docs").returncode == 0 and npm_run("db:docs:check").returncode == 0


def test_npm_run_db_docs_check(tmp_path):
    npm = _need("npm")
    project = _copy_example(tmp_path / "example")
    env = _env()

    def npm_run(script: str) -> subprocess.CompletedProcess:
        return subprocess.run([npm, "run", "--silent", script], cwd=project, env=env,
                              capture_output=True, text=True, timeout=300)

    clean = npm_run("db:docs:check")
    assert clean.returncode == 0, clean.stdout + clean.stderr
    _break_model(project)
    stale = npm_run("db:docs:check")
    assert stale.returncode != 0
    assert f"{PAGES}/tasks.md" in stale.stdout and "page-stale" in stale.stdout
    regen = npm_run("db:docs")
    assert regen.returncode == 0, regen.stdout + regen.stderr
    assert npm_run("db:docs:check").returncode == 0


def _git(cwd: Path, *args: str) -> None:
    subprocess.run(["git", "-c", "user.email=test@example.com", "-c", "user.name=test",
                    "-c", "commit.gpgsign=false", *args], cwd=cwd, check=True, capture_output=True, timeout=60)


def test_pre_commit_try_repo(tmp_path):
    pre_commit = _need("pre-commit")
    _need("git")
    hooks = (REPO / ".pre-commit-hooks.yaml").read_text()
    assert "- id: drizzle-doc-check" in hooks
    project = _copy_example(tmp_path / "repo")
    _git(project, "init", "-q")
    _git(project, "add", "-A")
    _git(project, "commit", "-q", "-m", "init")
    env = _env()
    env["PRE_COMMIT_HOME"] = str(tmp_path / "pre-commit-home")

    def try_repo() -> subprocess.CompletedProcess:
        return subprocess.run([pre_commit, "try-repo", str(REPO), "drizzle-doc-check", "--all-files"],
                              cwd=project, env=env, capture_output=True, text=True, timeout=600)

    clean = try_repo()
    assert clean.returncode == 0, clean.stdout + clean.stderr
    assert "drizzle-doc check" in clean.stdout and "Passed" in clean.stdout
    _break_model(project)
    _git(project, "add", "-A")
    stale = try_repo()
    assert stale.returncode == 1, stale.stdout + stale.stderr
    assert "Failed" in stale.stdout and "page-stale" in stale.stdout
