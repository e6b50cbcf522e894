"""TypeScript drizzle-orm examples for a table: the queries its indexes serve, and its sample row.

Each example is chosen from what an index (or key) can do for a query, so none uses an operator
its index does not serve:

* the primary key and each unique key: a lookup by equality (an expression key such as
  ``lower(email)`` is queried through the same expression);
* a b-tree: equality on its leading columns, then ``orderBy`` + ``limit`` on the next one (its
  order); a time column alone: a range, newest first; the primary key: keyset pagination;
* a partial index: its ``WHERE`` repeated in the query (otherwise the planner cannot use it);
* GIN/GiST by what they index: full text with ``@@`` (``sql``), trigram ``ilike``, ``@>`` for
  jsonb (``sql``) and ``arrayContains`` for arrays; pgvector indexes order by their distance;
* foreign keys: joins (``leftJoin`` where the key is nullable), a self reference through an
  ``alias`` and its children; ``relations()``: a relational query ``with`` them.

Examples name the table's exported variable and its properties, and import it the way the
project's code does (:mod:`drizzle_doc.project.imports`); they type-check against drizzle-orm
(tests/test_render_tsc.py compiles every block with ``tsc``).  Values from the sources pass
through :func:`drizzle_doc.docs.pages.js_string`, so nothing can close the fence or fake a marker.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Optional

from drizzle_doc.dialects import get_dialect
from drizzle_doc.docs.erd import Edge, edges_of
from drizzle_doc.docs.pages import code_comment, js_string
from drizzle_doc.docs.samples import (base_type, cap, column_value, row_type_name, sample_row, singular, ts_ident,
                                      ts_prop)
from drizzle_doc.docs.performance import redundant_indexes
from drizzle_doc.model import Column, Index, Schema, Table
from drizzle_doc.project.imports import module_specifier

#: rows a list example asks for
PAGE = 50


def ts_access(obj: str, prop: str) -> str:
    return f"{obj}.{prop}" if ts_ident(prop) else f"{obj}[{js_string(prop)}]"


def required_columns(table: Table) -> tuple[Column, ...]:
    """Columns an insert must give: NOT NULL with no default of any kind.  A column's own primary
    key is NOT NULL to drizzle-orm's types even where drizzle-kit 1.0's SQLite snapshot states it
    nullable (``notNull && !primaryKey``), except an ``integer`` one: SQLite's rowid, which
    sqlite-core's ``integer().primaryKey()`` marks as having a default."""
    return tuple(
        c for c in table.columns
        if (c.not_null or (c.primary_key and base_type(c.type) != "integer")) and c.default is None and c.app_default is None and c.identity is None
        and c.generated is None and base_type(c.type) not in ("serial", "smallserial", "bigserial")
        and not (c.autoincrement and c.primary_key)
    )


@dataclass(frozen=True, slots=True)
class Example:
    title: str  # plain text (already safe)
    code: str  # TypeScript statements


@dataclass(frozen=True, slots=True)
class Examples:
    imports: tuple[str, ...]  # import lines
    examples: tuple[Example, ...]

    def code(self) -> str:
        parts = ["\n".join(self.imports)]
        for ex in self.examples:
            parts.append(f"// {code_comment(ex.title)}\n{ex.code}")
        return "\n\n".join(parts) + "\n"


_RESERVED = frozenset("""break case catch class const continue debugger default delete do else enum
export extends false finally for function if import in instanceof new null return super switch this
throw true try typeof var void while with yield let static implements interface package private
protected public await as any async type of db sql""".split())


def _param(prop: str) -> str:
    p = re.sub(r"[^A-Za-z0-9_$]", "_", prop)
    if not p or p[0].isdigit():
        p = "_" + p
    p = p[0].lower() + p[1:]
    return p + "Value" if p in _RESERVED else p


def _unique(name: str, used: set[str]) -> str:
    out, n = name, 2
    while out in used:
        out, n = f"{name}{n}", n + 1
    used.add(out)
    return out


