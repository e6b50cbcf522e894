"""drizzle-kit's SQLite snapshot JSON -> :class:`model.Schema`: 0.x's (``meta/NNNN_snapshot.json``,
``dialect: "sqlite"``, versions 5-6) and 1.0's (``<timestamp>_<name>/snapshot.json``, version 7:
one flat ``ddl`` list of entities, :func:`_load_ddl`).

Its shape differs from PostgreSQL's: tables are keyed by name (no schema), a column says
``autoincrement``, an index lists its columns as plain text (expressions flagged in
``internal.indexes``), unique constraints are unique indexes, and views carry their columns and
SQL.  Nothing here touches the disk: callers hand in the decoded JSON.
"""

from __future__ import annotations

import dataclasses
from typing import Any

from drizzle_doc.dialects.base import SnapshotError, UnsupportedSnapshot
from drizzle_doc.dialects.snapshot_json import as_dict, as_strs, ddl_renames, default_text
from drizzle_doc.model import (
    Check,
    Column,
    ForeignKey,
    Generated,
    Index,
    IndexColumn,
    PrimaryKey,
    Schema,
    Table,
    UniqueConstraint,
    View,
)

SUPPORTED_VERSIONS = ("5", "6")
DDL_VERSIONS = ("7",)  # drizzle-kit 1.0
SCHEMA = "main"


def _column(name: str, data: dict) -> Column:
    gen = as_dict(data.get("generated"))
    return Column(
        name=str(data.get("name", name)),
        property="",
        type=str(data.get("type", "")),
        not_null=bool(data.get("notNull", False)),
        primary_key=bool(data.get("primaryKey", False)),
        default=default_text(data.get("default")),
        generated=Generated(str(gen.get("as", "")), str(gen.get("type") or "virtual")) if gen else None,
        autoincrement=bool(data.get("autoincrement", False)),
    )


def _table(key: str, data: dict, internal: dict) -> Table:
    name = str(data.get("name", key))
    columns = tuple(_column(n, as_dict(c)) for n, c in as_dict(data.get("columns")).items())
    pk = None
    for pk_name, p in as_dict(data.get("compositePrimaryKeys")).items():
        p = as_dict(p)
        pk = PrimaryKey(name=str(p.get("name", pk_name)), columns=as_strs(p.get("columns")), composite=True)
    if pk is None and any(c.primary_key for c in columns):
        pk = PrimaryKey(f"{name}_pkey", tuple(c.name for c in columns if c.primary_key), False)
    fks = tuple(
        ForeignKey(
            name=str(as_dict(f).get("name", fk_name)),
            columns=as_strs(as_dict(f).get("columnsFrom")),
            foreign_schema=SCHEMA,
            foreign_table=str(as_dict(f).get("tableTo", "")),
            foreign_columns=as_strs(as_dict(f).get("columnsTo")),
            on_delete=str(as_dict(f).get("onDelete") or "no action"),
            on_update=str(as_dict(f).get("onUpdate") or "no action"),
        )
        for fk_name, f in as_dict(data.get("foreignKeys")).items()
    )
    indexes = []
    for ix_name, ix in as_dict(data.get("indexes")).items():
        ix = as_dict(ix)
        flagged = as_dict(as_dict(as_dict(internal.get(ix_name)).get("columns")))
        cols = tuple(IndexColumn(c, bool(as_dict(flagged.get(c)).get("isExpression", False))) for c in as_strs(ix.get("columns")))
        where = ix.get("where")
        indexes.append(Index(str(ix.get("name") or ix_name), cols, bool(ix.get("isUnique", False)),
                             where=None if where is None else str(where)))
    # unique constraints of older snapshots (drizzle-kit now writes them as unique indexes)
    for u_name, u in as_dict(data.get("uniqueConstraints")).items():
        u = as_dict(u)
        indexes.append(Index(str(u.get("name") or u_name), tuple(IndexColumn(c) for c in as_strs(u.get("columns"))), True))
    checks = tuple(
        Check(name=str(as_dict(c).get("name", c_name)), expression=str(as_dict(c).get("value", "")))
        for c_name, c in as_dict(data.get("checkConstraints")).items()
    )
    return Table(name=name, schema=SCHEMA, columns=columns, primary_key=pk, foreign_keys=fks,
                 indexes=tuple(indexes), checks=checks)


