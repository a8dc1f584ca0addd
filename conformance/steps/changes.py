"""Changes to an accepted request, in the words of the domain: cancel the request, change the
contact person or accident code, stop, cancel the stop (domain.md §4).

Every message built here is complete and schema-valid unless the step text says otherwise
("with place of death ...", "without interventions"), so that an answer can only be about what
the scenario changed. Each message and its reply are kept in `world.notes["exchanges"]` (for
steps that compare two answers), and a message put under review in `world.notes["under
review"]` (for staff steps).
"""

from __future__ import annotations

import copy
import datetime as dt
from typing import Any

from pytest_bdd import given, then, when

from conformance.adapters.base import Reply
from conformance.steps.types import step
from conformance.verdicts import Breach, errors_of, outcome
from conformance.world import SetupFailed, World

# -- sending and remembering -----------------------------------------------------------------


def remember(world: World, message: dict[str, Any], reply: Reply) -> Reply:
    """Keep a message and its reply for later comparison, and the message when it went under
    review."""
    world.notes.setdefault("exchanges", []).append((message, reply))
    if outcome(reply) == "under-review":
        world.notes["under review"] = {"message": message, "reply": reply}
    return reply


def send_message(world: World, mbe: str, message: dict[str, Any], day: dt.date) -> Reply:
    """Send a message as MBE `mbe` on `day`; the reply becomes the scenario's last one."""
    world.at(day)
    return remember(world, message, world.send(mbe, message))


def _expect_setup(world: World, wanted: str, what: str) -> None:
    """A Given's message had to get `wanted`; otherwise the scenario cannot test its rule."""
    reply = world.reply()
    if outcome(reply) != wanted:
        raise SetupFailed(f"{what} was to be {wanted}, but the answer was: {reply.body}")


def _code(words: str) -> str:
    """A code-list code written in words in the step text ("care home" -> "care-home")."""
    return words.strip().replace(" ", "-")


# -- building change messages ----------------------------------------------------------------


def change_message(
    world: World, mbe: str, reference: str, kind: str, **fields: Any
) -> dict[str, Any]:
    """A change of `kind` to the begeleiding with `reference`, from MBE `mbe`."""
    return {
        "kind": kind,
        "messageId": world.message_id(kind),
        "mbe": world.hco(mbe),
        "vsbReference": reference,
        **fields,
    }


def stop_message(
    world: World, mbe: str, patient: str, day: dt.date, reason: str, place: str | None
) -> dict[str, Any]:
    """A complete stop of the patient's begeleiding at `mbe` on `day` for `reason`."""
    stop = {
        "date": day.isoformat(),
        "reason": reason,
        "nonBillingReason": None,
        "placeOfDeath": place,
        "interventions": [{"type": "home-visit", "count": 6}],
        "firstLineContacts": [
            {"providerType": "gp", "interventionType": "consultation", "count": 3}
        ],
        "medicalReport": "Comfortable at home until the end of the begeleiding.",
    }
    return change_message(world, mbe, world.reference(patient, mbe), "stop", stop=stop)


STOP_FIELDS: dict[str, tuple[str | int, ...]] = {
    "place of death": ("stop", "placeOfDeath"),
    "non-billing reason": ("stop", "nonBillingReason"),
    "stop reason": ("stop", "reason"),
    "intervention type": ("stop", "interventions", 0, "type"),
    "intervention count": ("stop", "interventions", 0, "count"),
    "provider type": ("stop", "firstLineContacts", 0, "providerType"),
    "first-line intervention type": ("stop", "firstLineContacts", 0, "interventionType"),
    "medical report": ("stop", "medicalReport"),
    "interventions": ("stop", "interventions"),
    "first-line contacts": ("stop", "firstLineContacts"),
    "date": ("stop", "date"),
    "reason": ("stop", "reason"),
}
"""The fields of a stop the step text names, as paths into the message."""

STOP_LISTS = {"intervention": "interventions", "first-line contact": "firstLineContacts"}


