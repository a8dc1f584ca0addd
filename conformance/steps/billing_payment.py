"""Signing a settlement and paying it: staff of the billed zorgkas sign the shipment, the MBE
receives the signed settlement in its feed, the zorgkas's payment order pays the MBE's tariffs
and is due and paid on the days the scenario says, recorded by a staff member the separation of
duties allows; the MBE then finds the payment in its feed.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from decimal import Decimal
from typing import Any

from pytest_bdd import then, when

from conformance.adapters.base import Reply
from conformance.billing.books import books, colleague_of, last_shipment, staff_of
from conformance.billing.rules import tariff
from conformance.steps.types import step
from conformance.verdicts import Breach
from conformance.world import SetupFailed, World


def _sign(world: World, zorgkas: int, staff: str, mbe: str, day: dt.date) -> None:
    world.at(day)
    shipment = last_shipment(world, mbe)
    reply = world.central.sign(zorgkas, staff, shipment.settlement_id)
    books(world).staff_reply = reply
    settlement = reply.field("settlement")
    if not reply.problem and isinstance(settlement, dict):
        shipment.settlement = settlement


@when(step("staff of zorgkas {zorgkas:N} sign the shipment of MBE {mbe:Name} on {day:Date}"))
def sign(world: World, zorgkas: int, mbe: str, day: dt.date) -> None:
    """Sign the MBE's last shipment; whether it could be signed is for the Thens."""
    _sign(world, zorgkas, staff_of(zorgkas), mbe, day)


@when(
    step(
        "another staff member of zorgkas {zorgkas:N} signs the shipment of MBE {mbe:Name} "
        "on {day:Date}"
    )
)
def colleague_signs(world: World, zorgkas: int, mbe: str, day: dt.date) -> None:
    """Sign the MBE's last shipment as a staff member other than the one who decided its
    lines."""
    _sign(world, zorgkas, colleague_of(zorgkas), mbe, day)


@then(step("signing the shipment is refused for {requirement:Req}"))
def signing_refused(world: World, requirement: str) -> None:
    """The signature was refused, naming the requirement."""
    _expect_staff_refused(
        world,
        "the signature",
        requirement,
        lambda r: f"signed (settlement {(r.field('settlement') or {}).get('status')!r})",
    )


def _expect_staff_refused(
    world: World, action: str, requirement: str, done: Callable[[Reply], str]
) -> None:
    """The last staff action was refused with a problem naming `requirement`; `done` says in
    words what happened when it was not."""
    reply = books(world).staff_reply
    if reply is None:
        raise SetupFailed(f"no staff member attempted {action}")
    if not reply.problem or reply.field("requirement") != requirement:
        got = (
            f"HTTP {reply.status} problem ({reply.field('requirement')})"
            if reply.problem
            else done(reply)
        )
        raise Breach(f"{action} refused for {requirement}", got, requirement, None)


@then(step("MBE {mbe:Name} receives the signed settlement of its shipment"))
def receives_signed_settlement(world: World, mbe: str) -> None:
    """The MBE's feed holds the settlement, signed by staff of the billed zorgkas, naming its
    payment order."""
    shipment = last_shipment(world, mbe)
    sid = shipment.settlement_id
    reply = world.central.feed(world.hco(mbe))
    items = reply.field("items", []) or []
    found = [
        i["message"]
        for i in items
        if isinstance(i.get("message"), dict)
        and i["message"].get("kind") == "settlement"
        and i["message"].get("settlementId") == sid
    ]
    if not found:
        raise Breach(
            f"settlement {sid} in the feed of MBE {mbe}",
            f"{len(items)} feed items, none of them that settlement",
            "REQ-BL-SETTLEMENT",
            "/items",
        )
    doc = found[-1]
    signer = doc.get("signedBy") or {}
    if doc.get("status") != "signed" or signer.get("zorgkas") != shipment.zorgkas:
        raise Breach(
            f"settlement {sid} signed by staff of zorgkas {shipment.zorgkas}",
            f"status {doc.get('status')!r}, signed by {signer or 'nobody'}",
            "REQ-BL-SETTLEMENT",
            "/status",
        )
    if not doc.get("paymentOrder") or not doc.get("signedAt"):
        raise Breach(
            f"settlement {sid} naming its payment order and signing moment",
            f"paymentOrder {doc.get('paymentOrder')!r}, signedAt {doc.get('signedAt')!r}",
            "REQ-BL-SETTLEMENT",
            "/paymentOrder",
        )


