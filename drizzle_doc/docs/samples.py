"""Sample rows that type-check: a TypeScript value for every column, realistic and deterministic.

A value's *type* comes from the project's :class:`~drizzle_doc.dialects.base.Dialect`
(``ts_value_type``: the builder and its ``mode``, an enum's members, ``$type<T>()``, a
customType's ``data``), read as type syntax by :mod:`drizzle_doc.ts.typetext`; the value
itself is chosen from the column's name and SQL type (an e-mail address for ``email``, an
ISO currency code for ``currency``, an amount with the declared scale for ``numeric(10, 2)``).
A foreign key's value is the value its parent row shows, so the samples of two pages agree.
Where a type cannot be known (a named type such as ``Address``) the value is a cast that
still type-checks (``{} as Task["address"]``) and says so.

Everything is a pure function of the model: the same table gives the same row.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import replace
from functools import lru_cache
from typing import Optional

from drizzle_doc.dialects import get_dialect
from drizzle_doc.docs.pages import js_string
from drizzle_doc.model import Column, Schema, Table
from drizzle_doc.ts.typetext import TypeNode, parse_type

_IDENT = re.compile(r"^[A-Za-z_$][A-Za-z0-9_$]*$")
_RESERVED = frozenset("""break case catch class const continue debugger default delete do else enum export extends
false finally for function if import in instanceof new null return super switch this throw true try typeof var
void while with""".split())


def ts_ident(name: str) -> bool:
    return bool(_IDENT.match(name)) and name not in _RESERVED


def ts_prop(name: str) -> str:
    """An object key: bare when it is an identifier."""
    return name if ts_ident(name) else js_string(name)


@lru_cache(maxsize=4096)
def base_type(sql_type: str) -> str:
    """``numeric(10, 2)`` -> ``numeric``; ``timestamp (3) with time zone`` -> ``timestamp with time zone``."""
    return re.sub(r"\s+", " ", re.sub(r"\s*\(.*?\)", "", sql_type.strip().lower())).strip()


def type_args(sql_type: str) -> tuple[int, ...]:
    """The numbers in a type's parentheses: ``numeric(10, 2)`` -> (10, 2)."""
    m = re.search(r"\(([\d\s,]+)\)", sql_type)
    return tuple(int(x) for x in m.group(1).split(",") if x.strip()) if m else ()


def stable_int(*parts: str, mod: int = 1000) -> int:
    h = hashlib.sha256("\x00".join(parts).encode("utf-8")).hexdigest()
    return int(h[:8], 16) % mod


@lru_cache(maxsize=4096)
def words_of(name: str) -> tuple[str, ...]:
    s = re.sub(r"([a-z0-9])([A-Z])", r"\1_\2", name)
    return tuple(w for w in re.split(r"[^A-Za-z0-9]+", s.lower()) if w)


def _pick(options: tuple, *seed: str):
    return options[stable_int(*seed, mod=len(options))]


def _uuid(seed: str) -> str:
    h = hashlib.sha256(seed.encode("utf-8")).hexdigest()
    return f"{h[:8]}-{h[8:12]}-4{h[13:16]}-{'89ab'[int(h[16], 16) % 4]}{h[17:20]}-{h[20:32]}"


# ---------------------------------------------------------------------------
# What a column's name says its values look like
# ---------------------------------------------------------------------------

_FIRST = ("Ada", "Grace", "Alan", "Margaret", "Edsger", "Barbara", "Linus", "Katherine")
_LAST = ("Lovelace", "Hopper", "Turing", "Hamilton", "Dijkstra", "Liskov", "Torvalds", "Johnson")
_TITLES = ("Quarterly planning", "Fix the login redirect", "Welcome to the team", "Migrate billing to v2",
           "Release notes for 2.4")
_TEXTS = ("Looks good to me; merging after the release.", "Customer asked for an invoice copy.",
          "Blocked until the API keys arrive.", "Moved to next sprint.")


def _person(seed: str) -> tuple[str, str]:
    i = stable_int(seed, mod=len(_FIRST))
    return _FIRST[i], _LAST[i]


