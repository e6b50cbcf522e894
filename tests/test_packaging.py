"""The wheel ships its tree-sitter queries and jinja templates, and works from any folder."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import sysconfig
import venv
import zipfile
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def wheel(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("wheel")
    proc = subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w", str(out), str(REPO)],
        capture_output=True, text=True, timeout=600,
    )
    if proc.returncode != 0:
        if os.environ.get("CI"):
            pytest.fail(f"building the wheel failed:\n{proc.stderr}")
        pytest.skip(f"cannot build a wheel here: {proc.stderr.strip().splitlines()[-1:]}")
    (whl,) = out.glob("drizzle_doc-*.whl")
    return whl


def test_wheel_contains_queries_and_templates(wheel):
    names = set(zipfile.ZipFile(wheel).namelist())
    for scm in (REPO / "grammars").glob("*.scm"):
        assert f"drizzle_doc/grammars/{scm.name}" in names
    for tpl in (REPO / "templates").glob("*.j2"):
        assert f"drizzle_doc/templates/{tpl.name}" in names


def test_installed_wheel_runs_from_another_folder(wheel, tmp_path):
    env_dir = tmp_path / "venv"
    # dependencies come from this environment; the package itself only from the wheel
    venv.EnvBuilder(with_pip=False).create(env_dir)
    py = env_dir / "bin" / "python"
    # this environment's site-packages (a venv or not) go on the new one's path, after its own
    site = subprocess.run([str(py), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
                          capture_output=True, text=True, check=True).stdout.strip()
    ours = {sysconfig.get_paths()["purelib"], sysconfig.get_paths()["platlib"]}
    Path(site, "_test_deps.pth").write_text("".join(f"{p}\n" for p in sorted(ours)))
    subprocess.run([sys.executable, "-m", "pip", "--python", str(py), "install", "--no-deps", "-q", str(wheel)]
                   if _pip_has_python_flag() else [str(py), "-m", "pip", "install", "--no-deps", "-q", str(wheel)],
                   check=True, capture_output=True, timeout=300)
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
    where = subprocess.run([str(py), "-c", "import drizzle_doc, sys; print(drizzle_doc.__file__)"],
                           cwd=elsewhere, capture_output=True, text=True, env=env, check=True)
    assert str(env_dir) in where.stdout, "the wheel's copy must be the one imported"
    proc = subprocess.run([str(env_dir / "bin" / "drizzle-doc"), "inspect", "--root", str(REPO / "fixtures" / "example")],
                          cwd=elsewhere, capture_output=True, text=True, env=env, timeout=120)
    assert proc.returncode == 0, proc.stderr
    assert {t["name"] for t in json.loads(proc.stdout)["tables"]} >= {"users", "sessions"}
    out = tmp_path / "docs"
    proc = subprocess.run([str(env_dir / "bin" / "drizzle-doc"), "generate", "--root", str(REPO / "fixtures" / "example"),
                           "--out", str(out)], cwd=elsewhere, capture_output=True, text=True, env=env, timeout=120)
    assert proc.returncode == 0, proc.stderr
    assert (out / "users.md").is_file() and (out / "README.md").is_file()
    site = tmp_path / "site"  # the site's assets (dagre, er.js, the stylesheet) ship in the wheel
    proc = subprocess.run([str(env_dir / "bin" / "drizzle-doc"), "site", "--root", str(REPO / "fixtures" / "example"),
                           "--out", str(site)], cwd=elsewhere, capture_output=True, text=True, env=env, timeout=120)
    assert proc.returncode == 0, proc.stderr
    assert (site / "assets" / "dagre.min.js").stat().st_size > 10_000 and (site / "users.html").is_file()


def _pip_has_python_flag() -> bool:
    proc = subprocess.run([sys.executable, "-m", "pip", "--version"], capture_output=True, text=True)
    try:
        major = int(proc.stdout.split()[1].split(".")[0])
    except (IndexError, ValueError):
        return False
    return major >= 22
