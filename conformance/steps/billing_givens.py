"""Givens of billing that are not about composing or sending: members and begeleidingen to
bill, and checks that a shipment of the Givens came out as the scenario needs.
"""

from __future__ import annotations

import datetime as dt

from pytest_bdd import given

from conformance.billing.books import books, describe_shipment, last_shipment
from conformance.billing.settlements import expect_line_rejected, settled_invoice
from conformance.steps.requests import send_request
from conformance.steps.types import step
from conformance.verdicts import Breach
from conformance.world import Begeleiding, SetupFailed, World

# -- Givens: members and begeleidingen ---------------------------------------------------------


@given(
    step(
        "{count:N} other members of zorgkas {zorgkas:N} have an accepted begeleiding at "
        "MBE {mbe:Name} starting {start:Date}"
    )
)
def other_members(world: World, count: int, zorgkas: int, mbe: str, start: dt.date) -> None:
    """Members whose correct forfaits fill a shipment, so that one fault stays below the
    threshold; billed later as "the other members"."""
    names = books(world).others.setdefault(mbe, [])
    for _ in range(count):
        name = f"Other-{mbe}-{len(names) + 1:03d}"
        world.affiliate(name, zorgkas, dt.date(start.year, 1, 1))
        send_request(world, mbe, name, start, start, "new")
        if world.reply().field("outcome") != "accepted":
            raise SetupFailed(f"the request of {name} at MBE {mbe} was not accepted")
        names.append(name)


@given(
    step(
        "{patient:Name}'s begeleiding at MBE {mbe:Name} started on {start:Date}, before the "
        "transition, without a request"
    )
)
def begeleiding_before_transition(world: World, patient: str, mbe: str, start: dt.date) -> None:
    """A begeleiding of the old procedure: known to the MBE, unknown to the central
    application, without a VSB reference."""
    world.insz(patient)
    world.begeleidingen[(patient, mbe)] = Begeleiding(patient, mbe, start)


@given(
    step(
        "MBE {mbe:Name} reported a reason for non-billing when it stopped {patient:Name}'s "
        "begeleiding on {day:Date}"
    )
)
def stopped_with_non_billing_reason(world: World, mbe: str, patient: str, day: dt.date) -> None:
    """An accepted stop that gives a reason for non-billing (codes from the rulebook's lists)."""
    book = world.rulebook(day)
    world.at(day)
    message = {
        "kind": "stop",
        "messageId": world.message_id("stop"),
        "mbe": world.hco(mbe),
        "vsbReference": world.reference(patient, mbe),
        "stop": {
            "date": day.isoformat(),
            "reason": "stabilised" if book.in_list("stop_reason", "stabilised") else "other",
            "nonBillingReason": next(iter(book.codelists["non_billing_reason"])),
            "placeOfDeath": None,
            "interventions": [
                {"type": next(iter(book.codelists["intervention_type"])), "count": 1}
            ],
            "firstLineContacts": [],
        },
    }
    reply = world.send(mbe, message, label=f"stop of {patient}")
    if reply.field("outcome") != "accepted":
        raise SetupFailed(f"the stop of {patient}'s begeleiding was not accepted: {reply.body}")


# -- Givens that check a shipment of the Givens -----------------------------------------------


@given(step("that shipment was {fate:Words}"))
def that_shipment_was(world: World, fate: str) -> None:
    """Check a shipment of the Givens came out as the scenario needs."""
    shipment = last_shipment(world)
    status = {"refused as a whole": "refused", "taken into processing": "processing"}.get(fate)
    if status is None:
        raise SetupFailed(
            f"a shipment was 'refused as a whole' or 'taken into processing', not {fate!r}"
        )
    if shipment.settlement.get("status") != status:
        raise SetupFailed(f"the shipment was not {fate}: {describe_shipment(shipment)}")


@given(step("the line of {patient:Name} was rejected for {requirement:Req}"))
def line_was_rejected(world: World, patient: str, requirement: str) -> None:
    """Check a shipment of the Givens rejected the patient's line as needed."""
    try:
        expect_line_rejected(world, patient, 1, requirement)
    except Breach as breach:
        raise SetupFailed(f"the setup did not come about: {breach}") from None


@given(step("the credit note of {patient:Name} was accepted"))
def credit_note_was_accepted(world: World, patient: str) -> None:
    """Check a shipment of the Givens accepted the patient's credit note."""
    _, entry, _ = settled_invoice(world, patient, "credit-note", None)
    if entry.get("status") != "accepted":
        raise SetupFailed(f"the credit note of {patient} was not accepted: {entry}")
