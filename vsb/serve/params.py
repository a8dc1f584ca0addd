"""Numbers in paths and query strings, parsed strictly: ASCII digits only, within a range.

`str.isdigit` takes "²" and Arabic-Indic digits (which `int` then refuses or reads as
numbers), and `int` takes "+1", " 1" and "1_000": none of them is a number a client should
send. Ids are bounded so that every id reaches the engine as one SQLite INTEGER can hold.
"""

from __future__ import annotations

import re

from starlette.requests import Request

from vsb.serve.problems import FieldError, Problem, ProblemError, invalid

ID_MAX = 2**62
"""The largest id in a path (as the OpenAPI document declares): SQLite INTEGERs end at
2^63 - 1, and a larger value would overflow instead of being unknown."""

_DIGITS = re.compile("[0-9]{1,19}")
_NAME = re.compile("[A-Za-z0-9_.-]{1,40}")


def whole_number(text: str, low: int, high: int) -> int | None:
    """`text` as a whole number from `low` to `high` (ASCII digits only), or None."""
    if _DIGITS.fullmatch(text) is None:
        return None
    value = int(text)
    return value if low <= value <= high else None


def known_query(request: Request, *names: str) -> None:
    """Refuse query parameters other than `names`: a typo (`?afer=5`) is an error, not a
    silent default (as `additionalProperties: false` makes it for bodies).

    Raises:
        ProblemError: 400 naming `/query/<name>` (rule `unknown`).
    """
    for name in request.query_params:
        if name not in names:
            readable = _NAME.fullmatch(name) is not None  # never echo unreadable text
            message = f"this endpoint takes no query parameter but {', '.join(names)}"
            error = FieldError(f"/query/{name}" if readable else "/query", "unknown", message)
            what = f"query parameter {name}" if readable else "an unknown query parameter"
            raise invalid(f"{what}: {message}", [error], 400)


def query_int(request: Request, name: str, default: int, low: int, high: int) -> int:
    """The query parameter `name` as a whole number, `default` when absent.

    Raises:
        ProblemError: 400 naming `/query/<name>` (rule `range`) unless it is ASCII digits
            from `low` to `high`.
    """
    text = request.query_params.get(name)
    if text is None:
        return default
    value = whole_number(text, low, high)
    if value is None:
        message = f"{name} must be a whole number from {low} to {high} in ASCII digits"
        error = FieldError(f"/query/{name}", "range", message)
        raise invalid(f"query parameter {name}: {message}", [error], 400)
    return value


def path_id(request: Request, name: str) -> int:
    """The path parameter `name` as an id from 1 to ID_MAX.

    Raises:
        ProblemError: 404 naming `/path/<name>` (rule `range`), as for an id nobody has.
    """
    text = request.path_params[name]
    value = whole_number(text, 1, ID_MAX)
    if value is None:
        message = f"{name} must be a whole number from 1 to {ID_MAX} in ASCII digits"
        error = FieldError(f"/path/{name}", "range", message)
        detail = f"nothing here has this {name}: {message}"  # the value is not echoed
        raise ProblemError(Problem(404, "not-found", "Not found", detail, (error,)))
    return value
