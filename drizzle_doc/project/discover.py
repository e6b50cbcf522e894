"""Where drizzle-kit runs: the package.json scripts that call it, and the folder each runs in.

drizzle-kit resolves everything from its process's working folder, which a package script sets
to the folder of its package.json: the ``--config`` path (``resolve(configPath)`` in
``drizzleConfigFromFile``), the config's ``schema`` (``glob.sync(schema)`` then
``path.resolve`` in ``prepareFilenames``) and its ``out`` (read in drizzle-kit 0.31.11's and
1.0.0-rc.5's ``bin.cjs``, pinned in tests/oracle).  So ``"db:generate": "drizzle-kit generate
--config ./db/drizzle.config.ts"`` in ``apps/web/package.json`` reads ``apps/web/db/schema.ts``
for a ``schema: "./db/schema.ts"``, not ``apps/web/db/db/schema.ts``: the config's own folder
plays no part.  Without ``--config``, drizzle-kit reads ``drizzle.config.ts``, else ``.js``,
else ``.json`` in that folder.

A script is read as a shell line: commands split on ``&&``, ``||``, ``;`` and ``|``; a ``cd DIR``
before the call moves the folder; runners in front (``npx``, ``bunx``, ``pnpm exec``,
``dotenv -e .env --``, ``cross-env X=1``, ``sh -c '…'``) are looked through to the ``drizzle-kit``
word; ``--config X`` and ``--config=X`` name the config.  Nothing is run.
"""

from __future__ import annotations

import json
import os
import re
import shlex
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Optional

from drizzle_doc.limits import json_max, too_large

#: the files drizzle-kit reads in its folder when no --config is given, in its order
KIT_DEFAULT_CONFIGS = ("drizzle.config.ts", "drizzle.config.js", "drizzle.config.json")
#: a drizzle-kit run whose config drizzle-doc documents first: the one writing the migrations
COMMAND_RANK = {"generate": 0, "migrate": 1, "check": 2, "up": 3, "push": 4, "pull": 5, "introspect": 5}
#: the commands that write or read the migrations folder drizzle-doc documents
MIGRATION_COMMANDS = ("generate", "migrate", "check", "up")
MAX_SCRIPTS = 2000
MAX_UPWARD = 40


@dataclass(frozen=True, slots=True)
class KitRun:
    """One drizzle-kit call in a package.json script."""

    package_json: Path  # absolute
    script: str  # the script's name ("db:generate")
    line: Optional[int]  # of the script in package.json
    cwd: Path  # the folder drizzle-kit runs in (absolute, normalised)
    command: str  # drizzle-kit's command ("generate", "push", …; "" when none is given)
    config: Optional[Path]  # --config, absolute and normalised; None: drizzle-kit's default
    # the project given on the command line instead of a config (--schema, --out, --dialect,
    # --driver, --casing: drizzle-kit's "cli" mode), as (option, value) in the script's order
    options: tuple[tuple[str, str], ...] = ()

    def option(self, name: str) -> Optional[str]:
        """The last value of ``--name`` (as drizzle-kit's option parser keeps it), or None."""
        values = [v for k, v in self.options if k == name]
        return values[-1] if values else None

    def config_file(self) -> Optional[Path]:
        """The config this run reads: ``--config``, else drizzle-kit's default in its folder;
        None in "cli" mode (options given without --config: no config is read)."""
        if self.config is not None:
            return self.config
        if self.options:
            return None
        for name in KIT_DEFAULT_CONFIGS:
            if (self.cwd / name).is_file():
                return self.cwd / name
        return None

    def rank(self) -> tuple:
        return (COMMAND_RANK.get(self.command, 9), self.line or 0)


def _commands(script: str) -> list[list[str]]:
    """A shell line as its simple commands (words), quotes kept together."""
    try:
        lexer = shlex.shlex(script, posix=True, punctuation_chars=";&|")
        lexer.whitespace_split = True
        words = list(lexer)
    except ValueError:  # an unclosed quote: read it as plain words
        words = script.split()
    out: list[list[str]] = [[]]
    for w in words:
        if w and set(w) <= set(";&|"):
            out.append([])
        else:
            out[-1].append(w)
    return [c for c in out if c]


def _is_kit(word: str) -> bool:
    name = word.replace("\\", "/").rsplit("/", 1)[-1]
    return name == "drizzle-kit" or name.startswith("drizzle-kit@")


#: drizzle-kit options that give the project on the command line instead of a config
CLI_OPTIONS = ("schema", "out", "dialect", "driver", "casing")


def parse_script(script: str, depth: int = 0) -> list[tuple[tuple[str, ...], str, Optional[str], tuple]]:
    """The drizzle-kit calls of one script: (``cd`` folders before it, command, ``--config``,
    the :data:`CLI_OPTIONS` given as (name, value))."""
    found: list[tuple[tuple[str, ...], str, Optional[str], tuple]] = []
    cds: list[str] = []
    for words in _commands(script):
        if words[0] == "cd" and len(words) >= 2:
            cds.append(words[1])
            continue
        for i, w in enumerate(words):
            if _is_kit(w):
                args = words[i + 1:]
                command = next((a for j, a in enumerate(args) if not a.startswith("-") and not
                                (j > 0 and args[j - 1].startswith("--") and "=" not in args[j - 1])), "")
                given: list[tuple[str, str]] = []
                for j, a in enumerate(args):
                    name, eq, value = a[2:].partition("=")
                    if not a.startswith("--") or name not in ("config", *CLI_OPTIONS):
                        continue
                    if not eq:
                        if j + 1 >= len(args) or args[j + 1].startswith("--"):
                            continue
                        value = args[j + 1]
                    given.append((name, value))
                config = next((v for k, v in reversed(given) if k == "config"), None)
                found.append((tuple(cds), command, config, tuple((k, v) for k, v in given if k != "config")))
                break
            if depth < 3 and " " in w and "drizzle-kit" in w:  # sh -c '…drizzle-kit…'
                found += [(tuple(cds) + c, *rest) for c, *rest in parse_script(w, depth + 1)]
                break
    return found