def _path(field: str) -> tuple[str | int, ...]:
    """Where a stop field the step text names sits in the message."""
    try:
        return STOP_FIELDS[field.strip()]
    except KeyError:
        raise SetupFailed(f"unknown stop field {field!r}; one of {sorted(STOP_FIELDS)}") from None


def _holder(message: dict[str, Any], path: tuple[str | int, ...]) -> Any:
    """The object or list that holds the last step of `path`."""
    holder: Any = message
    for key in path[:-1]:
        holder = holder[key]
    return holder


def set_stop_field(message: dict[str, Any], field: str, value: str) -> None:
    """Give a stop field the value the step text names (counts are numbers)."""
    path = _path(field)
    _holder(message, path)[path[-1]] = int(value) if field.endswith("count") else value


def drop_stop_fields(message: dict[str, Any], fields: str) -> None:
    """Leave out the fields the step text lists ("a, b and c")."""
    for field in fields.replace(" and ", ", ").split(", "):
        path = _path(field)
        _holder(message, path).pop(path[-1], None)


# -- Givens ----------------------------------------------------------------------------------


@given(step("the rulebook's late-change window is {days:N} days"))
def late_window_is(world: World, days: int) -> None:
    """The scenario's dates assume this window; fail plainly if the rulebook says otherwise."""
    window = world.rulebook(world.today()).value("late_change_window_days")
    if window != days:
        raise SetupFailed(f"the scenario assumes a {days}-day window; the rulebook says {window}")


def _given_stop(
    world: World,
    patient: str,
    mbe: str,
    day: dt.date,
    reason: str,
    place: str | None,
    sent: dt.date,
) -> None:
    """Stop a begeleiding on `day`, sent on `sent`; the scenario needs it accepted."""
    send_message(world, mbe, stop_message(world, mbe, patient, day, reason, place), sent)
    _expect_setup(world, "accepted", f"the stop of {patient}'s begeleiding at MBE {mbe}")


@given(
    step(
        "{patient:Name}'s begeleiding at MBE {mbe:Name} was stopped on {day:Date} for reason "
        "{reason:Words}"
    )
)
def stopped(world: World, patient: str, mbe: str, day: dt.date, reason: str) -> None:
    _given_stop(world, patient, mbe, day, _code(reason), None, day)


@given(
    step(
        "{patient:Name}'s begeleiding at MBE {mbe:Name} was stopped on {day:Date} for reason "
        "{reason:Words}, sent on {sent:Date}"
    )
)
def stopped_sent(
    world: World, patient: str, mbe: str, day: dt.date, reason: str, sent: dt.date
) -> None:
    _given_stop(world, patient, mbe, day, _code(reason), None, sent)


@given(
    step(
        "{patient:Name}'s begeleiding at MBE {mbe:Name} was stopped on {day:Date} because of "
        "death at {place:Words}"
    )
)
def stopped_death(world: World, patient: str, mbe: str, day: dt.date, place: str) -> None:
    _given_stop(world, patient, mbe, day, "death", _code(place), day)


@given(step("MBE {mbe:Name} cancelled the request of {patient:Name}'s begeleiding on {day:Date}"))
def request_cancelled(world: World, mbe: str, patient: str, day: dt.date) -> None:
    cancel_request(world, mbe, patient, day)
    _expect_setup(world, "accepted", f"the cancellation of the request of {patient}")


@given(
    step(
        "MBE {mbe:Name} cancelled the stop of {patient:Name}'s begeleiding on {day:Date}, "
        "which went under review"
    )
)
def stop_cancelled_under_review(world: World, mbe: str, patient: str, day: dt.date) -> None:
    cancel_stop(world, mbe, patient, day)
    _expect_setup(world, "under-review", f"the cancellation of the stop of {patient}'s begeleiding")


@given(
    step(
        "MBE {mbe:Name} changed the contact person of {patient:Name}'s begeleiding to "
        "{person:Words} on {day:Date}, which went under review"
    )
)
def contact_changed_under_review(
    world: World, mbe: str, patient: str, person: str, day: dt.date
) -> None:
    change_contact(world, mbe, patient, person, day)
    _expect_setup(world, "under-review", f"the change of the contact person of {patient}")


