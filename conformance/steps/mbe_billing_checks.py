"""Direction 2, what the MBE software billed: Thens over its shipments, their invoices and
credit notes, and what their settlements said.

Codes and tariffs come from the rulebook's `[billing]` section, the billing deadline and the
first billing month from its parameters, the zorgkas from the scenario's affiliations; the
settlements the software got say which invoices were accepted, rejected or refused with their
shipment. A forfait missing breaches the requirement the scenario certifies (its tag).
"""

from __future__ import annotations

import calendar
import datetime as dt
from collections.abc import Callable
from decimal import Decimal, InvalidOperation
from typing import Any

import pytest
from parse import with_pattern
from pytest_bdd import parsers, then

from conformance.billing.rules import forfait_code, tariff
from conformance.mbe.candidate import body, expect_sent
from conformance.mbe.recording import Record, day_of
from conformance.mbe.traffic import (
    Billed,
    billed,
    billed_for,
    describe,
    indexed,
    references,
    refused_as_a_whole,
    scenario_requirement,
    shipments,
)
from conformance.steps.types import TYPES, step
from conformance.verdicts import Breach
from conformance.world import SetupFailed, World

MONTHS = {name: number for number, name in enumerate(calendar.month_name) if name}


def _month(text: str) -> tuple[int, int]:
    name, year = text.split()
    return int(year), MONTHS[name]


MONTH: Callable[[str], tuple[int, int]] = with_pattern("(?:" + "|".join(MONTHS) + r") \d{4}")(
    _month
)
"""{x:Month}: a calendar month as "April 2024", read as (year, month)."""


def month_step(text: str) -> Any:
    """A step parser that also knows {x:Month}: a calendar month as "April 2024"."""
    return parsers.parse(text, extra_types={**TYPES, "Month": MONTH})


def _money(text: Any) -> Decimal | None:
    try:
        return Decimal(str(text))
    except (InvalidOperation, ValueError):
        return None


def _forfaits(world: World, patient: str, requirement: str) -> list[Billed]:
    """The patient's original invoices (forfaits); waits for one, else breaches."""
    insz = world.insz(patient)

    def holds(record: Record) -> bool:
        invoices = body(record).get("invoices")
        rows = invoices if isinstance(invoices, list) else []
        return any(isinstance(i, dict) and i.get("insz") == insz for i in rows)

    expect_sent(world, f"a shipment billing {patient}'s forfait", requirement, holds, "shipment")
    found = [b for b in billed_for(world, patient) if b.original]
    if not found:
        raise Breach(f"a forfait of {patient}", describe(billed_for(world, patient)), requirement)
    return found


# -- whether, and to whom ----------------------------------------------------------------------


@then(step("the MBE software billed {patient:Name}'s forfait to zorgkas {zorgkas:N}"))
def billed_to(world: World, request: pytest.FixtureRequest, patient: str, zorgkas: int) -> None:
    """The patient's forfait went to the zorgkas the patient was a member of on the start date,
    and to no other."""
    forfaits = _forfaits(world, patient, scenario_requirement(request, "REQ-BL-MEMBER"))
    wrong = [b for b in forfaits if b.zorgkas != zorgkas]
    if wrong:
        raise Breach(
            f"{patient}'s forfait billed to zorgkas {zorgkas}",
            describe(wrong),
            "REQ-BL-MEMBER",
            "/zorgkas",
        )


@then(step("the MBE software billed nothing for {patient:Name}"))
def billed_nothing(world: World, request: pytest.FixtureRequest, patient: str) -> None:
    """No invoice or credit note of the patient reached the central application (so far)."""
    found = billed_for(world, patient)
    if found:
        raise Breach(
            f"nothing billed for {patient}",
            describe(found),
            scenario_requirement(request, "REQ-BL-NOT-UNDER-REVIEW"),
            found[0].pointer(),
        )


@then(step("the MBE software asked the insurance status of {patient:Name} before it billed them"))
def status_before_billing(world: World, request: pytest.FixtureRequest, patient: str) -> None:
    """Every shipment billing the patient came after an answered insurance-status query for
    the patient."""
    requirement = scenario_requirement(request, "REQ-INS-MBE-CHECKS-BEFORE-BILLING")
    insz = world.insz(patient)
    queries = [
        place
        for place, record in indexed(world, "insurance-status-query")
        if body(record).get("insz") == insz and record.answer.get("status")
    ]
    for forfait in _forfaits(world, patient, requirement):
        if not any(place < forfait.place for place in queries):
            raise Breach(
                f"an insurance-status query for {patient} before the shipment of {forfait.day}",
                f"{len(queries)} queries for {patient}, none before it",
                "REQ-INS-MBE-CHECKS-BEFORE-BILLING",
            )