@lru_cache(maxsize=1024)
def _kit_runs(package_json: Path, stamp: tuple) -> tuple[KitRun, ...]:
    try:
        if too_large(package_json, json_max()):
            return ()
        text = package_json.read_text(encoding="utf-8", errors="replace")
        data = json.loads(text)
    except (OSError, ValueError, RecursionError):
        return ()
    scripts = data.get("scripts") if isinstance(data, dict) else None
    if not isinstance(scripts, dict):
        return ()
    folder = package_json.parent
    runs: list[KitRun] = []
    for name, script in list(scripts.items())[:MAX_SCRIPTS]:
        if not isinstance(script, str) or "drizzle-kit" not in script:
            continue
        m = re.search(r'"' + re.escape(json.dumps(name)[1:-1]) + r'"\s*:', text)
        line = text.count("\n", 0, m.start()) + 1 if m else None
        for cds, command, config, options in parse_script(script):
            cwd = folder
            for d in cds:
                cwd = cwd / d
            cwd = Path(os.path.normpath(cwd))
            cfg = Path(os.path.normpath(cwd / config)) if config else None
            runs.append(KitRun(package_json, name, line, cwd, command, cfg, () if cfg else options))
    return tuple(runs)


def kit_runs(package_json: Path) -> tuple[KitRun, ...]:
    """Every drizzle-kit call in ``package_json``'s scripts (none when it cannot be read)."""
    try:
        st = package_json.stat()
    except OSError:
        return ()
    return _kit_runs(Path(os.path.normpath(package_json.absolute())), (st.st_mtime_ns, st.st_size))


def same_file(a: Path, b: Path) -> bool:
    try:
        return os.path.samefile(a, b)
    except OSError:
        return False


def upward(folder: Path) -> list[Path]:
    """``folder`` and the folders above it, up to the repository's top (the first holding
    ``.git``) or its workspace root (``pnpm-workspace.yaml`` or package.json ``workspaces``)."""
    from drizzle_doc.ts.resolve import workspace_patterns

    out = []
    for f in (folder, *folder.parents):
        if len(out) >= MAX_UPWARD:
            break
        out.append(f)
        try:
            if (f / ".git").exists() or workspace_patterns(f) is not None:
                break
        except OSError:
            break
    return out


def run_of(config: Path) -> Optional[KitRun]:
    """The script that runs drizzle-kit with ``config``: of the package.json files at and above
    the config's folder (the nearest first), the first whose scripts name it (``--config``, or
    drizzle-kit's default file in the script's folder); its ``generate`` call before others."""
    config = Path(os.path.normpath(config.absolute()))
    for folder in upward(config.parent):
        pj = folder / "package.json"
        runs = [r for r in kit_runs(pj) if (cfg := r.config_file()) is not None and same_file(cfg, config)]
        if runs:
            return min(runs, key=KitRun.rank)
    return None


_TABLES = re.compile(rb"""from\s+["']drizzle-orm/[a-z0-9]+-core["'][\s\S]*?\b[a-z0-9]*Table(?:Creator)?\s*[(<]""", re.I)


def schema_candidates(root: Path, limit: int = 3, max_files: int = 20000) -> tuple[list[str], list[str]]:
    """Where drizzle tables are below ``root`` (files importing a drizzle ``*-core`` package that
    call a ``…Table(``): up to ``limit`` files or folders (a folder where several are), and the
    drizzle-kit migrations folders (holding ``meta/_journal.json``), relative to ``root``, for the
    hint of a project without a config.  Read only, bounded; nothing is evaluated."""
    from drizzle_doc.project.config import SKIP_DIRS
    from drizzle_doc.ts.resolve import DECLARATION_SUFFIXES, SOURCE_SUFFIXES

    hits: dict[str, list[str]] = {}
    journals: list[str] = []
    seen = 0
    for dirpath, dirnames, filenames in os.walk(root, followlinks=False):
        dirnames[:] = sorted(d for d in dirnames if d not in SKIP_DIRS and not d.startswith("."))
        if os.path.basename(dirpath) == "meta" and "_journal.json" in filenames:
            journals.append(Path(os.path.relpath(os.path.dirname(dirpath), root)).as_posix())
        for name in sorted(filenames):
            if not name.endswith(SOURCE_SUFFIXES) or name.endswith(DECLARATION_SUFFIXES) or name.startswith("drizzle.config."):
                continue
            seen += 1
            if seen > max_files:
                break
            path = Path(dirpath) / name
            try:
                with open(path, "rb") as fh:
                    head = fh.read(256 * 1024)
            except OSError:
                continue
            if _TABLES.search(head):
                folder = Path(os.path.relpath(dirpath, root)).as_posix()
                hits.setdefault(folder, []).append(name)
        if seen > max_files:
            break
    out = []
    for folder, names in hits.items():
        if len(names) == 1:
            out.append(names[0] if folder == "." else f"{folder}/{names[0]}")
        else:
            out.append("." if folder == "." else folder)
    return out[:limit], journals[:limit]
