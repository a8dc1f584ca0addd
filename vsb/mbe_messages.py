"""The messages MBE software sends, built from their parts: one copy for every sender.

The simulator's MBE software and the harness's reference MBE client both build their status
queries, requests, changes, invoices and shipments here, so that they send the same shapes
(`docs/messages.md`, `docs/billing.md`) and pick forfait codes and tariffs from the rulebook
the same way. Pure functions: no clock, no state, no randomness. The caller numbers its
messages and invoices and decides what to send and when.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from typing import Any, Literal

from vsb.billing.money import amount, cents
from vsb.billing.rules import BillingRules

__all__ = [
    "Message",
    "admin_change",
    "cancel_request",
    "cancel_stop",
    "credit_note",
    "flagged_invoices",
    "forfait_amount",
    "forfait_code",
    "insured_zorgkas",
    "invoice_number",
    "original_invoice",
    "other_forfait_code",
    "request",
    "shipment",
    "shipment_number",
    "shipment_totals",
    "status_query",
    "stop",
    "stop_data",
]

Message = dict[str, Any]
Day = dt.date | str
ForfaitKind = Literal["full", "reduced"]


def _iso(day: Day) -> str:
    return day if isinstance(day, str) else day.isoformat()


# -- insurance status ------------------------------------------------------------------------


def status_query(message_id: str, mbe: str, insz: str, day: Day) -> Message:
    """An insurance-status query for a patient on a day (for billing: the start date)."""
    return {
        "kind": "insurance-status-query",
        "messageId": message_id,
        "mbe": mbe,
        "insz": insz,
        "date": _iso(day),
    }


def insured_zorgkas(answer: Mapping[str, Any]) -> int:
    """The zorgkas a status answer names to bill, or 0 when the patient is not affiliated."""
    zorgkas = answer.get("zorgkas") if answer.get("status") == "affiliated" else None
    return int(zorgkas) if isinstance(zorgkas, int) else 0


# -- requests and changes --------------------------------------------------------------------


def request(
    message_id: str,
    mbe: str,
    insz: str,
    begeleiding: Mapping[str, Any],
    request_type: str,
    start: Day,
) -> Message:
    """A request for intervention: `begeleiding` holds contactPerson, medical, accidentCode."""
    return {
        "kind": "request",
        "messageId": message_id,
        "mbe": mbe,
        "insz": insz,
        "begeleiding": {**begeleiding, "requestType": request_type, "startDate": _iso(start)},
    }


def _change(kind: str, message_id: str, mbe: str, reference: str) -> Message:
    return {"kind": kind, "messageId": message_id, "mbe": mbe, "vsbReference": reference}


def cancel_request(message_id: str, mbe: str, reference: str) -> Message:
    """Cancel an accepted request for good."""
    return _change("cancel-request", message_id, mbe, reference)


def cancel_stop(message_id: str, mbe: str, reference: str) -> Message:
    """Cancel an accepted stop: care goes on."""
    return _change("cancel-stop", message_id, mbe, reference)


def admin_change(
    message_id: str,
    mbe: str,
    reference: str,
    contact: Mapping[str, Any] | None = None,
    accident_code: str | None = None,
) -> Message:
    """A change of the contact person and/or the accident code (at least one of them)."""
    message = _change("admin-change", message_id, mbe, reference)
    if contact is not None:
        message["contactPerson"] = dict(contact)
    if accident_code is not None:
        message["accidentCode"] = accident_code
    return message


def stop_data(
    day: Day,
    reason: str,
    interventions: Sequence[Mapping[str, Any]],
    first_line_contacts: Sequence[Mapping[str, Any]],
    place_of_death: str | None = None,
    non_billing_reason: str | None = None,
) -> dict[str, Any]:
    """The `stop` part of a stop message; optional fields only when they have a value."""
    data: dict[str, Any] = {
        "date": _iso(day),
        "reason": reason,
        "interventions": list(interventions),
        "firstLineContacts": list(first_line_contacts),
    }
    if place_of_death is not None:
        data["placeOfDeath"] = place_of_death
    if non_billing_reason is not None:
        data["nonBillingReason"] = non_billing_reason
    return data


def stop(message_id: str, mbe: str, reference: str, data: Mapping[str, Any]) -> Message:
    """A stop of a begeleiding, with the data of `stop_data`."""
    message = _change("stop", message_id, mbe, reference)
    message["stop"] = dict(data)
    return message


# -- forfaits --------------------------------------------------------------------------------


def forfait_code(rules: BillingRules, kind: ForfaitKind) -> str:
    """The prestation code of the full or the reduced forfait (the first, in code order)."""
    return next(code for code, found in sorted(rules.codes.items()) if found == kind)


def other_forfait_code(rules: BillingRules, code: str) -> str:
    """The code of the other forfait: reduced for full, full for anything else."""
    return forfait_code(rules, "reduced" if rules.codes.get(code) == "full" else "full")


def forfait_amount(rules: BillingRules, mbe: str, code: str, start: dt.date) -> str | None:
    """The MBE's tariff for a forfait code on the start date, or None when it has none."""
    tariff = rules.tariff(mbe, code, start)
    return None if tariff is None else amount(tariff)


