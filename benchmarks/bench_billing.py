"""Invoice lines processed per second for shipments of 10, 1,000 and 10,000 invoices.

Run: `make bench` or `.venv/bin/python -m benchmarks.bench_billing`. Each figure is the median
of three rounds, printed beside the raw SimPy loop timed in the same process.
"""

from __future__ import annotations

import statistics
import time

from benchmarks._setup import application, forfait_shipment, insz_of, per_simpy, request, simpy_line

ROUNDS = 3


def measure(size: int) -> tuple[float, str]:
    """Seconds to process one shipment of `size` one-line invoices, and its status."""
    app, _ = application(size)
    patients = []
    for i, insz in enumerate(insz_of(app, size)):
        patients.append((insz, app.handle(request(insz, f"r-{i}"))["vsbReference"]))
    shipment = forfait_shipment(patients)
    started = time.perf_counter()
    settlement = app.handle(shipment)
    return time.perf_counter() - started, settlement["status"]


def main() -> None:
    """Print lines per second per shipment size."""
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


if __name__ == "__main__":
    main()
