"""Shared, generic test helpers (paths and the optional Node oracle)."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Optional

REPO = Path(__file__).resolve().parent.parent
FIXTURES = REPO / "fixtures"
ORACLE_DIR = REPO / "tests" / "oracle"


def oracle_bin() -> Optional[Path]:
    """The pinned drizzle-kit (tests/oracle/node_modules/.bin/drizzle-kit), or None when it
    or node is missing (install with `npm ci --prefix tests/oracle`)."""
    path = ORACLE_DIR / "node_modules" / ".bin" / "drizzle-kit"
    if shutil.which("node") is None or not path.exists():
        return None
    return path
