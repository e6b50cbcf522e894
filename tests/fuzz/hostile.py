"""Hostile inputs of every kind a project holds, and the CLI commands run on them in-process (issue 21).

``base_project(dest)`` copies ``fixtures/history-basic`` (models, journal, snapshots, SQL) and adds a
valid tsconfig.json, package.json and drizzle-doc.toml, so every input kind is present.
``KINDS`` maps an input kind to the file it is; ``json_nodes``/``set_json_node`` damage one
subtree of a JSON document; ``SEEDS`` are the reproducers an audit found (each an internal error
or a blow-up once), small enough to build in a test; ``run_commands`` runs every command that
reads a project through click's CliRunner and checks the outcome is never an internal error.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any, Callable

REPO = Path(__file__).resolve().parents[2]
BASE = REPO / "fixtures" / "history-basic"
MIG = "drizzle/migrations"
KINDS: dict[str, str] = {
    "models": "server/src/models/users.ts",
    "tsconfig": "tsconfig.json",
    "package": "package.json",
    "config": "drizzle.config.ts",
    "toml": "drizzle-doc.toml",
    "journal": f"{MIG}/meta/_journal.json",
    "snapshot": f"{MIG}/meta/0001_snapshot.json",
    "sql": f"{MIG}/0001_add_user_bio.sql",
}
JSON_KINDS = ("tsconfig", "package", "journal", "snapshot")
#: Every command that reads a project, in an order where check sees generate's docs (not verify).
COMMANDS = ("inspect", "generate", "check", "migrations", "comments-sql")

TSCONFIG = {"compilerOptions": {"baseUrl": ".", "paths": {"@models/*": ["server/src/models/*"]}, "strict": True}}
PACKAGE = {"name": "app", "private": True, "scripts": {"db:docs": "drizzle-doc generate"}, "workspaces": ["server"]}
TOML = 'out = "docs/data/schemas"\nrequire_descriptions = false\n\n[rules]\nfk-index = "warning"\n'


def base_project(dest: Path) -> Path:
    shutil.copytree(BASE, dest)
    (dest / "tsconfig.json").write_text(json.dumps(TSCONFIG, indent=2))
    (dest / "package.json").write_text(json.dumps(PACKAGE, indent=2))
    (dest / "drizzle-doc.toml").write_text(TOML)
    return dest


def json_nodes(doc: Any) -> list[tuple]:
    """Paths (tuples of keys/indices) to every node of ``doc``, the root ``()`` first."""
    out: list[tuple] = [()]
    todo = [((), doc)]
    while todo:
        path, x = todo.pop()
        items = x.items() if isinstance(x, dict) else enumerate(x) if isinstance(x, list) else ()
        for k, v in items:
            out.append((*path, k))
            todo.append(((*path, k), v))
    return out


def set_json_node(doc: Any, path: tuple, value: Any, delete: bool = False) -> Any:
    """``doc`` with the node at ``path`` replaced by ``value`` (or deleted); the new document."""
    if not path:
        return value
    parent = doc
    for k in path[:-1]:
        parent = parent[k]
    if delete:
        del parent[path[-1]]
    else:
        parent[path[-1]] = value
    return doc


def _append(rel: str, text: str) -> Callable[[Path], None]:
    def apply(root: Path) -> None:
        p = root / rel
        p.write_text(p.read_text(encoding="utf-8") + text, encoding="utf-8")
    return apply


def _write(rel: str, text: str) -> Callable[[Path], None]:
    return lambda root: (root / rel).write_text(text, encoding="utf-8")


def _journal_when(value_text: str) -> Callable[[Path], None]:
    def apply(root: Path) -> None:
        p = root / KINDS["journal"]
        text = p.read_text(encoding="utf-8")
        head, sep, tail = text.partition('"when": ')
        p.write_text(head + sep + value_text + tail[tail.index(","):], encoding="utf-8")
    return apply


def _journal_entries(n: int) -> Callable[[Path], None]:
    def apply(root: Path) -> None:
        entries = [{"idx": i, "version": "7", "when": 1735689600000 + i, "tag": f"{i:05d}_m{i}", "breakpoints": True}
                   for i in range(n)]
        (root / KINDS["journal"]).write_text(json.dumps({"version": "7", "dialect": "postgresql", "entries": entries}))
    return apply


M = KINDS["models"]
#: name -> what it does to a base project.  Each was an internal error or a blow-up once.
SEEDS: dict[str, Callable[[Path], None]] = {
    "missing-node": _append(M, '\nexport const f = (name) => ;\nexport const g = f("a");\n'),
    "missing-node-long-comment": _append(M, "\nexport const f = (name) => ;\n/*" + "x" * 504 + '*/\nexport const g = f("a");\n'),
    "tsconfig-null": _write("tsconfig.json", "null"),
    "tsconfig-list": _write("tsconfig.json", "[]"),
    "tsconfig-options-string": _write("tsconfig.json", '{"compilerOptions": "x"}'),
    "tsconfig-baseurl-number": _write("tsconfig.json", '{"compilerOptions": {"baseUrl": 5}}'),
    "tsconfig-paths-list": _write("tsconfig.json", '{"compilerOptions": {"paths": [1]}}'),
    "tsconfig-paths-bad-targets": _write("tsconfig.json", '{"compilerOptions": {"paths": {"@/*": [1, null], "x": "y"}}}'),
    "tsconfig-huge-paths": _write("tsconfig.json", '{"compilerOptions": {"paths": {"@/*": ["' + "a" * 300_000 + '"]}}}'),
    "package-null": _write("package.json", "null"),
    "package-key-wrong-shape": _write("package.json", '{"drizzle-doc": [1, 2]}'),
    "journal-when-1e30": _journal_when("1e30"),
    "journal-when-huge-int": _journal_when("1" + "0" * 30),
    "journal-when-negative": _journal_when("-99999999999999999"),
    "journal-when-float": _journal_when("1735689600000.5"),
    "journal-when-string": _journal_when('"yesterday"'),
    "journal-null": _write(KINDS["journal"], "null"),
    "journal-entries-object": _write(KINDS["journal"], '{"entries": {"a": 1}}'),
    "journal-many-entries": _journal_entries(3000),
    "snapshot-list": _write(KINDS["snapshot"], "[1, 2]"),
    "snapshot-tables-list": _write(KINDS["snapshot"], '{"version": "7", "dialect": "postgresql", "tables": [1], "enums": 5}'),
    "snapshot-columns-wrong": _write(KINDS["snapshot"], '{"version": "7", "dialect": "postgresql", "tables": '
                                     '{"public.x": {"name": 5, "columns": [1], "schema": null, "indexes": 3}}}'),
    "toml-wrong-types": _write("drizzle-doc.toml", 'out = 5\n[rules]\nx = [1]\n'),
    "toml-bad-size": _write("drizzle-doc.toml", 'max-file-size = "lots"\n'),
    "toml-not-toml": _write("drizzle-doc.toml", "[[[\n"),
    "sql-nested-comments": _append(KINDS["sql"], "\n" + "/*" * 5000),
    "sql-long-statement": _append(KINDS["sql"], "\nSELECT " + "1+" * 400_000 + "1;"),
    "config-broken": _write("drizzle.config.ts", 'export default { dialect: "postgresql", schema: [1, {}], out: 5 };'),
    "models-binary": lambda root: (root / M).write_bytes(b"\x00\xff" * 100),
}


def run_commands(root: Path, commands=COMMANDS) -> dict[str, tuple[int, str]]:
    """Each command on ``root`` in-process: {command: (exit code, stderr)}; fails on an internal error."""
    from click.testing import CliRunner

    from drizzle_doc.cli import cli

    runner = CliRunner()
    out = {}
    for command in commands:
        r = runner.invoke(cli, [command, "--root", str(root)], env={"DRIZZLE_DOC_DEBUG": None})
        text = r.stderr + r.stdout
        assert r.exception is None or isinstance(r.exception, SystemExit), (command, repr(r.exception))
        assert "internal error" not in text and "Traceback" not in text, (command, text[-2000:])
        assert r.exit_code in (0, 1, 2), (command, r.exit_code, text[-2000:])
        out[command] = (r.exit_code, r.stderr)
    return out


#: Text dropped into a models file, drizzle.config.ts, drizzle-doc.toml or a migration .sql.
TEXT_BITS: dict[str, list[str]] = {
    "models": ["export const f = (name) => ;\n", 'f("a");\n', "/*" + "x" * 600 + "*/", "export const big = [" + "1," * 500 + "];\n",
               'export const t = pgTable("t", { id: integer().default(sql`' + "1+" * 50 + '1`) });\n', "(((", "}", "`${",
               "export * from './users';\n", 'import { x } from "@models/posts";\n', "\x00", "\ud7ff"],
    "config": ['export default { dialect: "postgresql", schema: 5 };\n', "export default null;\n", "schema: [", "out: '../../..',",
               'casing: "x",', "export default defineConfig(", "//"],
    "toml": ["max-file-size = 0\n", 'max-file-size = "1KB"\n', "max-file-size = -3\n", "split_threshold = 1e400\n", "[rules]\nfk-index = 1\n",
             "[exceptions]\nuuid-pk = 5\n", "[groups.a]\ntables = 5\n", "out = ''\n", "\"\n", "[[x]]\n", "= 1\n"],
    "sql": ["/*" * 200, "*/", "--> statement-breakpoint\n", "SELECT " + "1::int" * 300 + ";\n", "DO $$ BEGIN " + "PERFORM 1+" * 10 + "1; END $$;\n",
            "$$", "'", "E'\\", "CREATE TABLE \"x\" (\"a\" integer);\n", "ALTER TABLE users RENAME TO people;\n", "DROP TABLE posts;\n", ";;;"],
}


def put_text(path: Path, bit: str, where: float, replace: bool) -> None:
    """Insert ``bit`` into the file at a fraction ``where`` of its length (or make it the whole file)."""
    old = path.read_text(encoding="utf-8", errors="replace") if path.is_file() else ""
    at = int(len(old) * where)
    path.write_text(bit if replace else old[:at] + bit + old[at:], encoding="utf-8", errors="surrogatepass")


def put_json(path: Path, node_pick: float, value: Any, delete: bool) -> None:
    """Replace (or delete) one node of the JSON file, picked by a fraction of its nodes."""
    doc = json.loads(path.read_text(encoding="utf-8"))
    nodes = json_nodes(doc)
    target = nodes[min(int(node_pick * len(nodes)), len(nodes) - 1)]
    doc = set_json_node(doc, target, value, delete=delete and bool(target))
    path.write_text(json.dumps(doc), encoding="utf-8")