# ---------------------------------------------------------------------------
# SQL text of an index (its WHERE, an expression) as a drizzle sql`` template
# ---------------------------------------------------------------------------

_QUOTED = re.compile(r'((?:"(?:[^"]|"")+"\.){0,2})"((?:[^"]|"")+)"|((?:`(?:[^`]|``)+`\.){0,2})`((?:[^`]|``)+)`')
_PARAM = re.compile(r"\$\d+|\?")


def sql_template(expr: str, table: Table, var: str) -> Optional[str]:
    """``"tasks"."status" in ('todo')`` -> ``${tasks.status} in ('todo')``: the expression with the
    table's columns as drizzle column references, or None where it holds a parameter (``$1``:
    the value is not in the source) or names something not of this table."""
    if _PARAM.search(re.sub(r"'(?:[^']|'')*'", "''", expr)):
        return None
    out, pos, bad = [], 0, False
    for m in _QUOTED.finditer(expr):
        name = (m.group(2) or m.group(4) or "").replace('""', '"').replace("``", "`")
        col = table.column(name)
        out.append(_template_text(expr[pos:m.start()]))
        if col is None:
            bad = True
            break
        out.append("${" + ts_access(var, col.property) + "}")
        pos = m.end()
    if bad:
        return None
    out.append(_template_text(expr[pos:]))
    return "".join(out)


def _template_text(s: str) -> str:
    return s.replace("\\", "\\\\").replace("`", "\\`").replace("${", "\\${")


def _plain_columns(table: Table, ix: Index) -> list[Column]:
    """The index's leading plain columns (up to its first expression)."""
    out = []
    for ic in ix.columns:
        col = table.column(ic.expression) if not ic.is_expression else None
        if col is None:
            break
        out.append(col)
    return out


# ---------------------------------------------------------------------------
# Building the examples
# ---------------------------------------------------------------------------