@then(
    step(
        "every invoice the MBE software sent for {patient:Name} names the VSB reference of "
        "the begeleiding"
    )
)
def invoices_name_reference(world: World, request: pytest.FixtureRequest, patient: str) -> None:
    """Every invoice of the patient names the VSB reference their accepted request got
    (from its answer, or from the final decision after a review)."""
    known = references(world, patient)
    _forfaits(world, patient, scenario_requirement(request, "REQ-BL-NO-REQUEST"))
    for item in billed_for(world, patient):
        if item.invoice.get("vsbReference") not in known:
            raise Breach(
                f"VSB reference {' or '.join(known) or '(none was given)'}",
                f"{item.invoice.get('vsbReference')!r} on invoice {item.number}",
                "REQ-BL-NO-REQUEST",
                item.pointer("/vsbReference"),
            )


# -- how much, what, when ------------------------------------------------------------------------


@then(
    step(
        "the MBE software billed {patient:Name}'s forfait at MBE {mbe:Name}'s {kind:Words} "
        "tariff in force on {day:Date}"
    )
)
def billed_at_tariff(world: World, patient: str, mbe: str, kind: str, day: dt.date) -> None:
    """Every forfait of the patient bills the code and the MBE's tariff of the rulebook on
    the day (the start date)."""
    wanted_code = forfait_code(world, kind)
    wanted = _money(tariff(world, mbe, kind, day))
    for item in _forfaits(world, patient, "REQ-BL-TARIFF"):
        for index, line in enumerate(item.lines):
            if line.get("code") != wanted_code:
                raise Breach(
                    f"the {kind} forfait, code {wanted_code}",
                    f"code {line.get('code')!r} on invoice {item.number}",
                    "REQ-BL-CODE",
                    item.pointer(f"/lines/{index}/code"),
                )
            if _money(line.get("amount")) != wanted:
                raise Breach(
                    f"MBE {mbe}'s {kind} tariff on {day}: {wanted}",
                    f"{line.get('amount')} on invoice {item.number}",
                    "REQ-BL-TARIFF",
                    item.pointer(f"/lines/{index}/amount"),
                )


@then(step("the prestation date of {patient:Name}'s forfait is {day:Date}"))
def prestation_date(world: World, patient: str, day: dt.date) -> None:
    """Every forfait line of the patient is dated the start date of the begeleiding."""
    for item in _forfaits(world, patient, "REQ-BL-DATE"):
        for index, line in enumerate(item.lines):
            if line.get("prestationDate") != day.isoformat():
                raise Breach(
                    f"prestation date {day}",
                    f"{line.get('prestationDate')} on invoice {item.number}",
                    "REQ-BL-DATE",
                    item.pointer(f"/lines/{index}/prestationDate"),
                )


def _all_lines(world: World, requirement: str) -> list[tuple[Billed, int, dict[str, Any]]]:
    expect_sent(world, "a shipment", requirement, bool, "shipment")
    return [(item, index, line) for item in billed(world) for index, line in enumerate(item.lines)]


@then(
    step("every line the MBE software billed carries the code of the full or the reduced forfait")
)
def lines_carry_codes(world: World) -> None:
    """Every line bills a prestation code of the rulebook: the full or the reduced forfait."""
    codes = {forfait_code(world, "full"), forfait_code(world, "reduced")}
    for item, index, line in _all_lines(world, "REQ-BL-CODE"):
        if line.get("code") not in codes:
            raise Breach(
                f"code {' or '.join(sorted(codes))}",
                f"{line.get('code')!r} on invoice {item.number}",
                "REQ-BL-CODE",
                item.pointer(f"/lines/{index}/code"),
            )


@then(step("every line the MBE software billed has no personal share"))
def no_personal_share(world: World) -> None:
    """Every line's personal share is zero: an invoice holds only the prestation."""
    for item, index, line in _all_lines(world, "REQ-BL-NO-PERSONAL-SHARE"):
        share = line.get("personalShare", "0.00")
        if _money(share) != 0:
            raise Breach(
                "a personal share of 0.00",
                f"{share!r} on invoice {item.number}",
                "REQ-BL-NO-PERSONAL-SHARE",
                item.pointer(f"/lines/{index}/personalShare"),
            )


