"""The one engine behind the service, its store and clock, and the lock that serialises them.

The engine is synchronous and owns one SQLite connection, so every call runs in a worker
thread under one lock. That also processes concurrent messages for one begeleiding one at a
time (REQ-CH-ONE-IN-PROCESSING), and makes a repeated message id see the first answer.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import logging
import threading
from collections.abc import Callable
from typing import Any, Literal, TypeVar

import anyio.to_thread

from vsb.clock import FixedClock, SystemClock
from vsb.engine import CentralApplication
from vsb.mbes import load_mbes
from vsb.membership import load_registry
from vsb.serve.config import ServeConfig
from vsb.store import Store

T = TypeVar("T")
Outcome = dict[str, Any] | Exception
MAX_BATCH = 64
"""The most messages one group commit takes."""
Admission = Literal["admitted", "unknown", "no-cot"]
log = logging.getLogger("vsb.serve")


class Central:
    """The reference application as the service runs it."""

    def __init__(self, config: ServeConfig) -> None:
        self.config = config
        self.store = Store(config.db, durable=config.durable)
        self.clock: FixedClock | SystemClock = (
            FixedClock(config.start_clock or dt.datetime.now(dt.UTC).astimezone())
            if config.test_control
            else SystemClock()
        )
        self.engine = CentralApplication(self.store, self.clock)
        self._lock = threading.Lock()
        self._admission: dict[str, Admission] = {}
        self._pending: list[tuple[dict[str, Any], str, asyncio.Future[dict[str, Any]]]] = []
        self._draining = False
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
        tables = [
            row[0]
            for row in self.store.db.execute(
                "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"
            ).fetchall()
        ]
        with self.store.transaction():
            for table in tables:
                self.store.db.execute(f'DELETE FROM "{table}"')
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
        """Run `function(*args)` alone: no other engine call runs meanwhile."""
        with self._lock:
            return function(*args)

    async def run(self, function: Callable[..., T], *args: object) -> T:
        """`call` in a worker thread, so the event loop keeps reading other requests."""
        return await anyio.to_thread.run_sync(self.call, function, *args)

    async def handle(self, message: dict[str, Any], sender: str) -> dict[str, Any]:
        """The engine's answer to a message, given only once it is committed (group commit).

        Messages that arrive while a commit is in flight wait and share the next transaction,
        so one fsync answers many; each still sees the ones before it, in arrival order.
        """
        future: asyncio.Future[dict[str, Any]] = asyncio.get_running_loop().create_future()
        self._pending.append((message, sender, future))
        if not self._draining:
            self._draining = True
            asyncio.get_running_loop().create_task(self._drain())
        return await future

    async def _drain(self) -> None:
        try:
            while self._pending:
                batch = self._pending[:MAX_BATCH]
                del self._pending[:MAX_BATCH]
                try:
                    outcomes = await self.run(self._process, [(m, s) for m, s, _ in batch])
                except Exception as exc:  # the worker itself failed: fail the batch
                    outcomes = [exc] * len(batch)
                for (_, _, future), outcome in zip(batch, outcomes, strict=True):
                    if future.done():  # the caller went away (cancelled); the answer is kept
                        continue
                    if isinstance(outcome, Exception):
                        future.set_exception(outcome)
                    else:
                        future.set_result(outcome)
        finally:
            self._draining = False

    def _process(self, batch: list[tuple[dict[str, Any], str]]) -> list[Outcome]:
        try:
            with self.store.transaction():
                return [self.engine.handle(message, sender) for message, sender in batch]
        except Exception:
            # One message broke the engine and the batch rolled back: process each alone,
            # so that only that one fails.
            return [self._alone(message, sender) for message, sender in batch]

    def _alone(self, message: dict[str, Any], sender: str) -> Outcome:
        try:
            return self.engine.handle(message, sender)
        except Exception as exc:
            log.exception("the engine failed on a message")
            return exc

    def close(self) -> None:
        """Close the store."""
        with self._lock:
            self.store.close()
