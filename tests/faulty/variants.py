"""Deliberately faulty variants of the reference application, each breaking one rule.

The conformance suite must fail every one of them, naming the broken requirement
(`tests/integration/test_faulty_variants.py`). Each variant is a factory as `vsb certify
central --app tests.faulty.variants:NAME` takes it: it gets the clock and returns an
application. Variants that patch a module of the engine do so for the whole process; the test
runs each variant in a process of its own.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Callable
from types import MappingProxyType
from typing import Any

import vsb.billing.checks
import vsb.billing.shipments
import vsb.billing.staff
import vsb.changes
import vsb.engine
from vsb.answers import Error
from vsb.clock import FixedClock
from vsb.context import Context
from vsb.engine import CentralApplication
from vsb.rulebook import Rulebook

Factory = Callable[[FixedClock], CentralApplication]

BROKEN: dict[str, str] = {}
"""Variant name -> the requirement it breaks (and the suite must name)."""


def breaks(requirement: str) -> Callable[[Factory], Factory]:
    """Register a variant and the requirement it breaks."""

    def register(factory: Factory) -> Factory:
        BROKEN[factory.__name__] = requirement
        return factory

    return register


def _rulebook_with(name: str, value: Any) -> type[CentralApplication]:
    """An application whose rulebook has another value for one parameter."""

    class Misconfigured(CentralApplication):
        def rulebook(self) -> Rulebook:
            book = super().rulebook()
            parameters = dict(book.parameters)
            parameters[name] = dataclasses.replace(parameters[name], value=value)
            return dataclasses.replace(book, parameters=MappingProxyType(parameters))

    return Misconfigured


# -- misread policy values -------------------------------------------------------------------


@breaks("REQ-RQ-DEADLINE")
def deadline_31_days(clock: FixedClock) -> CentralApplication:
    """Requests: accepts a request on day 31 after the start."""
    return _rulebook_with("request_deadline_days", 31)(clock=clock)


@breaks("REQ-CH-LATE-WINDOW")
def late_window_6_days(clock: FixedClock) -> CentralApplication:
    """Late changes: processes a change on day 6 after closing automatically."""
    return _rulebook_with("late_change_window_days", 6)(clock=clock)


@breaks("REQ-TR-BEFORE")
def transition_a_day_early(clock: FixedClock) -> CentralApplication:
    """Transition: takes requests for begeleidingen started on 2023-12-31."""
    return _rulebook_with("transition_date", dt.date(2023, 12, 31))(clock=clock)


@breaks("REQ-BL-THRESHOLD")
def threshold_above_5_percent(clock: FixedClock) -> CentralApplication:
    """The 5 % threshold: refuses a shipment only above 6 %."""
    return _rulebook_with("shipment_refusal_threshold", 0.06)(clock=clock)


@breaks("REQ-BL-PAYMENT-TERM")
def payment_term_41_days(clock: FixedClock) -> CentralApplication:
    """Signing and payment: payment orders due after 41 days instead of 42."""
    return _rulebook_with("payment_term_days", 41)(clock=clock)


@breaks("REQ-BL-SEPARATION-OF-DUTIES")
def one_hand_signs_and_pays(clock: FixedClock) -> CentralApplication:
    """Separation of duties: whoever signed a shipment may also record its payment."""
    return _rulebook_with("separation_of_duties", [])(clock=clock)


# -- wrong behaviour -------------------------------------------------------------------------


class _AdministrativeStatus(CentralApplication):
    def handle(self, message: object, sender: str | None = None) -> dict[str, Any]:
        answer = super().handle(message, sender)
        if answer.get("status") == "affiliated":
            answer = {**answer, "affiliationType": "administrative"}
        return answer


@breaks("REQ-INS-QUERY")
def status_always_administrative(clock: FixedClock) -> CentralApplication:
    """Insurance status: every affiliation is answered as administrative."""
    return _AdministrativeStatus(clock=clock)


@breaks("REQ-CH-ONE-IN-PROCESSING")
def no_chronology(clock: FixedClock) -> CentralApplication:
    """Chronology: processes a change while an earlier message is under review."""
    original = vsb.changes.find_begeleiding

    def find(ctx: Context, reference: str) -> Any:
        found = original(ctx, reference)
        if isinstance(found, Error) and found.requirement == "REQ-CH-ONE-IN-PROCESSING":
            return ctx.store.begeleiding_by_reference(reference)
        return found

    vsb.changes.find_begeleiding = find
    return CentralApplication(clock=clock)


class _NoCot(CentralApplication):
    def _sender_error(self, ctx: Context, sender: str | None) -> Error | None:
        error = super()._sender_error(ctx, sender)
        return None if error is not None and error.requirement == "REQ-MBE-COT" else error


@breaks("REQ-MBE-COT")
def no_cot_check(clock: FixedClock) -> CentralApplication:
    """Identity and access: an MBE without a Circle-of-Trust declaration is served."""
    return _NoCot(clock=clock)


@breaks("REQ-CH-CANCEL")
def cancel_keeps_begeleiding(clock: FixedClock) -> CentralApplication:
    """Changes: accepts a cancellation but keeps the begeleiding alive."""
    check, _ = vsb.changes.CHANGES["cancel-request"]
    vsb.changes.CHANGES["cancel-request"] = (check, lambda ctx, begeleiding, message: None)
    return CentralApplication(clock=clock)


@breaks("REQ-ST-DEATH-PLACE")
def death_place_optional(clock: FixedClock) -> CentralApplication:
    """Stops: accepts a stop because of death without a place of death."""
    vsb.changes._death_place_errors = lambda stop: []
    return CentralApplication(clock=clock)


@breaks("REQ-BL-NO-PERSONAL-SHARE")
def personal_share_accepted(clock: FixedClock) -> CentralApplication:
    """Shipments (R errors): accepts a line with a personal share."""
    original = vsb.billing.checks._line_errors

    def line_errors(*args: Any) -> list[Any]:
        return [e for e in original(*args) if e.requirement != "REQ-BL-NO-PERSONAL-SHARE"]

    vsb.billing.checks._line_errors = line_errors
    return CentralApplication(clock=clock)


@breaks("REQ-BL-CREDIT-CHRONOLOGY")
def corrective_with_credit_note(clock: FixedClock) -> CentralApplication:
    """Credit notes: accepts the corrective invoice in the credit note's shipment."""
    original = vsb.billing.shipments.check_original

    def check(*args: Any) -> Any:
        result = original(*args)
        return result._replace(
            errors=[e for e in result.errors if e.requirement != "REQ-BL-CREDIT-CHRONOLOGY"]
        )

    vsb.billing.shipments.check_original = check
    return CentralApplication(clock=clock)