def load_snapshot(data: Any) -> Schema:
    """A decoded drizzle-kit SQLite snapshot as a :class:`Schema` (tables and views).

    Raises :class:`SnapshotError` when the JSON is not such a snapshot."""
    if not isinstance(data, dict):
        raise SnapshotError("not a JSON object")
    dialect = data.get("dialect")
    if dialect not in ("sqlite", "turso"):
        raise SnapshotError(f"dialect {dialect!r} is not sqlite")
    version = str(data.get("version", ""))
    if version in DDL_VERSIONS:
        return _load_ddl(data)
    if version not in SUPPORTED_VERSIONS:
        raise UnsupportedSnapshot(f"snapshot version {version!r} is not supported (expected 5-7)")
    tables = data.get("tables")
    if not isinstance(tables, dict):
        raise SnapshotError("no `tables` object")
    internal = as_dict(as_dict(data.get("internal")).get("indexes"))
    views = tuple(
        View(name=str(as_dict(v).get("name", k)), schema=SCHEMA,
             columns=tuple(_column(n, as_dict(c)) for n, c in as_dict(as_dict(v).get("columns")).items()),
             definition=as_dict(v).get("definition"), existing=bool(as_dict(v).get("isExisting", False)))
        for k, v in as_dict(data.get("views")).items()
    )
    return Schema(dialect="sqlite", tables=tuple(_table(k, as_dict(t), internal) for k, t in tables.items()), views=views)


def _load_ddl(data: dict) -> Schema:
    """drizzle-kit 1.0's snapshot: ``tables``, ``columns``, ``pks`` (every key, a column's too:
    one column is the column's key), ``fks``, ``uniques`` (constraints, not indexes), ``indexes``,
    ``checks`` and ``views`` entities, read into the model as the extractor states a kit 1.0
    project."""
    ddl = data.get("ddl")
    if not isinstance(ddl, list):
        raise SnapshotError("no `ddl` list")
    entities = [e for e in ddl if isinstance(e, dict)]
    tables: dict[str, dict] = {}
    for e in entities:
        if e.get("entityType") == "tables":
            tables[str(e.get("name"))] = {"columns": [], "pk": None, "fks": [], "indexes": [], "uniques": [],
                                          "checks": []}
    views = []
    for e in entities:
        kind = e.get("entityType")
        if kind == "views":
            definition = e.get("definition")
            views.append(View(name=str(e.get("name", "")), schema=SCHEMA,
                              definition=definition if isinstance(definition, str) else None,
                              existing=bool(e.get("isExisting", False))))
            continue
        t = tables.get(str(e.get("table")))
        if t is None:
            continue
        name = str(e.get("name", ""))
        if kind == "columns":
            t["columns"].append(_column(name, e))
        elif kind == "pks":
            cols = as_strs(e.get("columns"))
            t["pk"] = PrimaryKey(name, cols, len(cols) > 1)
        elif kind == "fks":
            t["fks"].append(ForeignKey(
                name=name, columns=as_strs(e.get("columns")), foreign_schema=SCHEMA,
                foreign_table=str(e.get("tableTo", "")), foreign_columns=as_strs(e.get("columnsTo")),
                on_delete=str(e.get("onDelete") or "NO ACTION"), on_update=str(e.get("onUpdate") or "NO ACTION")))
        elif kind == "indexes":
            cols = tuple(IndexColumn(str(as_dict(c).get("value", "")), bool(as_dict(c).get("isExpression")))
                         for c in (e.get("columns") if isinstance(e.get("columns"), list) else ()))
            where = e.get("where")
            t["indexes"].append(Index(name, cols, bool(e.get("isUnique", False)),
                                      where=None if where is None else str(where)))
        elif kind == "uniques":
            cols = as_strs(e.get("columns"))
            from_column = not e.get("nameExplicit") and len(cols) == 1 and name == f"{e.get('table')}_{cols[0]}_unique"
            t["uniques"].append(UniqueConstraint(name, cols, from_column=from_column))
        elif kind == "checks":
            t["checks"].append(Check(name=name, expression=str(e.get("value", ""))))
    out = []
    for name, t in tables.items():
        pk = t["pk"]
        columns = tuple(t["columns"])
        if pk is not None and not pk.composite:
            columns = tuple(dataclasses.replace(c, primary_key=True) if c.name in pk.columns else c for c in columns)
        out.append(Table(name=name, schema=SCHEMA, columns=columns, primary_key=pk, foreign_keys=tuple(t["fks"]),
                         indexes=tuple(t["indexes"]), uniques=tuple(t["uniques"]), checks=tuple(t["checks"])))
    return Schema(dialect="sqlite", tables=tuple(out), views=tuple(views))


def snapshot_renames(data: Any) -> tuple[dict[str, str], dict[str, str]]:
    """drizzle-kit's recorded renames (0.x: ``_meta.tables`` / ``_meta.columns``; 1.0:
    ``renames``, ``"old->new"`` and ``"t.old->t.new"``) as ``main.old`` -> ``main.new`` and
    ``main.table.old`` -> ``main.table.new``."""
    meta = as_dict(as_dict(data).get("_meta"))

    def clean(s: Any) -> str:
        return f"{SCHEMA}." + str(s).replace('"', "").replace("`", "")

    tables = {clean(k): clean(v) for k, v in as_dict(meta.get("tables")).items()}
    columns = {clean(k): clean(v) for k, v in as_dict(meta.get("columns")).items()}
    for old, new in ddl_renames(as_dict(data).get("renames")):
        (columns if "." in old else tables)[clean(old)] = clean(new)
    return tables, columns
