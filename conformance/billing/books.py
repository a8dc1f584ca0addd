"""What the MBEs of a scenario billed, kept in `world.notes["billing"]` (a `Books`): invoices
and credit notes composed into an MBE's next shipment, the shipments sent, and each shipment's
settlement as last seen (the answer, then staff replies).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from conformance.adapters.base import Reply
from conformance.billing.rules import AMOUNT, forfait_code, tariff
from conformance.verdicts import Breach
from conformance.world import Begeleiding, SetupFailed, World

NEVER_ISSUED = "9999999"
"""The serial of the VSB reference under which a begeleiding without one is billed."""

# -- what the scenario billed ------------------------------------------------------------------


@dataclass
class Invoice:
    """An invoice or credit note an MBE of the scenario billed, as it was (or will be) sent."""

    patient: str
    mbe: str
    body: dict[str, Any]
    index: int = -1  # its place in the shipment it went in

    @property
    def number(self) -> str:
        """The MBE's invoice number."""
        return str(self.body["invoiceNumber"])

    @property
    def kind(self) -> str:
        """original or credit-note."""
        return str(self.body["type"])


@dataclass
class Shipment:
    """A shipment the scenario sent, and its settlement as last seen (answer, staff replies)."""

    mbe: str
    zorgkas: int
    message: dict[str, Any]
    invoices: list[Invoice]
    reply: Reply
    settlement: dict[str, Any]

    @property
    def settlement_id(self) -> str:
        """The id of its settlement; a shipment answered with a problem has none."""
        sid = self.settlement.get("settlementId")
        if not isinstance(sid, str):
            raise Breach(
                "a settlement with a settlement id", describe_shipment(self), None, "/settlementId"
            )
        return sid


@dataclass
class Books:
    """Everything billed in one scenario: drafts per MBE, sent shipments, other members."""

    drafts: dict[str, list[Invoice]] = field(default_factory=dict)
    shipments: list[Shipment] = field(default_factory=list)
    others: dict[str, list[str]] = field(default_factory=dict)
    billed_others: set[str] = field(default_factory=set)
    counters: dict[str, int] = field(default_factory=dict)
    staff_reply: Reply | None = None


def books(world: World) -> Books:
    """The scenario's billing books, made on first use."""
    found = world.notes.setdefault("billing", Books())
    assert isinstance(found, Books)
    return found


def _next(world: World, counter: str) -> int:
    """The next number of a per-scenario counter (invoice and shipment numbers per MBE)."""
    counters = books(world).counters
    counters[counter] = counters.get(counter, 0) + 1
    return counters[counter]


def staff_of(zorgkas: int) -> str:
    """The staff identity under which the suite acts for a zorgkas (decides lines, signs)."""
    return f"kas{zorgkas}-conformance"


def colleague_of(zorgkas: int) -> str:
    """Another staff member of the zorgkas: who records payments, or signs when the scenario
    says another staff member does (the rulebook keeps duties apart,
    REQ-BL-SEPARATION-OF-DUTIES)."""
    return f"kas{zorgkas}-colleague"


# -- composing invoices --------------------------------------------------------------------------


def _reference(begeleiding: Begeleiding) -> str:
    """The begeleiding's VSB reference, or one never issued when it has none."""
    return begeleiding.reference or f"VSB-{begeleiding.start.year}-{NEVER_ISSUED}"


def original_invoice(
    world: World, mbe: str, patient: str, kind: str, begeleiding: Begeleiding | None = None
) -> Invoice:
    """A correct original invoice of one forfait: the begeleiding's start as prestation date,
    the rulebook's code and the MBE's tariff on that date, no personal share."""
    begeleiding = begeleiding or world.begeleiding(patient, mbe)
    line = {
        "lineNumber": 1,
        "code": forfait_code(world, kind),
        "prestationDate": begeleiding.start.isoformat(),
        "amount": tariff(world, mbe, kind, begeleiding.start),
        "personalShare": "0.00",
    }
    body = {
        "invoiceNumber": f"F-{_next(world, f'invoice {mbe}'):06d}",
        "type": "original",
        "insz": world.insz(patient),
        "vsbReference": _reference(begeleiding),
        "lines": [line],
    }
    return Invoice(patient, mbe, body)


def credit_note(world: World, mbe: str, patient: str, amount: str | None = None) -> Invoice:
    """A credit note of the patient's last original invoice sent by the MBE, crediting its
    first line (for the amount billed, unless another is given)."""
    credited = last_sent(world, mbe, patient, "original")
    line = credited.body["lines"][0]
    body = {
        "invoiceNumber": f"C-{_next(world, f'invoice {mbe}'):06d}",
        "type": "credit-note",
        "creditedInvoice": credited.number,
        "insz": credited.body["insz"],
        "vsbReference": credited.body["vsbReference"],
        "lines": [
            {
                "lineNumber": 1,
                "creditedLine": line["lineNumber"],
                "code": line["code"],
                "prestationDate": line["prestationDate"],
                "amount": amount or line["amount"],
                "personalShare": "0.00",
            }
        ],
    }
    return Invoice(patient, mbe, body)


