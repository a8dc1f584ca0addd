"""Changes to an accepted request (domain.md §4): cancel, admin change, stop, cancel stop."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from vsb.answers import Error, Review, Verdict
from vsb.context import Context, parse_date
from vsb.insurance import insurance_status
from vsb.store import ACTIVE, Begeleiding

# A guard says why a begeleiding may not be cancelled (REQ-CH-CANCEL-BILLED), or None.
CancelGuard = Callable[[Context, Begeleiding], Error | None]


def _ref_error(message: str) -> Error:
    return Error("REQ-CH-REFERENCE", "/vsbReference", message)


def _check_cancel(
    ctx: Context, begeleiding: Begeleiding, message: dict[str, Any], guards: Sequence[CancelGuard]
) -> list[Error]:
    found = (guard(ctx, begeleiding) for guard in guards)
    return [error for error in found if error is not None]


def _check_admin(
    ctx: Context, begeleiding: Begeleiding, message: dict[str, Any], guards: Sequence[CancelGuard]
) -> list[Error]:
    if "accidentCode" not in message:
        return []
    error = ctx.code_error(
        "REQ-CH-ADMIN", "accident_code", message["accidentCode"], "/accidentCode"
    )
    return [error] if error else []


def _check_stop(
    ctx: Context, begeleiding: Begeleiding, message: dict[str, Any], guards: Sequence[CancelGuard]
) -> list[Error]:
    if begeleiding.status != "open":
        return [
            Error(
                "REQ-ST-ONCE",
                "/vsbReference",
                f"begeleiding {begeleiding.reference} is already stopped on "
                f"{begeleiding.stop_date}; cancel that stop first",
            )
        ]
    stop = message["stop"]
    errors = _stop_date_errors(ctx, begeleiding, parse_date(stop["date"]))
    errors += _stop_code_errors(ctx, stop)
    errors += _death_place_errors(stop)
    return errors


def _stop_date_errors(ctx: Context, begeleiding: Begeleiding, day: Any) -> list[Error]:
    if day < begeleiding.start_date:
        return [
            Error(
                "REQ-ST-DATE",
                "/stop/date",
                f"the stop date {day} is before the start {begeleiding.start_date}",
            )
        ]
    if day > ctx.today:
        return [
            Error("REQ-ST-DATE", "/stop/date", f"the stop date {day} is after today ({ctx.today})")
        ]
    return []


def _stop_code_errors(ctx: Context, stop: dict[str, Any]) -> list[Error]:
    found = [ctx.code_error("REQ-ST-CODELIST", "stop_reason", stop["reason"], "/stop/reason")]
    for field, codelist in (
        ("nonBillingReason", "non_billing_reason"),
        ("placeOfDeath", "place_of_death"),
    ):
        if stop.get(field) is not None:
            found.append(ctx.code_error("REQ-ST-CODELIST", codelist, stop[field], f"/stop/{field}"))
    seen: set[object] = set()
    for i, item in enumerate(stop["interventions"]):
        found.append(
            ctx.code_error(
                "REQ-ST-CODELIST",
                "intervention_type",
                item["type"],
                f"/stop/interventions/{i}/type",
            )
        )
        found.append(_repeat(seen, item["type"], f"/stop/interventions/{i}/type"))
    seen = set()
    for i, item in enumerate(stop["firstLineContacts"]):
        pointer = f"/stop/firstLineContacts/{i}"
        found.append(
            ctx.code_error(
                "REQ-ST-CODELIST", "provider_type", item["providerType"], f"{pointer}/providerType"
            )
        )
        found.append(
            ctx.code_error(
                "REQ-ST-CODELIST",
                "intervention_type",
                item["interventionType"],
                f"{pointer}/interventionType",
            )
        )
        found.append(_repeat(seen, (item["providerType"], item["interventionType"]), pointer))
    return [error for error in found if error is not None]


def _repeat(seen: set[object], key: object, pointer: str) -> Error | None:
    if key in seen:
        return Error(
            "REQ-ST-CODELIST",
            pointer,
            f"{key!r} is counted twice; give one count per type (per pair)",
        )
    seen.add(key)
    return None


def _death_place_errors(stop: dict[str, Any]) -> list[Error]:
    place = stop.get("placeOfDeath")
    if stop["reason"] == "death" and place is None:
        return [
            Error(
                "REQ-ST-DEATH-PLACE",
                "/stop/placeOfDeath",
                "a stop because of death must give the place of death",
            )
        ]
    if stop["reason"] != "death" and place is not None:
        return [
            Error(
                "REQ-ST-DEATH-PLACE",
                "/stop/placeOfDeath",
                f"a place of death is given, but the stop reason is {stop['reason']!r}",
            )
        ]
    return []


def _check_cancel_stop(
    ctx: Context, begeleiding: Begeleiding, message: dict[str, Any], guards: Sequence[CancelGuard]
) -> list[Error]:
    if begeleiding.status != "stopped":
        return [
            Error(
                "REQ-CS-STOPPED",
                "/vsbReference",
                f"begeleiding {begeleiding.reference} is not stopped",
            )
        ]
    others = [b for b in ctx.store.begeleidingen_of(begeleiding.insz) if b.id != begeleiding.id]
    later = [b for b in others if b.status in ACTIVE or b.start_date > begeleiding.start_date]
    if later:
        return [
            Error(
                "REQ-CS-STOPPED",
                "/vsbReference",
                "the patient has had another begeleiding since this stop; cancelling the "
                "stop would make two begeleidingen overlap",
            )
        ]
    return []


def _apply_cancel(ctx: Context, begeleiding: Begeleiding, message: dict[str, Any]) -> None:
    ctx.store.update_begeleiding(begeleiding.id, status="cancelled")


def _apply_admin(ctx: Context, begeleiding: Begeleiding, message: dict[str, Any]) -> None:
    values: dict[str, Any] = {}
    if "contactPerson" in message:
        values["contact"] = message["contactPerson"]
    if "accidentCode" in message:
        values["accident_code"] = message["accidentCode"]
    ctx.store.update_begeleiding(begeleiding.id, **values)


def _apply_stop(ctx: Context, begeleiding: Begeleiding, message: dict[str, Any]) -> None:
    stop = message["stop"]
    ctx.store.update_begeleiding(
        begeleiding.id, status="stopped", stop=stop, stop_date=stop["date"], closed_on=ctx.today
    )


def _apply_cancel_stop(ctx: Context, begeleiding: Begeleiding, message: dict[str, Any]) -> None:
    ctx.store.update_begeleiding(
        begeleiding.id, status="open", stop=None, stop_date=None, closed_on=None
    )


Check = Callable[[Context, Begeleiding, dict[str, Any], Sequence[CancelGuard]], list[Error]]
Apply = Callable[[Context, Begeleiding, dict[str, Any]], None]

CHANGES: dict[str, tuple[Check, Apply]] = {
    "cancel-request": (_check_cancel, _apply_cancel),
    "admin-change": (_check_admin, _apply_admin),
    "stop": (_check_stop, _apply_stop),
    "cancel-stop": (_check_cancel_stop, _apply_cancel_stop),
}


def review_zorgkas(ctx: Context, begeleiding: Begeleiding) -> int:
    """The zorgkas whose staff decide on this begeleiding (REQ-RV-ZORGKAS-QUEUE)."""
    status = insurance_status(ctx.store, begeleiding.insz, begeleiding.start_date)
    if status.zorgkas is not None:
        return status.zorgkas
    return ctx.rulebook.zorgkas_for_insurer(status.health_insurer)


def _is_late(ctx: Context, begeleiding: Begeleiding) -> bool:
    if begeleiding.status != "stopped" or begeleiding.closed_on is None:
        return False
    return ctx.today > begeleiding.closed_on + ctx.rulebook.days("late_change_window_days")


def find_begeleiding(ctx: Context, reference: str) -> Begeleiding | Error:
    """The sender's begeleiding with this reference, or the error that hides the others."""
    begeleiding = ctx.store.begeleiding_by_reference(reference)
    if begeleiding is None or begeleiding.mbe != ctx.mbe:
        return _ref_error(f"no accepted request of this MBE has VSB reference {reference}")
    if begeleiding.status == "cancelled":
        return Error(
            "REQ-CH-CANCEL",
            "/vsbReference",
            f"the request {reference} was cancelled; it can no longer be changed",
        )
    if begeleiding.pending_message is not None:
        return Error(
            "REQ-CH-ONE-IN-PROCESSING",
            "/vsbReference",
            f"message {begeleiding.pending_message} of begeleiding {reference} is "
            "still under review; wait for its final decision",
        )
    return begeleiding


