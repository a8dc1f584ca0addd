"""Random sequences of requests, changes, clock moves and staff decisions keep the engine sound.

Invariants after every step: every message answered once and answered the same when sent
again (REQ-MSG-ANSWER, REQ-MSG-IDEMPOTENT); at most one open or pending begeleiding per
patient (REQ-RQ-ONE-OPEN); no change accepted while another message of the same begeleiding is
under review (REQ-CH-ONE-IN-PROCESSING); a refused message leaves the domain state unchanged
(REQ-MSG-REFUSED-CHANGES-NOTHING); VSB references unique (REQ-RQ-REFERENCE); every
under-review answer has its review (REQ-RV-ZORGKAS-QUEUE).
"""

from __future__ import annotations

import copy
import datetime as dt
from typing import Any

from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, precondition, rule

from tests.engine_support import (
    FIXTURES,
    MBE_A,
    MBE_B,
    MBE_C,
    admin_change,
    assert_valid,
    cancel_request,
    cancel_stop,
    persons,
    request,
    stop,
    table,
)
from vsb.catalogue import load_catalogue
from vsb.clock import FixedClock
from vsb.engine import CentralApplication
from vsb.review import StaffActionError
from vsb.store import Store

P = persons()
PATIENTS = [
    P[k]
    for k in (
        "affiliated_180_official",
        "affiliated_280_official",
        "affiliated_380_official",
        "wallonia_affiliated_680_administrative",
        "not_affiliated_vzv25",
        "not_affiliated_foreign_insured",
        "cannot_affiliate_asylum_seeker",
        "deceased_affiliated",
        "affiliation_ended",
    )
]
MBES = [MBE_A, MBE_B, MBE_C]
CATALOGUE = load_catalogue()
UNKNOWN_REFERENCE = "VSB-2024-0999999"
STOPS = [("death", "home"), ("stabilised", None), ("other-mbe", None), ("death", None)]


