"""The static extractor on small inline projects: forms the fixtures do not cover, bad input,
diagnostics with file:line, config discovery, determinism and exit codes.

The drizzle-kit differential test (tests/test_oracle.py) proves the spelling of every
snapshot fact; these tests pin down behaviour around it.
"""

from __future__ import annotations

import json
import textwrap
from pathlib import Path

import pytest
from click.testing import CliRunner

from drizzle_doc.drizzle.casing import to_camel_case, to_snake_case
from drizzle_doc.cli import cli
from drizzle_doc.project.config import load_projects
from drizzle_doc.drizzle.extract import extract
from drizzle_doc.ts import syntax as tsmod
from drizzle_doc.ts.jsdoc import parse_jsdoc
from drizzle_doc.ts.values import js_number
from drizzle_doc.resources import resource_dir

REPO = Path(__file__).resolve().parents[1]


def write(root: Path, files: dict[str, str | bytes]) -> Path:
    for rel, text in files.items():
        p = root / rel
        p.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(text, bytes):
            p.write_bytes(text)
        else:
            p.write_text(textwrap.dedent(text).lstrip("\n"), encoding="utf-8")
    return root


def model(root: Path, **kw):
    projects = load_projects(root, **kw)
    assert len(projects) == 1
    return extract(projects[0])


def diags(schema, severity=None):
    return [d for d in schema.diagnostics if severity is None or d.severity == severity]


CONFIG = """
import { defineConfig } from "drizzle-kit";
export default defineConfig({ dialect: "postgresql", schema: "./src/schema.ts", out: "./drizzle" });
"""


# ---------------------------------------------------------------------------
# Small pure pieces
# ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    "key,snake,camel",
    [
        ("createdAt", "created_at", "createdAt"),
        ("userID", "user_id", "userID"),  # as drizzle-orm/casing computes it
        ("HTMLParser", "html_parser", "htmlParser"),
        ("already_snake", "already_snake", "alreadySnake"),
        ("field2Name", "field2_name", "field2Name"),
        ("o'clock", "oclock", "oclock"),
    ],
)
def test_casing_matches_drizzle(key, snake, camel):
    assert to_snake_case(key) == snake
    assert to_camel_case(key) == camel


@pytest.mark.parametrize("value,text", [(3, "3"), (1.5, "1.5"), (1.0, "1"), (0.1, "0.1"), (-2, "-2"), (1e21, "1e+21")])
def test_js_number(value, text):
    assert js_number(value) == text


def test_jsdoc_text_and_tags():
    doc = parse_jsdoc("/**\n * Users of the app.\n *\n * Second paragraph.\n * @deprecated use accounts\n * @see https://x\n *   continued\n */")
    assert doc.text == "Users of the app.\n\nSecond paragraph."
    assert [(t.tag, t.text) for t in doc.tags] == [("deprecated", "use accounts"), ("see", "https://x\n  continued")]
    assert not parse_jsdoc("/* plain comment */")


def test_every_query_file_uses_only_known_predicates_and_compiles():
    files = sorted(resource_dir("grammars").glob("*.scm"))
    assert files, "no .scm files shipped"
    for f in files:
        assert tsmod.check_query_text(f.read_text()) == [], f.name
        assert tsmod.query(f.name).pattern_count > 0
    assert tsmod.check_query_text("((identifier) @x (#matches? @x \"^a$\"))") == ["matches?"]


# ---------------------------------------------------------------------------
# Forms
# ---------------------------------------------------------------------------


