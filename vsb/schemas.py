"""Check the shape of VSB messages against the JSON Schemas shipped in `vsb/schemas/`.

The schemas (JSON Schema 2020-12, one file per message kind plus `common.schema.json`) are
package data. They are loaded, checked and compiled once (`load_schemas` is cached); a
validation then returns `SchemaViolation`s, never raises, so that an answer can name the field
and the rule. Check digits, code-list membership and business rules are the engine's work.
"""

from __future__ import annotations

import copy
import json
import re
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass
from datetime import date, datetime
from functools import cache
from importlib import resources
from typing import Any

from jsonschema import Draft202012Validator, FormatChecker, validators
from jsonschema.exceptions import SchemaError, ValidationError, best_match
from referencing import Registry, Resource

__all__ = [
    "INBOUND_KINDS",
    "SCHEMA_BASE_URI",
    "MessageSchemas",
    "SchemaFileError",
    "SchemaViolation",
    "load_schemas",
    "validate_message",
]

SCHEMA_BASE_URI = "https://vsb-harness.example/schemas/"
"""The base of every schema's `$id`: `<SCHEMA_BASE_URI><name>.schema.json`."""

COMMON = "common"
"""The schema holding the shared `$defs`; it describes no message of its own."""

INBOUND_KINDS = (
    "insurance-status-query",
    "request",
    "cancel-request",
    "admin-change",
    "stop",
    "cancel-stop",
)
"""The kinds an MBE may send; `validate_message` accepts only these."""

_SUFFIX = ".schema.json"
_DATE_RE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}", re.ASCII)
_DATE_TIME_RE = re.compile(
    r"[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}(\.[0-9]+)?(Z|[+-][0-9]{2}:[0-9]{2})",
    re.ASCII,
)
_EMAIL_RE = re.compile(r"[^@\s]+@[^@\s]+", re.ASCII)
_MAX_SHOWN = 60


class SchemaFileError(ValueError):
    """Raised when a shipped schema file is unreadable, invalid or misnamed (a packaging bug)."""


@dataclass(frozen=True)
class SchemaViolation:
    """One way a message breaks its schema: where, which keyword, and a readable message."""

    pointer: str
    """JSON pointer into the message; "" for the message as a whole."""
    keyword: str
    """The JSON Schema keyword that failed, e.g. `required`, `pattern`, `format`."""
    message: str
    """Names the field and the rule in plain English."""


class MessageSchemas:
    """The compiled message schemas: validate a message by schema name or by its `kind`."""

    def __init__(self, documents: Mapping[str, dict[str, Any]]) -> None:
        """Compile `documents` (schema name -> parsed schema, including `common`).

        Raises SchemaFileError if a schema is not valid 2020-12 or its `$id` does not match
        its name.
        """
        for name, document in documents.items():
            _check_document(name, document)
        registry: Registry[Any] = Registry().with_resources(
            (doc["$id"], Resource.from_contents(doc)) for doc in documents.values()
        )
        checker = _format_checker()
        self._documents = dict(documents)
        self._validators = {
            name: _Validator(
                _inline(doc, registry.resolver(doc["$id"]), 0),
                registry=registry,
                format_checker=checker,
            )
            for name, doc in documents.items()
            if name != COMMON
        }
        self._checks = {
            name: _fast_check(documents[name], registry, validator)
            for name, validator in self._validators.items()
        }
        self.names: tuple[str, ...] = tuple(sorted(self._validators))
        self._kinds = {_kind_of(name, documents[name]): name for name in self.names}

    def validate(self, name: str, instance: object) -> tuple[SchemaViolation, ...]:
        """Check `instance` against schema `name`; () when valid, else sorted violations.

        Raises KeyError if `name` is not one of `names`.
        """
        if self._checks[name](instance):
            return ()
        return _violations(self._validators[name].iter_errors(instance))

    def is_valid(self, name: str, instance: object) -> bool:
        """Tell whether `instance` satisfies schema `name`, without describing why not.

        Raises KeyError if `name` is not one of `names`.
        """
        return self._checks[name](instance)

    def schema(self, name: str) -> dict[str, object]:
        """Return a copy of schema `name` (one of `names`, or `common`).

        Raises KeyError for any other name.
        """
        return copy.deepcopy(self._documents[name])

    def schema_for_kind(self, kind: str) -> str:
        """Return the name of the schema for messages of `kind`.

        Raises KeyError for a kind no schema describes.
        """
        return self._kinds[kind]

    def validate_message(self, instance: object) -> tuple[str | None, tuple[SchemaViolation, ...]]:
        """Check an inbound MBE message, choosing its schema by `kind`.

        Returns the schema name (None when `kind` is missing or not an inbound kind) and the
        violations. Only the kinds in `INBOUND_KINDS` are accepted.
        """
        if not isinstance(instance, dict):
            return None, (_not_an_object(instance),)
        if "kind" not in instance:
            return None, (_missing_kind(),)
        kind = instance["kind"]
        if not isinstance(kind, str) or kind not in INBOUND_KINDS:
            return None, (_unknown_kind(kind),)
        name = self.schema_for_kind(kind)
        return name, self.validate(name, instance)


