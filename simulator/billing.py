"""MBE software billing: on its billing day, one shipment a month per zorgkas with billables.

The simulator makes realistic shipments and injects wrong invoices at scenario rates; it never
decides billing rules itself: the central application's settlement is the oracle. Rejected
invoices are billed again, correctly, on a new original invoice the next month; a shipment
refused as a whole is corrected and sent again a few days later.

Besides the monthly forfaits (full, or reduced for a short begeleiding), the software
corrects a share of its accepted forfaits: a credit note in one monthly shipment, and once the
settlement accepted it, a corrective original invoice (the other forfait code) in a later one
(REQ-BL-CREDIT-CHRONOLOGY). The billing faults of `faults.billing` each have their own
opportunity and stream: see `simulator.faults.BILLING_FAULTS`.
"""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass
from typing import Any, Literal

from simulator.distributions import span
from simulator.faults import break_invoice, break_shipment
from simulator.model import Billable, MbeState, Process, Simulation
from simulator.plans import day_text
from vsb import mbe_messages as build
from vsb.billing.checks import billing_deadline_after_death
from vsb.billing.money import amount, cents
from vsb.billing.rules import BillingRules, billing_rules
from vsb.identifiers import make_rrn
from vsb.rulebook import default_rulebook

__all__ = ["Item", "billing_process", "deadline_after_death"]

Role = Literal["original", "credit", "corrective", "duplicate", "wrong-credit", "legacy"]


@dataclass
class Item:
    """One invoice of a shipment: what it bills, its role, and the fault it carries."""

    invoice: dict[str, Any]
    billable: Billable | None
    fault: str | None
    role: Role = "original"


def billing_process(sim: Simulation, hco: str) -> Process:
    """Each month on the MBE's billing day: check statuses, send one shipment per zorgkas."""
    rules = billing_rules(sim.rulebook)
    first_month = str(default_rulebook().value("first_billing_month"))
    day = int(span(sim.streams(f"{hco}/billing"), sim.scenario.software.billing_day))
    start = sim.scenario.start_date
    year, month = start.year, start.month
    while True:
        when = (dt.date(year, month, day) - start).days + 10 / 24
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
        if when < sim.env.now:
            continue
        yield sim.wait_until(when)
        if sim.today().strftime("%Y-%m") >= first_month:
            yield from _bill_month(sim, sim.mbes[hco], rules)


def deadline_after_death(death: dt.date) -> dt.date:
    """The last send date of a shipment billing a deceased patient, as the engine reads it."""
    return billing_deadline_after_death(default_rulebook(), death)


def _fault_stream(sim: Simulation, hco: str, fault: str) -> random.Random:
    return sim.streams(f"{hco}/billing-faults/{fault}")


def _draw_fault(sim: Simulation, hco: str, fault: str) -> bool:
    rate = sim.scenario.faults.billing.get(fault, 0.0)
    return rate > 0 and _fault_stream(sim, hco, fault).random() < rate


def _due(sim: Simulation, state: MbeState) -> tuple[list[Billable], list[Billable]]:
    """The billables to invoice now, and those held past the deadline after death (a fault)."""
    today = int(sim.env.now)
    after = sim.scenario.software.bill_ongoing_after_days
    due = [
        b
        for b in state.billables
        if not b.billed
        and not b.cancelled
        and (b.stopped_day is not None or today - b.accepted_day >= after)
    ]
    held: list[Billable] = []
    for billable in due:
        death = billable.episode.patient.death_date
        if death is not None and death <= sim.today() and billable.hold_until is None:
            # Of the forfaits of a deceased patient, a share is held back past the deadline.
            held_back = _draw_fault(sim, state.hco, "after-death-deadline")
            deadline = (deadline_after_death(death) - sim.scenario.start_date).days
            billable.hold_until = deadline if held_back else -1  # -1: drawn, not held
        if billable.hold_until is not None and billable.hold_until >= today:
            continue
        if _too_late(sim, billable):
            billable.billed = True  # REQ-BL-AFTER-DEATH: the software no longer bills it
            if billable.hold_until is not None and billable.hold_until >= 0:
                held.append(billable)  # ... except the one that held it back on purpose
                billable.hold_until = -1
            else:
                sim.tally.lost_to_deadline(billable.episode.mbe)
    waiting = {id(b) for b in due if b.hold_until is not None and b.hold_until >= today}
    return [b for b in due if not b.billed and id(b) not in waiting], held


