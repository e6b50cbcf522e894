"""drizzle-kit's MySQL snapshot JSON -> :class:`model.Schema`: 0.x's (``meta/NNNN_snapshot.json``,
``dialect: "mysql"``, version 5) and 1.0's (``<timestamp>_<name>/snapshot.json``, version 6: one
flat ``ddl`` list of entities, :func:`_load_ddl`).

Its shape differs from PostgreSQL's: tables are keyed by name (no schema); a column's primary
key is a one-column entry of ``compositePrimaryKeys`` named ``<table>_<column>`` (the column says
``primaryKey: false``); a column says ``autoincrement`` and ``onUpdate``; an index lists its
columns as plain text (expressions flagged in ``internal.indexes``) with ``using``,
``algorithm`` and ``lock``; checks are ``checkConstraint`` (singular); views carry their
columns and SQL.  Nothing here touches the disk: callers hand in the decoded JSON.
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

SUPPORTED_VERSIONS = ("5",)
DDL_VERSIONS = ("6",)  # drizzle-kit 1.0
SCHEMA = "public"  # the model's default schema (see dialects/mysql/__init__.py)


def enum_values(sql_type: str) -> tuple[str, ...]:
    """``enum('a','b')`` -> ('a', 'b'), doubled quotes undone."""
    if not sql_type.startswith("enum(") or not sql_type.endswith(")"):
        return ()
    out, i, body = [], 0, sql_type[5:-1]
    while i < len(body):
        if body[i] != "'":
            i += 1
            continue
        j, value = i + 1, []
        while j < len(body):
            if body[j] == "'" and body[j + 1:j + 2] == "'":
                value.append("'")
                j += 2
            elif body[j] == "'":
                break
            else:
                value.append(body[j])
                j += 1
        out.append("".join(value))
        i = j + 1
    return tuple(out)


def _column(name: str, data: dict, pk_column: bool) -> Column:
    gen = as_dict(data.get("generated"))
    sql_type = str(data.get("type", ""))
    return Column(
        name=str(data.get("name", name)),
        property="",
        type=sql_type,
        not_null=bool(data.get("notNull", False)) or pk_column,
        primary_key=pk_column,
        default=default_text(data.get("default")),
        on_update="onUpdateNow()" if data.get("onUpdate") else None,
        generated=Generated(str(gen.get("as", "")), str(gen.get("type") or "virtual")) if gen else None,
        enum_values=enum_values(sql_type),
        autoincrement=bool(data.get("autoincrement", False)),
    )


def _index(name: str, data: dict, flagged: dict) -> Index:
    exprs = as_dict(as_dict(flagged.get(name)).get("columns"))
    cols = tuple(IndexColumn(c, bool(as_dict(exprs.get(c)).get("isExpression"))) for c in as_strs(data.get("columns")))
    options = tuple((k, str(data[k])) for k in ("algorithm", "lock") if isinstance(data.get(k), str))
    return Index(str(data.get("name", name)), cols, bool(data.get("isUnique", False)),
                 str(data.get("using") or "btree"), None, False, options)


def _table(key: str, data: dict, flagged: dict) -> Table:
    name = str(data.get("name", key))
    raw_cols = as_dict(data.get("columns"))
    pk = None
    pk_column = None
    for pk_name, p in as_dict(data.get("compositePrimaryKeys")).items():
        p = as_dict(p)
        cols = as_strs(p.get("columns"))
        pk_name = str(p.get("name", pk_name))
        if len(cols) == 1 and pk_name == f"{name}_{cols[0]}":  # a column's .primaryKey()
            pk_column = cols[0]
            pk = PrimaryKey(pk_name, cols, False)
        else:
            pk = PrimaryKey(pk_name, cols, True)
    columns = tuple(_column(n, as_dict(c), n == pk_column) for n, c in raw_cols.items())
    if pk is not None and pk.composite:
        columns = tuple(dataclasses.replace(c, not_null=True) if c.name in pk.columns else c for c in columns)
    fks = tuple(
        ForeignKey(
            name=str(f.get("name", n)),
            columns=as_strs(f.get("columnsFrom")),
            foreign_schema=SCHEMA,
            foreign_table=str(f.get("tableTo", "")),
            foreign_columns=as_strs(f.get("columnsTo")),
            on_delete=f.get("onDelete") or "no action",
            on_update=f.get("onUpdate") or "no action",
        )
        for n, f in ((n, as_dict(f)) for n, f in as_dict(data.get("foreignKeys")).items())
    )
    uniques = tuple(
        UniqueConstraint(str(as_dict(u).get("name") or n), as_strs(as_dict(u).get("columns")),
                         from_column=as_strs(as_dict(u).get("columns")) == (n[len(name) + 1:-len("_unique")],))
        for n, u in as_dict(data.get("uniqueConstraints")).items()
    )
    checks = tuple(
        Check(str(as_dict(c).get("name", n)), str(as_dict(c).get("value", "")))
        for n, c in as_dict(data.get("checkConstraint") or data.get("checkConstraints")).items()
    )
    return Table(
        name=name,
        schema=SCHEMA,
        columns=columns,
        primary_key=pk,
        foreign_keys=fks,
        indexes=tuple(_index(n, as_dict(i), flagged) for n, i in as_dict(data.get("indexes")).items()),
        uniques=uniques,
        checks=checks,
    )


def _view(key: str, data: dict) -> View:
    cols = tuple(
        Column(name=str(as_dict(c).get("name", n)), property="", type=str(as_dict(c).get("type", "")),
               not_null=bool(as_dict(c).get("notNull", False)))
        for n, c in as_dict(data.get("columns")).items()
    )
    definition = data.get("definition")
    return View(str(data.get("name", key)), SCHEMA, False, cols,
                definition if isinstance(definition, str) else None, bool(data.get("isExisting", False)))


def load_snapshot(data: Any) -> Schema:
    """A decoded drizzle-kit MySQL snapshot as a :class:`Schema` (tables and views).

    Raises :class:`SnapshotError` when the JSON is not such a snapshot."""
    if not isinstance(data, dict):
        raise SnapshotError("not a JSON object")
    if data.get("dialect") != "mysql":
        raise SnapshotError(f"dialect {data.get('dialect')!r} is not mysql")
    version = str(data.get("version", ""))
    if version in DDL_VERSIONS:
        return _load_ddl(data)
    if version not in SUPPORTED_VERSIONS:
        raise UnsupportedSnapshot(f"MySQL snapshot version {version!r} is not supported (expected 5 or 6)")
    tables = data.get("tables")
    if not isinstance(tables, dict):
        raise SnapshotError("no `tables` object")
    flagged = as_dict(as_dict(data.get("internal")).get("indexes"))
    return Schema(
        tables=tuple(_table(k, as_dict(t), flagged) for k, t in tables.items()),
        views=tuple(_view(k, as_dict(v)) for k, v in as_dict(data.get("views")).items()),
    )


def _load_ddl(data: dict) -> Schema:
    """drizzle-kit 1.0's snapshot: ``tables``, ``columns``, ``pks`` (every one ``PRIMARY``; a
    one-column key is the column's), ``fks``, ``indexes`` (unique constraints among them),
    ``checks`` and ``views`` entities, read into the model as the extractor states a kit 1.0
    project."""
    ddl = data.get("ddl")
    if not isinstance(ddl, list):
        raise SnapshotError("no `ddl` list")
    entities = [e for e in ddl if isinstance(e, dict)]
    tables: dict[str, dict] = {}
    for e in entities:
        if e.get("entityType") == "tables":
            tables[str(e.get("name"))] = {"columns": [], "pk": None, "fks": [], "indexes": [], "checks": []}
    views = []
    for e in entities:
        kind = e.get("entityType")
        if kind == "views":
            definition = e.get("definition")
            views.append(View(str(e.get("name", "")), SCHEMA, False, (),
                              definition if isinstance(definition, str) else None, False))
            continue
        t = tables.get(str(e.get("table")))
        if t is None:
            continue
        name = str(e.get("name", ""))
        if kind == "columns":
            gen = as_dict(e.get("generated"))
            sql_type = str(e.get("type", ""))
            t["columns"].append(Column(
                name=name, property="", type=sql_type, not_null=bool(e.get("notNull", False)),
                default=default_text(e.get("default")), on_update="onUpdateNow()" if e.get("onUpdateNow") else None,
                generated=Generated(str(gen.get("as", "")), str(gen.get("type") or "virtual")) if gen else None,
                enum_values=enum_values(sql_type), autoincrement=bool(e.get("autoIncrement", False))))
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
            options = tuple((k, str(e[k])) for k in ("algorithm", "lock") if isinstance(e.get(k), str))
            t["indexes"].append(Index(name, cols, bool(e.get("isUnique", False)), str(e.get("using") or "btree"),
                                      None, False, options))
        elif kind == "checks":
            t["checks"].append(Check(name, str(e.get("value", ""))))
    out = []
    for name, t in tables.items():
        pk = t["pk"]
        columns = tuple(t["columns"])
        if pk is not None:
            columns = tuple(dataclasses.replace(c, not_null=True, primary_key=not pk.composite)
                            if c.name in pk.columns else c for c in columns)
        out.append(Table(name=name, schema=SCHEMA, columns=columns, primary_key=pk, foreign_keys=tuple(t["fks"]),
                         indexes=tuple(t["indexes"]), checks=tuple(t["checks"])))
    return Schema(tables=tuple(out), views=tuple(views))


def snapshot_renames(data: Any) -> tuple[dict[str, str], dict[str, str]]:
    """drizzle-kit's recorded renames (0.x: ``_meta.tables``, ``_meta.columns``; 1.0: ``renames``,
    ``"old->new"`` and ``"t.old->t.new"``), keyed as the history keys tables: ``public.<table>``
    and ``public.<table>.<column>``."""
    meta = as_dict(as_dict(data).get("_meta"))

    def key(s: Any) -> str:
        s = str(s).replace('"', "").replace("`", "")
        return s if s.startswith(SCHEMA + ".") else f"{SCHEMA}.{s}"

    tables = {key(k): key(v) for k, v in as_dict(meta.get("tables")).items()}
    columns = {key(k): key(v) for k, v in as_dict(meta.get("columns")).items()}
    for old, new in ddl_renames(as_dict(data).get("renames")):
        (columns if "." in old else tables)[key(old)] = key(new)
    return tables, columns
