"""A NuxtHub app, which has no drizzle config of its own (issue 16, atidone).

NuxtHub v0.10 writes ``.nuxt/hub/db/drizzle.config.ts`` from ``hub.db`` in the nuxt config and
runs drizzle-kit with it (``nuxt db generate``); before v0.10 (``hub.database``) its apps kept
the schema in ``server/database``.  ``fixtures/corpus-nuxthub`` is a v0.10 SQLite app written for
this repository (a schema file, a ``schema/`` folder with files named for a dialect, a layer);
its migrations are the pinned drizzle-kit's, run with the config NuxtHub writes, and the test
below runs it again.  The rest are small apps written into tmp_path: the older layout, a dialect
named in an object, one not static, a nuxt config without NuxtHub, and a drizzle config that
wins over all of it.
"""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

from tests.conftest import (
    FIXTURES, ORACLE_DIR, assert_check_clean_after_generate, inspect_projects, need_node, write_files as write,
)

NODE_MODULES = ORACLE_DIR / "node_modules"
FIXTURE = "corpus-nuxthub"


def inspect(cwd: Path) -> dict:
    [project] = inspect_projects(cwd)
    return project


def tables(project: dict) -> dict[str, str]:
    return {t["name"]: t["file"] for t in project["tables"]}


SQLITE_TODOS = """
    import { integer, sqliteTable, text } from 'drizzle-orm/sqlite-core'
    export const todos = sqliteTable('todos', { id: integer('id').primaryKey(), title: text('title').notNull() })
"""


# --- the fixture --------------------------------------------------------------------------------

def test_a_nuxthub_app_is_read_as_nuxthub_writes_its_drizzle_config():
    project = inspect(FIXTURES / FIXTURE)
    assert project["project"]["config"] == "nuxt.config.ts"
    assert project["dialect"] == "sqlite"
    assert project["migrationsFolder"] == "server/db/migrations/sqlite"
    # the schema file, the folder's files for no dialect or for SQLite, and the layer's; not
    # search.postgresql.ts (whose search_terms has a `lexemes` column)
    assert tables(project) == {"invoices": "layers/billing/server/db/schema/invoices.ts",
                               "notes": "server/db/schema.ts",
                               "search_terms": "server/db/schema/search.sqlite.ts",
                               "tags": "server/db/schema/tags.ts"}
    search = next(t for t in project["tables"] if t["name"] == "search_terms")
    assert [c["name"] for c in search["columns"]] == ["id", "term"]
    [note] = project["diagnostics"]
    assert (note["severity"], note["code"], note["file"]) == ("info", "nuxthub", "nuxt.config.ts")
    assert "the one NuxtHub writes for `hub.db: 'sqlite'`" in note["message"]
    assert note["message"].endswith("migrations server/db/migrations/sqlite")


def test_check_right_after_generate_exits_0_on_the_fixture(tmp_path):
    root = tmp_path / FIXTURE
    shutil.copytree(FIXTURES / FIXTURE, root)
    assert_check_clean_after_generate(root)


def test_the_fixtures_migrations_are_what_drizzle_kit_writes_with_nuxthubs_config(tmp_path):
    """drizzle-kit, run as `nuxt db generate` runs it (NuxtHub's config: the dialect, a barrel of
    the schema files it scans, `out: server/db/migrations/<dialect>`), writes the fixture's SQL."""
    need_node()
    root = tmp_path / FIXTURE
    shutil.copytree(FIXTURES / FIXTURE, root)
    (root / "node_modules").symlink_to(NODE_MODULES, target_is_directory=True)
    shutil.rmtree(root / "server" / "db" / "migrations")
    # what NuxtHub's barrel re-exports: each layer's server/db/schema.ts, schema.sqlite.ts and
    # schema/*.ts, less the files named for another dialect (search.postgresql.ts)
    files = ["server/db/schema", "server/db/schema/search.sqlite", "server/db/schema/tags",
             "layers/billing/server/db/schema/invoices"]
    barrel = "".join(f"export * from '../../../{f}'\n" for f in files)
    write(root, {
        ".nuxt/hub/db/schema.ts": barrel,
        ".nuxt/hub/db/drizzle.config.ts": """
            import { defineConfig } from 'drizzle-kit'

            export default defineConfig({
              dialect: 'sqlite',
              schema: '.nuxt/hub/db/schema.ts',
              out: 'server/db/migrations/sqlite'
            });
        """,
    })
    kit = subprocess.run(["node", str(NODE_MODULES / "drizzle-kit" / "bin.cjs"), "generate",
                          "--config=./.nuxt/hub/db/drizzle.config.ts", "--name", "init"],
                         cwd=root, capture_output=True, text=True, timeout=300)
    assert kit.returncode == 0, kit.stdout + kit.stderr
    made = root / "server" / "db" / "migrations" / "sqlite" / "0000_init.sql"
    want = FIXTURES / FIXTURE / "server" / "db" / "migrations" / "sqlite" / "0000_init.sql"
    statements = lambda text: sorted(s.strip() for s in text.split("--> statement-breakpoint"))  # noqa: E731
    assert statements(made.read_text()) == statements(want.read_text())