# -- Whens: cancel request, admin change, cancel stop ----------------------------------------


@when(step("MBE {mbe:Name} cancels the request of {patient:Name}'s begeleiding on {day:Date}"))
def cancel_request(world: World, mbe: str, patient: str, day: dt.date) -> None:
    message = change_message(world, mbe, world.reference(patient, mbe), "cancel-request")
    send_message(world, mbe, message, day)


@when(
    step(
        "MBE {mbe:Name} changes the contact person of {patient:Name}'s begeleiding to "
        "{person:Words} on {day:Date}"
    )
)
def change_contact(world: World, mbe: str, patient: str, person: str, day: dt.date) -> None:
    contact = {"name": person, "phone": "+32 50 12 34 56"}
    message = change_message(
        world, mbe, world.reference(patient, mbe), "admin-change", contactPerson=contact
    )
    send_message(world, mbe, message, day)


@when(
    step(
        "MBE {mbe:Name} changes the accident code of {patient:Name}'s begeleiding to {code} "
        "on {day:Date}"
    )
)
def change_accident_code(world: World, mbe: str, patient: str, code: str, day: dt.date) -> None:
    message = change_message(
        world, mbe, world.reference(patient, mbe), "admin-change", accidentCode=code
    )
    send_message(world, mbe, message, day)


@when(
    step(
        "MBE {mbe:Name} changes the start date of {patient:Name}'s begeleiding to {start:Date} "
        "with an administrative change on {day:Date}"
    )
)
def change_start_date(world: World, mbe: str, patient: str, start: dt.date, day: dt.date) -> None:
    """An administrative change may only change the contact person and the accident code."""
    message = change_message(
        world,
        mbe,
        world.reference(patient, mbe),
        "admin-change",
        accidentCode="none",
        startDate=start.isoformat(),
    )
    send_message(world, mbe, message, day)


@when(step("MBE {mbe:Name} cancels the stop of {patient:Name}'s begeleiding on {day:Date}"))
def cancel_stop(world: World, mbe: str, patient: str, day: dt.date) -> None:
    message = change_message(world, mbe, world.reference(patient, mbe), "cancel-stop")
    send_message(world, mbe, message, day)


@when(
    step(
        "MBE {mbe:Name} changes the contact person of the begeleiding with VSB reference "
        "{reference} to {person:Words} on {day:Date}"
    )
)
def change_contact_by_reference(
    world: World, mbe: str, reference: str, person: str, day: dt.date
) -> None:
    contact = {"name": person}
    message = change_message(world, mbe, reference, "admin-change", contactPerson=contact)
    send_message(world, mbe, message, day)


@when(
    step(
        "MBE {mbe:Name} changes the contact person of {patient:Name}'s begeleiding at MBE "
        "{owner:Name} to {person:Words} on {day:Date}"
    )
)
def change_contact_of_other(
    world: World, mbe: str, patient: str, owner: str, person: str, day: dt.date
) -> None:
    """MBE `mbe` names the VSB reference of a begeleiding that belongs to MBE `owner`."""
    change_contact_by_reference(world, mbe, world.reference(patient, owner), person, day)


# -- Whens: stops ----------------------------------------------------------------------------


@when(
    step(
        "MBE {mbe:Name} stops {patient:Name}'s begeleiding on {day:Date} for reason "
        "{reason:Words}, sent on {sent:Date}"
    )
)
def stop_for(
    world: World, mbe: str, patient: str, day: dt.date, reason: str, sent: dt.date
) -> None:
    send_message(world, mbe, stop_message(world, mbe, patient, day, _code(reason), None), sent)


@when(
    step(
        "MBE {mbe:Name} stops {patient:Name}'s begeleiding on {day:Date} because of death at "
        "{place:Words}, sent on {sent:Date}"
    )
)
def stop_death(
    world: World, mbe: str, patient: str, day: dt.date, place: str, sent: dt.date
) -> None:
    message = stop_message(world, mbe, patient, day, "death", _code(place))
    send_message(world, mbe, message, sent)


