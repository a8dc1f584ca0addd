"""The reference central application: one entry point per message, staff action and query."""

from __future__ import annotations

import datetime as dt
import gc
import hashlib
import threading
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

from vsb import jsontext
from vsb.answers import Error, Verdict, answer_document, reply_id
from vsb.billing import ledger
from vsb.billing import staff as billing
from vsb.billing.checks import BillingError
from vsb.billing.shipments import (
    CheckedShipment,
    check_shipment,
    process_shipment,
    refused_settlement,
    store_checked,
)
from vsb.changes import CancelGuard, process_change
from vsb.clock import Clock, SystemClock
from vsb.context import Context, parse_date
from vsb.identifiers import InvalidIdentifier, validate_hco
from vsb.insurance import insurance_status, query_errors
from vsb.mbes import load_mbes
from vsb.membership import load_registry
from vsb.requests import process_request
from vsb.review import ReviewItem, decide, final_decisions, open_review, review_queue
from vsb.rulebook import Rulebook, RulebookOverlay, rulebook_for
from vsb.schemas import load_schemas
from vsb.store import Store

CHANGE_KINDS = ("cancel-request", "admin-change", "stop", "cancel-stop")


@dataclass(frozen=True)
class PreparedShipment:
    """A shipment checked outside the engine's lock (`prepare_shipment`), ready for `handle`."""

    message: dict[str, Any]
    body: str
    digest: str
    checked: CheckedShipment
    body_key: str | None = None
    """Where the store already holds `body` in pieces (`Store.put_piece`), if it does: the
    message log then refers to it instead of writing it again under the lock."""


