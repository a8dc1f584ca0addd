"""What the reference MBE software keeps, and how it reaches the central application.

`SoftwareCore` is the base of `ReferenceMbeSoftware`: its clock, its link, its message ids,
and its patients' begeleidingen (`Care`), with the messages of each that wait for a final
decision. The behaviour lives in the layers above it (`reference_billing`, `reference_client`);
the faulty clients of `tests/faulty/mbe_clients.py` override one of their hooks each.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Literal

from conformance.mbe.driver import CentralLink, DriverError, Patient, Session
from vsb.rulebook import Rulebook, rulebook_for

Message = dict[str, Any]
Outbound = Callable[[str, str], Message]
"""A change waiting to go out: built from the VSB reference and a message id when it may."""

CareState = Literal["waiting", "requested", "open", "stopped", "cancelled", "refused"]


@dataclass
class Care:
    """One begeleiding as the software keeps it.

    `state` is what the central application confirmed: ``waiting`` (no request sent yet),
    ``requested`` (sent, no final answer), ``open``, ``stopped``, ``cancelled``, ``refused``.
    """

    insz: str
    start: dt.date
    begeleiding: Message  # contactPerson, medical, accidentCode as the request carries them
    legacy: bool = False  # started before the transition date: the old procedure, no request
    state: CareState = "waiting"
    reference: str | None = None
    in_review: str | None = None  # the id of this begeleiding's message under review
    queue: list[Outbound] = field(default_factory=list)
    stopping: bool = False  # a stop was sent or waits to be: no second one
    stop_day: dt.date | None = None
    death: dt.date | None = None  # from a stop because of death
    registry_death: dt.date | None = None  # from an insurance-status answer
    non_billing: bool = False  # the stop gave a reason for non-billing
    # billing
    zorgkas: int = 0  # from the last insurance-status query (0: not affiliated)
    invoice: str | None = None  # the forfait invoice accepted, or waiting under review
    billed: bool = False  # the forfait was accepted (and not credited)
    awaiting: bool = False  # the forfait line is under review: the signed settlement decides
    not_before: str = ""  # the first month (YYYY-MM) it may be billed (again) in
    given_up: bool = False  # past the billing deadline after death: never billed
    cancelling: bool = False  # cancelled after its forfait was accepted: credit first
    crediting: bool = False  # its credit note is on its way


@dataclass(frozen=True)
class Sent:
    """An invoice or credit note the software sent: for whom, to which zorgkas."""

    care: Care
    invoice: Message
    zorgkas: int

    @property
    def is_credit(self) -> bool:
        """Whether it is a credit note."""
        return bool(self.invoice["type"] == "credit-note")


def month_key(day: dt.date, later: int = 0) -> str:
    """The calendar month of a day (`later` months on) as YYYY-MM."""
    index = day.year * 12 + day.month - 1 + later
    return f"{index // 12:04d}-{index % 12 + 1:02d}"


class SoftwareCore:
    """The reference MBE software's state, clock, link and message numbering."""

    def __init__(self, id_prefix: str = "ref") -> None:
        self.id_prefix = id_prefix
        self.session: Session | None = None
        self.link: CentralLink | None = None
        self.moment: dt.datetime | None = None
        self.patients: dict[str, Patient] = {}
        self.cares: list[Care] = []
        self.pending: dict[str, tuple[Care, Message]] = {}  # message id under review
        self.refusals: list[Message] = []  # answers a user of the software has to look at
        self.cursor = 0  # the feed's cursor
        self._count = 0

    # -- session -------------------------------------------------------------------------------

    def open(self, session: Session) -> None:
        """Start as MBE `session.hco`, in process or over HTTP."""
        self.session = session
        if session.link is not None:
            self.link = session.link
        else:
            from conformance.mbe.http_link import HttpLink

            self.link = HttpLink(session)

    def close(self) -> None:
        """Stop the software (and its HTTP connection, if any)."""
        closer = getattr(self.link, "close", None)
        if callable(closer):
            closer()
        self.link = None

    def set_clock(self, moment: dt.datetime) -> None:
        """It is now `moment` for the software."""
        self.moment = moment

    # -- what the layers above use -------------------------------------------------------------

    @property
    def hco(self) -> str:
        """The MBE the software runs as."""
        if self.session is None:
            raise DriverError("the software is not open: call open(session) first")
        return self.session.hco

    @property
    def today(self) -> dt.date:
        """The software's calendar day."""
        if self.moment is None:
            raise DriverError("the software's clock is not set: call set_clock first")
        return self.moment.date()

    @property
    def rulebook(self) -> Rulebook:
        """The rulebook in force today."""
        return rulebook_for(self.today)

    def new_id(self, what: str) -> str:
        """A message id never used before by this software."""
        self._count += 1
        return f"{self.id_prefix}-{what}-{self._count:06d}"

    def send(self, message: Message) -> Message:
        """Send one message to the central application; its answer."""
        if self.link is None:
            raise DriverError("the software is not open: call open(session) first")
        return self.link.send(message)

    def patient_cares(self, insz: str) -> list[Care]:
        """The begeleidingen of a patient at this MBE, oldest first."""
        return [care for care in self.cares if care.insz == insz]

    def current(self, insz: str, action: str) -> Care:
        """The patient's current begeleiding.

        Raises:
            DriverError: the patient has no begeleiding the action could apply to.
        """
        found = [c for c in self.patient_cares(insz) if c.state not in ("refused", "cancelled")]
        if not found:
            raise DriverError(f"{action}: patient {insz} has no current begeleiding at this MBE")
        return found[-1]

    # -- the flow of one begeleiding's messages (REQ-CH-ONE-IN-PROCESSING) ---------------------

    def busy(self, care: Care) -> bool:
        """Whether a change must wait: no VSB reference yet, or a message under review."""
        return care.reference is None or care.in_review is not None

    def enqueue(self, care: Care, outbound: Outbound) -> None:
        """Send a change now, or after the final decision on what is under review."""
        care.queue.append(outbound)
        self.flush(care)

    def flush(self, care: Care) -> None:
        """Send the waiting changes of a begeleiding in order, until one goes under review."""
        while care.queue and not self.busy(care):
            outbound = care.queue.pop(0)
            assert care.reference is not None
            message = self.finish_change(care, outbound(care.reference, self.new_id("ch")))
            self.answered(care, message, self.send(message))

    def finish_change(self, care: Care, message: Message) -> Message:
        """The change as it goes out (a hook: the reference sends it as built)."""
        return message

    def answered(self, care: Care, message: Message, answer: Message) -> None:
        """Act on the answer to a request or change."""
        outcome = answer.get("outcome")
        if outcome == "accepted":
            self.apply(care, message, answer.get("vsbReference"))
        elif outcome == "under-review":
            care.in_review = message["messageId"]
            self.pending[message["messageId"]] = (care, message)
        else:
            self.refused_message(care, message, answer)

    def decided(self, decision: Message) -> None:
        """A final decision on a message that was under review: act on it, then send what
        waited for it."""
        found = self.pending.pop(str(decision.get("inReplyTo")), None)
        if found is None:
            return
        care, message = found
        care.in_review = None
        if decision.get("outcome") == "accepted":
            self.apply(care, message, decision.get("vsbReference"))
        else:
            self.refused_message(care, message, decision)
        self.flush(care)

    def refused_message(self, care: Care, message: Message, answer: Message) -> None:
        """A refused request drops its begeleiding; a refused stop may be sent again."""
        self.refusals.append(answer)
        if message["kind"] == "request":
            self.drop(care)
        elif message["kind"] == "stop":
            care.stopping = False

    def drop(self, care: Care) -> None:
        """The request was refused: the begeleiding and what waited for it are gone."""
        care.state = "refused"
        care.queue.clear()

    def apply(self, care: Care, message: Message, reference: Any) -> None:
        """What an accepted message changes in the software's records."""
        kind = message["kind"]
        if kind == "request":
            care.state = "open"
            care.reference = None if reference is None else str(reference)
        elif kind == "stop":
            stop = message["stop"]
            care.state, care.stop_day = "stopped", dt.date.fromisoformat(stop["date"])
            if stop["reason"] == "death":
                care.death = care.stop_day
            care.non_billing = stop.get("nonBillingReason") is not None
        elif kind == "cancel-stop":
            care.state, care.stop_day, care.death, care.non_billing = "open", None, None, False
            care.stopping = False
        elif kind == "cancel-request":
            care.state = "cancelled"
        self.flush(care)
