"""Work on the second core: run a pure function in a forked child while the parent goes on.

``Background(fn, *args)`` forks (on Linux, with two or more cores, no other
thread running and ``DRIZZLE_DOC_JOBS`` not ``1``); the child computes ``fn(*args)``
and sends the pickled result down a pipe.  ``.result()`` reads it.  Whatever
goes wrong in the child (an exception, a crash, a result that does not pickle),
``.result()`` simply computes ``fn(*args)`` in the parent instead, so the
outcome is always what a serial run gives, only sometimes sooner.  The child
never prints and never writes a file: ``fn`` must be pure apart from reading.
"""

from __future__ import annotations

import os
import pickle
import sys
from typing import Any, Callable

ENV_JOBS = "DRIZZLE_DOC_JOBS"


def cores() -> int:
    """How many processes drizzle-doc may use (``DRIZZLE_DOC_JOBS`` caps it)."""
    try:
        n = len(os.sched_getaffinity(0))
    except (AttributeError, OSError):
        n = os.cpu_count() or 1
    env = os.environ.get(ENV_JOBS, "").strip()
    if env.isdigit() and int(env) > 0:
        n = min(n, int(env))
    return max(1, n)


def can_fork() -> bool:
    """Fork only where it is safe and useful: Linux, two or more cores, no other thread running.

    A process with other threads can deadlock its forked child (a lock held by a thread
    that does not exist in the child); macOS and Windows default to spawning instead.
    """
    import threading

    return (hasattr(os, "fork") and sys.platform.startswith("linux") and cores() > 1
            and threading.active_count() == 1)


class Background:
    """``fn(*args)``, computed in a forked child when possible; see the module docstring."""

    def __init__(self, fn: Callable[..., Any], *args: Any) -> None:
        self._fn, self._args = fn, args
        self._pid = 0
        self._fd = -1
        self._done = False
        self._value: Any = None
        self.crossed = False  # the result came from the child (rather than made here)
        if not can_fork():
            return
        try:
            for stream in (sys.stdout, sys.stderr):
                try:
                    stream.flush()
                except (OSError, ValueError, AttributeError):
                    pass
            read, write = os.pipe()
            pid = os.fork()
        except OSError:
            return
        if pid == 0:  # the child: compute, send, leave without running any exit handler
            code = 0
            try:
                os.close(read)
                data = pickle.dumps(fn(*args), protocol=pickle.HIGHEST_PROTOCOL)
                with os.fdopen(write, "wb") as out:
                    out.write(data)
            except BaseException:
                code = 1
            finally:
                os._exit(code)
        os.close(write)
        self._pid, self._fd = pid, read

    def result(self) -> Any:
        if self._done:
            return self._value
        value, ok = None, False
        if self._pid:
            try:
                with os.fdopen(self._fd, "rb") as fh:
                    data = fh.read()
                _, status = os.waitpid(self._pid, 0)
                if os.waitstatus_to_exitcode(status) == 0 and data:
                    value, ok = pickle.loads(data), True
                    self.crossed = True
            except Exception:
                ok = False
            self._pid = 0
        if not ok:
            value = self._fn(*self._args)
        self._done, self._value = True, value
        self._fn = self._args = None  # type: ignore[assignment]
        return value

    def close(self) -> None:
        """Abandon the job: the child is told (its pipe closes) and reaped; never blocks long."""
        if self._pid:
            pid, self._pid = self._pid, 0
            try:
                os.close(self._fd)  # a child still writing gets EPIPE and leaves
            except OSError:
                pass
            try:
                os.kill(pid, 9)
            except OSError:
                pass
            try:
                os.waitpid(pid, 0)
            except OSError:
                pass

    def __del__(self) -> None:  # an unread job must not leave a child blocked on its pipe
        try:
            self.close()
        except Exception:
            pass
