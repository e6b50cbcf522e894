"""Put rendered pages on disk: merged with human text, atomically, only when changed.

:func:`plan_docs` is pure apart from reading the out dir: it says what every
file would become (``check`` uses it to diff without writing).
:func:`write_docs` applies a plan: each file goes to a temporary file in the
same folder and is moved into place with :func:`os.replace`, so a page is
always either the old or the new version, never partial; files whose content
would not change are not touched at all.
"""

from __future__ import annotations

import os
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Iterable, Mapping, Optional

from .errors import DrizzleDocError
from .model import ERROR, WARNING, Diagnostic
from .pages import DAMAGED, UNMANAGED, is_generated_page, merge_page


class WriteError(DrizzleDocError):
    """The docs folder cannot be written (read-only, a file where a folder should be, ...)."""


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


def _real_inside(out: Path, rel: str) -> Path:
    """Like :func:`_inside`, and no symlinked folder on the way leads out of ``out``."""
    path = _inside(out, rel)
    out.mkdir(parents=True, exist_ok=True)
    real_out = out.resolve()
    parent = path.parent
    while not parent.exists():
        parent = parent.parent
    if parent.resolve() != real_out and real_out not in parent.resolve().parents:
        raise WriteError(f"refusing to write {rel!r}: a symlinked folder leads outside {out}")
    return path


def _read(path: Path) -> Optional[str]:
    try:
        with open(path, "r", encoding="utf-8", newline="") as fh:
            return fh.read()
    except FileNotFoundError:
        return None
    except UnicodeDecodeError:
        return "\x00binary"  # treated as human-owned: never merged, never overwritten


def _existing_pages(out: Path) -> list[str]:
    if not out.is_dir():
        return []
    found = []
    for dirpath, dirnames, filenames in os.walk(out, followlinks=False):
        dirnames[:] = sorted(d for d in dirnames if not d.startswith("."))
        for f in sorted(filenames):
            if f.endswith(".md"):
                rel = Path(dirpath, f).relative_to(out).as_posix()
                found.append(rel)
    return sorted(found)


def plan_docs(out: Path, pages: Mapping[str, str], *, prune: bool = False,
              display_out: str = "") -> tuple[tuple[PlannedFile, ...], tuple[Diagnostic, ...]]:
    """What writing ``pages`` into ``out`` would do, file by file, plus diagnostics."""
    try:
        return _plan_docs(Path(out), pages, prune=prune, display_out=display_out)
    except OSError as exc:  # a folder named like a page, a name too long, no permission, ...
        where = f"{display_out or out}" + (f" ({exc.filename})" if getattr(exc, "filename", None) else "")
        raise WriteError(f"cannot read the docs folder {where}: {exc.strerror or exc}") from exc


