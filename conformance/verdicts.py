"""Checks of what came back against what the scenario text expects; a miss is a `Breach`.

A breach is data: the requirement the scenario certifies, the field at fault, what was
expected and what came back. The reports print it in the catalogue's words.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from conformance.adapters.base import Reply, listed_errors


class Breach(AssertionError):
    """The system under test did not answer as the rule says."""

    def __init__(
        self,
        expected: str,
        got: str,
        requirement: str | None = None,
        pointer: str | None = None,
    ) -> None:
        where = f" at {pointer}" if pointer else ""
        super().__init__(f"expected {expected}{where}; got {got}")
        self.expected = expected
        self.got = got
        self.requirement = requirement
        self.pointer = pointer


def outcome(reply: Reply) -> str:
    """accepted, under-review or refused: an answer's outcome, a settlement's status, or
    `refused` for a problem (the transport refused the message)."""
    if reply.problem:
        return "refused"
    body = reply.body if isinstance(reply.body, dict) else {}
    return str(body.get("outcome") or body.get("status") or "no outcome")


def describe(reply: Reply) -> str:
    """One line saying what a reply was, for a breach."""
    if reply.problem:
        named = reply.field("requirement") or "no requirement"
        return f"HTTP {reply.status} problem ({named}): {reply.field('detail', '')}"
    parts = [outcome(reply)]
    requirements = reply.requirements()
    if requirements:
        parts.append("for " + ", ".join(dict.fromkeys(requirements)))
    review = reply.field("review")
    if isinstance(review, dict):
        parts.append(f"under review at {review.get('zorgkas')} for {review.get('requirement')}")
    return " ".join(parts)


def errors_of(reply: Reply) -> list[dict[str, Any]]:
    """The errors of a reply with a requirement: problem errors carry the problem's."""
    if reply.problem:
        requirement = reply.field("requirement")
        listed = [e for e in reply.field("errors", []) or [] if isinstance(e, dict)]
        return [{"requirement": requirement, **e} for e in listed] or [
            {"requirement": requirement, "pointer": None}
        ]
    return listed_errors(reply.body)


def expect_refused(reply: Reply, requirement: str, pointer: str | None = None) -> None:
    """The reply refuses for `requirement` (at `pointer` when given)."""
    if outcome(reply) != "refused":
        raise Breach(f"refused for {requirement}", describe(reply), requirement, pointer)
    named = [e for e in errors_of(reply) if e.get("requirement") == requirement]
    if not named:
        raise Breach(f"refused for {requirement}", describe(reply), requirement, pointer)
    if pointer is not None and not any(e.get("pointer") == pointer for e in named):
        pointers = sorted({str(e.get("pointer")) for e in named})
        raise Breach(
            f"refused for {requirement}",
            f"refused for {requirement} at {', '.join(pointers)}",
            requirement,
            pointer,
        )


def expect_accepted(reply: Reply, requirements: Iterable[str] = ()) -> None:
    """The reply accepts; `requirements` are those the scenario certifies (for the report)."""
    if outcome(reply) != "accepted":
        first = next(iter(requirements), None)
        raise Breach("accepted", describe(reply), first)


def expect_under_review(reply: Reply, requirement: str, zorgkas: int | None = None) -> None:
    """The reply puts the message under review for `requirement` (at `zorgkas`)."""
    review = reply.field("review")
    where = f" at zorgkas {zorgkas}" if zorgkas is not None else ""
    wanted = f"under review{where} for {requirement}"
    if outcome(reply) != "under-review" or not isinstance(review, dict):
        raise Breach(wanted, describe(reply), requirement)
    if review.get("requirement") != requirement or (
        zorgkas is not None and review.get("zorgkas") != zorgkas
    ):
        raise Breach(wanted, describe(reply), requirement, "/review")


def expect_equal(what: str, expected: Any, got: Any, requirement: str, pointer: str) -> None:
    """A value of the reply equals what the rule says it must be."""
    if expected != got:
        raise Breach(f"{what} {expected!r}", f"{what} {got!r}", requirement, pointer)
