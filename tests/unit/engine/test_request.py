"""Requests for intervention (domain.md §3, §7): REQ-RQ-*."""

from __future__ import annotations

import datetime as dt
import re

import pytest

from tests.engine_support import (
    MBE_A,
    MBE_B,
    MBE_C,
    assert_accepted,
    assert_refused,
    cancel_request,
    open_begeleiding,
    persons,
    request,
    requirements,
    stop_begeleiding,
)
from vsb.clock import FixedClock
from vsb.engine import CentralApplication
from vsb.rulebook import rulebook_for

P = persons()
PATIENT = P["affiliated_180_official"]
DEADLINE = int(rulebook_for(dt.date(2024, 3, 10)).value("request_deadline_days"))


def test_request_on_the_last_day_of_the_deadline_is_accepted(
    app: CentralApplication, clock: FixedClock
) -> None:
    start = dt.date(2024, 2, 1)
    clock.set(start + dt.timedelta(days=DEADLINE))
    assert_accepted(app.handle(request(MBE_A, PATIENT, start)))


def test_request_one_day_after_the_deadline_is_refused(
    app: CentralApplication, clock: FixedClock
) -> None:
    start = dt.date(2024, 2, 1)
    clock.set(start + dt.timedelta(days=DEADLINE + 1))
    answer = app.handle(request(MBE_A, PATIENT, start))
    assert_refused(answer, "REQ-RQ-DEADLINE", "/begeleiding/startDate")
    assert requirements(answer) == ["REQ-RQ-DEADLINE"]


def test_request_starting_today_is_accepted(app: CentralApplication) -> None:
    assert_accepted(app.handle(request(MBE_A, PATIENT, "2024-03-10")))


def test_request_starting_tomorrow_is_refused_as_future(app: CentralApplication) -> None:
    answer = app.handle(request(MBE_A, PATIENT, "2024-03-11"))
    assert_refused(answer, "REQ-RQ-START-NOT-FUTURE", "/begeleiding/startDate")


def test_accepted_request_gets_a_reference_of_the_year_of_acceptance(
    app: CentralApplication,
) -> None:
    reference = open_begeleiding(app, MBE_A, PATIENT)
    assert re.fullmatch(r"VSB-2024-[0-9]{7}", reference)


def test_references_are_unique_across_patients_and_mbes(app: CentralApplication) -> None:
    keys = [
        "affiliated_180_official",
        "affiliated_280_official",
        "affiliated_380_official",
        "affiliated_480_official",
    ]
    references = [
        open_begeleiding(app, mbe, P[key])
        for key, mbe in zip(keys, [MBE_A, MBE_B, MBE_C, MBE_A], strict=True)
    ]
    assert len(set(references)) == len(references)


def test_new_request_at_the_same_mbe_after_a_stop_is_refused_as_type_new(
    app: CentralApplication,
) -> None:
    reference = open_begeleiding(app, MBE_A, PATIENT, "2024-03-01")
    stop_begeleiding(app, MBE_A, reference, "2024-03-05")
    answer = app.handle(request(MBE_A, PATIENT, "2024-03-06", "new"))
    assert_refused(answer, "REQ-RQ-TYPE-NEW", "/begeleiding/requestType")


def test_restart_at_the_same_mbe_after_a_stop_is_accepted(app: CentralApplication) -> None:
    first = open_begeleiding(app, MBE_A, PATIENT, "2024-03-01")
    stop_begeleiding(app, MBE_A, first, "2024-03-05")
    second = open_begeleiding(app, MBE_A, PATIENT, "2024-03-06", "restart")
    assert second != first


def test_restart_without_an_earlier_begeleiding_at_this_mbe_is_refused(
    app: CentralApplication,
) -> None:
    answer = app.handle(request(MBE_A, PATIENT, "2024-03-01", "restart"))
    assert_refused(answer, "REQ-RQ-TYPE-RESTART", "/begeleiding/requestType")


def test_restart_at_another_mbe_than_the_stopped_one_is_refused(app: CentralApplication) -> None:
    reference = open_begeleiding(app, MBE_A, PATIENT, "2024-03-01")
    stop_begeleiding(app, MBE_A, reference, "2024-03-05")
    answer = app.handle(request(MBE_B, PATIENT, "2024-03-06", "restart"))
    assert_refused(answer, "REQ-RQ-TYPE-RESTART")


def test_restart_while_still_open_is_refused_as_one_open(app: CentralApplication) -> None:
    open_begeleiding(app, MBE_A, PATIENT, "2024-03-01")
    answer = app.handle(request(MBE_A, PATIENT, "2024-03-06", "restart"))
    assert_refused(answer, "REQ-RQ-ONE-OPEN", "/insz")


