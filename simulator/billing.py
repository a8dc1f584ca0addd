"""MBE software billing: on its billing day, one shipment a month per zorgkas with billables.

The simulator makes realistic shipments and injects wrong invoices at scenario rates; it never
decides billing rules itself: the central application's settlement is the oracle. Rejected
invoices are billed again, correctly, on a new original invoice the next month; a shipment
refused as a whole is corrected and sent again a few days later.
"""

from __future__ import annotations

import datetime as dt
import random
from typing import Any

from simulator.distributions import span
from simulator.faults import break_invoice, break_shipment
from simulator.model import Billable, MbeState, Process, Simulation
from simulator.plans import day_text
from vsb.billing.rules import BillingRules, billing_rules
from vsb.rulebook import default_rulebook

__all__ = ["billing_process"]

Invoice = tuple[dict[str, Any], Billable, str | None]  # the invoice, what it bills, its fault


def billing_process(sim: Simulation, hco: str) -> Process:
    """Each month on the MBE's billing day: check statuses, send one shipment per zorgkas."""
    rules = billing_rules(default_rulebook())
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


def _due(sim: Simulation, state: MbeState) -> list[Billable]:
    today = int(sim.env.now)
    after = sim.scenario.software.bill_ongoing_after_days
    due = [
        b
        for b in state.billables
        if not b.billed
        and not b.cancelled
        and (b.stopped_day is not None or today - b.accepted_day >= after)
    ]
    for billable in due:
        if _too_late(sim, billable):
            billable.billed = True  # REQ-BL-AFTER-DEATH: the software no longer bills it
            sim.tally.lost_to_deadline(billable.episode.mbe)
    return [b for b in due if not b.billed]


def _too_late(sim: Simulation, billable: Billable) -> bool:
    """Whether today is past the billing deadline after the patient's death."""
    death = billable.episode.patient.death_date
    if death is None or death > sim.today():
        return False
    months = int(default_rulebook().value("billing_deadline_after_death_months"))
    month = death.month - 1 + months
    year, month = death.year + month // 12, month % 12 + 1
    return sim.today() > dt.date(year, month, min(death.day, 28))


def _bill_month(sim: Simulation, state: MbeState, rules: BillingRules) -> Process:
    due = _due(sim, state)
    for billable in due:
        if billable.zorgkas is None:
            yield from _check_status(sim, billable)
        elif billable.zorgkas == 0:
            billable.billed = True  # no zorgkas to bill
    due = [b for b in due if not b.billed]
    by_kas: dict[int, list[Invoice]] = {}
    rng = sim.streams(f"{state.hco}/invoice-faults")
    for billable in due:
        if billable.zorgkas is not None and billable.zorgkas > 0:
            invoice = _invoice(sim, state, rules, billable)
            if invoice is not None:
                kas, made = _maybe_break(sim, state, rng, invoice, billable)
                by_kas.setdefault(kas, []).append(made)
    for kas in sorted(by_kas):
        yield from _ship(sim, state, kas, by_kas[kas], rng)


def _check_status(sim: Simulation, billable: Billable) -> Process:
    """REQ-INS-MBE-CHECKS-BEFORE-BILLING: the status on the start date names the zorgkas."""
    e = billable.episode
    query = {
        "kind": "insurance-status-query",
        "messageId": f"{e.key}-qb",
        "mbe": e.mbe,
        "insz": e.patient.insz,
        "date": day_text(sim.scenario, e.start),
    }
    answer = yield from sim.send(query)
    billable.zorgkas = answer.get("zorgkas") if answer.get("status") == "affiliated" else 0
    if billable.zorgkas == 0:
        billable.billed = True  # not a member of any zorgkas: nothing to bill a zorgkas for


def _invoice(
    sim: Simulation, state: MbeState, rules: BillingRules, billable: Billable
) -> dict[str, Any] | None:
    e = billable.episode
    start = sim.scenario.day(e.start)
    code = next(c for c, kind in sorted(rules.codes.items()) if kind == "full")
    tariff = rules.tariff(e.mbe, code, start)
    if tariff is None:
        return None
    state.invoice_count += 1
    number = f"F{sim.today():%y}-{state.invoice_count:06d}"
    line = {
        "lineNumber": 1,
        "code": code,
        "prestationDate": start.isoformat(),
        "amount": _amount(tariff),
        "personalShare": "0.00",
    }
    return {
        "invoiceNumber": number,
        "type": "original",
        "insz": e.patient.insz,
        "vsbReference": billable.reference,
        "lines": [line],
    }


