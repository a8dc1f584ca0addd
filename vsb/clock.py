"""The injected clock: no rule reads today's date by itself."""

from __future__ import annotations

import datetime as dt
from typing import Protocol

BRUSSELS = dt.timezone(dt.timedelta(hours=1), "CET")


class Clock(Protocol):
    """What the engine asks for the current moment."""

    def now(self) -> dt.datetime:
        """The current moment, timezone-aware."""
        ...


class FixedClock:
    """A clock that stands still until told to move: tests, simulation, test control."""

    def __init__(self, moment: dt.datetime | dt.date) -> None:
        self._moment = _aware(moment)

    def now(self) -> dt.datetime:
        """The moment the clock was set to."""
        return self._moment

    def set(self, moment: dt.datetime | dt.date) -> None:
        """Move the clock to `moment` (forwards or backwards)."""
        self._moment = _aware(moment)

    def advance(self, days: float = 0, seconds: float = 0) -> None:
        """Move the clock forwards."""
        self._moment += dt.timedelta(days=days, seconds=seconds)


class SystemClock:
    """The wall clock, for a service that runs for real."""

    def now(self) -> dt.datetime:
        """The current moment."""
        return dt.datetime.now(dt.UTC).astimezone()


def _aware(moment: dt.datetime | dt.date) -> dt.datetime:
    if not isinstance(moment, dt.datetime):
        moment = dt.datetime.combine(moment, dt.time(9, 0))
    return moment if moment.tzinfo else moment.replace(tzinfo=BRUSSELS)


def today(clock: Clock) -> dt.date:
    """The calendar day of the clock's moment."""
    return clock.now().date()
