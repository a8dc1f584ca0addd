"""One caller cannot stall or use up the service: long work happens beside the engine's lock
and off the event loop, limits answer with the documented problems (issue 10, defects 7, 8).

Ordering, not timing: a test holds the long work at a known point (an event) and checks that
another MBE's status query is answered meanwhile.
"""

from __future__ import annotations

import datetime as dt
import socket
import threading
import time
from collections.abc import Callable, Iterator
from typing import Any

import httpx
import pytest

import vsb.billing.shipments
import vsb.mbe_messages as build
from tests.integration.conftest import MBE, OTHER_MBE, LiveServer, request_message, status_query
from vsb.serve.config import DEFAULT_AUDIENCE

INSZ_180 = "48031402205"
INSZ_180_B = "52110202319"


def shipment(references: list[tuple[str, str]], message_id: str = "s-1") -> dict[str, Any]:
    """A shipment to zorgkas 180 of one forfait invoice per (INSZ, VSB reference)."""
    invoices = [
        build.original_invoice(
            f"F-{message_id}-{i}", insz, reference, "773172", "2024-03-04", "2900.00"
        )
        for i, (insz, reference) in enumerate(references)
    ]
    return build.shipment(message_id, MBE, 180, "001/202403", dt.date(2024, 3, 10), invoices)


def _open(server: LiveServer, *patients: str) -> list[tuple[str, str]]:
    caller = server.mbe()
    answers = [
        caller.post("/v1/requests", request_message(insz, f"r-{insz}")).json() for insz in patients
    ]
    return [(insz, a["vsbReference"]) for insz, a in zip(patients, answers, strict=True)]


class Held:
    """A function replaced by one that stops at its first call until released."""

    def __init__(self, function: Callable[..., Any]) -> None:
        self.function = function
        self.entered = threading.Event()
        self.release = threading.Event()

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        if not self.entered.is_set():
            self.entered.set()
            assert self.release.wait(30), "the test never released the held call"
        return self.function(*args, **kwargs)


def _in_background(server: LiveServer, path: str, body: Any) -> tuple[threading.Thread, list[Any]]:
    """POST as the billing MBE from a thread of its own; the response lands in the list."""
    headers = server.mbe().headers()
    result: list[Any] = []

    def send() -> None:
        with httpx.Client(base_url=server.url, timeout=60) as client:
            result.append(client.post(path, json=body, headers=headers))

    thread = threading.Thread(target=send, daemon=True)
    thread.start()
    return thread, result


@pytest.fixture
def held_checks(monkeypatch: pytest.MonkeyPatch) -> Iterator[Held]:
    """A shipment's checks (its header checks come first) stop until released."""
    held = Held(vsb.billing.shipments.header_errors)
    monkeypatch.setattr(vsb.billing.shipments, "header_errors", held)
    yield held
    held.release.set()


def test_another_mbes_query_is_answered_while_a_shipment_is_checked(
    server: LiveServer, held_checks: Held
) -> None:
    references = _open(server, INSZ_180)
    thread, result = _in_background(server, "/v1/shipments", shipment(references))
    assert held_checks.entered.wait(10)
    # The shipment is in its checks; the engine's lock is free for everyone else.
    query = server.mbe(OTHER_MBE).post(
        "/v1/insurance-status", status_query(INSZ_180, "q-meanwhile", OTHER_MBE), timeout=10
    )
    assert query.status_code == 200 and query.json()["status"] == "affiliated"
    assert thread.is_alive()
    held_checks.release.set()
    thread.join(30)
    assert result[0].status_code == 200
    assert result[0].json()["status"] == "processing"


def test_a_shipment_whose_state_changed_during_its_checks_is_checked_again(
    server: LiveServer, held_checks: Held
) -> None:
    references = _open(server, INSZ_180, INSZ_180_B)
    thread, result = _in_background(server, "/v1/shipments", shipment(references))
    assert held_checks.entered.wait(10)
    cancel = {"kind": "cancel-request", "messageId": "c-1", "mbe": MBE, "vsbReference": ""}
    cancel["vsbReference"] = references[1][1]
    assert server.mbe().post("/v1/changes", cancel).json()["outcome"] == "accepted"
    held_checks.release.set()
    thread.join(30)
    settlement = result[0].json()
    # Checked against the state before the cancellation, both invoices were billable and the
    # shipment would be processing; the answer is the verdict on the state it was stored in:
    # the cancelled begeleiding's invoice rejected, and with it half the lines (threshold).
    second = settlement["invoices"][1]
    assert [e["requirement"] for e in second["errors"]] == ["REQ-BL-NO-REQUEST"]
    assert settlement["status"] == "refused"
    assert [e["requirement"] for e in settlement["errors"]] == ["REQ-BL-THRESHOLD"]


