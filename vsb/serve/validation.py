"""Check the bodies that are not VSB messages (staff actions, test control) against the
schemas the OpenAPI document declares for them, so that the document and the checks agree."""

from __future__ import annotations

from functools import cache

from jsonschema import Draft202012Validator, FormatChecker

from vsb.schemas import SchemaViolation
from vsb.serve.components import COMPONENTS


@cache
def _validator(name: str) -> Draft202012Validator:
    return Draft202012Validator(COMPONENTS[name], format_checker=FormatChecker())


def validate_body(name: str, body: object) -> tuple[SchemaViolation, ...]:
    """The ways `body` breaks component schema `name`; () when it fits."""
    errors = sorted(_validator(name).iter_errors(body), key=lambda e: list(e.absolute_path))
    return tuple(
        SchemaViolation(
            "".join(
                f"/{str(p).replace('~', '~0').replace('/', '~1')}" for p in error.absolute_path
            ),
            str(error.validator),
            error.message[:300],
        )
        for error in errors
    )
