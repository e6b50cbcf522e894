"""What one migration changed, in words: the differences :mod:`drizzle_doc.model.compare` finds between
a table before and after it, and between the enums."""

from __future__ import annotations

from typing import Optional

from drizzle_doc.model import compare
from drizzle_doc.model import Enum, Table



# ---------------------------------------------------------------------------
# Diffing two schemas
# ---------------------------------------------------------------------------


def cols(names) -> str:
    return ", ".join(names)


def _index_text(ix) -> str:
    return f"({cols(ix.expressions)})"


def norm_fk(fk):
    return (fk.columns, fk.foreign_schema or "public", fk.foreign_table, fk.foreign_columns,
            (fk.on_delete or "no action").lower(), (fk.on_update or "no action").lower())


# How the history words a named object: (label, what follows its name)
_NAMED_WORDS = {
    "index": ("index", lambda ix: ("unique " if ix.unique else "") + f"on {_index_text(ix)}"),
    "foreign_key": ("foreign key", lambda f: f"({cols(f.columns)} -> {f.foreign_table}.{cols(f.foreign_columns)})"),
    "unique": ("unique constraint", lambda u: f"on ({cols(u.columns)})"),
    "check": ("check constraint", lambda c: f"({c.expression})"),
    "primary_key": ("primary key", lambda p: f"on ({cols(p.columns)})"),
}


def _column_change(d: compare.Difference, right: Table, spelling) -> tuple[str, str]:
    old, c = d.left, d.right
    if d.aspect == "type":
        return "column.retyped", f"column {c.name} type changed from {old.type} to {c.type}"
    if d.aspect == "not_null":
        now = compare.effective_not_null(c, right, spelling)
        return "column.nullability", f"column {c.name} {'set NOT NULL' if now else 'made nullable'}"
    if d.aspect == "default":
        before, after = compare.effective_default(old), compare.effective_default(c)
        if after is None:
            return "column.default", f"column {c.name} default dropped (was {before})"
        if before is None:
            return "column.default", f"column {c.name} default set to {after}"
        return "column.default", f"column {c.name} default changed from {before} to {after}"
    if d.aspect == "primary_key":
        return "column.primary_key", f"column {c.name} primary key {'added' if c.primary_key else 'dropped'}"
    if d.aspect == "identity":
        if old.identity is not None and c.identity is not None:
            return "column.identity", f"column {c.name} identity changed from {old.identity.type} to {c.identity.type}"
        return "column.identity", f"column {c.name} identity {'added' if c.identity else 'dropped'}"
    if d.aspect == "autoincrement":
        return "column.autoincrement", f"column {c.name} autoincrement {'added' if c.autoincrement else 'dropped'}"
    if d.aspect == "on_update":
        now = compare.stored_on_update(c, spelling)
        return "column.on_update", f"column {c.name} ON UPDATE {'set to ' + now if now else 'dropped'}"
    if old.generated is not None and c.generated is not None:
        return "column.generated", f"column {c.name} generated expression changed"
    return "column.generated", f"column {c.name} generated expression {'added' if c.generated else 'dropped'}"


def table_changes(a: Table, b: Table, spelling) -> list[tuple[str, str, Optional[str], Optional[str]]]:
    """(kind, summary, column, target) for everything that differs between two versions,
    as :func:`drizzle_doc.model.compare.compare_tables` finds it."""
    out: list[tuple[str, str, Optional[str], Optional[str]]] = []
    worded: set[tuple[str, str]] = set()
    for d in compare.compare_tables(a, b, spelling):
        if d.kind == "column":
            if d.change == compare.ADDED:
                out.append(("column.added", f"column {d.name} added ({d.right.type})", d.name, None))
            elif d.change == compare.DROPPED:
                out.append(("column.dropped", f"column {d.name} dropped", d.name, None))
            else:
                kind, summary = _column_change(d, b, spelling)
                out.append((kind, summary, d.name, None))
        elif d.kind in _NAMED_WORDS:
            label, describe = _NAMED_WORDS[d.kind]
            if d.change == compare.DROPPED:
                out.append((f"{d.kind}.dropped", f"{label} {d.name} dropped", None, d.name))
            elif (d.kind, d.name) not in worded:  # one line for an object, whatever changed in it
                worded.add((d.kind, d.name))
                out.append((f"{d.kind}.{d.change}", f"{label} {d.name} {d.change} {describe(d.right)}".rstrip(),
                            None, d.name))
        elif d.kind == "rls":
            out.append(("rls", f"row level security {'enabled' if b.rls_enabled else 'disabled'}", None, None))
    return out


def enum_changes(a: dict[str, Enum], b: dict[str, Enum]):
    out = []
    for key, e in b.items():
        if key not in a:
            out.append(("enum.created", f"enum {key} created ({', '.join(e.values)})", key))
        elif a[key].values != e.values:
            added = [v for v in e.values if v not in a[key].values]
            removed = [v for v in a[key].values if v not in e.values]
            bits = []
            if added:
                bits.append("added " + ", ".join(added))
            if removed:
                bits.append("removed " + ", ".join(removed))
            out.append(("enum.changed", f"enum {key} values {'; '.join(bits) or 'reordered'}", key))
    for key in a:
        if key not in b:
            out.append(("enum.dropped", f"enum {key} dropped", key))
    return out
