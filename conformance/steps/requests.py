"""Requests for intervention and insurance-status queries, in the words of the domain."""

from __future__ import annotations

import datetime as dt
from typing import Any

from pytest_bdd import given, then, when

from conformance.steps.types import step
from conformance.verdicts import Breach, expect_accepted
from conformance.world import Begeleiding, SetupFailed, World
from vsb.synthetic import sample_request

REQUEST_FIELDS: dict[str, tuple[str, ...]] = {
    "diagnosis": ("begeleiding", "medical", "diagnosis"),
    "referral": ("begeleiding", "medical", "referral"),
    "origin": ("begeleiding", "medical", "origin"),
    "accident code": ("begeleiding", "accidentCode"),
    "GP RIZIV number": ("begeleiding", "medical", "gp", "riziv"),
    "INSZ": ("insz",),
    "start date": ("begeleiding", "startDate"),
}


def _holder(message: dict[str, Any], field: str) -> tuple[dict[str, Any], str]:
    """The object holding a request field the scenario names, and the field's key there."""
    if field not in REQUEST_FIELDS:
        raise SetupFailed(f"unknown request field {field!r}; one of {sorted(REQUEST_FIELDS)}")
    *parents, key = REQUEST_FIELDS[field]
    for parent in parents:
        message = message[parent]
    return message, key


def request_message(
    world: World, mbe: str, patient: str, start: dt.date, request_type: str
) -> dict[str, Any]:
    """A complete request of the scenario's patient, from the scenario's MBE."""
    return sample_request(
        world.hco(mbe), world.insz(patient), start, world.message_id("rq"), request_type
    )


def send_request(
    world: World, mbe: str, patient: str, start: dt.date, sent: dt.date, request_type: str
) -> dict[str, Any]:
    """Send a request on day `sent`; an accepted one is remembered as the patient's
    begeleiding at that MBE."""
    world.at(sent)
    message = request_message(world, mbe, patient, start, request_type)
    return _send(world, mbe, patient, start, message)


def _send(
    world: World, mbe: str, patient: str, start: dt.date, message: dict[str, Any]
) -> dict[str, Any]:
    reply = world.send(mbe, message, label=f"request of {patient}")
    reference = reply.field("vsbReference")
    if reply.field("outcome") in ("accepted", "under-review") or reference:
        world.begeleidingen[(patient, mbe)] = Begeleiding(
            patient, mbe, start, reference, message["messageId"]
        )
    return message


# -- Givens: begeleidingen that exist before the scenario's action ---------------------------


@given(step("{patient:Name} has an accepted begeleiding at MBE {mbe:Name} starting {start:Date}"))
def accepted_begeleiding(world: World, patient: str, mbe: str, start: dt.date) -> None:
    send_request(world, mbe, patient, start, start, _type_for(world, patient, mbe))
    if world.reply().field("outcome") != "accepted":
        raise SetupFailed(
            f"the request of {patient} at MBE {mbe} starting {start} was not accepted: "
            f"{world.reply().body}"
        )


def _type_for(world: World, patient: str, mbe: str) -> str:
    return "restart" if (patient, mbe) in world.begeleidingen else "new"


# -- Whens ---------------------------------------------------------------------------------


@when(
    step(
        "MBE {mbe:Name} requests a new begeleiding for {patient:Name} starting {start:Date}, "
        "sent on {sent:Date}"
    )
)
def request_new(world: World, mbe: str, patient: str, start: dt.date, sent: dt.date) -> None:
    send_request(world, mbe, patient, start, sent, "new")


@when(
    step(
        "MBE {mbe:Name} requests a restart of the begeleiding of {patient:Name} starting "
        "{start:Date}, sent on {sent:Date}"
    )
)
def request_restart(world: World, mbe: str, patient: str, start: dt.date, sent: dt.date) -> None:
    send_request(world, mbe, patient, start, sent, "restart")


@when(
    step(
        "MBE {mbe:Name} requests a new begeleiding for {patient:Name} starting {start:Date}, "
        'sent on {sent:Date}, with {field} "{value}"'
    )
)
def request_with(
    world: World, mbe: str, patient: str, start: dt.date, sent: dt.date, field: str, value: str
) -> None:
    world.at(sent)
    message = request_message(world, mbe, patient, start, "new")
    holder, key = _holder(message, field)
    holder[key] = value
    _send(world, mbe, patient, start, message)


