"""The synthetic population: only the patients a run needs, and their registry rows.

A patient gets a Faker name (nl_BE or fr_BE), a valid INSZ (RRN, or BIS for a share), an
age, a region, and an insurance situation: affiliated (official or administrative) with a
zorgkas drawn by share, not affiliated but can affiliate, cannot affiliate, or unknown to
the national register. Deaths are decided by the plans before the run but the registry rows
carry none: a death reaches the central application on the day after it happens, through the
national register's daily deaths flow (`Simulation` calls `CentralPort.record_deaths`), so no
answer ever shows a death that has not happened yet in simulated time.
"""

from __future__ import annotations

import bisect
import datetime as dt
import itertools
import random
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any, Generic, Literal, TypeVar, cast

from faker import Faker

from simulator.scenario import Population
from vsb.membership import Affiliation, CannotAffiliateReason, Person, Region, RegistrySnapshot
from vsb.rulebook import default_rulebook

__all__ = [
    "NameBook",
    "Patient",
    "PatientFactory",
    "Situation",
    "WeightTable",
    "insz_number",
    "name_book",
    "registry_snapshot",
    "weighted",
]

Situation = Literal["official", "administrative", "can-affiliate", "cannot-affiliate", "unknown"]
T = TypeVar("T")

_POSTAL_RANGES: dict[str, tuple[int, int]] = {
    "flanders": (1500, 9999),
    "brussels": (1000, 1299),
    "wallonia": (4000, 7999),
}


def weighted(rng: random.Random, weights: Mapping[T, float]) -> T:
    """One key of `weights`, drawn in proportion to its weight (keys in mapping order)."""
    keys = list(weights)
    cumulative = list(itertools.accumulate(weights[k] for k in keys))
    return keys[bisect.bisect_right(cumulative, rng.random() * cumulative[-1])]


class WeightTable(Generic[T]):
    """`weighted` with the cumulative weights computed once: the same draw, for hot paths."""

    def __init__(self, weights: Mapping[T, float]) -> None:
        self.keys = list(weights)
        self.cumulative = list(itertools.accumulate(weights[k] for k in self.keys))

    def draw(self, rng: random.Random) -> T:
        """One key, drawn exactly as `weighted(rng, weights)` would draw it."""
        cumulative = self.cumulative
        return self.keys[bisect.bisect_right(cumulative, rng.random() * cumulative[-1])]


def insz_number(birth: dt.date, month_offset: int, serial: int) -> str:
    """An RRN (offset 0) or BIS number (offset 40: sex known) of a person born in the past.

    The same number as `vsb.identifiers.make_rrn` / `make_bis` (tested), without their
    validation round-trip through python-stdnum, which took a tenth of the planning time.
    """
    body = f"{birth.year % 100:02d}{birth.month + month_offset:02d}{birth.day:02d}{serial:03d}"
    base = int(("2" if birth.year >= 2000 else "") + body)
    return f"{body}{97 - base % 97:02d}"


@dataclass
class Patient:
    """One patient: identity, registry situation and (decided by the model) death date."""

    insz: str
    last_name: str
    first_name: str
    birth_date: dt.date
    sex: Literal["M", "F"]
    region: Region
    postal_code: str
    situation: Situation
    zorgkas: int | None  # the zorgkas of an affiliated patient
    health_insurer: int | None
    cannot_affiliate: CannotAffiliateReason | None = None
    foreign_insured: bool = False
    death_date: dt.date | None = None
    mbes: list[str] = field(default_factory=list)  # the MBEs that accompanied the patient


class NameBook:
    """Faker's weighted name lists of one locale, drawn from an explicit stream.

    Faker's own per-call API is slow (a weighted draw over 500 names each time); the lists
    are read once and drawn with cumulative weights, which gives the same distribution.
    """

    def __init__(self, locale: str) -> None:
        person = next(p for p in Faker(locale).providers if "person" in type(p).__module__)
        self._lists = {
            name: self._cumulative(getattr(person, name))
            for name in ("first_names_male", "first_names_female", "last_names")
        }

    @staticmethod
    def _cumulative(weights: Mapping[str, float]) -> tuple[list[str], list[float]]:
        names = list(weights)
        return names, list(itertools.accumulate(float(weights[n]) for n in names))

    def draw(self, rng: random.Random, which: str) -> str:
        """One name from list `which`, in proportion to Faker's weights."""
        names, cumulative = self._lists[which]
        return names[bisect.bisect_right(cumulative, rng.random() * cumulative[-1])]

    def name(self, rng: random.Random, sex: str) -> tuple[str, str]:
        """A first and last name for a person of this sex."""
        first = self.draw(rng, "first_names_male" if sex == "M" else "first_names_female")
        return first, self.draw(rng, "last_names")


