"""Processing a shipment: B checks, invoice and line checks, the 5 % threshold, storage."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from typing import Any

from vsb.answers import reply_id
from vsb.billing import ledger
from vsb.billing.checks import (
    BillingError,
    InvoiceResult,
    ShipmentState,
    check_credit_note,
    check_original,
)
from vsb.billing.money import amount, cents
from vsb.billing.rules import billing_rules
from vsb.billing.settlement import render
from vsb.context import Context, parse_date
from vsb.jsontext import PIECE, dumps, encoded_array
from vsb.rulebook import Rulebook


def _b(requirement: str, pointer: str, message: str) -> BillingError:
    return BillingError("B", requirement, pointer, message)


def header_errors(ctx: Context, message: dict[str, Any]) -> list[BillingError]:
    """The blocking checks of the header (REQ-BL-HEADER, -FIRST-MONTH, -ONE-PER-MONTH)."""
    errors = []
    totals = message["totals"]
    invoices = message["invoices"]
    lines = sum(len(invoice["lines"]) for invoice in invoices)
    billed = sum(
        (-1 if i["type"] == "credit-note" else 1) * cents(line["amount"])
        for i in invoices
        for line in i["lines"]
    )
    for field, declared, actual in (
        ("invoices", totals["invoices"], len(invoices)),
        ("lines", totals["lines"], lines),
        ("amount", cents(totals["amount"]), billed),
    ):
        if declared != actual:
            shown = (amount(declared), amount(actual)) if field == "amount" else (declared, actual)
            errors.append(
                _b(
                    "REQ-BL-HEADER",
                    f"/totals/{field}",
                    f"the header says {shown[0]} but the shipment holds {shown[1]}",
                )
            )
    errors.extend(send_date_errors(ctx, parse_date(message["sendDate"])))
    month = received_month(ctx)
    first = str(ctx.rulebook.value("first_billing_month"))
    if month < first:
        errors.append(
            _b(
                "REQ-BL-FIRST-MONTH",
                "/sendDate",
                f"zorgkassen accept shipments from {first} on; this one was received in {month}",
            )
        )
    earlier = ledger.shipment_counted(ctx.store, ctx.mbe, message["zorgkas"], month)
    if earlier is not None:
        errors.append(
            _b(
                "REQ-BL-ONE-PER-MONTH",
                "/sendDate",
                f"this MBE already sent zorgkas {message['zorgkas']} a shipment received in "
                f"{month} ({earlier}); one shipment per zorgkas a month, counted by the "
                "month it is received",
            )
        )
    return errors


def received_month(ctx: Context) -> str:
    """The billing month of a shipment: the month the central application received it
    (REQ-BL-ONE-PER-MONTH, REQ-BL-FIRST-MONTH), whatever its header declares."""
    return ctx.today.strftime("%Y-%m")


def send_date_errors(ctx: Context, send_date: dt.date) -> list[BillingError]:
    """REQ-BL-HEADER: the declared send date is the day the shipment is received, or at most
    the rulebook's `send_date_tolerance_days` before it; never after it."""
    tolerance = int(ctx.rulebook.value("send_date_tolerance_days"))
    if send_date > ctx.today:
        problem = f"is after the day it was received ({ctx.today})"
    elif send_date < ctx.today - dt.timedelta(days=tolerance):
        problem = (
            f"is more than {tolerance} days before the day it was received ({ctx.today}); "
            "the billing month and the window after death count from the day received"
        )
    else:
        return []
    return [_b("REQ-BL-HEADER", "/sendDate", f"the send date {send_date} {problem}")]


def _state(ctx: Context, message: dict[str, Any]) -> ShipmentState:
    invoices = message["invoices"]
    known = ctx.store.begeleidingen_by_references(i["vsbReference"] for i in invoices)
    return ShipmentState(
        mbe=ctx.mbe,
        zorgkas=message["zorgkas"],
        received=ctx.today,
        rules=billing_rules(ctx.rulebook),
        transition=ctx.rulebook.date("transition_date"),
        credited_here={i["vsbReference"] for i in invoices if i["type"] == "credit-note"},
        known=known,
        used=ledger.invoice_numbers_used(
            ctx.store, ctx.mbe, (i["invoiceNumber"] for i in invoices)
        ),
        live=ledger.live_forfaits(ctx.store, (b.id for b in known.values())),
    )


