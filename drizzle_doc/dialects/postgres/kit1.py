"""What drizzle-kit 1.0 spells its own way for PostgreSQL (source: drizzle-kit 1.0.0-rc.5,
``src/dialects/postgres/grammar.ts`` and ``drizzle.ts``): the hooks of ``KIT_1``.

- a default foreign key name over 63 characters is hashed (``reviews_VtFn5XTOXrhM_fkey``);
- column types lose the space of ``timestamp (3)`` and the first ``", "`` (``numeric(12,2)``);
- defaults: see :func:`respell_default`.
"""

from __future__ import annotations

import re
from typing import Any, Optional

from drizzle_doc.dialects.kit_hash import kit_hash, shorten_foreign_key  # noqa: F401 (kit 1.0's names, shared with MySQL)
from drizzle_doc.ts.values import js_string, json_stringify


def respell_type(sql_type: str) -> str:
    """``unwrapColumn``: ``timestamp (3)`` -> ``timestamp(3)``, the first ``", "`` -> ``","``."""
    sql_type = sql_type.replace(", ", ",", 1)
    if sql_type.startswith("timestamp ("):
        sql_type = "timestamp(" + sql_type[len("timestamp ("):]
    return sql_type


_CAST_SUFFIX = re.compile(r"""(::["\w.\s-]+(?:\([^)]*\))?(?:\swith(?:out)?\stime\szone)?(?:\[\])?)+$""", re.I)


def trim_cast(text: str) -> str:
    """``trimDefaultValueSuffix``: an SQL default loses its trailing casts (``'{}'::jsonb`` -> ``'{}'``)."""
    if text.endswith("[]"):
        text = text[:-2]
    return _CAST_SUFFIX.sub("", text)


_ARRAY = re.compile(r"\[\d*\]")
_TEXTS = re.compile(r"^(?:text|varchar|char|character|character varying)\b")


def _array_text(items: list, element) -> Optional[str]:
    """``stringifyArray(value, "sql", element)``: ``{a,b,{c}}``."""
    out = []
    for v in items:
        if isinstance(v, list):
            inner = _array_text(v, element)
            if inner is None:
                return None
            out.append(inner)
        else:
            text = element(v)
            if text is None:
                return None
            out.append(text)
    return "{" + ",".join(out) + "}"


def _text_element(v: Any) -> Optional[str]:
    if not isinstance(v, str):
        return None
    escaped = v.replace("'", "''").replace("\\", "\\\\").replace('"', '\\"')
    return f'"{escaped}"' if ("\\" in v or '"' in v or "," in v or not v) else escaped


def _number_element(v: Any) -> Optional[str]:
    return js_string(v) if isinstance(v, (int, float)) and not isinstance(v, bool) else None


def respell_default(text: str, sql_type: str, value: Any, from_sql: bool, is_enum: bool = False) -> Optional[str]:
    """A default as drizzle-kit 1.0 writes it (``defaultFromColumn``), from 0.x's spelling
    ``text`` and the JavaScript ``value`` (``from_sql``: an ``sql`` template, whose trailing casts
    go).  Each type spells its value (``grammar.ts``): JSON without ``::jsonb`` and strings as
    JSON (``'"x"'``), numerics quoted (``'0.5'``), arrays as ``'{a,"b c"}'``."""
    if from_sql:
        return trim_cast(text)
    lowered = sql_type.lower()
    dims = len(_ARRAY.findall(lowered))
    base = _ARRAY.sub("", lowered).strip()
    if dims and isinstance(value, list):
        if not value:
            return "'{}'"
        if base in ("json", "jsonb"):
            return text
        if base == "boolean":
            element = lambda v: ("t" if v else "f") if isinstance(v, bool) else None  # noqa: E731
        elif is_enum or _TEXTS.match(base):
            element = _text_element
        elif base.split("(")[0] in ("smallint", "integer", "bigint", "real", "double precision", "numeric", "decimal"):
            element = _number_element
        else:
            return text
        out = _array_text(value, element)
        return text if out is None else f"'{out}'"
    if base in ("json", "jsonb"):
        j = json_stringify(value)
        return text if j is None else "'" + j.replace("'", "''") + "'"
    if base.startswith(("numeric", "decimal")) and isinstance(value, (int, float)) and not isinstance(value, bool):
        return f"'{js_string(value)}'"
    return text