# --- each layout, alone -------------------------------------------------------------------------

def test_before_v0_10_hub_database_reads_server_database(tmp_path):
    write(tmp_path, {
        "nuxt.config.ts": "export default defineNuxtConfig({ modules: ['@nuxthub/core'], hub: { database: true } })\n",
        "server/database/schema.ts": SQLITE_TODOS,
        "server/database/migrations/0000_init.sql": "CREATE TABLE `todos` (`id` integer PRIMARY KEY NOT NULL, `title` text NOT NULL);\n",
    })
    project = inspect(tmp_path)
    assert project["dialect"] == "sqlite" and tables(project) == {"todos": "server/database/schema.ts"}
    assert project["migrationsFolder"] == "server/database/migrations"
    assert "before v0.10" in project["diagnostics"][0]["message"]


def test_hub_db_as_an_object_names_the_dialect_and_the_casing(tmp_path):
    write(tmp_path, {
        "nuxt.config.ts": """
            export default defineNuxtConfig({
              hub: { db: { dialect: 'postgresql', casing: 'snake_case', driver: 'postgres-js' } }
            })
        """,
        "server/db/schema/users.ts": """
            import { pgTable, serial, text } from 'drizzle-orm/pg-core'
            export const users = pgTable('users', { id: serial().primaryKey(), displayName: text() })
        """,
        "server/db/schema/users.sqlite.ts": SQLITE_TODOS,
    })
    project = inspect(tmp_path)
    assert project["dialect"] == "postgresql" and tables(project) == {"users": "server/db/schema/users.ts"}
    [users] = project["tables"]
    assert [c["name"] for c in users["columns"]] == ["id", "display_name"]  # casing: snake_case
    assert "server/db/migrations/postgresql" in project["diagnostics"][0]["message"]


def test_a_dialect_not_static_comes_from_the_schemas_imports(tmp_path):
    write(tmp_path, {
        "nuxt.config.ts": "export default defineNuxtConfig({ hub: { db: process.env.HUB_DB } })\n",
        "server/db/schema.ts": SQLITE_TODOS,
    })
    project = inspect(tmp_path)
    assert project["dialect"] == "sqlite" and tables(project) == {"todos": "server/db/schema.ts"}
    assert {d["code"] for d in project["diagnostics"]} == {"nuxthub", "dialect", "migration-none"}


def test_a_nuxt_app_without_nuxthubs_database_is_no_project(tmp_path):
    write(tmp_path, {
        "nuxt.config.ts": "export default defineNuxtConfig({ hub: { blob: true } })\n",
        "server/db/schema.ts": SQLITE_TODOS,
    })
    project = inspect(tmp_path)
    assert project["project"]["config"] is None and project["tables"] == []
    assert [d["code"] for d in project["diagnostics"]] == ["no-schema-files"]


def test_a_drizzle_config_wins_over_nuxthubs_layout(tmp_path):
    write(tmp_path, {
        "nuxt.config.ts": "export default defineNuxtConfig({ hub: { db: 'sqlite' } })\n",
        "drizzle.config.ts": "export default { dialect: 'sqlite', schema: './db/models.ts', out: './db/migrations' };\n",
        "db/models.ts": SQLITE_TODOS,
        "server/db/schema.ts": SQLITE_TODOS.replace("'todos'", "'other'"),
    })
    project = inspect(tmp_path)
    assert project["project"]["config"] == "drizzle.config.ts" and tables(project) == {"todos": "db/models.ts"}