def test_helpers_enums_creators_namespaces_and_relations(tmp_path):
    write(tmp_path, {
        "drizzle.config.ts": CONFIG,
        "src/helpers.ts": """
            import { varchar, timestamp } from "drizzle-orm/pg-core";
            export const cuid = (name: string) => varchar(name, { length: 24 });
            export function stamps() {
              return {
                /** When the row was made. */
                createdAt: timestamp("created_at", { withTimezone: true }).defaultNow().notNull(),
              };
            }
        """,
        "src/schema.ts": """
            import * as p from "drizzle-orm/pg-core";
            import { pgTable as table, pgTableCreator } from "drizzle-orm/pg-core";
            import { relations, sql } from "drizzle-orm";
            import { cuid, stamps } from "./helpers";

            export enum Mood { Sad = "sad", Ok = "ok" }
            /** How people feel. */
            export const mood = p.pgEnum("mood", Mood);
            const prefixed = pgTableCreator((name) => `app_${name}`);

            /**
             * People.
             * @see accounts
             */
            export const people = table("people", {
              id: cuid("id").primaryKey(),
              /** Current mood. */
              feeling: mood().default("ok"),
              ...stamps(),
            });

            export const notes = prefixed("notes", {
              id: p.serial().primaryKey(),
              personId: cuid("person_id").references(() => people.id, { onDelete: "cascade" }),
              body: p.text().$defaultFn(() => "hello"),
            }, (t) => [
              /** Notes of a person. */
              p.index("notes_person_idx").on(t.personId),
            ]);

            export const peopleRelations = relations(people, ({ many }) => ({ notes: many(notes) }));
            export const notesRelations = relations(notes, ({ one }) => ({
              author: one(people, { fields: [notes.personId], references: [people.id], relationName: "wrote" }),
            }));
        """,
    })
    s = model(tmp_path)
    assert [t.name for t in s.tables] == ["people", "app_notes"]
    people, notes = s.tables
    assert people.description.text == "People." and people.description.tags[0].tag == "see"
    assert people.line == 15 and people.file == "src/schema.ts" and people.variable == "people"
    assert [(c.name, c.type) for c in people.columns] == [("id", "varchar(24)"), ("feeling", "mood"), ("created_at", "timestamp with time zone")]
    assert people.columns[1].default == "'ok'" and people.columns[1].enum_values == ("sad", "ok")
    assert people.columns[1].description.text == "Current mood."
    assert people.columns[2].description.text == "When the row was made." and people.columns[2].file == "src/helpers.ts"
    assert notes.foreign_keys[0].name == "app_notes_person_id_people_id_fk"
    assert notes.foreign_keys[0].on_delete == "cascade" and notes.foreign_keys[0].on_update == "no action"
    assert notes.columns[2].app_default == '$defaultFn(() => "hello")' and notes.columns[2].default is None
    assert notes.indexes[0].description.text == "Notes of a person."
    assert [(r.name, r.kind, r.target) for r in people.relations] == [("notes", "many", "app_notes")]
    assert notes.relations[0].fields == ("person_id",) and notes.relations[0].relation_name == "wrote"
    assert s.enums[0].description.text == "How people feel."
    assert diags(s) == []


def test_define_relations_many_to_many(tmp_path):
    write(tmp_path, {
        "drizzle.config.ts": CONFIG,
        "src/schema.ts": """
            import { pgTable, integer, primaryKey } from "drizzle-orm/pg-core";
            import { defineRelations } from "drizzle-orm";
            export const users = pgTable("users", { id: integer().primaryKey() });
            export const groups = pgTable("groups", { id: integer().primaryKey() });
            export const members = pgTable("members", {
              userId: integer("user_id").notNull().references(() => users.id),
              groupId: integer("group_id").notNull().references(() => groups.id),
            }, (t) => [primaryKey({ columns: [t.userId, t.groupId] })]);
            export const rels = defineRelations({ users, groups, members }, (r) => ({
              users: {
                groups: r.many.groups({
                  from: r.users.id.through(r.members.userId),
                  to: r.groups.id.through(r.members.groupId),
                }),
              },
            }));
        """,
    })
    s = model(tmp_path)
    users = s.table("users")
    assert [(r.name, r.kind, r.target, r.through, r.source) for r in users.relations] == [
        ("groups", "many", "groups", "members", "defineRelations")
    ]
    assert s.table("members").primary_key.name == "members_user_id_group_id_pk"


# ---------------------------------------------------------------------------
# Bad input: a diagnostic with file:line, and the rest still comes out
# ---------------------------------------------------------------------------


