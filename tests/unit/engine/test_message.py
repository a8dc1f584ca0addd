"""Messages and answers in general (docs/messages.md): REQ-MSG-*."""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import pytest

from tests.engine_support import (
    FIXTURES,
    MBE_A,
    MBE_B,
    assert_accepted,
    assert_refused,
    assert_valid,
    cancel_request,
    open_begeleiding,
    persons,
    pointers,
    request,
    requirements,
    stop,
    table,
)
from vsb.catalogue import load_catalogue
from vsb.clock import FixedClock
from vsb.engine import CentralApplication

P = persons()
PATIENT = P["affiliated_580_official"]
EXAMPLES = FIXTURES / "messages"
INBOUND_KINDS = (
    "request",
    "cancel-request",
    "admin-change",
    "stop",
    "cancel-stop",
    "insurance-status-query",
)
VALID = sorted(p for kind in INBOUND_KINDS for p in (EXAMPLES / kind / "valid").glob("*.json"))
INVALID = sorted(p for kind in INBOUND_KINDS for p in (EXAMPLES / kind / "invalid").glob("*.json"))


def _name(path: Path) -> str:
    return f"{path.parts[-3]}/{path.stem}"


def _domain(app: CentralApplication) -> tuple[Any, ...]:
    return table(app, "begeleidingen"), table(app, "reviews")


def test_there_are_valid_and_invalid_examples_for_every_inbound_kind() -> None:
    assert {p.parts[-3] for p in VALID} == set(INBOUND_KINDS)
    assert {p.parts[-3] for p in INVALID} == set(INBOUND_KINDS)


@pytest.mark.parametrize("path", VALID, ids=_name)
def test_valid_example_is_not_refused_for_its_shape(app: CentralApplication, path: Path) -> None:
    answer = app.handle(json.loads(path.read_text("utf-8")))
    assert "REQ-MSG-SCHEMA" not in requirements(answer), answer


@pytest.mark.parametrize("path", INVALID, ids=_name)
def test_invalid_example_is_refused_for_its_shape_at_the_expected_pointer(
    app: CentralApplication, path: Path
) -> None:
    example = json.loads(path.read_text("utf-8"))
    answer = app.handle(example["message"])
    assert answer["outcome"] == "refused"
    assert set(requirements(answer)) == {"REQ-MSG-SCHEMA"}
    if example["message"].get("kind") == path.parts[-3]:
        # the engine picks the schema by kind; a wrong kind is checked against another schema
        assert example["expect"]["pointer"] in pointers(answer)


@pytest.mark.parametrize(
    "path",
    [p for p in INVALID if "message-id" not in p.stem and "missing-kind" not in p.stem],
    ids=_name,
)
def test_refusal_of_an_invalid_example_is_a_valid_answer(
    app: CentralApplication, path: Path
) -> None:
    example = json.loads(path.read_text("utf-8"))
    answer = app.handle(example["message"])
    assert_valid("answer", answer)
    assert answer["inReplyTo"] == example["message"]["messageId"]


@pytest.mark.parametrize(
    "message",
    [
        {"kind": "request"},
        {"kind": "request", "messageId": 123, "mbe": MBE_A},
        {
            "kind": "cancel-request",
            "messageId": "",
            "mbe": MBE_A,
            "vsbReference": "VSB-2024-0000001",
        },
        "not an object",
    ],
    ids=["missing", "not-a-string", "empty", "not-an-object"],
)
def test_refusal_of_a_message_without_an_id_is_a_valid_answer(
    app: CentralApplication, message: object
) -> None:
    assert_refused(app.handle(message), "REQ-MSG-SCHEMA")


@pytest.mark.parametrize(
    "message_id", ["x" * 65, "has space", "line\n"], ids=["too-long", "space", "newline"]
)
def test_refusal_of_a_message_with_a_malformed_id_is_a_valid_answer(
    app: CentralApplication, message_id: str
) -> None:
    message = cancel_request(MBE_A, "VSB-2024-0000001")
    message["messageId"] = message_id
    assert_refused(app.handle(message), "REQ-MSG-SCHEMA", "/messageId")


@pytest.mark.parametrize(
    ("message", "pointer"),
    [
        ({"kind": "unknown"}, "/kind"),
        ({"messageId": "m-1"}, ""),
        ([], ""),
    ],
)
def test_message_that_is_not_an_inbound_kind_is_refused_for_its_shape(
    app: CentralApplication, message: object, pointer: str
) -> None:
    answer = app.handle(message)
    assert answer["outcome"] == "refused"
    assert requirements(answer) == ["REQ-MSG-SCHEMA"]
    assert pointers(answer) == [pointer]


