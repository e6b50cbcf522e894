"""drizzle-kit 1.0's snapshot (a flat ``ddl`` list, versions 8 and 9) seen in version 7's shape.

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
