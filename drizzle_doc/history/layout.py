"""Finding a project's migrations folder and listing it in drizzle-kit's order: the journal layout
(``meta/_journal.json``), one folder per migration (``<timestamp>_<name>/migration.sql``), or SQL files
only.  Messy folders become diagnostics."""

from __future__ import annotations

import datetime as _dt
import json
import os
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Optional

from drizzle_doc.model import ERROR, INFO, WARNING, Diagnostic
from drizzle_doc.project import DEFAULT_MIGRATION_DIRS, Project
from drizzle_doc import limits
from drizzle_doc.limits import snippet

from drizzle_doc.history.records import journal_when


# ---------------------------------------------------------------------------
# Finding and listing the folder
# ---------------------------------------------------------------------------


def find_migrations_dir(project: Project) -> Optional[Path]:
    """``project.migrations`` (config ``out`` / ``--migrations``), else ``drizzle/migrations``,
    else ``drizzle``; None when none of them is a folder."""
    from drizzle_doc.project.contain import boundary_of, is_inside

    candidates = (project.migrations,) if project.migrations else DEFAULT_MIGRATION_DIRS
    for rel in candidates:
        p = project.root / rel
        # a folder that a symlink sends outside the project is not read (a configured one
        # was checked when the config was read; --migrations is the user's own choice)
        if os.path.isdir(p) and (project.migrations_given or is_inside(p, boundary_of(project))):
            return p  # isdir: False (not an OSError) for a name too long, a NUL, a loop
    return None


@dataclass(frozen=True, slots=True)
class Entry:
    tag: str
    sql: Optional[Path]
    snapshot: Optional[Path]
    when: Optional[int]
    in_journal: Optional[bool]


_NUM = re.compile(r"^(\d+)_")
_FOLDER_TS = re.compile(r"^(\d{14})(?:_|$)")


def _number(name: str) -> Optional[str]:
    m = _NUM.match(name)
    return m.group(1) if m else None


def _folder_when(name: str) -> Optional[int]:
    m = _FOLDER_TS.match(name)
    if not m:
        return None
    try:
        d = _dt.datetime.strptime(m.group(1), "%Y%m%d%H%M%S").replace(tzinfo=_dt.timezone.utc)
    except ValueError:
        return None
    return int(d.timestamp() * 1000)


def _size(p: Path) -> Optional[int]:
    try:
        return p.stat().st_size
    except OSError:
        return None


def _same_bytes(a: Path, b: Path) -> bool:
    try:
        return a.read_bytes() == b.read_bytes()
    except OSError:
        return False


def _flat_sql(entries: list[Entry], sql_files: list[Path], runner: str, rel,
              file_limit: int) -> tuple[list[Entry], list[Diagnostic]]:
    """The folders' entries with the flat SQL files wrangler applies (Cloudflare D1; ``runner`` says
    why: see :mod:`drizzle_doc.project.d1`) as migrations, in file-name order, as it runs them; a
    flat file with the very bytes of a folder's ``migration.sql`` is that migration copied for
    wrangler, read once.  One info line says so."""
    by_size: dict[int, list[Path]] = {}
    for e in entries:
        size = _size(e.sql) if e.sql is not None else None
        if size is not None and size <= file_limit:
            by_size.setdefault(size, []).append(e.sql)
    copies, flat = [], []
    for p in sql_files:
        same = any(_same_bytes(p, q) for q in by_size.get(_size(p), ()))
        (copies if same else flat).append(p)
    merged = sorted([*entries, *(Entry(p.stem, p, None, None, None) for p in flat)], key=lambda e: e.tag)
    said = []
    if flat:
        said.append(f"{len(flat)} read as migrations in file-name order with the folders" if len(flat) > 1
                    else "1 read as a migration in file-name order with the folders")
    if copies:
        said.append(f"{len(copies)} {'are copies' if len(copies) > 1 else 'is a copy'} of a folder's "
                    "migration.sql (read once)")
    names = ", ".join(p.name for p in sql_files[:3]) + (", …" if len(sql_files) > 3 else "")
    many = len(sql_files) > 1
    diag = Diagnostic(INFO, rel(sql_files[0].parent), None,
                      f"{len(sql_files)} SQL file{'s' if many else ''} beside the per-migration folders ({names}): "
                      f"Cloudflare D1 migration{'s' if many else ''}, which wrangler applies and drizzle-kit does not "
                      f"({runner}); " + "; ".join(said), code="migration-flat")
    return merged, [diag]


