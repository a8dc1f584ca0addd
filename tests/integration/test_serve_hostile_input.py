"""Hostile input over real HTTP: every bad body, id or cursor is a 4xx naming the field, nothing
bad is stored, and every queue and feed keeps answering (issue 10)."""

from __future__ import annotations

import base64
import json
from typing import Any

import httpx
import pytest

from tests.integration.conftest import (
    FIXTURES,
    MBE,
    Caller,
    LiveServer,
    request_message,
    status_query,
)
from vsb.mbes import load_mbes
from vsb.serve.certs import ZORGKASSEN
from vsb.serve.components import message_ref

CAN_AFFILIATE = "90070706515"
INSZ_180 = "48031402205"
WRONG_CHECK_DIGIT = "48031402206"
HUGE_IDS = ("9223372036854775808", "99999999999999999999", "9" * 5000)
NOT_ASCII_DIGITS = ("²", "١٢", "+1", " 1", "1_000", "0x1", "-1", "", "1" * 5000)
JSON = {"content-type": "application/json"}


def _send(caller: Caller, path: str, document: Any, method: str = "POST") -> httpx.Response:
    """Send `document` as JSON text made by the standard encoder: a lone surrogate in a str
    becomes the escape `\\ud800`, as any client would write it."""
    headers = {**caller.headers(), "content-type": "application/json"}
    return caller.client.request(method, path, content=json.dumps(document), headers=headers)


def _nested(depth: int) -> str:
    return "[" * depth + "]" * depth


def _error(response: httpx.Response, status: int) -> dict[str, str]:
    assert response.status_code == status, response.text
    assert response.headers["content-type"] == "application/problem+json"
    first: dict[str, str] = response.json()["errors"][0]
    return first


def _under_review(server: LiveServer, message_id: str) -> tuple[int, int]:
    answer = server.mbe().post("/v1/requests", request_message(CAN_AFFILIATE, message_id)).json()
    assert answer["outcome"] == "under-review"
    zorgkas = answer["review"]["zorgkas"]
    queue = server.staff(zorgkas).get(f"/v1/zorgkassen/{zorgkas}/reviews").json()["items"]
    return zorgkas, next(i["reviewId"] for i in queue if i["messageId"] == message_id)


def test_a_lone_surrogate_in_a_message_is_refused_and_nothing_is_stored(
    server: LiveServer,
) -> None:
    message = request_message(CAN_AFFILIATE, "r-surrogate")
    message["begeleiding"]["contactPerson"]["name"] = "An \ud800 Peeters"
    error = _error(_send(server.mbe(), "/v1/requests", message), 422)
    assert (error["pointer"], error["rule"]) == ("/begeleiding/contactPerson/name", "text")
    corrected = server.mbe().post("/v1/requests", request_message(CAN_AFFILIATE, "r-surrogate"))
    assert corrected.json()["outcome"] == "under-review"


def test_a_lone_surrogate_in_a_member_name_is_refused_at_its_object(server: LiveServer) -> None:
    message = request_message(INSZ_180, "r-key")
    message["begeleiding"]["\udc00"] = 1
    error = _error(_send(server.mbe(), "/v1/requests", message), 422)
    assert (error["pointer"], error["rule"]) == ("/begeleiding", "text")


def test_a_staff_reason_with_a_surrogate_is_refused_and_the_review_stays_open(
    server: LiveServer,
) -> None:
    zorgkas, review = _under_review(server, "r-reason")
    path = f"/v1/zorgkassen/{zorgkas}/reviews/{review}/decision"
    body = {"outcome": "refused", "reason": "late\ud800"}
    error = _error(_send(server.staff(zorgkas), path, body), 422)
    assert (error["pointer"], error["rule"]) == ("/reason", "text")
    assert server.mbe().get("/v1/feed").json()["items"] == []
    decided = server.staff(zorgkas).post(path, {"outcome": "refused", "reason": "line 1\n\tline 2"})
    assert decided.status_code == 200
    assert server.mbe().get("/v1/feed").json()["items"][0]["message"]["outcome"] == "refused"


