"""The invoice (F) and line (R) checks of a shipment, and what they found (domain.md §5)."""

from __future__ import annotations

import calendar
import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any, Literal, NamedTuple

from vsb.billing import ledger
from vsb.billing.money import cents
from vsb.billing.rules import BillingRules
from vsb.context import Context, parse_date
from vsb.insurance import standing
from vsb.rulebook import Rulebook
from vsb.store import BilledBegeleiding

_day = lru_cache(maxsize=4096)(parse_date)
"""`parse_date`, remembered: a shipment's lines share a few dozen prestation dates."""

ErrorType = Literal["B", "F", "R"]
LineStatus = Literal["accepted", "rejected", "under-review"]


@dataclass(frozen=True)
class BillingError:
    """One broken billing rule, with the seed's error type B, F or R."""

    type: ErrorType
    requirement: str
    pointer: str
    message: str

    def as_dict(self) -> dict[str, str]:
        """The error as it appears in a settlement."""
        return {
            "type": self.type,
            "requirement": self.requirement,
            "pointer": self.pointer,
            "message": self.message,
        }


class LineResult(NamedTuple):
    """What the checks found for one prestation line (a tuple: one per line of a shipment,
    the common outcomes shared, `ACCEPTED` and `REJECTED`)."""

    status: LineStatus = "accepted"
    errors: Sequence[BillingError] = ()
    review: tuple[str, str] | None = None
    credited_line: int | None = None  # row id of the original line a credit line credits


ACCEPTED = LineResult("accepted")
REJECTED = LineResult("rejected")
"""A line rejected without an error of its own: its invoice has one, or its shipment."""


class InvoiceResult(NamedTuple):
    """What the checks found for one invoice and its lines."""

    errors: list[BillingError]
    lines: list[LineResult]
    begeleiding: BilledBegeleiding | None = None


@dataclass
class ShipmentState:
    """What earlier invoices of the same shipment settled, for the checks of later ones."""

    mbe: str
    zorgkas: int
    received: dt.date  # the day the central application received the shipment
    rules: BillingRules
    transition: dt.date  # the rulebook's transition_date (REQ-BL-TRANSITION), read once
    credited_here: set[str]  # VSB references with a credit note in this shipment
    known: dict[str, BilledBegeleiding]  # the begeleidingen the invoices name, read at once
    used: set[str]  # invoice numbers of this shipment that the MBE used before
    live: set[int]  # begeleidingen with a live forfait before this shipment
    numbers: set[str] = field(default_factory=set)
    forfaits: set[int] = field(default_factory=set)  # begeleidingen billed in this shipment
    credits: dict[int, int] = field(default_factory=dict)  # original line id -> cents credited
    tariffs: dict[tuple[str, dt.date], int | None] = field(default_factory=dict)

    def tariff(self, code: str, day: dt.date) -> int | None:
        """`rules.tariff` of the MBE for a code on a day, asked once per shipment: its lines
        share a few codes and dates."""
        key = (code, day)
        if key not in self.tariffs:
            self.tariffs[key] = self.rules.tariff(self.mbe, code, day)
        return self.tariffs[key]


def _f(requirement: str, pointer: str, message: str) -> BillingError:
    return BillingError("F", requirement, pointer, message)


def _r(requirement: str, pointer: str, message: str) -> BillingError:
    return BillingError("R", requirement, pointer, message)


def _number_error(
    ctx: Context, state: ShipmentState, invoice: dict[str, Any], pointer: str
) -> BillingError | None:
    number = invoice["invoiceNumber"]
    if number in state.numbers or number in state.used:
        return _f(
            "REQ-BL-INVOICE-UNIQUE",
            f"{pointer}/invoiceNumber",
            f"invoice number {number} was used before by this MBE",
        )
    state.numbers.add(number)
    return None


def _begeleiding(
    ctx: Context, state: ShipmentState, invoice: dict[str, Any], pointer: str
) -> BilledBegeleiding | BillingError:
    begeleiding = state.known.get(invoice["vsbReference"])
    if (
        begeleiding is None
        or begeleiding.mbe != ctx.mbe
        or begeleiding.status not in ("open", "stopped")
        or begeleiding.insz != invoice["insz"]
    ):
        return _f(
            "REQ-BL-NO-REQUEST",
            f"{pointer}/vsbReference",
            f"{invoice['vsbReference']} is not an accepted request of this MBE for "
            f"patient {invoice['insz']}",
        )
    return begeleiding


