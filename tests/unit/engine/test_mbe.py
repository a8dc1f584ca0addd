"""Who may send (domain.md §1): REQ-MBE-*."""

from __future__ import annotations

from tests.engine_support import (
    MBE_A,
    MBE_B,
    NO_COT_MBE,
    assert_accepted,
    assert_refused,
    cancel_request,
    mbes,
    open_begeleiding,
    persons,
    request,
    requirements,
    status_query,
    table,
)
from vsb.engine import CentralApplication

P = persons()
PATIENT = P["affiliated_480_official"]


def test_fixtures_hold_fifteen_mbes_with_a_cot_declaration() -> None:
    assert len(mbes()) == 15 and NO_COT_MBE not in mbes()


def test_request_from_every_recognised_mbe_is_accepted(app: CentralApplication) -> None:
    for mbe in mbes():
        reference = open_begeleiding(app, mbe, PATIENT)
        assert_accepted(app.handle(cancel_request(mbe, reference)))


def test_request_from_an_mbe_without_cot_is_refused(app: CentralApplication) -> None:
    answer = app.handle(request(NO_COT_MBE, PATIENT, "2024-03-01"))
    assert_refused(answer, "REQ-MBE-COT", "/mbe")
    assert requirements(answer) == ["REQ-MBE-COT"]


def test_insurance_query_from_an_mbe_without_cot_is_refused(app: CentralApplication) -> None:
    assert_refused(app.handle(status_query(NO_COT_MBE, PATIENT, "2024-03-01")), "REQ-MBE-COT")


def test_message_sent_with_another_mbes_certificate_is_refused(app: CentralApplication) -> None:
    before = table(app, "begeleidingen")
    answer = app.handle(request(MBE_A, PATIENT, "2024-03-01"), sender=MBE_B)
    assert_refused(answer, "REQ-MBE-CERTIFICATE", "/mbe")
    assert table(app, "begeleidingen") == before


def test_message_sent_with_its_own_certificate_is_accepted(app: CentralApplication) -> None:
    assert_accepted(app.handle(request(MBE_A, PATIENT, "2024-03-01"), sender=MBE_A))


def test_insurance_query_with_another_mbes_certificate_is_refused(app: CentralApplication) -> None:
    answer = app.handle(status_query(MBE_A, PATIENT, "2024-03-01"), sender=MBE_B)
    assert_refused(answer, "REQ-MBE-CERTIFICATE", "/mbe")


def test_replay_of_another_mbes_message_with_own_certificate_is_refused_not_answered(
    app: CentralApplication,
) -> None:
    message = request(MBE_A, PATIENT, "2024-03-01")
    reference = assert_accepted(app.handle(message, sender=MBE_A))
    replay = app.handle(message, sender=MBE_B)
    assert replay.get("vsbReference") != reference
    assert_refused(replay, "REQ-MBE-CERTIFICATE", "/mbe")


def test_forged_message_does_not_use_up_the_real_mbes_message_id(app: CentralApplication) -> None:
    message = request(MBE_A, PATIENT, "2024-03-01")
    assert_refused(app.handle(message, sender=MBE_B), "REQ-MBE-CERTIFICATE")
    assert_accepted(app.handle(message, sender=MBE_A))
