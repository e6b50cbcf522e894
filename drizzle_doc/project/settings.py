"""drizzle-doc's own settings: ``drizzle-doc.toml`` or a ``"drizzle-doc"`` key in package.json.

Looked up at the project root (the folder of ``drizzle.config.*``).  When both
exist the TOML file wins and package.json's key must be absent (two sources of
truth would drift).  CLI flags override what is read here.

Every key is checked: an unknown key or a bad value raises
:class:`~drizzle_doc.errors.ConfigError` (exit code 2) naming the valid ones.

Example ``drizzle-doc.toml``::

    out = "docs/data/schemas"
    require_descriptions = false

    [rules]                 # "error" | "warning" | "off"
    uuid-pk = "error"
    timestamps = "error"
    fk-enforced = "error"
    fk-index = "warning"
    descriptions = "warning"
    primary-key = "off"

    [exceptions.uuid-pk]    # rule -> {table: reason}
    audit_log = "append-only log keyed by a bigint identity"

    [groups.auth]           # diagrams of named groups of tables (see render)
    tables = ["users", "sessions"]
    description = "Sign-in and sessions"

    [pages]                 # pages people write by hand: generate and check leave them alone
    manual = ["legacy_events", "index.md"]   # a table (name or schema.name) or a page path
"""

from __future__ import annotations

import json
import sys
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any, Mapping, Optional

from drizzle_doc.errors import ConfigError
from drizzle_doc.limits import json_max, parse_size, too_large

if TYPE_CHECKING:
    from drizzle_doc.project import Project

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - exercised on 3.10 only
    import tomli as tomllib

TOML_NAME = "drizzle-doc.toml"
PACKAGE_KEY = "drizzle-doc"

ERROR = "error"
WARNING = "warning"
OFF = "off"
LEVELS = (ERROR, WARNING, OFF)

#: Every rule and its default level.  The first three are the spec's assumptions.
RULE_DEFAULTS: dict[str, str] = {
    "uuid-pk": ERROR,
    "timestamps": ERROR,
    "fk-enforced": ERROR,
    "fk-index": WARNING,
    "descriptions": WARNING,
    "primary-key": OFF,
}
RULES = tuple(RULE_DEFAULTS)

#: Top-level keys and what they hold (shown when a key is unknown).
KNOWN_KEYS: dict[str, str] = {
    "out": "docs folder relative to the project root (string)",
    "require_descriptions": "treat a missing table/column description as an error (boolean)",
    "rules": "rule -> \"error\" | \"warning\" | \"off\" (table)",
    "exceptions": "rule -> {table = reason} (table of tables)",
    "groups": "named groups of tables drawn as their own diagrams (table)",
    "viewpoints": "alias of groups (tbls' name)",
    "split_threshold": "tables above which the index diagram is split, and the most one diagram holds (integer)",
    "pages": "[pages] manual = [table or page path, ...]: pages written by hand, left alone (table)",
    "kit": "drizzle-kit generation the project is on: \"0\" (0.x) or \"1\" (1.0); default: found from node_modules, package.json, snapshots",
    "max-file-size": "largest models file read, in bytes or as \"4MB\" (default 2MB; see drizzle_doc.limits)",
}
PAGES_KEYS = ("manual",)


@dataclass(frozen=True, slots=True)
class ConfiguredException:
    rule: str
    table: str  # as written: "users", "public.users" or the TypeScript variable
    reason: str


@dataclass(frozen=True, slots=True)
class Group:
    """A named group of tables, drawn as its own diagram (tables as written: name, key or variable)."""

    name: str
    tables: tuple[str, ...]
    description: str = ""


@dataclass(frozen=True, slots=True)
class Settings:
    """drizzle-doc's settings after validation, defaults filled in."""

    source: Optional[str] = None  # "drizzle-doc.toml" / "package.json" (relative to the root), None: defaults
    out: Optional[str] = None
    require_descriptions: bool = False
    rules: tuple[tuple[str, str], ...] = tuple(RULE_DEFAULTS.items())
    exceptions: tuple[ConfiguredException, ...] = ()
    manual_pages: tuple[str, ...] = ()  # tables or page paths opted out of generation and checking
    groups: tuple[Group, ...] = ()  # [groups] (or tbls' [viewpoints]): diagrams of named groups of tables
    split_threshold: Optional[int] = None  # tables above which the index diagram is split, and per part (None: 25)
    max_file_size: Optional[int] = None  # bytes (see drizzle_doc.limits; None: the default)
    kit: Optional[str] = None  # drizzle-kit generation "0" | "1" when set (None: found, see project/kit.py)

    def level(self, rule: str) -> str:
        for name, level in self.rules:
            if name == rule:
                return level
        return OFF


