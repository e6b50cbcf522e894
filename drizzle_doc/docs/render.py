"""Model -> Markdown page texts, in memory.  One jinja2 Environment.

Every decision (what a constraint is called, which relationship is enforced,
what an index is for, what is escaped and how) is made here in Python and
handed to the templates as ready-to-print, already-escaped strings; the
templates in ``templates/`` only lay them out.  ``--templates DIR`` puts a
folder in front of the bundled one, so any single template can be overridden.

Public API::

    render_docs(schema, project, history=None, settings=None, templates=None) -> dict[str, str]
    page_paths(schema) -> dict[str, str]          # table key -> page path inside the out dir

and, as stages (for :mod:`drizzle_doc.perf.render`, which renders table pages on two
cores and, for a large schema, each when read)::

    page_job(schema, project, ...) -> PageJob     # what every page is rendered from
    other_pages(job) -> dict[str, str]            # index, diagrams, groups
    table_pages(job, lo, hi) -> [(path, page)]    # the pages of schema.tables[lo:hi]

Everything here is pure: the same input gives byte-identical output, nothing is read
from or written to disk except the templates, and nothing knows of processes.
"""

from __future__ import annotations

import hashlib
import os
import posixpath
import re
import unicodedata
from datetime import datetime, timezone
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any, Iterable, Mapping, NamedTuple, Optional

if TYPE_CHECKING:
    from drizzle_doc.history.migrations import History, TableHistory
    from drizzle_doc.project import Project

from urllib.parse import quote

import jinja2

from drizzle_doc.dialects import dialect_for
from drizzle_doc.errors import DrizzleDocError

from drizzle_doc.docs.erd import DiagramPart, Edge, diagram_parts, er_diagram, fits, neighbourhood, schema_edges
from drizzle_doc.model import Column, Index, Schema, Table, UnknownPart, unqualified
from drizzle_doc.model.coverage import coverage
from drizzle_doc.project.settings import Settings
from drizzle_doc.docs.pages import md_cell, md_code, md_inline, md_text
from drizzle_doc.docs.performance import not_null_predicate, performance_notes
from drizzle_doc.docs.queries import is_time_column, query_examples, sample_block, search_kind
from drizzle_doc.resources import templates_dir

INDEX_PAGE = "README.md"
DIAGRAMS_DIR = "diagrams"
GROUPS_DIR = "groups"
#: Past this many tables the index diagram is split, by relationships, into diagrams of at most as many.
SPLIT_THRESHOLD = 25
#: The placeholder a page shows where a table has no JSDoc; ``check`` counts it.
PURPOSE_PLACEHOLDER = "_No description yet"
NO_MIGRATION = "_No migration found._"

# ---------------------------------------------------------------------------
# File names
# ---------------------------------------------------------------------------

_SAFE_STEM = re.compile(r"^[A-Za-z0-9_][A-Za-z0-9_.-]{0,99}$")
_RESERVED = {"readme", "index", "con", "prn", "aux", "nul",
             *(f"com{i}" for i in range(10)), *(f"lpt{i}" for i in range(10))}


def _hashed_stem(raw: str) -> str:
    norm = unicodedata.normalize("NFKD", raw)
    cleaned = re.sub(r"[^A-Za-z0-9_.-]+", "_", norm).strip("._-")[:60] or "table"
    return f"{cleaned}-{hashlib.sha256(raw.encode('utf-8', 'surrogatepass')).hexdigest()[:10]}"


def safe_stem(raw: str) -> str:
    """A file-name stem for any text: itself when harmless, else cleaned + a hash of the original."""
    if (_SAFE_STEM.match(raw) and raw.split(".")[0].lower() not in _RESERVED
            and not raw.endswith(".") and ".." not in raw):
        return raw
    return _hashed_stem(raw)


def _unique_stems(raws: Iterable[str]) -> dict[str, str]:
    """raw -> stem, unique even on case-insensitive file systems."""
    raws = sorted(set(raws))
    stems = {r: safe_stem(r) for r in raws}
    by_lower: dict[str, list[str]] = {}
    for r, s in stems.items():
        by_lower.setdefault(s.lower(), []).append(r)
    for group in by_lower.values():
        if len(group) > 1:
            for r in group:
                stems[r] = _hashed_stem(r)
    return stems


def display_name(table: Table) -> str:
    return table.name if unqualified(table.schema) else f"{table.schema}.{table.name}"