@then(step("the MBE software billed {patient:Name}'s forfait once"))
def billed_once(world: World, patient: str) -> None:
    """No forfait of the patient is billed while an earlier one counts: accepted or under
    review, and not credited. A rejected one, or one refused with its shipment, may come again."""
    forfaits = _forfaits(world, patient, "REQ-BL-ONE-FORFAIT")
    holding: Billed | None = None
    for item in billed_for(world, patient):
        if not item.original:
            if item.status == "accepted":
                holding = None
            continue
        if holding is not None:
            raise Breach(
                f"one forfait of {patient}",
                f"invoice {item.number} of {item.day} while {holding.number} of {holding.day} "
                f"was {holding.status}; all: {describe(forfaits)}",
                "REQ-BL-ONE-FORFAIT",
                item.pointer(),
            )
        if item.status in ("accepted", "under-review"):
            holding = item


@then(step("every invoice number the MBE software sent is used once"))
def numbers_used_once(world: World) -> None:
    """No invoice number comes back in a later shipment (a refused one changed nothing)."""
    seen: dict[Any, Billed] = {}
    for item in _counted_invoices(world):
        if item.number in seen:
            raise Breach(
                f"invoice number {item.number} used once",
                f"on {seen[item.number].day} and again on {item.day}",
                "REQ-BL-INVOICE-UNIQUE",
                item.pointer("/invoiceNumber"),
            )
        seen[item.number] = item


def _counted_invoices(world: World) -> list[Billed]:
    expect_sent(world, "a shipment", "REQ-BL-INVOICE-UNIQUE", bool, "shipment")
    return [b for b in billed(world) if b.status != "refused"]


# -- shipments ---------------------------------------------------------------------------------


@then(month_step("the MBE software sent zorgkas {zorgkas:N} one shipment in {month:Month}"))
def one_shipment(
    world: World, request: pytest.FixtureRequest, zorgkas: int, month: tuple[int, int]
) -> None:
    """After a shipment to the zorgkas that counted (not refused as a whole), no other one
    to it that month."""
    requirement = scenario_requirement(request, "REQ-BL-ONE-PER-MONTH")
    name = f"{calendar.month_name[month[1]]} {month[0]}"

    def in_month(record: Record) -> bool:
        day = day_of(record)
        return body(record).get("zorgkas") == zorgkas and (day.year, day.month) == month

    expect_sent(
        world, f"a shipment to zorgkas {zorgkas} in {name}", requirement, in_month, "shipment"
    )
    sent = [r for _, r in shipments(world) if in_month(r)]
    counted = [i for i, r in enumerate(sent) if not refused_as_a_whole(r)]
    if not counted:
        raise Breach(
            f"a shipment to zorgkas {zorgkas} in {name} taken into processing",
            f"{len(sent)} refused as a whole",
            requirement,
        )
    later = sent[counted[0] + 1 :]
    if later:
        raise Breach(
            f"one shipment to zorgkas {zorgkas} in {name}",
            f"{len(sent)}: on " + ", ".join(str(day_of(r)) for r in sent),
            "REQ-BL-ONE-PER-MONTH",
        )


@then(step("the MBE software sent no shipment before {day:Date}"))
def no_shipment_before(world: World, request: pytest.FixtureRequest, day: dt.date) -> None:
    """No shipment arrived before the day (the first day of the first billing month)."""
    early = [r for _, r in shipments(world) if day_of(r) < day]
    if early:
        raise Breach(
            f"no shipment before {day}",
            f"a shipment to zorgkas {body(early[0]).get('zorgkas')} on {day_of(early[0])}",
            scenario_requirement(request, "REQ-BL-FIRST-MONTH"),
            "/sendDate",
        )


def _shipment_on(world: World, zorgkas: int, day: dt.date, requirement: str) -> Record:
    return expect_sent(
        world,
        f"a shipment to zorgkas {zorgkas} on {day}",
        requirement,
        lambda r: body(r).get("zorgkas") == zorgkas and day_of(r) == day,
        "shipment",
    )


@then(
    step(
        "the MBE software's shipment to zorgkas {zorgkas:N} on {day:Date} names MBE {mbe:Name} "
        "and that day as its send date"
    )
)
def header_names(world: World, zorgkas: int, day: dt.date, mbe: str) -> None:
    """The header names the MBE that sends it, the zorgkas, the day it is sent, a number."""
    shipment = body(_shipment_on(world, zorgkas, day, "REQ-BL-HEADER"))
    wanted = {"mbe": world.hco(mbe), "sendDate": day.isoformat()}
    for field, value in wanted.items():
        if shipment.get(field) != value:
            raise Breach(
                f"{field} {value}", repr(shipment.get(field)), "REQ-BL-HEADER", f"/{field}"
            )
    if not shipment.get("shipmentNumber"):
        raise Breach("a shipment number", "none", "REQ-BL-HEADER", "/shipmentNumber")


