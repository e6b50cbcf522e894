"""drizzle-kit's SQLite snapshot JSON (``meta/NNNN_snapshot.json``, ``dialect: "sqlite"``,
version 5-6) -> :class:`model.Schema`.

Its shape differs from PostgreSQL's: tables are keyed by name (no schema), a column says
``autoincrement``, an index lists its columns as plain text (expressions flagged in
``internal.indexes``), unique constraints are unique indexes, and views carry their columns and
SQL.  Nothing here touches the disk: callers hand in the decoded JSON.
"""

from __future__ import annotations

from typing import Any

from drizzle_doc.dialects.base import SnapshotError, UnsupportedSnapshot
from drizzle_doc.dialects.snapshot_json import as_dict, as_strs, default_text
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
    View,
)

SUPPORTED_VERSIONS = ("5", "6")
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
    if version not in SUPPORTED_VERSIONS:
        raise UnsupportedSnapshot(f"snapshot version {version!r} is not supported (expected 5-6)")
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


def snapshot_renames(data: Any) -> tuple[dict[str, str], dict[str, str]]:
    """drizzle-kit's recorded renames (``_meta.tables`` / ``_meta.columns``) as ``main.old`` ->
    ``main.new`` and ``main.table.old`` -> ``main.table.new``."""
    meta = as_dict(as_dict(data).get("_meta"))

    def clean(s: Any) -> str:
        return f"{SCHEMA}." + str(s).replace('"', "").replace("`", "")

    tables = {clean(k): clean(v) for k, v in as_dict(meta.get("tables")).items()}
    columns = {clean(k): clean(v) for k, v in as_dict(meta.get("columns")).items()}
    return tables, columns