class EngineMachine(RuleBasedStateMachine):
    """The reference application driven by random MBE messages and staff decisions."""

    def __init__(self) -> None:
        super().__init__()
        self.clock = FixedClock(dt.date(2024, 3, 10))
        self.store = Store()
        self.app = CentralApplication.from_fixtures(FIXTURES, self.clock, self.store)
        self.sent: dict[tuple[str, str], tuple[dict[str, Any], dict[str, Any]]] = {}
        self.references: list[str] = []
        self.under_review: set[tuple[str, str]] = set()
        self.counter = 0

    def teardown(self) -> None:
        self.store.close()

    # -- helpers ------------------------------------------------------------------------------

    def _id(self) -> str:
        self.counter += 1
        return f"sm-{self.counter}"

    def _domain(self) -> tuple[list[Any], list[Any]]:
        return table(self.app, "begeleidingen"), table(self.app, "reviews")

    def _in_processing(self, reference: str) -> bool:
        row = self.store.db.execute(
            "SELECT 1 FROM reviews r JOIN begeleidingen b ON b.id = r.begeleiding_id "
            "WHERE r.decision IS NULL AND b.reference = ?",
            (reference,),
        ).fetchone()
        return row is not None

    def _open_reviews(self) -> list[Any]:
        return self.store.db.execute(
            "SELECT id, zorgkas FROM reviews WHERE decision IS NULL ORDER BY id"
        ).fetchall()

    def _send(self, message: dict[str, Any]) -> dict[str, Any]:
        before = self._domain()
        reference = message.get("vsbReference")
        busy = reference is not None and self._in_processing(reference)
        answer = self.app.handle(message)
        assert_valid("answer", answer)
        assert answer["inReplyTo"] == message["messageId"]
        outcome = answer["outcome"]
        if outcome == "refused":
            assert answer["errors"]
            assert all(e["requirement"] in CATALOGUE for e in answer["errors"]), answer
            assert self._domain() == before, f"refused {message} changed the state"
        if busy:
            assert outcome == "refused", f"{message} processed while under review: {answer}"
        if outcome == "under-review":
            zorgkas = answer["review"]["zorgkas"]
            queued = [i.message_id for i in self.app.review_queue(zorgkas)]
            assert message["messageId"] in queued, answer
            self.under_review.add((message["mbe"], message["messageId"]))
        if outcome == "accepted" and message["kind"] == "request":
            assert answer["vsbReference"] not in self.references
            self.references.append(answer["vsbReference"])
        self.sent[(message["mbe"], message["messageId"])] = (copy.deepcopy(message), answer)
        return answer

    # -- rules --------------------------------------------------------------------------------

    @rule(
        patient=st.sampled_from(PATIENTS),
        mbe=st.sampled_from(MBES),
        kind=st.sampled_from(["new", "restart"]),
        offset=st.integers(-2, 35),
    )
    def send_request(self, patient: str, mbe: str, kind: str, offset: int) -> None:
        start = self.clock.now().date() - dt.timedelta(days=offset)
        self._send(request(mbe, patient, start, kind, message_id=self._id()))

    @rule(
        kind=st.sampled_from(["cancel-request", "admin-change", "stop", "cancel-stop"]),
        pick=st.integers(0, 1000),
        mbe=st.sampled_from([None, *MBES]),
        offset=st.integers(0, 12),
        how=st.sampled_from(STOPS),
    )
    def send_change(
        self, kind: str, pick: int, mbe: str | None, offset: int, how: tuple[str, str | None]
    ) -> None:
        references = [*self.references, UNKNOWN_REFERENCE]
        reference = references[pick % len(references)]
        if mbe is None:  # the MBE that owns the reference, when there is one
            owner = self.store.begeleiding_by_reference(reference)
            mbe = owner.mbe if owner else MBE_A
        message_id = self._id()
        if kind == "cancel-request":
            message = cancel_request(mbe, reference, message_id)
        elif kind == "admin-change":
            message = admin_change(mbe, reference, message_id, contact_name=f"C {message_id}")
        elif kind == "cancel-stop":
            message = cancel_stop(mbe, reference, message_id)
        else:
            day = self.clock.now().date() - dt.timedelta(days=offset)
            message = stop(mbe, reference, day, how[0], how[1], message_id)
        self._send(message)

    @rule(days=st.integers(1, 9))
    def advance_clock(self, days: int) -> None:
        self.clock.advance(days=days)

    @precondition(lambda self: self.sent)
    @rule(pick=st.integers(0, 1000))
    def resend_same_message(self, pick: int) -> None:
        keys = sorted(self.sent)
        message, answer = self.sent[keys[pick % len(keys)]]
        before = self._domain()
        assert self.app.handle(copy.deepcopy(message)) == answer
        assert self._domain() == before

    @precondition(lambda self: self.sent)
    @rule(pick=st.integers(0, 1000))
    def reuse_message_id_for_other_content(self, pick: int) -> None:
        keys = sorted(self.sent)
        message, _ = self.sent[keys[pick % len(keys)]]
        other = admin_change(
            message["mbe"], UNKNOWN_REFERENCE, message["messageId"], contact_name="Someone else"
        )
        if other == message:
            return
        before = self._domain()
        answer = self.app.handle(other)
        assert_valid("answer", answer)
        assert [e["requirement"] for e in answer["errors"]] == ["REQ-MSG-IDEMPOTENT"]
        assert self._domain() == before

    @precondition(lambda self: self._open_reviews())
    @rule(pick=st.integers(0, 1000), outcome=st.sampled_from(["accepted", "refused"]))
    def staff_decides(self, pick: int, outcome: str) -> None:
        reviews = self._open_reviews()
        review_id, zorgkas = reviews[pick % len(reviews)]
        wrong = 180 if zorgkas != 180 else 280
        before = self._domain()
        try:
            self.app.decide(review_id, wrong, "Intruder", "accepted")
        except StaffActionError as exc:
            assert exc.requirement == "REQ-RV-ZORGKAS-QUEUE"
        else:
            raise AssertionError("staff of another zorgkas decided")
        assert self._domain() == before
        decision = self.app.decide(
            review_id,
            zorgkas,
            "Staff",
            outcome,  # type: ignore[arg-type]
            "not enough information",
        )
        assert_valid("final-decision", decision)
        if decision["outcome"] == "accepted" and "vsbReference" in decision:
            reference = decision["vsbReference"]
            if reference not in self.references:
                self.references.append(reference)
        try:
            self.app.decide(review_id, zorgkas, "Staff", "accepted")
        except StaffActionError as exc:
            assert exc.requirement == "REQ-RV-FINAL-DECISION"
        else:
            raise AssertionError("a review was decided twice")

    # -- invariants ---------------------------------------------------------------------------

    @invariant()
    def every_message_is_answered_once(self) -> None:
        rows = self.store.db.execute("SELECT mbe, message_id FROM messages").fetchall()
        assert sorted(tuple(r) for r in rows) == sorted(self.sent)

    @invariant()
    def at_most_one_open_or_pending_begeleiding_per_patient(self) -> None:
        rows = self.store.db.execute(
            "SELECT insz, COUNT(*) FROM begeleidingen WHERE status IN ('open', 'pending') "
            "GROUP BY insz HAVING COUNT(*) > 1"
        ).fetchall()
        assert rows == []

    @invariant()
    def references_are_unique(self) -> None:
        rows = self.store.db.execute(
            "SELECT reference FROM begeleidingen WHERE reference IS NOT NULL"
        ).fetchall()
        references = [r[0] for r in rows]
        assert len(references) == len(set(references))
        assert len(self.references) == len(set(self.references))

    @invariant()
    def every_under_review_answer_has_its_review(self) -> None:
        rows = self.store.db.execute("SELECT mbe, message_id, decision FROM reviews").fetchall()
        reviewed = {(r["mbe"], r["message_id"]) for r in rows}
        assert self.under_review <= reviewed
        open_ids = {(r["mbe"], r["message_id"]) for r in rows if r["decision"] is None}
        pending = self.store.db.execute(
            "SELECT mbe, pending_message FROM begeleidingen WHERE pending_message IS NOT NULL"
        ).fetchall()
        assert {(r[0], r[1]) for r in pending} == open_ids


EngineMachine.TestCase.settings = settings(
    max_examples=60,
    stateful_step_count=30,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
)
TestEngineStateMachine = EngineMachine.TestCase