def _valid_list(names) -> str:
    return ", ".join(names)


def read_settings(root: Path) -> tuple[dict, Optional[str]]:
    """The raw settings dict of a project root and where it came from (``({}, None)`` when none)."""
    root = Path(root)
    toml_path = root / TOML_NAME
    pkg_path = root / "package.json"
    pkg_data: Any = None
    if pkg_path.is_file() and not too_large(pkg_path, json_max()):  # a larger one: a warning (apply_settings)
        try:
            pkg_data = json.loads(pkg_path.read_text(encoding="utf-8"))
        except (OSError, ValueError, UnicodeDecodeError, RecursionError):
            pkg_data = None  # not ours to judge; npm will complain
    in_pkg = isinstance(pkg_data, dict) and PACKAGE_KEY in pkg_data
    if toml_path.is_file():
        big = too_large(toml_path, json_max())
        if big:
            raise ConfigError(f"{toml_path}: {big.replace(': skipped', '')}")
        if in_pkg:
            raise ConfigError(f"{pkg_path}: settings are in both {TOML_NAME} and package.json's "
                              f"\"{PACKAGE_KEY}\" key; keep one of them")
        try:
            data = tomllib.loads(toml_path.read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError) as exc:
            raise ConfigError(f"{toml_path}: cannot read: {exc}") from None
        except tomllib.TOMLDecodeError as exc:
            raise ConfigError(f"{toml_path}: not valid TOML: {exc}") from None
        return data, TOML_NAME
    if in_pkg:
        data = pkg_data[PACKAGE_KEY]
        if not isinstance(data, dict):
            raise ConfigError(f"{pkg_path}: \"{PACKAGE_KEY}\" must be an object")
        return data, "package.json"
    return {}, None


def validate(data: Mapping[str, Any], source: Optional[str] = None) -> Settings:
    """Check every key and value of a raw settings dict; raise ConfigError on the first problem."""
    where = source or "settings"

    def bad(msg: str) -> ConfigError:
        return ConfigError(f"{where}: {msg}")

    for key in data:
        if key not in KNOWN_KEYS:
            raise bad(f"unknown key {key!r}; valid keys: {_valid_list(KNOWN_KEYS)}")
    out = data.get("out")
    if out is not None and (not isinstance(out, str) or not out.strip()):
        raise bad("`out` must be a non-empty string")
    req = data.get("require_descriptions", False)
    if not isinstance(req, bool):
        raise bad("`require_descriptions` must be true or false")
    st = data.get("split_threshold")
    if st is not None and (isinstance(st, bool) or not isinstance(st, int) or st < 1):
        raise bad("`split_threshold` must be a positive integer")
    if "kit" in data and data["kit"] not in ("0", "1"):
        raise bad("`kit` must be \"0\" (drizzle-kit 0.x) or \"1\" (drizzle-kit 1.0)")
    if "max-file-size" in data and parse_size(data["max-file-size"]) is None:
        raise bad("`max-file-size` must be a positive size in bytes or a string such as \"4MB\"")
    for g in ("groups", "viewpoints"):
        if g in data and not isinstance(data[g], (dict, list)):
            raise bad(f"`{g}` must be a table (name -> {{tables = [...], description = \"...\"}})")

    manual = _manual_pages(data.get("pages", {}), bad)

    rules = dict(RULE_DEFAULTS)
    raw_rules = data.get("rules", {})
    if not isinstance(raw_rules, dict):
        raise bad("`rules` must be a table of rule = \"error\" | \"warning\" | \"off\"")
    for name, level in raw_rules.items():
        if name not in RULE_DEFAULTS:
            raise bad(f"unknown rule {name!r} in `rules`; valid rules: {_valid_list(RULES)}")
        if level not in LEVELS:
            raise bad(f"rule {name!r}: level must be one of {_valid_list(LEVELS)}, not {level!r}")
        rules[name] = level

    exceptions: list[ConfiguredException] = []
    raw_exc = data.get("exceptions", {})
    if not isinstance(raw_exc, dict):
        raise bad("`exceptions` must be a table: [exceptions.RULE] TABLE = \"reason\"")
    for rule, tables in raw_exc.items():
        if rule not in RULE_DEFAULTS:
            raise bad(f"unknown rule {rule!r} in `exceptions`; valid rules: {_valid_list(RULES)}")
        if not isinstance(tables, dict):
            raise bad(f"`exceptions.{rule}` must be a table of TABLE = \"reason\"")
        for table, reason in tables.items():
            if not isinstance(reason, str) or not reason.strip():
                raise bad(f"exception {rule} for {table!r} needs a reason (a non-empty string)")
            exceptions.append(ConfiguredException(rule, str(table), reason.strip()))
    return Settings(
        source=source,
        out=out,
        require_descriptions=req,
        rules=tuple(rules.items()),
        exceptions=tuple(sorted(exceptions, key=lambda e: (e.rule, e.table))),
        manual_pages=manual,
        groups=_groups(data),
        split_threshold=st,
        max_file_size=parse_size(data["max-file-size"]) if "max-file-size" in data else None,
        kit=data.get("kit"),
    )


