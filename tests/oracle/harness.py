"""Run the pinned drizzle-kit on a fixture project, in a throw-away copy.

Shared by ``tests/test_oracle.py`` (the differential test) and
``tests/oracle/regen-fixture-migrations.py`` (rebuilds committed migrations).
Node and drizzle-kit are a test-time oracle only: nothing in ``drizzle_doc``
imports this.

A fixture project is a folder with one ``drizzle.config.*``, or a folder in the
no-config layout (``server/src/models/*.ts``, migrations in
``drizzle/migrations``), for which a config is synthesised in the copy.  Schema
files whose first lines carry :data:`SKIP_MARKER` are left out of that
synthesised config (used for ``defineRelations``, which the pinned drizzle-orm
does not have: importing it would crash drizzle-kit).
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path
from typing import Optional

ORACLE_DIR = Path(__file__).resolve().parent
REPO = ORACLE_DIR.parent.parent
FIXTURES = REPO / "fixtures"
NODE_MODULES = ORACLE_DIR / "node_modules"
DRIZZLE_KIT = NODE_MODULES / ".bin" / "drizzle-kit"

CONFIG_NAMES = tuple(
    f"drizzle.config.{ext}" for ext in ("ts", "mts", "js", "mjs", "cjs", "json")
)
SKIP_MARKER = "drizzle-doc-oracle: skip"
SYNTH_CONFIG = "drizzle.config.oracle.ts"
NOCONFIG_MODELS = "server/src/models"
NOCONFIG_OUT = "drizzle/migrations"
IGNORED_DIRS = {"node_modules", ".git", "__pycache__"}


class OracleError(RuntimeError):
    """drizzle-kit failed, or the project is not something it can run on."""


@dataclass(frozen=True)
class FixtureProject:
    """One project under fixtures/: its folder and its config (None: no-config layout)."""

    path: Path
    config: Optional[str]

    @property
    def id(self) -> str:
        return self.path.relative_to(FIXTURES).as_posix()


def oracle_available() -> Optional[str]:
    """None when node + the pinned drizzle-kit can run, else the reason they cannot."""
    if shutil.which("node") is None:
        return "node is not on PATH"
    if not DRIZZLE_KIT.exists():
        return f"{DRIZZLE_KIT.relative_to(REPO)} is missing (run: npm ci --prefix tests/oracle)"
    return None


def _walk_dirs(root: Path):
    for dirpath, dirnames, _ in os.walk(root):
        dirnames[:] = sorted(d for d in dirnames if d not in IGNORED_DIRS)
        yield Path(dirpath)


def discover(fixtures: Path = FIXTURES) -> list[FixtureProject]:
    """Every fixture project: each folder holding a drizzle.config.*, and each top-level
    fixture in the no-config layout.  Sorted, deterministic."""
    found: list[FixtureProject] = []
    for d in _walk_dirs(fixtures):
        configs = [n for n in CONFIG_NAMES if (d / n).is_file()]
        if configs:
            found.append(FixtureProject(d, configs[0]))
    for d in sorted(p for p in fixtures.iterdir() if p.is_dir()):
        if (d / NOCONFIG_MODELS).is_dir() and not any(
            f.path == d or d in f.path.parents for f in found
        ):
            found.append(FixtureProject(d, None))
    return sorted(found, key=lambda f: f.id)


def _is_skipped(path: Path) -> bool:
    head = path.read_text(encoding="utf-8", errors="replace")[:400]
    return SKIP_MARKER in head


def noconfig_schema_files(project: Path) -> list[str]:
    models = project / NOCONFIG_MODELS
    return [
        f"./{p.relative_to(project).as_posix()}"
        for p in sorted(models.glob("*.ts"))
        if not _is_skipped(p)
    ]


def copy_project(fixture: FixtureProject, dest: Path) -> str:
    """Copy the project into ``dest`` (which must not exist), link node_modules, and
    return the config file name to pass to ``drizzle-kit --config``."""
    shutil.copytree(fixture.path, dest, ignore=shutil.ignore_patterns(*IGNORED_DIRS))
    (dest / "node_modules").symlink_to(NODE_MODULES, target_is_directory=True)
    if fixture.config is not None:
        return fixture.config
    schema = noconfig_schema_files(fixture.path)
    (dest / SYNTH_CONFIG).write_text(
        "// Synthesised by tests/oracle/harness.py for a fixture without a config.\n"
        'import { defineConfig } from "drizzle-kit";\n\n'
        "export default defineConfig({\n"
        '  dialect: "postgresql",\n'
        f"  schema: {json.dumps(schema)},\n"
        f'  out: "./{NOCONFIG_OUT}",\n'
        "});\n",
        encoding="utf-8",
    )
    return SYNTH_CONFIG


def find_migration_dirs(root: Path) -> list[Path]:
    """Folders holding a drizzle-kit ``meta/_journal.json`` below ``root``."""
    return sorted(
        d.parent for d in _walk_dirs(root) if d.name == "meta" and (d / "_journal.json").is_file()
    )


def run_generate(workdir: Path, config: str, *, name: Optional[str] = None, timeout: int = 180) -> str:
    """``drizzle-kit generate`` in ``workdir``; returns its output, raises OracleError."""
    cmd = [str(DRIZZLE_KIT), "generate", "--config", config]
    if name:
        cmd += ["--name", name]
    env = dict(os.environ, NO_COLOR="1", FORCE_COLOR="0")
    try:
        proc = subprocess.run(
            cmd, cwd=workdir, env=env, capture_output=True, text=True, timeout=timeout,
            stdin=subprocess.DEVNULL,
        )
    except subprocess.TimeoutExpired as exc:
        raise OracleError(f"drizzle-kit generate timed out after {timeout}s in {workdir}") from exc
    out = proc.stdout + proc.stderr
    if proc.returncode != 0 or "Error" in out and "Your SQL migration file" not in out:
        raise OracleError(f"drizzle-kit generate failed (exit {proc.returncode}):\n{out}")
    return out


def latest_snapshot(migrations: Path) -> dict:
    """The snapshot of the journal's last entry."""
    journal = json.loads((migrations / "meta" / "_journal.json").read_text(encoding="utf-8"))
    entries = journal.get("entries") or []
    if not entries:
        raise OracleError(f"{migrations}: empty journal")
    idx = entries[-1]["idx"]
    return json.loads((migrations / "meta" / f"{idx:04d}_snapshot.json").read_text(encoding="utf-8"))


def fresh_snapshot(fixture: FixtureProject, tmp: Path) -> dict:
    """Copy the project to ``tmp``, drop its committed migrations, run drizzle-kit
    generate, and return the snapshot that describes the current models."""
    work = tmp / "project"
    config = copy_project(fixture, work)
    for d in find_migration_dirs(work):
        shutil.rmtree(d)
    run_generate(work, config, name="oracle")
    dirs = find_migration_dirs(work)
    if len(dirs) != 1:
        raise OracleError(f"expected one migrations folder after generate, found {dirs}")
    return latest_snapshot(dirs[0])
