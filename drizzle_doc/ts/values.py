"""Values of the static evaluator: what a TypeScript expression means, without running it.

Plain JS values map to Python (str, int/float, bool, None for null, lists);
objects are :class:`JSObject`; everything the evaluator cannot know is an
:class:`Unknown` carrying the reason and where it came from.  Drizzle's own
objects (tables, column builders, enums …) live in :mod:`.pgcore`.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any, Callable, NamedTuple, Optional

from drizzle_doc.model import NO_DOC, Doc


class _Undefined:
    __slots__ = ()

    def __repr__(self) -> str:
        return "undefined"

    def __bool__(self) -> bool:
        return False


UNDEFINED = _Undefined()


class _Thrown:
    """What a path through a function that ends in ``throw`` returns: no value at all (a run-time
    condition that leads to a throw on one side is decided by the other side, see :func:`join`)."""

    __slots__ = ()

    def __repr__(self) -> str:
        return "thrown"

    def __bool__(self) -> bool:
        return False


THROWN = _Thrown()


class Site(NamedTuple):
    """Where a value was made: file (relative posix), 1-based line, 1-based column.

    A named tuple rather than a frozen dataclass: as immutable, with the same repr and hash,
    and three times cheaper to make (the extractor makes one per column)."""

    file: str
    line: int
    column: int = 1


class LazySite:
    """A :class:`Site` computed only when read (most positions are never needed).

    It keeps the node's start (row, byte column, byte offset), never the node: a node keeps
    its whole syntax tree alive, and trees are released during evaluation (see ``Module.tree``).
    """

    __slots__ = ("_module", "_point", "_byte", "_site")

    def __init__(self, module: Any, node: Any):
        self._module = module
        self._point = node.start_point
        self._byte = node.start_byte
        self._site: Optional[Site] = None

    def _get(self) -> Site:
        if self._site is None:
            self._site = self._module.site_at(self._point, self._byte)
        return self._site

    @property
    def file(self) -> str:
        return self._get().file

    @property
    def line(self) -> int:
        return self._get().line

    @property
    def column(self) -> int:
        return self._get().column

    def __reduce__(self):  # crosses processes (the second core) as the plain Site it stands for
        return Site, tuple(self._get())


@dataclass(frozen=True, slots=True)
class Unknown:
    reason: str
    site: Optional[Site] = None

    def __bool__(self) -> bool:
        return False


class PropMeta:
    """A property's JSDoc and position; the JSDoc text is parsed only when asked for.

    Made by ``Module.prop_meta``, which finds the comment above the property while the tree
    is at hand; no node is kept (see :class:`LazySite`).
    """

    __slots__ = ("_module", "_comment", "_point", "_byte", "_doc", "_site")

    def __init__(self, doc: Optional[Doc] = None, site: Optional[Site] = None, module: Any = None,
                 comment: Optional[tuple[int, int]] = None, point: Optional[tuple[int, int]] = None, byte: int = 0):
        self._doc = doc
        self._site = site
        self._module = module
        self._comment = comment  # byte range of the JSDoc block directly above, if any
        self._point = point  # the property's start (row, byte column), for its site
        self._byte = byte

    @property
    def doc(self) -> Doc:
        if self._doc is None:
            self._doc = self._module.jsdoc(self._comment) if self._comment is not None else NO_DOC
        return self._doc

    @property
    def site(self) -> Optional[Site]:
        if self._site is None and self._point is not None:
            self._site = self._module.site_at(self._point, self._byte)
        return self._site


# type -> {member name -> method(obj, ev, args, call)}: for these classes, ``obj.js_member(ev, name, site)``
# is a Native that only calls ``method(obj, ev, args, call)``, so the evaluator may call the method
# directly for ``obj.name(...)`` and skip making that Native.
METHOD_TABLES: dict[type, dict[str, Callable[..., Any]]] = {}


class JSObject:
    """An object literal: ordered properties plus, per property, its JSDoc and position."""

    __slots__ = ("props", "meta")

    def __init__(self, props: Optional[dict] = None, meta: Optional[dict] = None):
        self.props: dict[str, Any] = props if props is not None else {}
        self.meta: dict[str, PropMeta] = meta if meta is not None else {}

    def get(self, key: str, default: Any = UNDEFINED) -> Any:
        return self.props.get(key, default)

    def __repr__(self) -> str:  # pragma: no cover - debugging aid
        return f"JSObject({self.props!r})"


@dataclass(eq=False, slots=True)
class JSFunction:
    """An arrow function, function expression/declaration or method: evaluated on call."""

    params: Any  # Ref of the formal_parameters node (or of the single identifier of `x => …`), or None
    body: Any  # Ref of the expression or statement_block node, or None; Module.node() gives the node
    module: Any  # the Module it was written in
    env: Any  # the Env it closes over
    name: str = ""
    site: Optional[Site] = None
    text: str = ""  # source text, for app-side defaults


@dataclass(eq=False, slots=True)
class Native:
    """A function implemented in Python (drizzle builders, Object.values …)."""

    name: str
    fn: Callable[..., Any]  # fn(ev, args, call) -> value

    def __repr__(self) -> str:  # pragma: no cover
        return f"<native {self.name}>"


@dataclass(eq=False, slots=True)
class Namespace:
    """A module namespace or a native package: member lookup by name."""

    name: str
    members: Callable[[str], Any]  # name -> value (UNDEFINED when absent)
    names: Optional[Callable[[], list]] = None  # a module's export names (None: a native package)


class Call:
    """What a native function learns about its call site (positions and text computed on demand)."""

    __slots__ = ("_module", "_node", "_site", "_type_args", "_text")

    def __init__(self, site: Optional[Site] = None, type_args: Optional[str] = None, text: Optional[str] = None,
                 module: Any = None, node: Any = None):
        self._site = site
        self._type_args = type_args
        self._text = text
        self._module = module
        self._node = node

    @property
    def site(self) -> Site:
        if self._site is None:
            self._site = self._module.site(self._node) if self._node is not None else Site("", 0)
        return self._site

    @property
    def lazy_site(self) -> Any:
        """:attr:`site`, but computed only when read (for values that rarely need their position)."""
        if self._site is None and self._node is not None:
            return LazySite(self._module, self._node)  # keeps positions only, never the node
        return self.site

    @property
    def type_args(self) -> Optional[str]:
        if self._type_args is None and self._node is not None:
            ta = self._node.child_by_field_name("type_arguments")
            self._type_args = self._module.text(ta)[1:-1].strip() if ta is not None else ""
        return self._type_args or None

    @property
    def text(self) -> str:
        if self._text is None:
            self._text = self._module.text(self._node) if self._node is not None else ""
        return self._text


def js_number(value: float | int) -> str:
    """A number as JavaScript's ``String(n)`` spells it (for the common cases)."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if math.isnan(value):
        return "NaN"
    if math.isinf(value):
        return "Infinity" if value > 0 else "-Infinity"
    if value == int(value) and abs(value) < 1e21:
        return str(int(value))
    text = repr(value)
    if "e" in text:
        mantissa, exp = text.split("e")
        sign = "-" if exp.startswith("-") else "+"
        exp = exp.lstrip("+-").lstrip("0") or "0"
        text = f"{mantissa}e{sign}{exp}"
    return text


