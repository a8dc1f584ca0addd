"""The audit's core rule: what the central application's answers say about the MBE software.

A violation by MBE software is a message the central application refused, rejected (an
invoice or a line) or put under review naming a requirement that binds MBE software (actor
`mbe` or `both` in the catalogue). The rule itself lives in the reference application, which
names the requirement in its answer; the audit only reads the answer and the catalogue.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Any

from conformance.audit.exchanges import Exchange
from vsb.catalogue import Catalogue

__all__ = ["BINDS_MBE", "Named", "Violation", "named", "violations"]

BINDS_MBE = ("mbe", "both")


@dataclass(frozen=True)
class Violation:
    """One requirement a message of MBE software broke, and why the audit says so."""

    requirement: str
    mbe: str
    message_id: str
    kind: str
    at: str  # when the message was sent
    outcome: str  # what the central application did, or "cross-message check"
    why: str  # the requirement in the catalogue's words
    detail: str  # the specific detail: the field and what was wrong
    invoice: str | None = None
    line: int | None = None

    def key(self) -> tuple[str, str]:
        """What the score matches on: the message id and the requirement."""
        return self.message_id, self.requirement

    def as_dict(self) -> dict[str, Any]:
        """The violation as JSON-ready data."""
        data: dict[str, Any] = {
            "requirement": self.requirement,
            "mbe": self.mbe,
            "message": {"id": self.message_id, "kind": self.kind, "at": self.at},
            "outcome": self.outcome,
            "why": self.why,
            "detail": self.detail,
        }
        if self.invoice is not None:
            data["invoice"] = self.invoice
        if self.line is not None:
            data["line"] = self.line
        return data


@dataclass(frozen=True)
class Named:
    """A requirement an answer names: how it answered, where, what it said."""

    requirement: str
    outcome: str
    pointer: str
    message: str
    invoice: str | None = None
    line: int | None = None


def _errors(document: dict[str, Any], outcome: str, **where: Any) -> Iterator[Named]:
    for error in document.get("errors") or ():
        text = str(error.get("message", ""))
        yield Named(error["requirement"], outcome, str(error.get("pointer", "")), text, **where)


def _review(document: dict[str, Any], outcome: str, **where: Any) -> Iterator[Named]:
    review = document.get("review")
    if review is not None:
        yield Named(review["requirement"], outcome, "", str(review.get("reason", "")), **where)


def _settlement(document: dict[str, Any]) -> Iterator[Named]:
    refused = document["status"] == "refused"
    yield from _errors(document, "shipment refused" if refused else "shipment error")
    for invoice in document["invoices"]:
        number = invoice["invoiceNumber"]
        yield from _errors(invoice, "invoice rejected", invoice=number)
        for line in invoice["lines"]:
            where = {"invoice": number, "line": line["lineNumber"]}
            yield from _errors(line, "line rejected", **where)
            yield from _review(line, "line under review", **where)


def named(document: dict[str, Any]) -> Iterator[Named]:
    """Every requirement an answer, final decision or settlement names."""
    kind = document["kind"]
    if kind == "settlement":
        yield from _settlement(document)
    elif kind == "answer":
        yield from _errors(document, str(document["outcome"]))
        yield from _review(document, "under review")
    elif kind == "final-decision":
        yield from _errors(document, "refused by the zorgkas")


def _detail(found: Named) -> str:
    where = f" at {found.pointer}" if found.pointer else ""
    return f"{found.outcome}{where}: {found.message}" if found.message else found.outcome


def violations(
    exchange: Exchange, documents: Iterable[dict[str, Any]], catalogue: Catalogue
) -> tuple[list[Violation], set[str]]:
    """The violations the answers to one message show, once per requirement and place;
    and the requirement ids they name that the catalogue does not know."""
    found: dict[tuple[str, str | None, int | None], Violation] = {}
    unknown: set[str] = set()
    for document in documents:
        for item in named(document):
            if item.requirement not in catalogue:
                unknown.add(item.requirement)
                continue
            requirement = catalogue[item.requirement]
            key = (item.requirement, item.invoice, item.line)
            if requirement.actor not in BINDS_MBE or key in found:
                continue
            found[key] = Violation(
                requirement=requirement.id,
                mbe=exchange.mbe,
                message_id=exchange.message_id,
                kind=exchange.kind,
                at=exchange.message.at.isoformat(),
                outcome=item.outcome,
                why=requirement.text,
                detail=_detail(item),
                invoice=item.invoice,
                line=item.line,
            )
    return list(found.values()), unknown