class _Builder:
    def __init__(self, schema: Schema, table: Table, edges, imports: tuple):
        self.schema, self.table, self.edges, self.rules = schema, table, edges, imports
        self.var = local_name(table)
        self.row_t = row_type_name(table)
        self.dialect = get_dialect(schema.dialect)
        self.ops: set[str] = set()
        self.used: set[str] = set()
        self.fn_names: set[str] = set()
        self.tables = {self.var: (table.file, table.variable == "default")}
        self.types = [f"type {self.row_t} = typeof {self.var}.$inferSelect;"]
        self.examples: list[Example] = []
        self.seen: set[tuple] = set()

    def col(self, c: Column, var: Optional[str] = None) -> str:
        return ts_access(var or self.var, c.property)

    def param(self, c: Column) -> tuple[str, str]:
        name = _unique(_param(c.property), self.used_params)
        return name, f"{name}: NonNullable<{self.row_t}[{js_string(c.property)}]>"

    def fn(self, name: str) -> str:
        return _unique(name, self.fn_names)

    def add(self, key: tuple, title: str, code: str) -> None:
        if key in self.seen:
            return
        self.seen.add(key)
        self.examples.append(Example(title, code))

    # -- lookups by keys and indexes ---------------------------------------------------------
    def lookup(self, cols: list[Column], title: str, one: bool, extra: Optional[str] = None,
               prefix: str = "find") -> None:
        self.used_params: set[str] = set()
        params, conds = [], []
        for c in cols:
            name, decl = self.param(c)
            params.append(decl)
            conds.append(f"eq({self.col(c)}, {name})")
            self.ops.add("eq")
        if extra:
            conds.append(extra)
            self.ops.add("sql")
        where = conds[0] if len(conds) == 1 else "and(" + ", ".join(conds) + ")"
        if len(conds) > 1:
            self.ops.add("and")
        by = "And".join(cap(_param(c.property)) for c in cols)
        singular_ = cap(singular(self.var))
        if one:
            fn = self.fn(f"{prefix}{singular_}By{by}")
            row = _unique(_param(singular(self.var)), self.used_params)
            chain = f"db.select().from({self.var}).where({where}).limit(1)"
            if len(chain) > 80:
                chain = f"db\n    .select()\n    .from({self.var})\n    .where({where})\n    .limit(1)"
            body = f"  const [{row}] = await {chain};\n  return {row};\n"
        else:
            fn = self.fn(f"list{cap(self.var)}By{by}")
            body = (f"  return db\n    .select()\n    .from({self.var})\n    .where({where})\n"
                    f"    .limit({PAGE});\n")
        self.add(("lookup", tuple(c.name for c in cols), extra, one), title,
                 f"export async function {fn}({', '.join(params)}) {{\n{body}}}")

    def ordered(self, eq_cols: list[Column], order: Column, desc: bool, title: str, extra: Optional[str] = None,
                since: bool = False) -> None:
        self.used_params = set()
        params, conds = [], []
        for c in eq_cols:
            name, decl = self.param(c)
            params.append(decl)
            conds.append(f"eq({self.col(c)}, {name})")
            self.ops.add("eq")
        if since:
            params.append(f"since: NonNullable<{self.row_t}[{js_string(order.property)}]>")
            conds.append(f"{'lte' if not desc else 'gte'}({self.col(order)}, since)")
            self.ops.add("lte" if not desc else "gte")
        if extra:
            conds.append(extra)
            self.ops.add("sql")
        if len(conds) > 1:
            self.ops.add("and")
        where = "" if not conds else (f"\n    .where({conds[0]})" if len(conds) == 1 else
                                      "\n    .where(and(" + ", ".join(conds) + "))")
        direction = "desc" if desc else "asc"
        self.ops.add(direction)
        by = "And".join(cap(_param(c.property)) for c in eq_cols)
        name = f"list{cap(self.var)}" + (f"By{by}" if by else "") + ("Since" if since else
                                                                    f"OrderedBy{cap(_param(order.property))}")
        fn = self.fn(name)
        self.add(("ordered", tuple(c.name for c in eq_cols), order.name, desc, extra), title,
                 f"export async function {fn}({', '.join(params)}) {{\n"
                 f"  return db\n    .select()\n    .from({self.var}){where}\n"
                 f"    .orderBy({direction}({self.col(order)}))\n    .limit({PAGE});\n}}")

    def keyset(self, pk: Column) -> None:
        self.ops.update({"gt", "asc"})
        fn = self.fn(f"page{cap(self.var)}")
        self.add(("keyset", pk.name), f"Page through {self.table.name} by {pk.name} (keyset: served by the primary key, "
                 f"stable under inserts)",
                 f"export async function {fn}(after?: {self.row_t}[{js_string(pk.property)}]) {{\n"
                 f"  return db\n    .select()\n    .from({self.var})\n"
                 f"    .where(after === undefined ? undefined : gt({self.col(pk)}, after))\n"
                 f"    .orderBy(asc({self.col(pk)}))\n    .limit({PAGE});\n}}")

    def raw_where(self, title: str, key: tuple, params: list[str], where: Optional[str], ops: set[str],
                  order: Optional[str] = None, name: str = "search", plural: bool = True) -> None:
        self.ops.update(ops)
        fn = self.fn(f"{name}{cap(self.var)}" if plural else name)
        where_line = f"\n    .where({where})" if where else ""
        order_line = f"\n    .orderBy({order})" if order else ""
        self.add(key, title,
                 f"export async function {fn}({', '.join(params)}) {{\n"
                 f"  return db\n    .select()\n    .from({self.var}){where_line}{order_line}\n"
                 f"    .limit({PAGE});\n}}")


def _is_time(b: _Builder, c: Column) -> bool:
    return is_time_column(b.dialect, c)


def is_time_column(dialect, c: Column) -> bool:
    """A column of moments (a ``Date`` in TypeScript, or a timestamp/date kept as a string)."""
    ts = dialect.ts_value_type(c) or ""
    base = base_type(c.type)
    return ts == "Date" or (ts == "string" and base.startswith(("timestamp", "date", "datetime")))


