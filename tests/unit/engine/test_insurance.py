"""Insurance status and its check on every request (domain.md §2): REQ-INS-*."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from tests.engine_support import (
    MBE_A,
    MBE_B,
    assert_accepted,
    assert_refused,
    assert_under_review,
    assert_valid,
    persons,
    request,
    status_query,
)
from vsb.clock import FixedClock
from vsb.engine import CentralApplication
from vsb.identifiers import make_rrn

P = persons()
DAY = "2024-03-01"
UNKNOWN = make_rrn(dt.date(1980, 1, 1), 123)

# person key -> (status, zorgkas, affiliationType, period from, period to, reason) on DAY
EXPECTED: dict[str, tuple[Any, ...]] = {
    "affiliated_180_official": ("affiliated", 180, "official", "2001-01-01", None, None),
    "affiliated_180_official_2": ("affiliated", 180, "official", "2001-01-01", None, None),
    "affiliated_180_official_3": ("affiliated", 180, "official", "2001-01-01", None, None),
    "affiliated_280_official": ("affiliated", 280, "official", "2001-01-01", None, None),
    "affiliated_280_official_2": ("affiliated", 280, "official", "2003-01-01", None, None),
    "affiliated_280_official_3": ("affiliated", 280, "official", "2022-01-01", None, None),
    "affiliated_380_official": ("affiliated", 380, "official", "2001-01-01", None, None),
    "affiliated_380_official_2": ("affiliated", 380, "official", "2001-01-01", None, None),
    "affiliated_380_official_3": ("affiliated", 380, "official", "2001-01-01", None, None),
    "affiliated_480_official": ("affiliated", 480, "official", "2001-01-01", None, None),
    "affiliated_480_official_2": ("affiliated", 480, "official", "2001-01-01", None, None),
    "affiliated_480_official_3": ("affiliated", 480, "official", "2001-01-01", None, None),
    "affiliated_580_official": ("affiliated", 580, "official", "2001-01-01", None, None),
    "affiliated_580_official_2": ("affiliated", 580, "official", "2001-01-01", None, None),
    "affiliated_580_official_3": ("affiliated", 580, "official", "2001-01-01", None, None),
    "affiliated_680_official": ("affiliated", 680, "official", "2001-01-01", None, None),
    "affiliated_680_official_2": ("affiliated", 680, "official", "2001-01-01", None, None),
    "affiliated_680_official_3": ("affiliated", 680, "official", "2001-01-01", None, None),
    "wallonia_affiliated_680_administrative": (
        "affiliated",
        680,
        "administrative",
        "2024-01-01",
        None,
        None,
    ),
    "brussels_affiliated_voluntary": ("affiliated", 180, "official", "2019-01-01", None, None),
    "bis_affiliated": ("affiliated", 580, "official", "2015-01-01", None, None),
    "bis_unknown_birth_date_affiliated": (
        "affiliated",
        280,
        "administrative",
        "2023-01-01",
        None,
        None,
    ),
    "not_affiliated_vzv25": ("can-affiliate", None, None, None, None, None),
    "not_affiliated_foreign_insured": ("can-affiliate", None, None, None, None, None),
    "cannot_affiliate_asylum_seeker": (
        "cannot-affiliate",
        None,
        None,
        None,
        None,
        "asylum-seeker-not-recognised",
    ),
    "cannot_affiliate_struck_from_register": (
        "cannot-affiliate",
        None,
        None,
        None,
        None,
        "struck-from-register",
    ),
    "cannot_affiliate_international_official": (
        "cannot-affiliate",
        None,
        None,
        None,
        None,
        "international-official",
    ),
    "cannot_affiliate_temporary_student": (
        "cannot-affiliate",
        None,
        None,
        None,
        None,
        "temporary-non-eu-student",
    ),
    "deceased_affiliated": ("affiliated", 580, "official", "2001-01-01", None, None),
    "increased_allowance_affiliated": ("affiliated", 380, "official", "2001-01-01", None, None),
    "affiliation_ended": ("affiliated", 480, "official", "2001-01-01", "2024-06-30", None),
    "affiliated_from_2025": ("can-affiliate", None, None, None, None, None),
}


def test_every_named_person_has_an_expected_status() -> None:
    assert set(EXPECTED) == set(P)


@pytest.mark.parametrize("key", sorted(EXPECTED))
def test_insurance_status_query_answers_the_situation_of_every_named_person(
    app: CentralApplication, key: str
) -> None:
    query = status_query(MBE_A, P[key], DAY)
    answer = app.handle(query)
    assert_valid("insurance-status-answer", answer)
    status, zorgkas, kind, start, end, reason = EXPECTED[key]
    assert answer["kind"] == "insurance-status-answer"
    assert (answer["inReplyTo"], answer["insz"], answer["date"]) == (
        query["messageId"],
        P[key],
        DAY,
    )
    assert answer["status"] == status
    assert answer.get("zorgkas") == zorgkas
    assert answer.get("affiliationType") == kind
    assert answer.get("period") == (None if start is None else {"from": start, "to": end})
    assert answer.get("reason") == reason


def test_insurance_status_of_an_unknown_person_is_unknown_person(app: CentralApplication) -> None:
    answer = app.handle(status_query(MBE_A, UNKNOWN, DAY))
    assert_valid("insurance-status-answer", answer)
    assert answer["status"] == "unknown-person"
    assert set(answer) == {"kind", "inReplyTo", "insz", "date", "status"}


def test_a_query_with_a_wrong_insz_check_digit_is_refused_naming_insz(
    app: CentralApplication,
) -> None:
    typo = UNKNOWN[:9] + f"{(int(UNKNOWN[9:]) + 1) % 100:02d}"
    answer = app.handle(status_query(MBE_A, typo, DAY))
    assert_valid("answer", answer)
    assert answer["outcome"] == "refused"
    assert [(e["requirement"], e["pointer"]) for e in answer["errors"]] == [
        ("REQ-ID-INSZ", "/insz")
    ]


def test_insurance_status_names_the_death_date(app: CentralApplication) -> None:
    answer = app.handle(status_query(MBE_A, P["deceased_affiliated"], "2024-06-01"))
    assert_valid("insurance-status-answer", answer)
    assert answer["deathDate"] == "2024-05-10"


@pytest.mark.parametrize(
    ("key", "day", "status", "zorgkas"),
    [
        ("affiliated_280_official_3", "2021-12-31", "affiliated", 680),
        ("affiliated_280_official_3", "2022-01-01", "affiliated", 280),
        ("affiliation_ended", "2024-06-30", "affiliated", 480),
        ("affiliation_ended", "2024-07-01", "can-affiliate", None),
        ("affiliated_from_2025", "2024-12-31", "can-affiliate", None),
        ("affiliated_from_2025", "2025-01-01", "affiliated", 580),
    ],
)
def test_insurance_status_depends_on_the_date_asked(
    app: CentralApplication, key: str, day: str, status: str, zorgkas: int | None
) -> None:
    answer = app.handle(status_query(MBE_A, P[key], day))
    assert_valid("insurance-status-answer", answer)
    assert (answer["status"], answer.get("zorgkas")) == (status, zorgkas)


def test_status_method_agrees_with_the_query_answer(app: CentralApplication) -> None:
    insz = P["affiliation_ended"]
    via_query = app.handle(status_query(MBE_A, insz, DAY))
    direct = app.status(insz, dt.date(2024, 3, 1))
    assert {k: v for k, v in direct.items() if k != "inReplyTo"} == {
        k: v for k, v in via_query.items() if k != "inReplyTo"
    }


@pytest.mark.parametrize("zorgkas", [180, 280, 380, 480, 580, 680])
def test_request_of_a_member_of_each_zorgkas_is_accepted(
    app: CentralApplication, zorgkas: int
) -> None:
    assert_accepted(app.handle(request(MBE_A, P[f"affiliated_{zorgkas}_official"], DAY)))


@pytest.mark.parametrize(
    "key",
    [
        "affiliated_180_official",
        "wallonia_affiliated_680_administrative",
        "bis_unknown_birth_date_affiliated",
    ],
)
def test_official_and_administrative_affiliation_are_both_accepted(
    app: CentralApplication, key: str
) -> None:
    assert_accepted(app.handle(request(MBE_A, P[key], DAY)))


@pytest.mark.parametrize(
    "key",
    ["wallonia_affiliated_680_administrative", "brussels_affiliated_voluntary", "bis_affiliated"],
)
def test_affiliated_patients_from_outside_flanders_are_accepted(
    app: CentralApplication, key: str
) -> None:
    assert_accepted(app.handle(request(MBE_A, P[key], DAY)))


def test_request_for_an_unknown_person_is_refused(app: CentralApplication) -> None:
    assert_refused(app.handle(request(MBE_A, UNKNOWN, DAY)), "REQ-INS-UNKNOWN-PERSON", "/insz")


@pytest.mark.parametrize(
    "key",
    [
        "cannot_affiliate_asylum_seeker",
        "cannot_affiliate_struck_from_register",
        "cannot_affiliate_international_official",
        "cannot_affiliate_temporary_student",
    ],
)
def test_request_for_a_person_who_cannot_affiliate_is_refused(
    app: CentralApplication, key: str
) -> None:
    answer = app.handle(request(MBE_A, P[key], DAY))
    assert_refused(answer, "REQ-INS-CANNOT-AFFILIATE", "/insz")
    assert EXPECTED[key][-1] in answer["errors"][0]["message"]


@pytest.mark.parametrize(
    ("key", "start", "zorgkas"),
    [
        ("not_affiliated_vzv25", DAY, 180),
        ("not_affiliated_foreign_insured", DAY, 680),
        ("affiliated_from_2025", DAY, 580),
    ],
)
def test_request_for_a_person_who_can_affiliate_goes_under_review_at_the_right_zorgkas(
    app: CentralApplication, key: str, start: str, zorgkas: int
) -> None:
    answer = app.handle(request(MBE_A, P[key], start))
    assert_under_review(answer, "REQ-INS-CAN-AFFILIATE", zorgkas)
    assert "vsbReference" not in answer
    assert [item.message_id for item in app.review_queue(zorgkas)] == [answer["inReplyTo"]]


def test_insurance_is_checked_on_the_start_date_not_today(
    app: CentralApplication, clock: FixedClock
) -> None:
    insz = P["affiliation_ended"]
    clock.set(dt.date(2024, 7, 2))
    assert_accepted(app.handle(request(MBE_A, insz, "2024-06-30")))
    other = P["affiliated_from_2025"]
    clock.set(dt.date(2025, 1, 5))
    assert_under_review(
        app.handle(request(MBE_B, other, "2024-12-31")), "REQ-INS-CAN-AFFILIATE", 580
    )


def test_request_after_the_affiliation_ended_goes_under_review_at_the_insurers_zorgkas(
    app: CentralApplication, clock: FixedClock
) -> None:
    clock.set(dt.date(2024, 7, 2))
    assert_under_review(
        app.handle(request(MBE_A, P["affiliation_ended"], "2024-07-01")),
        "REQ-INS-CAN-AFFILIATE",
        480,
    )


def test_request_starting_on_the_death_date_is_accepted(
    app: CentralApplication, clock: FixedClock
) -> None:
    clock.set(dt.date(2024, 5, 12))
    assert_accepted(app.handle(request(MBE_A, P["deceased_affiliated"], "2024-05-10")))


def test_request_starting_after_the_death_date_is_refused(
    app: CentralApplication, clock: FixedClock
) -> None:
    clock.set(dt.date(2024, 5, 12))
    answer = app.handle(request(MBE_A, P["deceased_affiliated"], "2024-05-11"))
    assert_refused(answer, "REQ-INS-DECEASED", "/begeleiding/startDate")


def test_a_death_from_the_daily_flow_shows_in_the_status_and_refuses_later_starts(
    app: CentralApplication, clock: FixedClock
) -> None:
    patient = P["affiliated_180_official"]
    assert "deathDate" not in app.status(patient, dt.date(2024, 3, 1))
    app.store.record_deaths([(patient, dt.date(2024, 3, 5))])
    assert app.status(patient, dt.date(2024, 3, 1))["deathDate"] == "2024-03-05"
    answer = app.handle(request(MBE_A, patient, "2024-03-06"))
    assert_refused(answer, "REQ-INS-DECEASED", "/begeleiding/startDate")


def test_a_death_of_an_unknown_person_is_refused_and_changes_nothing(
    app: CentralApplication,
) -> None:
    patient = P["affiliated_180_official"]
    with pytest.raises(KeyError, match="not in the registry"):
        app.store.record_deaths(
            [(patient, dt.date(2024, 3, 5)), ("85073003328", dt.date(2024, 3, 5))]
        )
    assert "deathDate" not in app.status(patient, dt.date(2024, 3, 1))
