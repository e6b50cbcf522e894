"""What drizzle-kit 1.0 spells its own way for SQLite (source: drizzle-kit 1.0.0-rc.5,
``src/dialects/sqlite/grammar.ts`` and ``drizzle.ts``): the hooks of ``KIT_1``.

A default is spelled by its column type's ``defaultFromDrizzle`` (:func:`respell_default`): text
with its backslashes and quotes doubled (``'a\\\\b'``), JSON with its strings' quotes doubled,
numbers and booleans as ``String(value)``; an ``sql`` default as written.

Earlier 1.0 releases wrote two things their own way (:data:`RELEASES`, judged against the
project's own snapshot at drift time): the betas (1.0.0-beta.2) a boolean default of an integer
column as ``0``/``1`` (``Int.defaultFromDrizzle``: ``value ? "1" : "0"``), and every release before
1.0.0-rc.5 left a column's ``.unique()`` out of the snapshot wherever any one-column index of the
table is on that column (``hasUniqueIndex`` did not ask whether the index is unique).
"""

from __future__ import annotations

from typing import Any, Optional

from drizzle_doc.dialects.base import KitRelease
from drizzle_doc.model import compare
from drizzle_doc.ts.values import JSObject, js_string, json_stringify

_INT = ("int", "integer", "tiniint", "smallint", "mediumint", "bigint", "unsigned big int", "int2", "int8")
_REAL = ("real", "double", "double precision", "float")
_NUMERIC = ("numeric", "decimal", "boolean", "date", "datetime")
_TEXT = ("text", "character", "varchar", "varying character", "nchar", "native character", "nvarchar", "clob")


def grammar_type(sql_type: str) -> str:
    """Which of grammar.ts's types ``typeFor`` picks for a column type, in its order."""
    t = sql_type.lower()
    if t in _INT:
        return "int"
    if t in _REAL:
        return "real"
    if t in _NUMERIC or t.startswith(("numeric(", "decimal(")):
        return "numeric"
    if t in _TEXT or t.startswith(tuple(f"{name}(" for name in _TEXT)):
        return "text"
    if t.startswith("blob"):
        return "blob"
    return "custom"


def _doubled_quotes(value: Any) -> Any:
    """The value with every string's ``'`` doubled (``stringify``'s replacer; keys are kept)."""
    if isinstance(value, str):
        return value.replace("'", "''")
    if isinstance(value, list):
        return [_doubled_quotes(v) for v in value]
    if isinstance(value, JSObject):
        return JSObject({k: _doubled_quotes(v) for k, v in value.props.items()})
    return value


def _text_default(value: Any) -> Optional[str]:
    """``Text.defaultFromDrizzle``: a string with ``\\`` and ``'`` doubled, an object or array as
    JSON with its strings' ``'`` doubled, in single quotes."""
    if isinstance(value, str):
        return "'" + value.replace("\\", "\\\\").replace("'", "''") + "'"
    if isinstance(value, (JSObject, list)):
        j = json_stringify(_doubled_quotes(value))
        return None if j is None else f"'{j}'"
    return None


def respell_default(text: str, sql_type: str, value: Any, from_sql: bool, is_enum: bool = False) -> Optional[str]:
    """A default as drizzle-kit 1.0's SQLite ``defaultFromColumn`` writes it, from 0.x's spelling
    ``text``, the column's SQL type and the JavaScript ``value``; what it cannot spell statically
    keeps 0.x's text."""
    if from_sql:
        return text
    kind = grammar_type(sql_type)
    plain = js_string(value) if not isinstance(value, (JSObject, list)) and value is not None else None
    if kind in ("int", "real", "custom"):
        return plain if plain is not None else text
    if kind == "numeric":
        if isinstance(value, str):
            return f"'{value}'"
        return plain if isinstance(value, (int, float)) and not isinstance(value, bool) else text
    if kind in ("text", "blob"):
        spelled = _text_default(value) if kind == "text" or not isinstance(value, str) else None
        return spelled if spelled is not None else text
    return text


# ---------------------------------------------------------------------------
# Earlier 1.0 releases' own spellings
# ---------------------------------------------------------------------------

_BOOLEAN_AS_INT = {("0", "false"), ("1", "true")}  # (the betas' spelling, the RCs')


def _beta_boolean_default(diff, model, migrated) -> bool:
    """The migrations say ``0``/``1`` where the models' integer column has the boolean default
    ``false``/``true``: what the betas wrote (SQLite's ``false`` is the integer 0 anyway)."""
    if diff.kind != "column" or diff.change != compare.CHANGED or diff.aspect != "default":
        return False
    return grammar_type(diff.right.type) == "int" and (diff.left.default, diff.right.default) in _BOOLEAN_AS_INT


def _on_one_column(table, column: str) -> bool:
    return any(len(ix.columns) == 1 and not ix.columns[0].is_expression and ix.columns[0].expression == column
               for ix in table.indexes)


def _rc4_column_unique(diff, model, migrated) -> bool:
    """A column's ``.unique()`` the migrations lack where both sides have a one-column index on
    that column (unique or not): releases before 1.0.0-rc.5 left it out for that index."""
    if diff.kind != "unique" or diff.change != compare.ADDED:
        return False
    unique = diff.right
    return (unique.from_column and len(unique.columns) == 1
            and _on_one_column(model, unique.columns[0]) and _on_one_column(migrated, unique.columns[0]))


#: what 1.0's releases before the RC the spelling above follows wrote their own way
RELEASES = (
    KitRelease("1.0.0-beta", "an integer column's boolean default as 0/1", _beta_boolean_default),
    KitRelease("1.0.0-rc.4 and before", "no .unique() of a column a one-column index is on", _rc4_column_unique),
)
