"""MBE software against the recording central application, in process, for tests.

`Run` is a small world: the harness's `RecordingApplication` with a registry and the fixture
MBEs, one piece of MBE software opened as an MBE, one clock for both, and the staff actions a
scenario needs. What the software sent is in `run.app.records`.
"""

from __future__ import annotations

import datetime as dt
from functools import cache
from typing import Any

from conformance.mbe.driver import Contact, Medical, Patient, Session, Start, StopReport
from conformance.mbe.recording import InProcessLink, Record, RecordingApplication
from conformance.mbe.reference_client import ReferenceMbeSoftware
from tests.engine_support import FIXTURES, GP_RIZIV, MBE_A
from vsb.clock import FixedClock
from vsb.mbes import load_mbes
from vsb.membership import RegistrySnapshot, load_registry
from vsb.synthetic import synthetic_registry

MEDICAL = Medical("Dr. Jan Claes", GP_RIZIV, "onco-lung", "gp", "home-with-family")
CONTACT = Contact("An Peeters", "+32 9 123 45 67")
STAFF = "kas-anna"


@cache
def fixture_registry() -> RegistrySnapshot:
    """The registry of fixtures/ (every insurance situation)."""
    return load_registry(FIXTURES / "registry")


def members(size: int, **options: Any) -> RegistrySnapshot:
    """`size` members of CM Zorgkas (180) from 2024-01-01 (see `synthetic_registry`)."""
    return synthetic_registry(size, **options)


class CorrectedAtShipment(InProcessLink):
    """A link after which the KSZ corrects the registry retroactively: the snapshot is loaded
    just before the first shipment reaches the central application."""

    def __init__(self, app: RecordingApplication, hco: str, snapshot: RegistrySnapshot) -> None:
        super().__init__(app, hco)
        self.snapshot: RegistrySnapshot | None = snapshot

    def send(self, message: dict[str, Any]) -> dict[str, Any]:
        if message.get("kind") == "shipment" and self.snapshot is not None:
            self.app.store.load_registry(self.snapshot)
            self.snapshot = None
        return super().send(message)


class Run:
    """One piece of MBE software, as MBE `hco`, against the recording application."""

    def __init__(
        self,
        software: type[ReferenceMbeSoftware] = ReferenceMbeSoftware,
        day: dt.date = dt.date(2024, 3, 1),
        registry: RegistrySnapshot | None = None,
        corrected: RegistrySnapshot | None = None,
        hco: str = MBE_A,
    ) -> None:
        self.clock = FixedClock(day)
        self.app = RecordingApplication(clock=self.clock)
        self.app.store.load_registry(registry or fixture_registry())
        self.app.store.load_mbes(load_mbes(FIXTURES / "mbes.toml"))
        self.hco = hco
        link = (
            CorrectedAtShipment(self.app, hco, corrected)
            if corrected is not None
            else self.app.link(hco)
        )
        self.software = software()
        self.software.open(Session(hco, link=link))
        self.at(day)

    # -- the world -----------------------------------------------------------------------------

    def at(self, day: dt.date) -> None:
        """Move both clocks to 09:00 on `day`."""
        self.clock.set(day)
        self.software.set_clock(self.clock.now())

    def take_on(self, insz: str) -> None:
        """The MBE takes on a patient."""
        self.software.register_patient(Patient(insz, "Test", f"Patient {insz[-4:]}"))

    def start(self, insz: str, day: dt.date, register: bool = True) -> None:
        """A GP prescribes palliative home care for the patient on `day`."""
        if register:
            self.take_on(insz)
        self.software.start_begeleiding(Start(insz, day, MEDICAL, CONTACT))

    def stop(self, insz: str, day: dt.date, reason: str = "stabilised", **extra: Any) -> None:
        """The patient's begeleiding ends on `day`."""
        place = "home" if reason == "death" else None
        report = StopReport(
            day,
            reason,
            place_of_death=extra.pop("place_of_death", place),
            interventions=(("home-visit", 4), ("phone-contact", 2), ("home-visit", 1)),
            first_line_contacts=(("gp", "consultation", 3),),
            **extra,
        )
        self.software.stop(insz, report)

    def bill(self, day: dt.date) -> None:
        """The MBE's billing day."""
        self.at(day)
        self.software.run_monthly_billing()

    # -- zorgkas staff -------------------------------------------------------------------------

    def decide_all(self, outcome: str = "accepted") -> int:
        """Staff decide every message under review; how many."""
        count = 0
        for kas in (180, 280, 380, 480, 580, 680):
            for item in self.app.review_queue(kas):
                reason = "" if outcome == "accepted" else "the patient did not affiliate"
                self.app.decide(item.id, kas, STAFF, outcome, reason)  # type: ignore[arg-type]
                count += 1
        return count

    def sign_all(self) -> list[str]:
        """Staff sign every shipment ready for it; the settlement ids."""
        signed = []
        for kas in (180, 280, 380, 480, 580, 680):
            for settlement_id in self.app.unsigned_shipments(kas):
                self.app.sign(settlement_id, kas, STAFF)
                signed.append(settlement_id)
        return signed

    # -- what the software sent ----------------------------------------------------------------

    def sent(self, *kinds: str) -> list[Record]:
        """What the software sent (of the given kinds), in order."""
        return self.app.sent_by(self.hco, kinds)

    def refused(self) -> list[Record]:
        """The messages the central application refused (a shipment: refused as a whole, or
        with an invoice rejected)."""
        return [r for r in self.sent() if refusal(r)]

    def invoices(self) -> list[tuple[Record, dict[str, Any]]]:
        """Every invoice the software sent, with its shipment."""
        return [(r, i) for r in self.sent("shipment") for i in r.message["invoices"]]


def refusal(record: Record) -> bool:
    """Whether the answer to a message refused it (or any invoice of a shipment)."""
    answer = record.answer
    if record.kind == "shipment":
        statuses = {i.get("status") for i in answer.get("invoices", ())}
        return answer.get("status") == "refused" or bool(statuses - {"accepted"})
    return answer.get("outcome") == "refused" or answer.get("status") == "unknown-person"


def errors(record: Record) -> set[str]:
    """Every requirement an answer names in its errors (a settlement's too)."""
    answer = record.answer
    found = {e["requirement"] for e in answer.get("errors", ())}
    for invoice in answer.get("invoices", ()):
        found |= {e["requirement"] for e in invoice.get("errors", ())}
        for line in invoice.get("lines", ()):
            found |= {e["requirement"] for e in line.get("errors", ())}
    return found
