"""The OpenAPI document declares every answer the service gives (issue 10, defect 5).

Each answer here is one the document used to leave out: a reused message id on
`/v1/insurance-status` and `/v1/shipments`, a 404 on a staff path. The general rule (which
operation can get which status) is checked on the whole document.
"""

from __future__ import annotations

import copy
from typing import Any

import pytest

from tests.integration.conftest import LiveServer, status_query
from tests.integration.test_serve_auth import MESSAGES
from vsb.schemas import load_schemas
from vsb.serve.app import billing_available
from vsb.serve.openapi import build_document

DOCUMENT = build_document(billing_available(), test_control=True, control_token=True)


def _declared_kinds(path: str, method: str = "post") -> set[str]:
    """The message kinds the operation's 200 may carry, by the schema files it references."""
    schema = DOCUMENT["paths"][path][method]["responses"]["200"]["content"]["application/json"]
    choices = schema["schema"].get("oneOf", [schema["schema"]])
    return {c["$ref"].removeprefix("#/components/schemas/") for c in choices}


def _assert_declared(path: str, body: dict[str, Any]) -> None:
    kind = body["kind"]
    assert kind in _declared_kinds(path), f"{path} answered {kind}, not declared"
    assert load_schemas().validate(kind, body) == ()


@pytest.mark.parametrize("path", ["/v1/insurance-status", "/v1/shipments"])
def test_a_reused_message_id_is_answered_with_a_body_the_document_declares(
    server: LiveServer, path: str
) -> None:
    first = copy.deepcopy(MESSAGES[path])
    first["messageId"] = f"reused-{path.rsplit('/', 1)[1]}"
    if path == "/v1/insurance-status":
        first = status_query("48031402205", first["messageId"])
    mbe = server.mbe()
    answered = mbe.post(path, first)
    assert answered.status_code == 200
    _assert_declared(path, answered.json())
    other = {**first, "sendDate": "2024-03-09"} if "sendDate" in first else {**first}
    if path == "/v1/insurance-status":
        other["date"] = "2024-03-05"
    reused = mbe.post(path, other)
    assert reused.status_code == 200
    body = reused.json()
    assert body["kind"] == "answer" and body["outcome"] == "refused"
    assert [e["requirement"] for e in body["errors"]] == ["REQ-MSG-IDEMPOTENT"]
    _assert_declared(path, body)


@pytest.mark.parametrize(
    ("method", "path", "template"),
    [
        ("GET", "/v1/zorgkassen/abc/reviews", "/v1/zorgkassen/{zorgkas}/reviews"),
        ("GET", "/v1/zorgkassen/-180/billing-reviews", "/v1/zorgkassen/{zorgkas}/billing-reviews"),
        (
            "POST",
            "/v1/zorgkassen/180/reviews/x/decision",
            "/v1/zorgkassen/{zorgkas}/reviews/{reviewId}/decision",
        ),
        (
            "POST",
            "/v1/zorgkassen/180/reviews/999999/decision",
            "/v1/zorgkassen/{zorgkas}/reviews/{reviewId}/decision",
        ),
    ],
)
def test_a_404_on_a_staff_path_is_declared(
    server: LiveServer, method: str, path: str, template: str
) -> None:
    staff = server.staff()
    answer = staff.client.request(
        method, path, json={"outcome": "accepted"}, headers=staff.headers()
    )
    assert answer.status_code == 404
    assert answer.headers["content-type"] == "application/problem+json"
    assert "404" in DOCUMENT["paths"][template][method.lower()]["responses"]


def _operations() -> list[tuple[str, str, dict[str, Any]]]:
    return [
        (path, method, operation)
        for path, methods in DOCUMENT["paths"].items()
        for method, operation in methods.items()
    ]


def test_every_operation_declares_what_any_request_of_its_kind_can_get() -> None:
    for path, method, operation in _operations():
        declared = set(operation["responses"])
        assert {"200", "503"} <= declared, (method, path)
        if path.startswith("/test/"):  # the token, not a client assertion
            assert operation["security"] == [{"testControlToken": []}]
            assert "401" in declared and "403" not in declared, (method, path)
        elif path == "/oauth/token":  # RFC 6749 §5.2 errors (tests/.../test_serve_token.py)
            assert operation["security"] == []
            assert declared == {"200", "400", "401", "408", "413", "429", "503"}
            continue
        else:
            assert {"401", "403", "429"} <= declared, (method, path)
        if "requestBody" in operation:
            assert {"400", "408", "413", "415", "422"} <= declared, (method, path)
        if any(p["in"] == "path" for p in operation.get("parameters", [])):
            assert "404" in declared, (method, path)


def test_every_declared_problem_status_has_a_problem_body() -> None:
    for name, response in DOCUMENT["components"]["responses"].items():
        assert "application/problem+json" in response["content"], name
    assert "Retry-After" in DOCUMENT["components"]["responses"]["E429"]["headers"]
