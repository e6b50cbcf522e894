"""What the last ``generate`` left in the out dir, so an unchanged re-run skips rendering.

Pages are a pure function of their inputs: ``render`` reads only the model, the
migration history, the project (config and settings), the templates and
drizzle-doc's own code, and merging a freshly rendered page into the page that
``generate`` itself just wrote gives that page back (re-running ``generate``
changes no file; tested).  So when

* the **key**, a hash of all those inputs (the frozen model and the history
  before drift are hashed through their ``repr``, which is deterministic:
  tuples, strings and ints only, no sets; drift is a function of those two),
  equals the key recorded by the last clean ``generate``, and
* the out dir still holds exactly the files that run left there, byte for byte
  (every file, hidden ones included, is listed and hashed),

rendering and merging again would reproduce the out dir as it is: ``generate``
has nothing to do and ``check`` finds no stale page.  Any difference (a model
edit, a hand edit inside or outside the markers, a deleted or extra page, a
left-over temp file, another drizzle-doc version) misses, and the full path
runs.  The extraction still runs on every call; only rendering is skipped.

The entry is a small JSON file outside the docs (never committed):
``$DRIZZLE_DOC_CACHE_DIR``, else ``node_modules/.cache/drizzle-doc`` below the
project root when ``node_modules`` exists, else ``$XDG_CACHE_HOME/drizzle-doc``
(``~/.cache/drizzle-doc``).  A missing, unreadable or damaged entry is a miss;
a cache that cannot be written is ignored.  ``--no-cache`` turns it off.

``node_modules`` belongs to the repository, so its cache folder is used only when it
resolves (symlinks followed) inside the project root; one that a symlink sends
elsewhere is silently replaced by the user's own cache folder: the cache only saves
time, the pages are the same either way, and a warning on every run would be noise
for a legitimate symlinked ``node_modules``.  An entry file that is a symlink is
never read (``O_NOFOLLOW``) and is replaced, not written through.
"""

from __future__ import annotations

import hashlib
import json
import os
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Optional

if TYPE_CHECKING:
    from drizzle_doc.model import Schema
    from drizzle_doc.project import Project


from drizzle_doc import __version__
from drizzle_doc.perf.store import ENV_DIR, user_cache_dir
from drizzle_doc.project.contain import replace_file

FORMAT = 1
_PACKAGE = Path(__file__).resolve().parent.parent  # the drizzle_doc package


@lru_cache(maxsize=1)
def code_fingerprint() -> str:
    """drizzle-doc's version and the size and mtime of each of its code, template and query files."""
    import sys

    h = hashlib.sha256(f"drizzle-doc {__version__} format {FORMAT} python {sys.version}\n".encode())
    roots = [_PACKAGE, _PACKAGE.parent / "templates", _PACKAGE.parent / "grammars"]
    for root in roots:
        if not root.is_dir():
            continue
        for dirpath, dirnames, filenames in os.walk(root):
            dirnames[:] = sorted(d for d in dirnames if d != "__pycache__")
            for f in sorted(filenames):
                if f.endswith((".py", ".j2", ".scm")):
                    st = os.stat(os.path.join(dirpath, f))
                    h.update(f"{dirpath}/{f} {st.st_size} {st.st_mtime_ns}\n".encode())
    return h.hexdigest()


def _templates_fingerprint(templates: Optional[Path]) -> str:
    if templates is None:
        return "bundled"
    h = hashlib.sha256()
    root = Path(templates)
    for p in sorted(root.rglob("*")):
        if p.is_file():
            h.update(p.relative_to(root).as_posix().encode() + b"\0" + p.read_bytes() + b"\0")
    return h.hexdigest()


