"""What a reading of the project looked at in the file system: the files it read (with a hash of
the bytes it read), the paths whose existence decided something (a file found or not found) and
the folders it listed.

The evaluator, the resolver and the schema-file walk record into a :class:`Witness` when they are
given one (``witness`` attribute, None by default: nothing recorded).  Whoever keeps a result
for later (:mod:`drizzle_doc.perf.store`) can then tell whether reading the project again could
give anything else: it could not when every file read still has the same bytes, every path
probed is still what it was (missing, a file, a folder, a link to the same place) and every
folder listed still has the same entries.

Recording is cheap (a dict insert per probe; a hash of each file's bytes, once).  Nothing here
decides anything: it only remembers.
"""

from __future__ import annotations

import hashlib
import os
from pathlib import Path
from typing import Union

PathLike = Union[str, "os.PathLike[str]"]


def digest(data: bytes) -> str:
    """The hash a witness keeps of a file's bytes."""
    return hashlib.blake2b(data, digest_size=20).hexdigest()


class Witness:
    """Files read (path -> digest of the bytes read), paths probed and folders listed (path -> None)."""

    __slots__ = ("files", "probes", "folders")

    def __init__(self) -> None:
        self.files: dict[str, str] = {}
        self.probes: dict[str, None] = {}
        self.folders: dict[str, None] = {}

    def read(self, path: PathLike, data: bytes) -> None:
        """``path`` was read and held ``data``."""
        self.files[os.fspath(path)] = digest(data)

    def seen(self, path: PathLike) -> None:
        """``path`` was looked at but not read: only its size and mtime will tell whether it changed
        (no hash to fall back on; see :func:`drizzle_doc.perf.store.state`)."""
        self.files[os.fspath(path)] = ""

    def probed(self, path: PathLike) -> None:
        """Whether ``path`` exists (or is a file, a folder, a link) decided something."""
        self.probes[os.fspath(path)] = None

    def listed(self, folder: PathLike) -> None:
        """The entries of ``folder`` decided something."""
        self.folders[os.fspath(folder)] = None

    def merge(self, other: "Witness") -> None:
        self.files.update(other.files)
        self.probes.update(other.probes)
        self.folders.update(other.folders)


def read_bytes(path: Path, witness: "Witness | None") -> bytes:
    """``path.read_bytes()``, recorded in ``witness`` when there is one."""
    data = path.read_bytes()
    if witness is not None:
        witness.read(path, data)
    return data
