"""The harness's side of direction 2: the central application the MBE software talks to, and
the candidate software, made from the run's options.

The central application is the recording reference (`RecordingApplication`) behind the same
adapter the suite uses for direction 1 (`InProcessCentral`), so the Givens that load persons,
MBEs and the clock work in both directions; every message the candidate sends lands in the
adapter's transcript, and so in the reports.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from conformance.adapters.base import Reply
from conformance.adapters.inprocess import InProcessCentral
from conformance.mbe.driver import CentralLink, MbeDriver, Session
from conformance.mbe.recording import Record, RecordingApplication
from vsb.clock import FixedClock

DriverFactory = Callable[[], MbeDriver]


class HarnessCentral(InProcessCentral):
    """The recording reference application, as the suite's adapter, for MBE software."""

    def __init__(self) -> None:
        super().__init__(self._make, target="harness (recording reference application)")

    def _make(self, clock: FixedClock) -> RecordingApplication:
        app = RecordingApplication(clock=clock)
        app.listeners.append(self._heard)
        return app

    @property
    def recording(self) -> RecordingApplication:
        """The application of the current scenario."""
        assert isinstance(self.app, RecordingApplication)
        return self.app

    def _heard(self, record: Record) -> None:
        self.transcript.add(
            f"MBE software {record.mbe}",
            f"sent {record.kind}" + (" (answer chosen by the scenario)" if record.scripted else ""),
            record.message,
            Reply(200, record.answer),
        )

    def link(self, hco: str) -> CentralLink:
        """The central application as in-process software of MBE `hco` reaches it."""
        return self.recording.link(hco)

    def session(self, hco: str) -> Session:
        """What MBE software of `hco` is given to reach this central application."""
        return Session(hco, link=self.link(hco))

    def now(self) -> dt.datetime:
        """The harness's clock."""
        return self.clock.now()

    def records(self, hco: str, *kinds: str) -> list[Record]:
        """What MBE `hco` sent in this scenario (of the given kinds)."""
        return self.recording.sent_by(hco, kinds)

    def describe(self) -> dict[str, Any]:
        """What the reports say about the central application the candidate talked to."""
        return {"target": self.target}
