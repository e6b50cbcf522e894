"""Finding the schema as drizzle-kit runs it, and imports as TypeScript resolves them (issue 16).

The fixtures/discovery-* projects (and fixtures/corpus-*, whose cases came from real
monorepos) are held against the real tools where one exists: the pinned drizzle-kit is run
in the folder and with the arguments drizzle-doc says a package script runs it with, and
the pinned TypeScript compiler's ``--traceResolution`` answers every import the way
drizzle-doc's resolver must.  The rest is what drizzle-doc prints: every path named from
where the user stands, the folder generate wrote to, one hint when nothing is found, init
at a monorepo root, and an import that leads nowhere reported at its line.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest

from drizzle_doc.project.discover import kit_runs, parse_script
from drizzle_doc.ts.resolve import Resolver, exports_targets, expand_workspace, workspace_patterns
from tests.conftest import (
    FIXTURES, ORACLE_DIR, inspect_projects as inspect, need_node, run_cli_at as run, write_files as write,
)

NODE_MODULES = ORACLE_DIR / "node_modules"


def copy(name: str, tmp_path: Path) -> Path:
    dst = tmp_path / name
    shutil.copytree(FIXTURES / name, dst)
    return dst


def install(copy_root: Path) -> None:
    """What ``npm install`` would leave in a workspace: node_modules at its root holding the
    pinned packages and a link to each workspace package, by its name."""
    nm = copy_root / "node_modules"
    nm.mkdir()
    for entry in NODE_MODULES.iterdir():
        if entry.name != ".bin":
            (nm / entry.name).symlink_to(entry.resolve(), target_is_directory=entry.is_dir())
    for folder in expand_workspace(copy_root, workspace_patterns(copy_root) or []):
        name = json.loads((folder / "package.json").read_text())["name"]
        link = nm / name
        link.parent.mkdir(parents=True, exist_ok=True)
        link.symlink_to(folder, target_is_directory=True)


# --- package scripts -------------------------------------------------------------------------

@pytest.mark.parametrize("script, expect", [
    ("drizzle-kit generate --config ./db/drizzle.config.ts", [((), "generate", "./db/drizzle.config.ts", ())]),
    ("SKIP_ENV_VALIDATION=1 drizzle-kit generate --config=./src/drizzle.config.ts",
     [((), "generate", "./src/drizzle.config.ts", ())]),
    ("bunx drizzle-kit push --config=k.ts", [((), "push", "k.ts", ())]),
    ("npx drizzle-kit@0.31.4 migrate", [((), "migrate", None, ())]),
    ("pnpm exec drizzle-kit studio --config a.ts --port 3000", [((), "studio", "a.ts", ())]),
    ("dotenv -e ../../.env -- drizzle-kit generate --config db.config.ts",
     [((), "generate", "db.config.ts", ())]),
    ("pnpm with-env drizzle-kit check --config=./x.ts", [((), "check", "./x.ts", ())]),
    ("cd packages/db && drizzle-kit generate", [(("packages/db",), "generate", None, ())]),
    ("sh -c 'cd db && drizzle-kit migrate --config c.ts'", [(("db",), "migrate", "c.ts", ())]),
    ("drizzle-kit --config first.ts generate", [((), "generate", "first.ts", ())]),
    ("drizzle-kit generate --dialect=postgresql --schema './src/*.ts' --out ./sql",
     [((), "generate", None, (("dialect", "postgresql"), ("schema", "./src/*.ts"), ("out", "./sql")))]),
    ("tsc -p . && node dist/seed.js", []),
    ("drizzle-kit generate && drizzle-kit migrate --config m.ts",
     [((), "generate", None, ()), ((), "migrate", "m.ts", ())]),
])
def test_a_script_is_read_as_a_shell_line(script, expect):
    assert parse_script(script) == expect


def test_kit_runs_name_the_folder_and_the_line(tmp_path):
    write(tmp_path, {"apps/web/package.json": """
        {
          "name": "web",
          "scripts": {
            "dev": "next dev",
            "db:generate": "drizzle-kit generate --config ./db/drizzle.config.ts"
          }
        }
    """})
    (run_,) = kit_runs(tmp_path / "apps/web/package.json")
    assert (run_.script, run_.line, run_.command) == ("db:generate", 5, "generate")
    assert run_.cwd == tmp_path / "apps/web" and run_.config == tmp_path / "apps/web/db/drizzle.config.ts"


def test_a_config_named_only_by_a_script_is_found_and_resolved_from_the_scripts_folder():
    [project] = inspect(FIXTURES / "discovery-scripts")
    assert project["project"] == {"root": "services/billing", "config": "config/kit.config.ts",
                                  "script": {"file": "package.json", "line": 5, "name": "db:generate"}}
    assert [t["name"] for t in project["tables"]] == ["customers", "invoices"]
    assert project["migrationsFolder"] == "migrations"
    assert {t["name"]: t["migrations"]["created"]["tag"] for t in project["tables"]} == {
        "customers": "0000_init", "invoices": "0000_init"}
    assert project["diagnostics"] == []


def test_a_project_given_on_drizzle_kits_command_line():
    [project] = inspect(FIXTURES / "discovery-kit-flags")
    assert project["project"]["config"] is None and project["project"]["script"]["name"] == "db:generate"
    [projects] = project["tables"]
    assert [c["name"] for c in projects["columns"]] == ["id", "display_name", "created_at", "updated_at"]
    assert project["migrationsFolder"] == "sql" and projects["migrations"]["created"]["tag"] == "0000_init"


@pytest.mark.parametrize("fixture", ["corpus-config-subfolder", "discovery-scripts", "discovery-kit-flags"])
def test_drizzle_kit_run_as_the_script_runs_it_reads_what_drizzle_doc_reads(fixture, tmp_path):
    """The pinned drizzle-kit, run in the folder and with the arguments drizzle-doc read from
    the package script, finds the same tables and writes into the migrations folder drizzle-doc
    reads; were paths resolved from the config's folder, it would find no schema."""
    need_node()
    [project] = inspect(FIXTURES / fixture)
    root = copy(fixture, tmp_path)
    install(root)
    cwd = root / project["project"]["root"]
    script = project["project"]["script"]
    run_ = next(r for r in kit_runs(cwd / script["file"]) if r.script == script["name"])
    assert run_.cwd == cwd
    shutil.rmtree(cwd / project["migrationsFolder"])
    args = ["generate", f"--config={os.path.relpath(run_.config, cwd)}"] if run_.config else \
        ["generate", *[f"--{k}={v}" for k, v in run_.options]]
    done = subprocess.run(["node", str(NODE_MODULES / "drizzle-kit" / "bin.cjs"), *args], cwd=cwd,
                          capture_output=True, text=True, timeout=180, env=dict(os.environ, NO_COLOR="1"))
    assert done.returncode == 0, done.stdout + done.stderr
    journal = json.loads((cwd / project["migrationsFolder"] / "meta" / "_journal.json").read_text())
    snapshot = json.loads((cwd / project["migrationsFolder"] / "meta" /
                           f"{journal['entries'][-1]['idx']:04d}_snapshot.json").read_text())
    assert sorted(t["name"] for t in snapshot["tables"].values()) == sorted(t["name"] for t in project["tables"])
    columns = {t["name"]: sorted(t["columns"]) for t in snapshot["tables"].values()}
    assert columns == {t["name"]: sorted(c["name"] for c in t["columns"]) for t in project["tables"]}


