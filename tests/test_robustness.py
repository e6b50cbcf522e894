"""Bad input and safety, through the real CLI (issue 6).

* never a traceback: every kind of broken input gives diagnostics or one clear
  error line and an exit code in {0, 1, 2}; an unexpected bug gives one
  "internal error" line (the traceback only with DRIZZLE_DOC_DEBUG=1);
* never outside --out: hostile table names written in real TypeScript sources;
* source text cannot inject: JSDoc / defaults / names full of Markdown and HTML;
* a read-only docs folder: a clear error and not one byte changed.

Each case runs ``python -m drizzle_doc`` in a subprocess, as CI would.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest
from click.testing import CliRunner

from drizzle_doc.cli import cli
from drizzle_doc.docs.pages import MARKER_RE, parse_page, section_bodies

HDR = 'import { pgTable, pgEnum, integer, text, varchar, uuid } from "drizzle-orm/pg-core";\n'
CONFIG = 'export default { dialect: "postgresql", schema: "./src/*.ts", out: "./drizzle" };\n'
OUT = "docs/data/schemas"


def write(root: Path, files: dict) -> Path:
    for rel, content in files.items():
        p = root / rel
        p.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, bytes):
            p.write_bytes(content)
        else:
            p.write_text(content, encoding="utf-8")
    return root


def drizzle_doc(*args: str, cwd: Path | None = None, env: dict | None = None, timeout: int = 120):
    """Run the CLI as a user would; it must never print a traceback nor exit outside {0, 1, 2}.
    With an absolute ``--root`` and no ``cwd``, the user stands in that root (paths are printed
    from where the user stands)."""
    if cwd is None and "--root" in args[:-1] and Path(args[args.index("--root") + 1]).is_absolute():
        cwd = Path(args[args.index("--root") + 1])
        cwd = cwd if cwd.is_dir() else None
    full_env = {k: v for k, v in os.environ.items() if k != "DRIZZLE_DOC_DEBUG"}
    full_env.update({"PYTHONIOENCODING": "utf-8", **(env or {})})
    r = subprocess.run([sys.executable, "-m", "drizzle_doc", *args], cwd=cwd, env=full_env,
                       capture_output=True, text=True, timeout=timeout)
    assert "Traceback" not in r.stderr and "Traceback" not in r.stdout, r.stderr[-3000:]
    assert r.returncode in (0, 1, 2), (r.returncode, r.stderr[-3000:])
    return r


def tree(root: Path, skip: Path | None = None) -> dict[str, str]:
    """{relative path: sha256 (or link target / 'dir')} of everything under root, except ``skip``."""
    out = {}
    for p in sorted(root.rglob("*")):
        if skip is not None and (p == skip or skip in p.parents):
            continue
        rel = p.relative_to(root).as_posix()
        if p.is_symlink():
            out[rel] = "-> " + os.readlink(p)
        elif p.is_dir():
            out[rel] = "dir"
        else:
            out[rel] = hashlib.sha256(p.read_bytes()).hexdigest()
    return out


def pages_of(root: Path) -> dict[str, str]:
    out = root / OUT
    return {p.relative_to(out).as_posix(): p.read_text(encoding="utf-8") for p in sorted(out.rglob("*.md"))}


def table(name: str, var: str | None = None) -> str:
    return f'export const {var or name} = pgTable("{name}", {{ id: integer().primaryKey() }});\n'


# ---------------------------------------------------------------------------
# Never a traceback
# ---------------------------------------------------------------------------

N = 5000  # nesting depth of the "deep" cases
CHAIN = "".join(f"const c{i} = c{i - 1};\n" for i in range(1, N))

BAD_INPUT = {
    # name: (files, stderr must contain, pages that must still be written)
    "syntax-error": ({
        "src/a.ts": HDR + table("before") + 'export const broken = pgTable("broken", { id: integer(, x: text() });\n'
                    + table("after"),
        "src/b.ts": HDR + table("other"),
    }, r"src/a\.ts:3:\d+: error: .*syntax", {"before.md", "after.md", "other.md"}),
    "non-utf8-binary-empty": ({
        "src/latin1.ts": ("// caf\xe9\n" + HDR + table("latin")).encode("latin-1"),
        "src/binary.ts": bytes(range(256)) * 40,
        "src/empty.ts": b"",
        "src/bom.ts": b"\xef\xbb\xbf" + (HDR + table("bom")).encode(),
        "src/nul.ts": (HDR + table("nul_before") + "\x00\x00\n" + table("nul_after")).encode(),
    }, r"src/latin1\.ts:1:1: warning: .*UTF-8", {"latin.md", "bom.md"}),
    "glob-matches-nothing": ({"src/.keep": ""}, r"matches no files", set()),
    "import-cycle": ({
        "src/a.ts": HDR + 'import { b } from "./b";\nexport * from "./b";\n'
                    'export const a = pgTable("a", { id: integer().primaryKey(), bId: integer().references(() => b.id) });\n'
                    "export const loopA = loopB;\nconst loopB = loopA;\n",
        "src/b.ts": HDR + 'import { a } from "./a";\nexport * from "./a";\n'
                    'export const b = pgTable("b", { id: integer().primaryKey(), aId: integer().references(() => a.id) });\n',
        "src/c.ts": 'export * from "./c";\nexport { x } from "./c";\n',
    }, None, {"a.md", "b.md"}),
    "duplicate-table-across-files": ({
        "src/a.ts": HDR + table("t", "first"),
        "src/b.ts": HDR + "\n" + table("t", "second"),
    }, r"src/b\.ts:3:\d+: error: table public\.t is defined twice: .*src/a\.ts:2", {"t.md"}),
    "dynamic-names": ({
        "src/a.ts": HDR + "export const d1 = pgTable(process.env.T!, { id: integer() });\n"
                    "export const d2 = pgTable(`t_${Date.now()}`, { id: integer() });\n"
                    "export const d3 = pgTable(['x', 'y'][Math.floor(Math.random() * 2)], { id: integer() });\n"
                    + table("static_one"),
    }, r"src/a\.ts:2:\d+: error: table name is not static", {"static_one.md"}),
    "deep-parens": ({"src/a.ts": HDR + 'export const deep = pgTable(' + "(" * N + '"deep"' + ")" * N
                     + ", { id: integer() });\n" + table("ok")}, r"nested too deeply", {"ok.md"}),
    "deep-array-default": ({"src/a.ts": HDR + "const x = " + "[" * N + "1" + "]" * N
                            + ';\nexport const deep = pgTable("deep", { id: integer().default(x) });\n' + table("ok")},
                           None, {"ok.md"}),
    "deep-object": ({"src/a.ts": HDR + "const x = " + "{a:" * N + "1" + "}" * N
                     + ';\nexport const deep = pgTable("deep", { id: integer().default(x) });\n' + table("ok")},
                    None, {"ok.md"}),
    "deep-method-chain": ({"src/a.ts": HDR + 'export const deep = pgTable("deep", { id: integer()' + ".notNull()" * N
                           + " });\n" + table("ok")}, None, {"ok.md"}),
    "deep-binary": ({"src/a.ts": HDR + "const x = " + "1 + " * N + '1;\nexport const deep = pgTable("deep", '
                     "{ id: integer().default(x) });\n" + table("ok")}, None, {"ok.md"}),
    "deep-ternary": ({"src/a.ts": HDR + "const x = " + "true ? " * N + "1" + " : 2" * N
                      + ';\nexport const deep = pgTable("deep", { id: integer().default(x) });\n' + table("ok")},
                     None, {"ok.md"}),
    "deep-arrows": ({"src/a.ts": HDR + "const f = " + "() => " * N + "integer();\n"
                     + 'export const deep = pgTable("deep", { id: f' + "()" * N + " });\n" + table("ok")},
                    None, {"ok.md"}),
    "deep-unclosed": ({"src/a.ts": HDR + 'export const deep = pgTable("deep", ' + "{" * N + "\n",
                       "src/b.ts": HDR + table("ok")}, r"src/a\.ts:\d+:\d+: error", {"ok.md"}),
    "deep-const-chain": ({"src/a.ts": HDR + 'const c0 = "deep";\n' + CHAIN
                          + f"export const deep = pgTable(c{N - 1}, {{ id: integer() }});\n" + table("ok")},
                         None, {"ok.md"}),
    "deep-jsdoc-and-sql": ({"src/a.ts": HDR + 'import { sql } from "drizzle-orm";\n/** ' + "{" * N + " */\n"
                            'export const deep = pgTable("deep", { id: integer().default(sql`' + "(" * N + "1"
                            + ")" * N + "`) });\n"}, None, {"deep.md"}),
    "broken-migrations": ({
        "src/a.ts": HDR + table("t"),
        "drizzle/meta/_journal.json": '{"entries": [{"idx": "x", "tag": null}, 5, {"tag": "../../../etc/passwd"}]}',
        "drizzle/0000_x.sql": b"\xff\xfeCREATE TABLE (((",
        "drizzle/meta/0000_snapshot.json": '{"tables": 5, "enums": [1]}',
    }, None, {"t.md"}),
}


@pytest.mark.parametrize("case", sorted(BAD_INPUT))
def test_bad_input_never_a_traceback_and_the_rest_is_documented(tmp_path, case):
    files, expect, pages = BAD_INPUT[case]
    write(tmp_path, {"drizzle.config.ts": CONFIG, **files})
    r = drizzle_doc("generate", "--root", str(tmp_path))
    if expect:
        assert re.search(expect, r.stderr), r.stderr
    written = set(pages_of(tmp_path)) if (tmp_path / OUT).exists() else set()
    assert pages <= written, (pages - written, r.stderr)
    for cmd in (["inspect"], ["check"], ["migrations"]):
        drizzle_doc(*cmd, "--root", str(tmp_path))  # the helper asserts: no traceback, exit in {0,1,2}
    # a syntax error reports file:line:col, and still the whole file after it was read
    if case == "syntax-error":
        assert r.returncode == 1


@pytest.mark.parametrize("files,args,expect", [
    ({}, ["--config", "missing.config.ts"], "no such file"),
    ({"drizzle.config.ts": "export default {{{ ;"}, [], "drizzle.config.ts"),
    ({"drizzle.config.ts": "export default makeConfig(process.env);"}, [], "drizzle.config.ts"),
    ({"drizzle.config.json": "{not json"}, [], "drizzle.config.json"),
    ({"drizzle.config.ts": b"\xff\x00\xfe\x00"}, [], "drizzle.config.ts"),
    ({"drizzle.config.ts": 'export default { dialect: "postgresql", schema: 42, out: ["x"] };'}, [], ""),
    ({"drizzle.config.ts": 'export default { dialect: "mysql", schema: "./src/*.ts" };'}, [], ""),
    ({}, ["--root", "does/not/exist"], "no such folder"),
])
def test_missing_or_broken_config_is_a_clean_error(tmp_path, files, args, expect):
    write(tmp_path, files)
    root = [] if "--root" in args else ["--root", str(tmp_path)]
    for cmd in ("generate", "check", "inspect"):
        r = drizzle_doc(cmd, *root, *args, cwd=tmp_path)
        assert r.returncode in (1, 2)
        assert expect in r.stderr
        assert len(r.stderr.strip().splitlines()) <= 20


def test_symlink_loops_in_the_schema_folder(tmp_path):
    write(tmp_path, {"drizzle.config.ts": CONFIG.replace("./src/*.ts", "./src"), "src/a.ts": HDR + table("t")})
    src = tmp_path / "src"
    (src / "loop").symlink_to(src, target_is_directory=True)  # folder pointing at its parent
    (src / "self").symlink_to("self")  # a link to itself
    (src / "x.ts").symlink_to("y.ts")  # two links pointing at each other
    (src / "y.ts").symlink_to("x.ts")
    (src / "dangling.ts").symlink_to("nowhere.ts")
    for schema in ("./src", "./src/**/*.ts"):
        (tmp_path / "drizzle.config.ts").write_text(CONFIG.replace("./src/*.ts", schema))
        r = drizzle_doc("generate", "--root", str(tmp_path))
        assert "t.md" in pages_of(tmp_path), r.stderr
    drizzle_doc("check", "--root", str(tmp_path))


def test_ten_megabyte_models_file(tmp_path):
    """A 10 MB models file (470 tables among 46k lines of unrelated code) is over the default 2 MB
    limit: one diagnostic naming it, exit 1; with `max-file-size` raised it is documented."""
    parts = [HDR]
    size = i = 0
    while size < 10_000_000:
        if i % 100 == 0:
            s = (f"/** Table {i}. " + "Lorem ipsum dolor sit amet. " * 20 + f"*/\nexport const t{i} = pgTable(\"t{i}\", {{\n"
                 '  id: integer().primaryKey(),\n  name: text("name").notNull().default("x"),\n});\n')
        else:
            s = (f'export const data{i} = {{ id: {i}, label: "item {i}", tags: ["a", "b"], nested: {{ on: true }} }};\n'
                 f"function helper{i}(x: number): number {{ return x * {i} + 1; }}\n// a comment line {i}\n")
        parts.append(s)
        size += len(s)
        i += 1
    write(tmp_path, {"drizzle.config.ts": CONFIG, "src/models.ts": "".join(parts)})
    assert (tmp_path / "src/models.ts").stat().st_size >= 10_000_000
    r = drizzle_doc("generate", "--root", str(tmp_path), timeout=300)
    assert r.returncode == 1 and "src/models.ts:1:1: error: file is 9.54 MB, over the 2 MB limit: skipped" in r.stderr
    write(tmp_path, {"drizzle-doc.toml": 'max-file-size = "16MB"\n'})
    started = time.monotonic()
    r = drizzle_doc("generate", "--root", str(tmp_path), timeout=300)
    elapsed = time.monotonic() - started
    print(f"\n10 MB models file: generate took {elapsed:.1f} s")  # figure for the report, not asserted
    assert r.returncode == 0, r.stderr
    tables = {f"t{k}.md" for k in range(0, i, 100)}
    pages = set(pages_of(tmp_path))
    assert tables <= pages and "README.md" in pages and len(tables) > 400
    assert r.stdout.startswith(f"docs/data/schemas: {len(pages)} written")


# ---------------------------------------------------------------------------
# The catch-all: a bug gives one line, not a traceback
# ---------------------------------------------------------------------------


def test_an_unexpected_exception_is_one_clear_line(tmp_path, monkeypatch):
    import drizzle_doc.perf.extract as parse  # what the CLI extracts with

    write(tmp_path, {"drizzle.config.ts": CONFIG, "src/a.ts": HDR + table("t")})

    def boom(project, **_):
        raise KeyError("some bug")

    monkeypatch.setattr(parse, "extract", boom)
    monkeypatch.delenv("DRIZZLE_DOC_DEBUG", raising=False)
    r = CliRunner().invoke(cli, ["inspect", "--root", str(tmp_path)])
    assert r.exit_code == 1
    lines = r.output.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("drizzle-doc: internal error: KeyError: 'some bug'")
    assert "please report" in lines[0] and "Traceback" not in r.output
    monkeypatch.setenv("DRIZZLE_DOC_DEBUG", "1")
    r = CliRunner().invoke(cli, ["inspect", "--root", str(tmp_path)])
    assert isinstance(r.exception, KeyError)  # the traceback is there for the bug report


def test_an_unexpected_exception_in_a_subprocess(tmp_path):
    """Same through a real process: a custom template that raises gives one line, exit 1."""
    write(tmp_path, {"drizzle.config.ts": CONFIG, "src/a.ts": HDR + table("t"),
                     "tpl/table.md.j2": "{{ 1 // 0 }}\n"})
    before = tree(tmp_path)
    r = drizzle_doc("generate", "--root", str(tmp_path), "--templates", str(tmp_path / "tpl"))
    assert r.returncode in (1, 2)
    assert len(r.stderr.strip().splitlines()) == 1, r.stderr
    assert "error" in r.stderr
    assert tree(tmp_path) == before  # nothing written
    full = subprocess.run([sys.executable, "-m", "drizzle_doc", "generate", "--root", str(tmp_path), "--templates",
                           str(tmp_path / "tpl")], capture_output=True, text=True,
                          env={**os.environ, "DRIZZLE_DOC_DEBUG": "1"})
    if "internal error" in r.stderr:
        assert "Traceback" in full.stderr


def test_click_usage_errors_still_exit_2():
    r = drizzle_doc("generate", "--no-such-flag")
    assert r.returncode == 2 and "No such option" in r.stderr
    assert drizzle_doc("--version").returncode == 0


# ---------------------------------------------------------------------------
# Never write outside --out
# ---------------------------------------------------------------------------

HOSTILE_NAMES = ["../../x", "../../../../../../tmp/pwned", "/abs", "/etc/passwd", "a/b\\c", "..\\..\\win",
                 "nul\x00byte", "ctl\x01\x1b[31mred", "tab\there", "new\nline", "y" * 500, "z" * 500 + "/../..",
                 "README", "readme", "..", ".", "", " ", "Users", "users", "con", "aux.md", "a:b", "C:\\x",
                 "~root", "-rf", ".hidden", "é", "e\u0301", "🎉", "\u202egnp.exe", "diagrams/../../x",
                 "groups", "diagrams"]


def test_hostile_table_names_never_leave_the_out_folder(tmp_path):
    proj = tmp_path / "proj"
    lines = [HDR]
    for i, name in enumerate(HOSTILE_NAMES):
        lines.append(f"export const t{i} = pgTable({json.dumps(name)}, {{ id: integer().primaryKey() }});\n")
    write(proj, {"drizzle.config.ts": CONFIG, "src/models.ts": "".join(lines)})
    write(tmp_path, {"outside/keep.md": "mine\n", "x": "mine\n"})
    out = proj / "docs"
    before = tree(tmp_path, skip=out)
    for _ in range(2):
        r = drizzle_doc("generate", "--root", str(proj), "--out", str(out), cwd=proj)
        assert r.returncode in (0, 1), r.stderr
        assert tree(tmp_path, skip=out) == before  # not one file outside --out appeared or changed
    assert not Path("/tmp/pwned.md").exists() and not Path("/abs.md").exists()
    files = sorted(p for p in out.rglob("*") if p.is_file())
    names = [p.name for p in files]
    assert len(set(n.lower() for n in names)) == len(names)  # unique, even case-insensitively
    assert all(len(n.encode()) <= 255 and re.fullmatch(r"[A-Za-z0-9_.-]+", n) for n in names), names
    first = tree(out)
    drizzle_doc("generate", "--root", str(proj), "--out", str(out), cwd=proj)
    assert tree(out) == first  # stable names: a second run rewrites nothing


# ---------------------------------------------------------------------------
# Source text cannot inject
# ---------------------------------------------------------------------------

EVIL = "pipe | cell <!-- drizzle-doc:end columns --> ``` fence <img src=x onerror=alert(1)> `tick` --> <b>bold</b>"
EVIL_TS = json.dumps(EVIL)
INJECT = HDR + 'import { sql } from "drizzle-orm";\n' + f"""
/**
 * Users | with a pipe
 * <!-- drizzle-doc:end purpose -->
 * <!-- drizzle-doc:begin columns -->
 * ```
 * <script>alert(1)</script> `code` --> <!--
 * @see <!-- drizzle-doc:begin x --> | `a`
 */
