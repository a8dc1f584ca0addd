"""Zorgkas staff and the review of messages: queues, decisions, and the MBE's feed.

"The message under review" is the last message the scenario saw answered `under-review`.
Staff find it in their own queue (by the MBE's message id) before they decide; the zorgkas
whose queue it must be in comes from the scenario text or the rulebook, never from the system.
"""

from __future__ import annotations

import re
from typing import Any

from pytest_bdd import then, when

from conformance.adapters.base import Decision, Reply
from conformance.steps.types import step
from conformance.verdicts import Breach, describe, expect_under_review, outcome
from conformance.world import STAFF, SetupFailed, World

# -- the message under review ----------------------------------------------------------------


def message_under_review(world: World) -> dict[str, Any]:
    """The message the scenario last saw go under review, with the reply that said so."""
    last = world.last
    if last is not None and outcome(last) == "under-review" and world.last_message is not None:
        world.notes["under review"] = {"message": world.last_message, "reply": last}
    noted: dict[str, Any] | None = world.notes.get("under review")
    if noted is None:
        raise SetupFailed("no message went under review in this scenario")
    return noted


def _queue(world: World, zorgkas: int) -> list[dict[str, Any]]:
    """The items of a zorgkas's review queue, as its own staff read it."""
    reply = world.central.review_queue(zorgkas, STAFF)
    if reply.problem:
        raise Breach(
            f"the review queue of zorgkas {zorgkas}",
            describe(reply),
            "REQ-RV-ZORGKAS-QUEUE",
        )
    return [item for item in reply.field("items", []) if isinstance(item, dict)]


def _in_queue(world: World, zorgkas: int, message: dict[str, Any]) -> dict[str, Any] | None:
    """The queue item of `message` at `zorgkas`, if it waits there."""
    for item in _queue(world, zorgkas):
        if item.get("messageId") == message["messageId"] and item.get("mbe") == message["mbe"]:
            return item
    return None


def _review_id(world: World, zorgkas: int) -> int:
    """The review id of the message under review, as the staff of `zorgkas` see it."""
    message = message_under_review(world)["message"]
    known: dict[str, int] = world.notes.setdefault("review ids", {})
    if message["messageId"] not in known:
        item = _in_queue(world, zorgkas, message)
        if item is None:
            raise Breach(
                f"message {message['messageId']} in the review queue of zorgkas {zorgkas}",
                "not in that queue",
                "REQ-RV-ZORGKAS-QUEUE",
            )
        known[message["messageId"]] = int(item["reviewId"])
    return known[message["messageId"]]


# -- staff decisions -------------------------------------------------------------------------


def _decide(world: World, zorgkas: int, review_id: int, decision: Decision, reason: str) -> Reply:
    """A staff decision; its reply becomes the scenario's last one ("the decision is ...")."""
    world.last = world.central.decide(zorgkas, STAFF, review_id, decision, reason)
    if not world.last.problem:
        world.notes["decided by"] = zorgkas
    return world.last


@when(step("a staff member of zorgkas {zorgkas:N} accepts the message under review"))
def staff_accepts(world: World, zorgkas: int) -> None:
    _decide(world, zorgkas, _review_id(world, zorgkas), "accepted", "")


@when(
    step("a staff member of zorgkas {zorgkas:N} refuses the message under review because {reason}")
)
def staff_refuses(world: World, zorgkas: int, reason: str) -> None:
    _decide(world, zorgkas, _review_id(world, zorgkas), "refused", reason)


@when(step("a staff member of zorgkas {zorgkas:N} tries to accept the message under review"))
def staff_tries(world: World, zorgkas: int) -> None:
    """Staff of a zorgkas act on a review id they learnt elsewhere (the id of the queue the
    answer named), as a client could guess it."""
    review = message_under_review(world)["reply"].field("review") or {}
    owner = review.get("zorgkas")
    if not isinstance(owner, int):
        raise SetupFailed(
            f"the answer that put the message under review names no zorgkas: {review}"
        )
    _decide(world, zorgkas, _review_id(world, owner), "accepted", "")


# -- queues ----------------------------------------------------------------------------------


@then(step("the message under review waits in the review queue of zorgkas {zorgkas:N}"))
def waits_in_queue(world: World, zorgkas: int) -> None:
    message = message_under_review(world)["message"]
    if _in_queue(world, zorgkas, message) is None:
        raise Breach(
            f"message {message['messageId']} in the review queue of zorgkas {zorgkas}",
            "not in that queue",
            "REQ-RV-ZORGKAS-QUEUE",
        )


@then(step("the message under review is not in the review queue of zorgkas {zorgkas:N}"))
def not_in_queue(world: World, zorgkas: int) -> None:
    message = message_under_review(world)["message"]
    if _in_queue(world, zorgkas, message) is not None:
        raise Breach(
            f"message {message['messageId']} only in the queue of the patient's zorgkas",
            f"also in the review queue of zorgkas {zorgkas}",
            "REQ-RV-ZORGKAS-QUEUE",
        )


