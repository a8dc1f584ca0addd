"""Waiting times in the zorgkas queues, and how soon stopped begeleidingen are paid.

A wait runs from the moment an item enters a queue (a message under review: its arrival; a
prestation line or a shipment to sign: the first working morning it is in the queue; a payment
order: its signature) to the moment a staff member finishes it. An item still waiting when the
run ends counts with the wait it has had so far (a lower bound), so that a queue that never
empties cannot look short. Waits are given in calendar days and in the zorgkas's working days
(only time on its workdays counts: a message that arrives on Friday at 14:00 and is decided on
Monday at 09:00 waited 2.8 days, 0.8 working days).
"""

from __future__ import annotations

import datetime as dt
import math
import statistics
from collections.abc import Iterable, Sequence
from typing import Any

__all__ = ["PAYMENT_WITHIN_DAYS", "WaitLog", "WorkingCalendar", "payment_share", "percentile"]

# "Paid within 6 weeks": the planners' promise the KPI stop_to_payment_within_42d measures.
PAYMENT_WITHIN_DAYS = 42


def percentile(values: Sequence[float], q: float) -> float:
    """The q-quantile (0..1) of `values`, linear between order statistics; 0 when empty."""
    ordered = sorted(values)
    if not ordered:
        return 0.0
    position = q * (len(ordered) - 1)
    low = math.floor(position)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (position - low)


class WorkingCalendar:
    """Working time between two simulated moments, for one set of ISO workdays."""

    def __init__(self, start: dt.date, days: int, workdays: Iterable[int]) -> None:
        working = set(workdays)
        self.is_workday = [
            (start + dt.timedelta(days=d)).isoweekday() in working for d in range(days + 2)
        ]
        self.before = [0]  # working days in [0, d)
        for flag in self.is_workday:
            self.before.append(self.before[-1] + int(flag))

    def _at(self, t: float) -> float:
        day = min(int(t), len(self.is_workday) - 1)
        return self.before[day] + ((t - day) if self.is_workday[day] else 0.0)

    def between(self, start: float, end: float) -> float:
        """Working days from `start` to `end` (simulated days since the run's start)."""
        return max(0.0, self._at(end) - self._at(start))


class WaitLog:
    """Items entering and leaving the queues of each zorgkas, keyed ``<kas>/<queue>``."""

    def __init__(self) -> None:
        self.open: dict[str, dict[str, float]] = {}
        self.done: dict[str, list[tuple[float, float]]] = {}

    def start(self, queue: str, item: str, at: float) -> None:
        """An item is in `queue` since `at` (a later call for the same item changes nothing)."""
        self.open.setdefault(queue, {}).setdefault(item, at)

    def waiting(self, queue: str, item: str) -> bool:
        """Whether `item` is in `queue` (started and not finished)."""
        return item in self.open.get(queue, ())

    def end(self, queue: str, item: str, at: float) -> None:
        """A staff member finished an item at `at`."""
        since = self.open.get(queue, {}).pop(item, None)
        if since is not None:
            self.done.setdefault(queue, []).append((since, at))

    def summary(self, now: float, calendars: dict[int, WorkingCalendar]) -> dict[str, Any]:
        """Per queue: items finished and still open, and the waits in days and working days
        (mean, p95, p99, max), open items counted with their wait so far."""
        found: dict[str, Any] = {}
        for queue in sorted(set(self.open) | set(self.done)):
            calendar = calendars[int(queue.split("/")[0])]
            still = ((since, now) for since in self.open.get(queue, {}).values())
            spans = [*self.done.get(queue, []), *still]
            found[queue] = {
                "finished": len(self.done.get(queue, [])),
                "open": len(self.open.get(queue, {})),
                "days": _figures([b - a for a, b in spans]),
                "workingDays": _figures([calendar.between(a, b) for a, b in spans]),
            }
        return found


def _figures(waits: list[float]) -> dict[str, float]:
    if not waits:
        return {"mean": 0.0, "p95": 0.0, "p99": 0.0, "max": 0.0}
    return {
        "mean": round(statistics.fmean(waits), 4),
        "p95": round(percentile(waits, 0.95), 4),
        "p99": round(percentile(waits, 0.99), 4),
        "max": round(max(waits), 4),
    }


def payment_share(stopped: Iterable[tuple[int, int | None]], days: int) -> dict[str, Any]:
    """Of the begeleidingen stopped at least PAYMENT_WITHIN_DAYS before the end of the run (and
    billable: no reason for non-billing, not cancelled), the share whose forfait was paid within
    PAYMENT_WITHIN_DAYS of the stop. `stopped` holds (stop day, paid day or None)."""
    eligible = [(s, p) for s, p in stopped if s <= days - PAYMENT_WITHIN_DAYS]
    within = sum(1 for s, p in eligible if p is not None and p - s <= PAYMENT_WITHIN_DAYS)
    return {
        "withinDays": PAYMENT_WITHIN_DAYS,
        "eligible": len(eligible),
        "paidWithin": within,
        "share": round(within / len(eligible), 4) if eligible else None,
    }