def last_sent(world: World, mbe: str, patient: str, kind: str) -> Invoice:
    """The patient's last invoice of a kind that the MBE sent in a shipment."""
    sent = [
        invoice
        for shipment in books(world).shipments
        if shipment.mbe == mbe
        for invoice in shipment.invoices
        if invoice.patient == patient and invoice.kind == kind
    ]
    if not sent:
        raise SetupFailed(f"MBE {mbe} sent no {kind} invoice of {patient} in this scenario")
    return sent[-1]


def draft(world: World, invoice: Invoice) -> Invoice:
    """Put an invoice in the MBE's next shipment."""
    books(world).drafts.setdefault(invoice.mbe, []).append(invoice)
    return invoice


def first_line(invoice: Invoice) -> dict[str, Any]:
    """The first (usually the only) line of an invoice, to change it."""
    line: dict[str, Any] = invoice.body["lines"][0]
    return line


# -- sending -------------------------------------------------------------------------------------


def _totals(invoices: list[Invoice]) -> dict[str, Any]:
    """Correct header totals: invoice and line counts, originals minus credit notes."""
    total = sum(
        (
            Decimal(line["amount"]) * (-1 if invoice.kind == "credit-note" else 1)
            for invoice in invoices
            for line in invoice.body["lines"]
            if isinstance(line.get("amount"), str) and AMOUNT.fullmatch(line["amount"])
        ),
        Decimal("0.00"),
    )
    return {
        "invoices": len(invoices),
        "lines": sum(len(invoice.body["lines"]) for invoice in invoices),
        "amount": f"{total:.2f}",
    }


def send_shipment(
    world: World,
    mbe: str,
    zorgkas: int,
    day: dt.date,
    totals: Mapping[str, Any] | None = None,
    dated: dt.date | None = None,
) -> Shipment:
    """Send the MBE's drafted invoices to a zorgkas on `day` (the clock set to that day: the day
    the central application receives them), with correct totals unless `totals` changes some,
    and `day` as the declared send date unless `dated` says another."""
    invoices = books(world).drafts.pop(mbe, [])
    if not invoices:
        raise SetupFailed(f"MBE {mbe} has billed nothing to send; say what it bills first")
    world.at(day)
    number = _next(world, f"shipment {mbe}")
    message = {
        "kind": "shipment",
        "messageId": world.message_id("shipment"),
        "mbe": world.hco(mbe),
        "zorgkas": zorgkas,
        "shipmentNumber": f"{number:03d}/{day:%Y%m}",
        "sendDate": (dated or day).isoformat(),
        "totals": {**_totals(invoices), **(totals or {})},
        "invoices": [invoice.body for invoice in invoices],
    }
    for index, invoice in enumerate(invoices):
        invoice.index = index
    reply = world.send(mbe, message, label=f"shipment {message['shipmentNumber']} of {mbe}")
    body = reply.body if isinstance(reply.body, dict) else {}
    shipment = Shipment(mbe, zorgkas, message, invoices, reply, body)
    books(world).shipments.append(shipment)
    return shipment


def last_shipment(world: World, mbe: str | None = None) -> Shipment:
    """The last shipment the scenario sent (of an MBE)."""
    sent = [s for s in books(world).shipments if mbe is None or s.mbe == mbe]
    if not sent:
        raise SetupFailed("no shipment was sent yet in this scenario")
    return sent[-1]


# -- a shipment's answer in words -------------------------------------------------------------


def listed_errors(entry: Mapping[str, Any]) -> list[dict[str, Any]]:
    """The errors listed on a settlement, invoice or line entry."""
    return [e for e in entry.get("errors", ()) or () if isinstance(e, dict)]


def error_words(errors: list[dict[str, Any]]) -> str:
    """Errors in words for a breach: requirement, type and pointer of each."""
    return ", ".join(
        f"{e.get('requirement')} ({e.get('type', '?')}) at {e.get('pointer')!r}" for e in errors
    )


def describe_shipment(shipment: Shipment) -> str:
    """What a shipment's answer was, in words, for a breach."""
    reply = shipment.reply
    if reply.problem:
        return (
            f"HTTP {reply.status} problem ({reply.field('requirement')}): {reply.field('detail')}"
        )
    doc = shipment.settlement
    words = f"settlement {doc.get('status')!r}"
    errors = listed_errors(doc)
    return words + (f" for {error_words(errors)}" if errors else " with no shipment error")
