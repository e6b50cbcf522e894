"""drizzle-doc's own settings: ``drizzle-doc.toml`` or a ``"drizzle-doc"`` key in package.json.

Looked up at the project root (the folder of ``drizzle.config.*``).  When both
exist the TOML file wins and package.json's key must be absent (two sources of
truth would drift).  CLI flags override what is read here.

Every key is checked: an unknown key or a bad value raises
:class:`~drizzle_doc.errors.ConfigError` (exit code 2) naming the valid ones.

Example ``drizzle-doc.toml``::

    out = "docs/data/schemas"
    require_descriptions = false
    min-coverage = 80       # description coverage (percent) below which check fails

    [rules]                 # rule = "error" | "warning" | "off", or a table of options
    uuid-pk = "error"
    fk-index = { level = "error", exclude = ["audit_*"] }   # exclude: table names or globs

    [rules.column-count]    # options beyond level and exclude: see RULE_OPTIONS
    level = "warning"
    max = 40

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
import re
import sys
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any, Mapping, Optional

from drizzle_doc.errors import ConfigError
from drizzle_doc.limits import json_max, parse_size, too_large
from drizzle_doc.project.keylines import KeyLines, json_key_lines, line_of, toml_key_lines

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

#: Every rule and its default level (the README's "Lint rules" documents each).  The first
#: three are the spec's assumptions; they and ``descriptions`` are warnings until a project
#: turns them up (``init --strict``, ``check --strict``), so ``check`` passes on a first run.
RULE_DEFAULTS: dict[str, str] = {
    "uuid-pk": WARNING,
    "timestamps": WARNING,
    "fk-enforced": WARNING,
    "fk-index": WARNING,
    "descriptions": WARNING,
    "primary-key": OFF,
    "require-columns": OFF,
    "duplicate-relations": WARNING,
    "unrelated-tables": OFF,
    "column-count": OFF,
    "name-pattern": OFF,
}
RULES = tuple(RULE_DEFAULTS)
#: What each rule asks, one line (``init`` writes these beside the levels).
RULE_HELP: dict[str, str] = {
    "uuid-pk": "assumption 1: every table has a UUID primary key",
    "timestamps": "assumption 2: every table has the `columns` (default createdAt, updatedAt)",
    "fk-enforced": "assumption 3: every relations() relationship is backed by a foreign key",
    "fk-index": "every foreign key's columns lead an index or the primary key (tbls requireForeignKeyIndex)",
    "descriptions": "tables and columns have a JSDoc description, one finding per table",
    "primary-key": "every table has a primary key",
    "require-columns": "every table has the `columns` listed (tbls requireColumns)",
    "duplicate-relations": "no two foreign keys or relations() say the same (tbls duplicateRelations)",
    "unrelated-tables": "every table has a foreign key or relation in or out (tbls unrelatedTable)",
    "column-count": "no table has more than `max` columns (tbls columnCount)",
    "name-pattern": "table and column names match the `tables` / `columns` regular expressions",
}
#: The rules ``--strict`` makes errors: the spec's three assumptions and descriptions.
STRICT_RULES = ("uuid-pk", "timestamps", "fk-enforced", "descriptions")

SNAKE_CASE = "[a-z][a-z0-9_]*"
#: Each rule's options beyond ``level`` and ``exclude``: option -> (kind, default).  Kinds:
#: ``bool``; ``count`` (a positive integer); ``regex`` (the whole name must match);
#: ``names`` (a list of names or globs); ``columns`` (a list of column names, each a string
#: or ``{ name = "...", exclude = [tables] }``; matched to a column's key or SQL name,
#: ignoring case and underscores).
RULE_OPTIONS: dict[str, dict[str, tuple[str, Any]]] = {
    "timestamps": {"columns": ("columns", (("createdAt", ()), ("updatedAt", ())))},
    "require-columns": {"columns": ("columns", ())},
    "descriptions": {"tables": ("bool", True), "columns": ("bool", True), "exclude-columns": ("names", ())},
    "column-count": {"max": ("count", 50)},
    "name-pattern": {"tables": ("regex", SNAKE_CASE), "columns": ("regex", SNAKE_CASE)},
}
RULE_KEYS = ("level", "exclude")  # every rule's table takes these

#: Top-level keys and what they hold (shown when a key is unknown).
KNOWN_KEYS: dict[str, str] = {
    "out": "docs folder relative to the project root (string)",
    "require_descriptions": "treat a missing table/column description as an error (boolean)",
    "rules": "rule -> \"error\" | \"warning\" | \"off\", or {level, exclude, options} (table)",
    "exceptions": "rule -> {table = reason} (table of tables)",
    "min-coverage": "description coverage (percent, 0-100) below which check reports an error",
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
class RuleConfig:
    """A rule's per-table excludes and options, as written (validated; defaults not filled in)."""

    exclude: tuple[str, ...] = ()  # table names, schema.name keys, TS variables or globs of them
    options: tuple[tuple[str, Any], ...] = ()  # option -> value (see RULE_OPTIONS)


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
    rule_config: tuple[tuple[str, RuleConfig], ...] = ()  # rules given excludes or options
    min_coverage: Optional[float] = None  # percent; None: no threshold
    # key path -> line in the settings file (package.json: below its "drizzle-doc" key)
    key_lines: tuple[tuple[tuple[str, ...], int], ...] = field(default=(), compare=False)

    def level(self, rule: str) -> str:
        for name, level in self.rules:
            if name == rule:
                return level
        return OFF

    def config(self, rule: str) -> RuleConfig:
        for name, cfg in self.rule_config:
            if name == rule:
                return cfg
        return RuleConfig()

    def exclude(self, rule: str) -> tuple[str, ...]:
        """The tables (names or globs) ``rule`` leaves out."""
        return self.config(rule).exclude

    def option(self, rule: str, key: str) -> Any:
        """An option of ``rule`` as set, else its default (see RULE_OPTIONS)."""
        for name, value in self.config(rule).options:
            if name == key:
                return value
        return RULE_OPTIONS[rule][key][1]

    def line_of(self, *path: str) -> Optional[int]:
        """The line ``path`` (or its nearest written parent) is on in the settings file, if known."""
        return line_of(dict(self.key_lines), path)