def _content_totals(shipment: dict[str, Any]) -> dict[str, Any]:
    """What the totals of a shipment should say: its invoices, its lines, and the amount of
    the originals minus the credit notes."""
    found = shipment.get("invoices")
    invoices = [i for i in found if isinstance(i, dict)] if isinstance(found, list) else []
    count, amount = 0, Decimal(0)
    for invoice in invoices:
        sign = -1 if invoice.get("type") == "credit-note" else 1
        lines = invoice.get("lines")
        for line in lines if isinstance(lines, list) else []:
            count += 1
            value = _money(line.get("amount")) if isinstance(line, dict) else None
            amount += sign * (value or Decimal(0))
    return {"invoices": len(invoices), "lines": count, "amount": amount}


@then(step("the totals of every shipment the MBE software sent match its invoices"))
def totals_match(world: World) -> None:
    """The header's invoice count, line count and amount (originals minus credit notes) are
    those of the shipment's content."""
    expect_sent(world, "a shipment", "REQ-BL-HEADER", bool, "shipment")
    for _, record in shipments(world):
        shipment = body(record)
        found = shipment.get("totals")
        totals: dict[str, Any] = found if isinstance(found, dict) else {}
        wanted = _content_totals(shipment)
        for field, value in wanted.items():
            got = _money(totals.get(field)) if field == "amount" else totals.get(field)
            if got != value:
                raise Breach(
                    f"{field} {value} in the totals of the shipment of {day_of(record)}",
                    f"{totals.get(field)!r}",
                    "REQ-BL-HEADER",
                    f"/totals/{field}",
                )


# -- after a refusal or a rejection ------------------------------------------------------------


FORFAIT_FIELDS = ("code", "prestationDate", "amount")


def _same_forfait(first: Billed, second: Billed) -> bool:
    """Whether two invoices bill the same forfait of the same begeleiding."""

    def lines(item: Billed) -> list[tuple[Any, ...]]:
        return [tuple(line.get(k) for k in FORFAIT_FIELDS) for line in item.lines]

    same_reference = first.invoice.get("vsbReference") == second.invoice.get("vsbReference")
    return same_reference and lines(first) == lines(second)


@then(
    step(
        "the MBE software billed {patient:Name}'s forfait again, unchanged, after the shipment "
        "refused as a whole"
    )
)
def billed_again_after_refusal(world: World, patient: str) -> None:
    """The forfait a shipment refused as a whole held (not flagged by it) is billed again,
    as it was, in a later shipment that is taken into processing."""
    forfaits = _forfaits(world, patient, "REQ-BL-RESEND-REFUSED")
    refused = [b for b in forfaits if b.status == "refused"]
    if not refused:
        raise SetupFailed(f"no shipment refused as a whole held {patient}'s forfait")
    again = [b for b in forfaits if b.place > refused[0].place and b.status != "refused"]
    if not again:
        raise Breach(
            f"{patient}'s forfait billed again after the shipment of {refused[0].day}",
            describe(forfaits),
            "REQ-BL-RESEND-REFUSED",
        )
    if not _same_forfait(refused[0], again[0]):
        raise Breach(
            f"the forfait of the refused shipment, unchanged: {refused[0].lines}",
            f"{again[0].lines} on invoice {again[0].number}",
            "REQ-BL-RESEND-REFUSED",
            again[0].pointer("/lines"),
        )


@then(
    step(
        "the MBE software billed {patient:Name}'s rejected forfait again to zorgkas {zorgkas:N} "
        "on a new original invoice"
    )
)
def billed_again_after_rejection(world: World, patient: str, zorgkas: int) -> None:
    """A rejected forfait is billed again, correctly (to the zorgkas the patient turned out
    to belong to), on an original invoice with a new number, without a credit note."""
    forfaits = _forfaits(world, patient, "REQ-BL-REBILL-REJECTED")
    rejected = [b for b in forfaits if b.status == "rejected"]
    if not rejected:
        raise SetupFailed(f"no forfait of {patient} was rejected: {describe(forfaits)}")
    again = [b for b in forfaits if b.place > rejected[0].place and b.status != "refused"]
    good = [b for b in again if b.zorgkas == zorgkas and b.number != rejected[0].number]
    if not good:
        raise Breach(
            f"{patient}'s forfait on a new original invoice to zorgkas {zorgkas}",
            describe(billed_for(world, patient)),
            "REQ-BL-REBILL-REJECTED",
        )


