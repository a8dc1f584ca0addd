"""Measure one simulated year of default traffic and of ×10, and raw SimPy events per second.

Run: `.venv/bin/python benchmarks/bench_simulator.py [--days N] [--skip-x10]`.
The reference application runs in-process; the output streams go to a temporary folder.
The simulator's own share is split into planning (`make_plans`, with the population) and the
rest of the model (actors, KPI, output), beside the engine's share (every port call).
"""

from __future__ import annotations

import argparse
import random
import tempfile
import time
from pathlib import Path
from typing import Any

import simpy

import simulator.model
import simulator.plans
from simulator import load_scenario, simulate
from simulator.central import InProcessCentral

SCENARIOS = Path(__file__).resolve().parents[1] / "fixtures" / "scenarios"


PORT_CALLS = (
    "setup",
    "record_deaths",
    "handle",
    "review_queue",
    "decide",
    "billing_queue",
    "decide_line",
    "unsigned_shipments",
    "sign",
    "record_payment",
)


class TimedCentral(InProcessCentral):
    """The in-process reference, timing the engine's share of the run (every port call)."""

    def __init__(self) -> None:
        super().__init__()
        self.engine_seconds = 0.0
        self.calls = 0


def _timed(name: str) -> Any:
    def call(self: TimedCentral, *args: Any, **kwargs: Any) -> Any:
        start = time.perf_counter()
        try:
            return getattr(InProcessCentral, name)(self, *args, **kwargs)
        finally:
            self.engine_seconds += time.perf_counter() - start
            self.calls += 1

    return call


for _name in PORT_CALLS:
    setattr(TimedCentral, _name, _timed(_name))

PLANNING = {"seconds": 0.0}
_make_plans = simulator.plans.make_plans


def _timed_plans(*args: Any, **kwargs: Any) -> Any:
    start = time.perf_counter()
    try:
        return _make_plans(*args, **kwargs)
    finally:
        PLANNING["seconds"] = time.perf_counter() - start


setattr(simulator.model, "make_plans", _timed_plans)  # noqa: B010  (the name the model calls)


def raw_simpy(timeouts: int = 1_000_000, processes: int = 1_000) -> float:
    """Timeouts per second of bare SimPy processes with exponential delays."""
    env = simpy.Environment()
    rng = random.Random(1)

    def proc() -> simpy.events.ProcessGenerator:
        for _ in range(timeouts // processes):
            yield env.timeout(rng.expovariate(1.0))

    for _ in range(processes):
        env.process(proc())
    start = time.perf_counter()
    env.run()
    return timeouts / (time.perf_counter() - start)


def year(name: str, days: int) -> None:
    """Print the wall time of one run of a scenario and the engine's share of it."""
    scenario = load_scenario(SCENARIOS / name)
    central = TimedCentral()
    with tempfile.TemporaryDirectory() as folder:
        start = time.perf_counter()
        result = simulate(scenario, days, 1, Path(folder), port=central)
        wall = time.perf_counter() - start
    events = next(result.simulation.env._eid)
    plans = PLANNING["seconds"]
    print(
        f"{name}: {days} days in {wall:.1f} s; {central.calls:,} engine calls taking "
        f"{central.engine_seconds:.1f} s ({central.engine_seconds / central.calls * 1e6:.0f} "
        f"µs each); {events:,} SimPy events; planning {plans:.1f} s; rest of the model "
        f"(actors, KPI, output) {wall - central.engine_seconds - plans:.1f} s"
    )


def main() -> None:
    """Run the three measurements."""
    parser = argparse.ArgumentParser()
    parser.add_argument("--days", type=int, default=365)
    parser.add_argument("--skip-x10", action="store_true")
    args = parser.parse_args()
    print(f"raw SimPy: {raw_simpy():,.0f} timeouts/s (1,000 processes, 1,000,000 timeouts)")
    year("flanders-2024.toml", args.days)
    if not args.skip_x10:
        year("flanders-2024-x10.toml", args.days)


if __name__ == "__main__":
    main()
