"""Replications per second of `vsb plan` at 1 and 2 workers (process pool), the speed-up, and
where the rest goes.

Run: `.venv/bin/python -m benchmarks.bench_plan [--days N] [--replications N]`.
Each measurement runs the same plan (the small scenario, one point, N replications of N days)
on a fresh process pool made as `vsb plan` makes it (`make_executor`); pool start-up counts.
Beside the rate it prints what decides the speed-up: the workers' CPU seconds per replication
(the same at 1 and 2 workers when nothing but the cores is shared), the parent's own CPU
seconds (the serial part: submitting, unpickling results, the intervals), the pickled size of
a replication's result, and the load average of the machine at the time (other processes
take the cores the second worker needs). The aim is a speed-up of at least 1.8 on 2 free
cores: replications share nothing but their inputs.
"""

from __future__ import annotations

import argparse
import os
import pickle
import resource
import time
from dataclasses import dataclass
from pathlib import Path

from benchmarks._setup import simpy_line, simpy_loop_seconds
from simulator.planning.executors import make_executor
from simulator.planning.replications import Plan, PlanResult, run_plan
from simulator.planning.sweep import points

SMALL = Path(__file__).resolve().parents[1] / "fixtures" / "scenarios" / "small.toml"


@dataclass(frozen=True)
class Measured:
    """One plan on `workers` processes."""

    workers: int
    wall: float
    worker_cpu: float  # the pool's processes, all together
    parent_cpu: float
    result_bytes: int  # pickled, one replication
    load: float  # the 1-minute load average at the end

    def rate(self, replications: int) -> float:
        """Replications per second."""
        return replications / self.wall


def _cpu(who: int) -> float:
    usage = resource.getrusage(who)
    return usage.ru_utime + usage.ru_stime


def _loop_cpu(_: int) -> float:
    start = time.process_time()
    simpy_loop_seconds.__wrapped__()  # not the cached figure: this process's own loop
    return time.process_time() - start


def machine_ceiling() -> float:
    """The speed-up this machine allows two processes of pure Python: the raw SimPy loop's
    CPU seconds alone over its CPU seconds with two loops at once (2.0 on 2 free, unshared
    cores; less where the two share caches, memory bandwidth or a host's core)."""
    executor, close = make_executor(1)
    try:
        alone = executor.submit(_loop_cpu, 0).result()
    finally:
        close()
    executor, close = make_executor(2)
    try:
        pair = list(executor.map(_loop_cpu, [0, 1]))
    finally:
        close()
    return 2 * alone / max(pair)


def measure(workers: int, days: int, replications: int) -> Measured:
    """Run the plan on a fresh pool of `workers` processes."""
    plan = Plan(points(SMALL, []), days, seed=1, replications=replications, warmup_days=0)
    children, parent = _cpu(resource.RUSAGE_CHILDREN), _cpu(resource.RUSAGE_SELF)
    start = time.perf_counter()
    executor, close = make_executor(workers)
    try:
        result: PlanResult = run_plan(plan, executor)
    finally:
        close()  # waits for the workers: their CPU time is then counted
    wall = time.perf_counter() - start
    return Measured(
        workers,
        wall,
        _cpu(resource.RUSAGE_CHILDREN) - children,
        _cpu(resource.RUSAGE_SELF) - parent,
        len(pickle.dumps(result.observations[0][0])),
        os.getloadavg()[0],
    )


def main(argv: list[str] | None = None) -> None:
    """Print replications per second at 1 and 2 workers, the speed-up and its causes."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--days", type=int, default=365)
    parser.add_argument("--replications", type=int, default=8)
    args = parser.parse_args(argv)
    print(simpy_line())
    loop = simpy_loop_seconds()
    print(f"small scenario, {args.days} days, {args.replications} replications")
    print(f"load average before: {os.getloadavg()[0]:.2f} (2 cores)")
    runs = [measure(n, args.days, args.replications) for n in (1, 2)]
    for m in runs:
        rate = m.rate(args.replications)
        print(
            f"{m.workers} worker{'s' if m.workers > 1 else ' '}: {rate:6.2f} replications/s "
            f"({rate * loop:.2f} per SimPy loop); wall {m.wall:.1f} s; workers' CPU "
            f"{m.worker_cpu / args.replications:.2f} s a replication; parent's CPU "
            f"{m.parent_cpu:.2f} s; result {m.result_bytes / 1024:,.0f} KiB; "
            f"cores the workers got {m.worker_cpu / m.wall:.2f}; load average {m.load:.2f}"
        )
    one, two = (m.rate(args.replications) for m in runs)
    print(f"speed-up : {two / one:6.2f} (aim >= 1.8 on 2 free cores)")
    # On free cores each worker runs its half of the replications at the CPU cost measured,
    # after and beside the parent's own (serial) part: the speed-up those CPU seconds allow.
    one_cpu, two_cpu = runs
    projected = (one_cpu.worker_cpu + one_cpu.parent_cpu) / (
        two_cpu.worker_cpu / 2 + two_cpu.parent_cpu
    )
    print(f"speed-up on 2 free cores, from the CPU seconds: {projected:6.2f}")
    print(f"the machine's own ceiling (two raw SimPy loops at once): {machine_ceiling():6.2f}")


if __name__ == "__main__":
    main()
