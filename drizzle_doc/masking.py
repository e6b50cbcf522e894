"""Database URLs in messages: every secret masked, at most 200 characters shown.

One home for masking, used by ``verify`` and by each dialect's live-catalog reader
(``dialects/*/catalog.py``), so no message, in any format, carries a password: the userinfo's
password of any ``scheme://user:pass@host`` URL (PostgreSQL, MySQL), ``?password=`` /
``?sslpassword=`` / ``?authToken=`` query parameters, libpq's ``key=value`` conninfo strings, and
every other place the same secret appears in a driver's error text.
"""

from __future__ import annotations

import re
from typing import Optional
from urllib.parse import unquote


# libpq's secret parameters; a URI may carry them in its userinfo or its query.
_SECRET_KEYS = ("password", "sslpassword")
_KV_PASSWORD = re.compile(r"(\b(?:ssl)?password\s*=\s*)('(?:[^'\\]|\\.)*'|\S+)", re.IGNORECASE)
# libSQL / Turso URLs carry their token as ``?authToken=``.
_QUERY_PASSWORD = re.compile(r"([?&](?:(?:ssl)?password|auth_?token)=)([^&#]*)", re.IGNORECASE)
MASK = "***"


def _userinfo_end(rest: str) -> int:
    """Where a URI's userinfo ends (the ``@``), or -1.

    libpq ends it at the first ``@`` before the first ``/``, so a password holding ``?`` or ``#``
    stays in the userinfo; here the last ``@`` before that ``/`` is taken (``u:pa@ss@db`` keeps
    ``ss`` hidden too).  When none comes before it but one comes later (``u:pa/ss@h``, which
    libpq misreads), everything up to the last ``@`` is treated as userinfo: masking more is safe."""
    slash = rest.find("/")
    at = rest.rfind("@", 0, slash if slash >= 0 else len(rest))
    return at if at >= 0 else rest.rfind("@")


def mask_url(url: Optional[str]) -> str:
    """The URL (or ``key=value`` conninfo) with its password replaced by ``***``.

    ``postgresql://app:s3cret@db:5432/app`` -> ``postgresql://app:***@db:5432/app``;
    ``host=db password=s3cret`` -> ``host=db password=***``; ``password`` and ``sslpassword``
    query parameters are masked too, and any secret libpq itself reads from the text is
    removed wherever else it stands.  Anything unparseable is still scrubbed, never echoed raw.
    """
    if not url:
        return ""
    text = str(url)
    scheme_end = text.find("://")
    if scheme_end >= 0:
        head, rest = text[: scheme_end + 3], text[scheme_end + 3:]
        at = _userinfo_end(rest)
        if at >= 0 and ":" in rest[:at]:
            rest = f"{rest[:at].split(':', 1)[0]}:{MASK}{rest[at:]}"
        text = head + _QUERY_PASSWORD.sub(lambda m: m.group(1) + MASK, rest)
    else:  # libpq's key=value conninfo, or a scheme without // (``file:local.db?authToken=…``)
        text = _QUERY_PASSWORD.sub(lambda m: m.group(1) + MASK, _KV_PASSWORD.sub(lambda m: m.group(1) + MASK, text))
    text = _scrub(text, str(url))
    return text if len(text) <= _SHOWN else text[: _SHOWN - 1] + "…"


_SHOWN = 200  # characters of a URL shown in a message
_SHORTEST_SCRUBBED = 3  # shorter secrets are masked where they stand, not searched for in free text


def _scrub(text: str, url: str) -> str:
    for secret in _passwords(url):
        if len(secret) >= _SHORTEST_SCRUBBED:
            text = text.replace(secret, MASK)
    return text


def _passwords(url: str) -> list[str]:
    """Every secret in ``url``: as libpq parses it, as written, and percent-decoded; longest first."""
    found: list[str] = []
    try:
        from psycopg.conninfo import conninfo_to_dict

        parsed = conninfo_to_dict(url)
        found += [str(parsed[k]) for k in _SECRET_KEYS if parsed.get(k)]
    except Exception:  # unparseable, or psycopg missing: the textual rules below still apply
        pass
    scheme_end = url.find("://")
    if scheme_end >= 0:
        rest = url[scheme_end + 3:]
        at = _userinfo_end(rest)
        if at >= 0 and ":" in rest[:at]:
            found.append(rest[:at].split(":", 1)[1])
        found += [m.group(2) for m in _QUERY_PASSWORD.finditer(rest)]
    else:
        found += [m.group(2).strip("'") for m in _KV_PASSWORD.finditer(url)]
        found += [m.group(2) for m in _QUERY_PASSWORD.finditer(url)]
    out = []
    for p in found:
        for variant in (p, unquote(p)):
            if variant and variant != MASK and variant not in out:
                out.append(variant)
    return sorted(out, key=len, reverse=True)


def mask_text(text: str, url: Optional[str]) -> str:
    """``text`` with the URL masked and every occurrence of its password removed."""
    if not url:
        return text
    return _scrub(text.replace(url, mask_url(url)), url)
