"""The ``site`` command's work: the Markdown pages as ``generate`` would leave them (hand-written
text on disk merged in, nothing written to the docs folder), turned into the static site by
:mod:`drizzle_doc.site.build`, written into the site folder.

Writes are atomic per file (a temp file renamed over the name, never through a symlink) and
stay inside the site folder: every path is checked after resolving symlinks.  A file the
previous run wrote and this run does not (a table that is gone) is removed; the list of what a
run wrote is kept in the folder (``.drizzle-doc-site``), so nothing a human put there is ever
deleted.  A site folder given by a file (the default one, derived from the docs folder) must lie
inside the project; ``--out`` on the command line may point anywhere.
"""

from __future__ import annotations

from pathlib import Path
from typing import Optional

from drizzle_doc.docs.pages import DAMAGED, UNMANAGED, merge_page
from drizzle_doc.docs.write import WriteError
from drizzle_doc.errors import ConfigError
from drizzle_doc.model import ERROR, Schema
from drizzle_doc.project.contain import ContainmentError, boundary_of, is_inside, real, replace_file

MANIFEST = ".drizzle-doc-site"


def pages_as_generated(project, schema: Schema, out: Path) -> dict[str, str]:
    """Each page's text as ``generate`` would leave it, read-only: the generated sections merged
    into the page on disk (its human text kept); a page the project wrote by hand (no markers, or
    damaged ones) as it is on disk."""
    from drizzle_doc.commands.generate import manual_pages, render_project

    manual, _ = manual_pages(project, schema)
    pages = render_project(project, schema)
    texts: dict[str, str] = {}
    for rel in sorted(pages):
        new = pages[rel]
        old = _read(out / rel)
        if old is None:
            texts[rel] = new
            continue
        if rel in manual:
            texts[rel] = old
            continue
        try:
            res = merge_page(old, new)
        except ValueError:
            texts[rel] = new
            continue
        texts[rel] = old if res.status in (DAMAGED, UNMANAGED) else res.text
    return texts


def _read(path: Path) -> Optional[str]:
    try:
        if path.is_symlink() or not path.is_file():
            return None
        return path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        return None


def site_dir(project, out: Optional[str], cwd: Path) -> Path:
    """Where the site goes: ``--out`` (from the current folder), else ``site`` beside the docs
    folder; a folder not given on the command line must lie inside the project."""
    if out:
        return (cwd / out).resolve()
    default = (Path(project.root) / project.out).parent / "site"
    if not is_inside(default, boundary_of(project)):
        raise ContainmentError(f"refusing to write the site to {real(default)}: it leads outside the project "
                               f"root {real(boundary_of(project))}; pass --out to write elsewhere")
    return default


def write_site(folder: Path, files: dict[str, str]) -> tuple[int, int, int]:
    """Write ``files`` into ``folder``: (written, unchanged, removed)."""
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise WriteError(f"cannot create the site folder {folder}: {exc.strerror or exc}") from exc
    base = real(folder)
    previous = set((_read(folder / MANIFEST) or "").splitlines())
    written = unchanged = removed = 0
    for rel, text in files.items():
        path = folder / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        if not is_inside(path.parent, base) or path.is_symlink():
            raise WriteError(f"refusing to write {path}: a symlink leads outside the site folder {base}")
        if _read(path) == text:
            unchanged += 1
            continue
        try:
            replace_file(path, text, 0o644, prefix=f".{path.name}.")
        except OSError as exc:
            raise WriteError(f"cannot write {path}: {exc.strerror or exc}") from exc
        written += 1
    for rel in sorted(previous - set(files) - {""}):
        path = folder / rel
        if ".." in Path(rel).parts or Path(rel).is_absolute() or not is_inside(path.parent, base):
            continue
        if path.is_file() and not path.is_symlink():
            path.unlink()
            removed += 1
    replace_file(folder / MANIFEST, "".join(f"{rel}\n" for rel in files), 0o644, prefix=f".{MANIFEST}.")
    return written, unchanged, removed


def run_site(results, out: Optional[str], cwd: Path) -> tuple[list[str], int]:
    """Build and write the site of every project: (lines to print, exit code)."""
    from drizzle_doc.commands.generate import out_dir
    from drizzle_doc.commands.export import project_label
    from drizzle_doc.site.build import build_site

    lines: list[str] = []
    worst = 0
    for project, schema in results:
        for d in schema.diagnostics:
            if d.severity == ERROR:
                lines.append(f"{d.where() or '-'}: error: {d.message}")
                worst = 1
        folder_out = out
        if out and len(results) > 1:
            folder_out = str(Path(out) / Path(project.root).name)
        folder = site_dir(project, folder_out, cwd)
        docs = out_dir(project)
        pages = pages_as_generated(project, schema, docs)
        files = build_site(schema, pages, docs_out=Path(project.rel(docs)).as_posix(),
                           site_out=Path(project.rel(folder)).as_posix(),
                           project_name=Path(project.root).resolve().name or "Schema")
        if not files:
            raise ConfigError("nothing to write")
        written, unchanged, removed = write_site(folder, files)
        try:
            shown = folder.relative_to(cwd.resolve()).as_posix() or "."
        except ValueError:
            shown = folder.as_posix()
        label = f" ({project_label(project, cwd)})" if len(results) > 1 else ""
        lines.append(f"site{label}: {len(schema.tables)} table pages and the ER view in {shown}/ "
                     f"({written} written, {unchanged} unchanged, {removed} removed); open {shown}/index.html")
    return lines, worst
