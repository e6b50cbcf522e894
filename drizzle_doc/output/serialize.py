"""The model as plain JSON-ready data: the public contract of ``drizzle-doc inspect``.

Keys are stable and documented in the README.  Nothing here reads files or
decides anything: it only spells the model out.
"""

from __future__ import annotations

import gc
from typing import Any, Optional

from drizzle_doc.model import (
    Check,
    Column,
    Diagnostic,
    Doc,
    Enum,
    ForeignKey,
    Index,
    Policy,
    Relation,
    Schema,
    Sequence,
    Table,
    UniqueConstraint,
    View,
)

JSON_VERSION = 1


def doc_text(doc: Doc) -> Optional[str]:
    return doc.text or None


def doc_tags(doc: Doc) -> list[dict[str, str]]:
    return [{"tag": t.tag, "text": t.text} for t in doc.tags]


def column_json(c: Column) -> dict[str, Any]:
    out: dict[str, Any] = {
        "name": c.name,
        "property": c.property,
        "type": c.type,
        "notNull": c.not_null,
        "primaryKey": c.primary_key,
        "default": c.default,
        "appDefault": c.app_default,
        "onUpdate": c.on_update,
        "identity": None,
        "generated": None,
        "unique": c.unique,
        "enumValues": list(c.enum_values) if c.enum or c.enum_values else None,
        "tsType": c.ts_type,
        "mode": c.mode,
        "description": doc_text(c.description),
        "tags": doc_tags(c.description),
        "file": c.file,
        "line": c.line,
    }
    if c.identity is not None:
        i = c.identity
        out["identity"] = {
            "type": i.type,
            "name": i.name,
            "schema": i.schema,
            "increment": i.increment,
            "startWith": i.start_with,
            "minValue": i.min_value,
            "maxValue": i.max_value,
            "cache": i.cache,
            "cycle": i.cycle,
        }
    if c.generated is not None:
        out["generated"] = {"as": c.generated.expression, "type": c.generated.type}
    if c.autoincrement:  # SQLite only: INTEGER PRIMARY KEY AUTOINCREMENT
        out["autoincrement"] = True
    if c.unknown:  # only where something could not be evaluated (its value above is then null/false)
        out["unknown"] = {u.part: {"reason": u.reason, "file": u.file or None, "line": u.line or None} for u in c.unknown}
    return out


def foreign_key_json(fk: ForeignKey) -> dict[str, Any]:
    return {
        "name": fk.name,
        "columns": list(fk.columns),
        "foreignSchema": fk.foreign_schema,
        "foreignTable": fk.foreign_table,
        "foreignColumns": list(fk.foreign_columns),
        "onDelete": fk.on_delete,
        "onUpdate": fk.on_update,
        "description": doc_text(fk.description),
        "file": fk.file,
        "line": fk.line,
    }


def index_json(ix: Index) -> dict[str, Any]:
    return {
        "name": ix.name,
        "columns": [c.expression for c in ix.columns],
        "columnOptions": [
            {
                "expression": c.expression,
                "isExpression": c.is_expression,
                "asc": c.asc,
                "nulls": c.nulls,
                "opclass": c.opclass,
            }
            for c in ix.columns
        ],
        "unique": ix.unique,
        "method": ix.method,
        "where": ix.where,
        "concurrently": ix.concurrently,
        "with": {k: v for k, v in ix.with_},
        "description": doc_text(ix.description),
        "tags": doc_tags(ix.description),
        "file": ix.file,
        "line": ix.line,
    }


def unique_json(u: UniqueConstraint) -> dict[str, Any]:
    return {
        "name": u.name,
        "columns": list(u.columns),
        "nullsNotDistinct": u.nulls_not_distinct,
        "file": u.file,
        "line": u.line,
    }


def check_json(ck: Check) -> dict[str, Any]:
    return {"name": ck.name, "expression": ck.expression, "file": ck.file, "line": ck.line}


