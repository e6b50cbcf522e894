"""drizzle-kit 1.0's snapshot (a flat ``ddl`` list) seen in its dialect's 0.x shape: PostgreSQL's
(versions 8 and 9) in version 7's (:func:`as_v7`), MySQL's (6) in version 5's, SQLite's (7) in
version 6's (:func:`as_legacy` picks).

tests/test_oracle.py compares our ``inspect`` JSON with a snapshot of version 7's shape
(``tables`` keyed by ``schema.name``, each with ``columns``, ``indexes``, ``foreignKeys`` …).
:func:`as_v7` brings a 1.0 snapshot to that shape, keeping every fact and spelling 1.0 writes:

- a column's ``type`` is the ddl's ``type`` plus ``[]`` per ``dimensions``;
- every primary key is a ``pks`` entity with a name (``<table>_pkey`` unless named), single-column
  ones too: all go to ``compositePrimaryKeys`` (compared by name and columns), and a column's
  ``primaryKey`` is true when it is the one column of its table's key;
- foreign key actions are upper case (``CASCADE``); not given is ``null``, here ``NO ACTION``;
- an index column's ``value`` is its ``expression``, ``nullsFirst`` its ``nulls``, ``opclass``
  an object whose ``name`` is compared; ``with`` is one ``a=b, c=d`` string, split here;
- identities have no ``schema`` (the column's is meant) and a numeric ``cache``;
- sequences say ``incrementBy``/``cacheSize``; policies ``roles``;
- views carry no columns, and views declared ``.existing()`` are not recorded at all.
"""

from __future__ import annotations

from typing import Any


def _key(schema: str, name: str) -> str:
    return f"{schema}.{name}"


def _with(text: Any) -> dict:
    if isinstance(text, dict):
        return text
    out = {}
    for part in (text or "").split(","):
        if "=" in part:
            k, v = part.split("=", 1)
            out[k.strip()] = v.strip()
    return out


