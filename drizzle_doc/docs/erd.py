"""How tables connect (foreign keys and ``relations()``), and Mermaid ``erDiagram`` text.

:func:`schema_edges` is the one place that decides which relationships exist,
which are enforced by the database, and their cardinality; pages, diagrams and
query examples all read it.  Mermaid text is built only from sanitised
identifiers, so nothing from the sources can break a diagram or its fence.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Iterable, Optional

from drizzle_doc.model import ForeignKey, Schema, Table, unqualified

#: Mermaid refuses diagram text longer than this by default (``maxTextSize``).
MERMAID_MAX_TEXT = 50_000


@dataclass(frozen=True, slots=True)
class Edge:
    """child.columns -> parent.columns, from a foreign key or from ``relations()``."""

    child: str  # table key "schema.name"
    parent: str
    child_columns: tuple[str, ...]  # SQL names; empty when relations() gives none
    parent_columns: tuple[str, ...]
    enforced: bool  # True when a foreign key backs it
    unique: bool = False  # child columns unique: one-to-one
    required: bool = False  # child columns NOT NULL
    fk: Optional[ForeignKey] = None
    child_relations: tuple[str, ...] = ()  # relation names declared on the child table
    parent_relations: tuple[str, ...] = ()  # relation names declared on the parent table
    through: Optional[str] = None


def _unique_cols(t: Table) -> set[tuple[str, ...]]:
    out = {tuple(sorted(u.columns)) for u in t.uniques}
    out |= {tuple(sorted(i.expressions)) for i in t.indexes
            if i.unique and i.where is None and not any(c.is_expression for c in i.columns)}
    if t.primary_key is not None:
        out.add(tuple(sorted(t.primary_key.columns)))
    out |= {(c.name,) for c in t.columns if c.unique or (c.primary_key and t.primary_key is None)}
    return out


def _not_null(t: Table, cols: Iterable[str]) -> bool:
    cs = [t.column(c) for c in cols]
    return bool(cs) and all(c is not None and (c.not_null or c.primary_key) for c in cs)


def schema_edges(schema: Schema) -> tuple[Edge, ...]:
    """Every relationship between tables, in a stable order (child table, then source order)."""
    tables = {t.key: t for t in schema.tables}
    edges: list[Edge] = []
    for t in schema.tables:
        uniq = _unique_cols(t)
        for fk in t.foreign_keys:
            edges.append(Edge(
                child=t.key, parent=f"{fk.foreign_schema}.{fk.foreign_table}",
                child_columns=fk.columns, parent_columns=fk.foreign_columns, enforced=True,
                unique=tuple(sorted(fk.columns)) in uniq, required=_not_null(t, fk.columns), fk=fk,
            ))
    # (child, parent) -> positions in `edges`, so matching a relation never scans every edge
    pairs: dict[tuple[str, str], list[int]] = {}
    for i, e in enumerate(edges):
        pairs.setdefault((e.child, e.parent), []).append(i)

    def add(edge: Edge) -> None:
        pairs.setdefault((edge.child, edge.parent), []).append(len(edges))
        edges.append(edge)

    # one(...) with fields: the declaring table is the child
    for t in schema.tables:
        uniq = _unique_cols(t)
        for r in t.relations:
            if r.kind != "one" or not r.fields:
                continue
            parent = f"{r.target_schema}.{r.target}"
            for i in pairs.get((t.key, parent), ()):
                e = edges[i]
                if e.child_columns == r.fields:
                    edges[i] = _with(e, child_relations=e.child_relations + (r.name,))
                    break
            else:
                add(Edge(
                    child=t.key, parent=parent, child_columns=r.fields, parent_columns=r.references,
                    enforced=False, unique=tuple(sorted(r.fields)) in uniq,
                    required=_not_null(t, r.fields), child_relations=(r.name,),
                ))
    # many(...) and one(...) without fields: the declaring table is the parent
    for t in schema.tables:
        for r in t.relations:
            if r.kind == "one" and r.fields:
                continue
            child = f"{r.target_schema}.{r.target}"
            if r.through:
                add(Edge(child=child, parent=t.key, child_columns=(), parent_columns=(),
                         enforced=False, parent_relations=(r.name,), through=r.through))
                continue
            cands = [i for i in pairs.get((child, t.key), ())
                     if edges[i].through is None
                     and (not r.relation_name or r.name not in edges[i].parent_relations)]
            free = [i for i in cands if not edges[i].parent_relations]
            pick = (free or cands or [None])[0]
            if pick is not None:
                e = edges[pick]
                edges[pick] = _with(e, parent_relations=e.parent_relations + (r.name,))
            else:
                add(Edge(child=child, parent=t.key, child_columns=(), parent_columns=(),
                         enforced=False, unique=r.kind == "one", parent_relations=(r.name,)))
    del tables
    return tuple(edges)


def _with(e: Edge, **kw) -> Edge:
    from dataclasses import replace

    return replace(e, **kw)


# ---------------------------------------------------------------------------
# Mermaid
# ---------------------------------------------------------------------------

_IDENT_BAD = re.compile(r"[^A-Za-z0-9_]")
_TYPE_BAD = re.compile(r"[^A-Za-z0-9_\-\[\]()]")
_LABEL_BAD = re.compile(r"[^A-Za-z0-9_ ,.()\-]")


def mermaid_id(key: str) -> str:
    """A Mermaid entity name for a table key (``public.users`` -> ``users``)."""
    schema, _, name = key.partition(".")
    raw = name if unqualified(schema) else f"{schema}__{name}"
    ident = _IDENT_BAD.sub("_", raw)
    if not ident or not ident[0].isalpha():
        ident = "t_" + ident
    return ident[:80]


def _ids(keys: Iterable[str]) -> dict[str, str]:
    out: dict[str, str] = {}
    used: set[str] = set()
    for k in sorted(set(keys)):
        base = mermaid_id(k)
        ident, n = base, 2
        while ident.lower() in used:
            ident, n = f"{base}_{n}", n + 1
        used.add(ident.lower())
        out[k] = ident
    return out


def mermaid_type(sql_type: str) -> str:
    t = _TYPE_BAD.sub("_", sql_type.strip().replace(" ", "_")) or "unknown"
    if not (t[0].isalpha() or t[0] == "_"):
        t = "t_" + t
    return t[:60]


def _label(text: str) -> str:
    return _LABEL_BAD.sub("_", text)[:80] or "_"


#: Entity blocks already drawn, by (id of the table, its Mermaid name): a table is drawn on its
#: own page, on each neighbour's and in the overview.  The table itself is kept to check the id.
_ENTITIES: dict[tuple[int, str], tuple[Table, str]] = {}


def _entity(t: Table, ident: str) -> str:
    """A table's ``erDiagram`` entity with its attributes."""
    if not t.columns:
        return f"    {ident} {{\n    }}"
    fk_cols = {c for fk in t.foreign_keys for c in fk.columns}
    pk_cols = set(t.primary_key.columns) if t.primary_key else set()
    pk_cols |= {c.name for c in t.columns if c.primary_key}
    uniq = {c.name for c in t.columns if c.unique}
    lines = [f"    {ident} {{"]
    for c in t.columns:
        keys_ = [x for x, on in (("PK", c.name in pk_cols), ("FK", c.name in fk_cols),
                                  ("UK", c.name in uniq and c.name not in pk_cols)) if on]
        name = _IDENT_BAD.sub("_", c.name) or "_"
        if not (name[0].isalpha() or name[0] == "_"):
            name = "c_" + name
        spec = f"        {mermaid_type(c.type)} {name}"
        if keys_:
            spec += " " + ",".join(keys_)
        lines.append(spec)
    lines.append("    }")
    return "\n".join(lines)