def _too_late(sim: Simulation, billable: Billable, on: dt.date | None = None) -> bool:
    """Whether a shipment sent today (or `on`) is past the billing deadline after death."""
    death = billable.episode.patient.death_date
    if death is None or death > sim.today():
        return False
    return (on or sim.today()) > deadline_after_death(death)


def _bill_month(sim: Simulation, state: MbeState, rules: BillingRules) -> Process:
    due, held = _due(sim, state)
    # The status queries go out side by side (a thousand queries one after the other, each
    # waiting for its answer, would take the software more than a day at ×10 volumes).
    checks = [sim.env.process(_check_status(sim, b)) for b in (*due, *held) if b.zorgkas is None]
    for billable in (*due, *held):
        if billable.zorgkas == 0:
            billable.billed = True  # no zorgkas to bill
    if checks:
        yield sim.env.all_of(checks)
    for billable in due:
        if not billable.billed and _too_late(sim, billable):  # the day turned meanwhile
            billable.billed = True
            sim.tally.lost_to_deadline(billable.episode.mbe)
    due = [b for b in due if not b.billed]
    by_kas: dict[int, list[Item]] = {}
    rng = sim.streams(f"{state.hco}/invoice-faults")
    for billable in due:
        if billable.zorgkas is not None and billable.zorgkas > 0:
            invoice = _invoice(sim, state, rules, billable)
            if invoice is not None:
                kas, made = _maybe_break(sim, state, rng, invoice, billable)
                by_kas.setdefault(kas, []).append(made)
    for billable in held:
        invoice = _invoice(sim, state, rules, billable)
        if invoice is not None and billable.zorgkas:
            item = Item(invoice, billable, "after-death-deadline")
            by_kas.setdefault(billable.zorgkas, []).append(item)
    _follow_ups(sim, state, rules, by_kas)
    legacy = _fault_stream(sim, state.hco, "pre-transition")
    for kas in sorted(by_kas):
        if legacy.random() < sim.scenario.faults.billing.get("pre-transition", 0.0):
            by_kas[kas].append(_legacy_invoice(sim, state, rules, legacy))
    # All of the day's shipments go out now, side by side: sent one after the other, each
    # waiting for its answer, the last could carry the next day's date, past a deadline the
    # software checked this morning.
    yield sim.env.all_of(
        [sim.env.process(_ship(sim, state, kas, by_kas[kas], rng)) for kas in sorted(by_kas)]
    )


def _follow_ups(
    sim: Simulation, state: MbeState, rules: BillingRules, by_kas: dict[int, list[Item]]
) -> None:
    """Credit notes, corrective invoices, and the faults that follow an earlier settlement."""
    sent = {id(item.billable) for items in by_kas.values() for item in items}
    for b in state.billables:
        if id(b) in sent or (b.kas is None and b.wrong_credit is None):
            continue
        if b.correction == "credit-due":
            _credit(sim, state, rules, b, by_kas)
        elif b.correction == "corrective-due":
            if _too_late(sim, b):
                b.correction = "done"
                sim.tally.lost_to_deadline(b.episode.mbe)
                continue
            b.correction = "corrective-sent"
            assert b.kas is not None
            by_kas.setdefault(b.kas, []).append(_corrective(sim, state, rules, b, None))
        elif b.duplicate_due:
            b.duplicate_due = False
            if b.line is not None and b.kas is not None and not _too_late(sim, b):
                invoice = _original(sim, state, b, b.line[1], b.line[2])
                by_kas.setdefault(b.kas, []).append(Item(invoice, b, "double-forfait", "duplicate"))
        elif b.wrong_credit is not None and b.zorgkas:
            number, code, value = b.wrong_credit
            invoice = _credit_note(sim, state, b, number, code, value)
            item = Item(invoice, b, "credit-rejected-invoice", "wrong-credit")
            by_kas.setdefault(b.zorgkas, []).append(item)
            b.wrong_credit = None


