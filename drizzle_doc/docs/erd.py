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
#: what Mermaid's erDiagram lexer takes as an attribute's type or name (ATTRIBUTE_WORD:
#: ``[*A-Za-z_\u00C0-\uFFFF][A-Za-z0-9\-_\[\]()\u00C0-\uFFFF*]*``), U+00C0-U+FFFF written as
#: "not below U+00C0 and not astral": the same characters, compiled 30 times faster (7 ms per run)
_WIDE = r"[^\x00-\xbf\U00010000-\U0010ffff]"
_ATTRIBUTE_WORD = re.compile(rf"(?:[*A-Za-z_]|{_WIDE})(?:[A-Za-z0-9\-_\[\]()*]|{_WIDE})*")
_QUOTED_BAD = re.compile(r'["%\\\r\n\v\b]')


def mermaid_id(key: str) -> str:
    """A Mermaid entity id for a table key (``public.users`` -> ``users``, ``auth.users`` ->
    ``auth__users``); a diagram shows the real name through an alias (see :func:`entity_head`)."""
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


def display_key(key: str) -> str:
    schema, _, name = key.partition(".")
    return name if unqualified(schema) else key


def quoted(text: str) -> str:
    """A Mermaid quoted string for ``text`` (its lexer ends one at ``"`` and refuses ``%``, ``\\``)."""
    return '"' + (_QUOTED_BAD.sub(lambda m: {"\"": "'", "%": "pct"}.get(m.group(0), " "), text)[:200] or " ") + '"'


def entity_head(key: str, ident: str) -> str:
    """``users`` or ``auth__users["auth.users"]``: the entity with its real name where the id differs."""
    shown = display_key(key)
    return ident if shown == ident else f"{ident}[{quoted(shown)}]"


def mermaid_type(sql_type: str) -> tuple[str, bool]:
    """(the attribute's type word, exact): the SQL type itself where Mermaid takes it as one word
    (``varchar(255)``, ``text[]``), else its first word (``timestamp`` for ``timestamp with time
    zone``; the attribute's comment then carries the exact type)."""
    t = sql_type.strip()
    if _ATTRIBUTE_WORD.fullmatch(t):
        return t, True
    m = _ATTRIBUTE_WORD.match(t)
    word = m.group(0) if m else ""
    word = word.split("(")[0] if word.count("(") != word.count(")") else word
    return (word or "unknown")[:60], False


def _attribute_name(name: str) -> tuple[str, bool]:
    if _ATTRIBUTE_WORD.fullmatch(name):
        return name, True
    clean = _IDENT_BAD.sub("_", name) or "_"
    return (clean if clean[0].isalpha() or clean[0] == "_" else "c_" + clean), False


def _label(text: str) -> str:
    return quoted(text[:80] or "relation")


#: Entity blocks already drawn, by (id of the table, its Mermaid name, its columns): a table is drawn
#: on its own page, on each neighbour's and in the overview.  The table itself is kept to check the id.
_ENTITIES: dict[tuple, tuple[Table, str]] = {}


def _entity(t: Table, ident: str, key: str, only: Optional[frozenset] = None) -> str:
    """A table's ``erDiagram`` entity with its attributes (``only``: just these columns)."""
    head = entity_head(key, ident)
    cols = [c for c in t.columns if only is None or c.name in only]
    if not cols:
        return f"    {head} {{\n    }}"
    fk_cols = {c for fk in t.foreign_keys for c in fk.columns}
    pk_cols = set(t.pk_columns)
    uniq = {c.name for c in t.columns if c.unique}
    lines = [f"    {head} {{"]
    for c in cols:
        keys_ = [x for x, on in (("PK", c.name in pk_cols), ("FK", c.name in fk_cols),
                                  ("UK", c.name in uniq and c.name not in pk_cols)) if on]
        type_word, exact_type = mermaid_type(c.type)
        name, exact_name = _attribute_name(c.name)
        spec = f"        {type_word} {name}"
        if keys_:
            spec += " " + ",".join(keys_)
        notes = ([] if exact_name else [c.name]) + ([] if exact_type else [c.type])
        if notes:
            spec += " " + quoted(" ".join(notes))
        lines.append(spec)
    lines.append("    }")
    return "\n".join(lines)


