"""Replications of every sweep point, until they are as many as asked or precise enough.

Replication i has the same seed at every sweep point (common random numbers: the points differ
only by what the sweep changes, so their difference is measured with less noise), and each
replication's streams are independent of the others' (`derive_seed` of the plan's seed and the
replication number). With `precision`, replications are added in rounds until the 95 %
confidence-interval half-width of each chosen KPI, relative to its mean, is at most the
precision at every point, or `max_replications` is reached.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from concurrent.futures import Executor, as_completed
from dataclasses import dataclass, field

from simulator.planning.intervals import Interval, interval
from simulator.planning.kpis import KPIS, daily_backlog, kpi_values
from simulator.planning.observe import Observations, Task, run_task
from simulator.planning.sweep import Point
from simulator.planning.warmup import Warmup, mser5
from simulator.random_streams import derive_seed

__all__ = ["FIRST_ROUND", "Plan", "PlanResult", "replication_seed", "run_plan"]

FIRST_ROUND = 5  # replications before the first precision check


def replication_seed(seed: int, replication: int) -> int:
    """The seed of replication `replication` (the same at every sweep point)."""
    return derive_seed(seed, f"replication/{replication}") % 2**63


@dataclass(frozen=True)
class Plan:
    """What to run: the points, days, seed, and the stopping rule."""

    points: list[Point]
    days: int
    seed: int
    replications: int | None = None  # a fixed number, or
    precision: float | None = None  # a relative half-width to reach
    precision_kpis: tuple[str, ...] = tuple(KPIS)
    max_replications: int = 100
    warmup_days: int | None = None  # given; None: MSER-5
    kas: int | None = None  # the zorgkas of the KPIs; None: all pooled


@dataclass
class PlanResult:
    """Every replication's observations and KPI values, intervals, warm-up, precision."""

    plan: Plan
    observations: dict[int, list[Observations]] = field(default_factory=dict)
    warmup: Warmup = field(default_factory=lambda: Warmup(0, "given"))
    values: dict[int, dict[str, list[float]]] = field(default_factory=dict)
    intervals: dict[int, dict[str, Interval]] = field(default_factory=dict)
    history: list[tuple[int, dict[str, float]]] = field(default_factory=list)
    reached: bool = True
    unsettled: list[int] = field(default_factory=list)  # points without a steady state

    @property
    def replications(self) -> int:
        """Replications per point."""
        return len(self.observations.get(0, []))


def _round(
    plan: Plan, executor: Executor, first: int, count: int, progress: Callable[[int], None]
) -> dict[tuple[int, int], Observations]:
    tasks = [
        Task(p.index, r, replication_seed(plan.seed, r), p.scenario, plan.days)
        for r in range(first, first + count)
        for p in plan.points
    ]
    futures = [executor.submit(run_task, task) for task in tasks]
    for _ in as_completed(futures):
        progress(1)
    return {(f.result().point, f.result().replication): f.result() for f in futures}


def _warmup(plan: Plan, result: PlanResult) -> Warmup:
    """MSER-5 on each point's mean daily backlog; the longest of the points that settle (a
    point whose queue keeps growing has no steady state to wait for: `unsettled` lists it)."""
    if plan.warmup_days is not None:
        return Warmup(plan.warmup_days, "given")
    found = {}
    for point, runs in result.observations.items():
        series = [daily_backlog(o, plan.kas) for o in runs]
        found[point] = mser5([math.fsum(day) / len(series) for day in zip(*series, strict=True)])
    result.unsettled = [p for p, w in found.items() if not w.settled]
    settled = [w for w in found.values() if w.settled] or list(found.values())
    return max(settled, key=lambda w: w.days)


def _evaluate(plan: Plan, result: PlanResult) -> None:
    result.warmup = _warmup(plan, result)
    for point, runs in result.observations.items():
        rows = [kpi_values(o, result.warmup.days, plan.kas) for o in runs]
        result.values[point] = {k: [row[k] for row in rows] for k in KPIS}
        result.intervals[point] = {
            k: _safe_interval(values) for k, values in result.values[point].items()
        }
    worst = {
        k: max(result.intervals[p][k].relative for p in result.intervals)
        for k in plan.precision_kpis
    }
    result.history.append((result.replications, worst))


def _safe_interval(values: list[float]) -> Interval:
    try:
        return interval(values)
    except ValueError:  # no replication had an eligible item (e.g. no stop after warm-up)
        return Interval(float("nan"), float("nan"), 0)


def _precise(plan: Plan, result: PlanResult) -> bool:
    assert plan.precision is not None
    _, worst = result.history[-1]
    return all(not v > plan.precision for v in worst.values())  # NaN: nothing to measure


def run_plan(
    plan: Plan, executor: Executor, progress: Callable[[int], None] = lambda _: None
) -> PlanResult:
    """Run the plan's replications on `executor` and compute their intervals."""
    result = PlanResult(plan, {p.index: [] for p in plan.points})
    count = plan.replications or min(FIRST_ROUND, plan.max_replications)
    while True:
        first = result.replications
        found = _round(plan, executor, first, count, progress)
        for (point, _), obs in sorted(found.items()):
            result.observations[point].append(obs)
        _evaluate(plan, result)
        if plan.precision is None or _precise(plan, result):
            return result
        if result.replications >= plan.max_replications:
            result.reached = False
            return result
        count = min(max(2, result.replications // 2), plan.max_replications - result.replications)