def _credit(
    sim: Simulation,
    state: MbeState,
    rules: BillingRules,
    b: Billable,
    by_kas: dict[int, list[Item]],
) -> None:
    """The credit note of a correction; maybe wrong (too much), maybe with its corrective."""
    assert b.line is not None and b.kas is not None
    if _too_late(sim, b, sim.today() + dt.timedelta(days=35)):
        b.correction = "done"  # no time left for the corrective invoice: not corrected
        return
    number, code, value = b.line
    fault = "credit-too-much" if _draw_fault(sim, state.hco, "credit-too-much") else None
    if fault is not None:
        value = amount(cents(value) + 10000)
    credit = Item(_credit_note(sim, state, b, number, code, value), b, fault, "credit")
    b.correction = "credit-sent"
    by_kas.setdefault(b.kas, []).append(credit)
    if fault is None and _draw_fault(sim, state.hco, "corrective-same-shipment"):
        by_kas[b.kas].append(_corrective(sim, state, rules, b, "corrective-same-shipment"))


def _corrective(
    sim: Simulation, state: MbeState, rules: BillingRules, b: Billable, fault: str | None
) -> Item:
    """The corrective original invoice: the other forfait code, at the MBE's tariff."""
    assert b.line is not None
    code = build.other_forfait_code(rules, b.line[1])
    value = build.forfait_amount(rules, b.episode.mbe, code, sim.scenario.day(b.episode.start))
    return Item(_original(sim, state, b, code, value or "0.00"), b, fault, "corrective")


def _check_status(sim: Simulation, billable: Billable) -> Process:
    """REQ-INS-MBE-CHECKS-BEFORE-BILLING: the status on the start date names the zorgkas."""
    e = billable.episode
    start = day_text(sim.scenario, e.start)
    answer = yield from sim.send(build.status_query(f"{e.key}-qb", e.mbe, e.patient.insz, start))
    billable.zorgkas = build.insured_zorgkas(answer)
    if billable.zorgkas == 0:
        billable.billed = True  # not a member of any zorgkas: nothing to bill a zorgkas for


def _forfait_code(sim: Simulation, rules: BillingRules, billable: Billable) -> str:
    """The full forfait, or the reduced one for a share of the short begeleidingen."""
    if billable.code is None:
        sw = sim.scenario.software
        short = (
            billable.stopped_day is not None
            and billable.episode.duration < sw.reduced_forfait_below_days
        )
        rng = sim.streams(f"{billable.episode.mbe}/forfaits")
        reduced = short and rng.random() < sw.reduced_forfait_share
        billable.code = build.forfait_code(rules, "reduced" if reduced else "full")
    return billable.code


def _invoice(
    sim: Simulation, state: MbeState, rules: BillingRules, billable: Billable
) -> dict[str, Any] | None:
    e = billable.episode
    code = _forfait_code(sim, rules, billable)
    value = build.forfait_amount(rules, e.mbe, code, sim.scenario.day(e.start))
    if value is None:
        return None
    return _original(sim, state, billable, code, value)


def _next_number(sim: Simulation, state: MbeState, prefix: str = "F") -> str:
    state.invoice_count += 1
    return build.invoice_number(prefix, sim.today(), state.invoice_count)


def _original(
    sim: Simulation, state: MbeState, billable: Billable, code: str, value: str
) -> dict[str, Any]:
    e = billable.episode
    start = day_text(sim.scenario, e.start)
    number = _next_number(sim, state)
    return build.original_invoice(number, e.patient.insz, billable.reference, code, start, value)


def _credit_note(
    sim: Simulation, state: MbeState, billable: Billable, credited: str, code: str, value: str
) -> dict[str, Any]:
    e = billable.episode
    start = day_text(sim.scenario, e.start)
    number = _next_number(sim, state, "C")
    return build.credit_note(
        number, credited, e.patient.insz, billable.reference, code, start, value
    )