_BOOKS: dict[str, NameBook] = {}


def name_book(locale: str) -> NameBook:
    """The name book of a locale (read once per process)."""
    if locale not in _BOOKS:
        _BOOKS[locale] = NameBook(locale)
    return _BOOKS[locale]


class PatientFactory:
    """Makes patients from one stream; INSZ numbers are unique across factories sharing `used`."""

    def __init__(self, population: Population, rng: random.Random, used: set[str]) -> None:
        self.population = population
        self.rng = rng
        self.used = used
        self._books = {locale: name_book(locale) for locale in population.locales}
        self._insurers = {
            code: int(kas["health_insurer"]) for code, kas in default_rulebook().zorgkassen.items()
        }
        self._locales = WeightTable(population.locales)
        self._regions = WeightTable(population.regions)
        self._zorgkassen = WeightTable(population.zorgkas_share)
        self._bands = WeightTable({b: b.weight for b in population.age_bands})

    def make(self, start: dt.date) -> Patient:
        """A new patient whose care starts on `start`."""
        rng, pop = self.rng, self.population
        locale = self._locales.draw(rng)
        sex: Literal["M", "F"] = "M" if rng.random() < 0.5 else "F"
        birth = self._birth_date(start)
        insz = self._insz(birth, sex, rng.random() < pop.bis_share)
        first, last = self.name(locale, sex)
        region = cast(Region, self._regions.draw(rng))
        situation = self._situation()
        zorgkas = self._zorgkassen.draw(rng)
        patient = Patient(
            insz=insz,
            last_name=last,
            first_name=first,
            birth_date=birth,
            sex=sex,
            region=region,
            postal_code=self._postal_code(region),
            situation=situation,
            zorgkas=zorgkas if situation in ("official", "administrative") else None,
            health_insurer=self._insurers[zorgkas] if situation != "cannot-affiliate" else None,
            foreign_insured=rng.random() < pop.foreign_insured,
        )
        if situation == "cannot-affiliate":
            patient.cannot_affiliate = cast(
                CannotAffiliateReason, weighted(rng, pop.cannot_affiliate_reasons)
            )
        return patient

    def _birth_date(self, start: dt.date) -> dt.date:
        band = self._bands.draw(self.rng)
        age_days = int(self.rng.uniform(band.low, band.high + 1) * 365.25)
        return start - dt.timedelta(days=max(age_days, 1))

    def _insz(self, birth: dt.date, sex: str, bis: bool) -> str:
        while True:
            serial = self.rng.randrange(1 if sex == "M" else 2, 998, 2)
            number = insz_number(birth, 40 if bis else 0, serial)
            if number not in self.used:
                self.used.add(number)
                return number

    def name(self, locale: str, sex: str) -> tuple[str, str]:
        """A first and last name from the locale's Faker lists."""
        return name_book(locale).name(self.rng, sex)

    def _situation(self) -> Situation:
        pop, draw = self.population, self.rng.random()
        for situation, share in (
            ("unknown", pop.unknown_person),
            ("cannot-affiliate", pop.cannot_affiliate),
            ("can-affiliate", pop.can_affiliate),
        ):
            if draw < share:
                return situation  # type: ignore[return-value]
            draw -= share
        return "administrative" if self.rng.random() < pop.administrative else "official"

    def _postal_code(self, region: str) -> str:
        if region == "abroad":
            return f"NL-{self.rng.randint(1000, 9999)}"
        low, high = _POSTAL_RANGES[region]
        return str(self.rng.randint(low, high))


def registry_snapshot(patients: Iterable[Patient], start: dt.date) -> RegistrySnapshot:
    """The registry rows of the patients known to the national register, as on `start`.

    No row carries a death date: deaths arrive later, by the daily deaths flow.
    """
    persons: list[Person] = []
    affiliations: list[Affiliation] = []
    for p in patients:
        if p.situation == "unknown":
            continue
        persons.append(_person(p))
        if p.zorgkas is not None:
            year = max(p.birth_date.year + 1, start.year - 5)
            kind: Any = p.situation
            affiliations.append(Affiliation(p.insz, p.zorgkas, kind, dt.date(year, 1, 1), None))
    return RegistrySnapshot(tuple(persons), tuple(affiliations))


def _person(p: Patient) -> Person:
    return Person(
        insz=p.insz,
        last_name=p.last_name,
        first_name=p.first_name,
        birth_date=p.birth_date,
        sex=p.sex,
        region=p.region,
        postal_code=p.postal_code,
        health_insurer=p.health_insurer,
        death_date=None,  # known only once it happened: the daily deaths flow
        cannot_affiliate=p.cannot_affiliate,
        foreign_insured=p.foreign_insured,
        increased_allowance_years=frozenset(),
        vzv25_years=frozenset(),
    )
