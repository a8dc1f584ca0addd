"""The bodies of the test-control endpoints (`PUT /test/registry`, `POST /test/mbes`, ...).

One definition, used by the HTTP adapter and by the integration tests of `vsb serve`.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

from vsb.clock import BRUSSELS
from vsb.mbes import Mbe
from vsb.membership import RegistrySnapshot


def _day(value: dt.date | None) -> str | None:
    return value.isoformat() if value else None


def registry_body(snapshot: RegistrySnapshot) -> dict[str, Any]:
    """The body of PUT /test/registry for a registry snapshot."""
    return {
        "persons": [
            {
                "insz": p.insz,
                "lastName": p.last_name,
                "firstName": p.first_name,
                "birthDate": _day(p.birth_date),
                "sex": p.sex,
                "region": p.region,
                "postalCode": p.postal_code,
                "healthInsurer": p.health_insurer,
                "deathDate": _day(p.death_date),
                "cannotAffiliate": p.cannot_affiliate,
                "foreignInsured": p.foreign_insured,
            }
            for p in snapshot.persons
        ],
        "affiliations": [
            {
                "insz": a.insz,
                "zorgkas": a.zorgkas,
                "type": a.type,
                "start": a.start.isoformat(),
                "end": _day(a.end),
            }
            for a in snapshot.affiliations
        ],
    }


def mbes_body(mbes: Sequence[Mbe]) -> dict[str, Any]:
    """The body of POST /test/mbes for recognised MBEs."""
    return {
        "mbes": [
            {
                "hco": m.hco,
                "name": m.name,
                "network": m.network,
                "province": m.province,
                "population": m.population,
                "cotDeclaration": m.cot_declaration,
            }
            for m in mbes
        ]
    }


def clock_body(moment: dt.datetime) -> dict[str, Any]:
    """The body of PUT /test/clock: an ISO date-time with offset (a naive moment is Brussels
    time, as the reference application's clock reads it)."""
    aware = moment if moment.tzinfo else moment.replace(tzinfo=BRUSSELS)
    return {"now": aware.isoformat()}