def test_one_project_per_folder_drizzle_kit_runs_in(tmp_path):
    write(tmp_path, {
        "package.json": """
            {"scripts": {"db:push": "drizzle-kit push --config=push.config.ts",
                         "db:generate": "drizzle-kit generate --config=gen.config.ts"}}
        """,
        "push.config.ts": 'export default { dialect: "postgresql", schema: "./a.ts", out: "./push" };\n',
        "gen.config.ts": 'export default { dialect: "postgresql", schema: "./a.ts", out: "./gen" };\n',
        "a.ts": 'import { pgTable, uuid } from "drizzle-orm/pg-core";\nexport const a = pgTable("a", { id: uuid("id") });\n',
    })
    (tmp_path / "sub").mkdir()
    [project] = inspect(tmp_path / "sub", "--root", "..")
    assert project["project"]["config"] == "gen.config.ts" and project["project"]["root"] == ".."
    [note] = [d for d in project["diagnostics"] if d["code"] == "config-other"]
    assert note["severity"] == "info" and "push.config.ts" in note["message"]


# --- module resolution ----------------------------------------------------------------------

def _tsc_resolutions(copy_root: Path, project_dir: Path) -> dict[tuple[str, str], str | None]:
    """{(importing file, specifier): resolved file or None} as ``tsc --traceResolution`` says,
    for the files of the copy (not node_modules)."""
    done = subprocess.run(["node", str(NODE_MODULES / "typescript" / "bin" / "tsc"), "-p", str(project_dir),
                           "--noEmit", "--traceResolution"], capture_output=True, text=True, timeout=300)
    out: dict[tuple[str, str], str | None] = {}
    current = None
    for line in done.stdout.splitlines():
        m = re.match(r"======== Resolving module '(.+)' from '(.+)'\. ========", line)
        if m:
            current = (m.group(2), m.group(1))
            continue
        m = re.match(r"======== Module name '(.+)' was (?:successfully resolved to '(.+?)'|not resolved)", line)
        if m and current and current[1] == m.group(1):
            importer = Path(current[0])
            if "node_modules" not in importer.parts and copy_root in importer.parents and importer.is_file():
                out[(importer.relative_to(copy_root).as_posix(), m.group(1))] = m.group(2)
            current = None
    return out


