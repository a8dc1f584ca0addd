"""Replay recorded traffic through a fresh reference application at its recorded moments.

The reference application (vsb.engine.CentralApplication, a FixedClock set to each moment)
gets the registry and MBEs the recorded central application had, then, in time order: the
national register's deaths (each at 06:00 the day after it happened, as the KSZ daily deaths
flow delivers them), every message at the moment it was processed (its recorded answer's, else
its own), and the recorded staff actions: each final decision at its moment, and each
signature at its moment, with the line decisions the signed settlement shows taken just
before it (they carry no moment of their own). Payments are not replayed: no rule about an MBE
message reads them.

A VSB reference the recorded central application gave is translated to the one the reference
gave the same request before later messages are replayed, so that numbering alone never makes
the two disagree.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from functools import partial
from pathlib import Path
from typing import Any, Literal

from conformance.audit.compare import Disagreement, differences, disagreement
from conformance.audit.exchanges import Exchange, Judged, Traffic
from vsb.clock import BRUSSELS, FixedClock
from vsb.engine import CentralApplication
from vsb.mbes import load_mbes
from vsb.membership import ZORGKASSEN, RegistrySnapshot, load_registry
from vsb.review import ReviewItem, StaffActionError
from vsb.rulebook import RulebookOverlay

__all__ = ["Replayed", "replay"]

Outcome = Literal["accepted", "refused"]
DEATHS_FLOW_AT = dt.time(6, 0)  # the KSZ daily flow brings yesterday's deaths at 06:00
_REFUSED_BY = re.compile(r"^refused by (the zorgkas|.+? of zorgkas \d+): ")


@dataclass
class Replayed:
    """The exchanges as the reference judged them, and where the record disagrees."""

    judged: list[Judged] = field(default_factory=list)
    disagreements: list[Disagreement] = field(default_factory=list)


Event = tuple[dt.datetime, int, int, Callable[[], None]]


class _Replay:
    def __init__(self, registry: Path, mbes: Path, overlay: RulebookOverlay | None) -> None:
        snapshot = load_registry(registry)
        self.deaths = sorted(
            (p.death_date, p.insz) for p in snapshot.persons if p.death_date is not None
        )
        alive = tuple(replace(p, death_date=None) for p in snapshot.persons)
        self.clock = FixedClock(dt.datetime(2024, 1, 1))
        self.app = CentralApplication(clock=self.clock, rulebook_overlay=overlay)
        self.app.store.load_registry(RegistrySnapshot(alive, snapshot.affiliations))
        self.app.store.load_mbes(load_mbes(mbes))
        self.references: dict[str, str] = {}  # recorded VSB reference -> the reference's
        self.bodies: dict[int, dict[str, Any]] = {}
        self.documents: dict[int, list[dict[str, Any]]] = {}
        self.disagreements: list[Disagreement] = []

    # -- events ---------------------------------------------------------------------------

    def events(self, traffic: Traffic) -> list[Event]:
        found: list[Event] = []
        by_day: dict[dt.date, list[tuple[str, dt.date]]] = {}
        for day, insz in self.deaths:
            by_day.setdefault(day, []).append((insz, day))
        for day, deaths in by_day.items():
            moment = dt.datetime.combine(day + dt.timedelta(days=1), DEATHS_FLOW_AT, BRUSSELS)
            found.append((moment, 0, 0, partial(self.app.store.record_deaths, deaths)))
        for index, exchange in enumerate(traffic.exchanges):
            first = exchange.answer or exchange.message
            found.append((first.at, 1, first.seq, partial(self._message, index, exchange)))
            if exchange.decision is not None:
                doc = exchange.decision
                found.append((doc.at, 1, doc.seq, partial(self._decide, index, exchange)))
            if exchange.signed is not None:
                doc = exchange.signed
                found.append((doc.at, 1, doc.seq, partial(self._sign, index, exchange)))
        return sorted(found, key=lambda event: event[:3])

    def _disagree(self, exchange: Exchange, document: str, *difference: str) -> None:
        field, recorded, reference = difference
        self.disagreements.append(disagreement(exchange, document, field, recorded, reference))

    def _compare(
        self, exchange: Exchange, name: str, recorded: dict[str, Any], mine: dict[str, Any]
    ) -> None:
        for difference in differences(recorded, mine):
            self._disagree(exchange, name, *difference)
        theirs, ours = recorded.get("vsbReference"), mine.get("vsbReference")
        if isinstance(theirs, str) and isinstance(ours, str) and theirs != ours:
            self.references[theirs] = ours

    # -- messages -------------------------------------------------------------------------

    def _translate(self, body: dict[str, Any]) -> dict[str, Any]:
        if not self.references:
            return body
        body = dict(body)
        if isinstance(body.get("vsbReference"), str):
            body["vsbReference"] = self.references.get(body["vsbReference"], body["vsbReference"])
        if isinstance(body.get("invoices"), list):
            body["invoices"] = [
                self._translate(i) if isinstance(i, dict) else i for i in body["invoices"]
            ]
        return body

    def _message(self, index: int, exchange: Exchange) -> None:
        body = self._translate(exchange.message.body)
        self.clock.set(exchange.processed_at())
        answer = self.app.handle(body)
        self.bodies[index], self.documents[index] = body, [answer]
        if exchange.answer is not None:
            self._compare(exchange, "answer", exchange.answer.body, answer)

    # -- staff ----------------------------------------------------------------------------

    def _review_item(self, exchange: Exchange, zorgkas: int) -> ReviewItem | None:
        for kas in (zorgkas, *sorted(set(ZORGKASSEN.values()) - {zorgkas})):
            for item in self.app.review_queue(kas):
                if item.message_id == exchange.message_id and item.mbe == exchange.mbe:
                    return item
        return None

    def _decide(self, index: int, exchange: Exchange) -> None:
        assert exchange.decision is not None
        recorded = exchange.decision.body
        kas, staff = recorded["decidedBy"]["zorgkas"], recorded["decidedBy"]["staff"]
        self.clock.set(exchange.decision.at)
        item = self._review_item(exchange, kas)
        if item is None:
            self._disagree(
                exchange, "final decision", "review", f"decided by {kas}", "not under review"
            )
            return
        if item.zorgkas != kas:
            self._disagree(exchange, "final decision", "zorgkas", str(kas), str(item.zorgkas))
        outcome, reason = _staff_decision(recorded, item.requirement)
        try:
            final = self.app.decide(item.id, item.zorgkas, staff, outcome, reason)
        except StaffActionError as exc:
            self._disagree(exchange, "final decision", "decision", outcome, f"not possible: {exc}")
            return
        self.documents.setdefault(index, []).append(final)
        self._compare(exchange, "final decision", recorded, final)

    def _sign(self, index: int, exchange: Exchange) -> None:
        assert exchange.signed is not None
        recorded = exchange.signed.body
        mine = (self.documents.get(index) or [{}])[0]
        if mine.get("status") != "processing":
            self._disagree(
                exchange, "signed settlement", "status", "signed", str(mine.get("status"))
            )
            return
        self.clock.set(exchange.signed.at)
        settlement_id, kas = mine["settlementId"], mine["zorgkas"]
        staff = recorded["signedBy"]["staff"]
        lines = {
            (invoice["invoiceNumber"], line["lineNumber"]): line
            for invoice in recorded["invoices"]
            for line in invoice["lines"]
        }
        try:
            for item in self.app.billing_queue(kas):
                if item.settlement_id == settlement_id:
                    line = lines.get((item.invoice_number, item.line_number), {})
                    self.app.decide_line(item.id, kas, staff, *_line_decision(line))
            signed, _ = self.app.sign(settlement_id, kas, staff)
        except StaffActionError as exc:
            self._disagree(
                exchange, "signed settlement", "signature", "signed", f"not possible: {exc}"
            )
            return
        self.documents[index].append(signed)
        self._compare(exchange, "signed settlement", recorded, signed)


def _staff_decision(recorded: dict[str, Any], requirement: str) -> tuple[Outcome, str]:
    """What the staff member decided: a final refusal naming the requirement the message was
    reviewed under is theirs; one naming other requirements is an acceptance that the state
    no longer allowed (the reference rechecks it)."""
    for error in recorded.get("errors") or ():
        if recorded["outcome"] == "refused" and error["requirement"] == requirement:
            return "refused", _REFUSED_BY.sub("", str(error.get("message", ""))) or "refused"
    return "accepted", ""


def _line_decision(line: dict[str, Any]) -> tuple[Outcome, str]:
    if line.get("status") != "rejected":
        return "accepted", ""
    for error in line.get("errors") or ():
        if error["requirement"] == "REQ-BL-REVIEW":
            return "refused", _REFUSED_BY.sub("", str(error.get("message", ""))) or "refused"
    return "refused", "refused as recorded"


def replay(
    traffic: Traffic, registry: Path, mbes: Path, overlay: RulebookOverlay | None = None
) -> Replayed:
    """Replay the traffic through a fresh reference application with this registry and MBEs,
    its rulebook extended by `overlay` (the tariffs of MBEs it does not know) if given.

    Raises:
        RegistryFileError, MbeFileError: the registry or the MBE file cannot be loaded.
    """
    run = _Replay(registry, mbes, overlay)
    for _, _, _, action in run.events(traffic):
        action()
    result = Replayed(disagreements=run.disagreements)
    for index, exchange in enumerate(traffic.exchanges):
        result.judged.append(
            Judged(
                exchange,
                run.bodies[index],
                tuple(run.documents[index]),
                exchange.processed_at(),
            )
        )
    return result
