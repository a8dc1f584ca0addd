"""The seam between the conformance steps and a central application under test.

Steps never touch a system directly: they call a `CentralUnderTest`, which answers every
action with a `Reply` in the shapes of the OpenAPI document (`docs/openapi.json`), whatever the
transport. Each call is kept in the adapter's `Transcript`, so that the reports can show, for
every step, the message sent and the answer received.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any, Literal, Protocol

from vsb.mbes import Mbe
from vsb.membership import RegistrySnapshot

Decision = Literal["accepted", "refused"]


class TargetUnavailable(RuntimeError):
    """The system under test cannot be reached or did not answer in time."""


@dataclass(frozen=True)
class Reply:
    """What the system under test answered to one action.

    `status` is the HTTP status (the in-process adapter answers as the service would: 200 for
    a document, 403 for an identity refusal, 409 for a staff action the state does not allow,
    422 for a message that breaks its schema). `body` is the JSON document; for a status of
    400 or more it is an RFC 9457 problem with `requirement` and `errors`.
    """

    status: int
    body: Any

    @property
    def problem(self) -> bool:
        """Whether the system refused the action at the transport (a problem document)."""
        return self.status >= 400

    def field(self, name: str, default: Any = None) -> Any:
        """A top-level member of an object body."""
        return self.body.get(name, default) if isinstance(self.body, dict) else default

    def requirements(self) -> list[str]:
        """Every requirement the reply names as broken: a problem's, an answer's errors',
        a settlement's errors' (shipment, invoice and line level), in document order."""
        found: list[str] = []
        if self.problem and self.field("requirement"):
            found.append(str(self.field("requirement")))
        for error in listed_errors(self.body):
            if "requirement" in error:
                found.append(str(error["requirement"]))
        return found


def listed_errors(body: Any) -> list[dict[str, Any]]:
    if not isinstance(body, dict):
        return []
    errors = [e for e in body.get("errors", ()) if isinstance(e, dict)]
    for invoice in body.get("invoices", ()) or ():
        if isinstance(invoice, dict):
            errors += listed_errors({"errors": invoice.get("errors", ())})
            for line in invoice.get("lines", ()) or ():
                if isinstance(line, dict):
                    errors += listed_errors({"errors": line.get("errors", ())})
    return errors


@dataclass(frozen=True)
class Exchange:
    """One call to the system under test: who did what, what was sent, what came back."""

    actor: str
    action: str
    sent: Any
    reply: Reply


@dataclass
class Transcript:
    """Every exchange with the system under test, in order; the reports read it per step."""

    exchanges: list[Exchange] = field(default_factory=list)

    def add(self, actor: str, action: str, sent: Any, reply: Reply) -> Reply:
        """Keep one exchange and hand its reply back."""
        self.exchanges.append(Exchange(actor, action, sent, reply))
        return reply

    def mark(self) -> int:
        """A position: the exchanges after it are those of the step that starts now."""
        return len(self.exchanges)

    def since(self, mark: int) -> list[Exchange]:
        """The exchanges made after `mark`."""
        return self.exchanges[mark:]


class CentralUnderTest(Protocol):
    """A central zorgkassen application as the conformance suite drives it.

    Setup (`reset`, `set_clock`, `load_registry`, `load_mbes`) is the test control of the
    OpenAPI document; the rest are the calls MBE software and zorgkas staff make. Staff act
    under an identity `staff` of zorgkas `zorgkas`; MBE calls are sent with the certificate of
    HCO number `sender`.
    """

    target: str
    transcript: Transcript

    def reset(self) -> None:
        """Forget everything: messages, begeleidingen, shipments, persons and MBEs."""

    def set_clock(self, moment: dt.datetime) -> None:
        """Set the application's clock."""

    def load_registry(self, snapshot: RegistrySnapshot) -> None:
        """Replace the registry of persons and affiliations."""

    def load_mbes(self, mbes: Sequence[Mbe]) -> None:
        """Add or replace recognised MBEs."""

    def send(self, sender: str, message: Any) -> Reply:
        """Send a message (query, request, change or shipment) as MBE `sender`."""

    def feed(self, sender: str, after: int = 0) -> Reply:
        """What reached MBE `sender` later, after a cursor: `{items: [{cursor, message}]}`."""

    def review_queue(self, zorgkas: int, staff: str) -> Reply:
        """The messages under review at a zorgkas: `{items: [review item]}`."""

    def decide(
        self, zorgkas: int, staff: str, review_id: int, outcome: Decision, reason: str
    ) -> Reply:
        """A staff decision on a message under review: the final decision."""

    def billing_queue(self, zorgkas: int, staff: str) -> Reply:
        """The prestation lines under review at a zorgkas: `{items: [line review item]}`."""

    def decide_line(
        self, zorgkas: int, staff: str, review_id: int, outcome: Decision, reason: str
    ) -> Reply:
        """A staff decision on a line under review: the updated settlement."""

    def unsigned_shipments(self, zorgkas: int, staff: str) -> Reply:
        """Settlement ids ready for a signature: `{items: [id]}`."""

    def sign(self, zorgkas: int, staff: str, settlement_id: str) -> Reply:
        """Sign a shipment: `{settlement, paymentOrder}`."""

    def payment_orders(self, zorgkas: int, staff: str) -> Reply:
        """The payment orders of a zorgkas: `{items: [payment order]}`."""

    def record_payment(self, zorgkas: int, staff: str, order_id: str, paid_on: dt.date) -> Reply:
        """Record that the zorgkas paid a payment order: the payment order."""

    def close(self) -> None:
        """Release connections and files."""
