"""The driver contract over HTTP: `HttpDriver` calls MBE software's driver at a URL.

Software in any language implements the small JSON interface of `docs/driver-openapi.json`;
`python -m conformance.mbe.driver_server MODULE:CLASS` serves any Python `MbeDriver` with it.
Every action is one POST; a driver that refuses an action answers a 4xx/5xx problem, which
becomes `DriverError`; a driver that does not answer within the timeout fails the scenario.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any
from urllib.parse import quote

import httpx

from conformance.mbe.driver import Contact, DriverError, Patient, Session, Start, StopReport

PREFIX = "/driver"


def start_body(start: Start) -> dict[str, Any]:
    """The JSON body of a begeleiding that starts."""
    medical = start.medical
    return {
        "insz": start.insz,
        "prescriptionDate": start.prescription_date.isoformat(),
        "medical": {
            "gpName": medical.gp_name,
            "gpRiziv": medical.gp_riziv,
            "diagnosis": medical.diagnosis,
            "referral": medical.referral,
            "origin": medical.origin,
        },
        "contact": contact_body(start.contact),
        "accidentCode": start.accident_code,
    }


def contact_body(contact: Contact) -> dict[str, Any]:
    """The JSON body of a contact person."""
    return {"name": contact.name, "phone": contact.phone}


def stop_body(report: StopReport) -> dict[str, Any]:
    """The JSON body of a stop report."""
    return {
        "day": report.day.isoformat(),
        "reason": report.reason,
        "placeOfDeath": report.place_of_death,
        "nonBillingReason": report.non_billing_reason,
        "interventions": [{"type": t, "count": n} for t, n in report.interventions],
        "firstLineContacts": [
            {"providerType": p, "interventionType": i, "count": n}
            for p, i, n in report.first_line_contacts
        ],
    }


def session_body(session: Session) -> dict[str, Any]:
    """The JSON body of `open`: who the software is, where the central application is, and
    its certificate and key as PEM text (the driver may run on another machine)."""

    def pem(path: str | None) -> str | None:
        return Path(path).read_text("utf-8") if path else None

    return {
        "hco": session.hco,
        "centralUrl": session.url,
        "certificatePem": pem(session.certificate),
        "keyPem": pem(session.key),
        "audience": session.audience,
    }


def problem_detail(response: httpx.Response) -> str:
    """What a refusal says: a problem's `detail` and the fields it names, else the text."""
    try:
        problem = response.json()
    except ValueError:
        return response.text[:300]
    detail = problem.get("detail") if isinstance(problem, dict) else None
    if not isinstance(detail, str):
        return response.text[:300]
    errors = [e for e in problem.get("errors", ()) if isinstance(e, dict)]
    named = "; ".join(f"{e.get('pointer') or '/'}: {e.get('message')}" for e in errors)
    return detail + (f" ({named})" if named else "")


class HttpDriver:
    """An `MbeDriver` that forwards every action to a driver at `url`."""

    def __init__(self, url: str, timeout: float = 10.0, wait: float = 30.0) -> None:
        self.url = url.rstrip("/")
        self.wait = wait
        self.client = httpx.Client(base_url=self.url, timeout=timeout)

    def _post(self, path: str, body: dict[str, Any] | None = None) -> Any:
        try:
            response = self.client.post(PREFIX + path, json=body or {})
        except httpx.HTTPError as exc:
            raise DriverError(f"driver {self.url}{PREFIX}{path}: {type(exc).__name__}") from None
        if response.status_code >= 400:
            raise DriverError(
                f"driver {self.url}{PREFIX}{path} answered {response.status_code}: "
                + problem_detail(response)
            )
        return response.json() if response.content else None

    def open(self, session: Session) -> None:
        self._post("/open", session_body(session))

    def set_clock(self, moment: dt.datetime) -> None:
        self._post("/clock", {"now": moment.isoformat()})

    def register_patient(self, patient: Patient) -> None:
        body = {"insz": patient.insz, "firstName": patient.first_name}
        self._post("/patients", {**body, "lastName": patient.last_name})

    def start_begeleiding(self, start: Start) -> None:
        self._post("/begeleidingen", start_body(start))

    def _begeleiding(self, insz: str, action: str, body: dict[str, Any] | None = None) -> None:
        self._post(f"/begeleidingen/{quote(insz)}/{action}", body)

    def change_contact(self, insz: str, contact: Contact) -> None:
        self._begeleiding(insz, "contact", contact_body(contact))

    def change_accident_code(self, insz: str, code: str) -> None:
        self._begeleiding(insz, "accident-code", {"code": code})

    def cancel(self, insz: str) -> None:
        self._begeleiding(insz, "cancel")

    def stop(self, insz: str, report: StopReport) -> None:
        self._begeleiding(insz, "stop", stop_body(report))

    def read_feed(self) -> None:
        self._post("/feed/read")

    def run_monthly_billing(self) -> None:
        self._post("/billing/run")

    def billed_to_health_insurer(self) -> list[str]:
        answer = self._post("/health-insurer-billing")
        found = answer.get("insz", []) if isinstance(answer, dict) else []
        return [str(insz) for insz in found]

    def close(self) -> None:
        try:
            self._post("/close")
        finally:
            self.client.close()
