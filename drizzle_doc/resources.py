"""Locate files shipped with the package (tree-sitter queries, jinja templates).

In a wheel they live inside the package (``drizzle_doc/grammars``,
``drizzle_doc/templates``: pyproject force-includes them); in a source checkout
or an editable install they are the top-level ``grammars/`` and ``templates/``.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

_PKG = Path(__file__).resolve().parent


@lru_cache(maxsize=None)
def resource_dir(name: str) -> Path:
    for candidate in (_PKG / name, _PKG.parent / name):
        if candidate.is_dir():
            return candidate
    raise FileNotFoundError(f"drizzle-doc is installed without its {name}/ folder")


def grammar_path(name: str) -> Path:
    return resource_dir("grammars") / name


def templates_dir() -> Path:
    return resource_dir("templates")