def _maybe_break(
    sim: Simulation,
    state: MbeState,
    rng: random.Random,
    invoice: dict[str, Any],
    billable: Billable,
) -> tuple[int, Invoice]:
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
        return kas, (invoice, billable, fault)
    return kas, (invoice, billable, None)


def _ship(
    sim: Simulation, state: MbeState, kas: int, invoices: list[Invoice], rng: random.Random
) -> Process:
    shipment = _shipment(sim, state, kas, [i for i, _, _ in invoices])
    fault = next(
        (f for f, rate in sim.scenario.faults.shipment.items() if rng.random() < rate), None
    )
    if fault is not None:
        break_shipment(shipment, fault)
    sim.tally.shipment_sent(state.hco, kas, len(invoices))
    _record_faults(sim, shipment, invoices, fault)
    faulty = fault is not None or any(f is not None for _, _, f in invoices)
    settlement = yield from sim.send(shipment, recorded=faulty)
    sim.shipments[settlement["settlementId"]] = {
        "invoices": {i["invoiceNumber"]: b for i, b, _ in invoices},
        "mbe": state.hco,
    }
    _settle(sim, state, settlement, invoices)
    if settlement["status"] == "refused":
        # Its own process: the other zorgkassen's shipments of the day must not wait for it.
        sim.env.process(_resend(sim, state, kas, settlement, invoices, rng))


def _resend(
    sim: Simulation,
    state: MbeState,
    kas: int,
    settlement: dict[str, Any],
    invoices: list[Invoice],
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
    flagged = {i["invoiceNumber"] for i in settlement["invoices"] if _has_errors(i)}
    clean: list[Invoice] = [
        (i, b, None)
        for i, b, f in invoices
        if f is None and i["invoiceNumber"] not in flagged and not _too_late(sim, b)
    ]
    if clean:
        yield from _ship(sim, state, kas, _renumber(sim, state, clean), rng)


def _has_errors(invoice: dict[str, Any]) -> bool:
    return bool(invoice.get("errors")) or any(line.get("errors") for line in invoice["lines"])


def _record_faults(
    sim: Simulation, shipment: dict[str, Any], invoices: list[Invoice], fault: str | None
) -> None:
    records: list[tuple[str, str | None]] = [(fault, None)] if fault is not None else []
    records += [(f, i["invoiceNumber"]) for i, _, f in invoices if f is not None]
    for name, number in records:
        sim.truth.record(shipment, name, number)
        sim.recorder.write("ground-truth", sim.moment(), sim.truth.records[-1])


def _renumber(sim: Simulation, state: MbeState, invoices: list[Invoice]) -> list[Invoice]:
    for invoice, _, _ in invoices:
        state.invoice_count += 1
        invoice["invoiceNumber"] = f"F{sim.today():%y}-{state.invoice_count:06d}"
    return invoices


def _shipment(
    sim: Simulation, state: MbeState, kas: int, invoices: list[dict[str, Any]]
) -> dict[str, Any]:
    state.shipment_count += 1
    today = sim.today()
    total = sum(_cents(i["lines"][0]["amount"]) for i in invoices)
    return {
        "kind": "shipment",
        "messageId": f"s-{state.hco}-{kas}-{state.shipment_count:04d}",
        "mbe": state.hco,
        "zorgkas": kas,
        "shipmentNumber": f"{state.shipment_count:04d}/{today:%Y%m}",
        "sendDate": today.isoformat(),
        "totals": {"invoices": len(invoices), "lines": len(invoices), "amount": _amount(total)},
        "invoices": invoices,
    }


def _settle(
    sim: Simulation, state: MbeState, settlement: dict[str, Any], invoices: list[Invoice]
) -> None:
    """Learn from the settlement: what is billed for good, what to bill again next month."""
    if settlement["status"] == "refused":
        return
    outcome = {i["invoiceNumber"]: i["status"] for i in settlement["invoices"]}
    for invoice, billable, _ in invoices:
        status = outcome.get(invoice["invoiceNumber"])
        billable.billed = status != "rejected"
        if status != "rejected":
            state.used_numbers.append(invoice["invoiceNumber"])


def _amount(cents: int) -> str:
    return f"{cents // 100}.{cents % 100:02d}"


def _cents(text: str) -> int:
    euros, cents = text.split(".")
    return int(euros) * 100 + int(cents)
