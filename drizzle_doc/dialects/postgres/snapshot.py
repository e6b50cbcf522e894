"""drizzle-kit snapshot JSON -> :class:`model.Schema`: 0.x's (``meta/NNNN_snapshot.json``,
versions 5-7, tables keyed by name) and 1.0's (``<timestamp>_<name>/snapshot.json``, versions 8
and 9: one flat ``ddl`` list of entities, :func:`_load_ddl`).

The snapshot is drizzle-kit's own record of the schema after a migration, so its
spelling (names, types, defaults) is the truth the model is compared with.
Nothing here touches the disk: callers hand in the decoded JSON.
"""

from __future__ import annotations

import json
from dataclasses import replace
from typing import Any, Optional

from drizzle_doc.dialects.base import SnapshotError, UnsupportedSnapshot
from drizzle_doc.model import (
    Check,
    Column,
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
)

SUPPORTED_VERSIONS = ("5", "6", "7")
DDL_VERSIONS = ("8", "9")  # drizzle-kit 1.0: "8" in the betas, "9" from the release candidates


def _strs(value) -> tuple[str, ...]:
    """A JSON list of names as a tuple of str (anything else in a damaged snapshot: its text)."""
    if isinstance(value, str):
        return (value,)
    if not isinstance(value, (list, tuple)):
        return ()
    return tuple(v if isinstance(v, str) else json.dumps(v) for v in value)

def _dict(value: Any) -> dict:
    return value if isinstance(value, dict) else {}


def _str(value: Any) -> Optional[str]:
    return None if value is None else str(value)


def _action(value: Any) -> Optional[str]:
    """As the snapshot spells it ("no action" when none was given, like the extractor)."""
    return None if value is None else str(value)


def _column(name: str, data: dict) -> Column:
    type_ = str(data.get("type", ""))
    type_schema = data.get("typeSchema")
    if type_schema and type_schema != "public":
        type_ = f"{type_schema}.{type_}"
    identity = None
    ident = data.get("identity")
    if isinstance(ident, dict):
        identity = Identity(
            type=str(ident.get("type", "always")),
            name=str(ident.get("name", "")),
            schema=str(ident.get("schema") or "public"),
            increment=_str(ident.get("increment")),
            start_with=_str(ident.get("startWith")),
            min_value=_str(ident.get("minValue")),
            max_value=_str(ident.get("maxValue")),
            cache=_str(ident.get("cache")),
            cycle=bool(ident.get("cycle", False)),
        )
    generated = None
    gen = data.get("generated")
    if isinstance(gen, dict):
        generated = Generated(expression=str(gen.get("as", "")), type=str(gen.get("type", "stored")))
    default = data.get("default")
    return Column(
        name=str(data.get("name", name)),
        property="",
        type=type_,
        not_null=bool(data.get("notNull", False)),
        primary_key=bool(data.get("primaryKey", False)),
        default=_default_text(default),
        identity=identity,
        generated=generated,
        unique=bool(data.get("isUnique", False)),
    )


def _index(name: str, data: dict) -> Index:
    cols = []
    for c in data.get("columns") or ():
        if isinstance(c, str):  # very old snapshots: plain column names
            cols.append(IndexColumn(expression=c))
            continue
        c = _dict(c)
        cols.append(
            IndexColumn(
                expression=str(c.get("expression", "")),
                is_expression=bool(c.get("isExpression", False)),
                asc=bool(c.get("asc", True)),
                nulls=str(c.get("nulls", "last")),
                opclass=_str(c.get("opclass")),
            )
        )
    return Index(
        name=str(data.get("name", name)),
        columns=tuple(cols),
        unique=bool(data.get("isUnique", False)),
        method=str(data.get("method") or "btree"),
        where=_str(data.get("where")),
        concurrently=bool(data.get("concurrently", False)),
        with_=tuple(sorted((str(k), str(v)) for k, v in _dict(data.get("with")).items())),
    )


