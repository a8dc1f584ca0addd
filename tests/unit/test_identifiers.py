"""Unit tests of vsb.identifiers: INSZ, RIZIV, HCO and KBO validation and generation."""

from __future__ import annotations

import random
from datetime import date

import pytest

from vsb.identifiers import (
    InvalidIdentifier,
    make_bis,
    make_hco,
    make_riziv,
    make_rrn,
    random_riziv,
    random_rrn,
    validate_hco,
    validate_insz,
    validate_kbo,
    validate_riziv,
)


def test_rrn_of_the_twentieth_century_gives_birth_date_and_sex() -> None:
    info = validate_insz("85.07.30-033.28")
    assert info.number == "85073003328"
    assert info.kind == "rrn"
    assert info.birth_date == date(1985, 7, 30)
    assert info.sex == "M"


def test_rrn_born_from_2000_uses_the_2_prefix_in_its_check() -> None:
    number = make_rrn(date(2003, 2, 1), 2)
    info = validate_insz(number)
    assert info.birth_date == date(2003, 2, 1)
    assert info.sex == "F"
    assert number[-2:] == f"{97 - int('2' + number[:9]) % 97:02d}"


def test_bis_with_known_sex_has_month_plus_40_and_gives_sex() -> None:
    number = make_bis(date(1970, 3, 4), 5, sex_known=True)
    assert number[2:4] == "43"
    info = validate_insz(number)
    assert (info.kind, info.birth_date, info.sex) == ("bis", date(1970, 3, 4), "M")


def test_bis_with_unknown_sex_has_month_plus_20_and_no_sex() -> None:
    number = make_bis(date(1970, 3, 4), 6, sex_known=False)
    assert number[2:4] == "23"
    info = validate_insz(number)
    assert (info.kind, info.sex) == ("bis", None)


def test_bis_with_unknown_birth_date_validates_without_a_birth_date() -> None:
    info = validate_insz(make_bis(None, 7, sex_known=False))
    assert info.kind == "bis"
    assert info.birth_date is None


@pytest.mark.parametrize(
    ("value", "rule"),
    [
        ("8507300332", "length"),
        ("850730033289", "length"),
        ("85O73003328", "digits"),
        ("85073003329", "checksum"),
        ("", "length"),
    ],
)
def test_insz_refusal_names_the_rule(value: str, rule: str) -> None:
    with pytest.raises(InvalidIdentifier) as caught:
        validate_insz(value)
    assert (caught.value.kind, caught.value.value, caught.value.rule) == ("insz", value, rule)
    assert "11 digits" in str(caught.value)


def test_insz_with_impossible_month_is_refused_with_rule_date() -> None:
    body = "851530033"
    number = f"{body}{97 - int(body) % 97:02d}"
    with pytest.raises(InvalidIdentifier) as caught:
        validate_insz(number)
    assert caught.value.rule == "date"


def test_make_rrn_refuses_a_serial_out_of_range() -> None:
    with pytest.raises(ValueError, match="serial"):
        make_rrn(date(1980, 1, 1), 998)


def test_riziv_with_mod97_check_is_a_physician() -> None:
    info = validate_riziv(make_riziv(23456, 3, profession_digit=1, scheme="mod97"))
    assert (info.profession_digit, info.check_scheme, info.is_physician) == (1, "mod97", True)


def test_riziv_with_mod89_check_is_accepted() -> None:
    number = make_riziv(23456, 3, profession_digit=4, scheme="mod89")
    assert number[6:8] == f"{89 - 423456 % 89:02d}"
    info = validate_riziv(number)
    assert (info.check_scheme, info.is_physician) == ("mod89", False)


def test_riziv_accepts_the_usual_separators() -> None:
    number = make_riziv(23456, 3)
    dotted = f"{number[0]}-{number[1:6]}-{number[6:8]}-{number[8:]}"
    assert validate_riziv(dotted).number == number


@pytest.mark.parametrize(
    ("value", "rule"),
    [("1234567890", "length"), ("1234567890a", "digits"), ("12345600003", "checksum")],
)
def test_riziv_refusal_names_the_rule(value: str, rule: str) -> None:
    with pytest.raises(InvalidIdentifier) as caught:
        validate_riziv(value)
    assert (caught.value.kind, caught.value.rule) == ("riziv", rule)


def test_riziv_with_profession_digit_zero_is_refused() -> None:
    with pytest.raises(InvalidIdentifier) as caught:
        validate_riziv(make_riziv(23456, 3, profession_digit=0))
    assert caught.value.rule == "profession"


def test_hco_made_by_make_hco_starts_with_7_and_validates() -> None:
    number = make_hco(63101, 930)
    assert number.startswith("7")
    assert validate_hco(number, ("7",)) == number


def test_hco_with_a_first_digit_not_allowed_is_refused_with_rule_prefix() -> None:
    number = make_riziv(63101, 930, profession_digit=8)
    with pytest.raises(InvalidIdentifier) as caught:
        validate_hco(number, ("7",))
    assert (caught.value.kind, caught.value.rule) == ("hco", "prefix")
    assert validate_hco(number, ("7", "8")) == number


def test_hco_with_a_wrong_check_is_refused_with_rule_checksum() -> None:
    number = make_hco(63101, 930)
    wrong = number[:6] + f"{(int(number[6:8]) + 1) % 100:02d}" + number[8:]
    with pytest.raises(InvalidIdentifier) as caught:
        validate_hco(wrong, ("7",))
    assert caught.value.rule == "checksum"


@pytest.mark.parametrize("value", ["0403170701", "BE0403170701", "BE 0403.170.701", "403170701"])
def test_kbo_accepts_dots_and_be_prefix_and_returns_ten_digits(value: str) -> None:
    assert validate_kbo(value) == "0403170701"


@pytest.mark.parametrize(
    ("value", "rule"),
    [("0403170702", "checksum"), ("04031707", "length"), ("BE04031707x1", "digits")],
)
def test_kbo_refusal_names_the_rule(value: str, rule: str) -> None:
    with pytest.raises(InvalidIdentifier) as caught:
        validate_kbo(value)
    assert (caught.value.kind, caught.value.rule) == ("kbo", rule)


def test_random_generators_are_deterministic_for_a_seed() -> None:
    first = [random_rrn(random.Random(7), date(1930, 1, 1), date(1999, 12, 31)) for _ in "ab"]
    assert first[0] == first[1]
    assert random_riziv(random.Random(3)) == random_riziv(random.Random(3))
    assert validate_insz(first[0]).kind == "rrn"


def test_invalid_identifier_is_a_value_error() -> None:
    assert issubclass(InvalidIdentifier, ValueError)