def _legacy_invoice(
    sim: Simulation, state: MbeState, rules: BillingRules, rng: random.Random
) -> Item:
    """An invoice of a begeleiding started before the transition date (REQ-BL-TRANSITION):
    no request, no VSB reference the central application knows; billed to a zorgkas anyway."""
    transition = default_rulebook().date("transition_date")
    start = transition - dt.timedelta(days=rng.randint(1, 90))
    birth = start - dt.timedelta(days=rng.randint(60 * 365, 95 * 365))
    code = build.forfait_code(rules, "full")
    value = build.forfait_amount(rules, state.hco, code, transition) or "0.00"
    number = _next_number(sim, state)
    insz = make_rrn(birth, rng.randrange(1, 998))
    reference = f"VSB-{start.year}-{rng.randint(1, 9_999_999):07d}"
    invoice = build.original_invoice(number, insz, reference, code, start, value)
    return Item(invoice, None, "pre-transition", "legacy")


def _maybe_break(
    sim: Simulation,
    state: MbeState,
    rng: random.Random,
    invoice: dict[str, Any],
    billable: Billable,
) -> tuple[int, Item]:
    kas = billable.zorgkas or 0
    for fault, rate in sim.scenario.faults.invoice.items():
        if rng.random() >= rate:
            continue
        if fault == "wrong-zorgkas":
            kas = rng.choice([k for k in sorted(sim.scenario.staff) if k != kas])
        elif fault == "reused-invoice-number":
            if not state.used_numbers:
                continue
            invoice["invoiceNumber"] = rng.choice(state.used_numbers)
        else:
            break_invoice(invoice, fault, rng)
        return kas, Item(invoice, billable, fault)
    return kas, Item(invoice, billable, None)


def _ship(
    sim: Simulation, state: MbeState, kas: int, items: list[Item], rng: random.Random
) -> Process:
    shipment = _shipment(sim, state, kas, [item.invoice for item in items])
    fault = next(
        (f for f, rate in sim.scenario.faults.shipment.items() if rng.random() < rate), None
    )
    if fault is not None:
        break_shipment(shipment, fault)
    sim.tally.shipment_sent(state.hco, kas, items)
    _record_faults(sim, shipment, items, fault)
    faulty = fault is not None or any(
        item.fault is not None or (item.billable and item.billable.change_under_review)
        for item in items
    )
    settlement = yield from sim.send(
        shipment, recorded=faulty, on_processing=lambda: _record_under_review(sim, shipment, items)
    )
    wrong = {item.invoice["invoiceNumber"] for item in items if item.fault is not None}
    sim.tally.settled(settlement, wrong, fault is not None)
    sim.tally.shipment_log.append((int(sim.env.now), settlement["status"] == "refused"))
    sim.shipments[settlement["settlementId"]] = {
        "invoices": {
            item.invoice["invoiceNumber"]: item.billable
            for item in items
            if item.role == "original" and item.billable is not None
        },
        "mbe": state.hco,
    }
    _settle(sim, state, kas, settlement, items)
    if settlement["status"] == "refused":
        # Its own process: the other zorgkassen's shipments of the day must not wait for it.
        sim.env.process(_resend(sim, state, kas, settlement, items, rng))


def _resend(
    sim: Simulation,
    state: MbeState,
    kas: int,
    settlement: dict[str, Any],
    items: list[Item],
    rng: random.Random,
) -> Process:
    """Send a refused shipment again, without what the settlement flagged, in the same month.

    What is left out (or what would now be past the billing deadline after death) stays due:
    the next month's shipment bills it, or the software gives it up.
    """
    month = sim.today().month
    delay = span(sim.streams(f"{state.hco}/software"), sim.scenario.software.resend_delay_days)
    yield sim.env.timeout(delay)
    if sim.today().month != month:
        return
    flagged = build.flagged_invoices(settlement)
    clean = [
        Item(item.invoice, item.billable, None, item.role)
        for item in items
        if item.fault is None
        and item.billable is not None
        and item.invoice["invoiceNumber"] not in flagged
        and (item.role == "credit" or not _too_late(sim, item.billable))
        and _resendable(item)
    ]
    if clean:
        yield from _ship(sim, state, kas, _renumber(sim, state, clean), rng)


def _resendable(item: Item) -> bool:
    """Mark the follow-up as sent again; False when it no longer applies."""
    b = item.billable
    assert b is not None
    if item.role == "credit" and b.correction == "credit-due":
        b.correction = "credit-sent"
    elif item.role == "corrective" and b.correction == "corrective-due":
        b.correction = "corrective-sent"
    elif item.role != "original":
        return False
    return True


