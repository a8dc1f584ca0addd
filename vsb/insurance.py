"""The insurance status of a person on a date (REQ-INS-QUERY)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Any, Literal, NamedTuple

from vsb.answers import Error
from vsb.identifiers import InvalidIdentifier, check_insz
from vsb.store import RegisterOnDay, Store

Status = Literal["affiliated", "can-affiliate", "cannot-affiliate", "unknown-person"]


@dataclass(frozen=True)
class InsuranceStatus:
    """What the register says of a person on a date."""

    insz: str
    date: dt.date
    status: Status
    zorgkas: int | None = None
    affiliation_type: str | None = None
    period: tuple[dt.date, dt.date | None] | None = None
    reason: str | None = None
    death_date: dt.date | None = None
    health_insurer: int | None = None

    def answer(self, in_reply_to: str) -> dict[str, Any]:
        """The insurance-status-answer message."""
        document: dict[str, Any] = {
            "kind": "insurance-status-answer",
            "inReplyTo": in_reply_to,
            "insz": self.insz,
            "date": self.date.isoformat(),
            "status": self.status,
        }
        if self.zorgkas is not None:
            document["zorgkas"] = self.zorgkas
            document["affiliationType"] = self.affiliation_type
        if self.period is not None:
            start, end = self.period
            document["period"] = {"from": start.isoformat(), "to": end.isoformat() if end else None}
        if self.reason is not None:
            document["reason"] = self.reason
        if self.death_date is not None:
            document["deathDate"] = self.death_date.isoformat()
        return document


def query_errors(query: dict[str, Any]) -> list[Error]:
    """Why an insurance-status query cannot be answered: an INSZ with wrong check digits
    (REQ-ID-INSZ, as for a request) is a typo to correct, not a person the register lacks."""
    try:
        check_insz(query["insz"])
    except InvalidIdentifier as exc:
        return [Error("REQ-ID-INSZ", "/insz", str(exc))]
    return []


def insurance_status(store: Store, insz: str, day: dt.date) -> InsuranceStatus:
    """The person's status on `day`: affiliated, can affiliate, cannot affiliate, or unknown.

    Official and administrative affiliation both count (REQ-INS-AFFILIATION-TYPES); residence
    plays no part (REQ-INS-ANY-REGION).
    """
    rows = store.register(insz)
    if not rows:
        return _status(insz, day, None, None)
    return _status(insz, day, rows[0], _covering(rows, day))


def _covering(periods: Sequence[Any], day: dt.date) -> Any:
    """The affiliation that covers `day`: of a person's rows (latest start first), the first
    to have started by then and not ended before (in SQL for billing's bulk read:
    `vsb.store._AFFILIATION_ON_START`, held equal by tests/property/test_insurance_statuses.py)."""
    iso = day.isoformat()
    for row in periods:
        start, end = row["start"], row["end"]
        if start is not None and start <= iso and (end is None or end >= iso):
            return row
    return None


class Standing(NamedTuple):
    """What billing reads of a patient's insurance status on a begeleiding's start date
    (REQ-BL-MEMBER, REQ-BL-AFTER-DEATH): the status, zorgkas and death date an
    `InsuranceStatus` of that day holds, as a tuple, since a shipment works out thousands."""

    status: Status
    zorgkas: int | None
    death_date: dt.date | None


@lru_cache(maxsize=4096)
def standing(register: RegisterOnDay) -> Standing:
    """A person's standing on a day from the register's columns of that day
    (`Store.begeleidingen_by_references`): what `insurance_status` says that day.
    Remembered: the patients of a shipment mostly share a zorgkas and have no death date."""
    known, zorgkas, cannot_affiliate, death_date = register
    if not known:
        return Standing("unknown-person", None, None)
    kind = _kind(zorgkas is not None, cannot_affiliate)
    death = dt.date.fromisoformat(death_date) if death_date else None
    return Standing(kind, zorgkas, death)


def _kind(affiliated: bool, cannot_affiliate: str | None) -> Status:
    """The status of a person the register knows: affiliated when an affiliation covers the
    day, else whether they can affiliate."""
    if affiliated:
        return "affiliated"
    return "cannot-affiliate" if cannot_affiliate else "can-affiliate"


def _status(insz: str, day: dt.date, person: Any, affiliation: Any) -> InsuranceStatus:
    if person is None:
        return InsuranceStatus(insz, day, "unknown-person")
    kind = _kind(affiliation is not None, person["cannot_affiliate"])
    death = dt.date.fromisoformat(person["death_date"]) if person["death_date"] else None
    insurer = person["health_insurer"]
    if kind == "affiliated":
        end = dt.date.fromisoformat(affiliation["end"]) if affiliation["end"] else None
        return InsuranceStatus(
            insz,
            day,
            kind,
            zorgkas=affiliation["zorgkas"],
            affiliation_type=affiliation["type"],
            period=(dt.date.fromisoformat(affiliation["start"]), end),
            death_date=death,
            health_insurer=insurer,
        )
    return InsuranceStatus(
        insz,
        day,
        kind,
        reason=person["cannot_affiliate"] if kind == "cannot-affiliate" else None,
        death_date=death,
        health_insurer=insurer,
    )
