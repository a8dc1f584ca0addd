"""The one class that owns a run: the SimPy environment, the central port, streams and records."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Generator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import simpy

from simulator.central import CentralPort, InProcessCentral
from simulator.distributions import triangle
from simulator.faults import GroundTruth
from simulator.kpi import Tally
from simulator.output import Recorder
from simulator.plans import Episode, Plans, make_plans
from simulator.population import registry_snapshot
from simulator.random_streams import Streams
from simulator.registry_files import OVERLAY_FILE, write_mbes, write_overlay, write_registry
from simulator.scenario import Scenario
from simulator.workers import Workers

__all__ = ["Billable", "Simulation"]

Process = Generator[simpy.Event, Any, Any]


@dataclass
class Billable:
    """A begeleiding the MBE may bill: accepted, not cancelled, not billed yet.

    After its forfait was accepted the software may correct it: `correction` goes
    ``credit-due`` (a credit note in the next shipment) → ``credit-sent`` → ``corrective-due``
    (the credit note was accepted: a corrective original invoice in a later shipment) →
    ``done``. `line` is what the accepted invoice billed: (invoice number, code, amount).
    """

    episode: Episode
    reference: str
    accepted_day: int
    zorgkas: int | None = None  # from the MBE's insurance-status query
    stopped_day: int | None = None
    billed: bool = False
    cancelled: bool = False
    code: str | None = None  # the prestation code billed (full or reduced forfait)
    kas: int | None = None  # the zorgkas whose shipment accepted the forfait
    line: tuple[str, str, str] | None = None  # accepted invoice number, code, amount
    correction: str | None = None
    hold_until: int | None = None  # a fault: the software holds the invoice until this day
    duplicate_due: bool = False  # a fault: the software bills the forfait a second time
    wrong_credit: tuple[str, str, str] | None = None  # a fault: credits a rejected invoice
    change_under_review: bool = False  # a message of it waits for a staff decision
    paid_day: int | None = None  # the day its forfait was first paid


@dataclass
class MbeState:
    """What one MBE's software keeps between messages."""

    hco: str
    billables: list[Billable] = field(default_factory=list)
    invoice_count: int = 0
    shipment_count: int = 0
    used_numbers: list[str] = field(default_factory=list)


