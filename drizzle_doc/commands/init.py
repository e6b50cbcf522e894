"""``drizzle-doc init``: a starter ``drizzle-doc.toml`` and the npm scripts.

The starter shows every rule at its default level and every rule option, commented out, so a
first ``check`` passes (the rules are warnings) and the file says what can be turned up;
``--strict`` writes the spec's assumptions and descriptions as errors instead.

package.json is edited as data: every key, its order and the file's indentation
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
from drizzle_doc.project.settings import (ERROR, PACKAGE_KEY, RULE_DEFAULTS, RULE_HELP, RULE_OPTIONS, STRICT_RULES,
                                          TOML_NAME)

SCRIPTS = (("db:docs", "drizzle-doc generate"), ("db:docs:check", "drizzle-doc check"))


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


def init_project(root: Path, *, force: bool = False, out: str = "docs/data/schemas",
                 strict: bool = False) -> InitResult:
    """Write ``drizzle-doc.toml`` (unless present) and add the npm scripts (when package.json exists).
    ``strict``: the file makes the spec's assumptions and descriptions errors."""
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
        did, more = add_scripts(pkg)
        notes += more
        if did:
            changed.append("package.json")
    else:
        notes.append("no package.json here: add the scripts yourself: "
                     + ", ".join(f"\"{n}\": \"{c}\"" for n, c in SCRIPTS))
    return InitResult(tuple(created), tuple(changed), tuple(notes))
