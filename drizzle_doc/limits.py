"""Size limits on what drizzle-doc reads: a hostile or broken repository costs bounded time and memory.

* a models source file (``.ts`` …) over ``max-file-size`` (default 2 MB), or with more tokens
  than a quarter of it, is skipped with a diagnostic, never parsed (see :func:`too_dense`);
* a JSON input (tsconfig.json, package.json, drizzle.config.json, the journal) over 5 MB, or over
  ``max-file-size`` if that is larger, is ignored with a diagnostic; snapshots and migration SQL,
  which drizzle-kit writes and which grow with the schema, may be 64 MB (or ``max-file-size``);
* one SQL statement over 1 MB, or with a block comment nested deeper than 100 or not closed, is
  not handed to the SQL parser (see :func:`drizzle_doc.dialects.postgres.sqlscan.prescan`).

``max-file-size`` is set in drizzle-doc.toml (bytes, or a string such as ``"4MB"``) or, winning
over it, the environment variable ``DRIZZLE_DOC_MAX_FILE_SIZE``.
"""

from __future__ import annotations

import os
import re
from pathlib import Path
from typing import TYPE_CHECKING, Any, Optional

if TYPE_CHECKING:
    from drizzle_doc.project.settings import Settings

ENV = "DRIZZLE_DOC_MAX_FILE_SIZE"
KEY = "max-file-size"
MB = 1024 * 1024
DEFAULT_MAX_FILE_SIZE = 2 * MB
JSON_MAX = 5 * MB
MIGRATION_MAX = 64 * MB
MAX_SQL_STATEMENT = 1 * MB
MAX_COMMENT_DEPTH = 100
#: A message shows at most this many characters of input (and never a line break).
SNIPPET = 200

_SIZE = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*(b|kb|k|kib|mb|m|mib|gb|g|gib)?\s*$", re.I)
_UNIT = {"": 1, "b": 1, "k": 1024, "kb": 1024, "kib": 1024, "m": MB, "mb": MB, "mib": MB,
         "g": 1024 * MB, "gb": 1024 * MB, "gib": 1024 * MB}


def parse_size(value: Any) -> Optional[int]:
    """Bytes from ``2097152``, ``"2MB"``, ``"512 KB"`` …; None when it is not a positive size."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value if value > 0 else None
    if isinstance(value, str):
        m = _SIZE.match(value)
        if m:
            n = int(float(m.group(1)) * _UNIT[(m.group(2) or "").lower()])
            return n if n > 0 else None
    return None


def human(n: int) -> str:
    """``2 MB``, ``10.5 MB``, ``512 KB``, ``700 bytes``."""
    if n >= MB:
        return f"{n / MB:.3g} MB"
    if n >= 1024:
        return f"{n / 1024:.3g} KB"
    return f"{n} bytes"


def max_file_size(settings: Optional[Settings] = None) -> int:
    """The models file limit: $DRIZZLE_DOC_MAX_FILE_SIZE, else drizzle-doc.toml's ``max-file-size``,
    else 2 MB.  (A bad environment value is ignored: the settings check reports a bad key.)"""
    env = parse_size(os.environ.get(ENV, ""))
    if env is not None:
        return env
    value = settings.max_file_size if settings is not None else None
    return value if value is not None else DEFAULT_MAX_FILE_SIZE


def json_max(settings: Optional[Settings] = None) -> int:
    return max(JSON_MAX, max_file_size(settings))


def migration_max(settings: Optional[Settings] = None) -> int:
    return max(MIGRATION_MAX, max_file_size(settings))


def too_large(path: Path, limit: int) -> Optional[str]:
    """A diagnostic message when ``path`` is over ``limit`` bytes, else None (also when unreadable)."""
    try:
        size = path.stat().st_size
    except OSError:
        return None
    if size <= limit:
        return None
    return (f"file is {human(size)}, over the {human(limit)} limit: skipped (raise it with `{KEY}` in drizzle-doc.toml or ${ENV})")


_TOKEN = re.compile(rb"[\w$]+|[^\w\s]")


def too_dense(source: bytes, limit: int) -> Optional[str]:
    """A diagnostic message when ``source`` has more than ``limit / 4`` tokens, else None.

    A syntax tree costs about 200 bytes a node and a node is about a token: real models code
    has one token every 3.5 bytes, ``[1,1,1,…]`` one a byte, so the byte limit alone would let a
    dense file under it take over 400 MB."""
    budget = limit // 4
    if len(source) <= budget:
        return None
    tokens = 0
    for at in range(0, len(source), 1 << 16):  # in pieces: subn keeps a list as long as its matches
        tokens += _TOKEN.subn(b"", source[at : at + (1 << 16)])[1]
        if tokens > budget:
            break
    if tokens <= budget:
        return None
    return (f"file has over {budget:,} tokens, the most a {human(limit)} limit allows: skipped "
            f"(raise it with `{KEY}` in drizzle-doc.toml or ${ENV})")


def snippet(text: str, limit: int = SNIPPET) -> str:
    """The first line of ``text``, at most ``limit`` characters (``…`` when cut): what a message may echo."""
    first, nl, _ = text.strip().partition("\n")
    first = first.rstrip("\r")
    if len(first) > limit:
        return first[: limit - 1] + "…"
    return first + ("…" if nl else "")