def as_v7(snapshot: dict) -> dict:
    """A version 8/9 snapshot in version 7's shape (see the module docstring)."""
    tables: dict[str, dict] = {}
    out: dict[str, Any] = {"tables": tables, "enums": {}, "schemas": {}, "sequences": {}, "roles": {},
                           "policies": {}, "views": {}}
    ddl = snapshot.get("ddl") or []
    for e in ddl:
        if e.get("entityType") == "tables":
            tables[_key(e["schema"], e["name"])] = {
                "name": e["name"], "schema": e["schema"], "columns": {}, "indexes": {}, "foreignKeys": {},
                "compositePrimaryKeys": {}, "uniqueConstraints": {}, "policies": {}, "checkConstraints": {},
                "isRLSEnabled": bool(e.get("isRlsEnabled")),
            }
    single_pk: dict[str, str] = {}
    for e in ddl:
        if e.get("entityType") == "pks" and len(e.get("columns") or []) == 1:
            single_pk[_key(e["schema"], e["table"])] = e["columns"][0]
    for e in ddl:
        kind = e.get("entityType")
        t = tables.get(_key(e.get("schema"), e.get("table"))) if "table" in e else None
        if kind == "columns":
            ident = e.get("identity")
            if ident:
                ident = dict(ident, schema=e["schema"])
            t["columns"][e["name"]] = {
                "name": e["name"], "type": e["type"] + "[]" * int(e.get("dimensions") or 0),
                "typeSchema": e.get("typeSchema"), "notNull": bool(e.get("notNull")),
                "primaryKey": single_pk.get(_key(e["schema"], e["table"])) == e["name"],
                "default": e.get("default"), "identity": ident, "generated": e.get("generated"),
            }
        elif kind == "pks":
            t["compositePrimaryKeys"][e["name"]] = {"name": e["name"], "columns": list(e["columns"])}
        elif kind == "fks":
            t["foreignKeys"][e["name"]] = {
                "name": e["name"], "columnsFrom": e["columns"], "tableTo": e["tableTo"],
                "schemaTo": e["schemaTo"], "columnsTo": e["columnsTo"],
                "onDelete": e.get("onDelete") or "NO ACTION", "onUpdate": e.get("onUpdate") or "NO ACTION",
            }
        elif kind == "indexes":
            t["indexes"][e["name"]] = {
                "name": e["name"],
                "columns": [{"expression": c["value"], "isExpression": bool(c.get("isExpression")),
                             "asc": c.get("asc", True), "nulls": "first" if c.get("nullsFirst") else "last",
                             "opclass": (c.get("opclass") or {}).get("name")} for c in e.get("columns") or []],
                "isUnique": bool(e.get("isUnique")), "where": e.get("where"),
                "concurrently": bool(e.get("concurrently")), "method": e.get("method") or "btree",
                "with": _with(e.get("with")),
            }
        elif kind == "uniques":
            t["uniqueConstraints"][e["name"]] = {"name": e["name"], "columns": list(e["columns"]),
                                                  "nullsNotDistinct": bool(e.get("nullsNotDistinct"))}
        elif kind == "checks":
            t["checkConstraints"][e["name"]] = {"name": e["name"], "value": e["value"]}
        elif kind == "policies":
            t["policies"][e["name"]] = {"name": e["name"], "as": e.get("as"), "for": e.get("for"),
                                        "to": list(e.get("roles") or []), "using": e.get("using"),
                                        "withCheck": e.get("withCheck")}
        elif kind == "enums":
            out["enums"][_key(e["schema"], e["name"])] = {"name": e["name"], "schema": e["schema"],
                                                          "values": list(e["values"])}
        elif kind == "schemas":
            out["schemas"][e["name"]] = e["name"]
        elif kind == "sequences":
            out["sequences"][_key(e["schema"], e["name"])] = {
                "name": e["name"], "schema": e["schema"], "increment": e.get("incrementBy"),
                "startWith": e.get("startWith"), "minValue": e.get("minValue"), "maxValue": e.get("maxValue"),
                "cache": e.get("cacheSize"), "cycle": bool(e.get("cycle")),
            }
        elif kind == "roles":
            out["roles"][e["name"]] = e
        elif kind == "views":
            out["views"][_key(e["schema"], e["name"])] = {
                "name": e["name"], "schema": e["schema"], "materialized": bool(e.get("materialized")),
                "isExisting": False, "columns": {},
            }
    return out


def _flat_tables(ddl: list, checks_key: str) -> dict[str, dict]:
    return {e["name"]: {"name": e["name"], "columns": {}, "indexes": {}, "foreignKeys": {}, "compositePrimaryKeys": {},
                        "uniqueConstraints": {}, checks_key: {}}
            for e in ddl if e.get("entityType") == "tables"}


def _flat_index(e: dict, internal: dict) -> dict:
    """An index entity in 0.x's shape: its columns as text, expressions flagged in ``internal``."""
    flagged = {c["value"]: {"isExpression": True} for c in e.get("columns") or [] if c.get("isExpression")}
    if flagged:
        internal[e["name"]] = {"columns": flagged}
    return {"name": e["name"], "columns": [c["value"] for c in e.get("columns") or []],
            "isUnique": bool(e.get("isUnique"))}


