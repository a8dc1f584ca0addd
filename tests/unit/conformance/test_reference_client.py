"""The reference MBE client against the harness's recording central application, in process."""

from __future__ import annotations

import datetime as dt

import pytest

from conformance.mbe.driver import Contact, DriverError, MbeDriver, StopReport
from conformance.mbe.reference_client import ReferenceMbeSoftware
from tests.engine_support import persons
from tests.mbe_support import Run, errors, members, refusal
from vsb.billing.rules import billing_rules
from vsb.rulebook import default_rulebook

D = dt.date
AN = persons()["affiliated_180_official"]
CAN_AFFILIATE = persons()["not_affiliated_vzv25"]


def full_tariff(mbe: str, day: dt.date) -> str:
    rules = billing_rules(default_rulebook())
    cents = rules.tariff(mbe, "773172", day)
    assert cents is not None
    return f"{cents // 100}.{cents % 100:02d}"


def test_reference_client_is_an_mbe_driver() -> None:
    driver: MbeDriver = ReferenceMbeSoftware()
    assert driver.billed_to_health_insurer() == []


def test_a_full_life_is_accepted_at_every_step() -> None:
    run = Run(day=D(2024, 3, 1))
    run.start(AN, D(2024, 3, 1))
    run.at(D(2024, 3, 10))
    run.software.change_contact(AN, Contact("Bart Wouters", "09 123 45 67"))
    run.at(D(2024, 4, 2))
    run.stop(AN, D(2024, 4, 1), "death")
    run.bill(D(2024, 4, 10))
    assert run.sign_all()
    run.at(D(2024, 4, 15))
    run.software.read_feed()
    run.bill(D(2024, 5, 10))

    kinds = [r.kind for r in run.sent()]
    assert kinds == [
        "insurance-status-query",
        "request",
        "admin-change",
        "stop",
        "insurance-status-query",
        "shipment",
    ]
    assert [r for r in run.sent() if refusal(r)] == []
    request, change, stop = (r.message for r in run.sent("request", "admin-change", "stop"))
    assert request["begeleiding"]["requestType"] == "new"
    assert request["begeleiding"]["startDate"] == "2024-03-01"
    reference = run.sent("request")[0].answer["vsbReference"]
    assert change["vsbReference"] == stop["vsbReference"] == reference
    assert stop["stop"]["placeOfDeath"] == "home"
    assert stop["stop"]["interventions"] == [
        {"type": "home-visit", "count": 5},
        {"type": "phone-contact", "count": 2},
    ]
    (shipment,) = run.sent("shipment")
    assert shipment.message["zorgkas"] == 180
    (invoice,) = shipment.message["invoices"]
    assert invoice["vsbReference"] == reference
    assert invoice["lines"] == [
        {
            "lineNumber": 1,
            "code": "773172",
            "prestationDate": "2024-03-01",
            "amount": full_tariff(run.hco, D(2024, 3, 1)),
            "personalShare": "0.00",
        }
    ]
    assert shipment.answer["invoices"][0]["status"] == "accepted"


def test_a_begeleiding_started_in_2023_gets_no_message_and_goes_to_the_health_insurer() -> None:
    run = Run(day=D(2024, 1, 5))
    run.start(AN, D(2023, 12, 15))
    run.stop(AN, D(2024, 1, 4), "death")
    run.bill(D(2024, 2, 10))
    assert run.sent() == []
    assert run.software.billed_to_health_insurer() == [AN]


def test_a_patient_back_after_a_stop_is_requested_as_a_restart() -> None:
    run = Run(day=D(2024, 3, 1))
    run.start(AN, D(2024, 3, 1))
    run.at(D(2024, 3, 20))
    run.stop(AN, D(2024, 3, 20))
    run.at(D(2024, 4, 2))
    run.start(AN, D(2024, 4, 2), register=False)
    types = [r.message["begeleiding"]["requestType"] for r in run.sent("request")]
    assert types == ["new", "restart"]
    assert not run.refused()


def test_a_start_date_ahead_is_requested_on_the_day() -> None:
    run = Run(day=D(2024, 3, 15))
    run.start(AN, D(2024, 3, 20))
    assert run.sent("request") == []
    run.at(D(2024, 3, 20))
    assert [r.at[:10] for r in run.sent("request")] == ["2024-03-20"]


def test_a_change_waits_while_the_request_is_under_review_and_goes_out_after_it() -> None:
    run = Run(day=D(2024, 3, 1))
    run.start(CAN_AFFILIATE, D(2024, 3, 1))
    assert run.sent("request")[0].answer["outcome"] == "under-review"
    run.at(D(2024, 3, 12))
    run.stop(CAN_AFFILIATE, D(2024, 3, 12), "death")
    assert run.sent("stop") == []
    assert run.decide_all() == 1
    run.at(D(2024, 3, 13))
    run.software.read_feed()
    (stop,) = run.sent("stop")
    assert stop.answer["outcome"] == "accepted"
    assert stop.message["vsbReference"] == stop.answer["vsbReference"]


def test_a_request_refused_after_review_is_dropped_with_what_waited() -> None:
    run = Run(day=D(2024, 3, 1))
    run.start(CAN_AFFILIATE, D(2024, 3, 1))
    run.software.change_accident_code(CAN_AFFILIATE, "work-accident")
    assert run.decide_all("refused") == 1
    run.software.read_feed()
    assert run.sent("admin-change") == []
    with pytest.raises(DriverError):
        run.software.stop(CAN_AFFILIATE, StopReport(D(2024, 3, 5), "stabilised"))


