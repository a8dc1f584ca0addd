"""Identifiers in messages (domain.md §8): REQ-ID-*."""

from __future__ import annotations

import pytest

from tests.engine_support import (
    MBE_A,
    assert_accepted,
    assert_refused,
    persons,
    request,
    requirements,
    with_gp,
)
from vsb.engine import CentralApplication
from vsb.identifiers import make_hco, make_riziv

PATIENT = persons()["affiliated_380_official"]


def _bad_check(number: str) -> str:
    return number[:-4] + str((int(number[-4]) + 1) % 10) + number[-3:]


def test_insz_with_wrong_check_digits_is_refused(app: CentralApplication) -> None:
    insz = PATIENT[:-1] + str((int(PATIENT[-1]) + 1) % 10)
    answer = app.handle(request(MBE_A, insz, "2024-03-01"))
    assert_refused(answer, "REQ-ID-INSZ", "/insz")
    assert requirements(answer) == ["REQ-ID-INSZ"]


def test_bis_number_of_an_affiliated_person_is_accepted(app: CentralApplication) -> None:
    assert_accepted(app.handle(request(MBE_A, persons()["bis_affiliated"], "2024-03-01")))


def test_bis_number_with_unknown_birth_date_is_accepted(app: CentralApplication) -> None:
    insz = persons()["bis_unknown_birth_date_affiliated"]
    assert_accepted(app.handle(request(MBE_A, insz, "2024-03-01")))


@pytest.mark.parametrize(
    "riziv",
    [
        "11234578003",
        make_riziv(12345, 4, scheme="mod97"),
        make_riziv(12345, 4, scheme="mod89"),
    ],
)
def test_physician_riziv_under_either_check_scheme_is_accepted(
    app: CentralApplication, riziv: str
) -> None:
    assert_accepted(app.handle(with_gp(request(MBE_A, PATIENT, "2024-03-01"), riziv)))


def test_gp_riziv_with_wrong_check_digits_is_refused(app: CentralApplication) -> None:
    message = with_gp(request(MBE_A, PATIENT, "2024-03-01"), _bad_check("11234578003"))
    answer = app.handle(message)
    assert_refused(answer, "REQ-ID-RIZIV", "/begeleiding/medical/gp/riziv")


def test_gp_riziv_of_a_nurse_is_refused_as_not_a_physician(app: CentralApplication) -> None:
    message = with_gp(request(MBE_A, PATIENT, "2024-03-01"), make_riziv(12345, 4, 4))
    answer = app.handle(message)
    assert_refused(answer, "REQ-ID-RIZIV", "/begeleiding/medical/gp/riziv")
    assert "physician" in answer["errors"][0]["message"]


def test_mbe_number_with_wrong_check_digits_is_refused(app: CentralApplication) -> None:
    answer = app.handle(request(_bad_check(MBE_A), PATIENT, "2024-03-01"))
    assert_refused(answer, "REQ-ID-HCO", "/mbe")


def test_mbe_number_not_starting_with_an_institution_digit_is_refused(
    app: CentralApplication,
) -> None:
    answer = app.handle(request(make_riziv(63101, 930, 1), PATIENT, "2024-03-01"))
    assert_refused(answer, "REQ-ID-HCO", "/mbe")


def test_valid_hco_of_an_unrecognised_mbe_is_refused_as_unknown(app: CentralApplication) -> None:
    answer = app.handle(request(make_hco(99999, 930), PATIENT, "2024-03-01"))
    assert_refused(answer, "REQ-MBE-KNOWN", "/mbe")
