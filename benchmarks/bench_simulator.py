"""One simulated year of default traffic and of ×10: wall time, the ratio between them, peak
memory, and each figure beside the raw SimPy loop (1 M timeouts) timed in the same process.

Run: `.venv/bin/python -m benchmarks.bench_simulator [--days N] [--skip-x10] [--runs N]`.
Each year runs in a fresh child process (spawned), so that its peak memory (the child's peak
resident set, `resource.getrusage`) is its own; the reference application runs in-process in
it; the output streams go to a temporary folder. A run is split into the engine's share
(every port call), planning (`make_plans`, with the population) and the rest of the model
(actors, KPI, output); the model's part (planning and the rest) is also given beside the
SimPy loop. With `--runs N` each scenario runs N times (each in its own child) and a line gives
the medians.
"""

from __future__ import annotations

import argparse
import multiprocessing
import resource
import statistics
import tempfile
import time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path
from typing import Any

import simulator.model
import simulator.plans
from benchmarks._setup import simpy_line, simpy_loop_seconds
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


def year(name: str, days: int) -> dict[str, Any]:
    """One run of a scenario (in the calling process): its wall time, the engine's share,
    planning, the rest of the model, SimPy events and the process's peak resident memory in
    MiB."""
    scenario = load_scenario(SCENARIOS / name)
    central = TimedCentral()
    with tempfile.TemporaryDirectory() as folder:
        start, cpu = time.perf_counter(), time.process_time()
        result = simulate(scenario, days, 1, Path(folder), port=central)
        wall, cpu = time.perf_counter() - start, time.process_time() - cpu
    return {
        "name": name,
        "days": days,
        "wall": wall,
        "cpu": cpu,
        "engine": central.engine_seconds,
        "calls": central.calls,
        "events": next(result.simulation.env._eid),
        "planning": PLANNING["seconds"],
        "rest": wall - central.engine_seconds - PLANNING["seconds"],
        "peak_mib": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
    }


def year_in_child(name: str, days: int) -> dict[str, Any]:
    """`year` in a fresh spawned process, so that the peak memory is that run's alone."""
    context = multiprocessing.get_context("spawn")
    with ProcessPoolExecutor(max_workers=1, mp_context=context) as pool:
        return pool.submit(year, name, days).result()


def report(run: dict[str, Any], loop: float) -> str:
    """One run's line: wall time (and in raw SimPy loops), engine share, planning, memory."""
    calls = max(1, run["calls"])
    rest = run["rest"]
    return (
        f"{run['name']}: {run['days']} days in {run['wall']:.1f} s "
        f"({run['wall'] / loop:.1f} × the SimPy loop; CPU time {run['cpu']:.1f} s); "
        f"{run['calls']:,} engine calls taking "
        f"{run['engine']:.1f} s ({run['engine'] / calls * 1e6:.0f} µs each); "
        f"{run['events']:,} SimPy events; planning {run['planning']:.1f} s; rest of the model "
        f"(actors, KPI, output) {rest:.1f} s; the model (planning and the rest) "
        f"{(run['planning'] + rest) / loop:.2f} × the SimPy loop; "
        f"peak memory {run['peak_mib']:,.0f} MiB"
    )


def median_run(runs: list[dict[str, Any]]) -> dict[str, Any]:
    """The median of each figure over runs of one scenario (each figure on its own)."""
    found = dict(runs[0])
    for key in ("wall", "cpu", "engine", "planning", "rest", "peak_mib"):
        found[key] = statistics.median(run[key] for run in runs)
    return found


def measured(name: str, days: int, runs: int, loop: float) -> dict[str, Any]:
    """Run a scenario `runs` times, print each run, and the medians when there are several."""
    found = []
    for _ in range(runs):
        found.append(year_in_child(name, days))
        print(report(found[-1], loop), flush=True)
    if runs == 1:
        return found[0]
    middle = median_run(found)
    print(f"median of {runs} runs: {report(middle, loop)}", flush=True)
    return middle


def main() -> None:
    """The SimPy yardstick, the default year, ×10, and their ratio."""
    parser = argparse.ArgumentParser()
    parser.add_argument("--days", type=int, default=365)
    parser.add_argument("--skip-x10", action="store_true")
    parser.add_argument("--runs", type=int, default=1, help="runs of each scenario (medians)")
    args = parser.parse_args()
    if args.days < 1 or args.runs < 1:
        parser.error("--days and --runs must be whole numbers >= 1")
    print(simpy_line())
    loop = simpy_loop_seconds()
    default = measured("flanders-2024.toml", args.days, args.runs, loop)
    if not args.skip_x10:
        x10 = measured("flanders-2024-x10.toml", args.days, args.runs, loop)
        print(
            f"×10 / default: {x10['wall'] / default['wall']:.2f} in wall time, "
            f"{x10['cpu'] / default['cpu']:.2f} in CPU time (aim <= 10); "
            f"peak memory of ×10: {x10['peak_mib']:,.0f} MiB (aim < 2,048)"
        )
    print(f"raw SimPy loop again, same process: {loop:.2f} s (the first figure)")


if __name__ == "__main__":
    main()