def test_syntax_error_reports_position_and_keeps_the_rest(tmp_path):
    write(tmp_path, {
        "drizzle.config.ts": CONFIG.replace('"./src/schema.ts"', '"./src/*.ts"'),
        "src/schema.ts": """
            import { pgTable, integer, text } from "drizzle-orm/pg-core";
            export const good = pgTable("good", { id: integer().primaryKey() });
            export const broken = pgTable("broken", { id: integer(, name: text() });
            export const after = pgTable("after", { id: integer().primaryKey() });
        """,
        "src/other.ts": """
            import { pgTable, integer } from "drizzle-orm/pg-core";
            export const other = pgTable("other", { id: integer() });
        """,
    })
    s = model(tmp_path)
    names = {t.name for t in s.tables}
    assert {"good", "after", "other"} <= names
    errors = diags(s, "error")
    assert any(d.file == "src/schema.ts" and d.line == 3 and d.column and "syntax" in d.message.lower() for d in errors)


def test_dynamic_names_unknown_builders_and_unfollowable_helpers(tmp_path):
    write(tmp_path, {
        "drizzle.config.ts": CONFIG,
        "src/schema.ts": """
            import { pgTable, integer, mysteryType } from "drizzle-orm/pg-core";
            import { makeCol } from "some-package";
            const name = process.env.TABLE!;
            export const dyn = pgTable(name, { id: integer() });
            export const t = pgTable("t", {
              id: integer().primaryKey(),
              odd: mysteryType(),
              ext: makeCol(),
            });
        """,
    })
    s = model(tmp_path)
    assert [t.name for t in s.tables] == ["t"]
    # columns that cannot be read stay, under their key, with everything else unknown (issue 16)
    assert [c.name for c in s.tables[0].columns] == ["id", "odd", "ext"]
    odd, ext = s.tables[0].columns[1:]
    assert odd.type == ext.type == "unknown" and odd.unknown_part("default") is not None
    assert "mysteryType" in odd.unknown_part("name").reason and "some-package" in ext.unknown_part("name").reason
    messages = {(d.line, d.message) for d in diags(s, "error")}
    assert any(line == 4 and "table name is not static" in m for line, m in messages)
    warnings = {(d.line, d.message) for d in diags(s, "warning")}
    assert any(line == 7 and "odd" in m and "mysteryType" in m for line, m in warnings)
    assert any(line == 8 and "ext" in m and "some-package" in m for line, m in warnings)


def test_unexported_table_duplicate_table_and_cycles(tmp_path):
    write(tmp_path, {
        "drizzle.config.ts": CONFIG.replace('"./src/schema.ts"', '["./src/a.ts", "./src/b.ts"]'),
        "src/a.ts": """
            import { pgTable, integer } from "drizzle-orm/pg-core";
            import { bs } from "./b";
            export const as_ = pgTable("as", { id: integer().primaryKey(), bId: integer("b_id").references(() => bs.id) });
            const hidden = pgTable("hidden", { id: integer() });
            export const loopA = loopB;
            const loopB = loopA;
        """,
        "src/b.ts": """
            import { pgTable, integer } from "drizzle-orm/pg-core";
            import { as_ } from "./a";
            export const bs = pgTable("bs", { id: integer().primaryKey(), aId: integer("a_id").references(() => as_.id) });
            export const again = pgTable("as", { id: integer() });
        """,
    })
    s = model(tmp_path)
    assert s.table("bs").foreign_keys[0].name == "bs_a_id_as_id_fk"
    assert s.table("as").foreign_keys[0].name == "as_b_id_bs_id_fk"
    ws = diags(s, "warning")
    assert any("hidden" in d.message and "not exported" in d.message and d.file == "src/a.ts" and d.line == 4 for d in ws)
    dup = [d for d in diags(s, "error") if "defined twice" in d.message]
    assert len(dup) == 1 and "src/a.ts:3" in dup[0].message and dup[0].file == "src/b.ts" and dup[0].line == 4