def page_paths(schema: Schema) -> dict[str, str]:
    """Table key -> page path relative to the out dir (``users.md``, ``catalog.products.md``)."""
    names = {t.key: display_name(t) for t in schema.tables}
    stems = _unique_stems(names.values())
    return {k: stems[n] + ".md" for k, n in sorted(names.items())}


# ---------------------------------------------------------------------------
# Jinja
# ---------------------------------------------------------------------------


#: a ``jinja2.BytecodeCache`` for compiled templates, given by :mod:`drizzle_doc.perf.templates`
#: (None: each run compiles them); the pages are the same either way
bytecode_cache: Optional[jinja2.BytecodeCache] = None


@lru_cache(maxsize=8)
def environment(override: Optional[str] = None) -> jinja2.Environment:
    paths = [override] if override else []
    paths.append(str(templates_dir()))
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(paths),
        autoescape=False,  # Markdown, not HTML: values arrive escaped for Markdown
        undefined=jinja2.StrictUndefined,
        keep_trailing_newline=True,
        trim_blocks=True,
        lstrip_blocks=True,
        auto_reload=False,  # templates do not change during a run: no stat per page
        bytecode_cache=bytecode_cache,
    )
    return env


def _render(template: str, templates: Optional[Path], **ctx: Any) -> str:
    env = environment(str(Path(templates).resolve()) if templates else None)
    text = env.get_template(template).render(**ctx)
    while "\n\n\n" in text:  # at most one blank line in a row (str.replace: 10x the regex's speed)
        text = text.replace("\n\n\n", "\n\n")
    return text.rstrip("\n") + "\n"


# ---------------------------------------------------------------------------
# Helpers shared by the view models
# ---------------------------------------------------------------------------


@lru_cache(maxsize=4096)
def _rel_link(target: str, out: str, root: str = "") -> str:
    """Relative link from the out dir to a root-relative file.

    ``out`` is relative to the project ``root``, or absolute when it lies outside it;
    then ``target`` is joined to ``root`` (never to the current folder).
    """
    if posixpath.isabs(out) or os.path.isabs(out):
        rel = os.path.relpath(os.path.join(root, target) if root else target, out)
    else:
        rel = posixpath.relpath(posixpath.normpath(target), posixpath.normpath(out) or ".")
    return quote(rel.replace(os.sep, "/"), safe="/._-~")


def _link(text: str, href: str) -> str:
    label = md_cell(text).replace("[", "\\[").replace("]", "\\]")
    return f"[{label}]({href})"


def _doc_text(doc) -> str:
    return doc.text.strip() if doc and doc.text else ""


def _sqlish(values: Iterable[str]) -> str:
    return ", ".join(md_code(v) for v in values)


def _page_link(key: str, paths: Mapping[str, str], label: Optional[str] = None, prefix: str = "") -> str:
    schema, _, name = key.partition(".")
    label = label or (name if unqualified(schema) else key)
    if key in paths:
        return _link(label, prefix + quote(paths[key], safe="/._-~"))
    return md_code(label) + " (not in these models)"


def _col_ref(key: str, cols: Iterable[str], paths: Mapping[str, str], prefix: str = "") -> str:
    schema, _, name = key.partition(".")
    base = name if unqualified(schema) else key
    label = base + "." + ",".join(cols) if len(tuple(cols)) == 1 else f"{base}({', '.join(cols)})"
    if key in paths:
        return _link(label, prefix + quote(paths[key], safe="/._-~"))
    return md_code(label)


# ---------------------------------------------------------------------------
# Migrations (from drizzle_doc.history.migrations, when it is there)
# ---------------------------------------------------------------------------


def _get(obj: Any, name: str, default: Any = None) -> Any:
    if obj is None:
        return default
    if _is_mapping(type(obj)):
        return obj.get(name, default)
    return getattr(obj, name, default)


@lru_cache(maxsize=None)
def _is_mapping(cls: type) -> bool:
    return issubclass(cls, Mapping)  # an ABC check is slow; there are only a few classes


def table_history(history: Optional[History], table: Table) -> Optional[TableHistory]:
    """The migration history of one table, from whatever ``history`` the migrations stage gives.

    Accepted: :class:`drizzle_doc.history.records.History` (``table(key)``), an object
    with ``for_table(table)``, or a mapping keyed by table key (``public.users``).
    A table history has ``created`` (``file``, ``tag``, ``when``) and ``changes``
    (each with ``summary`` and either ``file``/``tag``/``when`` or a ``migration``
    carrying them), and optionally ``added_in(column)``.
    """
    if history is None:
        return None
    if hasattr(history, "for_table"):
        return history.for_table(table)
    if isinstance(history, Mapping):
        return history.get(table.key)
    if callable(getattr(history, "table", None)):
        return history.table(table.key)
    return None


