"""Property tests: generated identifiers validate; a single changed digit is caught."""

from __future__ import annotations

from datetime import date

from hypothesis import given
from hypothesis import strategies as st

from vsb.identifiers import (
    InvalidIdentifier,
    make_bis,
    make_hco,
    make_riziv,
    make_rrn,
    validate_hco,
    validate_insz,
    validate_riziv,
)

births = st.dates(min_value=date(1900, 1, 1), max_value=date.today())
serials = st.integers(min_value=1, max_value=997)
serial5s = st.integers(min_value=0, max_value=99999)
qualifications = st.integers(min_value=0, max_value=999)
schemes = st.sampled_from(["mod97", "mod89"])


def _changed(number: str, position: int, shift: int) -> str:
    """The number with one digit replaced by another digit."""
    digit = (int(number[position]) + shift) % 10
    return number[:position] + str(digit) + number[position + 1 :]


def _insz_check_holds(number: str, century: int) -> bool:
    """Whether the INSZ check digits hold when read as born in that century."""
    base = int(("2" if century == 2000 else "") + number[:9])
    return 97 - base % 97 == int(number[9:])


@given(births, serials)
def test_every_generated_rrn_validates_with_its_birth_date(birth: date, serial: int) -> None:
    info = validate_insz(make_rrn(birth, serial))
    assert (info.kind, info.birth_date) == ("rrn", birth)
    assert info.sex == ("M" if serial % 2 else "F")


@given(births, serials, st.booleans())
def test_every_generated_bis_validates(birth: date, serial: int, sex_known: bool) -> None:
    info = validate_insz(make_bis(birth, serial, sex_known))
    assert (info.kind, info.birth_date) == ("bis", birth)
    assert (info.sex is not None) == sex_known


@given(births, serials, st.integers(0, 10), st.integers(1, 9))
def test_a_single_changed_insz_digit_is_refused_within_the_same_century(
    birth: date, serial: int, position: int, shift: int
) -> None:
    # The INSZ rule accepts a check under either century, so a change can (1 in 97) land on a
    # number whose check holds for the other century; within the original century it never does.
    changed = _changed(make_rrn(birth, serial), position, shift)
    century = birth.year // 100 * 100
    assert not _insz_check_holds(changed, century)
    if not _insz_check_holds(changed, 3900 - century):
        try:
            validate_insz(changed)
        except InvalidIdentifier:
            return
        raise AssertionError(f"{changed} was accepted")


@given(serial5s, qualifications, st.integers(0, 9), schemes)
def test_every_generated_riziv_validates_under_its_scheme(
    serial5: int, qualification: int, profession: int, scheme: str
) -> None:
    number = make_riziv(serial5, qualification, max(profession, 1), scheme)  # type: ignore[arg-type]
    info = validate_riziv(number)
    assert info.number == number
    assert info.profession_digit == max(profession, 1)
    if scheme == "mod89":
        # a number can satisfy both checks; validate_riziv then reports mod97
        assert info.check_scheme == "mod89" or number[6:8] == f"{97 - int(number[:6]) % 97:02d}"
    else:
        assert info.check_scheme == "mod97"


@given(serial5s, qualifications, schemes, st.integers(0, 7), st.integers(1, 9))
def test_a_single_changed_riziv_digit_in_the_checked_part_breaks_its_scheme(
    serial5: int, qualification: int, scheme: str, position: int, shift: int
) -> None:
    # Digits 1-8 are covered by the check; the 3-digit qualification is not.
    number = make_riziv(serial5, qualification, 1, scheme)  # type: ignore[arg-type]
    changed = _changed(number, position, shift)
    modulus = 97 if scheme == "mod97" else 89
    assert f"{modulus - int(changed[:6]) % modulus:02d}" != changed[6:8]
    other = 89 if modulus == 97 else 97
    if f"{other - int(changed[:6]) % other:02d}" != changed[6:8] and changed[0] != "0":
        try:
            validate_riziv(changed)
        except InvalidIdentifier:
            return
        raise AssertionError(f"{changed} was accepted")


@given(serial5s, qualifications)
def test_every_generated_hco_validates_and_starts_with_7(serial5: int, qualification: int) -> None:
    number = make_hco(serial5, qualification)
    assert number[0] == "7"
    assert validate_hco(number, ("7",)) == number


@given(serial5s, qualifications, st.integers(0, 7), st.integers(1, 9))
def test_a_single_changed_hco_digit_in_the_checked_part_is_refused(
    serial5: int, qualification: int, position: int, shift: int
) -> None:
    changed = _changed(make_hco(serial5, qualification), position, shift)
    mod89 = f"{89 - int(changed[:6]) % 89:02d}"
    if mod89 != changed[6:8]:
        try:
            validate_hco(changed, ("7",))
        except InvalidIdentifier:
            return
        raise AssertionError(f"{changed} was accepted")
