"""The text a shipment is logged with: orjson's, made in pieces; a repeat logged before is
still a repeat."""

from __future__ import annotations

import hashlib
import json

import orjson
import pytest

from tests.billing_support import billing_app
from vsb.jsontext import PIECE

PATIENTS = 3 * PIECE + 4  # the invoices take several pieces, the last one short


@pytest.mark.parametrize("invoices", [0, 1, PIECE, PIECE + 1, PATIENTS])
def test_a_shipment_is_logged_with_orjsons_sorted_text_and_its_digest(invoices: int) -> None:
    billing = billing_app(patients=max(invoices, 1))
    message = billing.shipment(billing.clean(range(invoices)))
    billing.app.handle(message)
    body, digest = billing.app.store.db.execute(
        "SELECT body, digest FROM messages WHERE message_id = ?", (message["messageId"],)
    ).fetchone()
    assert body == orjson.dumps(message, option=orjson.OPT_SORT_KEYS).decode()
    assert digest == hashlib.sha256(body.encode()).hexdigest()


def test_a_shipment_logged_with_the_json_text_of_before_is_still_answered_as_a_repeat() -> None:
    billing = billing_app(patients=PATIENTS)
    message = billing.shipment(billing.clean(range(PATIENTS)))
    first = billing.app.handle(message)
    before = json.dumps(message, sort_keys=True, default=str)
    billing.app.store.db.execute(
        "UPDATE messages SET body = ?, digest = ? WHERE message_id = ?",
        (before, hashlib.sha256(before.encode()).hexdigest(), message["messageId"]),
    )
    assert billing.app.handle(message) == first
    changed = {**message, "shipmentNumber": "002/202403"}
    refused = billing.app.handle(changed)
    assert [e["requirement"] for e in refused["errors"]] == ["REQ-MSG-IDEMPOTENT"]


def test_a_shipment_with_a_key_that_is_not_text_is_refused_naming_the_rule() -> None:
    billing = billing_app(patients=1)
    message: dict[object, object] = {**billing.shipment(billing.clean(range(1))), 7: "x"}
    answer = billing.app.handle(message)
    assert [e["requirement"] for e in answer["errors"]] == ["REQ-MSG-SCHEMA"]
    assert billing.app.store.db.execute("SELECT count(*) FROM shipments").fetchone()[0] == 0
