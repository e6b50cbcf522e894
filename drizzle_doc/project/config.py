"""Stage 1: find the Drizzle project(s): schema globs, migrations folder, out dir, casing.

``drizzle.config.{ts,mts,js,mjs,cjs,json}`` is read statically (never run), and so is every
config a package.json script below the root names with ``--config``.  Paths in a config resolve
from the folder drizzle-kit runs in, as it resolves them: the folder of the package.json whose
script calls it with that config (see :mod:`drizzle_doc.project.discover`), else the config's
own folder.  That folder is the project's root.  Run at a monorepo root, every config below it
(outside node_modules) is a project of its own; one per folder drizzle-kit runs in.
"""

from __future__ import annotations

import json
import os
import re
from pathlib import Path
from typing import Any, Optional

from drizzle_doc.errors import ConfigError
from drizzle_doc.limits import json_max, too_large
from drizzle_doc.model import ERROR, INFO, Diagnostic
from drizzle_doc.project import DEFAULT_OUT, DEFAULT_SCHEMA_GLOBS, Project

CONFIG_NAMES = tuple(f"drizzle.config.{ext}" for ext in ("ts", "mts", "js", "mjs", "cjs", "json"))
SKIP_DIRS = {"node_modules", ".git", ".hg", ".svn", "dist", "build", ".next", ".turbo"}
CASINGS = ("snake_case", "camelCase")


def find_configs(root: Path) -> list[Path]:
    """drizzle.config.* files: the root's own, else every one below it and every config a
    package.json script below it names with ``--config``; sorted."""
    return _scan(root)[0]


def _scan(root: Path) -> tuple[list[Path], list]:
    """The configs of :func:`find_configs`, and the drizzle-kit calls of the package.json
    scripts found on the way (none when the root holds a config itself)."""
    from drizzle_doc.project.discover import kit_runs

    for name in CONFIG_NAMES:
        if (root / name).is_file():
            return [root / name], []
    found: list[Path] = []
    packages: list[Path] = []
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
        if "package.json" in filenames:
            packages.append(Path(dirpath) / "package.json")
    named = {os.path.realpath(p) for p in found}
    runs = [run for pj in packages for run in kit_runs(pj)]
    for run in runs:
        cfg = run.config
        if cfg is None or os.path.realpath(cfg) in named or not _visible_below(cfg, root):
            continue
        named.add(os.path.realpath(cfg))
        found.append(cfg)
    return sorted(found, key=lambda p: p.as_posix()), runs


def _visible_below(path: Path, root: Path) -> bool:
    """A file below ``root`` that the walk for configs would find (no dot folder, no node_modules)."""
    try:
        if not path.is_file():
            return False
        rel = path.resolve().relative_to(root.resolve())
    except (OSError, ValueError):
        return False
    return not any(part in SKIP_DIRS or part.startswith(".") for part in rel.parts[:-1])


def working_folder(config: Path):
    """Where drizzle-kit runs with ``config``, and the script that runs it (None: no script names
    it; then its own folder, where a plain ``drizzle-kit generate`` finds it)."""
    from drizzle_doc.project.discover import run_of

    run = run_of(config)
    return (run.cwd if run is not None else Path(os.path.normpath(config.absolute().parent))), run


def named(path: Path) -> str:
    """A file as an error message names it: from the current folder, where the person reading the
    message stands (absolute when that is shorter, far outside it)."""
    try:
        rel = os.path.relpath(path)
    except ValueError:
        return str(path)
    return rel if rel.count("..") <= 3 else str(path)


def _as_list(value: Any) -> Optional[tuple[str, ...]]:
    if value is None:
        return None
    if isinstance(value, str):
        return (value,)
    if isinstance(value, list) and all(isinstance(v, str) for v in value):
        return tuple(value)
    return None


