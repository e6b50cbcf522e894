"""Drift: what the models have that no migration made, and the reverse, as
:mod:`drizzle_doc.model.compare` finds it (the migrations on the left); and which findings depend
on SQL files outside drizzle-kit's journal (:func:`journal_drift`)."""

from __future__ import annotations

import dataclasses
from collections.abc import Collection, Mapping
from typing import Optional

from drizzle_doc.dialects import dialect_for
from drizzle_doc.model import compare
from drizzle_doc.model import ERROR, WARNING, Enum, Schema, Table
from drizzle_doc.project import Project

from drizzle_doc.history.records import Drift, History
from drizzle_doc.history.changes import cols, norm_fk


# ---------------------------------------------------------------------------
# Drift
# ---------------------------------------------------------------------------


def compute_drift(model: Schema, migrated: Schema, project: Optional[Project] = None) -> tuple[Drift, ...]:
    """Everything the models have that no migration made, and the reverse.

    Compared by name, as drizzle-kit's snapshot spells them; types, defaults and
    SQL expressions are compared after pglast re-prints them.
    """
    return drift_by_key(model, migrated.tables_by_key(), migrated.enums, naming=kit_naming(project))


def kit_naming(project: Optional[Project]):
    """The project's drizzle-kit naming (None without a project)."""
    if project is None:
        return None
    try:
        return project.sql_dialect.naming(project.kit)
    except (KeyError, AttributeError):
        return None


def _default_name(naming, kind: str, table: Table, item) -> Optional[str]:
    """The name drizzle-kit gives ``item`` (a foreign key, unique, unique index or primary key of
    ``table``) when none is written."""
    if kind == "foreign_key":
        return naming.name("foreign_key", table.name, item.columns, item.foreign_table, item.foreign_columns)
    if kind in ("unique", "index"):
        return naming.name("unique", table.name, [getattr(c, "expression", c) for c in item.columns])
    if kind == "primary_key":
        return naming.name("composite_primary_key", table.name, item.columns)
    return None


def _keep_migrated_names(diffs: list, naming, table: Table, spelling) -> list:
    """drizzle-kit 1.0's ``preserveEntityNames``: an unnamed object of the models that equals one
    of the migrations in everything but its name keeps the migration's name (after a table rename
    its foreign keys keep their old names), so the pair is no drift."""
    out = list(diffs)
    for kind in naming.preserved_names:
        dropped = [x for x in out if x.kind == kind and x.change == compare.DROPPED]
        for y in [x for x in out if x.kind == kind and x.change == compare.ADDED]:
            if y.right.name != _default_name(naming, kind, table, y.right):
                continue  # a name the models give is kit's to migrate
            same = [x for x in dropped if not compare.aspects(kind, x.left, y.right, spelling)]
            if len(same) == 1:
                out.remove(y)
                out.remove(same[0])
                dropped.remove(same[0])
    return out


def drift_fingerprint(t: Table) -> str:
    """A digest of everything :func:`compute_drift` compares in one table: two tables with the
    same fingerprint have no drift between them (different spellings of one type or default
    give different fingerprints, and are then compared in full)."""
    import hashlib

    view = (
        tuple((c.name, c.type, c.not_null, c.default, c.primary_key, c.identity and c.identity.type,
               c.generated and (c.generated.expression, c.generated.type), c.autoincrement, c.on_update)
              for c in t.columns),
        t.pk_columns,
        tuple((ix.name, ix.unique, ix.method, ix.where,
               tuple((c.expression, c.is_expression, c.asc, c.nulls, c.opclass) for c in ix.columns))
              for ix in t.indexes),
        tuple((f.name, norm_fk(f)) for f in t.foreign_keys),
        tuple((u.name, u.columns, u.nulls_not_distinct) for u in t.uniques),
        tuple((c.name, c.expression) for c in t.checks),
    )
    return hashlib.sha256(repr(view).encode("utf-8", "surrogatepass")).hexdigest()