@pytest.mark.parametrize("fixture, project_dir, tsconfig", [
    ("discovery-workspaces", "apps/api", None),
    ("corpus-workspace-import", "packages/db", {"compilerOptions": {"module": "esnext", "moduleResolution": "bundler",
                                                                    "strict": True, "skipLibCheck": True},
                                                "include": ["src"]}),
])
def test_imports_resolve_as_typescript_resolves_them(fixture, project_dir, tsconfig, tmp_path):
    """Every import of the fixture's files, as the pinned TypeScript resolves it in an installed
    copy (workspace packages linked into node_modules), and as drizzle-doc resolves it in the
    fixture itself, with no node_modules (as a fresh checkout is read): the same file, or, for a
    package from the registry, not followed."""
    need_node()
    root = copy(fixture, tmp_path)
    install(root)
    if tsconfig is not None:
        (root / project_dir / "tsconfig.json").write_text(json.dumps(tsconfig))
    traced = _tsc_resolutions(root.resolve(), root / project_dir)
    local = {k: v for k, v in traced.items() if v and "node_modules" not in Path(os.path.realpath(v)).parts}
    assert local, traced  # the fixture's own imports were traced
    resolver = Resolver(FIXTURES / fixture / project_dir)
    for (importer, spec), resolved in sorted(traced.items()):
        found = resolver.resolve(FIXTURES / fixture / importer, spec)
        if (importer, spec) in local:
            want = Path(os.path.realpath(resolved)).relative_to(root.resolve())
            assert found.path == (FIXTURES / fixture / want).resolve(), (importer, spec, found)
        else:  # drizzle-orm and the like: a package from the registry, never read
            assert found.path is None and not found.local, (importer, spec, found)


