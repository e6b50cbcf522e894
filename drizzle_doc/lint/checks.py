"""The rules themselves: one function per rule id, over one table.

Each takes the table and a :class:`Context` (the schema, the project's settings with each
rule's options, and the project's :class:`~drizzle_doc.dialects.base.Dialect`, whose core
package the fixes are written in) and returns ``(line, message, fix)`` per finding.  Levels,
excludes and exceptions are applied by :func:`drizzle_doc.lint.rules.run_rules`.  Pure.
"""

from __future__ import annotations

import re
from fnmatch import fnmatchcase
from typing import Any, Callable, NamedTuple, Optional, Sequence

from drizzle_doc.model import Column, Schema, Table
from drizzle_doc.model.coverage import described
from drizzle_doc.project.settings import Settings

EXCEPTION_TAG = "drizzle-doc-exception"

Hit = tuple[Optional[int], str, str]  # (line, message, fix)


class Context(NamedTuple):
    """What a rule may look at beyond its table."""

    schema: Schema
    settings: Settings
    dialect: Any  # drizzle_doc.dialects.base.Dialect
    related: frozenset  # keys of tables with a foreign key or relation in or out


def context(schema: Schema, settings: Settings) -> Context:
    from drizzle_doc.dialects import dialect_for

    related: set[str] = set()
    for t in schema.tables:
        for fk in t.foreign_keys:
            related.update((t.key, f"{fk.foreign_schema}.{fk.foreign_table}"))
        for r in t.relations:
            related.update((t.key, f"{r.target_schema}.{r.target}"))
    return Context(schema, settings, dialect_for(schema.dialect), frozenset(related))


def matches(t: Table, patterns: Sequence[str]) -> bool:
    """``t`` is named by one of ``patterns`` (its name, ``schema.name`` or TS variable, globs allowed)."""
    names = {t.name, t.key, t.variable} - {""}
    return any(fnmatchcase(n, p) for p in patterns for n in names)


def norm_name(s: str) -> str:
    """A column name compared loosely: case and underscores ignored (``created_at`` = ``createdAt``)."""
    return s.replace("_", "").lower()


def _snake(prop: str) -> str:
    return re.sub(r"(?<=[a-z0-9])([A-Z])", r"_\1", prop).lower()


def _names(items: Sequence[str], limit: int = 6) -> str:
    shown = ", ".join(f"`{x}`" for x in items[:limit])
    return shown + (f" and {len(items) - limit} more" if len(items) > limit else "")


def exc_hint(rule: str, t: Table) -> str:
    return (f"or except the table with `@{EXCEPTION_TAG} {rule} <reason>` in its JSDoc "
            f"(or `[exceptions.{rule}]` `{t.name} = \"<reason>\"` in drizzle-doc.toml)")


def _exclude_hint(rule: str, t: Table) -> str:
    return f"or leave the table out: `exclude = [\"{t.name}\"]` under `[rules.{rule}]` in drizzle-doc.toml"


# ---------------------------------------------------------------------------
# The spec's assumptions
# ---------------------------------------------------------------------------


def uuid_pk(t: Table, ctx: Context) -> list[Hit]:
    cols = t.pk_columns
    if not cols:
        return [(t.line, f"table `{t.name}` has no primary key (assumption 1: UUID primary keys)",
                 f"add `{ctx.dialect.uuid_key_code('id', 'id')}`, {exc_hint('uuid-pk', t)}")]
    bad = [c for c in (t.column(n) for n in cols) if c is not None and not ctx.dialect.is_uuid_key(c)]
    if not bad:
        return []
    c = bad[0]
    what = ", ".join(f"`{b.name}` is {b.type}" for b in bad)
    line = c.line or (t.primary_key.line if t.primary_key else None) or t.line
    return [(line, f"primary key of `{t.name}` is not UUID ({what}) (assumption 1: UUID primary keys)",
             f"use `{ctx.dialect.uuid_key_code(c.property, c.name)}`, {exc_hint('uuid-pk', t)}")]


def _has_column(t: Table, name: str) -> bool:
    want = norm_name(name)
    return any(norm_name(c.property) == want or norm_name(c.name) == want for c in t.columns)


def _missing_columns(t: Table, required: Sequence[tuple[str, Sequence[str]]]) -> list[str]:
    return [name for name, exclude in required if not matches(t, exclude) and not _has_column(t, name)]


