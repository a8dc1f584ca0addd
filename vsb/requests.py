"""Requests for intervention: the checks of domain.md §3 and §6, and their effect."""

from __future__ import annotations

from typing import Any

from vsb.answers import Error, Review, Verdict
from vsb.context import Context, parse_date
from vsb.identifiers import InvalidIdentifier, check_insz, validate_riziv
from vsb.insurance import InsuranceStatus, insurance_status
from vsb.references import new_reference
from vsb.store import ACTIVE, Begeleiding

_CODES = (("diagnosis", "diagnosis"), ("referral", "referral"), ("origin", "origin"))


def _identifier_errors(message: dict[str, Any]) -> list[Error]:
    errors = []
    try:
        check_insz(message["insz"])
    except InvalidIdentifier as exc:
        errors.append(Error("REQ-ID-INSZ", "/insz", str(exc)))
    try:
        gp = validate_riziv(message["begeleiding"]["medical"]["gp"]["riziv"])
        if not gp.is_physician:
            raise InvalidIdentifier(
                "riziv",
                gp.number,
                "profession",
                f"{gp.number} is not a physician's RIZIV number "
                "(the first digit of a physician's number is 1)",
            )
    except InvalidIdentifier as exc:
        errors.append(Error("REQ-ID-RIZIV", "/begeleiding/medical/gp/riziv", str(exc)))
    return errors


def _code_errors(ctx: Context, begeleiding: dict[str, Any]) -> list[Error]:
    found = [
        ctx.code_error(
            "REQ-RQ-CODELIST",
            codelist,
            begeleiding["medical"][field],
            f"/begeleiding/medical/{field}",
        )
        for field, codelist in _CODES
    ]
    found.append(
        ctx.code_error(
            "REQ-RQ-CODELIST",
            "accident_code",
            begeleiding["accidentCode"],
            "/begeleiding/accidentCode",
        )
    )
    return [error for error in found if error is not None]


def _date_errors(ctx: Context, start: Any) -> list[Error]:
    pointer = "/begeleiding/startDate"
    transition = ctx.rulebook.date("transition_date")
    if start < transition:
        return [
            Error(
                "REQ-TR-BEFORE",
                pointer,
                f"the begeleiding started on {start}, before the transition date "
                f"{transition}: it keeps the old procedure, needs no request and is "
                "billed to the health insurer",
            )
        ]
    if start > ctx.today:
        return [
            Error(
                "REQ-RQ-START-NOT-FUTURE",
                pointer,
                f"the start date {start} is after today ({ctx.today}); the start date is "
                "the date on the GP's prescription",
            )
        ]
    deadline = start + ctx.rulebook.days("request_deadline_days")
    if ctx.today > deadline:
        return [
            Error(
                "REQ-RQ-DEADLINE",
                pointer,
                f"the request arrived on {ctx.today}, more than "
                f"{ctx.rulebook.value('request_deadline_days')} days after the start "
                f"{start} (deadline {deadline})",
            )
        ]
    return []


def _insurance_errors(status: InsuranceStatus, start: Any) -> list[Error]:
    if status.status == "unknown-person":
        return [
            Error(
                "REQ-INS-UNKNOWN-PERSON",
                "/insz",
                f"no person with INSZ {status.insz} is known to the national register",
            )
        ]
    if status.status == "cannot-affiliate":
        return [
            Error(
                "REQ-INS-CANNOT-AFFILIATE",
                "/insz",
                f"the patient cannot affiliate with a zorgkas ({status.reason})",
            )
        ]
    if status.death_date is not None and status.death_date < start:
        return [
            Error(
                "REQ-INS-DECEASED",
                "/begeleiding/startDate",
                f"the start date {start} is after the patient's death on "
                f"{status.death_date} (national register)",
            )
        ]
    return []


def _history_errors(
    ctx: Context, request_type: str, start: Any, history: list[Begeleiding]
) -> list[Error]:
    pointer = "/begeleiding/requestType"
    active = [b for b in history if b.status in ACTIVE]
    if active:
        where = "this MBE" if active[0].mbe == ctx.mbe else "another MBE"
        return [
            Error(
                "REQ-RQ-ONE-OPEN",
                "/insz",
                f"the patient already has an open or pending begeleiding at {where}; "
                "it must be stopped first",
            )
        ]
    overlapping = [b for b in history if b.stop_date is not None and start < b.stop_date]
    if overlapping:
        return [
            Error(
                "REQ-RQ-OVERLAP",
                "/begeleiding/startDate",
                f"the start date {start} is before the stop date "
                f"{overlapping[-1].stop_date} of an earlier begeleiding of the patient",
            )
        ]
    here = [b for b in history if b.mbe == ctx.mbe]
    if request_type == "new" and here:
        return [
            Error(
                "REQ-RQ-TYPE-NEW",
                pointer,
                f"the patient had a begeleiding at this MBE ({here[-1].reference}); "
                "send a request of type restart",
            )
        ]
    if request_type == "restart" and not here:
        return [
            Error(
                "REQ-RQ-TYPE-RESTART",
                pointer,
                "a restart needs an earlier, stopped begeleiding of this patient at this "
                "MBE; send a request of type new",
            )
        ]
    return []


def process_request(ctx: Context, message: dict[str, Any]) -> Verdict:
    """Check a request and, unless refused, open (or park for review) its begeleiding."""
    begeleiding = message["begeleiding"]
    start = parse_date(begeleiding["startDate"])
    errors = _identifier_errors(message) + _code_errors(ctx, begeleiding)
    errors += _date_errors(ctx, start)
    if not any(e.requirement == "REQ-ID-INSZ" for e in errors):
        status = insurance_status(ctx.store, message["insz"], start)
        errors += _insurance_errors(status, start)
        errors += _history_errors(
            ctx, begeleiding["requestType"], start, ctx.store.begeleidingen_of(message["insz"])
        )
    if errors:
        return Verdict.refused(*errors)
    if status.status == "can-affiliate":
        zorgkas = ctx.rulebook.zorgkas_for_insurer(status.health_insurer)
        _insert(ctx, message, "pending", None, message["messageId"])
        return Verdict(
            "under-review",
            review=Review(
                "REQ-INS-CAN-AFFILIATE",
                zorgkas,
                "the patient is not affiliated with a zorgkas but can affiliate; the MBE urges the "
                "patient to affiliate, the zorgkas decides",
            ),
        )
    reference = new_reference(ctx)
    _insert(ctx, message, "open", reference, None)
    return Verdict("accepted", reference=reference)


def _insert(
    ctx: Context, message: dict[str, Any], status: str, reference: str | None, pending: str | None
) -> int:
    begeleiding = message["begeleiding"]
    return ctx.store.insert_begeleiding(
        {
            "reference": reference,
            "insz": message["insz"],
            "mbe": ctx.mbe,
            "request_type": begeleiding["requestType"],
            "start_date": begeleiding["startDate"],
            "status": status,
            "contact": begeleiding["contactPerson"],
            "medical": begeleiding["medical"],
            "accident_code": begeleiding["accidentCode"],
            "pending_message": pending,
        }
    )


def recheck_request(ctx: Context, begeleiding: Begeleiding) -> list[Error]:
    """The rules a request under review must still meet when staff accept it."""
    history = [b for b in ctx.store.begeleidingen_of(begeleiding.insz) if b.id != begeleiding.id]
    return _history_errors(ctx, begeleiding.request_type, begeleiding.start_date, history)