def test_an_import_that_leads_nowhere_is_an_error_at_its_line(tmp_path):
    write(tmp_path, {
        "package.json": '{"private": true, "workspaces": ["packages/*"]}\n',
        "packages/util/package.json": '{"name": "@acme/util", "exports": {"./ids": "./src/ids.ts"}}\n',
        "packages/util/src/ids.ts": "export const ID = 1;\n",
        "packages/db/tsconfig.json": '{"compilerOptions": {"paths": {"~/*": ["./lib/*"]}}}\n',
        "packages/db/drizzle.config.ts": 'export default { dialect: "postgresql", schema: "./schema.ts" };\n',
        "packages/db/schema.ts": """
            import { integer, jsonb, pgTable, text } from "drizzle-orm/pg-core";
            import { z } from "zod";
            import { WIDTH } from "./sizes";
            import { DEPTH } from "@acme/util/depth";
            import { HEIGHT } from "~/height";
            export const boxes = pgTable("boxes", {
              width: integer("width").default(WIDTH),
              depth: integer("depth").default(DEPTH),
              height: integer("height").default(HEIGHT),
              shape: jsonb("shape").default(z),
              label: text("label"),
            });
        """,
    })
    [project] = inspect(tmp_path)
    errors = {(d["file"], d["line"]): d["message"] for d in project["diagnostics"] if d["code"] == "unresolved-import"}
    assert errors == {
        ("packages/db/schema.ts", 3): "cannot resolve import './sizes': no file sizes (with a source suffix or /index)",
        ("packages/db/schema.ts", 4): "cannot resolve import '@acme/util/depth': the `exports` of "
                                      "../util/package.json have no './depth'",
        ("packages/db/schema.ts", 5): "cannot resolve import '~/height': the `paths` alias '~/*' of tsconfig.json "
                                      "leads to lib/height, where no file is",
    }
    # the columns stay, their defaults unknown; zod (a registry package) is not followed, silently
    [boxes] = project["tables"]
    assert [c["name"] for c in boxes["columns"]] == ["width", "depth", "height", "shape", "label"]
    assert not any("zod" in d["message"] and d["code"] == "unresolved-import" for d in project["diagnostics"])


def test_package_exports_conditions_and_patterns():
    exports = {
        ".": {"types": "./dist/index.d.ts", "import": "./src/index.ts", "require": "./dist/index.cjs"},
        "./tables/*": {"types": "./src/tables/*.ts", "default": "./dist/tables/*.js"},
        "./tables/internal/*": None,
        "./legacy/": "./old/",
        "./package.json": "./package.json",
    }
    assert exports_targets(exports, ".") == ["./dist/index.d.ts", "./src/index.ts", "./dist/index.cjs"]
    assert exports_targets(exports, "./tables/users") == ["./src/tables/users.ts", "./dist/tables/users.js"]
    assert exports_targets(exports, "./tables/internal/x") == []  # excluded by null
    assert exports_targets(exports, "./legacy/a.js") == ["./old/a.js"]
    assert exports_targets(exports, "./nope") is None
    assert exports_targets("./main.ts", ".") == ["./main.ts"]
    assert exports_targets({"import": "./m.ts", "browser": "./b.ts"}, ".") == ["./m.ts"]


def test_a_package_entry_prefers_source_over_declarations_and_build_output(tmp_path):
    write(tmp_path, {
        "pnpm-workspace.yaml": "packages:\n  - 'libs/**'\n  - '!libs/old/**'\n",
        "package.json": "{}\n",
        "libs/a/package.json": '{"name": "a", "exports": {".": {"types": "./dist/index.d.ts", "import": "./src/index.ts"}}}\n',
        "libs/a/dist/index.d.ts": "export declare const A: number;\n",
        "libs/a/src/index.ts": "export const A = 1;\n",
        "libs/nested/b/package.json": '{"name": "b", "types": "./index.d.ts", "main": "./index.js"}\n',
        "libs/nested/b/index.d.ts": "export declare const B: number;\n",
        "libs/nested/b/index.ts": "export const B = 2;\n",
        "libs/old/c/package.json": '{"name": "c", "main": "./index.ts"}\n',
        "libs/old/c/index.ts": "export const C = 3;\n",
        "app/x.ts": "",
    })
    r = Resolver(tmp_path / "app")
    assert r.resolve(tmp_path / "app/x.ts", "a").path == (tmp_path / "libs/a/src/index.ts").resolve()
    assert r.resolve(tmp_path / "app/x.ts", "b").path == (tmp_path / "libs/nested/b/index.ts").resolve()
    gone = r.resolve(tmp_path / "app/x.ts", "c")  # excluded from the workspace: a registry package
    assert gone.path is None and not gone.local