def _when(value: Any) -> str:
    if isinstance(value, (int, float)) and not isinstance(value, bool) and value > 0:
        secs = value / 1000 if value > 10**11 else value
        try:
            return datetime.fromtimestamp(secs, tz=timezone.utc).strftime("%Y-%m-%d")
        except (OverflowError, OSError, ValueError):  # not a date (year past 9999, NaN)
            return ""
    return md_inline(str(value)) if value else ""


def _ref(obj: Any, name: str) -> Any:
    """``obj.name``, else ``obj.migration.name`` (a change carries its migration)."""
    v = _get(obj, name)
    return v if v not in (None, "") else _get(_get(obj, "migration"), name)


def _migration_view(hist: Any, out: str, root: str = "") -> dict:
    created = _get(hist, "created")
    link = None
    items = []
    if created is not None and (_get(created, "file") or _get(created, "snapshot")):
        link = _migration_link(created, out, root)
        items.append({"when": _when(_get(created, "when")), "link": link, "summary": "table created"})
    for ch in _get(hist, "changes", ()) or ():
        f = str(_ref(ch, "file") or "")
        tag = str(_ref(ch, "tag") or "")
        snap = str(_ref(ch, "snapshot") or "")
        items.append({
            "when": _when(_ref(ch, "when")),
            "link": (_link(f, _rel_link(f, out, root)) if f
                     else _snapshot_link(tag, snap, out, root) if snap else md_code(tag)),
            "summary": md_inline(str(_get(ch, "summary", "") or "")),
        })
    return {"created": link, "changes": items}


def _migration_link(ref: Any, out: str, root: str) -> str:
    """A link to a migration's SQL file, else (a migration whose SQL file is gone) to its snapshot."""
    f = str(_get(ref, "file") or "")
    if f:
        return _link(f, _rel_link(f, out, root))
    return _snapshot_link(str(_get(ref, "tag") or ""), str(_get(ref, "snapshot") or ""), out, root)


def _snapshot_link(tag: str, snapshot: str, out: str, root: str) -> str:
    """``0001_tag`` (snapshot only), linked to the snapshot: the migration has no SQL file."""
    return _link(tag, _rel_link(snapshot, out, root)) + " (snapshot only: no SQL file)"


def _added_in(hist: Any, column: str) -> Optional[Any]:
    fn = getattr(hist, "added_in", None)
    return fn(column) if callable(fn) else None


# ---------------------------------------------------------------------------
# A table page
# ---------------------------------------------------------------------------



#: How a page names each part of a column that may be unknown (model ``UNKNOWN_PARTS``).
UNKNOWN_LABELS = {"name": "", "values": "values", "type": "type", "not_null": "nullability",
                  "primary_key": "primary key", "default": "default", "on_update": "on update",
                  "unique": "uniqueness", "references": "foreign key", "generated": "generated expression",
                  "identity": "identity", "ts_type": "TypeScript type", "mode": "mode"}


def unknown_note(u: UnknownPart) -> str:
    """``_default unknown (could not be evaluated statically: <reason>, file:line)_``; a column that
    could not be read at all is ``_unknown (…)_``."""
    where = f", {u.file}:{u.line}" if u.file and u.line else (f", {u.file}" if u.file else "")
    label = UNKNOWN_LABELS.get(u.part, u.part)
    text = f"{label + ' ' if label else ''}unknown (could not be evaluated statically: {u.reason}{where})"
    return "_" + md_cell(" ".join(text.split())) + "_"