def test_unexpected_field_is_refused_at_that_field(app: CentralApplication) -> None:
    message = request(MBE_A, PATIENT, "2024-03-01", remark="typo")
    answer = app.handle(message)
    assert_refused(answer, "REQ-MSG-SCHEMA", "/begeleiding/remark")


def test_every_answer_has_a_new_answer_id_and_the_time_of_the_clock(
    app: CentralApplication, clock: FixedClock
) -> None:
    first = app.handle(request(MBE_A, PATIENT, "2024-03-01"))
    clock.advance(days=1)
    second = app.handle(request(MBE_B, P["affiliated_580_official_2"], "2024-03-01"))
    assert first["answerId"] != second["answerId"]
    assert first["answeredAt"] == "2024-03-10T09:00:00+01:00"
    assert second["answeredAt"] == "2024-03-11T09:00:00+01:00"


def test_same_message_sent_twice_gets_the_identical_answer_and_is_processed_once(
    app: CentralApplication, clock: FixedClock
) -> None:
    message = request(MBE_A, PATIENT, "2024-03-01")
    first = app.handle(message)
    clock.advance(days=2)
    again = app.handle(copy.deepcopy(message))
    assert again == first
    assert len(table(app, "begeleidingen")) == 1
    assert len(table(app, "messages")) == 1


def test_same_refused_message_sent_twice_gets_the_identical_refusal(
    app: CentralApplication,
) -> None:
    message = request(MBE_A, PATIENT, "2024-03-11")
    assert app.handle(message) == app.handle(message)


def test_same_message_id_with_other_content_is_refused_and_changes_nothing(
    app: CentralApplication,
) -> None:
    message = request(MBE_A, PATIENT, "2024-03-01")
    original = app.handle(message)
    before = _domain(app)
    other = request(
        MBE_A, P["affiliated_580_official_2"], "2024-03-01", message_id=message["messageId"]
    )
    answer = app.handle(other)
    assert_refused(answer, "REQ-MSG-IDEMPOTENT", "/messageId")
    assert answer["inReplyTo"] == message["messageId"]
    assert _domain(app) == before
    assert app.handle(message) == original


def test_same_message_id_from_two_mbes_is_two_messages(app: CentralApplication) -> None:
    first = request(MBE_A, PATIENT, "2024-03-01", message_id="same-1")
    second = request(MBE_B, P["affiliated_580_official_2"], "2024-03-01", message_id="same-1")
    assert assert_accepted(app.handle(first)) != assert_accepted(app.handle(second))


def test_every_refusal_names_catalogue_requirements_and_pointers(app: CentralApplication) -> None:
    reference = open_begeleiding(app, MBE_A, PATIENT)
    refused = [
        app.handle(request(MBE_A, PATIENT, "2023-12-01")),
        app.handle(request(MBE_B, PATIENT, "2024-03-02")),
        app.handle(stop(MBE_A, reference, "2024-02-01")),
        app.handle(cancel_request(MBE_B, reference)),
        app.handle({"kind": "stop", "messageId": "s", "mbe": MBE_A}),
    ]
    catalogue = load_catalogue()
    for answer in refused:
        assert_valid("answer", answer)
        assert answer["outcome"] == "refused" and answer["errors"]
        for error in answer["errors"]:
            assert error["requirement"] in catalogue
            assert error["message"]
            assert error["pointer"] == "" or error["pointer"].startswith("/")


@pytest.mark.parametrize(
    "make",
    [
        lambda ref: request(MBE_A, PATIENT, "2024-03-02"),
        lambda ref: request(MBE_B, P["affiliated_580_official_2"], "2023-12-31"),
        lambda ref: stop(MBE_A, ref, "2024-03-11"),
        lambda ref: stop(MBE_A, ref, "2024-03-05", reason="death", place_of_death=None),
        lambda ref: cancel_request(MBE_B, ref),
        lambda ref: {
            "kind": "admin-change",
            "messageId": "ac-x",
            "mbe": MBE_A,
            "vsbReference": ref,
            "accidentCode": "nope",
        },
        lambda ref: {"kind": "cancel-stop", "messageId": "cs-x", "mbe": MBE_A, "vsbReference": ref},
    ],
    ids=[
        "one-open",
        "transition",
        "stop-future",
        "death-place",
        "other-mbe",
        "admin-code",
        "cancel-stop-open",
    ],
)
def test_refused_message_changes_nothing(app: CentralApplication, make: Any) -> None:
    reference = open_begeleiding(app, MBE_A, PATIENT)
    before = _domain(app)
    answer = app.handle(make(reference))
    assert answer["outcome"] == "refused"
    assert _domain(app) == before