def policy_json(p: Policy) -> dict[str, Any]:
    return {
        "name": p.name,
        "as": p.as_,
        "for": p.for_,
        "to": list(p.to),
        "using": p.using,
        "withCheck": p.with_check,
        "file": p.file,
        "line": p.line,
    }


def relation_json(r: Relation) -> dict[str, Any]:
    return {
        "name": r.name,
        "kind": r.kind,
        "target": r.target,
        "targetSchema": r.target_schema,
        "fields": list(r.fields),
        "references": list(r.references),
        "relationName": r.relation_name,
        "through": r.through,
        "source": r.source,
        "file": r.file,
        "line": r.line,
    }


def table_json(t: Table) -> dict[str, Any]:
    return {
        "name": t.name,
        "schema": t.schema,
        "variable": t.variable,
        "file": t.file,
        "line": t.line,
        "description": doc_text(t.description),
        "tags": doc_tags(t.description),
        "columns": [column_json(c) for c in t.columns],
        "primaryKey": (
            {"name": t.primary_key.name, "columns": list(t.primary_key.columns)}
            if t.primary_key is not None
            else None
        ),
        "foreignKeys": [foreign_key_json(f) for f in t.foreign_keys],
        "indexes": [index_json(i) for i in t.indexes],
        "uniqueConstraints": [unique_json(u) for u in t.uniques],
        "checks": [check_json(c) for c in t.checks],
        "policies": [policy_json(p) for p in t.policies],
        "rlsEnabled": t.rls_enabled,
        "relations": [relation_json(r) for r in t.relations],
    }


def enum_json(e: Enum) -> dict[str, Any]:
    return {
        "name": e.name,
        "schema": e.schema,
        "values": list(e.values),
        "variable": e.variable,
        "description": doc_text(e.description),
        "file": e.file,
        "line": e.line,
        **({"unknown": {"values": {"reason": e.unknown.reason, "file": e.unknown.file or None,
                                   "line": e.unknown.line or None}}} if e.unknown is not None else {}),
    }


def view_json(v: View) -> dict[str, Any]:
    return {
        "name": v.name,
        "schema": v.schema,
        "materialized": v.materialized,
        "variable": v.variable,
        "description": doc_text(v.description),
        "definition": v.definition,
        "existing": v.existing,
        "columns": [column_json(c) for c in v.columns],
        "file": v.file,
        "line": v.line,
    }


def sequence_json(s: Sequence) -> dict[str, Any]:
    return {
        "name": s.name,
        "schema": s.schema,
        "increment": s.increment,
        "startWith": s.start_with,
        "minValue": s.min_value,
        "maxValue": s.max_value,
        "cache": s.cache,
        "cycle": s.cycle,
        "variable": s.variable,
        "file": s.file,
        "line": s.line,
    }


def diagnostic_json(d: Diagnostic) -> dict[str, Any]:
    return {
        "severity": d.severity,
        "file": d.file,
        "line": d.line,
        "column": d.column,
        "message": d.message,
        "code": d.code or None,
    }


def schema_json(schema: Schema) -> dict[str, Any]:
    # Only fresh dicts and lists, never a cycle: the cyclic collector's passes over the whole
    # model (about a million objects at 10,000 tables) would be pure cost.
    enabled = gc.isenabled()
    gc.disable()
    try:
        return _schema_json(schema)
    finally:
        if enabled:
            gc.enable()


def _schema_json(schema: Schema) -> dict[str, Any]:
    return {
        "version": JSON_VERSION,
        "dialect": schema.dialect,
        "files": list(schema.files),
        "tables": [table_json(t) for t in schema.tables],
        "enums": [enum_json(e) for e in schema.enums],
        "views": [view_json(v) for v in schema.views],
        "sequences": [sequence_json(s) for s in schema.sequences],
        "diagnostics": [diagnostic_json(d) for d in schema.diagnostics],
    }
