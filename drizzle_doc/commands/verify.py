"""``drizzle-doc verify``: hold the models against a live database (PostgreSQL, MySQL/MariaDB, SQLite).

Stages, each asked of the project's dialect: ``open_catalog`` (strictly read-only, short
timeouts, password masked in every message: PostgreSQL's :func:`connect`,
``dialects/mysql/catalog.py``, ``dialects/sqlite/catalog.py``) -> ``read_catalog`` (the
database as a model Schema, spelled as drizzle-kit's snapshot for that dialect) ->
:func:`compare` (drift as :class:`~drizzle_doc.model.Diagnostic` data, judged by the one
comparator in :mod:`drizzle_doc.model.compare` with the dialect's spelling) -> :func:`render`
(text, json or github annotations).

Drift codes (``Diagnostic.code``):

- ``db-only``: in the database but not in the models ("changed by hand, or a
  migration the models never got?");
- ``model-only``: in the models but not in the database ("migration not
  applied?");
- ``differs``: both have it, and they disagree.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from fnmatch import fnmatchcase
from typing import Callable, Iterable, Optional

from drizzle_doc.dialects import Dialect, UnsupportedDialect, get_dialect
from drizzle_doc.dialects.base import CatalogComments
from drizzle_doc.dialects.postgres import POSTGRES
from drizzle_doc.dialects.postgres.catalog import connect  # noqa: F401  (verify's PostgreSQL connection)
from drizzle_doc.dialects.postgres.identifiers import pg_name
from drizzle_doc.errors import UsageError
from drizzle_doc.masking import MASK, mask_text, mask_url  # noqa: F401  (one masking for every dialect)
from drizzle_doc.model import compare as schema_diff
from drizzle_doc.model import ERROR, WARNING, Diagnostic, Doc, Schema, Table

DB_ONLY = "db-only"
MODEL_ONLY = "model-only"
DIFFERS = "differs"
COMMENT_DIFFERS = "comment-differs"

HINT_DB_ONLY = "changed by hand, or a migration the models never got?"
HINT_MODEL_ONLY = "migration not applied?"
HINT_EXISTING = "declared .existing(): drizzle-kit never creates it, so it is made by hand or a custom migration"

DRIZZLE_MIGRATIONS_TABLE = "__drizzle_migrations"

# ---------------------------------------------------------------------------
# Scope
# ---------------------------------------------------------------------------


def scope_schemas(schema: Schema, schema_filter: Iterable[str] = (), dialect: Dialect = POSTGRES) -> tuple[str, ...]:
    """The schemas verify reads: the config's schemaFilter (PostgreSQL), else those the models use
    (MySQL: ``public`` is the URL's database, a ``mysqlSchema`` another database; SQLite: ``main``)."""
    wanted = tuple(schema_filter) if dialect.name == "postgresql" else ()
    if wanted:
        return tuple(sorted(set(wanted)))
    used = {t.schema for t in schema.tables} | {e.schema for e in schema.enums} | {v.schema for v in schema.views}
    return tuple(sorted(used or {dialect.default_schema or "public"}))


def table_in_filter(name: str, tables_filter: Iterable[str] = ()) -> bool:
    """drizzle-kit's ``tablesFilter``: globs, ``!glob`` excludes; empty means all."""
    patterns = tuple(tables_filter)
    if not patterns:
        return True
    positives = [p for p in patterns if not p.startswith("!")]
    negatives = [p[1:] for p in patterns if p.startswith("!")]
    if positives and not any(fnmatchcase(name, p) for p in positives):
        return False
    return not any(fnmatchcase(name, p) for p in negatives)


# ---------------------------------------------------------------------------
# Comparing
# ---------------------------------------------------------------------------


def _show(value) -> str:
    return "none" if value is None or value == "" else str(value)


class _Collector:
    def __init__(self) -> None:
        self.items: list[Diagnostic] = []

    def add(self, code: str, what: str, anchor, message: str, severity: str = ERROR) -> None:
        file = getattr(anchor, "file", "") or None if anchor is not None else None
        line = (getattr(anchor, "line", 0) or None) if file else None
        self.items.append(Diagnostic(severity=severity, file=file, line=line,
                                     message=f"{what}: {message}", code=code))

    def db_only(self, what: str, anchor=None) -> None:
        self.add(DB_ONLY, what, anchor, f"in the database but not in the models ({HINT_DB_ONLY})")

    def model_only(self, what: str, anchor, hint: str = HINT_MODEL_ONLY) -> None:
        self.add(MODEL_ONLY, what, anchor, f"in the models but not in the database ({hint})")

    def differs(self, what: str, anchor, aspect: str, db_value, model_value) -> None:
        self.add(DIFFERS, what, anchor,
                 f"{aspect} is {_show(db_value)} in the database but {_show(model_value)} in the models")


def _index_column_text(c) -> str:
    text = c.expression
    if c.opclass:
        text += f" {c.opclass}"
    if not c.asc:
        text += " DESC"
    if c.nulls == "first" and c.asc:
        text += " NULLS FIRST"
    if c.nulls == "last" and not c.asc:
        text += " NULLS LAST"
    return text


def _index_columns_text(index) -> str:
    return "(" + ", ".join(_index_column_text(c) for c in index.columns) + ")"


def pg_names(schema: Schema) -> Schema:
    """``schema`` with every identifier spelled as PostgreSQL stores it (see :func:`pg_name`)."""
    return stored_names(schema, pg_name)


def stored_names(schema: Schema, stored: Callable[[str], str]) -> Schema:
    """``schema`` with every identifier spelled as the database stores it (``stored``: the
    dialect's ``stored_identifier``; PostgreSQL cuts at 63 bytes)."""
    pg_name = stored

    def cols(names):
        return tuple(pg_name(n) for n in names)

    tables = []
    for t in schema.tables:
        tables.append(replace(
            t, name=pg_name(t.name),
            columns=tuple(replace(c, name=pg_name(c.name)) for c in t.columns),
            primary_key=replace(t.primary_key, name=pg_name(t.primary_key.name),
                                columns=cols(t.primary_key.columns)) if t.primary_key else None,
            foreign_keys=tuple(replace(f, name=pg_name(f.name), columns=cols(f.columns),
                                       foreign_table=pg_name(f.foreign_table),
                                       foreign_columns=cols(f.foreign_columns)) for f in t.foreign_keys),
            uniques=tuple(replace(u, name=pg_name(u.name), columns=cols(u.columns)) for u in t.uniques),
            checks=tuple(replace(c, name=pg_name(c.name)) for c in t.checks),
            indexes=tuple(replace(i, name=pg_name(i.name)) for i in t.indexes),
        ))
    return replace(
        schema, tables=tuple(tables),
        enums=tuple(replace(e, name=pg_name(e.name)) for e in schema.enums),
        views=tuple(replace(v, name=pg_name(v.name)) for v in schema.views),
    )


def compare(model: Schema, live: Schema, *, schemas: Iterable[str],
            tables_filter: Iterable[str] = (), dialect: Dialect = POSTGRES) -> tuple[Diagnostic, ...]:
    """Drift between the models and the live database, sorted (file, line, message).

    The model is first put in the shape the dialect's catalog states (``Dialect.as_catalog``:
    MySQL keeps a unique constraint as a unique index), and objects the database keeps no name
    for take the model's names where their columns agree (``Dialect.catalog_unnamed``)."""
    scope = set(schemas)
    model = stored_names(model, dialect.stored_identifier)
    model = replace(model, tables=tuple(dialect.as_catalog(t) for t in model.tables))
    out = _Collector()
    tf = tuple(tables_filter)

    def in_scope(schema: str, name: str) -> bool:
        return schema in scope and table_in_filter(name, tf) and name != DRIZZLE_MIGRATIONS_TABLE

    m_tables = {t.key: t for t in model.tables if in_scope(t.schema, t.name)}
    d_tables = {t.key: t for t in live.tables if in_scope(t.schema, t.name)}
    for key in sorted(set(d_tables) - set(m_tables)):
        out.db_only(f'table "{key}"')
    for key in sorted(set(m_tables) - set(d_tables)):
        out.model_only(f'table "{key}"', m_tables[key])
    for key in sorted(set(m_tables) & set(d_tables)):
        _compare_table(out, m_tables[key], d_tables[key], dialect)

    m_enums = {e.key: e for e in model.enums if e.schema in scope}
    d_enums = {e.key: e for e in live.enums if e.schema in scope}
    for key in sorted(set(d_enums) - set(m_enums)):
        out.db_only(f'enum "{key}"')
    for key in sorted(set(m_enums) - set(d_enums)):
        out.model_only(f'enum "{key}"', m_enums[key])
    for key in sorted(set(m_enums) & set(d_enums)):
        me, de = m_enums[key], d_enums[key]
        for v in de.values:
            if v not in me.values:
                out.db_only(f'enum value "{key}".\'{v}\'', me)
        for v in me.values:
            if v not in de.values:
                out.model_only(f'enum value "{key}".\'{v}\'', me)
        common_m = [v for v in me.values if v in de.values]
        common_d = [v for v in de.values if v in me.values]
        if common_m != common_d:
            out.differs(f'enum "{key}"', me, "the order of values",
                        ", ".join(common_d), ", ".join(common_m))

    m_views = {v.key: v for v in model.views if in_scope(v.schema, v.name)}
    d_views = {v.key: v for v in live.views if in_scope(v.schema, v.name)}
    for key in sorted(set(d_views) - set(m_views)):
        kind = "materialized view" if d_views[key].materialized else "view"
        out.db_only(f'{kind} "{key}"')
    for key in sorted(set(m_views) - set(d_views)):
        kind = "materialized view" if m_views[key].materialized else "view"
        out.model_only(f'{kind} "{key}"', m_views[key], HINT_EXISTING if m_views[key].existing else HINT_MODEL_ONLY)
    for key in sorted(set(m_views) & set(d_views)):
        mv, dv = m_views[key], d_views[key]
        if mv.materialized != dv.materialized:
            out.differs(f'view "{key}"', mv, "materialized", dv.materialized, mv.materialized)

    return tuple(sorted(out.items, key=Diagnostic.sort_key))


def _show_not_null(flag: bool) -> str:
    return "set" if flag else "not set"


def _show_generated(c) -> Optional[str]:
    """A generated column's expression, with its kind where it is not PostgreSQL's only one."""
    if c.generated is None:
        return None
    kind = c.generated.type.lower()
    return c.generated.expression if kind == "stored" else f"{c.generated.expression} ({kind})"


# How verify words each named object: (label, the database side's detail when only it has one)
_VERIFY_NAMED = {
    "foreign_key": ("foreign key", lambda f: f'({", ".join(f.columns)}) -> {f.foreign_schema}.{f.foreign_table}'),
    "unique": ("unique constraint", lambda u: f'({", ".join(u.columns)})'),
    "check": ("check constraint", lambda c: f"({c.expression})"),
    "index": ("index", lambda ix: _index_columns_text(ix)),
}


def _named_aspect(aspect: str, m, d, dialect: Dialect) -> tuple[str, object, object]:
    """(the aspect's words, the database's value, the models') for a named object."""
    if aspect == "columns" and hasattr(m, "method"):
        return "the column list", _index_columns_text(d), _index_columns_text(m)
    if aspect == "columns":
        return "the column list", f"({', '.join(d.columns)})", f"({', '.join(m.columns)})"
    if aspect == "target":
        return "the referenced column list", schema_diff.fk_target(d, dialect), schema_diff.fk_target(m, dialect)
    if aspect in ("on_delete", "on_update"):
        words = "ON DELETE" if aspect == "on_delete" else "ON UPDATE"
        return words, schema_diff.fk_action(getattr(d, aspect)), schema_diff.fk_action(getattr(m, aspect))
    if aspect == "nulls_not_distinct":
        return "NULLS NOT DISTINCT", _show_not_null(d.nulls_not_distinct), _show_not_null(m.nulls_not_distinct)
    if aspect == "expression":
        return "the expression", d.expression, m.expression
    if aspect == "unique":
        return "UNIQUE", _show_not_null(d.unique), _show_not_null(m.unique)
    if aspect == "method":
        return "the method", d.method, m.method
    return "the WHERE clause", d.where, m.where


def _compare_table(out: _Collector, mt: Table, dt: Table, dialect: Dialect = POSTGRES) -> None:
    """Report how the database's table ``dt`` differs from the model's ``mt``, as
    :func:`drizzle_doc.model.schema_diff.compare_tables` finds it (database on the left)."""
    key = mt.key
    pk_anchor = mt.primary_key or next((c for c in mt.columns if c.primary_key), mt)
    pk_names: dict[str, list] = {schema_diff.ADDED: [], schema_diff.DROPPED: []}
    dt = schema_diff.adopt_names(dt, mt, dialect.catalog_unnamed)
    for diff in schema_diff.compare_tables(dt, mt, dialect):
        name, dc, mc = diff.name, diff.left, diff.right
        if diff.kind == "column":
            what = f'column "{key}.{name}"'
            if diff.change == schema_diff.DROPPED:
                out.db_only(what, mt)
            elif diff.change == schema_diff.ADDED:
                out.model_only(what, mc)
            elif diff.aspect == "type":
                out.differs(what, mc, "the type", dc.type, mc.type)
            elif diff.aspect == "not_null":
                out.differs(what, mc, "NOT NULL", _show_not_null(schema_diff.effective_not_null(dc, dt, dialect)),
                            _show_not_null(schema_diff.effective_not_null(mc, mt, dialect)))
            elif diff.aspect == "default":
                out.differs(what, mc, "the default", schema_diff.effective_default(dc), schema_diff.effective_default(mc))
            elif diff.aspect == "identity":
                out.differs(what, mc, "identity",
                            f"generated {dc.identity.type}" if dc.identity else None,
                            f"generated {mc.identity.type}" if mc.identity else None)
            elif diff.aspect == "generated":
                out.differs(what, mc, "the generated expression", _show_generated(dc), _show_generated(mc))
            elif diff.aspect == "autoincrement":
                out.differs(what, mc, "autoincrement", _show_not_null(dc.autoincrement), _show_not_null(mc.autoincrement))
            elif diff.aspect == "on_update":
                out.differs(what, mc, "ON UPDATE", schema_diff.stored_on_update(dc, dialect),
                            schema_diff.stored_on_update(mc, dialect))
        elif diff.kind == "primary_key_columns":
            m_pk, d_pk = mt.pk_columns, dt.pk_columns
            if not m_pk:
                out.db_only(f'primary key "{dt.primary_key.name}" on "{key}" ({", ".join(d_pk)})', mt)
            elif not d_pk:
                out.model_only(f'primary key on "{key}" ({", ".join(m_pk)})', pk_anchor)
            else:
                out.differs(f'primary key on "{key}"', pk_anchor, "the column list",
                            f"({', '.join(d_pk)})", f"({', '.join(m_pk)})")
        elif diff.kind == "primary_key" and diff.change in pk_names:
            pk_names[diff.change].append(name)
        elif diff.kind in _VERIFY_NAMED:
            label, db_detail = _VERIFY_NAMED[diff.kind]
            what = f'{label} "{name}" on "{key}"'
            anchor = mc if mc is not None and mc.file else mt
            if diff.change == schema_diff.DROPPED:
                out.db_only(f"{what} {db_detail(dc)}", mt)
            elif diff.change == schema_diff.ADDED:
                out.model_only(what, anchor)
            else:
                out.differs(what, anchor, *_named_aspect(diff.aspect, mc, dc, dialect))
    # the same key columns under another name: only a composite key's name is the model's choice
    if (pk_names[schema_diff.ADDED] and pk_names[schema_diff.DROPPED] and mt.pk_columns == dt.pk_columns
            and mt.primary_key is not None and mt.primary_key.composite):
        out.differs(f'primary key on "{key}"', pk_anchor, "the name", pk_names[schema_diff.DROPPED][0],
                    pk_names[schema_diff.ADDED][0])


# ---------------------------------------------------------------------------
# Descriptions from the database
# ---------------------------------------------------------------------------


def with_db_comments(schema: Schema, comments: CatalogComments) -> Schema:
    """``schema`` where each table or column without JSDoc text takes its ``COMMENT ON`` text."""
    table_text = dict(comments.tables)
    column_text = dict(comments.columns)
    tables = []
    for t in schema.tables:
        cols = []
        for c in t.columns:
            text = column_text.get((t.schema, t.name, c.name))
            if text and not c.description.text:
                c = replace(c, description=Doc(text=text, tags=c.description.tags))
            cols.append(c)
        desc = t.description
        text = table_text.get((t.schema, t.name))
        if text and not desc.text:
            desc = Doc(text=text, tags=desc.tags)
        tables.append(replace(t, columns=tuple(cols), description=desc))
    return replace(schema, tables=tuple(tables))


def compare_comments(schema: Schema, comments: CatalogComments, schemas: Iterable[str]) -> tuple[Diagnostic, ...]:
    """Warnings where both JSDoc and ``COMMENT ON`` exist and say different things."""
    scope = set(schemas)
    table_text = dict(comments.tables)
    column_text = dict(comments.columns)
    out = _Collector()
    hint = "run `drizzle-doc comments-sql` and apply it as a custom migration"
    for t in schema.tables:
        if t.schema not in scope:
            continue
        db = table_text.get((t.schema, t.name))
        if db and t.description.text and db.strip() != t.description.text.strip():
            out.add(COMMENT_DIFFERS, f'table "{t.key}"', t,
                    f"the database comment differs from the JSDoc ({hint})", severity=WARNING)
        for c in t.columns:
            db = column_text.get((t.schema, t.name, c.name))
            if db and c.description.text and db.strip() != c.description.text.strip():
                out.add(COMMENT_DIFFERS, f'column "{t.key}.{c.name}"', c,
                        f"the database comment differs from the JSDoc ({hint})", severity=WARNING)
    return tuple(sorted(out.items, key=Diagnostic.sort_key))


# ---------------------------------------------------------------------------
# The whole run
# ---------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class VerifyResult:
    schemas: tuple[str, ...]  # the model's schemas that were read (MySQL: public is the URL's database)
    diagnostics: tuple[Diagnostic, ...]
    schema: Schema  # the model, with database comments filled in when asked


def verify(schema: Schema, url: str, *, schema_filter: Iterable[str] = (),
           tables_filter: Iterable[str] = (), db_comments: bool = False) -> VerifyResult:
    """Compare one project's model with the database at ``url`` (read-only), in the project's dialect."""
    try:
        dialect = get_dialect(schema.dialect)
    except UnsupportedDialect:
        raise UsageError(f"verify cannot read a {schema.dialect} database") from None
    if db_comments and dialect.no_comments:
        raise UsageError(f"--db-comments: {dialect.no_comments}")
    if not url or not url.strip():
        raise UsageError("no database URL: pass --database-url or set DATABASE_URL")
    schemas = scope_schemas(schema, schema_filter, dialect)
    with dialect.open_catalog(url) as conn:
        live = dialect.read_catalog(conn, schemas)
        comments = dialect.read_comments(conn, schemas) if db_comments else None
    diags = compare(schema, live, schemas=schemas, tables_filter=tables_filter, dialect=dialect)
    if comments is not None:
        diags = tuple(sorted(diags + compare_comments(schema, comments, schemas), key=Diagnostic.sort_key))
        schema = with_db_comments(schema, comments)
    return VerifyResult(schemas=schemas, diagnostics=diags, schema=schema)


# ---------------------------------------------------------------------------
# Output
# ---------------------------------------------------------------------------

DATABASE_GROUP = "(database only)"


def exit_code(diagnostics: Iterable[Diagnostic]) -> int:
    return 1 if any(d.severity == ERROR for d in diagnostics) else 0


def summary(diagnostics: Iterable[Diagnostic]) -> dict[str, int]:
    diags = list(diagnostics)
    return {
        "dbOnly": sum(d.code == DB_ONLY for d in diags),
        "modelOnly": sum(d.code == MODEL_ONLY for d in diags),
        "differs": sum(d.code == DIFFERS for d in diags),
        "errors": sum(d.severity == ERROR for d in diags),
        "warnings": sum(d.severity == WARNING for d in diags),
    }


def to_findings(diagnostics: Iterable[Diagnostic]) -> list[Diagnostic]:
    """verify's diagnostics as the findings ``check`` reports (one format for both): each with
    its check id (``verify`` when it has no drift code) and fix."""
    hints = {DB_ONLY: "add it to the models (or drop it from the database if it was changed by hand)",
             MODEL_ONLY: "apply the migrations (`drizzle-kit migrate`) or generate the missing one (`drizzle-kit generate`)",
             DIFFERS: "bring the models and the database together: generate and apply a migration, or fix the model"}
    return [replace(d, code=d.code or "verify", fix=hints.get(d.code, "")) for d in diagnostics]


def _counts_note(diags: list, database: str) -> str:
    s = summary(diags)
    target = f" with {database}" if database else ""
    if not diags:
        return ""
    return (f"({s['dbOnly']} only in the database, {s['modelOnly']} only in the models, "
            f"{s['differs']} different{target})")


def render_text(diagnostics: Iterable[Diagnostic], *, database: str = "", color: bool = False) -> str:
    """The same text as ``check``: findings grouped per model file (database-only objects under
    "(project)"), each with its fix, then a summary line."""
    from drizzle_doc.output import report

    diags = sorted(diagnostics, key=Diagnostic.sort_key)
    ok = f"the models agree with {database}" if database else "the models agree with the database"
    return report.render_text(to_findings(diags), color, label="drizzle-doc verify", ok_message=ok,
                              note=_counts_note(diags, database), no_file=DATABASE_GROUP)


def render_json(diagnostics: Iterable[Diagnostic], *, database: str = "",
                schemas: Iterable[str] = ()) -> str:
    """``check``'s JSON document, plus ``database`` and ``schemas``, and verify's counts in ``summary``."""
    from drizzle_doc.output import report

    diags = sorted(diagnostics, key=Diagnostic.sort_key)
    s = summary(diags)
    return report.render_json(to_findings(diags), extra={"database": database, "schemas": list(schemas)},
                              extra_summary={"dbOnly": s["dbOnly"], "modelOnly": s["modelOnly"], "differs": s["differs"]})


def render_github(diagnostics: Iterable[Diagnostic]) -> str:
    """GitHub Actions workflow commands, as ``check`` prints them."""
    from drizzle_doc.output import report

    return report.render_github(to_findings(sorted(diagnostics, key=Diagnostic.sort_key)), label="drizzle-doc verify")
