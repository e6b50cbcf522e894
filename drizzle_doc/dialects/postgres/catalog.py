"""Read a live PostgreSQL catalog into the model, spelled as drizzle-kit spells it.

Only ``pg_catalog`` is read (``information_schema`` silently hides objects the
role has no privilege on, which would turn into false drift).  :func:`connect` opens the
connection ``verify`` uses (psycopg 3, one READ ONLY transaction rolled back at the end, short
timeouts, ``search_path = pg_catalog``, the password masked in every message); this module runs
SELECTs only.

Types come from ``format_type()`` and are respelled the way drizzle-kit writes
its snapshot (``character varying(255)`` -> ``varchar(255)``,
``timestamp(3) with time zone`` -> ``timestamp (3) with time zone``,
``numeric(10,2)`` -> ``numeric(10, 2)``, serial columns as ``serial``, enums as
their name, schema-qualified outside ``public``).  Defaults are kept as
``pg_get_expr`` prints them; :mod:`~drizzle_doc.dialects.postgres.spelling` makes them comparable.
"""

from __future__ import annotations

import re
from collections import defaultdict
from contextlib import contextmanager
from typing import Iterable, Iterator, Optional

from drizzle_doc.dialects.base import CatalogComments
from drizzle_doc.dialects.postgres.spelling import drizzle_type
from drizzle_doc.errors import DatabaseError, UsageError
from drizzle_doc.masking import mask_text, mask_url
from drizzle_doc.model import (
    NO_DOC,
    Check,
    Column,
    Doc,
    Enum,
    ForeignKey,
    Generated,
    Identity,
    Index,
    IndexColumn,
    PrimaryKey,
    Schema,
    Table,
    UniqueConstraint,
    View,
)

_FK_ACTIONS = {"a": "no action", "r": "restrict", "c": "cascade", "n": "set null", "d": "set default"}
_SERIALS = {"integer": "serial", "bigint": "bigserial", "smallint": "smallserial"}


# ---------------------------------------------------------------------------
# Connecting, read-only
# ---------------------------------------------------------------------------

CONNECT_TIMEOUT = 5  # seconds
STATEMENT_TIMEOUT_MS = 15000
LOCK_TIMEOUT_MS = 2000


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
    scheme = re.match(r"^\s*([A-Za-z][A-Za-z0-9+.-]*):", url)
    if scheme and scheme.group(1).lower() not in ("postgres", "postgresql"):
        raise UsageError(f"this is a PostgreSQL project: --database-url must be a postgresql:// URL or a libpq "
                         f"connection string, not {mask_url(url)}")
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
# Reading
# ---------------------------------------------------------------------------

# Every function and operator below is schema-qualified, and verify's session runs
# with search_path = pg_catalog only: a function or operator planted in a schema the
# database's users may CREATE in (``public.quote_ident(name)`` is an exact match that
# would beat pg_catalog's) can never be picked (tests/test_verify_pg.py plants them).
# ``EQ`` / ``ANY`` spell the only operators used; IN lists are written as ``= ANY``.
EQ = "OPERATOR(pg_catalog.=)"
_IN_SCHEMAS = f"n.nspname {EQ} ANY(%(schemas)s::pg_catalog.name[])"
_REL_KINDS = f"c.relkind {EQ} ANY('{{r,p,v,m}}'::pg_catalog.\"char\"[])"

_RELATIONS_SQL = f"""
SELECT c.oid, n.nspname, c.relname, c.relkind, c.relrowsecurity,
       pg_catalog.obj_description(c.oid, 'pg_class'::pg_catalog.name)
FROM pg_catalog.pg_class c
JOIN pg_catalog.pg_namespace n ON n.oid {EQ} c.relnamespace
WHERE {_REL_KINDS}
  AND NOT c.relispartition
  AND {_IN_SCHEMAS}
ORDER BY n.nspname, c.relname
"""