def timestamps(t: Table, ctx: Context) -> list[Hit]:
    required = ctx.settings.option("timestamps", "columns")
    missing = _missing_columns(t, required)
    if not missing:
        return []
    label = "/".join(name for name, _ in required)
    names = " and ".join(f"`{m}`" for m in missing)
    code = " and ".join(
        f"`{ctx.dialect.timestamp_code(m, _snake(m), any(w in norm_name(m) for w in ('updat', 'modif')))}`"
        for m in missing)
    return [(t.line, f"table `{t.name}` has no {names} column{'s' if len(missing) > 1 else ''} "
                     f"(assumption 2: {label} timestamps)",
             f"add {code} (a shared `...timestamps` spread), " + exc_hint("timestamps", t))]


def fk_enforced(t: Table, ctx: Context) -> list[Hit]:
    out = []
    for r in t.relations:
        if not r.fields:
            continue  # the side without fields (many(), or the other end of a one-to-one)
        match = [fk for fk in t.foreign_keys
                 if set(fk.columns) == set(r.fields) and fk.foreign_table == r.target
                 and fk.foreign_schema == r.target_schema
                 and (not r.references or set(fk.foreign_columns) == set(r.references))]
        if match:
            continue
        cols = ", ".join(r.fields)
        refs = ", ".join(r.references) if r.references else "?"
        out.append((r.line or t.line,
                    f"relation `{r.name}` of `{t.name}` ({cols} -> {r.target}({refs})) is not enforced by a "
                    "foreign key (assumption 3: foreign keys are always enforced)",
                    f"add `.references(() => {r.target}.{r.references[0] if r.references else 'id'})` to the "
                    f"column (or a `foreignKey({{...}})`), then `drizzle-kit generate`; "
                    + exc_hint("fk-enforced", t)))
    return out


# ---------------------------------------------------------------------------
# Foreign keys and relations
# ---------------------------------------------------------------------------

_NOT_NULL = re.compile(r'^\(*\s*(?:[`"]?[\w$]+[`"]?\s*\.\s*)*[`"]?([\w$]+)[`"]?\s+is\s+not\s+null\s*\)*$', re.I)


def _only_not_null(where: str, cols: Sequence[str]) -> bool:
    """A partial index's predicate only asks that some of ``cols`` are not null: every row a
    foreign key lookup can match (``col = $1`` is never true of a null) is in the index."""
    parts = re.split(r"\s+and\s+", where.strip(), flags=re.I)
    for part in parts:
        m = _NOT_NULL.match(part.strip())
        if not m or m.group(1) not in cols:
            return False
    return True


def _leads(prefix: Sequence[str], cols: Sequence[str]) -> bool:
    """``cols`` starts with the columns of ``prefix``, in any order (an equality lookup on all of
    them uses every leading column)."""
    return len(cols) >= len(prefix) and set(cols[: len(prefix)]) == set(prefix)


class FkLookup(NamedTuple):
    """How the lookup of a foreign key's columns (all equal) is served on the referencing table."""

    ok: bool  # an index serves it on every row
    why: tuple[str, ...] = ()  # indexes that start with the columns but cannot serve it, and why
    part: Optional[tuple[str, tuple[str, ...]]] = None  # (index, columns): the most of a composite key one serves


def _part(cols: Sequence[str], lead: Sequence[str]) -> tuple[str, ...]:
    """The leading columns of ``lead`` that are columns of ``cols`` (no repeats)."""
    out: list[str] = []
    for c in lead:
        if c not in cols or c in out:
            break
        out.append(c)
    return tuple(out)