def _named_string(words: tuple[str, ...], seed: str, table_words: tuple[str, ...]) -> Optional[str]:
    """A realistic string for a column called ``words`` (None: the name says nothing)."""
    w = set(words)
    last = words[-1] if words else ""
    first, family = _person(seed.rsplit(".", 1)[0])  # one person per row: name and e-mail agree
    last_word = words[-1] if words else ""
    if last_word in ("on", "date", "day", "birthday") or "date" in w:  # a date kept as text
        return _moment(words)[0]
    if last_word == "at" or w & {"timestamp", "time"} and "zone" not in w:  # a moment kept as text
        day, clock = _moment(words)
        return f"{day}T{clock}Z"
    if "email" in w or "mail" in w:
        return f"{first.lower()}.{family.lower()}@example.com"
    if w & {"url", "uri", "link", "href", "website", "homepage", "webhook"} or last in ("avatar", "image", "logo", "photo"):
        if w & {"avatar", "image", "logo", "photo", "picture", "icon"}:
            return f"https://cdn.example.com/{'/'.join(words[:-1]) or 'images'}/{first.lower()}.png"
        if "webhook" in w:
            return "https://hooks.example.com/drizzle/3f9a"
        return f"https://example.com/{'-'.join(table_words) or 'items'}/{stable_int(seed, mod=900) + 100}"
    if "slug" in w:
        return _pick(("getting-started", "quarterly-report", "release-notes", "pricing"), seed)
    if "currency" in w:
        return _pick(("EUR", "USD", "GBP", "JPY"), seed)
    if "country" in w:
        return _pick(("DE", "US", "FR", "JP", "BR"), seed)
    if w & {"locale", "language", "lang"}:
        return _pick(("en-US", "de-DE", "fr-FR"), seed)
    if w & {"timezone", "tz"} or ("time" in w and "zone" in w):
        return _pick(("Europe/Berlin", "America/New_York", "Asia/Tokyo"), seed)
    if w & {"phone", "mobile", "fax"}:
        return "+49 30 901820"
    if "ip" in w or "ipv4" in w:
        return "203.0.113.7"
    if "agent" in w:
        return "Mozilla/5.0 (X11; Linux x86_64) Firefox/128.0"
    if w & {"color", "colour"}:
        return _pick(("#3B82F6", "#10B981", "#F59E0B"), seed)
    if w & {"password", "hash", "digest"} and "token" not in w:
        return "$argon2id$v=19$m=65536,t=3,p=4$c2FsdHNhbHQ$aGFzaGhhc2hoYXNo"
    if w & {"token", "secret", "nonce", "signature"}:
        return hashlib.sha256(seed.encode()).hexdigest()[:40]
    if w & {"username", "handle", "login", "nickname"}:
        return f"{first.lower()}.{family.lower()}"
    if "first" in w or "given" in w:
        return first
    if w & {"last", "surname", "family"} and "name" in w:
        return family
    if w & {"name", "author", "owner", "contact"} and not (w & {"file", "host", "domain", "board"}):
        if table_words and table_words[-1] in ("users", "people", "persons", "customers", "members", "accounts",
                                               "authors", "employees", "contacts", "user", "person", "customer") \
                or w & {"display", "full", "author", "contact", "owner"}:
            return f"{first} {family}"
        kind = table_words[-1] if table_words else ""
        if kind in ("organizations", "companies", "teams", "tenants", "workspaces", "carriers", "vendors",
                    "suppliers", "stores", "brands", "organization", "company", "team", "tenant", "workspace"):
            return _pick(("Acme Corporation", "Northwind Traders", "Globex", "Initech"), seed)
        if kind in ("products", "items", "articles", "product", "item", "skus", "goods"):
            return _pick(("Espresso machine", "Walnut desk", "Noise-cancelling headphones", "Linen shirt"), seed)
        if kind in ("categories", "category", "collections", "departments", "sections"):
            return _pick(("Kitchen", "Office", "Audio", "Clothing"), seed)
        if kind in ("tags", "labels", "tag", "label"):
            return _pick(("urgent", "billing", "design", "backend"), seed)
        if kind in ("warehouses", "locations", "sites", "offices", "warehouse", "location"):
            return _pick(("Berlin North", "Hamburg Port", "Munich South"), seed)
        return _pick(("Platform", "Onboarding", "Billing", "Mobile app"), seed)
    if w & {"title", "subject", "headline", "summary", "label", "caption"}:
        return _pick(_TITLES, seed)
    if w & {"description", "body", "content", "text", "notes", "note", "comment", "message", "bio", "details",
            "reason", "markdown", "html"}:
        return _pick(_TEXTS, seed)
    if w & {"city", "town"}:
        return "Berlin"
    if w & {"street", "address", "line1"}:
        return "Unter den Linden 1"
    if w & {"zip", "postcode", "postal"}:
        return "10117"
    if w & {"domain", "host", "hostname"}:
        return "example.com"
    if w & {"attachment", "attachments", "document", "documents", "file", "files", "upload", "uploads"} or \
            w & {"path", "filename", "key"} and w & {"path", "storage", "object", "s3"}:
        return "uploads/2024/03/report.pdf"
    if w & {"mime", "content"} and "type" in w:
        return "application/pdf"
    if "version" in w:
        return "1.4.2"
    if w & {"sku"}:
        return f"SKU-{stable_int(seed, mod=9000) + 1000}"
    if w & {"reference", "invoice", "number", "ref"}:
        return f"INV-2024-{stable_int(seed, mod=9000) + 1000}"
    if w & {"tracking"}:
        return "1Z999AA10123456784"
    if w & {"code", "key", "prefix"}:
        return _pick(("CORE", "WEB", "OPS", "API"), seed)
    if w & {"status", "state"}:
        return "active"
    if w & {"kind", "type", "category"}:
        return "default"
    if w & {"role"}:
        return "member"
    if "id" in w or "uid" in w:
        return "ext_" + hashlib.sha256(seed.encode()).hexdigest()[:16]
    return None


