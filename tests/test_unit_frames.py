"""What each models file's evaluation needed, recorded exactly (issue 18: an edit evaluates only
the files it can change).

The evaluator shares every result across the files of one run; a kept part of one file is used
again in a later run while the files it *touched* are unchanged, and its diagnostics stand for
what evaluating it says.  Both are only right if a part records, for results it took from the
shared caches, what making them touched and said (``Evaluator.record``).  Here every unit of
every fixture (and of a generated 60-table project with foreign keys across files) is evaluated
in one shared run and again alone in a fresh evaluator: same files, same diagnostics, and the
parts of the lone runs merge into the model.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from drizzle_doc.drizzle.extract import Extraction, extract
from drizzle_doc.project.config import load_projects

REPO = Path(__file__).resolve().parent.parent
FIXTURES = sorted(p for p in (REPO / "fixtures").iterdir() if p.is_dir() and not p.name.startswith("."))


def _projects(root: Path):
    return [p for p in load_projects(root)]


def _check(project) -> int:
    run = Extraction(project)
    units = run.units()
    if not units:
        return 0
    shared = run.unit_parts([u for u, _ in units])
    alone = []
    for k, ((unit, _), part) in enumerate(zip(units, shared)):
        own = Extraction(project)  # a unit holds its evaluator's modules: take the lone run's own
        [lone] = own.unit_parts([own.units()[k][0]])
        assert set(part.files) == set(lone.files), f"{project.root}: {unit[:2]} touched other files alone"
        assert set(part.diagnostics) == set(lone.diagnostics), f"{project.root}: {unit[:2]} says other things alone"
        assert part.unframed == lone.unframed
        alone.append(lone)
    fresh = Extraction(project)
    fresh.units()
    assert fresh.finish(alone) == extract(project)
    return len(units)


@pytest.mark.parametrize("fixture", FIXTURES, ids=lambda p: p.name)
def test_a_unit_records_what_it_needs_alone(fixture):
    for project in _projects(fixture):
        _check(project)


def test_a_generated_project_with_foreign_keys_across_files(tmp_path):
    subprocess.run([sys.executable, str(REPO / "bench/gen_project.py"), "--tables", "60", "--dest", str(tmp_path / "p")],
                   check=True, capture_output=True)
    [project] = _projects(tmp_path / "p")
    assert _check(project) > 5


SHARED = {
    "package.json": '{ "name": "app", "private": true }\n',
    "drizzle.config.ts": 'import { defineConfig } from "drizzle-kit";\n\nexport default defineConfig({\n'
                         '  dialect: "postgresql",\n  schema: "./src/models/*.ts",\n});\n',
    # one import statement, two bindings: the second takes the first's resolution from the cache
    "src/lib/names.ts": 'import { first, second } from "./gone";\nimport { size } from "./sizes";\n\n'
                        'export const A = first ?? "a";\nexport const B = second ?? "b";\nexport const N = size;\n',
    "src/lib/sizes.ts": 'export const size = 40;\nexport const broken = ;\n',
    "src/models/one.ts": 'import { pgTable, varchar } from "drizzle-orm/pg-core";\nimport { A, N } from "../lib/names";\n\n'
                         'export const ones = pgTable("ones", { name: varchar("name", { length: N }).default(A) });\n',
    "src/models/two.ts": 'import { pgTable, text } from "drizzle-orm/pg-core";\nimport { B } from "../lib/names";\n\n'
                         'export const twos = pgTable("twos", { name: text("name").default(B) });\n',
    "src/models/three.ts": 'import { pgTable, integer } from "drizzle-orm/pg-core";\nimport { N } from "../lib/names";\n\n'
                           'export const threes = pgTable("threes", { size: integer("size").default(N) });\n',
}


def test_results_shared_through_every_cache_count_for_each_unit(tmp_path):
    from conftest import write_files

    [project] = _projects(write_files(tmp_path / "app", SHARED))
    run = Extraction(project)
    parts = run.unit_parts([u for u, _ in run.units()])
    assert _check(project) == 3
    two, three = parts[2], parts[1]  # in file order: one, three, two
    assert any("cannot resolve import './gone'" in d.message for d in two.diagnostics)
    assert any(f.endswith("sizes.ts") for f in three.files)
    assert any(d.file == "src/lib/sizes.ts" for d in three.diagnostics)


TWICE = {
    "package.json": '{ "name": "app", "private": true }\n',
    "drizzle.config.ts": 'import { defineConfig } from "drizzle-kit";\n\nexport default defineConfig({\n'
                         '  dialect: "postgresql",\n  schema: "./src/schema/*.ts",\n});\n',
    # every file is a schema file, and the barrel exports each again: two units make each value
    "src/schema/index.ts": 'export * from "./user";\nexport * from "./post";\n',
    "src/schema/user.ts": 'import { relations } from "drizzle-orm";\nimport { pgTable, text, uuid } from "drizzle-orm/pg-core";\n'
                          'import { post } from "./post";\n\n'
                          'export const user = pgTable("user", { id: uuid("id").primaryKey(), name: text("name") });\n'
                          'export const userRelations = relations(user, ({ many }) => ({ posts: many(post) }));\n',
    "src/schema/post.ts": 'import { relations } from "drizzle-orm";\nimport { pgTable, uuid } from "drizzle-orm/pg-core";\n'
                          'import { user } from "./user";\n\n'
                          'export const post = pgTable("post", { id: uuid("id").primaryKey(), userId: uuid("user_id").references(() => user.id) });\n'
                          'export const postRelations = relations(post, ({ one }) => ({\n'
                          '  user: one(user, { fields: [post.userId], references: [user.id] }),\n}));\n',
}


def test_a_value_two_units_export_is_made_once(tmp_path):
    from conftest import write_files

    [project] = _projects(write_files(tmp_path / "app", TWICE))
    assert _check(project) == 3
    model = extract(project)
    assert [len(t.relations) for t in model.tables] == [1, 1]
