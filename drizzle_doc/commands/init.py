"""``drizzle-doc init``: a starter ``drizzle-doc.toml`` and the npm scripts.

They go where drizzle-doc reads its settings: the root of each project found where the user
stands (the folder drizzle-kit runs in with its config; at a monorepo root, each package
holding one: :func:`init_projects`), else the folder itself.  package.json is edited as data: every key, its order and the file's indentation
are kept; only ``scripts.db:docs`` / ``scripts.db:docs:check`` are added when
absent.  Nothing that exists is overwritten (unless ``force`` for the TOML).
"""

from __future__ import annotations

import json
import os
import re
import stat
from dataclasses import dataclass
from pathlib import Path

from drizzle_doc.project.contain import replace_file
from drizzle_doc.errors import ConfigError
from drizzle_doc.project.settings import PACKAGE_KEY, RULE_DEFAULTS, TOML_NAME

SCRIPTS = (("db:docs", "drizzle-doc generate"), ("db:docs:check", "drizzle-doc check"))


def starter_toml(out: str = "docs/data/schemas") -> str:
    rules = "\n".join(f"{name} = \"{level}\"" for name, level in RULE_DEFAULTS.items())
    return f"""# drizzle-doc settings: see `drizzle-doc --help` and the README.
# CLI flags override these; unknown keys are errors.

# Where the Markdown pages go, relative to this folder.
out = "{out}"

# Make a missing table/column JSDoc an error (same as `drizzle-doc check --require-descriptions`).
require_descriptions = false

# The spec's assumptions and house rules: "error", "warning" or "off".
[rules]
{rules}

# Tables excepted from a rule, with the reason (listed on the table's page under "Assumptions").
# A JSDoc tag on the table does the same: `@drizzle-doc-exception uuid-pk <reason>`.
[exceptions]
# [exceptions.uuid-pk]
# audit_log = "append-only log keyed by a bigint identity"
"""


@dataclass(frozen=True, slots=True)
class InitResult:
    created: tuple[str, ...] = ()  # files created, relative to the root
    changed: tuple[str, ...] = ()  # files changed
    notes: tuple[str, ...] = ()  # what was left alone, and why


def _indent_of(text: str) -> object:
    m = re.search(r"\n([ \t]+)\"", text)
    if not m:
        return 2
    ws = m.group(1)
    return "\t" if ws.startswith("\t") else len(ws)


def _refuse_link_or_folder(path: Path) -> bool:
    """True when ``path`` is a regular file, False when absent; a symlink (dangling or not) or
    anything else is refused: init never writes through a link."""
    try:
        st = os.lstat(path)
    except FileNotFoundError:
        return False
    except OSError as exc:
        raise ConfigError(f"{path}: cannot read: {exc.strerror or exc}") from None
    if stat.S_ISLNK(st.st_mode):
        raise ConfigError(f"{path} is a symbolic link; drizzle-doc init never writes through a link "
                          "(replace it with a regular file); nothing was written")
    if not stat.S_ISREG(st.st_mode):
        raise ConfigError(f"{path} is not a regular file (a folder?); nothing was written")
    return True


def _read_text(path: Path) -> str:
    try:
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0))
        with open(fd, encoding="utf-8") as fh:
            return fh.read()
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(f"{path}: cannot read: {getattr(exc, 'strerror', None) or exc}") from None


def _write_text(path: Path, text: str) -> None:
    """Replace (or create) ``path`` atomically, never through a symlink; one clean error if not."""
    try:
        try:
            mode = stat.S_IMODE(os.lstat(path).st_mode)
        except FileNotFoundError:
            mode = 0o644
        replace_file(path, text, mode, prefix=f".{path.name}.")
    except OSError as exc:
        raise ConfigError(f"cannot write {path}: {exc.strerror or exc}") from None


