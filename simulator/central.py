"""The seam between the model and a central application: a Protocol and the in-process adapter.

The simulated time is the engine's clock: before every call the in-process adapter sets a
FixedClock to the simulated moment (days since the scenario start), so every answer and
decision carries the simulated moment.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any, Literal, Protocol

from vsb.clock import FixedClock
from vsb.engine import CentralApplication
from vsb.mbes import Mbe
from vsb.membership import RegistrySnapshot
from vsb.review import ReviewItem
from vsb.rulebook import RulebookOverlay

__all__ = ["CentralPort", "InProcessCentral"]

Decision = Literal["accepted", "refused"]


class CentralPort(Protocol):
    """What the model asks of a central application (any adapter of the harness fits)."""

    def setup(self, registry: RegistrySnapshot, mbes: tuple[Mbe, ...]) -> None:
        """Load the national register rows and the recognised MBEs."""
        ...

    def record_deaths(self, deaths: Sequence[tuple[str, dt.date]], at: dt.datetime) -> None:
        """The national register's daily deaths flow (KSZ): (INSZ, death date) pairs."""
        ...

    def handle(self, message: dict[str, Any], at: dt.datetime) -> dict[str, Any]:
        """Process one MBE message at moment `at`; return its answer."""
        ...

    def review_queue(self, zorgkas: int, at: dt.datetime) -> list[ReviewItem]:
        """The messages waiting for this zorgkas's staff."""
        ...

    def decide(
        self,
        review_id: int,
        zorgkas: int,
        staff: str,
        outcome: Decision,
        reason: str,
        at: dt.datetime,
    ) -> dict[str, Any]:
        """A staff decision on a message under review; returns the final decision."""
        ...

    def billing_queue(self, zorgkas: int, at: dt.datetime) -> list[Any]:
        """The prestation lines waiting for this zorgkas's staff."""
        ...

    def decide_line(
        self,
        review_id: int,
        zorgkas: int,
        staff: str,
        outcome: Decision,
        reason: str,
        at: dt.datetime,
    ) -> dict[str, Any]:
        """A staff decision on a prestation line under review; returns the settlement."""
        ...

    def unsigned_shipments(self, zorgkas: int, at: dt.datetime) -> list[str]:
        """Settlement ids with every line decided and no signature yet."""
        ...

    def sign(
        self, settlement_id: str, zorgkas: int, staff: str, at: dt.datetime
    ) -> tuple[dict[str, Any], dict[str, Any]]:
        """Sign a shipment: the signed settlement and the payment order."""
        ...

    def record_payment(
        self, order_id: str, zorgkas: int, staff: str, paid_on: dt.date, at: dt.datetime
    ) -> dict[str, Any]:
        """Record that the zorgkas paid a payment order; `staff` is who records it."""
        ...

    @property
    def billing(self) -> bool:
        """Whether this central application takes shipments."""
        ...