def _check_invoices(ctx: Context, message: dict[str, Any]) -> list[InvoiceResult]:
    state = _state(ctx, message)
    return [
        (check_credit_note if invoice["type"] == "credit-note" else check_original)(
            ctx, state, invoice, f"/invoices/{index}"
        )
        for index, invoice in enumerate(message["invoices"])
    ]


def threshold_error(ctx: Context, results: list[InvoiceResult]) -> BillingError | None:
    """REQ-BL-THRESHOLD: (F-rejected invoices + R-faulty lines) / lines at or above the limit."""
    lines = sum(len(result.lines) for result in results)
    faults = sum(1 for result in results if result.errors)
    faults += sum(
        1 for result in results if not result.errors for line in result.lines if line.errors
    )
    limit = float(ctx.rulebook.value("shipment_refusal_threshold"))
    if lines and faults / lines >= limit:
        return _b(
            "REQ-BL-THRESHOLD",
            "",
            f"{faults} of {lines} prestation lines have a non-blocking error (F or R): "
            f"{faults / lines:.1%}, at or above the {limit:.0%} limit; the whole "
            "shipment is refused",
        )
    return None


@dataclass(frozen=True)
class CheckedShipment:
    """A shipment's verdict, worked out without writing anything: what `store_checked` stores.

    Checking reads the store and is most of the work, so the service does it outside the
    engine's lock (`CentralApplication.prepare_shipment`); it holds only for the state it read.
    """

    today: dt.date
    b_errors: list[BillingError]
    results: list[InvoiceResult]
    document: dict[str, Any]
    """The settlement, its `settlementId` and `issuedAt` still to be given when stored."""


def check_shipment(ctx: Context, message: dict[str, Any]) -> CheckedShipment:
    """Check a schema-valid shipment (B, F and R checks, the threshold); writes nothing."""
    b_errors = header_errors(ctx, message)
    results = _check_invoices(ctx, message)
    over = threshold_error(ctx, results)
    if over is not None:
        b_errors.append(over)
    header = {
        "kind": "settlement",
        "settlementId": "",
        "inReplyTo": message["messageId"],
        "shipmentNumber": message["shipmentNumber"],
        "mbe": ctx.mbe,
        "zorgkas": message["zorgkas"],
        "issuedAt": "",
    }
    document = render(header, message["invoices"], b_errors, results, refused=bool(b_errors))
    if len(document["invoices"]) > PIECE:  # its text made now, not under the engine's lock
        document["invoices"] = encoded_array(document["invoices"], _invoice_weight)
    return CheckedShipment(ctx.today, b_errors, results, document)


def _invoice_weight(invoice: dict[str, Any]) -> int:
    """An invoice of a settlement, weighed for `encoded_array`: one, and one per line."""
    return 1 + len(invoice["lines"])


def store_checked(
    ctx: Context,
    message: dict[str, Any],
    checked: CheckedShipment,
    settlement_id: str,
    issued_at: str,
) -> dict[str, Any]:
    """Store a checked shipment (its lines only unless refused); returns its settlement."""
    document = {**checked.document, "settlementId": settlement_id, "issuedAt": issued_at}
    shipment_id = _store_shipment(ctx, message, document)
    if not checked.b_errors:
        _store_lines(ctx, message, checked.results, shipment_id)
    return document


def process_shipment(
    ctx: Context, message: dict[str, Any], settlement_id: str, issued_at: str
) -> dict[str, Any]:
    """Check a shipment and store it unless refused; returns its settlement."""
    return store_checked(ctx, message, check_shipment(ctx, message), settlement_id, issued_at)


