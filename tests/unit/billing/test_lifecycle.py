"""From shipment to payment: rebilling, credit notes, review, signing, payment, feed."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from tests.billing_support import MBE, START, Billing, billing_app, errors_of, statuses
from vsb.review import StaffActionError


def _accepted_shipment(billing: Billing, patients: range) -> tuple[dict[str, Any], list[str]]:
    invoices = billing.clean(patients)
    settlement = billing.app.handle(billing.shipment(invoices))
    assert settlement["status"] == "processing" and errors_of(settlement) == []
    return settlement, [invoice["invoiceNumber"] for invoice in invoices]


def test_a_rejected_line_is_billed_again_on_a_new_original_invoice_without_credit() -> None:
    billing = billing_app(patients=2)
    first = billing.app.handle(
        billing.shipment([billing.invoice(0, amount="100.00"), *billing.clean(range(1, 2))])
    )
    assert first["status"] == "refused"  # 1 of 2 lines faulty: over the threshold
    billing.clock.set(dt.date(2024, 3, 11))
    again = billing.app.handle(billing.shipment(billing.clean(range(2))))
    assert statuses(again) == ["accepted", "accepted"]


def test_a_credit_note_then_a_corrective_invoice_in_a_later_shipment_are_accepted() -> None:
    billing = billing_app(patients=1)
    _, numbers = _accepted_shipment(billing, range(1))
    billing.clock.set(dt.date(2024, 4, 10))
    credit = billing.app.handle(billing.shipment([billing.credit(0, numbers[0])]))
    assert statuses(credit) == ["accepted"]
    assert credit["amounts"]["accepted"] == "-2900.00"
    billing.clock.set(dt.date(2024, 5, 10))
    corrective = billing.app.handle(billing.shipment([billing.invoice(0)]))
    assert statuses(corrective) == ["accepted"]


def test_a_credit_note_may_not_credit_more_than_was_accepted() -> None:
    billing = billing_app(patients=1)
    _, numbers = _accepted_shipment(billing, range(1))
    billing.clock.set(dt.date(2024, 4, 10))
    settlement = billing.app.handle(billing.shipment([billing.credit(0, numbers[0], "2900.01")]))
    assert ("F", "REQ-BL-CREDIT-ACCEPTED", "/invoices/0/lines/0/amount") in errors_of(settlement)


def test_a_line_is_credited_once() -> None:
    billing = billing_app(patients=1)
    _, numbers = _accepted_shipment(billing, range(1))
    billing.clock.set(dt.date(2024, 4, 10))
    assert statuses(billing.app.handle(billing.shipment([billing.credit(0, numbers[0])]))) == [
        "accepted"
    ]
    billing.clock.set(dt.date(2024, 5, 10))
    twice = billing.app.handle(billing.shipment([billing.credit(0, numbers[0])]))
    assert ("F", "REQ-BL-CREDIT-ACCEPTED", "/invoices/0/lines/0/amount") in errors_of(twice)


def test_a_second_forfait_in_a_later_shipment_is_rejected_until_credited() -> None:
    billing = billing_app(patients=1)
    _accepted_shipment(billing, range(1))
    billing.clock.set(dt.date(2024, 4, 10))
    second = billing.app.handle(billing.shipment([billing.invoice(0)]))
    assert ("R", "REQ-BL-ONE-FORFAIT", "/invoices/0/lines/0") in errors_of(second)


def _cancel(billing: Billing, patient: int) -> dict[str, Any]:
    return billing.app.handle(
        {
            "kind": "cancel-request",
            "messageId": billing.next_id("X"),
            "mbe": MBE,
            "vsbReference": billing.patients[patient][1],
        }
    )


def test_cancelling_a_request_is_refused_until_its_accepted_forfait_is_credited() -> None:
    billing = billing_app(patients=1)
    _, numbers = _accepted_shipment(billing, range(1))
    refused = _cancel(billing, 0)
    assert [e["requirement"] for e in refused["errors"]] == ["REQ-CH-CANCEL-BILLED"]
    billing.clock.set(dt.date(2024, 4, 10))
    billing.app.handle(billing.shipment([billing.credit(0, numbers[0])]))
    assert _cancel(billing, 0)["outcome"] == "accepted"


def test_a_line_of_a_begeleiding_stopped_with_a_non_billing_reason_goes_under_review() -> None:
    billing = billing_app(patients=1)
    assert billing.stop(0, nonBillingReason="insufficient-contribution")["outcome"] == "accepted"
    settlement = billing.app.handle(billing.shipment([billing.invoice(0)]))
    line = settlement["invoices"][0]["lines"][0]
    assert line["status"] == "under-review" and line["review"]["requirement"] == "REQ-BL-REVIEW"
    assert settlement["amounts"]["underReview"] == "2900.00"


def test_a_line_of_a_begeleiding_with_a_change_under_review_goes_under_review() -> None:
    billing = billing_app(patients=1)
    billing.stop(0)
    billing.clock.set(dt.date(2024, 3, 20))  # stop accepted 03-10, window of 5 days passed
    late = billing.app.handle(
        {
            "kind": "cancel-stop",
            "messageId": "late-1",
            "mbe": MBE,
            "vsbReference": billing.patients[0][1],
        }
    )
    assert late["outcome"] == "under-review"
    settlement = billing.app.handle(billing.shipment([billing.invoice(0)]))
    assert statuses(settlement) == ["under-review"]


def _under_review(billing: Billing) -> dict[str, Any]:
    billing.stop(0, nonBillingReason="other")
    settlement = billing.app.handle(
        billing.shipment([billing.invoice(0), *billing.clean(range(1, 3))])
    )
    assert statuses(settlement) == ["under-review", "accepted", "accepted"]
    return settlement


def test_a_shipment_is_signed_only_when_no_line_is_under_review() -> None:
    billing = billing_app(patients=3)
    settlement = _under_review(billing)
    assert billing.app.unsigned_shipments(180) == []
    with pytest.raises(StaffActionError, match="under review"):
        billing.app.sign(settlement["settlementId"], 180, "kas180-anna")
    [item] = billing.app.billing_queue(180)
    updated = billing.app.decide_line(item.id, 180, "kas180-anna", "refused", "no contribution")
    assert statuses(updated)[0] == "rejected"
    assert updated["amounts"] == {
        "billed": "8700.00",
        "accepted": "5800.00",
        "rejected": "2900.00",
        "underReview": "0.00",
    }
    assert billing.app.unsigned_shipments(180) == [settlement["settlementId"]]


def test_signing_issues_a_payment_order_due_after_the_payment_term() -> None:
    billing = billing_app(patients=3)
    settlement = _under_review(billing)
    [item] = billing.app.billing_queue(180)
    billing.app.decide_line(item.id, 180, "kas180-anna", "accepted")
    signed, order = billing.app.sign(settlement["settlementId"], 180, "kas180-anna")
    term = billing.app.rulebook().value("payment_term_days")
    assert signed["status"] == "signed" and signed["paymentOrder"] == order["orderId"]
    assert order["amount"] == "8700.00"
    assert order["dueDate"] == (dt.date(2024, 3, 10) + dt.timedelta(days=term)).isoformat()
    paid = billing.app.record_payment(order["orderId"], 180, dt.date(2024, 4, 1), "kas180-piet")
    assert paid["paidOn"] == "2024-04-01"
    assert billing.app.payment_orders(180, unpaid_only=True) == []


def test_staff_of_another_zorgkas_can_neither_decide_nor_sign_nor_pay() -> None:
    billing = billing_app(patients=3)
    settlement = _under_review(billing)
    [item] = billing.app.billing_queue(180)
    assert billing.app.billing_queue(280) == []
    with pytest.raises(StaffActionError):
        billing.app.decide_line(item.id, 280, "kas280-bert", "accepted")
    billing.app.decide_line(item.id, 180, "kas180-anna", "accepted")
    with pytest.raises(StaffActionError):
        billing.app.sign(settlement["settlementId"], 280, "kas280-bert")
    _, order = billing.app.sign(settlement["settlementId"], 180, "kas180-anna")
    with pytest.raises(StaffActionError):
        billing.app.record_payment(order["orderId"], 280, dt.date(2024, 4, 1), "kas280-bert")


def test_a_refused_line_needs_a_reason_and_a_line_is_decided_once() -> None:
    billing = billing_app(patients=3)
    _under_review(billing)
    [item] = billing.app.billing_queue(180)
    with pytest.raises(StaffActionError, match="reason"):
        billing.app.decide_line(item.id, 180, "kas180-anna", "refused", " ")
    billing.app.decide_line(item.id, 180, "kas180-anna", "accepted")
    with pytest.raises(StaffActionError):
        billing.app.decide_line(item.id, 180, "kas180-anna", "accepted")


def test_the_signed_settlement_reaches_the_feed_of_its_mbe_only() -> None:
    billing = billing_app(patients=2)
    settlement, _ = _accepted_shipment(billing, range(2))
    billing.app.sign(settlement["settlementId"], 180, "kas180-anna")
    [(cursor, item)] = billing.app.feed(MBE)
    assert item["settlementId"] == settlement["settlementId"] and item["status"] == "signed"
    assert billing.app.feed(MBE, after=cursor) == []
    assert billing.app.feed("76310294930") == []


def test_a_recorded_payment_reaches_the_feed_of_its_mbe_only_after_the_settlement() -> None:
    from vsb.schemas import load_schemas

    billing = billing_app(patients=2)
    settlement, _ = _accepted_shipment(billing, range(2))
    _, order = billing.app.sign(settlement["settlementId"], 180, "kas180-anna")
    [(signed_at, _)] = billing.app.feed(MBE)
    assert billing.app.feed(MBE, after=signed_at) == []  # signed, not yet paid
    billing.clock.set(dt.date(2024, 4, 2))
    billing.app.record_payment(order["orderId"], 180, dt.date(2024, 4, 1), "kas180-piet")
    [(paid_at, item)] = billing.app.feed(MBE, after=signed_at)
    assert paid_at > signed_at
    assert item == {**order, "paidOn": "2024-04-01"}
    assert item["kind"] == "payment-order" and item["amount"] == settlement["amounts"]["accepted"]
    assert load_schemas().validate("payment-order", item) == ()
    assert billing.app.feed(MBE, after=paid_at) == []
    assert billing.app.feed("76310294930") == []


def test_every_settlement_and_payment_order_is_valid_against_its_schema() -> None:
    from vsb.schemas import load_schemas

    schemas = load_schemas()
    if "settlement" not in schemas.names:
        pytest.fail("the settlement schema is missing")
    billing = billing_app(patients=3)
    settlement = _under_review(billing)
    assert schemas.validate("settlement", settlement) == ()
    [item] = billing.app.billing_queue(180)
    billing.app.decide_line(item.id, 180, "kas180-anna", "refused", "no contribution")
    signed, order = billing.app.sign(settlement["settlementId"], 180, "kas180-anna")
    assert schemas.validate("settlement", signed) == ()
    assert schemas.validate("payment-order", order) == ()
    refused = billing.app.handle(billing.shipment([billing.invoice(1, amount="1.00")]))
    assert schemas.validate("settlement", refused) == ()
    unreadable = billing.app.handle({"kind": "shipment", "messageId": "x", "mbe": MBE})
    assert unreadable["status"] == "refused"
    assert schemas.validate("settlement", unreadable) == ()


def test_the_tariff_is_the_one_in_force_on_the_prestation_date() -> None:
    from tests.billing_support import FULL
    from vsb.billing.money import amount
    from vsb.billing.rules import billing_rules
    from vsb.synthetic import sample_request

    billing = billing_app(patients=2)
    rules = billing_rules(billing.app.rulebook())
    billing.stop(1)
    restart_day = dt.date(2024, 11, 5)
    billing.clock.set(restart_day)
    insz = billing.patients[1][0]
    answer = billing.app.handle(
        sample_request(MBE, insz, restart_day, "restart-1", request_type="restart")
    )
    assert answer["outcome"] == "accepted"
    old = rules.tariff(MBE, FULL, START)
    new = rules.tariff(MBE, FULL, restart_day)
    assert old is not None and new is not None and old != new
    billing.patients.append((insz, answer["vsbReference"]))
    billing.clock.set(dt.date(2024, 11, 10))
    settlement = billing.app.handle(
        billing.shipment(
            [
                billing.invoice(2, date=restart_day, amount=amount(old)),
                billing.invoice(0, amount=amount(old)),
            ]
        )
    )
    # the old amount is wrong from 2024-11-01 on, but still right for the March prestation
    faults = [e for e in errors_of(settlement) if e[0] != "B"]
    assert faults == [("R", "REQ-BL-TARIFF", "/invoices/0/lines/0/amount")]
    billing.clock.set(dt.date(2024, 12, 10))
    again = billing.app.handle(
        billing.shipment([billing.invoice(2, date=restart_day, amount=amount(new))])
    )
    assert statuses(again) == ["accepted"]