# How drift words a named object: (label, Drift field that names it)
_DRIFT_NAMED = {"index": ("index", "index"), "foreign_key": ("foreign key", "constraint"),
                "unique": ("unique constraint", "constraint"), "check": ("check constraint", "constraint")}


def drift_by_key(model: Schema, dt: Mapping[str, Table], migrated_enums: tuple[Enum, ...],
                 unchanged: Collection[str] = (), naming=None, compared=None) -> tuple[Drift, ...]:
    """:func:`compute_drift` against the migrated tables by key; tables in ``unchanged`` are known
    to match their model (equal :func:`drift_fingerprint`) and are not compared again.  The
    comparing is :func:`drizzle_doc.model.compare.compare_tables`'s, migrations on the left;
    ``naming`` (the project's ``KitNaming``) says which names drizzle-kit keeps from the migrations,
    and what earlier releases of its generation wrote their own way (``releases``): where the
    migrations spell a difference as such a release did, the project's kit was that release and
    the difference is one thing spelled twice, never drift.  ``compared``, when given, keeps
    :func:`~drizzle_doc.model.compare.compare_tables`'s answers: ``compared.kept(table)`` is a kept
    answer (or None), ``compared.made(table, diffs)`` is told each one made now; a migrated table
    is only read when its comparison is made or a difference is worded."""
    out: list[Drift] = []
    mt = {t.key: t for t in model.tables}
    spelling = dialect_for(model.dialect)
    shown = spelling.shown_key  # ``main.users`` is ``users`` in SQLite's messages; PostgreSQL keeps ``public.``

    def add(sev, table, kind, msg, **kw):
        out.append(Drift(severity=sev, table=table, message=msg, kind=kind, **kw))

    def word(nn):
        return "NOT NULL" if nn else "nullable"

    for key, t in mt.items():
        if key not in dt:
            add(ERROR, key, "table.missing", f"table {shown(key)} is in the models but in no migration")
            continue
        if key in unchanged:
            continue
        diffs = compared.kept(t) if compared is not None else None
        if diffs is None:
            diffs = compare.compare_tables(dt[key], t, spelling)
            if compared is not None:
                compared.made(t, diffs)
        if not diffs:
            continue
        d = dt[key]
        worded: set[tuple[str, str]] = set()
        if naming is not None and naming.preserved_names:
            diffs = _keep_migrated_names(diffs, naming, t, spelling)
        if naming is not None and naming.releases:  # what the project's own kit release wrote so
            diffs = [x for x in diffs if naming.release_spelling(x, t, d) is None]
        for diff in diffs:
            name = diff.name
            if diff.kind == "column":
                if diff.change == compare.ADDED:
                    add(ERROR, key, "column.missing", f"column {t.name}.{name} is in the models but in no migration",
                        column=name)
                elif diff.change == compare.DROPPED:
                    add(WARNING, key, "column.extra", f"column {t.name}.{name} is in the migrations but not in the models",
                        column=name, extra=True)
                elif diff.aspect == "type":
                    add(ERROR, key, "column.type",
                        f"column {t.name}.{name} is {diff.right.type} in the models but {diff.left.type} in the migrations",
                        column=name)
                elif diff.aspect == "not_null":
                    add(ERROR, key, "column.not_null",
                        f"column {t.name}.{name} is {word(compare.effective_not_null(diff.right, t, spelling))} in the "
                        f"models but {word(compare.effective_not_null(diff.left, d, spelling))} in the migrations",
                        column=name)
                elif diff.aspect == "default":
                    add(ERROR, key, "column.default",
                        f"column {t.name}.{name} default is {compare.effective_default(diff.right) or 'none'} in the "
                        f"models but {compare.effective_default(diff.left) or 'none'} in the migrations", column=name)
                elif diff.aspect in ("identity", "generated", "autoincrement", "on_update"):
                    what = {"identity": "identity", "generated": "generated expression",
                            "autoincrement": "autoincrement", "on_update": "ON UPDATE"}[diff.aspect]
                    add(ERROR, key, f"column.{diff.aspect}",
                        f"column {t.name}.{name} {what} differs between the models and the migrations", column=name)
            elif diff.kind == "primary_key_columns":
                add(ERROR, key, "primary_key",
                    f"primary key of {t.name} is ({cols(t.pk_columns)}) in the models but ({cols(d.pk_columns)}) "
                    "in the migrations", constraint=(t.primary_key.name if t.primary_key else None))
            elif diff.kind in _DRIFT_NAMED:
                label, field_name = _DRIFT_NAMED[diff.kind]
                if diff.change == compare.ADDED:
                    add(ERROR, key, f"{diff.kind}.missing",
                        f"{label} {name} on {t.name} is in the models but in no migration", **{field_name: name})
                elif diff.change == compare.DROPPED:
                    add(WARNING, key, f"{diff.kind}.extra",
                        f"{label} {name} on {t.name} is in the migrations but not in the models", extra=True,
                        **{field_name: name})
                elif (diff.kind, name) not in worded:
                    worded.add((diff.kind, name))
                    add(ERROR, key, f"{diff.kind}.changed",
                        f"{label} {name} on {t.name} differs between the models and the migrations",
                        **{field_name: name})
    for key in dt:
        if key not in mt:
            add(WARNING, key, "table.extra", f"table {shown(key)} is in the migrations but not in the models", extra=True)

    me = {e.key: e for e in model.enums}
    de = {e.key: e for e in migrated_enums}
    for key, e in me.items():
        if key not in de:
            add(ERROR, None, "enum.missing", f"enum {shown(key)} is in the models but in no migration", enum=key)
        elif compare.compare_enum(de[key], e):
            add(ERROR, None, "enum.values",
                f"enum {shown(key)} has values ({', '.join(e.values)}) in the models but "
                f"({', '.join(de[key].values)}) in the migrations", enum=key)
    for key in de:
        if key not in me:
            add(WARNING, None, "enum.extra", f"enum {shown(key)} is in the migrations but not in the models", enum=key,
                extra=True)
    return tuple(out)


