"""The insurance status of a person on a date (REQ-INS-QUERY)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Literal

from vsb.answers import Error
from vsb.identifiers import InvalidIdentifier, check_insz
from vsb.store import REGISTER_COLUMNS, Store, chunks

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


def insurance_statuses(
    store: Store, asked: Iterable[tuple[str, dt.date]]
) -> dict[tuple[str, dt.date], InsuranceStatus]:
    """The statuses of many (INSZ, day) pairs, read with one query per 500 persons."""
    asked = set(asked)
    register: dict[str, list[Any]] = {}
    for chunk in chunks(sorted({insz for insz, _ in asked})):
        marks = ",".join("?" * len(chunk))
        for row in store.db.execute(
            f"SELECT {REGISTER_COLUMNS}, p.insz FROM persons p "
            "LEFT JOIN affiliations a ON a.insz = p.insz "
            f"WHERE p.insz IN ({marks}) ORDER BY a.start DESC",
            chunk,
        ):
            register.setdefault(row["insz"], []).append(row)
    return statuses_from_register(register, asked)


def statuses_from_register(
    register: Mapping[str, Sequence[Any]], asked: Iterable[tuple[str, dt.date]]
) -> dict[tuple[str, dt.date], InsuranceStatus]:
    """The statuses of (INSZ, day) pairs, each worked out once, from the register's rows of
    each person read beforehand (`vsb.store.REGISTER_COLUMNS`; a person without rows is one
    the register does not know)."""
    statuses: dict[tuple[str, dt.date], InsuranceStatus] = {}
    for insz, day in set(asked):
        rows = register.get(insz)
        if rows:
            statuses[(insz, day)] = _status(insz, day, rows[0], _covering(rows, day))
        else:
            statuses[(insz, day)] = _status(insz, day, None, None)
    return statuses


def _covering(periods: Sequence[Any], day: dt.date) -> Any:
    """The affiliation that covers `day`: of a person's rows (latest start first), the first
    to have started by then and not ended before."""
    iso = day.isoformat()
    for row in periods:
        start, end = row["start"], row["end"]
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
