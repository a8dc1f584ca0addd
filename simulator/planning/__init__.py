"""Capacity planning over the simulator: replications, confidence intervals, warm-up, sweeps,
targets, executors and the report behind `vsb plan` (docs/planning.md)."""

from simulator.planning.executors import make_executor
from simulator.planning.intervals import Interval, interval
from simulator.planning.kpis import KPIS, kpi_values
from simulator.planning.observe import Observations, Task, run_task
from simulator.planning.replications import Plan, PlanResult, replication_seed, run_plan
from simulator.planning.sweep import Point, Sweep, parse_sweep, points
from simulator.planning.target import Target, parse_target, smallest_staff, verdict
from simulator.planning.warmup import Warmup, mser5

__all__ = [
    "KPIS",
    "Interval",
    "Observations",
    "Plan",
    "PlanResult",
    "Point",
    "Sweep",
    "Target",
    "Task",
    "Warmup",
    "interval",
    "kpi_values",
    "make_executor",
    "mser5",
    "parse_sweep",
    "parse_target",
    "points",
    "replication_seed",
    "run_plan",
    "run_task",
    "smallest_staff",
    "verdict",
]