class CentralApplication:
    """The reference central zorgkassen application, in-process.

    Every inbound message gets exactly one answer (REQ-MSG-ANSWER); a message sent again with
    the same id gets the same answer (REQ-MSG-IDEMPOTENT); a refused message changes nothing
    (REQ-MSG-REFUSED-CHANGES-NOTHING).
    """

    def __init__(
        self,
        store: Store | None = None,
        clock: Clock | None = None,
        cancel_guards: Sequence[CancelGuard] = (),
        rulebook_overlay: RulebookOverlay | None = None,
    ) -> None:
        """`rulebook_overlay` extends every rulebook version with tariffs of MBEs it does not
        know (`vsb.rulebook.RulebookOverlay`); without one the packaged rulebooks apply."""
        self.store = store or Store()
        self.clock = clock or SystemClock()
        self.cancel_guards = [billing.cancel_guard, *cancel_guards]
        self.schemas = load_schemas()
        self._rulebook: tuple[dt.date, Rulebook] | None = None  # the day's, looked up once
        self.rulebook_overlay = rulebook_overlay
        self._extended: dict[str, Rulebook] = {}  # base id -> with the overlay: made once
        self._now: tuple[dt.datetime, str] | None = None
        self.shared = False
        """Whether other threads must run while a message is checked (the service sets it):
        then a large document is checked by code that lets them (see `vsb.schemas.LARGE`)."""
        ledger.install(self.store)

    @classmethod
    def from_fixtures(
        cls,
        fixtures: Path,
        clock: Clock,
        store: Store | None = None,
        rulebook_overlay: RulebookOverlay | None = None,
    ) -> CentralApplication:
        """An application whose registry and MBEs come from a fixtures folder."""
        app = cls(store, clock, rulebook_overlay=rulebook_overlay)
        app.store.load_registry(load_registry(fixtures / "registry"))
        app.store.load_mbes(load_mbes(fixtures / "mbes.toml"))
        return app

    # -- inbound messages -------------------------------------------------------------------

    def _now_text(self) -> str:
        """The clock's moment as ISO text, made once per moment (a message needs it twice):
        the same object, since equal moments may differ in their offset."""
        now = self.clock.now()
        if self._now is None or self._now[0] is not now:
            self._now = (now, now.isoformat())
        return self._now[1]

    def rulebook(self) -> Rulebook:
        """The rulebook in force today."""
        today = self.clock.now().date()
        if self._rulebook is None or self._rulebook[0] != today:
            self._rulebook = (today, self._with_overlay(rulebook_for(today)))
        return self._rulebook[1]

    def _with_overlay(self, book: Rulebook) -> Rulebook:
        """`book`, extended by the overlay if there is one (the same object every day)."""
        if self.rulebook_overlay is None:
            return book
        if book.id not in self._extended:
            self._extended[book.id] = self.rulebook_overlay.extend(book)
        return self._extended[book.id]

    def handle(
        self,
        message: object,
        sender: str | None = None,
        prepared: PreparedShipment | None = None,
    ) -> dict[str, Any]:
        """Process one message from MBE software and return its answer.

        `sender` is the HCO number the transport authenticated (certificate); in-process
        callers may leave it out, and the message's own `mbe` is then taken as the sender.
        `prepared` is this shipment checked by `prepare_shipment` against the current state
        (the caller answers for that): only storing it is left.
        """
        mbe, message_id = _identity(message)
        if sender is not None and mbe is not None and sender != mbe:
            # Neither recorded nor looked up: a forger may not use up, nor read, another
            # MBE's message ids.
            return self._document(
                Verdict.refused(_certificate_error(mbe, sender)), reply_id(message_id)
            )
        if prepared is not None and prepared.message is not message:
            prepared = None
        if isinstance(message, dict) and message.get("kind") == "shipment":
            with collector_paused():  # a shipment is up to millions of objects, none in a cycle
                return self._handle(message, mbe, message_id, sender, prepared)
        return self._handle(message, mbe, message_id, sender, prepared)

    def _handle(
        self,
        message: object,
        mbe: str | None,
        message_id: str | None,
        sender: str | None,
        prepared: PreparedShipment | None,
    ) -> dict[str, Any]:
        try:
            body = prepared.body if prepared else _body(message)
        except (TypeError, ValueError):
            error = Error("REQ-MSG-SCHEMA", "", "the message is not a JSON object with text keys")
            return self._document(Verdict.refused(error), reply_id(message_id))
        digest = prepared.digest if prepared else _digest(body)
        if mbe is not None and message_id is not None:
            recorded = self.store.recorded_message(mbe, message_id)
            if recorded is not None:
                return self._repeat(recorded, message, message_id, digest)
        with self.store.transaction():
            answer = self._answer(message, sender, prepared)
            if mbe is not None and message_id is not None:
                kind = message.get("kind") if isinstance(message, dict) else None
                if prepared is not None and prepared.body_key is not None:
                    body = jsontext.TEXT_REF + prepared.body_key
                self.store.record_message(
                    mbe, message_id, kind, digest, self._now_text(), body, answer
                )
        return answer

    def handle_batch(
        self, messages: Sequence[object], sender: str | None = None
    ) -> list[dict[str, Any]]:
        """`handle` each message in turn, in one transaction: one commit (one fsync on a
        durable file) for the batch, and no answer returned before it is durable. Each
        message sees the ones before it. Should one break the engine, the batch is rolled
        back and the messages are handled alone, so that only that one raises."""
        try:
            with self.store.transaction():
                return [self.handle(message, sender) for message in messages]
        except Exception:
            return [self.handle(message, sender) for message in messages]

    def _repeat(
        self, recorded: Any, message: object, message_id: str, digest: str
    ) -> dict[str, Any]:
        if recorded["digest"] == digest or recorded["digest"] == _legacy_digest(message):
            answer: dict[str, Any] = self.store.document(recorded["answer"])
            return answer
        verdict = Verdict.refused(
            Error(
                "REQ-MSG-IDEMPOTENT",
                "/messageId",
                f"message id {message_id} was used before for another message; give every new "
                "message a new id",
            )
        )
        return self._document(verdict, message_id)

    def _answer(
        self, message: object, sender: str | None, prepared: PreparedShipment | None = None
    ) -> dict[str, Any]:
        if isinstance(message, dict) and message.get("kind") == "shipment":
            return self._shipment(message, sender, prepared)
        name, violations = self.schemas.validate_message(message)
        message_id = reply_id(_identity(message)[1])
        if violations:
            errors = (Error("REQ-MSG-SCHEMA", v.pointer, v.message) for v in violations)
            return self._document(Verdict.refused(*errors), message_id)
        assert isinstance(message, dict) and name is not None
        ctx = Context(self.store, self.rulebook(), self.clock.now().date(), message["mbe"])
        sender_error = self._sender_error(ctx, sender)
        if sender_error is not None:
            return self._document(Verdict.refused(sender_error), message_id)
        if message["kind"] == "insurance-status-query":
            return self._status_answer(message, message_id)
        verdict = self._verdict(ctx, message)
        if verdict.review is not None:
            open_review(ctx, verdict.review, message, self._now_text())
        return self._document(verdict, message_id)

    def _status_answer(self, query: dict[str, Any], message_id: str) -> dict[str, Any]:
        errors = query_errors(query)
        if errors:  # refused as every other message is: an answer naming the field
            return self._document(Verdict.refused(*errors), message_id)
        status = insurance_status(self.store, query["insz"], parse_date(query["date"]))
        return status.answer(message_id)

    def _shipment(
        self, message: dict[str, Any], sender: str | None, prepared: PreparedShipment | None
    ) -> dict[str, Any]:
        settlement_id = f"S-{self.store.next_value('settlement'):09d}"
        issued_at = self._now_text()
        if prepared is not None and prepared.checked.today == self.clock.now().date():
            ctx = Context(self.store, self.rulebook(), prepared.checked.today, message["mbe"])
            return store_checked(ctx, message, prepared.checked, settlement_id, issued_at)
        violations = self.schemas.validate("shipment", message, alone=not self.shared)
        if violations:
            errors = [BillingError("B", "REQ-BL-SCHEMA", v.pointer, v.message) for v in violations]
            return refused_settlement(self.rulebook(), message, settlement_id, issued_at, errors)
        ctx = Context(self.store, self.rulebook(), self.clock.now().date(), message["mbe"])
        sender_error = self._sender_error(ctx, sender)
        if sender_error is not None:
            error = BillingError(
                "B", sender_error.requirement, sender_error.pointer, sender_error.message
            )
            return refused_settlement(self.rulebook(), message, settlement_id, issued_at, [error])
        return process_shipment(ctx, message, settlement_id, issued_at)

    def prepare_shipment(
        self, message: dict[str, Any], sender: str, store: Store
    ) -> PreparedShipment | None:
        """Check a shipment against `store` (a read-only snapshot of this application's
        state) without writing: the long part of `handle`, done where no lock is held. None
        when `handle` answers quickly anyway: a repeat, or a schema or sender refusal."""
        mbe, message_id = _identity(message)
        if mbe != sender or message_id is None or not self.schemas.is_valid("shipment", message):
            return None
        if store.recorded_message(mbe, message_id) is not None:
            return None
        ctx = Context(store, self.rulebook(), self.clock.now().date(), mbe)
        if self._sender_error(ctx, sender) is not None:
            return None
        body = _body(message)
        return PreparedShipment(message, body, _digest(body), check_shipment(ctx, message))

    def _verdict(self, ctx: Context, message: dict[str, Any]) -> Verdict:
        if message["kind"] == "request":
            return process_request(ctx, message)
        return process_change(ctx, message, self.cancel_guards)

    def _sender_error(self, ctx: Context, sender: str | None) -> Error | None:
        try:
            validate_hco(ctx.mbe, tuple(ctx.rulebook.value("hco_first_digits")))
        except InvalidIdentifier as exc:
            return Error("REQ-ID-HCO", "/mbe", str(exc))
        if sender is not None and sender != ctx.mbe:
            return Error(
                "REQ-MBE-CERTIFICATE",
                "/mbe",
                f"the message names MBE {ctx.mbe} but was sent with the certificate of {sender}",
            )
        row = ctx.store.mbe(ctx.mbe)
        if row is None:
            return Error("REQ-MBE-KNOWN", "/mbe", f"{ctx.mbe} is not a recognised MBE")
        if not row["cot"]:
            return Error(
                "REQ-MBE-COT",
                "/mbe",
                f"MBE {ctx.mbe} has no Circle-of-Trust declaration and may not "
                "exchange data; file the declaration through the e-loket",
            )
        return None

    def _document(self, verdict: Verdict, message_id: str) -> dict[str, Any]:
        answer_id = f"A-{self.store.next_value('answer'):09d}"
        return answer_document(verdict, answer_id, message_id, self._now_text())

    # -- zorgkas staff ----------------------------------------------------------------------

    def _staff_context(self) -> Context:
        return Context(self.store, self.rulebook(), self.clock.now().date(), "")

    def review_queue(self, zorgkas: int) -> list[ReviewItem]:
        """The messages waiting for a decision of this zorgkas's staff."""
        return review_queue(self._staff_context(), zorgkas)

    def decide(
        self,
        review_id: int,
        zorgkas: int,
        staff: str,
        outcome: Literal["accepted", "refused"],
        reason: str = "",
    ) -> dict[str, Any]:
        """A staff member's decision; returns the final decision sent to the MBE."""
        with self.store.transaction():
            return decide(
                self._staff_context(),
                review_id,
                zorgkas,
                staff,
                outcome,
                reason,
                self._now_text(),
                self.cancel_guards,
            )

    def feed(self, mbe: str, after: int = 0) -> list[tuple[int, dict[str, Any]]]:
        """What reached this MBE later (final decisions, signed settlements, payments), after
        a cursor."""
        ctx = self._staff_context()
        items = (
            final_decisions(ctx, mbe, after)
            + billing.signed_settlements(ctx, mbe, after)
            + billing.payments(ctx, mbe, after)
        )
        return sorted(items, key=lambda item: item[0])

    # -- zorgkas staff: billing -------------------------------------------------------------

    def billing_queue(self, zorgkas: int) -> list[billing.LineReviewItem]:
        """The prestation lines waiting for a decision of this zorgkas's staff."""
        return billing.billing_queue(self._staff_context(), zorgkas)

    def decide_line(
        self,
        review_id: int,
        zorgkas: int,
        staff_id: str,
        outcome: Literal["accepted", "refused"],
        reason: str = "",
    ) -> dict[str, Any]:
        """A staff decision on a line under review; returns the updated settlement."""
        with self.store.transaction():
            return billing.decide_line(
                self._staff_context(), review_id, zorgkas, staff_id, outcome, reason
            )

    def unsigned_shipments(self, zorgkas: int) -> list[str]:
        """Settlement ids ready for a signature."""
        return billing.unsigned_shipments(self._staff_context(), zorgkas)

    def sign(
        self, settlement_id: str, zorgkas: int, staff_id: str
    ) -> tuple[dict[str, Any], dict[str, Any]]:
        """Sign a shipment; returns the signed settlement and the payment order."""
        with self.store.transaction():
            order_id = f"P-{self.store.next_value('payment-order'):09d}"
            return billing.sign(
                self._staff_context(),
                settlement_id,
                zorgkas,
                staff_id,
                order_id,
                self._now_text(),
            )

    def payment_orders(self, zorgkas: int, unpaid_only: bool = False) -> list[dict[str, Any]]:
        """The payment orders of a zorgkas."""
        return billing.payment_orders(self._staff_context(), zorgkas, unpaid_only)

    def record_payment(
        self, order_id: str, zorgkas: int, paid_on: dt.date, staff_id: str
    ) -> dict[str, Any]:
        """Record that a zorgkas paid a payment order; `staff_id` is who records it (the
        rulebook may keep that apart from signing, REQ-BL-SEPARATION-OF-DUTIES)."""
        with self.store.transaction():
            return billing.record_payment(
                self._staff_context(), order_id, zorgkas, paid_on, staff_id
            )

    def status(self, insz: str, day: dt.date, in_reply_to: str = "lookup") -> dict[str, Any]:
        """The insurance status of a person, as an insurance-status answer."""
        return insurance_status(self.store, insz, day).answer(in_reply_to)


