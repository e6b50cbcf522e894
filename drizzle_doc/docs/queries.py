"""TypeScript drizzle-orm query examples and realistic sample rows for a table.

Everything is derived from the model, deterministically.  Examples only use
the table's exported variable and its column properties, and they type-check
against drizzle-orm (tests/test_render_tsc.py compiles them with ``tsc``).
Values from the sources pass through :func:`drizzle_doc.docs.pages.js_string`, so a
default or an enum value can never close the code fence or fake a marker.
"""

from __future__ import annotations

import hashlib
import re
from functools import lru_cache
from dataclasses import dataclass
from typing import Optional

from drizzle_doc.dialects import get_dialect
from drizzle_doc.docs.erd import Edge
from drizzle_doc.model import Column, Schema, Table
from drizzle_doc.docs.pages import code_comment, js_string

_IDENT = re.compile(r"^[A-Za-z_$][A-Za-z0-9_$]*$")

# SQL types whose TypeScript value is a string / number / boolean whatever the mode.
_STRING_TYPES = ("uuid", "text", "varchar", "character varying", "char", "character", "citext",
                 "inet", "cidr", "macaddr", "macaddr8", "interval", "time")
_NUMBER_TYPES = ("integer", "smallint", "serial", "smallserial", "real", "double precision")


_RESERVED = frozenset("""break case catch class const continue debugger default delete do else enum export extends
false finally for function if import in instanceof new null return super switch this throw true try typeof var
void while with""".split())


def ts_ident(name: str) -> bool:
    return bool(_IDENT.match(name)) and name not in _RESERVED


def ts_prop(name: str) -> str:
    """An object key: bare when it is an identifier."""
    return name if ts_ident(name) else js_string(name)


def ts_access(obj: str, prop: str) -> str:
    return f"{obj}.{prop}" if ts_ident(prop) else f"{obj}[{js_string(prop)}]"


@lru_cache(maxsize=4096)
def _base_type(sql_type: str) -> str:
    t = sql_type.strip().lower()
    return re.sub(r"\s*\(.*?\)", "", t).strip()


def _stable_int(*parts: str, mod: int = 1000) -> int:
    h = hashlib.sha256("\x00".join(parts).encode("utf-8")).hexdigest()
    return int(h[:8], 16) % mod


def _words(name: str) -> list[str]:
    return list(_words_of(name))


@lru_cache(maxsize=4096)
def _words_of(name: str) -> tuple[str, ...]:
    s = re.sub(r"([a-z0-9])([A-Z])", r"\1_\2", name)
    return tuple(w for w in re.split(r"[^A-Za-z0-9]+", s.lower()) if w)


def sample_value(table: Table, col: Column) -> tuple[Optional[str], bool]:
    """(TypeScript literal, certain) for a realistic value of ``col``.

    ``certain`` is False when the TypeScript type depends on a builder option the
    model does not record (``mode``, ``$type``): the literal is then only shown as
    data, never placed where the compiler would hold us to it.
    """
    return _sample_value(table.key, col.name, col.type, col.enum_values, col.ts_type, col.mode)


