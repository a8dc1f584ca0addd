"""What a shipment reads and writes in bulk: only what its checks use, through indexes."""

from __future__ import annotations

import datetime as dt
import re

from tests.billing_support import MBE, Billing, billing_app, statuses
from vsb.store import BilledBegeleiding


def test_what_billing_reads_of_a_begeleiding_is_what_the_store_holds_of_it() -> None:
    billing = billing_app(patients=3)
    assert billing.stop(0, nonBillingReason="other")["outcome"] == "accepted"
    store = billing.app.store
    store.update_begeleiding(
        store.begeleiding_by_reference(billing.patients[1][1]).id, pending_message="X-9"
    )
    references = [reference for _, reference in billing.patients]
    read = store.begeleidingen_by_references([*references, "VSB-unknown", references[0]])
    assert sorted(read) == sorted(references)
    for reference in references:
        whole = store.begeleiding_by_reference(reference)
        assert whole is not None
        assert read[reference][:-1] == tuple(
            getattr(whole, name) for name in BilledBegeleiding._fields[:-1]
        )
        assert read[reference].register[0] == 1  # the patient is in the register
    assert read[references[0]].stop is not None
    assert read[references[0]].stop["nonBillingReason"] == "other"
    assert read[references[1]].pending_message == "X-9"


def _plans(billing: Billing) -> dict[str, list[str]]:
    """Every statement that reads or changes `lines` in `_lifecycle`, with each step of the
    plan SQLite chose for it that touches `lines`."""
    db = billing.app.store.db
    statements: list[str] = []
    db.set_trace_callback(statements.append)
    try:
        _lifecycle(billing)
    finally:
        db.set_trace_callback(None)
    on_lines = {
        s for s in statements if re.match(r"(SELECT|UPDATE)\b.*\b(FROM|JOIN|UPDATE) lines\b", s)
    }
    return {
        statement: [
            row[3]
            for row in db.execute(f"EXPLAIN QUERY PLAN {statement}")
            if " lines " in f"{row[3]} "
        ]
        for statement in on_lines
    }


def _lifecycle(billing: Billing) -> None:
    """A line under review decided, the shipment signed, a forfait credited, a cancel."""
    billing.stop(0, nonBillingReason="other")
    invoices = [billing.invoice(0), *billing.clean(range(1, 3))]
    settlement = billing.app.handle(billing.shipment(invoices))
    assert statuses(settlement) == ["under-review", "accepted", "accepted"]
    [item] = billing.app.billing_queue(180)
    billing.app.decide_line(item.id, 180, "kas180-anna", "accepted")
    billing.app.sign(settlement["settlementId"], 180, "kas180-piet")
    billing.clock.set(dt.date(2024, 4, 10))
    credit = billing.shipment([billing.credit(1, invoices[1]["invoiceNumber"])])
    assert statuses(billing.app.handle(credit)) == ["accepted"]
    cancel = {
        "kind": "cancel-request",
        "messageId": billing.next_id("X"),
        "mbe": MBE,
        "vsbReference": billing.patients[2][1],
    }
    assert billing.app.handle(cancel)["outcome"] == "refused"  # its forfait is live


def test_every_query_on_the_lines_of_a_shipment_uses_an_index() -> None:
    plans = _plans(billing_app(patients=3))
    # the queue, a decision, the unsigned, the credit target, the credited, the live forfaits
    assert len(plans) >= 6
    unsearched = {
        statement: plan
        for statement, plan in plans.items()
        if not plan or not all(step.startswith("SEARCH lines USING") for step in plan)
    }
    assert unsearched == {}


def test_storing_a_shipment_credits_each_original_line_the_sum_of_its_credit_lines() -> None:
    billing = billing_app(patients=2)
    invoices = billing.clean(range(2))
    billing.app.handle(billing.shipment(invoices))
    billing.clock.set(dt.date(2024, 4, 10))
    number = invoices[0]["invoiceNumber"]
    credits = [billing.credit(0, number, "1000.00"), billing.credit(0, number, "500.00")]
    assert statuses(billing.app.handle(billing.shipment(credits))) == ["accepted", "accepted"]
    rows = billing.app.store.db.execute(
        "SELECT credited, amount FROM lines WHERE kind = 'original' ORDER BY id"
    ).fetchall()
    assert [tuple(row) for row in rows] == [(150000, 290000), (0, 290000)]
