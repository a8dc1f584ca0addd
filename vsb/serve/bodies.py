"""Read a request body as JSON, refusing what is not: wrong media type, too big, malformed."""

from __future__ import annotations

import json
from collections.abc import Iterable
from typing import Any

import anyio.to_thread
from starlette.requests import Request

from vsb.schemas import SchemaViolation
from vsb.serve.config import DEFAULT_MAX_DEPTH
from vsb.serve.content import check_content, too_deep
from vsb.serve.params import whole_number
from vsb.serve.problems import FieldError, Problem, ProblemError, invalid


def _media_type(request: Request) -> str:
    return request.headers.get("content-type", "").split(";")[0].strip().lower()


INLINE_PARSE_BYTES = 64 * 1024
"""Bodies up to this size are parsed on the event loop; larger ones in a worker thread, so
that parsing a 30 MB shipment (about a second) holds up no other caller."""


def _too_big(limit: int, setting: str) -> ProblemError:
    detail = f"the request body is larger than {limit} bytes, the limit (--{setting})"
    return ProblemError(
        Problem(
            413,
            "body-too-large",
            "Request body too large",
            detail,
            (FieldError("", setting, detail),),
        )
    )


async def read_body(request: Request, limit: int, setting: str = "max-body") -> bytes:
    """The raw body, at most `limit` bytes (the service setting `setting`).

    Raises:
        ProblemError: 413 naming the setting (as the rule) when the body (or its
            Content-Length) exceeds the limit.
    """
    return b"".join(await _body_pieces(request, limit, setting))


async def _body_pieces(request: Request, limit: int, setting: str) -> list[bytes]:
    """The body as it came, in pieces (see `read_body`)."""
    length = request.headers.get("content-length")
    declared = None if length is None else whole_number(length, 0, 2**62)
    if declared is not None and declared > limit:
        raise _too_big(limit, setting)  # otherwise the bytes are counted as they come
    chunks: list[bytes] = []
    size = 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > limit:
            raise _too_big(limit, setting)
        chunks.append(chunk)
    return chunks


def _no_duplicates(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    document: dict[str, Any] = {}
    for key, value in pairs:
        if key in document:
            raise ValueError(f"the member {key!r} appears twice in one object")
        document[key] = value
    return document


def _no_constant(name: str) -> Any:
    raise ValueError(f"{name} is not a JSON number")


def parse_json(raw: bytes, max_depth: int = DEFAULT_MAX_DEPTH) -> Any:
    """The JSON value of `raw`, checked at the door (`vsb.serve.content`): every body of every
    route comes through here, so this is the one place text and nesting are checked.

    Raises:
        ProblemError: 400 naming where the JSON breaks (rule `json`), rule `utf-8`, or rule
            `depth` (nested deeper than `max_depth`); 422 naming each field whose text holds
            a lone surrogate, a control character or a bidi override (rule `text`).
    """
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        error = FieldError("", "utf-8", f"the body is not UTF-8 (byte {exc.start})")
        raise invalid("the body is not UTF-8 text", [error], 400) from None
    try:
        document = json.loads(text, object_pairs_hook=_no_duplicates, parse_constant=_no_constant)
    except RecursionError:
        raise too_deep(max_depth) from None
    except json.JSONDecodeError as exc:
        message = f"{exc.msg} at line {exc.lineno}, column {exc.colno}"
        raise invalid(
            f"the body is not valid JSON: {message}", [FieldError("", "json", message)], 400
        ) from None
    except ValueError as exc:
        raise invalid(
            f"the body is not valid JSON: {exc}", [FieldError("", "json", str(exc))], 400
        ) from None
    check_content(document, text, max_depth)
    return document


async def json_body(
    request: Request, limit: int, max_depth: int = DEFAULT_MAX_DEPTH, setting: str = "max-body"
) -> Any:
    """The request's JSON body, its text and nesting checked (see `parse_json`); `limit` is
    the service setting `setting` (named by the 413).

    Raises:
        ProblemError: 415 unless Content-Type is application/json; 413 (too big); 400
            (malformed, too deep); 422 (text).
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
    pieces = await _body_pieces(request, limit, setting)
    if sum(map(len, pieces)) > INLINE_PARSE_BYTES:
        # joined there too: copying a 26 MB shipment together held the loop for ~40 ms
        return await anyio.to_thread.run_sync(_joined_json, pieces, max_depth)
    return parse_json(b"".join(pieces), max_depth)


def _joined_json(pieces: list[bytes], max_depth: int) -> Any:
    return parse_json(b"".join(pieces), max_depth)


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
