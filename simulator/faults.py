"""Known faults of MBE software, injected at scenario rates, and their ground truth.

Every injected fault is recorded as ``{"messageId", "mbe", "kind", "fault", "requirement",
"expected"}``: which message breaks which requirement (an id of vsb/data/requirements.toml)
and what the central application is expected to do with it. Patients whose insurance
situation makes a correct request fail are recorded the same way, so that every answer that
is not a plain acceptance is explained by a ground-truth record.
"""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass
from typing import Any

__all__ = [
    "BEHAVIOUR_FAULTS",
    "BILLING_FAULTS",
    "INVOICE_FAULTS",
    "MESSAGE_FAULTS",
    "SHIPMENT_FAULTS",
    "FaultSpec",
    "GroundTruth",
    "break_invoice",
    "break_shipment",
]


@dataclass(frozen=True)
class FaultSpec:
    """One kind of fault: the requirement it breaks and what the answer should be."""

    requirement: str
    expected: str  # refused | under-review | rejected (an invoice or line) | shipment-refused
    error_type: str = ""  # B, F or R for billing faults


MESSAGE_FAULTS: dict[str, FaultSpec] = {
    "late-request": FaultSpec("REQ-RQ-DEADLINE", "refused"),
    "wrong-request-type-restart": FaultSpec("REQ-RQ-TYPE-RESTART", "refused"),
    "wrong-request-type-new": FaultSpec("REQ-RQ-TYPE-NEW", "refused"),
    "change-while-under-review": FaultSpec("REQ-CH-ONE-IN-PROCESSING", "refused"),
    "late-change": FaultSpec("REQ-CH-LATE-WINDOW", "under-review"),
    "patient-unknown": FaultSpec("REQ-INS-UNKNOWN-PERSON", "refused"),
    "patient-cannot-affiliate": FaultSpec("REQ-INS-CANNOT-AFFILIATE", "refused"),
    "patient-not-affiliated": FaultSpec("REQ-INS-CAN-AFFILIATE", "under-review"),
}

# Wrong invoices: F errors reject the invoice, R errors the prestation line.
INVOICE_FAULTS: dict[str, FaultSpec] = {
    "unknown-reference": FaultSpec("REQ-BL-NO-REQUEST", "rejected", "F"),
    "wrong-zorgkas": FaultSpec("REQ-BL-MEMBER", "rejected", "F"),
    "reused-invoice-number": FaultSpec("REQ-BL-INVOICE-UNIQUE", "rejected", "F"),
    "wrong-code": FaultSpec("REQ-BL-CODE", "rejected", "R"),
    "wrong-tariff": FaultSpec("REQ-BL-TARIFF", "rejected", "R"),
    "wrong-prestation-date": FaultSpec("REQ-BL-DATE", "rejected", "R"),
    "personal-share": FaultSpec("REQ-BL-NO-PERSONAL-SHARE", "rejected", "R"),
}

SHIPMENT_FAULTS: dict[str, FaultSpec] = {
    "wrong-totals": FaultSpec("REQ-BL-HEADER", "shipment-refused", "B"),
}

# Wrong billing behaviour, each with its own opportunity (see docs/simulator.md) and stream.
BILLING_FAULTS: dict[str, FaultSpec] = {
    # of the forfaits of a deceased patient: held back until after the billing deadline
    "after-death-deadline": FaultSpec("REQ-BL-AFTER-DEATH", "rejected", "F"),
    # of the rejected invoices: "corrected" with a credit note, as if it had been accepted
    "credit-rejected-invoice": FaultSpec("REQ-BL-CREDIT-ACCEPTED", "rejected", "F"),
    # of the credit notes of a correction: credits more than the accepted amount
    "credit-too-much": FaultSpec("REQ-BL-CREDIT-ACCEPTED", "rejected", "F"),
    # of the corrections: the corrective invoice rides in the credit note's shipment
    "corrective-same-shipment": FaultSpec("REQ-BL-CREDIT-CHRONOLOGY", "rejected", "F"),
    # of the accepted forfaits: billed a second time in a later shipment
    "double-forfait": FaultSpec("REQ-BL-ONE-FORFAIT", "rejected", "R"),
    # of the shipments: carries an invoice of a begeleiding started before the transition
    "pre-transition": FaultSpec("REQ-BL-TRANSITION", "rejected", "F"),
}

# Not drawn at a rate: what the simulated software always does, recorded whenever it happens.
BEHAVIOUR_FAULTS: dict[str, FaultSpec] = {
    # bills a begeleiding whose late change waits for a staff decision (the engine puts the
    # line under review, `pending-change`)
    "billed-under-review": FaultSpec("REQ-BL-NOT-UNDER-REVIEW", "under-review", "R"),
}


ALL_FAULTS = {
    **MESSAGE_FAULTS,
    **INVOICE_FAULTS,
    **SHIPMENT_FAULTS,
    **BILLING_FAULTS,
    **BEHAVIOUR_FAULTS,
}


class GroundTruth:
    """The ground-truth records of one run, in the order the faulty messages were sent."""

    def __init__(self) -> None:
        self.records: list[dict[str, Any]] = []

    def record(self, message: dict[str, Any], fault: str, invoice: str | None = None) -> None:
        """Record that `message` carries `fault` (on `invoice`, for a wrong invoice)."""
        spec = ALL_FAULTS[fault]
        entry: dict[str, Any] = {
            "messageId": message["messageId"],
            "mbe": message["mbe"],
            "kind": message["kind"],
            "fault": fault,
            "requirement": spec.requirement,
            "expected": spec.expected,
        }
        if invoice is not None:
            entry["invoiceNumber"] = invoice
        self.records.append(entry)


def break_invoice(
    invoice: dict[str, Any], fault: str, rng: random.Random, other_zorgkas: int | None = None
) -> None:
    """Make one invoice wrong in the way `fault` names (in place).

    `wrong-zorgkas` is made by the caller (the invoice goes into another zorgkas's shipment);
    `reused-invoice-number` likewise (the caller gives it an old number).
    """
    line = invoice["lines"][0]
    if fault == "unknown-reference":
        year, serial = invoice["vsbReference"][4:8], rng.randint(9_000_000, 9_999_999)
        invoice["vsbReference"] = f"VSB-{year}-{serial:07d}"
    elif fault == "wrong-code":
        line["code"] = f"{rng.randint(100000, 199999)}"
    elif fault == "wrong-tariff":
        line["amount"] = _cents_text(_text_cents(line["amount"]) + rng.choice((-1, 1)) * 10000)
    elif fault == "wrong-prestation-date":
        day = dt.date.fromisoformat(line["prestationDate"]) + dt.timedelta(days=rng.randint(1, 9))
        line["prestationDate"] = day.isoformat()
    elif fault == "personal-share":
        line["personalShare"] = _cents_text(rng.randint(1, 50) * 100)


def break_shipment(shipment: dict[str, Any], fault: str) -> None:
    """Make a shipment header wrong (in place)."""
    if fault == "wrong-totals":
        shipment["totals"]["lines"] += 1


def _text_cents(text: str) -> int:
    euros, cents = text.split(".")
    return int(euros) * 100 + int(cents)


def _cents_text(cents: int) -> str:
    return f"{cents // 100}.{cents % 100:02d}"
