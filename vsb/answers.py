"""What the central application answers: errors as data, verdicts, answer documents."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any, Literal

Outcome = Literal["accepted", "under-review", "refused"]


@dataclass(frozen=True)
class Error:
    """One broken rule: the requirement id, the JSON pointer of the field, what is wrong."""

    requirement: str
    pointer: str
    message: str

    def as_dict(self) -> dict[str, str]:
        """The error as it appears in an answer."""
        return {"requirement": self.requirement, "pointer": self.pointer, "message": self.message}


@dataclass(frozen=True)
class Review:
    """Why a message waits for a staff decision, and in whose queue."""

    requirement: str
    zorgkas: int
    reason: str


@dataclass(frozen=True)
class Verdict:
    """The engine's decision on one message, before it is written as an answer."""

    outcome: Outcome
    errors: tuple[Error, ...] = ()
    review: Review | None = None
    reference: str | None = None

    @staticmethod
    def refused(*errors: Error) -> Verdict:
        """A refusal naming every broken rule."""
        return Verdict("refused", errors=errors)


def answer_document(
    verdict: Verdict, answer_id: str, in_reply_to: str, answered_at: str
) -> dict[str, Any]:
    """The `answer` message (schema answer.schema.json) for a verdict."""
    document: dict[str, Any] = {
        "kind": "answer",
        "answerId": answer_id,
        "inReplyTo": in_reply_to,
        "answeredAt": answered_at,
        "outcome": verdict.outcome,
    }
    if verdict.reference is not None:
        document["vsbReference"] = verdict.reference
    if verdict.review is not None:
        document["review"] = {
            "requirement": verdict.review.requirement,
            "zorgkas": verdict.review.zorgkas,
            "reason": verdict.review.reason,
        }
    if verdict.errors:
        document["errors"] = [error.as_dict() for error in verdict.errors]
    return document


_MESSAGE_ID = re.compile(r"[A-Za-z0-9._:-]{1,64}")


def reply_id(message_id: object) -> str:
    """The id an answer replies to: the message's, when it is a well-formed id."""
    if isinstance(message_id, str) and _MESSAGE_ID.fullmatch(message_id):
        return message_id
    return "unidentified"
