"""Shared set-up of the benchmarks: an application over a synthetic registry."""

from __future__ import annotations

import datetime as dt
import random
import time
from functools import cache
from pathlib import Path
from typing import Any

import simpy

import vsb.mbe_messages as build
from vsb.clock import FixedClock
from vsb.engine import CentralApplication
from vsb.mbes import load_mbes
from vsb.store import Store
from vsb.synthetic import sample_request, synthetic_registry

ROOT = Path(__file__).resolve().parent.parent
MBE = "76310195930"
START = dt.date(2024, 3, 1)


SIMPY_TIMEOUTS = 1_000_000


@cache
def simpy_loop_seconds(timeouts: int = SIMPY_TIMEOUTS, processes: int = 1_000) -> float:
    """Seconds the raw SimPy loop takes for `timeouts` exponential timeouts (1,000 processes),
    timed once per process: the yardstick every benchmark prints its figure beside, so that
    figures from noisy or other machines compare."""
    env = simpy.Environment()
    rng = random.Random(1)

    def proc() -> simpy.events.ProcessGenerator:
        for _ in range(timeouts // processes):
            yield env.timeout(rng.expovariate(1.0))

    for _ in range(processes):
        env.process(proc())
    start = time.perf_counter()
    env.run()
    return time.perf_counter() - start


def per_simpy(per_second: float) -> str:
    """A rate beside the raw SimPy loop of this process: `rate/s (ratio × SimPy 1 M timeouts)`,
    the ratio being the rate over SimPy's timeouts per second."""
    simpy_rate = SIMPY_TIMEOUTS / simpy_loop_seconds()
    return f"{per_second:,.0f}/s ({per_second / simpy_rate:.3f} × SimPy's {simpy_rate:,.0f}/s)"


def simpy_line() -> str:
    """The yardstick line every benchmark prints first."""
    seconds = simpy_loop_seconds()
    return (
        f"raw SimPy loop, same process: {SIMPY_TIMEOUTS:,} timeouts in {seconds:.2f} s "
        f"({SIMPY_TIMEOUTS / seconds:,.0f}/s)"
    )


def application(members: int, store: Store | None = None) -> tuple[CentralApplication, FixedClock]:
    """An application with `members` members of zorgkas 180 and the fixture MBEs."""
    clock = FixedClock(dt.date(2024, 3, 10))
    app = CentralApplication(store, clock)
    registry = synthetic_registry(members)
    app.store.load_registry(registry)
    app.store.load_mbes(load_mbes(ROOT / "fixtures" / "mbes.toml"))
    return app, clock


def insz_of(app: CentralApplication, count: int) -> list[str]:
    """The INSZ of the first `count` members."""
    rows = app.store.db.execute("SELECT insz FROM persons ORDER BY rowid LIMIT ?", (count,))
    return [row[0] for row in rows]


def request(insz: str, message_id: str) -> dict[str, Any]:
    """A correct request of type new, started on START."""
    return sample_request(MBE, insz, START, message_id)


def forfait_shipment(patients: list[tuple[str, str]]) -> dict[str, Any]:
    """A shipment to zorgkas 180 with one full-forfait invoice per (INSZ, reference)."""
    invoices = [
        build.original_invoice(f"F-{i}", insz, reference, "773172", START, "2900.00")
        for i, (insz, reference) in enumerate(patients)
    ]
    return build.shipment(
        f"s-{len(patients)}", MBE, 180, "001/202403", dt.date(2024, 3, 10), invoices
    )