def process_change(ctx: Context, message: dict[str, Any], guards: Sequence[CancelGuard]) -> Verdict:
    """Check a change; apply it, park it for review when late, or refuse it."""
    found = find_begeleiding(ctx, message["vsbReference"])
    if isinstance(found, Error):
        return Verdict.refused(found)
    check, apply = CHANGES[message["kind"]]
    errors = check(ctx, found, message, guards)
    if errors:
        return Verdict("refused", errors=tuple(errors), reference=found.reference)
    if _is_late(ctx, found):
        ctx.store.update_begeleiding(found.id, pending_message=message["messageId"])
        window = ctx.rulebook.value("late_change_window_days")
        return Verdict(
            "under-review",
            reference=found.reference,
            review=Review(
                "REQ-CH-LATE-WINDOW",
                review_zorgkas(ctx, found),
                f"the begeleiding was closed on {found.closed_on}, more than {window} days ago; "
                "a staff member of the zorgkas contacts the MBE",
            ),
        )
    apply(ctx, found, message)
    return Verdict("accepted", reference=found.reference)


def apply_after_review(
    ctx: Context, begeleiding: Begeleiding, message: dict[str, Any], guards: Sequence[CancelGuard]
) -> list[Error]:
    """Staff accepted a late change: check it against today's state and apply it."""
    check, apply = CHANGES[message["kind"]]
    errors = check(ctx, begeleiding, message, guards)
    if not errors:
        apply(ctx, begeleiding, message)
    return errors
