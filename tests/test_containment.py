"""Hostile repositories (issue 21): nothing written, deleted, cached or walked outside the project.

Every case is a real project in ``tmp_path`` with real symlinks, run through
``python -m drizzle_doc`` as CI would.  ``tree()`` fingerprints the folder outside
the project before and after, so "nothing written there" is checked byte for byte.
"""

from __future__ import annotations

import fcntl
import json
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
from click.testing import CliRunner

from test_robustness import HDR, OUT, drizzle_doc, tree, write

from drizzle_doc.docs import write as writer
from drizzle_doc.cli import cli

CONFIG = 'export default {{ dialect: "postgresql", schema: {schema}, out: {out} }};\n'
MODELS = HDR + ('/** Users. */\nexport const users = pgTable("users", { /** Key. */ id: uuid().primaryKey() });\n'
                '/** Posts. */\nexport const posts = pgTable("posts", { /** Key. */ id: uuid().primaryKey() });\n')
CLEAN = '[rules]\ntimestamps = "off"\n'  # the models above pass every other rule
MARKED = "# Someone else's page\n<!-- drizzle-doc:begin columns -->\nkeep\n<!-- drizzle-doc:end columns -->\n"


def project(tmp_path: Path, schema: str = '"./src/*.ts"', out: str = '"./drizzle"', **files) -> tuple[Path, Path]:
    """A project ``tmp_path/p`` and a folder ``tmp_path/outside`` holding a page with markers."""
    root = write(tmp_path / "p", {"drizzle.config.ts": CONFIG.format(schema=schema, out=out),
                                  "src/models.ts": MODELS, **files})
    outside = write(tmp_path / "outside", {"users.md": MARKED, "keep.md": MARKED, "src/other.ts": MODELS})
    return root, outside


def assert_refused(r, *words):
    assert r.returncode == 2, (r.returncode, r.stdout, r.stderr)
    err = r.stderr.strip()
    assert len(err.splitlines()) == 1 and err.startswith("drizzle-doc: error:"), err
    for w in words:
        assert w in err, (w, err)


# ---------------------------------------------------------------------------
# The docs folder
# ---------------------------------------------------------------------------


@pytest.mark.parametrize("where", ["toml-dotdot", "toml-absolute", "package-json-absolute"])
@pytest.mark.parametrize("prune", [False, True])
def test_configured_out_leaving_the_project_is_refused(tmp_path, where, prune):
    root, outside = project(tmp_path)
    target = "../outside" if where == "toml-dotdot" else str(outside)
    if where.startswith("toml"):
        write(root, {"drizzle-doc.toml": f'require_descriptions = false\nout = "{target}"\n'})
        source = "drizzle-doc.toml:2"
    else:
        write(root, {"package.json": json.dumps({"name": "x", "drizzle-doc": {"out": target}}, indent=2)})
        source = "package.json:4"
    before, inside = tree(outside), tree(root)
    for cmd in (["generate", "--prune"] if prune else ["generate"]), ["check"]:
        r = drizzle_doc(*cmd, cwd=root)
        assert_refused(r, source, str(outside), "outside the project root", "--out")
    assert tree(outside) == before and tree(root) == inside  # the marked page out there survived --prune


@pytest.mark.parametrize("link", ["docs", "docs/data"])
def test_symlinked_docs_folder_leading_out_is_refused(tmp_path, link):
    root, outside = project(tmp_path)
    (root / link).parent.mkdir(parents=True, exist_ok=True)
    (root / link).symlink_to(outside, target_is_directory=True)
    before = tree(outside)
    assert_refused(drizzle_doc("generate", "--prune", cwd=root), "the default docs folder", "symlink")
    assert_refused(drizzle_doc("check", cwd=root), "outside the project root")
    assert tree(outside) == before


def test_symlinked_docs_folder_inside_the_project_is_fine(tmp_path):
    root, _ = project(tmp_path)
    (root / "site").mkdir()
    (root / "docs").symlink_to(root / "site", target_is_directory=True)
    assert drizzle_doc("generate", cwd=root).returncode == 0
    assert (root / "site/data/schemas/users.md").is_file()


