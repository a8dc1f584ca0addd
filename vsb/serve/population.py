"""A larger patient pool for a sandbox: valid, insured test persons made from a seed.

Every person lives in Flanders, has a national register number (RRN) with correct check
digits that agrees with the birth date and sex, and is officially affiliated with a zorgkas
(and insured with that zorgkas's health insurer, as the rulebook links them) from
`AFFILIATED_FROM`, with no end. The same seed, count, zorgkassen and registry give the same
persons: one `random.Random(seed)`, never the global one.
"""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from vsb.identifiers import make_rrn
from vsb.membership import Affiliation, Person, RegistrySnapshot, Sex
from vsb.rulebook import default_rulebook
from vsb.store import Store

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


@dataclass(frozen=True)
class Generated:
    """The persons made and what the registry holds afterwards."""

    snapshot: RegistrySnapshot
    registry_persons: int

    def as_dict(self, seed: int) -> dict[str, Any]:
        """The answer of `registry/generate`: every person made, with its zorgkas."""
        zorgkas = {a.insz: a.zorgkas for a in self.snapshot.affiliations}
        return {
            "generated": len(self.snapshot.persons),
            "seed": seed,
            "registryPersons": self.registry_persons,
            "persons": [
                {
                    "insz": p.insz,
                    "lastName": p.last_name,
                    "firstName": p.first_name,
                    "birthDate": p.birth_date.isoformat() if p.birth_date else None,
                    "sex": p.sex,
                    "zorgkas": zorgkas[p.insz],
                    "healthInsurer": p.health_insurer,
                }
                for p in self.snapshot.persons
            ],
        }


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
"""The most persons a registry may hold after `add_generated` (as many as `PUT /test/registry`
takes)."""


class RegistryFull(ValueError):
    """The registry would hold more persons than the service allows."""


def add_generated(store: Store, count: int, seed: int, zorgkassen: Sequence[int]) -> Generated:
    """Make `count` persons beside those in `store`'s registry and add them.

    Raises:
        RegistryFull: the registry would then hold more than `MAX_REGISTRY_PERSONS`
            (nothing added).
    """
    taken = frozenset(row[0] for row in store.db.execute("SELECT insz FROM persons"))
    if len(taken) + count > MAX_REGISTRY_PERSONS:
        raise RegistryFull(
            f"the registry holds {len(taken)} persons; {count} more would pass the "
            f"{MAX_REGISTRY_PERSONS} a registry may hold"
        )
    snapshot = generate_persons(count, seed, zorgkassen, taken)
    with store.transaction():  # the rows as `Store.load_registry` writes them
        store.db.executemany(
            "INSERT INTO persons VALUES (?,?,?,?,?,?,?,?,?,?,?)",
            [
                (
                    p.insz,
                    p.last_name,
                    p.first_name,
                    p.birth_date.isoformat() if p.birth_date else None,
                    p.sex,
                    p.region,
                    p.postal_code,
                    p.health_insurer,
                    None,
                    None,
                    0,
                )
                for p in snapshot.persons
            ],
        )
        store.db.executemany(
            "INSERT INTO affiliations VALUES (?,?,?,?,?)",
            [(a.insz, a.zorgkas, a.type, a.start.isoformat(), None) for a in snapshot.affiliations],
        )
    return Generated(snapshot, len(taken) + count)
