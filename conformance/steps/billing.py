"""Billing in the words of the domain: shipments of invoices and credit notes, the B/F/R
verdicts of their settlement, the review of lines by zorgkas staff, signing and payment.

What the scenario's MBEs billed is kept in `world.notes["billing"]` (a `Books`). A shipment is
composed invoice by invoice ("MBE Brugge bills the full forfait of An") and then sent ("MBE
Brugge sends its shipment to zorgkas 380 on 2024-04-10"), or both at once. Prestation codes and
tariffs come from the rulebook's `[billing]` section and error types from the catalogue, never
from the reference engine: every expected value is the scenario text's or the rulebook's.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from pytest_bdd import given, then, when

from conformance.adapters.base import Decision, Reply
from conformance.steps.requests import send_request
from conformance.steps.types import step
from conformance.verdicts import Breach, errors_of
from conformance.world import Begeleiding, SetupFailed, World
from vsb.catalogue import load_catalogue

AMOUNT = re.compile(r"\d+\.\d{2}")
"""An amount as the messages write it: digits, a point and two decimals."""

NEVER_ISSUED = "9999999"
"""The serial of the VSB reference under which a begeleiding without one is billed."""

# -- what the scenario billed ------------------------------------------------------------------


@dataclass
class Invoice:
    """An invoice or credit note an MBE of the scenario billed, as it was (or will be) sent."""

    patient: str
    mbe: str
    body: dict[str, Any]
    index: int = -1  # its place in the shipment it went in

    @property
    def number(self) -> str:
        """The MBE's invoice number."""
        return str(self.body["invoiceNumber"])

    @property
    def kind(self) -> str:
        """original or credit-note."""
        return str(self.body["type"])


@dataclass
class Shipment:
    """A shipment the scenario sent, and its settlement as last seen (answer, staff replies)."""

    mbe: str
    zorgkas: int
    message: dict[str, Any]
    invoices: list[Invoice]
    reply: Reply
    settlement: dict[str, Any]

    @property
    def settlement_id(self) -> str:
        """The id of its settlement; a shipment answered with a problem has none."""
        sid = self.settlement.get("settlementId")
        if not isinstance(sid, str):
            raise Breach(
                "a settlement with a settlement id", _describe_shipment(self), None, "/settlementId"
            )
        return sid


@dataclass
class Books:
    """Everything billed in one scenario: drafts per MBE, sent shipments, other members."""

    drafts: dict[str, list[Invoice]] = field(default_factory=dict)
    shipments: list[Shipment] = field(default_factory=list)
    others: dict[str, list[str]] = field(default_factory=dict)
    billed_others: set[str] = field(default_factory=set)
    counters: dict[str, int] = field(default_factory=dict)
    staff_reply: Reply | None = None


def books(world: World) -> Books:
    """The scenario's billing books, made on first use."""
    found = world.notes.setdefault("billing", Books())
    assert isinstance(found, Books)
    return found


def _next(world: World, counter: str) -> int:
    """The next number of a per-scenario counter (invoice and shipment numbers per MBE)."""
    counters = books(world).counters
    counters[counter] = counters.get(counter, 0) + 1
    return counters[counter]


def staff_of(zorgkas: int) -> str:
    """The staff identity under which the suite acts for a zorgkas."""
    return f"kas{zorgkas}-conformance"


# -- the rulebook's billing data -----------------------------------------------------------------


def _billing_rules(world: World) -> Mapping[str, Any]:
    """The `[billing]` section of the rulebook in force on the scenario's day."""
    section = world.rulebook(world.today()).extra.get("billing")
    if not isinstance(section, Mapping):
        raise SetupFailed("the rulebook in force has no [billing] section")
    return section


def forfait_code(world: World, kind: str) -> str:
    """The rulebook's prestation code of the full or the reduced forfait."""
    codes = [
        str(code)
        for code, entry in _billing_rules(world)["prestation_codes"].items()
        if entry.get("kind") == kind
    ]
    if len(codes) != 1:
        raise SetupFailed(f"the rulebook has no single {kind!r} forfait; say full or reduced")
    return codes[0]


def tariff(world: World, mbe: str, kind: str, day: dt.date) -> str:
    """The MBE's tariff for the full or reduced forfait on a day, from the rulebook's dated
    tariffs; before its first tariff (a begeleiding of before the transition) the first one."""
    hco = world.hco(mbe)
    entries = sorted(
        (t for t in _billing_rules(world)["tariffs"] if str(t["mbe"]) == hco),
        key=lambda t: t["from"],
    )
    if not entries:
        raise SetupFailed(f"the rulebook has no tariff for MBE {mbe} ({hco})")
    in_force = [t for t in entries if t["from"] <= day] or entries[:1]
    return str(in_force[-1][kind])


def error_type(requirement: str) -> str | None:
    """The catalogue's B, F or R type of a billing requirement."""
    catalogue = load_catalogue()
    return catalogue[requirement].error_type if requirement in catalogue else None


def _amount(text: str) -> str:
    """An amount the scenario names, checked to be written as messages write amounts."""
    if not AMOUNT.fullmatch(text):
        raise SetupFailed(f"{text!r} is not an amount with two decimals, e.g. 2000.00")
    return text


# -- composing invoices --------------------------------------------------------------------------


def _reference(begeleiding: Begeleiding) -> str:
    """The begeleiding's VSB reference, or one never issued when it has none."""
    return begeleiding.reference or f"VSB-{begeleiding.start.year}-{NEVER_ISSUED}"


def original_invoice(
    world: World, mbe: str, patient: str, kind: str, begeleiding: Begeleiding | None = None
) -> Invoice:
    """A correct original invoice of one forfait: the begeleiding's start as prestation date,
    the rulebook's code and the MBE's tariff on that date, no personal share."""
    begeleiding = begeleiding or world.begeleiding(patient, mbe)
    line = {
        "lineNumber": 1,
        "code": forfait_code(world, kind),
        "prestationDate": begeleiding.start.isoformat(),
        "amount": tariff(world, mbe, kind, begeleiding.start),
        "personalShare": "0.00",
    }
    body = {
        "invoiceNumber": f"F-{_next(world, f'invoice {mbe}'):06d}",
        "type": "original",
        "insz": world.insz(patient),
        "vsbReference": _reference(begeleiding),
        "lines": [line],
    }
    return Invoice(patient, mbe, body)


