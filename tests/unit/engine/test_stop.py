"""Stops and cancelled stops (domain.md §4): REQ-ST-*, REQ-CS-*."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from tests.engine_support import (
    MBE_A,
    MBE_B,
    assert_accepted,
    assert_refused,
    cancel_stop,
    open_begeleiding,
    persons,
    requirements,
    stop,
    stop_begeleiding,
)
from vsb.engine import CentralApplication
from vsb.rulebook import rulebook_for

P = persons()
PATIENT = P["affiliated_680_official"]
BOOK = rulebook_for(dt.date(2024, 3, 10))


@pytest.fixture
def reference(app: CentralApplication) -> str:
    """An open begeleiding of PATIENT at MBE_A, started on 2024-03-01."""
    return open_begeleiding(app, MBE_A, PATIENT, "2024-03-01")


def _status(app: CentralApplication, reference: str) -> Any:
    begeleiding = app.store.begeleiding_by_reference(reference)
    assert begeleiding is not None
    return begeleiding


@pytest.mark.parametrize("place", list(BOOK.codelists["place_of_death"]))
def test_stop_because_of_death_at_each_place_is_accepted(
    app: CentralApplication, reference: str, place: str
) -> None:
    answer = app.handle(stop(MBE_A, reference, "2024-03-08", "death", place))
    assert assert_accepted(answer) == reference
    state = _status(app, reference)
    assert (state.status, state.stop_date, state.closed_on) == (
        "stopped",
        dt.date(2024, 3, 8),
        dt.date(2024, 3, 10),
    )


@pytest.mark.parametrize("reason", [r for r in BOOK.codelists["stop_reason"] if r != "death"])
def test_stop_for_every_other_reason_without_place_of_death_is_accepted(
    app: CentralApplication, reference: str, reason: str
) -> None:
    assert_accepted(app.handle(stop(MBE_A, reference, "2024-03-08", reason, None)))


def test_stop_because_of_death_without_place_of_death_is_refused(
    app: CentralApplication, reference: str
) -> None:
    answer = app.handle(stop(MBE_A, reference, "2024-03-08", "death", None))
    assert_refused(answer, "REQ-ST-DEATH-PLACE", "/stop/placeOfDeath")
    assert _status(app, reference).status == "open"


def test_stop_because_of_death_with_a_null_place_of_death_is_refused(
    app: CentralApplication, reference: str
) -> None:
    answer = app.handle(stop(MBE_A, reference, "2024-03-08", "death", None, placeOfDeath=None))
    assert_refused(answer, "REQ-ST-DEATH-PLACE", "/stop/placeOfDeath")


def test_place_of_death_with_another_stop_reason_is_refused(
    app: CentralApplication, reference: str
) -> None:
    answer = app.handle(stop(MBE_A, reference, "2024-03-08", "hospital-admission", "hospital"))
    assert_refused(answer, "REQ-ST-DEATH-PLACE", "/stop/placeOfDeath")


@pytest.mark.parametrize(
    ("fields", "pointer"),
    [
        ({"reason": "holiday"}, "/stop/reason"),
        ({"placeOfDeath": "garden"}, "/stop/placeOfDeath"),
        ({"nonBillingReason": "too-expensive"}, "/stop/nonBillingReason"),
        ({"interventions": [{"type": "massage", "count": 1}]}, "/stop/interventions/0/type"),
        (
            {
                "firstLineContacts": [
                    {"providerType": "dentist", "interventionType": "consultation", "count": 1}
                ]
            },
            "/stop/firstLineContacts/0/providerType",
        ),
        (
            {"firstLineContacts": [{"providerType": "gp", "interventionType": "chat", "count": 1}]},
            "/stop/firstLineContacts/0/interventionType",
        ),
        (
            {
                "interventions": [
                    {"type": "home-visit", "count": 1},
                    {"type": "home-visit", "count": 2},
                ]
            },
            "/stop/interventions/1/type",
        ),
        (
            {
                "firstLineContacts": [
                    {"providerType": "gp", "interventionType": "consultation", "count": 1},
                    {"providerType": "gp", "interventionType": "consultation", "count": 2},
                ]
            },
            "/stop/firstLineContacts/1",
        ),
    ],
    ids=[
        "reason",
        "place",
        "non-billing",
        "intervention",
        "provider",
        "contact-intervention",
        "intervention-twice",
        "pair-twice",
    ],
)
def test_stop_with_a_code_outside_its_list_or_counted_twice_is_refused(
    app: CentralApplication, reference: str, fields: dict[str, Any], pointer: str
) -> None:
    message = stop(MBE_A, reference, "2024-03-08", "death", "home")
    message["stop"].update(fields)
    answer = app.handle(message)
    assert answer["outcome"] == "refused"
    assert "REQ-ST-CODELIST" in requirements(answer)
    assert any(
        e["requirement"] == "REQ-ST-CODELIST" and e["pointer"] == pointer for e in answer["errors"]
    ), answer
    assert _status(app, reference).status == "open"


def test_stop_with_every_listed_type_and_a_non_billing_reason_is_accepted(
    app: CentralApplication, reference: str
) -> None:
    types = list(BOOK.codelists["intervention_type"])
    message = stop(
        MBE_A,
        reference,
        "2024-03-08",
        "stabilised",
        None,
        nonBillingReason=next(iter(BOOK.codelists["non_billing_reason"])),
        interventions=[{"type": t, "count": 1} for t in types],
        firstLineContacts=[
            {"providerType": p, "interventionType": types[0], "count": 2}
            for p in BOOK.codelists["provider_type"]
        ],
        medicalReport="Rustig overleden.",
    )
    assert_accepted(app.handle(message))


def test_stop_without_interventions_and_contacts_is_accepted(
    app: CentralApplication, reference: str
) -> None:
    message = stop(
        MBE_A, reference, "2024-03-08", "moved", None, interventions=[], firstLineContacts=[]
    )
    assert_accepted(app.handle(message))


def test_stop_missing_its_first_line_contacts_is_refused_for_its_shape(
    app: CentralApplication, reference: str
) -> None:
    message = stop(MBE_A, reference, "2024-03-08", "moved", None)
    del message["stop"]["firstLineContacts"]
    assert_refused(app.handle(message), "REQ-MSG-SCHEMA", "/stop")


def test_stop_on_the_start_date_is_accepted(app: CentralApplication, reference: str) -> None:
    assert_accepted(app.handle(stop(MBE_A, reference, "2024-03-01", "refusal", None)))


def test_stop_before_the_start_date_is_refused(app: CentralApplication, reference: str) -> None:
    answer = app.handle(stop(MBE_A, reference, "2024-02-29", "refusal", None))
    assert_refused(answer, "REQ-ST-DATE", "/stop/date")


def test_stop_dated_today_is_accepted(app: CentralApplication, reference: str) -> None:
    assert_accepted(app.handle(stop(MBE_A, reference, "2024-03-10", "refusal", None)))


def test_stop_dated_tomorrow_is_refused(app: CentralApplication, reference: str) -> None:
    answer = app.handle(stop(MBE_A, reference, "2024-03-11", "refusal", None))
    assert_refused(answer, "REQ-ST-DATE", "/stop/date")


def test_second_stop_is_refused(app: CentralApplication, reference: str) -> None:
    stop_begeleiding(app, MBE_A, reference, "2024-03-05")
    answer = app.handle(stop(MBE_A, reference, "2024-03-08", "death", "home"))
    assert_refused(answer, "REQ-ST-ONCE", "/vsbReference")
    assert answer["vsbReference"] == reference
    assert _status(app, reference).stop_date == dt.date(2024, 3, 5)


def test_cancel_stop_reopens_the_begeleiding_which_may_then_be_stopped_again(
    app: CentralApplication, reference: str
) -> None:
    stop_begeleiding(app, MBE_A, reference, "2024-03-05")
    assert assert_accepted(app.handle(cancel_stop(MBE_A, reference))) == reference
    state = _status(app, reference)
    assert (state.status, state.stop_date, state.closed_on, state.stop) == (
        "open",
        None,
        None,
        None,
    )
    stop_begeleiding(app, MBE_A, reference, "2024-03-09", "death")


def test_cancel_stop_of_an_open_begeleiding_is_refused(
    app: CentralApplication, reference: str
) -> None:
    assert_refused(app.handle(cancel_stop(MBE_A, reference)), "REQ-CS-STOPPED", "/vsbReference")


def test_cancel_stop_twice_is_refused(app: CentralApplication, reference: str) -> None:
    stop_begeleiding(app, MBE_A, reference, "2024-03-05")
    assert_accepted(app.handle(cancel_stop(MBE_A, reference)))
    assert_refused(app.handle(cancel_stop(MBE_A, reference)), "REQ-CS-STOPPED")


def test_cancel_stop_after_the_patient_started_at_another_mbe_is_refused(
    app: CentralApplication, reference: str
) -> None:
    stop_begeleiding(app, MBE_A, reference, "2024-03-05", "other-mbe")
    open_begeleiding(app, MBE_B, PATIENT, "2024-03-06")
    answer = app.handle(cancel_stop(MBE_A, reference))
    assert_refused(answer, "REQ-CS-STOPPED", "/vsbReference")
    assert _status(app, reference).status == "stopped"


def test_restart_after_stop_is_accepted_and_the_old_stop_cannot_be_cancelled(
    app: CentralApplication, reference: str
) -> None:
    stop_begeleiding(app, MBE_A, reference, "2024-03-05", "hospital-admission")
    open_begeleiding(app, MBE_A, PATIENT, "2024-03-07", "restart")
    assert_refused(app.handle(cancel_stop(MBE_A, reference)), "REQ-CS-STOPPED")