def _orderable(b: _Builder, c: Column) -> bool:
    ts = b.dialect.ts_value_type(c) or ""
    return ts in ("number", "bigint", "Date", "string") and not base_type(c.type).endswith("[]") \
        and base_type(c.type) not in ("uuid", "json", "jsonb", "tsvector")


def _index_examples(b: _Builder, ix: Index) -> None:
    t, var = b.table, b.var
    cols = _plain_columns(t, ix)
    extra = None
    if ix.where:
        extra_t = sql_template(ix.where, t, var)
        if extra_t is None:
            return  # its condition cannot be repeated: a query could not use this index
        extra = f"sql`{extra_t}`"
    partial = f"; partial: the query repeats its WHERE {code_comment(ix.where)}" if ix.where else ""
    method = (ix.method or "btree").lower()
    name = ix.name
    if method in ("gin", "gist"):
        _search_examples(b, ix, extra)
        return
    if method in ("hnsw", "ivfflat"):
        _vector_example(b, ix)
        return
    if method not in ("btree", "hash", "brin"):
        return
    if not cols:
        expr = _expression_lookup(b, ix)
        if expr is not None:
            b.used_params = set()
            b.ops.add("sql")
            fn = b.fn(f"find{cap(singular(var)) if ix.unique else cap(var)}By{cap(_param(expr[1].property))}"
                      f"{'IgnoringCase' if expr[3] in ('lower', 'upper') else ''}")
            row = _param(singular(var))
            body = (f"  const [{row}] = await db.select().from({var}).where({expr[0]}).limit(1);\n  return {row};\n"
                    if ix.unique else f"  return db.select().from({var}).where({expr[0]}).limit({PAGE});\n")
            b.add(("expr", ix.name), f"Look up {t.name} through {name} ({code_comment(ix.columns[0].expression)}"
                  f"{', unique' if ix.unique else ''}): the query repeats the indexed expression",
                  f"export async function {fn}({expr[2]}) {{\n{body}}}")
        return
    if method == "hash":
        b.lookup(cols[:1], f"Find {t.name} by {cols[0].name} ({name}: hash, equality only{partial})", False, extra)
        return
    if method == "brin" and _is_time(b, cols[0]):
        b.ordered([], cols[0], True, f"Newest {t.name} since a moment ({name}: BRIN serves the range{partial})",
                  extra, since=True)
        return
    if method == "brin":
        return
    if ix.unique and ix.where is None:
        b.lookup(cols, f"Look up {t.name} by {', '.join(c.name for c in cols)} ({name}: unique)", True)
        return
    # equality on the columns before the first time column; that one is a range and the order
    k = next((i for i, c in enumerate(cols) if _is_time(b, c)), None)
    if k is not None:
        desc = True
        what = f"{cap(t.name)} of one {', '.join(c.name for c in cols[:k])}, newest first" if k else \
            f"Newest {t.name} since a moment"
        b.ordered(cols[:k], cols[k], desc, f"{what} ({name} serves the "
                  f"{'filter and the order' if k else 'range and the order'}{partial})", extra, since=not k)
        return
    if len(cols) >= 2 and _orderable(b, cols[-1]):
        last = ix.columns[len(cols) - 1]
        b.ordered(cols[:-1], cols[-1], not last.asc,
                  f"{cap(t.name)} of one {', '.join(c.name for c in cols[:-1])}, ordered by {cols[-1].name} ({name} "
                  f"serves the filter and the order{partial}; its prefix also serves "
                  f"{', '.join(c.name for c in cols[:-1])} alone)", extra)
        return
    b.lookup(cols, f"{cap(t.name)} by {', '.join(c.name for c in cols)} ({name}{partial}"
             + (f"; its prefix also serves {cols[0].name} alone" if len(cols) > 1 else "") + ")",
             ix.unique and ix.where is None, extra)


_FUNC_OF_COLUMN = re.compile(r'^(lower|upper)\(\s*(?:"[^"]+"\.)*"([^"]+)"\s*\)$', re.I)


