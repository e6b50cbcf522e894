"""Every fixture pinned whole, before and through the refactor of issue 13: the model and the output.

For each folder under fixtures/ (a monorepo folder counts once, all its projects
together), tests/golden/fixtures/<fixture>/ holds:

- ``model.txt``: :mod:`modeldump` of every project's frozen dataclasses, in the order
  ``load_projects`` finds them: the Project, the extracted Schema (with its
  diagnostics), the History (with drift against that schema) and the schema the
  migrations leave behind;
- ``inspect.json``: stdout of ``drizzle-doc inspect --format json --root fixtures/<fixture>``,
  run from the repository on the fixture in place;
- ``pages/``: every file ``drizzle-doc generate --no-cache`` writes in a copy of the
  fixture whose docs folders were deleted first, byte for byte, at its path in the copy;
- ``generate.txt``, ``migrations.txt`` (``--format json``) and ``check.txt``
  (``--format json --no-cache``): exit code, stdout and stderr of each command, run in
  that copy (as its current folder, so no temporary path shows).

``render/`` beside them belongs to tests/test_render.py.  Regenerate with:

    DRIZZLE_DOC_REGEN=1 pytest tests/test_fixture_goldens.py
"""

from __future__ import annotations

import dataclasses
import difflib
import gc
import os
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner
from modeldump import dump

from drizzle_doc.cli import cli
from drizzle_doc.commands.generate import out_dir
from drizzle_doc.drizzle.extract import extract
from drizzle_doc.history.migrations import load_history, read_history
from drizzle_doc.model import Column, Schema, Table
from drizzle_doc.project.config import load_projects

REPO = Path(__file__).resolve().parent.parent
FIXTURES = REPO / "fixtures"
GOLDEN = REPO / "tests" / "golden" / "fixtures"
REGEN = os.environ.get("DRIZZLE_DOC_REGEN") == "1"
REGEN_CMD = "DRIZZLE_DOC_REGEN=1 pytest tests/test_fixture_goldens.py"
OWNED = ("model.txt", "inspect.json", "generate.txt", "migrations.txt", "check.txt", "pages")

NAMES = sorted(p.name for p in FIXTURES.iterdir() if p.is_dir() and not p.name.startswith("."))


def model_text(root: Path) -> str:
    """The dump of every project below ``root`` and of all that is extracted for it."""
    parts = []
    for project in load_projects(root):
        schema = extract(project)
        history = load_history(project, schema)
        where = project.root.relative_to(root).as_posix()
        for title, obj in (("project", project), ("schema", schema), ("history", history),
                           ("migrated schema", read_history(project)[1])):
            parts.append(f"# {where}: {title}\n{dump(obj, base=root)}")
    return "\n".join(parts)


def run(*args: str) -> bytes:
    """``drizzle-doc ARGS`` in this process: exit code, stdout and stderr as one text."""
    result = CliRunner().invoke(cli, list(args), catch_exceptions=False)
    return (f"exit: {result.exit_code}\n--- stdout\n".encode() + result.stdout_bytes
            + b"--- stderr\n" + result.stderr_bytes)


