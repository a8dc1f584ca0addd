"""What the MBE software under test sent, read the way the rules speak of it.

The Thens of direction 2 judge messages that reached the harness's central application: the
requests, changes and stops of a patient's begeleiding, the invoices of its shipments and what
the central application answered to each. This module finds them; the steps compare them with
the scenario text and the rulebook. Nothing here asks the reference what it would answer: the
answers read are the ones the software got.
"""

from __future__ import annotations

import contextlib
import datetime as dt
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

import pytest

from conformance.mbe.candidate import body, candidate, harness
from conformance.mbe.recording import Record, day_of
from conformance.world import World

BEGELEIDING_KINDS = ("request", "admin-change", "stop", "cancel-stop", "cancel-request")
"""The messages of one begeleiding (a status query or a shipment is not one of them)."""

Match = Callable[[Record], bool]


def scenario_requirement(request: pytest.FixtureRequest, fallback: str) -> str:
    """The requirement the running scenario certifies (its `@REQ-` tag), else `fallback`.

    A Then that finds a message missing, or one too many, breaches the rule the scenario is
    about; a Then that checks a field with a rule of its own names that rule instead.
    """
    for marker in request.node.iter_markers():
        name = str(marker.name)
        if name.startswith("REQ-"):
            return name
    return fallback


# -- the candidate's messages, in the order they arrived -------------------------------------


def indexed(world: World, *kinds: str) -> list[tuple[int, Record]]:
    """The candidate's messages (of `kinds`) with their place among all messages the harness
    received, so that steps can say what came before what."""
    hco = candidate(world).hco
    records = list(harness(world).recording.records)
    return [
        (index, record)
        for index, record in enumerate(records)
        if record.mbe == hco and (not kinds or record.kind in kinds)
    ]


def received(world: World) -> int:
    """How many messages the harness has received so far (from anyone)."""
    return len(harness(world).recording.records)


def place_of(world: World, record: Record) -> int:
    """Where a record stands among all messages received."""
    for index, found in enumerate(harness(world).recording.records):
        if found is record:
            return index
    return -1


# -- begeleidingen ---------------------------------------------------------------------------


@contextlib.contextmanager
def _engine_lock(world: World) -> Iterator[None]:
    lock = getattr(harness(world), "lock", None)
    if lock is None:
        yield
    else:
        with lock:
            yield


def final_decisions(world: World) -> list[dict[str, Any]]:
    """The final decisions in the candidate's feed, oldest first."""
    central = harness(world)
    with _engine_lock(world):
        feed = central.recording.feed(candidate(world).hco, 0)
    return [document for _, document in feed if document.get("kind") == "final-decision"]


def references(world: World, patient: str) -> list[str]:
    """The VSB references the patient's begeleidingen got: from an accepted request, or from
    the final decision that accepted a request under review."""
    insz = world.insz(patient)
    found: list[str] = []
    requests = [r for _, r in indexed(world, "request") if body(r).get("insz") == insz]
    pending = set()
    for record in requests:
        reference = record.answer.get("vsbReference")
        if record.answer.get("outcome") == "accepted" and isinstance(reference, str):
            found.append(reference)
        elif record.answer.get("outcome") == "under-review":
            pending.add(body(record).get("messageId"))
    if pending:
        for decision in final_decisions(world):
            reference = decision.get("vsbReference")
            if decision.get("inReplyTo") in pending and isinstance(reference, str):
                found.append(reference)
    return found


def about(world: World, patient: str) -> Match:
    """Whether a message is about the patient: names their INSZ or a VSB reference one of
    their begeleidingen got."""
    insz = world.insz(patient)
    known = set(references(world, patient))
    return lambda r: body(r).get("insz") == insz or body(r).get("vsbReference") in known


def of_begeleiding(world: World, patient: str) -> list[tuple[int, Record]]:
    """The messages of the patient's begeleidingen (requests and changes), in order."""
    mine = about(world, patient)
    return [(i, r) for i, r in indexed(world, *BEGELEIDING_KINDS) if mine(r)]


def under_review(record: Record) -> bool:
    """Whether the answer to a message put it under review."""
    return record.answer.get("outcome") == "under-review"


# -- invoices --------------------------------------------------------------------------------


@dataclass(frozen=True)
class Billed:
    """One invoice the software sent: its shipment, where it stands, and what became of it."""

    place: int
    shipment: Record
    position: int  # its index in the shipment's invoices
    invoice: dict[str, Any]
    status: str  # accepted, rejected, under-review; refused when the shipment was

    @property
    def zorgkas(self) -> Any:
        """The zorgkas the shipment was sent to."""
        return body(self.shipment).get("zorgkas")

    @property
    def day(self) -> dt.date:
        """The day the shipment arrived."""
        return day_of(self.shipment)

    @property
    def original(self) -> bool:
        """Whether it is an original invoice (not a credit note)."""
        return self.invoice.get("type") == "original"

    @property
    def number(self) -> Any:
        """The invoice number."""
        return self.invoice.get("invoiceNumber")

    @property
    def lines(self) -> list[dict[str, Any]]:
        """The invoice's lines (dicts only)."""
        lines = self.invoice.get("lines")
        return [line for line in lines if isinstance(line, dict)] if isinstance(lines, list) else []

    def pointer(self, tail: str = "") -> str:
        """The JSON pointer of this invoice (or a field of it) in its shipment."""
        return f"/invoices/{self.position}{tail}"


def refused_as_a_whole(shipment: Record) -> bool:
    """Whether the central application refused a shipment as a whole."""
    return shipment.answer.get("status") not in ("processing", "signed")


def shipments(world: World) -> list[tuple[int, Record]]:
    """The candidate's shipments, in order."""
    return indexed(world, "shipment")


def billed(world: World) -> list[Billed]:
    """Every invoice and credit note the software sent, with the status its settlement gave."""
    found: list[Billed] = []
    for place, shipment in shipments(world):
        invoices = body(shipment).get("invoices")
        if not isinstance(invoices, list):
            continue
        answered = {
            i.get("invoiceNumber"): str(i.get("status"))
            for i in shipment.answer.get("invoices", ()) or ()
            if isinstance(i, dict)
        }
        whole = refused_as_a_whole(shipment)
        for position, invoice in enumerate(invoices):
            if isinstance(invoice, dict):
                status = "refused" if whole else answered.get(invoice.get("invoiceNumber"), "?")
                found.append(Billed(place, shipment, position, invoice, status))
    return found


def billed_for(world: World, patient: str) -> list[Billed]:
    """The invoices and credit notes of the patient."""
    insz = world.insz(patient)
    return [b for b in billed(world) if b.invoice.get("insz") == insz]


def describe(items: list[Billed]) -> str:
    """The invoices in a few words, for a breach."""
    if not items:
        return "no invoice"
    return "; ".join(
        f"{b.invoice.get('type')} {b.number} to zorgkas {b.zorgkas} on {b.day} ({b.status})"
        for b in items
    )