def render_key(project: Project, schema: Schema, history_digest: str, templates: Optional[Path] = None) -> str:
    """A hash of everything the pages of ``project`` are rendered from.

    ``history_digest`` is :func:`drizzle_doc.history.migrations.history_digest` of the
    history before drift (drift is computed from the model and that history, so
    it adds nothing to the key).
    """
    from dataclasses import replace

    from drizzle_doc.perf.extract import known_digest

    h = hashlib.sha256()
    known = known_digest(schema)  # a kept model's digest: its pickled bytes (no repr of every table)
    for part in (code_fingerprint(), _templates_fingerprint(templates), repr(project),
                 "kept " + known if known else repr(replace(schema, tables=())), history_digest):
        h.update(part.encode("utf-8", "surrogatepass"))
        h.update(b"\0\1\0")
    if known:
        return h.hexdigest()
    for table in schema.tables:  # a table at a time: the repr of 10,000 at once is ~100 MB
        h.update(repr(table).encode("utf-8", "surrogatepass"))
        h.update(b"\0")
    return h.hexdigest()


def cache_dir(project: Project) -> Path:
    modules = Path(project.root) / "node_modules"
    if not os.environ.get(ENV_DIR) and modules.is_dir():
        from drizzle_doc.project.contain import boundary_of, is_inside

        folder = modules / ".cache" / "drizzle-doc"
        if is_inside(folder, boundary_of(project)):
            return folder
    return user_cache_dir()


def entry_name(kind: str, project: Project) -> str:
    """The store entry of a stage's kept result for ``project`` (see :mod:`drizzle_doc.perf.store`):
    drizzle-doc's code, the project's settings and where the user stands are part of the name."""
    from drizzle_doc.perf.store import name_of

    return f"{kind}-" + name_of(code_fingerprint(), repr(project), str(project.seen_from))


def entry_path(project: Project, out: Path) -> Path:
    name = hashlib.sha256(str(Path(out).absolute()).encode("utf-8", "surrogatepass")).hexdigest()[:32]
    return cache_dir(project) / f"{name}.json"


def out_state(out: Path) -> Optional[dict[str, str]]:
    """Every file under ``out`` (hidden ones too) with the sha256 of its bytes; None if unreadable."""
    out = Path(out)
    if not out.is_dir():
        return {}
    state: dict[str, str] = {}
    try:
        for dirpath, dirnames, filenames in os.walk(out, followlinks=False):
            dirnames.sort()
            for f in filenames:
                p = os.path.join(dirpath, f)
                if os.path.islink(p):
                    return None  # keep it simple: links take the full path
                with open(p, "rb") as fh:
                    digest = hashlib.sha256(fh.read()).hexdigest()
                state[os.path.relpath(p, out).replace(os.sep, "/")] = digest
            for d in dirnames:
                if os.path.islink(os.path.join(dirpath, d)):
                    return None
    except OSError:
        return None
    return state


def lookup(project: Project, out: Path, key: str) -> Optional[int]:
    """The number of pages the recorded run wrote, when the out dir is exactly as it left it."""
    try:
        fd = os.open(entry_path(project, out), os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0))
        with open(fd, "r", encoding="utf-8") as fh:
            entry = json.loads(fh.read())
    except (OSError, ValueError, UnicodeDecodeError, RecursionError):
        return None
    if not isinstance(entry, dict) or entry.get("format") != FORMAT or entry.get("key") != key:
        return None
    pages = entry.get("pages")
    files = entry.get("files")
    if not isinstance(pages, int) or not isinstance(files, dict):
        return None
    if out_state(out) != files:
        return None
    return pages


def store(project: Project, out: Path, key: str, pages: int) -> None:
    """Record a clean run's result (best effort: a cache that cannot be written is ignored)."""
    state = out_state(out)
    if state is None:
        return
    entry = {"format": FORMAT, "key": key, "out": str(Path(out).absolute()), "pages": pages, "files": state}
    path = entry_path(project, out)
    text = json.dumps(entry, sort_keys=True, indent=0)
    try:
        if not path.is_symlink() and path.is_file() and path.read_bytes() == text.encode("utf-8"):
            return
        path.parent.mkdir(parents=True, exist_ok=True)
        replace_file(path, text, prefix=".entry.")
    except OSError:
        pass
