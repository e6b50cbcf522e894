"""Stage 1: find the Drizzle project(s): schema globs, migrations folder, out dir, casing.

``drizzle.config.{ts,mts,js,mjs,cjs,json}`` is read statically (never run).
Paths in it resolve from the config's folder, as drizzle-kit does when run
through the package's scripts.  Run at a monorepo root, every config below it
(outside node_modules) is a project of its own.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any, Optional

from drizzle_doc.errors import ConfigError
from drizzle_doc.limits import json_max, too_large
from drizzle_doc.model import ERROR, Diagnostic
from drizzle_doc.project import DEFAULT_OUT, DEFAULT_SCHEMA_GLOBS, Project

CONFIG_NAMES = tuple(f"drizzle.config.{ext}" for ext in ("ts", "mts", "js", "mjs", "cjs", "json"))
SKIP_DIRS = {"node_modules", ".git", ".hg", ".svn", "dist", "build", ".next", ".turbo"}
CASINGS = ("snake_case", "camelCase")


def find_configs(root: Path) -> list[Path]:
    """drizzle.config.* files: the root's own, else every one below it, sorted."""
    for name in CONFIG_NAMES:
        if (root / name).is_file():
            return [root / name]
    found: list[Path] = []
    seen: set = set()
    for dirpath, dirnames, filenames in os.walk(root, followlinks=False):
        real = os.path.realpath(dirpath)
        if real in seen:
            dirnames[:] = []
            continue
        seen.add(real)
        dirnames[:] = sorted(d for d in dirnames if d not in SKIP_DIRS and not d.startswith("."))
        for name in CONFIG_NAMES:
            if name in filenames:
                found.append(Path(dirpath) / name)
                break
    return sorted(found, key=lambda p: p.as_posix())


def _as_list(value: Any) -> Optional[tuple[str, ...]]:
    if value is None:
        return None
    if isinstance(value, str):
        return (value,)
    if isinstance(value, list) and all(isinstance(v, str) for v in value):
        return tuple(value)
    return None


def read_config(path: Path) -> tuple[dict, list[Diagnostic]]:
    """The config's fields as plain data, and any problems reading it."""
    if path.suffix == ".json":
        big = too_large(path, json_max())
        if big:
            raise ConfigError(f"{path}: {big.replace(': skipped', '')}")
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError, UnicodeDecodeError, RecursionError) as exc:
            raise ConfigError(f"{path}: cannot read drizzle config: {exc}") from None
        if not isinstance(data, dict):
            raise ConfigError(f"{path}: drizzle config is not a JSON object")
        return data, []
    from drizzle_doc.drizzle.extract import evaluate_config
    from drizzle_doc.ts.values import Unknown

    value, diags = evaluate_config(path, path.parent)
    diags = [d for d in diags if d.severity == ERROR]
    if not isinstance(value, dict):
        why = value.reason if isinstance(value, Unknown) else "no `export default { … }` found"
        raise ConfigError(f"{path}: cannot read the drizzle config statically ({why})")
    return value, diags


#: drizzle-kit's other names for a dialect (``dialect: "turso"`` is SQLite on libSQL)
DIALECT_ALIASES = {"turso": "sqlite", "pg": "postgresql", "postgres": "postgresql"}
#: ``driver`` values that imply a dialect in configs without one (drizzle-kit before 0.21)
DRIVER_DIALECTS = {
    "better-sqlite": "sqlite", "libsql": "sqlite", "turso": "sqlite", "d1": "sqlite", "d1-http": "sqlite",
    "expo": "sqlite", "durable-sqlite": "sqlite", "bun-sqlite": "sqlite",
    "pg": "postgresql", "pglite": "postgresql", "aws-data-api": "postgresql", "mysql2": "mysql",
}