_COLUMNS_SQL = f"""
SELECT a.attrelid, a.attnum, a.attname, a.attnotnull, a.attndims,
       pg_catalog.format_type(a.atttypid, a.atttypmod),
       t.typtype, et.typtype, coalesce(etn.nspname, tn.nspname), coalesce(et.typname, t.typname),
       a.attidentity, a.attgenerated,
       pg_catalog.pg_get_expr(d.adbin, d.adrelid),
       pg_catalog.pg_get_serial_sequence(
           pg_catalog.format('%%I.%%I'::pg_catalog.text, n.nspname, c.relname),
           a.attname::pg_catalog.text),
       pg_catalog.col_description(a.attrelid, a.attnum::pg_catalog.int4)
FROM pg_catalog.pg_attribute a
JOIN pg_catalog.pg_class c ON c.oid {EQ} a.attrelid
JOIN pg_catalog.pg_namespace n ON n.oid {EQ} c.relnamespace
JOIN pg_catalog.pg_type t ON t.oid {EQ} a.atttypid
JOIN pg_catalog.pg_namespace tn ON tn.oid {EQ} t.typnamespace
LEFT JOIN pg_catalog.pg_type et ON et.oid {EQ} t.typelem AND t.typcategory {EQ} 'A'::pg_catalog."char"
LEFT JOIN pg_catalog.pg_namespace etn ON etn.oid {EQ} et.typnamespace
LEFT JOIN pg_catalog.pg_attrdef d ON d.adrelid {EQ} a.attrelid AND d.adnum {EQ} a.attnum
WHERE a.attnum OPERATOR(pg_catalog.>) 0::pg_catalog.int2 AND NOT a.attisdropped
  AND {_REL_KINDS} AND NOT c.relispartition
  AND {_IN_SCHEMAS}
ORDER BY a.attrelid, a.attnum
"""

_SEQ_SQL = f"""
SELECT pg_catalog.format('%%s.%%s'::pg_catalog.text, n.nspname, c.relname),
       s.seqincrement, s.seqstart, s.seqmin, s.seqmax, s.seqcache, s.seqcycle
FROM pg_catalog.pg_sequence s
JOIN pg_catalog.pg_class c ON c.oid {EQ} s.seqrelid
JOIN pg_catalog.pg_namespace n ON n.oid {EQ} c.relnamespace
"""

_CONSTRAINTS_SQL = f"""
SELECT con.conrelid, con.conname, con.contype, con.conkey, con.confrelid, con.confkey,
       con.confdeltype, con.confupdtype, pg_catalog.pg_get_expr(con.conbin, con.conrelid),
       pg_catalog.pg_get_constraintdef(con.oid), fn.nspname, fc.relname
FROM pg_catalog.pg_constraint con
JOIN pg_catalog.pg_class c ON c.oid {EQ} con.conrelid
JOIN pg_catalog.pg_namespace n ON n.oid {EQ} c.relnamespace
LEFT JOIN pg_catalog.pg_class fc ON fc.oid {EQ} con.confrelid
LEFT JOIN pg_catalog.pg_namespace fn ON fn.oid {EQ} fc.relnamespace
WHERE con.contype {EQ} ANY('{{p,u,f,c}}'::pg_catalog."char"[])
  AND {_IN_SCHEMAS}
ORDER BY con.conrelid, con.conname
"""

_INDEXES_SQL = f"""
SELECT i.indexrelid, i.indrelid, ic.relname, i.indisunique, am.amname, ic.reloptions,
       pg_catalog.pg_get_expr(i.indpred, i.indrelid),
       pg_catalog.obj_description(ic.oid, 'pg_class'::pg_catalog.name)
FROM pg_catalog.pg_index i
JOIN pg_catalog.pg_class ic ON ic.oid {EQ} i.indexrelid
JOIN pg_catalog.pg_class c ON c.oid {EQ} i.indrelid
JOIN pg_catalog.pg_namespace n ON n.oid {EQ} c.relnamespace
JOIN pg_catalog.pg_am am ON am.oid {EQ} ic.relam
WHERE {_IN_SCHEMAS}
  AND NOT EXISTS (SELECT 1 FROM pg_catalog.pg_constraint con
                  WHERE con.conindid {EQ} i.indexrelid
                    AND con.contype {EQ} ANY('{{p,u,x}}'::pg_catalog."char"[]))
ORDER BY i.indrelid, ic.relname
"""

