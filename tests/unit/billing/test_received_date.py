"""The day the central application receives a shipment decides its billing month and the
window after death; the send date it declares may lie at most the rulebook's tolerance before
that day (REQ-BL-HEADER, REQ-BL-ONE-PER-MONTH, REQ-BL-AFTER-DEATH)."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tests.billing_support import billing_app, errors_of
from vsb.rulebook import default_rulebook

TOLERANCE = int(default_rulebook().value("send_date_tolerance_days"))


def test_a_shipment_received_after_the_window_is_rejected_whatever_send_date_it_declares() -> None:
    # death on 2024-03-15: the window ends on 2024-05-15; received in July, dated in May
    billing = billing_app(patients=21, deaths={0: dt.date(2024, 3, 15)})
    billing.clock.set(dt.date(2024, 7, 10))
    settlement = billing.app.handle(
        billing.shipment(billing.clean(range(21)), send=dt.date(2024, 5, 10))
    )
    assert ("F", "REQ-BL-AFTER-DEATH", "/invoices/0/insz") in errors_of(settlement)
    assert ("B", "REQ-BL-HEADER", "/sendDate") in errors_of(settlement)
    assert settlement["status"] == "refused"


def test_a_second_shipment_dated_in_the_previous_month_counts_for_the_month_received() -> None:
    billing = billing_app()
    billing.clock.set(dt.date(2024, 5, 2))
    first = billing.app.handle(billing.shipment(billing.clean(range(2))))
    assert first["status"] == "processing"
    billing.clock.set(dt.date(2024, 5, 3))
    second = billing.app.handle(
        billing.shipment(billing.clean(range(2, 4)), send=dt.date(2024, 4, 30))
    )
    assert [(e["requirement"], e["pointer"]) for e in second["errors"]] == [
        ("REQ-BL-ONE-PER-MONTH", "/sendDate")
    ]


@settings(max_examples=20, deadline=None)
@given(days_before=st.integers(min_value=-3, max_value=TOLERANCE + 5))
def test_a_declared_send_date_is_accepted_exactly_within_the_tolerance(days_before: int) -> None:
    billing = billing_app(patients=3)
    received = dt.date(2024, 4, 10)
    billing.clock.set(received)
    settlement = billing.app.handle(
        billing.shipment(billing.clean(range(3)), send=received - dt.timedelta(days=days_before))
    )
    within = 0 <= days_before <= TOLERANCE
    assert (settlement["status"] == "processing") is within
    if not within:
        assert [(e["requirement"], e["pointer"]) for e in settlement["errors"]] == [
            ("REQ-BL-HEADER", "/sendDate")
        ]


@pytest.mark.parametrize(("received", "refused"), [("2024-01-31", True), ("2024-02-01", False)])
def test_the_first_billing_month_counts_from_the_day_received(received: str, refused: bool) -> None:
    billing = billing_app(patients=3)
    billing.clock.set(dt.date.fromisoformat(received))
    settlement = billing.app.handle(
        billing.shipment(billing.clean(range(3)), send=dt.date(2024, 1, 31))
    )
    requirements = [e["requirement"] for e in settlement.get("errors", [])]
    assert ("REQ-BL-FIRST-MONTH" in requirements) is refused
