"""Put rendered pages on disk: merged with human text, atomically, only when changed.

:func:`plan_docs` is pure apart from reading the out dir: it says what every
file would become (``check`` uses it to diff without writing).
:func:`write_docs` applies a plan: every changed file first goes to a temporary
file in its folder, the temp files are made durable together, and only then is
each moved into place with :func:`os.replace`, so a page is always either the old
or the new version, never partial; files whose content would not change are not
touched at all.
"""

from __future__ import annotations

import os
import re
import secrets
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Iterable, Iterator, Mapping, Optional

from drizzle_doc.errors import DrizzleDocError
from drizzle_doc.model import ERROR, WARNING, Diagnostic
from drizzle_doc.project.contain import pid_alive, real
from drizzle_doc.docs.pages import DAMAGED, MARKER_RE, UNMANAGED, is_generated_page, merge_page

#: ``known(rel, path, text)``: whether the page ``rel`` (file ``path``, rendered ``text``) is current
#: without reading its file (see :mod:`drizzle_doc.perf.docstate`)
Known = Callable[[str, Path, str], bool]


class WriteError(DrizzleDocError):
    """The docs folder cannot be written (read-only, a file where a folder should be, ...)."""


class OutsideError(WriteError):
    """A symlinked folder inside the docs folder leads out of it (exit code 2, nothing written)."""

    exit_code = 2


# Outcomes per file
WRITTEN = "written"
UNCHANGED = "unchanged"
SKIPPED = "skipped"  # damaged markers or a human-owned page: left untouched
ORPHANED = "orphaned"  # a generated page whose table is gone
PRUNED = "pruned"


@dataclass(frozen=True, slots=True)
class PlannedFile:
    path: str  # relative to the out dir, posix
    status: str  # WRITTEN (would be) | UNCHANGED | SKIPPED | ORPHANED | PRUNED
    old: Optional[str]  # content on disk (None when absent)
    new: Optional[str]  # content to write (None for orphans / skipped)


@dataclass(frozen=True, slots=True)
class WriteSummary:
    written: int = 0
    unchanged: int = 0
    orphaned: int = 0
    pruned: int = 0
    skipped: int = 0
    files: tuple[PlannedFile, ...] = ()
    diagnostics: tuple[Diagnostic, ...] = ()

    def line(self) -> str:
        """``3 written, 2 unchanged, 1 orphaned`` (+ pruned / skipped when any)."""
        s = f"{self.written} written, {self.unchanged} unchanged, {self.orphaned} orphaned"
        if self.pruned:
            s += f", {self.pruned} pruned"
        if self.skipped:
            s += f", {self.skipped} skipped"
        return s


def _inside(base: Path, rel: str) -> Path:
    """``base / rel``, refusing anything that would land outside ``base``."""
    if not rel or "\x00" in rel or rel.startswith("/") or "\\" in rel or ":" in rel.split("/")[0]:
        raise WriteError(f"refusing unsafe page path {rel!r}")
    parts = rel.split("/")
    if any(p in ("", ".", "..") for p in parts):
        raise WriteError(f"refusing unsafe page path {rel!r}")
    return base.joinpath(*parts)


def _read(path: Path) -> Optional[str]:
    """A page's text (None: absent).  Never read through a symlink (``O_NOFOLLOW``)."""
    try:
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_CLOEXEC", 0))
    except FileNotFoundError:
        return None
    try:
        with open(fd, "r", encoding="utf-8", newline="") as fh:
            return fh.read()
    except UnicodeDecodeError:
        return "\x00binary"  # treated as human-owned: never merged, never overwritten


_UPPER_MARKER = re.compile(MARKER_RE.pattern, re.IGNORECASE)