@cache
def load_schemas() -> MessageSchemas:
    """Load and compile the schemas shipped in the package, once per process.

    Raises SchemaFileError if a shipped schema is unreadable or invalid.
    """
    folder = resources.files("vsb") / "schemas"
    documents: dict[str, dict[str, Any]] = {}
    for entry in sorted(folder.iterdir(), key=lambda e: e.name):
        if entry.name.endswith(_SUFFIX):
            name = entry.name.removesuffix(_SUFFIX)
            try:
                documents[name] = json.loads(entry.read_text(encoding="utf-8"))
            except (OSError, ValueError) as exc:
                raise SchemaFileError(f"{entry.name}: cannot read the schema: {exc}") from exc
    if COMMON not in documents:
        raise SchemaFileError(f"{COMMON}{_SUFFIX} is missing from the package")
    return MessageSchemas(documents)


def validate_message(instance: object) -> tuple[str | None, tuple[SchemaViolation, ...]]:
    """Check an inbound MBE message against the schema its `kind` names.

    See `MessageSchemas.validate_message`.
    """
    return load_schemas().validate_message(instance)


# --- loading checks ---------------------------------------------------------------------------


def _check_document(name: str, document: dict[str, Any]) -> None:
    """Raise SchemaFileError unless `document` is valid 2020-12 with the `$id` its name implies."""
    expected = f"{SCHEMA_BASE_URI}{name}{_SUFFIX}"
    if not isinstance(document, dict) or document.get("$id") != expected:
        raise SchemaFileError(f"{name}{_SUFFIX}: `$id` must be {expected!r}")
    try:
        Draft202012Validator.check_schema(document)
    except SchemaError as exc:
        raise SchemaFileError(f"{name}{_SUFFIX}: not a valid schema: {exc.message}") from exc


def _kind_of(name: str, document: dict[str, Any]) -> str:
    """Return the `kind` constant schema `name` describes."""
    try:
        kind = document["properties"]["kind"]["const"]
    except (KeyError, TypeError) as exc:
        raise SchemaFileError(f"{name}{_SUFFIX}: `properties.kind.const` is missing") from exc
    if not isinstance(kind, str):
        raise SchemaFileError(f"{name}{_SUFFIX}: `properties.kind.const` must be a string")
    return kind


def _inline(node: Any, resolver: Any, depth: int) -> Any:
    """Copy `node` with every `$ref` replaced by its target, so errors need no ref lookups.

    A target is merged with the `$ref`'s sibling keywords when only annotations overlap, else
    nested in an `allOf`; both mean the same in 2020-12. Deep (recursive) refs are kept.
    """
    if isinstance(node, list):
        return [_inline(item, resolver, depth) for item in node]
    if not isinstance(node, dict):
        return node
    copied = {key: _inline(value, resolver, depth) for key, value in node.items()}
    ref = copied.get("$ref")
    if not isinstance(ref, str) or depth > 20:
        return copied
    resolved = resolver.lookup(ref)
    target = _inline(resolved.contents, resolved.resolver, depth + 1)
    del copied["$ref"]
    if isinstance(target, dict) and not (target.keys() & copied.keys()) - _NOTES:
        return {**target, **copied}
    return {**copied, "allOf": [target, *copied.get("allOf", [])]}


# --- formats and patterns ---------------------------------------------------------------------