def files_below(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


def actual_outputs(name: str, tmp_path: Path, monkeypatch) -> dict[str, bytes]:
    out: dict[str, bytes] = {"model.txt": model_text(FIXTURES / name).encode("utf-8")}
    monkeypatch.chdir(REPO)
    result = CliRunner().invoke(cli, ["inspect", "--format", "json", "--root", f"fixtures/{name}"],
                                catch_exceptions=False)
    gc.unfreeze()  # inspect freezes what it made (gc.freeze), for a process that then exits
    assert result.exit_code in (0, 1) and not result.stderr, result.output
    out["inspect.json"] = result.stdout_bytes

    copy = tmp_path / name
    shutil.copytree(FIXTURES / name, copy)
    for project in load_projects(copy):
        shutil.rmtree(out_dir(project), ignore_errors=True)
    before = files_below(copy)
    monkeypatch.chdir(copy)
    out["generate.txt"] = run("generate", "--no-cache")
    after = files_below(copy)
    assert set(before) <= set(after), f"generate deleted {sorted(set(before) - set(after))}"
    out.update({f"pages/{rel}": data for rel, data in after.items() if before.get(rel) != data})
    out["migrations.txt"] = run("migrations", "--format", "json")
    out["check.txt"] = run("check", "--format", "json", "--no-cache")
    return out


def golden_files(folder: Path) -> dict[str, bytes]:
    found = {}
    for name in OWNED:
        path = folder / name
        if path.is_file():
            found[name] = path.read_bytes()
        elif path.is_dir():
            found.update({f"{name}/{rel}": data for rel, data in files_below(path).items()})
    return found


def regenerate(folder: Path, files: dict[str, bytes]) -> None:
    for name in OWNED:  # render/ is tests/test_render.py's
        path = folder / name
        shutil.rmtree(path) if path.is_dir() else path.unlink(missing_ok=True)
    for rel, data in files.items():
        path = folder / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)


def first_diff(rel: str, want: bytes, got: bytes) -> str:
    lines = difflib.unified_diff(want.decode("utf-8", "replace").splitlines(),
                                 got.decode("utf-8", "replace").splitlines(),
                                 f"golden/{rel}", f"actual/{rel}", lineterm="", n=2)
    return "\n".join(list(lines)[:40])


@pytest.mark.parametrize("name", NAMES)
def test_fixture_goldens(name, tmp_path, monkeypatch):
    actual = actual_outputs(name, tmp_path, monkeypatch)
    folder = GOLDEN / name
    if REGEN:
        regenerate(folder, actual)
        return
    golden = golden_files(folder)
    assert golden, f"no goldens for {name}: run `{REGEN_CMD}`"
    missing, extra = sorted(set(golden) - set(actual)), sorted(set(actual) - set(golden))
    changed = [rel for rel in sorted(set(golden) & set(actual)) if golden[rel] != actual[rel]]
    assert not (missing or extra or changed), (
        f"{name} differs from its goldens (run `{REGEN_CMD}` only if the change is meant):\n"
        f"not produced any more: {missing}\nnew: {extra}\nchanged: {changed}\n"
        + (first_diff(changed[0], golden[changed[0]], actual[changed[0]]) if changed else ""))


def test_every_fixture_has_goldens():
    """A fixture added without goldens, or goldens left for a fixture that is gone, fail here."""
    if REGEN:
        return
    have = sorted(p.name for p in GOLDEN.iterdir() if p.is_dir() and (p / "model.txt").is_file())
    assert have == NAMES, f"run `{REGEN_CMD}`"


def test_modeldump_shows_every_field_and_nothing_unordered():
    col = Column("id", "id", "uuid", file="a.ts", line=3)
    schema = Schema(tables=(Table("t", columns=(col,)),))
    schema.tables_by_key()  # fills the init=False cache, which is not data
    text = dump(schema)
    assert "_by_key" not in text and "tables: tuple[1]" in text and "          line: 3" in text
    # a field that takes no part in equality still shows, and so does one at its default
    moved = dataclasses.replace(schema, tables=(Table("t", columns=(dataclasses.replace(col, line=4),)),))
    assert moved == schema and dump(moved) != text
    assert "primary_key: False" in text and "description: Doc\n            text: ''\n            tags: ()" in text
    assert dump({"b": 1, "a": (2,)}) == dump({"a": (2,), "b": 1}) == "dict[2]\n  'a': (2,)\n  'b': 1\n"
    assert dump(frozenset({"y", "x"})) == "frozenset[2]\n  - 'x'\n  - 'y'\n"
    assert dump(Path("/r/s/x.ts"), base=Path("/r")) == "Path('s/x.ts')\n"
    with pytest.raises(TypeError, match="cannot dump object"):
        dump(object())
