"""Measure message-schema validations per second (goal: 10,000/s for valid messages).

Also shipments of 1,000 and 10,000 invoices of one line each (goal: a valid 10,000-invoice
shipment well under 0.5 s), valid and with one wrong amount deep inside.

"valid?" is answered by jsonschema-rs; the compiled check of `vsb/_schema_fast.py` it replaced
for that is timed beside it (the hand-made compiler stays for what jsonschema-rs does not give
in our words: the violations' explanation descends only into the array items it refuses).

Run: `.venv/bin/python -m benchmarks.bench_schemas [iterations]`.
"""

from __future__ import annotations

import copy
import json
import sys
import time
from pathlib import Path
from typing import Any

from benchmarks._setup import per_simpy, simpy_line
from vsb.schemas import MessageSchemas, load_schemas

ITERATIONS = 20_000
REQUEST = Path(__file__).resolve().parents[1] / "fixtures/messages/request/valid/new-request.json"
SHIPMENT_SIZES = (1_000, 10_000)
SHIPMENT_ROUNDS = 5


def rate(schemas: MessageSchemas, message: object, iterations: int) -> float:
    """Return how many `request` validations of `message` run per second."""
    validate = schemas.validate
    start = time.perf_counter()
    for _ in range(iterations):
        validate("request", message)
    return iterations / (time.perf_counter() - start)


def invalid_copy(message: dict[str, Any]) -> dict[str, Any]:
    """Return `message` with one typical mistake: a start date outside the calendar."""
    broken = copy.deepcopy(message)
    broken["begeleiding"]["startDate"] = "2024-02-30"
    return broken


def shipment(invoices: int) -> dict[str, Any]:
    """Return a valid shipment of `invoices` original invoices of one line each."""
    return {
        "kind": "shipment", "messageId": "s-bench", "mbe": "76310195930", "zorgkas": 180,
        "shipmentNumber": "001/202403", "sendDate": "2024-03-10",
        "totals": {"invoices": invoices, "lines": invoices, "amount": f"{2300 * invoices}.00"},
        "invoices": [
            {"invoiceNumber": f"F24-{number:06d}", "type": "original", "insz": "48031402205",
             "vsbReference": "VSB-2024-0000001",
             "lines": [{"lineNumber": 1, "code": "773172", "prestationDate": "2024-03-04",
                        "amount": "2300.00", "personalShare": "0.00"}]}
            for number in range(1, invoices + 1)
        ],
    }  # fmt: skip


def seconds_per_shipment(schemas: MessageSchemas, message: object, rounds: int) -> float:
    """Return the best time of `rounds` validations of `message` as a shipment."""
    best = float("inf")
    for _ in range(rounds):
        start = time.perf_counter()
        schemas.validate("shipment", message)
        best = min(best, time.perf_counter() - start)
    return best


def checks(schemas: MessageSchemas, iterations: int) -> None:
    """Print "valid?" per second of jsonschema-rs beside the compiled check, on a request and
    a shipment of 10,000 invoices."""
    request = json.loads(REQUEST.read_text(encoding="utf-8"))
    large = shipment(10_000)
    for name, message, times in (("request", request, iterations), ("shipment", large, 5)):
        for label, check in (
            # the two being compared (alone: jsonschema-rs for a large document too)
            ("jsonschema-rs", lambda m, n=name: schemas._checks[n](m, True)),
            ("compiled check (_schema_fast)", schemas._compiled[name]),
        ):
            assert check(message)
            start = time.perf_counter()
            for _ in range(times):
                check(message)
            seconds = (time.perf_counter() - start) / times
            print(f"valid? {name:<9} {label:<31}{seconds * 1e6:>10.1f} µs")


def bench_shipments(schemas: MessageSchemas) -> None:
    """Print the time and lines/s for valid shipments and for one wrong amount deep inside."""
    for invoices in SHIPMENT_SIZES:
        valid = shipment(invoices)
        assert schemas.validate("shipment", valid) == ()
        invalid = copy.deepcopy(valid)
        invalid["invoices"][invoices * 3 // 4]["lines"][0]["amount"] = "2300.5"
        assert len(schemas.validate("shipment", invalid)) == 1
        for label, message in (("valid", valid), ("one error", invalid)):
            took = seconds_per_shipment(schemas, message, SHIPMENT_ROUNDS)
            print(
                f"shipment of {invoices:>6,} invoices, {label:<9}: {took * 1000:>7.1f} ms "
                f"({invoices / took:>9,.0f} lines/s)"
            )


def main() -> None:
    """Print validations/s for a valid and an invalid request, and the shipment timings."""
    iterations = int(sys.argv[1]) if len(sys.argv) > 1 else ITERATIONS
    print(simpy_line())
    started = time.perf_counter()
    schemas = load_schemas()
    print(f"load and compile: {(time.perf_counter() - started) * 1000:.0f} ms")
    valid = json.loads(REQUEST.read_text(encoding="utf-8"))
    assert schemas.validate("request", valid) == ()
    invalid = invalid_copy(valid)
    assert schemas.validate("request", invalid) != ()
    print(f"valid request:   validations {per_simpy(rate(schemas, valid, iterations))}")
    print(f"invalid request: validations {per_simpy(rate(schemas, invalid, iterations))}")
    bench_shipments(schemas)
    checks(schemas, iterations)


if __name__ == "__main__":
    main()