def er_diagram(schema: Schema, keys: Iterable[str], edges: Iterable[Edge], *,
               attributes: bool = True, focus: Optional[str] = None) -> str:
    """``erDiagram`` text (without the fence) for the tables in ``keys``.

    Only edges whose both ends are drawn appear.  ``attributes=False`` draws
    bare entities (used to keep large diagrams under Mermaid's size limit).
    """
    tables = schema.tables_by_key()
    keys = [k for k in dict.fromkeys(keys) if k in tables]
    ids = _ids(keys)
    lines = ["erDiagram"]
    for k in keys:
        if not attributes:
            lines.append(f"    {ids[k]}")
            continue
        t = tables[k]
        cached = _ENTITIES.get((id(t), ids[k]))
        if cached is None or cached[0] is not t:
            if len(_ENTITIES) > 100_000:
                _ENTITIES.clear()
            cached = _ENTITIES[(id(t), ids[k])] = (t, _entity(t, ids[k]))
        lines.append(cached[1])
    drawn = set(keys)
    seen: set[tuple] = set()
    if isinstance(edges, tuple):  # only the edges touching drawn tables, in their global order
        order = _edge_positions(edges)
        candidates = sorted({id(e): e for k in keys for e in edges_of(edges, k)[0]}.values(),
                            key=lambda e: order[id(e)])
    else:
        candidates = list(edges)
    for e in candidates:
        if e.child not in drawn or e.parent not in drawn:
            continue
        left = "||" if (e.required or not e.child_columns) else "|o"
        right = "o|" if e.unique else "o{"
        line_ = "--" if e.enforced else ".."
        label = ", ".join(e.child_columns) or (e.through and f"through {e.through}") or \
            ", ".join(e.parent_relations + e.child_relations) or "relation"
        rel = f"    {ids[e.parent]} {left}{line_}{right} {ids[e.child]} : \"{_label(label)}\""
        if rel not in seen:
            seen.add(rel)
            lines.append(rel)
    return "\n".join(lines) + "\n"


def fits(diagram: str) -> bool:
    return len(diagram) < MERMAID_MAX_TEXT


_EDGE_INDEX: dict[int, tuple] = {}
_EDGE_POS: dict[int, tuple] = {}


def _edge_positions(edges: tuple) -> dict[int, int]:
    cached = _EDGE_POS.get(id(edges))
    if cached is None or cached[0] is not edges:
        _EDGE_POS.clear()
        cached = _EDGE_POS[id(edges)] = (edges, {id(e): i for i, e in enumerate(edges)})
    return cached[1]


def edges_of(edges, key: str) -> tuple[list, list]:
    """(edges where ``key`` is the child, edges where it is the parent), indexed once per edge set."""
    cached = _EDGE_INDEX.get(id(edges))
    if cached is None or cached[0] is not edges:
        by_child: dict[str, list] = {}
        by_parent: dict[str, list] = {}
        for e in edges:
            by_child.setdefault(e.child, []).append(e)
            by_parent.setdefault(e.parent, []).append(e)
        _EDGE_INDEX.clear()
        cached = _EDGE_INDEX[id(edges)] = (edges, by_child, by_parent)
    return cached[1].get(key, []), cached[2].get(key, [])


def neighbourhood(table_key: str, edges: Iterable[Edge]) -> list[str]:
    """The table and its direct neighbours, the table first, then sorted."""
    near = set()
    as_child, as_parent = edges_of(edges, table_key) if isinstance(edges, tuple) else (list(edges), list(edges))
    for e in as_child:
        if e.child == table_key:
            near.add(e.parent)
    for e in as_parent:
        if e.parent == table_key:
            near.add(e.child)
    near.discard(table_key)
    return [table_key, *sorted(near)]
