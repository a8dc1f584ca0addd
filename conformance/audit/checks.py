"""MBE duties that no answer of their own shows: small checks across messages, one per
requirement, and why the others that bind MBE software cannot be checked from traffic.

Every other requirement that binds MBE software is judged by the central application's
answers (`conformance.audit.verdicts`): a check here exists only where the central
application answers nothing (catalogue outcome `none`) and the traffic can still show the duty
kept or broken.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator, Sequence

from conformance.audit.exchanges import Judged
from conformance.audit.verdicts import BINDS_MBE, Violation
from vsb.catalogue import Catalogue, Requirement

__all__ = [
    "CHECKS",
    "NOT_CHECKED",
    "billed_while_under_review",
    "coverage",
    "insurance_checked_before_billing",
    "run_checks",
]


# (MBE, VSB reference) -> messages of that begeleiding under review, with their decision moment
Pending = dict[tuple[str, str], list[tuple[Judged, dt.datetime | None]]]


def _accepted_requests(judged: Sequence[Judged]) -> set[tuple[str, str]]:
    """(MBE, VSB reference) of every request the central application accepted, at once or
    after review."""
    found: set[tuple[str, str]] = set()
    for item in judged:
        if item.exchange.kind != "request":
            continue
        for document in item.documents:
            reference = document.get("vsbReference")
            if document.get("outcome") == "accepted" and isinstance(reference, str):
                found.add((item.exchange.mbe, reference))
    return found


def _status_answers(judged: Sequence[Judged]) -> dict[tuple[str, str], dt.datetime]:
    """(MBE, INSZ) -> when the MBE first had an insurance status of that person."""
    first: dict[tuple[str, str], dt.datetime] = {}
    for item in judged:
        insz = item.body.get("insz")
        answered = any(d["kind"] == "insurance-status-answer" for d in item.documents)
        if item.exchange.kind == "insurance-status-query" and answered and isinstance(insz, str):
            key = (item.exchange.mbe, insz)
            first[key] = min(first.get(key, item.processed_at), item.processed_at)
    return first


def insurance_checked_before_billing(
    judged: Sequence[Judged], requirement: Requirement
) -> Iterator[Violation]:
    """REQ-INS-MBE-CHECKS-BEFORE-BILLING: every original invoice of a begeleiding accepted in
    the traffic follows an answered insurance-status query of the same MBE for its patient.

    Invoices of begeleidingen the traffic does not show accepted (an unknown reference, a
    begeleiding of the old procedure, a log that starts later) are the central application's
    to judge (REQ-BL-NO-REQUEST, REQ-BL-TRANSITION): the audit cannot tell when their
    patient's status was checked.
    """
    accepted = _accepted_requests(judged)
    answered = _status_answers(judged)
    for item in judged:
        exchange = item.exchange
        if exchange.kind != "shipment":
            continue
        sent = exchange.message.at
        for index, invoice in enumerate(item.body.get("invoices") or ()):
            if not isinstance(invoice, dict) or invoice.get("type") != "original":
                continue
            insz, reference = invoice.get("insz"), invoice.get("vsbReference")
            if (exchange.mbe, reference) not in accepted or not isinstance(insz, str):
                continue
            first = answered.get((exchange.mbe, insz))
            if first is not None and first <= sent:
                continue
            later = f" (the first answer came at {first.isoformat()})" if first else ""
            yield Violation(
                requirement=requirement.id,
                mbe=exchange.mbe,
                message_id=exchange.message_id,
                kind=exchange.kind,
                at=sent.isoformat(),
                outcome="cross-message check",
                why=requirement.text,
                detail=f"at /invoices/{index}/insz: invoice {invoice.get('invoiceNumber')} bills "
                f"{reference} of patient {insz} to zorgkas {item.body.get('zorgkas')}, but this "
                f"MBE had no answer to an insurance-status query for {insz} before the "
                f"shipment was sent{later}",
                invoice=str(invoice.get("invoiceNumber")),
            )


def _under_review(judged: Sequence[Judged]) -> Pending:
    """(MBE, VSB reference) -> the messages of that begeleiding the central application put
    under review, each with when its final decision came (None: not in the traffic)."""
    found: Pending = {}
    for item in judged:
        reference = item.body.get("vsbReference")
        reviewed = any(d.get("outcome") == "under-review" for d in item.documents[:1])
        if item.exchange.kind != "shipment" and reviewed and isinstance(reference, str):
            decision = item.exchange.decision
            decided = decision.at if decision is not None else None
            found.setdefault((item.exchange.mbe, reference), []).append((item, decided))
    return found


def _waiting(pending: Pending, mbe: str, reference: object, sent: dt.datetime) -> str | None:
    """Which message of the begeleiding was under review when a shipment was sent, if any."""
    for reviewed, decided in pending.get((mbe, str(reference)), ()):
        if reviewed.processed_at <= sent and (decided is None or decided > sent):
            then = f"came at {decided.isoformat()}" if decided else "is not in the traffic"
            return (
                f"{reviewed.exchange.kind} {reviewed.exchange.message_id} was under review "
                f"since {reviewed.processed_at.isoformat()} (its final decision {then})"
            )
    return None


def billed_while_under_review(
    judged: Sequence[Judged], requirement: Requirement
) -> Iterator[Violation]:
    """REQ-BL-NOT-UNDER-REVIEW: no invoice of a begeleiding in a shipment sent while a message
    of that begeleiding was under review: its answer "under review" had come, its final
    decision had not.

    A request under review has no VSB reference yet, so an invoice cannot name it: billing it
    anyway is refused by the central application (REQ-BL-NO-REQUEST), which the audit reports.
    """
    pending = _under_review(judged)
    for item in judged:
        exchange = item.exchange
        if exchange.kind != "shipment" or not pending:
            continue
        for index, invoice in enumerate(item.body.get("invoices") or ()):
            if not isinstance(invoice, dict):
                continue
            reference = invoice.get("vsbReference")
            waiting = _waiting(pending, exchange.mbe, reference, exchange.message.at)
            if waiting is None:
                continue
            yield Violation(
                requirement=requirement.id,
                mbe=exchange.mbe,
                message_id=exchange.message_id,
                kind=exchange.kind,
                at=exchange.message.at.isoformat(),
                outcome="cross-message check",
                why=requirement.text,
                detail=f"at /invoices/{index}/vsbReference: invoice "
                f"{invoice.get('invoiceNumber')} bills {reference} while its {waiting}",
                invoice=str(invoice.get("invoiceNumber")),
            )


Check = Callable[[Sequence[Judged], Requirement], Iterator[Violation]]


CHECKS: dict[str, Check] = {
    "REQ-INS-MBE-CHECKS-BEFORE-BILLING": insurance_checked_before_billing,
    "REQ-BL-NOT-UNDER-REVIEW": billed_while_under_review,
}

# Requirements that bind MBE software, get no answer of their own and are automated, but that
# recorded traffic cannot show broken.
NOT_CHECKED: dict[str, str] = {
    "REQ-TR-ON-AFTER": "a begeleiding that was never requested leaves no message to audit; "
    "billing one without an accepted request is refused by the central application "
    "(REQ-BL-NO-REQUEST), and the audit reports that refusal",
    "REQ-BL-REBILL-REJECTED": "a permission, not a duty: billing a rejected prestation again "
    "the wrong way is refused under REQ-BL-CREDIT-ACCEPTED (credited instead of billed "
    "again) or REQ-BL-INVOICE-UNIQUE (on its old invoice number), which the audit reports",
    "REQ-RV-MBE-ACTS-ON-DECISION": "reading the feed leaves no message; acting on a final "
    "decision shows only as later messages: billing under a reference the software was never "
    "given is refused (REQ-BL-NO-REQUEST), billing while the decision is awaited is checked "
    "under REQ-BL-NOT-UNDER-REVIEW, and a begeleiding never billed or a held-back message "
    "never sent is an absence that no deadline lets the traffic judge",
    "REQ-BL-RESEND-REFUSED": "whether an invoice sent again is corrected depends on the rule "
    "it broke (a new number corrects a reused one, a later shipment a corrective invoice sent "
    "too early, nothing one past the deadline after death): telling it would copy the rules. "
    "An invoice sent again still wrong is refused again under its own requirement, which the "
    "audit reports; one never sent again is an absence no deadline lets the traffic judge",
}


def run_checks(judged: Sequence[Judged], catalogue: Catalogue) -> list[Violation]:
    """The violations every cross-message check finds."""
    found: list[Violation] = []
    for requirement_id, check in CHECKS.items():
        found += check(judged, catalogue[requirement_id])
    return found


def coverage(catalogue: Catalogue) -> tuple[dict[str, str], dict[str, str]]:
    """How the audit judges each requirement that binds MBE software: those it checks (and
    how), and those it cannot check (and why)."""
    checked: dict[str, str] = {}
    not_checked: dict[str, str] = {}
    for requirement in catalogue.requirements:
        if requirement.actor not in BINDS_MBE:
            continue
        if requirement.id in CHECKS:
            checked[requirement.id] = "cross-message check over the traffic"
        elif requirement.outcome != "none":
            checked[requirement.id] = f"the central application's answers ({requirement.outcome})"
        elif not requirement.automated:
            not_checked[requirement.id] = requirement.manual_reason
        else:
            not_checked[requirement.id] = NOT_CHECKED.get(requirement.id, "no check yet")
    return checked, not_checked