def _is_date(text: str) -> bool:
    """Tell whether `text` is a real `YYYY-MM-DD` calendar date (2024-02-30 is not)."""
    try:
        return _DATE_RE.fullmatch(text) is not None and bool(date.fromisoformat(text))
    except ValueError:
        return False


def _is_date_time(text: str) -> bool:
    """Tell whether `text` is an RFC 3339 timestamp with offset naming a real instant."""
    try:
        return _DATE_TIME_RE.fullmatch(text) is not None and bool(datetime.fromisoformat(text))
    except ValueError:
        return False


def _is_email(text: str) -> bool:
    """Tell whether `text` looks like an e-mail address (something@something)."""
    return _EMAIL_RE.fullmatch(text) is not None


_FORMATS: dict[str, Callable[[str], bool]] = {
    "date": _is_date,
    "date-time": _is_date_time,
    "email": _is_email,
}


def _format_checker() -> FormatChecker:
    """Return a checker for `date`, `date-time` and `email` only (other formats pass)."""
    checker = FormatChecker(formats=())
    for name, check in _FORMATS.items():
        checker.checks(name)(_only_strings(check))
    return checker


def _only_strings(check: Callable[[str], bool]) -> Callable[[object], bool]:
    """Wrap a string check so that other types pass (formats constrain strings only)."""
    return lambda instance: not isinstance(instance, str) or check(instance)


@cache
def _compiled(pattern: str) -> re.Pattern[str]:
    """Compile an ECMA-262 `pattern` so that a final `$` does not accept a trailing newline."""
    if pattern.endswith("$") and not pattern.endswith("\\$"):
        pattern = pattern[:-1] + r"\Z"
    return re.compile(pattern)


def _pattern(
    validator: Any, pattern: str, instance: object, schema: Mapping[str, Any]
) -> Iterator[ValidationError]:
    """The `pattern` keyword with ECMA-262 end anchoring (Python's `$` allows a final "\\n")."""
    if isinstance(instance, str) and not _compiled(pattern).search(instance):
        yield ValidationError(f"{instance!r} does not match {pattern!r}")


_Validator = validators.extend(Draft202012Validator, validators={"pattern": _pattern})


# --- the fast yes/no path ---------------------------------------------------------------------
# jsonschema walks the schema on every call (about 1,000 requests/s); most messages are valid,
# so a closure tree compiled once answers "valid?" and jsonschema only explains failures.
# Keywords outside this subset make the whole schema fall back to jsonschema's is_valid.

Check = Callable[[object], bool]


class _Unsupported(Exception):
    """Raised when a schema uses a keyword the fast compiler does not handle."""


_NOTES = frozenset({"title", "description", "$comment", "examples", "default"})
_ANNOTATIONS = _NOTES | {"$schema", "$id", "$defs", "then", "else"}  # then/else go with `if`
_TYPES: dict[str, Check] = {
    "object": lambda x: isinstance(x, dict),
    "array": lambda x: isinstance(x, list),
    "string": lambda x: isinstance(x, str),
    "null": lambda x: x is None,
    "boolean": lambda x: isinstance(x, bool),
    "integer": lambda x: (
        (isinstance(x, int) and not isinstance(x, bool))
        or (isinstance(x, float) and x.is_integer())
    ),
    "number": lambda x: isinstance(x, int | float) and not isinstance(x, bool),
}


def _fast_check(document: dict[str, Any], registry: Registry[Any], validator: Any) -> Check:
    """Compile `document` to a fast yes/no check; jsonschema's `is_valid` if it cannot be."""
    try:
        return _compile(document, registry.resolver(document["$id"]), 0)
    except _Unsupported:
        return validator.is_valid  # type: ignore[no-any-return]


def _compile(schema: object, resolver: Any, depth: int) -> Check:
    """Compile one (sub)schema to a check, resolving `$ref`s through `resolver`."""
    if depth > 50 or not isinstance(schema, dict):
        raise _Unsupported(repr(schema)[:40])
    checks = []
    for keyword, value in schema.items():
        if keyword in _ANNOTATIONS:
            continue
        make = _KEYWORDS.get(keyword)
        if make is None:
            raise _Unsupported(keyword)
        checks.append(make(value, schema, resolver, depth + 1))
    return _all(checks)


