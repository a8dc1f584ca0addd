"""The one engine behind the service, its store and clock, and the lock that serialises them.

The engine is synchronous and owns one SQLite connection, so every call runs in a worker
thread under one lock. That also processes concurrent messages for one begeleiding one at a
time (REQ-CH-ONE-IN-PROCESSING), and makes a repeated message id see the first answer.

A shipment is checked before it takes the lock (`vsb.serve.snapshots`): the checks of 50,000
invoices take seconds, storing the verdict much less, and nobody waits for the first part.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import logging
import sqlite3
import threading
from collections.abc import Callable
from typing import Any, Literal, TypeVar

import anyio.to_thread

from vsb.clock import FixedClock, SystemClock
from vsb.engine import CentralApplication
from vsb.mbes import load_mbes
from vsb.membership import load_registry
from vsb.serve.checkpoints import Checkpointer
from vsb.serve.collector import hold
from vsb.serve.config import ServeConfig
from vsb.serve.snapshots import (
    SHIPMENT_ATTEMPTS,
    Entry,
    Generations,
    Prepared,
    Snapshots,
    Stale,
    read_only_calls,
)
from vsb.store import Store

T = TypeVar("T")
Outcome = dict[str, Any] | Stale | Exception
MAX_BATCH = 64
"""The most messages one group commit takes."""
Admission = Literal["admitted", "unknown", "no-cot"]
log = logging.getLogger("vsb.serve")


class CentralClosed(RuntimeError):
    """The engine was closed (its sandbox deleted) before this call could run."""


class Central:
    """The reference application as the service runs it."""

    def __init__(self, config: ServeConfig, clock: FixedClock | None = None) -> None:
        self.config = config
        self.store = Store(config.db, durable=config.durable)
        self.clock: FixedClock | SystemClock = clock or (  # `clock`: a sandbox's own
            FixedClock(config.start_clock or dt.datetime.now(dt.UTC).astimezone())
            if config.test_control
            else SystemClock()
        )
        self.engine = CentralApplication(self.store, self.clock)
        self.engine.shared = True  # the event loop and the other callers' threads
        self._lock = threading.Lock()
        self.closed = False
        self._admission: dict[str, Admission] = {}
        self._pending: list[Entry] = []
        self._draining = False
        self.generations = Generations()
        # What `call` runs without making checked shipments stale: the engine's queries, and
        # the group commit, which counts each message itself (`_one`).
        self._reads: set[Callable[..., Any]] = {
            self.store.mbe,
            self._process,
            *read_only_calls(self.engine),
        }
        self._snapshots: Snapshots | None = None
        self._checkpoints: Checkpointer | None = None
        if config.db != ":memory:":  # these need a connection of their own to the file
            self._snapshots = Snapshots(config.db, self.engine, self.generations, self.run)
            # writing a shipment's texts ahead changes nothing a check reads
            self._reads |= {self._snapshots.pin, self.store.put_piece, self.store.drop_text}
            self.store.db.execute("PRAGMA wal_autocheckpoint=0")
            self._checkpoints = Checkpointer(config.db)
        if config.fixtures is not None and self._is_empty():
            self.load_fixtures()

    def _is_empty(self) -> bool:
        row = self.store.db.execute("SELECT count(*) FROM mbes").fetchone()
        return int(row[0]) == 0

    def load_fixtures(self) -> None:
        """Load the registry and MBEs of the configured fixtures folder (if any)."""
        folder = self.config.fixtures
        if folder is None:
            return
        self.store.load_registry(load_registry(folder / "registry"))
        self.store.load_mbes(load_mbes(folder / "mbes.toml"))
        self.forget_admissions()
        log.info("loaded the registry and MBEs of %s", folder)

    def reset(self, fixtures: bool) -> None:
        """Empty every table (all messages, begeleidingen, counters); reload the fixtures."""
        self.store.empty()
        self.forget_admissions()
        if fixtures:
            self.load_fixtures()

    def admission(self, hco: str) -> Admission:
        """Whether this MBE may exchange data: known, and with a CoT declaration."""
        cached = self._admission.get(hco)
        if cached is None:
            row = self.call(self.store.mbe, hco)
            cached = "unknown" if row is None else "admitted" if row["cot"] else "no-cot"
            self._admission[hco] = cached
        return cached

    def forget_admissions(self) -> None:
        """Drop the admission cache: the MBEs changed."""
        self._admission.clear()

    def call(self, function: Callable[..., T], *args: object) -> T:
        """Run `function(*args)` alone: no other engine call runs meanwhile.

        Anything but a known read (an engine query) may have changed what a shipment was
        checked against, so it makes every shipment checked before it stale.
        """
        with self._lock:
            if self.closed:  # a sandbox deleted while this request was on its way
                raise CentralClosed("this sandbox was deleted")
            try:
                return function(*args)
            finally:
                if function not in self._reads:
                    self.generations.touch_all()

    async def run(self, function: Callable[..., T], *args: object) -> T:
        """`call` in a worker thread, so the event loop keeps reading other requests."""
        return await anyio.to_thread.run_sync(self.call, function, *args)

    async def handle(self, message: dict[str, Any], sender: str) -> dict[str, Any]:
        """The engine's answer to a message, given only once it is committed (group commit).

        Messages that arrive while a commit is in flight wait and share the next transaction,
        so one fsync answers many; each still sees the ones before it, in arrival order.
        A shipment is first checked outside the lock (see `Snapshots`); if what it was checked
        against changed meanwhile it is checked again, the last time under the lock.
        """
        if self._snapshots is not None and message.get("kind") == "shipment":
            for _ in range(SHIPMENT_ATTEMPTS):
                prepared = await self._prepare(self._snapshots, message, sender)
                if prepared is None:
                    break
                checked = prepared.shipment.checked  # freed off the event loop once answered
                hold(checked.results, checked.document)
                outcome = await self._submit(Entry(message, sender, prepared))
                if not isinstance(outcome, Stale):
                    return outcome
                await self._snapshots.forget(prepared)
        outcome = await self._submit(Entry(message, sender))
        assert not isinstance(outcome, Stale)
        return outcome

    async def _prepare(
        self, snapshots: Snapshots, message: dict[str, Any], sender: str
    ) -> Prepared | None:
        try:
            return await snapshots.prepare(message, sender)
        except sqlite3.Error:
            if self.closed:  # its sandbox was deleted, and the file the snapshot reads with it
                raise CentralClosed("this sandbox was deleted") from None
            raise

    async def _submit(self, entry: Entry) -> dict[str, Any] | Stale:
        self._pending.append(entry)
        if not self._draining:
            self._draining = True
            asyncio.get_running_loop().create_task(self._drain())
        return await entry.future

    async def _drain(self) -> None:
        try:
            while self._pending:
                batch = self._pending[:MAX_BATCH]
                del self._pending[:MAX_BATCH]
                try:
                    outcomes = await self.run(self._process, batch)
                except Exception as exc:  # the worker itself failed: fail the batch
                    outcomes = [exc] * len(batch)
                for future, outcome in zip((e.future for e in batch), outcomes, strict=True):
                    if future.done():  # the caller went away (cancelled); the answer is kept
                        continue
                    if isinstance(outcome, Exception):
                        future.set_exception(outcome)
                    else:
                        future.set_result(outcome)
        finally:
            self._draining = False

    def _process(self, batch: list[Entry]) -> list[Outcome]:
        try:
            with self.store.transaction():
                return [self._one(entry) for entry in batch]
        except Exception:
            # One message broke the engine and the batch rolled back: process each alone,
            # so that only that one fails.
            return [self._alone(entry) for entry in batch]

    def _one(self, entry: Entry) -> dict[str, Any] | Stale:
        prepared = entry.prepared
        if prepared is not None and not self.generations.current(entry.sender, prepared.generation):
            return Stale()
        try:
            if prepared is None:
                return self.engine.handle(entry.message, entry.sender)
            return self.engine.handle(entry.message, entry.sender, prepared.shipment)
        finally:
            self.generations.touch(entry.message.get("kind"), entry.sender)

    def _alone(self, entry: Entry) -> Outcome:
        try:
            return self._one(entry)
        except Exception as exc:
            log.exception("the engine failed on a message")
            return exc

    def close(self) -> None:
        """Close the store."""
        if self._checkpoints is not None:
            self._checkpoints.close()
        with self._lock:
            self.closed = True
            self.store.close()