# ---------------------------------------------------------------------------
# SQL outside the journal
# ---------------------------------------------------------------------------

OUTSIDE_FIX = ("add the SQL to the journal (`drizzle-kit generate --custom`, then paste it in) "
               "or apply it yourself")


def _drift_key(d: Drift) -> tuple:
    return (d.kind, d.table, d.column, d.index, d.constraint, d.enum)


def journal_drift(drift: tuple[Drift, ...], model: Schema, history: History) -> tuple[Drift, ...]:
    """``drift`` (the models against every SQL file's schema) told apart from what drizzle-kit's
    migrator builds, which never runs the SQL files its journal does not list.

    A finding against the journal's schema alone that the other SQL files make go away is added as
    a warning, "never applied by drizzle-kit": the models are not ahead of the migrations, but
    those files are not migrations drizzle-kit runs.  A finding those files cause (only with them
    do the migrations differ from the models) says so.  Without such files: ``drift`` unchanged."""
    if history.journal_schema is None or not history.outside_journal:
        return drift
    files = history.outside_journal
    named = ", ".join(files)
    journal = {_drift_key(d): d for d in compute_drift(model, history.journal_schema)}
    out: list[Drift] = []
    for d in drift:
        if _drift_key(d) not in journal:  # only the SQL outside the journal makes this difference
            d = dataclasses.replace(d, message=f"{d.message} (made by {named}, outside meta/_journal.json)",
                                    outside_journal=files,
                                    fix=f"change the models or {named} to agree (drizzle-kit's migrator never runs "
                                        f"{'it' if len(files) == 1 else 'them'})")
        out.append(d)
    full = {_drift_key(d) for d in drift}
    for key, d in journal.items():
        if key not in full:
            out.append(dataclasses.replace(
                d, severity=WARNING, outside_journal=files, fix=OUTSIDE_FIX,
                message=f"never applied by drizzle-kit: {d.message}, counting only the migrations in "
                        f"meta/_journal.json ({named} {'is' if len(files) == 1 else 'are'} outside it, and "
                        f"drizzle-kit's migrator never runs {'it' if len(files) == 1 else 'them'})"))
    return tuple(out)
