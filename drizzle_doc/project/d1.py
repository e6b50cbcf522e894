"""Cloudflare D1: whether something other than drizzle-kit applies a migrations folder's flat SQL.

D1 databases are migrated by wrangler (``wrangler d1 migrations apply``, or a tool built on the
same folder such as alchemy's ``migrationsDir``), which runs the ``*.sql`` files directly in its
migrations folder in file-name order, where drizzle-kit 1.0 reads only
``<timestamp>_<name>/migration.sql``.  So the ``NNNN_name.sql`` files beside drizzle-kit 1.0's
folders of a D1 project are migrations of the project (hand-written ones, or flat copies of the
folders made for wrangler), not strays.  :func:`flat_sql_runner` says who runs them:

- a wrangler config (``wrangler.toml``, ``wrangler.json``, ``wrangler.jsonc``) in the migrations
  folder's parent or above it (up to the repository boundary) with a ``d1_databases`` entry (top
  level or under ``env.<name>``) whose ``migrations_dir`` (wrangler's default: ``migrations``),
  read from the config's own folder, is that folder;
- else the drizzle config's ``driver: "d1-http"`` (a D1 database, whose flat migrations wrangler
  runs).
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any, Iterator, Optional

WRANGLER_CONFIGS = ("wrangler.toml", "wrangler.json", "wrangler.jsonc")
WRANGLER_DEFAULT_DIR = "migrations"
_MAX = 1024 * 1024  # a wrangler config larger than this is not read


def _read(path: Path) -> Any:
    """The wrangler config's data, or None when it cannot be read."""
    try:
        if path.stat().st_size > _MAX:
            return None
        text = path.read_text(encoding="utf-8")
        if path.suffix == ".toml":
            try:
                import tomllib
            except ImportError:  # Python 3.10
                import tomli as tomllib
            return tomllib.loads(text)
        from drizzle_doc.ts.resolve import strip_jsonc

        return json.loads(strip_jsonc(text))
    except (OSError, ValueError, UnicodeDecodeError, RecursionError):  # TOMLDecodeError is a ValueError
        return None


def _d1_folders(data: Any) -> Iterator[str]:
    """Every ``migrations_dir`` of the config's D1 databases (wrangler's default where unset)."""
    if not isinstance(data, dict):
        return
    scopes = [data]
    envs = data.get("env")
    if isinstance(envs, dict):
        scopes += [e for e in envs.values() if isinstance(e, dict)]
    for scope in scopes:
        databases = scope.get("d1_databases")
        for db in databases if isinstance(databases, list) else ():
            if isinstance(db, dict):
                folder = db.get("migrations_dir", WRANGLER_DEFAULT_DIR)
                if isinstance(folder, str) and folder:
                    yield folder


def _same(a: Path, b: Path) -> bool:
    try:
        return os.path.samefile(a, b)
    except OSError:
        return False


def looked_at(folder: Path, boundary: Path) -> list[Path]:
    """Every path :func:`wrangler_config_for` may look at for ``folder`` (the wrangler configs
    there may be, nearest first): what a kept history depends on besides the folder itself."""
    folder = Path(folder).resolve()
    boundary = Path(boundary).resolve()
    start = folder.parent
    if start != boundary and boundary not in start.parents:
        return []
    out = []
    for here in (start, *start.parents):
        out += [here / name for name in WRANGLER_CONFIGS]
        if here == boundary:
            break
    return out


def wrangler_config_for(folder: Path, boundary: Path) -> Optional[Path]:
    """The wrangler config whose D1 migrations folder is ``folder``, looked for from ``folder``'s
    parent up to ``boundary``; None when none is."""
    folder = folder.resolve()
    for path in looked_at(folder, boundary):
        if path.is_file() and any(_same(path.parent / d, folder) for d in _d1_folders(_read(path))):
            return path
    return None


def flat_sql_runner(project, folder: Path) -> Optional[str]:
    """Why the flat ``*.sql`` files of the migrations folder ``folder`` are D1 migrations that
    wrangler applies, for a reader ("wrangler.jsonc migrates its D1 database from this folder");
    None when nothing says so."""
    boundary = Path(project.boundary or project.root)
    config = wrangler_config_for(folder, boundary)
    if config is not None:
        return f"{project.shown(project.rel(config))} migrates its D1 database from this folder"
    if project.driver == "d1-http":
        return 'the drizzle config\'s driver is "d1-http"'
    return None
