"""Invoice lines processed per second for shipments of 10, 1,000 and 10,000 invoices.

Run: `make bench` or `.venv/bin/python -m benchmarks.bench_billing [--steps]`. Each figure is
the median of three rounds, printed beside the raw SimPy loop timed in the same process.
`--steps` then says where the time of a 10,000-line shipment goes: the wall time of each step
of `CentralApplication.handle`, timed around the functions that do it (no profiler, whose cost
would fall on the Python steps more than on SQLite's and the encoders').
"""

from __future__ import annotations

import argparse
import statistics
import time
from collections import defaultdict
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from types import ModuleType
from typing import Any

import vsb.billing.ledger
import vsb.billing.shipments
import vsb.engine
import vsb.store
from benchmarks._setup import application, forfait_shipment, insz_of, per_simpy, request, simpy_line
from vsb.engine import CentralApplication

ROUNDS = 3

STEPS: tuple[tuple[str, object, str], ...] = (
    ("schema check (jsonschema-rs)", None, "validate"),
    ("message text (orjson) and digest", vsb.engine, "_body"),
    ("message text (orjson) and digest", vsb.engine, "_digest"),
    ("header checks (B)", vsb.billing.shipments, "header_errors"),
    ("read begeleidingen and register", vsb.store.Store, "begeleidingen_by_references"),
    ("read invoice numbers, live forfaits", vsb.billing.ledger, "invoice_numbers_used"),
    ("read invoice numbers, live forfaits", vsb.billing.ledger, "live_forfaits"),
    ("invoice and line checks (F, R)", vsb.billing.shipments, "check_original"),
    ("threshold", vsb.billing.shipments, "threshold_error"),
    ("settlement document", vsb.billing.shipments, "render"),
    ("settlement text (json)", vsb.billing.shipments, "encoded_array"),
    ("store shipment, invoices, lines", vsb.billing.shipments, "_store_shipment"),
    ("store shipment, invoices, lines", vsb.billing.shipments, "_store_lines"),
    ("message log", vsb.store.Store, "record_message"),
)


def prepared(size: int) -> tuple[CentralApplication, dict[str, Any]]:
    """An application with `size` accepted requests, and a shipment of one-line invoices for
    them."""
    app, _ = application(size)
    patients = []
    for i, insz in enumerate(insz_of(app, size)):
        patients.append((insz, app.handle(request(insz, f"r-{i}"))["vsbReference"]))
    return app, forfait_shipment(patients)


def measure(size: int) -> tuple[float, str]:
    """Seconds to process one shipment of `size` one-line invoices, and its status."""
    app, shipment = prepared(size)
    started = time.perf_counter()
    settlement = app.handle(shipment)
    return time.perf_counter() - started, settlement["status"]


@contextmanager
def _timed(owner: object, name: str, into: list[float]) -> Iterator[None]:
    """`owner.name` (of a module, a class or an instance) replaced, while in the block, by the
    same function adding its wall time to `into`."""
    original = getattr(owner, name)
    on_instance = not isinstance(owner, type | ModuleType)

    def timed(*args: Any, **kwargs: Any) -> Any:
        started = time.perf_counter()
        try:
            return original(*args, **kwargs)
        finally:
            into.append(time.perf_counter() - started)

    setattr(owner, name, timed)
    try:
        yield
    finally:
        if on_instance:
            delattr(owner, name)  # the class's method shows again
        else:
            setattr(owner, name, original)


def steps(size: int) -> tuple[float, dict[str, float]]:
    """One shipment's wall time and that of each step (STEPS)."""
    app, shipment = prepared(size)
    spent: dict[str, list[float]] = defaultdict(list)
    with ExitStack() as stack:
        for label, owner, name in STEPS:
            stack.enter_context(_timed(owner or app.schemas, name, spent[label]))
        started = time.perf_counter()
        app.handle(shipment)
        total = time.perf_counter() - started
    return total, {label: sum(times) for label, times in spent.items()}


def print_steps(size: int) -> None:
    """Where the time of one shipment goes, step by step (median of ROUNDS rounds)."""
    rounds = [steps(size) for _ in range(ROUNDS)]
    total = statistics.median(r[0] for r in rounds)
    print(f"\nwhere the time of {size:,} one-line invoices goes (median of {ROUNDS}, wall):")
    counted = 0.0
    for label in dict.fromkeys(label for label, _, _ in STEPS):
        seconds = statistics.median(r[1][label] for r in rounds)
        counted += seconds
        print(f"  {label:<38}{seconds * 1000:8.1f} ms  {seconds / total:6.1%}")
    rest = total - counted
    print(
        f"  {'the rest (engine, transaction, ...)':<38}{rest * 1000:8.1f} ms  {rest / total:6.1%}"
    )
    print(f"  {'whole shipment (timers included)':<38}{total * 1000:8.1f} ms")


def main(argv: list[str] | None = None) -> None:
    """Print lines per second per shipment size (and, with --steps, where the time goes)."""
    parser = argparse.ArgumentParser(prog="python -m benchmarks.bench_billing")
    parser.add_argument(
        "--steps", action="store_true", help="also time each step of a 10,000-line shipment"
    )
    args = parser.parse_args(argv)
    print(simpy_line())
    print(
        "billing: one shipment of N one-line invoices, in-process, SQLite in memory, "
        f"median of {ROUNDS}"
    )
    print(f"{'invoices':>10}{'seconds':>10}  lines, beside SimPy")
    for size in (10, 1000, 10000):
        rounds = [measure(size) for _ in range(ROUNDS)]
        seconds = statistics.median(r[0] for r in rounds)
        print(f"{size:>10,}{seconds:>10.3f}  {per_simpy(size / seconds)}  {rounds[0][1]}")
    if args.steps:
        print_steps(10000)


if __name__ == "__main__":
    main()