@when(
    step(
        "MBE {mbe:Name} stops {patient:Name}'s begeleiding on {day:Date} for reason "
        '{reason:Words}, sent on {sent:Date}, with {field} "{value}"'
    )
)
def stop_with(
    world: World,
    mbe: str,
    patient: str,
    day: dt.date,
    reason: str,
    sent: dt.date,
    field: str,
    value: str,
) -> None:
    message = stop_message(world, mbe, patient, day, _code(reason), None)
    set_stop_field(message, field, value)
    send_message(world, mbe, message, sent)


@when(
    step(
        "MBE {mbe:Name} stops {patient:Name}'s begeleiding on {day:Date} for reason "
        "{reason:Words}, sent on {sent:Date}, with"
    )
)
def stop_with_table(
    world: World,
    mbe: str,
    patient: str,
    day: dt.date,
    reason: str,
    sent: dt.date,
    datatable: list[list[str]],
) -> None:
    """A stop with several fields set, from a table of `| field | value |` rows."""
    message = stop_message(world, mbe, patient, day, _code(reason), None)
    for field, value in datatable[1:] if datatable[0] == ["field", "value"] else datatable:
        set_stop_field(message, field, value)
    send_message(world, mbe, message, sent)


@when(
    step(
        "MBE {mbe:Name} stops {patient:Name}'s begeleiding on {day:Date} for reason "
        "{reason:Words}, sent on {sent:Date}, without {fields}"
    )
)
def stop_without(
    world: World, mbe: str, patient: str, day: dt.date, reason: str, sent: dt.date, fields: str
) -> None:
    message = stop_message(world, mbe, patient, day, _code(reason), None)
    drop_stop_fields(message, fields)
    send_message(world, mbe, message, sent)


@when(
    step(
        "MBE {mbe:Name} stops {patient:Name}'s begeleiding on {day:Date} for reason "
        "{reason:Words}, sent on {sent:Date}, with the {item:Words} listed twice"
    )
)
def stop_listed_twice(
    world: World, mbe: str, patient: str, day: dt.date, reason: str, sent: dt.date, item: str
) -> None:
    """Each intervention type, and each provider-intervention pair, is to be counted once."""
    if item not in STOP_LISTS:
        raise SetupFailed(f"unknown stop list {item!r}; one of {sorted(STOP_LISTS)}")
    message = stop_message(world, mbe, patient, day, _code(reason), None)
    listed = message["stop"][STOP_LISTS[item]]
    listed.append(copy.deepcopy(listed[0]))
    send_message(world, mbe, message, sent)


# -- Thens -----------------------------------------------------------------------------------

STOP_MEMBERS = {
    "interventions": "interventions",
    "first-line contacts": "firstLineContacts",
    "date": "date",
    "reason": "reason",
}


@then(step("the {what:Words} is refused for missing its {field:Words}"))
def refused_missing(world: World, what: str, field: str) -> None:
    """A stop without a required field is refused, naming the stop or the field.

    The catalogue's REQ-ST-REQUIRED-DATA says the field is required; docs/messages.md makes
    presence a schema check (REQ-MSG-SCHEMA, reported at the parent `/stop`). Either naming
    passes, at `/stop` or at the missing member itself.
    """
    member = STOP_MEMBERS.get(field)
    if member is None:
        raise SetupFailed(f"unknown stop member {field!r}; one of {sorted(STOP_MEMBERS)}")
    reply = world.reply()
    wanted = f"refused for REQ-ST-REQUIRED-DATA or REQ-MSG-SCHEMA, missing {member}"
    named = {("REQ-ST-REQUIRED-DATA", p) for p in ("/stop", f"/stop/{member}")}
    named |= {("REQ-MSG-SCHEMA", p) for p in ("/stop", f"/stop/{member}")}
    found = {(e.get("requirement"), e.get("pointer")) for e in errors_of(reply)}
    if outcome(reply) != "refused" or not named & found:
        got = ", ".join(f"{r} at {p}" for r, p in sorted(found, key=str)) or outcome(reply)
        raise Breach(wanted, got, "REQ-ST-REQUIRED-DATA", "/stop")