def config_dialect(dialect: Any, driver: Any, path: Path) -> str:
    """The dialect a drizzle config names (``dialect``, else implied by an old ``driver``),
    as drizzle-doc registers it; a :class:`ConfigError` (exit 2) for one it cannot document."""
    from drizzle_doc.dialects import registered

    from drizzle_doc.project.contain import line_of_literal

    if not isinstance(dialect, str) or not dialect:
        if isinstance(driver, str) and driver not in DRIVER_DIALECTS:
            # drizzle-kit before 0.21 took the dialect from the driver; an unknown one is not a guess
            line = line_of_literal(path, driver)
            raise ConfigError(f"{path}{f':{line}' if line else ''}: driver {driver!r} names no dialect drizzle-doc "
                              f"knows and the config has no `dialect`: drizzle-doc documents "
                              f"{', '.join(registered())} schemas (set `dialect` in the config)")
        dialect = DRIVER_DIALECTS.get(driver, "postgresql") if isinstance(driver, str) else "postgresql"
    name = DIALECT_ALIASES.get(dialect, dialect)
    if name not in registered():
        line = line_of_literal(path, dialect)
        raise ConfigError(f"{path}{f':{line}' if line else ''}: dialect {dialect!r} is not supported: "
                          f"drizzle-doc documents {', '.join(registered())} schemas")
    return name


def _project_from_config(path: Path, overrides: dict, boundary: Optional[Path] = None) -> Project:
    from drizzle_doc.ts.values import Unknown

    root = path.parent.resolve()
    boundary = boundary or root
    data, diags = read_config(path)
    config_rel = path.name
    problems = list(diags)

    def field(name: str) -> Any:
        v = data.get(name)
        if isinstance(v, Unknown):
            problems.append(Diagnostic(ERROR, config_rel, None, f"`{name}` in {path.name} is not static ({v.reason}); using the default", None, "config"))
            return None
        return v

    schema = _as_list(field("schema"))
    if schema is None:
        if data.get("schema") is not None:
            problems.append(Diagnostic(ERROR, config_rel, None, f"`schema` in {path.name} must be a string or an array of strings", None, "config"))
        schema = DEFAULT_SCHEMA_GLOBS
    out = field("out")
    dialect_value = field("dialect")
    # `driver` only names the dialect in configs without one (drizzle-kit before 0.21); beside a
    # `dialect` it picks a connection, which documenting never opens: not read, so a driver chosen
    # at run time (`process.env.X ? undefined : "d1-http"`) is no problem
    driver = field("driver") if not (isinstance(dialect_value, str) and dialect_value) else None
    dialect = config_dialect(dialect_value, driver, path)
    casing = field("casing")
    if casing is not None and casing not in CASINGS:
        problems.append(Diagnostic(ERROR, config_rel, None, f"`casing` must be one of {', '.join(CASINGS)}", None, "config"))
        casing = None
    schema_filter = _as_list(field("schemaFilter")) or ()
    tables_filter = _as_list(field("tablesFilter")) or ()
    _contain_config_paths(path, root, boundary, () if overrides.get("schema") else schema,
                          None if overrides.get("migrations") or not isinstance(out, str) else out)
    return _apply_overrides(
        Project(
            root=root,
            boundary=boundary,
            config_file=config_rel,
            schema=schema,
            migrations=_norm(out) if isinstance(out, str) else "drizzle",
            dialect=dialect,
            casing=casing,
            schema_filter=schema_filter,
            tables_filter=tables_filter,
            diagnostics=tuple(problems),
        ),
        overrides,
    )


def _contain_config_paths(path: Path, root: Path, boundary: Path, schema: tuple[str, ...],
                          out: Optional[str]) -> None:
    """Refuse (exit 2) a schema path or glob, or a migrations ``out``, of a drizzle config that
    leads outside the project root: it is never walked (``/**/*.ts`` would walk the disk)."""
    from drizzle_doc.project.contain import line_of_literal, refuse_outside

    for what, values in (("schema path", schema), ("`out` (migrations folder)", (out,) if out else ())):
        for value in values:
            line = line_of_literal(path, value)
            where = f"{path}:{line}" if line else str(path)
            refuse_outside(value[2:] if value.startswith("./") else value, root, boundary, where, what)


def _norm(p: str) -> str:
    p = p.replace("\\", "/")
    while p.startswith("./"):
        p = p[2:]
    return p.rstrip("/") or "."