class Simulation:
    """One run of a scenario with a seed against a central application."""

    def __init__(
        self,
        scenario: Scenario,
        seed: int,
        days: int,
        out: Path | None = None,
        port: CentralPort | None = None,
        streams: bool = True,
    ) -> None:
        self.scenario, self.seed, self.days = scenario, seed, days
        self._epoch = dt.datetime.combine(scenario.start_date, dt.time())
        self._moment: tuple[float, dt.datetime] = (0.0, self._epoch)  # the last one made
        self.env = simpy.Environment()
        self.streams = Streams(seed)
        self.port: CentralPort = port or InProcessCentral(overlay=scenario.rulebook_overlay)
        self.rulebook = scenario.rulebook()  # its tariffs are the ones MBE software bills
        self.recorder = Recorder(out, keep=streams)  # streams: keep them without `out`
        self.truth = GroundTruth()
        self.tally = Tally(scenario, days)
        self.waiting: dict[str, simpy.Event] = {}  # message id -> its final decision
        self.central = Workers(self.env, scenario.central.workers)
        # other sectors' files waiting for zorgkas staff: (item id, task minutes) per zorgkas
        self.sector_queue: dict[int, list[tuple[str, tuple[float, float, float]]]] = {}
        self.mbes = {m.hco: MbeState(m.hco) for m in scenario.mbes}
        self.shipments: dict[str, dict[str, Any]] = {}  # settlement id -> tracking
        self.plans: Plans = make_plans(scenario, self.streams, days)
        self.progress: Callable[[int], None] | None = None
        self.deaths_delivered: list[tuple[str, dt.date]] = []  # by the daily deaths flow

    # -- time ---------------------------------------------------------------------------------

    def moment(self, now: float | None = None) -> dt.datetime:
        """The simulated moment (now by default); `Scenario.moment`, without rebuilding the
        start moment on every call (it is called for every message, answer and staff task).
        The same object for the same time, as long as the time does not change: what the
        output and the engine make from a moment is then made once."""
        when = self.env.now if now is None else now
        if when != self._moment[0]:
            self._moment = (when, self._epoch + dt.timedelta(days=when))
        return self._moment[1]

    def today(self) -> dt.date:
        """The simulated calendar day."""
        return self.scenario.day(self.env.now)

    def at(self, moment: str) -> float:
        """The simulated time of an ISO moment the central application gave."""
        found = dt.datetime.fromisoformat(moment).replace(tzinfo=None)
        return (found - self._epoch).total_seconds() / 86400

    def wait_until(self, when: float) -> simpy.Event:
        """A timeout to `when` (or no wait when it has passed)."""
        return self.env.timeout(max(0.0, when - self.env.now))

    # -- messages -----------------------------------------------------------------------------

    def send(
        self,
        message: dict[str, Any],
        faults: tuple[str, ...] = (),
        recorded: bool = False,
        on_processing: Callable[[], None] | None = None,
    ) -> Process:
        """Send a message: record it, wait the central processing time, record the answer.

        `faults` are written to the ground truth first; `recorded` says the caller already
        wrote the message's ground truth (wrong invoices of a shipment); `on_processing` runs
        when the central application takes the message (what it will see is decided then).
        """
        env, recorder, kind = self.env, self.recorder, message["kind"]
        for fault in faults:
            self.truth.record(message, fault)
            recorder.write("ground-truth", self.moment(), self.truth.records[-1])
        recorder.write("messages", self.moment(), message)
        central = self.scenario.central
        minutes = central.shipment_minutes if kind == "shipment" else central.answer_minutes
        sent = env.now
        turn = self.central.request()
        if turn is not None:
            yield turn
        yield env.timeout(triangle(self.streams("central/processing"), minutes) / 1440)
        self.central.release()
        self.tally.central_latency(kind, (env.now - sent) * 1440, sent)
        if on_processing is not None:
            on_processing()
        moment = self.moment()
        answer = self.port.handle(message, moment)
        recorder.write("settlements" if kind == "shipment" else "answers", moment, answer)
        self.tally.answer(message, answer, bool(faults) or recorded)
        return answer

    def decided(self, message_id: str, decision: dict[str, Any]) -> None:
        """A staff decision on a message reached its MBE."""
        self.recorder.write("decisions", self.moment(), decision)
        self.tally.decision(decision)
        event = self.waiting.pop(message_id, None)
        if event is not None:
            event.succeed(decision)

    def pending(self, message_id: str) -> simpy.Event:
        """The event of the final decision on a message under review."""
        event = self.env.event()
        self.waiting[message_id] = event
        return event

    # -- running ------------------------------------------------------------------------------

    def run(self) -> None:
        """Load the registry, start every actor and run the days."""
        from simulator.billing import billing_process
        from simulator.mbe_software import arrivals_process
        from simulator.sectors import sector_process
        from simulator.staff import staff_process

        registry = registry_snapshot(self.plans.patients, self.scenario.start_date)
        self.port.setup(registry, self.scenario.mbes)
        self.env.process(self._deaths())
        self.env.process(arrivals_process(self))
        if self.port.billing:
            for hco in self.mbes:
                self.env.process(billing_process(self, hco))
        for kas in sorted(self.scenario.staff):
            self.env.process(staff_process(self, kas))
        for sector in self.scenario.sectors:
            self.env.process(sector_process(self, sector))
        if self.progress is not None:  # a day's tick only when someone counts the days
            self.env.process(self._days())
        self.env.run(until=self.days)
        self.recorder.close()
        if self.recorder.folder is not None:  # what a replay of the streams needs (vsb audit)
            folder = self.recorder.folder
            start = dt.date(self.scenario.start_date.year, 1, 1)
            write_registry(registry, self.deaths_delivered, folder / "registry", start)
            write_mbes(self.scenario.mbes, folder / "mbes.toml")
            if self.scenario.rulebook_overlay is not None:
                write_overlay(self.scenario.rulebook_overlay, folder / OVERLAY_FILE)

    def _deaths(self) -> Process:
        """The national register's daily deaths flow: at 06:00 the day after, each death of
        the day before becomes known to the central application (never earlier)."""
        by_day: dict[int, list[tuple[str, dt.date]]] = {}
        for patient in self.plans.patients:
            death = patient.death_date
            if death is None or patient.situation == "unknown":
                continue
            day = (death - self.scenario.start_date).days
            if day + 1 < self.days:
                by_day.setdefault(day, []).append((patient.insz, death))
        for day in sorted(by_day):
            yield self.wait_until(day + 1 + 6 / 24)
            deaths = sorted(by_day[day])
            self.port.record_deaths(deaths, self.moment())
            self.deaths_delivered += deaths
            self.tally.deaths_recorded += len(deaths)

    def _days(self) -> Process:
        assert self.progress is not None
        for day in range(self.days):
            yield self.env.timeout(1 if day else 0.999999)
            self.progress(1)