def _table(key: str, data: dict) -> Table:
    schema = data.get("schema") or (key.split(".", 1)[0] if "." in key else "public")
    name = str(data.get("name", key.split(".", 1)[-1]))
    columns = tuple(_column(n, _dict(c)) for n, c in _dict(data.get("columns")).items())
    pk = None
    for pk_name, p in _dict(data.get("compositePrimaryKeys")).items():
        p = _dict(p)
        pk = PrimaryKey(name=str(p.get("name", pk_name)), columns=_strs(p.get("columns")), composite=True)
    fks = []
    for fk_name, f in _dict(data.get("foreignKeys")).items():
        f = _dict(f)
        fks.append(
            ForeignKey(
                name=str(f.get("name", fk_name)),
                columns=_strs(f.get("columnsFrom")),
                foreign_schema=str(f.get("schemaTo") or "public"),
                foreign_table=str(f.get("tableTo", "")),
                foreign_columns=_strs(f.get("columnsTo")),
                on_delete=_action(f.get("onDelete")),
                on_update=_action(f.get("onUpdate")),
            )
        )
    uniques = tuple(
        UniqueConstraint(
            name=str(_dict(u).get("name", u_name)),
            columns=_strs(_dict(u).get("columns")),
            nulls_not_distinct=bool(_dict(u).get("nullsNotDistinct", False)),
        )
        for u_name, u in _dict(data.get("uniqueConstraints")).items()
    )
    checks = tuple(
        Check(name=str(_dict(c).get("name", c_name)), expression=str(_dict(c).get("value", "")))
        for c_name, c in _dict(data.get("checkConstraints")).items()
    )
    return Table(
        name=name,
        schema=str(schema),
        columns=columns,
        primary_key=pk,
        foreign_keys=tuple(fks),
        indexes=tuple(_index(n, _dict(i)) for n, i in _dict(data.get("indexes")).items()),
        uniques=uniques,
        checks=checks,
        rls_enabled=bool(data.get("isRLSEnabled", False)),
    )


def load_snapshot(data: Any) -> Schema:
    """A decoded drizzle-kit PostgreSQL snapshot as a :class:`Schema` (tables and enums).

    Raises :class:`SnapshotError` when the JSON is not such a snapshot (wrong
    dialect, unknown version, no ``tables`` object).
    """
    if not isinstance(data, dict):
        raise SnapshotError("not a JSON object")
    dialect = data.get("dialect")
    if dialect not in ("postgresql", "pg", "postgres"):
        raise SnapshotError(f"dialect {dialect!r} is not postgresql")
    version = str(data.get("version", ""))
    if version in DDL_VERSIONS:
        return _load_ddl(data)
    if version not in SUPPORTED_VERSIONS:
        raise UnsupportedSnapshot(f"snapshot version {version!r} is not supported (expected 5-9)")
    tables = data.get("tables")
    if not isinstance(tables, dict):
        raise SnapshotError("no `tables` object")
    enums = tuple(
        Enum(
            name=str(_dict(e).get("name", k.split(".", 1)[-1])),
            schema=str(_dict(e).get("schema") or "public"),
            values=tuple(str(v) for v in _dict(e).get("values") or ()),
        )
        for k, e in _dict(data.get("enums")).items()
    )
    return Schema(
        tables=tuple(_table(k, _dict(t)) for k, t in tables.items()),
        enums=enums,
    )