_collector_lock = threading.Lock()
_paused = 0
_was_enabled = True


@contextmanager
def collector_paused() -> Iterator[None]:
    """Python's cycle collector off until the last of the overlapping uses ends (any thread).

    A shipment of 10,000 invoices makes a million objects (its message, its checks, its
    settlement), none of them in a reference cycle, so reference counting frees them all the
    same; the collector's full runs over them took about a sixth of the shipment's time."""
    global _paused, _was_enabled
    with _collector_lock:
        if _paused == 0:
            _was_enabled = gc.isenabled()
            gc.disable()
        _paused += 1
    try:
        yield
    finally:
        with _collector_lock:
            _paused -= 1
            if _paused == 0 and _was_enabled:
                gc.enable()


def _body(message: object) -> str:
    """The text of a message as the log keeps it (sorted keys; its digest tells a repeat):
    orjson's, for a shipment made a few invoices at a time (`_shipment_body`), and
    `jsontext.dumps`'s in pieces for what orjson does not encode (non-text keys, huge
    integers: refused later, or here)."""
    if isinstance(message, dict):
        try:
            if message.get("kind") == "shipment":
                return _shipment_body(message)
            return jsontext.compact(message, sort_keys=True)
        except TypeError:
            pass
    return jsontext.dumps(message, sort_keys=True, default=str)


