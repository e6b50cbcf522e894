"""Table pages kept between runs (issue 18, :mod:`drizzle_doc.perf.render`).

A kept page is used again while its own table's facet, every page's inputs and the facet of each
other table it looked up are unchanged.  That is only sound if every other table a page reads is
looked up through ``tables_by_key()`` (the recorded channel): the first test renders every page of
every fixture from a model holding only its own table and the tables it was seen to look up, and
finds each page byte-identical.  The others show which pages an edit renders again.
"""

from __future__ import annotations

import dataclasses
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest

from drizzle_doc.docs.render import page_job, table_pages
from drizzle_doc.drizzle.extract import extract
from drizzle_doc.history.migrations import load_history
from drizzle_doc.model.schema import NO_DOC, Doc
from drizzle_doc.perf import render as perf_render
from drizzle_doc.project.config import load_projects

from conftest import run_cli_at, write_files

REPO = Path(__file__).resolve().parent.parent
FIXTURES = sorted(p for p in (REPO / "fixtures").iterdir() if p.is_dir() and not p.name.startswith("."))


def without_docs(obj: Any) -> Any:
    """``obj`` (a model table, or any part of one) with every JSDoc (``description``) empty and every
    source ``line`` 0: the shape :func:`~drizzle_doc.perf.render.shape_digest` hashes."""
    if dataclasses.is_dataclass(obj) and not isinstance(obj, type):
        changes = {}
        for f in dataclasses.fields(obj):
            if not f.init:
                continue
            value = getattr(obj, f.name)
            if f.name == "description" and isinstance(value, Doc):
                new = NO_DOC
            elif f.name == "line" and type(value) is int:
                new = 0
            else:
                new = without_docs(value)
            if new is not value:
                changes[f.name] = new
        return dataclasses.replace(obj, **changes) if changes else obj
    if isinstance(obj, tuple) and obj:
        items = tuple(without_docs(x) for x in obj)
        return items if any(a is not b for a, b in zip(items, obj)) else obj
    return obj


@pytest.mark.parametrize("fixture", FIXTURES, ids=lambda p: p.name)
def test_a_page_reads_no_table_it_did_not_look_up(fixture):
    checked = 0
    for project in load_projects(fixture):
        schema = extract(project)
        job = page_job(schema, project, load_history(project, schema))
        for i, t in enumerate(schema.tables):
            path, text, keys = perf_render.recorded_page(job, i)
            assert (path, text) == table_pages(job, i, i + 1)[0]  # recording changes nothing
            if keys is None:
                continue
            wanted = {t.key, *keys}
            alone = replace(schema, tables=tuple(x for x in schema.tables if x.key in wanted))
            at = [x.key for x in alone.tables].index(t.key)
            assert table_pages(job._replace(schema=alone), at, at + 1)[0] == (path, text), \
                f"{fixture.name}: the page of {t.key} reads a table it did not look up"
            assert perf_render.shape_digest(t) == perf_render.shape_digest(without_docs(t))
            shapes = replace(schema, tables=tuple(x if x is t else without_docs(x) for x in schema.tables))
            assert table_pages(job._replace(schema=shapes), i, i + 1)[0] == (path, text), \
                f"{fixture.name}: the page of {t.key} reads another table's JSDoc or lines"
            checked += 1
    if any(project for project in load_projects(fixture)):
        assert checked or not any(extract(p).tables for p in load_projects(fixture))


FILES = {
    "package.json": '{ "name": "app", "private": true }\n',
    "drizzle.config.ts": 'import { defineConfig } from "drizzle-kit";\n\nexport default defineConfig({\n'
                         '  dialect: "postgresql",\n  schema: "./src/models/*.ts",\n  out: "./drizzle",\n});\n',
    "src/models/a.ts": 'import { pgTable, text, uuid } from "drizzle-orm/pg-core";\nimport { bees } from "./b";\n\n'
                       '/** Ayes. */\nexport const ayes = pgTable("ayes", {\n  id: uuid("id").primaryKey(),\n'
                       '  beeId: uuid("bee_id").notNull().references(() => bees.id),\n});\n',
    "src/models/b.ts": 'import { pgTable, text, uuid } from "drizzle-orm/pg-core";\n\n'
                       '/** Bees. */\nexport const bees = pgTable("bees", {\n  id: uuid("id").primaryKey(),\n'
                       '  name: text("name"),\n});\n',
    "src/models/c.ts": 'import { pgTable, text, uuid } from "drizzle-orm/pg-core";\n\n'
                       '/** Cees. */\nexport const cees = pgTable("cees", {\n  id: uuid("id").primaryKey(),\n});\n',
}


