"""Review queues and staff decisions (domain.md §3, §4): REQ-RV-*."""

from __future__ import annotations

import datetime as dt

import pytest

from tests.engine_support import (
    MBE_A,
    MBE_B,
    admin_change,
    assert_accepted,
    assert_refused,
    assert_under_review,
    assert_valid,
    cancel_stop,
    open_begeleiding,
    persons,
    request,
    stop_begeleiding,
    table,
)
from vsb.clock import FixedClock
from vsb.engine import CentralApplication
from vsb.review import ReviewItem, StaffActionError

P = persons()
CAN = P["not_affiliated_vzv25"]  # health insurer 100: reviewed by zorgkas 180


def _pending(
    app: CentralApplication, mbe: str = MBE_A, insz: str = CAN, zorgkas: int = 180
) -> ReviewItem:
    message = request(mbe, insz, "2024-03-01")
    assert_under_review(app.handle(message), "REQ-INS-CAN-AFFILIATE", zorgkas)
    (item,) = [i for i in app.review_queue(zorgkas) if i.message_id == message["messageId"]]
    return item


def test_review_item_holds_the_message_and_why(app: CentralApplication) -> None:
    item = _pending(app)
    assert (item.zorgkas, item.mbe, item.kind, item.requirement) == (
        180,
        MBE_A,
        "request",
        "REQ-INS-CAN-AFFILIATE",
    )
    assert item.message["insz"] == CAN
    assert item.as_dict()["messageId"] == item.message_id
    assert all(app.review_queue(z) == [] for z in (280, 380, 480, 580, 680))


def test_pending_request_blocks_another_request_for_the_patient(app: CentralApplication) -> None:
    _pending(app)
    assert_refused(app.handle(request(MBE_B, CAN, "2024-03-02")), "REQ-RQ-ONE-OPEN")


def test_staff_acceptance_gives_the_request_a_reference(app: CentralApplication) -> None:
    item = _pending(app)
    decision = app.decide(item.id, 180, "Greet (CM)", "accepted")
    assert_valid("final-decision", decision)
    assert (decision["outcome"], decision["inReplyTo"]) == ("accepted", item.message_id)
    assert decision["decidedBy"] == {"zorgkas": 180, "staff": "Greet (CM)"}
    reference = decision["vsbReference"]
    begeleiding = app.store.begeleiding_by_reference(reference)
    assert begeleiding is not None and begeleiding.status == "open"
    assert begeleiding.pending_message is None
    assert app.review_queue(180) == []


def test_staff_refusal_removes_the_pending_begeleiding(app: CentralApplication) -> None:
    item = _pending(app)
    decision = app.decide(item.id, 180, "Greet (CM)", "refused", "patient did not affiliate")
    assert_valid("final-decision", decision)
    assert decision["outcome"] == "refused"
    assert decision["errors"][0]["requirement"] == "REQ-INS-CAN-AFFILIATE"
    assert "patient did not affiliate" in decision["errors"][0]["message"]
    assert "vsbReference" not in decision
    assert table(app, "begeleidingen") == []
    assert_under_review(app.handle(request(MBE_B, CAN, "2024-03-02")), "REQ-INS-CAN-AFFILIATE")


def test_refusal_without_a_reason_is_a_staff_error(app: CentralApplication) -> None:
    item = _pending(app)
    with pytest.raises(StaffActionError) as raised:
        app.decide(item.id, 180, "Greet", "refused", "  ")
    assert raised.value.requirement == "REQ-RV-FINAL-DECISION"
    assert [i.id for i in app.review_queue(180)] == [item.id]


def test_deciding_twice_is_a_staff_error(app: CentralApplication) -> None:
    item = _pending(app)
    app.decide(item.id, 180, "Greet", "accepted")
    before = table(app, "begeleidingen")
    with pytest.raises(StaffActionError) as raised:
        app.decide(item.id, 180, "Greet", "refused", "changed my mind")
    assert raised.value.requirement == "REQ-RV-FINAL-DECISION"
    assert table(app, "begeleidingen") == before


def test_staff_of_another_zorgkas_cannot_decide(app: CentralApplication) -> None:
    item = _pending(app)
    with pytest.raises(StaffActionError) as raised:
        app.decide(item.id, 680, "Jan (VZK)", "accepted")
    assert raised.value.requirement == "REQ-RV-ZORGKAS-QUEUE"
    assert [i.id for i in app.review_queue(180)] == [item.id]


def test_unknown_review_is_a_staff_error(app: CentralApplication) -> None:
    with pytest.raises(StaffActionError):
        app.decide(4242, 180, "Greet", "accepted")


def test_final_decision_reaches_the_sending_mbe_only(app: CentralApplication) -> None:
    item = _pending(app)
    decision = app.decide(item.id, 180, "Greet", "accepted")
    feed = app.feed(MBE_A)
    assert [d for _, d in feed] == [decision]
    assert app.feed(MBE_B) == []
    cursor = feed[-1][0]
    assert app.feed(MBE_A, after=cursor) == []