def _zorgkas_of_insurer(world: World, insurer: int) -> int:
    """The zorgkas the rulebook links to a health insurer (VI)."""
    for code, zorgkas in world.rulebook(world.today()).zorgkassen.items():
        if zorgkas["health_insurer"] == insurer:
            return int(code)
    raise SetupFailed(f"the rulebook links no zorgkas to health insurer {insurer}")


@then(
    step(
        "the {what:Words} is under review at the zorgkas of health insurer {insurer:N} for "
        "{requirement:Req}"
    )
)
def under_review_at_insurer(world: World, what: str, insurer: int, requirement: str) -> None:
    zorgkas = _zorgkas_of_insurer(world, insurer)
    expect_under_review(world.reply(), requirement, zorgkas)
    waits_in_queue(world, zorgkas)


@then(
    step(
        "the {what:Words} is under review at the rulebook's default review zorgkas for "
        "{requirement:Req}"
    )
)
def under_review_at_default(world: World, what: str, requirement: str) -> None:
    zorgkas = int(world.rulebook(world.today()).value("review_zorgkas_default"))
    expect_under_review(world.reply(), requirement, zorgkas)
    waits_in_queue(world, zorgkas)


# -- the MBE's feed --------------------------------------------------------------------------


def feed_items(world: World, mbe: str) -> list[dict[str, Any]]:
    """Every message in the MBE's feed, following the cursor until there is no more."""
    messages: list[dict[str, Any]] = []
    after = 0
    while True:
        reply = world.central.feed(world.hco(mbe), after)
        if reply.problem:
            raise Breach(f"the feed of MBE {mbe}", describe(reply), "REQ-RV-FINAL-DECISION")
        items = reply.field("items", []) or []
        messages += [i["message"] for i in items if isinstance(i, dict) and "message" in i]
        if not reply.field("more") or not items:
            return messages
        after = int(reply.field("next"))


def _final_decision(world: World, mbe: str) -> dict[str, Any]:
    """The one final decision on the message under review in the MBE's feed."""
    message_id = message_under_review(world)["message"]["messageId"]
    found = [
        m
        for m in feed_items(world, mbe)
        if m.get("kind") == "final-decision" and m.get("inReplyTo") == message_id
    ]
    if len(found) != 1:
        raise Breach(
            f"one final decision on message {message_id} in the feed of MBE {mbe}",
            f"{len(found)} final decisions",
            "REQ-RV-FINAL-DECISION",
        )
    return found[0]


def _expect_decision(world: World, mbe: str, decision: str) -> dict[str, Any]:
    """The one final decision in the feed has this outcome and names the deciding zorgkas."""
    found = _final_decision(world, mbe)
    if found.get("outcome") != decision:
        raise Breach(
            f"final decision {decision}",
            f"final decision {found.get('outcome')}",
            "REQ-RV-FINAL-DECISION",
            "/outcome",
        )
    deciders = found.get("decidedBy") or {}
    if "decided by" in world.notes and deciders.get("zorgkas") != world.notes["decided by"]:
        raise Breach(
            f"decided by zorgkas {world.notes['decided by']}",
            f"decided by {deciders}",
            "REQ-RV-FINAL-DECISION",
            "/decidedBy/zorgkas",
        )
    return found


@then(step("MBE {mbe:Name} finds the final decision accepted in its feed"))
def feed_accepted(world: World, mbe: str) -> None:
    _expect_decision(world, mbe, "accepted")


@then(step("MBE {mbe:Name} finds the final decision refused in its feed"))
def feed_refused(world: World, mbe: str) -> None:
    found = _expect_decision(world, mbe, "refused")
    if not found.get("errors"):
        raise Breach(
            "a refusal naming its problem", "no errors", "REQ-RV-FINAL-DECISION", "/errors"
        )


@then(
    step(
        "MBE {mbe:Name} finds the final decision accepted with the VSB reference of "
        "{patient:Name}'s begeleiding in its feed"
    )
)
def feed_accepted_reference(world: World, mbe: str, patient: str) -> None:
    """An accepted request under review gets its VSB reference with the final decision; the
    scenario keeps it for the changes that follow."""
    found = _expect_decision(world, mbe, "accepted")
    prefix = world.rulebook(world.today()).value("vsb_reference_prefix")
    reference = found.get("vsbReference")
    if not isinstance(reference, str) or not re.fullmatch(rf"{prefix}-\d{{4}}-\d{{7}}", reference):
        raise Breach(
            f"a VSB reference {prefix}-YYYY-NNNNNNN",
            repr(reference),
            "REQ-RQ-REFERENCE",
            "/vsbReference",
        )
    world.begeleiding(patient, mbe).reference = reference


@then(step("MBE {mbe:Name} finds no final decision in its feed"))
def feed_empty(world: World, mbe: str) -> None:
    found = [m for m in feed_items(world, mbe) if m.get("kind") == "final-decision"]
    if found:
        raise Breach(
            f"no final decision in the feed of MBE {mbe}",
            f"{len(found)} (replying to {', '.join(str(m.get('inReplyTo')) for m in found)})",
            "REQ-RV-FINAL-DECISION",
        )