def read_config(path: Path, root: Optional[Path] = None) -> tuple[dict, list[Diagnostic]]:
    """The config's fields as plain data, and any problems reading it (files named relative to
    ``root``, default the config's folder)."""
    if path.suffix == ".json":
        big = too_large(path, json_max())
        if big:
            raise ConfigError(f"{named(path)}: {big.replace(': skipped', '')}")
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError, UnicodeDecodeError, RecursionError) as exc:
            raise ConfigError(f"{named(path)}: cannot read drizzle config: {exc}") from None
        if not isinstance(data, dict):
            raise ConfigError(f"{named(path)}: drizzle config is not a JSON object")
        return data, []
    from drizzle_doc.drizzle.extract import evaluate_config
    from drizzle_doc.ts.values import Unknown

    value, diags = evaluate_config(path, root or path.parent)
    diags = [d for d in diags if d.severity == ERROR]
    if not isinstance(value, dict):
        why = value.reason if isinstance(value, Unknown) else "no `export default { … }` found"
        raise ConfigError(f"{named(path)}: cannot read the drizzle config statically ({why})")
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
            raise ConfigError(f"{named(path)}{f':{line}' if line else ''}: driver {driver!r} names no dialect drizzle-doc "
                              f"knows and the config has no `dialect`: drizzle-doc documents "
                              f"{', '.join(registered())} schemas (set `dialect` in the config)")
        dialect = DRIVER_DIALECTS.get(driver, "postgresql") if isinstance(driver, str) else "postgresql"
    name = DIALECT_ALIASES.get(dialect, dialect)
    if name not in registered():
        line = line_of_literal(path, dialect)
        raise ConfigError(f"{named(path)}{f':{line}' if line else ''}: dialect {dialect!r} is not supported: "
                          f"drizzle-doc documents {', '.join(registered())} schemas")
    return name


def _project_from_config(path: Path, overrides: dict, boundary: Optional[Path] = None) -> Project:
    """The project of the config ``path``: rooted where drizzle-kit runs with it (see
    :func:`working_folder`), held inside ``boundary`` (that folder when it lies outside)."""
    from drizzle_doc.ts.values import Unknown

    cwd, run = working_folder(path)
    root = cwd.resolve()
    boundary = boundary or root
    if not (root == boundary.resolve() or boundary.resolve() in root.parents):
        boundary = root  # drizzle-kit runs above the folder drizzle-doc was pointed at
    data, diags = read_config(path, root)
    config_rel = Path(os.path.relpath(path.resolve(), root)).as_posix()
    problems = list(diags)
    script = None
    if run is not None:
        script = (Path(os.path.relpath(run.package_json, root)).as_posix(), run.line, run.script)

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
            script=script,
            schema=schema,
            migrations=_norm(out) if isinstance(out, str) else "drizzle",
            dialect=dialect,
            casing=casing,
            driver=data.get("driver") if isinstance(data.get("driver"), str) else None,
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
            where = f"{named(path)}:{line}" if line else named(path)
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
    base: Optional[Path] = None,
) -> list[Project]:
    """Every project to document, with CLI overrides and its drizzle-doc settings applied.

    ``base``: the folder the person running drizzle-doc stands in (the commands pass the current
    folder); output names every path relative to it (:attr:`Project.shown_root`).  Default: ``root``."""
    from dataclasses import replace

    from drizzle_doc.project.settings import apply_settings

    where = Path(base if base is not None else root).resolve()
    found = _find_projects(root, config, schema, migrations, casing, out, where)
    projects = [with_kit(apply_settings(p, out_given=bool(out))) for p in found]
    _refuse_shared_out(projects)
    projects = [replace(p, seen_from=where) for p in projects]
    return _note_unread_settings(Path(root).resolve(), projects, where)


def _note_unread_settings(root: Path, projects: list[Project], where: Path) -> list[Project]:
    """A drizzle-doc.toml in the folder drizzle-doc runs at that is no project's root (a monorepo
    root whose projects are in packages) is read by no one: a warning on the first project,
    naming where each project reads its settings."""
    from dataclasses import replace

    from drizzle_doc.model import WARNING
    from drizzle_doc.project.settings import TOML_NAME

    if not projects or not (root / TOML_NAME).is_file() or any(p.root.resolve() == root for p in projects):
        return projects
    homes = ", ".join(p.shown(TOML_NAME) or TOML_NAME for p in projects)
    first = projects[0]
    note = Diagnostic(WARNING, None, None,
                      f"{_relative(root / TOML_NAME, where)} is not read: drizzle-doc reads the settings of "
                      f"each project beside its drizzle config, where drizzle-kit runs ({homes}); move it there "
                      "(`drizzle-doc init` writes them)", None, "settings-unread")
    return [replace(first, diagnostics=(*first.diagnostics, note)), *projects[1:]]


def _relative(path: Path, base: Path) -> str:
    """``path`` relative to ``base``, posix, with ``..`` where it lies outside (absolute across drives)."""
    try:
        return Path(os.path.relpath(Path(path).resolve(), base)).as_posix()
    except ValueError:
        return Path(path).resolve().as_posix()