def mysql_as_v5(snapshot: dict) -> dict:
    """A MySQL version 6 snapshot (drizzle-kit 1.0) in version 5's shape, every fact and spelling
    1.0 writes kept: every primary key is ``PRIMARY`` (a column's too, so a one-column key is the
    column's); unique constraints are unique indexes (``using`` null); FK actions upper case;
    ``autoIncrement``/``onUpdateNow`` are 0.x's ``autoincrement``/``onUpdate``; views carry no
    columns, and views declared ``.existing()`` are not recorded."""
    ddl = snapshot.get("ddl") or []
    tables = _flat_tables(ddl, "checkConstraint")
    internal: dict[str, dict] = {}
    views: dict[str, dict] = {}
    for e in ddl:
        kind, t = e.get("entityType"), tables.get(e.get("table"))
        if kind == "columns":
            t["columns"][e["name"]] = {
                "name": e["name"], "type": e["type"], "primaryKey": False, "notNull": bool(e.get("notNull")),
                "autoincrement": bool(e.get("autoIncrement")), "default": e.get("default"),
                "onUpdate": bool(e.get("onUpdateNow")), "generated": e.get("generated")}
        elif kind == "pks":
            t["compositePrimaryKeys"][e["name"]] = {"name": e["name"], "columns": list(e["columns"])}
        elif kind == "fks":
            t["foreignKeys"][e["name"]] = {"name": e["name"], "columnsFrom": e["columns"], "tableTo": e["tableTo"],
                                           "columnsTo": e["columnsTo"], "onDelete": e.get("onDelete") or "NO ACTION",
                                           "onUpdate": e.get("onUpdate") or "NO ACTION"}
        elif kind == "indexes":
            t["indexes"][e["name"]] = dict(_flat_index(e, internal), **{k: e.get(k) for k in ("using", "algorithm", "lock")})
        elif kind == "checks":
            t["checkConstraint"][e["name"]] = {"name": e["name"], "value": e["value"]}
        elif kind == "views":
            views[e["name"]] = {"name": e["name"], "definition": e.get("definition"), "isExisting": False, "columns": {}}
    return {"version": "5", "dialect": "mysql", "tables": tables, "views": views, "internal": {"indexes": internal}}


def sqlite_as_v6(snapshot: dict) -> dict:
    """A SQLite version 7 snapshot (drizzle-kit 1.0) in version 6's shape, every fact and spelling
    1.0 writes kept: every primary key is a named ``pks`` entity (a column's too: all go to
    ``compositePrimaryKeys``, and a one-column key marks its column ``primaryKey``); unique
    constraints are ``uniqueConstraints`` again (0.x made them unique indexes); FK actions upper
    case; views declared ``.existing()`` are recorded, without a definition."""
    ddl = snapshot.get("ddl") or []
    tables = _flat_tables(ddl, "checkConstraints")
    internal: dict[str, dict] = {}
    views: dict[str, dict] = {}
    single_pk = {e["table"]: e["columns"][0] for e in ddl if e.get("entityType") == "pks" and len(e["columns"]) == 1}
    for e in ddl:
        kind, t = e.get("entityType"), tables.get(e.get("table"))
        if kind == "columns":
            t["columns"][e["name"]] = {
                "name": e["name"], "type": e["type"], "primaryKey": single_pk.get(e["table"]) == e["name"],
                "notNull": bool(e.get("notNull")), "autoincrement": bool(e.get("autoincrement")),
                "default": e.get("default"), "generated": e.get("generated")}
        elif kind == "pks":
            t["compositePrimaryKeys"][e["name"]] = {"name": e["name"], "columns": list(e["columns"])}
        elif kind == "fks":
            t["foreignKeys"][e["name"]] = {"name": e["name"], "columnsFrom": e["columns"], "tableTo": e["tableTo"],
                                           "columnsTo": e["columnsTo"], "onDelete": e.get("onDelete") or "NO ACTION",
                                           "onUpdate": e.get("onUpdate") or "NO ACTION"}
        elif kind == "indexes":
            t["indexes"][e["name"]] = dict(_flat_index(e, internal), where=e.get("where"))
        elif kind == "uniques":
            t["uniqueConstraints"][e["name"]] = {"name": e["name"], "columns": list(e["columns"])}
        elif kind == "checks":
            t["checkConstraints"][e["name"]] = {"name": e["name"], "value": e["value"]}
        elif kind == "views":
            views[e["name"]] = {"name": e["name"], "definition": e.get("definition"),
                                "isExisting": bool(e.get("isExisting")), "columns": {}}
    return {"version": "6", "dialect": "sqlite", "tables": tables, "views": views, "internal": {"indexes": internal}}


def as_legacy(snapshot: dict) -> dict:
    """A drizzle-kit 1.0 snapshot (a ``ddl`` list) in its dialect's 0.x shape; a 0.x one as it is."""
    if "ddl" not in snapshot:
        return snapshot
    if snapshot.get("dialect") == "mysql":
        return mysql_as_v5(snapshot)
    if snapshot.get("dialect") in ("sqlite", "turso"):
        return sqlite_as_v6(snapshot)
    return dict(as_v7(snapshot), dialect="postgresql")
