"""Table pages on two cores, kept between runs and, for a large schema, made only when read.

:func:`render_pages` gives the pages :func:`drizzle_doc.docs.render.render_docs` gives, as
a :class:`Pages` mapping, from the stages of :mod:`drizzle_doc.docs.render`.  From
``plan.parallel_min_tables`` tables on, a forked child renders the first half of the table
pages while this process makes the rest; from ``plan.lazy_min_tables`` on, nothing holds
every page at once: this process's table pages are rendered when read and the child's
cross zlib-compressed, inflated when read.

With ``use_cache`` (a model whose tables :mod:`drizzle_doc.perf.extract` kept, so each has the
digest of its pickled bytes), a table page is kept with what it was made from and used again
while all of that is unchanged (:class:`_Memo`): everything every page reads (drizzle-doc's
code, the project and where the user stands: the entry's name; the templates, every page's
path, the schema's enums, views and sequences: the memo's *global* key), its own table's
*facet* (the table, its assumption statuses, its migration history and hand-written objects,
the relationships that touch it) and the facet of every other table it looked up while it was
rendered: the page is rendered from a copy of the model whose ``tables_by_key()`` records each
key asked for (a key that named no table included), and iterating that mapping counts as reading
every table.  ``tests/test_page_memo.py`` renders every fixture's pages from the recorded tables
alone and finds them equal, so no lookup escapes the record.
"""

from __future__ import annotations

import hashlib
import io
import pickle
import zlib
from collections import abc
from pathlib import Path
from typing import TYPE_CHECKING, Any, Iterator, Optional

if TYPE_CHECKING:
    from drizzle_doc.history.migrations import History
    from drizzle_doc.project import Project


from drizzle_doc.docs.render import PageJob, other_pages, page_job, table_pages
from drizzle_doc.model import Schema
from drizzle_doc.model.schema import Doc
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

    @property
    def whole(self) -> bool:
        """Every page is made and held (a small schema): reading one costs nothing."""
        return not self._mine and self._theirs is None and not self._their_paths

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


class Recorder(abc.Mapping):
    """A schema's ``tables_by_key()`` that records every key asked for (``seen``); iterating it or
    asking its length sets ``every`` (the page read every table)."""

    def __init__(self, real: dict) -> None:
        self._real = real
        self.seen: dict[str, None] = {}
        self.every = False

    def __getitem__(self, key: str):
        self.seen[key] = None
        return self._real[key]

    def get(self, key: str, default=None):
        self.seen[key] = None
        return self._real.get(key, default)

    def __contains__(self, key: object) -> bool:
        self.seen[key] = None  # type: ignore[index]
        return key in self._real

    def __iter__(self) -> Iterator[str]:
        self.every = True
        return iter(self._real)

    def __len__(self) -> int:
        self.every = True
        return len(self._real)


def recorded_page(job: PageJob, i: int) -> tuple[str, str, Optional[tuple[str, ...]]]:
    """``(path, page, keys)``: table ``i``'s page as :func:`~drizzle_doc.docs.render.table_pages`
    makes it, and the keys of the other tables it looked up (None: it read every table)."""
    from dataclasses import replace

    schema = replace(job.schema)  # a copy of its own: nothing cached for another page answers this one
    recorder = Recorder(job.schema.tables_by_key())
    object.__setattr__(schema, "_by_key", recorder)
    [(path, text)] = table_pages(job._replace(schema=schema), i, i + 1)
    own = job.schema.tables[i].key
    return path, text, None if recorder.every else tuple(k for k in recorder.seen if k != own)


def _recorded_pages(job: PageJob, indices: list[int]) -> list[tuple[str, str, Optional[tuple[str, ...]]]]:
    return [recorded_page(job, i) for i in indices]


def shape_digest(table: Any) -> str:
    """A digest of ``table``'s *shape*: what a page may read of another table, the table with every
    JSDoc (``description``) and source ``line`` blanked, all the way down; they are blanked on the
    way while pickling (five times cheaper than building a blanked copy).  ``tests/test_page_memo.py``
    renders every fixture's pages with the other tables so blanked and finds them byte-identical."""
    out = io.BytesIO()
    _ShapePickler(out, protocol=pickle.HIGHEST_PROTOCOL).dump(table)
    return hashlib.blake2b(out.getbuffer(), digest_size=16).hexdigest()


#: per dataclass: (field names, [(index, "doc" | "line")]) of what :class:`_ShapePickler` blanks
_SHAPES: dict[type, tuple[tuple[str, ...], tuple[tuple[int, str], ...]]] = {}


class _ShapePickler(pickle.Pickler):
    def reducer_override(self, obj):
        import dataclasses

        cls = type(obj)
        spec = _SHAPES.get(cls)
        if spec is None:
            if not dataclasses.is_dataclass(cls):
                return NotImplemented
            names = tuple(f.name for f in dataclasses.fields(cls) if f.init)
            blank = tuple((i, n) for i, n in enumerate(names) if n in ("description", "line"))
            spec = _SHAPES[cls] = (names, blank)
        names, blank = spec
        values = [getattr(obj, n) for n in names]
        for i, n in blank:
            if n == "line" and type(values[i]) is int:
                values[i] = 0
            elif n == "description" and isinstance(values[i], Doc):
                values[i] = None
        return cls, tuple(values)