def _expression_lookup(b: _Builder, ix: Index) -> Optional[tuple[str, Column, str, str]]:
    """``lower("email")``: (where, column, parameter) repeating the expression."""
    if len(ix.columns) != 1 or ix.where:
        return None
    m = _FUNC_OF_COLUMN.match(ix.columns[0].expression.strip())
    col = b.table.column(m.group(2)) if m else None
    if col is None or (b.dialect.ts_value_type(col) or "") != "string":
        return None
    fn = m.group(1).lower()
    p = _param(col.property)
    return f"sql`{fn}(${{{b.col(col)}}}) = {fn}(${{{p}}})`", col, f"{p}: string", fn


_TSVECTOR_EXPR = re.compile(r"^to_tsvector\(\s*('[a-z_]+'(?:::regconfig)?)\s*,", re.I)


def _search_examples(b: _Builder, ix: Index, extra: Optional[str]) -> None:
    """GIN/GiST: the operator its operator class serves."""
    t, var = b.table, b.var
    ic = ix.columns[0]
    opclass = (ic.opclass or "").lower()
    col = t.column(ic.expression) if not ic.is_expression else None
    conds_extra = [extra] if extra else []
    name = ix.name
    if col is None:  # an expression: full text through the same to_tsvector(...)
        m = _TSVECTOR_EXPR.match(ic.expression.strip())
        tmpl = sql_template(ic.expression, t, var) if m else None
        if tmpl is None:
            return
        config = m.group(1).split("::")[0]
        where = f"sql`{tmpl} @@ websearch_to_tsquery({config}, ${{query}})`"
        first = next((c for c in t.columns if "${" + ts_access(var, c.property) + "}" in tmpl), None)
        b.raw_where(f"Full-text search in {t.name} ({name}: the query repeats its to_tsvector expression)",
                    ("fts", name), ["query: string"], _and([where, *conds_extra], b), {"sql"},
                    name=f"search{cap(var)}" + (f"By{cap(_param(first.property))}" if first else ""), plural=False)
        return
    base = base_type(col.type)
    access = b.col(col)
    by = cap(_param(col.property))
    plural = cap(b.var)
    if "trgm" in opclass:
        b.raw_where(f"Substring search on {col.name} ({name}: trigram {ix.method.upper()} serves ILIKE '%…%')",
                    ("trgm", name), ["term: string"], _and([f"ilike({access}, `%${{term}}%`)", *conds_extra], b),
                    {"ilike"}, name=f"search{plural}By{by}", plural=False)
    elif base == "tsvector" or (b.dialect.ts_value_type(col) == "string" and "tsvector" in col.type):
        b.raw_where(f"Full-text search on {col.name} ({name}: {ix.method.upper()} serves @@)", ("fts", name),
                    ["query: string"], _and([f"sql`${{{access}}} @@ websearch_to_tsquery(${{query}})`", *conds_extra], b),
                    {"sql"}, name=f"search{plural}By{by}", plural=False)
    elif base in ("jsonb",) and ix.method.lower() == "gin":
        b.raw_where(f"{cap(t.name)} whose {col.name} contains a JSON fragment ({name}: GIN {opclass or 'jsonb_ops'} "
                    f"serves @>)", ("jsonb", name), ["fragment: Record<string, unknown>"],
                    _and([f"sql`${{{access}}} @> ${{JSON.stringify(fragment)}}::jsonb`", *conds_extra], b), {"sql"},
                    name=f"list{plural}By{by}", plural=False)
    elif base.endswith("[]") and ix.method.lower() == "gin":
        b.ops.add("arrayContains")
        el = f"{b.row_t}[{js_string(col.property)}]"
        b.raw_where(f"{cap(t.name)} whose {col.name} include all the given values ({name}: GIN serves @>)",
                    ("array", name), [f"values: NonNullable<{el}>"],
                    _and([f"arrayContains({access}, values)", *conds_extra], b), set(),
                    name=f"list{plural}With{by}", plural=False)


def _and(conds: list[str], b: _Builder) -> str:
    if len(conds) == 1:
        return conds[0]
    b.ops.add("and")
    return "and(" + ", ".join(conds) + ")"


