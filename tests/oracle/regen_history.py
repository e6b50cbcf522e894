#!/usr/bin/env python3
"""Re-create the migration-history fixtures step by step with the REAL pinned drizzle-kit.

    python tests/oracle/regen_history.py            # all fixtures
    python tests/oracle/regen_history.py history-basic

Each fixture is a list of steps. A step replaces the model files, then runs
``drizzle-kit generate --name=<tag>`` (or ``--custom`` and writes hand-written SQL into
the empty file drizzle-kit creates).  drizzle-kit asks interactively whether a new
column/table was created or renamed: the script answers through a pseudo-terminal
(``answers``: how many times to press the down arrow for each prompt; 0 = "create").

Afterwards the journal's ``when`` timestamps are pinned to one day apart from
2025-01-01 so the fixtures (and tests on dates) do not change with the regen day.
Only the final models, drizzle.config.ts and the migrations folder are committed.
"""

from __future__ import annotations

import json
import os
import pty
import select
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parent.parent
NODE_MODULES = HERE / "node_modules"
KIT = NODE_MODULES / ".bin" / "drizzle-kit"
BASE_WHEN = 1735689600000  # 2025-01-01T00:00:00Z
DAY = 86_400_000

CONFIG = """import { defineConfig } from "drizzle-kit";

export default defineConfig({
  dialect: "postgresql",
  schema: "./server/src/models/*.ts",
  out: "./drizzle/migrations",
});
"""

# ---------------------------------------------------------------------------
# history-basic: new table, added column, added index, dropped column, renamed
# column, custom SQL (trigger, COMMENT ON, UPDATE), retype/nullability/default,
# new table with FK + check + enum, renamed table.
# ---------------------------------------------------------------------------

USERS_0 = """import { pgTable, serial, text, timestamp, varchar } from "drizzle-orm/pg-core";

export const users = pgTable("users", {
  id: serial("id").primaryKey(),
  email: varchar("email", { length: 255 }).notNull().unique(),
  name: text("name").notNull(),
  createdAt: timestamp("created_at").defaultNow().notNull(),
});
"""

USERS_1 = USERS_0.replace(
    '  name: text("name").notNull(),\n',
    '  name: text("name").notNull(),\n  bio: text("bio"),\n',
)
USERS_4 = USERS_1.replace('name: text("name")', 'displayName: text("display_name")')
USERS_6 = USERS_4.replace('bio: text("bio")', "bio: text(\"bio\").default('')")

POSTS_0 = """import { integer, pgTable, serial, text } from "drizzle-orm/pg-core";
import { users } from "./users";

export const posts = pgTable("posts", {
  id: serial("id").primaryKey(),
  authorId: integer("author_id").notNull().references(() => users.id, { onDelete: "cascade" }),
  title: text("title").notNull(),
  body: text("body"),
  legacySlug: text("legacy_slug"),
});
"""

POSTS_2 = """import { index, integer, pgTable, serial, text } from "drizzle-orm/pg-core";
import { users } from "./users";

export const posts = pgTable(
  "posts",
  {
    id: serial("id").primaryKey(),
    authorId: integer("author_id").notNull().references(() => users.id, { onDelete: "cascade" }),
    title: text("title").notNull(),
    body: text("body"),
    legacySlug: text("legacy_slug"),
  },
  (t) => [index("posts_author_idx").on(t.authorId)],
);
"""

POSTS_3 = POSTS_2.replace('    legacySlug: text("legacy_slug"),\n', "")

POSTS_6 = """import { index, integer, pgEnum, pgTable, serial, text, varchar } from "drizzle-orm/pg-core";
import { users } from "./users";

export const postStatus = pgEnum("post_status", ["draft", "published"]);

export const posts = pgTable(
  "posts",
  {
    id: serial("id").primaryKey(),
    authorId: integer("author_id").notNull().references(() => users.id, { onDelete: "cascade" }),
    title: varchar("title", { length: 200 }).notNull(),
    body: text("body").notNull().default(""),
    status: postStatus("status").notNull().default("draft"),
  },
  (t) => [index("posts_author_idx").on(t.authorId)],
);
"""

