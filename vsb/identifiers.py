"""Validate and generate the Belgian identifiers VSB messages carry: INSZ, RIZIV, HCO and KBO.

INSZ (RRN and BIS) and KBO check digits are validated by python-stdnum. RIZIV and HCO numbers
have no stdnum module; their check (97 or 89 minus the first six digits modulo 97 or 89) is
computed here. The ``make_*`` generators build valid numbers for fixtures and the simulator.
"""

from __future__ import annotations

import random
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from functools import lru_cache
from typing import Literal

from stdnum import exceptions as stdnum_errors
from stdnum.be import bis, nn, ssn, vat

__all__ = [
    "InszInfo",
    "InvalidIdentifier",
    "RizivInfo",
    "make_bis",
    "make_hco",
    "make_riziv",
    "make_rrn",
    "random_riziv",
    "random_rrn",
    "validate_hco",
    "validate_insz",
    "validate_kbo",
    "validate_riziv",
]

IdentifierKind = Literal["insz", "riziv", "hco", "kbo"]
CheckScheme = Literal["mod97", "mod89"]

_SHAPES: dict[IdentifierKind, str] = {
    "insz": "11 digits YYMMDD SSS CC (RRN, or BIS with the month +20 or +40), "
    "CC = 97 - (first 9 digits mod 97), computed on '2' + the 9 digits for births from 2000",
    "riziv": "11 digits: profession digit, 5-digit serial, 2 check digits, 3-digit "
    "qualification; check = 97 - (first 6 mod 97) or 89 - (first 6 mod 89)",
    "hco": "11 digits with the RIZIV check digits (97 or 89 minus the first 6 digits "
    "modulo 97 or 89) and an allowed first digit",
    "kbo": "10 digits (optionally 'BE' and dots), check = 97 - (first 8 digits mod 97)",
}


class InvalidIdentifier(ValueError):
    """An identifier refused by a validator: which kind, which value and which rule failed."""

    def __init__(self, kind: IdentifierKind, value: str, rule: str, detail: str) -> None:
        self.kind = kind
        self.value = value
        self.rule = rule
        self.detail = detail
        super().__init__(
            f"invalid {kind.upper()} {value!r} (rule {rule}): {detail}; "
            f"a valid {kind.upper()} has {_SHAPES[kind]}"
        )


@dataclass(frozen=True)
class InszInfo:
    """What a valid INSZ tells: the compact number, RRN or BIS, birth date and sex if known."""

    number: str
    kind: Literal["rrn", "bis"]
    birth_date: date | None
    sex: Literal["M", "F"] | None


@dataclass(frozen=True)
class RizivInfo:
    """What a valid care-provider RIZIV number tells: profession and which check scheme held."""

    number: str
    profession_digit: int
    check_scheme: CheckScheme
    is_physician: bool


_STDNUM_RULES: tuple[tuple[type[Exception], str, str], ...] = (
    # InvalidLength subclasses InvalidFormat in stdnum, so it must be matched first.
    (stdnum_errors.InvalidLength, "length", "it must have exactly 11 digits"),
    (stdnum_errors.InvalidChecksum, "checksum", "the check digits do not match"),
    (stdnum_errors.InvalidComponent, "date", "the encoded birth month is impossible"),
    (stdnum_errors.InvalidFormat, "digits", "it must contain only digits, not all zeros"),
)


def _stdnum_refusal(kind: IdentifierKind, value: str, error: Exception) -> InvalidIdentifier:
    """Translate a python-stdnum validation error into an InvalidIdentifier."""
    for error_type, rule, detail in _STDNUM_RULES:
        if isinstance(error, error_type):
            return InvalidIdentifier(kind, value, rule, detail)
    return InvalidIdentifier(kind, value, "format", str(error) or "not a valid number")


@lru_cache(maxsize=65536)
def check_insz(value: str) -> str:
    """Validate an INSZ (RRN or BIS number) and return its 11 digits; the fast path for rules
    that need validity only.

    Raises InvalidIdentifier (kind "insz") with rule "digits", "length", "checksum" or "date".
    """
    if not value.strip():
        raise InvalidIdentifier("insz", value, "length", "it is empty")
    if len(value) == 11 and value.isdigit() and int(value[2:4]) <= 12 and nn.is_valid(value):
        return value  # the common case, an RRN: one check instead of ssn's several
    try:
        number: str = ssn.validate(value)
    except stdnum_errors.ValidationError as error:
        raise _stdnum_refusal("insz", value, error) from error
    return number


@lru_cache(maxsize=65536)
def validate_insz(value: str) -> InszInfo:
    """Validate an INSZ (RRN or BIS number) and return what it encodes.

    Raises InvalidIdentifier (kind "insz") with rule "digits", "length", "checksum" or "date".
    """
    number = check_insz(value)
    birth_date: date | None = nn.get_birth_date(number)
    if int(number[2:4]) >= 20:  # a BIS number's month is shifted by 20 or 40
        return InszInfo(number, "bis", birth_date, _SEX[bis.get_gender(number)])
    return InszInfo(number, "rrn", birth_date, _SEX[nn.get_gender(number)])


_SEX: dict[str | None, Literal["M", "F"] | None] = {"M": "M", "F": "F", None: None}


def _riziv_digits(kind: IdentifierKind, value: str) -> str:
    """Check the shape shared by RIZIV and HCO numbers: 11 digits, separators allowed."""
    number = "".join(value.split()).replace(".", "").replace("-", "").replace("/", "")
    if not number.isascii() or not number.isdigit():
        raise InvalidIdentifier(kind, value, "digits", "it must contain only digits")
    if len(number) != 11:
        raise InvalidIdentifier(kind, value, "length", f"it has {len(number)} digits, not 11")
    return number


