"""Each B, F and R check: a shipment with exactly that fault gets exactly that error, and the
rest of the shipment keeps its verdict."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest

from tests.billing_support import START, Billing, billing_app, errors_of, statuses

CLEAN = 30  # 1 fault in 31 lines is 3.2 %, under the 5 % threshold


def _one_fault(billing: Billing, faulty: dict[str, Any]) -> dict[str, Any]:
    invoices = billing.clean(range(1, CLEAN + 1))
    invoices.insert(5, faulty)
    return billing.app.handle(billing.shipment(invoices))


def _assert_only(settlement: dict[str, Any], expected: tuple[str, str, str]) -> None:
    assert settlement["status"] == "processing"
    assert errors_of(settlement) == [expected]
    verdicts = statuses(settlement)
    assert verdicts[5] == "rejected"
    assert verdicts[:5] + verdicts[6:] == ["accepted"] * CLEAN


FaultMaker = Callable[[Billing], dict[str, Any]]

LINE_FAULTS: dict[str, tuple[FaultMaker, str]] = {
    "REQ-BL-CODE": (lambda b: b.invoice(0, code="999999"), "/invoices/5/lines/0/code"),
    "REQ-BL-TARIFF": (lambda b: b.invoice(0, amount="2800.00"), "/invoices/5/lines/0/amount"),
    "REQ-BL-DATE": (
        lambda b: b.invoice(0, date=START + dt.timedelta(days=1)),
        "/invoices/5/lines/0/prestationDate",
    ),
    "REQ-BL-NO-PERSONAL-SHARE": (
        lambda b: b.invoice(0, share="12.50"),
        "/invoices/5/lines/0/personalShare",
    ),
}


@pytest.mark.parametrize("requirement", sorted(LINE_FAULTS))
def test_a_line_fault_rejects_only_that_line_with_its_r_error(requirement: str) -> None:
    billing = billing_app()
    make, pointer = LINE_FAULTS[requirement]
    _assert_only(_one_fault(billing, make(billing)), ("R", requirement, pointer))


INVOICE_FAULTS: dict[str, tuple[FaultMaker, str]] = {
    "REQ-BL-NO-REQUEST": (
        lambda b: b.invoice(0, reference="VSB-2024-9999999"),
        "/invoices/5/vsbReference",
    ),
    "REQ-BL-TRANSITION": (lambda b: b.invoice(0, date=dt.date(2023, 12, 20)), "/invoices/5/lines"),
    "REQ-BL-CREDIT-ACCEPTED": (
        lambda b: b.credit(0, credited="F-never-sent"),
        "/invoices/5/lines/0/creditedLine",
    ),
}


@pytest.mark.parametrize("requirement", sorted(INVOICE_FAULTS))
def test_an_invoice_fault_rejects_only_that_invoice_with_its_f_error(requirement: str) -> None:
    billing = billing_app()
    make, pointer = INVOICE_FAULTS[requirement]
    _assert_only(_one_fault(billing, make(billing)), ("F", requirement, pointer))


def test_an_invoice_for_a_patient_of_another_zorgkas_is_rejected_as_not_a_member() -> None:
    billing = billing_app(zorgkassen={0: 280})
    _assert_only(
        _one_fault(billing, billing.invoice(0)), ("F", "REQ-BL-MEMBER", "/invoices/5/insz")
    )


def test_an_invoice_sent_more_than_the_deadline_after_death_is_rejected() -> None:
    billing = billing_app(deaths={0: dt.date(2024, 3, 5)})
    billing.clock.set(dt.date(2024, 5, 6))  # death + 2 months = 2024-05-05
    _assert_only(
        _one_fault(billing, billing.invoice(0)), ("F", "REQ-BL-AFTER-DEATH", "/invoices/5/insz")
    )


def test_an_invoice_sent_on_the_last_day_after_death_is_accepted() -> None:
    billing = billing_app(deaths={0: dt.date(2024, 3, 5)})
    billing.clock.set(dt.date(2024, 5, 5))
    settlement = billing.app.handle(billing.shipment([billing.invoice(0)]))
    assert errors_of(settlement) == [] and statuses(settlement) == ["accepted"]


def test_an_invoice_number_used_twice_rejects_the_second_invoice() -> None:
    billing = billing_app()
    first = billing.invoice(0, number="F-dup")
    invoices = [first, *billing.clean(range(2, CLEAN + 1))]
    invoices.insert(5, billing.invoice(1, number="F-dup"))
    settlement = billing.app.handle(billing.shipment(invoices))
    assert errors_of(settlement) == [("F", "REQ-BL-INVOICE-UNIQUE", "/invoices/5/invoiceNumber")]
    assert statuses(settlement).count("rejected") == 1


def test_a_second_forfait_for_one_begeleiding_rejects_the_second_line() -> None:
    billing = billing_app()
    # patient 3 is billed at index 2 among the clean invoices; the one inserted at 5 is second
    settlement = _one_fault(billing, billing.invoice(3))
    assert errors_of(settlement) == [("R", "REQ-BL-ONE-FORFAIT", "/invoices/5/lines/0")]


def test_a_corrective_invoice_beside_its_credit_note_is_rejected_for_chronology() -> None:
    billing = billing_app()
    first = billing.invoice(0)
    assert billing.app.handle(billing.shipment([first]))["status"] == "processing"
    billing.clock.set(dt.date(2024, 4, 10))
    invoices = [billing.credit(0, first["invoiceNumber"]), *billing.clean(range(1, CLEAN))]
    invoices.insert(5, billing.invoice(0))
    settlement = billing.app.handle(billing.shipment(invoices))
    assert errors_of(settlement) == [("F", "REQ-BL-CREDIT-CHRONOLOGY", "/invoices/5/vsbReference")]
    assert statuses(settlement)[0] == "accepted"  # the credit note itself is accepted


def _received_in_january(billing: Billing) -> dict[str, Any]:
    billing.clock.set(dt.date(2024, 1, 31))  # the day received decides the month, not sendDate
    return billing.shipment(billing.clean(range(3)))


BLOCKING: dict[str, Callable[[Billing], dict[str, Any]]] = {
    "REQ-BL-SCHEMA": lambda b: {
        k: v for k, v in b.shipment(b.clean(range(3))).items() if k != "totals"
    },
    "REQ-BL-HEADER": lambda b: {
        **b.shipment(b.clean(range(3))),
        "totals": {"invoices": 4, "lines": 3, "amount": "8700.00"},
    },
    "REQ-BL-FIRST-MONTH": _received_in_january,
    "REQ-MBE-COT": lambda b: b.shipment(b.clean(range(3)), mbe="76999984930"),
}


@pytest.mark.parametrize("requirement", sorted(BLOCKING))
def test_a_blocking_error_refuses_the_whole_shipment(requirement: str) -> None:
    billing = billing_app()
    settlement = billing.app.handle(BLOCKING[requirement](billing))
    assert settlement["status"] == "refused"
    assert {e["type"] for e in settlement["errors"]} == {"B"}
    assert [e["requirement"] for e in settlement["errors"]] == [requirement]
    assert settlement["amounts"]["accepted"] == "0.00"


def test_a_second_shipment_in_one_month_to_one_zorgkas_is_refused() -> None:
    billing = billing_app()
    assert billing.app.handle(billing.shipment(billing.clean(range(2))))["status"] == "processing"
    second = billing.app.handle(billing.shipment(billing.clean(range(2, 4))))
    assert [e["requirement"] for e in second["errors"]] == ["REQ-BL-ONE-PER-MONTH"]


def test_a_shipment_refused_as_a_whole_does_not_count_for_the_month() -> None:
    billing = billing_app()
    refused = billing.app.handle(BLOCKING["REQ-BL-HEADER"](billing))
    assert refused["status"] == "refused"
    again = billing.app.handle(billing.shipment(billing.clean(range(3))))
    assert again["status"] == "processing" and errors_of(again) == []


@pytest.mark.parametrize(
    ("lines", "faults", "refused"), [(21, 1, False), (20, 1, True), (40, 2, True), (41, 2, False)]
)
def test_the_threshold_refuses_a_shipment_at_five_percent_non_blocking_errors(
    lines: int, faults: int, refused: bool
) -> None:
    billing = billing_app(patients=lines)
    invoices = billing.clean(range(faults, lines))
    invoices += [billing.invoice(p, amount="1.00") for p in range(faults)]
    settlement = billing.app.handle(billing.shipment(invoices))
    assert (settlement["status"] == "refused") is refused
    assert ("REQ-BL-THRESHOLD" in [e["requirement"] for e in settlement["errors"]]) is refused