class _Linked:
    """Which page paths under ``out`` are symlinks or sit in a symlinked folder leading out of
    ``out``: such a page is never read, written or deleted through."""

    def __init__(self, out: Path) -> None:
        self.out = out
        self.real_out = real(out)
        self.folders: dict[Path, bool] = {}

    def __call__(self, path: Path, rel: str) -> bool:
        """True when ``path`` is a symlink (left alone); raises when its folder leads out."""
        folder = path.parent
        bad = self.folders.get(folder)
        if bad is None:
            r = real(folder)
            bad = self.folders[folder] = not (r == self.real_out or self.real_out in r.parents)
        if bad:
            raise OutsideError(f"refusing to read or write {rel!r}: a symlinked folder leads outside "
                               f"{self.out} (to {real(folder)}); nothing was written")
        return os.path.islink(path)


def _existing_pages(out: Path) -> list[str]:
    if not out.is_dir():
        return []
    found = []
    for dirpath, dirnames, filenames in os.walk(out, followlinks=False):
        dirnames[:] = sorted(d for d in dirnames if not d.startswith("."))
        for f in sorted(filenames):
            if f.endswith(".md") and not os.path.islink(os.path.join(dirpath, f)):
                rel = Path(dirpath, f).relative_to(out).as_posix()
                found.append(rel)
    return sorted(found)


#: What generate did with a page it cannot keep current, said between what is wrong and the fix.
_LEFT_UNTOUCHED = {
    "page-symlink": "; drizzle-doc never reads or writes through a link, so it was left untouched",
    "page-unreadable": "; left untouched",
    "page-unmanaged": ", so it is treated as hand-written and left untouched",
}


def diagnostic_text(d: Diagnostic) -> str:
    """The sentence ``generate`` prints for a diagnostic: what is wrong, what was done about a
    page it left alone, and the fix."""
    return d.message + _LEFT_UNTOUCHED.get(d.code, "") + (f". {d.fix}" if d.fix else "")


def plan_docs(out: Path, pages: Mapping[str, str], *, prune: bool = False,
              display_out: str = "", manual: frozenset = frozenset(), known: Optional[Known] = None
              ) -> tuple[tuple[PlannedFile, ...], tuple[Diagnostic, ...]]:
    """What writing ``pages`` into ``out`` would do, file by file, plus diagnostics.

    An unchanged file's texts are not kept (``old`` and ``new`` are None): only what changes
    is held, not every page of a large schema twice.  Pages in ``manual`` (paths the
    project opted out, ``[pages] manual``) are left out entirely.  ``known(rel, path, text)``,
    when given, says a page is current without its file being read (see
    :mod:`drizzle_doc.perf.docstate`).
    """
    diags: list[Diagnostic] = []
    files = [f if f.status != UNCHANGED else PlannedFile(f.path, UNCHANGED, None, None)
             for f in _planned(Path(out), pages, prune=prune, display_out=display_out, diags=diags,
                               manual=manual, known=known)]
    return tuple(sorted(files, key=lambda f: f.path)), tuple(diags)


def _planned(out: Path, pages: Mapping[str, str], *, prune: bool, display_out: str,
             diags: list[Diagnostic], manual: frozenset = frozenset(), known: Optional[Known] = None) -> Iterator[PlannedFile]:
    """Each file's plan, one at a time, in the order ``pages`` gives them (then the orphans);
    ``diags`` gets the diagnostics, in path order once the pages are done."""
    try:
        yield from _plan_files(out, pages, prune=prune, display_out=display_out, diags=diags, manual=manual,
                               known=known)
    except OSError as exc:  # a folder named like a page, a name too long, no permission, ...
        where = f"{display_out or out}" + (f" ({exc.filename})" if getattr(exc, "filename", None) else "")
        raise WriteError(f"cannot read the docs folder {where}: {exc.strerror or exc}") from exc