def _record_faults(
    sim: Simulation, shipment: dict[str, Any], items: list[Item], fault: str | None
) -> None:
    records: list[tuple[str, str | None]] = [(fault, None)] if fault is not None else []
    records += [(i.fault, i.invoice["invoiceNumber"]) for i in items if i.fault is not None]
    for name, number in records:
        sim.truth.record(shipment, name, number)
        sim.recorder.write("ground-truth", sim.moment(), sim.truth.records[-1])


def _record_under_review(sim: Simulation, shipment: dict[str, Any], items: list[Item]) -> None:
    """Invoices of begeleidingen with a message still under review when the central
    application takes the shipment (a decision may come while the shipment waits its turn)."""
    for i in items:
        if i.fault is None and i.billable is not None and i.billable.change_under_review:
            sim.truth.record(shipment, "billed-under-review", i.invoice["invoiceNumber"])
            sim.recorder.write("ground-truth", sim.moment(), sim.truth.records[-1])


def _renumber(sim: Simulation, state: MbeState, items: list[Item]) -> list[Item]:
    for item in items:
        prefix = "C" if item.invoice["type"] == "credit-note" else "F"
        item.invoice["invoiceNumber"] = _next_number(sim, state, prefix)
    return items


def _shipment(
    sim: Simulation, state: MbeState, kas: int, invoices: list[dict[str, Any]]
) -> dict[str, Any]:
    state.shipment_count += 1
    today, count = sim.today(), state.shipment_count
    message_id = f"s-{state.hco}-{kas}-{count:04d}"
    number = build.shipment_number(count, today)
    return build.shipment(message_id, state.hco, kas, number, today, invoices)


def _settle(
    sim: Simulation, state: MbeState, kas: int, settlement: dict[str, Any], items: list[Item]
) -> None:
    """Learn from the settlement: what is billed for good, what to bill or correct next."""
    if settlement["status"] == "refused":
        for item in items:
            _undo(item)
        return
    outcome = {i["invoiceNumber"]: i["status"] for i in settlement["invoices"]}
    for item in items:
        b, status = item.billable, outcome.get(item.invoice["invoiceNumber"])
        if b is None:
            continue
        if item.role in ("original", "corrective"):
            _settle_original(sim, state, kas, item, b, status)
        elif item.role == "credit":
            if status == "accepted":
                b.correction = "corrective-due"
            else:  # a wrong credit note is sent again, right, next month
                b.correction = "credit-due" if item.fault else "done"
        elif item.role == "wrong-credit":
            b.billed = False  # now the rejected invoice is billed again, as it should have been


def _settle_original(
    sim: Simulation, state: MbeState, kas: int, item: Item, b: Billable, status: str | None
) -> None:
    number = item.invoice["invoiceNumber"]
    if status == "rejected":
        if item.role == "corrective":
            b.correction = "corrective-due"
            return
        b.billed = False
        if (
            item.fault not in (None, "reused-invoice-number")
            and b.zorgkas
            and _draw_fault(sim, state.hco, "credit-rejected-invoice")
        ):
            # The software takes the rejection for an accepted forfait to correct: it credits
            # the rejected invoice next month, and bills again only after that.
            line = item.invoice["lines"][0]
            b.wrong_credit = (number, line["code"], line["amount"])
            b.billed = True
        return
    b.billed = True
    state.used_numbers.append(number)
    if item.role == "corrective":
        b.correction = "done"
        return
    if status != "accepted":
        return
    line = item.invoice["lines"][0]
    b.kas, b.line = kas, (number, line["code"], line["amount"])
    rng = sim.streams(f"{state.hco}/corrections")
    if rng.random() < sim.scenario.software.credit_share:
        b.correction = "credit-due"
    elif _draw_fault(sim, state.hco, "double-forfait"):
        b.duplicate_due = True


def _undo(item: Item) -> None:
    """A shipment refused as a whole changed nothing: its follow-ups are due again."""
    b = item.billable
    if b is None:
        return
    if item.role == "credit" and b.correction == "credit-sent":
        b.correction = "credit-due"
    elif item.role == "corrective" and b.correction == "corrective-sent":
        b.correction = "corrective-due"
    elif item.role == "wrong-credit":
        b.billed = False