def _patient_errors(
    ctx: Context, state: ShipmentState, begeleiding: BilledBegeleiding, pointer: str
) -> list[BillingError]:
    status = standing(begeleiding.register)  # of the patient on the start date
    errors = []
    if status.zorgkas != state.zorgkas:
        where = f"zorgkas {status.zorgkas}" if status.zorgkas else status.status
        errors.append(
            _f(
                "REQ-BL-MEMBER",
                f"{pointer}/insz",
                f"on {begeleiding.start_date} the patient was not a member of zorgkas "
                f"{state.zorgkas} ({where}); bill the zorgkas the insurance status "
                "names",
            )
        )
    if status.death_date is not None and state.received > billing_deadline_after_death(
        ctx.rulebook, status.death_date
    ):
        months = int(ctx.rulebook.value("billing_deadline_after_death_months"))
        errors.append(
            _f(
                "REQ-BL-AFTER-DEATH",
                f"{pointer}/insz",
                f"the shipment was received on {state.received}, more than {months} "
                f"months after the patient's death on {status.death_date}",
            )
        )
    return errors


def billing_deadline_after_death(rulebook: Rulebook, death: dt.date) -> dt.date:
    """The last day on which a shipment that bills a deceased patient may be received
    (REQ-BL-AFTER-DEATH): the rulebook's months after death, on the same day or the last day
    of a shorter month."""
    months = int(rulebook.value("billing_deadline_after_death_months"))
    index = death.month - 1 + months
    year, month = death.year + index // 12, index % 12 + 1
    return dt.date(year, month, min(death.day, calendar.monthrange(year, month)[1]))


def check_original(
    ctx: Context, state: ShipmentState, invoice: dict[str, Any], pointer: str
) -> InvoiceResult:
    """F checks of an original invoice, then R checks of its lines."""
    errors: list[BillingError] = []
    begeleiding = None
    number_error = _number_error(ctx, state, invoice, pointer)
    transition = state.transition
    for line in invoice["lines"]:  # a loop, not any(): one line an invoice, mostly
        if _day(line["prestationDate"]) < transition:
            errors.append(
                _f(
                    "REQ-BL-TRANSITION",
                    f"{pointer}/lines",
                    f"a prestation before the transition date {transition} is "
                    "billed to the health insurer (VI), not to a zorgkas",
                )
            )
            break
    else:
        found = _begeleiding(ctx, state, invoice, pointer)
        if isinstance(found, BillingError):
            errors.append(found)
        else:
            begeleiding = found
            errors += _patient_errors(ctx, state, found, pointer)
            if invoice["vsbReference"] in state.credited_here:
                errors.append(
                    _f(
                        "REQ-BL-CREDIT-CHRONOLOGY",
                        f"{pointer}/vsbReference",
                        "the credit note of this begeleiding is in the same shipment; send the "
                        "corrective invoice in a later shipment, after the credit note is accepted",
                    )
                )
    if number_error is not None:
        errors.insert(0, number_error)
    if errors or begeleiding is None:
        return InvoiceResult(errors, [REJECTED] * len(invoice["lines"]), begeleiding)
    lines = [
        _line(ctx, state, begeleiding, line, f"{pointer}/lines/{index}")
        for index, line in enumerate(invoice["lines"])
    ]
    return InvoiceResult(errors, lines, begeleiding)


def _line(
    ctx: Context,
    state: ShipmentState,
    begeleiding: BilledBegeleiding,
    line: dict[str, Any],
    pointer: str,
) -> LineResult:
    errors = _line_errors(ctx, state, begeleiding, line, pointer)
    if errors:
        return LineResult("rejected", errors)
    state.forfaits.add(begeleiding.id)
    review = _review_situation(state.rules, begeleiding)
    return LineResult("under-review", review=review) if review else ACCEPTED


