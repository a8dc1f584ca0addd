"""Review queues per zorgkas and the staff decisions that end them (REQ-RV-*)."""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import Any, Literal

from vsb.answers import Error, Review
from vsb.changes import CancelGuard, apply_after_review
from vsb.context import Context
from vsb.references import new_reference
from vsb.requests import recheck_request

STAFF_NAME_MAX = 100


class StaffActionError(ValueError):
    """A staff action that cannot be done; names the requirement and what to do instead."""

    def __init__(self, requirement: str, message: str) -> None:
        super().__init__(f"{requirement}: {message}")
        self.requirement = requirement


@dataclass(frozen=True)
class ReviewItem:
    """One message waiting in a zorgkas's review queue."""

    id: int
    zorgkas: int
    mbe: str
    message_id: str
    kind: str
    requirement: str
    reason: str
    received_at: str
    message: dict[str, Any]

    def as_dict(self) -> dict[str, Any]:
        """The item as JSON-ready data."""
        return {
            "reviewId": self.id,
            "zorgkas": self.zorgkas,
            "mbe": self.mbe,
            "messageId": self.message_id,
            "kind": self.kind,
            "requirement": self.requirement,
            "reason": self.reason,
            "receivedAt": self.received_at,
            "message": self.message,
        }


def open_review(ctx: Context, review: Review, message: dict[str, Any], received_at: str) -> None:
    """Put a message in the review queue of its zorgkas."""
    row = ctx.store.db.execute(
        "SELECT id FROM begeleidingen WHERE mbe = ? AND pending_message = ?",
        (ctx.mbe, message["messageId"]),
    ).fetchone()
    ctx.store.db.execute(
        "INSERT INTO reviews (mbe, message_id, begeleiding_id, zorgkas, requirement, reason, "
        "kind, body, received_at) VALUES (?,?,?,?,?,?,?,?,?)",
        (
            ctx.mbe,
            message["messageId"],
            row["id"] if row else None,
            review.zorgkas,
            review.requirement,
            review.reason,
            message["kind"],
            json.dumps(message),
            received_at,
        ),
    )


def _item(row: Any) -> ReviewItem:
    return ReviewItem(
        id=row["id"],
        zorgkas=row["zorgkas"],
        mbe=row["mbe"],
        message_id=row["message_id"],
        kind=row["kind"],
        requirement=row["requirement"],
        reason=row["reason"],
        received_at=row["received_at"],
        message=json.loads(row["body"]),
    )


def review_queue(ctx: Context, zorgkas: int) -> list[ReviewItem]:
    """The open items of one zorgkas, oldest first."""
    rows = ctx.store.db.execute(
        "SELECT * FROM reviews WHERE zorgkas = ? AND decision IS NULL ORDER BY id", (zorgkas,)
    ).fetchall()
    return [_item(row) for row in rows]


def _open_item(ctx: Context, review_id: int, zorgkas: int) -> tuple[ReviewItem, int | None]:
    row = ctx.store.db.execute("SELECT * FROM reviews WHERE id = ?", (review_id,)).fetchone()
    if row is None or row["zorgkas"] != zorgkas:
        raise StaffActionError(
            "REQ-RV-ZORGKAS-QUEUE", f"review {review_id} is not in the queue of zorgkas {zorgkas}"
        )
    if row["decision"] is not None:
        raise StaffActionError(
            "REQ-RV-FINAL-DECISION",
            f"review {review_id} was already decided; a message gets one final decision",
        )
    return _item(row), row["begeleiding_id"]


def _accept(
    ctx: Context, item: ReviewItem, begeleiding_id: int, guards: Sequence[CancelGuard]
) -> tuple[list[Error], str | None]:
    begeleiding = ctx.store.begeleiding(begeleiding_id)
    if item.kind == "request":
        errors = recheck_request(ctx, begeleiding)
        if errors:
            ctx.store.delete_begeleiding(begeleiding_id)
            return errors, None
        reference = new_reference(ctx)
        ctx.store.update_begeleiding(
            begeleiding_id, status="open", reference=reference, pending_message=None
        )
        return [], reference
    ctx.store.update_begeleiding(begeleiding_id, pending_message=None)
    errors = apply_after_review(ctx, ctx.store.begeleiding(begeleiding_id), item.message, guards)
    return errors, begeleiding.reference


def _refuse(ctx: Context, item: ReviewItem, begeleiding_id: int, reason: str) -> list[Error]:
    if item.kind == "request":
        ctx.store.delete_begeleiding(begeleiding_id)
    else:
        ctx.store.update_begeleiding(begeleiding_id, pending_message=None)
    return [Error(item.requirement, "", f"refused by the zorgkas: {reason}")]


def decide(
    ctx: Context,
    review_id: int,
    zorgkas: int,
    staff: str,
    outcome: Literal["accepted", "refused"],
    reason: str,
    decided_at: str,
    guards: Sequence[CancelGuard] = (),
) -> dict[str, Any]:
    """Record a staff decision on a message under review and return its final decision.

    An acceptance that today's state no longer allows becomes a refusal naming the rule.

    Raises:
        StaffActionError: the review is not open in this zorgkas's queue, or the refusal has
            no reason.
    """
    item, begeleiding_id = _open_item(ctx, review_id, zorgkas)
    assert begeleiding_id is not None
    if not 0 < len(staff.strip()) <= STAFF_NAME_MAX:
        raise StaffActionError(
            "REQ-RV-FINAL-DECISION",
            f"the staff member must be named (1 to {STAFF_NAME_MAX} "
            "characters); the MBE sees who decided",
        )
    ctx = replace(ctx, mbe=item.mbe)  # the rules are those of the MBE that sent the message
    if outcome == "refused" and not reason.strip():
        raise StaffActionError("REQ-RV-FINAL-DECISION", "a refusal needs a reason for the MBE")
    if outcome == "accepted":
        errors, reference = _accept(ctx, item, begeleiding_id, guards)
    else:
        reference = ctx.store.begeleiding(begeleiding_id).reference
        errors = _refuse(ctx, item, begeleiding_id, reason)
    document = _final_decision(ctx, item, zorgkas, staff, errors, reference, decided_at)
    ctx.store.db.execute(
        "UPDATE reviews SET decision = ?, decided_seq = ? WHERE id = ?",
        (json.dumps(document), ctx.store.next_value("feed"), review_id),
    )
    return document


def _final_decision(
    ctx: Context,
    item: ReviewItem,
    zorgkas: int,
    staff: str,
    errors: list[Error],
    reference: str | None,
    decided_at: str,
) -> dict[str, Any]:
    document: dict[str, Any] = {
        "kind": "final-decision",
        "decisionId": f"D-{ctx.store.next_value('decision-id'):09d}",
        "inReplyTo": item.message_id,
        "decidedAt": decided_at,
        "decidedBy": {"zorgkas": zorgkas, "staff": staff},
        "outcome": "refused" if errors else "accepted",
    }
    if reference is not None:
        document["vsbReference"] = reference
    if errors:
        document["errors"] = [error.as_dict() for error in errors]
    return document


def final_decisions(ctx: Context, mbe: str, after: int = 0) -> list[tuple[int, dict[str, Any]]]:
    """The final decisions for one MBE after a cursor, with their cursor values."""
    rows = ctx.store.db.execute(
        "SELECT decided_seq, decision FROM reviews WHERE mbe = ? AND decided_seq > ? "
        "ORDER BY decided_seq",
        (mbe, after),
    ).fetchall()
    return [(row["decided_seq"], json.loads(row["decision"])) for row in rows]
