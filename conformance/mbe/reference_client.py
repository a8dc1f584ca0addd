"""The reference MBE client: MBE software that keeps every rule that binds it.

`ReferenceMbeSoftware` implements `MbeDriver` on the message builders the simulator's MBE
software uses too (`vsb.mbe_messages`), so that the harness certifies against one idea of
correct MBE software. What it does, per requirement:

- REQ-TR-BEFORE: a begeleiding started before the rulebook's transition date gets no request
  and no message at all; it is billed to the health insurer (`billed_to_health_insurer`).
- REQ-TR-ON-AFTER, REQ-RQ-DEADLINE, REQ-RQ-START-NOT-FUTURE: any other begeleiding is
  requested at once (on its start date when that is still ahead), after an insurance-status
  query on the start date.
- REQ-RQ-TYPE-NEW, REQ-RQ-TYPE-RESTART: restart when the patient had an earlier begeleiding
  at this MBE whose stop was accepted, new otherwise.
- REQ-CH-REFERENCE, REQ-CH-ONE-IN-PROCESSING: every change carries the VSB reference; a
  change waits while the begeleiding has no reference yet or a message under review, and goes
  out after the final decision (read from the feed).
- REQ-ST-REQUIRED-DATA, REQ-ST-DEATH-PLACE, REQ-ST-CODELIST, REQ-ST-ONCE: a stop is complete,
  names the place of death only and always with death, counts each type once, and is sent
  once.
- REQ-RV-FINAL-DECISION: final decisions are read from the feed and acted on.
- Billing: see `conformance.mbe.reference_billing`.

An action the software cannot perform (an unknown patient, a second open begeleiding, a stop
because of death without a place of death) raises `DriverError`.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from conformance.mbe.driver import Contact, DriverError, Patient, Start, StopReport
from conformance.mbe.reference_billing import BillingSoftware
from conformance.mbe.reference_core import Care, Message, Outbound
from vsb import mbe_messages as build

__all__ = ["ReferenceMbeSoftware"]


class ReferenceMbeSoftware(BillingSoftware):
    """MBE software that does what the rules ask: the harness's reference client."""

    name = "vsb-harness reference MBE software"
    """What the driver server and the reports call it."""
    wait = 0.0
    """In process, every action has sent its messages when it returns."""

    # -- the clock -----------------------------------------------------------------------------

    def set_clock(self, moment: dt.datetime) -> None:
        """It is now `moment`: requests whose day has come go out."""
        super().set_clock(moment)
        if self.session is not None:
            for care in self.cares:
                if care.state == "waiting" and not care.legacy:
                    self.request_when_due(care)

    # -- patients and requests -----------------------------------------------------------------

    def register_patient(self, patient: Patient) -> None:
        """Take on a patient: no message."""
        self.patients[patient.insz] = patient

    def start_begeleiding(self, start: Start) -> None:
        """A begeleiding starts: request it now, or keep it under the old procedure."""
        if start.insz not in self.patients:
            raise DriverError(f"start_begeleiding: patient {start.insz} is not registered")
        earlier = [c for c in self.patient_cares(start.insz) if c.state in _ACTIVE]
        if earlier:
            raise DriverError(
                f"start_begeleiding: patient {start.insz} has an open begeleiding since "
                f"{earlier[-1].start}; stop it first"
            )
        care = Care(start.insz, start.prescription_date, _begeleiding(start))
        self.cares.append(care)
        if self.is_legacy(care.start):
            care.legacy, care.state = True, "open"
            return
        self.request_when_due(care)

    def is_legacy(self, start: dt.date) -> bool:
        """Whether a begeleiding keeps the old procedure (started before the transition)."""
        return start < self.rulebook.date("transition_date")

    def request_day(self, care: Care) -> dt.date:
        """The day the request goes out: the start date, at once when it has come."""
        return care.start

    def request_when_due(self, care: Care) -> None:
        """Send the request of a waiting begeleiding when its day has come."""
        if care.state != "waiting" or self.today < self.request_day(care):
            return
        self.check_status(care)
        kind = self.request_type(care)
        message_id = self.new_id("rq")
        message = build.request(message_id, self.hco, care.insz, care.begeleiding, kind, care.start)
        care.state = "requested"
        self.answered(care, message, self.send(message))

    def request_type(self, care: Care) -> str:
        """Restart after an earlier stopped begeleiding at this MBE, else new."""
        earlier = [c for c in self.patient_cares(care.insz) if c is not care]
        stopped = any(c.state == "stopped" and not c.legacy for c in earlier)
        return "restart" if stopped else "new"

    # -- changes -------------------------------------------------------------------------------

    def change_contact(self, insz: str, contact: Contact) -> None:
        """The contact person changes: an admin change."""
        person = _contact(contact)
        self.change(
            insz,
            "change_contact",
            lambda ref, mid: build.admin_change(mid, self.hco, ref, contact=person),
        )

    def change_accident_code(self, insz: str, code: str) -> None:
        """The accident code changes: an admin change."""
        self.change(
            insz,
            "change_accident_code",
            lambda ref, mid: build.admin_change(mid, self.hco, ref, accident_code=code),
        )

    def change(self, insz: str, action: str, outbound: Outbound) -> None:
        """Send a change of the patient's current begeleiding (or queue it)."""
        care = self.current(insz, action)
        if care.legacy:
            return  # the old procedure: nothing goes to the central application
        self.enqueue(care, outbound)

    def cancel(self, insz: str) -> None:
        """The begeleiding was entered by mistake: cancel its request (credit first when its
        forfait was accepted)."""
        care = self.current(insz, "cancel")
        if care.legacy or care.state == "waiting":
            care.state = "cancelled"  # nothing was requested
        elif care.billed or care.awaiting:
            care.cancelling = True  # REQ-CH-CANCEL-BILLED: the next shipment credits it
        else:
            self.enqueue(care, self.cancel_message)

    def stop(self, insz: str, report: StopReport) -> None:
        """The begeleiding ends: a complete stop."""
        care = self.current(insz, "stop")
        if care.state == "stopped" or care.stopping:
            raise DriverError(f"stop: the begeleiding of {insz} is stopped already")
        data = self.stop_data(report)
        if care.legacy:
            care.state, care.stop_day = "stopped", report.day
            return
        care.stopping = True
        self.enqueue(care, lambda ref, mid: build.stop(mid, self.hco, ref, data))

    def stop_data(self, report: StopReport) -> dict[str, Any]:
        """The stop part of the message: place of death only and always with death; each
        intervention type and provider-intervention pair counted once."""
        death = report.reason == "death"
        if death and not report.place_of_death:
            raise DriverError("stop: a stop because of death needs the place of death")
        interventions = _counted(((t,), n) for t, n in report.interventions)
        contacts = _counted(((p, i), n) for p, i, n in report.first_line_contacts)
        return build.stop_data(
            report.day,
            report.reason,
            [{"type": t, "count": n} for (t,), n in interventions],
            [{"providerType": p, "interventionType": i, "count": n} for (p, i), n in contacts],
            place_of_death=report.place_of_death if death else None,
            non_billing_reason=report.non_billing_reason,
        )

    # -- the old procedure ---------------------------------------------------------------------

    def billed_to_health_insurer(self) -> list[str]:
        """The patients whose begeleiding started before the transition date, billed to their
        health insurer under the old procedure."""
        return [c.insz for c in self.cares if c.legacy and c.state != "cancelled"]


_ACTIVE = ("waiting", "requested", "open")


def _begeleiding(start: Start) -> Message:
    medical = start.medical
    return {
        "contactPerson": _contact(start.contact),
        "medical": {
            "gp": {"name": medical.gp_name, "riziv": medical.gp_riziv},
            "diagnosis": medical.diagnosis,
            "referral": medical.referral,
            "origin": medical.origin,
        },
        "accidentCode": start.accident_code,
    }


def _contact(contact: Contact) -> dict[str, str]:
    person = {"name": contact.name}
    if contact.phone:
        person["phone"] = contact.phone
    return person


def _counted(items: Iterable[tuple[tuple[str, ...], int]]) -> list[tuple[tuple[str, ...], int]]:
    totals: dict[tuple[str, ...], int] = {}
    for key, count in items:
        totals[key] = totals.get(key, 0) + count
    return [(key, count) for key, count in totals.items() if count > 0]
