"""Check the shape of VSB messages against the JSON Schemas shipped in `vsb/schemas/`.

The schemas (JSON Schema 2020-12, one file per message kind plus `common.schema.json`) are
package data. They are loaded, checked and compiled once (`load_schemas` is cached); a
validation then returns `SchemaViolation`s, never raises, so that an answer can name the field
and the rule. Check digits, code-list membership and business rules are the engine's work.

Valid messages are recognised by jsonschema-rs (3 to 5 times faster than the compiled check of
`vsb._schema_fast`, which answers instead for large documents, see `LARGE`, and for what is not
JSON: Python objects of other types); jsonschema only explains the failures, descending only
into the array items the compiled check refuses. Both assert the same formats
(`_schema_fast.FORMATS`).
"""

from __future__ import annotations

import copy
import heapq
import json
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import Any

import jsonschema_rs
from jsonschema import Draft202012Validator
from jsonschema.exceptions import SchemaError, ValidationError, best_match
from referencing import Registry, Resource

from vsb._schema_budget import Budget, budget
from vsb._schema_fast import FORMATS as _FORMATS
from vsb._schema_fast import NOTES as _NOTES
from vsb._schema_fast import explainer as _explainer
from vsb._schema_fast import fast_check as _fast_check
from vsb._schema_fast import format_checker as _format_checker

__all__ = [
    "INBOUND_KINDS",
    "MAX_VIOLATIONS",
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
    "shipment",
)
"""The kinds an MBE may send; `validate_message` accepts only these."""

MAX_VIOLATIONS = 1000
"""The most violations a validation lists. When there are more, one last violation (keyword
`max-errors`, pointer "") says how many were left out: those found after the limit, and one for
each invalid array item past it, which is counted but not examined."""

_SUFFIX = ".schema.json"
_MAX_SHOWN = 60


class SchemaFileError(ValueError):
    """Raised when a shipped schema file is unreadable, invalid or misnamed (a packaging bug)."""


@dataclass(frozen=True)
class SchemaViolation:
    """One way a message breaks its schema: where, which keyword, and a readable message."""

    pointer: str
    """JSON pointer into the message; "" for the message as a whole."""
    keyword: str
    """The JSON Schema keyword that failed, e.g. `required`, `pattern`, `format`; `max-errors`
    for the last violation of a list cut at `MAX_VIOLATIONS`."""
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
            name: _explainer(_inline(doc, registry.resolver(doc["$id"]), 0))(
                registry=registry, format_checker=checker
            )
            for name, doc in documents.items()
            if name != COMMON
        }
        compiled = {
            name: _fast_check(documents[name], registry, validator.is_valid)
            for name, validator in self._validators.items()
        }
        shared = jsonschema_rs.Registry([(doc["$id"], doc) for doc in documents.values()])
        self._checks = {
            name: _rs_check(documents[name], shared, check) for name, check in compiled.items()
        }
        self._compiled = compiled  # what answered "valid?" before jsonschema-rs (benchmarks)
        self.names: tuple[str, ...] = tuple(sorted(self._validators))
        self._kinds = {_kind_of(name, documents[name]): name for name in self.names}

    def validate(
        self, name: str, instance: object, limit: int = MAX_VIOLATIONS, *, alone: bool = False
    ) -> tuple[SchemaViolation, ...]:
        """Check `instance` against schema `name`; () when valid, else at most `limit` sorted
        violations and, when there were more, a last one saying how many (see MAX_VIOLATIONS).
        `alone`: no other thread needs to run meanwhile, so a large document is checked by
        jsonschema-rs too (see `LARGE`).

        Raises KeyError if `name` is not one of `names`.
        """
        if self._checks[name](instance, alone):
            return ()
        with budget(limit) as spent:
            return _violations(self._validators[name].iter_errors(instance), spent)

    def is_valid(self, name: str, instance: object) -> bool:
        """Tell whether `instance` satisfies schema `name`, without describing why not.

        Raises KeyError if `name` is not one of `names`.
        """
        return self._checks[name](instance, False)

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


def _rs_check(
    document: dict[str, Any], registry: jsonschema_rs.Registry, compiled: Callable[[object], bool]
) -> Callable[[object, bool], bool]:
    """The "valid?" check of jsonschema-rs for `document`, with the project's formats; the
    compiled check for an instance jsonschema-rs cannot take (not JSON: a date, a tuple)."""
    validator = jsonschema_rs.validator_for(
        document, registry=registry, validate_formats=True, formats=_FORMATS
    )

    def check(instance: object, alone: bool = False) -> bool:
        if not alone and _large(instance):
            return compiled(instance)
        try:
            return bool(validator.is_valid(instance))
        except (ValueError, TypeError, OverflowError):
            return compiled(instance)

    return check


