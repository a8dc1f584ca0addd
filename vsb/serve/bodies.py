"""Read a request body as JSON, refusing what is not: wrong media type, too big, malformed."""

from __future__ import annotations

import json
from collections.abc import Iterable
from typing import Any

from starlette.requests import Request

from vsb.schemas import SchemaViolation
from vsb.serve.problems import FieldError, Problem, ProblemError, invalid


def _media_type(request: Request) -> str:
    return request.headers.get("content-type", "").split(";")[0].strip().lower()


def _too_big(limit: int) -> ProblemError:
    detail = f"the request body is larger than {limit} bytes"
    return ProblemError(
        Problem(
            413,
            "body-too-large",
            "Request body too large",
            detail,
            (FieldError("", "max-body", detail),),
        )
    )


async def read_body(request: Request, limit: int) -> bytes:
    """The raw body, at most `limit` bytes.

    Raises:
        ProblemError: 413 when the body (or its Content-Length) exceeds the limit.
    """
    length = request.headers.get("content-length")
    if length is not None and length.isdigit() and int(length) > limit:
        raise _too_big(limit)
    chunks: list[bytes] = []
    size = 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > limit:
            raise _too_big(limit)
        chunks.append(chunk)
    return b"".join(chunks)


def _no_duplicates(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    document: dict[str, Any] = {}
    for key, value in pairs:
        if key in document:
            raise ValueError(f"the member {key!r} appears twice in one object")
        document[key] = value
    return document


def _no_constant(name: str) -> Any:
    raise ValueError(f"{name} is not a JSON number")


def parse_json(raw: bytes) -> Any:
    """The JSON value of `raw`.

    Raises:
        ProblemError: 400 naming where the JSON breaks (rule `json`), or rule `utf-8`.
    """
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        error = FieldError("", "utf-8", f"the body is not UTF-8 (byte {exc.start})")
        raise invalid("the body is not UTF-8 text", [error], 400) from None
    try:
        return json.loads(text, object_pairs_hook=_no_duplicates, parse_constant=_no_constant)
    except json.JSONDecodeError as exc:
        message = f"{exc.msg} at line {exc.lineno}, column {exc.colno}"
        raise invalid(
            f"the body is not valid JSON: {message}", [FieldError("", "json", message)], 400
        ) from None
    except ValueError as exc:
        raise invalid(
            f"the body is not valid JSON: {exc}", [FieldError("", "json", str(exc))], 400
        ) from None


async def json_body(request: Request, limit: int) -> Any:
    """The request's JSON body.

    Raises:
        ProblemError: 415 unless Content-Type is application/json; 413 (too big); 400
            (malformed).
    """
    media = _media_type(request)
    if media != "application/json":
        detail = (
            f"Content-Type must be application/json, not {media!r}"
            if media
            else "Content-Type application/json is required"
        )
        raise ProblemError(
            Problem(
                415,
                "unsupported-media-type",
                "Unsupported media type",
                detail,
                (FieldError("", "content-type", detail),),
            )
        )
    return parse_json(await read_body(request, limit))


def schema_problem(
    violations: Iterable[SchemaViolation], what: str, requirement: str = "REQ-MSG-SCHEMA"
) -> ProblemError:
    """A 422 naming every field and JSON Schema keyword the body breaks (REQ-MSG-SCHEMA, or
    REQ-BL-SCHEMA for a shipment, as the engine names them)."""
    errors = [FieldError(v.pointer, v.keyword, v.message) for v in violations]
    detail = f"the {what} does not match its schema: " + "; ".join(
        f"{e.pointer or '/'}: {e.message}" for e in errors[:3]
    )
    return ProblemError(
        Problem(422, "schema-violation", "Schema violation", detail, tuple(errors), requirement)
    )