def test_out_on_the_command_line_may_be_anywhere(tmp_path):
    root, outside = project(tmp_path)
    r = drizzle_doc("generate", "--out", str(outside / "docs"), cwd=root)
    assert r.returncode == 0, r.stderr
    assert (outside / "docs/users.md").is_file()


def test_a_page_that_is_a_symlink_is_never_read_or_written_through(tmp_path):
    root, outside = project(tmp_path)
    write(root, {"drizzle-doc.toml": CLEAN})
    assert drizzle_doc("generate", cwd=root).returncode == 0
    page = root / OUT / "users.md"
    page.unlink()
    page.symlink_to(outside / "users.md")
    before = tree(outside)
    r = drizzle_doc("generate", "--no-cache", cwd=root)
    assert r.returncode == 1 and "users.md: error: page is a symbolic link" in r.stderr, r.stderr
    assert tree(outside) == before and page.is_symlink()
    r = drizzle_doc("check", "--format", "json", cwd=root)
    assert r.returncode == 1
    found = [f for f in json.loads(r.stdout)["findings"] if f["rule"] == "page-symlink"]
    assert [f["file"] for f in found] == [f"{OUT}/users.md"] and found[0]["severity"] == "error"
    assert "keep" not in r.stdout  # the outside file's content was not pulled in
    # an orphaned page that is a symlink is not ours either: --prune leaves the link and its target
    (root / OUT / "gone.md").symlink_to(outside / "keep.md")
    drizzle_doc("generate", "--prune", cwd=root)
    assert (root / OUT / "gone.md").is_symlink() and tree(outside) == before


def test_symlinked_cache_folder_is_not_used(tmp_path):
    root, outside = project(tmp_path)
    (root / "node_modules").mkdir()
    (root / "node_modules/.cache").symlink_to(outside, target_is_directory=True)
    before = tree(outside)
    env = {"DRIZZLE_DOC_CACHE_DIR": "", "XDG_CACHE_HOME": str(tmp_path / "xdg")}
    for _ in range(2):
        assert drizzle_doc("generate", cwd=root, env=env).returncode == 0
    assert tree(outside) == before
    assert len(list((tmp_path / "xdg/drizzle-doc").glob("*.json"))) == 1  # the user's own cache instead


def test_cache_in_node_modules_is_used_when_it_stays_inside(tmp_path):
    root, _ = project(tmp_path)
    (root / "node_modules").mkdir()
    env = {"DRIZZLE_DOC_CACHE_DIR": "", "XDG_CACHE_HOME": str(tmp_path / "xdg")}
    assert drizzle_doc("generate", cwd=root, env=env).returncode == 0
    assert len(list((root / "node_modules/.cache/drizzle-doc").glob("*.json"))) == 1
    assert list((root / "node_modules/.cache/drizzle-doc").glob("extract-*"))
    # the user's own cache folder holds only the key entries are signed with (never in the repository)
    assert [p.name for p in (tmp_path / "xdg").rglob("*")] == ["drizzle-doc", "secret"]


# ---------------------------------------------------------------------------
# Schema globs and the migrations folder from a drizzle config
# ---------------------------------------------------------------------------


@pytest.mark.parametrize("schema", ['"/**/*.ts"', '["./src/*.ts", "{outside}/**/*.ts"]', '"../outside/src/*.ts"',
                                    '"./src/../../outside/src/other.ts"'])
def test_schema_paths_leaving_the_project_are_refused_and_never_walked(tmp_path, schema):
    root, outside = project(tmp_path, schema=schema.format(outside=tmp_path / "outside"))
    started = time.monotonic()
    r = drizzle_doc("inspect", cwd=root, timeout=60)
    assert time.monotonic() - started < 30  # "/**/*.ts" is not walked
    assert_refused(r, "drizzle.config.ts:1", "schema path", "outside the project root")