def test_a_late_change_under_review_holds_the_next_change_and_the_billing() -> None:
    run = Run(day=D(2024, 3, 1), registry=members(3))
    patient = run.app.store.db.execute("SELECT insz FROM persons LIMIT 1").fetchone()[0]
    run.start(patient, D(2024, 3, 1))
    run.at(D(2024, 3, 20))
    run.stop(patient, D(2024, 3, 20))
    run.at(D(2024, 3, 28))
    run.software.change_contact(patient, Contact("Bart Wouters"))
    run.software.change_accident_code(patient, "work-accident")
    assert [r.answer["outcome"] for r in run.sent("admin-change")] == ["under-review"]
    run.bill(D(2024, 4, 10))
    assert run.sent("shipment") == []
    run.decide_all()
    run.at(D(2024, 4, 20))
    run.software.read_feed()  # the second change goes out now, late: under review too
    assert [r.at[:10] for r in run.sent("admin-change")] == ["2024-03-28", "2024-04-20"]
    run.decide_all()
    run.bill(D(2024, 5, 10))
    assert [r.answer["status"] for r in run.sent("shipment")] == ["processing"]
    assert not run.refused()


def test_nothing_is_billed_past_the_deadline_after_death() -> None:
    run = Run(day=D(2024, 3, 1), registry=members(1, deaths={0: D(2024, 5, 10)}))
    patient = run.app.store.db.execute("SELECT insz FROM persons").fetchone()[0]
    run.start(patient, D(2024, 3, 1))
    run.at(D(2024, 5, 11))
    run.stop(patient, D(2024, 5, 10), "death")
    run.bill(D(2024, 7, 11))
    assert run.sent("shipment") == []
    assert [r.kind for r in run.sent()][-1] == "insurance-status-query"


def test_a_rejected_line_is_billed_again_next_month_on_a_new_original_invoice() -> None:
    registry = members(25)
    corrected = members(25, zorgkassen={0: 280})
    run = Run(day=D(2024, 3, 1), registry=registry, corrected=corrected)
    patients = [p.insz for p in registry.persons]
    for insz in patients:
        run.start(insz, D(2024, 3, 1))
    run.bill(D(2024, 4, 10))
    (first,) = run.sent("shipment")
    assert first.answer["status"] == "processing"
    rejected = [i for i in first.answer["invoices"] if i["status"] == "rejected"]
    assert [i["invoiceNumber"] for i in rejected] == ["F24-000001"]
    assert "REQ-BL-MEMBER" in errors(first)
    run.bill(D(2024, 5, 10))
    (again,) = run.sent("shipment")[1:]
    assert again.message["zorgkas"] == 280
    (invoice,) = again.message["invoices"]
    assert invoice["type"] == "original" and invoice["insz"] == patients[0]
    assert invoice["invoiceNumber"] != "F24-000001"
    assert again.answer["invoices"][0]["status"] == "accepted"


def test_a_refused_shipment_goes_again_next_month_without_what_it_flagged() -> None:
    registry = members(2)
    run = Run(day=D(2024, 3, 1), registry=registry, corrected=members(2, zorgkassen={0: 280}))
    first, second = (p.insz for p in registry.persons)
    run.start(first, D(2024, 3, 1))
    run.start(second, D(2024, 3, 1))
    run.bill(D(2024, 4, 10))
    assert run.sent("shipment")[0].answer["status"] == "refused"
    run.bill(D(2024, 5, 10))
    resent = run.sent("shipment")[1]
    assert [i["insz"] for i in resent.message["invoices"]] == [second]
    assert resent.answer["status"] == "processing"
    run.bill(D(2024, 6, 10))
    last = run.sent("shipment")[2]
    assert (last.message["zorgkas"], last.message["invoices"][0]["insz"]) == (280, first)
    assert not refusal(last)


def test_a_scripted_refusal_does_not_count_as_the_month_shipment() -> None:
    run = Run(day=D(2024, 3, 1))
    run.start(AN, D(2024, 3, 1))
    run.app.choose("shipment", "REQ-BL-THRESHOLD")
    run.bill(D(2024, 4, 10))
    run.bill(D(2024, 5, 10))
    statuses = [r.answer["status"] for r in run.sent("shipment")]
    assert statuses == ["refused", "processing"]


def test_cancelling_a_billed_begeleiding_credits_it_first() -> None:
    run = Run(day=D(2024, 3, 1))
    run.start(AN, D(2024, 3, 1))
    run.bill(D(2024, 4, 10))
    run.at(D(2024, 4, 20))
    run.software.cancel(AN)
    assert run.sent("cancel-request") == []
    run.bill(D(2024, 5, 10))
    kinds = [r.kind for r in run.sent()][-2:]
    assert kinds == ["shipment", "cancel-request"]
    credit = run.sent("shipment")[-1].message["invoices"][0]
    assert credit["type"] == "credit-note" and credit["creditedInvoice"] == "F24-000001"
    assert run.sent("cancel-request")[0].answer["outcome"] == "accepted"
    assert not run.refused()


def test_a_stop_because_of_death_without_a_place_is_not_sent() -> None:
    run = Run(day=D(2024, 3, 1))
    run.start(AN, D(2024, 3, 1))
    with pytest.raises(DriverError, match="place of death"):
        run.software.stop(AN, StopReport(D(2024, 3, 5), "death"))
    assert run.sent("stop") == []


def test_a_second_open_begeleiding_cannot_be_started() -> None:
    run = Run(day=D(2024, 3, 1))
    run.start(AN, D(2024, 3, 1))
    with pytest.raises(DriverError, match="open begeleiding"):
        run.start(AN, D(2024, 3, 5), register=False)


def test_an_unknown_patient_cannot_be_started() -> None:
    run = Run(day=D(2024, 3, 1))
    with pytest.raises(DriverError, match="not registered"):
        run.start(AN, D(2024, 3, 1), register=False)
