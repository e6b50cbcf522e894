"""``drizzle-doc verify``: hold the models against a live PostgreSQL database.

Stages: :func:`connect` (read-only, short timeouts, password masked in every
message) -> :func:`drizzle_doc.dialects.postgres.catalog.read_catalog` (the database as a model
Schema) -> :func:`compare` (drift as :class:`~drizzle_doc.model.Diagnostic`
data) -> :func:`render` (text, json or github annotations).

Drift codes (``Diagnostic.code``):

- ``db-only``: in the database but not in the models ("changed by hand, or a
  migration the models never got?");
- ``model-only``: in the models but not in the database ("migration not
  applied?");
- ``differs``: both have it, and they disagree.
"""

from __future__ import annotations

import re
from contextlib import contextmanager
from dataclasses import dataclass, replace
from fnmatch import fnmatchcase
from typing import Iterable, Iterator, Optional
from urllib.parse import unquote

from drizzle_doc.dialects.postgres.catalog import CatalogComments, read_catalog, read_comments
from drizzle_doc.errors import DatabaseError, UsageError
from drizzle_doc.dialects.postgres import POSTGRES
from drizzle_doc.dialects.postgres.identifiers import pg_name
from drizzle_doc.model import compare as schema_diff
from drizzle_doc.model import ERROR, WARNING, Diagnostic, Doc, Schema, Table

DB_ONLY = "db-only"
MODEL_ONLY = "model-only"
DIFFERS = "differs"
COMMENT_DIFFERS = "comment-differs"

HINT_DB_ONLY = "changed by hand, or a migration the models never got?"
HINT_MODEL_ONLY = "migration not applied?"

CONNECT_TIMEOUT = 5  # seconds
STATEMENT_TIMEOUT_MS = 15000
LOCK_TIMEOUT_MS = 2000
DRIZZLE_MIGRATIONS_TABLE = "__drizzle_migrations"

# ---------------------------------------------------------------------------
# URLs and passwords
# ---------------------------------------------------------------------------

# libpq's secret parameters; a URI may carry them in its userinfo or its query.
_SECRET_KEYS = ("password", "sslpassword")
_KV_PASSWORD = re.compile(r"(\b(?:ssl)?password\s*=\s*)('(?:[^'\\]|\\.)*'|\S+)", re.IGNORECASE)
_QUERY_PASSWORD = re.compile(r"([?&](?:ssl)?password=)([^&#]*)", re.IGNORECASE)
MASK = "***"


def _userinfo_end(rest: str) -> int:
    """Where a URI's userinfo ends (the ``@``), or -1.

    libpq ends it at the first ``@`` before the first ``/``, so a password holding ``?`` or ``#``
    stays in the userinfo; here the last ``@`` before that ``/`` is taken (``u:pa@ss@db`` keeps
    ``ss`` hidden too).  When none comes before it but one comes later (``u:pa/ss@h``, which
    libpq misreads), everything up to the last ``@`` is treated as userinfo: masking more is safe."""
    slash = rest.find("/")
    at = rest.rfind("@", 0, slash if slash >= 0 else len(rest))
    return at if at >= 0 else rest.rfind("@")


def mask_url(url: Optional[str]) -> str:
    """The URL (or ``key=value`` conninfo) with its password replaced by ``***``.

    ``postgresql://app:s3cret@db:5432/app`` -> ``postgresql://app:***@db:5432/app``;
    ``host=db password=s3cret`` -> ``host=db password=***``; ``password`` and ``sslpassword``
    query parameters are masked too, and any secret libpq itself reads from the text is
    removed wherever else it stands.  Anything unparseable is still scrubbed, never echoed raw.
    """
    if not url:
        return ""
    text = str(url)
    scheme_end = text.find("://")
    if scheme_end >= 0:
        head, rest = text[: scheme_end + 3], text[scheme_end + 3:]
        at = _userinfo_end(rest)
        if at >= 0 and ":" in rest[:at]:
            rest = f"{rest[:at].split(':', 1)[0]}:{MASK}{rest[at:]}"
        text = head + _QUERY_PASSWORD.sub(lambda m: m.group(1) + MASK, rest)
    else:
        text = _KV_PASSWORD.sub(lambda m: m.group(1) + MASK, text)
    text = _scrub(text, str(url))
    return text if len(text) <= _SHOWN else text[: _SHOWN - 1] + "…"


_SHOWN = 200  # characters of a URL shown in a message
_SHORTEST_SCRUBBED = 3  # shorter secrets are masked where they stand, not searched for in free text


def _scrub(text: str, url: str) -> str:
    for secret in _passwords(url):
        if len(secret) >= _SHORTEST_SCRUBBED:
            text = text.replace(secret, MASK)
    return text