class _SilentReviews(CentralApplication):
    def feed(self, mbe: str, after: int = 0) -> list[tuple[int, dict[str, Any]]]:
        items = super().feed(mbe, after)
        return [(c, m) for c, m in items if m.get("kind") != "final-decision"]


@breaks("REQ-RV-FINAL-DECISION")
def decisions_never_reach_the_mbe(clock: FixedClock) -> CentralApplication:
    """Review: staff decide, but the final decision never reaches the MBE's feed."""
    return _SilentReviews(clock=clock)


class _Forgetful(CentralApplication):
    def handle(self, message: object, sender: str | None = None) -> dict[str, Any]:
        mbe, message_id = vsb.engine._identity(message)
        if mbe and message_id and self.store.recorded_message(mbe, message_id) is not None:
            with self.store.transaction():
                return self._answer(message, sender)
        return super().handle(message, sender)


@breaks("REQ-MSG-IDEMPOTENT")
def repeats_processed_again(clock: FixedClock) -> CentralApplication:
    """Messages: a message sent again is processed again instead of answered the same."""
    return _Forgetful(clock=clock)


@breaks("REQ-BL-HEADER")
def send_date_tolerance_8_days(clock: FixedClock) -> CentralApplication:
    """Shipments: takes a send date 8 days before the day received (the tolerance is 7)."""
    return _rulebook_with("send_date_tolerance_days", 8)(clock=clock)


@breaks("REQ-BL-ONE-PER-MONTH")
def month_of_the_declared_send_date(clock: FixedClock) -> CentralApplication:
    """Shipments: counts one shipment a month by the send date it declares, not the day
    received."""
    original = vsb.billing.shipments.header_errors

    def header_errors(ctx: Context, message: dict[str, Any]) -> list[Any]:
        declared = dt.date.fromisoformat(message["sendDate"])
        return original(dataclasses.replace(ctx, today=declared), message)

    vsb.billing.shipments.header_errors = header_errors
    return CentralApplication(clock=clock)


@breaks("REQ-BL-AFTER-DEATH")
def window_after_death_from_the_declared_send_date(clock: FixedClock) -> CentralApplication:
    """Shipments: counts the window after death to the send date declared, not the day
    received."""
    original = vsb.billing.shipments._state

    def state(ctx: Context, message: dict[str, Any]) -> Any:
        found = original(ctx, message)
        found.received = dt.date.fromisoformat(message["sendDate"])
        return found

    vsb.billing.shipments._state = state
    return CentralApplication(clock=clock)


@breaks("REQ-BL-PAYMENT-TERM")
def payments_not_in_feed(clock: FixedClock) -> CentralApplication:
    """The feed: the MBE is never told that a payment order was paid."""
    vsb.billing.staff.payments = lambda ctx, mbe, after: []
    return CentralApplication(clock=clock)