def _plan_files(out: Path, pages: Mapping[str, str], *, prune: bool, display_out: str,
                diags: list[Diagnostic], manual: frozenset = frozenset(), known: Optional[Known] = None
                ) -> Iterator[PlannedFile]:
    shown = (display_out.rstrip("/") + "/") if display_out else ""
    page_diags: list[Diagnostic] = []
    linked = _Linked(out)
    for rel in pages:
        if rel in manual:
            continue
        path = _inside(out, rel)
        if linked(path, rel):
            yield PlannedFile(rel, SKIPPED, None, None)
            page_diags.append(Diagnostic(ERROR, shown + rel, None, "page is a symbolic link", code="page-symlink",
                                         fix="Replace it with a regular file."))
            continue
        if known is not None and known(rel, path, pages[rel]):
            yield PlannedFile(rel, UNCHANGED, None, None)
            continue
        old = _read(path)
        if old == "\x00binary":
            yield PlannedFile(rel, SKIPPED, None, None)
            page_diags.append(Diagnostic(WARNING, shown + rel, None, "page is not UTF-8 text", code="page-unreadable"))
            continue
        try:
            res = merge_page(old, pages[rel])  # a page of a large schema is rendered here
        except ValueError as exc:  # a custom template (or a bug) produced broken markers
            raise WriteError(f"{shown}{rel}: {exc}; nothing was written") from exc
        if res.status == DAMAGED:
            yield PlannedFile(rel, SKIPPED, old, None)
            page_diags.append(Diagnostic(ERROR, shown + rel, None,
                                         "drizzle-doc markers are damaged, page left untouched: "
                                         + "; ".join(res.problems), code="page-damaged",
                                         fix="Restore the markers (or delete the page to regenerate it)."))
        elif res.status == UNMANAGED:
            yield PlannedFile(rel, SKIPPED, old, None)
            why = ("page is empty" if not old.strip() else
                   "page's drizzle-doc markers are not lower-case" if _UPPER_MARKER.search(old) else
                   "page has no drizzle-doc markers")
            page_diags.append(Diagnostic(WARNING, shown + rel, None, why, code="page-unmanaged",
                                         fix="Delete or rename it to let generate write it."))
        elif old == res.text:
            yield PlannedFile(rel, UNCHANGED, old, old)
        else:
            yield PlannedFile(rel, WRITTEN, old, res.text)
    diags.extend(sorted(page_diags, key=lambda d: d.file or ""))  # as if the pages came sorted
    for rel in _existing_pages(out):
        if rel in pages or rel in manual:
            continue
        old = _read(out / rel)
        if old is None or old == "\x00binary" or not is_generated_page(old):
            continue  # a human's own file: none of our business
        if prune:
            yield PlannedFile(rel, PRUNED, old, None)
        else:
            yield PlannedFile(rel, ORPHANED, old, None)
            diags.append(Diagnostic(WARNING, shown + rel, None, "orphaned page: its table is no longer in the models",
                                    code="page-orphaned", fix="Run `drizzle-doc generate --prune` to remove it."))


#: Temp files of :func:`atomic_write`; one left by a killed run is removed by the next one.
TEMP_PREFIX = ".drizzle-doc-tmp."
TEMP_SUFFIX = ".tmp"


#: A temp file of a live process older than this is abandoned (its pid was reused).
TEMP_MAX_AGE = 3600.0
#: This process's token in its temp file names: ``NAME.PID.TOKEN.N``.
_TOKEN = secrets.token_hex(4)
_TEMP_NAME = re.compile(r"\.(\d+)\.([0-9a-f]{8})\.\d+$|\.(\d+)\.\d+$")  # new form | before tokens


def _temp_is_stale(path: Path, now: float) -> bool:
    """True when the temp file can be proven abandoned: its name carries no pid, its process is
    dead, it is this process's own from an earlier write, or it is older than an hour."""
    middle = path.name[len(TEMP_PREFIX):-len(TEMP_SUFFIX)]
    m = _TEMP_NAME.search(middle)
    if m is None:
        return True  # not written by any drizzle-doc that could be running
    pid = int(m.group(1) or m.group(3))
    if pid == os.getpid() or not pid_alive(pid):  # ours: one write at a time, so an earlier one's
        return True
    try:
        return now - path.lstat().st_mtime > TEMP_MAX_AGE
    except OSError:
        return False