@lru_cache(maxsize=1 << 16)  # a page's row and its query examples ask for the same columns
def _sample_value(table_key: str, col_name: str, col_type: str, enum_values: tuple, ts_type: Optional[str],
                  mode: Optional[str] = None) -> tuple[Optional[str], bool]:
    base = _base_type(col_type)
    is_array = base.endswith("[]")
    words = _words(col_name)
    n = 1 + _stable_int(table_key, col_name, mod=97)
    if mode in ("timestamp", "timestamp_ms") and base in ("integer", "int"):  # sqlite-core: a Date
        return f'new Date("2024-01-{1 + n % 28:02d}T09:30:00.000Z")', ts_type is None
    if mode == "boolean" and base in ("integer", "int"):  # sqlite-core: a boolean
        return ("true" if n % 2 else "false"), ts_type is None
    if enum_values:
        return js_string(enum_values[0]), ts_type is None and not is_array
    if is_array:
        return "[]", False
    last = words[-1] if words else ""
    certain = ts_type is None
    if base == "uuid":
        h = hashlib.sha256(f"{table_key}.{col_name}".encode()).hexdigest()
        return js_string(f"{h[:8]}-{h[8:12]}-4{h[13:16]}-8{h[17:20]}-{h[20:32]}"), certain
    if base in ("boolean", "bool"):
        return ("true" if n % 2 else "false"), certain
    if base in _NUMBER_TYPES:
        return str(n), certain
    if base.startswith("timestamp"):
        return f'new Date("2024-01-{1 + n % 28:02d}T09:30:00.000Z")', False
    if base == "date":
        return js_string(f"2024-01-{1 + n % 28:02d}"), False
    if base in ("json", "jsonb"):
        return "{}", False
    if base in ("numeric", "decimal"):
        return js_string(f"{n}.50"), False
    if base == "bigint" or base == "bigserial":
        return str(n), False
    if any(base == t or base.startswith(t) for t in _STRING_TYPES):
        if "email" in words:
            return js_string(f"user{n}@example.com"), certain
        if last in ("url", "uri", "link") or "url" in words:
            return js_string(f"https://example.com/{n}"), certain
        if last in ("hash",) or "password" in words:
            return js_string("$argon2id$v=19$m=65536,t=3,p=4$c2FsdA$aGFzaA"), certain
        if last in ("token",) or "token" in words:
            return js_string(hashlib.sha256(f"{table_key}.{col_name}".encode()).hexdigest()[:32]), certain
        if last in ("name", "title", "label"):
            return js_string(f"Example {' '.join(words)} {n}".replace("  ", " ")), certain
        if last in ("slug",):
            return js_string(f"example-{n}"), certain
        if base == "inet":
            return js_string(f"192.0.2.{n % 255}"), certain
        if base == "time":
            return js_string("09:30:00"), certain
        return js_string(f"{' '.join(words) or 'value'} {n}"), certain
    return None, False


def default_literal(col: Column) -> Optional[str]:
    """The TypeScript value of a simple SQL default (``0``, ``'todo'``, ``false``), else None."""
    d = (col.default or "").strip()
    base = _base_type(col.type)
    if not d or base.endswith("[]"):
        return None
    if base in ("boolean", "bool") and d in ("true", "false"):
        return d
    if base in _NUMBER_TYPES and re.fullmatch(r"-?\d+(\.\d+)?", d):
        return d
    m = re.fullmatch(r"'((?:[^']|'')*)'(?:::[\w .\"]+)?", d)
    if m and (col.enum_values or any(base == t or base.startswith(t) for t in _STRING_TYPES)):
        return js_string(m.group(1).replace("''", "'"))
    return None


def required_columns(table: Table) -> tuple[Column, ...]:
    """Columns an insert must give: NOT NULL with no default of any kind."""
    return tuple(
        c for c in table.columns
        if c.not_null and c.default is None and c.app_default is None and c.identity is None
        and c.generated is None and _base_type(c.type) not in ("serial", "smallserial", "bigserial")
    )


def sample_row(table: Table) -> list[tuple[str, str, str]]:
    """[(property, TS literal, origin)] — a row as drizzle would return it."""
    row = []
    for c in table.columns:
        lit, _ = sample_value(table, c)
        lit = default_literal(c) or lit
        if c.default is not None:
            origin = f"default {c.default}"
        elif c.identity is not None or _base_type(c.type) in ("serial", "smallserial", "bigserial"):
            origin = "generated by the database"
        elif c.generated is not None:
            origin = "generated column"
        elif c.app_default:
            origin = f"set by {c.app_default}"
        elif c.enum_values:
            origin = "enum value"
        else:
            origin = ""
        if lit is None:
            lit = "null" if not c.not_null else "/* value */ undefined"
        if not c.not_null and not c.primary_key and c.default is None and c.app_default is None \
                and c.identity is None and c.generated is None and not c.enum_values \
                and _stable_int(table.key, c.name, "null", mod=3) == 0:
            lit, origin = "null", "nullable"
        row.append((c.property, lit, origin))
    return row


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


