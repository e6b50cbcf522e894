"""``drizzle-doc init``: a starter ``drizzle-doc.toml`` and the npm scripts.

They go where drizzle-doc reads its settings: the root of each project found where the user
stands (the folder drizzle-kit runs in with its config; at a monorepo root, each package
holding one: :func:`init_projects`), else the folder itself.

The starter shows every rule at its default level and every rule option, commented out, so a
first ``check`` passes (the rules are warnings) and the file says what can be turned up;
``--strict`` writes the spec's assumptions and descriptions as errors instead.

package.json is edited as data: every key, its order and the file's indentation
are kept; only ``scripts.db:docs`` / ``scripts.db:docs:check`` are added when
absent.  Nothing that exists is overwritten (unless ``force`` for the TOML).

The scripts must work for a teammate who never installed drizzle-doc the way the author did,
so each one is a short POSIX ``sh`` chain (npm runs scripts with ``sh -c``): drizzle-doc on
``PATH`` (an activated venv, pipx), else a project virtual environment (``.venv``/``venv`` in
the package folder or above it, found when ``init`` runs), else ``uv run`` where the project's
``pyproject.toml`` lists drizzle-doc, else ``uvx``/``pipx run`` when ``init --from SPEC`` named
where drizzle-doc comes from; when nothing is found it prints one line with the install command
and exits 127.  ``exec`` keeps drizzle-doc's own exit code (``check`` failing CI stays a failure).
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
from drizzle_doc.project.settings import (ERROR, PACKAGE_KEY, RULE_DEFAULTS, RULE_HELP, RULE_OPTIONS, STRICT_RULES,
                                          TOML_NAME)

SCRIPTS = (("db:docs", "generate"), ("db:docs:check", "check"))
#: what earlier versions of init wrote: upgraded to the launcher, never kept as "yours"
_OLD_SCRIPTS = {"db:docs": "drizzle-doc generate", "db:docs:check": "drizzle-doc check"}
_VENV_NAMES = (".venv", "venv")
_SPEC_SAFE = re.compile(r"^[A-Za-z0-9_.+\-\[\],=<>!~:/@#%]+$")
INSTALL_HINT = "python3 -m pip install drizzle-doc (or: pipx install drizzle-doc)"


def _venvs(package_dir: Path) -> list[str]:
    """Virtual environments holding drizzle-doc in the package folder or a folder above it (up to
    the repository root), as paths relative to the package folder; ``.venv`` is always tried."""
    found: list[str] = []
    here = package_dir.resolve()
    up = ""
    for folder in (here, *here.parents):
        for name in _VENV_NAMES:
            if (folder / name / "bin" / "drizzle-doc").exists():
                found.append(f"{up}{name}")
        if (folder / ".git").exists() or len(up) > 3 * 8:
            break
        up += "../"
    if ".venv" not in found:
        found.append(".venv")
    return found


def _uv_project(package_dir: Path) -> bool:
    """True when a pyproject.toml in the package folder lists drizzle-doc (``uv run`` finds it)."""
    try:
        return "drizzle-doc" in (package_dir / "pyproject.toml").read_text(encoding="utf-8", errors="replace")
    except OSError:
        return False


def script_command(subcommand: str, package_dir: Path, spec: str | None = None) -> str:
    """The npm script running ``drizzle-doc <subcommand>`` through whatever the machine has."""
    if spec is not None and not _SPEC_SAFE.match(spec):
        raise ConfigError(f"--from {spec!r}: not a package spec (letters, digits and .+-[],=<>!~:/@#% only)")
    run = f"drizzle-doc {subcommand}"
    steps = [f"command -v drizzle-doc >/dev/null 2>&1 && exec {run}"]
    steps += [f"[ -x {v}/bin/drizzle-doc ] && exec {v}/bin/{run}" for v in _venvs(package_dir)]
    if _uv_project(package_dir):
        steps.append(f"command -v uv >/dev/null 2>&1 && exec uv run {run}")
    if spec:
        steps.append(f"command -v uvx >/dev/null 2>&1 && exec uvx --from '{spec}' {run}")
        steps.append(f"command -v pipx >/dev/null 2>&1 && exec pipx run --spec '{spec}' {run}")
    hint = INSTALL_HINT if not spec else f"python3 -m pip install '{spec}'"
    steps.append(f"echo 'drizzle-doc is not installed: {hint}' >&2; exit 127")
    return "; ".join(steps)


def _toml_value(value) -> str:
    """A settings value as TOML (the kinds RULE_OPTIONS holds)."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, str):
        return json.dumps(value)
    items = []
    for item in value:  # names, or columns: (name, exclude)
        if isinstance(item, tuple):
            name, exclude = item
            items.append(json.dumps(name) if not exclude else
                         f"{{ name = {json.dumps(name)}, exclude = {_toml_value(exclude)} }}")
        else:
            items.append(json.dumps(item))
    return "[" + ", ".join(items) + "]"


