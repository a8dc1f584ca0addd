"""Load the KSZ-shaped registry files (persons and zorgkas affiliations) into frozen dataclasses.

The format is described in docs/registry-format.md. Loading is pure: it reads a directory of
CSV files, validates every row and returns a RegistrySnapshot; storing it is someone else's job.
Every refusal is a RegistryFileError naming the file, line, field and rule.
"""

from __future__ import annotations

import csv
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import date
from pathlib import Path
from typing import Literal, TypeVar, get_args

from vsb.identifiers import InszInfo, InvalidIdentifier, validate_insz

__all__ = [
    "Affiliation",
    "AffiliationType",
    "CannotAffiliateReason",
    "Person",
    "Region",
    "RegistryFileError",
    "RegistrySnapshot",
    "load_registry",
]

Region = Literal["flanders", "brussels", "wallonia", "abroad"]
AffiliationType = Literal["official", "administrative"]
CannotAffiliateReason = Literal[
    "asylum-seeker-not-recognised",
    "struck-from-register",
    "international-official",
    "temporary-non-eu-student",
]
Sex = Literal["M", "F", "U"]


@dataclass(frozen=True)
class Person:
    """A person known to the registry, as the national register and the KSZ flows show them."""

    insz: str
    last_name: str
    first_name: str
    birth_date: date | None
    sex: Sex
    region: Region
    postal_code: str
    health_insurer: int | None  # VI code 100..600
    death_date: date | None
    cannot_affiliate: CannotAffiliateReason | None
    foreign_insured: bool
    increased_allowance_years: frozenset[int]
    vzv25_years: frozenset[int]


@dataclass(frozen=True)
class Affiliation:
    """One period of affiliation of a person with a zorgkas; ``end`` is inclusive or open."""

    insz: str
    zorgkas: int
    type: AffiliationType
    start: date
    end: date | None


@dataclass(frozen=True)
class RegistrySnapshot:
    """Everything the registry files hold, validated: persons and their affiliations."""

    persons: tuple[Person, ...]
    affiliations: tuple[Affiliation, ...]


class RegistryFileError(ValueError):
    """A registry file refused at load: the file, line, field and rule that failed, and why."""

    def __init__(self, file: str, line: int, field: str, rule: str, detail: str) -> None:
        self.file = file
        self.line = line
        self.field = field
        self.rule = rule
        self.detail = detail
        super().__init__(f"{file} line {line}, field {field!r}, rule {rule}: {detail}")


NATIONAL_REGISTER = "national-register.csv"
HEADERS: dict[str, tuple[str, ...]] = {
    NATIONAL_REGISTER: (
        "insz",
        "last_name",
        "first_name",
        "birth_date",
        "sex",
        "region",
        "postal_code",
        "health_insurer",
        "register_status",
    ),
    "vzv25.csv": ("year", "insz"),
    "a415.csv": ("insz", "country", "insured_from", "insured_to"),
    "increased-allowance.csv": ("year", "insz"),
    "deaths.csv": ("insz", "death_date"),
    "affiliations.csv": ("insz", "zorgkas", "type", "start", "end"),
    "excluded.csv": ("insz", "reason"),
}
HEALTH_INSURERS = {code: int(code) for code in ("100", "200", "300", "400", "500", "600")}
ZORGKASSEN = {code: int(code) for code in ("180", "280", "380", "480", "580", "680")}
REGISTER_STATUS: dict[str, CannotAffiliateReason | None] = {
    "registered": None,
    "struck-ex-officio": "struck-from-register",
    "waiting-register": "asylum-seeker-not-recognised",
}
EXCLUSION_REASONS: dict[str, CannotAffiliateReason] = {
    "international-official": "international-official",
    "temporary-non-eu-student": "temporary-non-eu-student",
}
SEXES: dict[str, Sex] = {sex: sex for sex in get_args(Sex)}
REGIONS: dict[str, Region] = {region: region for region in get_args(Region)}
AFFILIATION_TYPES: dict[str, AffiliationType] = {kind: kind for kind in get_args(AffiliationType)}
T = TypeVar("T")

Problem = tuple[str, str, str]
"""A broken registry rule: the field (as in the CSV files), the rule and what is wrong."""