def _valid_list(names) -> str:
    return ", ".join(names)


def read_settings(root: Path) -> tuple[dict, Optional[str]]:
    """The raw settings dict of a project root and where it came from (``({}, None)`` when none)."""
    data, source, _ = read_settings_text(root)
    return data, source


def read_settings_text(root: Path) -> tuple[dict, Optional[str], KeyLines]:
    """:func:`read_settings`, and the line every key is written on (for errors that name it)."""
    root = Path(root)
    toml_path = root / TOML_NAME
    pkg_path = root / "package.json"
    pkg_data: Any = None
    pkg_text = ""
    if pkg_path.is_file() and not too_large(pkg_path, json_max()):  # a larger one: a warning (apply_settings)
        try:
            pkg_text = pkg_path.read_text(encoding="utf-8")
            pkg_data = json.loads(pkg_text)
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
            text = toml_path.read_text(encoding="utf-8")
            data = tomllib.loads(text)
        except (OSError, UnicodeDecodeError) as exc:
            raise ConfigError(f"{toml_path}: cannot read: {exc}") from None
        except tomllib.TOMLDecodeError as exc:
            raise ConfigError(f"{toml_path}: not valid TOML: {exc}") from None
        return data, TOML_NAME, toml_key_lines(text)
    if in_pkg:
        data = pkg_data[PACKAGE_KEY]
        if not isinstance(data, dict):
            raise ConfigError(f"{pkg_path}: \"{PACKAGE_KEY}\" must be an object")
        lines = {path[1:]: line for path, line in json_key_lines(pkg_text).items()
                 if len(path) > 1 and path[0] == PACKAGE_KEY}
        return data, "package.json", lines
    return {}, None, {}