def credit_note(world: World, mbe: str, patient: str, amount: str | None = None) -> Invoice:
    """A credit note of the patient's last original invoice sent by the MBE, crediting its
    first line (for the amount billed, unless another is given)."""
    credited = last_sent(world, mbe, patient, "original")
    line = credited.body["lines"][0]
    body = {
        "invoiceNumber": f"C-{_next(world, f'invoice {mbe}'):06d}",
        "type": "credit-note",
        "creditedInvoice": credited.number,
        "insz": credited.body["insz"],
        "vsbReference": credited.body["vsbReference"],
        "lines": [
            {
                "lineNumber": 1,
                "creditedLine": line["lineNumber"],
                "code": line["code"],
                "prestationDate": line["prestationDate"],
                "amount": amount or line["amount"],
                "personalShare": "0.00",
            }
        ],
    }
    return Invoice(patient, mbe, body)


def last_sent(world: World, mbe: str, patient: str, kind: str) -> Invoice:
    """The patient's last invoice of a kind that the MBE sent in a shipment."""
    sent = [
        invoice
        for shipment in books(world).shipments
        if shipment.mbe == mbe
        for invoice in shipment.invoices
        if invoice.patient == patient and invoice.kind == kind
    ]
    if not sent:
        raise SetupFailed(f"MBE {mbe} sent no {kind} invoice of {patient} in this scenario")
    return sent[-1]


def draft(world: World, invoice: Invoice) -> Invoice:
    """Put an invoice in the MBE's next shipment."""
    books(world).drafts.setdefault(invoice.mbe, []).append(invoice)
    return invoice


def first_line(invoice: Invoice) -> dict[str, Any]:
    """The first (usually the only) line of an invoice, to change it."""
    line: dict[str, Any] = invoice.body["lines"][0]
    return line


# -- sending -------------------------------------------------------------------------------------


def _totals(invoices: list[Invoice]) -> dict[str, Any]:
    """Correct header totals: invoice and line counts, originals minus credit notes."""
    total = sum(
        (
            Decimal(line["amount"]) * (-1 if invoice.kind == "credit-note" else 1)
            for invoice in invoices
            for line in invoice.body["lines"]
            if isinstance(line.get("amount"), str) and AMOUNT.fullmatch(line["amount"])
        ),
        Decimal("0.00"),
    )
    return {
        "invoices": len(invoices),
        "lines": sum(len(invoice.body["lines"]) for invoice in invoices),
        "amount": f"{total:.2f}",
    }


def send_shipment(
    world: World, mbe: str, zorgkas: int, day: dt.date, totals: Mapping[str, Any] | None = None
) -> Shipment:
    """Send the MBE's drafted invoices to a zorgkas on `day` (the clock set to that day), with
    correct totals unless `totals` changes some."""
    invoices = books(world).drafts.pop(mbe, [])
    if not invoices:
        raise SetupFailed(f"MBE {mbe} has billed nothing to send; say what it bills first")
    world.at(day)
    number = _next(world, f"shipment {mbe}")
    message = {
        "kind": "shipment",
        "messageId": world.message_id("shipment"),
        "mbe": world.hco(mbe),
        "zorgkas": zorgkas,
        "shipmentNumber": f"{number:03d}/{day:%Y%m}",
        "sendDate": day.isoformat(),
        "totals": {**_totals(invoices), **(totals or {})},
        "invoices": [invoice.body for invoice in invoices],
    }
    for index, invoice in enumerate(invoices):
        invoice.index = index
    reply = world.send(mbe, message, label=f"shipment {message['shipmentNumber']} of {mbe}")
    body = reply.body if isinstance(reply.body, dict) else {}
    shipment = Shipment(mbe, zorgkas, message, invoices, reply, body)
    books(world).shipments.append(shipment)
    return shipment


def last_shipment(world: World, mbe: str | None = None) -> Shipment:
    """The last shipment the scenario sent (of an MBE)."""
    sent = [s for s in books(world).shipments if mbe is None or s.mbe == mbe]
    if not sent:
        raise SetupFailed("no shipment was sent yet in this scenario")
    return sent[-1]


# -- reading a settlement ----------------------------------------------------------------------


def _errors(entry: Mapping[str, Any]) -> list[dict[str, Any]]:
    """The errors listed on a settlement, invoice or line entry."""
    return [e for e in entry.get("errors", ()) or () if isinstance(e, dict)]


def _error_words(errors: list[dict[str, Any]]) -> str:
    """Errors in words for a breach: requirement, type and pointer of each."""
    return ", ".join(
        f"{e.get('requirement')} ({e.get('type', '?')}) at {e.get('pointer')!r}" for e in errors
    )


def _describe_shipment(shipment: Shipment) -> str:
    """What a shipment's answer was, in words, for a breach."""
    reply = shipment.reply
    if reply.problem:
        return (
            f"HTTP {reply.status} problem ({reply.field('requirement')}): {reply.field('detail')}"
        )
    doc = shipment.settlement
    words = f"settlement {doc.get('status')!r}"
    errors = _errors(doc)
    return words + (f" for {_error_words(errors)}" if errors else " with no shipment error")


def _describe(entry: Mapping[str, Any], what: str) -> str:
    """What an invoice or line entry says, in words, for a breach."""
    errors = _errors(entry)
    words = f"{what} {entry.get('status')!r}"
    return words + (f" for {_error_words(errors)}" if errors else " with no error")


def _within(pointer: object, prefix: str) -> bool:
    """Whether a JSON pointer is `prefix` or a field inside it."""
    return isinstance(pointer, str) and (pointer == prefix or pointer.startswith(prefix + "/"))