def _rel_to(root: Path, value: str) -> str:
    """A CLI path (relative to the current folder) as a path relative to the project root."""
    p = Path(value)
    absolute = p if p.is_absolute() else Path.cwd() / p
    try:
        return absolute.resolve().relative_to(root.resolve()).as_posix()
    except ValueError:
        return absolute.resolve().as_posix()


def _apply_overrides(project: Project, o: dict) -> Project:
    from dataclasses import replace

    changes: dict[str, Any] = {}
    if o.get("schema"):
        changes["schema"] = tuple(_rel_to(project.root, s) if not any(c in s for c in "*?[{") else s for s in o["schema"])
    if o.get("migrations"):
        changes["migrations"] = _rel_to(project.root, o["migrations"])
        changes["migrations_given"] = True
    if o.get("casing"):
        changes["casing"] = o["casing"]
    if o.get("out"):
        changes["out"] = _rel_to(project.root, str(o["out"]))
        changes["out_source"] = "--out"
    return replace(project, **changes) if changes else project


def load_projects(
    root: Path,
    config: Optional[Path] = None,
    schema: Optional[tuple[str, ...]] = None,
    migrations: Optional[str] = None,
    casing: Optional[str] = None,
    out: Optional[str] = None,
) -> list[Project]:
    """Every project to document, with CLI overrides and its drizzle-doc settings applied."""
    from drizzle_doc.project.settings import apply_settings

    found = _find_projects(root, config, schema, migrations, casing, out)
    projects = [with_kit(apply_settings(p, out_given=bool(out))) for p in found]
    _refuse_shared_out(projects)
    return projects


def with_kit(project: Project) -> Project:
    """``project`` with its drizzle-kit generation (see :mod:`drizzle_doc.project.kit`)."""
    from dataclasses import replace

    from drizzle_doc.project.kit import config_casing_evidence, detect_kit

    kit, source, diags = detect_kit(project)
    project = replace(project, kit=kit, kit_source=source, diagnostics=(*project.diagnostics, *diags))
    return replace(project, kit_casing=config_casing_evidence(project))


def _refuse_shared_out(projects: list[Project]) -> None:
    """Two projects writing one docs folder would see each other's pages as orphans (and
    ``--prune`` would delete them): a configuration error, not something to guess around."""
    seen: dict[Path, Project] = {}
    for p in projects:
        folder = (p.root / p.out).resolve()
        other = seen.get(folder)
        if other is not None:
            raise ConfigError(
                f"{other.root} and {p.root} would both write their docs into {folder}; give each project "
                f"its own folder (`out` in its drizzle-doc.toml) or document one at a time with --config")
        seen[folder] = p


def _find_projects(root, config, schema, migrations, casing, out) -> list[Project]:
    """Every project, with CLI overrides applied."""
    overrides = {"schema": schema, "migrations": migrations, "casing": casing, "out": out}
    root = Path(root)
    try:
        is_dir = root.is_dir()
    except OSError as exc:
        raise ConfigError(f"--root {root}: {exc.strerror or exc}") from None
    if not is_dir:
        raise ConfigError(f"--root {root}: no such folder")
    root = root.resolve()
    if config is not None:
        config = Path(config)
        try:
            is_file = config.is_file()
        except OSError as exc:
            raise ConfigError(f"--config {config}: {exc.strerror or exc}") from None
        if not is_file:
            raise ConfigError(f"--config {config}: no such file")
        config = config.resolve()
        # a --config outside --root names its own project: its folder is the root then
        boundary = root if root in config.parents else config.parent
        return [_project_from_config(config, overrides, boundary)]
    if schema:
        return [_apply_overrides(Project(root=root, boundary=root), overrides)]
    configs = find_configs(root)
    if not configs:
        return [_apply_overrides(Project(root=root, schema=DEFAULT_SCHEMA_GLOBS, out=DEFAULT_OUT, boundary=root),
                                 overrides)]
    return [_project_from_config(c, overrides, root) for c in configs]