def column_constraints(t: Table, c: Column, fks_by_col: Mapping[str, list], paths: Mapping[str, str]) -> list[str]:
    out: list[str] = []
    pk = t.pk_columns
    if c.name in pk:
        out.append("PK" if len(pk) == 1 else "PK (composite)")
    if c.not_null or c.name in pk:
        out.append("NOT NULL")
    if c.unique or any(u.columns == (c.name,) for u in t.uniques):
        out.append("UNIQUE")
    if c.default is not None:
        out.append("DEFAULT " + md_code(c.default))
    if c.identity is not None:
        out.append("IDENTITY " + ("ALWAYS" if c.identity.type == "always" else "BY DEFAULT"))
    if c.generated is not None:
        expr = c.generated.expression
        if not _parenthesized(expr):  # drizzle-kit's SQLite snapshot wraps it already
            expr = f"({expr})"
        out.append("GENERATED ALWAYS AS " + md_code(expr) + " " + c.generated.type.upper())
    if c.app_default:
        out.append("app default " + md_code(c.app_default) + " (set by drizzle, not the database)")
    if c.on_update:
        out.append("on update " + md_code(c.on_update) + " (set by drizzle)")
    for fk in fks_by_col.get(c.name, ()):
        i = fk.columns.index(c.name)
        ref = f"{fk.foreign_schema}.{fk.foreign_table}"
        out.append("FK → " + _col_ref(ref, (fk.foreign_columns[i],) if i < len(fk.foreign_columns) else (), paths))
    out.extend(unknown_note(u) for u in c.unknown)  # what is known first, then what is not
    return out


def _parenthesized(expr: str) -> bool:
    """``(…)`` wrapping the whole expression, as drizzle-kit's SQLite snapshot writes it."""
    if not (expr.startswith("(") and expr.endswith(")")):
        return False
    depth = 0
    for i, ch in enumerate(expr):
        depth += (ch == "(") - (ch == ")")
        if depth == 0 and i < len(expr) - 1:
            return False
    return True


def _column_description(c: Column, added: Any = None, created: Any = None) -> str:
    parts = []
    text = _doc_text(c.description)
    if text:
        parts.append(md_cell(text))
    if c.enum_values:
        parts.append("One of: " + ", ".join(md_code(v) for v in c.enum_values))
    for tag in c.description.tags if c.description else ():
        if tag.tag == "deprecated":
            parts.append("**Deprecated**" + (": " + md_cell(tag.text) if tag.text else ""))
    if added is not None and _get(added, "tag") and (_get(added, "tag"), _get(added, "file")) != (
            _get(created, "tag"), _get(created, "file")):
        parts.append("Added in " + md_code(str(_get(added, "tag"))))
    return "<br>".join(parts)


def _display_type(c: Column) -> str:
    if c.unknown and c.unknown_part("type") is not None:
        return "_unknown_"
    return md_code(c.type)


def index_purpose(t: Table, ix: Index, schema: Schema) -> str:
    """The JSDoc of an index, else a purpose derived from what it covers."""
    text = _doc_text(ix.description)
    if text:
        return md_inline(text)
    exprs = [ic.expression for ic in ix.columns]
    lead: list[str] = []
    for ic in ix.columns:
        if ic.is_expression:
            break
        lead.append(ic.expression)
    for fk in t.foreign_keys:
        n = len(fk.columns)
        if n and set(lead[:n]) == set(fk.columns) and len(lead) >= n and (ix.method or "btree") in ("btree", "hash"):
            other = fk.foreign_table if unqualified(fk.foreign_schema) else f"{fk.foreign_schema}.{fk.foreign_table}"
            if ix.where and not not_null_predicate(ix.where, fk.columns):
                return (f"serves joins from {md_inline(t.name)} to {md_inline(other)} that repeat its WHERE (not "
                        f"the foreign key's checks on deletes in {md_inline(other)})")
            return f"serves joins from {md_inline(t.name)} to {md_inline(other)} (and deletes in {md_inline(other)})"
    what = " and ".join(exprs)
    kind = search_kind(t, ix, None)
    dialect = schema_dialect(schema)
    cols = [t.column(c) for c in lead]
    at = next((i for i, c in enumerate(cols) if c is not None and is_time_column(dialect, c)), None)
    if kind:
        sentence = f"serves {kind} on {what}"
    elif (ix.method or "btree") == "btree" and at == 0:
        sentence = f"serves ranges of {lead[0]} and lists ordered by it"
    elif (ix.method or "btree") == "btree" and at is not None:
        sentence = f"serves lookups by {', '.join(lead[:at])}, ordered by {lead[at]}"
    else:
        sentence = f"looks up {t.name} by {what}"
    if ix.where:
        sentence += " (queries that repeat its WHERE)"
    if ix.unique:
        sentence = f"keeps {what} unique; " + sentence
    return md_inline(sentence)


def _index_view(t: Table, ix: Index, schema: Schema) -> dict:
    cols = []
    for ic in ix.columns:
        s = ic.expression
        if not ic.asc:
            s += " DESC"
        if ic.opclass:
            s += " " + ic.opclass
        cols.append(md_code(s))
    return {
        "name": md_code(ix.name),
        "columns": ", ".join(cols),
        "method": md_code(ix.method),
        "unique": ix.unique,
        "where": md_code(ix.where) if ix.where else "",
        "purpose": index_purpose(t, ix, schema),
    }