def test_yarn_workspaces_object_and_the_nearest_tsconfig(tmp_path):
    write(tmp_path, {
        "package.json": '{"workspaces": {"packages": ["pkgs/*"], "nohoist": []}}\n',
        "tsconfig.json": '{"compilerOptions": {"paths": {"@/*": ["./root-src/*"]}}}\n',
        "root-src/x.ts": "",
        "pkgs/db/package.json": '{"name": "db", "main": "main.ts"}\n',
        "pkgs/db/main.ts": "",
        "pkgs/db/tsconfig.json": """
            {"extends": ["./base-a.json", "./base-b.json"], "compilerOptions": {}}
        """,
        "pkgs/db/base-a.json": '{"compilerOptions": {"paths": {"@/*": ["./from-a/*"]}}}\n',
        "pkgs/db/base-b.json": '{"compilerOptions": {"paths": {"@/*": ["./src/*"], "exact": ["./src/exact.ts"]}}}\n',
        "pkgs/db/src/x.ts": "",
        "pkgs/db/src/exact.ts": "",
    })
    r = Resolver(tmp_path)
    # the nearest tsconfig decides, its later `extends` over its earlier; paths from the declaring file
    assert r.resolve(tmp_path / "pkgs/db/src/x.ts", "@/x").path == (tmp_path / "pkgs/db/src/x.ts").resolve()
    assert r.resolve(tmp_path / "root-src/x.ts", "@/x").path == (tmp_path / "root-src/x.ts").resolve()
    assert r.resolve(tmp_path / "pkgs/db/src/x.ts", "exact").path == (tmp_path / "pkgs/db/src/exact.ts").resolve()
    assert r.resolve(tmp_path / "root-src/x.ts", "db").path == (tmp_path / "pkgs/db/main.ts").resolve()


# --- what drizzle-doc prints ------------------------------------------------------------------

def _named_files(text: str) -> list[str]:
    return re.findall(r"(?:^|[\s(\"'=])((?:\.\./|[\w@.-]+/)*[\w@.-]+\.(?:ts|sql|md|json))(?=[:\s),\"']|$)", text, re.M)


@pytest.mark.parametrize("where", [".", "apps", "apps/web", "apps/web/db"])
def test_every_path_printed_is_named_from_where_the_user_stands(where, tmp_path):
    root = copy("corpus-config-subfolder", tmp_path)
    schema = root / "apps/web/db/schema.ts"
    schema.write_text(schema.read_text() + 'export * from "./nope";\n')  # an unresolvable barrel line
    line = schema.read_text().count("\n")
    cwd = root / where
    args = () if where not in ("apps",) else ("--root", "web")
    outputs = [run(cwd, "generate", *args), run(cwd, "check", *args), run(cwd, "migrations", *args),
               run(cwd, "inspect", "--format", "text", *args)]
    text = "\n".join(r.stdout + r.stderr for r in outputs)
    named = _named_files(text)
    assert "drizzle.config.ts" in " ".join(named) and any(n.endswith("schema.ts") for n in named)
    for name in named:  # every file named is there, seen from where the user stands
        assert (cwd / name).exists(), (name, text)
    shown = {"." : "apps/web/", "apps": "web/", "apps/web": "", "apps/web/db": "../"}[where]
    assert f"{shown}docs/data/schemas: " in outputs[0].stdout
    [unresolved] = [ln for ln in outputs[0].stderr.splitlines() if "cannot resolve import" in ln]
    assert unresolved.startswith(f"{'' if where == 'apps/web/db' else shown + 'db/'}schema.ts:{line}:")


