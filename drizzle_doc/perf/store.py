"""Results kept between runs, each with the proof of what it was made from.

An entry holds a result (pickled) and the *state* of everything the stage that made it looked
at, from a :class:`~drizzle_doc.ts.witness.Witness`: each file read (the hash of its bytes, its
size and mtime), each path probed (missing, a file, a folder, a link and where to), each folder
listed (its entries).  :func:`lookup` gives the result back only when all of that is still so:
a file whose size and mtime are unchanged is trusted without reading it, unless its mtime was
too recent when the entry was made (a write in the same clock tick would not show: git's
"racily clean" rule); any other file is read and hashed again.  So a stale entry cannot be
observed: the stage would have read the same bytes and made the same result.

Entries are authenticated: each file starts with an HMAC-SHA256 of its contents under a
secret made for this user (``secret`` in the user's cache folder, mode 0600, never in a
repository), checked before anything is unpickled.  An entry committed to a repository, or
written by anyone without that secret, is a miss, never code run.  A damaged, unreadable or
foreign entry is a miss; a store that cannot be written is ignored (the cache only saves time).

Where: :func:`drizzle_doc.perf.cache.cache_dir` (``node_modules/.cache/drizzle-doc`` when the
project has a ``node_modules`` inside it, else the user's cache folder); the secret always in
``$DRIZZLE_DOC_CACHE_DIR`` or the user's cache folder.
"""

from __future__ import annotations

import hashlib
import hmac
import os
import pickle
import stat as stat_mod
import time
from pathlib import Path
from typing import Any, Optional

from drizzle_doc.ts.witness import Witness, digest

MAGIC = b"drizzle-doc store 1\n"
#: a file modified less than this long before the entry was made is always hashed again
RACY_NS = 2_000_000_000


#: the environment variable naming the cache folder (tests and CI set it)
ENV_DIR = "DRIZZLE_DOC_CACHE_DIR"


def user_cache_dir() -> Path:
    """``$DRIZZLE_DOC_CACHE_DIR``, else the user's cache folder (``$XDG_CACHE_HOME/drizzle-doc``)."""
    env = os.environ.get(ENV_DIR)
    if env:
        return Path(env)
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return Path(base) / "drizzle-doc"


_SECRET: dict[str, Optional[bytes]] = {}


def secret() -> Optional[bytes]:
    """This user's key for entries (made on first use); None when it cannot be kept."""
    folder = user_cache_dir()
    key = str(folder)
    if key in _SECRET:
        return _SECRET[key]
    path = folder / "secret"
    value: Optional[bytes] = None
    flags = os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0)
    try:
        fd = os.open(path, flags)
        with open(fd, "rb") as fh:
            st = os.fstat(fh.fileno())
            data = fh.read(100)
        # only a key file of this user that nobody else may read or write
        if len(data) == 32 and st.st_uid == os.getuid() and not (st.st_mode & 0o077):
            value = data
    except FileNotFoundError:
        try:
            folder.mkdir(parents=True, exist_ok=True)
            data = os.urandom(32)
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0), 0o600)
            with open(fd, "wb") as fh:
                fh.write(data)
            value = data
        except OSError:
            value = None
    except OSError:
        value = None
    _SECRET[key] = value
    return value


def name_of(*parts: str) -> str:
    """A file name for an entry keyed by ``parts``."""
    h = hashlib.sha256()
    for part in parts:
        h.update(part.encode("utf-8", "surrogatepass"))
        h.update(b"\0\1\0")
    return h.hexdigest()[:40]


# ---------------------------------------------------------------------------
# The state of what a witness saw
# ---------------------------------------------------------------------------


def _kind(path: str) -> str:
    """What ``path`` is now: ``-`` missing, ``f`` file, ``d`` folder, ``o`` other; a link adds
    ``@`` and where it points."""
    try:
        st = os.lstat(path)
    except (OSError, ValueError):
        return "-"
    if stat_mod.S_ISLNK(st.st_mode):
        try:
            target = os.readlink(path)
        except OSError:
            target = "?"
        try:
            st = os.stat(path)
        except (OSError, ValueError):
            return "@" + target + "-"
        return "@" + target + _mode(st.st_mode)
    return _mode(st.st_mode)


def _mode(mode: int) -> str:
    return "f" if stat_mod.S_ISREG(mode) else "d" if stat_mod.S_ISDIR(mode) else "o"


def _listing(folder: str) -> str:
    """The entries of ``folder`` (name and kind, a link's target): ``-`` when it cannot be listed."""
    try:
        with os.scandir(folder) as it:
            items = []
            for e in it:
                if e.is_symlink():
                    try:
                        items.append(f"{e.name}\0@{os.readlink(e.path)}")
                    except OSError:
                        items.append(f"{e.name}\0@?")
                else:
                    items.append(f"{e.name}\0{'d' if e.is_dir(follow_symlinks=False) else 'f'}")
    except (OSError, ValueError):
        return "-"
    items.sort()
    return hashlib.blake2b("\n".join(items).encode("utf-8", "surrogateescape"), digest_size=16).hexdigest()


