"""The driver contract: how the harness tells MBE software what happens in the real world.

A vendor implements `MbeDriver` for their software (in Python, or the same actions over HTTP:
`docs/driver.md`, `docs/driver-openapi.json`). The harness plays the central application and
calls the driver as a scenario unfolds ("a GP prescribes palliative home care for An on
2024-03-01"); the software then does what it does: sends its messages to the central
application it was given in `Session`, reads its feed. The harness judges only what reaches
the central application, never the software's insides.

Every action returns once the software has sent whatever it sends in reaction; an action the
software cannot perform raises `DriverError` naming the action and why.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol


class DriverError(RuntimeError):
    """The software could not perform an action; the message says which and why."""


class CentralLink(Protocol):
    """The central application as in-process software reaches it (over HTTP: `Session.url`)."""

    def send(self, message: dict[str, Any]) -> dict[str, Any]:
        """Send one message (query, request, change, shipment); return the answer."""

    def feed(self, after: int = 0) -> list[tuple[int, dict[str, Any]]]:
        """Final decisions and signed settlements for this MBE after a cursor."""


@dataclass(frozen=True)
class Session:
    """Who the software is and where the central application is.

    In process, `link` is the central application; over HTTP, `url` is its base URL and
    `certificate`/`key` the MBE's files (PEM) for the client assertions of `docs/serve.md`.
    """

    hco: str
    link: CentralLink | None = None
    url: str | None = None
    certificate: str | None = None
    key: str | None = None
    audience: str = "vsb-central"


@dataclass(frozen=True)
class Patient:
    """A patient the MBE takes on: as the software's user types them in."""

    insz: str
    first_name: str
    last_name: str


@dataclass(frozen=True)
class Contact:
    """The MBE's contact person for a begeleiding."""

    name: str
    phone: str | None = None


@dataclass(frozen=True)
class Medical:
    """The medical data of a begeleiding, with codes from the rulebook's code lists."""

    gp_name: str
    gp_riziv: str
    diagnosis: str
    referral: str
    origin: str


@dataclass(frozen=True)
class Start:
    """A begeleiding starts: the GP's prescription date is the start (and billing) date."""

    insz: str
    prescription_date: dt.date
    medical: Medical
    contact: Contact
    accident_code: str = "none"


@dataclass(frozen=True)
class StopReport:
    """A begeleiding ends: what the MBE records about the end."""

    day: dt.date
    reason: str
    place_of_death: str | None = None
    non_billing_reason: str | None = None
    interventions: Sequence[tuple[str, int]] = field(default_factory=tuple)
    first_line_contacts: Sequence[tuple[str, str, int]] = field(default_factory=tuple)


class MbeDriver(Protocol):
    """The actions the harness asks of MBE software, one call per real-world event."""

    def open(self, session: Session) -> None:
        """Start the software as MBE `session.hco`, talking to the given central application."""

    def set_clock(self, moment: dt.datetime) -> None:
        """It is now `moment` for the software (the harness moves time forward only)."""

    def register_patient(self, patient: Patient) -> None:
        """The MBE takes on a patient (no message needs to follow)."""

    def start_begeleiding(self, start: Start) -> None:
        """A begeleiding starts for a registered patient."""

    def change_contact(self, insz: str, contact: Contact) -> None:
        """The contact person of the patient's current begeleiding changes."""

    def change_accident_code(self, insz: str, code: str) -> None:
        """The accident code of the patient's current begeleiding changes."""

    def cancel(self, insz: str) -> None:
        """The patient's current begeleiding was entered by mistake and is cancelled."""

    def stop(self, insz: str, report: StopReport) -> None:
        """The patient's current begeleiding ends."""

    def read_feed(self) -> None:
        """The software reads its feed (final decisions, settlements) and acts on it."""

    def run_monthly_billing(self) -> None:
        """The MBE's billing day: the software bills what is due, one shipment per zorgkas."""

    def billed_to_health_insurer(self) -> list[str]:
        """The INSZ of the patients the software billed to the health insurer (old procedure)."""

    def close(self) -> None:
        """Stop the software."""
