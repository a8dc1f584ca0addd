"""`handle_batch`: many messages in one transaction, answered as `handle` answers them alone."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

from tests.engine_support import FIXTURES, MBE_A, admin_change, persons, request, status_query
from vsb.clock import FixedClock
from vsb.engine import CentralApplication
from vsb.store import Store

START = dt.date(2024, 3, 4)


def _messages() -> list[dict[str, Any]]:
    insz = persons()
    first = request(MBE_A, insz["affiliated_180_official"], START, message_id="b-1")
    return [
        status_query(MBE_A, insz["affiliated_280_official"], START, message_id="b-0"),
        first,
        request(MBE_A, insz["affiliated_280_official"], START, message_id="b-2"),
        admin_change(MBE_A, "VSB-2024-0000001", message_id="b-3"),  # the first one's reference
        first,  # a repeat within the batch
        request(MBE_A, "12345678901", START, message_id="b-4"),  # refused: check digits
    ]


def _app(path: Path) -> CentralApplication:
    clock = FixedClock(dt.datetime(2024, 3, 10, 9, 0))
    return CentralApplication.from_fixtures(FIXTURES, clock, Store(path))


def test_a_batch_gets_the_answers_its_messages_get_one_by_one(tmp_path: Path) -> None:
    one_by_one = _app(tmp_path / "alone.sqlite")
    batched = _app(tmp_path / "batch.sqlite")
    alone = [one_by_one.handle(message) for message in _messages()]
    assert batched.handle_batch(_messages()) == alone
    assert alone[3]["outcome"] == "accepted"  # the change saw the request before it
    assert alone[4] == alone[1] and alone[5]["outcome"] == "refused"


def test_a_batch_is_durable_once_answered(tmp_path: Path) -> None:
    app = _app(tmp_path / "central.sqlite")
    answers = app.handle_batch(_messages())
    app.store.close()
    reopened = _app(tmp_path / "central.sqlite")
    assert [reopened.handle(message) for message in _messages()] == answers
