"""Shared, generic test helpers (paths and the optional Node oracle)."""

from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path
from typing import Optional

REPO = Path(__file__).resolve().parent.parent
FIXTURES = REPO / "fixtures"
ORACLE_DIR = REPO / "tests" / "oracle"

# generate's cache of clean runs (drizzle_doc.perf.cache) goes to a folder of this test
# session, never to ~/.cache; subprocesses inherit it.
os.environ["DRIZZLE_DOC_CACHE_DIR"] = tempfile.mkdtemp(prefix="drizzle-doc-test-cache-")


def oracle_bin() -> Optional[Path]:
    """The pinned drizzle-kit (tests/oracle/node_modules/.bin/drizzle-kit), or None when it
    or node is missing (install with `npm ci --prefix tests/oracle`)."""
    path = ORACLE_DIR / "node_modules" / ".bin" / "drizzle-kit"
    if shutil.which("node") is None or not path.exists():
        return None
    return path