def settled_invoice(
    world: World, patient: str, kind: str, requirement: str | None
) -> tuple[Invoice, dict[str, Any], str]:
    """The patient's invoice (of a kind) in the last shipment, its entry in the settlement as
    last seen, and its JSON pointer there."""
    shipment = last_shipment(world)
    mine = [i for i in shipment.invoices if i.patient == patient and i.kind == kind]
    if not mine:
        raise SetupFailed(f"the last shipment holds no {kind} invoice of {patient}")
    invoice = mine[-1]
    listed = shipment.settlement.get("invoices")
    pointer = f"/invoices/{invoice.index}"
    if not isinstance(listed, list) or invoice.index >= len(listed):
        raise Breach(
            f"the settlement listing invoice {invoice.number} of {patient}",
            _describe_shipment(shipment),
            requirement,
            pointer,
        )
    entry = listed[invoice.index]
    if not isinstance(entry, dict) or entry.get("invoiceNumber") != invoice.number:
        got = entry.get("invoiceNumber") if isinstance(entry, dict) else entry
        raise Breach(
            f"invoice {invoice.number} of {patient} in the settlement",
            f"invoice {got!r} in its place",
            requirement,
            f"{pointer}/invoiceNumber",
        )
    return invoice, entry, pointer


def settled_line(
    world: World, patient: str, number: int, requirement: str | None
) -> tuple[Invoice, dict[str, Any], str]:
    """Line `number` of the patient's original invoice in the last shipment, its settlement
    entry and its JSON pointer."""
    invoice, entry, pointer = settled_invoice(world, patient, "original", requirement)
    lines = entry.get("lines") or []
    for index, line in enumerate(lines):
        if isinstance(line, dict) and line.get("lineNumber") == number:
            return invoice, line, f"{pointer}/lines/{index}"
    raise Breach(
        f"line {number} of invoice {invoice.number} in the settlement",
        f"lines {[line.get('lineNumber') for line in lines if isinstance(line, dict)]}",
        requirement,
        f"{pointer}/lines",
    )


def expect_rejected(entry: Mapping[str, Any], what: str, requirement: str, pointer: str) -> None:
    """An invoice or line entry is rejected for `requirement`, an error of the catalogue's
    type that points into the entry."""
    named = [e for e in _errors(entry) if e.get("requirement") == requirement]
    wanted = f"{what} rejected for {requirement}"
    if entry.get("status") != "rejected" or not named:
        raise Breach(wanted, _describe(entry, what), requirement, pointer)
    kind = error_type(requirement)
    if kind is not None and not any(e.get("type") == kind for e in named):
        raise Breach(
            f"{wanted} as a type {kind} error", _describe(entry, what), requirement, pointer
        )
    if not any(_within(e.get("pointer"), pointer) for e in named):
        raise Breach(
            f"{wanted}, the error pointing into {pointer}",
            _describe(entry, what),
            requirement,
            pointer,
        )


def expect_line_accepted(world: World, patient: str, number: int, kind: str) -> None:
    """A line is accepted for the MBE's tariff of the forfait on its prestation date."""
    invoice, line, pointer = settled_line(world, patient, number, "REQ-BL-TARIFF")
    sent = next(s for s in invoice.body["lines"] if s["lineNumber"] == number)
    expected = tariff(world, invoice.mbe, kind, dt.date.fromisoformat(sent["prestationDate"]))
    what = f"line {number} of invoice {invoice.number} of {patient}"
    if line.get("status") != "accepted":
        raise Breach(f"{what} accepted", _describe(line, what), None, pointer)
    if line.get("amount") != expected:
        raise Breach(
            f"{what} accepted for the {kind} tariff {expected}",
            f"accepted for {line.get('amount')!r}",
            "REQ-BL-TARIFF",
            f"{pointer}/amount",
        )


# -- Givens: members and begeleidingen ---------------------------------------------------------


@given(
    step(
        "{count:N} other members of zorgkas {zorgkas:N} have an accepted begeleiding at "
        "MBE {mbe:Name} starting {start:Date}"
    )
)
def other_members(world: World, count: int, zorgkas: int, mbe: str, start: dt.date) -> None:
    """Members whose correct forfaits fill a shipment, so that one fault stays below the
    threshold; billed later as "the other members"."""
    names = books(world).others.setdefault(mbe, [])
    for _ in range(count):
        name = f"Other-{mbe}-{len(names) + 1:03d}"
        world.affiliate(name, zorgkas, dt.date(start.year, 1, 1))
        send_request(world, mbe, name, start, start, "new")
        if world.reply().field("outcome") != "accepted":
            raise SetupFailed(f"the request of {name} at MBE {mbe} was not accepted")
        names.append(name)


@given(
    step(
        "{patient:Name}'s begeleiding at MBE {mbe:Name} started on {start:Date}, before the "
        "transition, without a request"
    )
)
def begeleiding_before_transition(world: World, patient: str, mbe: str, start: dt.date) -> None:
    """A begeleiding of the old procedure: known to the MBE, unknown to the central
    application, without a VSB reference."""
    world.insz(patient)
    world.begeleidingen[(patient, mbe)] = Begeleiding(patient, mbe, start)


@given(
    step(
        "MBE {mbe:Name} reported a reason for non-billing when it stopped {patient:Name}'s "
        "begeleiding on {day:Date}"
    )
)
def stopped_with_non_billing_reason(world: World, mbe: str, patient: str, day: dt.date) -> None:
    """An accepted stop that gives a reason for non-billing (codes from the rulebook's lists)."""
    book = world.rulebook(day)
    world.at(day)
    message = {
        "kind": "stop",
        "messageId": world.message_id("stop"),
        "mbe": world.hco(mbe),
        "vsbReference": world.reference(patient, mbe),
        "stop": {
            "date": day.isoformat(),
            "reason": "stabilised" if book.in_list("stop_reason", "stabilised") else "other",
            "nonBillingReason": next(iter(book.codelists["non_billing_reason"])),
            "placeOfDeath": None,
            "interventions": [
                {"type": next(iter(book.codelists["intervention_type"])), "count": 1}
            ],
            "firstLineContacts": [],
        },
    }
    reply = world.send(mbe, message, label=f"stop of {patient}")
    if reply.field("outcome") != "accepted":
        raise SetupFailed(f"the stop of {patient}'s begeleiding was not accepted: {reply.body}")


