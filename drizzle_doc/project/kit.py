"""Which drizzle-kit generation a project is on: ``"0"`` (0.x) or ``"1"`` (1.0).

The generation decides the names kit gives constraints, the casing it applies and how it spells
checks and defaults (see the dialect's ``KitNaming``), and how its migrations folder looks.  It is
taken, first found wins, from:

1. ``kit = "0" | "1"`` in drizzle-doc.toml (or package.json's ``"drizzle-doc"``): an override;
2. the installed ``node_modules/drizzle-kit/package.json`` (and drizzle-orm's), the nearest
   ``node_modules`` from the project root up to the repository boundary;
3. the ``drizzle-kit`` (else ``drizzle-orm``) range in the nearest package.json, then in the
   workspace root's (the boundary's); a ``catalog:`` range is the workspace catalog's version;
4. the newest snapshot in the migrations folder (kit 1.0's ``ddl`` list: PostgreSQL's version 8
   and up, MySQL's 6, SQLite's 7);
5. else 0.x.

A project whose drizzle-kit and drizzle-orm generations disagree gets a warning: kit 1.0 needs
drizzle-orm 1.0 (its peer dependency), and kit 0.x cannot read drizzle-orm 1.0's schema.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any, Optional

from drizzle_doc.limits import json_max
from drizzle_doc.model import WARNING, Diagnostic

GENERATIONS = ("0", "1")
_MAJOR = re.compile(r"(\d+)\.")
_SNAPSHOT_VERSION = re.compile(rb'"version"\s*:\s*"(\d+)"')
_SNAPSHOT_DIALECT = re.compile(rb'"dialect"\s*:\s*"(\w+)"')
#: the first snapshot version of kit 1.0 (a ``ddl`` list) per dialect; 8 for one not named
_DDL_FROM = {b"postgresql": 8, b"mysql": 6, b"sqlite": 7, b"turso": 7}
_PKG_MAX = 5 * 1024 * 1024


def generation_of(version: Any) -> Optional[str]:
    """``"1"`` for a 1.x version or range (``1.0.0-rc.5``, ``^1.0.0-beta.2``, ``npm:drizzle-kit@1.0.0``),
    ``"0"`` for 0.x, None when the text names no version (``latest``, ``workspace:*``)."""
    if not isinstance(version, str):
        return None
    text = version.rsplit("@", 1)[-1] if version.startswith("npm:") else version
    m = _MAJOR.search(text)
    if m is None:
        return None
    return "0" if int(m.group(1)) == 0 else "1"


def _read_json(path: Path) -> Any:
    try:
        if not path.is_file() or path.stat().st_size > _PKG_MAX:
            return None
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError, UnicodeDecodeError, RecursionError):
        return None


def _folders_up(start: Path, boundary: Path):
    """``start`` and its parents up to ``boundary`` (included); only ``start`` when outside it."""
    start = start.resolve()
    boundary = boundary.resolve()
    yield start
    if boundary != start and boundary not in start.parents:
        return
    for parent in start.parents:
        yield parent
        if parent == boundary:
            return


def _installed(folders) -> tuple[Optional[str], Optional[str], Optional[Path]]:
    """(kit generation, orm generation, where) from the nearest node_modules holding drizzle-kit or drizzle-orm."""
    for folder in folders:
        nm = folder / "node_modules"
        kit = _read_json(nm / "drizzle-kit" / "package.json")
        orm = _read_json(nm / "drizzle-orm" / "package.json")
        kg = generation_of(kit.get("version")) if isinstance(kit, dict) else None
        og = generation_of(orm.get("version")) if isinstance(orm, dict) else None
        if kg or og:
            return kg, og, nm / ("drizzle-kit" if kg else "drizzle-orm") / "package.json"
    return None, None, None


def _declared(package: Path) -> tuple[Optional[str], Optional[str]]:
    data = _read_json(package)
    if not isinstance(data, dict):
        return None, None
    found: dict[str, Optional[str]] = {"drizzle-kit": None, "drizzle-orm": None}
    for group in ("dependencies", "devDependencies", "peerDependencies", "optionalDependencies"):
        deps = data.get(group)
        if isinstance(deps, dict):
            for name in found:
                if found[name] is None:
                    version = deps.get(name)
                    if isinstance(version, str) and version.startswith("catalog:"):
                        version = catalog_version(package.parent, name, version[len("catalog:"):].strip())
                    found[name] = generation_of(version)
    return found["drizzle-kit"], found["drizzle-orm"]


def catalog_version(folder: Path, name: str, catalog: str = "") -> Optional[str]:
    """The version a ``catalog:`` (``catalog:NAME``) dependency on ``name`` stands for: the
    catalogs of the workspace ``folder`` belongs to, pnpm's (``pnpm-workspace.yaml``'s ``catalog``
    and ``catalogs``) or bun's (package.json's ``catalog``/``catalogs``, top level or under
    ``workspaces``); None when no catalog names it."""
    from drizzle_doc.ts.resolve import Resolver

    resolver = Resolver(folder)
    root = resolver.workspace_root(folder)
    if root is None:
        return None
    sources = []
    yaml_file = root / "pnpm-workspace.yaml"
    if yaml_file.is_file():
        from drizzle_doc.ts.resolve import read_yaml

        sources.append(read_yaml(yaml_file))
    data = _read_json(root / "package.json")
    if isinstance(data, dict):
        sources.append(data)
        if isinstance(data.get("workspaces"), dict):
            sources.append(data["workspaces"])
    for source in sources:
        if not isinstance(source, dict):
            continue
        if catalog in ("", "default"):
            table = source.get("catalog")
            if not isinstance(table, dict):
                named = source.get("catalogs")
                table = named.get("default") if isinstance(named, dict) else None
        else:
            named = source.get("catalogs")
            table = named.get(catalog) if isinstance(named, dict) else None
        if isinstance(table, dict) and isinstance(table.get(name), str):
            return table[name]
    return None


def _newest_snapshot(root: Path, migrations: Optional[str]) -> Optional[Path]:
    from drizzle_doc.project import DEFAULT_MIGRATION_DIRS

    for rel in ([migrations] if migrations else list(DEFAULT_MIGRATION_DIRS)):
        folder = root / rel
        try:
            if not folder.is_dir():
                continue
            snaps = sorted(folder.glob("*/snapshot.json")) or sorted(folder.glob("meta/*_snapshot.json"))
        except OSError:
            continue
        if snaps:
            return snaps[-1]
    return None


def config_casing_evidence(project) -> Optional[bool]:
    """Whether the project's own kit applied the config's ``casing`` (a 1.0 beta did; 1.0 RC does
    not), as its newest 1.0 snapshot shows; None where it cannot show it (no such snapshot, no
    config casing, no columns).  Casing only renames columns named by their TypeScript key, so a
    snapshot with a camelCase column name proves ``snake_case`` was not applied, and one without
    any proves nothing against it (``camelCase``: the same with ``_``)."""
    if project.kit != "1" or project.casing not in ("snake_case", "camelCase"):
        return None
    path = _newest_snapshot(Path(project.root), project.migrations)
    if path is None:
        return None
    try:
        if path.stat().st_size > json_max(project.settings):
            return None
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError, UnicodeDecodeError, RecursionError):
        return None
    ddl = data.get("ddl") if isinstance(data, dict) else None
    if not isinstance(ddl, list):
        return None
    names = [e["name"] for e in ddl if isinstance(e, dict) and e.get("entityType") == "columns"
             and isinstance(e.get("name"), str)]
    if not names:
        return None
    if project.casing == "snake_case":
        return not any(c.isupper() for n in names for c in n)
    return not any("_" in n for n in names)


def _snapshot_generation(root: Path, migrations: Optional[str]) -> Optional[str]:
    """From the newest snapshot's ``version`` and ``dialect``: kit 1.0's ``ddl`` list is PostgreSQL's
    version 8 and up, MySQL's 6, SQLite's 7."""
    from drizzle_doc.project import DEFAULT_MIGRATION_DIRS

    for rel in ([migrations] if migrations else list(DEFAULT_MIGRATION_DIRS)):
        folder = root / rel
        try:
            if not folder.is_dir():  # a name too long, a loop: no folder
                continue
            snaps = sorted(p for p in folder.glob("*/snapshot.json"))
            if not snaps:
                snaps = sorted(folder.glob("meta/*_snapshot.json"))
        except OSError:
            continue
        if not snaps:
            continue
        try:
            with open(snaps[-1], "rb") as fh:
                head = fh.read(4096)
        except OSError:
            continue
        m = _SNAPSHOT_VERSION.search(head)
        if m:
            d = _SNAPSHOT_DIALECT.search(head)
            return "1" if int(m.group(1)) >= _DDL_FROM.get(d.group(1) if d else b"", 8) else "0"
    return None


def detect_kit(project) -> tuple[str, str, tuple[Diagnostic, ...]]:
    """(generation, what decided it, diagnostics) for a loaded project (settings applied)."""
    root = Path(project.root)
    boundary = Path(project.boundary or project.root)
    override = project.settings.kit if project.settings is not None else None
    diags: list[Diagnostic] = []
    folders = list(_folders_up(root, boundary))
    kit, orm, where = _installed(folders)
    source = _rel(where, root) if where is not None else None
    if kit is None and orm is None:
        for package in [root / "package.json", boundary / "package.json"]:
            kit, orm = _declared(package)
            if kit or orm:
                source = _rel(package, root)
                break
    if kit and orm and kit != orm:
        diags.append(Diagnostic(
            WARNING, source, None,
            f"drizzle-kit is {'1.0' if kit == '1' else '0.x'} but drizzle-orm is {'1.0' if orm == '1' else '0.x'}: "
            f"drizzle-kit 1.0 needs drizzle-orm 1.0 and 0.x cannot read a 1.0 schema; documenting as drizzle-kit "
            f"{'1.0' if kit == '1' else '0.x'} (set `kit` in drizzle-doc.toml to choose)", None, "kit-mismatch"))
    if isinstance(override, str) and override in GENERATIONS:
        return override, "drizzle-doc.toml", tuple(diags)
    if kit or orm:
        return (kit or orm), (source or "package.json"), tuple(diags)
    snap = _snapshot_generation(root, project.migrations)
    if snap:
        return snap, "snapshot", tuple(diags)
    return "0", "default", tuple(diags)


def _rel(path: Path, root: Path) -> str:
    try:
        return path.resolve().relative_to(root.resolve()).as_posix()
    except ValueError:
        return path.as_posix()
