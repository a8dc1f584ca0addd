"""Zorgkas staff on billing: deciding lines under review, signing, payment (seed §5 steps 3-6)."""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass
from typing import Any, Literal

from vsb.answers import Error
from vsb.billing import ledger
from vsb.billing.checks import BillingError
from vsb.billing.duties import take_duty
from vsb.billing.money import amount, cents
from vsb.billing.settlement import summarize
from vsb.context import Context
from vsb.review import StaffActionError
from vsb.store import Begeleiding


@dataclass(frozen=True)
class LineReviewItem:
    """A prestation line waiting for a staff decision."""

    id: int
    settlement_id: str
    mbe: str
    invoice_number: str
    line_number: int
    requirement: str
    reason: str

    def as_dict(self) -> dict[str, Any]:
        """The item as JSON-ready data."""
        return {
            "reviewId": self.id,
            "settlementId": self.settlement_id,
            "mbe": self.mbe,
            "invoiceNumber": self.invoice_number,
            "lineNumber": self.line_number,
            "requirement": self.requirement,
            "reason": self.reason,
        }


def billing_queue(ctx: Context, zorgkas: int) -> list[LineReviewItem]:
    """The lines under review of one zorgkas, oldest first."""
    rows = ctx.store.db.execute(
        "SELECT lines.id, shipments.settlement_id, shipments.mbe, invoices.invoice_number, "
        "lines.line_number, lines.review_requirement, lines.review_reason FROM lines "
        "JOIN invoices ON invoices.id = lines.invoice_id "
        "JOIN shipments ON shipments.id = lines.shipment_id "
        "WHERE lines.zorgkas = ? AND lines.status = 'under-review' ORDER BY lines.id",
        (zorgkas,),
    ).fetchall()
    return [LineReviewItem(*row) for row in rows]


def _settlement(ctx: Context, shipment_id: int) -> dict[str, Any]:
    row = ctx.store.db.execute("SELECT settlement FROM shipments WHERE id = ?", (shipment_id,))
    document: dict[str, Any] = ctx.store.document(row.fetchone()["settlement"])
    return document


def decide_line(
    ctx: Context,
    review_id: int,
    zorgkas: int,
    staff: str,
    outcome: Literal["accepted", "refused"],
    reason: str,
) -> dict[str, Any]:
    """Approve or refuse a line under review; returns the updated settlement.

    Raises:
        StaffActionError: the line is not under review in this zorgkas's queue, a refusal
            has no reason, or the staff member did a duty on the shipment that the rulebook
            keeps apart from deciding its lines (REQ-BL-SEPARATION-OF-DUTIES).
    """
    row = ctx.store.db.execute("SELECT * FROM lines WHERE id = ?", (review_id,)).fetchone()
    if row is None or row["zorgkas"] != zorgkas or row["status"] != "under-review":
        raise StaffActionError(
            "REQ-BL-REVIEW", f"line {review_id} is not under review for zorgkas {zorgkas}"
        )
    if outcome == "refused" and not reason.strip():
        raise StaffActionError("REQ-BL-REVIEW", "a refused line needs a reason for the MBE")
    shipment = ctx.store.db.execute(
        "SELECT settlement_id FROM shipments WHERE id = ?", (row["shipment_id"],)
    ).fetchone()
    take_duty(ctx, row["shipment_id"], shipment["settlement_id"], "decide-line", staff)
    status = "accepted" if outcome == "accepted" else "rejected"
    ctx.store.db.execute("UPDATE lines SET status = ? WHERE id = ?", (status, review_id))
    document = _settlement(ctx, row["shipment_id"])
    line = document["invoices"][row["invoice_index"]]["lines"][row["line_index"]]
    line["status"] = status
    line.pop("review", None)
    if status == "rejected":
        error = BillingError(
            "R",
            "REQ-BL-REVIEW",
            f"/invoices/{row['invoice_index']}/lines/{row['line_index']}",
            f"refused by {staff} of zorgkas {zorgkas}: {reason}",
        )
        line["errors"].append(error.as_dict())
    summarize(document)
    ledger.save_settlement(ctx.store, row["shipment_id"], document)
    return document


def unsigned_shipments(ctx: Context, zorgkas: int) -> list[str]:
    """Settlements of this zorgkas with every line decided and no signature yet."""
    rows = ctx.store.db.execute(
        "SELECT settlement_id FROM shipments s WHERE zorgkas = ? AND status = 'processing' "
        "AND NOT EXISTS (SELECT 1 FROM lines WHERE shipment_id = s.id "
        "AND status = 'under-review') ORDER BY id",
        (zorgkas,),
    ).fetchall()
    return [row["settlement_id"] for row in rows]


