"""Pages of the docs folder known to be current, without reading them.

``generate`` and ``check`` merge each rendered page into the file on disk and compare.  A page whose
rendered text is the same as last time (its digest), in a file that is the very file the last run
wrote or found current (same size, mtime and inode, with an mtime older than that run by more than
the racy margin of :mod:`drizzle_doc.perf.store`), would merge into itself again: merging is
idempotent, so the file is current and need not be read.  Any other page is read and merged as
always.  The record is kept per docs folder (:mod:`drizzle_doc.perf.store`, signed), only for
pages whose last status was *unchanged* or *written* (never a skipped, damaged or hand-written one).
"""

from __future__ import annotations

import hashlib
import os
import stat as stat_mod
from pathlib import Path
from typing import TYPE_CHECKING, Mapping, Optional

if TYPE_CHECKING:
    from drizzle_doc.project import Project


def _text_digest(text: str) -> str:
    return hashlib.blake2b(text.encode("utf-8", "surrogatepass"), digest_size=16).hexdigest()


def _stat(path: Path) -> Optional[tuple[int, int, int]]:
    try:
        st = os.lstat(path)
    except (OSError, ValueError):
        return None
    return (st.st_size, st.st_mtime_ns, st.st_ino) if stat_mod.S_ISREG(st.st_mode) else None


def for_run(project: Project, out: Path, schema, pages, use_cache: bool) -> "Optional[DocsState]":
    """The record of ``out`` for this run, or None: with the cache, pages made whole (not rendered
    when read) and a project run before (:func:`drizzle_doc.perf.extract.known_table_digests`: a
    first run, a fresh clone in CI, would only pay for the record)."""
    from drizzle_doc.perf.extract import known_table_digests

    if not use_cache or not getattr(pages, "whole", False) or known_table_digests(schema) is None:
        return None
    return DocsState(project, out)


class DocsState:
    """The record of one docs folder: ``known(rel, path, text)`` says whether a page is current
    without reading it; ``record(files, pages)`` keeps what this run found."""

    def __init__(self, project: Project, out: Path) -> None:
        from drizzle_doc.perf import cache, store

        self._folder = cache.cache_dir(project)
        self._name = "docs-" + store.name_of(cache.entry_name("docs", project), str(Path(out).absolute()))
        self._out = Path(out)
        entry = store.load(self._folder, self._name)
        self._pages: dict = entry if isinstance(entry, dict) else {}
        self._started = store.now_ns()
        self.known_count = 0

    def known(self, rel: str, path: Path, text: str) -> bool:
        was = self._pages.get(rel)
        if not isinstance(was, tuple) or len(was) != 2 or was[1] is None:
            return False
        if _stat(path) != was[1] or _text_digest(text) != was[0]:
            return False
        self.known_count += 1
        return True

    def record(self, files, pages: Mapping[str, str], written: bool = True) -> None:
        """Keep this run's *unchanged* pages and, when it wrote them (``written``: ``generate``, not
        ``check``), its *written* ones (``files``: the run's ``PlannedFile`` s), each with the digest
        of its rendered text and, when old enough to be trusted, the stat of its file."""
        from drizzle_doc.docs.write import UNCHANGED, WRITTEN
        from drizzle_doc.perf import store

        trusted_before = self._started - store.RACY_NS
        kept: dict = {}
        for f in files:
            if not (f.status == UNCHANGED or written and f.status == WRITTEN) or f.path not in pages:
                continue
            st = _stat(self._out / f.path)
            kept[f.path] = (_text_digest(pages[f.path]), st if st is not None and st[1] < trusted_before else None)
        if kept != self._pages:
            store.save(self._folder, self._name, kept)