def stale_temp_files(out: Path) -> list[Path]:
    """Temp files a killed ``generate`` left under ``out`` (never a symlink, never outside, never
    one a live run may still rename into place: see :func:`_temp_is_stale`)."""
    if not out.is_dir():
        return []
    found = []
    now = time.time()
    for dirpath, dirnames, filenames in os.walk(out, followlinks=False):
        dirnames[:] = sorted(d for d in dirnames if not d.startswith("."))
        for f in sorted(filenames):
            p = Path(dirpath, f)
            if (f.startswith(TEMP_PREFIX) and f.endswith(TEMP_SUFFIX) and not p.is_symlink()
                    and _temp_is_stale(p, now)):
                found.append(p)
    return found


def _syncfs(folder: Path) -> bool:
    """Flush every dirty page of the filesystem holding ``folder`` (Linux ``syncfs``); False: not done."""
    if not sys.platform.startswith("linux"):
        return False
    try:
        import ctypes

        libc = ctypes.CDLL(None, use_errno=True)
        fd = os.open(folder, os.O_RDONLY)
        try:
            return libc.syncfs(fd) == 0
        finally:
            os.close(fd)
    except (OSError, AttributeError):
        return False


class _Batch:
    """Pages written as temp files first, made durable together, then renamed into place.

    Each page still reaches its final name by one ``os.replace`` of a file whose bytes are
    already on disk, so a reader, a kill or a power cut finds it whole, old or new.  One
    ``syncfs`` of the docs folder's filesystem replaces an ``fsync`` per page (about 0.8 ms
    each here: most of a first run's write time at 1,000 pages); where ``syncfs`` is not
    available each temp file is ``fsync``-ed instead.
    """

    def __init__(self) -> None:
        self.staged: list[tuple[str, Path]] = []  # (temp file, final path), not yet renamed
        self.folders: dict[Path, None] = {}
        self._n = 0

    def stage(self, path: Path, text: str, mode: Optional[int]) -> None:
        if mode is None:
            try:
                mode = path.stat().st_mode & 0o777
            except FileNotFoundError:
                mode = 0o644
        data = text.encode("utf-8")
        flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_CLOEXEC", 0)
        while True:
            self._n += 1
            tmp = os.path.join(path.parent,
                               f"{TEMP_PREFIX}{path.name[:40]}.{os.getpid()}.{_TOKEN}.{self._n}{TEMP_SUFFIX}")
            try:
                fd = os.open(tmp, flags, 0o600)
                break
            except FileExistsError:  # left by another process with our pid: take the next number
                continue
        self.staged.append((tmp, path))
        try:
            view = memoryview(data)
            while view:
                view = view[os.write(fd, view):]
            if hasattr(os, "fchmod"):
                os.fchmod(fd, mode)
        finally:
            os.close(fd)
        if not hasattr(os, "fchmod"):
            os.chmod(tmp, mode)
        self.folders[path.parent] = None

    def commit(self) -> None:
        """Make every staged file durable, then move each into place."""
        if not self.staged:
            return
        by_device: dict[int, Path] = {}  # one folder per filesystem (a subfolder may be a mount)
        for folder in self.folders:
            by_device.setdefault(os.stat(folder).st_dev, folder)
        if not all([_syncfs(folder) for folder in by_device.values()]):
            for tmp, _ in self.staged:
                fd = os.open(tmp, os.O_RDONLY)
                try:
                    os.fsync(fd)
                finally:
                    os.close(fd)
        done = 0
        try:
            for tmp, path in self.staged:
                os.replace(tmp, path)
                done += 1
        finally:
            del self.staged[:done]
        self.sync_folders()

    def sync_folders(self) -> None:
        """Make renames and deletions in the touched folders durable (best effort)."""
        for folder in self.folders:
            try:
                fd = os.open(folder, os.O_RDONLY)
            except OSError:
                continue
            try:
                os.fsync(fd)
            except OSError:
                pass
            finally:
                os.close(fd)

    def discard(self) -> None:
        """Remove temp files not moved into place (after an error)."""
        for tmp, _ in self.staged:
            try:
                os.unlink(tmp)
            except OSError:
                pass
        self.staged.clear()


