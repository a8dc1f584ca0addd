"""The reference MBE client over HTTP: `vsb serve` on loopback, the MBE's certificate."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from conformance.mbe.driver import DriverError, Patient, Session, Start, StopReport
from conformance.mbe.reference_client import ReferenceMbeSoftware
from tests.integration.conftest import MBE, LiveServer
from tests.mbe_support import CONTACT, MEDICAL
from vsb.clock import BRUSSELS

AN = "48031402205"  # affiliated with CM Zorgkas (180)
CAN_AFFILIATE = "90070706515"


def _at(server: LiveServer, software: ReferenceMbeSoftware, day: dt.date) -> None:
    moment = dt.datetime.combine(day, dt.time(9, 0), BRUSSELS)
    assert server.caller(None).put("/test/clock", {"now": moment.isoformat()}).status_code == 200
    software.set_clock(moment)


def test_the_reference_client_requests_reads_its_feed_and_bills_over_http(
    server: LiveServer, pki: Path
) -> None:
    software = ReferenceMbeSoftware(id_prefix="http")
    session = Session(
        MBE,
        url=server.url,
        certificate=str(pki / f"mbe-{MBE}.pem"),
        key=str(pki / f"mbe-{MBE}.key"),
    )
    software.open(session)
    try:
        _at(server, software, dt.date(2024, 3, 10))
        for insz in (AN, CAN_AFFILIATE):
            software.register_patient(Patient(insz, "Test", "Patient"))
            software.start_begeleiding(Start(insz, dt.date(2024, 3, 4), MEDICAL, CONTACT))
        waiting = StopReport(dt.date(2024, 3, 10), "death", place_of_death="home")
        software.stop(CAN_AFFILIATE, waiting)  # waits for the final decision on the request
        (review,) = software.pending.values()
        zorgkas = 180  # the zorgkas of the patient's health insurer
        staff = server.staff(zorgkas)
        item = staff.get(f"/v1/zorgkassen/{zorgkas}/reviews").json()["items"][0]
        decision = f"/v1/zorgkassen/{zorgkas}/reviews/{item['reviewId']}/decision"
        assert staff.post(decision, {"outcome": "accepted"}).status_code == 200
        software.read_feed()
        care = review[0]
        assert care.reference is not None and care.state == "stopped"
        _at(server, software, dt.date(2024, 4, 10))
        software.run_monthly_billing()
        assert all(c.billed for c in software.cares if c.insz == AN)
        assert software.refusals == []
    finally:
        software.close()


def test_a_session_without_a_certificate_cannot_open() -> None:
    with pytest.raises(DriverError, match="certificate"):
        ReferenceMbeSoftware().open(Session(MBE, url="http://127.0.0.1:9"))