def _load_ddl(data: dict) -> Schema:
    """drizzle-kit 1.0's snapshot: its ``ddl`` entities regrouped into version 7's shape, read by
    the same code.  Every primary key is a ``pks`` entity: a single-column one is the column's
    (as the extractor states a ``.primaryKey()`` column), a longer one a composite key."""
    ddl = data.get("ddl")
    if not isinstance(ddl, list):
        raise SnapshotError("no `ddl` list")
    tables: dict[str, dict] = {}
    enums: dict[str, dict] = {}
    entities = [e for e in ddl if isinstance(e, dict)]

    def key(e: dict, name: str = "table") -> str:
        return f"{e.get('schema') or 'public'}.{e.get(name)}"

    for e in entities:
        if e.get("entityType") == "tables":
            tables[key(e, "name")] = {"name": e.get("name"), "schema": e.get("schema") or "public", "columns": {},
                                      "indexes": {}, "foreignKeys": {}, "compositePrimaryKeys": {},
                                      "uniqueConstraints": {}, "checkConstraints": {},
                                      "isRLSEnabled": bool(e.get("isRlsEnabled"))}
    pks: dict[str, dict] = {}
    for e in entities:
        kind = e.get("entityType")
        if kind == "enums":
            enums[key(e, "name")] = e
            continue
        t = tables.get(key(e))
        if t is None:
            continue
        name = str(e.get("name"))
        if kind == "columns":
            dims = e.get("dimensions") if isinstance(e.get("dimensions"), int) else 0
            type_schema = e.get("typeSchema")
            t["columns"][name] = dict(e, type=f"{e.get('type')}{'[]' * dims}", primaryKey=False,
                                      typeSchema=type_schema if type_schema != "public" else None)
        elif kind == "pks":
            pks[key(e)] = e
        elif kind == "fks":
            t["foreignKeys"][name] = dict(e, columnsFrom=e.get("columns"), onDelete=e.get("onDelete") or "NO ACTION",
                                          onUpdate=e.get("onUpdate") or "NO ACTION")
        elif kind == "indexes":
            t["indexes"][name] = dict(e, columns=[
                {"expression": _dict(c).get("value"), "isExpression": _dict(c).get("isExpression"),
                 "asc": _dict(c).get("asc", True), "nulls": "first" if _dict(c).get("nullsFirst") else "last",
                 "opclass": _dict(_dict(c).get("opclass")).get("name")}
                for c in e.get("columns") or ()], **{"with": _with_pairs(e.get("with"))})
        elif kind == "uniques":
            t["uniqueConstraints"][name] = e
        elif kind == "checks":
            t["checkConstraints"][name] = e
    out = []
    for k, t in tables.items():
        pk = pks.get(k)
        cols = _strs(pk.get("columns")) if pk else ()
        table = _table(k, t)
        if len(cols) == 1 and cols[0] in t["columns"]:
            table_cols = tuple(replace(c, primary_key=True, not_null=True) if c.name == cols[0] else c
                               for c in table.columns)
            table = replace(table, columns=table_cols,
                            primary_key=PrimaryKey(name=str(pk.get("name")), columns=cols, composite=False))
        elif pk:
            table = replace(table, primary_key=PrimaryKey(name=str(pk.get("name")), columns=cols, composite=True))
        out.append(table)
    return Schema(
        tables=tuple(out),
        enums=tuple(Enum(name=str(e.get("name")), schema=str(e.get("schema") or "public"),
                         values=tuple(str(v) for v in e.get("values") or ())) for e in enums.values()),
    )


def _with_pairs(text: Any) -> dict:
    """An index's ``with`` as 1.0 writes it (``"fillfactor=90, deduplicate_items=false"``)."""
    if isinstance(text, dict):
        return text
    out = {}
    for part in str(text or "").split(","):
        if "=" in part:
            k, v = part.split("=", 1)
            out[k.strip()] = v.strip()
    return out


def snapshot_renames(data: Any) -> tuple[dict[str, str], dict[str, str]]:
    """drizzle-kit's recorded renames: (``_meta.tables``, ``_meta.columns``).

    Keys/values look like ``"public"."old"`` / ``"public"."t"."old"`` in some
    versions and ``public.old`` in others; both are returned unquoted.
    """
    meta = _dict(_dict(data).get("_meta"))

    def clean(s: Any) -> str:
        return str(s).replace('"', "")

    tables = {clean(k): clean(v) for k, v in _dict(meta.get("tables")).items()}
    columns = {clean(k): clean(v) for k, v in _dict(meta.get("columns")).items()}
    return tables, columns


def _default_text(value: Any) -> Optional[str]:
    """A snapshot default as SQL text: JSON ``false`` is ``false`` (not Python's ``False``)."""
    if value is None:
        return None
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)
