"""Compiled templates kept between runs: jinja2 compiles ``table.md.j2`` and the rest from source
on every run (about 25 ms), so their bytecode is kept as an authenticated store entry
(:mod:`drizzle_doc.perf.store`), keyed by the template's name and file and checked by jinja2
against the checksum of its source, so an edited template is compiled again.

:func:`install` hands :mod:`drizzle_doc.docs.render` the cache before its first page; the
render stage only passes it to jinja2.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from drizzle_doc.perf import store


def _cache_class():
    import jinja2

    class StoreBytecodeCache(jinja2.BytecodeCache):
        """jinja2's bytecode, kept in a folder of store entries (marshal data read only after the
        entry's HMAC is checked)."""

        def __init__(self, folder: Path) -> None:
            self.folder = folder

        def _name(self, bucket: Any) -> str:
            return "jinja-" + store.name_of(bucket.key)

        def load_bytecode(self, bucket: Any) -> None:
            data = store.load(self.folder, self._name(bucket))
            if isinstance(data, bytes):
                bucket.bytecode_from_string(data)  # jinja2 drops it when the source's checksum differs

        def dump_bytecode(self, bucket: Any) -> None:
            store.save(self.folder, self._name(bucket), bucket.bytecode_to_string())

    return StoreBytecodeCache


def install(folder: Path) -> None:
    """Keep compiled templates in ``folder`` from now on (this process)."""
    from drizzle_doc.docs import render

    if render.bytecode_cache is None:
        render.bytecode_cache = _cache_class()(Path(folder))
        render.environment.cache_clear()
