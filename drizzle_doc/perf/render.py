"""Table pages on two cores and, for a large schema, made only when read.

:func:`render_pages` gives the pages :func:`drizzle_doc.docs.render.render_docs` gives, as
a :class:`Pages` mapping, from the stages of :mod:`drizzle_doc.docs.render`.  From
``plan.parallel_min_tables`` tables on, a forked child renders the first half of the table
pages while this process makes the rest; from ``plan.lazy_min_tables`` on, nothing holds
every page at once: this process's table pages are rendered when read and the child's
cross zlib-compressed, inflated when read.
"""

from __future__ import annotations

import zlib
from collections import abc
from pathlib import Path
from typing import TYPE_CHECKING, Any, Optional

if TYPE_CHECKING:
    from drizzle_doc.history.migrations import History
    from drizzle_doc.project import Project


from drizzle_doc.docs.render import PageJob, other_pages, page_job, table_pages
from drizzle_doc.model import Schema
from drizzle_doc.perf.background import Background
from drizzle_doc.perf.plan import DEFAULT, Plan
from drizzle_doc.project.settings import Settings


class Pages(abc.Mapping):
    """The pages of :func:`render_pages`: ``{path: content}``, each table page made when read.

    Nothing holds every page at once (at 10,000 tables they are ~130 MB of text): a table
    page of this process's share is rendered when asked for, the second core's share
    arrives compressed and is inflated when asked for.  Iteration gives this process's
    pages first (the second core works meanwhile), then the rest; every read of a page
    gives the same text.
    """

    def __init__(self, job: PageJob, mine: dict[str, int], theirs: Any, their_paths: list[str],
                 others: dict[str, str]) -> None:
        self._job = job
        self._mine = mine  # path -> index in schema.tables, rendered on each read
        self._theirs = theirs  # the Background job rendering the other share, until read
        self._their_paths = dict.fromkeys(their_paths)
        self._packed: Optional[dict[str, Any]] = None  # path -> page (compressed for a large schema)
        self._others = others  # index, diagrams, groups (and every table page of a small schema): made at once
        self._len = len(mine) + len(their_paths) + len(others)

    def _their_pages(self) -> dict[str, Any]:
        if self._packed is None:
            job, self._theirs = self._theirs, None
            try:
                self._packed = dict(job.result())
            finally:
                job.close()
        return self._packed

    def __getitem__(self, path: str) -> str:
        if path in self._mine:
            i = self._mine[path]
            return table_pages(self._job, i, i + 1)[0][1]
        if path in self._others:
            return self._others[path]
        if self._theirs is not None or self._packed is not None:
            packed = self._their_pages().get(path)
            if isinstance(packed, bytes):
                return zlib.decompress(packed).decode("utf-8", "surrogatepass")
            if packed is not None:  # a small schema's pages cross as they are
                return packed
        raise KeyError(path)

    def __iter__(self):
        yield from self._mine
        yield from self._their_paths
        yield from self._others

    def __len__(self) -> int:
        return self._len

    def __contains__(self, path: object) -> bool:
        return path in self._mine or path in self._others or path in self._their_paths


def _packed_table_pages(job: PageJob, lo: int, hi: int) -> list[tuple[str, bytes]]:
    """:func:`~drizzle_doc.docs.render.table_pages`, each page compressed (for the trip from the second core)."""
    return [(path, zlib.compress(text.encode("utf-8", "surrogatepass"), 1)) for path, text in table_pages(job, lo, hi)]


def render_pages(schema: Schema, project: Project, history: Optional[History] = None, settings: Optional[Settings] = None,
                 templates: Optional[Path] = None, plan: Plan = DEFAULT) -> Pages:
    """The pages :func:`~drizzle_doc.docs.render.render_docs` gives (same arguments), as a
    :class:`Pages` mapping made as ``plan`` says."""
    job = page_job(schema, project, history, settings, templates)
    n = len(schema.tables)
    lazy = n >= plan.lazy_min_tables
    theirs, half = None, 0
    if n >= plan.parallel_min_tables and plan.forks():  # the first half on the second core
        half = n // 2
        theirs = Background(_packed_table_pages if lazy else table_pages, job, 0, half)
    mine = {job.paths[schema.tables[i].key]: i for i in range(half, n)}
    their_paths = [job.paths[t.key] for t in schema.tables[:half]]
    made = Pages(job, mine, theirs, their_paths, other_pages(job))
    if lazy:
        return made
    # a small schema: every page at once (a few MB), this half rendered while the child renders its own
    return Pages(job, {}, None, [], dict(sorted((path, made[path]) for path in made)))