def js_string(value: Any) -> Optional[str]:
    """``String(value)`` for values that have a static spelling, else None."""
    if isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return js_number(value)
    if value is None:
        return "null"
    if value is UNDEFINED:
        return "undefined"
    return None


def json_stringify(value: Any) -> Optional[str]:
    """``JSON.stringify`` for static values (None when something is not static)."""
    import json

    def conv(v: Any) -> Any:
        if isinstance(v, JSObject):
            return {k: conv(x) for k, x in v.props.items() if x is not UNDEFINED and not isinstance(x, (JSFunction, Native))}
        if isinstance(v, list):
            return [None if x is UNDEFINED else conv(x) for x in v]
        if isinstance(v, (str, bool, int, float)) or v is None:
            return v
        raise ValueError("not static")

    try:
        data = conv(value)
    except ValueError:
        return None
    finally:
        del conv  # recursive closures refer to themselves: break the cycles for refcounting

    def dump(v: Any) -> str:
        if isinstance(v, dict):
            return "{" + ",".join(json.dumps(k, ensure_ascii=False) + ":" + dump(x) for k, x in v.items()) + "}"
        if isinstance(v, list):
            return "[" + ",".join(dump(x) for x in v) + "]"
        if isinstance(v, bool):
            return "true" if v else "false"
        if isinstance(v, float):
            return js_number(v)
        return json.dumps(v, ensure_ascii=False)

    try:
        return dump(data)
    finally:
        del dump