def refused_settlement(
    rulebook: Rulebook,
    message: dict[str, Any],
    settlement_id: str,
    issued_at: str,
    errors: list[BillingError],
) -> dict[str, Any]:
    """The settlement of a shipment refused before its content could be read.

    Header fields that are missing or malformed are answered with placeholders that say so
    (`unidentified`, `unknown`, 00000000000) and a zorgkas it does not name validly with the
    rulebook's default zorgkas, so that the settlement itself is always schema-valid.
    """
    zorgkas = message.get("zorgkas")
    mbe = message.get("mbe")
    number = message.get("shipmentNumber")
    return {
        "kind": "settlement",
        "settlementId": settlement_id,
        "inReplyTo": reply_id(message.get("messageId")),
        "shipmentNumber": number
        if isinstance(number, str) and _NUMBER.fullmatch(number)
        else "unknown",
        "mbe": mbe if isinstance(mbe, str) and _HCO.fullmatch(mbe) else "00000000000",
        "zorgkas": zorgkas
        if zorgkas in rulebook.zorgkassen
        else int(rulebook.value("review_zorgkas_default")),
        "issuedAt": issued_at,
        "status": "refused",
        "errors": [error.as_dict() for error in errors],
        "invoices": [],
        "amounts": {
            "billed": "0.00",
            "accepted": "0.00",
            "rejected": "0.00",
            "underReview": "0.00",
        },
    }


_NUMBER = re.compile(r"[A-Za-z0-9/._-]{1,20}")
_HCO = re.compile(r"[0-9]{11}")


def _store_shipment(ctx: Context, message: dict[str, Any], document: dict[str, Any]) -> int:
    cursor = ctx.store.db.execute(
        "INSERT INTO shipments (settlement_id, mbe, zorgkas, message_id, month, status, "
        "settlement) VALUES (?,?,?,?,?,?,?)",
        (
            document["settlementId"],
            ctx.mbe,
            message["zorgkas"],
            message["messageId"],
            received_month(ctx),
            document["status"],
            dumps(document, refer=True),  # invoices written ahead are referred to
        ),
    )
    assert cursor.lastrowid is not None
    return cursor.lastrowid


def _store_lines(
    ctx: Context, message: dict[str, Any], results: list[InvoiceResult], shipment_id: int
) -> None:
    db = ctx.store.db
    zorgkas = message["zorgkas"]
    # The invoices' row ids are given here, after the highest: the shipment is stored in one
    # transaction, and its lines refer to them.
    invoice_id = db.execute("SELECT COALESCE(MAX(id), 0) FROM invoices").fetchone()[0]
    invoices = []
    rows = []
    credited: dict[int, int] = {}  # original line id -> cents its accepted credit lines credit
    for i, (invoice, result) in enumerate(zip(message["invoices"], results, strict=True)):
        if result.errors and any(e.requirement == "REQ-BL-INVOICE-UNIQUE" for e in result.errors):
            continue  # its number belongs to an earlier invoice: only reported in the settlement
        invoice_id += 1
        invoices.append(
            (invoice_id, shipment_id, ctx.mbe, zorgkas, invoice["invoiceNumber"], invoice["type"])
        )
        begeleiding = result.begeleiding.id if result.begeleiding else None
        kind = "credit" if invoice["type"] == "credit-note" else "original"
        for j, (line, outcome) in enumerate(zip(invoice["lines"], result.lines, strict=True)):
            requirement, reason = outcome.review or (None, None)
            value = cents(line["amount"])
            target = outcome.credited_line
            rows.append(
                (
                    invoice_id,
                    shipment_id,
                    begeleiding,
                    line["lineNumber"],
                    kind,
                    value,
                    outcome.status,
                    target,
                    i,
                    j,
                    zorgkas,
                    requirement,
                    reason,
                )
            )
            if target is not None and outcome.status == "accepted":
                credited[target] = credited.get(target, 0) + value
    db.executemany(
        "INSERT INTO invoices (id, shipment_id, mbe, zorgkas, invoice_number, type) "
        "VALUES (?,?,?,?,?,?)",
        invoices,
    )
    db.executemany(
        "INSERT INTO lines (invoice_id, shipment_id, begeleiding_id, line_number, kind, amount, "
        "status, credited_line, invoice_index, line_index, zorgkas, review_requirement, "
        "review_reason) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?)",
        rows,
    )
    db.executemany(
        "UPDATE lines SET credited = credited + ? WHERE id = ?",
        [(value, target) for target, value in credited.items()],
    )