def fk_lookup_index(t: Table, cols: Sequence[str]) -> FkLookup:
    """Whether an index serves the lookup of ``cols`` (all equal) on every row.

    Counted: the primary key, unique constraints and indexes whose leading plain columns (up to
    the first expression) are ``cols`` in any order; a partial index only when its predicate is
    ``col IS NOT NULL`` on those columns; btree indexes, and hash ones on exactly those columns.
    When none does, says why those starting with ``cols`` cannot, and which serves the most of a
    composite key."""
    usable: list[tuple[str, tuple[str, ...]]] = []
    if t.pk_columns:
        usable.append((t.primary_key.name if t.primary_key else "the primary key", tuple(t.pk_columns)))
    usable += [(u.name, tuple(u.columns)) for u in t.uniques]
    why: list[str] = []
    for ix in t.indexes:
        lead: list[str] = []
        for c in ix.columns:
            if c.is_expression:
                break
            lead.append(c.expression)
        method = (ix.method or "btree").lower()
        whole = _leads(cols, lead)
        if (method == "hash" and len(lead) != len(cols)) or method not in ("btree", "hash"):
            if whole:
                why.append(f"`{ix.name}` is a {method} index, which cannot look up equal values of them")
            continue
        if ix.where and not _only_not_null(ix.where, cols):
            if whole:
                why.append(f"the partial index `{ix.name}` (WHERE {ix.where}) leaves rows out")
            continue
        usable.append((ix.name, tuple(lead)))
    if any(_leads(cols, lead) for _, lead in usable):
        return FkLookup(True)
    parts = [(name, _part(cols, lead)) for name, lead in usable]
    parts = [p for p in parts if p[1]]
    best = max(parts, key=lambda p: len(p[1]), default=None)
    return FkLookup(False, tuple(why), best)


def fk_index(t: Table, ctx: Context) -> list[Hit]:
    if ctx.dialect.indexes_foreign_keys:
        return []  # the database indexes every foreign key itself: no lookup scans the table
    out = []
    for fk in t.foreign_keys:
        found = fk_lookup_index(t, fk.columns)
        if found.ok:
            continue
        cols = ", ".join(fk.columns)
        props = [t.column(c).property if t.column(c) else c for c in fk.columns]
        if found.part:
            name, part = found.part
            cost = (f"deletes on the parent and joins read every row with the same {', '.join(part)} "
                    f"(`{name}` leads with {', '.join(part)} only)")
        else:
            cost = "deletes on the parent and joins scan the table"
        note = "".join(f"; {w}" for w in found.why)
        out.append((fk.line or t.line,
                    f"foreign key `{fk.name}` ({cols}) on `{t.name}` has no index starting with its "
                    f"column(s): {cost}{note}",
                    f"add `index(\"{t.name}_{'_'.join(fk.columns)}_idx\").on("
                    + ", ".join(f"t.{p}" for p in props) + ")` to the table's extra config, "
                    + exc_hint("fk-index", t)))
    return out


def duplicate_relations(t: Table, ctx: Context) -> list[Hit]:
    out = []
    seen: dict[tuple, str] = {}
    for fk in t.foreign_keys:
        key = ("fk", fk.foreign_schema, fk.foreign_table, tuple(sorted(zip(fk.columns, fk.foreign_columns))))
        if key in seen:
            what = "is declared twice" if seen[key] == fk.name else f"duplicates `{seen[key]}`"
            out.append((fk.line or t.line,
                        f"foreign key `{fk.name}` on `{t.name}` {what} "
                        f"({', '.join(fk.columns)} -> {fk.foreign_table}({', '.join(fk.foreign_columns)}))",
                        "remove one of them (two `.references()` on a column, or one and a `foreignKey()` on "
                        "the same columns, declare two constraints), " + _exclude_hint("duplicate-relations", t)))
        else:
            seen[key] = fk.name
    for r in t.relations:
        if not r.fields:
            continue
        key = ("rel", r.target_schema, r.target, tuple(sorted(zip(r.fields, r.references or ("?",) * len(r.fields)))))
        if key in seen:
            out.append((r.line or t.line,
                        f"relation `{r.name}` of `{t.name}` duplicates `{seen[key]}` "
                        f"({', '.join(r.fields)} -> {r.target}({', '.join(r.references) or '?'}))",
                        "remove one of them: both join the same columns, " + _exclude_hint("duplicate-relations", t)))
        else:
            seen[key] = r.name
    return out


def unrelated_tables(t: Table, ctx: Context) -> list[Hit]:
    if t.key in ctx.related:
        return []
    return [(t.line, f"table `{t.name}` has no foreign key or relation in or out",
             "add a foreign key (`.references(() => ...)`) or a `relations()` entry where it belongs to "
             "another table, " + _exclude_hint("unrelated-tables", t))]


# ---------------------------------------------------------------------------
# Shape and names
# ---------------------------------------------------------------------------


