"""Every faulty MBE client shows its fault in the traffic the harness recorded, and the
reference client, in the same scenario, does not."""

from __future__ import annotations

import datetime as dt
import inspect
from collections.abc import Callable
from typing import Any

import pytest

from conformance.mbe.driver import Contact
from conformance.mbe.reference_client import ReferenceMbeSoftware
from tests.engine_support import persons
from tests.faulty import mbe_clients
from tests.faulty.mbe_clients import BROKEN_MBE
from tests.mbe_support import Run, errors, members
from vsb.billing.rules import billing_rules
from vsb.catalogue import load_catalogue
from vsb.membership import RegistrySnapshot
from vsb.rulebook import default_rulebook

D = dt.date
AN = persons()["affiliated_180_official"]
CAN_AFFILIATE = persons()["not_affiliated_vzv25"]
Software = type[ReferenceMbeSoftware]


def _members(size: int = 1, **options: Any) -> tuple[list[str], RegistrySnapshot]:
    registry = members(size, **options)
    return [p.insz for p in registry.persons], registry


def late_request(software: Software) -> bool:
    run = Run(software, day=D(2024, 3, 1))
    run.start(AN, D(2024, 3, 1))
    run.at(D(2024, 4, 5))
    return any(
        (dt.date.fromisoformat(r.at[:10]) - D(2024, 3, 1)).days > 30 for r in run.sent("request")
    )


def always_new_request(software: Software) -> bool:
    run = Run(software, day=D(2024, 3, 1))
    run.start(AN, D(2024, 3, 1))
    run.at(D(2024, 3, 20))
    run.stop(AN, D(2024, 3, 20))
    run.at(D(2024, 4, 2))
    run.start(AN, D(2024, 4, 2), register=False)
    last = run.sent("request")[-1]
    return bool(last.message["begeleiding"]["requestType"] == "new")


def requests_before_transition(software: Software) -> bool:
    run = Run(software, day=D(2024, 1, 5))
    run.start(AN, D(2023, 12, 15))
    return any(r.message["begeleiding"]["startDate"] < "2024-01-01" for r in run.sent("request"))


def change_without_reference(software: Software) -> bool:
    run = Run(software, day=D(2024, 3, 1))
    run.start(AN, D(2024, 3, 1))
    run.software.change_contact(AN, Contact("Bart Wouters"))
    run.stop(AN, D(2024, 3, 1))
    return any("vsbReference" not in r.message for r in run.sent("admin-change", "stop"))


def _late_change(run: Run, insz: str) -> None:
    run.start(insz, D(2024, 3, 1))
    run.at(D(2024, 3, 20))
    run.stop(insz, D(2024, 3, 20))
    run.at(D(2024, 3, 28))
    run.software.change_contact(insz, Contact("Bart Wouters"))  # after the window: review


def changes_while_under_review(software: Software) -> bool:
    run = Run(software, day=D(2024, 3, 1))
    _late_change(run, AN)
    run.software.change_accident_code(AN, "work-accident")
    return "REQ-CH-ONE-IN-PROCESSING" in {e for r in run.sent("admin-change") for e in errors(r)}


def cancels_billed_request(software: Software) -> bool:
    run = Run(software, day=D(2024, 3, 1))
    run.start(AN, D(2024, 3, 1))
    run.bill(D(2024, 4, 10))
    run.at(D(2024, 4, 20))
    run.software.cancel(AN)
    credits = [i for _, i in run.invoices() if i["type"] == "credit-note"]
    return bool(run.sent("cancel-request")) and not credits  # cancelled, never credited


def stop_without_place_of_death(software: Software) -> bool:
    run = Run(software, day=D(2024, 3, 1))
    run.start(AN, D(2024, 3, 1))
    run.stop(AN, D(2024, 3, 1), "death")
    (stop,) = run.sent("stop")
    return "placeOfDeath" not in stop.message["stop"]


def ignores_final_decisions(software: Software) -> bool:
    run = Run(software, day=D(2024, 3, 1))
    run.start(CAN_AFFILIATE, D(2024, 3, 1))
    run.stop(CAN_AFFILIATE, D(2024, 3, 1), "death")
    run.decide_all()
    run.at(D(2024, 3, 5))
    run.software.read_feed()
    return run.sent("stop") == []  # the decision came; what waited for it never went out


def no_status_check(software: Software) -> bool:
    (patient,), registry = _members()
    run = Run(software, day=D(2024, 3, 1), registry=registry)
    run.start(patient, D(2024, 3, 1))
    run.bill(D(2024, 4, 10))
    queried = {r.message["insz"] for r in run.sent("insurance-status-query")}
    return any(invoice["insz"] not in queried for _, invoice in run.invoices())


def bills_wrong_zorgkas(software: Software) -> bool:
    (patient,), registry = _members()
    run = Run(software, day=D(2024, 3, 1), registry=registry)
    run.start(patient, D(2024, 3, 1))
    run.bill(D(2024, 4, 10))
    return any(r.message["zorgkas"] != 180 for r in run.sent("shipment"))


def bills_before_first_month(software: Software) -> bool:
    run = Run(software, day=D(2024, 1, 5))
    run.start(AN, D(2024, 1, 5))
    run.bill(D(2024, 1, 20))
    return any(r.message["sendDate"] < "2024-02-01" for r in run.sent("shipment"))