def payment_order(world: World, zorgkas: int, requirement: str) -> dict[str, Any]:
    """The payment order of the last shipment in the zorgkas's list of payment orders."""
    shipment = last_shipment(world)
    sid = shipment.settlement_id
    reply = world.central.payment_orders(zorgkas, staff_of(zorgkas))
    orders = [
        o
        for o in reply.field("items", []) or []
        if isinstance(o, dict) and o.get("settlementId") == sid
    ]
    if reply.problem or not orders:
        raise Breach(
            f"a payment order of settlement {sid} for zorgkas {zorgkas}",
            f"HTTP {reply.status} problem" if reply.problem else "none",
            requirement,
            "/items",
        )
    return dict(orders[-1])


def _expect_order_pays(
    world: World, zorgkas: int, mbe: str, kind: str, patients: list[str]
) -> None:
    """The payment order pays the MBE the tariffs of the patients' forfaits."""
    order = payment_order(world, zorgkas, "REQ-BL-SETTLEMENT")
    total = sum(
        (Decimal(tariff(world, mbe, kind, world.begeleiding(p, mbe).start)) for p in patients),
        Decimal("0.00"),
    )
    expected = f"{total:.2f}"
    if order.get("mbe") != world.hco(mbe) or order.get("zorgkas") != zorgkas:
        raise Breach(
            f"a payment order of zorgkas {zorgkas} to MBE {mbe} ({world.hco(mbe)})",
            f"one of zorgkas {order.get('zorgkas')} to {order.get('mbe')}",
            "REQ-BL-SETTLEMENT",
            "/mbe",
        )
    if order.get("amount") != expected:
        raise Breach(
            f"a payment order over {expected}",
            f"one over {order.get('amount')!r}",
            "REQ-BL-SETTLEMENT",
            "/amount",
        )


@then(
    step(
        "zorgkas {zorgkas:N} has a payment order to MBE {mbe:Name} for the {kind:Words} forfait "
        "of {patient:Name}"
    )
)
def order_for_forfait(world: World, zorgkas: int, mbe: str, kind: str, patient: str) -> None:
    """The payment order pays the MBE one forfait."""
    _expect_order_pays(world, zorgkas, mbe, kind, [patient])


@then(
    step(
        "zorgkas {zorgkas:N} has a payment order to MBE {mbe:Name} for the {kind:Words} forfaits "
        "of {first:Name} and {second:Name}"
    )
)
def order_for_forfaits(
    world: World, zorgkas: int, mbe: str, kind: str, first: str, second: str
) -> None:
    """The payment order pays the MBE two forfaits."""
    _expect_order_pays(world, zorgkas, mbe, kind, [first, second])


def _expect_order_dated(
    world: World, key: str, day: dt.date, wanted: str, got: Callable[[dict[str, Any]], str]
) -> None:
    """The last shipment's payment order has `day` as its `key` (dueDate, paidOn); `got` says
    what it has instead."""
    order = payment_order(world, last_shipment(world).zorgkas, "REQ-BL-PAYMENT-TERM")
    if order.get(key) != day.isoformat():
        raise Breach(wanted, got(order), "REQ-BL-PAYMENT-TERM", f"/{key}")


@then(step("the payment order is due on {day:Date}"))
def order_due(world: World, day: dt.date) -> None:
    """The payment order is due on the day the scenario says (signing + the term)."""
    _expect_order_dated(
        world,
        "dueDate",
        day,
        f"the payment order due on {day}",
        lambda order: f"due on {order.get('dueDate')!r} (signed on {order.get('signedOn')!r})",
    )


def _record_payment(world: World, zorgkas: int, staff: str, day: dt.date) -> tuple[str, Reply]:
    """`staff` records that the zorgkas paid the last shipment's payment order on `day`: the
    order's id and the reply."""
    world.at(day)
    order_id = str(payment_order(world, zorgkas, "REQ-BL-PAYMENT-TERM")["orderId"])
    reply = world.central.record_payment(zorgkas, staff, order_id, day)
    books(world).staff_reply = reply
    return order_id, reply