# -- composing a shipment (When: present tense; Given: past tense) ------------------------------


@given(step("MBE {mbe:Name} billed the {kind:Words} forfait of {patient:Name}"))
@when(step("MBE {mbe:Name} bills the {kind:Words} forfait of {patient:Name}"))
def bills(world: World, mbe: str, kind: str, patient: str) -> None:
    """A correct forfait of the patient on its own invoice, in the MBE's next shipment."""
    draft(world, original_invoice(world, mbe, patient, kind))


@given(step("MBE {mbe:Name} billed the {kind:Words} forfait of {patient:Name} for {amount}"))
@when(step("MBE {mbe:Name} bills the {kind:Words} forfait of {patient:Name} for {amount}"))
def bills_for(world: World, mbe: str, kind: str, patient: str, amount: str) -> None:
    """A forfait billed for an amount the scenario names (any text: a schema break too)."""
    first_line(draft(world, original_invoice(world, mbe, patient, kind)))["amount"] = amount


@when(
    step(
        "MBE {mbe:Name} bills the {kind:Words} forfait of {patient:Name} at the tariff in force "
        "on {day:Date}"
    )
)
def bills_at_tariff_of(world: World, mbe: str, kind: str, patient: str, day: dt.date) -> None:
    """A forfait billed at the MBE's tariff of another day than the start."""
    line = first_line(draft(world, original_invoice(world, mbe, patient, kind)))
    line["amount"] = tariff(world, mbe, kind, day)


@when(step("MBE {mbe:Name} bills the {kind:Words} forfait of {patient:Name} dated {day:Date}"))
def bills_dated(world: World, mbe: str, kind: str, patient: str, day: dt.date) -> None:
    """A forfait with another prestation date than the start (at the tariff of that date)."""
    line = first_line(draft(world, original_invoice(world, mbe, patient, kind)))
    line["prestationDate"] = day.isoformat()
    line["amount"] = tariff(world, mbe, kind, day)


@when(
    step(
        "MBE {mbe:Name} bills the {kind:Words} forfait of {patient:Name} under prestation code "
        "{code:N}"
    )
)
def bills_under_code(world: World, mbe: str, kind: str, patient: str, code: int) -> None:
    """A forfait billed under a prestation code the scenario names."""
    first_line(draft(world, original_invoice(world, mbe, patient, kind)))["code"] = str(code)


@when(
    step(
        "MBE {mbe:Name} bills the {kind:Words} forfait of {patient:Name} with a personal share "
        "of {amount}"
    )
)
def bills_with_share(world: World, mbe: str, kind: str, patient: str, amount: str) -> None:
    """A forfait with a personal share, which an MBE invoice may not hold."""
    line = first_line(draft(world, original_invoice(world, mbe, patient, kind)))
    line["personalShare"] = _amount(amount)


@when(step("MBE {mbe:Name} bills the {kind:Words} forfait of {patient:Name} twice"))
def bills_twice(world: World, mbe: str, kind: str, patient: str) -> None:
    """Two forfait lines of one begeleiding on one invoice (lines 1 and 2)."""
    invoice = draft(world, original_invoice(world, mbe, patient, kind))
    invoice.body["lines"].append({**first_line(invoice), "lineNumber": 2})


@when(
    step(
        "MBE {mbe:Name} bills the {kind:Words} forfait of {patient:Name} under the VSB "
        "reference of the begeleiding at MBE {other:Name}"
    )
)
def bills_under_other_reference(
    world: World, mbe: str, kind: str, patient: str, other: str
) -> None:
    """A forfait billed under the reference of the patient's begeleiding at another MBE."""
    begeleiding = world.begeleiding(patient, other)
    world.reference(patient, other)
    draft(world, original_invoice(world, mbe, patient, kind, begeleiding))


@when(
    step(
        "MBE {mbe:Name} bills the {kind:Words} forfait of {patient:Name} reusing the invoice "
        "number of {other:Name}"
    )
)
def bills_reusing_number(world: World, mbe: str, kind: str, patient: str, other: str) -> None:
    """A forfait on an invoice numbered like the other patient's last invoice of this MBE."""
    number = last_sent(world, mbe, other, "original").number
    draft(world, original_invoice(world, mbe, patient, kind)).body["invoiceNumber"] = number


@given(step("MBE {mbe:Name} billed the {kind:Words} forfaits of {count:N} other members"))
@when(step("MBE {mbe:Name} bills the {kind:Words} forfaits of {count:N} other members"))
def bills_others(world: World, mbe: str, kind: str, count: int) -> None:
    """Correct forfaits of other members that were not billed before."""
    ledger = books(world)
    waiting = [n for n in ledger.others.get(mbe, []) if n not in ledger.billed_others]
    if len(waiting) < count:
        raise SetupFailed(
            f"MBE {mbe} has {len(waiting)} other members not yet billed; {count} are needed"
        )
    for name in waiting[:count]:
        ledger.billed_others.add(name)
        draft(world, original_invoice(world, mbe, name, kind))


@given(step("MBE {mbe:Name} credited the invoice of {patient:Name}"))
@when(step("MBE {mbe:Name} credits the invoice of {patient:Name}"))
def credits(world: World, mbe: str, patient: str) -> None:
    """A credit note of the patient's last invoice, for the amount billed."""
    draft(world, credit_note(world, mbe, patient))


@when(step("MBE {mbe:Name} credits the invoice of {patient:Name} for {amount}"))
def credits_for(world: World, mbe: str, patient: str, amount: str) -> None:
    """A credit note of the patient's last invoice, for an amount the scenario names."""
    draft(world, credit_note(world, mbe, patient, _amount(amount)))


@given(step("MBE {mbe:Name} sent its shipment to zorgkas {zorgkas:N} on {day:Date}"))
@when(step("MBE {mbe:Name} sends its shipment to zorgkas {zorgkas:N} on {day:Date}"))
def sends(world: World, mbe: str, zorgkas: int, day: dt.date) -> None:
    """Send everything the MBE billed since its last shipment."""
    send_shipment(world, mbe, zorgkas, day)