COMMENTS_6 = """import { check, integer, pgTable, serial, text } from "drizzle-orm/pg-core";
import { sql } from "drizzle-orm";
import { posts } from "./posts";

export const comments = pgTable(
  "comments",
  {
    id: serial("id").primaryKey(),
    postId: integer("post_id").notNull().references(() => posts.id),
    body: text("body").notNull(),
  },
  (t) => [check("comments_body_not_empty", sql`length(${t.body}) > 0`)],
);
"""

POSTS_7 = POSTS_6.replace('pgTable(\n  "posts"', 'pgTable(\n  "articles"')
COMMENTS_7 = COMMENTS_6  # the FK keeps its drizzle-kit name from before the rename

CUSTOM_5 = """-- Hand-written: keep users.created_at honest, document posts, backfill bios.
CREATE OR REPLACE FUNCTION users_touch() RETURNS trigger AS $$
BEGIN
  NEW.created_at := COALESCE(NEW.created_at, now());
  RETURN NEW;
END;
$$ LANGUAGE plpgsql;
--> statement-breakpoint
CREATE TRIGGER users_touch_trg BEFORE INSERT ON "users" FOR EACH ROW EXECUTE FUNCTION users_touch();
--> statement-breakpoint
COMMENT ON TABLE "posts" IS 'Blog posts written by users.';
--> statement-breakpoint
UPDATE "users" SET "bio" = '' WHERE "bio" IS NULL;
"""

BASIC = [
    dict(tag="create_users_posts", files={"users.ts": USERS_0, "posts.ts": POSTS_0}),
    dict(tag="add_user_bio", files={"users.ts": USERS_1, "posts.ts": POSTS_0}),
    dict(tag="posts_author_index", files={"users.ts": USERS_1, "posts.ts": POSTS_2}),
    dict(tag="drop_legacy_slug", files={"users.ts": USERS_1, "posts.ts": POSTS_3}),
    dict(tag="rename_user_name", files={"users.ts": USERS_4, "posts.ts": POSTS_3}, answers=[1]),
    dict(tag="users_touch_trigger", custom=CUSTOM_5),
    dict(tag="comments_status_tweaks", files={"users.ts": USERS_6, "posts.ts": POSTS_6, "comments.ts": COMMENTS_6}),
    dict(tag="rename_posts_to_articles", files={"users.ts": USERS_6, "posts.ts": POSTS_7, "comments.ts": COMMENTS_7},
         answers=[1]),
]

# ---------------------------------------------------------------------------
# unmigrated: two generated steps, then model changes that were never migrated.
# ---------------------------------------------------------------------------

UM_USERS_0 = """import { pgTable, serial, text, varchar } from "drizzle-orm/pg-core";

export const users = pgTable("users", {
  id: serial("id").primaryKey(),
  email: varchar("email", { length: 255 }).notNull().unique(),
  name: text("name"),
  nickname: text("nickname"),
});
"""

UM_TEAMS_1 = """import { index, integer, pgTable, serial, text } from "drizzle-orm/pg-core";
import { users } from "./users";

export const teams = pgTable(
  "teams",
  {
    id: serial("id").primaryKey(),
    ownerId: integer("owner_id").references(() => users.id),
    name: text("name").notNull(),
  },
  (t) => [index("teams_owner_idx").on(t.ownerId)],
);
"""

# never migrated: users.phone added, users.name made NOT NULL, users.nickname removed,
# users.email widened; teams index dropped + a new index; new table audit_log.
UM_USERS_FINAL = """import { pgTable, serial, text, varchar } from "drizzle-orm/pg-core";

export const users = pgTable("users", {
  id: serial("id").primaryKey(),
  email: varchar("email", { length: 320 }).notNull().unique(),
  name: text("name").notNull(),
  phone: text("phone"),
});
"""

UM_TEAMS_FINAL = """import { index, integer, pgTable, serial, text } from "drizzle-orm/pg-core";
import { users } from "./users";

export const teams = pgTable(
  "teams",
  {
    id: serial("id").primaryKey(),
    ownerId: integer("owner_id").references(() => users.id),
    name: text("name").notNull(),
  },
  (t) => [index("teams_name_idx").on(t.name)],
);
"""

UM_AUDIT_FINAL = """import { pgTable, serial, text } from "drizzle-orm/pg-core";

export const auditLog = pgTable("audit_log", {
  id: serial("id").primaryKey(),
  action: text("action").notNull(),
});
"""