def person_problem(person: Person) -> Problem | None:
    """The first registry rule a person breaks: a valid INSZ that agrees with the birth date
    and sex, and no death before birth."""
    try:
        info = validate_insz(person.insz)
    except InvalidIdentifier as error:
        return "insz", "insz", str(error)
    birth = person.birth_date
    if birth is not None and info.birth_date is not None and birth != info.birth_date:
        return "birth_date", "insz-mismatch", f"the INSZ encodes {info.birth_date}"
    if person.sex != "U" and info.sex is not None and person.sex != info.sex:
        return "sex", "insz-mismatch", f"the INSZ serial encodes sex {info.sex}"
    if person.death_date is not None and birth is not None and person.death_date < birth:
        return "death_date", "death-before-birth", f"born {birth}"
    return None


def affiliation_problem(
    affiliation: Affiliation, person: Person | None, earlier: Sequence[Affiliation]
) -> Problem | None:
    """The first registry rule an affiliation breaks: a registered person who may affiliate,
    a period that ends after it starts, and no overlap with the person's earlier periods."""
    if person is None:
        return "insz", "unknown-person", f"{affiliation.insz} is not in {NATIONAL_REGISTER}"
    if affiliation.end is not None and affiliation.end < affiliation.start:
        return "end", "period", f"{affiliation.end} is before start {affiliation.start}"
    if person.cannot_affiliate is not None:
        return (
            "insz",
            "cannot-affiliate",
            f"the person cannot affiliate ({person.cannot_affiliate})",
        )
    for old in earlier:
        if old.insz == affiliation.insz and _overlap(old, affiliation):
            detail = f"the period overlaps {old.zorgkas} from {old.start} to {old.end or '-'}"
            return "start", "overlap", detail
    return None


def snapshot_problems(snapshot: RegistrySnapshot) -> list[tuple[str, int, Problem]]:
    """Every registry rule a snapshot breaks, as (persons | affiliations, index, problem):
    what `load_registry` checks in the files, for a snapshot made some other way."""
    found: list[tuple[str, int, Problem]] = []
    persons: dict[str, Person] = {}
    for index, person in enumerate(snapshot.persons):
        problem = person_problem(person)
        if person.insz in persons:
            problem = "insz", "duplicate", "the person is given twice"
        if problem is not None:
            found.append(("persons", index, problem))
        persons.setdefault(person.insz, person)
    earlier: dict[str, list[Affiliation]] = {}  # per person: only their periods can overlap
    for index, affiliation in enumerate(snapshot.affiliations):
        own = earlier.setdefault(affiliation.insz, [])
        problem = affiliation_problem(affiliation, persons.get(affiliation.insz), own)
        if problem is not None:
            found.append(("affiliations", index, problem))
        own.append(affiliation)
    return found


@dataclass(frozen=True)
class _Row:
    """One data row of a registry file, with where it came from for error messages."""

    file: str
    line: int
    values: dict[str, str]

    def fail(self, field: str, rule: str, detail: str) -> RegistryFileError:
        """The error for this row's field breaking a rule."""
        return RegistryFileError(self.file, self.line, field, rule, detail)

    def required(self, field: str) -> str:
        """The field's value; refused (rule "required") when empty."""
        value = self.values[field]
        if not value:
            raise self.fail(field, "required", "the value is empty; fill it in")
        return value

    def insz_info(self) -> InszInfo:
        """What the row's INSZ encodes, validated (rule "insz")."""
        try:
            return validate_insz(self.required("insz"))
        except InvalidIdentifier as error:
            raise self.fail("insz", "insz", str(error)) from error

    def insz(self) -> str:
        """The row's INSZ, validated and compact (rule "insz")."""
        return self.insz_info().number

    def choice(self, field: str, allowed: Mapping[str, T]) -> T:
        """The meaning of the field's value, one of the keys of ``allowed`` (rule "enum")."""
        value = self.values[field]
        if value not in allowed:
            options = ", ".join(repr(key) for key in allowed)
            raise self.fail(field, "enum", f"{value!r} is not one of {options}")
        return allowed[value]

    def iso_date(self, field: str, optional: bool = False) -> date | None:
        """The field's ISO date (rule "date"); None when optional and empty."""
        value = self.values[field] if optional else self.required(field)
        if not value:
            return None
        try:
            if len(value) != 10:
                raise ValueError(value)
            return date.fromisoformat(value)
        except ValueError:
            raise self.fail(field, "date", f"{value!r} is not a date; write YYYY-MM-DD") from None

    def start_end(self, start_field: str, end_field: str) -> tuple[date, date | None]:
        """A period from two fields; the end may be empty, not before the start (rule "period")."""
        start = self.iso_date(start_field)
        end = self.iso_date(end_field, optional=True)
        if start is None:  # unreachable: a required date is never None
            raise self.fail(start_field, "required", "the value is empty; fill it in")
        if end is not None and end < start:
            raise self.fail(end_field, "period", f"{end} is before {start_field} {start}")
        return start, end

    def year(self) -> int:
        """The row's calendar year, four digits (rule "year")."""
        value = self.required("year")
        if len(value) != 4 or not value.isdigit() or not value.isascii():
            raise self.fail("year", "year", f"{value!r} is not a four-digit year")
        return int(value)