@pytest.mark.parametrize(
    ("text", "what"),
    [
        ("An\x00", "NUL"),
        ("\x1b[31mAn", "ANSI escape"),
        ("An\x85", "C1 control"),
        ("\u202eAn", "bidi override"),
        ("An\u2067", "bidi isolate"),
        ("An\nPeeters", "line feed in a one-line field"),
    ],
)
def test_control_and_bidi_characters_are_refused_naming_the_field(
    server: LiveServer, text: str, what: str
) -> None:
    message = request_message(INSZ_180, "r-control")
    message["begeleiding"]["contactPerson"]["name"] = text
    error = _error(_send(server.mbe(), "/v1/requests", message), 422)
    assert (error["pointer"], error["rule"]) == ("/begeleiding/contactPerson/name", "text"), what


def test_test_control_bodies_are_checked_at_the_same_door(server: LiveServer) -> None:
    registry = {
        "persons": [
            {"insz": INSZ_180, "lastName": "\u202eA", "firstName": "B", "sex": "F", "region": "x"}
        ],
        "affiliations": [],
    }
    error = _error(_send(server.caller(None), "/test/registry", registry, "PUT"), 422)
    assert (error["pointer"], error["rule"]) == ("/persons/0/lastName", "text")


@pytest.mark.parametrize("depth", [33, 1_000, 100_000])
@pytest.mark.parametrize(
    ("path", "who"),
    [
        ("/test/reset", None),
        ("/v1/requests", f"mbe-{MBE}"),
        ("/v1/zorgkassen/180/reviews/1/decision", "staff-180-s1"),
    ],
)
def test_json_nested_too_deep_is_a_400_naming_the_depth_rule(
    server: LiveServer, path: str, who: str | None, depth: int
) -> None:
    response = server.caller(who).post(path, content=_nested(depth), headers=JSON)
    assert _error(response, 400)["rule"] == "depth"


def test_json_nested_up_to_the_limit_gets_past_the_door(server: LiveServer) -> None:
    response = server.caller(None).post("/test/reset", content=_nested(32), headers=JSON)
    assert _error(response, 422)["rule"] == "type"


def test_an_assertion_nested_too_deep_is_a_401_naming_its_format(server: LiveServer) -> None:
    part = base64.urlsafe_b64encode(_nested(1_000).encode()).decode().rstrip("=")
    headers = {"authorization": f"Bearer {part}.{part}.c2ln"}
    response = server.client.get("/v1/feed", headers=headers)
    assert _error(response, 401)["rule"] == "assertion-format"


@pytest.mark.parametrize("review", HUGE_IDS)
@pytest.mark.parametrize("kind", ["reviews", "billing-reviews"])
def test_path_ids_beyond_sqlite_are_not_found(server: LiveServer, kind: str, review: str) -> None:
    path = f"/v1/zorgkassen/180/{kind}/{review}/decision"
    response = server.staff(180).post(path, {"outcome": "accepted"})
    assert _error(response, 404)["pointer"] == "/path/reviewId"


def test_a_zorgkas_beyond_any_integer_is_not_found(server: LiveServer) -> None:
    response = server.staff(180).get(f"/v1/zorgkassen/{'9' * 5000}/reviews")
    assert _error(response, 404)["pointer"] == "/path/zorgkas"


@pytest.mark.parametrize("value", NOT_ASCII_DIGITS)
@pytest.mark.parametrize("name", ["after", "limit"])
def test_feed_cursors_are_ascii_digits_only(server: LiveServer, name: str, value: str) -> None:
    response = server.mbe().get("/v1/feed", params={name: value})
    assert _error(response, 400)["pointer"] == f"/query/{name}"


