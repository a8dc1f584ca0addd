"""A minimal MBE software behind the driver server, for the tests of the HTTP driver interface.

It does the least a remote driver can: on `start_begeleiding` it sends a request to the
central application of its `Session`, over HTTP with a client assertion signed with the
MBE's certificate; it reads its feed on `read_feed`. Every action it receives is appended, as
one JSON line, to the file named by `VSB_TEST_DRIVER_LOG` (when set), so that a test can
check what crossed the interface. `cancel` raises `DriverError` and `change_accident_code`
fails outright, so the tests can see both kinds of failure come back.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import os
from pathlib import Path
from typing import Any

import httpx

from conformance.mbe.driver import Contact, DriverError, Patient, Session, Start, StopReport
from vsb.serve.certs import ClientIdentity

LOG_ENV = "VSB_TEST_DRIVER_LOG"


def plain(value: Any) -> Any:
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: plain(getattr(value, f.name)) for f in dataclasses.fields(value)}
    if isinstance(value, dt.date | dt.datetime):
        return value.isoformat()
    if isinstance(value, list | tuple):
        return [plain(v) for v in value]
    return value


class MinimalMbeSoftware:
    """An `MbeDriver` that sends a request when a begeleiding starts, and little else."""

    name = "minimal test MBE software"
    version = "0.1"

    def __init__(self) -> None:
        self.session: Session | None = None
        self.identity: ClientIdentity | None = None
        self.client: httpx.Client | None = None
        self.now = dt.datetime(2024, 1, 1, 9, 0)
        self.sent = 0
        self.patients: dict[str, Patient] = {}

    def _log(self, action: str, *args: Any) -> None:
        target = os.environ.get(LOG_ENV)
        if target:
            with Path(target).open("a", encoding="utf-8") as sink:
                sink.write(json.dumps({"action": action, "args": plain(args)}) + "\n")

    def _headers(self) -> dict[str, str]:
        assert self.identity is not None and self.session is not None
        return self.identity.headers(self.session.audience)

    def open(self, session: Session) -> None:
        self._log("open", session.hco, session.url, session.audience)
        self.session = session
        if session.certificate and session.key:
            # The certificate and key files share a stem: <stem>.pem and <stem>.key.
            self.identity = ClientIdentity.load(Path(session.certificate).with_suffix(""))
        if session.url:
            self.client = httpx.Client(base_url=session.url, timeout=10)

    def set_clock(self, moment: dt.datetime) -> None:
        self._log("set_clock", moment)
        self.now = moment

    def register_patient(self, patient: Patient) -> None:
        self._log("register_patient", patient)
        self.patients[patient.insz] = patient

    def start_begeleiding(self, start: Start) -> None:
        self._log("start_begeleiding", start)
        if self.client is None or self.session is None:
            raise DriverError("start_begeleiding: no central application to send the request to")
        self.sent += 1
        medical = start.medical
        message = {
            "kind": "request",
            "messageId": f"minimal-{self.now:%Y%m%d}-{self.sent}",
            "mbe": self.session.hco,
            "insz": start.insz,
            "begeleiding": {
                "requestType": "new",
                "startDate": start.prescription_date.isoformat(),
                "contactPerson": {"name": start.contact.name, "phone": start.contact.phone},
                "medical": {
                    "gp": {"name": medical.gp_name, "riziv": medical.gp_riziv},
                    "diagnosis": medical.diagnosis,
                    "referral": medical.referral,
                    "origin": medical.origin,
                },
                "accidentCode": start.accident_code,
            },
        }
        if message["begeleiding"]["contactPerson"]["phone"] is None:
            del message["begeleiding"]["contactPerson"]["phone"]
        response = self.client.post("/v1/requests", json=message, headers=self._headers())
        if response.status_code != 200:
            raise DriverError(f"the central application answered {response.status_code}")

    def change_contact(self, insz: str, contact: Contact) -> None:
        self._log("change_contact", insz, contact)

    def change_accident_code(self, insz: str, code: str) -> None:
        self._log("change_accident_code", insz, code)
        raise ValueError(f"accident code {code} broke the software")

    def cancel(self, insz: str) -> None:
        self._log("cancel", insz)
        raise DriverError(f"this software cannot cancel the begeleiding of {insz}")

    def stop(self, insz: str, report: StopReport) -> None:
        self._log("stop", insz, report)

    def read_feed(self) -> None:
        self._log("read_feed")
        if self.client is not None:
            self.client.get("/v1/feed", headers=self._headers()).raise_for_status()

    def run_monthly_billing(self) -> None:
        self._log("run_monthly_billing")

    def billed_to_health_insurer(self) -> list[str]:
        self._log("billed_to_health_insurer")
        return sorted(self.patients)

    def close(self) -> None:
        self._log("close")
        if self.client is not None:
            self.client.close()