def validate(data: Mapping[str, Any], source: Optional[str] = None, lines: KeyLines = {}) -> Settings:
    """Check every key and value of a raw settings dict; raise ConfigError on the first problem.

    ``lines``: where each key is written (:func:`read_settings_text`), so the error names the
    line (``drizzle-doc.toml:7: unknown rule ...``)."""
    where = source or "settings"

    def bad(msg: str, *path: str) -> ConfigError:
        line = line_of(lines, path) if path else None
        return ConfigError(f"{where}:{line}: {msg}" if line else f"{where}: {msg}")

    for key in data:
        if key not in KNOWN_KEYS:
            raise bad(f"unknown key {key!r}; valid keys: {_valid_list(KNOWN_KEYS)}", key)
    out = data.get("out")
    if out is not None and (not isinstance(out, str) or not out.strip()):
        raise bad("`out` must be a non-empty string", "out")
    req = data.get("require_descriptions", False)
    if not isinstance(req, bool):
        raise bad("`require_descriptions` must be true or false", "require_descriptions")
    st = data.get("split_threshold")
    if st is not None and (isinstance(st, bool) or not isinstance(st, int) or st < 1):
        raise bad("`split_threshold` must be a positive integer", "split_threshold")
    if "kit" in data and data["kit"] not in ("0", "1"):
        raise bad("`kit` must be \"0\" (drizzle-kit 0.x) or \"1\" (drizzle-kit 1.0)", "kit")
    if "max-file-size" in data and parse_size(data["max-file-size"]) is None:
        raise bad("`max-file-size` must be a positive size in bytes or a string such as \"4MB\"", "max-file-size")
    mc = data.get("min-coverage")
    if mc is not None and (isinstance(mc, bool) or not isinstance(mc, (int, float)) or not 0 <= mc <= 100):
        raise bad(f"`min-coverage` must be a percentage from 0 to 100, not {mc!r}", "min-coverage")
    for g in ("groups", "viewpoints"):
        if g in data and not isinstance(data[g], (dict, list)):
            raise bad(f"`{g}` must be a table (name -> {{tables = [...], description = \"...\"}})", g)

    manual = _manual_pages(data.get("pages", {}), bad)
    rules, rule_config = _rules(data.get("rules", {}), bad)

    exceptions: list[ConfiguredException] = []
    raw_exc = data.get("exceptions", {})
    if not isinstance(raw_exc, dict):
        raise bad("`exceptions` must be a table: [exceptions.RULE] TABLE = \"reason\"", "exceptions")
    for rule, tables in raw_exc.items():
        if rule not in RULE_DEFAULTS:
            raise bad(f"unknown rule {rule!r} in `exceptions`; valid rules: {_valid_list(RULES)}",
                      "exceptions", rule)
        if not isinstance(tables, dict):
            raise bad(f"`exceptions.{rule}` must be a table of TABLE = \"reason\"", "exceptions", rule)
        for table, reason in tables.items():
            if not isinstance(reason, str) or not reason.strip():
                raise bad(f"exception {rule} for {table!r} needs a reason (a non-empty string)",
                          "exceptions", rule, table)
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
        rule_config=rule_config,
        min_coverage=float(mc) if mc is not None else None,
        key_lines=tuple(sorted(lines.items())),
    )


def _rules(raw: Any, bad) -> tuple[dict[str, str], tuple[tuple[str, RuleConfig], ...]]:
    """``[rules]``: each rule a level, or a table of ``level``, ``exclude`` and its options.

    A table without ``level`` keeps the rule's default level, except that a rule off by
    default is turned on as a warning (giving it options says it is wanted)."""
    levels = dict(RULE_DEFAULTS)
    configs: list[tuple[str, RuleConfig]] = []
    if not isinstance(raw, dict):
        raise bad("`rules` must be a table of rule = \"error\" | \"warning\" | \"off\"", "rules")
    for name, value in raw.items():
        if name not in RULE_DEFAULTS:
            raise bad(f"unknown rule {name!r} in `rules`; valid rules: {_valid_list(RULES)}", "rules", name)
        if not isinstance(value, dict):
            if value not in LEVELS:
                raise bad(f"rule {name!r}: level must be one of {_valid_list(LEVELS)}, not {value!r}",
                          "rules", name)
            levels[name] = value
            continue
        specs = RULE_OPTIONS.get(name, {})
        for key in value:
            if key not in RULE_KEYS and key not in specs:
                raise bad(f"rule {name!r}: unknown option {key!r}; valid options: "
                          f"{_valid_list((*RULE_KEYS, *specs))}", "rules", name, key)
        level = value.get("level", RULE_DEFAULTS[name] if RULE_DEFAULTS[name] != OFF else WARNING)
        if level not in LEVELS:
            raise bad(f"rule {name!r}: level must be one of {_valid_list(LEVELS)}, not {level!r}",
                      "rules", name, "level")
        levels[name] = level
        exclude = _names(value.get("exclude", []), f"rule {name!r}: `exclude`", bad, "rules", name, "exclude")
        options = tuple((key, _option(name, key, kind, value[key], bad))
                        for key, (kind, _) in specs.items() if key in value)
        if exclude or options:
            configs.append((name, RuleConfig(exclude, options)))
    return levels, tuple(configs)