def search_kind(table: Table, ix: Index, dialect) -> Optional[str]:
    """What a GIN/GiST/vector index serves, in words (``full-text search (@@)``), or None."""
    method = (ix.method or "btree").lower()
    if not ix.columns:
        return None
    ic = ix.columns[0]
    opclass = (ic.opclass or "").lower()
    if method in ("hnsw", "ivfflat"):
        fn = _DISTANCE.get(opclass)
        return f"nearest-neighbour search ({fn})" if fn else "nearest-neighbour search"
    if method not in ("gin", "gist"):
        return None
    if "trgm" in opclass:
        return "substring and similarity search (ILIKE '%…%', trigram)"
    col = table.column(ic.expression) if not ic.is_expression else None
    if col is None:
        return "full-text search (@@ on the same to_tsvector expression)" if _TSVECTOR_EXPR.match(
            ic.expression.strip()) else None
    base = base_type(col.type)
    if base == "tsvector":
        return "full-text search (@@)"
    if base == "jsonb":
        return "containment of JSON fragments (@>)" + ("" if opclass == "jsonb_path_ops" else ", key existence (?)")
    if base.endswith("[]"):
        return "array containment and overlap (@>, &&)"
    return None


_DISTANCE = {"vector_cosine_ops": "cosineDistance", "halfvec_cosine_ops": "cosineDistance",
             "vector_l2_ops": "l2Distance", "halfvec_l2_ops": "l2Distance",
             "vector_ip_ops": "innerProduct", "halfvec_ip_ops": "innerProduct"}


def _vector_example(b: _Builder, ix: Index) -> None:
    ic = ix.columns[0]
    col = b.table.column(ic.expression) if not ic.is_expression else None
    fn = _DISTANCE.get((ic.opclass or "").lower())
    if col is None or fn is None or ix.where:
        return
    b.raw_where(f"Nearest {b.table.name} to an embedding ({ix.name}: {ix.method} with {ic.opclass} orders by "
                f"{fn})", ("vector", ix.name), ["embedding: number[]"], None, {fn},
                order=f"{fn}({b.col(col)}, embedding)", name=f"nearest{cap(b.var)}", plural=False)


def query_examples(schema: Schema, table: Table, edges: tuple[Edge, ...], imports: tuple = ()) -> Optional[Examples]:
    """Examples for ``table``; None when it has no usable exported variable."""
    var = local_name(table)
    if not var or not table.file:
        return None
    b = _Builder(schema, table, edges, imports)
    tables = schema.tables_by_key()
    pk = [table.column(c) for c in table.pk_columns]
    pk = [c for c in pk if c is not None]
    if pk:
        b.lookup(pk, f"Look up {table.name} by primary key", True, prefix="get")
    keys: list[tuple[str, ...]] = [tuple(c.name for c in pk)]
    for c in table.columns:
        if c.unique and (c.name,) not in keys:
            keys.append((c.name,))
            b.lookup([c], f"Look up {table.name} by {c.name} (unique)", True)
    for u in table.uniques:
        if tuple(u.columns) not in keys and all(table.column(n) for n in u.columns):
            keys.append(tuple(u.columns))
            b.lookup([table.column(n) for n in u.columns], f"Look up {table.name} by {', '.join(u.columns)} "
                     f"({u.name}: unique)", True)
    redundant = redundant_indexes(table)
    for ix in table.indexes:
        plain = tuple(c.name for c in _plain_columns(table, ix))
        if ix.where is None and plain in keys and len(plain) == len(ix.columns):
            continue  # the key's own lookup above is this index's query
        if ix.name in redundant:
            continue  # another index serves its queries (the performance notes say so)
        _index_examples(b, ix)
    if len(pk) == 1 and _orderable(b, pk[0]):
        b.keyset(pk[0])
    _join_examples(b, schema, tables)
    _relational_example(b, pk)
    _insert_example(b, schema)
    imports_ = _import_lines(b, schema)
    return Examples(tuple(imports_), tuple(b.examples))