#: What the starter shows for options whose default is empty.
_OPTION_EXAMPLES = {("require-columns", "columns"): (("tenantId", ()), ("deletedAt", ("audit_*",))),
                    ("descriptions", "exclude-columns"): ("id",)}


def starter_toml(out: str = "docs/data/schemas", strict: bool = False) -> str:
    """The ``drizzle-doc.toml`` init writes: every rule with its default level, commented out
    (``strict``: the spec's assumptions and descriptions written as errors), and every rule
    option with its default, commented out."""
    width = max(len(f'{name} = "{level}"') for name, level in RULE_DEFAULTS.items()) + 2
    rules = []
    for name, level in RULE_DEFAULTS.items():
        on = strict and name in STRICT_RULES
        line = f'{name} = "{ERROR if on else level}"'
        rules.append((("" if on else "# ") + line).ljust(width + 2) + "# " + RULE_HELP[name])
    options = []
    for name, specs in RULE_OPTIONS.items():
        options.append(f"# [rules.{name}]")
        for key, (_, default) in specs.items():
            value = _OPTION_EXAMPLES.get((name, key), default)
            options.append(f"# {key} = {_toml_value(value)}")
    if strict:
        how = ("Written by `drizzle-doc init --strict`: the spec's assumptions and descriptions are\n"
               "# errors; the other rules are listed at their default level, commented out.")
    else:
        how = ("Each rule is listed at its default level, commented out: uncomment a line to change\n"
               "# it (`drizzle-doc init --strict` writes the spec's assumptions and descriptions as errors).")
    return f"""# drizzle-doc settings: see `drizzle-doc --help` and the README.
# CLI flags override these; unknown keys are errors.

# Where the Markdown pages go, relative to this folder.
out = "{out}"

# Description coverage (the tables and columns with a JSDoc description, in percent) below
# which `drizzle-doc check` fails; check prints the coverage either way.
# min-coverage = 80

# The rules: "error", "warning" or "off"; warnings are shown but never fail `check`.
# {how}
# A rule also takes a table, with the tables it leaves out (names or globs):
#   fk-index = {{ level = "error", exclude = ["audit_*"] }}
[rules]
{chr(10).join(rules)}

# Rule options, at their defaults (an example where the default is empty). To use them,
# uncomment a rule's table below and give the rule's level there (level = "error"), not in
# [rules] above; a rule that is off by default then runs as a warning.
{chr(10).join(options)}

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


def add_scripts(package_json: Path, spec: str | None = None) -> tuple[bool, list[str]]:
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
    for name, sub in SCRIPTS:
        command = script_command(sub, package_json.parent, spec)
        if name not in scripts or scripts[name] == _OLD_SCRIPTS[name]:
            scripts[name] = command
            changed = True
        elif scripts[name] != command:
            notes.append(f"package.json: kept your script {name!r} ({scripts[name]!r}); "
                         f"drizzle-doc suggests 'drizzle-doc {sub}'")
    if changed:
        new = json.dumps(data, indent=_indent_of(text), ensure_ascii=False)
        if text.endswith("\n"):
            new += "\n"
        _write_text(package_json, new)
    return changed, notes


def init_project(root: Path, *, force: bool = False, out: str = "docs/data/schemas",
                 strict: bool = False, spec: str | None = None) -> InitResult:
    """Write ``drizzle-doc.toml`` (unless present) and add the npm scripts (when package.json exists).
    ``strict``: the file makes the spec's assumptions and descriptions errors; ``spec``: where
    teammates get drizzle-doc (see :func:`script_command`)."""
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
        _write_text(toml, starter_toml(out, strict))
        (changed if has_toml else created).append(TOML_NAME)
    if has_pkg:
        did, more = add_scripts(pkg, spec)
        notes += more
        if did:
            changed.append("package.json")
    else:
        notes.append("no package.json here: add the scripts yourself: "
                     + ", ".join(f"\"{n}\": \"drizzle-doc {c}\"" for n, c in SCRIPTS))
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