def _names(raw: Any, what: str, bad, *path: str) -> tuple[str, ...]:
    if not isinstance(raw, list) or not all(isinstance(x, str) and x.strip() for x in raw):
        raise bad(f"{what} must be a list of names or globs (non-empty strings)", *path)
    return tuple(x.strip() for x in raw)


def _option(rule: str, key: str, kind: str, raw: Any, bad) -> Any:
    """One rule option, checked against its kind (see RULE_OPTIONS)."""
    what, path = f"rule {rule!r}: `{key}`", ("rules", rule, key)
    if kind == "bool":
        if not isinstance(raw, bool):
            raise bad(f"{what} must be true or false", *path)
        return raw
    if kind == "count":
        if isinstance(raw, bool) or not isinstance(raw, int) or raw < 1:
            raise bad(f"{what} must be a positive integer, not {raw!r}", *path)
        return raw
    if kind == "regex":
        if not isinstance(raw, str):
            raise bad(f"{what} must be a regular expression (a string)", *path)
        try:
            re.compile(raw)
        except re.error as exc:
            raise bad(f"{what} is not a valid regular expression: {exc}", *path) from None
        return raw
    if kind == "names":
        return _names(raw, what, bad, *path)
    # columns: [name or {name, exclude}]
    if not isinstance(raw, list):
        raise bad(f"{what} must be a list of column names or {{ name = \"...\", exclude = [...] }}", *path)
    out = []
    for item in raw:
        if isinstance(item, str) and item.strip():
            out.append((item.strip(), ()))
            continue
        if not isinstance(item, dict) or not isinstance(item.get("name"), str) or not item["name"].strip():
            raise bad(f"{what}: each column is a name or {{ name = \"...\", exclude = [...] }}, not {item!r}", *path)
        extra = sorted(set(item) - {"name", "exclude"})
        if extra:
            raise bad(f"{what}: unknown key {extra[0]!r} in a column; valid keys: name, exclude", *path)
        out.append((item["name"].strip(), _names(item.get("exclude", []), f"{what}: `exclude`", bad, *path)))
    return tuple(out)


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
        raise bad("`pages` must be a table: [pages] manual = [\"users\", \"index.md\"]", "pages")
    for key in raw:
        if key not in PAGES_KEYS:
            raise bad(f"unknown key {key!r} in `pages`; valid keys: {_valid_list(PAGES_KEYS)}", "pages", key)
    manual = raw.get("manual", [])
    if not isinstance(manual, list) or not all(isinstance(m, str) and m.strip() for m in manual):
        raise bad("`pages.manual` must be a list of table names or page paths (non-empty strings)",
                  "pages", "manual")
    return tuple(m.strip() for m in manual)


def load_settings(root: Path) -> Settings:
    """Read and validate a project's settings (the raw text is not kept)."""
    data, source, lines = read_settings_text(root)
    return validate(data, source, lines)


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
                   rules: Mapping[str, str] = {}, strict: bool = False) -> Settings:
    """CLI flags over file settings: ``strict`` makes STRICT_RULES errors, then ``rules`` (``--rule``) apply."""
    table = dict(settings.rules)
    if strict:
        table.update((name, ERROR) for name in STRICT_RULES)
    for name, level in rules.items():
        if name not in RULE_DEFAULTS:
            raise ConfigError(f"unknown rule {name!r}; valid rules: {_valid_list(RULES)}")
        if level not in LEVELS:
            raise ConfigError(f"rule {name!r}: level must be one of {_valid_list(LEVELS)}")
        table[name] = level
    req = settings.require_descriptions if require_descriptions is None else require_descriptions
    return replace(settings, rules=tuple(table.items()), require_descriptions=req)