_ACTIONS = {None: "no action"}


def _relationships(t: Table, edges: tuple[Edge, ...], paths: Mapping[str, str]) -> list[dict]:
    from drizzle_doc.docs.erd import edges_of

    out = []
    as_child, as_parent = edges_of(edges, t.key)
    for e in as_child:
        if e.child == t.key:
            kind = "Belongs To"
            other = e.parent
            via = ", ".join(e.child_columns)
            names = e.child_relations
        else:
            continue
        out.append(_rel_item(kind, other, via, e, names, paths))
    for e in as_parent:
        if e.parent == t.key:
            if e.through:
                kind = "Has Many (through " + md_code(e.through) + ")"
            else:
                kind = "Has One" if e.unique else "Has Many"
            via = ", ".join(e.child_columns)
            out.append(_rel_item(kind, e.child, via, e, e.parent_relations, paths))
    return out


def _rel_item(kind: str, other: str, via: str, e: Edge, names: tuple[str, ...], paths) -> dict:
    child_name = e.child.partition(".")[2] if unqualified(e.child.partition(".")[0]) else e.child
    notes = []
    if e.fk is not None:
        notes.append(f"ON DELETE {e.fk.on_delete or 'no action'}")
    if names:
        notes.append("relation " + ", ".join(md_code(n) for n in names))
    if not e.enforced:
        notes.append("**not enforced by the database**: declared only in `relations()`")
    return {
        "kind": kind,
        "other": _page_link(other, paths),
        "via": (md_code(f"{child_name}.{via}") if "," not in via else md_code(f"{child_name}({via})")) if via else "",
        "notes": "; ".join(notes),
    }


def _constraints(t: Table, paths: Mapping[str, str]) -> list[dict]:
    out = []
    pk = t.pk_columns
    if pk:
        name = t.primary_key.name if t.primary_key is not None else f"{t.name}_pkey"
        out.append({"kind": "Primary Key", "name": md_code(name), "detail": _sqlish(pk), "reason": ""})
    for u in t.uniques:
        detail = _sqlish(u.columns) + (" (NULLS NOT DISTINCT)" if u.nulls_not_distinct else "")
        out.append({"kind": "Unique", "name": md_code(u.name), "detail": detail,
                    "reason": md_inline(_doc_text(u.description))})
    for c in t.checks:
        out.append({"kind": "Check", "name": md_code(c.name), "detail": md_code(c.expression),
                    "reason": md_inline(_doc_text(c.description))})
    for fk in t.foreign_keys:
        ref = f"{fk.foreign_schema}.{fk.foreign_table}"
        detail = (_sqlish(fk.columns) + " → " + _col_ref(ref, fk.foreign_columns, paths)
                  + f", ON DELETE {(fk.on_delete or 'no action').upper()}"
                  + f", ON UPDATE {(fk.on_update or 'no action').upper()}")
        out.append({"kind": "Foreign Key", "name": md_code(fk.name), "detail": detail,
                    "reason": md_inline(_doc_text(fk.description))})
    for p in t.policies:
        detail = f"{p.as_.lower()} row-level security policy for {p.for_} to {_sqlish(p.to)}"
        if p.using:
            detail += " using " + md_code(p.using)
        if p.with_check:
            detail += " with check " + md_code(p.with_check)
        out.append({"kind": "Policy", "name": md_code(p.name), "detail": detail, "reason": "", "sep": ": "})
    for row in out:
        row.setdefault("sep", " on ")
    return out


def _hand_written(t: Table, history: Any, out: str, root: str) -> list[str]:
    """The triggers, functions and views the migrations' hand-written SQL defines for ``t``."""
    fn = getattr(history, "objects_of", None)
    if not callable(fn):
        return []
    items = []
    for o in fn(t.key):
        obj, ref = o.obj, o.created
        where = _link(ref.file.rsplit("/", 1)[-1], _rel_link(ref.file, out, root)) if ref.file else md_code(ref.tag)
        name = obj.name.removeprefix("public.")
        others = [md_code(r.removeprefix("public.")) for r in obj.refs if r != t.key]
        if obj.kind == "trigger":
            runs = ", ".join(md_code(r.removeprefix("public.") + "()") for r in obj.refs)
            items.append(f"**Trigger** {md_code(name)}: {md_inline(obj.detail)}" + (f", runs {runs}" if runs else "")
                         + f" ({where})")
        elif obj.kind == "function":
            uses = (" reads or writes " + ", ".join(md_code(r.removeprefix("public.")) for r in obj.refs)) \
                if obj.refs else ""
            items.append(f"**Function** {md_code(name + '()')} ({md_inline(obj.detail)}){':' if uses else ''}{uses}"
                         f" ({where})")
        else:
            reads = ("; also reads " + ", ".join(others)) if others else ""
            items.append(f"**{obj.kind.capitalize()}** {md_code(name)} reads this table{reads} ({where})")
    return items