def _fit(text: str, length: Optional[int]) -> str:
    return text[:length] if length else text


def string_value(words: tuple[str, ...], sql_type: str, seed: str, table_words: tuple[str, ...] = ()) -> str:
    """A realistic string for a column (the SQL type's format wins over the name: a ``uuid``, an
    ``inet``, a ``time``)."""
    base = base_type(sql_type).removesuffix("[]")
    args = type_args(sql_type)
    if base == "uuid":
        return _uuid(seed)
    if base in ("inet",):
        return "192.0.2.10"
    if base == "cidr":
        return "192.0.2.0/24"
    if base == "macaddr":
        return "08:00:2b:01:02:03"
    if base == "macaddr8":
        return "08:00:2b:01:02:03:04:05"
    if base.startswith("time") and not base.startswith("timestamp"):
        return "09:30:00+00" if "with time zone" in base else "09:30:00"
    if base.startswith("interval"):
        return "1 day"
    if base == "bit":
        return ("10110010" * 8)[: args[0] if args else 8]
    if base == "sparsevec":
        return f"{{1:0.5,3:0.25}}/{args[0] if args else 5}"
    if base == "tsvector":
        return "'drizzl':1 'exampl':2"
    if base in ("date",):
        return _date(words, seed)
    if base.startswith(("timestamp", "datetime")):  # mode: "string"
        return date_value(words, True, sql_type)[1:-1]
    if base.startswith(("numeric", "decimal")):
        return _decimal(words, sql_type, seed)
    if base.startswith(("binary", "varbinary")):
        return hashlib.sha256(seed.encode()).hexdigest()[: args[0] if args else 16]
    length = args[0] if args and base in ("varchar", "char", "character", "character varying", "text") else None
    if base in ("char", "character") and not args:
        length = 1
    text = _named_string(words, seed, table_words)
    if text is None:
        text = " ".join(words).capitalize() or "Example"
    return _fit(text, length)


_CREATED = ("created", "inserted", "registered", "joined", "placed", "started", "opened", "occurred", "uploaded",
            "issued", "sent", "published", "born", "birth", "at")
