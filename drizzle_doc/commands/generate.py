"""The ``generate`` command's work, apart from click: render, merge, write, report.

``check`` (and tests) can call :func:`render_project` to get exactly the pages
``generate`` would merge into the out dir.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import TYPE_CHECKING, Mapping, Optional

if TYPE_CHECKING:
    from drizzle_doc.history.migrations import History
    from drizzle_doc.perf.history import Histories
    from drizzle_doc.perf.plan import Plan
    from drizzle_doc.project import Project


import click

from drizzle_doc.docs.write import WriteSummary, write_docs
from drizzle_doc.model import ERROR, WARNING, Diagnostic, Schema

#: Above this many files a progress bar is shown (on a terminal only).
PROGRESS_MIN_FILES = 200


def history_for(project: Project, schema: Schema) -> History:
    """The migration history the pages show (``None``: pages say no migration was found).

    Wiring point for :mod:`drizzle_doc.history.migrations`: return its per-table history
    here (an object with ``for_table(table)`` or a mapping keyed ``schema.table``,
    see :func:`drizzle_doc.docs.render.table_history`).
    """
    from drizzle_doc.history.migrations import load_history

    return load_history(project, schema)


def render_project(project: Project, schema: Schema, templates: Optional[Path] = None,
                   history: Optional[History] = None, lazy: bool = False, plan: Optional[Plan] = None,
                   use_cache: bool = False) -> Mapping[str, str]:
    """The pages ``generate`` would write (sorted by path); pass ``history`` when it was
    already loaded.  ``lazy``: a :class:`~drizzle_doc.perf.render.Pages` that renders each page
    when read, in no particular order, on two cores (as ``plan`` says, default
    :data:`~drizzle_doc.perf.plan.DEFAULT`), instead of a dict of all of them; with ``use_cache``
    too, table pages whose inputs are unchanged since the last run are taken back."""
    from drizzle_doc.docs.render import render_docs

    if history is None:
        history = history_for(project, schema)
    if lazy:
        from drizzle_doc.perf.plan import DEFAULT
        from drizzle_doc.perf.render import render_pages

        return render_pages(schema, project, history=history, templates=templates, plan=plan or DEFAULT,
                            use_cache=use_cache)
    return render_docs(schema, project, history=history, templates=templates)


def out_dir(project: Project) -> Path:
    """The docs folder; refused (exit 2) when a configured or default one leads outside the project."""
    from drizzle_doc.project.contain import check_out

    return check_out(project)


def manual_pages(project: Project, schema: Schema) -> tuple[frozenset, tuple[Diagnostic, ...]]:
    """The page paths the project opted out (``[pages] manual``), and a warning per entry that
    names no table and no page (``*.md``)."""
    from drizzle_doc.docs.render import page_paths
    entries = project.settings.manual_pages
    if not entries:
        return frozenset(), ()
    paths = page_paths(schema)
    by_name: dict[str, list[str]] = {}
    for t in schema.tables:
        by_name.setdefault(t.name, []).append(paths[t.key])
    found: set[str] = set()
    diags = []
    for entry in entries:
        e = entry.replace("\\", "/")
        if e in paths:
            found.add(paths[e])
        elif e in by_name:
            found.update(by_name[e])
        elif e.endswith(".md"):
            found.add(e[2:] if e.startswith("./") else e)
        else:
            diags.append(Diagnostic(WARNING, None, None, f"[pages] manual lists {entry!r}, which is neither a "
                                    "table of the models nor a page path ending in .md", code="page-manual"))
    return frozenset(found), tuple(diags)


def run_generate(results: list[tuple[Project, Schema]], *, prune: bool = False,
                 templates: Optional[Path] = None, use_cache: bool = True, histories: Optional[Histories] = None,
                 plan: Optional[Plan] = None, replay=None) -> int:
    """Generate docs for every (project, schema); print diagnostics, then one line per project
    saying where its pages went (``docs/data/schemas: 3 written, 2 unchanged, 0 orphaned``, paths
    from the current folder); return the exit code.

    With ``use_cache``, a project whose inputs and out dir are exactly as the last
    clean run left them is not rendered again (see :mod:`drizzle_doc.perf.cache`).
    ``histories``: the :class:`~drizzle_doc.perf.history.Histories` the command prefetched
    into (default: each history read when needed); ``plan``: how pages are rendered (see
    :func:`render_project`).  ``replay`` (a :class:`~drizzle_doc.perf.replay.Replay`) records
    a run that wrote, removed and warned of nothing, for the next identical one.
    """
    from drizzle_doc.docs.write import WriteError, diagnostic_text
    from drizzle_doc.perf import cache
    from drizzle_doc.perf.history import Histories
    from drizzle_doc.project.contain import out_lock

    histories = histories if histories is not None else Histories()

    worst = 0
    quiet = True  # nothing written, removed or said: an identical run may be answered from its record
    lines: list[str] = []
    for project, schema in results:
        handle = histories.handle(project)
        out = out_dir(project)  # refused (exit 2) when it leads outside the project
        created = [p for p in (out, *out.parents) if not p.exists()]  # removed again if the run fails
        try:
            out.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise WriteError(f"cannot create the docs folder {project.shown(project.out)}: {exc.strerror or exc}") from exc
        try:
            out = out_dir(project)  # again: a symlink may have appeared on the way
            manual, manual_diags = manual_pages(project, schema)
            with out_lock(out):  # a second run waits here, then finds the first one's pages
                summary = _generate_one(project, schema, out, handle, cache, templates, prune, use_cache,
                                        manual, bool(manual_diags), plan)
        except BaseException:
            for folder in created:  # deepest first; only the empty folders this run made
                try:
                    folder.rmdir()
                except OSError:
                    break
            raise
        lines.append(f"{project.shown(project.out)}: {summary.line()}")
        if summary.written or summary.pruned or summary.orphaned or summary.skipped or summary.diagnostics:
            quiet = False
        # schema.diagnostics already carries the project's own (config) diagnostics; every path is
        # printed from where the user stands (the pages' own are already: see _generate_one)
        diags = {project.show(d): None for d in (*schema.diagnostics, *handle.diagnostics, *manual_diags)}
        diags.update({d: None for d in summary.diagnostics})
        for d in sorted(diags, key=Diagnostic.sort_key):
            where = d.where()
            click.echo(f"{where + ': ' if where else ''}{d.severity}: {diagnostic_text(d)}", err=True)
            if d.severity == ERROR:
                worst = 1
    for line in lines:  # where the pages went, one line per docs folder
        click.echo(line)
    if replay is not None:
        replay.finish(worst, replayable=quiet)
    return worst


def _generate_one(project, schema, out, handle, cache, templates, prune, use_cache, manual,
                  warned, plan=None) -> WriteSummary:
    """Render and write one project's pages into ``out`` (whose lock is held)."""
    key = cache.render_key(project, schema, handle.digest, templates) if use_cache else None
    hit = cache.lookup(project, out, key) if key else None
    if hit is not None:  # nothing to render: the history itself is not even unpacked
        return WriteSummary(unchanged=hit)
    history = handle.full(schema, project)
    pages = render_project(project, schema, templates, history=history, lazy=True, plan=plan, use_cache=use_cache)
    big = len(pages) >= PROGRESS_MIN_FILES and sys.stderr.isatty()

    def progress(files):
        return _bar(files) if big else files

    from drizzle_doc.perf.docstate import for_run

    docs = for_run(project, out, schema, pages, use_cache)
    summary = write_docs(out, pages, prune=prune, display_out=project.shown(project.out), progress=progress,
                         manual=manual, known=docs.known if docs is not None else None)
    if docs is not None:
        docs.record(summary.files, pages)
    if key and not (summary.diagnostics or summary.skipped or summary.orphaned or warned):
        cache.store(project, out, key, summary.written + summary.unchanged)
    return summary


def _bar(files):
    with click.progressbar(files, label="Writing docs", file=sys.stderr) as bar:
        yield from bar