def add_scripts(package_json: Path) -> tuple[bool, list[str]]:
    """Add the npm scripts to package.json, keeping everything else; (changed, notes)."""
    _refuse_link_or_folder(package_json)
    text = _read_text(package_json)
    try:
        data = json.loads(text)
    except (ValueError, RecursionError) as exc:
        raise ConfigError(f"{package_json}: not valid JSON ({exc}); fix it before `drizzle-doc init`") from None
    if not isinstance(data, dict):
        raise ConfigError(f"{package_json}: not a JSON object")
    scripts = data.get("scripts")
    if scripts is None:
        scripts = data["scripts"] = {}
    if not isinstance(scripts, dict):
        raise ConfigError(f"{package_json}: \"scripts\" is not an object")
    notes: list[str] = []
    changed = False
    for name, command in SCRIPTS:
        if name not in scripts:
            scripts[name] = command
            changed = True
        elif scripts[name] != command:
            notes.append(f"package.json: kept your script {name!r} ({scripts[name]!r}); "
                         f"drizzle-doc suggests {command!r}")
    if changed:
        new = json.dumps(data, indent=_indent_of(text), ensure_ascii=False)
        if text.endswith("\n"):
            new += "\n"
        _write_text(package_json, new)
    return changed, notes


def init_project(root: Path, *, force: bool = False, out: str = "docs/data/schemas") -> InitResult:
    """Write ``drizzle-doc.toml`` (unless present) and add the npm scripts (when package.json exists)."""
    root = Path(root)
    if not root.is_dir():
        raise ConfigError(f"--root {root}: no such folder")
    created: list[str] = []
    changed: list[str] = []
    notes: list[str] = []
    pkg = root / "package.json"
    toml = root / TOML_NAME
    has_pkg = _refuse_link_or_folder(pkg)  # both checked before anything is written
    has_toml = _refuse_link_or_folder(toml)
    pkg_has_settings = False
    if has_pkg:
        try:
            pkg_data = json.loads(_read_text(pkg))
        except (ValueError, RecursionError) as exc:  # fail before writing anything
            raise ConfigError(f"{pkg}: not valid JSON ({exc}); fix it before `drizzle-doc init`") from None
        pkg_has_settings = isinstance(pkg_data, dict) and PACKAGE_KEY in pkg_data
    if pkg_has_settings:
        notes.append(f"package.json already has a \"{PACKAGE_KEY}\" key: {TOML_NAME} not written")
    elif has_toml and not force:
        notes.append(f"{TOML_NAME} exists: left as it is (use --force to replace it)")
    else:
        _write_text(toml, starter_toml(out))
        (changed if has_toml else created).append(TOML_NAME)
    if has_pkg:
        did, more = add_scripts(pkg)
        notes += more
        if did:
            changed.append("package.json")
    else:
        notes.append("no package.json here: add the scripts yourself: "
                     + ", ".join(f"\"{n}\": \"{c}\"" for n, c in SCRIPTS))
    return InitResult(tuple(created), tuple(changed), tuple(notes))


def init_projects(root: Path, *, force: bool = False, **options) -> InitResult:
    """``init`` where the user stands: :func:`init_project` in each folder drizzle-kit runs in for
    a drizzle config found at or below ``root`` (where the commands read ``drizzle-doc.toml``
    from: at a monorepo root, the packages holding the configs), else in ``root`` itself.
    Paths in the result are relative to ``root``; ``options`` go to :func:`init_project`."""
    from drizzle_doc.project.config import project_folders

    root = Path(root)
    if not root.is_dir():
        raise ConfigError(f"--root {root}: no such folder")
    found = project_folders(root)
    folders = list(dict.fromkeys(cwd for _, cwd in found))
    if not folders or folders == [root.resolve()]:
        result = init_project(root, force=force, **options)
        if not found:
            return InitResult(result.created, result.changed, (*result.notes,
                              "no drizzle.config.* found here or below: drizzle-doc will look for the models at "
                              "server/src/models/*.ts; set `schema` in a drizzle config or pass --schema"))
        return result
    base = root.resolve()
    created: list[str] = []
    changed: list[str] = []
    notes: list[str] = []
    if base not in folders:
        names = ", ".join(f"{_rel(cwd, base)} ({_rel(c, base)})" for c, cwd in found)
        notes.append(f"no drizzle config here: drizzle-doc.toml goes beside each project's, where drizzle-kit "
                     f"runs and drizzle-doc reads it: {names}")
    for folder in folders:
        prefix = _rel(folder, base)
        result = init_project(folder, force=force, **options)
        created += [f"{prefix}/{f}" for f in result.created]
        changed += [f"{prefix}/{f}" for f in result.changed]
        notes += [f"{prefix}: {n}" for n in result.notes]
    return InitResult(tuple(created), tuple(changed), tuple(notes))


def _rel(path: Path, base: Path) -> str:
    return Path(os.path.relpath(Path(path).resolve(), base)).as_posix()
