"""Money is conserved over random billing histories (Hypothesis)."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.billing_support import Billing, billing_app
from vsb.billing.money import cents

PATIENTS = 6

# One invoice: (patient, fault) where fault None is a correct forfait.
invoice_plans = st.tuples(
    st.integers(0, PATIENTS - 1), st.sampled_from([None, None, None, "tariff", "date", "share"])
)
credit_plans = st.tuples(st.integers(0, 20), st.sampled_from(["2900.00", "1000.00", "2900.01"]))
month_plans = st.tuples(
    st.lists(invoice_plans, max_size=5),
    st.lists(credit_plans, max_size=2),
    st.booleans(),
    st.booleans(),
)


def _invoice(billing: Billing, patient: int, fault: str | None) -> dict[str, Any]:
    if fault == "tariff":
        return billing.invoice(patient, amount="100.00")
    if fault == "date":
        return billing.invoice(patient, date=dt.date(2024, 3, 2))
    if fault == "share":
        return billing.invoice(patient, share="5.00")
    return billing.invoice(patient)


def _credits(
    billing: Billing, accepted: list[tuple[int, str]], plans: list[tuple[int, str]]
) -> list[dict[str, Any]]:
    if not accepted:
        return []
    return [
        billing.credit(accepted[i % len(accepted)][0], accepted[i % len(accepted)][1], amt)
        for i, amt in plans
    ]


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(month_plans, min_size=1, max_size=5))
def test_money_is_conserved_over_random_billing_histories(months: list[Any]) -> None:
    billing = billing_app(patients=PATIENTS)
    accepted: list[tuple[int, str]] = []  # (patient, invoice number) of accepted forfaits
    for month, (invoices, credits, sign, pay) in enumerate(months):
        billing.clock.set(dt.date(2024, 3 + month, 10))
        sent = [_invoice(billing, p, f) for p, f in invoices] + _credits(billing, accepted, credits)
        if not sent:
            continue
        settlement = billing.app.handle(billing.shipment(sent))
        amounts = {k: cents(v) for k, v in settlement["amounts"].items()}
        assert (
            amounts["billed"] == amounts["accepted"] + amounts["rejected"] + amounts["underReview"]
        )
        for invoice, verdict in zip(sent, settlement["invoices"], strict=True):
            if invoice["type"] == "original" and verdict["status"] == "accepted":
                patient = next(
                    i
                    for i, (_, ref) in enumerate(billing.patients)
                    if ref == invoice["vsbReference"]
                )
                accepted.append((patient, invoice["invoiceNumber"]))
        if sign and settlement["status"] == "processing":
            _, order = billing.app.sign(settlement["settlementId"], 180, "kas180-anna")
            if pay:
                billing.app.record_payment(
                    order["orderId"], 180, dt.date(2024, 3 + month, 20), "kas180-piet"
                )
    _assert_ledger_invariants(billing)


def _assert_ledger_invariants(billing: Billing) -> None:
    db = billing.app.store.db
    # A credit never exceeds what it credits.
    for row in db.execute("SELECT id, amount, credited FROM lines WHERE kind = 'original'"):
        credited = db.execute(
            "SELECT COALESCE(SUM(amount), 0) FROM lines WHERE credited_line = ? "
            "AND status = 'accepted'",
            (row["id"],),
        ).fetchone()[0]
        assert credited == row["credited"] <= row["amount"]
    # No begeleiding is paid twice: at most one accepted forfait not fully credited.
    live: dict[int, int] = defaultdict(int)
    for row in db.execute(
        "SELECT begeleiding_id FROM lines WHERE kind = 'original' "
        "AND status = 'accepted' AND credited < amount"
    ):
        live[row["begeleiding_id"]] += 1
    assert all(count == 1 for count in live.values())
    # What the zorgkas pays equals accepted forfaits minus accepted credit notes (signed ones).
    orders = sum(cents(o["amount"]) for o in billing.app.payment_orders(180))
    signed = db.execute(
        "SELECT COALESCE(SUM(CASE kind WHEN 'credit' THEN -amount ELSE amount END), 0) "
        "FROM lines JOIN shipments ON shipments.id = lines.shipment_id "
        "WHERE shipments.status = 'signed' AND lines.status = 'accepted'"
    ).fetchone()[0]
    assert orders == signed