@pytest.mark.parametrize(
    ("query", "pointer"), [("afer=5", "/query/afer"), ("after=1&%1b%5b2J=1", "/query")]
)
def test_unknown_query_parameters_are_refused_not_ignored(
    server: LiveServer, query: str, pointer: str
) -> None:
    response = server.mbe().get(f"/v1/feed?{query}")
    assert _error(response, 400)["pointer"] == pointer
    orders = server.staff(180).get("/v1/zorgkassen/180/payment-orders?unpaid=true")
    assert _error(orders, 400)["pointer"] == "/query/unpaid"


def test_a_status_query_with_a_wrong_check_digit_is_refused_naming_insz(
    server: LiveServer,
) -> None:
    answer = server.mbe().post("/v1/insurance-status", status_query(WRONG_CHECK_DIGIT, "q-cd"))
    assert answer.status_code == 200
    document = answer.json()
    assert (document["kind"], document["outcome"]) == ("answer", "refused")
    assert [(e["requirement"], e["pointer"]) for e in document["errors"]] == [
        ("REQ-ID-INSZ", "/insz")
    ]
    operation = server.client.get("/openapi.json").json()["paths"]["/v1/insurance-status"]["post"]
    declared = operation["responses"]["200"]["content"]["application/json"]["schema"]["oneOf"]
    assert message_ref("answer") in declared


def _hostile_inputs(server: LiveServer) -> list[tuple[httpx.Response, int, str]]:
    """Every input of issue 10 that one request can carry, with the status and pointer due."""
    mbe, staff = server.mbe(), server.staff(180)
    surrogate = request_message(CAN_AFFILIATE, "h-1")
    surrogate["begeleiding"]["medical"]["gp"]["name"] = "Dr. \ud800"
    stop = {"kind": "stop", "messageId": "h-9", "mbe": MBE, "vsbReference": "VSB-2024-0000001"}
    stop["stop"] = {
        "date": "2024-03-20",
        "reason": "death",
        "interventions": [],
        "firstLineContacts": [],
        "medicalReport": "fine\nthen \x1b[2J\u202e",
    }
    repeat = status_query(INSZ_180, "h-5")
    mbe.post("/v1/insurance-status", repeat)
    return [
        (_send(mbe, "/v1/requests", surrogate), 422, "/begeleiding/medical/gp/name"),
        (server.caller(None).post("/test/reset", content=_nested(1000), headers=JSON), 400, ""),
        (
            staff.post(f"/v1/zorgkassen/180/reviews/{HUGE_IDS[1]}/decision", {}),
            404,
            "/path/reviewId",
        ),
        (
            staff.post(f"/v1/zorgkassen/180/billing-reviews/{HUGE_IDS[1]}/decision", {}),
            404,
            "/path/reviewId",
        ),
        (mbe.get("/v1/feed", params={"after": "²"}), 400, "/query/after"),
        (_send(mbe, "/v1/changes", stop), 422, "/stop/medicalReport"),
        (mbe.post("/v1/insurance-status", status_query(WRONG_CHECK_DIGIT, "h-10")), 200, "/insz"),
        (mbe.post("/v1/insurance-status", {**repeat, "date": "2024-03-05"}), 200, "/messageId"),
    ]


def test_hostile_inputs_get_answers_naming_the_field_and_every_queue_and_feed_still_answers(
    server: LiveServer,
) -> None:
    for response, status, pointer in _hostile_inputs(server):
        assert response.status_code == status, response.text
        errors = response.json()["errors"]
        assert pointer in {e["pointer"] for e in errors}, (pointer, errors)
    for zorgkas in sorted(ZORGKASSEN):
        assert server.staff(zorgkas).get(f"/v1/zorgkassen/{zorgkas}/reviews").status_code == 200
    for mbe in load_mbes(FIXTURES / "mbes.toml"):
        if mbe.cot_declaration:
            assert server.mbe(mbe.hco).get("/v1/feed").status_code == 200
