"""Reading the settlement of the last shipment: the entry of an invoice or a line and its JSON
pointer, and what the settlement must say of a shipment in processing, of an entry rejected and
of a line accepted. Shared by the Thens and by the Givens that check a setup came about.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

from conformance.billing.books import (
    Invoice,
    describe_shipment,
    error_words,
    last_shipment,
    listed_errors,
)
from conformance.billing.rules import error_type, tariff
from conformance.verdicts import Breach
from conformance.world import SetupFailed, World


def describe_entry(entry: Mapping[str, Any], what: str) -> str:
    """What an invoice or line entry says, in words, for a breach."""
    errors = listed_errors(entry)
    words = f"{what} {entry.get('status')!r}"
    return words + (f" for {error_words(errors)}" if errors else " with no error")


def _within(pointer: object, prefix: str) -> bool:
    """Whether a JSON pointer is `prefix` or a field inside it."""
    return isinstance(pointer, str) and (pointer == prefix or pointer.startswith(prefix + "/"))


def settled_invoice(
    world: World, patient: str, kind: str, requirement: str | None
) -> tuple[Invoice, dict[str, Any], str]:
    """The patient's invoice (of a kind) in the last shipment, its entry in the settlement as
    last seen, and its JSON pointer there."""
    shipment = last_shipment(world)
    mine = [i for i in shipment.invoices if i.patient == patient and i.kind == kind]
    if not mine:
        raise SetupFailed(f"the last shipment holds no {kind} invoice of {patient}")
    invoice = mine[-1]
    listed = shipment.settlement.get("invoices")
    pointer = f"/invoices/{invoice.index}"
    if not isinstance(listed, list) or invoice.index >= len(listed):
        raise Breach(
            f"the settlement listing invoice {invoice.number} of {patient}",
            describe_shipment(shipment),
            requirement,
            pointer,
        )
    entry = listed[invoice.index]
    if not isinstance(entry, dict) or entry.get("invoiceNumber") != invoice.number:
        got = entry.get("invoiceNumber") if isinstance(entry, dict) else entry
        raise Breach(
            f"invoice {invoice.number} of {patient} in the settlement",
            f"invoice {got!r} in its place",
            requirement,
            f"{pointer}/invoiceNumber",
        )
    return invoice, entry, pointer


def settled_line(
    world: World, patient: str, number: int, requirement: str | None
) -> tuple[Invoice, dict[str, Any], str]:
    """Line `number` of the patient's original invoice in the last shipment, its settlement
    entry and its JSON pointer."""
    invoice, entry, pointer = settled_invoice(world, patient, "original", requirement)
    lines = entry.get("lines") or []
    for index, line in enumerate(lines):
        if isinstance(line, dict) and line.get("lineNumber") == number:
            return invoice, line, f"{pointer}/lines/{index}"
    raise Breach(
        f"line {number} of invoice {invoice.number} in the settlement",
        f"lines {[line.get('lineNumber') for line in lines if isinstance(line, dict)]}",
        requirement,
        f"{pointer}/lines",
    )


def expect_rejected(entry: Mapping[str, Any], what: str, requirement: str, pointer: str) -> None:
    """An invoice or line entry is rejected for `requirement`, an error of the catalogue's
    type that points into the entry."""
    named = [e for e in listed_errors(entry) if e.get("requirement") == requirement]
    wanted = f"{what} rejected for {requirement}"
    if entry.get("status") != "rejected" or not named:
        raise Breach(wanted, describe_entry(entry, what), requirement, pointer)
    kind = error_type(requirement)
    if kind is not None and not any(e.get("type") == kind for e in named):
        raise Breach(
            f"{wanted} as a type {kind} error", describe_entry(entry, what), requirement, pointer
        )
    if not any(_within(e.get("pointer"), pointer) for e in named):
        raise Breach(
            f"{wanted}, the error pointing into {pointer}",
            describe_entry(entry, what),
            requirement,
            pointer,
        )


def expect_in_processing(world: World) -> None:
    """The last shipment was not refused: no B error, checked and waiting for staff."""
    shipment = last_shipment(world)
    doc = shipment.settlement
    if shipment.reply.problem or doc.get("status") != "processing" or listed_errors(doc):
        raise Breach(
            "the shipment in processing, with no blocking error",
            describe_shipment(shipment),
            None,
            "/status",
        )


def expect_line_rejected(world: World, patient: str, number: int, requirement: str) -> None:
    """Line `number` of the patient's invoice is rejected for `requirement` (an R error or a
    staff refusal)."""
    invoice, line, pointer = settled_line(world, patient, number, requirement)
    expect_rejected(
        line, f"line {number} of invoice {invoice.number} of {patient}", requirement, pointer
    )


def expect_line_accepted(world: World, patient: str, number: int, kind: str) -> None:
    """A line is accepted for the MBE's tariff of the forfait on its prestation date."""
    invoice, line, pointer = settled_line(world, patient, number, "REQ-BL-TARIFF")
    sent = next(s for s in invoice.body["lines"] if s["lineNumber"] == number)
    expected = tariff(world, invoice.mbe, kind, dt.date.fromisoformat(sent["prestationDate"]))
    what = f"line {number} of invoice {invoice.number} of {patient}"
    if line.get("status") != "accepted":
        raise Breach(f"{what} accepted", describe_entry(line, what), None, pointer)
    if line.get("amount") != expected:
        raise Breach(
            f"{what} accepted for the {kind} tariff {expected}",
            f"accepted for {line.get('amount')!r}",
            "REQ-BL-TARIFF",
            f"{pointer}/amount",
        )