UNMIGRATED = [
    dict(tag="create_users", files={"users.ts": UM_USERS_0}),
    dict(tag="create_teams", files={"users.ts": UM_USERS_0, "teams.ts": UM_TEAMS_1}),
    dict(final={"users.ts": UM_USERS_FINAL, "teams.ts": UM_TEAMS_FINAL, "audit.ts": UM_AUDIT_FINAL}),
]

# ---------------------------------------------------------------------------
# sql-only: the history-basic steps up to the custom migration, then meta/ deleted.
# ---------------------------------------------------------------------------

SQL_ONLY = BASIC[:7] + [dict(drop_meta=True)]

FIXTURES = {
    "history-basic": BASIC,
    "unmigrated": UNMIGRATED,
    "sql-only": SQL_ONLY,
}


def write_models(work: Path, files: dict[str, str]) -> None:
    models = work / "server" / "src" / "models"
    if models.exists():
        shutil.rmtree(models)
    models.mkdir(parents=True)
    for name, text in files.items():
        (models / name).write_text(text)


def run_kit(work: Path, args: list[str], answers: list[int]) -> str:
    """Run drizzle-kit in a pseudo-terminal, answering rename prompts."""
    pid, fd = pty.fork()
    if pid == 0:  # child
        os.chdir(work)
        os.execv(str(KIT), ["drizzle-kit", *args])
    out = b""
    seen = 0
    pending = list(answers)
    deadline = time.time() + 60
    while time.time() < deadline:
        ready, _, _ = select.select([fd], [], [], 0.5)
        if not ready:
            continue
        try:
            chunk = os.read(fd, 4096)
        except OSError:
            break
        if not chunk:
            break
        out += chunk
        prompts = out.count(b"created or renamed")
        while prompts > seen:
            seen += 1
            time.sleep(0.3)
            downs = pending.pop(0) if pending else 0
            os.write(fd, b"\x1b[B" * downs)
            time.sleep(0.2)
            os.write(fd, b"\r")
    _, status = os.waitpid(pid, 0)
    text = out.decode(errors="replace")
    if status != 0 or pending:
        raise SystemExit(f"drizzle-kit {' '.join(args)} failed (status {status}, unanswered {pending}):\n{text}")
    return text


def pin_journal(migrations: Path) -> None:
    journal = migrations / "meta" / "_journal.json"
    data = json.loads(journal.read_text())
    for entry in data["entries"]:
        entry["when"] = BASE_WHEN + entry["idx"] * DAY
    journal.write_text(json.dumps(data, indent=2) + "\n")


def build(name: str, steps: list[dict]) -> None:
    dest = REPO / "fixtures" / name
    with tempfile.TemporaryDirectory(prefix=f"drizzle-doc-{name}-") as tmp:
        work = Path(tmp)
        (work / "node_modules").symlink_to(NODE_MODULES)
        (work / "drizzle.config.ts").write_text(CONFIG)
        migrations = work / "drizzle" / "migrations"
        for step in steps:
            if "files" in step:
                write_models(work, step["files"])
            if "tag" in step and "custom" not in step:
                run_kit(work, ["generate", f"--name={step['tag']}"], step.get("answers", []))
            elif "custom" in step:
                run_kit(work, ["generate", "--custom", f"--name={step['tag']}"], [])
                (target,) = sorted(migrations.glob(f"*_{step['tag']}.sql"))
                target.write_text(step["custom"])
            if "final" in step:
                write_models(work, step["final"])
        pin_journal(migrations)
        for step in steps:
            if step.get("drop_meta"):
                shutil.rmtree(migrations / "meta")
        if dest.exists():
            shutil.rmtree(dest)
        dest.mkdir(parents=True)
        shutil.copy2(work / "drizzle.config.ts", dest / "drizzle.config.ts")
        shutil.copytree(work / "server", dest / "server")
        shutil.copytree(work / "drizzle", dest / "drizzle")
    print(f"fixtures/{name}: {sorted(p.name for p in (dest / 'drizzle' / 'migrations').glob('*.sql'))}")


def main(argv: list[str]) -> None:
    if not KIT.exists():
        raise SystemExit("run `npm ci` in tests/oracle first")
    names = argv or list(FIXTURES)
    for name in names:
        build(name, FIXTURES[name])


if __name__ == "__main__":
    main(sys.argv[1:])
