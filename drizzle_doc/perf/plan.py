"""Every knob of drizzle-doc's speed and memory machinery, in one frozen :class:`Plan`.

The domain stages (:mod:`drizzle_doc.drizzle.extract`, :mod:`drizzle_doc.docs.render`,
:mod:`drizzle_doc.history.migrations`) know nothing of processes or thresholds; the
wrappers in this package (:mod:`.extract`, :mod:`.render`, :mod:`.history`) decide from a
plan whether and how to split, fork, compress and release.  The commands use
:data:`DEFAULT` (today's tuned values); tests pass their own plan instead of patching
module constants.  Every plan gives the same output: only time and memory differ.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Optional


@dataclass(frozen=True)
class Plan:
    #: Whether work may go to a forked child at all (it still needs Linux, two cores, no other
    #: thread and ``DRIZZLE_DOC_JOBS`` not ``1``: see :func:`drizzle_doc.perf.background.can_fork`).
    fork: bool = True
    #: Extraction, every file indexed first: from this many exports on, the second core
    #: evaluates about half of them.
    parallel_min_exports: int = 200
    #: Extraction file by file: from this many bytes of source on, the second core evaluates
    #: about half of the files.
    parallel_min_bytes: int = 128 * 1024
    #: Schemas with more source than this are read file by file (each file parsed when its
    #: turn comes, by the process that evaluates it).  Smaller ones (every tree fits in
    #: ``tree_budget``) are indexed whole first, and a forked child shares the trees.
    units_min_bytes: int = 2 * 1024 * 1024
    #: From this many bytes of source on, both shares are evaluated in children and this process
    #: only merges their parts: the evaluation's garbage (several hundred MB at 10,000 tables)
    #: then never fragments this process's heap, and what it forks later (pages rendered on
    #: the second core) starts small.
    isolate_min_bytes: int = 4 * 1024 * 1024
    #: Up to this many bytes of source, a project run before is evaluated unit by unit and each
    #: unit's part kept, so that an edit evaluates again only the units that touched a changed file
    #: (:mod:`drizzle_doc.perf.extract`); a larger one is extracted whole on every change (its kept
    #: parts would be about as large as its model again, in memory when an edit is answered).
    keep_units_max_bytes: int = 4 * 1024 * 1024
    #: Bytes of source whose syntax trees the evaluator keeps at once (about 25x that in
    #: memory); past it the least recently used are released and parsed again when needed.
    tree_budget: int = 2 * 1024 * 1024
    #: From this many tables on, table pages are rendered on two cores.
    parallel_min_tables: int = 200
    #: From this many tables on, table pages are rendered only when read (below, every page
    #: is made at once, both halves side by side: ~13 MB of text at 1,000 tables).
    lazy_min_tables: int = 3000
    #: A fixed cut instead of one by size: the first share is the first ``cut_at`` files (read
    #: file by file) or exports (indexed whole; then each export is its own group, so an alias
    #: may be made apart from its origin).  Tests cut everywhere; every cut gives one model.
    cut_at: Optional[int] = None

    def forks(self) -> bool:
        """Whether this plan may fork now (see :attr:`fork`)."""
        from drizzle_doc.perf.background import can_fork

        return self.fork and can_fork()


#: What the commands use.
DEFAULT = Plan()
#: Everything in this process, with today's memory limits.
SERIAL = Plan(fork=False)
