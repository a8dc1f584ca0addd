"""A large JSON answer is sent in pieces, with the text and length json.dumps would give."""

from __future__ import annotations

import json
from typing import Any

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route
from starlette.testclient import TestClient

from vsb import jsontext
from vsb.serve import collector, service
from vsb.serve.service import LargeJSONResponse, json_response

INVOICES = [{"invoiceNumber": f"F-{n}", "note": "é€" * (n % 3), "lines": [n]} for n in range(3000)]


def _client(document: dict[str, Any]) -> TestClient:
    async def answer(request: Request) -> Response:
        return json_response(document)

    return TestClient(Starlette(routes=[Route("/", answer)]))


def test_a_large_answer_is_streamed_with_json_dumps_text_and_its_length(monkeypatch: Any) -> None:
    monkeypatch.setattr(service, "SEND_PIECE", 1000)  # many pieces for a small document
    document = {"kind": "settlement", "invoices": jsontext.encoded_array(INVOICES)}
    assert isinstance(json_response(document), LargeJSONResponse)
    answer = _client(document).get("/")
    expected = json.dumps({"kind": "settlement", "invoices": INVOICES}).encode()
    assert answer.status_code == 200
    assert answer.content == expected
    assert answer.headers["content-length"] == str(len(expected))
    assert answer.headers["content-type"] == "application/json"


def test_a_small_answer_is_not_streamed() -> None:
    assert not isinstance(json_response({"items": [1, 2]}), LargeJSONResponse)


def test_release_empties_the_long_lists_it_is_given_and_hold_needs_a_large_request() -> None:
    document = {"invoices": list(range(95)), "status": "refused"}
    results = [object()] * 33
    collector.hold(document)  # no large request in progress: nothing is held
    collector.release([document, results])
    assert document == {"invoices": [], "status": "refused"} and results == []


def test_what_a_large_request_holds_is_freed_once_it_is_answered(monkeypatch: Any) -> None:
    monkeypatch.setattr(collector, "LARGE_BODY", 10)
    kept: dict[str, list[int]] = {}

    async def answer(request: Request) -> Response:
        kept[str(len(await request.body()))] = held = list(range(50))
        collector.hold(held)
        return Response(b"{}", media_type="application/json")

    app = Starlette(routes=[Route("/", answer, methods=["POST"])])
    client = TestClient(collector.PauseCollectorForLargeBodies(app))
    assert client.post("/", content=b"x" * 5).status_code == 200
    assert client.post("/", content=b"x" * 20).status_code == 200
    assert kept == {"5": list(range(50)), "20": []}
