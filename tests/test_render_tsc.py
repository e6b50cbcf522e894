"""The TypeScript on the pages compiles against drizzle-orm (``tsc --noEmit``): every Common Queries
block, and every Examples block (a sample row typed as ``typeof table.$inferSelect``).

Uses the pinned typescript + drizzle-orm in tests/oracle/node_modules
(`npm ci --prefix tests/oracle`).  Skipped when Node or that folder is
missing, except under CI (env ``CI`` set), where a missing toolchain fails.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest

from drizzle_doc.model import Schema
from drizzle_doc.docs.pages import section_bodies
from drizzle_doc.project import Project
from drizzle_doc.docs.render import render_docs

REPO = Path(__file__).resolve().parent.parent
NODE_MODULES = REPO / "tests" / "oracle" / "node_modules"
TSC = NODE_MODULES / ".bin" / "tsc"


def need_tsc() -> None:
    missing = shutil.which("node") is None or not TSC.exists() or not (NODE_MODULES / "drizzle-orm").is_dir()
    if missing:
        reason = "needs node and the pinned typescript/drizzle-orm: run `npm ci --prefix tests/oracle`"
        if os.environ.get("CI"):
            pytest.fail(reason)
        pytest.skip(reason)


TSCONFIG = {
    "compilerOptions": {
        "strict": True, "noEmit": True, "target": "ES2022", "module": "ESNext",
        "moduleResolution": "Bundler", "skipLibCheck": True, "types": [],
        "lib": ["ES2022", "ESNext.Disposable"], "allowImportingTsExtensions": False,
    },
}


#: what each section's block is written as (a file per page and section)
BLOCKS = {"queries": "doc_example_", "examples": "doc_sample_"}


def _project_paths(src: Path) -> dict:
    """The project's own import rules (its package name and tsconfig paths) as tsconfig ``paths``,
    so the examples resolve their imports as in the project (the test writes its own tsconfig)."""
    from drizzle_doc.project.imports import import_rules

    paths: dict[str, list[str]] = {}
    for spec, target in import_rules(src):
        paths.setdefault(spec, ["./" + target])
    return paths


NODE_SHIM = """// stands in for @types/node, which a real project has: sqlite-core's blob({ mode: "buffer" })
declare class Buffer extends Uint8Array { static from(data: string, encoding?: string): Buffer; }
"""


def examples_project(src: Path, dst: Path, schema: Schema, pages: dict[str, str],
                     sections: tuple[str, ...] = ("queries",), top: Path | None = None) -> list[str]:
    """Copy ``src`` to ``dst`` and add db.ts + one file per page's block of each of ``sections``
    (``queries``, ``examples``); the files written.  With ``top`` (a folder above ``src``: a
    workspace whose packages the schema imports), all of ``top`` is copied to ``dst`` and the
    project is written in its place below it."""
    if top is not None and top != src:
        shutil.copytree(top, dst, ignore=shutil.ignore_patterns("node_modules", "docs"), symlinks=True)
        (dst / "node_modules").symlink_to(NODE_MODULES)
        dst = dst / src.relative_to(top)
    else:
        shutil.copytree(src, dst, ignore=shutil.ignore_patterns("node_modules", "docs"), symlinks=True)
        (dst / "node_modules").symlink_to(NODE_MODULES)
    mods = [re.sub(r"\.(ts|mts|tsx)$", "", f) for f in schema.files]
    proxy = "sqlite-proxy" if schema.dialect == "sqlite" else "pg-proxy"  # async drivers, no database
    if schema.dialect == "mysql":
        proxy = "mysql-proxy"
    db = [f"import {{ drizzle }} from \"drizzle-orm/{proxy}\";"]
    db += [f"import * as s{i} from {json.dumps('./' + m)};" for i, m in enumerate(mods)]
    spread = ", ".join(f"...s{i}" for i in range(len(mods)))
    db.append(f"export const db = drizzle(async () => ({{ rows: [] }}), {{ schema: {{ {spread} }} }});")
    (dst / "db.ts").write_text("\n".join(db) + "\n")
    (dst / "node-shim.d.ts").write_text(NODE_SHIM)
    written = []
    for rel, text in sorted(pages.items()):
        bodies = section_bodies(text)
        for section in sections:
            if section not in bodies:
                continue
            m = re.search(r"^(`{3,})ts\n(.*?)^\1$", bodies[section], re.S | re.M)
            if not m or (section == "examples" and "import " not in m.group(2)):
                continue  # a sample row of a table with no exported variable is plain data
            name = BLOCKS[section] + re.sub(r"[^A-Za-z0-9_]", "_", rel[:-3]) + ".ts"
            (dst / name).write_text(m.group(2) + "export {};\n")
            written.append(name)
    options = dict(TSCONFIG["compilerOptions"])
    paths = _project_paths(src)
    if paths:
        options.update(baseUrl=".", paths=paths)
    tsconfig = {"compilerOptions": options, "files": ["db.ts", "node-shim.d.ts", *written]}
    (dst / "tsconfig.json").write_text(json.dumps(tsconfig, indent=2))
    return written


def tsc_errors(stdout: str) -> dict[str, list[str]]:
    """tsc's errors by file (only the files the test wrote: a fixture may use newer APIs)."""
    out: dict[str, list[str]] = {}
    for line in stdout.splitlines():
        m = re.match(r"^((?:doc_example_|doc_sample_|db\.ts)[^(]*)\(", line)
        if m:
            out.setdefault(m.group(1), []).append(line)
    return out


