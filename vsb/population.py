"""A larger patient pool: valid, insured test persons made from a seed, and the registry
folder that holds them.

Every person lives in Flanders, has a national register number (RRN) with correct check
digits that agrees with the birth date and sex, and is officially affiliated with a zorgkas
(and insured with that zorgkas's health insurer, as the rulebook links them) from
`AFFILIATED_FROM`, with no end. The same seed, count, zorgkassen and numbers taken give the
same persons: one `random.Random(seed)`, never the global one. Test control adds them to a
running registry (`vsb.serve.population`); `vsb registry generate` writes them as a folder.
"""

from __future__ import annotations

import csv
import datetime as dt
import random
from collections.abc import Iterable, Sequence
from pathlib import Path

from vsb.identifiers import make_rrn
from vsb.membership import HEADERS, NATIONAL_REGISTER, Affiliation, Person, RegistrySnapshot, Sex
from vsb.rulebook import default_rulebook

__all__ = [
    "AFFILIATED_FROM",
    "MAX_REGISTRY_PERSONS",
    "generate_persons",
    "write_registry",
]

AFFILIATED_FROM = dt.date(2001, 1, 1)
"""The day every generated person's affiliation starts (as the fixture persons')."""

BORN_FROM, BORN_UNTIL = dt.date(1925, 1, 1), dt.date(2005, 12, 31)
"""The birth dates drawn from: palliative home care is mostly, not only, for the old."""

FIRST_NAMES = {
    "M": ("Jan", "Luc", "Marc", "Willy", "Pieter", "Jozef", "Dirk", "Karel", "Wim", "Eddy"),
    "F": ("Maria", "Els", "An", "Nadine", "Rita", "Godelieve", "Lieve", "Sofie", "Ann", "Greet"),
}
LAST_NAMES = (
    "Peeters",
    "Janssens",
    "Maes",
    "Jacobs",
    "Mertens",
    "Willems",
    "Claes",
    "Goossens",
    "Wouters",
    "De Smet",
    "Dubois",
    "Hermans",
    "Aerts",
    "Segers",
    "De Clercq",
    "Vermeulen",
)
POSTAL_CODES = ("2000", "2300", "2800", "3000", "3500", "8000", "8500", "8900", "9000", "9700")
"""Flemish municipalities (Antwerp, Turnhout, Mechelen, Leuven, Hasselt, Bruges, Kortrijk,
Ypres, Ghent, Oudenaarde)."""


def generate_persons(
    count: int, seed: int, zorgkassen: Sequence[int], taken: frozenset[str] = frozenset()
) -> RegistrySnapshot:
    """`count` insured test persons with INSZ numbers not in `taken`, drawn from `seed`."""
    rng = random.Random(seed)
    insurers = default_rulebook().zorgkassen
    seen = set(taken)
    persons: list[Person] = []
    affiliations: list[Affiliation] = []
    while len(persons) < count:
        sex: Sex = rng.choice(("M", "F"))
        birth = dt.date.fromordinal(rng.randint(BORN_FROM.toordinal(), BORN_UNTIL.toordinal()))
        serial = 2 * rng.randint(0, 497) + (1 if sex == "M" else 2)  # odd: male, even: female
        insz = make_rrn(birth, serial)
        if insz in seen:
            continue
        seen.add(insz)
        zorgkas = rng.choice(zorgkassen)
        persons.append(
            Person(
                insz=insz,
                last_name=rng.choice(LAST_NAMES),
                first_name=rng.choice(FIRST_NAMES[sex]),
                birth_date=birth,
                sex=sex,
                region="flanders",
                postal_code=rng.choice(POSTAL_CODES),
                health_insurer=int(insurers[zorgkas]["health_insurer"]),
                death_date=None,
                cannot_affiliate=None,
                foreign_insured=False,
                increased_allowance_years=frozenset(),
                vzv25_years=frozenset(),
            )
        )
        affiliations.append(Affiliation(insz, zorgkas, "official", AFFILIATED_FROM, None))
    return RegistrySnapshot(tuple(persons), tuple(affiliations))


MAX_REGISTRY_PERSONS = 100_000
"""The most persons a registry may hold: what `vsb registry generate` writes, and what test
control's `registry/generate` grows one to (as many as `PUT /test/registry` takes)."""


def write_registry(snapshot: RegistrySnapshot, folder: Path) -> None:
    """Write generated persons as a registry folder (docs/registry-format.md): the national
    register and the affiliations; the optional flows stay out, since no generated person is
    in them."""
    folder.mkdir(parents=True, exist_ok=True)
    _write(
        folder / NATIONAL_REGISTER,
        (
            (
                p.insz,
                p.last_name,
                p.first_name,
                p.birth_date.isoformat() if p.birth_date else "",
                p.sex,
                p.region,
                p.postal_code,
                "" if p.health_insurer is None else p.health_insurer,
                "registered",
            )
            for p in snapshot.persons
        ),
    )
    _write(
        folder / "affiliations.csv",
        (
            (a.insz, a.zorgkas, a.type, a.start.isoformat(), "" if a.end is None else a.end)
            for a in snapshot.affiliations
        ),
    )


def _write(path: Path, rows: Iterable[Sequence[object]]) -> None:
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(HEADERS[path.name])
        writer.writerows(rows)
