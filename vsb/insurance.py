"""The insurance status of a person on a date (REQ-INS-QUERY)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any, Literal

from vsb.answers import Error
from vsb.identifiers import InvalidIdentifier, check_insz
from vsb.store import Store, chunks

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
    return _status(insz, day, *store.person_on(insz, day))


def insurance_statuses(
    store: Store, asked: Iterable[tuple[str, dt.date]]
) -> dict[tuple[str, dt.date], InsuranceStatus]:
    """The statuses of many (INSZ, day) pairs, each worked out once, read with one query per
    500 persons (only the columns a status holds)."""
    asked = set(asked)
    rows: dict[str, list[Any]] = {}  # per person, their affiliations, the latest start first
    for chunk in chunks(sorted({insz for insz, _ in asked})):
        marks = ",".join("?" * len(chunk))
        # A row per affiliation (one with start NULL for a person without any, sorted last),
        # its columns named as `_status` reads both a person and an affiliation.
        for row in store.db.execute(
            "SELECT p.insz, p.death_date, p.cannot_affiliate, p.health_insurer, a.zorgkas, "
            "a.type, a.start, a.end FROM persons p LEFT JOIN affiliations a ON a.insz = p.insz "
            f"WHERE p.insz IN ({marks}) ORDER BY a.start DESC",
            chunk,
        ):
            rows.setdefault(row[0], []).append(row)
    statuses: dict[tuple[str, dt.date], InsuranceStatus] = {}
    for insz, day in asked:
        person = rows.get(insz)
        if person is None:
            statuses[(insz, day)] = _status(insz, day, None, None)
        else:
            statuses[(insz, day)] = _status(insz, day, person[0], _covering(person, day))
    return statuses


def _covering(periods: list[Any], day: dt.date) -> Any:
    """The affiliation that covers `day`: of a person's rows of `insurance_statuses`' query
    (start and end its 7th and 8th columns), latest start first, the first to have started by
    then and not ended before."""
    iso = day.isoformat()
    for row in periods:
        start, end = row[6], row[7]
        if start is not None and start <= iso and (end is None or end >= iso):
            return row
    return None


def _status(insz: str, day: dt.date, person: Any, affiliation: Any) -> InsuranceStatus:
    if person is None:
        return InsuranceStatus(insz, day, "unknown-person")
    death = dt.date.fromisoformat(person["death_date"]) if person["death_date"] else None
    insurer = person["health_insurer"]
    if affiliation is not None:
        end = dt.date.fromisoformat(affiliation["end"]) if affiliation["end"] else None
        return InsuranceStatus(
            insz,
            day,
            "affiliated",
            zorgkas=affiliation["zorgkas"],
            affiliation_type=affiliation["type"],
            period=(dt.date.fromisoformat(affiliation["start"]), end),
            death_date=death,
            health_insurer=insurer,
        )
    if person["cannot_affiliate"]:
        return InsuranceStatus(
            insz,
            day,
            "cannot-affiliate",
            reason=person["cannot_affiliate"],
            death_date=death,
            health_insurer=insurer,
        )
    return InsuranceStatus(insz, day, "can-affiliate", death_date=death, health_insurer=insurer)
