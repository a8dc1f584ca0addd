"""Who sent a message and which message it is: certificates, message ids, and the answers
every message gets (REQ-MBE-*, REQ-MSG-*).

A message "in the name of" another MBE is sent with the sender's certificate but names the
other MBE's HCO number, so it goes to `world.central.send` directly. Comparisons of two
answers read `world.notes["exchanges"]`, kept by `conformance.steps.changes.remember`.
"""

from __future__ import annotations

import copy
import datetime as dt
import re
from typing import Any

from pytest_bdd import then, when

from conformance.adapters.base import Reply
from conformance.steps.changes import remember, send_message
from conformance.steps.requests import request_message
from conformance.steps.types import step
from conformance.verdicts import Breach, describe, errors_of, outcome
from conformance.world import SetupFailed, World
from vsb.catalogue import load_catalogue

# -- sending ---------------------------------------------------------------------------------


@when(
    step(
        "MBE {sender:Name} sends a request for {patient:Name} starting {start:Date} in the name "
        "of MBE {named:Name}, on {day:Date}"
    )
)
def request_in_the_name_of(
    world: World, sender: str, patient: str, start: dt.date, named: str, day: dt.date
) -> None:
    """A request naming MBE `named`, sent with the certificate of MBE `sender`."""
    world.at(day)
    message = request_message(world, named, patient, start, "new")
    world.last_message = message
    world.last = world.central.send(world.hco(sender), message)
    remember(world, message, world.last)


@when(step("MBE {mbe:Name} sends that request with its own certificate on {day:Date}"))
def request_own_certificate(world: World, mbe: str, day: dt.date) -> None:
    """The same message, same id, now sent by the MBE it names."""
    message = _last_message(world)
    if message.get("mbe") != world.hco(mbe):
        raise SetupFailed(f"the last message does not name MBE {mbe}")
    send_message(world, mbe, copy.deepcopy(message), day)


@when(step("MBE {mbe:Name} sends the same message again on {day:Date}"))
def send_again(world: World, mbe: str, day: dt.date) -> None:
    """The last message again, byte for byte the same content and the same message id."""
    message = _last_message(world)
    exchanges: list[tuple[dict[str, Any], Reply]] = world.notes.setdefault("exchanges", [])
    if not exchanges or exchanges[-1][1] is not world.last:
        exchanges.append((message, world.reply()))
    send_message(world, mbe, copy.deepcopy(message), day)


@when(
    step(
        "MBE {mbe:Name} requests a new begeleiding for {patient:Name} starting {start:Date}, "
        "sent on {sent:Date}, under the message id of {other:Name}'s request"
    )
)
def request_reusing_id(
    world: World, mbe: str, patient: str, start: dt.date, sent: dt.date, other: str
) -> None:
    """Another message (another patient) under a message id the MBE used before."""
    earlier = world.messages.get(f"request of {other}")
    if earlier is None:
        raise SetupFailed(f"no request of {other} was sent in this scenario")
    message = request_message(world, mbe, patient, start, "new")
    message["messageId"] = earlier["messageId"]
    send_message(world, mbe, message, sent)


@when(
    step(
        "MBE {mbe:Name} requests a new begeleiding for {patient:Name} starting {start:Date}, "
        "sent on {sent:Date}, with an unknown field {pointer:Pointer}"
    )
)
def request_with_unknown_field(
    world: World, mbe: str, patient: str, start: dt.date, sent: dt.date, pointer: str
) -> None:
    """A request with one member its schema does not have (a typo, say)."""
    message = request_message(world, mbe, patient, start, "new")
    *parents, name = pointer.lstrip("/").split("/")
    holder: Any = message
    for key in parents:
        holder = holder[key]
    holder[name] = "remember to call the daughter"
    send_message(world, mbe, message, sent)


def _last_message(world: World) -> dict[str, Any]:
    """The message the scenario sent last."""
    if world.last_message is None:
        raise SetupFailed("no message was sent yet in this scenario")
    return world.last_message


# -- comparing answers -----------------------------------------------------------------------


Exchange = tuple[dict[str, Any], Reply]


def _last_two(world: World) -> tuple[Exchange, Exchange]:
    """The last two messages sent and their replies; the last must be the latest reply."""
    exchanges: list[Exchange] = world.notes.get("exchanges", [])
    if len(exchanges) < 2 or exchanges[-1][1] is not world.last:
        raise SetupFailed("this step compares the answers to the last two messages sent")
    return exchanges[-2], exchanges[-1]


@then(step("the answer is identical to the one before"))
def identical_answers(world: World) -> None:
    """The same message id and content get the same answer, processed once."""
    (_, first), (_, second) = _last_two(world)
    if (first.status, first.body) != (second.status, second.body):
        raise Breach(
            f"the answer given before: {describe(first)} {first.body}",
            f"{describe(second)} {second.body}",
            "REQ-MSG-IDEMPOTENT",
        )