def _purpose(t: Table) -> str:
    text = _doc_text(t.description)
    extra = []
    for tag in t.description.tags if t.description else ():
        if tag.tag == "deprecated":
            extra.append("**Deprecated**" + (": " + md_inline(tag.text) if tag.text else ""))
        elif tag.tag == "see" and tag.text:
            extra.append("**See:** " + md_inline(tag.text))
    if text or extra:
        return "\n\n".join(([md_text(text)] if text else []) + extra)
    return (f"{PURPOSE_PLACEHOLDER}: add a JSDoc comment above "
            f"{md_code(t.declaration)} in {md_code(t.file or 'the models file')}._")


def _assumptions(statuses) -> list[dict]:
    words = {"holds": "holds", "exception": "exception", "broken": "does not hold"}
    return [{"number": a.number, "text": md_inline(a.text), "status": words[a.status],
             "detail": md_inline(re.sub(r"\s*\(assumption \d+:[^)]*\)$", "", a.detail))} for a in statuses]


def table_context(schema: Schema, t: Table, project: Project, paths: Mapping[str, str],
                  edges: tuple[Edge, ...], history: Optional[History] = None, assumptions: Any = ()) -> dict:
    out = str(getattr(project, "out", "docs/data/schemas"))
    fks_by_col: dict[str, list] = {}
    for fk in t.foreign_keys:
        for c in fk.columns:
            fks_by_col.setdefault(c, []).append(fk)
    root = str(getattr(project, "root", "") or "")
    location = (_link(f"{t.file}:{t.line}", _rel_link(t.file, out, root) + f"#L{t.line}")
                if t.file else "_unknown_")
    hist = table_history(history, t)
    migration = _migration_view(hist, out, root) if hist is not None else {"created": None, "changes": []}
    columns = [{
        "name": md_code(c.name),
        "type": _display_type(c),
        "constraints": ", ".join(column_constraints(t, c, fks_by_col, paths)),
        "description": _column_description(c, _added_in(hist, c.name), _get(hist, "created")),
    } for c in t.columns]
    imports = tuple(getattr(project, "imports", ()) or ())
    exs = query_examples(schema, t, edges, imports)
    sample = sample_block(schema, t, imports)
    diagram = er_diagram(schema, neighbourhood(t.key, edges), edges, focus=t.key)
    if not fits(diagram):
        diagram = er_diagram(schema, neighbourhood(t.key, edges), edges, attributes=False)
    return {
        "title": md_inline(display_name(t)),
        "name": md_inline(t.name),
        "schema": md_inline(t.schema),
        "location": location,
        "migration": migration,
        "no_migration": NO_MIGRATION,
        "purpose": _purpose(t),
        "rls": t.rls_enabled,
        "columns": columns,
        "relationships": _relationships(t, edges, paths),
        "indexes": [_index_view(t, ix, schema) for ix in t.indexes],
        "constraints": _constraints(t, paths),
        "hand_written": _hand_written(t, history, out, root),
        "hand_written_read": schema_dialect(schema).reads_hand_written_sql,
        "assumptions": _assumptions(assumptions),
        "queries": exs.code() if exs else "",
        "performance": performance_notes(t, schema),
        "sample_row": sample,
        "diagram": diagram,
    }


def schema_dialect(schema: Schema):
    return dialect_for(schema.dialect)


def _fence(code: str, lang: str) -> str:
    # names and comments inside code come from source text: none of it may read as a marker
    code = code.replace("<!--", "<!- -")
    if "```" in code:
        ticks = "`" * (max(len(m) for m in re.findall(r"`+", code)) + 1)
    else:  # no run of three backticks: three always fence it
        ticks = "```"
    return f"{ticks}{lang}\n{code.rstrip()}\n{ticks}"


# ---------------------------------------------------------------------------
# The index page and diagram pages
# ---------------------------------------------------------------------------