@when(step("zorgkas {zorgkas:N} pays the payment order on {day:Date}"))
def pays(world: World, zorgkas: int, day: dt.date) -> None:
    """The zorgkas records that it paid the last shipment's payment order (a staff member who
    neither signed the shipment nor decided its lines)."""
    order_id, reply = _record_payment(world, zorgkas, colleague_of(zorgkas), day)
    if reply.problem:
        raise Breach(
            f"the payment of order {order_id} on {day} recorded",
            f"HTTP {reply.status} problem ({reply.field('requirement')}): {reply.field('detail')}",
            "REQ-BL-PAYMENT-TERM",
            "/paidOn",
        )


@then(step("the payment order is paid on {day:Date}"))
def order_paid(world: World, day: dt.date) -> None:
    """The payment order is recorded as paid on a day."""
    _expect_order_dated(
        world,
        "paidOn",
        day,
        f"the payment order paid on {day}",
        lambda order: f"paidOn {order.get('paidOn')!r}",
    )


@then(step("MBE {mbe:Name} finds the payment of its shipment on {day:Date} in its feed"))
def payment_in_feed(world: World, mbe: str, day: dt.date) -> None:
    """The MBE's feed holds the paid payment order of its last shipment: the shipment, the
    zorgkas, the amount of the order and the day it was paid."""
    shipment = last_shipment(world, mbe)
    order = payment_order(world, shipment.zorgkas, "REQ-BL-PAYMENT-TERM")
    items = [
        i["message"]
        for i in world.central.feed(world.hco(mbe)).field("items", []) or []
        if isinstance(i, dict) and isinstance(i.get("message"), dict)
    ]
    found = [
        m
        for m in items
        if m.get("kind") == "payment-order" and m.get("settlementId") == shipment.settlement_id
    ]
    wanted = {
        "orderId": order.get("orderId"),
        "shipmentNumber": shipment.message["shipmentNumber"],
        "zorgkas": shipment.zorgkas,
        "mbe": world.hco(mbe),
        "amount": order.get("amount"),
        "paidOn": day.isoformat(),
    }
    if not found:
        kinds = sorted({str(m.get("kind")) for m in items})
        raise Breach(
            f"the payment of settlement {shipment.settlement_id} in the feed of MBE {mbe}",
            f"{len(items)} feed items ({', '.join(kinds) or 'none'}), none of them that payment",
            "REQ-BL-PAYMENT-TERM",
            "/items",
        )
    for key, value in wanted.items():
        if found[-1].get(key) != value:
            raise Breach(
                f"{key} {value!r} in the payment in the feed",
                repr(found[-1].get(key)),
                "REQ-BL-PAYMENT-TERM",
                f"/{key}",
            )


@when(step("another staff member of zorgkas {zorgkas:N} records the payment on {day:Date}"))
def colleague_pays(world: World, zorgkas: int, day: dt.date) -> None:
    """A staff member who neither signed the shipment nor decided its lines records the
    payment; whether it was recorded is for the Thens."""
    _record_payment(world, zorgkas, colleague_of(zorgkas), day)


@when(step("the staff member who signed the shipment records its payment on {day:Date}"))
def signer_pays(world: World, day: dt.date) -> None:
    """The staff member who signed the last shipment tries to record its payment."""
    zorgkas = last_shipment(world).zorgkas
    _record_payment(world, zorgkas, staff_of(zorgkas), day)


@when(
    step(
        "the staff member who decided the line of {patient:Name} records its payment on {day:Date}"
    )
)
def decider_pays(world: World, patient: str, day: dt.date) -> None:
    """The staff member who decided the patient's line under review (the suite decides lines
    as `staff_of` the zorgkas) tries to record the shipment's payment."""
    zorgkas = last_shipment(world).zorgkas
    _record_payment(world, zorgkas, staff_of(zorgkas), day)


@then(step("recording the payment is refused for {requirement:Req}"))
def payment_refused(world: World, requirement: str) -> None:
    """The payment was not recorded: a problem naming the requirement."""
    _expect_staff_refused(
        world, "the payment", requirement, lambda r: f"recorded (paidOn {r.field('paidOn')!r})"
    )


@then(step("the payment order is not paid"))
def order_unpaid(world: World) -> None:
    """The last shipment's payment order is still unpaid."""
    order = payment_order(world, last_shipment(world).zorgkas, "REQ-BL-SEPARATION-OF-DUTIES")
    if order.get("paidOn") is not None:
        raise Breach(
            "the payment order unpaid",
            f"paidOn {order.get('paidOn')!r}",
            "REQ-BL-SEPARATION-OF-DUTIES",
            "/paidOn",
        )
