"""Containment: every path drizzle-doc writes, deletes, caches or walks stays inside the project.

The *project root* of a run (``Project.boundary``) is ``--root`` (default: the current
folder), or the folder of a ``--config`` that lies outside it.  A drizzle config found
below the root (a monorepo package) may name paths anywhere inside that root, e.g.
``../../packages/db/schema.ts``, but nothing outside it.  Paths are judged after
following symlinks, so a symlinked ``docs/`` that leads out is refused like ``../x``.

Only what the person running drizzle-doc typed is trusted to point elsewhere:
``--out``, ``--schema``, ``--migrations``, ``--config``, ``--root`` and the
cache's environment variables.  Whatever a file in the repository says
(``drizzle-doc.toml``, package.json, ``drizzle.config.*``) is held to the root.

:func:`out_lock` serialises the write phase of concurrent ``generate`` runs on one
docs folder (an advisory ``flock`` on the folder itself: no lock file to commit).
"""

from __future__ import annotations

import errno
import os
import re
import tempfile
import time
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Iterator, Optional

if TYPE_CHECKING:
    from drizzle_doc.project import Project


from drizzle_doc.errors import UsageError

#: Seconds a ``generate`` waits for another run on the same docs folder before giving up.
LOCK_TIMEOUT_ENV = "DRIZZLE_DOC_LOCK_TIMEOUT"
LOCK_TIMEOUT = 120.0
GLOB_CHARS = "*?[{"


class ContainmentError(UsageError):
    """A path from a file in the repository leads outside the project root (exit code 2)."""


class LockTimeout(UsageError):
    """Another drizzle-doc run kept the docs folder locked for too long (exit code 2)."""


def real(path: Path) -> Path:
    """``path`` absolute with every existing symlink followed (never raises for a loop)."""
    try:
        return Path(os.path.realpath(path))
    except (OSError, ValueError):
        return Path(os.path.abspath(path))


def is_inside(path: Path, boundary: Path) -> bool:
    """True when ``path`` (symlinks followed) is ``boundary`` or below it."""
    p, b = real(path), real(boundary)
    return p == b or b in p.parents


def boundary_of(project: Project) -> Path:
    return Path(getattr(project, "boundary", None) or project.root)


def static_part(pattern: str) -> str:
    """The folder part of a glob before its first wildcard: ``src/**/*.ts`` -> ``src``."""
    parts = pattern.replace("\\", "/").split("/")
    static = []
    for part in parts:
        if any(c in part for c in GLOB_CHARS):
            break
        static.append(part)
    if len(static) == len(parts):
        return pattern
    return "/".join(static) or ("/" if pattern.startswith(("/", "\\")) else "")


def line_of_literal(path: Path, value: str) -> Optional[int]:
    """The first line of ``path`` holding ``value`` as a quoted string (None: not found)."""
    try:
        text = path.read_text(encoding="utf-8", errors="replace")
    except OSError:
        return None
    m = re.search("[\"'`]" + re.escape(value) + "[\"'`]", text)
    return text.count("\n", 0, m.start()) + 1 if m else None


def refuse_outside(value: str, base: Path, boundary: Path, where: str, what: str) -> None:
    """Raise :class:`ContainmentError` when ``value`` (relative to ``base``; a glob's static part)
    leads outside ``boundary``.  ``where`` names the file (and line) it came from."""
    target = base / static_part(value) if value else base
    if "\x00" in value or not is_inside(target, boundary):
        raise ContainmentError(
            f"{where}: {what} {value!r} leads outside the project root {real(boundary)} "
            f"(to {real(target)}); refusing to use it (pass a path on the command line to override)")


def check_out(project: Project) -> Path:
    """The docs folder of ``project``, refused when it leads outside the project root.

    An ``--out`` given on the command line is trusted; a default or configured one
    (drizzle-doc.toml, package.json) must resolve, symlinks followed, inside the root.
    """
    out = Path(project.root) / project.out
    source = getattr(project, "out_source", "default")
    if source == "--out":
        return out
    boundary = boundary_of(project)
    if not is_inside(out, boundary):
        came = "the default docs folder"
        if source != "default":
            raw = project.settings.out
            line = line_of_literal(Path(project.root) / source, raw) if isinstance(raw, str) else None
            came = f"`out` in {Path(project.root) / source}" + (f":{line}" if line else "")
        raise ContainmentError(
            f"refusing to write docs to {real(out)}: {came} ({project.out!r}) leads outside the project "
            f"root {real(boundary)} (a `..`, an absolute path or a symlink); nothing was written. "
            "Pass --out on the command line to write elsewhere.")
    return out


def replace_file(path: Path, text: str, mode: Optional[int] = None, prefix: str = ".tmp.") -> None:
    """Write ``text`` to a temp file beside ``path`` and rename it over ``path``: the name is
    replaced, a symlink there is never written through.  Raises OSError."""
    fd, tmp = tempfile.mkstemp(prefix=prefix, suffix=".tmp", dir=Path(path).parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            fh.write(text)
        if mode is not None:
            os.chmod(tmp, mode)
        os.replace(tmp, path)
    except BaseException:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        raise


def _lock_timeout() -> float:
    try:
        return max(0.0, float(os.environ.get(LOCK_TIMEOUT_ENV, LOCK_TIMEOUT)))
    except ValueError:
        return LOCK_TIMEOUT


@contextmanager
def out_lock(folder: Path, timeout: Optional[float] = None) -> Iterator[None]:
    """Hold an exclusive advisory lock on the docs folder while it is read and written.

    A second run on the same folder waits up to ``timeout`` seconds (default 120, or
    ``$DRIZZLE_DOC_LOCK_TIMEOUT``) and then proceeds on what the first left; after that
    it stops with "another drizzle-doc run holds the lock on DIR" (exit 2).  Where
    ``flock`` is not available (some network filesystems) the run goes on unlocked.
    """
    try:
        import fcntl
    except ImportError:  # pragma: no cover - not POSIX
        yield
        return
    try:
        fd = os.open(folder, os.O_RDONLY | getattr(os, "O_DIRECTORY", 0) | getattr(os, "O_CLOEXEC", 0))
    except OSError:
        yield  # the folder cannot be opened: writing will say why
        return
    try:
        limit = time.monotonic() + (_lock_timeout() if timeout is None else timeout)
        while True:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                locked = True
                break
            except OSError as exc:
                if exc.errno not in (errno.EWOULDBLOCK, errno.EAGAIN, errno.EACCES):
                    locked = False  # not supported here: go on without
                    break
            if time.monotonic() >= limit:
                raise LockTimeout(f"another drizzle-doc run holds the lock on {folder}; "
                                  "try again when it has finished")
            time.sleep(0.05)
        try:
            yield
        finally:
            if locked:
                fcntl.flock(fd, fcntl.LOCK_UN)
    finally:
        os.close(fd)


def pid_alive(pid: int) -> bool:
    if pid <= 0:
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:  # EPERM: alive, someone else's
        return True
    return True