def with_kit(project: Project) -> Project:
    """``project`` with its drizzle-kit generation (see :mod:`drizzle_doc.project.kit`) and how its code names
    its files (:mod:`drizzle_doc.project.imports`)."""
    from dataclasses import replace

    from drizzle_doc.project.kit import config_casing_evidence, detect_kit

    from drizzle_doc.project.imports import import_rules

    kit, source, diags = detect_kit(project)
    project = replace(project, kit=kit, kit_source=source, diagnostics=(*project.diagnostics, *diags))
    return replace(project, kit_casing=config_casing_evidence(project), imports=import_rules(project.root))


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


def _find_projects(root, config, schema, migrations, casing, out, where: Optional[Path] = None) -> list[Project]:
    """Every project, with CLI overrides applied (``where``: the folder messages name paths from)."""
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
        return [_dialect_from_imports(_apply_overrides(Project(root=root, boundary=root), overrides))]
    configs, runs = _scan(root)
    chosen = one_per_folder(configs)
    projects = [_with_others(_project_from_config(c, overrides, root), others, where or root)
                for c, _, others in chosen]
    # drizzle-kit calls given the project on the command line (--schema …), where no config runs
    taken = {cwd for _, cwd, _ in chosen}
    cli: dict[Path, object] = {}
    for run in sorted((r for r in runs if r.option("schema") is not None and r.cwd not in taken),
                      key=lambda r: r.rank()):
        if _visible_below(run.package_json, root):
            cli.setdefault(run.cwd, run)
    projects += [_project_from_run(run, overrides, root) for run in cli.values()]
    if not projects:  # a NuxtHub app: the config NuxtHub writes itself
        projects = [_nuxthub_project(hub, overrides, root) for hub in _nuxthubs(root)]
    if not projects:
        return [_dialect_from_imports(_apply_overrides(
            Project(root=root, schema=DEFAULT_SCHEMA_GLOBS, out=DEFAULT_OUT, boundary=root), overrides))]
    return sorted(projects, key=lambda p: p.root.as_posix())


_CORE_IMPORT = re.compile(rb"""from\s*["']drizzle-orm/([a-z0-9]+)-core["']""")
#: the dialect of each drizzle-orm core package
CORE_DIALECTS = {b"pg": "postgresql", b"mysql": "mysql", b"sqlite": "sqlite"}


def _dialect_from_imports(project: Project) -> Project:
    """A project without a drizzle config names no dialect: drizzle-kit would need one, and the
    schema says which by the core package it imports (``drizzle-orm/sqlite-core``: SQLite).  When
    its files import exactly one known core package, that is the project's dialect (an info says
    so where it is not PostgreSQL, the default); several, or none, leave the default."""
    from dataclasses import replace

    from drizzle_doc.drizzle.extract import schema_files

    cores: set[bytes] = set()
    for path in schema_files(project)[0][:200]:
        try:
            with open(path, "rb") as fh:
                cores.update(_CORE_IMPORT.findall(fh.read(256 * 1024)))
        except OSError:
            continue
    dialects = {CORE_DIALECTS[c] for c in cores if c in CORE_DIALECTS}
    if len(dialects) != 1 or dialects == {project.dialect}:
        return project
    (dialect,) = dialects
    note = Diagnostic(INFO, None, None, f"no drizzle config names the dialect: {dialect}, as the schema imports "
                      f"drizzle-orm/{next(c for c in cores if CORE_DIALECTS.get(c) == dialect).decode()}-core",
                      None, "dialect")
    return replace(project, dialect=dialect, diagnostics=(*project.diagnostics, note))


def _nuxthubs(root: Path) -> list:
    from drizzle_doc.project.nuxthub import nuxt_configs, read_hub

    return [hub for hub in map(read_hub, nuxt_configs(root)) if hub is not None]


def _nuxthub_project(hub, overrides: dict, boundary: Path) -> Project:
    """The project of a NuxtHub app (see :mod:`drizzle_doc.project.nuxthub`): the schema files,
    migrations folder, dialect and casing of the drizzle config NuxtHub writes for it; a dialect
    its nuxt config does not name statically comes from the schema's imports."""
    from dataclasses import replace

    root = hub.root
    if not (root == boundary or boundary in root.parents):
        boundary = root
    config_rel = hub.rel(hub.config)
    dialect = hub.dialect or ("sqlite" if hub.legacy else "postgresql")  # before v0.10: D1
    casing = hub.casing if hub.casing in CASINGS else None
    project = Project(root=root, boundary=boundary, config_file=config_rel, dialect=dialect, casing=casing,
                      schema=tuple(hub.schema_files(hub.dialect)) or (hub.default_schema(),))
    if hub.dialect is None:
        project = _dialect_from_imports(project)
        project = replace(project, schema=tuple(hub.schema_files(None if hub.legacy else project.dialect))
                          or (hub.default_schema(),))
    schema = ", ".join(project.schema[:3]) + (f" and {len(project.schema) - 3} more" if len(project.schema) > 3 else "")
    if hub.legacy:
        said = "NuxtHub's layout for `hub.database` (before v0.10: D1, SQLite)"
    else:
        said = f"the one NuxtHub writes for `hub.db{f': {hub.dialect!r}' if hub.dialect else ''}`"
    note = Diagnostic(INFO, config_rel, None, f"no drizzle config: {said}, dialect {project.dialect}, schema "
                      f"{schema}, migrations {hub.migrations(project.dialect)}", None, "nuxthub")
    return _apply_overrides(replace(project, migrations=hub.migrations(project.dialect),
                                    diagnostics=(*project.diagnostics, note)), overrides)