def test_feed_after_a_cursor_holds_only_later_decisions(app: CentralApplication) -> None:
    first = _pending(app)
    second = _pending(app, insz=P["not_affiliated_foreign_insured"], zorgkas=680)
    app.decide(first.id, 180, "Greet", "accepted")
    ((cursor, _),) = app.feed(MBE_A)
    later = app.decide(second.id, 680, "Jan", "refused", "no affiliation")
    assert [d for _, d in app.feed(MBE_A, after=cursor)] == [later]


def test_staff_acceptance_of_a_late_change_applies_it(
    app: CentralApplication, clock: FixedClock
) -> None:
    insz = P["affiliated_580_official"]
    reference = open_begeleiding(app, MBE_A, insz)
    stop_begeleiding(app, MBE_A, reference, "2024-03-08")
    clock.advance(days=10)
    message = admin_change(MBE_A, reference, contact_name="Late Contact")
    assert_under_review(app.handle(message), "REQ-CH-LATE-WINDOW", 580)
    (item,) = app.review_queue(580)
    decision = app.decide(item.id, 580, "Lieve", "accepted")
    assert_valid("final-decision", decision)
    assert (decision["outcome"], decision["vsbReference"]) == ("accepted", reference)
    begeleiding = app.store.begeleiding_by_reference(reference)
    assert begeleiding is not None
    assert begeleiding.contact == {"name": "Late Contact"}
    assert begeleiding.pending_message is None
    assert_under_review(app.handle(admin_change(MBE_A, reference)), "REQ-CH-LATE-WINDOW")


def test_staff_refusal_of_a_late_change_leaves_the_begeleiding_and_frees_it(
    app: CentralApplication, clock: FixedClock
) -> None:
    insz = P["affiliated_580_official"]
    reference = open_begeleiding(app, MBE_A, insz)
    stop_begeleiding(app, MBE_A, reference, "2024-03-08")
    clock.advance(days=10)
    assert_under_review(app.handle(cancel_stop(MBE_A, reference)), "REQ-CH-LATE-WINDOW")
    (item,) = app.review_queue(580)
    decision = app.decide(item.id, 580, "Lieve", "refused", "too late, stop stands")
    assert_valid("final-decision", decision)
    assert decision["outcome"] == "refused" and decision["vsbReference"] == reference
    begeleiding = app.store.begeleiding_by_reference(reference)
    assert begeleiding is not None and begeleiding.status == "stopped"
    assert_under_review(app.handle(cancel_stop(MBE_A, reference)), "REQ-CH-LATE-WINDOW")


def test_accepted_late_cancel_stop_is_refused_when_the_patient_moved_on_meanwhile(
    app: CentralApplication, clock: FixedClock
) -> None:
    insz = P["affiliated_580_official"]
    reference = open_begeleiding(app, MBE_A, insz)
    stop_begeleiding(app, MBE_A, reference, "2024-03-08", "other-mbe")
    clock.advance(days=10)
    assert_under_review(app.handle(cancel_stop(MBE_A, reference)), "REQ-CH-LATE-WINDOW")
    assert_accepted(app.handle(request(MBE_B, insz, "2024-03-15")))
    (item,) = app.review_queue(580)
    decision = app.decide(item.id, 580, "Lieve", "accepted")
    assert_valid("final-decision", decision)
    assert decision["outcome"] == "refused"
    assert decision["errors"][0]["requirement"] == "REQ-CS-STOPPED"


def test_staff_acceptance_of_a_restart_under_review_gives_a_reference(
    app: CentralApplication, clock: FixedClock
) -> None:
    insz = P["affiliation_ended"]  # affiliated with 480 until 2024-06-30, health insurer 400
    clock.set(dt.date(2024, 6, 10))
    first = open_begeleiding(app, MBE_A, insz, "2024-06-01")
    clock.set(dt.date(2024, 6, 21))
    stop_begeleiding(app, MBE_A, first, "2024-06-20", "hospital-admission")
    clock.set(dt.date(2024, 7, 6))
    answer = app.handle(request(MBE_A, insz, "2024-07-05", "restart"))
    assert_under_review(answer, "REQ-INS-CAN-AFFILIATE", 480)
    (item,) = app.review_queue(480)
    decision = app.decide(item.id, 480, "Patrick", "accepted")
    assert decision["outcome"] == "accepted", decision
    assert decision["vsbReference"] != first


@pytest.mark.parametrize("staff", ["", "x" * 101], ids=["empty", "too-long"])
def test_decision_by_an_unnamed_staff_member_is_a_staff_error(
    app: CentralApplication, staff: str
) -> None:
    item = _pending(app)
    with pytest.raises(StaffActionError):
        app.decide(item.id, 180, staff, "accepted")
