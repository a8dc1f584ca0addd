"""Changes to an accepted request (domain.md §4): REQ-CH-*."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from tests.engine_support import (
    MBE_A,
    MBE_B,
    admin_change,
    assert_accepted,
    assert_refused,
    assert_under_review,
    cancel_request,
    cancel_stop,
    open_begeleiding,
    persons,
    request,
    stop,
    stop_begeleiding,
    table,
)
from vsb.answers import Error
from vsb.clock import FixedClock
from vsb.engine import CentralApplication
from vsb.rulebook import rulebook_for

P = persons()
PATIENT = P["affiliated_380_official"]
WINDOW = int(rulebook_for(dt.date(2024, 3, 10)).value("late_change_window_days"))
CHANGES = {
    "cancel-request": lambda ref: cancel_request(MBE_A, ref),
    "admin-change": lambda ref: admin_change(MBE_A, ref),
    "stop": lambda ref: stop(MBE_A, ref, "2024-03-05"),
    "cancel-stop": lambda ref: cancel_stop(MBE_A, ref),
}


def _contact(app: CentralApplication, reference: str) -> Any:
    begeleiding = app.store.begeleiding_by_reference(reference)
    assert begeleiding is not None
    return begeleiding


def _without_reference(answer: dict[str, Any], reference: str) -> list[dict[str, str]]:
    return [{k: v.replace(reference, "<ref>") for k, v in e.items()} for e in answer["errors"]]


@pytest.mark.parametrize("kind", sorted(CHANGES))
def test_change_with_an_unknown_reference_is_refused(app: CentralApplication, kind: str) -> None:
    answer = app.handle(CHANGES[kind]("VSB-2024-0999999"))
    assert_refused(answer, "REQ-CH-REFERENCE", "/vsbReference")
    assert "vsbReference" not in answer


@pytest.mark.parametrize("kind", sorted(CHANGES))
def test_change_to_another_mbes_reference_is_refused_exactly_like_an_unknown_one(
    app: CentralApplication, kind: str
) -> None:
    theirs = open_begeleiding(app, MBE_B, PATIENT)
    unknown = "VSB-2024-0999999"
    before = table(app, "begeleidingen")
    foreign = app.handle(CHANGES[kind](theirs))
    missing = app.handle(CHANGES[kind](unknown))
    assert_refused(foreign, "REQ-CH-REFERENCE", "/vsbReference")
    assert set(foreign) == set(missing)
    assert _without_reference(foreign, theirs) == _without_reference(missing, unknown)
    assert table(app, "begeleidingen") == before


def test_cancelled_reference_of_another_mbe_is_refused_like_an_unknown_one(
    app: CentralApplication,
) -> None:
    theirs = open_begeleiding(app, MBE_B, PATIENT)
    assert_accepted(app.handle(cancel_request(MBE_B, theirs)))
    answer = app.handle(admin_change(MBE_A, theirs))
    assert_refused(answer, "REQ-CH-REFERENCE", "/vsbReference")


def test_cancel_request_is_accepted_and_frees_the_patient(app: CentralApplication) -> None:
    reference = open_begeleiding(app, MBE_A, PATIENT)
    answer = app.handle(cancel_request(MBE_A, reference))
    assert assert_accepted(answer) == reference
    open_begeleiding(app, MBE_B, PATIENT, "2024-03-02")


@pytest.mark.parametrize("kind", sorted(CHANGES))
def test_any_change_after_a_cancel_is_refused(app: CentralApplication, kind: str) -> None:
    reference = open_begeleiding(app, MBE_A, PATIENT)
    assert_accepted(app.handle(cancel_request(MBE_A, reference)))
    assert_refused(app.handle(CHANGES[kind](reference)), "REQ-CH-CANCEL", "/vsbReference")


def test_cancel_of_a_billed_request_is_refused_by_its_guard(app: CentralApplication) -> None:
    reference = open_begeleiding(app, MBE_A, PATIENT)

    def billed(ctx: Any, begeleiding: Any) -> Error | None:
        return Error("REQ-CH-CANCEL-BILLED", "/vsbReference", f"{begeleiding.reference} billed")

    app.cancel_guards.append(billed)
    before = table(app, "begeleidingen")
    answer = app.handle(cancel_request(MBE_A, reference))
    assert_refused(answer, "REQ-CH-CANCEL-BILLED", "/vsbReference")
    assert answer["vsbReference"] == reference
    assert table(app, "begeleidingen") == before


def test_admin_change_of_the_contact_person_is_applied(app: CentralApplication) -> None:
    reference = open_begeleiding(app, MBE_A, PATIENT)
    answer = app.handle(admin_change(MBE_A, reference, contact_name="Els Wuyts"))
    assert assert_accepted(answer) == reference
    assert _contact(app, reference).contact == {"name": "Els Wuyts"}


def test_admin_change_of_the_accident_code_is_applied(app: CentralApplication) -> None:
    reference = open_begeleiding(app, MBE_A, PATIENT)
    message = admin_change(MBE_A, reference, contact_name=None, accident_code="work-accident")
    assert_accepted(app.handle(message))
    assert _contact(app, reference).accident_code == "work-accident"
    assert _contact(app, reference).contact["name"] == "An Peeters"


def test_admin_change_with_an_accident_code_outside_the_list_is_refused(
    app: CentralApplication,
) -> None:
    reference = open_begeleiding(app, MBE_A, PATIENT)
    message = admin_change(MBE_A, reference, accident_code="car-crash")
    assert_refused(app.handle(message), "REQ-CH-ADMIN", "/accidentCode")
    assert _contact(app, reference).contact["name"] == "An Peeters"


def test_admin_change_without_any_change_is_refused_for_its_shape(app: CentralApplication) -> None:
    reference = open_begeleiding(app, MBE_A, PATIENT)
    message = admin_change(MBE_A, reference, contact_name=None)
    assert_refused(app.handle(message), "REQ-MSG-SCHEMA", "")


def _closed(app: CentralApplication, clock: FixedClock) -> tuple[str, dt.date]:
    reference = open_begeleiding(app, MBE_A, PATIENT, "2024-03-01")
    stop_begeleiding(app, MBE_A, reference, "2024-03-08")
    return reference, clock.now().date()


def test_change_on_the_last_day_of_the_late_window_is_processed_automatically(
    app: CentralApplication, clock: FixedClock
) -> None:
    reference, closed = _closed(app, clock)
    clock.set(closed + dt.timedelta(days=WINDOW))
    assert_accepted(app.handle(admin_change(MBE_A, reference)))
    assert app.review_queue(380) == []


def test_change_one_day_after_the_late_window_goes_under_review_at_the_patients_zorgkas(
    app: CentralApplication, clock: FixedClock
) -> None:
    reference, closed = _closed(app, clock)
    clock.set(closed + dt.timedelta(days=WINDOW + 1))
    message = admin_change(MBE_A, reference, contact_name="Late Contact")
    answer = app.handle(message)
    assert_under_review(answer, "REQ-CH-LATE-WINDOW", 380)
    assert answer["vsbReference"] == reference
    assert [i.message_id for i in app.review_queue(380)] == [message["messageId"]]
    assert _contact(app, reference).contact["name"] == "An Peeters"


def test_late_window_counts_from_the_day_the_stop_was_accepted_not_the_stop_date(
    app: CentralApplication, clock: FixedClock
) -> None:
    reference = open_begeleiding(app, MBE_A, PATIENT, "2024-03-01")
    clock.set(dt.date(2024, 3, 20))
    stop_begeleiding(app, MBE_A, reference, "2024-03-02")
    clock.set(dt.date(2024, 3, 20) + dt.timedelta(days=WINDOW))
    assert_accepted(app.handle(cancel_stop(MBE_A, reference)))


def test_change_while_another_message_is_under_review_is_refused(
    app: CentralApplication, clock: FixedClock
) -> None:
    reference, closed = _closed(app, clock)
    clock.set(closed + dt.timedelta(days=WINDOW + 1))
    assert_under_review(app.handle(admin_change(MBE_A, reference)), "REQ-CH-LATE-WINDOW")
    before = table(app, "begeleidingen"), table(app, "reviews")
    for make in (
        lambda: cancel_stop(MBE_A, reference),
        lambda: cancel_request(MBE_A, reference),
        lambda: admin_change(MBE_A, reference, contact_name="Other"),
    ):
        assert_refused(app.handle(make()), "REQ-CH-ONE-IN-PROCESSING", "/vsbReference")
    assert (table(app, "begeleidingen"), table(app, "reviews")) == before


def test_another_mbe_may_start_while_a_late_change_is_under_review(
    app: CentralApplication, clock: FixedClock
) -> None:
    reference, closed = _closed(app, clock)
    clock.set(closed + dt.timedelta(days=WINDOW + 1))
    assert_under_review(app.handle(cancel_stop(MBE_A, reference)), "REQ-CH-LATE-WINDOW")
    assert_accepted(app.handle(request(MBE_B, PATIENT, "2024-03-12")))