export const evil = pgTable("evil", {{
  /** col | pipe
   * ``` <!-- drizzle-doc:end columns --> `x`
   * <div>html</div> -->
   */
  id: uuid("id").primaryKey().defaultRandom(),
  /** {EVIL.replace("*/", "")} */
  note: text("note|<!--x-->").notNull().default({EVIL_TS}),
  other: varchar("other", {{ length: 10 }}).default(sql`'a|b' || '<!-- drizzle-doc:end columns -->'`),
  kind: text("kind", {{ enum: [{EVIL_TS}, "ok"] }}),
}});

export const mood = pgEnum("mood", [{EVIL_TS}, "happy"]);
export const evil2 = pgTable({json.dumps("t|<!-- drizzle-doc:begin x -->`")}, {{ m: mood("m").default({EVIL_TS}) }});
"""


def test_source_text_cannot_inject_markdown_html_or_markers(tmp_path):
    write(tmp_path, {"drizzle.config.ts": CONFIG, "src/models.ts": INJECT})
    r = drizzle_doc("generate", "--root", str(tmp_path))
    assert r.returncode in (0, 1), r.stderr
    pages = pages_of(tmp_path)
    assert "evil.md" in pages and len(pages) == 3, sorted(pages)
    clean = {}
    for name, text in pages.items():
        parsed = parse_page(text)
        assert parsed.ok, (name, parsed.problems)
        assert len(MARKER_RE.findall(text)) == 2 * len(parsed.sections)  # no fake marker anywhere
        outside_code = re.sub(r"^(`{3,}|~{3,})[^\n]*\n.*?^\1[ \t]*$", "", text, flags=re.S | re.M)
        for tag in ("<img", "<script", "<div", "<b>"):
            assert tag not in outside_code, (name, tag)
        for body in section_bodies(text).values():
            assert len(re.findall(r"^ {0,3}(```|~~~)", body, re.M)) % 2 == 0  # no fence left open
        clean[name] = parsed.names()
    reference = write(tmp_path / "ref", {"drizzle.config.ts": CONFIG, "src/models.ts": HDR + table("evil")})
    drizzle_doc("generate", "--root", str(reference))
    assert clean["evil.md"] == parse_page(pages_of(reference)["evil.md"]).names()  # same sections as a plain table
    cols = section_bodies(pages["evil.md"])["columns"].strip().split("\n")
    rows = [r for r in cols if r.startswith("|")]
    widths = {len(re.findall(r"(?<!\\)\|", r.replace("&#124;", ""))) for r in rows}
    assert len(rows) == 2 + 4 and len(widths) == 1, cols  # header, rule and the 4 columns, all the same width
    again = drizzle_doc("generate", "--root", str(tmp_path))
    assert again.stdout.startswith("docs/data/schemas: 0 written") and pages_of(tmp_path) == pages  # idempotent


# ---------------------------------------------------------------------------
# A read-only docs folder
# ---------------------------------------------------------------------------


def _make_read_only(path: Path) -> bool:
    """Make ``path`` (recursively) unwritable even for root; False when impossible here."""
    if os.geteuid() != 0:
        for p in [path, *path.rglob("*")]:
            p.chmod(p.stat().st_mode & ~0o222)
        return True
    if shutil.which("chattr") is None:
        return False
    r = subprocess.run(["chattr", "-R", "+i", str(path)], capture_output=True)
    return r.returncode == 0


def _undo_read_only(path: Path) -> None:
    if os.geteuid() == 0:
        subprocess.run(["chattr", "-R", "-i", str(path)], capture_output=True)
    else:
        for p in [path, *path.rglob("*")]:
            p.chmod(p.stat().st_mode | 0o200)


def test_read_only_docs_folder_is_a_clear_error_and_changes_nothing(tmp_path):
    write(tmp_path, {"drizzle.config.ts": CONFIG, "src/a.ts": HDR + "/** v1 */\n" + table("t") + table("u")})
    drizzle_doc("generate", "--root", str(tmp_path))
    (tmp_path / "src/a.ts").write_text(HDR + "/** v2 */\n" + table("t") + table("u") + table("new_one"))
    out = tmp_path / OUT
    if not _make_read_only(out):
        pytest.skip("cannot make a folder read-only here: running as root without a working chattr")
    try:
        before = tree(tmp_path)
        r = drizzle_doc("generate", "--root", str(tmp_path))
        assert r.returncode == 1
        assert "cannot write docs into docs/data/schemas" in r.stderr
        assert len([ln for ln in r.stderr.splitlines() if "drizzle-doc: error" in ln]) == 1
        assert tree(tmp_path) == before
    finally:
        _undo_read_only(out)
    r = drizzle_doc("generate", "--root", str(tmp_path))  # once writable again, it just works
    assert r.returncode == 0 and "new_one.md" in pages_of(tmp_path)