# indkey / indoption / indclass are 0-based vectors; key numbers k start at 1.
_INDEX_KEYS_SQL = f"""
SELECT i.indexrelid, k, pg_catalog.pg_get_indexdef(i.indexrelid, k, false),
       i.indkey[k OPERATOR(pg_catalog.-) 1], i.indoption[k OPERATOR(pg_catalog.-) 1],
       opc.opcname, opc.opcdefault
FROM pg_catalog.pg_index i
CROSS JOIN LATERAL pg_catalog.generate_series(1, i.indnkeyatts::pg_catalog.int4) AS k
LEFT JOIN pg_catalog.pg_opclass opc ON opc.oid {EQ} i.indclass[k OPERATOR(pg_catalog.-) 1]
WHERE i.indexrelid {EQ} ANY(%(oids)s::pg_catalog.oid[])
ORDER BY i.indexrelid, k
"""

_UNIQUE_NND_SQL = f"""
SELECT con.conname, con.conrelid
FROM pg_catalog.pg_constraint con
JOIN pg_catalog.pg_index i ON i.indexrelid {EQ} con.conindid
JOIN pg_catalog.pg_class c ON c.oid {EQ} con.conrelid
JOIN pg_catalog.pg_namespace n ON n.oid {EQ} c.relnamespace
WHERE con.contype {EQ} 'u'::pg_catalog."char" AND i.indnullsnotdistinct AND {_IN_SCHEMAS}
"""

_ENUMS_SQL = f"""
SELECT n.nspname, t.typname, pg_catalog.array_agg(e.enumlabel ORDER BY e.enumsortorder),
       pg_catalog.obj_description(t.oid, 'pg_type'::pg_catalog.name)
FROM pg_catalog.pg_type t
JOIN pg_catalog.pg_namespace n ON n.oid {EQ} t.typnamespace
JOIN pg_catalog.pg_enum e ON e.enumtypid {EQ} t.oid
WHERE {_IN_SCHEMAS}
GROUP BY n.nspname, t.typname, t.oid
ORDER BY n.nspname, t.typname
"""

_VIEW_DEF_SQL = "SELECT pg_catalog.pg_get_viewdef(%(oid)s::pg_catalog.oid, true)"

_ATTNAMES_SQL = f"""
SELECT attnum, attname FROM pg_catalog.pg_attribute
WHERE attrelid {EQ} %(oid)s::pg_catalog.oid AND attnum OPERATOR(pg_catalog.>) 0::pg_catalog.int2
"""

_TABLE_COMMENTS_SQL = f"""
SELECT n.nspname, c.relname, d.description
FROM pg_catalog.pg_description d
JOIN pg_catalog.pg_class c ON c.oid {EQ} d.objoid
  AND d.classoid {EQ} 'pg_catalog.pg_class'::pg_catalog.regclass::pg_catalog.oid
JOIN pg_catalog.pg_namespace n ON n.oid {EQ} c.relnamespace
WHERE d.objsubid {EQ} 0 AND {_IN_SCHEMAS}
ORDER BY 1, 2
"""

_COLUMN_COMMENTS_SQL = f"""
SELECT n.nspname, c.relname, a.attname, d.description
FROM pg_catalog.pg_description d
JOIN pg_catalog.pg_class c ON c.oid {EQ} d.objoid
  AND d.classoid {EQ} 'pg_catalog.pg_class'::pg_catalog.regclass::pg_catalog.oid
JOIN pg_catalog.pg_namespace n ON n.oid {EQ} c.relnamespace
JOIN pg_catalog.pg_attribute a ON a.attrelid {EQ} c.oid AND a.attnum::pg_catalog.int4 {EQ} d.objsubid
WHERE d.objsubid OPERATOR(pg_catalog.>) 0 AND {_IN_SCHEMAS}
ORDER BY 1, 2, 3
"""

#: Every statement verify sends (tests parse each one and check every name is pg_catalog's).
QUERIES = (_RELATIONS_SQL, _COLUMNS_SQL, _SEQ_SQL, _CONSTRAINTS_SQL, _INDEXES_SQL, _INDEX_KEYS_SQL,
           _UNIQUE_NND_SQL, _ENUMS_SQL, _VIEW_DEF_SQL, _ATTNAMES_SQL, _TABLE_COMMENTS_SQL,
           _COLUMN_COMMENTS_SQL)


def _doc(text: Optional[str]) -> Doc:
    return Doc(text=text) if text else NO_DOC


def _names(attnums: Optional[Iterable[int]], by_num: dict[int, str]) -> tuple[str, ...]:
    return tuple(by_num.get(n, f"#{n}") for n in (attnums or ()))