def _read(directory: Path, name: str) -> list[_Row]:
    """Read one registry file's rows; a missing optional file is empty."""
    path = directory / name
    if not path.exists():
        if name == NATIONAL_REGISTER:
            raise RegistryFileError(name, 0, "", "missing", f"{path} must exist")
        return []
    try:
        with path.open(encoding="utf-8", newline="") as handle:
            lines = list(csv.reader(handle))
    except UnicodeDecodeError as error:
        raise RegistryFileError(name, 0, "", "encoding", f"save it as UTF-8: {error}") from None
    expected = HEADERS[name]
    header = tuple(lines[0]) if lines else ()
    if header != expected:
        wrong = next((e for e, h in zip(expected, header, strict=False) if e != h), "(header)")
        detail = f"the header is {','.join(header)!r}; it must be {','.join(expected)!r}"
        raise RegistryFileError(name, 1, wrong, "header", detail)
    return [_row(name, number, cells, expected) for number, cells in enumerate(lines[1:], 2)]


def _row(name: str, line: int, cells: list[str], header: tuple[str, ...]) -> _Row:
    """Pair a row's cells with the header; refuse a row with too few or too many."""
    if len(cells) != len(header):
        field = header[len(cells)] if len(cells) < len(header) else "(extra)"
        detail = f"{len(cells)} values where the header has {len(header)}"
        raise RegistryFileError(name, line, field, "columns", detail)
    return _Row(name, line, dict(zip(header, cells, strict=True)))


def _national_register_row(row: _Row) -> Person:
    """Parse and check one national-register.csv row against what its INSZ encodes."""
    info = row.insz_info()
    birth = row.iso_date("birth_date", optional=True)
    sex = row.choice("sex", SEXES)
    region = row.choice("region", REGIONS)
    person = Person(
        insz=info.number,
        last_name=row.required("last_name"),
        first_name=row.required("first_name"),
        birth_date=birth,
        sex=sex,
        region=region,
        postal_code=_postal_code(row, region),
        health_insurer=row.choice("health_insurer", {"": None, **HEALTH_INSURERS}),
        death_date=None,
        cannot_affiliate=row.choice("register_status", REGISTER_STATUS),
        foreign_insured=False,
        increased_allowance_years=frozenset(),
        vzv25_years=frozenset(),
    )
    problem = person_problem(person)
    if problem is not None:
        raise row.fail(*problem)
    return person


def _postal_code(row: _Row, region: str) -> str:
    """The postal code: four digits in Belgium, free text abroad (rule "postal-code")."""
    value = row.required("postal_code")
    if region != "abroad" and not (len(value) == 4 and value.isdigit() and value.isascii()):
        raise row.fail("postal_code", "postal-code", f"{value!r} is not a 4-digit Belgian code")
    return value


def _unique(rows: list[_Row], key: Callable[[_Row], object]) -> None:
    """Refuse a second row with the same key (rule "duplicate")."""
    first_line: dict[object, int] = {}
    for row in rows:
        k = key(row)
        if k in first_line:
            raise row.fail("insz", "duplicate", f"already given on line {first_line[k]}")
        first_line[k] = row.line


