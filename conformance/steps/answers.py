"""Thens about the answer to the last message: accepted, under review, refused for a rule."""

from __future__ import annotations

import re

from pytest_bdd import then

from conformance.steps.types import step
from conformance.verdicts import (
    Breach,
    expect_accepted,
    expect_refused,
    expect_under_review,
)
from conformance.world import World


@then(step("the {what:Words} is accepted"))
def accepted(world: World, what: str) -> None:
    expect_accepted(world.reply())


@then(step("the {what:Words} is accepted with a VSB reference"))
def accepted_with_reference(world: World, what: str) -> None:
    reply = world.reply()
    expect_accepted(reply, ["REQ-RQ-REFERENCE"])
    prefix = world.rulebook(world.today()).value("vsb_reference_prefix")
    reference = reply.field("vsbReference")
    if not isinstance(reference, str) or not re.fullmatch(rf"{prefix}-\d{{4}}-\d{{7}}", reference):
        raise Breach(
            f"a VSB reference {prefix}-YYYY-NNNNNNN",
            repr(reference),
            "REQ-RQ-REFERENCE",
            "/vsbReference",
        )


@then(step("the {what:Words} is refused for {requirement:Req}"))
def refused(world: World, what: str, requirement: str) -> None:
    expect_refused(world.reply(), requirement)


@then(step("the {what:Words} is refused for {requirement:Req} at {pointer:Pointer}"))
def refused_at(world: World, what: str, requirement: str, pointer: str) -> None:
    expect_refused(world.reply(), requirement, pointer)


@then(step("the {what:Words} is under review at zorgkas {zorgkas:N} for {requirement:Req}"))
def under_review(world: World, what: str, zorgkas: int, requirement: str) -> None:
    expect_under_review(world.reply(), requirement, zorgkas)
