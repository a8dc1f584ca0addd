"""The OpenAPI 3.1 document of the service, built from one table of operations.

Message bodies and answers are the project's JSON Schema files, referenced by their `$id`
(`https://vsb-harness.example/schemas/<name>.schema.json`), never copied; the service also
serves each file at `/schemas/<name>.schema.json`. `docs/openapi.json` is this document for
a service with test control and billing, written by `vsb serve --write-openapi`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from vsb.serve.components import COMPONENTS, message_ref

JSON = "application/json"
PROBLEM = "application/problem+json"

_STATUS_TEXT = {
    400: "Malformed JSON or query parameter",
    401: "No identity, or one that does not verify",
    403: "The identity may not do this (not an admitted MBE, not this MBE's message, not "
    "staff of this zorgkas)",
    404: "Nothing of the caller's has this id (unknown and someone else's look the same)",
    409: "Not possible in the current state (staff action), or conflicting data (test control)",
    413: "Request body too large",
    415: "Content-Type is not application/json",
    422: "The body breaks its schema; `errors` names every field and rule",
}
_BODY_ERRORS = (400, 413, 415, 422)


@dataclass(frozen=True)
class Operation:
    """One documented operation."""

    path: str
    method: str
    operation_id: str
    tag: str
    summary: str
    answer: dict[str, Any]
    body: dict[str, Any] | None = None
    errors: tuple[int, ...] = ()
    parameters: tuple[dict[str, Any], ...] = field(default=())
    description: str = ""


def _component(name: str) -> dict[str, str]:
    return {"$ref": f"#/components/schemas/{name}"}


def _query(name: str, description: str, maximum: int) -> dict[str, Any]:
    return {
        "name": name,
        "in": "query",
        "required": False,
        "description": description,
        "schema": {"type": "integer", "minimum": 0 if name == "after" else 1, "maximum": maximum},
    }


def _path(name: str, schema: dict[str, Any]) -> dict[str, Any]:
    return {"name": name, "in": "path", "required": True, "schema": schema}


_ZORGKAS = _path("zorgkas", {"type": "integer", "enum": [180, 280, 380, 480, 580, 680]})
_REVIEW = _path("reviewId", {"type": "integer", "minimum": 1, "maximum": 2**62})
_CHANGES = ("cancel-request", "admin-change", "stop", "cancel-stop")
_AUTH = (401, 403)


def _feed_page(billing: bool) -> dict[str, Any]:
    kinds = [message_ref("final-decision")] + ([message_ref("settlement")] if billing else [])
    return {
        "type": "object",
        "required": ["items", "next", "more"],
        "properties": {
            "items": {
                "type": "array",
                "items": {
                    "type": "object",
                    "required": ["cursor", "message"],
                    "properties": {
                        "cursor": {"type": "integer"},
                        "message": kinds[0] if len(kinds) == 1 else {"oneOf": kinds},
                    },
                },
            },
            "next": {"type": "integer", "description": "pass as `after` to get what follows"},
            "more": {"type": "boolean", "description": "true when another page is waiting"},
        },
    }


def mbe_operations(billing: bool) -> list[Operation]:
    """The operations of MBE software."""
    operations = [
        Operation(
            "/v1/insurance-status",
            "post",
            "queryInsuranceStatus",
            "mbe",
            "Ask the insurance status of a person on a date",
            message_ref("insurance-status-answer"),
            message_ref("insurance-status-query"),
            _AUTH + _BODY_ERRORS,
        ),
        Operation(
            "/v1/requests",
            "post",
            "sendRequest",
            "mbe",
            "Send a request for intervention; the answer is accepted, under review or refused",
            message_ref("answer"),
            message_ref("request"),
            _AUTH + _BODY_ERRORS,
        ),
        Operation(
            "/v1/changes",
            "post",
            "sendChange",
            "mbe",
            "Cancel a request, change administrative data, report or cancel a stop",
            message_ref("answer"),
            {"oneOf": [message_ref(k) for k in _CHANGES]},
            _AUTH + _BODY_ERRORS,
        ),
        Operation(
            "/v1/feed",
            "get",
            "readFeed",
            "mbe",
            "Collect what arrived later (final decisions, settlements) after a cursor",
            _feed_page(billing),
            None,
            (400, *_AUTH),
            (
                _query("after", "cursor: the `next` of the previous page (0 = start)", 2**62),
                _query("limit", "most items in the page", 100),
            ),
        ),
    ]
    if billing:
        operations.insert(
            3,
            Operation(
                "/v1/shipments",
                "post",
                "sendShipment",
                "mbe",
                "Send a billing shipment; the answer is its settlement (refused or processing)",
                message_ref("settlement"),
                message_ref("shipment"),
                _AUTH + _BODY_ERRORS,
            ),
        )
    return operations


def staff_operations(billing: bool) -> list[Operation]:
    """The operations of zorgkas staff."""
    base = "/v1/zorgkassen/{zorgkas}"
    queue = {
        "type": "object",
        "required": ["items"],
        "properties": {"items": {"type": "array", "items": _component("ReviewItem")}},
    }
    operations = [
        Operation(
            f"{base}/reviews",
            "get",
            "reviewQueue",
            "staff",
            "The messages waiting for a decision of this zorgkas",
            queue,
            None,
            (*_AUTH, 404),
            (_ZORGKAS,),
        ),
        Operation(
            f"{base}/reviews/{{reviewId}}/decision",
            "post",
            "decideReview",
            "staff",
            "Accept or refuse a message under review; returns the final decision",
            message_ref("final-decision"),
            _component("Decision"),
            (*_AUTH, 404, 409, *_BODY_ERRORS),
            (_ZORGKAS, _REVIEW),
        ),
    ]
    if billing:
        from vsb.serve.billing_routes import billing_operations

        operations += billing_operations(base, _ZORGKAS)
    return operations


def control_operations() -> list[Operation]:
    """The test-control operations (only with `--test-control`)."""
    clock = _component("Clock")
    return [
        Operation(
            "/test/clock",
            "get",
            "getClock",
            "test-control",
            "The moment the application believes it is",
            clock,
        ),
        Operation(
            "/test/clock",
            "put",
            "setClock",
            "test-control",
            "Set the application's clock",
            clock,
            clock,
            _BODY_ERRORS,
        ),
        Operation(
            "/test/reset",
            "post",
            "reset",
            "test-control",
            "Forget every message, begeleiding and shipment; reload the fixtures",
            {"type": "object"},
            _component("Reset"),
            _BODY_ERRORS,
        ),
        Operation(
            "/test/registry",
            "put",
            "loadRegistry",
            "test-control",
            "Replace the registry: persons and their affiliations",
            {"type": "object"},
            _component("Registry"),
            (409, *_BODY_ERRORS),
            description="409 when a person appears twice or a date does not exist.",
        ),
        Operation(
            "/test/mbes",
            "post",
            "loadMbes",
            "test-control",
            "Add or replace MBEs",
            {"type": "object"},
            _component("Mbes"),
            _BODY_ERRORS,
        ),
    ]


def _operation(op: Operation) -> dict[str, Any]:
    responses: dict[str, Any] = {
        "200": {"description": "OK", "content": {JSON: {"schema": op.answer}}}
    }
    for status in sorted(set(op.errors)):
        responses[str(status)] = {"$ref": f"#/components/responses/E{status}"}
    document: dict[str, Any] = {
        "operationId": op.operation_id,
        "tags": [op.tag],
        "summary": op.summary,
        "responses": responses,
    }
    if op.description:
        document["description"] = op.description
    if op.parameters:
        document["parameters"] = list(op.parameters)
    if op.body is not None:
        document["requestBody"] = {"required": True, "content": {JSON: {"schema": op.body}}}
    if op.tag == "test-control":
        document["security"] = []
    return document


_INTRO = (
    "The reference central zorgkassen application of VSB, as a sandbox for MBE software.\n\n"
    "**Identity.** Every MBE and staff call carries `Authorization: Bearer <client "
    "assertion>`: a compact JWS (ES256 or RS256) signed with the key of the caller's "
    "certificate, the certificate in the `x5c` header. The certificate's subject "
    "serialNumber is the MBE's HCO number or `staff:<zorgkas>:<id>`; `iss` and `sub` repeat "
    "it; `aud` is the service's audience; `exp - iat` at most 300 s; `jti` unique. See "
    "docs/serve.md.\n\n"
    "**Answers.** A message that fits its schema always gets 200 with the engine's answer, "
    "also when refused by a business rule (outcome `refused`, errors naming the "
    "requirement). Transport and shape problems are 4xx `application/problem+json` "
    "(RFC 9457) naming every field and rule. A message sent again with the same "
    "`messageId` gets the identical answer and is processed once."
)


def build_document(billing: bool, test_control: bool) -> dict[str, Any]:
    """The OpenAPI 3.1 document of a service with or without billing and test control."""
    operations = mbe_operations(billing) + staff_operations(billing)
    if test_control:
        operations += control_operations()
    paths: dict[str, dict[str, Any]] = {}
    for op in operations:
        paths.setdefault(op.path, {})[op.method] = _operation(op)
    tags = [
        {"name": "mbe", "description": "MBE software: messages and the feed"},
        {"name": "staff", "description": "Zorgkas staff: reviews, signing, payment"},
    ]
    if test_control:
        tags.append(
            {
                "name": "test-control",
                "description": "Only with `vsb serve "
                "--test-control`: how a conformance harness drives a central "
                "application (clock, persons, MBEs, reset). Not on the real platform.",
            }
        )
    return {
        "openapi": "3.1.0",
        "jsonSchemaDialect": "https://json-schema.org/draft/2020-12/schema",
        "info": {
            "title": "VSB central zorgkassen application (reference sandbox)",
            "version": "1",
            "description": _INTRO,
        },
        "tags": tags,
        "security": [{"clientAssertion": []}],
        "paths": paths,
        "components": {
            "schemas": COMPONENTS,
            "responses": {
                f"E{status}": {
                    "description": text,
                    "content": {PROBLEM: {"schema": _component("Problem")}},
                }
                for status, text in _STATUS_TEXT.items()
            },
            "securitySchemes": {
                "clientAssertion": {
                    "type": "http",
                    "scheme": "bearer",
                    "bearerFormat": "JWS client assertion (x5c), see info.description",
                }
            },
        },
    }