def test_generate_says_where_it_wrote_also_when_nothing_changed(tmp_path):
    root = copy("monorepo", tmp_path)
    first = run(root, "generate")
    assert first.stdout.splitlines() == ["packages/a/docs/data/schemas: 5 written, 0 unchanged, 0 orphaned",
                                         "packages/b/docs/data/schemas: 3 written, 0 unchanged, 0 orphaned"]
    again = run(root / "packages", "generate", "--root", "b", "--out", "../docs/b")
    assert again.stdout.splitlines() == ["../docs/b: 3 written, 0 unchanged, 0 orphaned"]
    assert (root / "docs/b/README.md").is_file()
    same = run(root / "packages", "generate", "--root", "b", "--out", "../docs/b")
    assert same.stdout.splitlines() == ["../docs/b: 0 written, 3 unchanged, 0 orphaned"]


def test_no_config_and_no_models_is_one_hint_that_works(tmp_path):
    root = copy("discovery-noconfig", tmp_path)
    r = run(root, "inspect", "--format", "text")
    [hint] = [ln for ln in r.stdout.splitlines() if ": error: " in ln or ": warning: " in ln]
    assert "no drizzle.config.* here or below" in hint and "server/src/models/*.ts" in hint
    command = re.search(r"run with (--schema [^\s,]+ --migrations [^\s,]+)", hint).group(1).split()
    followed = inspect(root, *command)[0]  # the hint's own command documents the schema
    assert [t["name"] for t in followed["tables"]] == ["notes"]
    assert followed["migrationsFolder"] == "db/migrations" and followed["diagnostics"] == []
    # from a folder above, the hint names the paths from there
    above = run(tmp_path, "inspect", "--format", "text", "--root", "discovery-noconfig")
    assert "run with --schema discovery-noconfig/db/schema.ts --migrations discovery-noconfig/db/migrations" in above.stdout


def test_a_schema_path_that_matches_nothing_says_where_it_looked(tmp_path):
    root = copy("corpus-config-subfolder", tmp_path)
    (root / "apps/web/db/schema.ts").rename(root / "apps/web/db/tables.ts")
    [project] = inspect(root)
    [d] = [d for d in project["diagnostics"] if d["code"] == "no-schema-files"]
    assert d["file"] == "apps/web/db/drizzle.config.ts"
    assert d["message"] == ("schema path './db/schema.ts' matches no files (looked for apps/web/db/schema.ts, from "
                            "apps/web, the folder drizzle-kit runs in for the script 'db:generate' "
                            "(apps/web/package.json:5))")


def test_init_at_a_monorepo_root_writes_the_settings_the_commands_read(tmp_path):
    root = copy("corpus-monorepo-root", tmp_path)
    r = run(root, "init")
    assert r.exit_code == 0, r.output
    assert "created packages/db/drizzle-doc.toml" in r.stdout and "updated packages/db/package.json" in r.stdout
    assert "packages/db (packages/db/drizzle.config.ts)" in r.stderr  # the hint names the package
    assert not (root / "drizzle-doc.toml").exists()
    toml = root / "packages/db/drizzle-doc.toml"
    toml.write_text(toml.read_text().replace('out = "docs/data/schemas"', 'out = "documentation"'))
    g = run(root, "generate")
    assert g.stdout.splitlines() == ["packages/db/documentation: 2 written, 0 unchanged, 0 orphaned"]
    scripts = json.loads((root / "packages/db/package.json").read_text())["scripts"]
    assert "drizzle-doc generate" in scripts["db:docs"]


def test_settings_at_a_monorepo_root_that_no_project_reads_are_a_warning(tmp_path):
    root = copy("corpus-monorepo-root", tmp_path)
    (root / "drizzle-doc.toml").write_text('out = "nowhere"\n')
    [project] = inspect(root)
    [d] = [d for d in project["diagnostics"] if d["code"] == "settings-unread"]
    assert d["severity"] == "warning" and "packages/db/drizzle-doc.toml" in d["message"]
    assert not (root / "nowhere").exists()


