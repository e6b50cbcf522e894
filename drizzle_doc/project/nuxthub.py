"""A NuxtHub project (``@nuxthub/core``): the drizzle config NuxtHub writes itself, found again.

A NuxtHub app has no ``drizzle.config.*`` of its own.  NuxtHub v0.10 (``hub: { db: "sqlite" }``,
or ``hub.db.dialect``) writes ``.nuxt/hub/db/drizzle.config.ts`` at ``nuxt prepare`` and runs
drizzle-kit with it (``nuxt db generate``): ``dialect`` is ``hub.db``'s, ``casing``
``hub.db.casing``, ``out`` ``server/db/migrations/<dialect>`` and ``schema`` a barrel
(``.nuxt/hub/db/schema.mjs``) that re-exports, in each layer (the app and ``layers/*``), the
files ``server/db/schema.ts``, ``server/db/schema.<dialect>.ts`` and ``server/db/schema/*.ts``,
leaving out any named for another dialect (``*.postgresql.ts``).  Before v0.10
(``hub: { database: true }``, Cloudflare D1, so SQLite) the schema was ``server/database/
schema.ts`` and drizzle-kit wrote ``server/database/migrations``.  A checkout holds no
``.nuxt`` folder (it is generated), so drizzle-doc reads those same sources.

The nuxt config is read statically like a drizzle config (``defineNuxtConfig(x)`` is ``x``);
only ``hub`` is looked at.  Nothing is run.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Optional

NUXT_CONFIGS = tuple(f"nuxt.config.{ext}" for ext in ("ts", "mts", "js", "mjs"))
#: the dialects ``hub.db`` names (NuxtHub's spelling is drizzle-kit's)
HUB_DIALECTS = ("sqlite", "postgresql", "mysql")
MAX_FOLDERS = 5000


@dataclass(frozen=True, slots=True)
class NuxtHub:
    """A Nuxt app whose nuxt config turns NuxtHub's database on."""

    root: Path  # the Nuxt root (the nuxt config's folder), where NuxtHub runs drizzle-kit
    config: Path  # nuxt.config.*
    legacy: bool  # `hub.database` (before v0.10): server/database/
    dialect: Optional[str]  # `hub.db`'s dialect; None: not static (or before v0.10, where it is D1's)
    casing: Optional[str] = None  # `hub.db.casing`

    def layers(self) -> list[Path]:
        """The server folders NuxtHub scans, the app's first: ``server/`` and ``layers/*/server/``."""
        out = [self.root / "server"]
        layers = self.root / "layers"
        if layers.is_dir():
            out += sorted(p / "server" for p in layers.iterdir() if (p / "server").is_dir())
        return out

    def schema_files(self, dialect: Optional[str]) -> list[str]:
        """The schema files NuxtHub's barrel re-exports for ``dialect`` (None: only the files
        named for no dialect), relative to the root, in its order."""
        rel = self.rel
        if self.legacy:
            return [rel(p) for p in (s / "database" / "schema.ts" for s in self.layers()) if p.is_file()]
        out: list[str] = []
        for server in self.layers():
            db = server / "db"
            found = [db / "schema.ts"] + ([db / f"schema.{dialect}.ts"] if dialect else [])
            folder = db / "schema"
            if folder.is_dir():
                found += sorted(p for p in folder.glob("*.ts") if not p.name.endswith(".d.ts"))
            for p in found:
                named = file_dialect(p.name)
                if p.is_file() and (named is None or named == dialect):
                    out.append(rel(p))
        return list(dict.fromkeys(out))

    def default_schema(self) -> str:
        """The schema path named when no schema file is there yet."""
        return "server/database/schema.ts" if self.legacy else "server/db/schema.ts"

    def migrations(self, dialect: str) -> str:
        """The folder drizzle-kit writes with NuxtHub's config (relative to the root)."""
        return "server/database/migrations" if self.legacy else f"server/db/migrations/{dialect}"

    def rel(self, path: Path) -> str:
        return Path(os.path.relpath(path, self.root)).as_posix()


def file_dialect(name: str) -> Optional[str]:
    """The dialect a schema file is named for (``users.postgresql.ts``: postgresql), or None."""
    stem = name.rsplit(".", 1)[0]
    suffix = stem.rsplit(".", 1)[-1] if "." in stem else None
    return suffix if suffix in HUB_DIALECTS else None


def nuxt_configs(root: Path) -> list[Path]:
    """The nuxt configs at ``root`` or below (outside node_modules and dot folders; not inside
    another Nuxt app, whose layers those are), sorted."""
    from drizzle_doc.project.config import SKIP_DIRS

    found: list[Path] = []
    folders = 0
    for dirpath, dirnames, filenames in os.walk(root, followlinks=False):
        folders += 1
        if folders > MAX_FOLDERS:
            break
        config = next((n for n in NUXT_CONFIGS if n in filenames), None)
        if config is not None:
            found.append(Path(dirpath) / config)
            dirnames[:] = []
            continue
        dirnames[:] = sorted(d for d in dirnames if d not in SKIP_DIRS and not d.startswith("."))
    return sorted(found, key=lambda p: p.as_posix())


def read_hub(config: Path) -> Optional[NuxtHub]:
    """The NuxtHub database a nuxt config turns on, or None (no `hub.db`/`hub.database`, or a
    config that cannot be read statically)."""
    from drizzle_doc.drizzle.extract import evaluate_config
    from drizzle_doc.ts.values import Unknown

    try:
        value, _diags = evaluate_config(config, config.parent, identity_calls=("defineNuxtConfig",))
    except RecursionError:
        return None
    hub = value.get("hub") if isinstance(value, dict) else None
    if not isinstance(hub, dict):
        return None
    db: Any = hub.get("db")
    root = config.parent.resolve()
    if db is not None and db is not False:
        if isinstance(db, str):
            return NuxtHub(root, config, False, db if db in HUB_DIALECTS else None)
        if isinstance(db, dict):
            dialect = db.get("dialect")
            casing = db.get("casing")
            return NuxtHub(root, config, False, dialect if dialect in HUB_DIALECTS else None,
                           casing if isinstance(casing, str) else None)
        if isinstance(db, Unknown):  # `db: process.env.DB_DIALECT`: on, dialect from the schema
            return NuxtHub(root, config, False, None)
        return None
    if hub.get("database") is True:
        return NuxtHub(root, config, True, None)
    return None
