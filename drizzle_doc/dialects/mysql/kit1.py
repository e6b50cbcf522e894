"""What drizzle-kit 1.0 spells its own way for MySQL (source: drizzle-kit 1.0.0-rc.5,
``src/dialects/mysql/grammar.ts`` and ``drizzle.ts``): the hooks of ``KIT_1``.

- a column type loses its first ``", "`` (``real(8, 2)`` -> ``real(8,2)``);
- a default is spelled by its column type's ``defaultFromDrizzle`` (:func:`respell_default`):
  ``sql`` defaults in parentheses, decimals ``(0.00)``, text ``('x')``, JSON ``('{"a":1}')`` with
  its strings' quotes doubled, ``varbinary`` as ``(0x…)``, backslashes doubled in strings.
"""

from __future__ import annotations

import re
from typing import Any, Optional

from drizzle_doc.ts.values import JSObject, js_string, json_stringify


def respell_type(sql_type: str) -> str:
    """``getSQLType().replace(", ", ",")`` (an enum's type is built from its values instead)."""
    return sql_type if sql_type.startswith("enum(") else sql_type.replace(", ", ",", 1)


#: grammar.ts's types in ``typeFor``'s order: (pattern, whole-word match or exact name, how its
#: ``defaultFromDrizzle`` spells a value)
_GRAMMAR = (
    ("tinyint\\(1\\)|boolean", "exact", "plain"),
    ("tinyint", "word", "plain"), ("smallint", "word", "plain"), ("mediumint", "word", "plain"),
    ("int", "word", "plain"), ("bigint", "word", "plain"),
    ("serial", "word", "serial"),
    ("numeric|decimal", "word", "decimal"),
    ("real", "word", "plain"), ("double|double precision", "word", "plain"), ("float", "word", "plain"),
    ("char|character", "word", "char"), ("varchar|nvarchar|character varying", "word", "char"),
    ("tinytext|mediumtext|text|longtext", "exact", "text"),
    ("binary", "word", "text"), ("varbinary", "word", "varbinary"),
    ("json", "exact", "json"),
    ("timestamp", "word", "quoted"), ("datetime", "word", "quoted"), ("date", "exact", "quoted"),
    ("time", "word", "quoted"), ("year", "exact", "plain"),
    ("enum", "word", "char"),
    ("tinyblob|mediumblob|longblob|blob", "exact", "text"),
)


def grammar_type(sql_type: str) -> str:
    """How the grammar.ts type ``typeFor`` picks for a column type spells a default ("custom":
    none of them, ``String(value)``)."""
    for pattern, match, kind in _GRAMMAR:
        regex = rf"^(?:{pattern})(?:[\s(].*)?$" if match == "word" else rf"^\s*(?:{pattern})\s*$"
        if re.match(regex, sql_type, re.I | re.S):
            return kind
    return "custom"


def _escape(text: str) -> str:
    """``escapeForSqlDefault``: backslashes and single quotes doubled."""
    return text.replace("\\", "\\\\").replace("'", "''")


def _doubled_quotes(value: Any) -> Any:
    """The value with every string's ``'`` doubled (``stringify``'s replacer; keys are kept)."""
    if isinstance(value, str):
        return value.replace("'", "''")
    if isinstance(value, list):
        return [_doubled_quotes(v) for v in value]
    if isinstance(value, JSObject):
        return JSObject({k: _doubled_quotes(v) for k, v in value.props.items()})
    return value


def respell_default(text: str, sql_type: str, value: Any, from_sql: bool, is_enum: bool = False) -> Optional[str]:
    """A default as drizzle-kit 1.0's MySQL ``defaultFromColumn`` writes it, from 0.x's spelling
    ``text``, the column's SQL type and the JavaScript ``value`` (``from_sql``: an ``sql``
    template, kept and put in parentheses unless it starts with one).  Anything it cannot spell
    statically keeps 0.x's text."""
    if from_sql:
        return text if text.startswith("(") else f"({text})"
    kind = grammar_type(sql_type)
    plain = js_string(value) if not isinstance(value, (JSObject, list)) and value is not None else None
    if kind in ("plain", "custom"):
        return plain if plain is not None else text
    if kind == "decimal":
        return f"({plain})" if plain is not None else text
    if kind == "char":
        return f"'{_escape(plain)}'" if plain is not None else text
    if kind == "text":
        return f"('{_escape(value)}')" if isinstance(value, str) else text
    if kind == "quoted":
        return f"'{plain}'" if plain is not None else text
    if kind == "varbinary":
        return f"(0x{value.encode('utf-8').hex()})" if isinstance(value, str) else text
    if kind == "json":
        j = json_stringify(_doubled_quotes(value))
        return text if j is None else f"('{j}')"
    return text  # serial: kit refuses a default on an auto-increment column