_LATER = ("updated", "modified", "last", "seen", "used", "changed", "refreshed", "synced", "shipped", "paid",
          "completed", "delivered", "verified", "confirmed", "closed")
_FUTURE = ("expires", "expiry", "expiration", "due", "ends", "until", "deadline", "scheduled", "valid", "renews")


def _moment(words: tuple[str, ...]) -> tuple[str, str]:
    """(date, time) for a time column by its name: creation before updates before deadlines."""
    w = set(words)
    if w & {"born", "birth", "birthday", "dob"}:
        return "1990-05-17", "00:00:00"
    if w & set(_FUTURE):
        return "2024-04-14", "23:59:59"
    if w & set(_LATER):
        return "2024-03-15", "16:45:12"
    return "2024-03-14", "09:30:00"


def _date(words: tuple[str, ...], seed: str) -> str:
    return _moment(words)[0]


def date_value(words: tuple[str, ...], as_string: bool, sql_type: str) -> str:
    """A ``Date`` expression, or the string drizzle returns in ``mode: "string"``."""
    day, clock = _moment(words)
    base = base_type(sql_type)
    if base == "date":
        return js_string(day) if as_string else f'new Date("{day}")'
    if as_string:
        frac = ".123" if type_args(sql_type) and type_args(sql_type)[0] > 0 else ""
        tz = "+00" if "with time zone" in base else ""
        return js_string(f"{day} {clock}{frac}{tz}")
    return f'new Date("{day}T{clock}.000Z")'


def _decimal(words: tuple[str, ...], sql_type: str, seed: str) -> str:
    args = type_args(sql_type)
    scale = args[1] if len(args) > 1 else (0 if args else None)
    value = _number(words, seed, fractional=True, sql_type=sql_type)
    if scale is None:
        return f"{value:g}"
    return f"{value:.{scale}f}"


def _number(words: tuple[str, ...], seed: str, fractional: bool, sql_type: str = "") -> float:
    w = set(words)
    n = stable_int(seed, mod=90) + 10
    if w & {"price", "amount", "total", "cost", "fee", "balance", "subtotal", "budget", "salary", "revenue"}:
        v: float = 49.9 if fractional else 4990
    elif w & {"lat", "latitude"}:
        v = 52.52
    elif w & {"lng", "lon", "longitude"}:
        v = 13.405
    elif w & {"rate", "ratio", "percent", "percentage", "discount", "tax", "share"}:
        v = 0.19 if fractional else 19
    elif w & {"rating", "score", "stars"}:
        v = 4.5 if fractional else 4
    elif w & {"weight", "kg", "mass"}:
        v = 2.5 if fractional else 3
    elif "year" in w or "founded" in w:
        v = 2019
    elif "age" in w:
        v = 34
    elif w & {"hours", "estimate", "spent"}:
        v = 7.5 if fractional else 8
    elif w & {"priority", "tier", "level", "rank"}:
        v = 2
    elif w & {"quantity", "qty", "count", "seats", "line", "position", "sort", "order", "attempts", "retries"}:
        v = 1 + n % 5
    elif w & {"capacity", "limit", "max", "quota"}:
        v = 500
    elif w & {"size", "bytes"}:
        v = 204800
    elif w & {"length", "len", "chars"}:
        v = 21
    elif w & {"duration", "seconds", "ms", "timeout", "ttl"}:
        v = 3600
    elif w & {"version", "revision"}:
        v = 3
    elif fractional:
        v = n + 0.5
    else:
        v = n
    base = base_type(sql_type)
    if base in ("smallint", "tinyint") and v > 100:
        v = n
    args = type_args(sql_type)
    if base.startswith(("numeric", "decimal")) and len(args) == 2 and args[0] - args[1] < len(str(int(v))):
        v = float(int(v) % 10 ** max(args[0] - args[1], 0))
    return v