def _plan_docs(out: Path, pages: Mapping[str, str], *, prune: bool,
               display_out: str) -> tuple[tuple[PlannedFile, ...], tuple[Diagnostic, ...]]:
    shown = (display_out.rstrip("/") + "/") if display_out else ""
    files: list[PlannedFile] = []
    diags: list[Diagnostic] = []
    for rel in sorted(pages):
        path = _inside(out, rel)
        old = _read(path)
        if old == "\x00binary":
            files.append(PlannedFile(rel, SKIPPED, None, None))
            diags.append(Diagnostic(WARNING, shown + rel, None,
                                    "page is not UTF-8 text; left untouched", code="page-unreadable"))
            continue
        try:
            res = merge_page(old, pages[rel])
        except ValueError as exc:  # a custom template (or a bug) produced broken markers
            raise WriteError(f"{shown}{rel}: {exc}; nothing was written") from exc
        if res.status == DAMAGED:
            files.append(PlannedFile(rel, SKIPPED, old, None))
            diags.append(Diagnostic(ERROR, shown + rel, None,
                                    "drizzle-doc markers are damaged, page left untouched: "
                                    + "; ".join(res.problems)
                                    + ". Restore the markers (or delete the page to regenerate it).",
                                    code="page-damaged"))
        elif res.status == UNMANAGED:
            files.append(PlannedFile(rel, SKIPPED, old, None))
            diags.append(Diagnostic(WARNING, shown + rel, None,
                                    "page has no drizzle-doc markers, so it is treated as hand-written "
                                    "and left untouched. Delete or rename it to let generate write it.",
                                    code="page-unmanaged"))
        elif old == res.text:
            files.append(PlannedFile(rel, UNCHANGED, old, old))
        else:
            files.append(PlannedFile(rel, WRITTEN, old, res.text))
    for rel in _existing_pages(out):
        if rel in pages:
            continue
        old = _read(out / rel)
        if old is None or old == "\x00binary" or not is_generated_page(old):
            continue  # a human's own file: none of our business
        if prune:
            files.append(PlannedFile(rel, PRUNED, old, None))
        else:
            files.append(PlannedFile(rel, ORPHANED, old, None))
            diags.append(Diagnostic(WARNING, shown + rel, None,
                                    "orphaned page: its table is no longer in the models. "
                                    "Run `drizzle-doc generate --prune` to remove it.",
                                    code="page-orphaned"))
    return tuple(sorted(files, key=lambda f: f.path)), tuple(diags)


#: Temp files of :func:`atomic_write`; one left by a killed run is removed by the next one.
TEMP_PREFIX = ".drizzle-doc-tmp."
TEMP_SUFFIX = ".tmp"


def stale_temp_files(out: Path) -> list[Path]:
    """Temp files a killed ``generate`` left under ``out`` (never a symlink, never outside)."""
    if not out.is_dir():
        return []
    found = []
    for dirpath, dirnames, filenames in os.walk(out, followlinks=False):
        dirnames[:] = sorted(d for d in dirnames if not d.startswith("."))
        for f in sorted(filenames):
            p = Path(dirpath, f)
            if f.startswith(TEMP_PREFIX) and f.endswith(TEMP_SUFFIX) and not p.is_symlink():
                found.append(p)
    return found


def atomic_write(path: Path, text: str) -> None:
    """Write ``text`` to ``path`` via a temp file in the same folder and ``os.replace``."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f"{TEMP_PREFIX}{path.name[:40]}.", suffix=TEMP_SUFFIX, dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="") as fh:
            fh.write(text)
            fh.flush()
            os.fsync(fh.fileno())
        try:
            mode = path.stat().st_mode & 0o777
        except FileNotFoundError:
            mode = 0o644
        os.chmod(tmp, mode)
        os.replace(tmp, path)
    except BaseException:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        raise


def write_docs(out: Path, pages: Mapping[str, str], *, prune: bool = False, display_out: str = "",
               progress: Optional[Callable[[Iterable], Iterable]] = None) -> WriteSummary:
    """Merge ``pages`` into the files under ``out`` and write the ones that changed.

    ``progress`` wraps the iteration over files (a progress bar); ``display_out``
    is how the out dir is named in diagnostics (relative to the project root).
    """
    out = Path(out)
    files, diags = plan_docs(out, pages, prune=prune, display_out=display_out)
    counts = {WRITTEN: 0, UNCHANGED: 0, ORPHANED: 0, PRUNED: 0, SKIPPED: 0}
    todo = progress(files) if progress else files
    try:
        for stale in stale_temp_files(out):
            try:
                stale.unlink()
            except OSError:
                pass  # ignored: a temp file never counts as a page
        for f in todo:
            if f.status == WRITTEN:
                atomic_write(_real_inside(out, f.path), f.new)
            elif f.status == PRUNED:
                _real_inside(out, f.path).unlink()
            counts[f.status] += 1
    except OSError as exc:
        raise WriteError(f"cannot write docs into {display_out or out}: {exc.strerror or exc}") from exc
    return WriteSummary(counts[WRITTEN], counts[UNCHANGED], counts[ORPHANED], counts[PRUNED],
                        counts[SKIPPED], files, diags)
