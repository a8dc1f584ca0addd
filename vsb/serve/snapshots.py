"""Shipments checked outside the engine's lock, each against one committed state of the store.

Checking 50,000 invoices reads the store and computes for seconds; storing the verdict takes
a fraction of that. So a shipment is checked first, in a worker thread, on a read-only
connection of its own whose read transaction (WAL) sees the state as it was committed when
the check began, while the engine's lock goes on serving everyone else. Then it joins the
group commit with its verdict, and is stored only if nothing it was checked against has
changed meanwhile; otherwise it is checked again (`SHIPMENT_ATTEMPTS`, the last time under the
lock as before). A refused shipment still changes nothing, and it is answered only once
committed, as every message.

What a shipment is checked against is its own MBE's state (begeleidingen, invoices, lines,
shipments: only that MBE's messages and staff change them) and the registry, the MBEs, the
rulebook and the clock. So `Generations` counts, per MBE, the messages other than
insurance-status queries (which change nothing a check reads) and, for all, every other call
under the lock but the engine's queries; equal counts mean an unchanged state.
"""

from __future__ import annotations

import asyncio
import logging
import secrets
from collections.abc import Awaitable, Callable, Iterable
from dataclasses import dataclass, field, replace
from typing import Any

import anyio.to_thread

from vsb.engine import CentralApplication, PreparedShipment
from vsb.jsontext import EncodedArray
from vsb.store import TEXT_PIECE, Store, pack_piece

SHIPMENT_ATTEMPTS = 3
"""Checks of a shipment outside the lock before it is checked under it (each attempt fails
only when its MBE or staff changed something meanwhile)."""

Generation = tuple[int, int]
"""(changes to everyone's state, changes to one MBE's state), as counted by `Generations`."""

log = logging.getLogger("vsb.serve")


class Stale:
    """What a shipment gets when its state changed after its check: check it again."""


@dataclass(frozen=True)
class Prepared:
    """A shipment checked outside the lock, and the state it was checked against."""

    shipment: PreparedShipment
    generation: Generation
    texts: tuple[str, ...] = ()
    """The keys of its long texts written ahead (`Snapshots.write_ahead`)."""


@dataclass
class Entry:
    """A message waiting for the next group commit."""

    message: dict[str, Any]
    sender: str
    prepared: Prepared | None = None
    future: asyncio.Future[dict[str, Any] | Stale] = field(
        default_factory=lambda: asyncio.get_running_loop().create_future()
    )


class Generations:
    """Counts the changes a shipment's check could depend on (used under the engine's lock)."""

    def __init__(self) -> None:
        self._everyone = 0
        self._mbe: dict[str, int] = {}

    def of(self, mbe: str) -> Generation:
        """The state of everyone and of `mbe`, now."""
        return self._everyone, self._mbe.get(mbe, 0)

    def current(self, mbe: str, generation: Generation) -> bool:
        """Whether nothing `mbe`'s shipments are checked against changed since `generation`."""
        return generation == self.of(mbe)

    def touch(self, kind: object, mbe: str) -> None:
        """A message of `mbe` was processed; a status query changes nothing a check reads."""
        if kind != "insurance-status-query":
            self._mbe[mbe] = self._mbe.get(mbe, 0) + 1

    def touch_all(self) -> None:
        """Something else happened under the lock (staff, test control): assume a change."""
        self._everyone += 1


def read_only_calls(engine: CentralApplication) -> set[Callable[..., Any]]:
    """The engine's queries, which change nothing (bound methods, compared by equality)."""
    names = ("feed", "review_queue", "billing_queue", "unsigned_shipments", "payment_orders")
    return {getattr(engine, name) for name in (*names, "status") if hasattr(engine, name)}


class Snapshots:
    """Checks shipments of the file store at `path` on read-only snapshots."""

    def __init__(
        self,
        path: str,
        engine: CentralApplication,
        generations: Generations,
        locked: Callable[..., Awaitable[Any]],
    ) -> None:
        self.path = path
        self.engine = engine
        self.generations = generations
        self.locked = locked

    async def prepare(self, message: dict[str, Any], sender: str) -> Prepared | None:
        """The shipment checked against the state committed now; None when the engine answers
        it quickly anyway (a repeat, a refusal) or the check failed (it is then made again
        under the lock, where a failure is answered as any other)."""
        reader = await anyio.to_thread.run_sync(Store.reader, self.path)
        try:
            generation: Generation = await self.locked(self.pin, reader, sender)
            shipment = await anyio.to_thread.run_sync(
                self.engine.prepare_shipment, message, sender, reader
            )
        except Exception:
            log.exception("checking a shipment outside the lock failed; checking it under it")
            return None
        finally:
            reader.close()
        if shipment is None:
            return None
        return await self.write_ahead(Prepared(shipment, generation))

    async def write_ahead(self, prepared: Prepared) -> Prepared:
        """Write the shipment's long texts (its body, its settlement's invoices) to the store
        now, a piece per transaction, each taken under the lock alone, before the shipment's
        own transaction, which then only refers to them and whose durable commit makes them
        durable too (`Store.put_piece`). So that transaction stays small, and nobody waits
        behind one commit of a hundred megabytes. Pieces nothing refers to in the end (the
        shipment went stale, was a repeat, or the process stopped) are harmless."""
        shipment = prepared.shipment
        key = f"{shipment.message['mbe']}/{shipment.message['messageId']}/{secrets.token_hex(8)}"
        texts: list[str] = []
        body = shipment.body
        if len(body) >= TEXT_PIECE:
            pieces = (body[start : start + TEXT_PIECE] for start in range(0, len(body), TEXT_PIECE))
            await self._put(f"{key}/body", pieces)
            texts.append(f"{key}/body")
            shipment = replace(shipment, body_key=f"{key}/body")
        invoices = shipment.checked.document["invoices"]
        if isinstance(invoices, EncodedArray) and sum(map(len, invoices.pieces)) >= TEXT_PIECE:
            await self._put(f"{key}/invoices", invoices.pieces)
            texts.append(f"{key}/invoices")
            invoices.key = f"{key}/invoices"
        if texts:  # the disk takes them now, not in the shipment's commit under the lock
            await anyio.to_thread.run_sync(self.engine.store.sync_log)
        return replace(prepared, shipment=shipment, texts=tuple(texts))

    async def _put(self, key: str, pieces: Iterable[str]) -> None:
        """Write a long text, given in pieces of about TEXT_PIECE characters."""
        for seq, piece in enumerate(pieces):
            packed = await anyio.to_thread.run_sync(pack_piece, piece)  # outside the lock
            await self.locked(self.engine.store.put_piece, key, seq, packed)

    async def forget(self, prepared: Prepared) -> None:
        """Drop the texts written ahead for a shipment that went stale (checked again)."""
        for key in prepared.texts:
            await self.locked(self.engine.store.drop_text, key)

    def pin(self, reader: Store, sender: str) -> Generation:
        """Under the engine's lock: start `reader`'s snapshot, and say which state it is."""
        reader.db.execute("BEGIN")
        reader.db.execute("SELECT count(*) FROM counters").fetchone()  # the snapshot starts
        return self.generations.of(sender)
