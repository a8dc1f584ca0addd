"""Separation of duties on a shipment (REQ-BL-SEPARATION-OF-DUTIES): who may record a payment."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace
from types import MappingProxyType
from typing import Any

import pytest

from tests.billing_support import MBE, START, Billing, billing_app, statuses
from vsb.billing.duties import DUTIES, separated_from
from vsb.review import StaffActionError
from vsb.rulebook import Parameter, Rulebook, default_rulebook

PAID_ON = dt.date(2024, 4, 1)
SIGNER, DECIDER, PAYER = "kas180-anna", "kas180-bert", "kas180-piet"


def _signed(billing: Billing, decider: str = DECIDER, signer: str = SIGNER) -> dict[str, Any]:
    """A shipment with one line decided by `decider`, signed by `signer`: its payment order."""
    billing.app.handle(
        {
            "kind": "stop",
            "messageId": billing.next_id("X"),
            "mbe": MBE,
            "vsbReference": billing.patients[0][1],
            "stop": {
                "date": (START + dt.timedelta(days=5)).isoformat(),
                "reason": "stabilised",
                "interventions": [],
                "firstLineContacts": [],
                "nonBillingReason": "other",
            },
        }
    )
    settlement = billing.app.handle(billing.shipment([billing.invoice(0), billing.invoice(1)]))
    assert statuses(settlement) == ["under-review", "accepted"]
    [item] = billing.app.billing_queue(180)
    billing.app.decide_line(item.id, 180, decider, "accepted")
    _, order = billing.app.sign(settlement["settlementId"], 180, signer)
    return order


def _with_pairs(billing: Billing, pairs: list[list[str]]) -> None:
    """Run the application on the default rulebook with another separation_of_duties."""
    book = default_rulebook()
    parameter = replace(book.parameters["separation_of_duties"], value=pairs)
    parameters = MappingProxyType({**book.parameters, "separation_of_duties": parameter})
    changed: Rulebook = replace(book, parameters=parameters)
    billing.app.rulebook = lambda: changed  # type: ignore[method-assign]


def _refusal(call: Any) -> StaffActionError:
    with pytest.raises(StaffActionError) as caught:
        call()
    return caught.value


def test_the_default_rulebook_keeps_signing_and_deciding_lines_apart_from_paying() -> None:
    book = default_rulebook()
    parameter: Parameter = book.parameters["separation_of_duties"]
    assert parameter.requirement == "REQ-BL-SEPARATION-OF-DUTIES"
    assert separated_from(book, "pay") == {"sign", "decide-line"}
    assert separated_from(book, "sign") == {"pay"}
    assert all(separated_from(book, duty) <= set(DUTIES) for duty in DUTIES)


def test_the_staff_member_who_signed_a_shipment_cannot_record_its_payment() -> None:
    billing = billing_app(patients=2)
    order = _signed(billing)
    error = _refusal(lambda: billing.app.record_payment(order["orderId"], 180, PAID_ON, SIGNER))
    assert error.requirement == "REQ-BL-SEPARATION-OF-DUTIES"
    assert SIGNER in str(error) and order["settlementId"] in str(error)
    assert "signed" in str(error)


def test_a_refused_payment_changes_nothing_and_another_staff_member_records_it() -> None:
    billing = billing_app(patients=2)
    order = _signed(billing)
    _refusal(lambda: billing.app.record_payment(order["orderId"], 180, PAID_ON, SIGNER))
    assert [o["orderId"] for o in billing.app.payment_orders(180, unpaid_only=True)] == [
        order["orderId"]
    ]
    paid = billing.app.record_payment(order["orderId"], 180, PAID_ON, PAYER)
    assert paid["paidOn"] == PAID_ON.isoformat()


def test_the_staff_member_who_decided_one_of_its_lines_cannot_record_its_payment() -> None:
    billing = billing_app(patients=2)
    order = _signed(billing)
    error = _refusal(lambda: billing.app.record_payment(order["orderId"], 180, PAID_ON, DECIDER))
    assert error.requirement == "REQ-BL-SEPARATION-OF-DUTIES"
    assert "decided a line of" in str(error)


def test_duties_are_kept_apart_per_shipment_only() -> None:
    billing = billing_app(patients=4)
    first = _signed(billing)
    billing.clock.set(dt.date(2024, 4, 10))
    second = billing.app.handle(billing.shipment([billing.invoice(2), billing.invoice(3)]))
    _, order = billing.app.sign(second["settlementId"], 180, PAYER)
    # The signer of the first shipment pays the second, and the other way round.
    later = dt.date(2024, 4, 20)
    assert billing.app.record_payment(order["orderId"], 180, later, SIGNER)["paidOn"]
    assert billing.app.record_payment(first["orderId"], 180, later, PAYER)["paidOn"]


def test_the_staff_member_recording_a_payment_must_be_named() -> None:
    billing = billing_app(patients=2)
    order = _signed(billing)
    error = _refusal(lambda: billing.app.record_payment(order["orderId"], 180, PAID_ON, " "))
    assert error.requirement == "REQ-BL-SEPARATION-OF-DUTIES" and "named" in str(error)


def test_a_rulebook_without_pairs_lets_one_staff_member_do_every_duty() -> None:
    billing = billing_app(patients=2)
    _with_pairs(billing, [])
    order = _signed(billing, decider=SIGNER)
    assert billing.app.record_payment(order["orderId"], 180, PAID_ON, SIGNER)["paidOn"]


def test_a_rulebook_may_keep_deciding_lines_apart_from_signing() -> None:
    billing = billing_app(patients=2)
    _with_pairs(billing, [["decide-line", "sign"]])
    error = _refusal(lambda: _signed(billing, decider=SIGNER, signer=SIGNER))
    assert error.requirement == "REQ-BL-SEPARATION-OF-DUTIES"
    assert billing.app.unsigned_shipments(180) != []  # the signature was refused


@pytest.mark.parametrize("pairs", [[["sign", "sign"]], [["sign", "audit"]], [["sign"]], ["sign"]])
def test_a_malformed_separation_of_duties_names_the_parameter(pairs: list[Any]) -> None:
    billing = billing_app(patients=2)
    _with_pairs(billing, pairs)
    with pytest.raises(ValueError, match="separation_of_duties"):
        _signed(billing)
