"""A compact human-readable listing of the model (``inspect --format text``); every path in it is
named from the folder drizzle-doc was run in (:meth:`Project.shown`)."""

from __future__ import annotations

from drizzle_doc.model import Schema
from drizzle_doc.project import Project


def schema_text(project: Project, schema: Schema) -> str:
    lines: list[str] = []
    shown = project.shown
    where = shown(project.config_file)
    if project.script is not None:  # the package script that runs drizzle-kit, setting the root
        package_json, line, name = project.script
        how = f"script {name!r} in {shown(package_json)}{f':{line}' if line else ''}"
        where = f"{where} (run by the {how})" if where else f"no drizzle config: the {how}"
    where = where or "(no drizzle config)"
    seen = "" if project.shown_root == "." else f" ({project.shown_root})"
    lines.append(f"# {project.root.name}{seen} — {where}")
    lines.append(f"{len(schema.tables)} tables, {len(schema.enums)} enums, {len(schema.views)} views, "
                 f"{len(schema.sequences)} sequences from {len(schema.files)} files")
    for t in schema.tables:
        lines.append("")
        lines.append(f"{t.key}  ({shown(t.file)}:{t.line}, `{t.variable}`)")
        for c in t.columns:
            flags = []
            if c.primary_key:
                flags.append("PK")
            if c.not_null:
                flags.append("NOT NULL")
            if c.unique:
                flags.append("UNIQUE")
            if c.default is not None:
                flags.append(f"DEFAULT {c.default}")
            if c.identity is not None:
                flags.append(f"IDENTITY {c.identity.type}")
            if c.generated is not None:
                flags.append(f"GENERATED AS ({c.generated.expression})")
            if c.app_default:
                flags.append(f"app: {c.app_default}")
            lines.append(f"  {c.name}: {c.type}" + (f"  [{', '.join(flags)}]" if flags else ""))
        if t.primary_key is not None and t.primary_key.composite:
            lines.append(f"  primary key {t.primary_key.name} ({', '.join(t.primary_key.columns)})")
        for fk in t.foreign_keys:
            lines.append(f"  fk {fk.name}: ({', '.join(fk.columns)}) -> {fk.foreign_schema}.{fk.foreign_table}"
                         f"({', '.join(fk.foreign_columns)}) on delete {fk.on_delete} on update {fk.on_update}")
        for ix in t.indexes:
            kind = "unique index" if ix.unique else "index"
            extra = f" where {ix.where}" if ix.where else ""
            lines.append(f"  {kind} {ix.name} using {ix.method} ({', '.join(ix.expressions)}){extra}")
        for u in t.uniques:
            lines.append(f"  unique {u.name} ({', '.join(u.columns)})" + (" nulls not distinct" if u.nulls_not_distinct else ""))
        for ck in t.checks:
            lines.append(f"  check {ck.name}: {ck.expression}")
        for r in t.relations:
            lines.append(f"  relation {r.name}: {r.kind} {r.target}")
    for e in schema.enums:
        lines.append("")
        lines.append(f"enum {e.key}: {', '.join(e.values)}  ({shown(e.file)}:{e.line})")
    for v in schema.views:
        lines.append(f"{'materialized view' if v.materialized else 'view'} {v.key}  ({shown(v.file)}:{v.line})")
    if schema.diagnostics:
        lines.append("")
        for d in schema.diagnostics:
            lines.append(f"{project.show(d).where() or '-'}: {d.severity}: {d.message}")
    return "\n".join(lines) + "\n"
