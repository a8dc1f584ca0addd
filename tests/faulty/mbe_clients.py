"""Deliberately faulty MBE software, each breaking one rule that binds MBE software.

Each is the reference MBE client (`conformance.mbe.reference_client`) with one hook
overridden, so that it breaks exactly one rule and keeps the others. Certifying one
(`vsb certify mbe --driver tests.faulty.mbe_clients:NAME`) must fail, naming the requirement
`BROKEN_MBE` gives for it; `tests/unit/conformance/test_faulty_mbe_clients.py` shows each fault
in the traffic the harness recorded.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any, TypeVar

from conformance.mbe.driver import StopReport
from conformance.mbe.reference_client import ReferenceMbeSoftware
from conformance.mbe.reference_core import Care, Message, Sent

BROKEN_MBE: dict[str, str] = {}
"""Faulty client name -> the requirement it breaks (and a certification must name)."""

Client = TypeVar("Client", bound=type[ReferenceMbeSoftware])


def breaks(requirement: str) -> Callable[[Client], Client]:
    """Register a faulty client and the requirement it breaks."""

    def register(cls: Client) -> Client:
        BROKEN_MBE[cls.__name__] = requirement
        return cls

    return register


# -- requests --------------------------------------------------------------------------------


@breaks("REQ-RQ-DEADLINE")
class LateRequest(ReferenceMbeSoftware):
    """Sends the request the day after the request deadline."""

    def request_day(self, care: Care) -> dt.date:
        return care.start + self.rulebook.days("request_deadline_days") + dt.timedelta(days=1)


@breaks("REQ-RQ-TYPE-NEW")
class AlwaysNewRequest(ReferenceMbeSoftware):
    """Requests every begeleiding as new, a restart too."""

    def request_type(self, care: Care) -> str:
        return "new"


# -- transition ------------------------------------------------------------------------------


@breaks("REQ-TR-BEFORE")
class RequestsBeforeTransition(ReferenceMbeSoftware):
    """Requests a begeleiding started before the transition date (in 2023)."""

    def is_legacy(self, start: dt.date) -> bool:
        return False


# -- changes and stops -----------------------------------------------------------------------


@breaks("REQ-CH-REFERENCE")
class ChangeWithoutReference(ReferenceMbeSoftware):
    """Sends its changes without the VSB reference."""

    def finish_change(self, care: Care, message: Message) -> Message:
        return {key: value for key, value in message.items() if key != "vsbReference"}


@breaks("REQ-CH-ONE-IN-PROCESSING")
class ChangesWhileUnderReview(ReferenceMbeSoftware):
    """Sends a change at once, even while a message of the begeleiding is under review."""

    def busy(self, care: Care) -> bool:
        return care.reference is None


@breaks("REQ-CH-CANCEL-BILLED")
class CancelsBilledRequest(ReferenceMbeSoftware):
    """Cancels a request whose forfait was accepted, without crediting it first."""

    def cancel(self, insz: str) -> None:
        care = self.current(insz, "cancel")
        self.enqueue(care, self.cancel_message)


@breaks("REQ-ST-DEATH-PLACE")
class StopWithoutPlaceOfDeath(ReferenceMbeSoftware):
    """Leaves the place of death out of a stop because of death."""

    def stop_data(self, report: StopReport) -> dict[str, Any]:
        data = super().stop_data(report)
        data.pop("placeOfDeath", None)
        return data


@breaks("REQ-RV-MBE-ACTS-ON-DECISION")
class IgnoresFinalDecisions(ReferenceMbeSoftware):
    """Reads its feed but does nothing with final decisions: what waited for one never goes
    out, and a request accepted after review is never billed."""

    def decided(self, decision: Message) -> None:
        return None


# -- insurance status and billing ------------------------------------------------------------


@breaks("REQ-INS-MBE-CHECKS-BEFORE-BILLING")
class NoStatusCheck(ReferenceMbeSoftware):
    """Never queries the insurance status: bills the zorgkas it assumes (CM Zorgkas, 180)."""

    assumed_zorgkas = 180

    def check_status(self, care: Care) -> None:
        care.zorgkas = self.assumed_zorgkas


@breaks("REQ-BL-MEMBER")
class BillsWrongZorgkas(ReferenceMbeSoftware):
    """Queries the status, then bills the Vlaamse Zorgkas (680) whatever it said."""

    def zorgkas_to_bill(self, care: Care) -> int:
        return 680 if care.zorgkas and care.zorgkas != 680 else care.zorgkas


@breaks("REQ-BL-FIRST-MONTH")
class BillsBeforeFirstMonth(ReferenceMbeSoftware):
    """Bills before the first month in which zorgkassen take shipments."""

    def may_bill_in(self, month: str) -> bool:
        return True


@breaks("REQ-BL-ONE-PER-MONTH")
class TwoShipmentsAMonth(ReferenceMbeSoftware):
    """Sends every invoice in a shipment of its own: several a month to one zorgkas."""

    def shipped_in(self, kas: int, month: str) -> bool:
        return False

    def batches(self, planned: list[Any]) -> list[list[Any]]:
        return [[item] for item in planned]


@breaks("REQ-BL-TARIFF")
class TariffOfBillingDay(ReferenceMbeSoftware):
    """Bills the tariff in force on the billing day instead of on the start date."""

    def tariff_day(self, care: Care) -> dt.date:
        return self.today


@breaks("REQ-BL-DATE")
class PrestationOnBillingDay(ReferenceMbeSoftware):
    """Dates the prestation on the billing day instead of the start date."""

    def prestation_date(self, care: Care) -> dt.date:
        return self.today


@breaks("REQ-BL-ONE-FORFAIT")
class ForfaitEveryMonth(ReferenceMbeSoftware):
    """Forgets that a forfait was accepted: bills the begeleiding again every month."""

    def due(self, care: Care, month: str) -> bool:
        billed, care.billed = care.billed, False
        try:
            return super().due(care, month)
        finally:
            care.billed = billed


@breaks("REQ-BL-AFTER-DEATH")
class BillsAfterDeadline(ReferenceMbeSoftware):
    """Bills a deceased patient's forfait however long after the death."""

    def past_deadline(self, care: Care) -> bool:
        return False


