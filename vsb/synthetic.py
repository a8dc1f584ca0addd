"""Synthetic registries of many members, for tests, benchmarks and load generators."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

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


SAMPLE_GP = "11234578003"  # a physician's RIZIV number (mod 97)


def sample_request(
    mbe: str,
    insz: str,
    start: dt.date | str,
    message_id: str,
    request_type: str = "new",
    **begeleiding: Any,
) -> dict[str, Any]:
    """A schema-valid request with plausible content; keyword arguments replace fields of
    `begeleiding`."""
    body: dict[str, Any] = {
        "requestType": request_type,
        "startDate": start if isinstance(start, str) else start.isoformat(),
        "contactPerson": {"name": "An Peeters", "phone": "+32 9 123 45 67"},
        "medical": {
            "gp": {"name": "Dr. Jan Claes", "riziv": SAMPLE_GP},
            "diagnosis": "onco-lung",
            "referral": "gp",
            "origin": "home-with-family",
        },
        "accidentCode": "none",
        **begeleiding,
    }
    return {
        "kind": "request",
        "messageId": message_id,
        "mbe": mbe,
        "insz": insz,
        "begeleiding": body,
    }
