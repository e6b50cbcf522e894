"""``drizzle-doc inspect --format dbml|sql``: the models in the formats people already use.

``dbml`` (:func:`drizzle_doc.output.dbml.render_dbml`) is for dbdiagram.io and dbdocs, with the
``[groups]`` of ``drizzle-doc.toml`` as ``TableGroup``\\ s; ``sql`` is the DDL the project's dialect
says the models imply (``Dialect.export_sql``, for PostgreSQL what ``drizzle-kit export`` prints).

One document per project.  With several projects (a monorepo) each document is preceded by one
header comment line naming its project, ``// drizzle-doc project: packages/a
(drizzle.config.ts)`` (``--`` in SQL), and documents are separated by a blank line: split at
those lines.  A single project's document has no header.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, Iterable, Optional

from drizzle_doc.errors import UsageError
from drizzle_doc.model import ERROR, Schema
from drizzle_doc.project.settings import Settings

COMMENT = {"dbml": "//", "sql": "--"}


def table_groups(schema: Schema, settings: Optional[Settings]) -> list[tuple[str, list[str], str]]:
    """``[groups]`` (or ``[viewpoints]``) resolved to table keys, as the docs' group diagrams do."""
    from drizzle_doc.docs.render import resolve_table

    groups = []
    for g in (settings.groups if settings is not None else ()):
        keys = [k for k in (resolve_table(schema, r) for r in g.tables) if k is not None]
        groups.append((g.name, keys, g.description))
    return groups


def document(fmt: str, project: Any, schema: Schema) -> str:
    if fmt == "dbml":
        from drizzle_doc.output.dbml import render_dbml

        return render_dbml(schema, Path(project.root).name, table_groups(schema, project.settings))
    dialect = project.sql_dialect
    try:
        return dialect.export_sql(schema, project.kit)
    except NotImplementedError as exc:
        raise UsageError(f"inspect --format sql: {exc}") from None


def project_label(project: Any, root: Optional[Path]) -> str:
    """``packages/a (drizzle.config.ts)``: the project's folder from where the user stands (a
    project loaded without :attr:`~drizzle_doc.project.Project.seen_from`: from ``root``)."""
    if getattr(project, "seen_from", None) is not None:
        where = project.shown_root
    else:
        base = Path(root or Path.cwd()).resolve()
        try:
            where = Path(project.root).resolve().relative_to(base).as_posix()
        except ValueError:
            where = Path(project.root).as_posix()
    return f"{where} ({project.config_file})" if project.config_file else where


def export(fmt: str, results: Iterable[tuple[Any, Schema]], root: Optional[Path] = None) -> tuple[str, list[str], int]:
    """(stdout text, error diagnostics as lines for stderr, exit code 0|1)."""
    results = list(results)
    parts, errors = [], []
    for project, schema in results:
        text = document(fmt, project, schema)
        if len(results) > 1:
            text = f"{COMMENT[fmt]} drizzle-doc project: {project_label(project, root)}\n{text}"
        parts.append(text)
        show = project.show if hasattr(project, "show") else (lambda d: d)  # files named from where the user stands
        errors += [f"{show(d).where() or '-'}: error: {d.message}" for d in schema.diagnostics if d.severity == ERROR]
    return "\n".join(parts), errors, 1 if errors else 0