def _check_digits(first_six: str, scheme: CheckScheme) -> str:
    """The RIZIV check digits of the first six digits under one scheme."""
    modulus = 97 if scheme == "mod97" else 89
    return f"{modulus - int(first_six) % modulus:02d}"


def _riziv_scheme(kind: IdentifierKind, value: str, number: str) -> CheckScheme:
    """Return the check scheme the number satisfies (mod 97 first), or refuse it."""
    for scheme in ("mod97", "mod89"):
        if _check_digits(number[:6], scheme) == number[6:8]:
            return scheme
    raise InvalidIdentifier(
        kind, value, "checksum", "digits 7-8 are neither 97 nor 89 minus the first 6 modulo 97/89"
    )


@lru_cache(maxsize=65536)
def validate_riziv(value: str) -> RizivInfo:
    """Validate a care provider's RIZIV number (mod 97 or mod 89 check digits).

    Raises InvalidIdentifier (kind "riziv") with rule "digits", "length", "profession"
    (profession digit 0) or "checksum".
    """
    number = _riziv_digits("riziv", value)
    if number[0] == "0":
        raise InvalidIdentifier("riziv", value, "profession", "the profession digit must be 1-9")
    scheme = _riziv_scheme("riziv", value, number)
    return RizivInfo(number, int(number[0]), scheme, number[0] == "1")


@lru_cache(maxsize=65536)
def validate_hco(value: str, allowed_first_digits: Sequence[str]) -> str:
    """Validate an MBE's HCO (RIZIV institution) number and return its 11 digits.

    ``allowed_first_digits`` is a rulebook parameter. Raises InvalidIdentifier (kind "hco")
    with rule "digits", "length", "prefix" or "checksum".
    """
    number = _riziv_digits("hco", value)
    if number[0] not in allowed_first_digits:
        allowed = ", ".join(allowed_first_digits)
        detail = f"the first digit {number[0]} is not one of the allowed ({allowed})"
        raise InvalidIdentifier("hco", value, "prefix", detail)
    _riziv_scheme("hco", value, number)
    return number


def validate_kbo(value: str) -> str:
    """Validate a KBO enterprise number (dots and 'BE' allowed) and return its 10 digits.

    Raises InvalidIdentifier (kind "kbo") with rule "digits", "length" or "checksum".
    """
    try:
        return str(vat.validate(value))
    except stdnum_errors.ValidationError as error:
        refusal = _stdnum_refusal("kbo", value, error)
        if refusal.rule == "length":
            refusal = InvalidIdentifier("kbo", value, "length", "it must have 10 digits")
        raise refusal from error


def _insz_number(birth_date: date | None, month_offset: int, serial: int) -> str:
    """Build an INSZ from a birth date (None: unknown), a month offset and a serial."""
    if not 1 <= serial <= 997:
        raise ValueError(f"serial must be 1..997, got {serial}")
    if birth_date is None:
        body, century = f"00{month_offset:02d}01{serial:03d}", 1900
    else:
        month = birth_date.month + month_offset
        body = f"{birth_date:%y}{month:02d}{birth_date:%d}{serial:03d}"
        century = birth_date.year // 100 * 100
    base = int(("2" if century == 2000 else "") + body)
    number = f"{body}{97 - base % 97:02d}"
    if not ssn.is_valid(number):
        raise ValueError(f"cannot build a valid INSZ for {birth_date} (a future birth date?)")
    return number


def make_rrn(birth_date: date | None, serial: int) -> str:
    """Build a valid national register number (RRN); serial odd = male, even = female."""
    return _insz_number(birth_date, 0, serial)


def make_bis(birth_date: date | None, serial: int, sex_known: bool) -> str:
    """Build a valid BIS number: the month +40 when the sex is known, +20 when not."""
    return _insz_number(birth_date, 40 if sex_known else 20, serial)


def make_riziv(
    serial5: int,
    qualification: int,
    profession_digit: int = 1,
    scheme: CheckScheme = "mod97",
) -> str:
    """Build a valid RIZIV number from its parts under the given check scheme."""
    if not 0 <= serial5 <= 99999 or not 0 <= qualification <= 999:
        raise ValueError("serial5 must be 0..99999 and qualification 0..999")
    if not 0 <= profession_digit <= 9:
        raise ValueError("profession_digit must be one digit")
    first_six = f"{profession_digit}{serial5:05d}"
    return f"{first_six}{_check_digits(first_six, scheme)}{qualification:03d}"


def make_hco(serial5: int, qualification: int) -> str:
    """Build a valid HCO number of an MBE (first digit 7, mod 97 check)."""
    return make_riziv(serial5, qualification, profession_digit=7)


def random_rrn(rng: random.Random, earliest: date, latest: date) -> str:
    """Draw a valid RRN born between two dates (inclusive) from an explicit generator."""
    birth = date.fromordinal(rng.randint(earliest.toordinal(), latest.toordinal()))
    return make_rrn(birth, rng.randint(1, 997))


def random_riziv(rng: random.Random, profession_digit: int = 1) -> str:
    """Draw a valid RIZIV number (either check scheme) from an explicit generator."""
    scheme: CheckScheme = rng.choice(("mod97", "mod89"))
    return make_riziv(rng.randint(0, 99999), rng.randint(0, 999), profession_digit, scheme)