@given(
    step(
        "MBE {mbe:Name} sent its shipment to zorgkas {zorgkas:N} on {day:Date} billing the "
        "{kind:Words} forfait of {patient:Name}"
    )
)
@when(
    step(
        "MBE {mbe:Name} sends its shipment to zorgkas {zorgkas:N} on {day:Date} billing the "
        "{kind:Words} forfait of {patient:Name}"
    )
)
def sends_forfait(
    world: World, mbe: str, zorgkas: int, day: dt.date, kind: str, patient: str
) -> None:
    """Send a shipment of one correct forfait."""
    draft(world, original_invoice(world, mbe, patient, kind))
    send_shipment(world, mbe, zorgkas, day)


@given(
    step(
        "MBE {mbe:Name} sent its shipment to zorgkas {zorgkas:N} on {day:Date} billing the "
        "{kind:Words} forfaits of {first:Name} and {second:Name}"
    )
)
@when(
    step(
        "MBE {mbe:Name} sends its shipment to zorgkas {zorgkas:N} on {day:Date} billing the "
        "{kind:Words} forfaits of {first:Name} and {second:Name}"
    )
)
def sends_forfaits(
    world: World, mbe: str, zorgkas: int, day: dt.date, kind: str, first: str, second: str
) -> None:
    """Send a shipment of two correct forfaits, one invoice each."""
    for patient in (first, second):
        draft(world, original_invoice(world, mbe, patient, kind))
    send_shipment(world, mbe, zorgkas, day)


_DECLARED = re.compile(r"(?P<count>\d+) (?P<field>invoices|lines)|an amount of (?P<amount>\S+)")


@when(
    step(
        "MBE {mbe:Name} sends its shipment to zorgkas {zorgkas:N} on {day:Date}, declaring "
        "{declared} in its totals"
    )
)
def sends_with_totals(world: World, mbe: str, zorgkas: int, day: dt.date, declared: str) -> None:
    """A shipment whose header totals say something else than its content."""
    found = _DECLARED.fullmatch(declared)
    if found is None:
        raise SetupFailed(
            f"declare '2 invoices', '3 lines' or 'an amount of 100.00', not {declared!r}"
        )
    if found["amount"]:
        change: dict[str, Any] = {"amount": _amount(found["amount"])}
    else:
        change = {found["field"]: int(found["count"])}
    send_shipment(world, mbe, zorgkas, day, change)


@given(step("that shipment was {fate:Words}"))
def that_shipment_was(world: World, fate: str) -> None:
    """Check a shipment of the Givens came out as the scenario needs."""
    shipment = last_shipment(world)
    status = {"refused as a whole": "refused", "taken into processing": "processing"}.get(fate)
    if status is None:
        raise SetupFailed(
            f"a shipment was 'refused as a whole' or 'taken into processing', not {fate!r}"
        )
    if shipment.settlement.get("status") != status:
        raise SetupFailed(f"the shipment was not {fate}: {_describe_shipment(shipment)}")


@given(step("the line of {patient:Name} was rejected for {requirement:Req}"))
def line_was_rejected(world: World, patient: str, requirement: str) -> None:
    """Check a shipment of the Givens rejected the patient's line as needed."""
    try:
        line_rejected(world, patient, requirement)
    except Breach as breach:
        raise SetupFailed(f"the setup did not come about: {breach}") from None


# -- Thens: the settlement of the last shipment --------------------------------------------------


@then(step("the shipment is refused as a whole for {requirement:Req}"))
def shipment_refused(world: World, requirement: str) -> None:
    """The whole shipment is refused for a B error."""
    expect_shipment_refused(world, requirement, None)


@then(step("the shipment is refused as a whole for {requirement:Req} at {pointer:Pointer}"))
def shipment_refused_at(world: World, requirement: str, pointer: str) -> None:
    """The whole shipment is refused for a B error at a field."""
    expect_shipment_refused(world, requirement, pointer)


def expect_shipment_refused(world: World, requirement: str, pointer: str | None) -> None:
    """The whole shipment is refused, naming `requirement` (a B error) at `pointer`; nothing of
    it is accepted."""
    shipment = last_shipment(world)
    wanted = f"the shipment refused as a whole for {requirement}"
    if shipment.reply.problem:
        named = [e for e in errors_of(shipment.reply) if e.get("requirement") == requirement]
    else:
        if shipment.settlement.get("status") != "refused":
            raise Breach(wanted, _describe_shipment(shipment), requirement, pointer or "/status")
        named = [e for e in _errors(shipment.settlement) if e.get("requirement") == requirement]
        if named and not any(e.get("type") == "B" for e in named):
            raise Breach(
                f"{wanted} (a B error)", _describe_shipment(shipment), requirement, pointer
            )
    if not named:
        raise Breach(wanted, _describe_shipment(shipment), requirement, pointer)
    if pointer is not None and not any(e.get("pointer") == pointer for e in named):
        raise Breach(wanted, _describe_shipment(shipment), requirement, pointer)
    accepted = (shipment.settlement.get("amounts") or {}).get("accepted", "0.00")
    if not shipment.reply.problem and accepted != "0.00":
        raise Breach(
            f"{wanted}, accepting 0.00", f"accepting {accepted!r}", requirement, "/amounts/accepted"
        )


@then(step("the shipment is in processing"))
def shipment_in_processing(world: World) -> None:
    """The shipment was not refused: no B error, checked and waiting for staff."""
    shipment = last_shipment(world)
    doc = shipment.settlement
    if shipment.reply.problem or doc.get("status") != "processing" or _errors(doc):
        raise Breach(
            "the shipment in processing, with no blocking error",
            _describe_shipment(shipment),
            None,
            "/status",
        )