def test_migrations_out_leaving_the_project_is_refused(tmp_path):
    root, _ = project(tmp_path, out='"../outside"')
    assert_refused(drizzle_doc("migrations", cwd=root), "drizzle.config.ts:1", "migrations folder")


def test_default_migrations_folder_symlinked_out_is_not_read(tmp_path):
    root, outside = project(tmp_path, out="undefined")
    write(outside, {"mig/0000_init.sql": 'CREATE TABLE "stolen" ("id" uuid PRIMARY KEY);\n'})
    (root / "drizzle").symlink_to(outside / "mig", target_is_directory=True)
    r = drizzle_doc("migrations", cwd=root)
    assert "stolen" not in r.stdout and "no migrations folder found" in r.stdout + r.stderr


def test_symlinked_folder_under_a_schema_glob_is_not_followed(tmp_path):
    root, outside = project(tmp_path, schema='"./src/**/*.ts"')
    (root / "src/vendor").symlink_to(outside / "src", target_is_directory=True)
    (root / "src/linked.ts").symlink_to(outside / "src/other.ts")
    r = drizzle_doc("inspect", cwd=root)
    tables = [t["name"] for t in json.loads(r.stdout)["tables"]]
    assert sorted(tables) == ["posts", "users"]  # the outside copies were not read
    assert "2 symlink(s) below the schema paths lead outside the project root" in r.stdout


def test_monorepo_config_may_point_anywhere_inside_the_root(tmp_path):
    mono = write(tmp_path / "mono", {
        "packages/db/schema.ts": MODELS,
        "apps/web/drizzle.config.ts": CONFIG.format(schema='"../../packages/db/schema.ts"', out='"./drizzle"'),
    })
    r = drizzle_doc("generate", cwd=mono)
    assert r.returncode == 0, r.stderr
    assert (mono / "apps/web" / OUT / "users.md").is_file()
    # the same config run on its own (--root apps/web) may not reach ../../packages
    assert_refused(drizzle_doc("generate", "--root", "apps/web", cwd=mono), "schema path")


# ---------------------------------------------------------------------------
# init
# ---------------------------------------------------------------------------


def init(root):
    return CliRunner().invoke(cli, ["init", "--root", str(root)])


@pytest.mark.parametrize("name", ["drizzle-doc.toml", "package.json"])
@pytest.mark.parametrize("dangling", [True, False])
def test_init_never_follows_a_symlink(tmp_path, name, dangling):
    root = tmp_path / "p"
    root.mkdir()
    target = tmp_path / "outside" / "target"
    target.parent.mkdir()
    if not dangling:
        target.write_text('{"name": "outside"}\n')
    (root / name).symlink_to(target)
    before = tree(tmp_path / "outside")
    r = init(root)
    assert r.exit_code == 2, r.output
    assert r.output.strip().splitlines() == [f"drizzle-doc: error: {root / name} is a symbolic link; drizzle-doc "
                                             "init never writes through a link (replace it with a regular file); "
                                             "nothing was written"]
    assert tree(tmp_path / "outside") == before and sorted(os.listdir(root)) == [name]


def test_init_with_the_toml_being_a_folder(tmp_path):
    (tmp_path / "drizzle-doc.toml").mkdir()
    r = init(tmp_path)
    assert r.exit_code == 2 and r.output.strip().count("\n") == 0
    assert "drizzle-doc.toml is not a regular file" in r.output


def test_init_in_a_folder_that_cannot_be_written(tmp_path, monkeypatch):
    """Simulated (tests may run as root, who ignores permissions): the write fails with EACCES."""
    import tempfile

    (tmp_path / "package.json").write_text('{"name": "x"}\n')

    def denied(*a, **kw):
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr(tempfile, "mkstemp", denied)
    r = init(tmp_path)
    assert r.exit_code == 2
    assert r.output.strip() == f"drizzle-doc: error: cannot write {tmp_path / 'drizzle-doc.toml'}: Permission denied"
    assert sorted(os.listdir(tmp_path)) == ["package.json"]