def _join_examples(b: _Builder, schema: Schema, tables) -> None:
    t, var = b.table, b.var
    for e in edges_of(b.edges, t.key)[0]:
        if e.child != t.key or not e.enforced or e.parent not in tables:
            continue
        parent = tables[e.parent]
        pvar = local_name(parent)
        if not pvar:
            continue
        cols = [t.column(c) for c in e.child_columns]
        pcols = [parent.column(p) for p in e.parent_columns]
        if any(c is None for c in cols + pcols):
            continue
        b.ops.add("eq")
        join = "innerJoin" if e.required else "leftJoin"
        if parent.key == t.key:  # a tree: the parent row through an alias, and a node's children
            up = e.child_relations[0] if e.child_relations else "parent"
            down = e.parent_relations[0] if e.parent_relations else "children"
            target = _unique(_param(up), b.used)
            b.ops.add("alias")
            conds = [f"eq({b.col(c)}, {ts_access(target, p.property)})" for c, p in zip(cols, pcols)]
            on = _and(conds, b)
            b.add(("selfjoin", e.child_columns), f"{cap(t.name)} with their {up} ({', '.join(e.child_columns)} → "
                  f"{', '.join(e.parent_columns)} of the same table, through an alias)",
                  f"const {target} = alias({var}, {js_string(target)});\n"
                  f"const {_unique(_param(singular(var) + 'With' + cap(_param(up))), b.used)} = await db\n"
                  f"  .select()\n  .from({var})\n  .{join}({target}, {on});")
            b.used_params = set()
            params, conds = [], []
            for c, p in zip(cols, pcols):
                name = _unique(_param(p.property), b.used_params)
                params.append(f"{name}: {b.row_t}[{js_string(p.property)}]")
                conds.append(f"eq({b.col(c)}, {name})")
            fn = b.fn(f"list{cap(singular(var))}{cap(_param(down))}")
            b.add(("children", e.child_columns), f"The {down} of one {singular(t.name)}: rows whose "
                  f"{', '.join(e.child_columns)} is its {', '.join(e.parent_columns)}",
                  f"export async function {fn}({', '.join(params)}) {{\n"
                  f"  return db.select().from({var}).where({_and(conds, b)});\n}}")
            continue
        b.tables[pvar] = (parent.file, parent.variable == "default")
        conds = [f"eq({b.col(c)}, {ts_access(pvar, p.property)})" for c, p in zip(cols, pcols)]
        other = cap(singular(pvar))
        name = _unique(_param(f"{singular(var)}With{other}"), b.used)
        how = "inner join: the key is NOT NULL" if e.required else "left join: the key may be NULL"
        b.add(("join", e.child_columns, e.parent), f"Join {t.name} to {parent.name} through "
              f"{', '.join(e.child_columns)} ({how})",
              f"const {name} = await db\n  .select()\n  .from({var})\n  .{join}({pvar}, {_and(conds, b)});")


def _relational_example(b: _Builder, pk: list[Column]) -> None:
    rel_names = [r.name for r in b.table.relations]
    if not rel_names or b.table.variable != b.var:  # db.query knows a default export as `default`
        return
    with_ = ", ".join(f"{ts_prop(n)}: true" for n in rel_names)
    var = b.var
    if pk:
        b.used_params = set()
        params, conds = [], []
        for c in pk:
            name, decl = b.param(c)
            params.append(decl)
            conds.append(f"eq({b.col(c)}, {name})")
        b.ops.add("eq")
        where = _and(conds, b)
        fn = b.fn(f"get{cap(singular(var))}WithRelations")
        b.add(("relational",), f"One {singular(b.table.name)} with its related rows (relations(): "
              f"{', '.join(rel_names)})",
              f"export async function {fn}({', '.join(params)}) {{\n"
              f"  return db.query.{var}.findFirst({{\n    where: {where},\n    with: {{ {with_} }},\n  }});\n}}")
    else:
        b.add(("relational",), f"{cap(b.table.name)} with their related rows (relations(): {', '.join(rel_names)})",
              f"const {_param(var + 'WithRelations')} = await db.query.{var}.findMany({{\n"
              f"  with: {{ {with_} }},\n  limit: {PAGE},\n}});")


