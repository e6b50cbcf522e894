"""The kept models, histories and answers (issue 18): never observable.

``check`` and ``generate`` keep the model (:mod:`drizzle_doc.perf.extract`), the history
(:mod:`drizzle_doc.perf.history`) and, for a run that changed nothing, its whole answer
(:mod:`drizzle_doc.perf.replay`), each with the state of every file and folder it looked at
(:mod:`drizzle_doc.perf.store`).  The property: whatever happens between two runs (models edited,
renamed, deleted, added, touched; a file that changes where an import leads; tsconfig, drizzle
config, drizzle-doc.toml, migrations, templates, docs edited; drizzle-doc's own code changed),
the command line gives exactly what ``--no-cache`` gives: stdout, stderr, exit code and files.
"""

from __future__ import annotations

import json
import os
import pickle
import shutil
import tempfile
from pathlib import Path
from unittest import mock

import pytest
from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from drizzle_doc.cli import cli
from drizzle_doc.perf import cache, store

OUT = "docs/data/schemas"

FILES = {
    "package.json": '{ "name": "app", "private": true }\n',
    "tsconfig.json": '{ "compilerOptions": { "baseUrl": ".", "paths": { "@lib/*": ["src/lib/*"] } } }\n',
    "drizzle.config.ts": 'import { defineConfig } from "drizzle-kit";\n\nexport default defineConfig({\n'
                         '  dialect: "postgresql",\n  schema: "./src/models/*.ts",\n  out: "./drizzle",\n});\n',
    "src/lib/cols/index.ts": 'import { timestamp, uuid } from "drizzle-orm/pg-core";\n\n'
                             'export const id = () => uuid("id").primaryKey().defaultRandom();\n'
                             'export const stamps = { createdAt: timestamp("created_at").notNull().defaultNow() };\n',
    "src/models/users.ts": 'import { pgTable, text } from "drizzle-orm/pg-core";\nimport { id, stamps } from "@lib/cols";\n\n'
                           '/** People who sign in. */\nexport const users = pgTable("users", {\n  id: id(),\n'
                           '  /** Where we write to them. */\n  email: text("email").notNull().unique(),\n  ...stamps,\n});\n',
    "src/models/posts.ts": 'import { pgTable, text, uuid } from "drizzle-orm/pg-core";\nimport { id } from "../lib/cols";\n'
                           'import { users } from "./users";\n\n/** What people write. */\nexport const posts = pgTable("posts", {\n'
                           '  id: id(),\n  authorId: uuid("author_id").notNull().references(() => users.id),\n'
                           '  body: text("body"),\n});\n',
    "drizzle/0000_init.sql": 'CREATE TABLE "users" (\n\t"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,\n'
                             '\t"email" text NOT NULL,\n\t"created_at" timestamp DEFAULT now() NOT NULL,\n'
                             '\tCONSTRAINT "users_email_unique" UNIQUE("email")\n);\n',
}


def make(root: Path) -> Path:
    for rel, text in FILES.items():
        p = root / rel
        p.parent.mkdir(parents=True, exist_ok=True)
        p.write_text(text)
    return root


def cli_run(root: Path, *args: str, cache_on: bool = True) -> tuple[int, str, str]:
    """A command at ``root`` as a user types it (from that folder), with or without the cache."""
    from drizzle_doc.docs import render

    render.environment.cache_clear()  # each run of the command line is a process of its own
    old = os.getcwd()
    os.chdir(root)
    try:
        r = CliRunner().invoke(cli, [*args, *([] if cache_on else ["--no-cache"])], catch_exceptions=False)
    finally:
        os.chdir(old)
    return r.exit_code, r.stdout, r.stderr