@pytest.mark.skipif(os.geteuid() == 0, reason="root ignores file permissions")
def test_init_in_a_read_only_folder(tmp_path):
    tmp_path.chmod(0o555)
    try:
        r = drizzle_doc("init", cwd=tmp_path)
    finally:
        tmp_path.chmod(0o755)
    assert_refused(r, "cannot write", "Permission denied")


# ---------------------------------------------------------------------------
# Two generate at once; temp files of other runs
# ---------------------------------------------------------------------------


def many(version: int, n: int = 80) -> str:
    return HDR + "".join(f'/** Table {i} v{version}. */\nexport const t{i} = pgTable("t{i}", '
                         f'{{ /** Key v{version}. */ id: uuid().primaryKey() }});\n' for i in range(n))


def start(root: Path, *args: str) -> subprocess.Popen:
    env = {k: v for k, v in os.environ.items() if k != "DRIZZLE_DOC_DEBUG"}
    return subprocess.Popen([sys.executable, "-m", "drizzle_doc", "generate", *args], cwd=root, env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def test_two_generate_at_once_both_succeed_with_whole_pages(tmp_path):
    root = write(tmp_path / "p", {"drizzle.config.ts": CONFIG.format(schema='"./src/*.ts"', out='"./drizzle"'),
                                  "src/models.ts": many(0)})
    for version in range(1, 7):
        write(root, {"src/models.ts": many(version)})
        runs = [start(root, "--no-cache"), start(root, "--no-cache", "--prune")]
        results = [(p.wait(timeout=300), *p.communicate()) for p in runs]
        for code, out, err in results:
            ok = code == 0 or (code == 2 and "another drizzle-doc run holds the lock on" in err)
            assert ok and "Traceback" not in err, (version, code, err)
        assert sum(code == 0 for code, _, _ in results) >= 1
        pages = {p.name: p.read_text() for p in (root / OUT).glob("*.md")}
        assert len(pages) == 81 and all(f"Table {i} v{version}." in pages[f"t{i}.md"] for i in range(80))
        assert [p.name for p in (root / OUT).iterdir() if p.name.startswith(".")] == []
    assert drizzle_doc("check", "--rule", "timestamps=off", cwd=root).returncode == 0


def test_the_second_run_waits_for_the_lock_then_proceeds_or_says_why(tmp_path):
    root, _ = project(tmp_path)
    (root / OUT).mkdir(parents=True)
    fd = os.open(root / OUT, os.O_RDONLY)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        r = drizzle_doc("generate", cwd=root, env={"DRIZZLE_DOC_LOCK_TIMEOUT": "0.5"})
        assert_refused(r, f"another drizzle-doc run holds the lock on {root / OUT}")
        assert list((root / OUT).iterdir()) == []
        waiting = start(root)
        time.sleep(1.0)
        assert waiting.poll() is None  # still waiting
    finally:
        fcntl.flock(fd, fcntl.LOCK_UN)
        os.close(fd)
    assert waiting.wait(timeout=120) == 0, waiting.communicate()
    assert (root / OUT / "users.md").is_file()


def test_only_provably_stale_temp_files_are_removed(tmp_path):
    live = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"])
    dead = subprocess.Popen([sys.executable, "-c", "pass"])
    dead.wait()
    try:
        names = {
            "live": f"{writer.TEMP_PREFIX}a.md.{live.pid}.0123abcd.1{writer.TEMP_SUFFIX}",
            "dead": f"{writer.TEMP_PREFIX}a.md.{dead.pid}.0123abcd.1{writer.TEMP_SUFFIX}",
            "old-format-dead": f"{writer.TEMP_PREFIX}a.md.{dead.pid}.7{writer.TEMP_SUFFIX}",
            "no-pid": f"{writer.TEMP_PREFIX}a.md.abc{writer.TEMP_SUFFIX}",
            "live-but-old": f"{writer.TEMP_PREFIX}b.md.{live.pid}.0123abcd.2{writer.TEMP_SUFFIX}",
        }
        for key, name in names.items():
            (tmp_path / name).write_text("half")
        old = time.time() - 2 * writer.TEMP_MAX_AGE
        os.utime(tmp_path / names["live-but-old"], (old, old))
        stale = {p.name for p in writer.stale_temp_files(tmp_path)}
        assert stale == {names[k] for k in ("dead", "old-format-dead", "no-pid", "live-but-old")}
        writer.write_docs(tmp_path, {"a.md": "<!-- drizzle-doc:begin x -->\n1\n<!-- drizzle-doc:end x -->\n"})
        assert sorted(p.name for p in tmp_path.iterdir()) == sorted(["a.md", names["live"]])
    finally:
        live.kill()
        live.wait()


# ---------------------------------------------------------------------------
# The check gate
# ---------------------------------------------------------------------------


def _empty(t):
    return ""


def _no_markers(t):
    return "\n".join(ln for ln in t.split("\n") if "drizzle-doc:" not in ln)


def _upper(t):
    return t.replace("drizzle-doc:begin", "DRIZZLE-DOC:BEGIN").replace("drizzle-doc:end", "DRIZZLE-DOC:END")


def _damaged(t):
    return t.replace("<!-- drizzle-doc:end columns -->", "", 1)


@pytest.mark.parametrize("damage, rule, message", [
    (_empty, "page-unmanaged", "page is empty"),
    (_no_markers, "page-unmanaged", "page has no drizzle-doc markers"),
    (_upper, "page-unmanaged", "page's drizzle-doc markers are not lower-case"),
    (_damaged, "page-damaged", "drizzle-doc markers are damaged"),
])
def test_check_fails_on_a_page_that_no_longer_documents_its_table(tmp_path, damage, rule, message):
    root, _ = project(tmp_path)
    write(root, {"drizzle-doc.toml": CLEAN})
    assert drizzle_doc("generate", cwd=root).returncode == 0
    assert drizzle_doc("check", cwd=root).returncode == 0
    page = root / OUT / "users.md"
    page.write_text(damage(page.read_text()))
    r = drizzle_doc("check", "--format", "json", cwd=root)
    assert r.returncode == 1, r.stdout
    findings = [f for f in json.loads(r.stdout)["findings"] if f["rule"] != "migrations"]  # none: a warning
    assert [(f["rule"], f["severity"], f["file"]) for f in findings] == [(rule, "error", f"{OUT}/users.md")]
    assert message in findings[0]["message"] and "[pages] manual" in findings[0]["fix"]
    # the explicit opt-out turns it into a clean run, and generate leaves the page alone
    write(root, {"drizzle-doc.toml": CLEAN + '\n[pages]\nmanual = ["users"]\n'})
    text = page.read_bytes()
    r = drizzle_doc("check", cwd=root)
    assert r.returncode == 0, r.stdout
    assert drizzle_doc("generate", "--prune", cwd=root).returncode == 0 and page.read_bytes() == text


def test_manual_pages_by_key_or_path_and_unknown_entries(tmp_path):
    root, _ = project(tmp_path)
    write(root, {"drizzle-doc.toml": CLEAN + '[pages]\nmanual = ["public.users", "posts.md", "nope"]\n'})
    r = drizzle_doc("generate", cwd=root)
    assert "'nope', which is neither a table of the models nor a page path" in r.stderr
    assert not (root / OUT / "users.md").exists() and not (root / OUT / "posts.md").exists()
    r = drizzle_doc("check", "--format", "json", cwd=root)
    assert r.returncode == 0
    assert sorted(f["rule"] for f in json.loads(r.stdout)["findings"]) == ["migrations", "page-manual"]


@pytest.mark.parametrize("pages, words", [('pages = 3', "`pages` must be a table"),
                                          ('[pages]\nmanual = "users"', "`pages.manual` must be a list"),
                                          ('[pages]\nmanual = [""]', "`pages.manual` must be a list"),
                                          ('[pages]\nauto = []', "unknown key 'auto' in `pages`")])
def test_pages_setting_is_validated(tmp_path, pages, words):
    root, _ = project(tmp_path)
    write(root, {"drizzle-doc.toml": pages + "\n"})
    assert_refused(drizzle_doc("check", cwd=root), words)