_REFERENCE = re.compile(r"[A-Z]+-\d{4}-\d{7}")
_VOLATILE = ("answerId", "answeredAt", "inReplyTo", "instance")


def _shape(reply: Reply, message_ids: tuple[str, ...]) -> Any:
    """A reply without what differs from message to message: ids, times, references."""

    def scrub(value: Any) -> Any:
        """The value with volatile members dropped and ids and references masked."""
        if isinstance(value, dict):
            return {k: scrub(v) for k, v in value.items() if k not in _VOLATILE}
        if isinstance(value, list):
            return [scrub(v) for v in value]
        if isinstance(value, str):
            for message_id in message_ids:
                value = value.replace(message_id, "<message id>")
            return _REFERENCE.sub("<reference>", value)
        return value

    return (reply.status, scrub(reply.body))


@then(step("the last two answers are the same but for ids, times and references"))
def same_but_for_ids(world: World) -> None:
    """Existence does not leak: the two answers tell the MBE the same thing."""
    (one, first), (other, second) = _last_two(world)
    ids = (str(one.get("messageId")), str(other.get("messageId")))
    if _shape(first, ids) != _shape(second, ids):
        raise Breach(
            f"the same answer as before: {first.body}",
            str(second.body),
            "REQ-CH-REFERENCE",
        )


# -- the answer itself -----------------------------------------------------------------------


@then(step("the {what:Words} is refused for {first:Req} or {second:Req} at {pointer:Pointer}"))
def refused_for_either(world: World, what: str, first: str, second: str, pointer: str) -> None:
    """Refused at the field, naming either requirement: for a rule the schema also enforces
    (docs/messages.md: `additionalProperties: false`, required members), an implementation may
    name the business rule or REQ-MSG-SCHEMA."""
    reply = world.reply()
    named = [e for e in errors_of(reply) if e.get("requirement") in (first, second)]
    if outcome(reply) != "refused" or not any(e.get("pointer") == pointer for e in named):
        raise Breach(f"refused for {first} or {second}", describe(reply), first, pointer)


OUTCOMES = ("accepted", "under-review", "refused")


@then(step("the answer replies to that message with the outcome {wanted:Words}"))
def replies_to_message(world: World, wanted: str) -> None:
    """One answer per message: an `answer` document naming the message and one outcome."""
    reply, message = world.reply(), _last_message(world)
    body = reply.body if isinstance(reply.body, dict) else {}
    got = (body.get("kind"), body.get("inReplyTo"), body.get("outcome"))
    expected = ("answer", message["messageId"], wanted.replace(" ", "-"))
    if reply.problem or got != expected or not body.get("answerId"):
        raise Breach(
            f"an answer replying to {expected[1]} with outcome {expected[2]}",
            f"HTTP {reply.status}: kind {got[0]}, in reply to {got[1]}, outcome {got[2]}",
            "REQ-MSG-ANSWER",
        )


def _resolves(document: Any, pointer: str) -> bool:
    """Whether a JSON pointer names a member of the document ("" is the whole)."""
    if pointer == "":
        return True
    if not pointer.startswith("/"):
        return False
    node = document
    for raw in pointer[1:].split("/"):
        token = raw.replace("~1", "/").replace("~0", "~")
        if isinstance(node, dict) and token in node:
            node = node[token]
        elif isinstance(node, list) and token.isdigit() and int(token) < len(node):
            node = node[int(token)]
        else:
            return False
    return True


@then(step("every error of the refusal names a requirement, a field of the message and a text"))
def errors_name_problem(world: World) -> None:
    """Each error names a requirement of the catalogue, a JSON pointer into the message sent,
    and says in words what is wrong."""
    reply, message = world.reply(), _last_message(world)
    if outcome(reply) != "refused":
        raise Breach("a refusal", describe(reply), "REQ-MSG-REFUSAL-NAMES-PROBLEM")
    errors = errors_of(reply)
    catalogue = load_catalogue()
    for index, error in enumerate(errors):
        where = f"/errors/{index}"
        if error.get("requirement") not in catalogue:
            got = f"requirement {error.get('requirement')!r}"
            raise Breach(
                "a requirement of the catalogue", got, "REQ-MSG-REFUSAL-NAMES-PROBLEM", where
            )
        pointer = error.get("pointer")
        if not isinstance(pointer, str) or not _resolves(message, pointer):
            got = f"pointer {pointer!r}"
            raise Breach("a field of the message", got, "REQ-MSG-REFUSAL-NAMES-PROBLEM", where)
        text = error.get("message")
        if not isinstance(text, str) or not text.strip():
            raise Breach(
                "a text saying what is wrong", repr(text), "REQ-MSG-REFUSAL-NAMES-PROBLEM", where
            )
    if not errors:
        raise Breach("at least one error", "none", "REQ-MSG-REFUSAL-NAMES-PROBLEM", "/errors")
