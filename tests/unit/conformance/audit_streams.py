"""Hand-made recorded traffic for the audit's tests: envelopes, messages, answers, files."""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

from vsb.synthetic import sample_request

MBE = "76310195930"
PATIENT = "48031402205"  # fixtures/persons.toml affiliated_180_official
CAN_AFFILIATE = "90070706515"  # not_affiliated_vzv25
REFERENCE = "VSB-2024-0000001"

Line = tuple[str, dict[str, Any]]


def envelope(at: str, body: dict[str, Any]) -> str:
    """One JSON Lines line as the simulator writes it."""
    return json.dumps({"at": at, "body": body}, sort_keys=True)


def write(path: Path, lines: Iterable[Line | str]) -> Path:
    """Write `(at, body)` pairs (or raw text lines) as a JSON Lines file."""
    text = [line if isinstance(line, str) else envelope(*line) for line in lines]
    path.write_text("\n".join(text) + "\n", encoding="utf-8")
    return path


def request(message_id: str, insz: str = PATIENT, start: str = "2024-03-01") -> dict[str, Any]:
    """A schema-valid request of MBE."""
    return sample_request(MBE, insz, start, message_id)


def query(message_id: str, insz: str = PATIENT, day: str = "2024-03-01") -> dict[str, Any]:
    """An insurance-status query of MBE."""
    return {
        "kind": "insurance-status-query",
        "messageId": message_id,
        "mbe": MBE,
        "insz": insz,
        "date": day,
    }


def status(message_id: str, insz: str = PATIENT, zorgkas: int = 180) -> dict[str, Any]:
    """The answer to a query: affiliated with `zorgkas`."""
    return {
        "kind": "insurance-status-answer",
        "inReplyTo": message_id,
        "insz": insz,
        "date": "2024-03-01",
        "status": "affiliated",
        "zorgkas": zorgkas,
        "affiliationType": "official",
        "period": {"from": "2001-01-01", "to": None},
    }


def answer(
    message_id: str,
    outcome: str = "accepted",
    errors: Sequence[tuple[str, str, str]] = (),
    review: tuple[str, str] | None = None,
    reference: str | None = None,
) -> dict[str, Any]:
    """An answer; `errors` are (requirement, pointer, message), `review` (requirement,
    reason)."""
    body: dict[str, Any] = {
        "kind": "answer",
        "answerId": f"A-{message_id}",
        "inReplyTo": message_id,
        "answeredAt": "2024-03-05T10:00:00+01:00",
        "outcome": outcome,
    }
    if reference is not None:
        body["vsbReference"] = reference
    if errors:
        body["errors"] = [{"requirement": r, "pointer": p, "message": m} for r, p, m in errors]
    if review is not None:
        body["review"] = {"requirement": review[0], "zorgkas": 180, "reason": review[1]}
    return body


def decision(
    message_id: str, outcome: str, errors: Sequence[tuple[str, str]] = (), reference: str = ""
) -> dict[str, Any]:
    """A final decision of staff of zorgkas 180; `errors` are (requirement, message)."""
    body: dict[str, Any] = {
        "kind": "final-decision",
        "decisionId": f"D-{message_id}",
        "inReplyTo": message_id,
        "decidedAt": "2024-03-06T09:00:00+01:00",
        "decidedBy": {"zorgkas": 180, "staff": "kas180-anna"},
        "outcome": outcome,
    }
    if reference:
        body["vsbReference"] = reference
    if errors:
        body["errors"] = [{"requirement": r, "pointer": "", "message": m} for r, m in errors]
    return body


def invoice(
    number: str, reference: str = REFERENCE, insz: str = PATIENT, kind: str = "original"
) -> dict[str, Any]:
    """An invoice with one full forfait line."""
    body: dict[str, Any] = {
        "invoiceNumber": number,
        "type": kind,
        "insz": insz,
        "vsbReference": reference,
        "lines": [
            {
                "lineNumber": 1,
                "code": "773172",
                "prestationDate": "2024-03-01",
                "amount": "2900.00",
                "personalShare": "0.00",
            }
        ],
    }
    if kind == "credit-note":
        body["creditedInvoice"] = "F-0"
        body["lines"][0]["creditedLine"] = 1
    return body


def shipment(message_id: str, *invoices: dict[str, Any]) -> dict[str, Any]:
    """A shipment of MBE to zorgkas 180 (totals not checked by the recorded audit)."""
    return {
        "kind": "shipment",
        "messageId": message_id,
        "mbe": MBE,
        "zorgkas": 180,
        "shipmentNumber": "0001/202404",
        "sendDate": "2024-04-10",
        "totals": {"invoices": len(invoices), "lines": len(invoices), "amount": "0.00"},
        "invoices": list(invoices),
    }


def settlement(
    message_id: str,
    invoices: Sequence[tuple[str, Sequence[str], Sequence[str]]],
    status: str = "processing",
    errors: Sequence[str] = (),
) -> dict[str, Any]:
    """A settlement: per invoice (number, F requirements, R requirements of its line)."""

    def error(kind: str, requirement: str) -> dict[str, str]:
        return {"type": kind, "requirement": requirement, "pointer": "", "message": "wrong"}

    return {
        "kind": "settlement",
        "settlementId": f"S-{message_id}",
        "inReplyTo": message_id,
        "mbe": MBE,
        "zorgkas": 180,
        "shipmentNumber": "0001/202404",
        "issuedAt": "2024-04-10T10:30:00+01:00",
        "status": status,
        "errors": [error("B", r) for r in errors],
        "invoices": [
            {
                "invoiceNumber": number,
                "status": "rejected" if f or r else "accepted",
                "errors": [error("F", x) for x in f],
                "lines": [
                    {
                        "lineNumber": 1,
                        "status": "rejected" if f or r else "accepted",
                        "amount": "2900.00",
                        "errors": [error("R", x) for x in r],
                    }
                ],
            }
            for number, f, r in invoices
        ],
    }
