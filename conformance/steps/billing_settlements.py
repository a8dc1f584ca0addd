"""Thens on the settlement of the last shipment: refused as a whole (a B error), in processing,
an invoice or credit note rejected (F) or accepted, a line rejected (R) or accepted at the
MBE's tariff. Error types come from the catalogue, tariffs from the rulebook.
"""

from __future__ import annotations

import datetime as dt

from pytest_bdd import then

from conformance.billing.books import books, describe_shipment, last_shipment, listed_errors
from conformance.billing.rules import tariff
from conformance.billing.settlements import (
    describe_entry,
    expect_in_processing,
    expect_line_accepted,
    expect_line_rejected,
    expect_rejected,
    settled_invoice,
)
from conformance.steps.types import step
from conformance.verdicts import Breach, errors_of
from conformance.world import SetupFailed, World


@then(step("the shipment is refused as a whole for {requirement:Req}"))
def shipment_refused(world: World, requirement: str) -> None:
    """The whole shipment is refused for a B error."""
    expect_shipment_refused(world, requirement, None)


@then(step("the shipment is refused as a whole for {requirement:Req} at {pointer:Pointer}"))
def shipment_refused_at(world: World, requirement: str, pointer: str) -> None:
    """The whole shipment is refused for a B error at a field."""
    expect_shipment_refused(world, requirement, pointer)


def expect_shipment_refused(world: World, requirement: str, pointer: str | None) -> None:
    """The whole shipment is refused, naming `requirement` (a B error) at `pointer`; nothing of
    it is accepted."""
    shipment = last_shipment(world)
    wanted = f"the shipment refused as a whole for {requirement}"
    if shipment.reply.problem:
        named = [e for e in errors_of(shipment.reply) if e.get("requirement") == requirement]
    else:
        if shipment.settlement.get("status") != "refused":
            raise Breach(wanted, describe_shipment(shipment), requirement, pointer or "/status")
        named = [
            e for e in listed_errors(shipment.settlement) if e.get("requirement") == requirement
        ]
        if named and not any(e.get("type") == "B" for e in named):
            raise Breach(f"{wanted} (a B error)", describe_shipment(shipment), requirement, pointer)
    if not named:
        raise Breach(wanted, describe_shipment(shipment), requirement, pointer)
    if pointer is not None and not any(e.get("pointer") == pointer for e in named):
        raise Breach(wanted, describe_shipment(shipment), requirement, pointer)
    accepted = (shipment.settlement.get("amounts") or {}).get("accepted", "0.00")
    if not shipment.reply.problem and accepted != "0.00":
        raise Breach(
            f"{wanted}, accepting 0.00", f"accepting {accepted!r}", requirement, "/amounts/accepted"
        )


@then(step("the shipment is in processing"))
def shipment_in_processing(world: World) -> None:
    """The shipment was not refused: no B error, checked and waiting for staff."""
    expect_in_processing(world)


@then(step("the shipment is in processing with every line accepted"))
def shipment_all_accepted(world: World) -> None:
    """The shipment is in processing and every line of it is accepted."""
    expect_in_processing(world)
    doc = last_shipment(world).settlement
    for i, invoice in enumerate(doc.get("invoices") or []):
        for j, line in enumerate(invoice.get("lines") or []):
            if line.get("status") != "accepted":
                what = f"line {line.get('lineNumber')} of invoice {invoice.get('invoiceNumber')}"
                raise Breach(
                    f"{what} accepted", describe_entry(line, what), None, f"/invoices/{i}/lines/{j}"
                )
    amounts = doc.get("amounts") or {}
    if amounts.get("accepted") != amounts.get("billed"):
        raise Breach(
            f"the billed amount {amounts.get('billed')!r} accepted",
            f"{amounts.get('accepted')!r} accepted",
            None,
            "/amounts/accepted",
        )


@then(step("the invoice of {patient:Name} is rejected for {requirement:Req}"))
def invoice_rejected(world: World, patient: str, requirement: str) -> None:
    """An F error rejects the patient's invoice, all its lines."""
    invoice, entry, pointer = settled_invoice(world, patient, "original", requirement)
    what = f"invoice {invoice.number} of {patient}"
    expect_rejected(entry, what, requirement, pointer)
    for j, line in enumerate(entry.get("lines") or []):
        if line.get("status") != "rejected":
            raise Breach(
                f"every line of {what} rejected",
                f"line {line.get('lineNumber')} {line.get('status')!r}",
                requirement,
                f"{pointer}/lines/{j}",
            )


@then(step("the credit note of {patient:Name} is rejected for {requirement:Req}"))
def credit_note_rejected(world: World, patient: str, requirement: str) -> None:
    """An F error rejects the patient's credit note."""
    invoice, entry, pointer = settled_invoice(world, patient, "credit-note", requirement)
    expect_rejected(entry, f"credit note {invoice.number} of {patient}", requirement, pointer)


@then(step("the credit note of {patient:Name} is accepted, crediting the {kind:Words} forfait"))
def credit_note_accepted(world: World, patient: str, kind: str) -> None:
    """The credit note is accepted and counts negative: minus the MBE's tariff."""
    invoice, entry, pointer = settled_invoice(
        world, patient, "credit-note", "REQ-BL-CREDIT-ACCEPTED"
    )
    what = f"credit note {invoice.number} of {patient}"
    if entry.get("status") != "accepted":
        raise Breach(
            f"{what} accepted", describe_entry(entry, what), "REQ-BL-CREDIT-ACCEPTED", pointer
        )
    day = dt.date.fromisoformat(invoice.body["lines"][0]["prestationDate"])
    expected = "-" + tariff(world, invoice.mbe, kind, day)
    got = (entry.get("lines") or [{}])[0].get("amount")
    if got != expected:
        raise Breach(
            f"{what} crediting {expected}",
            f"crediting {got!r}",
            "REQ-BL-CREDIT-ACCEPTED",
            f"{pointer}/lines/0/amount",
        )


@then(step("line {number:N} of {patient:Name} is rejected for {requirement:Req}"))
@then(step("the line of {patient:Name} is rejected for {requirement:Req}"))
def line_rejected(world: World, patient: str, requirement: str, number: int = 1) -> None:
    """An R error (or a staff refusal) rejects a line of the patient, the first unless the
    step numbers it."""
    expect_line_rejected(world, patient, number, requirement)


@then(step("line {number:N} of {patient:Name} is accepted at the {kind:Words} tariff"))
@then(step("the line of {patient:Name} is accepted at the {kind:Words} tariff"))
def line_accepted(world: World, patient: str, kind: str, number: int = 1) -> None:
    """A line of the patient is accepted for the MBE's tariff, the first unless the step
    numbers it."""
    expect_line_accepted(world, patient, number, kind)


@then(step("the invoices of the other members are accepted"))
def others_accepted(world: World) -> None:
    """The invoices of the other members in the shipment are all accepted."""
    shipment = last_shipment(world)
    others = set(books(world).others.get(shipment.mbe, []))
    mine = [i for i in shipment.invoices if i.patient in others]
    if not mine:
        raise SetupFailed("the last shipment bills no other members")
    for invoice in mine:
        _, entry, pointer = settled_invoice(world, invoice.patient, invoice.kind, None)
        if entry.get("status") != "accepted":
            what = f"invoice {invoice.number} of another member"
            raise Breach(f"{what} accepted", describe_entry(entry, what), None, pointer)