def tree(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


# ---------------------------------------------------------------------------
# Changes between two runs
# ---------------------------------------------------------------------------


def edit_model(root, i):
    for p in sorted((root / "src/models").glob("*.ts")):
        if "What people write" in p.read_text():
            p.write_text(p.read_text().replace("What people write", f"What people write ({i})", 1))


def same_size_edit(root, i):  # same size, mtime put back: only the bytes tell
    p = root / "src/models/users.ts"
    st_ = p.stat()
    text = p.read_text()
    p.write_text(text.replace("People who sign in.", "Persons who log in" if "People" in text else "People who sign in."))
    os.utime(p, ns=(st_.st_atime_ns, st_.st_mtime_ns))


def add_model(root, i):
    (root / f"src/models/tags{i % 3}.ts").write_text(
        'import { pgTable, text } from "drizzle-orm/pg-core";\n\n'
        f'export const tags{i % 3} = pgTable("tags{i % 3}", {{ name: text("name").primaryKey() }});\n')


def rename_model(root, i):
    files = sorted((root / "src/models").glob("*.ts"))
    src = files[i % len(files)]
    if src.name != "users.ts":  # posts import ./users
        src.rename(src.with_name(f"renamed{i}_{src.name}"))


def delete_model(root, i):
    for p in sorted((root / "src/models").glob("*posts.ts")):
        p.unlink()


def touch(root, i):
    p = root / "src/models/users.ts"
    st_ = p.stat()
    os.utime(p, ns=(st_.st_atime_ns, st_.st_mtime_ns + 5_000_000_000 * (i + 1)))


def shadow_import(root, i):  # `../lib/cols` now names cols.ts, not cols/index.ts
    (root / "src/lib/cols.ts").write_text(
        'import { integer, timestamp } from "drizzle-orm/pg-core";\n\n'
        'export const id = () => integer("id").primaryKey();\n'
        'export const stamps = { createdAt: timestamp("created_at") };\n')


def alias_elsewhere(root, i):  # the tsconfig alias now leads to another folder
    (root / "src/other/cols").mkdir(parents=True, exist_ok=True)
    (root / "src/other/cols/index.ts").write_text(
        'import { serial, timestamp } from "drizzle-orm/pg-core";\n\n'
        'export const id = () => serial("id").primaryKey();\n'
        'export const stamps = { updatedAt: timestamp("updated_at") };\n')
    (root / "tsconfig.json").write_text('{ "compilerOptions": { "baseUrl": ".", "paths": { "@lib/*": ["src/other/*"] } } }\n')


def config_schema(root, i):
    p = root / "drizzle.config.ts"
    p.write_text(p.read_text().replace('"./src/models/*.ts"', '"./src/models/users.ts"'))


def settings_file(root, i):
    (root / "drizzle-doc.toml").write_text(f'[rules]\nfk-index = "{["error", "off", "warning"][i % 3]}"\n')


def migration_added(root, i):
    (root / "drizzle/0001_posts.sql").write_text(
        'CREATE TABLE "posts" (\n\t"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,\n'
        '\t"author_id" uuid NOT NULL,\n\t"body" text\n);\n')


def migration_deleted(root, i):
    p = root / "drizzle/0001_posts.sql"
    if p.exists():
        p.unlink()


def page_edited(root, i):
    pages = sorted((root / OUT).glob("*.md")) if (root / OUT).is_dir() else []
    if pages:
        p = pages[i % len(pages)]
        p.write_text(p.read_text() + "\nOur own note.\n")


def page_deleted(root, i):
    pages = sorted((root / OUT).glob("*.md")) if (root / OUT).is_dir() else []
    if pages:
        pages[i % len(pages)].unlink()


def helper_says_more(root, i):  # the shared helper now reports problems, or no longer does
    p = root / "src/lib/cols/index.ts"
    if i % 2:
        p.write_text(FILES["src/lib/cols/index.ts"])
    else:
        p.write_text('import { timestamp, uuid } from "drizzle-orm/pg-core";\nimport { when, how } from "./gone";\n\n'
                     'export const id = () => uuid("id").primaryKey().default(how);\n'
                     'export const stamps = { createdAt: timestamp("created_at").notNull().default(when) };\n')


def model_leaves_helper(root, i):  # posts no longer takes its id from the helper
    for p in sorted((root / "src/models").glob("*posts.ts")):
        p.write_text(p.read_text().replace("  id: id(),", f'  id: uuid("id{i % 2}").primaryKey(),'))


def model_unresolved(root, i):  # users imports from a file that is not there (or is, for odd i)
    if i % 2:
        (root / "src/models/missing.ts").write_text("export const fallback = 'n/a';\n")
    p = root / "src/models/users.ts"
    text = p.read_text()
    if "./missing" not in text:
        p.write_text('import { fallback } from "./missing";\n' + text.replace('text("email")', 'text("email").default(fallback)'))


def nothing(root, i):
    pass


CHANGES = [edit_model, same_size_edit, add_model, rename_model, delete_model, touch, shadow_import,
           alias_elsewhere, config_schema, settings_file, migration_added, migration_deleted, page_edited,
           page_deleted, helper_says_more, model_leaves_helper, model_unresolved, nothing]

COMMANDS = [("check",), ("check", "--format", "json"), ("generate",), ("inspect",), ("migrations",)]


def _no_cache_flag(args: tuple) -> bool:
    return args[0] in ("check", "generate")


def both(a: Path, b: Path, args: tuple) -> None:
    """The command on ``a`` (cache on) and on ``b`` (``--no-cache``; inspect and migrations take the
    kept model and history too, so ``b`` for them is a fresh cache folder) give the same."""
    if _no_cache_flag(args):
        got, want = cli_run(a, *args), cli_run(b, *args, cache_on=False)
    else:
        got = cli_run(a, *args)
        with mock.patch.dict(os.environ, {"DRIZZLE_DOC_CACHE_DIR": tempfile.mkdtemp(prefix="dd-fresh-")}):
            want = cli_run(b, *args)
    assert got == want, args


steps = st.lists(st.tuples(st.sampled_from(CHANGES), st.integers(0, 30), st.sampled_from(COMMANDS)),
                 min_size=1, max_size=5)


@settings(max_examples=22, deadline=None, derandomize=True,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
@given(steps=steps)
def test_kept_results_are_never_observable(steps):
    with tempfile.TemporaryDirectory() as tmp:
        a, b = make(Path(tmp) / "a"), make(Path(tmp) / "b")
        both(a, b, ("generate",))
        both(a, b, ("check",))
        for change, i, args in steps:
            change(a, i)
            change(b, i)
            both(a, b, args)
            both(a, b, args)  # the second identical run may be answered from the first's record
            assert tree(a) == tree(b), change.__name__
        both(a, b, ("check",))


# ---------------------------------------------------------------------------
# That the kept results are used, and only when they hold
# ---------------------------------------------------------------------------


def test_an_unchanged_check_reads_nothing_again(tmp_path):
    root = make(tmp_path / "p")
    assert cli_run(root, "generate")[0] == 0
    first = cli_run(root, "check")
    from drizzle_doc.drizzle import extract as extract_mod
    from drizzle_doc.history import migrations as migrations_mod

    with mock.patch.object(extract_mod.Extraction, "__init__", side_effect=AssertionError("extracted again")), \
            mock.patch.object(migrations_mod, "read_history", side_effect=AssertionError("read again")):
        assert cli_run(root, "check") == first  # the answer of the identical run
        assert cli_run(root, "inspect")[0] == 0  # the kept model, without a run of its own
    assert first[0] == 1 and "posts" in first[1]  # its finding: posts has no migration yet


def test_an_edit_reads_the_models_again_and_keeps_the_history(tmp_path):
    root = make(tmp_path / "p")
    assert cli_run(root, "generate")[0] == 0
    edit_model(root, 1)
    from drizzle_doc.history import migrations as migrations_mod

    with mock.patch.object(migrations_mod, "read_history", side_effect=AssertionError("read again")):
        code, out, err = cli_run(root, "generate")
    assert code == 0 and "2 written, 1 unchanged" in out, out + err  # the page and the index


def test_another_drizzle_doc_is_a_miss(tmp_path):
    root = make(tmp_path / "p")
    cli_run(root, "generate")
    first = cli_run(root, "check")
    from drizzle_doc.drizzle import extract as extract_mod

    calls = []
    real = extract_mod.Extraction.__init__

    def counting(self, *args, **kwargs):
        calls.append(1)
        real(self, *args, **kwargs)

    cache.code_fingerprint.cache_clear()
    try:
        with mock.patch.object(cache, "__version__", "99.0"), \
                mock.patch.object(extract_mod.Extraction, "__init__", counting):
            assert cli_run(root, "check") == first
        assert calls  # nothing kept by another version was used
    finally:
        cache.code_fingerprint.cache_clear()


def _entries(folder: Path, prefix: str) -> list[Path]:
    return sorted(p for p in folder.iterdir() if p.name.startswith(prefix))


def test_a_forged_entry_is_never_unpickled(tmp_path, monkeypatch):
    """An entry written without this user's secret (one committed to a repository, say) is a miss:
    its pickle is never loaded, so it cannot run code."""
    monkeypatch.setenv("DRIZZLE_DOC_CACHE_DIR", str(tmp_path / "cache"))
    root = make(tmp_path / "p")
    assert cli_run(root, "generate")[0] == 0
    cli_run(root, "check")
    marker = tmp_path / "pwned"

    class Boom:
        def __reduce__(self):
            return (Path.write_text, (marker, "ran"))

    entries = [p for prefix in ("extract-", "history-", "replay-") for p in _entries(tmp_path / "cache", prefix)]
    assert len(entries) >= 3
    for p in entries:
        body = pickle.dumps(Boom())
        p.write_bytes(store.MAGIC + b"\0" * 32 + body)  # a MAC made without the secret
    want = cli_run(root, "check", cache_on=False)
    assert cli_run(root, "check") == want
    assert not marker.exists()


def test_the_secret_is_private_and_a_shared_one_is_refused(tmp_path, monkeypatch):
    monkeypatch.setenv("DRIZZLE_DOC_CACHE_DIR", str(tmp_path / "c"))
    store._SECRET.clear()
    key = store.secret()
    path = tmp_path / "c" / "secret"
    assert key is not None and len(key) == 32 and (path.stat().st_mode & 0o777) == 0o600
    path.chmod(0o644)  # readable by others: not a secret any more
    store._SECRET.clear()
    assert store.secret() is None
    store._SECRET.clear()


def test_a_damaged_entry_is_a_miss(tmp_path, monkeypatch):
    monkeypatch.setenv("DRIZZLE_DOC_CACHE_DIR", str(tmp_path / "cache"))
    store._SECRET.clear()
    root = make(tmp_path / "p")
    cli_run(root, "generate")
    want = cli_run(root, "check")
    for p in (tmp_path / "cache").iterdir():
        if p.name != "secret":
            p.write_bytes(p.read_bytes()[: len(p.read_bytes()) // 2])
    assert cli_run(root, "check") == want
    store._SECRET.clear()


def test_state_trusts_size_and_mtime_only_for_files_older_than_the_run(tmp_path):
    from drizzle_doc.ts.witness import Witness

    f = tmp_path / "f.ts"
    f.write_text("a")
    w = Witness()
    w.read(f, b"a")
    fresh = store.state(w, store.now_ns())
    assert fresh["files"][str(f)][2] == -1  # written just now: always hashed again
    old = store.state(w, store.now_ns() + 10 * store.RACY_NS)
    assert old["files"][str(f)][2] == f.stat().st_mtime_ns
    assert store.holds(fresh) and store.holds(old)
    st_ = f.stat()
    f.write_text("b")
    os.utime(f, ns=(st_.st_atime_ns, st_.st_mtime_ns))
    assert not store.holds(fresh)  # same size, same mtime, other bytes: hashed, a miss
    (tmp_path / "g.ts").write_text("")
    w2 = Witness()
    w2.probed(tmp_path / "h.ts")
    w2.listed(tmp_path)
    recorded = store.state(w2, store.now_ns())
    assert store.holds(recorded)
    (tmp_path / "h.ts").write_text("")
    assert not store.holds(recorded)


def test_json_entries_of_the_old_format_are_ignored(tmp_path):
    root = make(tmp_path / "p")
    cli_run(root, "generate")
    folder = Path(os.environ["DRIZZLE_DOC_CACHE_DIR"])
    for p in folder.glob("replay-*"):
        p.write_text(json.dumps({"code": 0, "stdout": "forged", "stderr": "", "state": {}}))
    assert "forged" not in cli_run(root, "check")[1]


def test_an_edited_template_is_compiled_again(tmp_path):
    """``--templates``: the kept answer, model and compiled templates never outlive a template edit."""
    from drizzle_doc.resources import templates_dir

    a, b = make(tmp_path / "a"), make(tmp_path / "b")
    for root in (a, b):
        shutil.copytree(templates_dir(), root / "tpl")
    both(a, b, ("generate", "--templates", "tpl"))
    both(a, b, ("generate", "--templates", "tpl"))
    for root in (a, b):
        t = root / "tpl" / "table.md.j2"
        t.write_text(t.read_text().replace("**Location:**", "**Defined at (our template):**"))
    both(a, b, ("check", "--templates", "tpl"))
    both(a, b, ("generate", "--templates", "tpl"))
    assert "Defined at (our template)" in (a / OUT / "users.md").read_text()
    assert tree(a) == tree(b)
    both(a, b, ("generate", "--templates", "tpl"))
    both(a, b, ("check", "--templates", "tpl"))


def test_a_file_only_seen_is_judged_by_size_and_mtime(tmp_path):
    """The docs folder's older pages are only seen by a replay record: any other size or mtime is a
    change (no hash to say otherwise), as git judges a file it has not read."""
    from drizzle_doc.ts.witness import Witness

    page = tmp_path / "users.md"
    page.write_text("# users\n")
    st_ = page.stat()
    w = Witness()
    w.seen(page)
    recorded = store.state(w, st_.st_mtime_ns + 10 * store.RACY_NS)
    assert store.holds(recorded)
    page.write_text("# Users\n")  # same size, new mtime
    assert not store.holds(recorded)
    os.utime(page, ns=(st_.st_atime_ns, st_.st_mtime_ns))
    assert store.holds(recorded)  # size and mtime as recorded: trusted (git's rule too)
    racy = store.state(w, st_.st_mtime_ns)  # written as the run began: never trusted, never hashed
    assert not store.holds(racy)


def test_edits_answered_from_kept_units_are_never_observable(tmp_path, monkeypatch):
    """Every kind of change to the models' own files, one after another, each answered by
    evaluating again only the units that touched a changed file (``_again``), each equal to
    ``--no-cache``."""
    from drizzle_doc.perf import extract as perf_extract

    answered = []
    real = perf_extract._again

    def again(*args):
        made = real(*args)
        answered.append(made is not None)
        return made

    monkeypatch.setattr(perf_extract, "_again", again)
    monkeypatch.setenv("DRIZZLE_DOC_CACHE_DIR", str(tmp_path / "cache"))
    a, b = make(tmp_path / "a"), make(tmp_path / "b")
    both(a, b, ("generate",))
    edits = [edit_model, helper_says_more, model_unresolved, same_size_edit, model_leaves_helper, edit_model,
             helper_says_more, model_unresolved, touch, edit_model]
    for i, change in enumerate(edits):
        change(a, i)
        change(b, i)
        for args in (("generate",), ("check", "--format", "json"), ("inspect",)):
            both(a, b, args)
        assert tree(a) == tree(b), change.__name__
    assert sum(answered) >= 6, answered