def test_non_utf8_binary_and_empty_files(tmp_path):
    write(tmp_path, {
        "drizzle.config.ts": CONFIG.replace('"./src/schema.ts"', '"./src"'),
        "src/latin1.ts": "// caf\xe9\n".encode("latin-1") + b'import { pgTable, integer } from "drizzle-orm/pg-core";\nexport const l = pgTable("l", { id: integer() });\n',
        "src/binary.ts": b"\x00\x01\x02garbage",
        "src/empty.ts": b"",
    })
    s = model(tmp_path)
    assert [t.name for t in s.tables] == ["l"]
    assert any(d.file == "src/latin1.ts" and "UTF-8" in d.message for d in s.diagnostics)
    assert any(d.file == "src/binary.ts" and "binary" in d.message for d in s.diagnostics)


def test_glob_that_matches_nothing_is_an_error_not_a_crash(tmp_path):
    write(tmp_path, {"drizzle.config.ts": CONFIG.replace('"./src/schema.ts"', '"./nowhere/**/*.ts"')})
    s = model(tmp_path)
    assert s.tables == ()
    assert any("matches no files" in d.message for d in diags(s, "error"))


# ---------------------------------------------------------------------------
# Config discovery
# ---------------------------------------------------------------------------

SCHEMA = """
import { pgTable, integer } from "drizzle-orm/pg-core";
export const things = pgTable("things", { thingId: integer().primaryKey() });
"""


@pytest.mark.parametrize(
    "name,text",
    [
        ("drizzle.config.ts", 'import { defineConfig } from "drizzle-kit";\nexport default defineConfig({ schema: "./db/schema.ts", out: "./mig", casing: "snake_case", dialect: "postgresql" });'),
        ("drizzle.config.ts", 'import type { Config } from "drizzle-kit";\nexport default { schema: ["./db/schema.ts"], out: "./mig", casing: "snake_case", dialect: "postgresql" } satisfies Config;'),
        ("drizzle.config.mts", 'const config = { schema: "./db/*.ts", out: "./mig", casing: "snake_case", dialect: "postgresql" as const };\nexport default config;'),
        ("drizzle.config.cjs", 'module.exports = { schema: "./db/schema.ts", out: "./mig", casing: "snake_case", dialect: "postgresql" };'),
        ("drizzle.config.json", '{"schema": "./db/schema.ts", "out": "./mig", "casing": "snake_case", "dialect": "postgresql"}'),
    ],
)
def test_config_forms(tmp_path, name, text):
    write(tmp_path, {name: text, "db/schema.ts": SCHEMA})
    (project,) = load_projects(tmp_path)
    assert project.config_file == name
    assert project.migrations == "mig" and project.casing == "snake_case"
    s = extract(project)
    assert [c.name for c in s.tables[0].columns] == ["thing_id"]


def test_monorepo_finds_every_config_and_resolves_paths_from_each(tmp_path):
    for pkg in ("api", "jobs"):
        write(tmp_path / "packages" / pkg, {"drizzle.config.ts": 'export default { schema: "./src/schema.ts", dialect: "postgresql" };',
                                            "src/schema.ts": SCHEMA.replace("things", f"{pkg}_things")})
    write(tmp_path / "node_modules" / "x", {"drizzle.config.ts": "export default {};"})
    projects = load_projects(tmp_path)
    assert [p.root.name for p in projects] == ["api", "jobs"]
    assert [extract(p).tables[0].name for p in projects] == ["api_things", "jobs_things"]
    assert all(p.migrations == "drizzle" for p in projects)


def test_no_config_uses_the_spec_layout_and_flags_override(tmp_path):
    write(tmp_path, {"server/src/models/things.ts": SCHEMA, "other/x.ts": SCHEMA.replace("things", "x")})
    (project,) = load_projects(tmp_path)
    assert project.config_file is None and project.schema == ("server/src/models/*.ts",)
    assert [t.name for t in extract(project).tables] == ["things"]
    (project,) = load_projects(tmp_path, schema=(str(tmp_path / "other" / "x.ts"),), casing="snake_case")
    assert [(t.name, t.columns[0].name) for t in extract(project).tables] == [("x", "thing_id")]


def test_a_config_that_cannot_be_read_is_a_usage_error(tmp_path):
    write(tmp_path, {"drizzle.config.ts": "export default makeConfig();"})
    result = CliRunner().invoke(cli, ["inspect", "--root", str(tmp_path)])
    assert result.exit_code == 2
    assert "drizzle.config.ts" in result.output and "Traceback" not in result.output


