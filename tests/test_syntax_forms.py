"""Valid TypeScript never gives a syntax error (issue 16).

tree-sitter-typescript 0.23 does not know a few newer forms (``export type *``, ``import("x").T``
in a call's type arguments, auto-accessors after a modifier, variance annotations); drizzle-doc
parses a same-length repaired copy of such a file (:func:`drizzle_doc.ts.syntax.repair`).
fixtures/syntax-modern uses them all (type-checked by the pinned tsc here and loaded by the real
drizzle-kit in tests/test_oracle.py); the property test wraps known-good columns in those forms and
asserts the same model comes out.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import tempfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, seed, settings
from hypothesis import strategies as st

from drizzle_doc.drizzle.extract import extract
from drizzle_doc.project.config import load_projects
from drizzle_doc.ts import syntax
from test_extract import CONFIG, write
from test_render_tsc import NODE_MODULES, TSC, need_tsc

REPO = Path(__file__).resolve().parent.parent
FIXTURE = REPO / "fixtures" / "syntax-modern"

#: Valid TypeScript (5.9), one form a line; tree-sitter 0.23 alone fails on the first four groups.
FORMS = """\
export type * from "./types";
export type * as Types from "./types";
export type { A } from "./types";
export type { A as B };
import type { C } from "./types";
import { type D, E } from "./types";
import type F from "./types";
export { type G } from "./types";
const a = text("a").$type<import("./types").T>();
const b = text("b").$type<import('./types').T | null>();
const c = json("c").$type<{ inner: import("./types").T }>();
const d = text("d").$type<import("./types").T[]>();
const e = text("e").$type<typeof import("./types")>();
class K1 { static accessor x = 1; override accessor y = 2; }
abstract class K2 { abstract accessor z: number; }
interface I1<in out T> { x: T }
type V1<in T> = (x: T) => void;
const s1 = { x: 1 } satisfies Record<string, number>;
const s2 = ["a", "b"] as const;
const s3 = { a: 1 } as const satisfies Record<string, number>;
@decorator class K3 { @dec() accessor a = 1; }
function f1() { using r = getResource(); return r; }
async function f2() { await using r = getResource(); return r; }
enum E1 { A, B = "b" }
const enum E2 { X = 1 << 2 }
namespace N1 { export const x = 1; export namespace N2 { export const y = 2; } }
declare module "m" { export const y: number; }
function over(a: string): string;
function over(a: number): number;
function over(a: any) { return a; }
type G1<T = string, U extends T = T> = T | U;
function gen<T extends object = {}>(x: T): T { return x; }
const ident = <T,>(x: T) => x;
const ident2 = <const T extends readonly unknown[]>(x: T) => x;
type Tpl = `prefix_${string}`;
type Tpl2<N extends string> = `${Uppercase<N>}_id`;
type Getters<T> = { [K in keyof T as `get${Capitalize<string & K>}`]: () => T[K] };
type Head<T> = T extends [infer H extends string, ...unknown[]] ? H : never;
"""

#: Forms tree-sitter 0.23 cannot parse without the repair (the first lines of FORMS).
NEEDS_REPAIR = ('export type * from "./types";', 'const a = text("a").$type<import("./types").T>();',
                "class K1 { static accessor x = 1; override accessor y = 2; }", "interface I1<in out T> { x: T }")


def errors(source: str, tsx: bool = False) -> list:
    return syntax.syntax_errors(syntax.parse(source.encode(), tsx))


@pytest.mark.parametrize("line", FORMS.splitlines())
def test_each_form_parses_without_a_syntax_error(line):
    assert errors(line) == [], line


@pytest.mark.parametrize("line", NEEDS_REPAIR)
def test_the_repair_is_what_makes_them_parse_and_keeps_every_byte_in_place(line):
    source = line.encode()
    raw = syntax.parser(False).parse(source)
    assert raw.root_node.has_error  # tree-sitter 0.23 alone: if this fails, the repair may go
    repaired = syntax.repair(source, raw)
    assert repaired is not None and len(repaired) == len(source) and repaired != source


def test_all_forms_together_and_in_tsx():
    assert errors(FORMS) == []
    tsx_forms = "\n".join(line for line in FORMS.splitlines() if "<T,>" in line or "import(" in line)
    assert errors(tsx_forms, tsx=True) == []


def test_a_real_syntax_error_is_still_reported_next_to_a_repaired_form():
    source = 'export type * from "./types";\nconst broken = text("x".notNull();\nclass K { static accessor x = 1; }\n'
    found = errors(source)
    assert [row for row, _, _ in found] == [1]  # line 2 only


def test_a_repair_never_touches_strings_of_statements_that_parse():
    source = 'const ok = "export type * from \'./x\'; static accessor y";\nconst bad = (;\n'
    tree = syntax.parser(False).parse(source.encode())
    repaired = syntax.repair(source.encode(), tree)
    assert repaired is None or repaired.split(b"\n")[0] == source.encode().split(b"\n")[0]


def test_the_fixture_is_read_whole_with_no_diagnostic():
    (project,) = load_projects(FIXTURE)
    schema = extract(project)
    assert [d for d in schema.diagnostics if d.file] == []
    accounts = next(t for t in schema.tables if t.name == "accounts")
    got = {c.name: (c.type, c.not_null, c.default, c.ts_type) for c in accounts.columns}
    assert got == {
        "id": ("uuid", True, "gen_random_uuid()", None),
        "code": ("varchar(120)", True, None, None),
        "name": ("text", True, None, None),
        "plan": ("plan", True, "'free'", "Plan"),  # the TS enum behind pgEnum("plan", Plan)
        "prefs": ("jsonb", True, None, 'import("./types").Preferences'),
        "legacy_prefs": ("jsonb", False, None, "Preferences"),
        "theme": ("text", False, "'light'", "Theme"),
        "seats": ("integer", True, "1", None),
        "created_at": ("timestamp with time zone", True, "now()", None),
    }
    assert not any(c.unknown for t in schema.tables for c in t.columns)


@pytest.mark.oracle  # needs Node and the pinned typescript (left out of the quick subset)
def test_the_fixture_is_valid_typescript_for_the_pinned_tsc(tmp_path):
    need_tsc()
    dst = tmp_path / "p"
    shutil.copytree(FIXTURE, dst)
    (dst / "node_modules").symlink_to(NODE_MODULES)
    (dst / "tsconfig.json").write_text(json.dumps({"compilerOptions": {
        "strict": True, "noEmit": True, "target": "ES2022", "module": "ESNext", "moduleResolution": "Bundler",
        "skipLibCheck": True, "types": [], "lib": ["ES2022", "esnext.disposable"]}, "include": ["src/**/*.ts"]}))
    r = subprocess.run([str(TSC), "-p", "tsconfig.json"], cwd=dst, capture_output=True, text=True, timeout=240)
    assert r.returncode == 0, r.stdout + r.stderr


# ---------------------------------------------------------------------------
# Property: a known-good column wrapped in newer syntax gives the same model
# ---------------------------------------------------------------------------

HDR = 'import { pgTable, integer, jsonb, text, varchar } from "drizzle-orm/pg-core";\n'
TYPES = "export type T = { a: number };\nexport interface U { b: string }\n"

COLUMNS = (
    'varchar("email", { length: 120 }).notNull().unique()',
    'integer("n").default(3)',
    'text("t").$type<import("./types").T>()',
    'jsonb("j").$type<import("./types").U[]>().notNull()',
    'text("s").default("x")',
)

# (wrapper over the expression E, top-level code it needs): {i} is the column's position
WRAPPERS = (
    ("(E)", ""),
    ("(E as any)", ""),
    ("(E satisfies object)", ""),
    ("E!", ""),
    ("w{i}(E)", "const w{i} = <T,>(x: T): T => x;\n"),
    ("g{i}(E)", "function g{i}<T = unknown, U extends T = T>(x: T): T { return x; }\n"),
    ("o{i}(E)", "function o{i}(x: number): number;\nfunction o{i}<T>(x: T): T;\nfunction o{i}(x: any) { return x; }\n"),
    ("h{i}(E)", "const h{i} = (x: any, opts?: { wrap?: boolean }) => (opts?.wrap === true ? x : x);\n"),
    ("u{i}(E)", "function u{i}<T>(x: T) { if (typeof x === 'undefined') { throw new Error(); } return x; }\n"),
)

PRELUDES = (
    'export type * from "./types";\n',
    'import type { T } from "./types";\n',
    'export type { U } from "./types";\n',
    "@sealed class K{i} { static accessor a = 1; override accessor b = 2; }\n",
    "function r{i}() { using res = open(); return res; }\n",
    "enum E{i} { A, B = \"b\" }\n",
    "namespace N{i} { export const x = 1; }\n",
    "interface I{i}<in out T> { x: T }\n",
    "type Tpl{i} = `col_${{string}}`;\n",
    "const cfg{i} = { a: 1 } as const satisfies Record<string, number>;\n",
)


def model_of(root: Path, source: str):
    write(root, {"drizzle.config.ts": CONFIG, "src/types.ts": TYPES, "src/schema.ts": source})
    (project,) = load_projects(root)
    schema = extract(project)
    return schema.tables, [d for d in schema.diagnostics if d.file]


def table_source(exprs: list[str], preludes: str = "") -> str:
    body = "".join(f"  c{i}: {e},\n" for i, e in enumerate(exprs))
    return HDR + preludes + f'export const t = pgTable("t", {{\n{body}}});\n'


@pytest.fixture(scope="module")
def plain():
    root = Path(tempfile.mkdtemp(prefix="drizzle-doc-forms-"))
    try:
        yield model_of(root, table_source(list(COLUMNS)))
    finally:
        shutil.rmtree(root, ignore_errors=True)


@seed(16)
@settings(max_examples=40, deadline=None, database=None, derandomize=True,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
@given(data=st.data())
def test_columns_wrapped_in_newer_syntax_give_the_same_model(plain, data):
    tables, diagnostics = plain
    assert diagnostics == [] and len(tables[0].columns) == len(COLUMNS)
    exprs, preludes = [], []
    for i, expr in enumerate(COLUMNS):
        for wrapper, needs in data.draw(st.lists(st.sampled_from(WRAPPERS), max_size=3), label=f"wrappers {i}"):
            expr = wrapper.replace("E", expr, 1).replace("{i}", f"{i}_{len(preludes)}")
            preludes.append(needs.replace("{i}", f"{i}_{len(preludes)}"))
        exprs.append(expr)
    for j, prelude in enumerate(data.draw(st.lists(st.sampled_from(PRELUDES), max_size=4), label="preludes")):
        preludes.append(prelude.replace("{i}", f"p{j}").replace("{{", "{").replace("}}", "}"))
    root = Path(tempfile.mkdtemp(prefix="drizzle-doc-forms-"))
    try:
        got, diags = model_of(root, table_source(exprs, "".join(preludes)))
    finally:
        shutil.rmtree(root, ignore_errors=True)
    assert diags == []
    assert got == tables  # file and line take no part in equality