class InProcessCentral:
    """The reference application in this process, driven by a FixedClock at simulated time."""

    def __init__(
        self, app: CentralApplication | None = None, overlay: RulebookOverlay | None = None
    ) -> None:
        """`overlay` extends the rulebook of the application made here (not of `app`)."""
        self.clock = FixedClock(dt.datetime(2024, 1, 1))
        self.app = app or CentralApplication(clock=self.clock, rulebook_overlay=overlay)
        self.app.clock = self.clock
        # The billing API lands in the engine after requests and changes: call it untyped.
        self._billing: Any = self.app
        self._set: tuple[dt.datetime, dt.datetime] | None = None  # (from, the clock's moment)
        self._day: dt.date | None = None
        self._batch: Any = None  # the simulated day's transaction, when the store is in memory

    def finish(self, error: BaseException | None = None) -> None:
        """End the last simulated day's transaction as the run ends: commit it, or roll it
        back when the run ended with `error`."""
        if self._batch is not None:
            batch, self._batch = self._batch, None
            self._day = None
            batch.__exit__(type(error) if error else None, error, None)

    def _at(self, moment: dt.datetime) -> None:
        """Set the engine's clock to the simulated moment, to the second (once per moment: the
        model hands the same object for the same moment, and the engine then keeps the
        moment's text it made)."""
        if self._set is None or moment is not self._set[0] or self.clock.now() is not self._set[1]:
            self.clock.set(moment.replace(microsecond=0))
            self._set = (moment, self.clock.now())
            if moment.date() != self._day:
                self._new_day(moment.date())

    def _new_day(self, day: dt.date) -> None:
        """One transaction per simulated day when the store is in memory (a file store keeps
        one per call, durable before each answer): what the engine does that day commits once,
        at the day's end, instead of once per message. Each call still sees all before it, and
        the model catches no exception from the engine, so one that breaks a call ends the run
        rather than leave half of that call's writes for a later one to see."""
        store = self.app.store
        if not store.in_memory:
            return
        self.finish()
        if store.in_transaction():
            return  # someone else's transaction is open: calls join it, as they would anyway
        self._batch = store.transaction()
        self._batch.__enter__()
        self._day = day

    @property
    def billing(self) -> bool:
        """Whether the engine has the billing API (it lands after requests and changes)."""
        return hasattr(self.app, "sign")

    def setup(self, registry: RegistrySnapshot, mbes: tuple[Mbe, ...]) -> None:
        """Load the registry snapshot and the MBEs into the engine's store."""
        self.app.store.load_registry(registry)
        self.app.store.load_mbes(mbes)

    def record_deaths(self, deaths: Sequence[tuple[str, dt.date]], at: dt.datetime) -> None:
        """Apply the daily deaths flow at `at`: the deaths become known to the engine."""
        self._at(at)
        self.app.store.record_deaths(deaths)

    def handle(self, message: dict[str, Any], at: dt.datetime) -> dict[str, Any]:
        """Process one message at `at`."""
        self._at(at)
        return self.app.handle(message)

    def review_queue(self, zorgkas: int, at: dt.datetime) -> list[ReviewItem]:
        """The review queue of a zorgkas at `at`."""
        self._at(at)
        return self.app.review_queue(zorgkas)

    def decide(
        self,
        review_id: int,
        zorgkas: int,
        staff: str,
        outcome: Decision,
        reason: str,
        at: dt.datetime,
    ) -> dict[str, Any]:
        """A staff decision at `at`."""
        self._at(at)
        return self.app.decide(review_id, zorgkas, staff, outcome, reason)

    def billing_queue(self, zorgkas: int, at: dt.datetime) -> list[Any]:
        """The lines under review of a zorgkas at `at`."""
        self._at(at)
        queue: list[Any] = self._billing.billing_queue(zorgkas)
        return queue

    def decide_line(
        self,
        review_id: int,
        zorgkas: int,
        staff: str,
        outcome: Decision,
        reason: str,
        at: dt.datetime,
    ) -> dict[str, Any]:
        """A staff decision on one line at `at`."""
        self._at(at)
        settlement: dict[str, Any] = self._billing.decide_line(
            review_id, zorgkas, staff, outcome, reason
        )
        return settlement

    def unsigned_shipments(self, zorgkas: int, at: dt.datetime) -> list[str]:
        """Settlements waiting for a signature at `at`."""
        self._at(at)
        found: list[str] = self._billing.unsigned_shipments(zorgkas)
        return found

    def sign(
        self, settlement_id: str, zorgkas: int, staff: str, at: dt.datetime
    ) -> tuple[dict[str, Any], dict[str, Any]]:
        """Sign a settlement at `at`."""
        self._at(at)
        signed: tuple[dict[str, Any], dict[str, Any]] = self._billing.sign(
            settlement_id, zorgkas, staff
        )
        return signed

    def record_payment(
        self, order_id: str, zorgkas: int, staff: str, paid_on: dt.date, at: dt.datetime
    ) -> dict[str, Any]:
        """Record a payment at `at`."""
        self._at(at)
        order: dict[str, Any] = self._billing.record_payment(order_id, zorgkas, paid_on, staff)
        return order