@then(step("the shipment is in processing with every line accepted"))
def shipment_all_accepted(world: World) -> None:
    """The shipment is in processing and every line of it is accepted."""
    shipment_in_processing(world)
    doc = last_shipment(world).settlement
    for i, invoice in enumerate(doc.get("invoices") or []):
        for j, line in enumerate(invoice.get("lines") or []):
            if line.get("status") != "accepted":
                what = f"line {line.get('lineNumber')} of invoice {invoice.get('invoiceNumber')}"
                raise Breach(
                    f"{what} accepted", _describe(line, what), None, f"/invoices/{i}/lines/{j}"
                )
    amounts = doc.get("amounts") or {}
    if amounts.get("accepted") != amounts.get("billed"):
        raise Breach(
            f"the billed amount {amounts.get('billed')!r} accepted",
            f"{amounts.get('accepted')!r} accepted",
            None,
            "/amounts/accepted",
        )


@then(step("the invoice of {patient:Name} is rejected for {requirement:Req}"))
def invoice_rejected(world: World, patient: str, requirement: str) -> None:
    """An F error rejects the patient's invoice, all its lines."""
    invoice, entry, pointer = settled_invoice(world, patient, "original", requirement)
    what = f"invoice {invoice.number} of {patient}"
    expect_rejected(entry, what, requirement, pointer)
    for j, line in enumerate(entry.get("lines") or []):
        if line.get("status") != "rejected":
            raise Breach(
                f"every line of {what} rejected",
                f"line {line.get('lineNumber')} {line.get('status')!r}",
                requirement,
                f"{pointer}/lines/{j}",
            )


@then(step("the credit note of {patient:Name} is rejected for {requirement:Req}"))
def credit_note_rejected(world: World, patient: str, requirement: str) -> None:
    """An F error rejects the patient's credit note."""
    invoice, entry, pointer = settled_invoice(world, patient, "credit-note", requirement)
    expect_rejected(entry, f"credit note {invoice.number} of {patient}", requirement, pointer)


@then(step("the credit note of {patient:Name} is accepted, crediting the {kind:Words} forfait"))
def credit_note_accepted(world: World, patient: str, kind: str) -> None:
    """The credit note is accepted and counts negative: minus the MBE's tariff."""
    invoice, entry, pointer = settled_invoice(
        world, patient, "credit-note", "REQ-BL-CREDIT-ACCEPTED"
    )
    what = f"credit note {invoice.number} of {patient}"
    if entry.get("status") != "accepted":
        raise Breach(f"{what} accepted", _describe(entry, what), "REQ-BL-CREDIT-ACCEPTED", pointer)
    day = dt.date.fromisoformat(invoice.body["lines"][0]["prestationDate"])
    expected = "-" + tariff(world, invoice.mbe, kind, day)
    got = (entry.get("lines") or [{}])[0].get("amount")
    if got != expected:
        raise Breach(
            f"{what} crediting {expected}",
            f"crediting {got!r}",
            "REQ-BL-CREDIT-ACCEPTED",
            f"{pointer}/lines/0/amount",
        )


@then(step("the line of {patient:Name} is rejected for {requirement:Req}"))
def line_rejected(world: World, patient: str, requirement: str) -> None:
    """An R error (or a staff refusal) rejects the patient's first line."""
    numbered_line_rejected(world, 1, patient, requirement)


@then(step("line {number:N} of {patient:Name} is rejected for {requirement:Req}"))
def numbered_line_rejected(world: World, number: int, patient: str, requirement: str) -> None:
    """An R error (or a staff refusal) rejects one line of the patient."""
    invoice, line, pointer = settled_line(world, patient, number, requirement)
    expect_rejected(
        line, f"line {number} of invoice {invoice.number} of {patient}", requirement, pointer
    )


@then(step("the line of {patient:Name} is accepted at the {kind:Words} tariff"))
def line_accepted(world: World, patient: str, kind: str) -> None:
    """The patient's first line is accepted for the MBE's tariff."""
    expect_line_accepted(world, patient, 1, kind)


@then(step("line {number:N} of {patient:Name} is accepted at the {kind:Words} tariff"))
def numbered_line_accepted(world: World, number: int, patient: str, kind: str) -> None:
    """One line of the patient is accepted for the MBE's tariff."""
    expect_line_accepted(world, patient, number, kind)


@then(step("the invoices of the other members are accepted"))
def others_accepted(world: World) -> None:
    """The invoices of the other members in the shipment are all accepted."""
    shipment = last_shipment(world)
    others = set(books(world).others.get(shipment.mbe, []))
    mine = [i for i in shipment.invoices if i.patient in others]
    if not mine:
        raise SetupFailed("the last shipment bills no other members")
    for invoice in mine:
        _, entry, pointer = settled_invoice(world, invoice.patient, invoice.kind, None)
        if entry.get("status") != "accepted":
            what = f"invoice {invoice.number} of another member"
            raise Breach(f"{what} accepted", _describe(entry, what), None, pointer)


# -- review of lines by zorgkas staff ----------------------------------------------------------


@then(step("the line of {patient:Name} goes under review for {requirement:Req}"))
def line_under_review(world: World, patient: str, requirement: str) -> None:
    """Neither accepted nor rejected: the line waits for staff, the shipment is processing."""
    invoice, line, pointer = settled_line(world, patient, 1, requirement)
    what = f"line 1 of invoice {invoice.number} of {patient}"
    review = line.get("review")
    if line.get("status") != "under-review" or not isinstance(review, dict):
        raise Breach(
            f"{what} under review for {requirement}", _describe(line, what), requirement, pointer
        )
    if review.get("requirement") != requirement:
        raise Breach(
            f"{what} under review for {requirement}",
            f"under review for {review.get('requirement')!r}",
            requirement,
            f"{pointer}/review/requirement",
        )
    shipment_in_processing(world)


def _queue_item(world: World, zorgkas: int, patient: str) -> dict[str, Any] | None:
    """The patient's line of the last shipment in a zorgkas's billing review queue."""
    shipment = last_shipment(world)
    invoice, _, _ = settled_line(world, patient, 1, "REQ-BL-REVIEW")
    reply = world.central.billing_queue(zorgkas, staff_of(zorgkas))
    if reply.problem:
        raise Breach(
            f"the billing review queue of zorgkas {zorgkas}",
            f"HTTP {reply.status} problem: {reply.field('detail')}",
            "REQ-BL-REVIEW",
            None,
        )
    for item in reply.field("items", []) or []:
        if (
            item.get("settlementId") == shipment.settlement_id
            and item.get("invoiceNumber") == invoice.number
            and item.get("lineNumber") == 1
        ):
            return dict(item)
    return None


