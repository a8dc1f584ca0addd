"""The answers besides 200 that the OpenAPI document declares, and which operation gets which.

The statuses follow from what an operation is, so that no operation can forget one: every
operation can meet the connection limit (503); one that needs a client assertion can also get
401, 403, 429 and 503 (replay cache full); one with a body 400, 408, 413, 415 and 422; one with
a path parameter 404; a test-control operation 401 when the service has a test-control token.
An operation adds its own (409 for a staff action the state does not allow).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

PROBLEM = "application/problem+json"

STATUS_TEXT = {
    400: "Malformed JSON (with line and column; also duplicate members, NaN, non-UTF-8, nesting "
    "deeper than --max-depth) or a bad query parameter (pointer /query/<name>)",
    401: "No identity, or one that does not verify; on test control: no or another "
    "test-control token",
    403: "The identity may not do this (not an admitted MBE, not this MBE's message, not "
    "staff of this zorgkas)",
    404: "Nothing of the caller's has this id (unknown and someone else's look the same), or a "
    "path parameter that is not an id at all",
    408: "The request body stopped arriving for --body-timeout seconds; the connection is closed",
    409: "Not possible in the current state (staff action, naming the requirement), or "
    "conflicting data (test control)",
    413: "Request body larger than --max-body (--max-shipment-body for a shipment)",
    415: "Content-Type is not application/json",
    422: "The body breaks its schema, or holds text the service does not take; `errors` names "
    "every field and rule",
    429: "This identity made more requests than --rate-limit allows; Retry-After says when to "
    "try again",
    503: "Service busy: as many unexpired assertion ids as --replay-cache-size (a problem with "
    "Retry-After), or as many connections as --max-connections (plain text, from the HTTP "
    "server)",
    507: "A sandbox's manifest (its clock and identities, kept for a restart) cannot be "
    "written (disk full, permissions): nothing was changed; `detail` names the file and why",
}

BODY = (400, 408, 413, 415, 422)
"""What any request body can get, before the operation sees it."""

IDENTITY = (401, 403, 429, 503)
"""What a request that needs a client assertion can get, before the operation sees it."""

_HEADERS: dict[int, dict[str, Any]] = {
    401: {
        "WWW-Authenticate": {
            "description": 'always `Bearer realm="vsb"`',
            "required": True,
            "schema": {"type": "string"},
        }
    },
    429: {
        "Retry-After": {
            "description": "seconds to wait",
            "required": True,
            "schema": {"type": "string", "pattern": "^[0-9]+$"},
        }
    },
    503: {
        "Retry-After": {
            "description": "seconds to wait (when the replay cache is full)",
            "schema": {"type": "string", "pattern": "^[0-9]+$"},
        }
    },
}


def statuses(
    errors: Iterable[int],
    *,
    identity: bool,
    body: bool,
    path: bool,
    control_token: bool = False,
) -> list[int]:
    """Every status besides 200 an operation can answer, in order."""
    found = {*errors, 503}
    if identity:
        found.update(IDENTITY)
    if body:
        found.update(BODY)
    if path:
        found.add(404)
    if control_token:
        found.add(401)
    return sorted(found)


def problem_responses(problem_schema: dict[str, Any]) -> dict[str, Any]:
    """`components/responses`: one `E<status>` per status, a problem (RFC 9457) each."""
    responses: dict[str, Any] = {}
    for status, text in STATUS_TEXT.items():
        content: dict[str, Any] = {PROBLEM: {"schema": problem_schema}}
        if status == 503:
            content["text/plain"] = {"schema": {"type": "string"}}
        response: dict[str, Any] = {"description": text, "content": content}
        if status in _HEADERS:
            response["headers"] = _HEADERS[status]
        responses[f"E{status}"] = response
    return responses