def test_another_mbes_query_is_answered_while_a_large_body_is_validated(
    server: LiveServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    service = server.app.state.service
    held = Held(service.schemas.validate_message)

    class Schemas:
        def __getattr__(self, name: str) -> Any:
            return getattr(service.schemas_behind, name)

        validate_message = held

    monkeypatch.setattr(service, "schemas_behind", service.schemas, raising=False)
    monkeypatch.setattr(service, "schemas", Schemas())
    broken = shipment([(INSZ_180, "VSB-2024-0000001")] * 3)
    broken["invoices"][1]["lines"][0]["amount"] = "lots"
    thread, result = _in_background(server, "/v1/shipments", broken)
    try:
        assert held.entered.wait(10)
        query = server.mbe(OTHER_MBE).post(
            "/v1/insurance-status", status_query(INSZ_180, "q-during", OTHER_MBE), timeout=10
        )
        assert query.status_code == 200
    finally:
        held.release.set()
    thread.join(30)
    assert result[0].status_code == 422


def test_an_invalid_shipment_lists_at_most_a_thousand_violations_and_counts_the_rest(
    server: LiveServer,
) -> None:
    broken = shipment([(INSZ_180, "VSB-2024-0000001")] * 2000)
    for invoice in broken["invoices"]:
        invoice["lines"][0].update(code="x", amount="lots", personalShare="none")
    response = server.mbe().post("/v1/shipments", broken)
    assert response.status_code == 422
    errors = response.json()["errors"]
    assert len(errors) == 1001
    assert errors[-1]["rule"] == "max-errors"
    assert "more violations are not listed" in errors[-1]["message"]


def test_a_shipment_over_its_size_limit_is_a_413_naming_the_setting(
    serve: Callable[..., LiveServer],
) -> None:
    server = serve(max_shipment_body=2000)
    big = shipment([(INSZ_180, "VSB-2024-0000001")] * 20)
    response = server.mbe().post("/v1/shipments", big)
    assert response.status_code == 413
    assert response.json()["errors"][0]["rule"] == "max-shipment-body"
    assert "--max-shipment-body" in response.json()["detail"]
    # Other messages have their own limit.
    assert server.mbe().post("/v1/requests", request_message(INSZ_180, "r-1")).status_code == 200


def test_an_identity_over_its_rate_is_answered_429_with_retry_after(
    serve: Callable[..., LiveServer],
) -> None:
    server = serve(rate_limit=0.5, rate_burst=2)
    caller = server.mbe()
    statuses = [
        caller.post("/v1/insurance-status", status_query(INSZ_180, f"q-{i}")).status_code
        for i in range(2)
    ]
    throttled = caller.post("/v1/insurance-status", status_query(INSZ_180, "q-2"))
    assert statuses == [200, 200]
    assert throttled.status_code == 429
    assert int(throttled.headers["retry-after"]) >= 1
    assert throttled.json()["errors"][0]["rule"] == "rate-limit"
    # Another identity has its own bucket.
    other = server.mbe(OTHER_MBE).post(
        "/v1/insurance-status", status_query(INSZ_180, "q-o", OTHER_MBE)
    )
    assert other.status_code == 200


def _connect(server: LiveServer) -> socket.socket:
    host, port = server.url.removeprefix("http://").split(":")
    sock = socket.create_connection((host, int(port)), timeout=10)
    return sock


def _read_all(sock: socket.socket) -> bytes:
    data = b""
    while chunk := sock.recv(65536):
        data += chunk
    return data


def test_a_body_that_stops_arriving_is_answered_408(serve: Callable[..., LiveServer]) -> None:
    server = serve(body_timeout=0.3)
    headers = server.mbe().identity.headers(DEFAULT_AUDIENCE)  # type: ignore[union-attr]
    with _connect(server) as sock:
        sock.sendall(
            b"POST /v1/requests HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
            + f"Authorization: {headers['Authorization']}\r\n".encode()
            + b'Content-Length: 500\r\n\r\n{"kind": '
        )
        answer = _read_all(sock)
    assert answer.startswith(b"HTTP/1.1 408")
    assert b"body-timeout" in answer


def test_a_request_head_that_takes_too_long_is_closed_with_408(
    serve: Callable[..., LiveServer],
) -> None:
    server = serve(header_timeout=0.3)
    with _connect(server) as sock:
        sock.sendall(b"GET /openapi.json HTTP/1.1\r\nHost: x\r\n")  # no end of the head
        started = time.monotonic()
        answer = _read_all(sock)
    assert answer.startswith(b"HTTP/1.1 408")
    assert time.monotonic() - started < 10
    # A client that sends its head in time is served as before.
    assert server.client.get("/openapi.json").status_code == 200


def test_connections_beyond_the_limit_are_answered_503(serve: Callable[..., LiveServer]) -> None:
    server = serve(max_connections=2)
    with _connect(server), _connect(server):
        time.sleep(0.2)  # both accepted by the server
        with httpx.Client(base_url=server.url, timeout=10) as fresh:
            response = fresh.get("/openapi.json")
    assert response.status_code == 503
