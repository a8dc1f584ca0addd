"""The reference MBE software's billing, and its reading of the feed.

On its billing day the software reads its feed, checks the insurance status of every
begeleiding it is about to bill (REQ-INS-MBE-CHECKS-BEFORE-BILLING), and sends each zorgkas
at most one shipment that month (REQ-BL-ONE-PER-MONTH): one full forfait per accepted
begeleiding at the MBE's tariff on the start date, dated the start date (REQ-BL-ONE-FORFAIT,
REQ-BL-TARIFF, REQ-BL-DATE); nothing past the deadline after death (REQ-BL-AFTER-DEATH),
nothing with a message under review, nothing the stop gave a reason for non-billing for.

What the settlement says is acted on: a rejected line is billed again next month on a new
original invoice, never credited (REQ-BL-REBILL-REJECTED); a shipment refused as a whole
does not count and its invoices go out again in a later month, those it flagged a month
later still; a line under review waits for the signed settlement in the feed. A begeleiding
cancelled after its forfait was accepted is credited first, and cancelled once the credit
note was accepted (REQ-CH-CANCEL-BILLED).
"""

from __future__ import annotations

import datetime as dt

from conformance.mbe.driver import DriverError
from conformance.mbe.reference_core import Care, Message, Sent, SoftwareCore, month_key
from vsb import mbe_messages as build
from vsb.billing.checks import billing_deadline_after_death
from vsb.billing.rules import BillingRules, billing_rules

Planned = tuple[Care, Sent | None]
"""A forfait to bill (None) or an accepted invoice to credit."""