@then(step("the line of {patient:Name} is in the billing review queue of zorgkas {zorgkas:N}"))
def line_in_queue(world: World, patient: str, zorgkas: int) -> None:
    """The patient's line waits in the billing review queue of a zorgkas."""
    if _queue_item(world, zorgkas, patient) is None:
        raise Breach(
            f"the line of {patient} in the billing review queue of zorgkas {zorgkas}",
            "not in that queue",
            "REQ-BL-REVIEW",
            "/items",
        )


@then(step("the line of {patient:Name} is not in the billing review queue of zorgkas {zorgkas:N}"))
def line_not_in_queue(world: World, patient: str, zorgkas: int) -> None:
    """The patient's line is not in the billing review queue of a zorgkas."""
    if _queue_item(world, zorgkas, patient) is not None:
        raise Breach(
            f"the line of {patient} only in the queue of the billed zorgkas",
            f"also in the billing review queue of zorgkas {zorgkas}",
            "REQ-BL-REVIEW",
            "/items",
        )


def _decide(world: World, zorgkas: int, patient: str, outcome: Decision, reason: str) -> None:
    """A staff decision on the patient's line, found in the zorgkas's queue."""
    item = _queue_item(world, zorgkas, patient)
    if item is None:
        raise Breach(
            f"the line of {patient} in the billing review queue of zorgkas {zorgkas}",
            "not in that queue",
            "REQ-BL-REVIEW",
            "/items",
        )
    reply = world.central.decide_line(
        zorgkas, staff_of(zorgkas), int(item["reviewId"]), outcome, reason
    )
    books(world).staff_reply = reply
    if reply.problem or not isinstance(reply.body, dict):
        raise Breach(
            f"the decision on the line of {patient} taken",
            f"HTTP {reply.status} problem ({reply.field('requirement')}): {reply.field('detail')}",
            "REQ-BL-REVIEW",
            None,
        )
    last_shipment(world).settlement = reply.body


@when(step("staff of zorgkas {zorgkas:N} approve the line of {patient:Name}"))
def approve_line(world: World, zorgkas: int, patient: str) -> None:
    """Staff of the zorgkas approve the patient's line under review."""
    _decide(world, zorgkas, patient, "accepted", "")


@when(step("staff of zorgkas {zorgkas:N} refuse the line of {patient:Name} because {reason}"))
def refuse_line(world: World, zorgkas: int, patient: str, reason: str) -> None:
    """Staff of the zorgkas refuse the patient's line under review, saying why."""
    _decide(world, zorgkas, patient, "refused", reason)


def _unsigned(world: World, zorgkas: int) -> list[str]:
    """The settlement ids the zorgkas's staff may sign now."""
    reply = world.central.unsigned_shipments(zorgkas, staff_of(zorgkas))
    if reply.problem:
        raise Breach(
            f"the shipments of zorgkas {zorgkas} ready for signing",
            f"HTTP {reply.status} problem: {reply.field('detail')}",
            "REQ-BL-REVIEW",
            None,
        )
    return [str(item) for item in reply.field("items", []) or []]


@then(step("the shipment is ready for signing by zorgkas {zorgkas:N}"))
def ready_for_signing(world: World, zorgkas: int) -> None:
    """Every line of the last shipment is decided: staff may sign it."""
    sid = last_shipment(world).settlement_id
    if sid not in _unsigned(world, zorgkas):
        raise Breach(
            f"settlement {sid} among the shipments ready for signing, every line decided",
            "not among them",
            "REQ-BL-REVIEW",
            "/items",
        )


@then(step("the shipment is not ready for signing by zorgkas {zorgkas:N}"))
def not_ready_for_signing(world: World, zorgkas: int) -> None:
    """A line of the last shipment waits: staff may not sign it yet."""
    sid = last_shipment(world).settlement_id
    if sid in _unsigned(world, zorgkas):
        raise Breach(
            f"settlement {sid} not ready for signing while a line is under review",
            "listed as ready for signing",
            "REQ-BL-REVIEW",
            "/items",
        )


# -- signing, settlement and payment -----------------------------------------------------------


@when(step("staff of zorgkas {zorgkas:N} sign the shipment of MBE {mbe:Name} on {day:Date}"))
def sign(world: World, zorgkas: int, mbe: str, day: dt.date) -> None:
    """Sign the MBE's last shipment; whether it could be signed is for the Thens."""
    world.at(day)
    shipment = last_shipment(world, mbe)
    reply = world.central.sign(zorgkas, staff_of(zorgkas), shipment.settlement_id)
    books(world).staff_reply = reply
    settlement = reply.field("settlement")
    if not reply.problem and isinstance(settlement, dict):
        shipment.settlement = settlement


@then(step("signing the shipment is refused for {requirement:Req}"))
def signing_refused(world: World, requirement: str) -> None:
    """The signature was refused, naming the requirement."""
    reply = books(world).staff_reply
    if reply is None:
        raise SetupFailed("no staff member tried to sign a shipment")
    if not reply.problem or reply.field("requirement") != requirement:
        got = (
            f"HTTP {reply.status} problem ({reply.field('requirement')})"
            if reply.problem
            else f"signed (settlement {(reply.field('settlement') or {}).get('status')!r})"
        )
        raise Breach(f"the signature refused for {requirement}", got, requirement, None)