def read_catalog(conn, schemas: Iterable[str]) -> Schema:
    """The live database's tables, enums and views in ``schemas``, as a model Schema.

    ``conn`` is an open psycopg connection (in a read-only transaction).  No
    object is created; every statement is a SELECT on ``pg_catalog``.
    """
    params = {"schemas": sorted(set(schemas))}
    cur = conn.cursor()

    relations = cur.execute(_RELATIONS_SQL, params).fetchall()
    rel_info = {oid: (nsp, name, kind, rls, comment) for oid, nsp, name, kind, rls, comment in relations}

    sequences = {row[0]: row[1:] for row in _safe_fetch(conn, _SEQ_SQL, {})}  # pg_sequence: PostgreSQL 10+

    columns: dict[int, list[Column]] = defaultdict(list)
    attnames: dict[int, dict[int, str]] = defaultdict(dict)
    for (relid, attnum, name, notnull, dims, formatted, typtype, elemtyptype, typ_nsp, typ_name,
         identity, generated, default, serial_seq, comment) in cur.execute(_COLUMNS_SQL, params).fetchall():
        if relid not in rel_info:
            continue
        attnames[relid][attnum] = name
        is_enum = typtype == "e" or elemtyptype == "e"
        type_ = drizzle_type(formatted, dims or 0)
        enum_key = None
        if is_enum:
            brackets = "[]" * max(dims or 0, 1 if (elemtyptype == "e") else 0)
            enum_name = typ_name if typ_nsp == "public" else f"{typ_nsp}.{typ_name}"
            type_ = enum_name + brackets
            enum_key = f"{typ_nsp}.{typ_name}"
        ident = None
        gen = None
        if identity in ("a", "d"):
            seq_name = (serial_seq or "").split(".")[-1].strip('"')
            seq = sequences.get((serial_seq or "").replace('"', ""), ())
            ident = Identity(
                type="always" if identity == "a" else "byDefault",
                name=seq_name,
                schema=rel_info[relid][0],
                increment=str(seq[0]) if seq else None,
                start_with=str(seq[1]) if seq else None,
                min_value=str(seq[2]) if seq else None,
                max_value=str(seq[3]) if seq else None,
                cache=str(seq[4]) if seq else None,
                cycle=bool(seq[5]) if seq else False,
            )
        if generated == "s":
            gen = Generated(expression=default or "")
            default = None
        if (ident is None and serial_seq and default and default.startswith("nextval(")
                and type_ in _SERIALS):
            type_ = _SERIALS[type_]
            default = None
        columns[relid].append(Column(
            name=name, property=name, type=type_, not_null=bool(notnull), default=default,
            identity=ident, generated=gen, enum=enum_key, builder="",
            description=_doc(comment),
        ))

    pks: dict[int, PrimaryKey] = {}
    fks: dict[int, list[ForeignKey]] = defaultdict(list)
    uniques: dict[int, list[UniqueConstraint]] = defaultdict(list)
    checks: dict[int, list[Check]] = defaultdict(list)
    nnd = {(name, rel) for name, rel in _safe_fetch(conn, _UNIQUE_NND_SQL, params)}
    for (relid, name, kind, conkey, frelid, confkey, deltype, updtype, expr, definition,
         fnsp, frel) in cur.execute(_CONSTRAINTS_SQL, params).fetchall():
        if relid not in rel_info:
            continue
        cols = _names(conkey, attnames[relid])
        if kind == "p":
            pks[relid] = PrimaryKey(name=name, columns=cols, composite=len(cols) > 1)
        elif kind == "u":
            uniques[relid].append(UniqueConstraint(
                name=name, columns=cols,
                nulls_not_distinct=(name, relid) in nnd or "NULLS NOT DISTINCT" in (definition or ""),
            ))
        elif kind == "f":
            fcols = _foreign_columns(conn, frelid, confkey, attnames)
            fks[relid].append(ForeignKey(
                name=name, columns=cols, foreign_schema=fnsp, foreign_table=frel,
                foreign_columns=fcols, on_delete=_FK_ACTIONS.get(deltype, deltype),
                on_update=_FK_ACTIONS.get(updtype, updtype),
            ))
        elif kind == "c":
            checks[relid].append(Check(name=name, expression=_strip_outer_parens(expr or "")))

    indexes: dict[int, list[Index]] = defaultdict(list)
    index_rows = cur.execute(_INDEXES_SQL, params).fetchall()
    keys: dict[int, list[tuple]] = defaultdict(list)
    if index_rows:
        for row in cur.execute(_INDEX_KEYS_SQL, {"oids": [r[0] for r in index_rows]}).fetchall():
            keys[row[0]].append(row[2:])
    for (indexoid, relid, name, unique, method, reloptions, where, comment) in index_rows:
        if relid not in rel_info:
            continue
        cols = []
        for expr, attnum, option, opcname, opcdefault in keys.get(indexoid, ()):
            option = option or 0
            cols.append(IndexColumn(
                expression=attnames[relid].get(attnum, expr) if attnum else expr,
                is_expression=not attnum,
                asc=not option & 1,
                nulls="first" if option & 2 else "last",
                opclass=None if opcdefault else opcname,
            ))
        with_ = tuple(sorted(tuple(o.split("=", 1)) for o in (reloptions or ()) if "=" in o))
        indexes[relid].append(Index(
            name=name, columns=tuple(cols), unique=bool(unique), method=method,
            where=_strip_outer_parens(where) if where else None, with_=with_,
            description=_doc(comment),
        ))

    tables = []
    views = []
    for oid, (nsp, name, kind, rls, comment) in rel_info.items():
        if kind in ("r", "p"):
            tables.append(Table(
                name=name, schema=nsp, variable="",
                columns=tuple(columns.get(oid, ())),
                primary_key=pks.get(oid),
                foreign_keys=tuple(fks.get(oid, ())),
                indexes=tuple(indexes.get(oid, ())),
                uniques=tuple(uniques.get(oid, ())),
                checks=tuple(checks.get(oid, ())),
                rls_enabled=bool(rls),
                description=_doc(comment),
            ))
        else:
            definition = cur.execute(_VIEW_DEF_SQL, {"oid": oid}).fetchone()[0]
            views.append(View(
                name=name, schema=nsp, materialized=kind == "m",
                columns=tuple(columns.get(oid, ())),
                definition=" ".join((definition or "").split()).rstrip(";") or None,
                description=_doc(comment),
            ))

    enums = tuple(
        Enum(name=name, schema=nsp, values=tuple(values), description=_doc(comment))
        for nsp, name, values, comment in cur.execute(_ENUMS_SQL, params).fetchall()
    )
    return Schema(tables=tuple(tables), enums=enums, views=tuple(views))