def sign(
    ctx: Context, settlement_id: str, zorgkas: int, staff: str, order_id: str, signed_at: str
) -> tuple[dict[str, Any], dict[str, Any]]:
    """Sign a fully decided shipment: the settlement is final and a payment order is issued.

    Raises:
        StaffActionError: unknown settlement, another zorgkas's, already signed or refused, a
            line still under review, or a signer who did a duty on the shipment that the
            rulebook keeps apart from signing (REQ-BL-SEPARATION-OF-DUTIES).
    """
    row = ledger.shipment(ctx.store, settlement_id)
    if row is None or row["zorgkas"] != zorgkas:
        raise StaffActionError(
            "REQ-BL-REVIEW", f"no shipment {settlement_id} for zorgkas {zorgkas}"
        )
    if row["status"] != "processing":
        raise StaffActionError(
            "REQ-BL-REVIEW",
            f"shipment {settlement_id} is {row['status']}; only a shipment in processing is signed",
        )
    if settlement_id not in unsigned_shipments(ctx, zorgkas):
        raise StaffActionError(
            "REQ-BL-REVIEW",
            f"shipment {settlement_id} still has lines under review; decide them first",
        )
    take_duty(ctx, row["id"], settlement_id, "sign", staff)
    document = _settlement(ctx, row["id"])
    document.update(
        status="signed",
        signedBy={"zorgkas": zorgkas, "staff": staff},
        signedAt=signed_at,
        paymentOrder=order_id,
    )
    ledger.save_settlement(ctx.store, row["id"], document)
    ctx.store.db.execute(
        "UPDATE shipments SET feed_seq = ? WHERE id = ?", (ctx.store.next_value("feed"), row["id"])
    )
    order = _payment_order(ctx, document, order_id)
    ctx.store.db.execute(
        "INSERT INTO payment_orders VALUES (?,?,?,?,?,?,?,?,?)",
        (
            order_id,
            row["id"],
            zorgkas,
            document["mbe"],
            cents(order["amount"]),
            order["signedOn"],
            order["dueDate"],
            None,
            json.dumps(order),
        ),
    )
    return document, order


def _payment_order(ctx: Context, settlement: dict[str, Any], order_id: str) -> dict[str, Any]:
    due = ctx.today + ctx.rulebook.days("payment_term_days")
    return {
        "kind": "payment-order",
        "orderId": order_id,
        "zorgkas": settlement["zorgkas"],
        "mbe": settlement["mbe"],
        "shipmentNumber": settlement["shipmentNumber"],
        "settlementId": settlement["settlementId"],
        "amount": amount(cents(settlement["amounts"]["accepted"])),
        "signedOn": ctx.today.isoformat(),
        "dueDate": due.isoformat(),
        "paidOn": None,
    }


def payment_orders(ctx: Context, zorgkas: int, unpaid_only: bool = False) -> list[dict[str, Any]]:
    """The payment orders of a zorgkas, oldest first."""
    query = "SELECT document FROM payment_orders WHERE zorgkas = ?"
    if unpaid_only:
        query += " AND paid_on IS NULL"
    rows = ctx.store.db.execute(query + " ORDER BY rowid", (zorgkas,)).fetchall()
    return [json.loads(row["document"]) for row in rows]


def record_payment(
    ctx: Context, order_id: str, zorgkas: int, paid_on: dt.date, staff: str
) -> dict[str, Any]:
    """Record that the zorgkas paid a payment order; `staff` is who records it.

    Raises:
        StaffActionError: unknown order, another zorgkas's, already paid, paid before signing,
            or recorded by a staff member who did a duty on the shipment that the rulebook
            keeps apart from paying (REQ-BL-SEPARATION-OF-DUTIES: by default its signer and
            whoever decided one of its lines).
    """
    row = ctx.store.db.execute(
        "SELECT * FROM payment_orders WHERE order_id = ?", (order_id,)
    ).fetchone()
    if row is None or row["zorgkas"] != zorgkas:
        raise StaffActionError(
            "REQ-BL-PAYMENT-TERM", f"no payment order {order_id} for zorgkas {zorgkas}"
        )
    if row["paid_on"] is not None:
        raise StaffActionError(
            "REQ-BL-PAYMENT-TERM", f"payment order {order_id} was paid on {row['paid_on']}"
        )
    if paid_on.isoformat() < row["signed_on"]:
        raise StaffActionError(
            "REQ-BL-PAYMENT-TERM", f"{paid_on} is before the signing on {row['signed_on']}"
        )
    order: dict[str, Any] = json.loads(row["document"])
    take_duty(ctx, row["shipment_id"], order["settlementId"], "pay", staff)
    order["paidOn"] = paid_on.isoformat()
    ctx.store.db.execute(
        "UPDATE payment_orders SET paid_on = ?, document = ? WHERE order_id = ?",
        (order["paidOn"], json.dumps(order), order_id),
    )
    ctx.store.db.execute(
        "INSERT INTO payments_feed VALUES (?,?,?)",
        (ctx.store.next_value("feed"), order["mbe"], order_id),
    )
    return order


def signed_settlements(ctx: Context, mbe: str, after: int) -> list[tuple[int, dict[str, Any]]]:
    """Signed settlements of one MBE after a feed cursor."""
    rows = ctx.store.db.execute(
        "SELECT feed_seq, settlement FROM shipments WHERE mbe = ? AND feed_seq > ? "
        "ORDER BY feed_seq",
        (mbe, after),
    ).fetchall()
    return [(row["feed_seq"], ctx.store.document(row["settlement"])) for row in rows]


def payments(ctx: Context, mbe: str, after: int) -> list[tuple[int, dict[str, Any]]]:
    """The paid payment orders of one MBE after a feed cursor, each at the moment its payment
    was recorded: the MBE learns what was paid (shipment, zorgkas, amount, day paid)."""
    rows = ctx.store.db.execute(
        "SELECT f.feed_seq, o.document FROM payments_feed f JOIN payment_orders o "
        "ON o.order_id = f.order_id WHERE f.mbe = ? AND f.feed_seq > ? ORDER BY f.feed_seq",
        (mbe, after),
    ).fetchall()
    return [(row["feed_seq"], json.loads(row["document"])) for row in rows]


def cancel_guard(ctx: Context, begeleiding: Begeleiding) -> Error | None:
    """REQ-CH-CANCEL-BILLED: no cancel while an accepted forfait is not credited."""
    if ledger.live_forfaits(ctx.store, [begeleiding.id]):
        return Error(
            "REQ-CH-CANCEL-BILLED",
            "/vsbReference",
            f"a forfait of {begeleiding.reference} was accepted (or is under review) "
            "and is not credited; send a credit note first",
        )
    return None
