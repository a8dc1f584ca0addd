"""The settlement file: the verdict on a shipment, per invoice and per line, with its amounts."""

from __future__ import annotations

from collections.abc import Sequence
from functools import lru_cache
from typing import Any

from vsb.billing.checks import BillingError, InvoiceResult
from vsb.billing.money import amount, cents


def render(
    header: dict[str, Any],
    sent: list[dict[str, Any]],
    b_errors: list[BillingError],
    invoices: list[InvoiceResult],
    refused: bool,
) -> dict[str, Any]:
    """A settlement document for checked invoices; `refused` rejects every line."""
    totals = dict.fromkeys(LINE_STATUSES, 0)
    rendered = []
    for invoice, result in zip(sent, invoices, strict=True):
        sign = -1 if invoice["type"] == "credit-note" else 1
        lines = []
        for line, outcome in zip(invoice["lines"], result.lines, strict=True):
            errors = outcome.errors
            entry: dict[str, Any] = {
                "lineNumber": line["lineNumber"],
                "status": "rejected" if refused else outcome.status,
                "amount": _signed(line["amount"], sign),
                "errors": [error.as_dict() for error in errors] if errors else [],
            }
            if outcome.review is not None and not refused:
                entry["review"] = {"requirement": outcome.review[0], "reason": outcome.review[1]}
            lines.append(entry)
        rendered_invoice = {
            "invoiceNumber": invoice["invoiceNumber"],
            "errors": _errors(result.errors),
            "lines": lines,
        }
        _tally(rendered_invoice, totals)
        rendered.append(rendered_invoice)
    return {
        **header,
        "status": "refused" if refused else "processing",
        "errors": _errors(b_errors),
        "invoices": rendered,
        "amounts": _amounts(totals),
    }


def _errors(errors: Sequence[BillingError]) -> list[dict[str, str]]:
    return [error.as_dict() for error in errors] if errors else []


@lru_cache(maxsize=4096)  # a shipment holds a few distinct amounts
def _signed(text: str, sign: int) -> str:
    """The wire form of an amount as billed (`sign` -1 for a credit note)."""
    return amount(sign * cents(text))


def _invoice_status(statuses: set[str]) -> str:
    if statuses == {"accepted"}:
        return "accepted"
    if statuses == {"rejected"}:
        return "rejected"
    if "under-review" in statuses:
        return "under-review"
    return "partly-accepted"


LINE_STATUSES = ("accepted", "rejected", "under-review")


def summarize(document: dict[str, Any]) -> None:
    """Derive every invoice status and the amounts from the line statuses, in place.

    billed = accepted + rejected + underReview holds by construction (REQ-BL-SETTLEMENT).
    """
    totals = dict.fromkeys(LINE_STATUSES, 0)
    for invoice in document["invoices"]:
        _tally(invoice, totals)
    document["amounts"] = _amounts(totals)


def _tally(invoice: dict[str, Any], totals: dict[str, int]) -> None:
    """Set an invoice's status from its lines' and add their amounts to `totals`, by status."""
    lines = invoice["lines"]
    invoice["status"] = _invoice_status({line["status"] for line in lines})
    for line in lines:
        totals[line["status"]] += cents(line["amount"])


def _amounts(totals: dict[str, int]) -> dict[str, str]:
    """A settlement's amounts from its lines' totals by status (REQ-BL-SETTLEMENT)."""
    return {
        "billed": amount(sum(totals.values())),
        "accepted": amount(totals["accepted"]),
        "rejected": amount(totals["rejected"]),
        "underReview": amount(totals["under-review"]),
    }