@when(
    step(
        "MBE {mbe:Name} requests a new begeleiding for {patient:Name} starting {start:Date}, "
        "sent on {sent:Date}, without {field}"
    )
)
def request_without(
    world: World, mbe: str, patient: str, start: dt.date, sent: dt.date, field: str
) -> None:
    world.at(sent)
    message = request_message(world, mbe, patient, start, "new")
    holder, key = _holder(message, field)
    del holder[key]
    _send(world, mbe, patient, start, message)


# -- insurance status ------------------------------------------------------------------------


@when(step("MBE {mbe:Name} asks the insurance status of {patient:Name} on {day:Date}"))
def ask_status(world: World, mbe: str, patient: str, day: dt.date) -> None:
    message = {
        "kind": "insurance-status-query",
        "messageId": world.message_id("isq"),
        "mbe": world.hco(mbe),
        "insz": world.insz(patient),
        "date": day.isoformat(),
    }
    world.send(mbe, message, label=f"status of {patient}")


def _status(world: World, expected: str) -> dict[str, Any]:
    reply = world.reply()
    body = reply.body if isinstance(reply.body, dict) else {}
    if reply.problem or body.get("status") != expected:
        got = f"HTTP {reply.status}" if reply.problem else f"status {body.get('status')!r}"
        raise Breach(f"status {expected!r}", got, "REQ-INS-QUERY", "/status")
    return body


@then(
    step(
        "the insurance status is affiliated with zorgkas {zorgkas:N}, {kind:Words}, since "
        "{since:Date}"
    )
)
def status_affiliated(world: World, zorgkas: int, kind: str, since: dt.date) -> None:
    body = _status(world, "affiliated")
    got = (body.get("zorgkas"), body.get("affiliationType"), (body.get("period") or {}).get("from"))
    wanted = (zorgkas, kind, since.isoformat())
    if got != wanted:
        raise Breach(
            f"zorgkas {zorgkas}, {kind}, from {since}",
            f"zorgkas {got[0]}, {got[1]}, from {got[2]}",
            "REQ-INS-QUERY",
            "/zorgkas",
        )


@then(step("the insurance status is {status:Words}"))
def status_is(world: World, status: str) -> None:
    _status(world, status.replace(" ", "-"))


@then(step("the insurance status is cannot affiliate, because {reason:Words}"))
def status_cannot(world: World, reason: str) -> None:
    body = _status(world, "cannot-affiliate")
    if body.get("reason") != reason.replace(" ", "-"):
        raise Breach(
            f"reason {reason!r}", f"reason {body.get('reason')!r}", "REQ-INS-QUERY", "/reason"
        )


@then(step("{patient:Name}'s begeleiding at MBE {mbe:Name} has a VSB reference"))
def has_reference(world: World, patient: str, mbe: str) -> None:
    expect_accepted(world.reply(), ["REQ-RQ-REFERENCE"])
    world.reference(patient, mbe)


@given(step("{patient:Name}'s begeleiding at MBE {mbe:Name} was stopped on {day:Date}"))
def stopped_begeleiding(world: World, patient: str, mbe: str, day: dt.date) -> None:
    world.at(day)
    message = {
        "kind": "stop",
        "messageId": world.message_id("st"),
        "mbe": world.hco(mbe),
        "vsbReference": world.reference(patient, mbe),
        "stop": {
            "date": day.isoformat(),
            "reason": "stabilised",
            "nonBillingReason": None,
            "interventions": [{"type": "home-visit", "count": 4}],
            "firstLineContacts": [
                {"providerType": "gp", "interventionType": "consultation", "count": 2}
            ],
        },
    }
    reply = world.send(mbe, message, label=f"stop of {patient}")
    if reply.field("outcome") != "accepted":
        raise SetupFailed(f"the stop of {patient}'s begeleiding at MBE {mbe} was not accepted")


@then(step("the begeleidingen of {first:Name} and {second:Name} have different VSB references"))
def different_references(world: World, first: str, second: str) -> None:
    ours = [
        b.reference for (patient, _), b in world.begeleidingen.items() if patient in (first, second)
    ]
    if len(ours) != 2 or None in ours or ours[0] == ours[1]:
        raise Breach("two different VSB references", f"{ours}", "REQ-RQ-REFERENCE", "/vsbReference")
