"""An unchanged ``check`` or ``generate`` answered from the record of the last identical run.

``check`` reads and never writes; ``generate`` on inputs and docs exactly as its last run left
them writes nothing.  Either prints what the last identical run printed and exits with its code,
when everything that run depended on is still so: the command line, where the user stands, the
environment that changes output (colour, ``DRIZZLE_DOC_*``), drizzle-doc's code, the projects
found (their settings, as ``repr``), and the states (:mod:`drizzle_doc.perf.store`) of every
file and folder its stages looked at: the models (the extraction's witness), the migrations
(the history's), the docs folder (every file's bytes, every folder's entries) and ``--templates``.

The projects are still found every run (cheap); everything after that is skipped on a hit.
A run is recorded only when all of its stages ran with the cache on, and a ``generate`` only when
it wrote, removed and warned of nothing (so its record is what an unchanged run prints).  A
record is an authenticated store entry like the others; a damaged one is a miss.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import Any, Optional

from drizzle_doc.perf import store

#: environment variables that change what a command prints
ENV = ("NO_COLOR", "FORCE_COLOR", "TERM", "COLUMNS", "CI", "GITHUB_ACTIONS")


class _Tee:
    """A text stream that writes through to ``stream`` and keeps a copy."""

    def __init__(self, stream) -> None:
        self._stream = stream
        self.parts: list[str] = []

    def write(self, text) -> int:
        n = self._stream.write(text)
        self.parts.append(text.decode("utf-8", "replace") if isinstance(text, (bytes, bytearray)) else text)
        return n

    def __getattr__(self, name: str) -> Any:  # flush, isatty, encoding, buffer, fileno, …
        return getattr(self._stream, name)


class Replay:
    """One command's record: looked up once the projects are known, written at the end."""

    def __init__(self, command: str, args: str, enabled: bool = True) -> None:
        self.command = command
        self.args = args  # the command's options as given (their repr)
        self.enabled = enabled and os.environ.get("DRIZZLE_DOC_NO_REPLAY") != "1"
        self.states: list[Any] = []  # the stages' recorded states (None: a stage ran without one)
        self.started = store.now_ns()
        self.folder: Optional[Path] = None
        self.name: Optional[str] = None
        self._out: Optional[_Tee] = None
        self._err: Optional[_Tee] = None

    # -- before the work ---------------------------------------------------------------
    def lookup(self, projects: list, extra: list[Path]) -> None:
        """Exit with the recorded output when nothing the last identical run depended on changed;
        otherwise start keeping this run's output."""
        if not self.enabled or not projects:
            self.enabled = False
            return
        from drizzle_doc.perf import cache

        tty = f"{sys.stdout.isatty()}{sys.stderr.isatty()}"
        env = "\0".join(f"{k}={os.environ.get(k, '')}" for k in (*ENV, *sorted(k for k in os.environ
                                                                           if k.startswith("DRIZZLE_DOC_"))))
        parts = [cache.code_fingerprint(), self.command, self.args, os.getcwd(), tty, env]
        for project in projects:
            parts += [repr(project), str(project.seen_from)]
        self.folder = cache.cache_dir(projects[0])
        self.name = "replay-" + store.name_of(*parts)
        entry = store.load(self.folder, self.name)
        if isinstance(entry, dict) and isinstance(entry.get("code"), int) and store.holds(entry.get("state")):
            sys.stdout.write(entry.get("stdout", ""))
            sys.stderr.write(entry.get("stderr", ""))
            sys.stdout.flush()
            sys.stderr.flush()
            raise SystemExit(entry["code"])
        # the docs folder and the templates as they are before the work (a file changed while
        # this run reads it then makes the record a miss, never a stale answer)
        from drizzle_doc.ts.witness import Witness

        witness = Witness()
        for folder in extra:
            store.read_tree(witness, folder, self.started)
        self.states.append(store.state(witness, self.started))
        self._out, self._err = _Tee(sys.stdout), _Tee(sys.stderr)
        sys.stdout, sys.stderr = self._out, self._err

    def add(self, state: Optional[dict]) -> None:
        """A stage's recorded state (None: it ran without one, so this run is not recorded)."""
        self.states.append(state)

    # -- after the work -------------------------------------------------------------------
    def finish(self, code: int, replayable: bool = True) -> None:
        """Record this run (exit ``code``) when every stage left its state and ``replayable``."""
        if self._out is None or self._err is None:
            return
        sys.stdout, sys.stderr = self._out._stream, self._err._stream
        if not (self.enabled and replayable) or not self.states or any(s is None for s in self.states):
            return
        merged: dict = {"files": {}, "probes": {}, "folders": {}}
        for s in self.states:
            for part in merged:
                merged[part].update(s[part])
        store.save(self.folder, self.name, {"state": merged, "code": code,
                                            "stdout": "".join(self._out.parts), "stderr": "".join(self._err.parts)})