LARGE = 1_000
"""Items of an array from which a document goes to the compiled check: jsonschema-rs holds the
interpreter for the whole of its call (a shipment of 200,000 lines: a quarter of a second in
which no other thread of the service runs), the compiled check's Python lets others in."""


def _large(instance: object) -> bool:
    return isinstance(instance, dict) and any(
        isinstance(value, list) and len(value) > LARGE for value in instance.values()
    )


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


# --- violations -------------------------------------------------------------------------------


def _violations(
    errors: Iterable[ValidationError], spent: Budget | None = None
) -> tuple[SchemaViolation, ...]:
    """Turn jsonschema errors into unique violations sorted by pointer, keyword and message,
    at most `spent.limit` of them, then a last one counting the rest (see MAX_VIOLATIONS)."""
    spent = spent or Budget(MAX_VIOLATIONS)
    found: set[SchemaViolation] = set()
    left_out = 0
    for error in errors:
        room = spent.limit - len(found)
        if room <= 0:  # counted, not worded
            left_out += _quantity(error)
            continue
        described, more = _describe(error, room)
        found.update(described)
        left_out += more
        spent.exhausted = len(found) >= spent.limit
    listed = sorted(found, key=lambda v: (v.pointer, v.keyword, v.message))
    left_out += spent.skipped
    if left_out:
        listed.append(_left_out(spent.limit, left_out))
    return tuple(listed)


def _left_out(limit: int, count: int) -> SchemaViolation:
    """The last violation of a list cut at `limit`: how many more there are."""
    text = (
        f"(message): at least {count:,} more violations are not listed (the first {limit:,} "
        "are; past them, each invalid array item counts once) (max-errors)"
    )
    return SchemaViolation("", "max-errors", text)


def _describe(
    error: ValidationError, room: int = MAX_VIOLATIONS
) -> tuple[list[SchemaViolation], int]:
    """Describe one jsonschema error as violations (one per missing or unexpected property),
    at most `room` of them, and the number left out."""
    if error.validator in ("anyOf", "oneOf"):
        return _describe_alternatives(error), 0
    pointer = _pointer(error.absolute_path)
    if error.validator == "required":
        return [_missing(pointer, name) for name in _missing_names(error)], 0
    if _closed(error):
        return _unexpected(pointer, error, room), max(0, _unexpected_count(error) - room)
    return [SchemaViolation(pointer, str(error.validator), _message(pointer, error))], 0


def _describe_alternatives(error: ValidationError) -> list[SchemaViolation]:
    """Report the most relevant failure of an anyOf/oneOf rather than "matches none"."""
    best = best_match([error])
    if best is not error and best is not None:
        return _describe(best)[0]
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


def _quantity(error: ValidationError) -> int:
    """How many violations `_describe` would make of an error, without wording them."""
    if error.validator == "required":
        return max(1, len(_missing_names(error)))
    return _unexpected_count(error) if _closed(error) else 1


def _closed(error: ValidationError) -> bool:
    """Whether the error is `additionalProperties: false` (one violation per member)."""
    return error.validator == "additionalProperties" and error.validator_value is False


def _allowed(error: ValidationError) -> list[str]:
    """The members the object of an additionalProperties error may have."""
    return list(error.schema.get("properties", {})) if isinstance(error.schema, dict) else []


def _unexpected_count(error: ValidationError) -> int:
    """How many unexpected members the object of an additionalProperties error has."""
    instance = error.instance if isinstance(error.instance, dict) else {}
    allowed = set(_allowed(error))
    return max(1, sum(1 for name in instance if name not in allowed))


def _unexpected(pointer: str, error: ValidationError, room: int) -> list[SchemaViolation]:
    """Describe each unexpected property (the first `room` by name), pointing at the property
    itself."""
    allowed = _allowed(error)
    instance = error.instance if isinstance(error.instance, dict) else {}
    shown = ", ".join(allowed) or "none"
    result = []
    for name in heapq.nsmallest(room, set(instance) - set(allowed)):
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
    if keyword == "not" and isinstance(error.schema, dict) and error.schema.get("description"):
        text += f": {str(error.schema['description']).rstrip('.')}"  # says what is not allowed
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
    "not": lambda shown, _, __: f"{shown} is not allowed here",
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
