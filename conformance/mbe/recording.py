"""The harness as the central application for MBE software under test.

`RecordingApplication` is the reference application that also keeps every message an MBE
sends with the answer it got, and lets a scenario choose the answer to the next message of a
kind: refused for a named requirement, or a shipment refused as a whole. A chosen refusal is
answered without the engine seeing the message, which is exactly what a refusal means (a
refused message changes nothing), so the engine's state stays true. Answers a scenario wants
that the rules produce by themselves (under review, a line rejected, a final decision in the
feed) it gets by arranging the world, not by faking them.

The same object serves in process (`link(hco)`) and over HTTP (`vsb.serve` with this engine).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from vsb.answers import Error, Verdict, reply_id
from vsb.billing.checks import BillingError
from vsb.billing.shipments import refused_settlement
from vsb.engine import CentralApplication, PreparedShipment


@dataclass(frozen=True)
class Record:
    """One message an MBE sent, the answer it got, and whether a scenario chose the answer."""

    at: str
    mbe: str
    message: Any
    answer: dict[str, Any]
    scripted: bool = False

    @property
    def kind(self) -> str:
        """The message's kind, or `?` for a message without one."""
        kind = self.message.get("kind") if isinstance(self.message, dict) else None
        return kind if isinstance(kind, str) else "?"


@dataclass(frozen=True)
class Script:
    """The answer a scenario chose for the next message of `kind`."""

    kind: str
    requirement: str
    pointer: str
    text: str


class RecordingApplication(CentralApplication):
    """The reference application, recording every message and answer, with chosen answers."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.records: list[Record] = []
        self.scripts: list[Script] = []
        self.listeners: list[Callable[[Record], None]] = []
        self.arrivals: list[Callable[[object], None]] = []
        """Called with every message before it is answered: a change of the world a scenario
        wants just as a message arrives (a retroactive correction of the national register)."""

    def choose(self, kind: str, requirement: str, pointer: str = "", text: str = "") -> None:
        """Answer the next message of `kind` with a refusal for `requirement`."""
        reason = text or f"the scenario refuses this {kind} for {requirement}"
        self.scripts.append(Script(kind, requirement, pointer, reason))

    def handle(
        self,
        message: object,
        sender: str | None = None,
        prepared: PreparedShipment | None = None,
    ) -> dict[str, Any]:
        """Answer as the reference does (or as the scenario chose) and record the exchange."""
        for arrival in list(self.arrivals):
            arrival(message)
        kind = message.get("kind") if isinstance(message, dict) else None
        script = next((s for s in self.scripts if s.kind == kind), None)
        if script is None:
            answer = super().handle(message, sender, prepared)
        else:
            self.scripts.remove(script)
            answer = self._scripted(script, message)
        mbe = sender or (message.get("mbe") if isinstance(message, dict) else None) or "?"
        record = Record(self.clock.now().isoformat(), str(mbe), message, answer, bool(script))
        self.records.append(record)
        for listener in self.listeners:
            listener(record)
        return answer

    def _scripted(self, script: Script, message: object) -> dict[str, Any]:
        body = message if isinstance(message, dict) else {}
        if script.kind == "shipment":
            settlement_id = f"S-{self.store.next_value('settlement'):09d}"
            error = BillingError("B", script.requirement, script.pointer, script.text)
            issued = self.clock.now().isoformat()
            return refused_settlement(self.rulebook(), body, settlement_id, issued, [error])
        verdict = Verdict.refused(Error(script.requirement, script.pointer, script.text))
        return self._document(verdict, reply_id(body.get("messageId")))

    def sent_by(self, hco: str, kinds: Sequence[str] = ()) -> list[Record]:
        """What MBE `hco` sent (of the given kinds), in order."""
        return [r for r in self.records if r.mbe == hco and (not kinds or r.kind in kinds)]

    def link(self, hco: str) -> InProcessLink:
        """The central application as in-process software of MBE `hco` reaches it."""
        return InProcessLink(self, hco)


class InProcessLink:
    """`CentralLink` for in-process MBE software: messages go to the recording application
    with the MBE's identity, as a certificate would carry it."""

    def __init__(self, app: RecordingApplication, hco: str) -> None:
        self.app = app
        self.hco = hco

    def send(self, message: dict[str, Any]) -> dict[str, Any]:
        """Send one message as this MBE; the answer."""
        return self.app.handle(message, self.hco)

    def feed(self, after: int = 0) -> list[tuple[int, dict[str, Any]]]:
        """This MBE's feed after a cursor."""
        return self.app.feed(self.hco, after)


def day_of(record: Record) -> dt.date:
    """The day a message arrived."""
    return dt.datetime.fromisoformat(record.at).date()
