"""How a project's own code names its schema files: tsconfig path aliases and its package name.

A page's examples import the tables the way the project's code would: ``@/db/schema`` where
tsconfig.json maps ``@/*`` to ``./src/*``, ``@acme/db`` where the project is a package whose
``exports`` (or ``main``/``module``/``types``) name the file, else a path from the project root.
:func:`import_rules` reads those mappings once per project (into ``Project.imports``);
:func:`module_specifier` applies them to one file.  Both only read; neither resolves a module.
"""

from __future__ import annotations

import json
import posixpath
import re
from pathlib import Path
from typing import Optional

#: A rule: (specifier pattern, root-relative target pattern); either holds at most one ``*``.
Rule = tuple[str, str]
_EXTENSIONS = (".ts", ".mts", ".cts", ".tsx", ".js", ".mjs")
MAX_BYTES = 1 << 20


def _read_json(path: Path) -> Optional[dict]:
    try:
        if not path.is_file() or path.stat().st_size > MAX_BYTES:
            return None
        text = path.read_text(encoding="utf-8", errors="replace")
    except OSError:
        return None
    # tsconfig.json is JSON with comments and trailing commas
    text = re.sub(r'("(?:\\.|[^"\\])*")|//[^\n]*|/\*[\s\S]*?\*/', lambda m: m.group(1) or "", text)
    text = re.sub(r",(\s*[}\]])", r"\1", text)
    try:
        data = json.loads(text)
    except (ValueError, RecursionError):
        return None
    return data if isinstance(data, dict) else None


def _norm(rel: str) -> Optional[str]:
    """A root-relative posix path, or None where it leaves the root."""
    p = posixpath.normpath(rel.replace("\\", "/"))
    if p.startswith("../") or p == ".." or posixpath.isabs(p):
        return None
    return "" if p == "." else p


def import_rules(root: Path) -> tuple[Rule, ...]:
    """The project's ways to name its files: the package's own name first (its ``exports`` subpaths,
    else ``main``/``module``/``types``: how the rest of a workspace imports it), then tsconfig
    ``paths`` (longest prefix first)."""
    rules: list[Rule] = []
    pkg_rules: list[Rule] = []
    ts = _read_json(root / "tsconfig.json") or {}
    options = ts.get("compilerOptions") if isinstance(ts.get("compilerOptions"), dict) else {}
    base = options.get("baseUrl") if isinstance(options.get("baseUrl"), str) else "."
    paths = options.get("paths") if isinstance(options.get("paths"), dict) else {}
    for pattern, targets in sorted(paths.items(), key=lambda kv: -len(kv[0].partition("*")[0])):
        if not isinstance(pattern, str) or pattern.count("*") > 1 or not isinstance(targets, list):
            continue
        for target in targets[:1]:  # the first target is where TypeScript looks first
            if isinstance(target, str) and target.count("*") == pattern.count("*"):
                rel = _norm(posixpath.join(base, target))
                if rel is not None:
                    rules.append((pattern, rel))
    pkg = _read_json(root / "package.json") or {}
    name = pkg.get("name")
    if isinstance(name, str) and re.fullmatch(r"(@[\w.-]+/)?[\w.-]+", name):
        exports = pkg.get("exports")
        entries: list[tuple[str, str]] = []
        if isinstance(exports, str):
            entries.append((".", exports))
        elif isinstance(exports, dict):
            for sub, target in exports.items():
                if isinstance(target, dict):  # conditions: the TypeScript-facing one
                    target = next((target[c] for c in ("types", "import", "default", "require")
                                   if isinstance(target.get(c), str)), None)
                if isinstance(sub, str) and sub.startswith(".") and isinstance(target, str):
                    entries.append((sub, target))
        else:
            for key in ("types", "module", "main"):
                if isinstance(pkg.get(key), str):
                    entries.append((".", pkg[key]))
                    break
        for sub, target in entries:
            rel = _norm(target)
            if rel is not None and sub.count("*") == target.count("*") <= 1:
                pkg_rules.append((name + sub[1:], rel))
    return tuple(pkg_rules + rules)


def _strip_ext(path: str) -> str:
    for ext in _EXTENSIONS:
        if path.endswith(ext):
            return path[: -len(ext)]
    return path


def module_specifier(file: str, rules: tuple[Rule, ...] = ()) -> str:
    """How code names ``file`` (root-relative): by the first rule that maps to it, else ``./file``
    without its extension (as from a module at the project root)."""
    stem = _strip_ext(file)
    for spec, target in rules:
        t_stem = _strip_ext(target)
        if "*" not in target:
            if stem == t_stem or (t_stem.endswith("/index") and stem == t_stem) or stem + "/index" == t_stem:
                return spec
            continue
        prefix, _, suffix = t_stem.partition("*")
        if stem.startswith(prefix) and stem.endswith(suffix) and len(stem) >= len(prefix) + len(suffix):
            middle = stem[len(prefix): len(stem) - len(suffix)] if suffix else stem[len(prefix):]
            if middle.endswith("/index"):
                middle = middle[: -len("/index")]
            s_prefix, _, s_suffix = spec.partition("*")
            return _strip_ext(s_prefix + middle + s_suffix)
    return stem if stem.startswith("../") else "./" + stem  # a workspace package's file: ../../x