def _groups(data: Mapping[str, Any]) -> tuple[Group, ...]:
    """Named groups of tables (tbls viewpoints): ``groups = {name = {tables = [...], description = "..."}}``,
    or a list of ``{name, tables, description}``; entries of another shape are left out."""
    raw = data.get("groups") or data.get("viewpoints") or {}
    out = []
    if isinstance(raw, Mapping):
        items = sorted(raw.items())
    else:  # list of {name, tables, description}
        items = [(g.get("name", ""), g) for g in raw if isinstance(g, Mapping)]
    for name, g in items:
        if isinstance(g, Mapping):
            out.append(Group(str(name), tuple(str(x) for x in g.get("tables", ())), str(g.get("description", "") or "")))
        elif isinstance(g, (list, tuple)):
            out.append(Group(str(name), tuple(str(x) for x in g), ""))
    return tuple(out)


def _manual_pages(raw: Any, bad) -> tuple[str, ...]:
    """``[pages] manual``: a list of non-empty strings (tables or page paths)."""
    if not isinstance(raw, dict):
        raise bad("`pages` must be a table: [pages] manual = [\"users\", \"index.md\"]")
    for key in raw:
        if key not in PAGES_KEYS:
            raise bad(f"unknown key {key!r} in `pages`; valid keys: {_valid_list(PAGES_KEYS)}")
    manual = raw.get("manual", [])
    if not isinstance(manual, list) or not all(isinstance(m, str) and m.strip() for m in manual):
        raise bad("`pages.manual` must be a list of table names or page paths (non-empty strings)")
    return tuple(m.strip() for m in manual)


def load_settings(root: Path) -> Settings:
    """Read and validate a project's settings (the raw text is not kept)."""
    data, source = read_settings(root)
    return validate(data, source)


def apply_settings(project: Project, out_given: bool = False) -> Project:
    """``project`` with its validated ``settings`` (and ``out`` from the settings unless --out was given)."""
    settings = load_settings(Path(project.root))
    changes: dict[str, Any] = {"settings": settings}
    big = too_large(Path(project.root) / "package.json", json_max())
    if big:
        from drizzle_doc.model import WARNING, Diagnostic

        changes["diagnostics"] = (*project.diagnostics, Diagnostic(WARNING, "package.json", None,
                                  big.replace("skipped", "not read for drizzle-doc settings"), None, "file-too-large"))
    if settings.out and not out_given:
        changes["out"] = settings.out.replace("\\", "/").rstrip("/") or "."
        changes["out_source"] = settings.source or "settings"
    return replace(project, **changes)


def with_overrides(settings: Settings, *, require_descriptions: Optional[bool] = None,
                   rules: Mapping[str, str] = {}) -> Settings:
    """CLI flags over file settings."""
    table = dict(settings.rules)
    for name, level in rules.items():
        if name not in RULE_DEFAULTS:
            raise ConfigError(f"unknown rule {name!r}; valid rules: {_valid_list(RULES)}")
        if level not in LEVELS:
            raise ConfigError(f"rule {name!r}: level must be one of {_valid_list(LEVELS)}")
        table[name] = level
    req = settings.require_descriptions if require_descriptions is None else require_descriptions
    return replace(settings, rules=tuple(table.items()), require_descriptions=req)