def key_columns(t: Table, edges: Iterable[Edge], near: Iterable[str]) -> frozenset:
    """The columns of ``t`` a neighbour's diagram needs: its primary key and the columns of its
    relationships with the tables in ``near``."""
    near = set(near)
    out = set(t.pk_columns)
    for e in edges:
        if e.child == t.key and e.parent in near:
            out.update(e.child_columns)
        if e.parent == t.key and e.child in near:
            out.update(e.parent_columns)
    return frozenset(out)


def er_diagram(schema: Schema, keys: Iterable[str], edges: Iterable[Edge], *,
               attributes: bool = True, focus: Optional[str] = None, stubs: Iterable[str] = ()) -> str:
    """``erDiagram`` text (without the fence) for the tables in ``keys``.

    Only edges whose both ends are drawn appear.  ``attributes=False`` draws bare entities (used
    to keep large diagrams under Mermaid's size limit).  With ``focus`` only that table shows all
    its columns; the others show their key columns (those of their relationships with it).
    ``stubs`` are tables drawn with key columns only, for edges that leave ``keys``: an edge is
    drawn when its child is in ``keys`` and its parent in ``keys`` or ``stubs``.
    """
    tables = schema.tables_by_key()
    keys = [k for k in dict.fromkeys(keys) if k in tables]
    stubs = [k for k in dict.fromkeys(stubs) if k in tables and k not in keys]
    ids = _ids(keys + stubs)
    lines = ["erDiagram"]
    for k in keys + stubs:
        if not attributes:
            head = entity_head(k, ids[k])
            lines.append(f"    {head}" if head != ids[k] else f"    {ids[k]}")
            continue
        t = tables[k]
        only = None
        if (focus is not None and k != focus) or k in stubs:
            near = [focus] if focus is not None and k != focus else keys
            only = key_columns(t, _touching(edges, k), near)
        cache_key = (id(t), ids[k], only)
        cached = _ENTITIES.get(cache_key)
        if cached is None or cached[0] is not t:
            if len(_ENTITIES) > 100_000:
                _ENTITIES.clear()
            cached = _ENTITIES[cache_key] = (t, _entity(t, ids[k], k, only))
        lines.append(cached[1])
    drawn = set(keys)
    ends = drawn | set(stubs)
    seen: set[tuple] = set()
    if isinstance(edges, tuple):  # only the edges whose child is drawn, in their global order
        order = _edge_positions(edges)
        candidates = sorted({id(e): e for k in keys for e in edges_of(edges, k)[0]}.values(),
                            key=lambda e: order[id(e)])
    else:
        candidates = list(edges)
    for e in candidates:
        if e.child not in drawn or e.parent not in ends:
            continue
        left = "||" if (e.required or not e.child_columns) else "|o"
        right = "o|" if e.unique else "o{"
        line_ = "--" if e.enforced else ".."
        label = ", ".join(e.child_columns) or (e.through and f"through {e.through}") or \
            ", ".join(e.parent_relations + e.child_relations) or "relation"
        rel = f"    {ids[e.parent]} {left}{line_}{right} {ids[e.child]} : {_label(label)}"
        if rel not in seen:
            seen.add(rel)
            lines.append(rel)
    return "\n".join(lines) + "\n"


def _touching(edges, key: str) -> list:
    if isinstance(edges, tuple):
        a, b = edges_of(edges, key)
        return a + b
    return [e for e in edges if key in (e.child, e.parent)]


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


# ---------------------------------------------------------------------------
# Index diagrams: tables clustered by their relationships
# ---------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class DiagramPart:
    """One index diagram: ``keys`` drawn whole, ``stubs`` (tables of other parts that ``keys``
    reference) with their key columns, so every relationship whose child is in ``keys`` is drawn."""

    title: str
    keys: tuple[str, ...]
    stubs: tuple[str, ...] = ()


