"""A shipment checked on a read-only snapshot (outside the service's lock) and then stored is
answered and stored exactly as one processed in one go (issue 10, defect 7)."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

from tests.billing_support import FIXTURES, MBE, START, Billing, request
from vsb.clock import FixedClock
from vsb.engine import CentralApplication
from vsb.mbes import load_mbes
from vsb.store import Store
from vsb.synthetic import synthetic_registry

PATIENTS = 600  # more invoices than one piece of encoded text (vsb.jsontext.PIECE)


def _billing(path: Path) -> Billing:
    clock = FixedClock(START + dt.timedelta(days=3))
    app = CentralApplication(Store(path), clock)
    snapshot = synthetic_registry(PATIENTS)
    app.store.load_registry(snapshot)
    app.store.load_mbes(load_mbes(FIXTURES / "mbes.toml"))
    with app.store.transaction():
        answers = [
            app.handle(request(p.insz, START, f"r-{i}")) for i, p in enumerate(snapshot.persons)
        ]
    clock.set(dt.date(2024, 3, 10))
    return Billing(
        app,
        clock,
        [(p.insz, a["vsbReference"]) for p, a in zip(snapshot.persons, answers, strict=True)],
    )


def _shipment(billing: Billing) -> dict[str, Any]:
    invoices = billing.clean(range(PATIENTS - 1))
    invoices.append(billing.invoice(PATIENTS - 1, amount="1.00"))  # one line rejected
    return billing.shipment(invoices)


def _stored(app: CentralApplication) -> list[Any]:
    db = app.store.db
    return [
        [tuple(row) for row in db.execute(f"SELECT * FROM {table} ORDER BY 1")]
        for table in ("shipments", "invoices", "lines", "messages")
    ]


def test_a_shipment_checked_on_a_snapshot_is_answered_and_stored_as_in_one_go(
    tmp_path: Path,
) -> None:
    plain, split = _billing(tmp_path / "plain.sqlite"), _billing(tmp_path / "split.sqlite")
    at_once = plain.app.handle(_shipment(plain), MBE)
    message = _shipment(split)
    reader = Store.reader(tmp_path / "split.sqlite")
    prepared = split.app.prepare_shipment(message, MBE, reader)
    reader.close()
    assert prepared is not None
    assert split.app.store.db.execute("SELECT count(*) FROM shipments").fetchone()[0] == 0
    stored = split.app.handle(message, MBE, prepared)
    assert json.dumps(stored) == json.dumps(at_once)
    assert at_once["status"] == "processing"
    assert _stored(split.app) == _stored(plain.app)
    assert split.app.handle(message, MBE) == stored  # a repeat gets the recorded answer


def test_a_quick_answer_is_left_to_the_engine_under_its_lock(tmp_path: Path) -> None:
    billing = _billing(tmp_path / "a.sqlite")
    message = _shipment(billing)
    reader = Store.reader(tmp_path / "a.sqlite")
    assert billing.app.prepare_shipment({**message, "zorgkas": 1}, MBE, reader) is None
    assert billing.app.prepare_shipment(message, "76310294930", reader) is None
    billing.app.handle(message, MBE)
    reader.close()
    reader = Store.reader(tmp_path / "a.sqlite")
    assert billing.app.prepare_shipment(message, MBE, reader) is None  # a repeat
    reader.close()


def test_a_snapshot_reader_cannot_write(tmp_path: Path) -> None:
    Store(tmp_path / "a.sqlite").close()
    reader = Store.reader(tmp_path / "a.sqlite")
    try:
        reader.db.execute("INSERT INTO counters VALUES ('x', 1)")
    except Exception as exc:
        assert "readonly" in str(exc)
    else:
        raise AssertionError("the reader wrote")
    finally:
        reader.close()