def two_shipments_a_month(software: Software) -> bool:
    patients, registry = _members(2)
    run = Run(software, day=D(2024, 3, 1), registry=registry)
    for insz in patients:
        run.start(insz, D(2024, 3, 1))
    run.bill(D(2024, 4, 10))
    months = [(r.message["zorgkas"], r.message["sendDate"][:7]) for r in run.sent("shipment")]
    return len(months) != len(set(months))


def tariff_of_billing_day(software: Software) -> bool:
    run = Run(software, day=D(2024, 10, 20))
    run.start(AN, D(2024, 10, 20))
    run.bill(D(2024, 11, 12))
    rules = billing_rules(default_rulebook())
    tariff = rules.tariff(run.hco, "773172", D(2024, 10, 20))
    assert tariff is not None
    amounts = {line["amount"] for _, invoice in run.invoices() for line in invoice["lines"]}
    return bool(amounts - {f"{tariff // 100}.{tariff % 100:02d}"})


def prestation_on_billing_day(software: Software) -> bool:
    run = Run(software, day=D(2024, 3, 1))
    run.start(AN, D(2024, 3, 1))
    run.bill(D(2024, 4, 10))
    dates = {line["prestationDate"] for _, i in run.invoices() for line in i["lines"]}
    return dates != {"2024-03-01"}


def forfait_every_month(software: Software) -> bool:
    run = Run(software, day=D(2024, 3, 1))
    run.start(AN, D(2024, 3, 1))
    run.bill(D(2024, 4, 10))
    run.bill(D(2024, 5, 10))
    references = [i["vsbReference"] for _, i in run.invoices() if i["type"] == "original"]
    return len(references) != len(set(references))


def bills_after_deadline(software: Software) -> bool:
    (patient,), registry = _members(1, deaths={0: D(2024, 5, 10)})
    run = Run(software, day=D(2024, 3, 1), registry=registry)
    run.start(patient, D(2024, 3, 1))
    run.at(D(2024, 5, 11))
    run.stop(patient, D(2024, 5, 10), "death")
    run.bill(D(2024, 7, 11))  # the deadline was 2024-07-10
    return bool(run.sent("shipment"))


def credits_rejected_line(software: Software) -> bool:
    patients, registry = _members(25)
    corrected = members(25, zorgkassen={0: 280})
    run = Run(software, day=D(2024, 3, 1), registry=registry, corrected=corrected)
    for insz in patients:
        run.start(insz, D(2024, 3, 1))
    run.bill(D(2024, 4, 10))
    settlement = run.sent("shipment")[0].answer
    rejected = {i["invoiceNumber"] for i in settlement["invoices"] if i["status"] == "rejected"}
    run.bill(D(2024, 5, 10))
    credited = {i.get("creditedInvoice") for _, i in run.invoices() if i["type"] == "credit-note"}
    return bool(rejected & credited)


def bills_under_review(software: Software) -> bool:
    (patient,), registry = _members()
    run = Run(software, day=D(2024, 3, 1), registry=registry)
    _late_change(run, patient)
    run.bill(D(2024, 4, 10))
    return bool(run.sent("shipment"))


def never_resends_refused(software: Software) -> bool:
    (patient,), registry = _members()
    run = Run(software, day=D(2024, 3, 1), registry=registry)
    run.start(patient, D(2024, 3, 1))
    run.app.choose("shipment", "REQ-BL-THRESHOLD")  # the April shipment is refused as a whole
    run.bill(D(2024, 4, 10))
    run.bill(D(2024, 5, 10))
    run.bill(D(2024, 6, 10))
    return len(run.sent("shipment")) == 1  # what the refused shipment held never came again


SCENARIOS: dict[str, Callable[[Software], bool]] = {
    "LateRequest": late_request,
    "AlwaysNewRequest": always_new_request,
    "RequestsBeforeTransition": requests_before_transition,
    "ChangeWithoutReference": change_without_reference,
    "ChangesWhileUnderReview": changes_while_under_review,
    "CancelsBilledRequest": cancels_billed_request,
    "StopWithoutPlaceOfDeath": stop_without_place_of_death,
    "IgnoresFinalDecisions": ignores_final_decisions,
    "NoStatusCheck": no_status_check,
    "BillsWrongZorgkas": bills_wrong_zorgkas,
    "BillsBeforeFirstMonth": bills_before_first_month,
    "TwoShipmentsAMonth": two_shipments_a_month,
    "TariffOfBillingDay": tariff_of_billing_day,
    "PrestationOnBillingDay": prestation_on_billing_day,
    "ForfaitEveryMonth": forfait_every_month,
    "BillsAfterDeadline": bills_after_deadline,
    "CreditsRejectedLine": credits_rejected_line,
    "BillsUnderReview": bills_under_review,
    "NeverResendsRefused": never_resends_refused,
}


def test_every_faulty_client_is_registered_with_a_catalogue_requirement() -> None:
    classes = {
        name
        for name, value in inspect.getmembers(mbe_clients, inspect.isclass)
        if issubclass(value, ReferenceMbeSoftware) and value is not ReferenceMbeSoftware
    }
    assert classes == set(BROKEN_MBE) == set(SCENARIOS)
    catalogue = load_catalogue()
    assert all(requirement in catalogue for requirement in BROKEN_MBE.values())


@pytest.mark.parametrize("name", sorted(SCENARIOS))
def test_the_faulty_client_shows_its_fault_and_the_reference_does_not(name: str) -> None:
    scenario = SCENARIOS[name]
    assert scenario(getattr(mbe_clients, name)), f"{name} did not show its fault"
    assert not scenario(ReferenceMbeSoftware), f"the reference shows the fault of {name}"