def resolve_table(schema: Schema, ref: str) -> Optional[str]:
    for t in schema.tables:
        if ref in (t.key, t.name, t.variable, display_name(t)):
            return t.key
    return None


def _split_diagrams(schema: Schema, edges, threshold: int) -> list[tuple[str, str, DiagramPart]]:
    """[(title, stem, part)] — one entry when the schema is small (see :func:`diagram_parts`)."""
    parts = diagram_parts(schema, edges, threshold)
    stems: set[str] = set()
    out = []
    for part in parts:
        stem = safe_stem(re.sub(r"[^A-Za-z0-9_.-]+", "-", part.title.lower()).strip("-")) or "diagram"
        base, n = stem, 2
        while stem in stems:
            stem, n = f"{base}-{n}", n + 1
        stems.add(stem)
        out.append((part.title, stem if len(parts) > 1 else "", part))
    return out


def _diagram_text(schema: Schema, keys, edges, stubs=()) -> str:
    d = er_diagram(schema, keys, edges, stubs=stubs)
    if not fits(d):
        d = er_diagram(schema, keys, edges, attributes=False, stubs=stubs)
    return d


class PageJob(NamedTuple):
    """What the pages of one schema are rendered from (see :func:`page_job`)."""

    schema: Schema
    project: Project
    paths: dict[str, str]  # table key -> page path
    edges: Any  # schema_edges(schema)
    history: Optional[History]
    statuses: Mapping  # table key -> assumption statuses
    templates: Optional[Path]
    settings: Settings


def render_docs(schema: Schema, project: Project, history: Optional[History] = None, settings: Optional[Settings] = None,
                templates: Optional[Path] = None) -> dict[str, str]:
    """Every page for ``schema``: ``{path relative to the out dir: content}``, sorted by path.

    ``history`` is the migrations history (see :func:`table_history`); ``settings``
    defaults to ``project.settings`` (``groups`` / ``viewpoints``,
    ``split_threshold``); ``templates`` is a folder whose templates override the
    bundled ones.  (:func:`drizzle_doc.perf.render.render_pages` gives the same pages,
    on two cores and, for a large schema, each when read.)
    """
    job = page_job(schema, project, history, settings, templates)
    pages = other_pages(job)
    pages.update(table_pages(job, 0, len(schema.tables)))
    return {path: pages[path] for path in sorted(pages)}


def page_job(schema: Schema, project: Project, history: Optional[History] = None, settings: Optional[Settings] = None,
             templates: Optional[Path] = None) -> PageJob:
    """What :func:`other_pages` and :func:`table_pages` render from (arguments as :func:`render_docs`)."""
    if settings is None:
        settings = project.settings
    from drizzle_doc.lint.rules import assumption_status

    try:
        statuses = assumption_status(schema, settings)
    except DrizzleDocError:  # a bad exception in settings: check reports it; pages still render
        statuses = assumption_status(schema, None)
    return PageJob(schema, project, page_paths(schema), schema_edges(schema), history, statuses, templates, settings)