def state(witness: Witness, started_ns: int) -> dict:
    """The state of everything ``witness`` saw, to be checked by :func:`holds`.

    ``started_ns`` is when the reading began (``time.time_ns()``): a file modified after
    ``started_ns - RACY_NS`` is never trusted by its size and mtime (its bytes may be newer
    than the bytes hashed)."""
    files = {}
    for path, dig in witness.files.items():
        try:
            st = os.stat(path)
            trusted = st.st_mtime_ns < started_ns - RACY_NS
            files[path] = (dig, st.st_size, st.st_mtime_ns if trusted else -1)
        except (OSError, ValueError):
            files[path] = (dig, -1, -1)
    return {"files": files,
            "probes": {p: _kind(p) for p in witness.probes},
            "folders": {f: _listing(f) for f in witness.folders}}


def holds(recorded: dict) -> bool:
    """Whether everything a :func:`state` recorded is still so."""
    try:
        for path, (dig, size, mtime) in recorded["files"].items():
            try:
                st = os.stat(path)
            except (OSError, ValueError):
                return False
            if mtime >= 0 and st.st_size == size and st.st_mtime_ns == mtime:
                continue
            if not dig:  # seen, not read: without a hash, any other size or mtime is a change
                return False
            try:
                with open(path, "rb") as fh:
                    if digest(fh.read()) != dig:
                        return False
            except (OSError, ValueError):
                return False
        for path, kind in recorded["probes"].items():
            if _kind(path) != kind:
                return False
        for folder, listing in recorded["folders"].items():
            if _listing(folder) != listing:
                return False
    except (KeyError, TypeError, ValueError):
        return False
    return True


def read_tree(witness: Witness, folder: Path, started_ns: int) -> None:
    """Every file below ``folder`` into ``witness``, every folder listed (a missing one probed).

    A file last modified well before ``started_ns`` (when the reading that depends on it began) is
    only *seen*: its size and mtime will tell, as git judges a file it has not read (reading the
    10,000 pages of a large docs folder, or every snapshot of a migrations folder, on each run that
    cannot be answered from a record would cost more than it saves).  A newer one is read and hashed."""
    folder = Path(folder)
    witness.probed(folder)
    for dirpath, dirnames, filenames in os.walk(folder):
        dirnames.sort()
        witness.listed(dirpath)
        for name in sorted(filenames):
            path = os.path.join(dirpath, name)
            try:
                st = os.lstat(path)
                if st.st_mtime_ns < started_ns - RACY_NS:
                    witness.seen(path)
                    continue
                fd = os.open(path, os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0))
                with open(fd, "rb") as fh:
                    witness.read(path, fh.read())
            except OSError:
                witness.probed(path)


def now_ns() -> int:
    return time.time_ns()


# ---------------------------------------------------------------------------
# Entries
# ---------------------------------------------------------------------------


def _sign(key: bytes, body: bytes) -> bytes:
    return hmac.new(key, body, hashlib.sha256).digest()


def load(folder: Path, name: str) -> Optional[Any]:
    """The value :func:`save` kept as ``name`` in ``folder``, or None (absent, foreign, damaged)."""
    key = secret()
    if key is None:
        return None
    try:
        fd = os.open(folder / name, os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0))
        with open(fd, "rb") as fh:
            data = fh.read()
    except OSError:
        return None
    head = len(MAGIC)
    if not data.startswith(MAGIC) or len(data) < head + 32:
        return None
    view = memoryview(data)  # no copy of a large entry's body (the peak memory of a run counts it)
    mac, body = view[head:head + 32], view[head + 32:]
    if not hmac.compare_digest(mac, _sign(key, body)):
        return None
    try:
        return pickle.loads(body)
    except Exception:  # an entry of another drizzle-doc whose classes changed: a miss
        return None
    finally:
        body.release()
        mac.release()
        view.release()


def save(folder: Path, name: str, value: Any) -> None:
    """Keep ``value`` as ``name`` in ``folder`` (best effort)."""
    key = secret()
    if key is None:
        return
    import tempfile

    try:
        body = pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL)
        folder.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=".entry.", suffix=".tmp", dir=folder)
    except (OSError, pickle.PicklingError, TypeError, AttributeError, RecursionError):
        return
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(MAGIC)
            fh.write(_sign(key, body))
            fh.write(body)
        os.replace(tmp, folder / name)  # the name is replaced: a link there is never written through
    except OSError:
        try:
            os.unlink(tmp)
        except OSError:
            pass