def _project_from_run(run, overrides: dict, boundary: Path) -> Project:
    """The project a package script gives drizzle-kit on its command line (``--schema``,
    ``--out``, ``--dialect``, ``--casing``: drizzle-kit's "cli" mode, no config read), rooted in
    the folder the script runs drizzle-kit in."""
    root = run.cwd.resolve()
    if not (root == boundary or boundary in root.parents):
        boundary = root
    where = run.package_json
    schema = tuple(v for k, v in run.options if k == "schema")
    out = run.option("out")
    problems = []
    casing = run.option("casing")
    if casing is not None and casing not in CASINGS:
        problems.append(Diagnostic(ERROR, Path(os.path.relpath(where, root)).as_posix(), run.line,
                                   f"`--casing` must be one of {', '.join(CASINGS)}", None, "config"))
        casing = None
    _contain_config_paths(where, root, boundary, () if overrides.get("schema") else schema,
                          None if overrides.get("migrations") or out is None else out)
    project = _apply_overrides(
        Project(
            root=root,
            boundary=boundary,
            script=(Path(os.path.relpath(where, root)).as_posix(), run.line, run.script),
            schema=schema,
            migrations=_norm(out) if out is not None else "drizzle",
            dialect=config_dialect(run.option("dialect"), run.option("driver"), where),
            casing=casing,
            driver=run.option("driver"),
            diagnostics=tuple(problems),
        ),
        overrides,
    )
    given = run.option("dialect") is not None or run.option("driver") is not None
    return project if given else _dialect_from_imports(project)


def project_folders(root: Path) -> list[tuple[Path, Path]]:
    """(config, the folder drizzle-kit runs in with it: the project's root) of every project
    found at ``root``, without reading a config; what ``init`` writes beside."""
    return [(c, cwd) for c, cwd, _ in one_per_folder(find_configs(Path(root).resolve()))]


def one_per_folder(configs: list[Path]) -> list[tuple[Path, Path, list[Path]]]:
    """One config per folder drizzle-kit runs in (two projects there would share one docs
    folder): the one a script runs ``generate`` (else ``migrate``, ``check``, ``up``) with, else
    the drizzle.config.* in that folder (what a bare ``drizzle-kit generate`` reads), else one
    another script uses (``push``, ``studio``: often a test database's); as (config, folder,
    the others of the folder in the order found)."""
    from drizzle_doc.project.discover import MIGRATION_COMMANDS

    by_folder: dict[Path, list[tuple[tuple, Path]]] = {}
    for c in configs:
        cwd, run = working_folder(c)
        if run is not None and run.command in MIGRATION_COMMANDS:
            rank: tuple = (0, *run.rank())
        elif c.absolute().parent == cwd and c.name in CONFIG_NAMES:
            rank = (1, 0, 0)
        else:
            rank = (2, *(run.rank() if run is not None else (10, 0)))
        by_folder.setdefault(cwd, []).append(((*rank, c.as_posix()), c))
    chosen = []
    for cwd, group in by_folder.items():
        group.sort(key=lambda rc: rc[0])
        chosen.append((group[0][1], cwd, [c for _, c in group[1:]]))
    return sorted(chosen, key=lambda co: co[0].as_posix())


def _with_others(project: Project, others: list[Path], where: Path) -> Project:
    """``project`` noting the configs of its folder that are not documented with it."""
    if not others:
        return project
    from dataclasses import replace

    names = ", ".join(_relative(o, where) for o in others)
    note = Diagnostic(INFO, project.config_file, None,
                      f"drizzle-kit also runs in this project's folder with {names}; drizzle-doc documents "
                      f"{_relative(project.root / project.config_file, where)} (the config of its `generate` "
                      "script, else the folder's own); "
                      "pass --config to document another", None, "config-other")
    return replace(project, diagnostics=(*project.diagnostics, note))