def number_value(words: tuple[str, ...], sql_type: str, seed: str, is_key: bool = False) -> str:
    base = base_type(sql_type)
    fractional = any(base.startswith(t) for t in ("real", "double", "float", "numeric", "decimal"))
    if is_key:
        return str(stable_int(seed, mod=9000) + 1000 if base not in ("smallint", "tinyint", "smallserial") else
                   stable_int(seed, mod=90) + 10)
    v = _number(words, seed, fractional, sql_type)
    if not fractional or v == int(v):
        return str(int(v))
    return f"{v:g}"


# ---------------------------------------------------------------------------
# A value of a TypeScript type
# ---------------------------------------------------------------------------


class Hint:
    """What a value is for: the column's name words, its SQL type, a seed and the row type's name."""

    __slots__ = ("words", "sql_type", "seed", "table_words", "is_key")

    def __init__(self, words, sql_type, seed, table_words=(), is_key=False):
        self.words, self.sql_type, self.seed, self.table_words, self.is_key = words, sql_type, seed, table_words, is_key

    def member(self, key: str) -> "Hint":
        return Hint(words_of(key), "", f"{self.seed}.{key}", self.table_words)

    def element(self) -> "Hint":
        return Hint(self.words, self.sql_type.removesuffix("[]"), self.seed + "[]", self.table_words, self.is_key)


def _json_value(h: Hint) -> str:
    """A JSON value for an ``unknown`` column, by its name."""
    w = set(h.words)
    if w & {"settings", "preferences", "prefs", "config", "options"}:
        return '{ theme: "dark", notifications: true }'
    if w & {"tags", "labels", "keywords", "list", "items", "ids", "attachments", "roles", "scopes"}:
        return '["billing", "urgent"]'
    if w & {"address", "location", "shipping", "billing"}:
        return '{ street: "Unter den Linden 1", city: "Berlin", country: "DE" }'
    if w & {"headers"}:
        return '{ "content-type": "application/json" }'
    if w & {"payload", "event", "body", "data", "request", "response", "value"}:
        return '{ event: "order.created", id: 1042 }'
    return '{ source: "import", version: 2 }'


_NAMED_EXPR = {"string": None, "number": None, "boolean": None, "bigint": None, "Date": None}


def typed_value(node: TypeNode, h: Hint, depth: int = 0) -> Optional[str]:
    """A TypeScript expression of type ``node`` (None: not known how to make one)."""
    if depth > 8:
        return None
    k = node.kind
    if k == "literal":
        if node.text.startswith("`"):  # a template literal type: a string that fits it
            body = re.sub(r"\$\{\s*(?:number|bigint)\s*\}", "1", node.text[1:-1])
            return js_string(re.sub(r"\$\{[^}]*\}", "example", body))
        return node.text
    if k == "union":
        members = [m for m in node.args if not (m.kind == "name" and m.text in ("null", "undefined"))]
        for m in members:
            v = typed_value(m, h, depth + 1)
            if v is not None:
                return v
        return "null" if any(m.text == "null" for m in node.args) else None
    if k == "array":
        el = node.args[0]
        if el.kind == "name" and el.text == "number" and base_type(h.sql_type) in ("vector", "halfvec"):
            dims = (type_args(h.sql_type) or (3,))[0]
            if dims <= 8:
                return "[" + ", ".join(f"{(0.12, -0.03, 0.87, 0.4, -0.51, 0.09, 0.33, -0.7)[i]}" for i in range(dims)) + "]"
            return f"Array.from({{ length: {dims} }}, (_, i) => Math.sin(i))"
        v = typed_value(el, h.element(), depth + 1)
        if v is None:
            return "[]"
        if el.kind == "name" and el.text == "string" and set(h.words) & {"tags", "labels", "keywords"}:
            return '["billing", "urgent"]'
        return f"[{v}]"
    if k == "tuple":
        vals = [typed_value(a, h.member(str(i)), depth + 1) for i, a in enumerate(node.args)]
        if base_type(h.sql_type) in ("point", "geometry") and len(vals) == 2:
            return "[13.405, 52.52]"
        if base_type(h.sql_type) == "line" and len(vals) == 3:
            return "[1, -1, 0]"
        return None if any(v is None for v in vals) else "[" + ", ".join(vals) + "]"
    if k == "object":
        parts = []
        coords = {"x": "13.405", "y": "52.52", "a": "1", "b": "-1", "c": "0"}
        for key, optional, t in node.members:
            if optional:
                continue
            if base_type(h.sql_type) in ("point", "geometry", "line") and key in coords:
                v = coords[key]
            else:
                v = typed_value(t, h.member(key), depth + 1)
            if v is None:
                return None
            parts.append(f"{ts_prop(key)}: {v}")
        return "{ " + ", ".join(parts) + " }" if parts else "{}"
    if k == "name":
        name = node.text
        if name == "string":
            return js_string(string_value(h.words, h.sql_type, h.seed, h.table_words))
        if name == "number":
            return number_value(h.words, h.sql_type, h.seed, h.is_key)
        if name == "bigint":
            return number_value(h.words, h.sql_type, h.seed, h.is_key).split(".")[0] + "n"
        if name == "boolean":
            return _boolean(h)
        if name == "Date":
            return date_value(h.words, False, h.sql_type)
        if name in ("unknown", "any", "object"):
            return _json_value(h)
        if name == "Buffer":
            return 'Buffer.from("89504e470d0a1a0a", "hex")'
        if name in ("Record", "Partial") and node.args:
            if name == "Partial":
                return "{}"
            key = {"settings": "theme", "meta": "source", "metadata": "source", "labels": "team"}.get(
                h.words[-1] if h.words else "", "key")
            v = typed_value(node.args[-1], h.member(key), depth + 1)
            return "{}" if v is None else f"{{ {key}: {v} }}"
        return None
    return None