def _safe_fetch(conn, sql: str, params: dict) -> list[tuple]:
    """A query that needs a newer server (pg_sequence: 10+, indnullsnotdistinct: 15+): empty when
    unsupported.  It runs in a savepoint so a failure leaves the read-only transaction usable."""
    try:
        with conn.transaction():
            return conn.execute(sql, params).fetchall()
    except Exception:
        return []


def _foreign_columns(conn, frelid, confkey, attnames) -> tuple[str, ...]:
    if frelid not in attnames:
        rows = conn.execute(_ATTNAMES_SQL, {"oid": frelid}).fetchall()
        attnames[frelid] = dict(rows)
    return _names(confkey, attnames[frelid])


def _strip_outer_parens(expr: str) -> str:
    expr = expr.strip()
    while expr.startswith("(") and expr.endswith(")") and _balanced(expr[1:-1]):
        expr = expr[1:-1].strip()
    return expr


def _balanced(s: str) -> bool:
    depth = 0
    in_string = False
    for ch in s:
        if ch == "'":
            in_string = not in_string
        elif not in_string:
            if ch == "(":
                depth += 1
            elif ch == ")":
                depth -= 1
                if depth < 0:
                    return False
    return depth == 0


def read_comments(conn, schemas: Iterable[str]) -> CatalogComments:
    """``COMMENT ON TABLE / COLUMN`` text for the relations in ``schemas``."""
    params = {"schemas": sorted(set(schemas))}
    tables = conn.execute(_TABLE_COMMENTS_SQL, params).fetchall()
    columns = conn.execute(_COLUMN_COMMENTS_SQL, params).fetchall()
    return CatalogComments(
        tables=tuple(((s, t), d) for s, t, d in tables),
        columns=tuple(((s, t, c), d) for s, t, c, d in columns),
    )
