"""A larger patient pool for a sandbox: generated persons (`vsb.population`) added to a
running registry by test control's `registry/generate`."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from vsb.membership import RegistrySnapshot
from vsb.population import AFFILIATED_FROM, MAX_REGISTRY_PERSONS, generate_persons
from vsb.store import Store

__all__ = [
    "AFFILIATED_FROM",
    "MAX_REGISTRY_PERSONS",
    "Generated",
    "RegistryFull",
    "add_generated",
    "generate_persons",
]


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
        store.forget_registry()  # whom it knew as unknown, it now knows
    return Generated(snapshot, len(taken) + count)
