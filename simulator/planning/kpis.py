"""The planning KPIs of one replication, computed from its observations after the warm-up.

Every KPI is for one zorgkas, or for all zorgkassen pooled (`kas` None); the central
application's figures are for the whole system. Only what starts after the warm-up counts: a
wait whose item entered its queue after it, a day after it, a stop after it.
"""

from __future__ import annotations

import statistics
from dataclasses import dataclass

from simulator.planning.observe import Observations
from simulator.waits import PAYMENT_WITHIN_DAYS, WorkingCalendar, percentile

__all__ = ["KPIS", "Kpi", "kpi_values"]


@dataclass(frozen=True)
class Kpi:
    """A KPI: its name (as in --target), unit, what it means, and which way is better."""

    name: str
    unit: str
    meaning: str
    higher_is_better: bool


KPIS = {
    k.name: k
    for k in (
        Kpi("review_wait_mean_days", "working days", "mean wait of a message under review", False),
        Kpi("review_wait_p95_days", "working days", "95th percentile of that wait", False),
        Kpi("review_wait_p99_days", "working days", "99th percentile of that wait", False),
        Kpi("payment_wait_p95_days", "working days", "signature to payment, p95", False),
        Kpi("backlog_mean_items", "items", "messages and lines waiting at day start", False),
        Kpi("staff_utilisation", "share", "busy / available staff hours (all work)", False),
        Kpi(
            "stop_to_payment_within_42d",
            "share",
            f"stopped begeleidingen paid within {PAYMENT_WITHIN_DAYS} days of the stop",
            True,
        ),
        Kpi("central_latency_p95_minutes", "minutes", "send to answer, p95 (system)", False),
        Kpi("shipments_refused_share", "share", "shipments refused as a whole (system)", False),
    )
}


def _mine(queue: str, kas: int | None, kind: str) -> bool:
    owner, name = queue.split("/")
    return name == kind and (kas is None or int(owner) == kas)


def _waits(obs: Observations, kas: int | None, kind: str, warmup: float) -> list[float]:
    found = []
    for queue, spans in obs.waits.items():
        if _mine(queue, kas, kind):
            owner = int(queue.split("/")[0])
            calendar = WorkingCalendar(obs.start, obs.days, obs.workdays[owner])
            found += [calendar.between(a, b) for a, b, _ in spans if a >= warmup]
    return found


def _backlog(obs: Observations, kas: int | None, warmup: int) -> float:
    per_day: dict[int, int] = {}
    for queue, samples in obs.backlog.items():
        if _mine(queue, kas, "messages") or _mine(queue, kas, "lines"):
            for day, size in samples:
                if day >= warmup:
                    per_day[day] = per_day.get(day, 0) + size
    return statistics.fmean(per_day.values()) if per_day else 0.0


def _utilisation(obs: Observations, kas: int | None, warmup: int) -> float:
    rows = [
        (available, busy)
        for owner, days in obs.staff.items()
        if kas is None or owner == kas
        for day, available, busy in days
        if day >= warmup
    ]
    available = sum(a for a, _ in rows)
    return sum(b for _, b in rows) / available if available else 0.0


def _paid_within(obs: Observations, kas: int | None, warmup: int) -> float:
    eligible = [
        (stop, paid)
        for stop, paid, owner in obs.stopped
        if warmup <= stop <= obs.days - PAYMENT_WITHIN_DAYS and (kas is None or owner == kas)
    ]
    within = sum(
        1 for stop, paid in eligible if paid is not None and paid - stop <= PAYMENT_WITHIN_DAYS
    )
    return within / len(eligible) if eligible else float("nan")


def kpi_values(obs: Observations, warmup: int, kas: int | None = None) -> dict[str, float]:
    """Every KPI of `KPIS` for zorgkas `kas` (None: all pooled), after `warmup` days."""
    reviews = _waits(obs, kas, "messages", warmup)
    payments = _waits(obs, kas, "payments", warmup)
    shipments = [refused for day, refused in obs.shipments if day >= warmup]
    latency = [m for sent, m in obs.latency if sent >= warmup]
    return {
        "review_wait_mean_days": statistics.fmean(reviews) if reviews else 0.0,
        "review_wait_p95_days": percentile(reviews, 0.95),
        "review_wait_p99_days": percentile(reviews, 0.99),
        "payment_wait_p95_days": percentile(payments, 0.95),
        "backlog_mean_items": _backlog(obs, kas, warmup),
        "staff_utilisation": _utilisation(obs, kas, warmup),
        "stop_to_payment_within_42d": _paid_within(obs, kas, warmup),
        "central_latency_p95_minutes": percentile(latency, 0.95),
        "shipments_refused_share": sum(shipments) / len(shipments) if shipments else 0.0,
    }


def daily_backlog(obs: Observations, kas: int | None) -> list[float]:
    """Items waiting (messages and lines) at the start of each day; days without staff work
    carry the last sample forward (the series MSER-5 and the backlog plot read)."""
    per_day = [0.0] * obs.days
    seen = [False] * obs.days
    for queue, samples in obs.backlog.items():
        if _mine(queue, kas, "messages") or _mine(queue, kas, "lines"):
            for day, size in samples:
                if 0 <= day < obs.days:
                    per_day[day] += size
                    seen[day] = True
    for day in range(1, obs.days):
        if not seen[day]:
            per_day[day] = per_day[day - 1]
    return per_day


def weekly_review_wait(obs: Observations, kas: int | None) -> list[float]:
    """Mean review wait (working days) of the messages entering the queue each week (NaN for
    a week without any): the waiting-time-over-time plot."""
    weeks: dict[int, list[float]] = {}
    for queue, spans in obs.waits.items():
        if _mine(queue, kas, "messages"):
            calendar = WorkingCalendar(obs.start, obs.days, obs.workdays[int(queue.split("/")[0])])
            for a, b, _ in spans:
                weeks.setdefault(int(a // 7), []).append(calendar.between(a, b))
    count = (obs.days + 6) // 7
    return [statistics.fmean(weeks[w]) if w in weeks else float("nan") for w in range(count)]
