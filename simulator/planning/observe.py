"""One replication: a seeded run reduced to the observations the KPIs are computed from.

A replication returns what happened and when (every wait, every day's backlog and staff hours,
every stop and its payment, every shipment and message latency), not finished KPIs, so that the
warm-up can be cut after the fact and the same observations serve every KPI. The task and its
result are plain picklable data: any `concurrent.futures` executor can run it.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from simulator.runner import simulate
from simulator.scenario import Scenario

__all__ = ["Observations", "Task", "run_task"]


@dataclass(frozen=True)
class Task:
    """Replication `replication` of sweep point `point`, with its seed."""

    point: int
    replication: int
    seed: int
    scenario: Scenario
    days: int


@dataclass(frozen=True)
class Observations:
    """What one replication observed (times in simulated days since the start)."""

    point: int
    replication: int
    seed: int
    days: int
    start: dt.date
    workdays: dict[int, tuple[int, ...]]
    waits: dict[str, list[tuple[float, float, bool]]]  # queue -> (start, end, finished)
    backlog: dict[str, list[tuple[int, int]]]  # queue -> (day, items at the day's start)
    staff: dict[int, list[tuple[int, float, float]]]  # kas -> (day, available h, busy h)
    stopped: list[tuple[int, int | None, int]]  # (stop day, paid day, zorgkas)
    shipments: list[tuple[int, bool]]  # (day, refused as a whole)
    latency: list[tuple[float, float]]  # (sent at, minutes to the answer)


def run_task(task: Task) -> Observations:
    """Run one replication (in whatever process or thread the executor chose)."""
    sim = simulate(task.scenario, task.days, task.seed, streams=False).simulation
    tally = sim.tally
    start = task.scenario.start_date
    waits: dict[str, list[tuple[float, float, bool]]] = {}
    for queue in sorted(set(tally.waits.done) | set(tally.waits.open)):
        done = [(a, b, True) for a, b in tally.waits.done.get(queue, [])]
        still = [(a, float(task.days), False) for a in tally.waits.open.get(queue, {}).values()]
        waits[queue] = done + still
    return Observations(
        point=task.point,
        replication=task.replication,
        seed=task.seed,
        days=task.days,
        start=start,
        workdays={kas: cfg.workdays for kas, cfg in task.scenario.staff.items()},
        waits=waits,
        backlog={
            key: [((dt.date.fromisoformat(day) - start).days, n) for day, n in samples]
            for key, samples in tally.backlogs.items()
        },
        staff={kas: list(days) for kas, days in tally.staff_days.items()},
        stopped=_stopped(tally.billables),
        shipments=list(tally.shipment_log),
        latency=list(tally.latency_log),
    )


def _stopped(billables: list[Any]) -> list[tuple[int, int | None, int]]:
    return [
        (b.stopped_day, b.paid_day, b.kas or b.zorgkas or b.episode.patient.zorgkas or 0)
        for b in billables
        if b.stopped_day is not None and not b.cancelled and b.episode.non_billing_reason is None
    ]