def run_tsc(folder: Path) -> subprocess.CompletedProcess:
    return subprocess.run([str(TSC), "-p", "tsconfig.json"], cwd=folder, capture_output=True, text=True,
                          timeout=240)


HAND_TS = {
    "server/src/models/users.ts": """
import { relations } from "drizzle-orm";
import { type AnyPgColumn, pgEnum, pgTable, text, timestamp, uniqueIndex, uuid, varchar } from "drizzle-orm/pg-core";
import { sql } from "drizzle-orm";
import { sessions } from "./sessions";
import { posts } from "./posts";
export const userRole = pgEnum("user_role", ["member", "admin"]);
export const users = pgTable("users", {
  id: uuid("id").primaryKey().defaultRandom(),
  email: varchar("email", { length: 255 }).notNull().unique(),
  name: text("name"),
  role: userRole("role").notNull().default("member"),
  passwordHash: text("password_hash").notNull(),
  managerId: uuid("manager_id").references((): AnyPgColumn => users.id, { onDelete: "set null" }),
  createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
  updatedAt: timestamp("updated_at", { withTimezone: true }).notNull().defaultNow().$onUpdate(() => new Date()),
}, (t) => [uniqueIndex("users_lower_email_idx").on(sql`lower(${t.email})`)]);
export const usersRelations = relations(users, ({ many }) => ({ sessions: many(sessions), posts: many(posts) }));
""",
    "server/src/models/sessions.ts": """
import { relations } from "drizzle-orm";
import { jsonb, pgTable, text, timestamp, uuid } from "drizzle-orm/pg-core";
import { users } from "./users";
export const sessions = pgTable("sessions", {
  id: uuid("id").primaryKey().defaultRandom(),
  userId: uuid("user_id").notNull().references(() => users.id, { onDelete: "cascade" }),
  refreshToken: text("refresh_token").notNull().$defaultFn(() => "x"),
  expiresAt: timestamp("expires_at").notNull(),
  meta: jsonb("meta"),
});
export const sessionsRelations = relations(sessions, ({ one }) => ({
  user: one(users, { fields: [sessions.userId], references: [users.id] }),
}));
""",
    "server/src/models/posts.ts": """
import { relations, sql } from "drizzle-orm";
import { boolean, check, index, integer, pgTable, text, uuid, varchar } from "drizzle-orm/pg-core";
import { users } from "./users";
export const posts = pgTable("posts", {
  id: integer("id").primaryKey().generatedAlwaysAsIdentity(),
  authorId: uuid("author_id").notNull(),
  title: varchar("title", { length: 200 }).notNull(),
  slug: text("slug").generatedAlwaysAs(sql`lower("title")`),
  published: boolean("published").notNull().default(false),
}, (t) => [
  index("posts_author_id_idx").on(t.authorId),
  index("posts_published_idx").on(t.published).where(sql`${t.published} = true`),
  check("posts_title_len", sql`char_length(${t.title}) > 0`),
]);
export const postsRelations = relations(posts, ({ one }) => ({
  author: one(users, { fields: [posts.authorId], references: [users.id] }),
}));
""",
    "server/src/models/catalog.ts": """
import { sql } from "drizzle-orm";
import { check, integer, numeric, pgSchema, primaryKey, text } from "drizzle-orm/pg-core";
export const catalog = pgSchema("catalog");
export const products = catalog.table("products", {
  sku: text("sku").notNull(),
  storeId: integer("store_id").notNull(),
  price: numeric("price", { precision: 10, scale: 2 }).notNull(),
}, (t) => [primaryKey({ columns: [t.sku, t.storeId] }), check("price_positive", sql`${t.price} > 0`)]);
""",
}


