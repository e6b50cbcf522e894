"""What each kind of TypeScript expression means (one handler per syntax node type, :data:`HANDLERS`),
and the few globals schemas use (``Object.values`` and friends)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Optional

from drizzle_doc.ts.values import (
    UNDEFINED,
    Call,
    JSFunction,
    METHOD_TABLES,
    JSObject,
    LazySite,
    Native,
    Unknown,
    join,
    js_string,
    loose_equal,
    strict_equal,
    type_of,
)
from drizzle_doc.ts.lexical import Env, TemplateParts, parse_js_number, unescape_js

if TYPE_CHECKING:
    from drizzle_doc.ts.evaluate import Evaluator



def truthy(v: Any) -> bool:
    if v is None or v is UNDEFINED or v is False:
        return False
    if isinstance(v, (int, float)) and not isinstance(v, bool):
        return v != 0
    if isinstance(v, str):
        return v != ""
    return True


# ---------------------------------------------------------------------------
# Expression handlers
# ---------------------------------------------------------------------------


def _identifier(ev: Evaluator, node, env: Env) -> Any:
    module = env.module
    src = module._str  # Module.text, inlined for ASCII files
    name = src[node.start_byte : node.end_byte] if src is not None else module.text(node)
    if name == "undefined":
        return UNDEFINED
    # Env.lookup and Module.lookup inlined for the common hits (a local, a cached top-level name)
    e: Optional[Env] = env
    while e is not None:
        if name in e.vars:
            return e.vars[name]
        e = e.parent
    cache = module.cache
    if name in cache:
        if ev.frames:  # what making it touched and said counts for this evaluation too (Module.lookup)
            ev.hit(module.frames, name)
        return cache[name]
    return module.lookup(name, LazySite(module, node))


def _string(ev: Evaluator, node, env: Env) -> Any:
    module = env.module
    src = module._str  # Module.text, inlined for ASCII files
    text = src[node.start_byte + 1 : node.end_byte - 1] if src is not None else module.text(node)[1:-1]
    return unescape_js(text) if "\\" in text else text


def _template_parts(ev: Evaluator, node, env: Env) -> TemplateParts:
    module = env.module
    strings: list[str] = []
    values: list[Any] = []
    pos = node.start_byte + 1
    for child in node.named_children:
        if child.type == "template_substitution":
            strings.append(unescape_js(module.source[pos : child.start_byte].decode("utf-8", "replace")))
            inner = child.named_children[0] if child.named_children else None
            values.append(ev.eval(inner, env) if inner is not None else UNDEFINED)
            pos = child.end_byte
    strings.append(unescape_js(module.source[pos : node.end_byte - 1].decode("utf-8", "replace")))
    return TemplateParts(strings, values)


def _template(ev: Evaluator, node, env: Env) -> Any:
    parts = _template_parts(ev, node, env)
    out = [parts.strings[0]]
    for value, tail in zip(parts.values, parts.strings[1:]):
        s = js_string(value)
        if s is None:
            return Unknown("template literal with a value that is not static", env.module.site(node))
        out.append(s)
        out.append(tail)
    return "".join(out)


def _number(ev: Evaluator, node, env: Env) -> Any:
    return parse_js_number(env.module.text(node))


def _const(value):
    return lambda ev, node, env: value


def _object(ev: Evaluator, node, env: Env) -> Any:
    module = env.module
    src = module._str  # Module.text, inlined for ASCII files
    obj = JSObject()
    props = obj.props
    meta = obj.meta
    children = node.children  # all of them (tokens too): PropMeta finds a JSDoc just before a property here
    for i, child in enumerate(children):
        t = child.type  # tokens ("{", ",", "}") match no case below
        if t == "pair":
            key_node = child.child_by_field_name("key")
            if key_node is not None and key_node.type == "property_identifier":
                key = src[key_node.start_byte : key_node.end_byte] if src is not None else module.text(key_node)
            else:
                key = ev.prop_key(key_node, module, env)
                if not isinstance(key, str):
                    continue
            value_node = child.child_by_field_name("value")
            try:
                props[key] = ev.eval(value_node, env) if value_node is not None else UNDEFINED
            except RecursionError:  # thousands of nested levels: this property only is lost
                props[key] = Unknown("expression nested too deeply to read", module.site(child))
            meta[key] = module.prop_meta(child, children, i)
        elif t == "shorthand_property_identifier":
            key = module.text(child)
            props[key] = env.lookup(key, LazySite(module, child))
            meta[key] = module.prop_meta(child, children, i)
        elif t == "spread_element":
            inner = child.named_children[0] if child.named_children else None
            value = ev.eval(inner, env) if inner is not None else UNDEFINED
            if isinstance(value, JSObject):
                for k, v in value.props.items():
                    obj.props.pop(k, None)
                    obj.props[k] = v
                    if k in value.meta:
                        obj.meta[k] = value.meta[k]
            elif isinstance(value, Unknown):
                obj.props[f"\0spread@{child.start_byte}"] = Unknown(
                    f"spread `{module.text(child)}` is not static: {value.reason}", module.site(child)
                )
        elif t == "method_definition":
            name = child.child_by_field_name("name")
            key = ev.prop_key(name, module, env)
            accessor = child.children[0].type if child.children else ""
            if isinstance(key, str) and accessor != "set":  # a setter holds no value
                fn = JSFunction(
                    module.ref(child.child_by_field_name("parameters")), module.ref(child.child_by_field_name("body")), module, env,
                    key, module.site(child), module.text(child),
                )
                if accessor == "get":  # `get id() { return … }`: the property's value is what it returns
                    try:
                        fn = ev.call_function(fn, [])
                    except RecursionError:
                        fn = Unknown("getter nested too deeply to read", module.site(child))
                obj.props[key] = fn
                obj.meta[key] = module.prop_meta(child, children, i)
    return obj


def _array(ev: Evaluator, node, env: Env) -> Any:
    out: list[Any] = []
    for child in node.named_children:
        if child.type == "spread_element":
            inner = child.named_children[0] if child.named_children else None
            value = ev.eval(inner, env) if inner is not None else UNDEFINED
            if isinstance(value, list):
                out.extend(value)
            else:
                out.append(Unknown(f"spread `{env.module.text(child)}` is not static", env.module.site(child)))
        elif child.type == "comment":
            continue
        else:
            out.append(ev.eval(child, env))
    return out


def _function(ev: Evaluator, node, env: Env) -> Any:
    module = env.module
    params = node.child_by_field_name("parameters") or node.child_by_field_name("parameter")
    return JSFunction(module.ref(params), module.ref(node.child_by_field_name("body")), module, env, "", LazySite(module, node),
                      module.text(node))


def _unwrap(ev: Evaluator, node, env: Env) -> Any:
    inner = node.named_children[0] if node.named_children else None
    return ev.eval(inner, env) if inner is not None else UNDEFINED


def _parenthesized(ev: Evaluator, node, env: Env) -> Any:
    inner = [c for c in node.named_children if c.type != "comment"]
    return ev.eval(inner[-1], env) if inner else UNDEFINED


# Optional chaining: `a?.b.c` is undefined as a whole when `a` is null or undefined.  The parts
# of a chain (member, subscript and call expressions whose value is the object or function of the
# next part) say so with SHORT, which the chain's outermost part turns into undefined.
SHORT = object()


def _chain_part(ev: Evaluator, node, env: Env) -> Any:
    """The value of ``node`` as the object of a longer chain: SHORT when an optional chain in it
    short-circuited."""
    t = node.type
    if t == "member_expression":
        return _member_part(ev, node, env)
    if t == "call_expression":
        return _call_part(ev, node, env)
    if t == "subscript_expression":
        return _subscript_part(ev, node, env)
    return ev.eval(node, env)


def _optional(node) -> bool:
    """``node`` (a member or subscript expression) is written with ``?.``."""
    return node.child_by_field_name("optional_chain") is not None


def _member(ev: Evaluator, node, env: Env) -> Any:
    value = _member_part(ev, node, env)
    return UNDEFINED if value is SHORT else value


def _member_part(ev: Evaluator, node, env: Env) -> Any:
    obj_node = node.child_by_field_name("object")
    prop = node.child_by_field_name("property")
    obj = _chain_part(ev, obj_node, env)
    if obj is SHORT or (obj is UNDEFINED or obj is None) and _optional(node):
        return SHORT
    return ev.member(obj, env.module.text(prop), LazySite(env.module, prop))


def _subscript(ev: Evaluator, node, env: Env) -> Any:
    value = _subscript_part(ev, node, env)
    return UNDEFINED if value is SHORT else value


def _subscript_part(ev: Evaluator, node, env: Env) -> Any:
    obj = _chain_part(ev, node.child_by_field_name("object"), env)
    if obj is SHORT or (obj is UNDEFINED or obj is None) and _optional(node):
        return SHORT
    index_node = node.child_by_field_name("index")
    index = ev.eval(index_node, env) if index_node is not None else UNDEFINED
    if isinstance(obj, list) and isinstance(index, int) and not isinstance(index, bool):
        return obj[index] if 0 <= index < len(obj) else UNDEFINED
    key = js_string(index)
    if key is None:
        return Unknown("computed member is not static", env.module.site(node))
    return ev.member(obj, key, env.module.site(node))


def _call(ev: Evaluator, node, env: Env) -> Any:
    value = _call_part(ev, node, env)
    return UNDEFINED if value is SHORT else value


def _call_part(ev: Evaluator, node, env: Env) -> Any:
    module = env.module
    src = module._str  # Module.text, inlined for ASCII files
    fn_node = node.child_by_field_name("function")
    args_node = node.child_by_field_name("arguments")
    method = None  # a method of METHOD_TABLES, called directly once the arguments are read
    tagged = args_node is not None and args_node.type == "template_string"
    if fn_node is None:
        fn = Unknown("call")
    elif fn_node.type == "member_expression":  # a method call: _member inlined
        prop = fn_node.child_by_field_name("property")
        obj = _chain_part(ev, fn_node.child_by_field_name("object"), env)
        if obj is SHORT or (obj is UNDEFINED or obj is None) and _optional(fn_node):
            return SHORT
        name = src[prop.start_byte : prop.end_byte] if src is not None else module.text(prop)
        methods = METHOD_TABLES.get(type(obj))
        if methods is not None and not tagged:
            method = methods.get(name)
        if method is not None:
            fn = None
        else:
            js_member = getattr(obj, "js_member", None)  # drizzle builders: Evaluator.member's own first choice
            if js_member is not None:
                fn = js_member(ev, name, LazySite(module, prop))
            else:
                fn = ev.member(obj, name, LazySite(module, prop))
    else:
        fn = _chain_part(ev, fn_node, env)
        if fn is SHORT:
            return SHORT
    if (fn is UNDEFINED or fn is None) and any(c.type == "?." for c in node.children):  # f?.()
        return SHORT
    call = Call(None, None, None, module, node)
    if tagged:
        parts = _template_parts(ev, args_node, env)
        if isinstance(fn, Native) and getattr(fn.fn, "is_tag", False):
            return fn.fn(ev, [parts], call)
        if isinstance(fn, Unknown):
            return fn
        return Unknown(f"tagged template `{module.text(fn_node)}` is not understood", module.site(node))
    args: list[Any] = []
    if args_node is not None and args_node.named_child_count:
        for a in args_node.named_children:
            t = a.type
            if t == "string":  # eval() -> _string, inlined
                text = src[a.start_byte + 1 : a.end_byte - 1] if src is not None else module.text(a)[1:-1]
                args.append(unescape_js(text) if "\\" in text else text)
                continue
            if t == "comment":
                continue
            if t == "spread_element":
                inner = a.named_children[0] if a.named_children else None
                value = ev.eval(inner, env) if inner is not None else UNDEFINED
                if isinstance(value, list):
                    args.extend(value)
                else:
                    args.append(Unknown("spread argument is not static", module.site(a)))
            else:
                args.append(ev.eval(a, env))
    if method is not None:
        return method(obj, ev, args, call)
    if isinstance(fn, Native):  # Evaluator.call's first case, inlined
        return fn.fn(ev, args, call)
    return ev.call(fn, args, call)


def _new(ev: Evaluator, node, env: Env) -> Any:
    ctor = node.child_by_field_name("constructor")
    name = env.module.text(ctor) if ctor is not None else "?"
    return Unknown(f"`new {name}(…)` is only known at run time", env.module.site(node))


def _unary(ev: Evaluator, node, env: Env) -> Any:
    op = node.child_by_field_name("operator")
    arg = node.child_by_field_name("argument")
    op_text = env.module.text(op) if op is not None else ""
    value = ev.eval(arg, env) if arg is not None else UNDEFINED
    if op_text == "-" and isinstance(value, (int, float)) and not isinstance(value, bool):
        return -value
    if op_text == "+" and isinstance(value, (int, float)) and not isinstance(value, bool):
        return value
    if op_text == "!" and not isinstance(value, Unknown):
        return not truthy(value)
    if op_text == "void":
        return UNDEFINED
    if op_text == "typeof":
        return type_of(value)
    if isinstance(value, Unknown):  # why the operand is unknown is why the expression is
        return value
    return Unknown(f"unary `{op_text}` is not evaluated statically", env.module.site(node))


def _binary(ev: Evaluator, node, env: Env) -> Any:
    op = env.module.text(node.child_by_field_name("operator"))
    left = ev.eval(node.child_by_field_name("left"), env)
    if op in ("??", "||", "&&") and not isinstance(left, Unknown):
        if op == "??":
            return left if left not in (None, UNDEFINED) else ev.eval(node.child_by_field_name("right"), env)
        if op == "||":
            return left if truthy(left) else ev.eval(node.child_by_field_name("right"), env)
        return ev.eval(node.child_by_field_name("right"), env) if truthy(left) else left
    right = ev.eval(node.child_by_field_name("right"), env)
    num = (int, float)
    if op == "+":
        if isinstance(left, str) or isinstance(right, str):
            ls, rs = js_string(left), js_string(right)
            if ls is not None and rs is not None:
                return ls + rs
        elif isinstance(left, num) and isinstance(right, num) and not isinstance(left, bool) and not isinstance(right, bool):
            return left + right
    elif op in ("-", "*", "/", "%", "**") and all(isinstance(v, num) and not isinstance(v, bool) for v in (left, right)):
        try:
            if op == "-":
                return left - right
            if op == "*":
                return left * right
            if op == "/":
                r = left / right
                return int(r) if r.is_integer() else r
            if op == "%":
                return left % right
            return left**right
        except (ZeroDivisionError, OverflowError):
            pass
    elif op in ("===", "==", "!==", "!=") and not isinstance(left, Unknown) and not isinstance(right, Unknown):
        same = strict_equal(left, right) if op in ("===", "!==") else loose_equal(left, right)
        if same is not None:
            return same if op in ("===", "==") else not same
    elif op in ("<", ">", "<=", ">="):
        comparable = (isinstance(left, str) and isinstance(right, str)) or all(
            isinstance(v, (int, float)) and not isinstance(v, bool) for v in (left, right))
        if comparable:
            return {"<": left < right, ">": left > right, "<=": left <= right, ">=": left >= right}[op]
    for operand in (left, right):  # the reason an operand is unknown is the expression's
        if isinstance(operand, Unknown):
            return operand
    return Unknown(f"`{op}` expression is not evaluated statically", env.module.site(node))


def _ternary(ev: Evaluator, node, env: Env) -> Any:
    cond = ev.eval(node.child_by_field_name("condition"), env)
    if isinstance(cond, Unknown):
        # either branch may be taken: what both agree on is known, the rest is unknown
        unknown = Unknown(f"a condition that depends on run-time values ({cond.reason})", env.module.site(node))
        if ev._forks >= ev.MAX_FORKS:  # conditions within conditions: the paths double each time
            return unknown
        ev._forks += 1
        try:
            return join(ev.eval(node.child_by_field_name("consequence"), env),
                        ev.eval(node.child_by_field_name("alternative"), env), unknown)
        finally:
            ev._forks -= 1
    branch = node.child_by_field_name("consequence") if truthy(cond) else node.child_by_field_name("alternative")
    return ev.eval(branch, env)


def _await(ev: Evaluator, node, env: Env) -> Any:
    return Unknown("`await` is only known at run time", env.module.site(node))


HANDLERS = {
    "identifier": _identifier,
    "shorthand_property_identifier": _identifier,
    "string": _string,
    "template_string": _template,
    "number": _number,
    "true": _const(True),
    "false": _const(False),
    "null": _const(None),
    "undefined": _const(UNDEFINED),
    "object": _object,
    "array": _array,
    "arrow_function": _function,
    "function_expression": _function,
    "function": _function,
    "generator_function": _function,
    "parenthesized_expression": _parenthesized,
    "as_expression": _unwrap,
    "satisfies_expression": _unwrap,
    "non_null_expression": _unwrap,
    "type_assertion": lambda ev, node, env: ev.eval(node.named_children[-1], env),
    "member_expression": _member,
    "subscript_expression": _subscript,
    "call_expression": _call,
    "new_expression": _new,
    "unary_expression": _unary,
    "binary_expression": _binary,
    "ternary_expression": _ternary,
    "await_expression": _await,
    "instantiation_expression": _unwrap,
}


# ---------------------------------------------------------------------------
# Globals (Object.values and friends)
# ---------------------------------------------------------------------------


def make_globals() -> dict[str, Any]:
    def values(ev, args, call):
        o = args[0] if args else UNDEFINED
        if isinstance(o, JSObject):
            return [v for k, v in o.props.items() if not is_numeric_reverse(o, k)]
        if isinstance(o, list):
            return list(o)
        return Unknown("Object.values of a value that is not static", call.site)

    def keys(ev, args, call):
        o = args[0] if args else UNDEFINED
        if isinstance(o, JSObject):
            return [k for k in o.props if not k.startswith("\0")]
        return Unknown("Object.keys of a value that is not static", call.site)

    def entries(ev, args, call):
        o = args[0] if args else UNDEFINED
        if isinstance(o, JSObject):
            return [[k, v] for k, v in o.props.items() if not k.startswith("\0")]
        return Unknown("Object.entries of a value that is not static", call.site)

    def from_entries(ev, args, call):
        o = args[0] if args else UNDEFINED
        if isinstance(o, list) and all(isinstance(p, list) and len(p) >= 2 and isinstance(p[0], str) for p in o):
            return JSObject({p[0]: p[1] for p in o})
        return Unknown("Object.fromEntries of a value that is not static", call.site)

    def assign(ev, args, call):
        target = JSObject()
        for a in args:
            if isinstance(a, JSObject):
                target.props.update(a.props)
                target.meta.update(a.meta)
        return target

    def identity(ev, args, call):
        return args[0] if args else UNDEFINED

    obj = JSObject(
        {
            "values": Native("Object.values", values),
            "keys": Native("Object.keys", keys),
            "entries": Native("Object.entries", entries),
            "fromEntries": Native("Object.fromEntries", from_entries),
            "assign": Native("Object.assign", assign),
            "freeze": Native("Object.freeze", identity),
        }
    )

    def string(ev, args, call):
        s = js_string(args[0] if args else "")
        return s if s is not None else Unknown("String() of a value that is not static", call.site)

    def stringify(ev, args, call):
        from drizzle_doc.ts.values import json_stringify

        s = json_stringify(args[0]) if args else None
        return s if s is not None else Unknown("JSON.stringify of a value that is not static", call.site)

    return {
        "Object": obj,
        "process": _RunTime("process"),
        "String": Native("String", string),
        "Number": Native("Number", lambda ev, a, c: a[0] if a and isinstance(a[0], (int, float)) else Unknown("Number()", c.site)),
        "JSON": JSObject({"stringify": Native("JSON.stringify", stringify)}),
        "NaN": float("nan"),
        "Infinity": float("inf"),
    }


class _RunTime:
    """A global known only when the program runs (``process``: ``process.env.X`` is unknown)."""

    def __init__(self, path: str):
        self.path = path

    def js_member(self, ev, name: str, site) -> Any:
        if self.path == "process" and name == "env":
            return _RunTime("process.env")
        return Unknown(f"`{self.path}.{name}` is only known at run time", site)


def is_numeric_reverse(o: JSObject, key: str) -> bool:
    """TS numeric enums map value -> name too; Object.values skips those reverse keys' duplicates."""
    if key.startswith("\0"):
        return True
    try:
        float(key)
    except ValueError:
        return False
    value = o.props.get(key)
    return isinstance(value, str) and isinstance(o.props.get(value), (int, float))


