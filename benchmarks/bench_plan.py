"""Replications per second of `vsb plan` at 1 and 2 workers (process pool), and the speed-up.

Run: `.venv/bin/python -m benchmarks.bench_plan [--days N] [--replications N]`.
Each measurement runs the same plan (the small scenario, one point, N replications of N days)
on a fresh `ProcessPoolExecutor`; pool start-up counts, as it does for `vsb plan`. The aim is
a speed-up of at least 1.8 on 2 free cores: replications share nothing but their inputs.
"""

from __future__ import annotations

import argparse
import time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

from simulator.planning.replications import Plan, run_plan
from simulator.planning.sweep import points

SMALL = Path(__file__).resolve().parents[1] / "fixtures" / "scenarios" / "small.toml"


def rate(workers: int, days: int, replications: int) -> float:
    """Replications per second of the plan on `workers` processes."""
    plan = Plan(points(SMALL, []), days, seed=1, replications=replications, warmup_days=0)
    start = time.perf_counter()
    with ProcessPoolExecutor(max_workers=workers) as pool:
        run_plan(plan, pool)
    return replications / (time.perf_counter() - start)


def main(argv: list[str] | None = None) -> None:
    """Print replications per second at 1 and 2 workers and the speed-up."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--days", type=int, default=365)
    parser.add_argument("--replications", type=int, default=8)
    args = parser.parse_args(argv)
    one = rate(1, args.days, args.replications)
    two = rate(2, args.days, args.replications)
    print(f"small scenario, {args.days} days, {args.replications} replications")
    print(f"1 worker : {one:6.2f} replications/s")
    print(f"2 workers: {two:6.2f} replications/s")
    print(f"speed-up : {two / one:6.2f} (aim >= 1.8 on 2 free cores)")


if __name__ == "__main__":
    main()
