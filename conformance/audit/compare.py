"""Where a recorded answer and the reference application's answer to the same message differ.

Only what carries a verdict is compared: the outcome or status, the requirements named (as a
set: their order and wording are the central application's own), the review's requirement,
whether a VSB reference was given (not its number: numbering is each application's own), and
per invoice and line of a settlement their status and requirements. An insurance-status answer
is compared on status, zorgkas, affiliation type and death date.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from conformance.audit.exchanges import Exchange

__all__ = ["Disagreement", "differences", "disagreement"]


@dataclass(frozen=True)
class Disagreement:
    """A difference between what the recorded central application answered and what the
    reference application answers to the same message at the same moment."""

    mbe: str
    message_id: str
    kind: str
    at: str  # when the message was sent
    document: str  # answer, final decision, signed settlement, ...
    field: str
    recorded: str
    reference: str

    def as_dict(self) -> dict[str, Any]:
        """The disagreement as JSON-ready data."""
        return {
            "mbe": self.mbe,
            "message": {"id": self.message_id, "kind": self.kind, "at": self.at},
            "document": self.document,
            "field": self.field,
            "recorded": self.recorded,
            "reference": self.reference,
        }


def _requirements(document: dict[str, Any]) -> str:
    return ", ".join(sorted({str(e.get("requirement")) for e in document.get("errors") or ()}))


def _review(document: dict[str, Any]) -> str:
    review = document.get("review")
    return str(review.get("requirement")) if isinstance(review, dict) else ""


def _settlement(document: dict[str, Any]) -> dict[str, str]:
    view = {"status": str(document.get("status")), "errors": _requirements(document)}
    for invoice in document.get("invoices") or ():
        name = f"invoice {invoice.get('invoiceNumber')}"
        view[f"{name} errors"] = _requirements(invoice)
        for line in invoice.get("lines") or ():
            where = f"{name} line {line.get('lineNumber')}"
            view[f"{where} status"] = str(line.get("status"))
            view[f"{where} errors"] = _requirements(line)
            view[f"{where} review"] = _review(line)
    return view


def _view(document: dict[str, Any]) -> dict[str, str]:
    """What carries the verdict in one answer, as comparable text per field."""
    kind = document.get("kind")
    if kind == "settlement":
        return _settlement(document)
    if kind == "insurance-status-answer":
        fields = ("status", "zorgkas", "affiliationType", "deathDate")
        return {"kind": "insurance-status-answer"} | {f: str(document.get(f, "")) for f in fields}
    return {
        "kind": str(kind),
        "outcome": str(document.get("outcome")),
        "errors": _requirements(document),
        "review": _review(document),
        "vsbReference": "given" if document.get("vsbReference") else "none",
    }


def differences(recorded: dict[str, Any], reference: dict[str, Any]) -> list[tuple[str, str, str]]:
    """(field, recorded, reference) for every field of the verdict that differs."""
    mine, theirs = _view(recorded), _view(reference)
    return [
        (key, mine.get(key, "(absent)") or "(none)", theirs.get(key, "(absent)") or "(none)")
        for key in dict.fromkeys([*mine, *theirs])
        if mine.get(key) != theirs.get(key)
    ]


def disagreement(
    exchange: Exchange, document: str, field: str, recorded: str, reference: str
) -> Disagreement:
    """A disagreement about one exchange."""
    return Disagreement(
        mbe=exchange.mbe,
        message_id=exchange.message_id,
        kind=exchange.kind,
        at=exchange.message.at.isoformat(),
        document=document,
        field=field,
        recorded=recorded,
        reference=reference,
    )