def _passwords(url: str) -> list[str]:
    """Every secret in ``url``: as libpq parses it, as written, and percent-decoded; longest first."""
    found: list[str] = []
    try:
        from psycopg.conninfo import conninfo_to_dict

        parsed = conninfo_to_dict(url)
        found += [str(parsed[k]) for k in _SECRET_KEYS if parsed.get(k)]
    except Exception:  # unparseable, or psycopg missing: the textual rules below still apply
        pass
    scheme_end = url.find("://")
    if scheme_end >= 0:
        rest = url[scheme_end + 3:]
        at = _userinfo_end(rest)
        if at >= 0 and ":" in rest[:at]:
            found.append(rest[:at].split(":", 1)[1])
        found += [m.group(2) for m in _QUERY_PASSWORD.finditer(rest)]
    else:
        found += [m.group(2).strip("'") for m in _KV_PASSWORD.finditer(url)]
    out = []
    for p in found:
        for variant in (p, unquote(p)):
            if variant and variant != MASK and variant not in out:
                out.append(variant)
    return sorted(out, key=len, reverse=True)


def mask_text(text: str, url: Optional[str]) -> str:
    """``text`` with the URL masked and every occurrence of its password removed."""
    if not url:
        return text
    return _scrub(text.replace(url, mask_url(url)), url)


# ---------------------------------------------------------------------------
# Connecting, read-only
# ---------------------------------------------------------------------------


@contextmanager
def connect(url: str, *, connect_timeout: int = CONNECT_TIMEOUT,
            statement_timeout_ms: int = STATEMENT_TIMEOUT_MS) -> Iterator[object]:
    """A psycopg connection inside a READ ONLY transaction that is rolled back at the end.

    Raises :class:`DatabaseError` (exit code 2) for a bad URL, an unreachable
    server, a failed login or missing permissions; the password never appears.
    """
    try:
        import psycopg
        from psycopg import conninfo as ci
    except ImportError:
        raise UsageError("verify needs the PostgreSQL driver psycopg, which is not installed: "
                         "pip install 'drizzle-doc[verify]'") from None

    if not url or not url.strip():
        raise UsageError("no database URL: pass --database-url or set DATABASE_URL")
    # search_path=pg_catalog from the start of the session (it overrides ALTER ROLE/DATABASE
    # defaults): no function or operator a database user planted in another schema can be
    # picked, and every call in catalog.py is schema-qualified as well.
    options = (f"-c default_transaction_read_only=on -c statement_timeout={statement_timeout_ms} "
               f"-c lock_timeout={LOCK_TIMEOUT_MS} -c idle_in_transaction_session_timeout=60000 "
               "-c search_path=pg_catalog")
    try:
        info = ci.make_conninfo(url, connect_timeout=str(connect_timeout),
                                application_name="drizzle-doc verify", options=options)
    except (psycopg.Error, ValueError, TypeError) as exc:
        raise DatabaseError(f"bad database URL {mask_url(url)}: {mask_text(_first_line(exc), url)}") from None
    try:
        conn = psycopg.connect(info, autocommit=False)
    except psycopg.Error as exc:
        raise DatabaseError(_connect_message(url, exc)) from None
    except (UnicodeError, ValueError, OSError) as exc:
        # e.g. a host name over 63 characters a label, which the resolver's IDNA step refuses
        raise DatabaseError(f"bad database host in {mask_url(url)}: {mask_text(_first_line(exc), url)}") from None
    try:
        try:
            conn.execute("SET TRANSACTION READ ONLY")
            conn.execute(f"SET LOCAL statement_timeout = {int(statement_timeout_ms)}")
            conn.execute("SET LOCAL search_path = pg_catalog")
            yield conn
        except psycopg.errors.InsufficientPrivilege as exc:
            raise DatabaseError(
                f"missing permissions on {mask_url(url)}: {mask_text(_first_line(exc), url)} "
                "(verify needs to read pg_catalog; grant CONNECT and USAGE on the schemas)") from None
        except psycopg.errors.QueryCanceled as exc:
            raise DatabaseError(
                f"query timed out on {mask_url(url)} after {statement_timeout_ms} ms: "
                f"{mask_text(_first_line(exc), url)}") from None
        except psycopg.Error as exc:
            raise DatabaseError(f"database error on {mask_url(url)}: {mask_text(_first_line(exc), url)}") from None
    finally:
        try:
            conn.rollback()
        finally:
            conn.close()


def _first_line(exc: BaseException) -> str:
    text = str(exc).strip()
    return text.splitlines()[0] if text else type(exc).__name__


def _connect_message(url: str, exc: BaseException) -> str:
    text = mask_text(str(exc).strip(), url)
    low = text.lower()
    where = mask_url(url)
    detail = " ".join(line.strip() for line in text.splitlines() if line.strip())
    if "permission denied" in low or "insufficient privilege" in low:
        return f"missing permissions on {where}: {detail}"
    if "password authentication failed" in low or "no password supplied" in low:
        return f"login failed on {where}: {detail}"
    if "does not exist" in low:
        return f"cannot use {where}: {detail}"
    if "invalid" in low and ("uri" in low or "connection option" in low or "conninfo" in low):
        return f"bad database URL {where}: {detail}"
    return f"cannot connect to {where}: {detail}"


