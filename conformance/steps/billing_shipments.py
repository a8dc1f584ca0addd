"""Billing by an MBE: a shipment is composed invoice by invoice ("MBE Brugge bills the full
forfait of An") and then sent ("MBE Brugge sends its shipment to zorgkas 380 on 2024-04-10"),
or both at once. Prestation codes and tariffs come from the rulebook's `[billing]` section,
never from the reference engine.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from pytest_bdd import given, when

from conformance.billing.books import (
    books,
    credit_note,
    draft,
    first_line,
    last_sent,
    original_invoice,
    send_shipment,
)
from conformance.billing.rules import checked_amount, tariff
from conformance.steps.types import step
from conformance.world import SetupFailed, World

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
    line["personalShare"] = checked_amount(amount)


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
    draft(world, credit_note(world, mbe, patient, checked_amount(amount)))


# -- sending -------------------------------------------------------------------------------------


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


@when(
    step(
        "MBE {mbe:Name} sends its shipment to zorgkas {zorgkas:N} on {day:Date}, dated {dated:Date}"
    )
)
def sends_dated(world: World, mbe: str, zorgkas: int, day: dt.date, dated: dt.date) -> None:
    """Send everything billed on `day` (the day received) under another declared send date."""
    send_shipment(world, mbe, zorgkas, day, dated=dated)


@when(
    step(
        "MBE {mbe:Name} sends its shipment to zorgkas {zorgkas:N} on {day:Date}, dated "
        "{dated:Date}, billing the {kind:Words} forfait of {patient:Name}"
    )
)
def sends_forfait_dated(
    world: World, mbe: str, zorgkas: int, day: dt.date, dated: dt.date, kind: str, patient: str
) -> None:
    """Send a shipment of one correct forfait on `day` under another declared send date."""
    draft(world, original_invoice(world, mbe, patient, kind))
    send_shipment(world, mbe, zorgkas, day, dated=dated)


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
        change: dict[str, Any] = {"amount": checked_amount(found["amount"])}
    else:
        change = {found["field"]: int(found["count"])}
    send_shipment(world, mbe, zorgkas, day, change)
