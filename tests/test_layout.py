"""The package's map holds: each folder imports only the layers below it (CONTRIBUTING.md).

Read from the source with ``ast`` (imports inside functions count too), so a new import that
breaks the one-way flow fails here, naming the module and the import.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

PKG = Path(__file__).resolve().parent.parent / "drizzle_doc"

# folder -> the drizzle_doc folders (or top-level modules) it must never import
FORBIDDEN = {
    "model": {"ts", "drizzle", "dialects", "history", "docs", "lint", "output", "perf", "project", "commands", "cli", "site"},
    "ts": {"drizzle", "dialects", "history", "docs", "lint", "output", "perf", "project", "commands", "cli", "site"},
    "drizzle": {"dialects", "history", "docs", "lint", "output", "perf", "commands", "cli", "site"},
    "dialects": {"history", "docs", "lint", "output", "perf", "project", "commands", "cli", "site"},
    "history": {"docs", "lint", "output", "perf", "commands", "cli", "site"},
    "docs": {"perf", "commands", "cli", "site"},
    "lint": {"docs", "perf", "commands", "cli", "history", "site"},
    "output": {"docs", "perf", "commands", "cli", "site"},
    "project": {"history", "docs", "lint", "output", "perf", "commands", "cli", "site"},
    "perf": {"commands", "cli", "site"},
    "site": {"perf", "commands", "cli", "lint", "output"},
    "commands": {"cli"},
}


def _imports(path: Path) -> list[tuple[int, str]]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.append((node.lineno, node.module))
        elif isinstance(node, ast.Import):
            found += [(node.lineno, a.name) for a in node.names]
    return [(line, name) for line, name in found if name.split(".")[0] == "drizzle_doc"]


def _layer(module: str) -> str:
    parts = module.split(".")
    return parts[1] if len(parts) > 1 else ""


@pytest.mark.parametrize("folder", sorted(FORBIDDEN))
def test_each_folder_imports_only_the_layers_below_it(folder):
    broken = []
    for path in sorted((PKG / folder).rglob("*.py")):
        for line, module in _imports(path):
            if _layer(module) in FORBIDDEN[folder]:
                broken.append(f"{path.relative_to(PKG.parent)}:{line} imports {module}")
    assert not broken, "\n".join(broken)


def test_only_the_postgres_dialect_imports_pglast():
    users = []
    for path in sorted(PKG.rglob("*.py")):
        text = path.read_text(encoding="utf-8")
        if "import pglast" in text or "from pglast" in text:
            users.append(path.relative_to(PKG).as_posix())
    assert users and all(u.startswith("dialects/postgres/") for u in users), users


def test_only_the_mysql_and_sqlite_dialects_import_sqlglot():
    """sqlglot reads MySQL and SQLite migrations: it lives in their folders and the reader they share
    (``dialects/sqlglot_ddl.py`` and its tokens, ``dialects/sqlglot_tokens.py``)."""
    users = []
    for path in sorted(PKG.rglob("*.py")):
        text = path.read_text(encoding="utf-8")
        if re.search(r"^\s*(import sqlglot|from sqlglot)", text, re.M):
            users.append(path.relative_to(PKG).as_posix())
    allowed = ("dialects/mysql/", "dialects/sqlite/", "dialects/sqlglot_ddl.py", "dialects/sqlglot_tokens.py")
    assert users and all(u.startswith(allowed) for u in users), users
    # a history drizzle-kit made alone (snapshots) never loads it: only the readers' ddl modules do
    assert not [u for u in users if u.endswith(("/__init__.py", "/sql.py"))], users


def test_every_module_says_what_it_owns():
    missing = [p.relative_to(PKG).as_posix() for p in sorted(PKG.rglob("*.py"))
               if p.name != "__main__.py" and not ast.get_docstring(ast.parse(p.read_text(encoding="utf-8")))]
    assert not missing, missing


def test_only_commands_name_a_particular_dialect():
    """Every other layer asks the project's Dialect (``drizzle_doc.dialects`` / ``dialects.base``);
    ``dialects/postgres`` and its like are imported only by the registry, themselves and commands."""
    broken = []
    for path in sorted(PKG.rglob("*.py")):
        rel = path.relative_to(PKG).as_posix()
        if rel.startswith(("dialects/", "commands/")) or rel == "cli.py":
            continue
        for line, module in _imports(path):
            parts = module.split(".")
            if len(parts) > 2 and parts[1] == "dialects" and parts[2] not in ("base",):
                broken.append(f"{rel}:{line} imports {module}")
    assert not broken, "\n".join(broken)
