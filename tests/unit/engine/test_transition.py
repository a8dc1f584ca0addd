"""The transition on 1 January 2024 (domain.md §6): REQ-TR-*."""

from __future__ import annotations

import datetime as dt

from tests.engine_support import MBE_A, assert_accepted, assert_refused, persons, request
from vsb.clock import FixedClock
from vsb.engine import CentralApplication
from vsb.rulebook import rulebook_for

TRANSITION = rulebook_for(dt.date(2024, 1, 1)).date("transition_date")
PATIENT = persons()["affiliated_280_official"]


def test_request_for_a_begeleiding_started_the_day_before_the_transition_is_refused(
    app: CentralApplication, clock: FixedClock
) -> None:
    clock.set(TRANSITION + dt.timedelta(days=3))
    answer = app.handle(request(MBE_A, PATIENT, TRANSITION - dt.timedelta(days=1)))
    assert_refused(answer, "REQ-TR-BEFORE", "/begeleiding/startDate")


def test_request_for_a_begeleiding_started_on_the_transition_date_is_accepted(
    app: CentralApplication, clock: FixedClock
) -> None:
    clock.set(TRANSITION + dt.timedelta(days=3))
    reference = assert_accepted(app.handle(request(MBE_A, PATIENT, TRANSITION)))
    assert reference is not None and reference.startswith("VSB-2024-")


def test_old_begeleiding_is_refused_as_transition_even_when_also_late(
    app: CentralApplication,
) -> None:
    answer = app.handle(request(MBE_A, PATIENT, "2023-12-31"))
    assert_refused(answer, "REQ-TR-BEFORE", "/begeleiding/startDate")
    assert [e["requirement"] for e in answer["errors"]] == ["REQ-TR-BEFORE"]
