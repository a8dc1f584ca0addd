"""What decides validity for `vsb.schemas`: formats, patterns and a compiled schema check.

jsonschema walks the schema on every call (about 1,000 requests/s, and seconds for a shipment
of 10,000 invoices); most messages are valid, so a closure tree compiled once answers "valid?"
(`fast_check`) and jsonschema only explains failures. Keywords outside the supported subset
fall back to jsonschema's `is_valid` for that schema.

The closures for `type: object`, `string`, `integer`, `number` and `array` check all their
keywords in one call, and arrays are walked with a plain loop: a 10,000-invoice shipment is
checked in tens of milliseconds. The jsonschema validator that explains a failure (`explainer`)
descends only into the array items the compiled check refuses. Private to `vsb.schemas`.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator, Mapping
from contextlib import suppress
from datetime import date, datetime
from functools import cache, lru_cache
from typing import Any

from jsonschema import Draft202012Validator, FormatChecker, validators
from jsonschema.exceptions import ValidationError
from referencing import Registry

from vsb._schema_budget import closed_object, current_budget

__all__ = [
    "FORMATS",
    "NOTES",
    "Check",
    "Unsupported",
    "Validator",
    "compile_check",
    "compiled_pattern",
    "explainer",
    "fast_check",
    "format_checker",
    "is_date",
    "is_date_time",
    "is_email",
]

Check = Callable[[object], bool]
"""A compiled (sub)schema: tells whether an instance satisfies it."""

NOTES = frozenset({"title", "description", "$comment", "examples", "default"})
"""Keywords that only annotate: they never make an instance invalid."""

_DATE_RE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}", re.ASCII)
_DATE_TIME_RE = re.compile(
    r"[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}(\.[0-9]+)?(Z|[+-][0-9]{2}:[0-9]{2})",
    re.ASCII,
)
_EMAIL_RE = re.compile(r"[^@\s]+@[^@\s]+", re.ASCII)


class Unsupported(Exception):
    """Raised when a schema uses a keyword the fast compiler does not handle."""


# --- formats and patterns ---------------------------------------------------------------------


@lru_cache(maxsize=4096)
def is_date(text: str) -> bool:
    """Tell whether `text` is a real `YYYY-MM-DD` calendar date (2024-02-30 is not).

    Remembered: jsonschema-rs asks it once per date of a message (a shipment's lines share a
    few dozen prestation dates), and a remembered answer costs a seventh of working it out."""
    try:
        return _DATE_RE.fullmatch(text) is not None and bool(date.fromisoformat(text))
    except ValueError:
        return False


def is_date_time(text: str) -> bool:
    """Tell whether `text` is an RFC 3339 timestamp with offset naming a real instant."""
    try:
        return _DATE_TIME_RE.fullmatch(text) is not None and bool(datetime.fromisoformat(text))
    except ValueError:
        return False


def is_email(text: str) -> bool:
    """Tell whether `text` looks like an e-mail address (something@something)."""
    return _EMAIL_RE.fullmatch(text) is not None


FORMATS: dict[str, Callable[[str], bool]] = {
    "date": is_date,
    "date-time": is_date_time,
    "email": is_email,
}
"""The formats that are asserted; any other `format` is an annotation."""


def format_checker() -> FormatChecker:
    """Return a jsonschema checker for `date`, `date-time` and `email` only (others pass)."""
    checker = FormatChecker(formats=())
    for name, check in FORMATS.items():
        checker.checks(name)(_only_strings(check))
    return checker


def _only_strings(check: Callable[[str], bool]) -> Check:
    """Wrap a string check so that other types pass (formats constrain strings only)."""
    return lambda instance: not isinstance(instance, str) or check(instance)


@cache
def compiled_pattern(pattern: str) -> re.Pattern[str]:
    """Compile an ECMA-262 `pattern` so that a final `$` does not accept a trailing newline."""
    if pattern.endswith("$") and not pattern.endswith("\\$"):
        pattern = pattern[:-1] + r"\Z"
    return re.compile(pattern)


def _pattern(
    validator: Any, pattern: str, instance: object, schema: Mapping[str, Any]
) -> Iterator[ValidationError]:
    """The `pattern` keyword with ECMA-262 end anchoring (Python's `$` allows a final "\\n")."""
    if isinstance(instance, str) and not compiled_pattern(pattern).search(instance):
        yield ValidationError(f"{instance!r} does not match {pattern!r}")


Validator = validators.extend(
    Draft202012Validator,
    validators={"pattern": _pattern, "additionalProperties": closed_object},
)
"""Draft 2020-12 with ECMA-262 `pattern` anchoring: what every schema means (and a short
message for unexpected members, which `vsb.schemas` words one by one)."""


# --- the compiler -----------------------------------------------------------------------------

_ANNOTATIONS = NOTES | {"$schema", "$id", "$defs", "then", "else"}  # then/else go with `if`
_Make = Callable[[Any, dict[str, Any], Any, int], Check]


def _always(_: object) -> bool:
    return True


def _never(_: object) -> bool:
    return False


def _is_integer(x: object) -> bool:
    """JSON integers: ints (not booleans) and floats without a fraction."""
    if isinstance(x, int):
        return not isinstance(x, bool)
    return isinstance(x, float) and x.is_integer()


def _is_number(x: object) -> bool:
    return isinstance(x, int | float) and not isinstance(x, bool)


_TYPES: dict[str, Check] = {
    "object": lambda x: isinstance(x, dict),
    "array": lambda x: isinstance(x, list),
    "string": lambda x: isinstance(x, str),
    "null": lambda x: x is None,
    "boolean": lambda x: isinstance(x, bool),
    "integer": _is_integer,
    "number": _is_number,
}


def compile_check(schema: object, resolver: Any, depth: int = 0) -> Check:
    """Compile one (sub)schema to a check, resolving `$ref`s through `resolver`.

    Raises Unsupported for a keyword (or keyword value) outside the supported subset.
    """
    if isinstance(schema, bool):
        return _always if schema else _never
    if depth > 50 or not isinstance(schema, dict):
        raise Unsupported(repr(schema)[:40])
    unknown = schema.keys() - _ANNOTATIONS - _KEYWORDS.keys() - _OBJECT_KEYWORDS
    if unknown:
        raise Unsupported(", ".join(sorted(unknown)))
    kind = schema.get("type")
    fused = [_FUSED[kind]] if isinstance(kind, str) and kind in _FUSED else []
    if kind != "object" and schema.keys() & _OBJECT_KEYWORDS:
        fused.append(_loose_object)  # e.g. inside `if`/`then`, or next to a list of types
    checks: list[Check] = []
    done: set[str] = set()
    for fuse in fused:
        check, covered = fuse(schema, resolver, depth + 1)
        checks.append(check)
        done |= covered
    for keyword, value in schema.items():
        if keyword not in _ANNOTATIONS and keyword not in done:
            checks.append(_KEYWORDS[keyword](value, schema, resolver, depth + 1))
    return _all(checks)


def _all(checks: list[Check]) -> Check:
    """Combine checks that must all pass."""
    checks = [one for one in checks if one is not _always]
    if not checks:
        return _always
    if len(checks) == 1:
        return checks[0]
    if len(checks) == 2:
        first, second = checks
        return lambda x: first(x) and second(x)
    frozen = tuple(checks)

    def check(x: object) -> bool:
        # A plain loop: all() over a generator costs a third more on this hot path.
        for one in frozen:  # noqa: SIM110
            if not one(x):
                return False
        return True

    return check


# --- fused type checks: one closure per typed schema -----------------------------------------
# Each returns the check and the keywords it covered; the others are compiled one by one.

_Fused = tuple[Check, frozenset[str]]
_OBJECT_KEYWORDS = frozenset({"properties", "required", "additionalProperties"})
_STRING_KEYWORDS = frozenset({"type", "pattern", "format", "minLength", "maxLength"})
_NUMBER_KEYWORDS = frozenset({"type", "minimum", "maximum"})
_ARRAY_KEYWORDS = frozenset({"type", "items", "minItems", "maxItems"})


def _object(schema: dict[str, Any], resolver: Any, depth: int) -> _Fused:
    """`type: object` with `properties`, `required` and `additionalProperties`."""
    return _object_check(schema, resolver, depth, strict=True), _OBJECT_KEYWORDS | {"type"}


def _loose_object(schema: dict[str, Any], resolver: Any, depth: int) -> _Fused:
    """The object keywords without `type`: they hold for anything that is not an object."""
    return _object_check(schema, resolver, depth, strict=False), _OBJECT_KEYWORDS


def _object_check(schema: dict[str, Any], resolver: Any, depth: int, strict: bool) -> Check:
    """One closure for the object keywords; `strict`: a non-object fails."""
    additional = schema.get("additionalProperties", True)
    if additional is not True and additional is not False:
        raise Unsupported("additionalProperties")
    properties = schema.get("properties", {})
    if not isinstance(properties, dict):
        raise Unsupported("properties")
    subs = {name: compile_check(sub, resolver, depth) for name, sub in properties.items()}
    required = tuple(schema.get("required", ()))
    if additional:
        return _open_object(subs, required, strict)
    get = subs.get

    def check(x: object) -> bool:  # closed: walk the instance, every key must be declared
        if not isinstance(x, dict):
            return not strict
        for name in required:
            if name not in x:
                return False
        for key, value in x.items():
            sub = get(key)
            if sub is None or not sub(value):
                return False
        return True

    return check


def _open_object(subs: dict[str, Check], required: tuple[str, ...], strict: bool) -> Check:
    """Object keywords without `additionalProperties: false`: walk the declared properties
    (an `if`/`then` names one or two of an invoice's six)."""
    declared = tuple((name, sub) for name, sub in subs.items() if sub is not _always)

    def check(x: object) -> bool:
        if not isinstance(x, dict):
            return not strict
        for name in required:
            if name not in x:
                return False
        for name, sub in declared:  # noqa: SIM110 (hot path, see _all)
            if name in x and not sub(x[name]):
                return False
        return True

    return check


def _string(schema: dict[str, Any], _: Any, __: int) -> _Fused:
    """`type: string` with `pattern`, `format`, `minLength` and `maxLength`."""
    tests: list[Callable[[str], object]] = []
    if "pattern" in schema:
        tests.append(compiled_pattern(schema["pattern"]).search)
    if schema.get("format") in FORMATS:
        tests.append(FORMATS[schema["format"]])
    low, high = schema.get("minLength", 0), schema.get("maxLength")
    if low or high is not None:
        high = float("inf") if high is None else high
        tests.append(lambda x: low <= len(x) <= high)
    if not tests:
        return _TYPES["string"], _STRING_KEYWORDS
    if len(tests) == 1:
        (test,) = tests
        return (lambda x: isinstance(x, str) and bool(test(x))), _STRING_KEYWORDS
    frozen = tuple(tests)

    def check(x: object) -> bool:
        if not isinstance(x, str):
            return False
        for test in frozen:  # noqa: SIM110 (hot path, see _all)
            if not test(x):
                return False
        return True

    return check, _STRING_KEYWORDS


def _number(kind: str) -> Callable[[dict[str, Any], Any, int], _Fused]:
    """`type: integer` or `number` with `minimum` and `maximum`."""
    is_kind = _TYPES[kind]

    def fuse(schema: dict[str, Any], _: Any, __: int) -> _Fused:
        low = schema.get("minimum", float("-inf"))
        high = schema.get("maximum", float("inf"))
        if not _is_number(low) or not _is_number(high):
            raise Unsupported("minimum/maximum")

        def check(x: object) -> bool:
            if type(x) is int:  # the common case: skip the bool and float tests
                return bool(low <= x <= high)
            return is_kind(x) and bool(low <= x <= high)

        return check, _NUMBER_KEYWORDS

    return fuse


def _array(schema: dict[str, Any], resolver: Any, depth: int) -> _Fused:
    """`type: array` with `items`, `minItems` and `maxItems`: one loop over the items."""
    if "prefixItems" in schema:
        raise Unsupported("prefixItems")
    sub = compile_check(schema.get("items", True), resolver, depth)
    low = schema.get("minItems", 0)
    high = schema.get("maxItems", float("inf"))

    def check(x: object) -> bool:
        if not isinstance(x, list) or not low <= len(x) <= high:
            return False
        for item in x:  # noqa: SIM110 (hot path, see _all)
            if not sub(item):
                return False
        return True

    return check, _ARRAY_KEYWORDS


_FUSED: dict[str, Callable[[dict[str, Any], Any, int], _Fused]] = {
    "object": _object,
    "string": _string,
    "integer": _number("integer"),
    "number": _number("number"),
    "array": _array,
}


# --- keywords one by one ----------------------------------------------------------------------


def _ref(value: str, _: dict[str, Any], resolver: Any, depth: int) -> Check:
    """`$ref`: compile the target, resolved against the current base URI."""
    if resolver is None:
        raise Unsupported("$ref")
    resolved = resolver.lookup(value)
    return compile_check(resolved.contents, resolved.resolver, depth)


def _items(value: object, _: dict[str, Any], resolver: Any, depth: int) -> Check:
    """`items` without `type: array`: every element satisfies the subschema."""
    sub = compile_check(value, resolver, depth)

    def check(x: object) -> bool:
        if not isinstance(x, list):
            return True
        for item in x:  # noqa: SIM110 (hot path, see _all)
            if not sub(item):
                return False
        return True

    return check


def _if(value: object, schema: dict[str, Any], resolver: Any, depth: int) -> Check:
    """`if`/`then`/`else`: `then` applies when `if` holds, `else` when it does not."""
    test = compile_check(value, resolver, depth)
    then = compile_check(schema.get("then", True), resolver, depth)
    orelse = compile_check(schema.get("else", True), resolver, depth)
    return lambda x: then(x) if test(x) else orelse(x)


def _subs(value: object, resolver: Any, depth: int) -> tuple[Check, ...]:
    """Compile the subschemas of allOf/anyOf/oneOf."""
    if not isinstance(value, list):
        raise Unsupported("applicator")
    return tuple(compile_check(sub, resolver, depth) for sub in value)


def _keyword(make: Callable[[Any], Check]) -> _Make:
    """Adapt a compiler that needs only the keyword's value."""
    return lambda value, _schema, _resolver, _depth: make(value)


def _typed(kind: type | tuple[type, ...], test: Callable[[Any], bool]) -> Check:
    """A check that applies `test` to instances of `kind` only (others, and booleans, pass)."""
    return lambda x: not isinstance(x, kind) or isinstance(x, bool) or test(x)


def _type(value: object) -> Check:
    """`type` next to other type-specific keywords, or a list of type names."""
    names = value if isinstance(value, list) else [value]
    tests = tuple(_TYPES[str(name)] for name in names)
    if len(tests) == 1:
        return tests[0]
    return lambda x: any(test(x) for test in tests)


def _format(value: str) -> Check:
    """`format`: the formats in FORMATS are asserted; any other format is an annotation."""
    check = FORMATS.get(value)
    return _always if check is None else _only_strings(check)


def _any_of(value: object, _: dict[str, Any], resolver: Any, depth: int) -> Check:
    """`anyOf`: at least one subschema holds."""
    subs = _subs(value, resolver, depth)
    return lambda x: any(sub(x) for sub in subs)


def _one_of(value: object, _: dict[str, Any], resolver: Any, depth: int) -> Check:
    """`oneOf`: exactly one subschema holds."""
    subs = _subs(value, resolver, depth)
    return lambda x: sum(sub(x) for sub in subs) == 1


def _not(value: object, _: dict[str, Any], resolver: Any, depth: int) -> Check:
    """`not`: the subschema does not hold (`not: {}` forbids a property)."""
    sub = compile_check(value, resolver, depth)
    if sub is _always:
        return _never
    return lambda x: not sub(x)


def _enum(values: list[object]) -> Check:
    """`enum` (and `const`, as a one-value enum) of JSON scalars: true and 1 differ, 1 and
    1.0 do not."""
    if not all(v is None or isinstance(v, str | int | float) for v in values):
        raise Unsupported("enum")
    strings = frozenset(v for v in values if isinstance(v, str))
    numbers = frozenset(v for v in values if _is_number(v))
    others = tuple(v for v in values if v is None or isinstance(v, bool))

    def check(x: object) -> bool:
        if isinstance(x, str):
            return x in strings
        if _is_number(x):
            return x in numbers
        return any(x is one for one in others)

    return check


def _matches(value: str) -> Check:
    """`pattern` outside a string schema: strings match the regular expression."""
    search = compiled_pattern(value).search
    return _typed(str, lambda x: search(x) is not None)


_KEYWORDS: dict[str, _Make] = {
    "$ref": _ref,
    "items": _items,
    "if": _if,
    "allOf": lambda value, _, resolver, depth: _all(list(_subs(value, resolver, depth))),
    "anyOf": _any_of,
    "oneOf": _one_of,
    "not": _not,
    "type": _keyword(_type),
    "format": _keyword(_format),
    "const": _keyword(lambda value: _enum([value])),
    "enum": _keyword(_enum),
    "pattern": _keyword(_matches),
    "minLength": _keyword(lambda limit: _typed(str, lambda x: len(x) >= limit)),
    "maxLength": _keyword(lambda limit: _typed(str, lambda x: len(x) <= limit)),
    "minItems": _keyword(lambda limit: _typed(list, lambda x: len(x) >= limit)),
    "maxItems": _keyword(lambda limit: _typed(list, lambda x: len(x) <= limit)),
    "minProperties": _keyword(lambda limit: _typed(dict, lambda x: len(x) >= limit)),
    "minimum": _keyword(lambda limit: _typed((int, float), lambda x: x >= limit)),
    "maximum": _keyword(lambda limit: _typed((int, float), lambda x: x <= limit)),
}


# --- entry points ----------------------------------------------------------------------------


def fast_check(document: dict[str, Any], registry: Registry[Any], fallback: Check) -> Check:
    """Compile `document` to a fast yes/no check; `fallback` if it uses other keywords."""
    try:
        return compile_check(document, registry.resolver(document["$id"]))
    except Unsupported:
        return fallback


_ITEMS = Draft202012Validator.VALIDATORS["items"]


def explainer(inlined: dict[str, Any]) -> Callable[..., Any]:
    """Return a factory of `Validator`s for `inlined` whose `items` skip the valid items.

    An invalid shipment of 50,000 invoices is explained by descending only into the invoices
    the compiled check refuses; the errors are the same, since a valid item yields none. Under
    an exhausted `Budget` the refused items are only counted.
    """
    checks = _item_checks(inlined)

    def items(
        validator: Any, items: object, instance: object, schema: Mapping[str, Any]
    ) -> Iterator[ValidationError]:
        entry = checks.get(id(items))
        if entry is None or entry[0] is not items or "prefixItems" in schema:
            yield from _ITEMS(validator, items, instance, schema)
        elif isinstance(instance, list):
            valid = entry[1]
            spent = current_budget()
            for index, item in enumerate(instance):
                if valid(item):
                    continue
                if spent is not None and spent.exhausted:
                    spent.skipped += 1  # counted, not examined: the list is full
                else:
                    yield from validator.descend(instance=item, schema=items, path=index)

    extended = validators.extend(Validator, validators={"items": items})
    return lambda **kwargs: extended(inlined, **kwargs)


def _item_checks(schema: object) -> dict[int, tuple[object, Check]]:
    """Compile the `items` subschemas of an inlined (ref-free) schema, keyed by their `id`.

    Each entry keeps its subschema, so that the `id` stays that object's (check with `is`).
    Subschemas that cannot be compiled (a deep `$ref` kept by inlining) are left out.
    """
    found: dict[int, tuple[object, Check]] = {}
    stack = [schema]
    while stack:
        node = stack.pop()
        if isinstance(node, list):
            stack.extend(node)
        elif isinstance(node, dict):
            sub = node.get("items")
            if isinstance(sub, dict) and id(sub) not in found:
                with suppress(Unsupported):
                    found[id(sub)] = (sub, compile_check(sub, None))
            stack.extend(value for key, value in node.items() if key not in _DATA)
    return found


_DATA = frozenset({"const", "enum", "default", "examples"})
"""Keywords whose values are instances, not schemas (skipping a property so named is safe)."""