def _module_path(file: str) -> str:
    path = re.sub(r"\.(ts|mts|tsx)$", "", file)
    return path if path.startswith("../") else "./" + path  # a workspace package's file: ../../x


def _singular(var: str) -> str:
    if var.endswith("ies") and len(var) > 3:
        return var[:-3] + "y"
    if var.endswith("ses") or var.endswith("xes"):
        return var[:-2]
    if var.endswith("s") and not var.endswith("ss") and len(var) > 1:
        return var[:-1]
    return var + "Row"


def _cap(s: str) -> str:
    return s[:1].upper() + s[1:]


def _lookup_sets(table: Table) -> list[tuple[str, ...]]:
    """Column sets worth looking up by: PK first, then unique, then indexed (leading columns)."""
    sets: list[tuple[str, ...]] = []
    if table.primary_key is not None:
        sets.append(tuple(table.primary_key.columns))
    else:
        pk = tuple(c.name for c in table.columns if c.primary_key)
        if pk:
            sets.append(pk)
    for c in table.columns:
        if c.unique:
            sets.append((c.name,))
    for u in table.uniques:
        sets.append(tuple(u.columns))
    for ix in table.indexes:
        cols = []
        for ic in ix.columns:
            if ic.is_expression:
                break
            cols.append(ic.expression)
        if cols and ix.where is None:
            sets.append(tuple(cols))
    out: list[tuple[str, ...]] = []
    for s in sets:
        if s and s not in out and all(table.column(c) is not None for c in s):
            out.append(s)
    return out