class _SafePaths:
    """``out / rel`` (see :func:`_inside`), refusing a symlinked folder on the way that leads out of
    ``out``; the docs folder and each folder already checked are resolved only once."""

    def __init__(self, out: Path) -> None:
        self.out = out
        self.real_out: Optional[Path] = None
        self.ok: set[Path] = set()

    def __call__(self, rel: str) -> Path:
        path = _inside(self.out, rel)
        if self.real_out is None:
            self.out.mkdir(parents=True, exist_ok=True)
            self.real_out = self.out.resolve()
        parent = path.parent
        if parent in self.ok:
            return path
        while not parent.exists():
            parent = parent.parent
        real = parent.resolve()
        if real != self.real_out and self.real_out not in real.parents:
            raise WriteError(f"refusing to write {rel!r}: a symlinked folder leads outside {self.out}")
        if parent == path.parent:
            self.ok.add(parent)
        return path


def write_docs(out: Path, pages: Mapping[str, str], *, prune: bool = False, display_out: str = "",
               progress: Optional[Callable[[Iterable], Iterable]] = None,
               manual: frozenset = frozenset(), known: Optional[Known] = None) -> WriteSummary:
    """Merge ``pages`` into the files under ``out`` and write the ones that changed.

    ``progress`` wraps the iteration over files (a progress bar); ``display_out``
    is how the out dir is named in diagnostics (relative to the project root).
    Each page is merged and staged as a temp file in turn, so its text is not held
    past that (the summary's files carry paths and statuses, no texts); nothing is
    renamed into place before every page is staged.  ``known``: as :func:`plan_docs`.
    """
    out = Path(out)
    diags: list[Diagnostic] = []
    files: list[PlannedFile] = []
    counts = {WRITTEN: 0, UNCHANGED: 0, ORPHANED: 0, PRUNED: 0, SKIPPED: 0}
    planned = _planned(out, pages, prune=prune, display_out=display_out, diags=diags, manual=manual, known=known)
    todo = progress(_Sized(planned, len(pages))) if progress else planned
    safe = _SafePaths(out)
    batch = _Batch()
    pruned: list[Path] = []
    try:
        for stale in stale_temp_files(out):
            try:
                stale.unlink()
            except OSError:
                pass  # ignored: a temp file never counts as a page
        for f in todo:
            if f.status == WRITTEN:
                path = safe(f.path)
                if f.old is None:
                    path.parent.mkdir(parents=True, exist_ok=True)
                batch.stage(path, f.new, None if f.old is not None else 0o644)
            elif f.status == PRUNED:
                pruned.append(safe(f.path))
            counts[f.status] += 1
            files.append(PlannedFile(f.path, f.status, None, None))
        batch.commit()
        for path in pruned:
            path.unlink()
            batch.folders[path.parent] = None
        if pruned:
            batch.sync_folders()
    except OSError as exc:
        raise WriteError(f"cannot write docs into {display_out or out}: {exc.strerror or exc}") from exc
    finally:
        batch.discard()
    return WriteSummary(counts[WRITTEN], counts[UNCHANGED], counts[ORPHANED], counts[PRUNED],
                        counts[SKIPPED], tuple(sorted(files, key=lambda f: f.path)), tuple(diags))


class _Sized:
    """An iterator with a length (the pages; orphans come on top), for a progress bar."""

    def __init__(self, items: Iterator, n: int) -> None:
        self._items, self._n = items, n

    def __iter__(self) -> Iterator:
        return self._items

    def __len__(self) -> int:
        return self._n