def _person_of(row: _Row, persons: dict[str, Person]) -> Person:
    """The draft of the person a row names; refused (rule "unknown-person") if not registered."""
    insz = row.insz()
    if insz not in persons:
        raise row.fail("insz", "unknown-person", f"{insz} is not in {NATIONAL_REGISTER}")
    return persons[insz]


def _years(rows: list[_Row], persons: dict[str, Person]) -> dict[str, frozenset[int]]:
    """The years per INSZ of a year,insz file (VZV25+ or increased allowance)."""
    _unique(rows, lambda row: (row.year(), row.insz()))
    years: dict[str, set[int]] = {}
    for row in rows:
        years.setdefault(_person_of(row, persons).insz, set()).add(row.year())
    return {insz: frozenset(found) for insz, found in years.items()}


def _with_years(persons: dict[str, Person], directory: Path) -> None:
    """Add the VZV25+ and increased-allowance years to the persons."""
    allowance = _years(_read(directory, "increased-allowance.csv"), persons)
    vzv25 = _years(_read(directory, "vzv25.csv"), persons)
    for insz, person in persons.items():
        persons[insz] = replace(
            person,
            increased_allowance_years=allowance.get(insz, frozenset()),
            vzv25_years=vzv25.get(insz, frozenset()),
        )


def _merge_flows(directory: Path, persons: dict[str, Person]) -> None:
    """Merge deaths, A415 and exclusions into the persons."""
    for name in ("deaths.csv", "a415.csv", "excluded.csv"):
        _unique(_read(directory, name), _Row.insz)
    for row in _read(directory, "deaths.csv"):
        person = replace(_person_of(row, persons), death_date=row.iso_date("death_date"))
        problem = person_problem(person)
        if problem is not None:
            raise row.fail(*problem)
        persons[person.insz] = person
    for row in _read(directory, "a415.csv"):
        person = _person_of(row, persons)
        country = row.required("country")
        if len(country) != 2 or not country.isascii() or not country.isupper():
            raise row.fail("country", "country", f"{country!r} is not an ISO 3166 alpha-2 code")
        row.start_end("insured_from", "insured_to")
        persons[person.insz] = replace(person, foreign_insured=True)
    for row in _read(directory, "excluded.csv"):
        person = _person_of(row, persons)
        reason = row.choice("reason", EXCLUSION_REASONS)
        persons[person.insz] = replace(person, cannot_affiliate=reason)


def _affiliations(rows: list[_Row], persons: dict[str, Person]) -> list[Affiliation]:
    """Parse affiliations.csv: known persons who may affiliate, periods that do not overlap."""
    found: list[Affiliation] = []
    earlier: dict[str, list[Affiliation]] = {}  # per person: only their periods can overlap
    for row in rows:
        person = _person_of(row, persons)
        zorgkas = row.choice("zorgkas", ZORGKASSEN)
        kind = row.choice("type", AFFILIATION_TYPES)
        start, end = row.start_end("start", "end")
        new = Affiliation(person.insz, zorgkas, kind, start, end)
        problem = affiliation_problem(new, person, earlier.get(person.insz, ()))
        if problem is not None:
            raise row.fail(*problem)
        found.append(new)
        earlier.setdefault(person.insz, []).append(new)
    return found


def _overlap(a: Affiliation, b: Affiliation) -> bool:
    """Whether two affiliation periods share a day (open ends run forever)."""
    return (b.end is None or a.start <= b.end) and (a.end is None or b.start <= a.end)


def load_registry(directory: Path) -> RegistrySnapshot:
    """Load and validate a registry directory (see docs/registry-format.md).

    Raises RegistryFileError naming the file, line, field and rule of the first problem.
    """
    register = _read(directory, NATIONAL_REGISTER)
    _unique(register, _Row.insz)
    persons = {person.insz: person for person in map(_national_register_row, register)}
    _merge_flows(directory, persons)
    _with_years(persons, directory)
    affiliations = _affiliations(_read(directory, "affiliations.csv"), persons)
    return RegistrySnapshot(tuple(persons.values()), tuple(affiliations))