# ---------------------------------------------------------------------------
# Determinism and the CLI contract
# ---------------------------------------------------------------------------


def test_inspect_is_deterministic_and_exit_codes(tmp_path):
    example = REPO / "fixtures" / "example"
    runner = CliRunner()
    first = runner.invoke(cli, ["inspect", "--root", str(example)])
    second = runner.invoke(cli, ["inspect", "--root", str(example)])
    assert first.exit_code == 0, first.output
    assert first.output == second.output
    data = json.loads(first.output)
    assert data["version"] == 1 and set(data) >= {"dialect", "tables", "enums", "views", "diagnostics"}
    assert str(example) not in first.output  # no absolute paths in output
    text = runner.invoke(cli, ["inspect", "--root", str(example), "--format", "text"])
    assert text.exit_code == 0 and "public.users" in text.output

    write(tmp_path, {"drizzle.config.ts": CONFIG, "src/schema.ts": 'import { pgTable } from "drizzle-orm/pg-core";\nexport const t = pgTable(undefined as any, {});\n'})
    bad = runner.invoke(cli, ["inspect", "--root", str(tmp_path)])
    assert bad.exit_code == 1
    assert json.loads(bad.output)["diagnostics"][0]["line"] == 2


def test_tsconfig_path_aliases_and_esm_js_suffixes(tmp_path):
    write(tmp_path, {
        "tsconfig.json": """
            {
              // comments and trailing commas, as tsconfig allows
              "compilerOptions": { "baseUrl": ".", "paths": { "@/*": ["./src/*"], "~shared": ["./shared/index.ts"], }, },
            }
        """,
        "drizzle.config.ts": 'export default { dialect: "postgresql", schema: "./src/db/schema.ts" };',
        "shared/index.ts": """
            import { timestamp } from "drizzle-orm/pg-core";
            export const timestamps = { createdAt: timestamp("created_at").defaultNow().notNull() };
        """,
        "src/db/users.ts": """
            import { pgTable, uuid } from "drizzle-orm/pg-core";
            import { timestamps } from "~shared";
            export const users = pgTable("users", { id: uuid().primaryKey(), ...timestamps });
        """,
        "src/db/schema.ts": """
            import { pgTable, uuid } from "drizzle-orm/pg-core";
            import { users } from "@/db/users";
            export * from "./users.js";
            export const posts = pgTable("posts", { authorId: uuid("author_id").references(() => users.id) });
        """,
    })
    s = model(tmp_path)
    assert sorted(t.name for t in s.tables) == ["posts", "users"]
    assert [c.name for c in s.table("users").columns] == ["id", "created_at"]
    assert s.table("posts").foreign_keys[0].name == "posts_author_id_users_id_fk"
    assert diags(s) == []


def test_two_projects_may_not_share_one_docs_folder(tmp_path):
    for pkg in ("api", "jobs"):
        write(tmp_path / "packages" / pkg, {"drizzle.config.ts": 'export default { schema: "./src/schema.ts", dialect: "postgresql" };',
                                            "src/schema.ts": SCHEMA.replace("things", f"{pkg}_things")})
    assert len(load_projects(tmp_path)) == 2  # each its own docs/data/schemas
    result = CliRunner().invoke(cli, ["generate", "--root", str(tmp_path), "--out", str(tmp_path / "docs")])
    assert result.exit_code == 2
    assert "both write their docs" in result.output and not (tmp_path / "docs").exists()


def test_inspect_lists_each_configuration_problem_once(tmp_path):
    write(tmp_path, {"drizzle.config.ts": 'export default { dialect: "postgresql", schema: "./src/a.ts", casing: "kebab" };',
                     "src/a.ts": SCHEMA})
    result = CliRunner().invoke(cli, ["inspect", "--root", str(tmp_path)])
    messages = [d["message"] for d in json.loads(result.output)["diagnostics"]]
    casing = [m for m in messages if "`casing`" in m]
    assert len(casing) == 1, messages
