"""How far the explanation of a failed schema check goes: at most a number of violations.

An invalid shipment of 50,000 invoices can break its schema a million times, and jsonschema
explains about 20,000 violations a second. So an explanation runs under a `Budget`: once the
caller has the violations it will list, the explainer (`vsb._schema_fast.explainer`) stops
descending into the array items the compiled check refuses and only counts them. Private to
`vsb.schemas`.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from typing import Any

from jsonschema import Draft202012Validator
from jsonschema.exceptions import ValidationError

__all__ = ["Budget", "budget", "closed_object", "current_budget"]


@dataclass
class Budget:
    """The violations one explanation may list, and what it left unexamined."""

    limit: int
    exhausted: bool = False
    """Set by the consumer once it holds `limit` violations: examine no more items."""
    skipped: int = 0
    """Invalid array items counted but not examined (each holds at least one violation)."""


_ADDITIONAL = Draft202012Validator.VALIDATORS["additionalProperties"]
_CURRENT: ContextVar[Budget | None] = ContextVar("vsb_schema_budget", default=None)


@contextmanager
def budget(limit: int) -> Iterator[Budget]:
    """A budget of `limit` violations for the explanations made in this context."""
    spent = Budget(limit)
    token = _CURRENT.set(spent)
    try:
        yield spent
    finally:
        _CURRENT.reset(token)


def current_budget() -> Budget | None:
    """The budget of the explanation running in this context, if any."""
    return _CURRENT.get()


def closed_object(
    validator: Any, allowed: object, instance: object, schema: Mapping[str, Any]
) -> Iterator[ValidationError]:
    """`additionalProperties: false` without jsonschema's message listing every unexpected
    name (sorted and quoted: seconds for an object of a million members). `vsb.schemas`
    words each unexpected member itself; a subschema is left to jsonschema."""
    if not isinstance(instance, dict):
        return
    if allowed is not False or "patternProperties" in schema:
        yield from _ADDITIONAL(validator, allowed, instance, schema)
        return
    declared = schema.get("properties", {})
    if any(name not in declared for name in instance):
        yield ValidationError("additional properties are not allowed")