class _Memo:
    """The kept table pages of one project (see the module docstring).

    A page's own table counts whole (its *facet*); another table it looked up counts by its
    *shape*: the table without JSDoc and source lines (:func:`shape_digest`) and the relationships
    that touch it, so a JSDoc edit renders again only its own table's page.  Shapes are kept by
    the digest of the whole table, made again only for a table that changed."""

    def __init__(self, job: PageJob, digests: tuple[str, ...], shapes: dict) -> None:
        from drizzle_doc.docs.render import table_history
        from drizzle_doc.perf.cache import _templates_fingerprint

        schema, history = job.schema, job.history
        touching: dict[str, list] = {}
        for e in job.edges:
            touching.setdefault(e.child, []).append(e)
            if e.parent != e.child:
                touching.setdefault(e.parent, []).append(e)
        self._touching = {k: repr(v) for k, v in touching.items()}
        objects_of = getattr(history, "objects_of", None)
        self.facets: dict[str, str] = {}
        self._digests: dict[str, str] = {}
        self._tables = schema.tables_by_key()
        for t, digest in zip(schema.tables, digests):
            self._digests[t.key] = digest
            h = hashlib.blake2b(digest.encode(), digest_size=16)
            for part in (job.statuses.get(t.key, ()), table_history(history, t),
                         objects_of(t.key) if callable(objects_of) else ()):
                h.update(b"\0" + repr(part).encode("utf-8", "surrogatepass"))
            h.update(b"\0" + self._touching.get(t.key, "").encode("utf-8", "surrogatepass"))
            self.facets[t.key] = h.hexdigest()
        g = hashlib.blake2b(digest_size=16)
        for part in (_templates_fingerprint(job.templates), sorted(job.paths.items()), schema.dialect,
                     schema.enums, schema.views, schema.sequences, schema.files, job.project):
            g.update(b"\0" + repr(part).encode("utf-8", "surrogatepass"))
        self.key = g.hexdigest()
        self.every = hashlib.blake2b("".join(self.facets.values()).encode(), digest_size=16).hexdigest()
        self.shapes_kept = shapes  # table digest -> digest of its shape
        self.shapes: dict[str, str] = {}  # ... of this run's tables (what is kept next)
        self._shape_of: dict[str, str] = {}

    def shape(self, key: str) -> Optional[str]:
        """The shape of table ``key`` and the relationships touching it (None: no such table)."""
        done = self._shape_of.get(key)
        if done is not None or key not in self._digests:
            return done
        digest = self._digests[key]
        core = self.shapes_kept.get(digest)
        if not isinstance(core, str):
            core = shape_digest(self._tables[key])
        self.shapes[digest] = core
        h = hashlib.blake2b(core.encode(), digest_size=16)
        h.update(b"\0" + self._touching.get(key, "").encode("utf-8", "surrogatepass"))
        done = self._shape_of[key] = h.hexdigest()
        return done

    def facet(self, keys: Optional[tuple[str, ...]]) -> tuple:
        """What the other tables ``keys`` (None: every table) were like: absent ones as None."""
        if keys is None:
            return ("every", self.every)
        return tuple(self.shape(k) for k in keys)


def _memo_pages(job: PageJob, project: Project, plan: Plan) -> Optional[dict[str, str]]:
    """Every table page, the kept ones used again and the rest rendered (on two cores when many);
    None when the model's tables have no digests (it was not kept)."""
    from drizzle_doc.perf import cache, store
    from drizzle_doc.perf.extract import known_table_digests

    schema = job.schema
    digests = known_table_digests(schema)
    if digests is None:
        return None
    folder, name = cache.cache_dir(project), cache.entry_name("pages", project)
    entry = store.load(folder, name)
    shapes = entry.get("shapes") if isinstance(entry, dict) else None
    memo = _Memo(job, digests, shapes if isinstance(shapes, dict) else {})
    kept = entry.get("pages") if isinstance(entry, dict) and entry.get("key") == memo.key else None
    if not isinstance(kept, dict):
        kept = {}
    pages: dict[str, tuple] = {}
    todo: list[int] = []
    for i, t in enumerate(schema.tables):
        path = job.paths[t.key]
        was = kept.get(path)
        if (isinstance(was, tuple) and len(was) == 5 and was[0] == t.key and was[1] == memo.facets[t.key]
                and was[3] == memo.facet(was[2])):
            pages[path] = was
        else:
            todo.append(i)
    order, made = todo, []
    if len(todo) >= plan.parallel_min_tables and plan.forks():  # half of them on the second core
        half = len(todo) // 2
        theirs = Background(_recorded_pages, job, todo[:half])
        try:
            order, made = todo[half:] + todo[:half], _recorded_pages(job, todo[half:]) + theirs.result()
        finally:
            theirs.close()
    else:
        made = _recorded_pages(job, todo)
    for i, (path, text, keys) in zip(order, made):
        key = schema.tables[i].key
        pages[path] = (key, memo.facets[key], keys, memo.facet(keys), text)
    if todo:
        store.save(folder, name, {"key": memo.key, "pages": pages, "shapes": memo.shapes})
    return {path: item[4] for path, item in pages.items()}


def render_pages(schema: Schema, project: Project, history: Optional[History] = None, settings: Optional[Settings] = None,
                 templates: Optional[Path] = None, plan: Plan = DEFAULT, use_cache: bool = False) -> Pages:
    """The pages :func:`~drizzle_doc.docs.render.render_docs` gives (same arguments), as a
    :class:`Pages` mapping made as ``plan`` says; with ``use_cache``, table pages whose inputs are
    unchanged are taken back (see the module docstring)."""
    job = page_job(schema, project, history, settings, templates)
    n = len(schema.tables)
    lazy = n >= plan.lazy_min_tables
    if use_cache and not lazy:
        tables = _memo_pages(job, project, plan)
        if tables is not None:
            tables.update(other_pages(job))
            return Pages(job, {}, None, [], dict(sorted(tables.items())))
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