def other_pages(job: PageJob) -> dict[str, str]:
    """The finished index, diagram and group pages, sorted by path (every page but the tables')."""
    from drizzle_doc.docs.pages import add_record

    schema, project, paths, edges, templates, settings = (job.schema, job.project, job.paths, job.edges,
                                                          job.templates, job.settings)
    threshold = settings.split_threshold or SPLIT_THRESHOLD
    pages: dict[str, str] = {}
    # diagrams: one block, or split pages
    parts = _split_diagrams(schema, edges, threshold)
    diagrams = []
    if len(parts) == 1:
        inline = _fence(_diagram_text(schema, parts[0][2].keys, edges), "mermaid")
    else:
        inline = ""
        for title, stem, part in parts:
            path = f"{DIAGRAMS_DIR}/{stem}.md"
            desc = ("Tables of other diagrams that these reference are drawn with their key columns only: "
                    + ", ".join(_page_link(k, paths, prefix="../") for k in part.stubs) + ".") if part.stubs else ""
            pages[path] = _render("diagram.md.j2", templates, title=md_inline(title),
                                  tables=[_page_link(k, paths, prefix="../") for k in part.keys],
                                  diagram=_fence(_diagram_text(schema, part.keys, edges, part.stubs), "mermaid"),
                                  description=desc)
            diagrams.append({"title": md_inline(title), "link": _link(title, quote(path, safe="/._-~")),
                             "count": len(part.keys)})
    groups = []
    group_stems = _unique_stems(g.name for g in settings.groups)
    for name, refs, desc in ((g.name, g.tables, g.description) for g in settings.groups):
        keys = [k for k in (resolve_table(schema, r) for r in refs) if k]
        missing = [r for r in refs if resolve_table(schema, r) is None]
        path = f"{GROUPS_DIR}/{group_stems[name]}.md"
        pages[path] = _render("diagram.md.j2", templates, title=md_inline(name),
                              tables=[_page_link(k, paths, prefix="../") for k in keys]
                              + [md_code(m) + " (no such table)" for m in missing],
                              diagram=_fence(_diagram_text(schema, keys, edges), "mermaid"),
                              description=md_text(desc))
        groups.append({"title": md_inline(name), "link": _link(name, quote(path, safe="/._-~")),
                       "count": len(keys), "description": md_inline(desc)})

    cov = coverage(schema)
    by_key = {tc.table: tc for tc in cov.tables}
    by_schema: dict[str, list[dict]] = {}
    for t in sorted(schema.tables, key=lambda t: (t.schema, t.name)):
        purpose = _doc_text(t.description).split("\n\n")[0]
        tc = by_key[t.key]
        by_schema.setdefault(t.schema, []).append({
            "name": "**" + md_cell(t.name) + "**",
            "purpose": md_cell(purpose) if purpose else "_No description yet_",
            "coverage": f"{tc.percent}% ({tc.covered}/{tc.total})",
            "link": _link(paths[t.key], quote(paths[t.key], safe="/._-~")),
        })
    enums = [{"name": md_code(e.name if unqualified(e.schema) else e.key),
              "members": ", ".join(md_code(v) for v in e.values) if e.unknown is None else unknown_note(e.unknown),
              "description": md_cell(_doc_text(e.description))} for e in schema.enums]
    views = [{"name": md_code(v.name if unqualified(v.schema) else v.key),
              "kind": "materialized view" if v.materialized else "view",
              "description": md_cell(_doc_text(v.description)),
              "location": _link(f"{v.file}:{v.line}", _rel_link(v.file, str(getattr(project, 'out', '')),
                                                                      str(getattr(project, 'root', '') or ''))
                                + f"#L{v.line}") if v.file else ""} for v in schema.views]
    totals = {
        "tables": len(schema.tables),
        "columns": sum(len(t.columns) for t in schema.tables),
        "foreign_keys": sum(len(t.foreign_keys) for t in schema.tables),
        "indexes": sum(len(t.indexes) for t in schema.tables),
        "enums": len(schema.enums),
        "views": len(schema.views),
        "documented": sum(1 for t in schema.tables if _doc_text(t.description)),
        "coverage": f"{cov.percent}% ({cov.covered}/{cov.total})",
    }
    pages[INDEX_PAGE] = _render(
        "index.md.j2", templates,
        schemas=_index_schemas(schema, by_schema),
        diagram=inline, diagrams=diagrams, groups=groups, enums=enums, views=views, totals=totals,
        sources=[md_code(f) for f in schema.files],
    )
    return {path: add_record(text) for path, text in sorted(pages.items())}


def _index_schemas(schema: Schema, by_schema: Mapping[str, list[dict]]) -> list[dict]:
    """The index's table groups: one per schema, headed by its name, except a default schema its
    users never name (MySQL's connection database, SQLite's ``main``): that group comes first and
    has no heading (``name`` is empty)."""
    dialect = dialect_for(schema.dialect)
    shown = {s: dialect.shown_schema(s) for s in by_schema}
    order = sorted(by_schema, key=lambda s: (shown[s] is not None, s))
    return [{"name": md_inline(shown[s]) if shown[s] is not None else "", "tables": by_schema[s]} for s in order]


def table_pages(job: PageJob, lo: int, hi: int) -> list[tuple[str, str]]:
    """The finished pages of ``schema.tables[lo:hi]``, in table order."""
    from drizzle_doc.docs.pages import add_record

    schema, paths, edges = job.schema, job.paths, job.edges
    out = []
    for t in schema.tables[lo:hi]:
        ctx = table_context(schema, t, job.project, paths, edges, job.history, job.statuses.get(t.key, ()))
        ctx["queries"] = _fence(ctx["queries"], "ts") if ctx["queries"] else ""
        ctx["sample_row"] = _fence(ctx["sample_row"], "ts")
        ctx["diagram"] = _fence(ctx["diagram"], "mermaid")
        out.append((paths[t.key], add_record(_render("table.md.j2", job.templates, **ctx))))
    return out