def primary_key(t: Table, ctx: Context) -> list[Hit]:
    if t.pk_columns:
        return []
    return [(t.line, f"table `{t.name}` has no primary key",
             "add `.primaryKey()` to a column or `primaryKey({ columns: [...] })` to the table, "
             + exc_hint("primary-key", t))]


def require_columns(t: Table, ctx: Context) -> list[Hit]:
    missing = _missing_columns(t, ctx.settings.option("require-columns", "columns"))
    if not missing:
        return []
    plural = "s" if len(missing) > 1 else ""
    return [(t.line, f"table `{t.name}` has no {' and '.join(f'`{m}`' for m in missing)} column{plural} "
                     "(required by [rules.require-columns])",
             f"add the column{plural}, or leave the table out: `columns = [{{ name = \"{missing[0]}\", "
             f"exclude = [\"{t.name}\"] }}]` under `[rules.require-columns]` in drizzle-doc.toml")]


def column_count(t: Table, ctx: Context) -> list[Hit]:
    most = ctx.settings.option("column-count", "max")
    if len(t.columns) <= most:
        return []
    return [(t.line, f"table `{t.name}` has {len(t.columns)} columns, more than column-count's max of {most}",
             "move columns that belong together (or are rarely read) into a table of their own, or raise `max` "
             "under `[rules.column-count]`, " + _exclude_hint("column-count", t))]


def name_pattern(t: Table, ctx: Context) -> list[Hit]:
    tables, columns = ctx.settings.option("name-pattern", "tables"), ctx.settings.option("name-pattern", "columns")
    out: list[Hit] = []
    fix = ("rename it in the models (the SQL name is the builder's first argument, or set `casing` in the "
           "drizzle config), or change the pattern under `[rules.name-pattern]`, " + _exclude_hint("name-pattern", t))
    if not re.fullmatch(tables, t.name):
        out.append((t.line, f"table name `{t.name}` does not match name-pattern's `tables` pattern `{tables}`", fix))
    bad: list[Column] = [c for c in t.columns if not re.fullmatch(columns, c.name)]
    if bad:
        out.append((bad[0].line or t.line,
                    f"column name{'s' if len(bad) > 1 else ''} {_names([c.name for c in bad])} of `{t.name}` "
                    f"do{'' if len(bad) > 1 else 'es'} not match name-pattern's `columns` pattern `{columns}`",
                    fix))
    return out


def descriptions(t: Table, ctx: Context) -> list[Hit]:
    s = ctx.settings
    skip = s.option("descriptions", "exclude-columns")
    table_missing = s.option("descriptions", "tables") and not described(t.description)
    cols = [c for c in t.columns if s.option("descriptions", "columns") and not described(c.description)
            and not any(fnmatchcase(n, p) for p in skip for n in (c.name, c.property))]
    if not table_missing and not cols:
        return []
    names = _names([c.name for c in cols])
    if table_missing and cols:
        msg = f"table `{t.name}` and {len(cols)} of its {len(t.columns)} columns have no description ({names})"
    elif table_missing:
        msg = f"table `{t.name}` has no description"
    else:
        msg = (f"{len(cols)} of the {len(t.columns)} columns of `{t.name}` "
               f"{'has' if len(cols) == 1 else 'have'} no description ({names})")
    above = []
    if table_missing:
        above.append(f"`{t.declaration}`")
    if cols:
        above.append("each of those columns' keys (" + ", ".join(f"`{c.property}:`" for c in cols[:3])
                     + (", …" if len(cols) > 3 else "") + ")")
    return [(t.line if table_missing else (cols[0].line or t.line), msg,
             "add a JSDoc comment (`/** What it holds and why. */`) above " + " and above ".join(above)
             + ", " + _exclude_hint("descriptions", t))]


Check = Callable[[Table, Context], list[Hit]]

#: Every rule id -> its check, in the order findings of one table are made.
CHECKS: dict[str, Check] = {
    "uuid-pk": uuid_pk,
    "timestamps": timestamps,
    "fk-enforced": fk_enforced,
    "fk-index": fk_index,
    "descriptions": descriptions,
    "primary-key": primary_key,
    "require-columns": require_columns,
    "duplicate-relations": duplicate_relations,
    "unrelated-tables": unrelated_tables,
    "column-count": column_count,
    "name-pattern": name_pattern,
}