def _insert_example(b: _Builder, schema: Schema) -> None:
    table, var = b.table, b.var
    req = required_columns(table)
    row = {p: lit for p, lit, _ in sample_row(table, schema)}
    lits = []
    for c in req:
        value, ts = column_value(schema, table, c)
        lits.append((c, value))
    returning = b.dialect.insert_returning
    if all(v is not None for _, v in lits):
        body = "".join(f"    {ts_prop(c.property)}: {v},\n" for c, v in lits)
        code = f"const [created] = await db\n  .insert({var})\n  .values({{\n{body}  }})\n  .{returning}();" \
            if body else f"const [created] = await db.insert({var}).values({{}}).{returning}();"
    else:
        new_t = "New" + b.row_t
        b.types.append(f"type {new_t} = typeof {var}.$inferInsert;")
        keys = " | ".join(js_string(c.property) for c in req) or "never"
        code = (f"export async function create{b.row_t}(values: Pick<{new_t}, {keys}>) {{\n"
                f"  return db.insert({var}).values(values).{returning}();\n}}")
    del row
    cols_txt = ", ".join(c.name for c in req) or "no columns: every column has a default"
    b.add(("insert",), f"Insert a row into {table.name} with the required columns ({cols_txt})", code)


def _import_lines(b: _Builder, schema: Schema) -> list[str]:
    lines = []
    core = sorted(b.ops - {"alias"})
    if core:
        lines.append(f"import {{ {', '.join(core)} }} from \"drizzle-orm\";")
    if "alias" in b.ops:
        lines.append(f"import {{ alias }} from \"{b.dialect.core_package}\";")
    lines.append("import { db } from \"./db\"; // your drizzle() instance, created with { schema }")
    lines += table_imports(b.tables, b.rules)
    lines.append("")
    lines.extend(b.types)
    return lines


def local_name(table: Table) -> Optional[str]:
    """The name examples give the table: its exported variable, or for ``export default`` one made
    from its SQL name (imported as the default); None where there is no usable export."""
    if table.variable == "default":
        name = _param(re.sub(r"_+([a-z0-9])", lambda m: m.group(1).upper(), table.name.lower()))
        return name if ts_ident(name) else None
    return table.variable if table.variable and ts_ident(table.variable) else None


def table_imports(tables: dict[str, tuple[str, bool]], rules: tuple = ()) -> list[str]:
    """``import { a, b } from "…";`` lines for {local name: (file, default export)}, one per module."""
    by_spec: dict[str, list[str]] = {}
    defaults: dict[str, str] = {}
    for v, (f, default) in tables.items():
        spec = module_specifier(f, rules)
        if default:
            defaults[spec] = v
        else:
            by_spec.setdefault(spec, []).append(v)
    lines = []
    for spec in sorted(set(by_spec) | set(defaults)):
        names = (f"{{ {', '.join(sorted(by_spec[spec]))} }}" if spec in by_spec else "")
        if spec in defaults:
            names = defaults[spec] + (", " + names if names else "")
        lines.append(f"import {names} from {js_string(spec)};")
    return lines


def sample_block(schema: Schema, table: Table, imports: tuple = ()) -> str:
    """The Examples block: the sample row as a typed constant (or a bare object where the table has
    no exported variable to type it with)."""
    row = sample_row(table, schema)
    lines = []
    var = local_name(table)
    typed = bool(var) and bool(table.file)
    for prop, lit, origin in row:
        lines.append(f"  {ts_prop(prop)}: {lit},{'  // ' + code_comment(origin) if origin else ''}")
    body = "{\n" + "\n".join(lines) + ("\n" if lines else "") + "}"
    if not typed:
        return body
    row_t = row_type_name(table)
    head = table_imports({var: (table.file, table.variable == "default")}, imports)
    return ("\n".join(head) + f"\n\ntype {row_t} = typeof {var}.$inferSelect;\n\n"
            f"export const {_param(singular(var))}: {row_t} = {body};")
