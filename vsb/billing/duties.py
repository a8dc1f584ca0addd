"""Separation of duties on a shipment (REQ-BL-SEPARATION-OF-DUTIES): who may not do what.

Zorgkas staff do three duties on a shipment: decide its lines under review, sign it, record
its payment. The rulebook's `separation_of_duties` lists pairs of duties one staff member may
not both do on the same shipment (by default: whoever signed it or decided one of its lines
does not record its payment, the four-eyes principle on money leaving the zorgkas). Every duty
done is recorded with the staff member's name, so the check holds whatever the order.
"""

from __future__ import annotations

from typing import Literal

from vsb.context import Context
from vsb.review import STAFF_NAME_MAX, StaffActionError
from vsb.rulebook import Rulebook

Duty = Literal["decide-line", "sign", "pay"]
DUTIES: tuple[Duty, ...] = ("decide-line", "sign", "pay")
"""The staff duties on one shipment, as the rulebook names them."""

_DONE = {"decide-line": "decided a line of", "sign": "signed", "pay": "recorded the payment of"}
_TO_DO = {"decide-line": "deciding its lines", "sign": "signing it", "pay": "recording its payment"}


def separated_from(rulebook: Rulebook, duty: Duty) -> set[str]:
    """The duties the rulebook keeps apart from `duty` (REQ-BL-SEPARATION-OF-DUTIES).

    Raises:
        ValueError: the rulebook's `separation_of_duties` is not a list of pairs of two
            different duties of DUTIES.
    """
    apart: set[str] = set()
    for pair in rulebook.value("separation_of_duties"):
        if not _is_pair(pair):
            raise ValueError(
                f"rulebook {rulebook.id}: separation_of_duties: every entry is a pair of "
                f"two of the duties {', '.join(DUTIES)}"
            )
        if duty in pair:
            apart.update(set(pair) - {duty})
    return apart


def _is_pair(pair: object) -> bool:
    return (
        isinstance(pair, list)
        and len(pair) == 2
        and pair[0] != pair[1]
        and all(duty in DUTIES for duty in pair)
    )


def take_duty(ctx: Context, shipment_id: int, settlement_id: str, duty: Duty, staff: str) -> None:
    """Record that `staff` does `duty` on a shipment, unless the rulebook keeps it apart from a
    duty they did on it already.

    Raises:
        StaffActionError: REQ-BL-SEPARATION-OF-DUTIES, naming the duty done and the rulebook;
            also when the rule applies and the staff member is not named.
    """
    apart = separated_from(ctx.rulebook, duty)
    if apart and not 0 < len(staff.strip()) <= STAFF_NAME_MAX:
        raise StaffActionError(
            "REQ-BL-SEPARATION-OF-DUTIES",
            f"shipment {settlement_id}: {_TO_DO[duty]} needs the staff member named (1 to "
            f"{STAFF_NAME_MAX} characters), since the rulebook keeps duties apart",
        )
    done = ctx.store.db.execute(
        "SELECT duty FROM staff_duties WHERE shipment_id = ? AND staff = ? ORDER BY duty",
        (shipment_id, staff),
    ).fetchall()
    clash = [row["duty"] for row in done if row["duty"] in apart]
    if clash:
        raise StaffActionError(
            "REQ-BL-SEPARATION-OF-DUTIES",
            f"{staff} {_DONE[clash[0]]} shipment {settlement_id}: {_TO_DO[duty]} is for "
            f"another staff member (separation of duties, rulebook {ctx.rulebook.id})",
        )
    ctx.store.db.execute(
        "INSERT OR IGNORE INTO staff_duties VALUES (?,?,?)", (shipment_id, duty, staff)
    )