# -- invoices and shipments ------------------------------------------------------------------


def invoice_number(prefix: str, day: dt.date, count: int) -> str:
    """An invoice number: `F` (invoice) or `C` (credit note), the year, a running count."""
    return f"{prefix}{day:%y}-{count:06d}"


def original_invoice(
    number: str, insz: str, reference: str, code: str, prestation_date: Day, value: str
) -> dict[str, Any]:
    """An original invoice of one forfait (no personal share)."""
    line = {
        "lineNumber": 1,
        "code": code,
        "prestationDate": _iso(prestation_date),
        "amount": value,
        "personalShare": "0.00",
    }
    return {
        "invoiceNumber": number,
        "type": "original",
        "insz": insz,
        "vsbReference": reference,
        "lines": [line],
    }


def credit_note(
    number: str,
    credited_invoice: str,
    insz: str,
    reference: str,
    code: str,
    prestation_date: Day,
    value: str,
) -> dict[str, Any]:
    """A credit note of line 1 of an accepted one-forfait invoice."""
    line = {
        "lineNumber": 1,
        "creditedLine": 1,
        "code": code,
        "prestationDate": _iso(prestation_date),
        "amount": value,
        "personalShare": "0.00",
    }
    return {
        "invoiceNumber": number,
        "type": "credit-note",
        "creditedInvoice": credited_invoice,
        "insz": insz,
        "vsbReference": reference,
        "lines": [line],
    }


def shipment_number(count: int, day: dt.date) -> str:
    """A shipment number: a running count and the month it is sent in."""
    return f"{count:04d}/{day:%Y%m}"


def shipment_totals(invoices: Iterable[Mapping[str, Any]]) -> dict[str, Any]:
    """The control totals: invoices, lines, and originals minus credit notes."""
    count = lines = total = 0
    for invoice in invoices:
        sign = -1 if invoice["type"] == "credit-note" else 1
        count += 1
        lines += len(invoice["lines"])
        total += sum(sign * cents(line["amount"]) for line in invoice["lines"])
    return {"invoices": count, "lines": lines, "amount": amount(total)}


def shipment(
    message_id: str,
    mbe: str,
    zorgkas: int,
    number: str,
    send_date: dt.date,
    invoices: Sequence[dict[str, Any]],
) -> Message:
    """A shipment of invoices to one zorgkas, with its control totals."""
    return {
        "kind": "shipment",
        "messageId": message_id,
        "mbe": mbe,
        "zorgkas": zorgkas,
        "shipmentNumber": number,
        "sendDate": send_date.isoformat(),
        "totals": shipment_totals(invoices),
        "invoices": list(invoices),
    }


def flagged_invoices(settlement: Mapping[str, Any]) -> set[str]:
    """The invoice numbers a settlement flagged: an error on the invoice or on a line."""
    return {
        invoice["invoiceNumber"]
        for invoice in settlement.get("invoices", ())
        if invoice.get("errors") or any(line.get("errors") for line in invoice["lines"])
    }