def _all(checks: list[Check]) -> Check:
    """Combine checks that must all pass."""
    if len(checks) == 1:
        return checks[0]
    frozen = tuple(checks)

    def check(x: object) -> bool:
        # A plain loop: all() over a generator costs a third more on this hot path.
        for one in frozen:  # noqa: SIM110
            if not one(x):
                return False
        return True

    return check


def _ref(value: str, _: dict[str, Any], resolver: Any, depth: int) -> Check:
    """`$ref`: compile the target, resolved against the current base URI."""
    resolved = resolver.lookup(value)
    return _compile(resolved.contents, resolved.resolver, depth)


def _properties(value: dict[str, Any], _: dict[str, Any], resolver: Any, depth: int) -> Check:
    """`properties`: each present property satisfies its subschema."""
    subs = tuple((name, _compile(sub, resolver, depth)) for name, sub in value.items())

    def check(x: object) -> bool:
        if not isinstance(x, dict):
            return True
        for name, sub in subs:  # noqa: SIM110 (hot path, see _all)
            if name in x and not sub(x[name]):
                return False
        return True

    return check


def _additional(value: object, schema: dict[str, Any], resolver: Any, depth: int) -> Check:
    """`additionalProperties`: only `false` next to `properties` is supported."""
    if value is not False or "patternProperties" in schema:
        raise _Unsupported("additionalProperties")
    allowed = frozenset(schema.get("properties", ()))
    return lambda x: not isinstance(x, dict) or x.keys() <= allowed


def _items(value: object, _: dict[str, Any], resolver: Any, depth: int) -> Check:
    """`items`: every element satisfies the subschema (2020-12, no prefixItems)."""
    sub = _compile(value, resolver, depth)
    return lambda x: not isinstance(x, list) or all(sub(item) for item in x)


def _if(value: object, schema: dict[str, Any], resolver: Any, depth: int) -> Check:
    """`if`/`then`/`else`: `then` applies when `if` holds, `else` when it does not."""
    test = _compile(value, resolver, depth)
    then = _compile(schema.get("then", {}), resolver, depth)
    orelse = _compile(schema.get("else", {}), resolver, depth)
    return lambda x: then(x) if test(x) else orelse(x)


def _subs(value: object, resolver: Any, depth: int) -> tuple[Check, ...]:
    """Compile the subschemas of allOf/anyOf/oneOf."""
    if not isinstance(value, list):
        raise _Unsupported("applicator")
    return tuple(_compile(sub, resolver, depth) for sub in value)


def _same(x: object, value: object) -> bool:
    """JSON equality for scalars: true and 1 differ, 1 and 1.0 do not."""
    if isinstance(x, bool) or isinstance(value, bool):
        return x is value
    return x == value


def _scalars(values: list[object]) -> list[object]:
    """Return `values` if all are JSON scalars (the only enum/const values supported)."""
    if not all(v is None or isinstance(v, str | int | float) for v in values):
        raise _Unsupported("enum")
    return values


def _keyword(make: Callable[[Any], Check]) -> Callable[[Any, dict[str, Any], Any, int], Check]:
    """Adapt a compiler that needs only the keyword's value."""
    return lambda value, _schema, _resolver, _depth: make(value)


def _typed(kind: type | tuple[type, ...], test: Callable[[Any], bool]) -> Check:
    """A check that applies `test` to instances of `kind` only (others, and booleans, pass)."""
    return lambda x: not isinstance(x, kind) or isinstance(x, bool) or test(x)


def _type(value: object) -> Check:
    """`type`: one type name or a list of them."""
    names = value if isinstance(value, list) else [value]
    tests = tuple(_TYPES[str(name)] for name in names)
    return lambda x: any(test(x) for test in tests)


def _format(value: str) -> Check:
    """`format`: the formats this module asserts; any other format is an annotation."""
    check = _FORMATS.get(value)
    return (lambda x: True) if check is None else _only_strings(check)


def _any_of(value: object, _: dict[str, Any], resolver: Any, depth: int) -> Check:
    """`anyOf`: at least one subschema holds."""
    subs = _subs(value, resolver, depth)
    return lambda x: any(sub(x) for sub in subs)