def list_folder(folder: Path, rel, json_limit: int = limits.JSON_MAX, flat_runner: Optional[str] = None,
                file_limit: int = limits.MIGRATION_MAX) -> tuple[str, list[Entry], list[Diagnostic]]:
    """The folder's layout, its migrations in order and what is wrong with it.  ``flat_runner``
    says why wrangler applies the SQL files directly in a folder of per-migration folders
    (Cloudflare D1: :func:`drizzle_doc.project.d1.flat_sql_runner`): they are then migrations,
    else strays."""
    diags: list[Diagnostic] = []
    sql_files = sorted(p for p in folder.glob("*.sql") if p.is_file())
    sub_dirs = sorted(p for p in folder.iterdir() if p.is_dir() and (p / "migration.sql").is_file())
    meta = folder / "meta"
    journal_path = meta / "_journal.json"

    if sub_dirs and not journal_path.exists():
        entries = []
        for d in sub_dirs:
            snap = d / "snapshot.json"
            entries.append(Entry(d.name, d / "migration.sql", snap if snap.is_file() else None,
                                  _folder_when(d.name), None))
        if sql_files and flat_runner:
            entries, flat_diags = _flat_sql(entries, sql_files, flat_runner, rel, file_limit)
            return "folders", entries, flat_diags
        for p in sql_files:
            diags.append(Diagnostic(WARNING, rel(p), None,
                                    "SQL file outside the per-migration folders: ignored", code="migration-stray"))
        return "folders", entries, diags

    snapshots: dict[str, list[Path]] = {}
    if meta.is_dir():
        for p in sorted(meta.glob("*_snapshot.json")):
            num = _number(p.name)
            if num is not None:
                snapshots.setdefault(num, []).append(p)

    def snapshot_for(tag: str) -> Optional[Path]:
        num = _number(tag)
        found = snapshots.get(num or "", [])
        return found[0] if len(found) == 1 else None

    journal: Optional[list[dict]] = None
    big = limits.too_large(journal_path, json_limit) if journal_path.is_file() else None
    if big:
        diags.append(Diagnostic(ERROR, rel(journal_path), None, big.replace(": skipped", ": not read; migrations "
                                "ordered by file name instead"), code="migration-journal"))
    elif journal_path.is_file():
        try:
            data = json.loads(journal_path.read_text(encoding="utf-8"))
            raw = data["entries"] if isinstance(data, dict) else None
            if not isinstance(raw, list):
                raise ValueError("no `entries` list")
            journal = []
            for i, e in enumerate(raw):
                if not isinstance(e, dict) or not isinstance(e.get("tag"), str):
                    diags.append(Diagnostic(ERROR, rel(journal_path), None,
                                            f"journal entry {i} has no tag: skipped", code="migration-journal"))
                    continue
                journal.append(e)
            journal.sort(key=lambda e: (e.get("idx") if isinstance(e.get("idx"), int) else 10**9))
        except (ValueError, KeyError, TypeError, UnicodeDecodeError, RecursionError) as exc:
            diags.append(Diagnostic(ERROR, rel(journal_path), None,
                                    f"malformed journal ({exc}): migrations ordered by file name instead",
                                    code="migration-journal"))
            journal = None

    by_stem = {p.stem: p for p in sql_files}
    # two files with the same number
    numbers: dict[str, list[Path]] = {}
    for p in sql_files:
        num = _number(p.name)
        if num is not None:
            numbers.setdefault(num, []).append(p)
    for num, files in sorted(numbers.items()):
        if len(files) > 1:
            names = ", ".join(f.name for f in files)
            for f in files:
                diags.append(Diagnostic(WARNING, rel(f), None,
                                        f"{len(files)} migrations share the number {num} ({names})",
                                        code="migration-duplicate"))
    for num, snaps in sorted(snapshots.items()):
        if len(snaps) > 1:
            diags.append(Diagnostic(WARNING, rel(snaps[0]), None,
                                    f"{len(snaps)} snapshots share the number {num}: none of them used",
                                    code="migration-duplicate"))

    if journal is None:
        entries = [Entry(p.stem, p, snapshot_for(p.stem), None, None) for p in sql_files]
        return "sql", entries, diags

    entries = []
    tags = set()
    for e in journal:
        tag = e["tag"]
        tags.add(tag)
        sql = by_stem.get(tag)
        if sql is None:
            diags.append(Diagnostic(WARNING, rel(journal_path), None,
                                    f"journal entry {tag} has no file {tag}.sql", code="migration-missing"))
        when = journal_when(e.get("when"))
        if when is None and e.get("when") is not None:
            diags.append(Diagnostic(WARNING, rel(journal_path), None,
                                    f"journal entry {snippet(tag, 80)}: `when` {snippet(json.dumps(e.get('when')), 40)} is not "
                                    "a time in milliseconds since 1970: ignored", code="migration-journal"))
        entries.append(Entry(tag, sql, snapshot_for(tag), when, True))
    for p in sql_files:
        if p.stem in tags:
            continue
        diags.append(Diagnostic(WARNING, rel(p), None,
                                "not listed in meta/_journal.json: drizzle-kit's migrator will not run it",
                                code="migration-unlisted"))
        extra = Entry(p.stem, p, None, None, False)
        pos = next((i for i, x in enumerate(entries) if x.tag > p.stem), len(entries))
        entries.insert(pos, extra)
    return "journal", entries, diags
