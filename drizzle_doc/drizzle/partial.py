"""A column some of whose parts are unknown: what a condition on run-time values, or an argument
that is not static, leaves unknown in a drizzle column builder (``ColumnBuilder.unknown``), and how
two builders chosen at run time join (issue 16: what is known is kept, the rest marked, never
dropped).  ``drizzle/build.py`` turns the marks into the model's ``Column.unknown``.
"""

from __future__ import annotations

from typing import Any, Optional

from drizzle_doc.ts.values import JSFunction, JSObject, LazySite, Site, Unknown


#: The parts of a column a run-time condition can leave unknown, and the builder fields of each
#: (Column.unknown in the model names the same parts).
COLUMN_PARTS: dict[str, tuple[str, ...]] = {
    "type": ("base_type", "column_type", "enum", "array_dims", "array_last", "type_variants", "text_enum"),
    "not_null": ("not_null",),
    "primary_key": ("primary_key", "autoincrement"),
    "default": ("has_default", "default", "app_default"),
    "on_update": ("on_update",),
    "unique": ("is_unique", "unique_name", "unique_nulls"),
    "references": ("references",),
    "generated": ("generated", "generated_mode"),
    "identity": ("identity",),
    "ts_type": ("ts_type",),
    "mode": ("mode",),
}
PART_FIELDS = {part: frozenset(fields) for part, fields in COLUMN_PARTS.items()}
#: Parts a later method adds to rather than sets: `.array()` on an unknown type, a second `.references()`.
ADDITIVE_PARTS = frozenset({"type", "references"})


def same(a: Any, b: Any, depth: int = 0) -> bool:
    """``a`` and ``b`` mean the same thing to the model (two builders' field values)."""
    if a is b or isinstance(a, (Site, LazySite)) and isinstance(b, (Site, LazySite)):
        return True  # where a reference was written does not change what it means
    if depth > 20 or type(a) is not type(b):
        return False
    if a is None or isinstance(a, (str, int, float, bool)):
        return a == b
    if isinstance(a, (list, tuple)):
        return len(a) == len(b) and all(same(x, y, depth + 1) for x, y in zip(a, b))
    if isinstance(a, dict):
        return a.keys() == b.keys() and all(same(v, b[k], depth + 1) for k, v in a.items())
    if isinstance(a, JSObject):
        return same(a.props, b.props, depth + 1)
    if isinstance(a, JSFunction):  # the same source in the same scope
        return a.module is b.module and a.text == b.text and a.env is b.env
    if hasattr(a, "__dict__"):  # drizzle's values (an sql`` template, a column of a table): field by field
        return same(vars(a), vars(b), depth + 1)
    return False


def marked(b: Any, part: str, value: Any) -> Any:
    """``b`` with ``part`` unknown when ``value`` (an argument that sets it) is not static."""
    if not isinstance(value, Unknown):
        return b
    return b._with(unknown={**(b.unknown or {}), part: value})


def still_unknown(unknown: dict, changes: dict) -> Optional[dict]:
    """The marks ``unknown`` left after a builder method sets ``changes`` (field -> value): a part
    it sets is known again (``.notNull()`` after a run-time choice), except the parts a method adds
    to (``.array()`` on an unknown type, a second ``.references()``) and those no method sets (the
    column's ``name``: ``text(process.env.COL).notNull()``)."""
    return {part: u for part, u in unknown.items()
            if part in ADDITIVE_PARTS or not changes.keys() & PART_FIELDS.get(part, frozenset())} or None


def join_builders(a: Any, b: Any, unknown: Unknown) -> Any:
    """Column builder ``a`` or ``b``, chosen at run time: the parts on which both agree are kept,
    the others marked ``unknown``.  None (the whole column is unknown) when they are different
    builders or have different names."""
    if a.builder != b.builder or a.name != b.name:
        return None
    marks = dict(b.unknown or {})
    marks.update(a.unknown or {})
    for part, fields in COLUMN_PARTS.items():
        if part not in marks and not all(same(getattr(a, f), getattr(b, f)) for f in fields):
            marks[part] = unknown
    problems = a.problems + [p for p in b.problems if p not in a.problems]
    return a._with(unknown=marks or None, problems=problems)


def builder_unknowns(col_name: Any, cfg: Any, typed_by_config: bool = True) -> Optional[dict]:
    """The parts of a new column its builder's arguments leave unknown (``ColumnBuilder.unknown``):
    ``name`` for a name that is not static; ``type`` (when the builder's type depends on its
    config) and ``mode`` for a config, or an option of it, that is not static."""
    marks: dict = {}
    if isinstance(col_name, Unknown):
        marks["name"] = col_name
    bad = cfg if isinstance(cfg, Unknown) else None
    if isinstance(cfg, JSObject):
        for key, value in cfg.props.items():
            if isinstance(value, Unknown):
                bad = Unknown(f"option `{key}` is not static: {value.reason}", value.site)
                break
    if bad is not None:
        if typed_by_config:
            marks["type"] = bad
        if isinstance(cfg, Unknown) or isinstance(cfg.get("mode"), Unknown):
            marks["mode"] = bad
    return marks or None