def is_static(value: Any) -> bool:
    return not isinstance(value, Unknown)


def is_primitive(value: Any) -> bool:
    """A JS primitive: string, number, boolean, null or undefined."""
    return value is None or value is UNDEFINED or isinstance(value, (str, int, float, bool))


def strict_equal(a: Any, b: Any) -> Any:
    """``a === b`` for two values that are not :class:`Unknown`: True/False, or None when it
    cannot be told statically (two objects of drizzle's, say, that may or may not be the same)."""
    if is_primitive(a) and is_primitive(b):
        num = (int, float)
        if isinstance(a, num) and isinstance(b, num) and not isinstance(a, bool) and not isinstance(b, bool):
            return a == b  # 1 === 1.0; NaN !== NaN (Python's nan != nan too)
        return type(a) is type(b) and a == b
    if is_primitive(a) or is_primitive(b):
        return False  # an object is never a primitive
    return True if a is b else None


def loose_equal(a: Any, b: Any) -> Any:
    """``a == b`` (see :func:`strict_equal`): null and undefined are equal to each other only;
    numbers, strings and booleans compare as numbers when their types differ."""
    a_nullish = a is None or a is UNDEFINED
    b_nullish = b is None or b is UNDEFINED
    if a_nullish or b_nullish:
        return a_nullish and b_nullish
    if is_primitive(a) and is_primitive(b) and type(a) is not type(b):
        x, y = _to_number(a), _to_number(b)
        return x == y
    if is_primitive(a) != is_primitive(b):
        return None  # an object compared to a primitive goes through toString/valueOf
    return strict_equal(a, b)


def _to_number(v: Any) -> float:
    if isinstance(v, bool):
        return 1.0 if v else 0.0
    if isinstance(v, (int, float)):
        return float(v)
    text = str(v).strip()
    if text == "":
        return 0.0
    try:
        return float(int(text, 0)) if text.lower().startswith(("0x", "0o", "0b")) else float(text)
    except ValueError:
        return math.nan


def type_of(value: Any) -> Any:
    """``typeof value``; Unknown stays unknown."""
    if isinstance(value, Unknown):
        return value
    if value is UNDEFINED:
        return "undefined"
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, (int, float)):
        return "number"
    if isinstance(value, str):
        return "string"
    if isinstance(value, (JSFunction, Native)):
        return "function"
    return "object"  # null, objects, arrays, namespaces, drizzle's builders


#: How deep :func:`join` looks into objects and arrays.
MAX_JOIN_DEPTH = 20


def join(a: Any, b: Any, unknown: Unknown, depth: int = 0) -> Any:
    """What a value is when it is ``a`` or ``b`` and which one is not known statically (a
    condition that depends on run-time values chose it): a fact both sides agree on is kept,
    the rest is ``unknown``.

    Equal primitives are that primitive; objects with the same keys join key by key; arrays of
    the same length item by item; a value with a ``js_join(other, unknown)`` method (drizzle's
    column builders) joins itself (None: it cannot); anything else is ``unknown``."""
    if a is b:
        return a
    if a is THROWN:  # a path that throws gives no value: the other one is the value
        return b
    if b is THROWN:
        return a
    if isinstance(a, Unknown):
        return a
    if isinstance(b, Unknown):
        return b
    if is_primitive(a) and is_primitive(b):
        return a if strict_equal(a, b) else unknown
    if depth > MAX_JOIN_DEPTH:
        return unknown
    if isinstance(a, JSObject) and isinstance(b, JSObject):
        if list(a.props) != list(b.props):
            return unknown
        return JSObject({k: join(v, b.props[k], unknown, depth + 1) for k, v in a.props.items()}, dict(a.meta))
    if isinstance(a, list) and isinstance(b, list):
        if len(a) != len(b):
            return unknown
        return [join(x, y, unknown, depth + 1) for x, y in zip(a, b)]
    js_join = getattr(a, "js_join", None)
    if js_join is not None and type(a) is type(b):
        joined = js_join(b, unknown)
        if joined is not None:
            return joined
    return unknown