def test_new_request_at_another_mbe_while_open_is_refused(app: CentralApplication) -> None:
    open_begeleiding(app, MBE_A, PATIENT, "2024-03-01")
    answer = app.handle(request(MBE_B, PATIENT, "2024-03-06"))
    assert_refused(answer, "REQ-RQ-ONE-OPEN", "/insz")


def test_new_request_at_another_mbe_is_accepted_after_the_first_mbe_stops(
    app: CentralApplication,
) -> None:
    reference = open_begeleiding(app, MBE_A, PATIENT, "2024-03-01")
    stop_begeleiding(app, MBE_A, reference, "2024-03-05", reason="other-mbe")
    open_begeleiding(app, MBE_B, PATIENT, "2024-03-06")


def test_new_request_starting_before_the_earlier_stop_date_is_refused_as_overlap(
    app: CentralApplication,
) -> None:
    reference = open_begeleiding(app, MBE_A, PATIENT, "2024-03-01")
    stop_begeleiding(app, MBE_A, reference, "2024-03-05", reason="other-mbe")
    answer = app.handle(request(MBE_B, PATIENT, "2024-03-04"))
    assert_refused(answer, "REQ-RQ-OVERLAP", "/begeleiding/startDate")


def test_request_starting_before_an_earlier_begeleiding_is_refused_as_overlap(
    app: CentralApplication,
) -> None:
    reference = open_begeleiding(app, MBE_A, PATIENT, "2024-03-05")
    stop_begeleiding(app, MBE_A, reference, "2024-03-08")
    answer = app.handle(request(MBE_B, PATIENT, "2024-02-20"))
    assert_refused(answer, "REQ-RQ-OVERLAP")


def test_request_after_the_earlier_stop_date_is_accepted(app: CentralApplication) -> None:
    reference = open_begeleiding(app, MBE_A, PATIENT, "2024-03-01")
    stop_begeleiding(app, MBE_A, reference, "2024-03-05")
    open_begeleiding(app, MBE_B, PATIENT, "2024-03-06")


def test_new_request_after_a_cancelled_one_at_the_same_mbe_is_accepted(
    app: CentralApplication,
) -> None:
    reference = open_begeleiding(app, MBE_A, PATIENT, "2024-03-01")
    assert_accepted(app.handle(cancel_request(MBE_A, reference)))
    open_begeleiding(app, MBE_A, PATIENT, "2024-03-02", "new")


@pytest.mark.parametrize(
    ("field", "pointer"),
    [
        ("diagnosis", "/begeleiding/medical/diagnosis"),
        ("referral", "/begeleiding/medical/referral"),
        ("origin", "/begeleiding/medical/origin"),
    ],
)
def test_medical_code_outside_its_code_list_is_refused(
    app: CentralApplication, field: str, pointer: str
) -> None:
    message = request(MBE_A, PATIENT, "2024-03-01")
    message["begeleiding"]["medical"][field] = "not-a-code"
    answer = app.handle(message)
    assert_refused(answer, "REQ-RQ-CODELIST", pointer)
    assert requirements(answer) == ["REQ-RQ-CODELIST"]


def test_accident_code_outside_its_code_list_is_refused(app: CentralApplication) -> None:
    answer = app.handle(request(MBE_A, PATIENT, "2024-03-01", accidentCode="car-crash"))
    assert_refused(answer, "REQ-RQ-CODELIST", "/begeleiding/accidentCode")


def test_every_code_of_the_lists_is_accepted_in_a_request(app: CentralApplication) -> None:
    book = rulebook_for(dt.date(2024, 3, 10))
    message = request(
        MBE_A, PATIENT, "2024-03-01", accidentCode=list(book.codelists["accident_code"])[-1]
    )
    message["begeleiding"]["medical"].update(
        diagnosis=list(book.codelists["diagnosis"])[-1],
        referral=list(book.codelists["referral"])[-1],
        origin=list(book.codelists["origin"])[-1],
    )
    assert_accepted(app.handle(message))


def test_several_broken_rules_are_all_named(app: CentralApplication) -> None:
    message = request(MBE_A, PATIENT, "2024-03-11", accidentCode="car-crash")
    message["begeleiding"]["medical"]["diagnosis"] = "flu"
    answer = app.handle(message)
    assert sorted(requirements(answer)) == [
        "REQ-RQ-CODELIST",
        "REQ-RQ-CODELIST",
        "REQ-RQ-START-NOT-FUTURE",
    ]