def diagram_parts(schema: Schema, edges: tuple, limit: int) -> list[DiagramPart]:
    """The index diagrams: one when the schema has at most ``limit`` tables; else the connected
    groups of relationships, each at most ``limit`` tables (small groups share a diagram, a larger
    one is cut around its most connected tables, with the tables across a cut drawn as stubs), and
    the tables without relationships together.  Every relationship is drawn in exactly one part."""
    keys = [t.key for t in schema.tables]
    if len(keys) <= limit:
        return [DiagramPart("All tables", tuple(keys))]
    known = set(keys)
    adj: dict[str, set[str]] = {k: set() for k in keys}
    parents: dict[str, set[str]] = {k: set() for k in keys}
    for e in edges:
        if e.child in known and e.parent in known and e.child != e.parent:
            adj[e.child].add(e.parent)
            adj[e.parent].add(e.child)
            parents[e.child].add(e.parent)
    order = {k: i for i, k in enumerate(keys)}
    seen: set[str] = set()
    components: list[list[str]] = []
    for k in keys:
        if k in seen:
            continue
        comp, queue = [], [k]
        seen.add(k)
        while queue:
            x = queue.pop()
            comp.append(x)
            for y in sorted(adj[x], key=order.get):
                if y not in seen:
                    seen.add(y)
                    queue.append(y)
        components.append(sorted(comp, key=order.get))
    lonely = [c[0] for c in components if len(c) == 1]
    groups = [c for c in components if len(c) > 1]
    parts: list[DiagramPart] = []
    small: list[list[str]] = []
    for comp in groups:
        if len(comp) > limit:
            parts += _cut(comp, adj, parents, order, limit)
        else:
            small.append(comp)
    # small groups share diagrams, largest first, each up to the limit
    bins: list[list[list[str]]] = []
    for comp in sorted(small, key=lambda c: (-len(c), order[c[0]])):
        for b in bins:
            if sum(len(c) for c in b) + len(comp) <= limit:
                b.append(comp)
                break
        else:
            bins.append([comp])
    for b in bins:
        hubs = [max(c, key=lambda k: (len(adj[k]), -order[k])) for c in b]
        title = " and ".join(display_key(h) for h in hubs[:2]) + (" and more" if len(hubs) > 2 else "")
        parts.append(DiagramPart(f"Around {title}", tuple(k for c in b for k in c)))
    for i in range(0, len(lonely), limit):
        n = "" if len(lonely) <= limit else f" (part {i // limit + 1})"
        parts.append(DiagramPart(f"Tables without relationships{n}", tuple(lonely[i:i + limit])))
    return parts


def _cut(comp: list[str], adj, parents, order, limit: int) -> list[DiagramPart]:
    """A connected group over ``limit`` tables, cut into parts that grow breadth-first from its most
    connected tables; each part's stubs are the parents its tables reference from other parts."""
    left = set(comp)
    pieces: list[tuple[str, set, set]] = []
    while left:
        hub = max(left, key=lambda k: (len(adj[k] & left), len(adj[k]), -order[k]))
        core: list[str] = []
        stubs: set[str] = set()
        queue = [hub]
        queued = {hub}
        while queue:
            x = queue.pop(0)
            new_stubs = (parents[x] - set(core) - {x}) - stubs
            size = len(core) + 1 + len(stubs - {x}) + len(new_stubs)
            if core and size > limit:
                continue
            core.append(x)
            stubs.discard(x)
            stubs |= new_stubs
            left.discard(x)
            for y in sorted(adj[x] & left, key=lambda k: (-len(adj[k] & left), order[k])):
                if y not in queued:
                    queued.add(y)
                    queue.append(y)
        pieces.append((hub, set(core), stubs - set(core)))
    # what is left after the big pieces (tables whose neighbours went elsewhere) shares diagrams
    bins: list[list] = []
    for hub, core, stubs in pieces:
        for b in bins:
            keys = b[1] | core
            joined = (b[2] | stubs) - keys
            if len(keys) + len(joined) <= limit:
                b[1], b[2] = keys, joined
                b[3] += 1
                break
        else:
            bins.append([hub, core, stubs, 0])
    return [DiagramPart(f"Around {display_key(hub)}" + (" and more" if more else ""),
                        tuple(sorted(core, key=order.get)), tuple(sorted(stubs, key=order.get)))
            for hub, core, stubs, more in bins]