def test_hand_model_examples_compile(tmp_path):
    need_tsc()
    from test_render import hand_schema

    src = tmp_path / "src"
    for rel, text in HAND_TS.items():
        (src / rel).parent.mkdir(parents=True, exist_ok=True)
        (src / rel).write_text(text.lstrip())
    schema = hand_schema()
    pages = render_docs(schema, Project(root=src))
    written = examples_project(src, tmp_path / "proj", schema, pages)
    assert len(written) == 4
    res = run_tsc(tmp_path / "proj")
    assert res.returncode == 0, res.stdout + res.stderr


def test_broken_example_is_caught(tmp_path):
    """The harness really type-checks: a wrong property fails."""
    need_tsc()
    from test_render import hand_schema

    src = tmp_path / "src"
    for rel, text in HAND_TS.items():
        (src / rel).parent.mkdir(parents=True, exist_ok=True)
        (src / rel).write_text(text.lstrip())
    schema = hand_schema()
    pages = render_docs(schema, Project(root=src))
    pages = {k: v.replace("eq(sessions.userId, users.id)", "eq(sessions.userIdd, users.id)") for k, v in pages.items()}
    examples_project(src, tmp_path / "proj", schema, pages)
    res = run_tsc(tmp_path / "proj")
    assert res.returncode != 0 and "userIdd" in res.stdout


FIXTURES = REPO / "fixtures"


def _fixture_names() -> list[str]:
    return sorted(p.name for p in FIXTURES.iterdir() if p.is_dir() and not p.name.startswith("."))


@pytest.mark.parametrize("name", _fixture_names())
def test_fixture_examples_compile(tmp_path, name):
    """Every Common Queries block and every sample row of every fixture type-checks."""
    need_tsc()
    from drizzle_doc.project.config import load_projects
    from drizzle_doc.drizzle.extract import extract
    from drizzle_doc.commands.generate import render_project

    for i, proj in enumerate(load_projects(FIXTURES / name)):
        schema = extract(proj)
        if not schema.tables:
            continue
        pages = render_project(proj, schema)
        dst = tmp_path / f"p{i}"
        written = examples_project(proj.root, dst, schema, pages, ("queries", "examples"), top=FIXTURES / name)
        assert any(w.startswith("doc_sample_") for w in written) and any(w.startswith("doc_example_") for w in written)
        res = run_tsc(dst / proj.root.relative_to(FIXTURES / name))
        ours = tsc_errors(res.stdout)
        assert not ours and (res.returncode == 0 or res.stdout), \
            f"{name}: generated examples do not type-check:\n{res.stdout}{res.stderr}"


def test_wrong_sample_value_is_caught(tmp_path):
    """The sample rows are really held to ``$inferSelect``: a Date where drizzle returns a string fails."""
    need_tsc()
    from drizzle_doc.project.config import load_projects
    from drizzle_doc.drizzle.extract import extract
    from drizzle_doc.commands.generate import render_project

    proj = load_projects(FIXTURES / "example")[0]
    schema = extract(proj)
    pages = render_project(proj, schema)
    pages = {k: v.replace('dueOn: "2024-04-14"', 'dueOn: new Date("2024-04-14")') for k, v in pages.items()}
    assert any('dueOn: new Date(' in v for v in pages.values())
    examples_project(proj.root, tmp_path / "p", schema, pages, ("examples",))
    res = run_tsc(tmp_path / "p")
    assert "doc_sample_tasks.ts" in tsc_errors(res.stdout), res.stdout
