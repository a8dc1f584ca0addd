"""The reference central application, in this process, behind the adapter interface.

It answers in the shapes of the HTTP service (`vsb serve`): a refused staff action is a 409
problem naming its requirement, lists come as `{items: [...]}`. `factory` makes the
application on every reset: the reference by default, or any callable with the same
signature (a candidate written in Python, or a deliberately faulty variant in the tests).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from typing import Any

from conformance.adapters.base import Decision, Reply, Transcript
from vsb.clock import FixedClock
from vsb.engine import CentralApplication
from vsb.mbes import Mbe
from vsb.membership import RegistrySnapshot
from vsb.review import StaffActionError

Factory = Callable[[FixedClock], CentralApplication]


def reference_factory(clock: FixedClock) -> CentralApplication:
    """The reference application on an empty in-memory store."""
    return CentralApplication(clock=clock)


def _problem(status: int, requirement: str, detail: str) -> Reply:
    return Reply(
        status,
        {"status": status, "title": "Refused", "detail": detail, "requirement": requirement},
    )


class InProcessCentral:
    """A `CentralUnderTest` calling a `CentralApplication` directly."""

    def __init__(self, factory: Factory = reference_factory, target: str = "in-process") -> None:
        self.target = target
        self.factory = factory
        self.transcript = Transcript()
        self.clock = FixedClock(dt.date(2024, 1, 1))
        self.app = factory(self.clock)

    def _staff(self, actor: str, action: str, sent: Any, call: Callable[[], Any]) -> Reply:
        try:
            reply = Reply(200, call())
        except StaffActionError as exc:
            reply = _problem(409, exc.requirement, str(exc))
        return self.transcript.add(actor, action, sent, reply)

    # -- setup ---------------------------------------------------------------------------------

    def reset(self) -> None:
        self.app.store.close()
        self.app = self.factory(self.clock)
        self.transcript.add("harness", "reset", None, Reply(200, {"reset": True}))

    def set_clock(self, moment: dt.datetime) -> None:
        self.clock.set(moment)
        self.transcript.add(
            "harness",
            "set clock",
            {"now": moment.isoformat()},
            Reply(200, {"now": moment.isoformat()}),
        )

    def load_registry(self, snapshot: RegistrySnapshot) -> None:
        self.app.store.load_registry(snapshot)

    def load_mbes(self, mbes: Sequence[Mbe]) -> None:
        self.app.store.load_mbes(mbes)

    # -- MBE software --------------------------------------------------------------------------

    def send(self, sender: str, message: Any) -> Reply:
        kind = message.get("kind", "message") if isinstance(message, dict) else "message"
        # Admission (known MBE, CoT, certificate) is the application's to judge, not ours.
        reply = Reply(200, self.app.handle(message, sender))
        return self.transcript.add(f"MBE {sender}", f"send {kind}", message, reply)

    def feed(self, sender: str, after: int = 0) -> Reply:
        items = [{"cursor": c, "message": m} for c, m in self.app.feed(sender, after)]
        body = {"items": items, "next": items[-1]["cursor"] if items else after, "more": False}
        return self.transcript.add(f"MBE {sender}", "read feed", {"after": after}, Reply(200, body))

    # -- zorgkas staff -------------------------------------------------------------------------

    def review_queue(self, zorgkas: int, staff: str) -> Reply:
        return self._staff(
            _who(zorgkas, staff),
            "read review queue",
            None,
            lambda: {"items": [i.as_dict() for i in self.app.review_queue(zorgkas)]},
        )

    def decide(
        self, zorgkas: int, staff: str, review_id: int, outcome: Decision, reason: str
    ) -> Reply:
        sent = {"reviewId": review_id, "outcome": outcome, "reason": reason}
        return self._staff(
            _who(zorgkas, staff),
            "decide review",
            sent,
            lambda: self.app.decide(review_id, zorgkas, staff, outcome, reason),
        )

    def billing_queue(self, zorgkas: int, staff: str) -> Reply:
        return self._staff(
            _who(zorgkas, staff),
            "read billing review queue",
            None,
            lambda: {"items": [i.as_dict() for i in self.app.billing_queue(zorgkas)]},
        )

    def decide_line(
        self, zorgkas: int, staff: str, review_id: int, outcome: Decision, reason: str
    ) -> Reply:
        sent = {"reviewId": review_id, "outcome": outcome, "reason": reason}
        return self._staff(
            _who(zorgkas, staff),
            "decide line",
            sent,
            lambda: self.app.decide_line(review_id, zorgkas, staff, outcome, reason),
        )

    def unsigned_shipments(self, zorgkas: int, staff: str) -> Reply:
        return self._staff(
            _who(zorgkas, staff),
            "read unsigned shipments",
            None,
            lambda: {"items": self.app.unsigned_shipments(zorgkas)},
        )

    def sign(self, zorgkas: int, staff: str, settlement_id: str) -> Reply:
        def call() -> dict[str, Any]:
            settlement, order = self.app.sign(settlement_id, zorgkas, staff)
            return {"settlement": settlement, "paymentOrder": order}

        return self._staff(_who(zorgkas, staff), "sign", {"settlementId": settlement_id}, call)

    def payment_orders(self, zorgkas: int, staff: str) -> Reply:
        return self._staff(
            _who(zorgkas, staff),
            "read payment orders",
            None,
            lambda: {"items": self.app.payment_orders(zorgkas)},
        )

    def record_payment(self, zorgkas: int, staff: str, order_id: str, paid_on: dt.date) -> Reply:
        sent = {"orderId": order_id, "paidOn": paid_on.isoformat()}
        return self._staff(
            _who(zorgkas, staff),
            "record payment",
            sent,
            lambda: self.app.record_payment(order_id, zorgkas, paid_on, staff),
        )

    def close(self) -> None:
        self.app.store.close()


def _who(zorgkas: int, staff: str) -> str:
    return f"staff {staff} of zorgkas {zorgkas}"
