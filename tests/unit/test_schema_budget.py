"""A failed schema check lists at most MAX_VIOLATIONS violations and counts the rest, without
examining every invalid item (issue 10, defect 7: 1.2 million errors took 85 s)."""

from __future__ import annotations

import re
from typing import Any

from vsb.schemas import MAX_VIOLATIONS, load_schemas

LINE = {
    "lineNumber": 1,
    "code": "773172",
    "prestationDate": "2024-03-04",
    "amount": "2900.00",
    "personalShare": "0.00",
}


def _shipment(invoices: int, line: dict[str, Any]) -> dict[str, Any]:
    return {
        "kind": "shipment",
        "messageId": "s-1",
        "mbe": "76310195930",
        "zorgkas": 180,
        "shipmentNumber": "001/202403",
        "sendDate": "2024-03-10",
        "totals": {"invoices": invoices, "lines": invoices, "amount": "1.00"},
        "invoices": [
            {
                "invoiceNumber": f"F-{i}",
                "type": "original",
                "insz": "48031402205",
                "vsbReference": "VSB-2024-0000001",
                "lines": [line] * 4,
            }
            for i in range(invoices)
        ],
    }


def _left_out(message: str) -> int:
    found = re.search(r"at least ([0-9,]+) more", message)
    assert found, message
    return int(found[1].replace(",", ""))


def test_many_violations_are_cut_at_the_limit_with_a_count_of_the_rest() -> None:
    bad = dict(LINE, code="x", amount="lots", personalShare=None, extra=1)
    violations = load_schemas().validate("shipment", _shipment(5000, bad))
    assert len(violations) == MAX_VIOLATIONS + 1
    last = violations[-1]
    assert (last.pointer, last.keyword) == ("", "max-errors")
    # 5,000 invoices of 4 lines with 4 violations each: the invoices past the limit are
    # counted once each, not examined one violation at a time.
    assert 4_900 <= _left_out(last.message) < 80_000 - MAX_VIOLATIONS
    listed = violations[:-1]
    assert list(listed) == sorted(listed, key=lambda v: (v.pointer, v.keyword, v.message))


def test_an_object_with_very_many_unexpected_members_is_counted_exactly() -> None:
    message = {
        "kind": "insurance-status-query",
        "messageId": "q-1",
        "mbe": "76310195930",
        "insz": "48031402205",
        "date": "2024-03-04",
    }
    message.update({f"x{i:06d}": 0 for i in range(50_000)})
    violations = load_schemas().validate("insurance-status-query", message)
    assert len(violations) == MAX_VIOLATIONS + 1
    assert violations[0].pointer == "/x000000"
    assert _left_out(violations[-1].message) == 50_000 - MAX_VIOLATIONS


def test_a_few_violations_are_listed_as_before() -> None:
    violations = load_schemas().validate("shipment", _shipment(3, dict(LINE, code="x")))
    assert [v.pointer for v in violations] == [
        f"/invoices/{i}/lines/{j}/code" for i in range(3) for j in range(4)
    ]