class BillingSoftware(SoftwareCore):
    """Billing and the feed, on top of the software's records."""

    def __init__(self, id_prefix: str = "ref") -> None:
        super().__init__(id_prefix)
        self.sent: dict[str, Sent] = {}  # invoice number -> what it billed or credited
        self.shipped: set[tuple[int, str]] = set()  # (zorgkas, month) of counted shipments
        self.invoice_count = 0
        self.shipment_count = 0

    # -- the feed ------------------------------------------------------------------------------

    def read_feed(self) -> None:
        """Read final decisions and signed settlements after the cursor, and act on each."""
        if self.link is None:
            raise DriverError("read_feed: the software is not open")
        for cursor, document in self.link.feed(self.cursor):
            self.cursor = max(self.cursor, cursor)
            if document.get("kind") == "final-decision":
                self.decided(document)
            elif document.get("kind") == "settlement":
                self.settled(document)

    # -- the billing day -----------------------------------------------------------------------

    def run_monthly_billing(self) -> None:
        """The billing day: check statuses, then one shipment per zorgkas with what is due."""
        self.read_feed()
        month = month_key(self.today)
        if not self.may_bill_in(month):
            return
        rules = billing_rules(self.rulebook)
        plan: dict[int, list[Planned]] = {}
        for care in [care for care in self.cares if self.due(care, month)]:
            self.check_status(care)
            if self.past_deadline(care):
                care.given_up = True  # REQ-BL-AFTER-DEATH: too late, for good
                continue
            kas = self.zorgkas_to_bill(care)
            if kas:
                plan.setdefault(kas, []).append((care, None))
            else:
                care.not_before = month_key(self.today, 1)  # not affiliated: ask again
        for sent in self.credits_due():
            plan.setdefault(sent.zorgkas, []).append((sent.care, sent))
        for kas in sorted(plan):
            if self.shipped_in(kas, month):
                continue
            for batch in self.batches(plan[kas]):
                self.ship(kas, batch, rules)

    def may_bill_in(self, month: str) -> bool:
        """Whether zorgkassen take shipments in `month` (REQ-BL-FIRST-MONTH)."""
        return month >= str(self.rulebook.value("first_billing_month"))

    def due(self, care: Care, month: str) -> bool:
        """Whether a begeleiding's forfait is to be billed this month."""
        return (
            not care.legacy
            and care.reference is not None
            and care.state in ("open", "stopped")
            and care.in_review is None
            and not (care.billed or care.awaiting or care.cancelling)
            and not (care.non_billing or care.given_up)
            and care.not_before <= month
        )

    def check_status(self, care: Care) -> None:
        """Query the patient's insurance status on the start date; keep zorgkas and death."""
        query = build.status_query(self.new_id("q"), self.hco, care.insz, care.start)
        answer = self.send(query)
        care.zorgkas = build.insured_zorgkas(answer)
        death = answer.get("deathDate")
        if isinstance(death, str):
            care.registry_death = _date(death)

    def past_deadline(self, care: Care) -> bool:
        """Whether a shipment sent today is past the billing deadline after death."""
        deaths = [day for day in (care.death, care.registry_death) if day is not None]
        if not deaths:
            return False
        return self.today > billing_deadline_after_death(self.rulebook, min(deaths))

    def zorgkas_to_bill(self, care: Care) -> int:
        """The zorgkas the insurance status named (0: none)."""
        return care.zorgkas

    def credits_due(self) -> list[Sent]:
        """Accepted forfaits to credit: those of begeleidingen being cancelled."""
        return [
            self.sent[care.invoice]
            for care in self.cares
            if care.cancelling and care.billed and not care.crediting and care.invoice
        ]

    def shipped_in(self, kas: int, month: str) -> bool:
        """Whether a shipment to `kas` already counts for `month`."""
        return (kas, month) in self.shipped

    def batches(self, planned: list[Planned]) -> list[list[Planned]]:
        """The shipments of one zorgkas's invoices: one."""
        return [planned]

    # -- invoices ------------------------------------------------------------------------------

    def tariff_day(self, care: Care) -> dt.date:
        """The day whose tariff applies: the start date."""
        return care.start

    def prestation_date(self, care: Care) -> dt.date:
        """The prestation date: the start date."""
        return care.start

    def next_number(self, prefix: str) -> str:
        """A new invoice (F) or credit-note (C) number."""
        self.invoice_count += 1
        return build.invoice_number(prefix, self.today, self.invoice_count)

    def original(self, rules: BillingRules, care: Care) -> Message | None:
        """The forfait invoice of a begeleiding; None when the MBE has no tariff for it."""
        code = build.forfait_code(rules, "full")
        value = build.forfait_amount(rules, self.hco, code, self.tariff_day(care))
        if value is None or care.reference is None:
            return None
        number, day = self.next_number("F"), self.prestation_date(care)
        return build.original_invoice(number, care.insz, care.reference, code, day, value)

    def credit(self, credited: Sent) -> Message:
        """The credit note of an accepted forfait invoice."""
        invoice, line = credited.invoice, credited.invoice["lines"][0]
        credited.care.crediting = True
        return build.credit_note(
            self.next_number("C"),
            invoice["invoiceNumber"],
            invoice["insz"],
            invoice["vsbReference"],
            line["code"],
            line["prestationDate"],
            line["amount"],
        )

    def ship(self, kas: int, batch: list[Planned], rules: BillingRules) -> None:
        """Send one shipment to a zorgkas and act on its settlement."""
        invoices: list[Message] = []
        for care, credited in batch:
            invoice = self.original(rules, care) if credited is None else self.credit(credited)
            if invoice is not None:
                self.sent[invoice["invoiceNumber"]] = Sent(care, invoice, kas)
                invoices.append(invoice)
        if not invoices:
            return
        self.shipment_count += 1
        number = build.shipment_number(self.shipment_count, self.today)
        message = build.shipment(self.new_id("sh"), self.hco, kas, number, self.today, invoices)
        self.settle(kas, invoices, self.send(message))

    # -- settlements ---------------------------------------------------------------------------

    def settle(self, kas: int, invoices: list[Message], settlement: Message) -> None:
        """Act on the answer to a shipment."""
        if settlement.get("status") not in ("processing", "signed"):
            self.refused(invoices, settlement)
            return
        self.shipped.add((kas, month_key(self.today)))
        statuses = {i["invoiceNumber"]: i.get("status") for i in settlement.get("invoices", ())}
        for invoice in invoices:
            number = invoice["invoiceNumber"]
            self.outcome(self.sent[number], statuses.get(number))

    def refused(self, invoices: list[Message], settlement: Message) -> None:
        """A shipment refused as a whole changed nothing: bill again in a later month, what
        the settlement flagged a month later still."""
        self.refusals.append(settlement)
        flagged = build.flagged_invoices(settlement)
        for invoice in invoices:
            sent = self.sent[invoice["invoiceNumber"]]
            if sent.is_credit:
                sent.care.crediting = False
            else:
                later = 2 if invoice["invoiceNumber"] in flagged else 1
                sent.care.not_before = month_key(self.today, later)

    def settled(self, settlement: Message) -> None:
        """A signed settlement in the feed: the final word on lines that were under review."""
        for result in settlement.get("invoices", ()):
            sent = self.sent.get(result.get("invoiceNumber", ""))
            if sent is None:
                continue
            care, number = sent.care, sent.invoice["invoiceNumber"]
            waiting = care.crediting if sent.is_credit else care.awaiting
            if waiting and (sent.is_credit or care.invoice == number):
                self.outcome(sent, result.get("status"))

    def outcome(self, sent: Sent, status: object) -> None:
        """What one invoice's status means for its begeleiding."""
        care, number = sent.care, sent.invoice["invoiceNumber"]
        if sent.is_credit:
            self.credit_outcome(care, status)
        elif status == "accepted":
            care.billed, care.invoice, care.awaiting = True, number, False
        elif status == "under-review":
            care.invoice, care.awaiting = number, True
        else:
            self.rejected(sent)

    def rejected(self, sent: Sent) -> None:
        """A rejected forfait needs no credit: bill it again next month, on a new invoice."""
        care = sent.care
        care.invoice, care.awaiting = None, False
        care.not_before = month_key(self.today, 1)
        if care.cancelling:  # nothing was accepted, so nothing to credit: cancel now
            care.cancelling = False
            self.enqueue(care, self.cancel_message)

    def credit_outcome(self, care: Care, status: object) -> None:
        """An accepted credit note frees the begeleiding to be cancelled."""
        if status == "under-review":
            return
        care.crediting = False
        if status == "accepted":
            care.billed, care.invoice = False, None
            if care.cancelling:
                care.cancelling = False
                self.enqueue(care, self.cancel_message)

    def cancel_message(self, reference: str, message_id: str) -> Message:
        """A cancel-request of a begeleiding."""
        return build.cancel_request(message_id, self.hco, reference)


def _date(text: str) -> dt.date | None:
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        return None
