"""drizzle-kit's SQLite snapshot JSON (``meta/NNNN_snapshot.json``, ``dialect: "sqlite"``,
version 5-6) -> :class:`model.Schema`.

Its shape differs from PostgreSQL's: tables are keyed by name (no schema), a column says
``autoincrement``, an index lists its columns as plain text (expressions flagged in
``internal.indexes``), unique constraints are unique indexes, and views carry their columns and
SQL.  Nothing here touches the disk: callers hand in the decoded JSON.
"""

from __future__ import annotations

from typing import Any, Optional

from drizzle_doc.dialects.base import SnapshotError, UnsupportedSnapshot
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


def _dict(value: Any) -> dict:
    return value if isinstance(value, dict) else {}


def _strs(value: Any) -> tuple[str, ...]:
    if isinstance(value, str):
        return (value,)
    return tuple(str(v) for v in value) if isinstance(value, (list, tuple)) else ()


def default_text(value: Any) -> Optional[str]:
    """A snapshot default as SQL text: JSON ``true`` is ``true``, numbers as JSON writes them."""
    if value is None:
        return None
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _column(name: str, data: dict) -> Column:
    gen = _dict(data.get("generated"))
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
    columns = tuple(_column(n, _dict(c)) for n, c in _dict(data.get("columns")).items())
    pk = None
    for pk_name, p in _dict(data.get("compositePrimaryKeys")).items():
        p = _dict(p)
        pk = PrimaryKey(name=str(p.get("name", pk_name)), columns=_strs(p.get("columns")), composite=True)
    if pk is None and any(c.primary_key for c in columns):
        pk = PrimaryKey(f"{name}_pkey", tuple(c.name for c in columns if c.primary_key), False)
    fks = tuple(
        ForeignKey(
            name=str(_dict(f).get("name", fk_name)),
            columns=_strs(_dict(f).get("columnsFrom")),
            foreign_schema=SCHEMA,
            foreign_table=str(_dict(f).get("tableTo", "")),
            foreign_columns=_strs(_dict(f).get("columnsTo")),
            on_delete=str(_dict(f).get("onDelete") or "no action"),
            on_update=str(_dict(f).get("onUpdate") or "no action"),
        )
        for fk_name, f in _dict(data.get("foreignKeys")).items()
    )
    indexes = []
    for ix_name, ix in _dict(data.get("indexes")).items():
        ix = _dict(ix)
        flagged = _dict(_dict(_dict(internal.get(ix_name)).get("columns")))
        cols = tuple(IndexColumn(c, bool(_dict(flagged.get(c)).get("isExpression", False))) for c in _strs(ix.get("columns")))
        where = ix.get("where")
        indexes.append(Index(str(ix.get("name") or ix_name), cols, bool(ix.get("isUnique", False)),
                             where=None if where is None else str(where)))
    # unique constraints of older snapshots (drizzle-kit now writes them as unique indexes)
    for u_name, u in _dict(data.get("uniqueConstraints")).items():
        u = _dict(u)
        indexes.append(Index(str(u.get("name") or u_name), tuple(IndexColumn(c) for c in _strs(u.get("columns"))), True))
    checks = tuple(
        Check(name=str(_dict(c).get("name", c_name)), expression=str(_dict(c).get("value", "")))
        for c_name, c in _dict(data.get("checkConstraints")).items()
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
    internal = _dict(_dict(data.get("internal")).get("indexes"))
    views = tuple(
        View(name=str(_dict(v).get("name", k)), schema=SCHEMA,
             columns=tuple(_column(n, _dict(c)) for n, c in _dict(_dict(v).get("columns")).items()),
             definition=_dict(v).get("definition"), existing=bool(_dict(v).get("isExisting", False)))
        for k, v in _dict(data.get("views")).items()
    )
    return Schema(dialect="sqlite", tables=tuple(_table(k, _dict(t), internal) for k, t in tables.items()), views=views)


def snapshot_renames(data: Any) -> tuple[dict[str, str], dict[str, str]]:
    """drizzle-kit's recorded renames (``_meta.tables`` / ``_meta.columns``) as ``main.old`` ->
    ``main.new`` and ``main.table.old`` -> ``main.table.new``."""
    meta = _dict(_dict(data).get("_meta"))

    def clean(s: Any) -> str:
        return f"{SCHEMA}." + str(s).replace('"', "").replace("`", "")

    tables = {clean(k): clean(v) for k, v in _dict(meta.get("tables")).items()}
    columns = {clean(k): clean(v) for k, v in _dict(meta.get("columns")).items()}
    return tables, columns