@then(step("the MBE software sent no credit note for {patient:Name}"))
def no_credit_note(world: World, request: pytest.FixtureRequest, patient: str) -> None:
    """No credit note of the patient: a rejected prestation needs none."""
    credits = [b for b in billed_for(world, patient) if not b.original]
    if credits:
        raise Breach(
            f"no credit note for {patient}",
            describe(credits),
            scenario_requirement(request, "REQ-BL-REBILL-REJECTED"),
            credits[0].pointer(),
        )


# -- credit notes ----------------------------------------------------------------------------


def _credits(world: World, patient: str, requirement: str) -> list[Billed]:
    insz = world.insz(patient)

    def holds(record: Record) -> bool:
        invoices = body(record).get("invoices")
        rows = invoices if isinstance(invoices, list) else []
        return any(
            isinstance(i, dict) and i.get("insz") == insz and i.get("type") == "credit-note"
            for i in rows
        )

    expect_sent(world, f"a credit note for {patient}", requirement, holds, "shipment")
    return [b for b in billed_for(world, patient) if not b.original]


@then(step("the MBE software credited {patient:Name}'s accepted invoice for its full amount"))
def credited_accepted(world: World, patient: str) -> None:
    """Every credit note of the patient credits an invoice that was accepted before, line by
    line, for no more than was accepted."""
    accepted = {
        b.number: b for b in billed_for(world, patient) if b.original and b.status == "accepted"
    }
    for credit in _credits(world, patient, "REQ-BL-CREDIT-ACCEPTED"):
        target = accepted.get(credit.invoice.get("creditedInvoice"))
        if target is None or target.place >= credit.place:
            raise Breach(
                f"a credit note of an accepted invoice ({', '.join(map(str, accepted)) or 'none'})",
                f"credit note {credit.number} credits {credit.invoice.get('creditedInvoice')!r}",
                "REQ-BL-CREDIT-ACCEPTED",
                credit.pointer("/creditedInvoice"),
            )
        billed_amounts = [_money(line.get("amount")) for line in target.lines]
        credited = [_money(line.get("amount")) for line in credit.lines]
        if credited != billed_amounts:
            raise Breach(
                f"the accepted amounts {billed_amounts}",
                f"{credited} on credit note {credit.number}",
                "REQ-BL-CREDIT-ACCEPTED",
                credit.pointer("/lines"),
            )


@then(
    step(
        "the MBE software billed nothing else for {patient:Name} in the shipment of its credit note"
    )
)
def credit_alone(world: World, patient: str) -> None:
    """The shipment that credits the patient's forfait bills no corrective invoice with it;
    one may follow in a later shipment, once the credit note was accepted."""
    credits = _credits(world, patient, "REQ-BL-CREDIT-CHRONOLOGY")
    for credit in credits:
        alongside = [
            b for b in billed_for(world, patient) if b.original and b.place == credit.place
        ]
        if alongside:
            raise Breach(
                f"the credit note of {patient} alone in its shipment of {credit.day}",
                describe(alongside),
                "REQ-BL-CREDIT-CHRONOLOGY",
                alongside[0].pointer(),
            )
        later = [b for b in billed_for(world, patient) if b.original and b.place > credit.place]
        if later and credit.status != "accepted":
            raise Breach(
                "a corrective invoice only after the credit note was accepted",
                f"credit note {credit.number} {credit.status}; then {describe(later)}",
                "REQ-BL-CREDIT-CHRONOLOGY",
            )


@then(
    step(
        "the MBE software cancelled {patient:Name}'s request only after the credit note of "
        "the forfait was accepted"
    )
)
def cancelled_after_credit(world: World, patient: str) -> None:
    """The cancellation of a request whose forfait was accepted came after the credit note
    of that forfait was accepted."""
    known = set(references(world, patient))
    cancel = expect_sent(
        world,
        f"the cancellation of {patient}'s request",
        "REQ-CH-CANCEL-BILLED",
        lambda r: body(r).get("vsbReference") in known,
        "cancel-request",
    )
    place = next(i for i, r in indexed(world, "cancel-request") if r is cancel)
    items = billed_for(world, patient)
    accepted = [b for b in items if b.original and b.status == "accepted" and b.place < place]
    credited = [b for b in items if not b.original and b.status == "accepted" and b.place < place]
    if accepted and not credited:
        before = describe([b for b in items if b.place < place])
        raise Breach(
            f"the credit note of {patient}'s accepted forfait accepted before the cancellation",
            f"cancelled on {day_of(cancel)}; before it: {before}",
            "REQ-CH-CANCEL-BILLED",
        )
