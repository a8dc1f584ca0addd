"""The OpenAPI 3.1 document of the service, built from one table of operations.

Message bodies and answers are the project's JSON Schema files, bundled into
`components/schemas` with internal `$ref`s (`vsb.serve.bundle`), so that the document resolves
alone; the service also serves each file at `/schemas/<name>.schema.json`. `docs/openapi.json`
is this document for a service with test control and billing, written by
`vsb serve --write-openapi`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from vsb.serve.bundle import bundled_schemas, merge_components
from vsb.serve.components import COMPONENTS, message_ref
from vsb.serve.responses import BODY, problem_responses, statuses
from vsb.serve.token import ACCESS_TOKEN_SCHEME, TOKEN_PATH, token_path_item
from vsb.serve.token import COMPONENTS as TOKEN_COMPONENTS

JSON = "application/json"
_BODY_ERRORS = BODY


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
    billed = [message_ref("settlement"), message_ref("payment-order")] if billing else []
    kinds = [message_ref("final-decision"), *billed]
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
            # a refused query (wrong INSZ check digit, reused message id) is an `answer`
            {"oneOf": [message_ref("insurance-status-answer"), message_ref("answer")]},
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
            "Collect what arrived later (final decisions, settlements, payments) after a cursor",
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
                # a message id used before for another message: an `answer` refusing it
                {"oneOf": [message_ref("settlement"), message_ref("answer")]},
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


def _operation(op: Operation, control_token: bool) -> dict[str, Any]:
    control = op.tag == "test-control"
    responses: dict[str, Any] = {
        "200": {"description": "OK", "content": {JSON: {"schema": op.answer}}}
    }
    for status in statuses(
        op.errors,
        identity=not control,
        body=op.body is not None,
        path=any(p["in"] == "path" for p in op.parameters),
        control_token=control and control_token,
    ):
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
    if control:
        document["security"] = [{"testControlToken": []}] if control_token else []
    return document


_CONTROL = (
    "Only with `vsb serve --test-control`: how a conformance harness drives a central "
    "application (clock, persons, MBEs, reset). Not on the real platform. Refused off "
    "loopback unless `--i-know-this-is-exposed`; with `--test-control-token` every call needs "
    "`Authorization: Bearer <token>` (401 otherwise)."
)

_INTRO = (
    "The reference central zorgkassen application of VSB, as a sandbox for MBE software.\n\n"
    "**Identity.** Every MBE and staff call carries `Authorization: Bearer <client "
    "assertion>`: a compact JWS (ES256 or RS256) signed with the key of the caller's "
    "certificate, the certificate in the `x5c` header. The certificate's subject "
    "serialNumber is the MBE's HCO number or `staff:<zorgkas>:<id>`; `iss` and `sub` repeat "
    "it; `aud` is the service's audience; `exp - iat` at most 300 s; `jti` unique. See "
    "docs/serve.md.\n\n"
    "**Access tokens.** `POST /oauth/token` (OAuth 2.0 client credentials with "
    "private_key_jwt, RFC 7523) trades one such assertion for a bearer access token, "
    "accepted on every MBE and staff call as the same identity until it expires "
    "(`expires_in`; `vsb serve --token-lifetime`, default 3600 s): `Authorization: Bearer "
    "<access token>` in every call of a session, as generic tools send it.\n\n"
    "**Answers.** A message that fits its schema always gets 200 with the engine's answer, "
    "also when refused by a business rule (outcome `refused`, errors naming the "
    "requirement). Transport and shape problems are 4xx `application/problem+json` "
    "(RFC 9457) naming every field and rule. A message sent again with the same "
    "`messageId` gets the identical answer and is processed once; a message id used before "
    "for another message gets an `answer` refusing it (REQ-MSG-IDEMPOTENT), on every message "
    "endpoint. Every status an operation can answer is declared on it; 503 can also come as "
    "plain text from the HTTP server (connection limit)."
)


def build_document(
    billing: bool, test_control: bool, control_token: bool = False
) -> dict[str, Any]:
    """The OpenAPI 3.1 document of a service with or without billing and test control (and
    with `control_token`: test control behind a bearer token)."""
    operations = mbe_operations(billing) + staff_operations(billing)
    if test_control:
        from vsb.serve.control import control_operations
        from vsb.serve.sandbox_components import sandbox_operations

        operations += control_operations() + sandbox_operations()
    paths: dict[str, dict[str, Any]] = {}
    for op in operations:
        paths.setdefault(op.path, {})[op.method] = _operation(op, control_token)
    paths[TOKEN_PATH] = token_path_item()
    tags = [
        {"name": "mbe", "description": "MBE software: messages and the feed"},
        {"name": "staff", "description": "Zorgkas staff: reviews, signing, payment"},
        {"name": "oauth", "description": "Access tokens for a client assertion (RFC 7523)"},
    ]
    schemes: dict[str, Any] = {
        "clientAssertion": {
            "type": "http",
            "scheme": "bearer",
            "bearerFormat": "JWS client assertion (x5c), see info.description",
        },
        "accessToken": ACCESS_TOKEN_SCHEME,
    }
    if test_control:
        tags.append({"name": "test-control", "description": _CONTROL})
    if test_control and control_token:
        schemes["testControlToken"] = {
            "type": "http",
            "scheme": "bearer",
            "description": "the token given to `vsb serve --test-control-token`",
        }
    document = {
        "openapi": "3.1.0",
        "jsonSchemaDialect": "https://json-schema.org/draft/2020-12/schema",
        "info": {
            "title": "VSB central zorgkassen application (reference sandbox)",
            "version": "1",
            "description": _INTRO,
        },
        "tags": tags,
        "security": [{"clientAssertion": []}, {"accessToken": []}],
        "paths": paths,
        "components": {
            "schemas": merge_components({**COMPONENTS, **TOKEN_COMPONENTS}, bundled_schemas()),
            "responses": problem_responses(_component("Problem")),
            "securitySchemes": schemes,
        },
    }
    if test_control:
        from vsb.serve.sandbox_components import declare_servers

        declare_servers(document)
    return document