def test_the_folders_own_config_outranks_one_only_a_push_script_names(tmp_path):
    write(tmp_path, {
        "package.json": '{"scripts": {"test:db": "bunx drizzle-kit push --config=drizzle.config.test.ts --force"}}\n',
        "drizzle.config.ts": 'export default { dialect: "postgresql", schema: "./a.ts", out: "./migrations" };\n',
        "drizzle.config.test.ts": 'export default { dialect: "postgresql", schema: "./test-schema.ts" };\n',
        "a.ts": 'import { pgTable, uuid } from "drizzle-orm/pg-core";\nexport const a = pgTable("a", { id: uuid("id") });\n',
        "sub/x.ts": "",
    })
    [project] = inspect(tmp_path / "sub", "--root", "..")
    assert project["project"]["config"] == "drizzle.config.ts" and [t["name"] for t in project["tables"]] == ["a"]


def test_an_export_without_a_value_is_unknown_not_missing(tmp_path):
    write(tmp_path, {
        "drizzle.config.ts": 'export default { dialect: "postgresql", schema: "./schema.ts" };\n',
        "env.ts": "export let region: string;\nif (process.env.EU) { region = 'eu'; }\n",
        "schema.ts": """
            import { pgTable, text } from "drizzle-orm/pg-core";
            import { region } from "./env";
            export const shops = pgTable("shops", { region: text("region").default(region) });
        """,
    })
    [project] = inspect(tmp_path)
    assert not [d for d in project["diagnostics"] if d["code"] in ("missing-export", "unresolved-import")]
    assert [c["name"] for c in project["tables"][0]["columns"]] == ["region"]


def test_a_tsconfig_extending_what_is_not_there(tmp_path):
    write(tmp_path, {
        "drizzle.config.ts": 'export default { dialect: "postgresql", schema: "./schema.ts" };\n',
        "tsconfig.json": '{"extends": ["@tsconfig/node22/tsconfig.json", "./.svelte-kit/tsconfig.json"]}\n',
        "schema.ts": 'import { pgTable, uuid } from "drizzle-orm/pg-core";\nexport const a = pgTable("a", { id: uuid("id") });\n',
    })
    [project] = inspect(tmp_path)
    found = {d["severity"]: d["message"] for d in project["diagnostics"] if d["code"] == "tsconfig"}
    # a registry base (no paths in such files) is noted; a missing local one may hide aliases: a warning
    assert "'@tsconfig/node22/tsconfig.json' is a package that is not installed here" in found["info"]
    assert "'./.svelte-kit/tsconfig.json' names no file" in found["warning"]


def test_a_config_given_with_config_resolves_from_its_scripts_folder_too():
    cwd = FIXTURES / "corpus-config-subfolder"
    [project] = inspect(cwd, "--config", "apps/web/db/drizzle.config.ts")
    assert project["project"]["root"] == "apps/web" and [t["name"] for t in project["tables"]] == ["signups"]
    [inside] = inspect(cwd / "apps/web/db")  # standing in the config's folder: drizzle-kit runs above it
    assert inside["project"]["root"] == ".." and inside["project"]["config"] == "db/drizzle.config.ts"
    assert [t["name"] for t in inside["tables"]] == ["signups"] and inside["migrationsFolder"] == "drizzle"


def test_a_barrel_over_a_package_that_is_not_followed_says_so(tmp_path):
    write(tmp_path, {
        "drizzle.config.ts": 'export default { dialect: "postgresql", schema: "./schema.ts" };\n',
        "schema.ts": 'export * from "drizzle-orm/pg-core";\nexport * from "@elsewhere/db/schema";\n',
    })
    [project] = inspect(tmp_path)
    [d] = [d for d in project["diagnostics"] if d["code"] == "unfollowed-export"]
    assert (d["file"], d["line"], d["severity"]) == ("schema.ts", 2, "warning")
    assert "'@elsewhere/db/schema' is a package drizzle-doc does not read" in d["message"]