# ---------------------------------------------------------------------------
# Scope
# ---------------------------------------------------------------------------


def scope_schemas(schema: Schema, schema_filter: Iterable[str] = ()) -> tuple[str, ...]:
    """The Postgres schemas verify reads: the config's schemaFilter, else those the models use."""
    wanted = tuple(schema_filter)
    if wanted:
        return tuple(sorted(set(wanted)))
    used = {t.schema for t in schema.tables} | {e.schema for e in schema.enums} | {v.schema for v in schema.views}
    return tuple(sorted(used or {"public"}))


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

    def model_only(self, what: str, anchor) -> None:
        self.add(MODEL_ONLY, what, anchor, f"in the models but not in the database ({HINT_MODEL_ONLY})")

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
            tables_filter: Iterable[str] = ()) -> tuple[Diagnostic, ...]:
    """Drift between the models and the live database, sorted (file, line, message)."""
    scope = set(schemas)
    model = pg_names(model)
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
        _compare_table(out, m_tables[key], d_tables[key])

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
        out.model_only(f'{kind} "{key}"', m_views[key])
    for key in sorted(set(m_views) & set(d_views)):
        mv, dv = m_views[key], d_views[key]
        if mv.materialized != dv.materialized:
            out.differs(f'view "{key}"', mv, "materialized", dv.materialized, mv.materialized)

    return tuple(sorted(out.items, key=Diagnostic.sort_key))


def _show_not_null(flag: bool) -> str:
    return "set" if flag else "not set"


# How verify words each named object: (label, the database side's detail when only it has one)
_VERIFY_NAMED = {
    "foreign_key": ("foreign key", lambda f: f'({", ".join(f.columns)}) -> {f.foreign_schema}.{f.foreign_table}'),
    "unique": ("unique constraint", lambda u: f'({", ".join(u.columns)})'),
    "check": ("check constraint", lambda c: f"({c.expression})"),
    "index": ("index", lambda ix: _index_columns_text(ix)),
}


def _named_aspect(aspect: str, m, d) -> tuple[str, object, object]:
    """(the aspect's words, the database's value, the models') for a named object."""
    if aspect == "columns" and hasattr(m, "method"):
        return "the column list", _index_columns_text(d), _index_columns_text(m)
    if aspect == "columns":
        return "the column list", f"({', '.join(d.columns)})", f"({', '.join(m.columns)})"
    if aspect == "target":
        return "the referenced column list", schema_diff.fk_target(d, POSTGRES), schema_diff.fk_target(m, POSTGRES)
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


def _compare_table(out: _Collector, mt: Table, dt: Table) -> None:
    """Report how the database's table ``dt`` differs from the model's ``mt``, as
    :func:`drizzle_doc.model.schema_diff.compare_tables` finds it (database on the left)."""
    key = mt.key
    pk_anchor = mt.primary_key or next((c for c in mt.columns if c.primary_key), mt)
    pk_names: dict[str, list] = {schema_diff.ADDED: [], schema_diff.DROPPED: []}
    for diff in schema_diff.compare_tables(dt, mt, POSTGRES):
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
                out.differs(what, mc, "NOT NULL", _show_not_null(schema_diff.effective_not_null(dc, dt, POSTGRES)),
                            _show_not_null(schema_diff.effective_not_null(mc, mt, POSTGRES)))
            elif diff.aspect == "default":
                out.differs(what, mc, "the default", schema_diff.effective_default(dc), schema_diff.effective_default(mc))
            elif diff.aspect == "identity":
                out.differs(what, mc, "identity",
                            f"generated {dc.identity.type}" if dc.identity else None,
                            f"generated {mc.identity.type}" if mc.identity else None)
            elif diff.aspect == "generated":
                out.differs(what, mc, "the generated expression",
                            dc.generated.expression if dc.generated else None,
                            mc.generated.expression if mc.generated else None)
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
                out.differs(what, anchor, *_named_aspect(diff.aspect, mc, dc))
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
    schemas: tuple[str, ...]  # Postgres schemas that were read
    diagnostics: tuple[Diagnostic, ...]
    schema: Schema  # the model, with database comments filled in when asked


def verify(schema: Schema, url: str, *, schema_filter: Iterable[str] = (),
           tables_filter: Iterable[str] = (), db_comments: bool = False) -> VerifyResult:
    """Compare one project's model with the database at ``url`` (read-only)."""
    if schema.dialect != "postgresql":
        from drizzle_doc.errors import UsageError

        raise UsageError(f"verify reads PostgreSQL databases only: this project's dialect is {schema.dialect}")
    schemas = scope_schemas(schema, schema_filter)
    with connect(url) as conn:
        live = read_catalog(conn, schemas)
        comments = read_comments(conn, schemas) if db_comments else None
    diags = compare(schema, live, schemas=schemas, tables_filter=tables_filter)
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