def _one_of(value: object, _: dict[str, Any], resolver: Any, depth: int) -> Check:
    """`oneOf`: exactly one subschema holds."""
    subs = _subs(value, resolver, depth)
    return lambda x: sum(sub(x) for sub in subs) == 1


def _required(value: list[str]) -> Check:
    """`required`: every listed property is present."""
    names = tuple(value)
    return lambda x: not isinstance(x, dict) or all(name in x for name in names)


def _enum(value: list[object]) -> Check:
    """`enum` (and `const`, as a one-value enum): the value is one of the listed scalars."""
    allowed = tuple(_scalars(value))
    return lambda x: any(_same(x, one) for one in allowed)


def _matches(value: str) -> Check:
    """`pattern`: strings match the (ECMA-262 anchored) regular expression."""
    search = _compiled(value).search
    return _typed(str, lambda x: search(x) is not None)


_KEYWORDS: dict[str, Callable[[Any, dict[str, Any], Any, int], Check]] = {
    "$ref": _ref,
    "properties": _properties,
    "additionalProperties": _additional,
    "items": _items,
    "if": _if,
    "allOf": lambda value, _, resolver, depth: _all(list(_subs(value, resolver, depth))),
    "anyOf": _any_of,
    "oneOf": _one_of,
    "type": _keyword(_type),
    "format": _keyword(_format),
    "required": _keyword(_required),
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


# --- violations -------------------------------------------------------------------------------


def _violations(errors: Iterable[ValidationError]) -> tuple[SchemaViolation, ...]:
    """Turn jsonschema errors into unique violations sorted by pointer, keyword and message."""
    found = {violation for error in errors for violation in _describe(error)}
    return tuple(sorted(found, key=lambda v: (v.pointer, v.keyword, v.message)))


def _describe(error: ValidationError) -> list[SchemaViolation]:
    """Describe one jsonschema error as violations (one per missing or unexpected property)."""
    if error.validator in ("anyOf", "oneOf"):
        return _describe_alternatives(error)
    pointer = _pointer(error.absolute_path)
    if error.validator == "required":
        return [_missing(pointer, name) for name in _missing_names(error)]
    if error.validator == "additionalProperties":
        return _unexpected(pointer, error)
    return [SchemaViolation(pointer, str(error.validator), _message(pointer, error))]


def _describe_alternatives(error: ValidationError) -> list[SchemaViolation]:
    """Report the most relevant failure of an anyOf/oneOf rather than "matches none"."""
    best = best_match([error])
    if best is not error and best is not None:
        return _describe(best)
    pointer = _pointer(error.absolute_path)
    if error.context and all(sub.validator == "required" for sub in error.context):
        names = ", ".join(repr(n) for sub in error.context for n in sub.validator_value)
        quantity = "at least" if error.validator == "anyOf" else "exactly"
        text = f"{_where(pointer)}: {quantity} one of the properties {names} is required (required)"
        return [SchemaViolation(pointer, "required", text)]
    if error.context and all(sub.validator == "type" for sub in error.context):
        types = _alternatives([sub.validator_value for sub in error.context])
        text = f"{_where(pointer)}: {_show(error.instance)} is not of type {types} (type)"
        return [SchemaViolation(pointer, "type", text)]
    reasons = "; ".join(sorted({sub.message for sub in error.context or ()}))
    text = f"{_where(pointer)}: matches none of the allowed shapes ({error.validator}): {reasons}"
    return [SchemaViolation(pointer, str(error.validator), text)]


def _missing_names(error: ValidationError) -> list[str]:
    """Return the required property names absent from the error's instance."""
    instance = error.instance if isinstance(error.instance, dict) else {}
    return [name for name in error.validator_value if name not in instance]


def _missing(pointer: str, name: str) -> SchemaViolation:
    """Describe a missing required property, pointing at its parent object."""
    text = f"{_where(pointer)}: required property {name!r} is missing (required)"
    return SchemaViolation(pointer, "required", text)


def _unexpected(pointer: str, error: ValidationError) -> list[SchemaViolation]:
    """Describe each unexpected property, pointing at the property itself."""
    allowed = list(error.schema.get("properties", {})) if isinstance(error.schema, dict) else []
    instance = error.instance if isinstance(error.instance, dict) else {}
    shown = ", ".join(allowed) or "none"
    result = []
    for name in sorted(set(instance) - set(allowed)):
        where = f"{pointer}/{_escape(name)}"
        text = (
            f"{where}: unexpected property {name!r} (additionalProperties: false; "
            f"allowed here: {shown})"
        )
        result.append(SchemaViolation(where, "additionalProperties", text))
    return result


def _message(pointer: str, error: ValidationError) -> str:
    """Say in plain English which rule the value at `pointer` breaks."""
    keyword, rule, value = str(error.validator), error.validator_value, error.instance
    shown = _show(value)
    describe = _RULES.get(keyword)
    text = describe(shown, rule, value) if describe else f"{error.message}"
    return f"{_where(pointer)}: {text} ({keyword}{_rule_suffix(keyword, rule)})"


def _rule_suffix(keyword: str, rule: object) -> str:
    """Return ": <rule>" for keywords whose value is short enough to repeat."""
    return f": {rule}" if keyword in ("format", "minimum", "maximum") else ""


def _size(value: object) -> int:
    """Return the length of a sized value, else 0."""
    return len(value) if isinstance(value, str | list | dict) else 0


_RULES: dict[str, Callable[[str, Any, object], str]] = {
    "type": lambda shown, rule, _: f"{shown} is not of type {_alternatives(rule)}",
    "const": lambda shown, rule, _: f"{shown} must be {_show(rule)}",
    "enum": lambda shown, rule, _: f"{shown} is not one of {_alternatives(rule, _show)}",
    "pattern": lambda shown, rule, _: f"{shown} does not match the pattern {rule}",
    "format": lambda shown, rule, _: f"{shown} is not a valid {rule}",
    "minLength": lambda _, rule, v: f"{_size(v)} characters, fewer than the minimum of {rule}",
    "maxLength": lambda _, rule, v: f"{_size(v)} characters, more than the maximum of {rule}",
    "minimum": lambda shown, rule, _: f"{shown} is less than the minimum of {rule}",
    "maximum": lambda shown, rule, _: f"{shown} is more than the maximum of {rule}",
    "minItems": lambda _, rule, v: f"{_size(v)} items, fewer than the minimum of {rule}",
    "maxItems": lambda _, rule, v: f"{_size(v)} items, more than the maximum of {rule}",
}


def _alternatives(rule: object, show: Callable[[object], str] = str) -> str:
    """List a keyword's allowed values as "a, b or c"."""
    items = [show(item) for item in rule] if isinstance(rule, list) else [show(rule)]
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " or " + items[-1]


def _show(value: object) -> str:
    """Render a JSON value briefly for a message: strings quoted, containers by kind."""
    if isinstance(value, str):
        text = repr(value)
        return text if len(text) <= _MAX_SHOWN else text[: _MAX_SHOWN - 4] + "...'"
    if value is None or isinstance(value, bool):
        return json.dumps(value)
    if isinstance(value, dict):
        return "an object"
    if isinstance(value, list):
        return "an array"
    return repr(value)


def _where(pointer: str) -> str:
    """Name a location for a message: the pointer, or "(message)" for the root."""
    return pointer or "(message)"


def _escape(token: object) -> str:
    """Escape one JSON pointer reference token (RFC 6901)."""
    return str(token).replace("~", "~0").replace("/", "~1")


def _pointer(path: Iterable[object]) -> str:
    """Build a JSON pointer from a jsonschema path."""
    return "".join(f"/{_escape(token)}" for token in path)


def _not_an_object(instance: object) -> SchemaViolation:
    """Describe a message that is not a JSON object."""
    text = f"(message): {_show(instance)} is not of type object; a message is a JSON object (type)"
    return SchemaViolation("", "type", text)


def _missing_kind() -> SchemaViolation:
    """Describe a message without `kind`."""
    text = f"(message): required property 'kind' is missing; allowed kinds: {_kinds_list()}"
    return SchemaViolation("", "required", text + " (required)")


def _unknown_kind(kind: object) -> SchemaViolation:
    """Describe a message whose `kind` is not an inbound kind."""
    text = f"/kind: {_show(kind)} is not a message kind an MBE may send; allowed: {_kinds_list()}"
    return SchemaViolation("/kind", "enum", text + " (enum)")


def _kinds_list() -> str:
    """List the inbound kinds for a message."""
    return ", ".join(INBOUND_KINDS)