def query_examples(schema: Schema, table: Table, edges: tuple[Edge, ...]) -> Optional[Examples]:
    """Examples for ``table``; None when it has no usable exported variable."""
    var = table.variable
    if not var or not ts_ident(var) or not table.file:
        return None
    tables = schema.tables_by_key()
    imports_tables = {var: table.file}
    ops: set[str] = set()
    used: set[str] = set()
    exs: list[Example] = []
    row_t = _cap(_singular(var))
    types = [f"type {row_t} = typeof {var}.$inferSelect;"]

    def col(t: Table, name: str) -> str:
        c = t.column(name)
        return ts_access(t.variable, c.property if c else name)

    # look-ups
    for i, cols in enumerate(_lookup_sets(table)):
        ops.add("eq")
        props = [table.column(c).property for c in cols]
        params = ", ".join(f"{_param(p)}: NonNullable<{row_t}[{js_string(p)}]>" for p in props)
        conds = [f"eq({col(table, c)}, {_param(p)})" for c, p in zip(cols, props)]
        where = conds[0] if len(conds) == 1 else "and(" + ", ".join(conds) + ")"
        if len(conds) > 1:
            ops.add("and")
        fn = ("get" if i == 0 else "find") + _cap(_singular(var)) + "By" + "And".join(_cap(_param(p)) for p in props)
        kind = "primary key" if i == 0 and (table.primary_key or any(c.primary_key for c in table.columns)) \
            else ", ".join(cols)
        exs.append(Example(
            f"Look up {table.name} by {kind}",
            f"export async function {fn}({params}) {{\n"
            f"  return db.select().from({var}).where({where});\n}}",
        ))
    # joins through each foreign key (this table is the child)
    from drizzle_doc.docs.erd import edges_of

    for e in (edges_of(edges, table.key)[0] if isinstance(edges, tuple) else edges):
        if e.child != table.key or not e.enforced or e.parent not in tables:
            continue
        parent = tables[e.parent]
        if not parent.variable or not ts_ident(parent.variable):
            continue
        imports_tables[parent.variable] = parent.file
        ops.add("eq")
        target, pre = parent.variable, ""
        if parent.key == table.key:  # self reference: join an alias
            target = _unique("parent", used)
            pre = f"const {target} = alias({var}, {js_string(target)});\n"
            ops.add("alias")
        conds = [f"eq({col(table, c)}, {ts_access(target, parent.column(p).property if parent.column(p) else p)})"
                 for c, p in zip(e.child_columns, e.parent_columns)]
        on = conds[0] if len(conds) == 1 else "and(" + ", ".join(conds) + ")"
        if len(conds) > 1:
            ops.add("and")
        other = "Parent" if parent.key == table.key else _cap(_singular(parent.variable))
        name = _unique(_param(f"{_singular(var)}With{other}"), used)
        exs.append(Example(
            f"Join {table.name} to {parent.name} through {', '.join(e.child_columns)}",
            f"{pre}const {name} = await db\n  .select()\n  .from({var})\n"
            f"  .innerJoin({target}, {on});",
        ))
    # relational queries where relations() exist
    rel_names = [r.name for r in table.relations]
    if rel_names:
        with_ = ", ".join(f"{ts_prop(n)}: true" for n in rel_names)
        exs.append(Example(
            f"Load {table.name} with related rows (relations())",
            f"const {_param(var + 'WithRelations')} = await db.query.{var}.findMany({{\n"
            f"  with: {{ {with_} }},\n  limit: 20,\n}});",
        ))
    # insert with exactly the required columns
    req = required_columns(table)
    lits = [(c, *sample_value(table, c)) for c in req]
    if all(cert and lit is not None for _, lit, cert in lits):
        body = "".join(f"    {ts_prop(c.property)}: {lit},\n" for c, lit, _ in lits)
        returning = _returning(schema.dialect)
        code = f"const [created] = await db\n  .insert({var})\n  .values({{\n{body}  }})\n  .{returning}();" \
            if body else f"const [created] = await db.insert({var}).values({{}}).{returning}();"
    else:
        new_t = "New" + row_t
        types.append(f"type {new_t} = typeof {var}.$inferInsert;")
        keys = " | ".join(js_string(c.property) for c in req) or "never"
        code = (f"export async function create{row_t}(values: Pick<{new_t}, {keys}>) {{\n"
                f"  return db.insert({var}).values(values).{_returning(schema.dialect)}();\n}}")
    cols_txt = ", ".join(c.name for c in req) or "no columns: every column has a default"
    exs.append(Example(f"Insert a {table.name} row with the required columns ({cols_txt})", code))

    imports = []
    core = sorted(ops - {"alias"})
    if core:
        imports.append(f"import {{ {', '.join(core)} }} from \"drizzle-orm\";")
    if "alias" in ops:
        imports.append(f"import {{ alias }} from \"{_core_package(schema.dialect)}\";")
    imports.append("import { db } from \"./db\"; // your drizzle() instance, created with { schema }")
    by_file: dict[str, list[str]] = {}
    for v, f in imports_tables.items():
        by_file.setdefault(f, []).append(v)
    for f in sorted(by_file):
        imports.append(f"import {{ {', '.join(sorted(by_file[f]))} }} from {js_string(_module_path(f))};")
    imports.append("")
    imports.extend(types)
    return Examples(tuple(imports), tuple(exs))


def _unique(name: str, used: set[str]) -> str:
    out, n = name, 2
    while out in used:
        out, n = f"{name}{n}", n + 1
    used.add(out)
    return out


_RESERVED = frozenset("""break case catch class const continue debugger default delete do else enum
export extends false finally for function if import in instanceof new null return super switch this
throw true try typeof var void while with yield let static implements interface package private
protected public await as any async type of db""".split())


def _param(prop: str) -> str:
    p = re.sub(r"[^A-Za-z0-9_$]", "_", prop)
    if not p or p[0].isdigit():
        p = "_" + p
    p = p[0].lower() + p[1:]
    return p + "Value" if p in _RESERVED else p


def _core_package(dialect: str) -> str:
    """The drizzle package whose ``alias`` a self-join imports (drizzle-orm/pg-core, …/sqlite-core)."""
    return get_dialect(dialect).core_package


def _returning(dialect: str) -> str:
    """What an insert returns: MySQL has no RETURNING; mysql-core's ``$returningId()`` gives the new keys."""
    return "$returningId" if dialect == "mysql" else "returning"