def _boolean(h: Hint) -> str:
    w = set(h.words)
    if w & {"active", "enabled", "verified", "visible", "published", "confirmed", "valid", "public"}:
        return "true"
    if w & {"admin", "deleted", "archived", "disabled", "locked", "banned", "blocked", "suspended", "private"}:
        return "false"
    return "true" if stable_int(h.seed, "bool", mod=2) else "false"


# ---------------------------------------------------------------------------
# A table's sample row
# ---------------------------------------------------------------------------


def row_type_name(table: Table) -> str:
    """``tasks`` -> ``Task``: the alias for ``typeof tasks.$inferSelect``."""
    var = table.variable if table.variable and table.variable != "default" else \
        re.sub(r"_+([a-z0-9])", lambda m: m.group(1).upper(), table.name.lower())
    return cap(singular(var))


def singular(var: str) -> str:
    if var.endswith("ies") and len(var) > 3:
        return var[:-3] + "y"
    if var.endswith(("ses", "xes", "ches", "shes")):
        return var[:-2]
    if var.endswith("s") and not var.endswith("ss") and len(var) > 1:
        return var[:-1]
    return var + "Row"


def cap(s: str) -> str:
    return s[:1].upper() + s[1:]


def default_literal(col: Column) -> Optional[str]:
    """The TypeScript value of a simple SQL default (``0``, ``'todo'``, ``false``), else None."""
    d = (col.default or "").strip()
    base = base_type(col.type)
    if not d or base.endswith("[]") or col.ts_type:
        return None
    if base in ("boolean", "bool") and d in ("true", "false"):
        return d
    if base in ("integer", "int", "smallint", "tinyint", "mediumint", "real", "double precision", "double", "float") \
            and re.fullmatch(r"-?\d+(\.\d+)?", d) and not col.mode:
        return d
    m = re.fullmatch(r"'((?:[^']|'')*)'(?:::[\w .\"]+)?", d) or re.fullmatch(r"\('((?:[^']|'')*)'\)", d)
    if m and (col.enum_values and m.group(1).replace("''", "'") in col.enum_values
              or not col.enum_values and base in ("text", "varchar", "char", "character varying", "citext",
                                                  "tinytext", "mediumtext", "longtext")):
        return js_string(m.group(1).replace("''", "'"))
    return None


