"""A person drives the MBE software: the harness prints each action and waits for messages.

Without a driver, a tester performs each action in the software under test (which talks to
the harness's central application over HTTP, at the URL and with the certificate `open`
prints). Actions return at once; the steps that expect a message wait for it at most `wait`
seconds and then fail the scenario with a timeout verdict, so a run never hangs.
"""

from __future__ import annotations

import datetime as dt
import sys
from typing import TextIO

from conformance.mbe.driver import Contact, Patient, Session, Start, StopReport


class ManualDriver:
    """An `MbeDriver` that asks a person to act; `wait` is how long a step waits for them."""

    def __init__(self, wait: float = 30.0, out: TextIO | None = None) -> None:
        self.wait = wait
        self.out = out or sys.stdout

    def _say(self, text: str) -> None:
        print(f"\n>>> ACTION: {text}", file=self.out, flush=True)

    def open(self, session: Session) -> None:
        self._say(
            f"run the MBE software as MBE {session.hco}, central application at {session.url}, "
            f"certificate {session.certificate}, key {session.key}, audience {session.audience}"
        )

    def set_clock(self, moment: dt.datetime) -> None:
        self._say(f"set the software's date to {moment.isoformat()}")

    def register_patient(self, patient: Patient) -> None:
        self._say(f"take on patient {patient.first_name} {patient.last_name}, INSZ {patient.insz}")

    def start_begeleiding(self, start: Start) -> None:
        medical = start.medical
        self._say(
            f"start a begeleiding for INSZ {start.insz}: prescription dated "
            f"{start.prescription_date}, GP {medical.gp_name} ({medical.gp_riziv}), diagnosis "
            f"{medical.diagnosis}, referral {medical.referral}, origin {medical.origin}, "
            f"contact {start.contact.name}, accident code {start.accident_code}"
        )

    def change_contact(self, insz: str, contact: Contact) -> None:
        self._say(f"change the contact person of INSZ {insz}'s begeleiding to {contact.name}")

    def change_accident_code(self, insz: str, code: str) -> None:
        self._say(f"change the accident code of INSZ {insz}'s begeleiding to {code}")

    def cancel(self, insz: str) -> None:
        self._say(f"cancel the begeleiding of INSZ {insz} (entered by mistake)")

    def stop(self, insz: str, report: StopReport) -> None:
        self._say(
            f"stop the begeleiding of INSZ {insz} on {report.day}: reason {report.reason}, "
            f"place of death {report.place_of_death or '-'}, reason for non-billing "
            f"{report.non_billing_reason or '-'}, interventions {list(report.interventions)}, "
            f"first-line contacts {list(report.first_line_contacts)}"
        )

    def read_feed(self) -> None:
        self._say("let the software read its feed (final decisions, settlements)")

    def run_monthly_billing(self) -> None:
        self._say("run the monthly billing")

    def billed_to_health_insurer(self) -> list[str]:
        self._say("nothing to do: the harness cannot see what was billed to the health insurer")
        return []

    def close(self) -> None:
        self._say("the scenario is over; you may close the software")