def _rendered(monkeypatch) -> list[str]:
    made: list[str] = []
    real = perf_render.recorded_page

    def spy(job, i):
        made.append(job.schema.tables[i].name)
        return real(job, i)

    monkeypatch.setattr(perf_render, "recorded_page", spy)
    return made


def _docs(root: Path) -> dict[str, str]:
    out = root / "docs/data/schemas"
    return {p.relative_to(out).as_posix(): p.read_text() for p in sorted(out.rglob("*.md"))}


def test_an_edit_renders_only_the_pages_that_read_what_changed(tmp_path, monkeypatch):
    monkeypatch.setenv("DRIZZLE_DOC_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.setenv("DRIZZLE_DOC_JOBS", "1")
    root = write_files(tmp_path / "app", FILES)
    made = _rendered(monkeypatch)
    assert run_cli_at(root, "generate").exit_code == 0
    assert made == []  # a first run (a fresh clone in CI) keeps nothing for edits: pages are not recorded
    (root / "src/models/c.ts").write_text(FILES["src/models/c.ts"].replace("Cees.", "Cees, edited."))
    assert run_cli_at(root, "generate").exit_code == 0
    assert sorted(made) == ["ayes", "bees", "cees"]  # the second run records every page

    made.clear()  # a description of a table nobody refers to: its page only
    (root / "src/models/c.ts").write_text(FILES["src/models/c.ts"].replace("Cees.", "Cees, edited again."))
    assert run_cli_at(root, "generate").exit_code == 0
    assert made == ["cees"]

    made.clear()  # the JSDoc of a referenced table: no other page reads another table's JSDoc
    (root / "src/models/b.ts").write_text(FILES["src/models/b.ts"].replace("Bees.", "Bees, described."))
    assert run_cli_at(root, "generate").exit_code == 0
    assert made == ["bees"]

    made.clear()  # a column of a referenced table: its page and the page whose sample row points at it
    (root / "src/models/b.ts").write_text(FILES["src/models/b.ts"].replace('text("name")', 'text("name").notNull()'))
    assert run_cli_at(root, "generate").exit_code == 0
    assert sorted(made) == ["ayes", "bees"]
    kept = _docs(root)

    made.clear()
    code = run_cli_at(root, "generate", "--no-cache").exit_code
    assert code == 0 and _docs(root) == kept


def test_pages_are_not_kept_without_the_cache(tmp_path, monkeypatch):
    monkeypatch.setenv("DRIZZLE_DOC_CACHE_DIR", str(tmp_path / "cache"))
    root = write_files(tmp_path / "app", FILES)
    made = _rendered(monkeypatch)
    assert run_cli_at(root, "generate", "--no-cache").exit_code == 0
    assert made == [] and not list((tmp_path / "cache").glob("pages-*"))


def _age(folder: Path, seconds: int = 3600) -> None:
    import os
    import time

    for p in folder.rglob("*"):
        if p.is_file():
            t = time.time() - seconds
            os.utime(p, (t, t))


def test_current_pages_are_not_read_and_a_changed_one_is(tmp_path, monkeypatch):
    from drizzle_doc.docs import write

    monkeypatch.setenv("DRIZZLE_DOC_CACHE_DIR", str(tmp_path / "cache"))
    root = write_files(tmp_path / "app", FILES)
    out = root / "docs/data/schemas"
    assert run_cli_at(root, "generate").exit_code == 0
    _age(out)
    (root / "src/models/c.ts").write_text(FILES["src/models/c.ts"].replace("Cees.", "Cees, once."))
    assert run_cli_at(root, "generate").exit_code == 0  # reads every page, keeps their state
    read: list[str] = []
    real = write._read
    monkeypatch.setattr(write, "_read", lambda path: (read.append(path.name), real(path))[1])
    (root / "src/models/c.ts").write_text(FILES["src/models/c.ts"].replace("Cees.", "Cees, twice."))
    assert run_cli_at(root, "generate").exit_code == 0
    assert sorted(read) == ["README.md", "cees.md"]  # the page of the edited table and the index

    read.clear()  # a hand edit to an old page: its size tells, and generate puts the page back
    page = out / "ayes.md"
    page.write_text(page.read_text().replace("Ayes.", "Ayes!!"))
    r = run_cli_at(root, "check")
    assert r.exit_code == 1 and "ayes.md" in r.output
    assert "ayes.md" in read
    assert run_cli_at(root, "generate").exit_code == 0
    kept = _docs(root)
    assert run_cli_at(root, "generate", "--no-cache").exit_code == 0 and _docs(root) == kept
