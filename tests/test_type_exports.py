"""Names that are types, not values (issue 16, lightfast's 17 `missing-export` errors).

A workspace package that exports a name only as a type (``export type X = …``, an interface,
``export type { X } from``, ``export { type X }``, ``export type * from``), imported by the models
with or without ``type`` and used only in type positions (``$type<X>()``) or handed on with
``export type { X }``, is a type: no missing export, and nothing drizzle-kit sees (its
``Object.values(module)`` never holds a type).  Only a value used at run time that no module
exports is an error.  ``fixtures/corpus-type-exports`` holds the shapes found on lightfast,
written for this repository; the pinned TypeScript compiler and drizzle-kit, run on an installed
copy, agree that it is valid and what its tables are.
"""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

from drizzle_doc.ts.evaluate import Evaluator
from tests.conftest import (
    FIXTURES, ORACLE_DIR, assert_check_clean_after_generate, inspect_projects, need_node, write_files as write,
)

NODE_MODULES = ORACLE_DIR / "node_modules"
FIXTURE = "corpus-type-exports"


def inspect(cwd: Path) -> dict:
    [project] = inspect_projects(cwd)
    return project


def columns(project: dict, table: str) -> dict[str, dict]:
    return {c["name"]: c for t in project["tables"] if t["name"] == table for c in t["columns"]}


# --- the fixture --------------------------------------------------------------------------------

def test_type_only_imports_from_a_workspace_package_are_not_missing():
    project = inspect(FIXTURES / FIXTURE)
    assert project["diagnostics"] == []
    accounts = columns(project, "accounts")
    assert list(accounts) == ["id", "plan", "role", "balance", "currency", "address", "flags", "audit"]
    # a value and a type of one name (`export const Role …; export type Role …`): the value
    assert accounts["role"]["enumValues"] == ["owner", "member", "guest"] and "unknown" not in accounts["role"]
    assert accounts["plan"]["enumValues"] == ["free", "pro", "team"]
    assert {n: c["tsType"] for n, c in accounts.items() if c["tsType"]} == {
        "balance": "Money", "currency": "Currency", "address": "Address", "flags": "Flags", "audit": "AuditTrail[]"}
    people = columns(project, "people")
    assert people["id_prefix"]["default"] == "'person_'"
    assert people["source"]["enumValues"] == ["import", "manual", "sync"]


def test_check_right_after_generate_exits_0_on_the_fixture(tmp_path):
    root = tmp_path / FIXTURE
    shutil.copytree(FIXTURES / FIXTURE, root)
    assert_check_clean_after_generate(root)


def installed_copy(tmp_path: Path) -> Path:
    """The fixture as `pnpm install` leaves it: node_modules at its root with the pinned packages
    and a link to each workspace package by its name."""
    root = tmp_path / FIXTURE
    shutil.copytree(FIXTURES / FIXTURE, root)
    nm = root / "node_modules"
    nm.mkdir()
    for entry in NODE_MODULES.iterdir():
        if entry.name != ".bin":
            (nm / entry.name).symlink_to(entry.resolve(), target_is_directory=entry.is_dir())
    (nm / "@acme").mkdir()
    for name in ("contract", "db"):
        (nm / "@acme" / name).symlink_to(root / "packages" / name, target_is_directory=True)
    return root


def test_the_fixture_is_valid_typescript_and_its_migrations_are_drizzle_kits(tmp_path):
    """tsc finds every name the models import (types included) and nothing wrong; drizzle-kit,
    loading the models with the types erased, writes the migration the fixture holds."""
    need_node()
    root = installed_copy(tmp_path)
    db = root / "packages" / "db"
    tsc = subprocess.run(["node", str(NODE_MODULES / "typescript" / "bin" / "tsc"), "-p", str(db)],
                         capture_output=True, text=True, timeout=300)
    assert tsc.returncode == 0, tsc.stdout + tsc.stderr
    shutil.rmtree(db / "drizzle")
    kit = subprocess.run(["node", str(NODE_MODULES / "drizzle-kit" / "bin.cjs"), "generate", "--name", "init"],
                         cwd=db, capture_output=True, text=True, timeout=300)
    assert kit.returncode == 0, kit.stdout + kit.stderr
    made = (db / "drizzle" / "0000_init.sql").read_text()
    assert made == (FIXTURES / FIXTURE / "packages" / "db" / "drizzle" / "0000_init.sql").read_text()


