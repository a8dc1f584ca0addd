"""The review of billed lines by zorgkas staff: a line under review, the billing review queue,
staff approving or refusing the line, and whether the shipment is ready for signing.
"""

from __future__ import annotations

from typing import Any

from pytest_bdd import then, when

from conformance.adapters.base import Decision, Reply
from conformance.billing.books import books, last_shipment, staff_of
from conformance.billing.settlements import describe_entry, expect_in_processing, settled_line
from conformance.steps.types import step
from conformance.verdicts import Breach
from conformance.world import World


@then(step("the line of {patient:Name} goes under review for {requirement:Req}"))
def line_under_review(world: World, patient: str, requirement: str) -> None:
    """Neither accepted nor rejected: the line waits for staff, the shipment is processing."""
    invoice, line, pointer = settled_line(world, patient, 1, requirement)
    what = f"line 1 of invoice {invoice.number} of {patient}"
    review = line.get("review")
    if line.get("status") != "under-review" or not isinstance(review, dict):
        raise Breach(
            f"{what} under review for {requirement}",
            describe_entry(line, what),
            requirement,
            pointer,
        )
    if review.get("requirement") != requirement:
        raise Breach(
            f"{what} under review for {requirement}",
            f"under review for {review.get('requirement')!r}",
            requirement,
            f"{pointer}/review/requirement",
        )
    expect_in_processing(world)


def _staff_list(reply: Reply, what: str) -> list[Any]:
    """The items of a list zorgkas staff asked for; a problem instead breaks REQ-BL-REVIEW."""
    if reply.problem:
        raise Breach(
            what,
            f"HTTP {reply.status} problem: {reply.field('detail')}",
            "REQ-BL-REVIEW",
            None,
        )
    return list(reply.field("items", []) or [])


def _queue_item(world: World, zorgkas: int, patient: str) -> dict[str, Any] | None:
    """The patient's line of the last shipment in a zorgkas's billing review queue."""
    shipment = last_shipment(world)
    invoice, _, _ = settled_line(world, patient, 1, "REQ-BL-REVIEW")
    reply = world.central.billing_queue(zorgkas, staff_of(zorgkas))
    for item in _staff_list(reply, f"the billing review queue of zorgkas {zorgkas}"):
        if (
            item.get("settlementId") == shipment.settlement_id
            and item.get("invoiceNumber") == invoice.number
            and item.get("lineNumber") == 1
        ):
            return dict(item)
    return None


def _queued_line(world: World, zorgkas: int, patient: str) -> dict[str, Any]:
    """The patient's line in a zorgkas's billing review queue, which must be there."""
    item = _queue_item(world, zorgkas, patient)
    if item is None:
        raise Breach(
            f"the line of {patient} in the billing review queue of zorgkas {zorgkas}",
            "not in that queue",
            "REQ-BL-REVIEW",
            "/items",
        )
    return item


@then(step("the line of {patient:Name} is in the billing review queue of zorgkas {zorgkas:N}"))
def line_in_queue(world: World, patient: str, zorgkas: int) -> None:
    """The patient's line waits in the billing review queue of a zorgkas."""
    _queued_line(world, zorgkas, patient)


@then(step("the line of {patient:Name} is not in the billing review queue of zorgkas {zorgkas:N}"))
def line_not_in_queue(world: World, patient: str, zorgkas: int) -> None:
    """The patient's line is not in the billing review queue of a zorgkas."""
    if _queue_item(world, zorgkas, patient) is not None:
        raise Breach(
            f"the line of {patient} only in the queue of the billed zorgkas",
            f"also in the billing review queue of zorgkas {zorgkas}",
            "REQ-BL-REVIEW",
            "/items",
        )


def _decide(world: World, zorgkas: int, patient: str, outcome: Decision, reason: str) -> None:
    """A staff decision on the patient's line, found in the zorgkas's queue."""
    item = _queued_line(world, zorgkas, patient)
    reply = world.central.decide_line(
        zorgkas, staff_of(zorgkas), int(item["reviewId"]), outcome, reason
    )
    books(world).staff_reply = reply
    if reply.problem or not isinstance(reply.body, dict):
        raise Breach(
            f"the decision on the line of {patient} taken",
            f"HTTP {reply.status} problem ({reply.field('requirement')}): {reply.field('detail')}",
            "REQ-BL-REVIEW",
            None,
        )
    last_shipment(world).settlement = reply.body


@when(step("staff of zorgkas {zorgkas:N} approve the line of {patient:Name}"))
def approve_line(world: World, zorgkas: int, patient: str) -> None:
    """Staff of the zorgkas approve the patient's line under review."""
    _decide(world, zorgkas, patient, "accepted", "")


@when(step("staff of zorgkas {zorgkas:N} refuse the line of {patient:Name} because {reason}"))
def refuse_line(world: World, zorgkas: int, patient: str, reason: str) -> None:
    """Staff of the zorgkas refuse the patient's line under review, saying why."""
    _decide(world, zorgkas, patient, "refused", reason)


def _unsigned(world: World, zorgkas: int) -> list[str]:
    """The settlement ids the zorgkas's staff may sign now."""
    reply = world.central.unsigned_shipments(zorgkas, staff_of(zorgkas))
    items = _staff_list(reply, f"the shipments of zorgkas {zorgkas} ready for signing")
    return [str(item) for item in items]


@then(step("the shipment is ready for signing by zorgkas {zorgkas:N}"))
def ready_for_signing(world: World, zorgkas: int) -> None:
    """Every line of the last shipment is decided: staff may sign it."""
    sid = last_shipment(world).settlement_id
    if sid not in _unsigned(world, zorgkas):
        raise Breach(
            f"settlement {sid} among the shipments ready for signing, every line decided",
            "not among them",
            "REQ-BL-REVIEW",
            "/items",
        )


@then(step("the shipment is not ready for signing by zorgkas {zorgkas:N}"))
def not_ready_for_signing(world: World, zorgkas: int) -> None:
    """A line of the last shipment waits: staff may not sign it yet."""
    sid = last_shipment(world).settlement_id
    if sid in _unsigned(world, zorgkas):
        raise Breach(
            f"settlement {sid} not ready for signing while a line is under review",
            "listed as ready for signing",
            "REQ-BL-REVIEW",
            "/items",
        )