def _line_errors(
    ctx: Context,
    state: ShipmentState,
    begeleiding: BilledBegeleiding,
    line: dict[str, Any],
    pointer: str,
) -> list[BillingError]:
    errors = []
    day = _day(line["prestationDate"])
    code = line["code"]
    if code not in state.rules.codes:
        errors.append(
            _r(
                "REQ-BL-CODE",
                f"{pointer}/code",
                f"{code} is not a prestation code of rulebook {ctx.rulebook.id}; use "
                f"one of {', '.join(state.rules.codes)}",
            )
        )
    else:
        tariff = state.tariff(code, day)
        if tariff is None or cents(line["amount"]) != tariff:
            expected = "no tariff" if tariff is None else f"{tariff / 100:.2f}"
            errors.append(
                _r(
                    "REQ-BL-TARIFF",
                    f"{pointer}/amount",
                    f"{line['amount']} is not the MBE's tariff for {code} on {day} ({expected})",
                )
            )
    if day != begeleiding.start_date:
        errors.append(
            _r(
                "REQ-BL-DATE",
                f"{pointer}/prestationDate",
                f"the prestation date {day} is not the start date "
                f"{begeleiding.start_date} of the begeleiding",
            )
        )
    if cents(line["personalShare"]) != 0:
        errors.append(
            _r(
                "REQ-BL-NO-PERSONAL-SHARE",
                f"{pointer}/personalShare",
                "an MBE invoice holds no personal share; bill 0.00",
            )
        )
    if begeleiding.id in state.forfaits or begeleiding.id in state.live:
        errors.append(
            _r(
                "REQ-BL-ONE-FORFAIT",
                pointer,
                f"begeleiding {begeleiding.reference} already has a forfait that is "
                "accepted (or under review) and not credited",
            )
        )
    return errors


def _review_situation(
    rules: BillingRules, begeleiding: BilledBegeleiding
) -> tuple[str, str] | None:
    if begeleiding.pending_message is not None:
        return rules.review_reasons["pending-change"]
    if begeleiding.stop and begeleiding.stop.get("nonBillingReason"):
        return rules.review_reasons["non-billing-reason"]
    return None


def check_credit_note(
    ctx: Context, state: ShipmentState, invoice: dict[str, Any], pointer: str
) -> InvoiceResult:
    """A credit note credits accepted lines of an earlier invoice, never more than accepted."""
    errors = []
    number_error = _number_error(ctx, state, invoice, pointer)
    if number_error is not None:
        errors.append(number_error)
    lines = []
    for index, line in enumerate(invoice["lines"]):
        target, error = _credit_target(ctx, state, invoice, line, f"{pointer}/lines/{index}")
        if error is not None:
            errors.append(error)
        lines.append(LineResult(credited_line=target))
    if errors:
        return InvoiceResult(errors, [REJECTED] * len(lines))
    for line, outcome in zip(invoice["lines"], lines, strict=True):
        assert outcome.credited_line is not None
        state.credits[outcome.credited_line] = state.credits.get(outcome.credited_line, 0) + cents(
            line["amount"]
        )
    return InvoiceResult(errors, lines)


def _credit_target(
    ctx: Context, state: ShipmentState, invoice: dict[str, Any], line: dict[str, Any], pointer: str
) -> tuple[int | None, BillingError | None]:
    target = ledger.credited_target(
        ctx.store, state.mbe, invoice["creditedInvoice"], line["creditedLine"]
    )
    what = f"line {line['creditedLine']} of invoice {invoice['creditedInvoice']}"
    if (
        target is None
        or target["invoice_type"] != "original"
        or target["status"] != "accepted"
        or target["zorgkas"] != state.zorgkas
    ):
        return None, _f(
            "REQ-BL-CREDIT-ACCEPTED",
            f"{pointer}/creditedLine",
            f"{what} is not an accepted prestation billed to zorgkas "
            f"{state.zorgkas}; only accepted prestations are credited",
        )
    already = target["credited"] + state.credits.get(target["id"], 0)
    if already + cents(line["amount"]) > target["amount"]:
        return None, _f(
            "REQ-BL-CREDIT-ACCEPTED",
            f"{pointer}/amount",
            f"crediting {line['amount']} would credit more than the "
            f"{target['amount'] / 100:.2f} accepted on {what}",
        )
    return target["id"], None
