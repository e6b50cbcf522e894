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

Two drizzle-kit generations are pinned side by side (npm aliases in package.json):
``kit="0"`` runs drizzle-kit 0.31 + drizzle-orm 0.45, ``kit="1"`` drizzle-kit 1.0 +
drizzle-orm 1.0 (``drizzle-kit-1``/``drizzle-orm-1``).  For generation 1 the copy gets its
own ``node_modules`` of links in which ``drizzle-kit``/``drizzle-orm`` are the 1.0 packages,
and node runs with ``--preserve-symlinks`` so drizzle-kit and the schema share that
drizzle-orm.  drizzle-orm 1.0 moved ``relations`` to ``drizzle-orm/_relations``: the copy's
imports are rewritten to it (what a user upgrading does; relations never reach a snapshot),
and the skip marker applies to generation 0 only.  A fixture whose ``.oracle-kit`` file says
``1`` is a 1.0-only project (drizzle-orm 0.x cannot load it: ``snakeCase.table``, a creator's
casing, ``defineRelations``): kit1, mysql-kit1, sqlite-kit1.
"""

from __future__ import annotations

import json
import os
import re
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
#: generation -> (the drizzle-kit package folder, the drizzle-orm package folder) in NODE_MODULES
GENERATIONS = {"0": ("drizzle-kit", "drizzle-orm"), "1": ("drizzle-kit-1", "drizzle-orm-1")}
KIT_ONLY_FILE = ".oracle-kit"

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


def oracle_available(kit: str = "0") -> Optional[str]:
    """None when node + the pinned drizzle-kit of generation ``kit`` can run, else the reason."""
    if shutil.which("node") is None:
        return "node is not on PATH"
    bin_ = NODE_MODULES / GENERATIONS[kit][0] / "bin.cjs"
    if not bin_.exists():
        return f"{bin_.relative_to(REPO)} is missing (run: npm ci --prefix tests/oracle)"
    return None


def generations_of(fixture: "FixtureProject") -> tuple[str, ...]:
    """The drizzle-kit generations a fixture is valid under: both, or the one its
    ``.oracle-kit`` file names (a 1.0-only schema: ``snakeCase.table``, ``defineRelations``)."""
    only = fixture.path / KIT_ONLY_FILE
    if only.is_file():
        return (only.read_text(encoding="utf-8").strip(),)
    return tuple(GENERATIONS)


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


def noconfig_schema_files(project: Path, kit: str = "0") -> list[str]:
    models = project / NOCONFIG_MODELS
    return [
        f"./{p.relative_to(project).as_posix()}"
        for p in sorted(models.glob("*.ts"))
        if kit != "0" or not _is_skipped(p)
    ]


_ORM_IMPORT = re.compile(r'import\s*\{([^}]*)\}\s*from\s*"drizzle-orm";')


def _relations_to_1(text: str) -> str:
    """drizzle-orm 1.0: ``relations`` is imported from ``drizzle-orm/_relations``."""
    def fix(m: "re.Match") -> str:
        names = [n.strip() for n in m.group(1).split(",") if n.strip()]
        if "relations" not in names:
            return m.group(0)
        rest = [n for n in names if n != "relations"]
        out = 'import { relations } from "drizzle-orm/_relations";'
        return (f'import {{ {", ".join(rest)} }} from "drizzle-orm";\n' + out) if rest else out
    return _ORM_IMPORT.sub(fix, text)


def _link_node_modules(dest: Path, kit: str) -> None:
    if kit == "0":
        (dest / "node_modules").symlink_to(NODE_MODULES, target_is_directory=True)
        return
    nm = dest / "node_modules"
    nm.mkdir()
    kit_pkg, orm_pkg = GENERATIONS[kit]
    skip = {n for pair in GENERATIONS.values() for n in pair}
    for entry in NODE_MODULES.iterdir():
        if entry.name not in skip:
            (nm / entry.name).symlink_to(entry, target_is_directory=entry.is_dir())
    (nm / "drizzle-kit").symlink_to(NODE_MODULES / kit_pkg, target_is_directory=True)
    (nm / "drizzle-orm").symlink_to(NODE_MODULES / orm_pkg, target_is_directory=True)


def copy_project(fixture: FixtureProject, dest: Path, kit: str = "0") -> str:
    """Copy the project into ``dest`` (which must not exist), link node_modules for drizzle-kit
    generation ``kit``, and return the config file name to pass to ``drizzle-kit --config``."""
    shutil.copytree(fixture.path, dest, ignore=shutil.ignore_patterns(*IGNORED_DIRS))
    _link_node_modules(dest, kit)
    if kit != "0":
        for ts in dest.rglob("*.ts"):
            if "node_modules" in ts.parts:
                continue
            text = ts.read_text(encoding="utf-8")
            new = _relations_to_1(text)
            if new != text:
                ts.write_text(new, encoding="utf-8")
    if fixture.config is not None:
        if kit != "0" and fixture.config.endswith(".json"):  # drizzle-kit 1.0 reads no JSON config
            data = (dest / fixture.config).read_text(encoding="utf-8")
            (dest / SYNTH_CONFIG).write_text(f"export default {data.strip()};\n", encoding="utf-8")
            return SYNTH_CONFIG
        return fixture.config
    schema = noconfig_schema_files(fixture.path, kit)
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
    """Migrations folders below ``root``: drizzle-kit 0.x's (``meta/_journal.json``) and 1.0's
    (``<timestamp>_<name>/snapshot.json`` subfolders)."""
    found = set()
    for d in _walk_dirs(root):
        if d.name == "meta" and (d / "_journal.json").is_file():
            found.add(d.parent)
        elif (d / "snapshot.json").is_file() and (d / "migration.sql").is_file():
            found.add(d.parent)
    return sorted(found)


def run_generate(workdir: Path, config: str, *, name: Optional[str] = None, timeout: int = 180,
                 kit: str = "0") -> str:
    """``drizzle-kit generate`` (generation ``kit``) in ``workdir``; returns its output, raises OracleError."""
    if kit == "0":
        cmd = [str(DRIZZLE_KIT), "generate", "--config", config]
    else:
        cmd = ["node", "--preserve-symlinks", "--preserve-symlinks-main", "node_modules/drizzle-kit/bin.cjs",
               "generate", "--config", config]
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
    """The snapshot of the journal's last entry (1.0: of the newest migration folder)."""
    if not (migrations / "meta" / "_journal.json").is_file():
        folders = sorted(d for d in migrations.iterdir() if (d / "snapshot.json").is_file())
        if not folders:
            raise OracleError(f"{migrations}: no migration folders")
        return json.loads((folders[-1] / "snapshot.json").read_text(encoding="utf-8"))
    journal = json.loads((migrations / "meta" / "_journal.json").read_text(encoding="utf-8"))
    entries = journal.get("entries") or []
    if not entries:
        raise OracleError(f"{migrations}: empty journal")
    idx = entries[-1]["idx"]
    return json.loads((migrations / "meta" / f"{idx:04d}_snapshot.json").read_text(encoding="utf-8"))


def fresh_snapshot(fixture: FixtureProject, tmp: Path, kit: str = "0") -> dict:
    """Copy the project to ``tmp``, drop its committed migrations, run drizzle-kit (generation
    ``kit``) generate, and return the snapshot that describes the current models."""
    work = tmp / "project"
    config = copy_project(fixture, work, kit)
    for d in find_migration_dirs(work):
        shutil.rmtree(d)
    run_generate(work, config, name="oracle", kit=kit)
    dirs = find_migration_dirs(work)
    if len(dirs) != 1:
        raise OracleError(f"expected one migrations folder after generate, found {dirs}")
    return latest_snapshot(dirs[0])