@then(step("MBE {mbe:Name} receives the signed settlement of its shipment"))
def receives_signed_settlement(world: World, mbe: str) -> None:
    """The MBE's feed holds the settlement, signed by staff of the billed zorgkas, naming its
    payment order."""
    shipment = last_shipment(world, mbe)
    sid = shipment.settlement_id
    reply = world.central.feed(world.hco(mbe))
    items = reply.field("items", []) or []
    found = [
        i["message"]
        for i in items
        if isinstance(i.get("message"), dict)
        and i["message"].get("kind") == "settlement"
        and i["message"].get("settlementId") == sid
    ]
    if not found:
        raise Breach(
            f"settlement {sid} in the feed of MBE {mbe}",
            f"{len(items)} feed items, none of them that settlement",
            "REQ-BL-SETTLEMENT",
            "/items",
        )
    doc = found[-1]
    signer = doc.get("signedBy") or {}
    if doc.get("status") != "signed" or signer.get("zorgkas") != shipment.zorgkas:
        raise Breach(
            f"settlement {sid} signed by staff of zorgkas {shipment.zorgkas}",
            f"status {doc.get('status')!r}, signed by {signer or 'nobody'}",
            "REQ-BL-SETTLEMENT",
            "/status",
        )
    if not doc.get("paymentOrder") or not doc.get("signedAt"):
        raise Breach(
            f"settlement {sid} naming its payment order and signing moment",
            f"paymentOrder {doc.get('paymentOrder')!r}, signedAt {doc.get('signedAt')!r}",
            "REQ-BL-SETTLEMENT",
            "/paymentOrder",
        )


def payment_order(world: World, zorgkas: int, requirement: str) -> dict[str, Any]:
    """The payment order of the last shipment in the zorgkas's list of payment orders."""
    shipment = last_shipment(world)
    sid = shipment.settlement_id
    reply = world.central.payment_orders(zorgkas, staff_of(zorgkas))
    orders = [
        o
        for o in reply.field("items", []) or []
        if isinstance(o, dict) and o.get("settlementId") == sid
    ]
    if reply.problem or not orders:
        raise Breach(
            f"a payment order of settlement {sid} for zorgkas {zorgkas}",
            f"HTTP {reply.status} problem" if reply.problem else "none",
            requirement,
            "/items",
        )
    return dict(orders[-1])


def _expect_order_pays(
    world: World, zorgkas: int, mbe: str, kind: str, patients: list[str]
) -> None:
    """The payment order pays the MBE the tariffs of the patients' forfaits."""
    order = payment_order(world, zorgkas, "REQ-BL-SETTLEMENT")
    total = sum(
        (Decimal(tariff(world, mbe, kind, world.begeleiding(p, mbe).start)) for p in patients),
        Decimal("0.00"),
    )
    expected = f"{total:.2f}"
    if order.get("mbe") != world.hco(mbe) or order.get("zorgkas") != zorgkas:
        raise Breach(
            f"a payment order of zorgkas {zorgkas} to MBE {mbe} ({world.hco(mbe)})",
            f"one of zorgkas {order.get('zorgkas')} to {order.get('mbe')}",
            "REQ-BL-SETTLEMENT",
            "/mbe",
        )
    if order.get("amount") != expected:
        raise Breach(
            f"a payment order over {expected}",
            f"one over {order.get('amount')!r}",
            "REQ-BL-SETTLEMENT",
            "/amount",
        )


@then(
    step(
        "zorgkas {zorgkas:N} has a payment order to MBE {mbe:Name} for the {kind:Words} forfait "
        "of {patient:Name}"
    )
)
def order_for_forfait(world: World, zorgkas: int, mbe: str, kind: str, patient: str) -> None:
    """The payment order pays the MBE one forfait."""
    _expect_order_pays(world, zorgkas, mbe, kind, [patient])


@then(
    step(
        "zorgkas {zorgkas:N} has a payment order to MBE {mbe:Name} for the {kind:Words} forfaits "
        "of {first:Name} and {second:Name}"
    )
)
def order_for_forfaits(
    world: World, zorgkas: int, mbe: str, kind: str, first: str, second: str
) -> None:
    """The payment order pays the MBE two forfaits."""
    _expect_order_pays(world, zorgkas, mbe, kind, [first, second])


@then(step("the payment order is due on {day:Date}"))
def order_due(world: World, day: dt.date) -> None:
    """The payment order is due on the day the scenario says (signing + the term)."""
    order = payment_order(world, last_shipment(world).zorgkas, "REQ-BL-PAYMENT-TERM")
    if order.get("dueDate") != day.isoformat():
        raise Breach(
            f"the payment order due on {day}",
            f"due on {order.get('dueDate')!r} (signed on {order.get('signedOn')!r})",
            "REQ-BL-PAYMENT-TERM",
            "/dueDate",
        )


@when(step("zorgkas {zorgkas:N} pays the payment order on {day:Date}"))
def pays(world: World, zorgkas: int, day: dt.date) -> None:
    """The zorgkas records that it paid the last shipment's payment order."""
    world.at(day)
    order = payment_order(world, zorgkas, "REQ-BL-PAYMENT-TERM")
    reply = world.central.record_payment(zorgkas, staff_of(zorgkas), str(order["orderId"]), day)
    books(world).staff_reply = reply
    if reply.problem:
        raise Breach(
            f"the payment of order {order['orderId']} on {day} recorded",
            f"HTTP {reply.status} problem ({reply.field('requirement')}): {reply.field('detail')}",
            "REQ-BL-PAYMENT-TERM",
            "/paidOn",
        )


@then(step("the payment order is paid on {day:Date}"))
def order_paid(world: World, day: dt.date) -> None:
    """The payment order is recorded as paid on a day."""
    order = payment_order(world, last_shipment(world).zorgkas, "REQ-BL-PAYMENT-TERM")
    if order.get("paidOn") != day.isoformat():
        raise Breach(
            f"the payment order paid on {day}",
            f"paidOn {order.get('paidOn')!r}",
            "REQ-BL-PAYMENT-TERM",
            "/paidOn",
        )


@given(step("the credit note of {patient:Name} was accepted"))
def credit_note_was_accepted(world: World, patient: str) -> None:
    """Check a shipment of the Givens accepted the patient's credit note."""
    _, entry, _ = settled_invoice(world, patient, "credit-note", None)
    if entry.get("status") != "accepted":
        raise SetupFailed(f"the credit note of {patient} was not accepted: {entry}")