def test_a_name_no_module_exports_is_still_an_error_and_tsc_says_so_too(tmp_path):
    root = write(tmp_path, {
        "drizzle.config.ts": 'export default { dialect: "mysql", schema: "./schema.ts" };\n',
        "contract.ts": "export type Tier = 'a' | 'b';\nexport const TIERS = ['a', 'b'] as const;\n",
        "schema.ts": """
            import { mysqlEnum, mysqlTable } from "drizzle-orm/mysql-core";
            import { TIERS, TIRES } from "./contract";
            export const plans = mysqlTable("plans", { tier: mysqlEnum("tier", TIERS), other: mysqlEnum("other", TIRES) });
        """,
    })
    project = inspect(root)
    missing = [(d["file"], d["line"], d["message"]) for d in project["diagnostics"] if d["code"] == "missing-export"]
    assert missing == [("schema.ts", 2, "'./contract' has no export named 'TIRES'")]
    if shutil.which("node") is not None and (NODE_MODULES / "typescript").is_dir():
        (tmp_path / "node_modules").symlink_to(NODE_MODULES, target_is_directory=True)
        tsc = subprocess.run(["node", str(NODE_MODULES / "typescript" / "bin" / "tsc"), "--noEmit", "--strict",
                              "--skipLibCheck", "--module", "esnext", "--moduleResolution", "bundler", "schema.ts"],
                             cwd=tmp_path, capture_output=True, text=True, timeout=300)
        errors = [line for line in tsc.stdout.splitlines() if "error TS" in line]
        assert len(errors) == 1 and errors[0].startswith("schema.ts(2,") and "no exported member named 'TIRES'" in errors[0], tsc.stdout


# --- each shape, alone --------------------------------------------------------------------------

def test_a_type_used_as_a_value_is_unknown_with_its_reason_not_a_missing_export(tmp_path):
    root = write(tmp_path, {
        "drizzle.config.ts": 'export default { dialect: "mysql", schema: "./schema.ts" };\n',
        "contract.ts": "export type Tier = 'a' | 'b';\n",
        "schema.ts": """
            import { mysqlEnum, mysqlTable } from "drizzle-orm/mysql-core";
            import { Tier } from "./contract";
            export const plans = mysqlTable("plans", { tier: mysqlEnum("tier", Tier) });
        """,
    })
    project = inspect(root)
    assert "missing-export" not in {d["code"] for d in project["diagnostics"]}
    [tier] = project["tables"][0]["columns"]
    assert "`Tier` of './contract' is a type, not a value" in json.dumps(tier["unknown"])


def test_classes_and_declared_values_are_exports(tmp_path):
    root = write(tmp_path, {
        "drizzle.config.ts": 'export default { dialect: "mysql", schema: "./schema.ts" };\n',
        "lib.ts": "export class Clock {}\nexport abstract class Base {}\nexport declare const REGION: string;\n",
        "schema.ts": """
            import { mysqlTable, varchar } from "drizzle-orm/mysql-core";
            import { Base, Clock, REGION } from "./lib";
            export { Base, Clock };
            export const shops = mysqlTable("shops", { region: varchar("region", { length: 8 }).default(REGION) });
        """,
    })
    project = inspect(root)
    assert "missing-export" not in {d["code"] for d in project["diagnostics"]}
    [region] = project["tables"][0]["columns"]
    assert "declared without a value" in json.dumps(region["unknown"])


def test_a_module_lists_its_values_and_knows_its_types(tmp_path):
    write(tmp_path, {
        "types.ts": "export type A = 1;\nexport interface B { b: 1 }\n",
        "more.ts": "export type C = 3;\n",
        "index.ts": """
            import type { A } from "./types";
            import { type B } from "./types";
            type Local = string;
            interface LocalI { x: 1 }
            export type Role = "x";
            export const Role = ["x"] as const;
            export const plain = 1;
            export { A, B, Local, LocalI };
            export type { C } from "./more";
            export { type C as D } from "./more";
            export type * from "./types";
            export type * as T from "./more";
        """,
    })
    ev = Evaluator(tmp_path, {})
    index = ev.load(tmp_path / "index.ts")
    assert index.export_names() == ["Role", "plain"]  # what drizzle-kit's Object.values(module) holds
    assert index.export("Role") == ["x"]  # a value declared after a type of its name is the value
    for name in ("A", "B", "Local", "LocalI", "C", "D", "T"):
        assert index.type_export(name), name
    for name in ("Role", "plain", "nope"):
        assert not index.type_export(name), name
    barrel = write(tmp_path, {"barrel.ts": 'export * from "./index";\nexport type * from "./more";\n'}) / "barrel.ts"
    module = ev.load(barrel)
    assert module.export_names() == ["Role", "plain"]
    assert module.type_export("A") and module.type_export("C") and not module.type_export("plain")
    assert ev.diagnostics == []


def test_a_type_export_leaves_the_name_to_an_export_star_value(tmp_path):
    """At run time `export type { X }` is erased, so a value X of an `export *` is the export."""
    write(tmp_path, {
        "values.ts": "export const X = 1;\nexport const Y = 2;\n",
        "barrel.ts": 'import type { Y } from "./values";\ntype X = string;\nexport type { X };\nexport { Y };\nexport * from "./values";\n',
        "schema.ts": 'import { X, Y } from "./barrel";\nexport const both = [X, Y];\n',
    })
    ev = Evaluator(tmp_path, {})
    barrel = ev.load(tmp_path / "barrel.ts")
    assert barrel.export_names() == ["X", "Y"] and barrel.export("X") == 1 and barrel.export("Y") == 2
    assert barrel.origin("X") == ("values.ts", "X")
    assert ev.load(tmp_path / "schema.ts").export("both") == [1, 2] and ev.diagnostics == []
