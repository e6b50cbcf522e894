"""Never lose a word: ``generate`` killed with SIGKILL mid-write, again and again (issue 6).

A project of 100 tables is documented, a person adds notes to every page, then
the models change and ``generate`` is killed 30 times while it rewrites the
pages: 20 times at a chosen point inside the writer (between temp-file write,
half a temp file, rename; picked with a fixed seed) and 10 times after a
random delay (fixed seed).  After every kill each page is exactly the old or
exactly the new text (notes included), no page is missing or extra, and the
only debris is our own hidden temp files, which the next run removes.
"""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

from test_robustness import CONFIG, HDR, OUT, write

TABLES = 100
SEED = 20240506

KILLER = r"""
import os, signal, sys
import drizzle_doc.docs.write as w
k = int(os.environ["KILL_AT"]); n = [0]
def tick():
    n[0] += 1
    if n[0] == k:
        os.kill(os.getpid(), signal.SIGKILL)
real_open, real_write, real_replace = os.open, os.write, os.replace
def open_(path, *a, **kw):
    if w.TEMP_PREFIX in os.fspath(path):
        tick()  # before a temp file is created
    return real_open(path, *a, **kw)
def write(fd, data):
    h = len(data) // 2
    real_write(fd, data[:h]); tick(); real_write(fd, data[h:])  # with half a temp file written
    return len(data)
def replace(a, b):
    tick(); real_replace(a, b); tick()
w.os.open = open_
w.os.write = write
w.os.replace = replace
from drizzle_doc.cli import main
main(sys.argv[1:])
"""


def models(version: int) -> str:
    out = [HDR]
    for i in range(TABLES):
        out.append(f'/** Table {i}, models version {version}. */\nexport const t{i} = pgTable("t{i}", {{\n'
                   f"  /** Key (v{version}). */\n  id: integer().primaryKey(),\n"
                   + (f'  /** Added in v2. */\n  extra: text("extra"),\n' if version == 2 else "") + "});\n")
    return "".join(out)


def run(root: Path, *extra_env: tuple[str, str], script: str | None = None, kill_after: float | None = None):
    env = {**os.environ, **dict(extra_env)}
    env.pop("DRIZZLE_DOC_DEBUG", None)
    cmd = [sys.executable, "-c", script] if script else [sys.executable, "-m", "drizzle_doc"]
    p = subprocess.Popen([*cmd, "generate", "--root", str(root)], env=env,
                         stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    if kill_after is not None:
        try:
            p.wait(timeout=kill_after)
        except subprocess.TimeoutExpired:
            p.send_signal(signal.SIGKILL)
    out, err = p.communicate(timeout=120)
    assert "Traceback" not in err, err
    return p.returncode, out, err


def state(out: Path) -> tuple[dict[str, str], list[str]]:
    pages = {p.relative_to(out).as_posix(): p.read_text(encoding="utf-8") for p in out.rglob("*.md")}
    other = sorted(p.relative_to(out).as_posix() for p in out.rglob("*") if p.is_file() and p.suffix != ".md")
    return pages, other


def test_generate_killed_at_random_moments_leaves_every_page_old_or_new(tmp_path):
    write(tmp_path, {"drizzle.config.ts": CONFIG, "src/models.ts": models(1)})
    out = tmp_path / OUT
    assert run(tmp_path)[0] == 0
    for p in out.rglob("*.md"):  # a person's notes, outside the markers, on every page
        p.write_text(f"> Note about {p.name}: keep me.\n\n" + p.read_text() + "\nHand-written footer ✍️\n")
    old, _ = state(out)
    # what a complete run with the new models gives (computed on a copy)
    copy = tmp_path / "copy"
    write(copy, {"drizzle.config.ts": CONFIG, "src/models.ts": models(2)})
    for rel, text in old.items():
        write(copy / OUT, {rel: text})
    assert run(copy)[0] == 0
    new, _ = state(copy / OUT)
    assert set(new) == set(old) and all(new[k] != old[k] for k in old)  # every page changes
    assert all("keep me" in t and "Hand-written footer" in t for t in new.values())

    rng = random.Random(SEED)
    (tmp_path / "src/models.ts").write_text(models(2))
    started = time.monotonic()
    assert run(copy)[0] == 0  # an unchanged run: to scale the random delays only
    full = max(time.monotonic() - started, 0.3)
    mixed = killed = 0
    pages = old
    for attempt in range(30):
        # aim at whichever version most pages are not at yet
        version = 2 if sum(pages[r] == new[r] for r in pages) <= len(pages) // 2 else 1
        target = new if version == 2 else old
        todo = sum(pages[r] != target[r] for r in pages)
        (tmp_path / "src/models.ts").write_text(models(version))
        if attempt < 20:  # 4 kill points per page written: open temp, half written, before/after rename
            code, _, err = run(tmp_path, ("KILL_AT", str(rng.randrange(1, 4 * todo + 1))), script=KILLER)
        else:
            code, _, err = run(tmp_path, kill_after=rng.uniform(0.5, 2.0) * full)
        killed += code == -signal.SIGKILL
        pages, debris = state(out)
        assert set(pages) == set(old), attempt
        for rel, text in pages.items():
            assert text in (old[rel], new[rel]), (attempt, rel)  # never partial, never a mix
        assert all(Path(d).name.startswith(".drizzle-doc-tmp.") for d in debris), debris
        mixed += len({pages[r] == new[r] for r in pages}) == 2
    print(f"\n30 runs: {killed} killed by SIGKILL, {mixed} left a mix of old and new pages (each page whole)")
    assert killed >= 20  # every in-writer kill point fired
    # a clean run after all that: the new pages exactly, and no temp file left behind
    (tmp_path / "src/models.ts").write_text(models(2))
    code, stdout, err = run(tmp_path)
    assert code == 0, err
    pages, debris = state(out)
    assert pages == new and debris == []