def _fk_parent(schema: Optional[Schema], table: Table, col: Column) -> Optional[tuple[Table, Column]]:
    if schema is None:
        return None
    for fk in table.foreign_keys:
        if col.name in fk.columns:
            i = fk.columns.index(col.name)
            parent = schema.tables_by_key().get(f"{fk.foreign_schema}.{fk.foreign_table}")
            pc = parent.column(fk.foreign_columns[i]) if parent and i < len(fk.foreign_columns) else None
            if pc is not None and parent.key != table.key:
                return parent, pc
    return None


def column_value(schema: Optional[Schema], table: Table, col: Column, dialect: str = "", _depth: int = 0
                 ) -> tuple[Optional[str], Optional[str]]:
    """(expression, TS type text) for ``col``: the expression is None where no value of its type is known."""
    d = get_dialect(dialect or (schema.dialect if schema else "postgresql"))
    ts = d.ts_value_type(col)
    parent = _fk_parent(schema, table, col) if _depth < 4 else None
    if parent is not None and d.ts_value_type(parent[1]) == ts:
        v, _ = column_value(schema, parent[0], parent[1], dialect, _depth + 1)
        if v is not None:
            return v, ts
    if col.enum_values and col.ts_type and re.fullmatch(r"[A-Za-z_$][\w$.]*", col.ts_type):  # a TS enum: its member, by value
        dflt = default_literal(replace(col, ts_type=None))  # its default, when it is one of the members
        member = dflt if dflt is not None and not (ts and ts.endswith("[]")) else js_string(col.enum_values[0])
        value = f"[{member}]" if ts and ts.endswith("[]") else member
        return f"{value} as {row_type_name(table)}[{js_string(col.property)}]", ts
    node = parse_type(ts) if ts else None
    if node is None:
        return None, ts
    words = words_of(col.name)
    is_key = col.name in table.pk_columns or (words[-1:] == ("id",) and len(words) > 0)
    hint = Hint(words, col.type, f"{table.key}.{col.name}", words_of(table.name), is_key)
    return typed_value(node, hint), ts


def _generated_by_db(col: Column) -> bool:
    return col.identity is not None or base_type(col.type) in ("serial", "smallserial", "bigserial") or \
        (col.autoincrement and col.primary_key)


#: the last row made: a page asks for its table's row twice (the insert example, the sample block)
_last_row: list = [None, None, None]


def sample_row(table: Table, schema: Optional[Schema] = None) -> list[tuple[str, str, str]]:
    """[(property, TS expression, comment)] — a row as ``db.select()`` returns it; every expression has
    the type drizzle gives that property (placeholders are casts to it, and say so)."""
    last_table, last_schema, last = _last_row
    if last_table is table and last_schema is schema:  # the model is immutable: the same row
        return list(last)
    row = _sample_row(table, schema)
    _last_row[:] = [table, schema, tuple(row)]
    return row


def _sample_row(table: Table, schema: Optional[Schema]) -> list[tuple[str, str, str]]:
    dialect = schema.dialect if schema is not None else "postgresql"
    row_t = row_type_name(table)
    row = []
    for c in table.columns:
        lit, ts = column_value(schema, table, c, dialect)
        dflt = default_literal(c)
        if dflt is not None and ts is not None and (not c.enum_values or dflt in ts):
            lit = dflt
        if c.default is not None:
            origin = f"default {c.default}"
        elif _generated_by_db(c):
            origin = "generated by the database"
        elif c.generated is not None:
            origin = "generated column"
        elif c.app_default:
            origin = f"set by {c.app_default}"
        else:
            origin = ""
        if not c.not_null and not c.primary_key and c.default is None and c.app_default is None \
                and c.identity is None and c.generated is None and not c.enum_values \
                and (stable_int(table.key, c.name, "null", mod=3) == 0
                     or set(words_of(c.name)) & {"deleted", "archived", "revoked", "cancelled", "canceled"}
                     or lit is None):
            lit, origin = "null", "nullable"
        if lit is None:
            lit = f"{{}} as {row_t}[{js_string(c.property)}]"
            origin = (f"a value of {ts}" if ts else "a value of its type") + " (not known to drizzle-doc)"
        row.append((c.property, lit, origin))
    return row