@breaks("REQ-BL-REBILL-REJECTED")
class CreditsRejectedLine(ReferenceMbeSoftware):
    """Takes a rejected forfait for an accepted one: credits it next month instead of billing
    it again."""

    def __init__(self, id_prefix: str = "ref") -> None:
        super().__init__(id_prefix)
        self.to_credit: list[Sent] = []

    def rejected(self, sent: Sent) -> None:
        sent.care.billed, sent.care.invoice = True, sent.invoice["invoiceNumber"]
        self.to_credit.append(sent)

    def credits_due(self) -> list[Sent]:
        wrong, self.to_credit = self.to_credit, []
        return super().credits_due() + wrong


@breaks("REQ-BL-NOT-UNDER-REVIEW")
class BillsUnderReview(ReferenceMbeSoftware):
    """Bills a begeleiding while one of its messages is under review."""

    def due(self, care: Care, month: str) -> bool:
        in_review, care.in_review = care.in_review, None
        try:
            return super().due(care, month)
        finally:
            care.in_review = in_review


@breaks("REQ-BL-RESEND-REFUSED")
class NeverResendsRefused(ReferenceMbeSoftware):
    """Takes a shipment refused as a whole for the last word: never bills again what it held."""

    def refused(self, invoices: list[Message], settlement: Message) -> None:
        super().refused(invoices, settlement)
        for invoice in invoices:
            sent = self.sent[invoice["invoiceNumber"]]
            if not sent.is_credit:
                sent.care.given_up = True
