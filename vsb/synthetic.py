"""Synthetic registries of many members, for tests, benchmarks and load generators."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping

from vsb.identifiers import make_rrn
from vsb.membership import Affiliation, Person, RegistrySnapshot


def synthetic_person(index: int, death: dt.date | None = None) -> Person:
    """Member number `index`: a valid, unique RRN, living in Flanders."""
    return Person(
        insz=make_rrn(dt.date(1930, 1, 1) + dt.timedelta(days=index // 400), 1 + 2 * (index % 400)),
        last_name=f"Patient{index}",
        first_name="Test",
        birth_date=None,
        sex="U",
        region="flanders",
        postal_code="9000",
        health_insurer=100,
        death_date=death,
        cannot_affiliate=None,
        foreign_insured=False,
        increased_allowance_years=frozenset(),
        vzv25_years=frozenset(),
    )


def synthetic_registry(
    size: int,
    zorgkassen: Mapping[int, int] | None = None,
    deaths: Mapping[int, dt.date] | None = None,
    default_zorgkas: int = 180,
) -> RegistrySnapshot:
    """`size` members, each officially affiliated from 2024-01-01 (with their zorgkas from
    `zorgkassen`, else `default_zorgkas`), and death dates from `deaths`."""
    zorgkassen, deaths = zorgkassen or {}, deaths or {}
    people = [synthetic_person(i, deaths.get(i)) for i in range(size)]
    return RegistrySnapshot(
        persons=tuple(people),
        affiliations=tuple(
            Affiliation(
                p.insz, zorgkassen.get(i, default_zorgkas), "official", dt.date(2024, 1, 1), None
            )
            for i, p in enumerate(people)
        ),
    )
