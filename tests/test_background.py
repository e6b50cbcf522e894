"""The second core (issue 7): forked work gives exactly what a serial run gives.

Histories are read while the models are extracted, and large sets of table
pages are rendered in two halves.  Here every fixture goes both ways and the
results must be equal; and a child that raises, crashes or returns something
that cannot be pickled only means the parent does the work itself.
"""

from __future__ import annotations

import os
from dataclasses import replace
from pathlib import Path

import pytest

import drizzle_doc.render as render_mod
from drizzle_doc.background import ENV_JOBS, Background, can_fork
from drizzle_doc.config import load_projects
from drizzle_doc.migrations import history_digest, history_handle, load_history, prefetch_history
from drizzle_doc.parse import extract
from drizzle_doc.render import render_docs

REPO = Path(__file__).resolve().parent.parent
FIXTURES = sorted(p for p in (REPO / "fixtures").iterdir() if p.is_dir())

forks = pytest.mark.skipif(not can_fork(), reason="needs fork and two cores")


def _pid_and(x):
    return os.getpid(), x * 2


@forks
def test_the_work_runs_in_a_child():
    value = Background(_pid_and, 21).result()
    assert value[1] == 42 and value[0] != os.getpid()


def test_one_job_means_no_fork(monkeypatch):
    monkeypatch.setenv(ENV_JOBS, "1")
    assert not can_fork()
    assert Background(_pid_and, 1).result() == (os.getpid(), 2)


def test_no_fork_while_another_thread_runs():
    import threading

    stop = threading.Event()
    t = threading.Thread(target=stop.wait)
    t.start()
    try:
        assert not can_fork()
        assert Background(_pid_and, 1).result() == (os.getpid(), 2)
    finally:
        stop.set()
        t.join()


def _fails_in_child(parent):
    if os.getpid() != parent:
        raise RuntimeError("child only")
    return "parent did it"


def _dies_in_child(parent):
    if os.getpid() != parent:
        os._exit(3)
    return "parent did it"


def _unpicklable(parent):
    return (lambda: None) if os.getpid() != parent else "parent did it"


@forks
@pytest.mark.parametrize("fn", [_fails_in_child, _dies_in_child, _unpicklable])
def test_a_failing_child_means_the_parent_does_it(fn):
    assert Background(fn, os.getpid()).result() == "parent did it"


def _always_fails():
    raise ValueError("bad input")


def test_an_error_is_the_serial_error():
    with pytest.raises(ValueError, match="bad input"):
        Background(_always_fails).result()


def _big(n):
    return "x" * n


@forks
def test_an_abandoned_job_leaves_no_child():
    job = Background(_big, 10_000_000)  # far more than a pipe holds: the child blocks writing
    pid = job._pid
    assert pid
    del job  # never read
    with pytest.raises(ChildProcessError):
        os.waitpid(pid, os.WNOHANG)  # already reaped


def test_result_is_read_once():
    job = Background(_pid_and, 2)
    assert job.result() is job.result()


def _projects():
    for root in FIXTURES:
        yield from load_projects(root)


@pytest.mark.parametrize("project", list(_projects()), ids=lambda p: p.root.relative_to(REPO).as_posix())
def test_prefetched_history_and_split_rendering_equal_serial(project, monkeypatch):
    schema = extract(project)
    serial_history = load_history(project, schema)
    prefetch_history(project)
    assert load_history(project, schema) == serial_history
    prefetch_history(project)
    handle = history_handle(project)  # digest and diagnostics before the history is unpacked
    assert handle.diagnostics == serial_history.diagnostics
    assert handle.digest == history_digest(replace(serial_history, drift=())) == history_handle(project).digest
    monkeypatch.setattr(render_mod, "PARALLEL_MIN_TABLES", 1)
    split = render_docs(schema, project, history=serial_history)
    monkeypatch.setenv(ENV_JOBS, "1")
    serial = render_docs(schema, project, history=serial_history)
    assert list(split.items()) == list(serial.items())