def _shipment_body(message: dict[str, Any]) -> str:
    """`jsontext.compact(message, sort_keys=True)`, the same text, with each long array made
    `jsontext.PIECE` items at a time: one orjson call over a shipment of tens of megabytes
    would hold the interpreter for tens of milliseconds (the service makes it in a worker
    thread while others run).

    Raises:
        TypeError: what orjson does not encode, as `jsontext.compact`.
    """
    if not all(isinstance(key, str) for key in message):
        raise TypeError("a key that is not text")
    pieces: list[str] = []
    for index, key in enumerate(sorted(message)):
        pieces.append(f"{',' if index else '{'}{jsontext.compact(key)}:")
        value = message[key]
        if isinstance(value, list) and len(value) > jsontext.PIECE:
            pieces += (
                ("," if start else "[")
                + jsontext.compact(value[start : start + jsontext.PIECE], sort_keys=True)[1:-1]
                for start in range(0, len(value), jsontext.PIECE)
            )
            pieces.append("]")
        else:
            pieces.append(jsontext.compact(value, sort_keys=True))
    pieces.append("}" if message else "{}")
    return "".join(pieces)  # one copy of the whole, as `jsontext.dumps` makes


def _digest(body: str) -> str:
    """The SHA-256 of a message's text (UTF-8), a megabyte at a time: encoding a shipment of
    tens of megabytes at once holds the interpreter for tens of milliseconds."""
    if len(body) <= _DIGEST_PIECE:
        return hashlib.sha256(body.encode()).hexdigest()
    digest = hashlib.sha256()
    for start in range(0, len(body), _DIGEST_PIECE):
        digest.update(body[start : start + _DIGEST_PIECE].encode())
    return digest.hexdigest()


_DIGEST_PIECE = 1_000_000


def _legacy_digest(message: object) -> str | None:
    """The digest of a message as logs written before orjson kept it (`json.dumps`'s text,
    made by `jsontext.dumps` in pieces: shipments were logged so until issue 13), so that a
    repeat of a message logged then is still a repeat."""
    if not isinstance(message, dict):
        return None
    try:
        text = jsontext.dumps(message, sort_keys=True, default=str)
    except (TypeError, ValueError):
        return None
    return _digest(text)


def _certificate_error(mbe: str, sender: str) -> Error:
    return Error(
        "REQ-MBE-CERTIFICATE",
        "/mbe",
        f"the message names MBE {mbe} but was sent with the certificate of {sender}",
    )


def _identity(message: object) -> tuple[str | None, str | None]:
    if not isinstance(message, dict):
        return None, None
    mbe, message_id = message.get("mbe"), message.get("messageId")
    return (
        mbe if isinstance(mbe, str) else None,
        message_id if isinstance(message_id, str) else None,
    )
