"""Authorization of every documented operation: no identity, another MBE, the wrong zorgkas."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from tests.integration.conftest import MBE, OTHER_MBE, LiveServer, request_message
from vsb.serve.app import billing_available
from vsb.serve.certs import ClientIdentity, issue, make_ca
from vsb.serve.config import DEFAULT_AUDIENCE
from vsb.serve.openapi import build_document

NO_COT_MBE = "76999984930"
PATH_VALUES = {
    "{zorgkas}": "180",
    "{reviewId}": "1",
    "{settlementId}": "S-000000001",
    "{orderId}": "P-000000001",
}
MESSAGES: dict[str, dict[str, Any]] = {
    "/v1/insurance-status": {
        "kind": "insurance-status-query",
        "messageId": "a-1",
        "mbe": MBE,
        "insz": "48031402205",
        "date": "2024-03-04",
    },
    "/v1/requests": request_message("48031402205", "a-2"),
    "/v1/changes": {
        "kind": "cancel-request",
        "messageId": "a-3",
        "mbe": MBE,
        "vsbReference": "VSB-2024-0000001",
    },
    "/v1/shipments": {
        "kind": "shipment",
        "messageId": "a-4",
        "mbe": MBE,
        "zorgkas": 180,
        "shipmentNumber": "001/202403",
        "sendDate": "2024-03-10",
        "totals": {"invoices": 1, "lines": 1, "amount": "2900.00"},
        "invoices": [
            {
                "invoiceNumber": "F-1",
                "type": "original",
                "insz": "48031402205",
                "vsbReference": "VSB-2024-0000001",
                "lines": [
                    {
                        "lineNumber": 1,
                        "code": "773172",
                        "prestationDate": "2024-03-04",
                        "amount": "2900.00",
                        "personalShare": "0.00",
                    }
                ],
            }
        ],
    },
}
STAFF_BODIES = {"Decision": {"outcome": "accepted"}, "Payment": {"paidOn": "2024-03-10"}}


def _operations() -> list[tuple[str, str, str, Any]]:
    document = build_document(billing_available(), test_control=False)
    found = []
    for template, methods in document["paths"].items():
        path = template
        for name, value in PATH_VALUES.items():
            path = path.replace(name, value)
        for method, operation in methods.items():
            if operation["tags"] == ["oauth"]:  # no identity: it hands them out (test_serve_token)
                continue
            body = None
            if template in MESSAGES:
                body = MESSAGES[template]
            elif "requestBody" in operation:
                ref = operation["requestBody"]["content"]["application/json"]["schema"]["$ref"]
                body = STAFF_BODIES[ref.rsplit("/", 1)[1]]
            found.append((operation["tags"][0], method, path, body))
    return found


OPERATIONS = _operations()
MBE_OPERATIONS = [op for op in OPERATIONS if op[0] == "mbe"]
STAFF_OPERATIONS = [op for op in OPERATIONS if op[0] == "staff"]
IDS = [f"{method} {path}" for _, method, path, _ in OPERATIONS]


def _call(
    server: LiveServer, headers: dict[str, str], method: str, path: str, body: Any
) -> httpx.Response:
    return server.client.request(method.upper(), path, json=body, headers=headers)


def _as(server: LiveServer, stem: str) -> dict[str, str]:
    return ClientIdentity.load(server.pki / stem).headers(DEFAULT_AUDIENCE)


@pytest.fixture(scope="module")
def shared(pki: Any, tmp_path_factory: pytest.TempPathFactory) -> Any:
    from dataclasses import replace

    from tests.integration.conftest import FIXTURES, START
    from vsb.serve.config import ServeConfig

    config = ServeConfig(
        db=str(tmp_path_factory.mktemp("auth") / "c.sqlite"),
        fixtures=FIXTURES,
        ca=pki / "ca.pem",
        test_control=True,
        start_clock=START,
    )
    server = LiveServer(replace(config), pki)
    yield server
    server.stop()


@pytest.mark.parametrize(("tag", "method", "path", "body"), OPERATIONS, ids=IDS)
def test_every_operation_refuses_a_caller_without_identity(
    shared: LiveServer, tag: str, method: str, path: str, body: Any
) -> None:
    response = _call(shared, {}, method, path, body)
    assert response.status_code == 401
    assert response.headers["content-type"] == "application/problem+json"


@pytest.mark.parametrize(("tag", "method", "path", "body"), OPERATIONS, ids=IDS)
def test_every_operation_refuses_a_certificate_of_another_ca(
    shared: LiveServer, tag: str, method: str, path: str, body: Any
) -> None:
    rogue = ClientIdentity(
        issue(make_ca("rogue"), MBE if tag == "mbe" else "staff:180:s1", "rogue")
    )
    response = _call(shared, rogue.headers(DEFAULT_AUDIENCE), method, path, body)
    assert response.status_code == 401
    assert response.json()["errors"][0]["rule"] == "certificate-chain"


@pytest.mark.parametrize(
    ("tag", "method", "path", "body"),
    MBE_OPERATIONS,
    ids=[f"{m} {p}" for _, m, p, _ in MBE_OPERATIONS],
)
def test_mbe_operations_refuse_staff_and_mbes_without_cot(
    shared: LiveServer, tag: str, method: str, path: str, body: Any
) -> None:
    staff = _call(shared, _as(shared, "staff-180-s1"), method, path, body)
    assert staff.status_code == 403
    no_cot = _call(shared, _as(shared, f"mbe-{NO_COT_MBE}"), method, path, body)
    assert no_cot.status_code == 403
    assert no_cot.json()["requirement"] == "REQ-MBE-COT"


@pytest.mark.parametrize(
    ("tag", "method", "path", "body"),
    [op for op in MBE_OPERATIONS if op[3] is not None],
    ids=[f"{m} {p}" for _, m, p, b in MBE_OPERATIONS if b is not None],
)
def test_mbe_messages_refuse_another_mbes_identity(
    shared: LiveServer, tag: str, method: str, path: str, body: Any
) -> None:
    response = _call(shared, _as(shared, f"mbe-{OTHER_MBE}"), method, path, body)
    assert response.status_code == 403
    assert response.json()["requirement"] == "REQ-MBE-CERTIFICATE"
    assert response.json()["errors"][0]["pointer"] == "/mbe"


@pytest.mark.parametrize(
    ("tag", "method", "path", "body"),
    STAFF_OPERATIONS,
    ids=[f"{m} {p}" for _, m, p, _ in STAFF_OPERATIONS],
)
def test_staff_operations_refuse_mbes_and_staff_of_another_zorgkas(
    shared: LiveServer, tag: str, method: str, path: str, body: Any
) -> None:
    assert _call(shared, _as(shared, f"mbe-{MBE}"), method, path, body).status_code == 403
    wrong = _call(shared, _as(shared, "staff-280-s1"), method, path, body)
    assert wrong.status_code == 403
    assert wrong.json()["errors"][0]["rule"] == "staff-zorgkas"


def test_an_assertion_is_accepted_once(shared: LiveServer) -> None:
    headers = _as(shared, f"mbe-{MBE}")
    assert shared.client.get("/v1/feed", headers=headers).status_code == 200
    replay = shared.client.get("/v1/feed", headers=headers)
    assert replay.status_code == 401
    assert replay.json()["errors"][0]["rule"] == "replay"


def test_an_assertion_for_another_audience_is_refused(shared: LiveServer) -> None:
    identity = ClientIdentity.load(shared.pki / f"mbe-{MBE}")
    token = identity.assertion("somebody-else")
    response = shared.client.get("/v1/feed", headers={"Authorization": f"Bearer {token}"})
    assert response.json()["errors"][0]["rule"] == "audience"


def test_an_assertion_claiming_another_subject_is_refused(shared: LiveServer) -> None:
    identity = ClientIdentity.load(shared.pki / f"mbe-{MBE}")
    token = identity.assertion(DEFAULT_AUDIENCE, subject=OTHER_MBE)
    response = shared.client.get("/v1/feed", headers={"Authorization": f"Bearer {token}"})
    assert response.status_code == 401
    assert response.json()["errors"][0]["rule"] == "certificate-subject"
