"""A large shipment's texts are written ahead of its transaction, and nothing is lost by it."""

from __future__ import annotations

import asyncio
import datetime as dt
from pathlib import Path
from typing import Any

import pytest

import vsb.mbe_messages as build
import vsb.serve.snapshots
from vsb.clock import FixedClock
from vsb.engine import CentralApplication
from vsb.jsontext import TEXT_REF
from vsb.serve.central import Central
from vsb.serve.config import ServeConfig
from vsb.store import Store, pack_piece
from vsb.synthetic import sample_request, synthetic_registry

FIXTURES = Path(__file__).resolve().parents[3] / "fixtures"
MBE = "76310195930"
INVOICES = 12  # more than jsontext.PIECE: the settlement's invoices carry their text


def _shipment(references: list[tuple[str, str]]) -> dict[str, Any]:
    invoices = [
        build.original_invoice(f"F-{i}", insz, ref, "773172", "2024-03-04", "2900.00")
        for i, (insz, ref) in enumerate(references)
    ]
    return build.shipment("s-1", MBE, 180, "001/202403", dt.date(2024, 3, 10), invoices)


def _served(path: Path) -> tuple[dict[str, Any], dict[str, Any]]:
    """A shipment through the service on a file store: its message and its answer."""
    central = Central(
        ServeConfig(
            db=str(path),
            fixtures=FIXTURES,
            ca=None,
            insecure_dev_tokens=True,
            test_control=True,
            start_clock=dt.datetime(2024, 3, 10, 9, 0),
        )
    )
    try:
        central.store.load_registry(synthetic_registry(INVOICES))
        rows = central.store.db.execute("SELECT insz FROM persons ORDER BY rowid").fetchall()

        async def scenario() -> tuple[dict[str, Any], dict[str, Any]]:
            references = []
            for i, (insz,) in enumerate(rows):
                answer = await central.handle(
                    sample_request(MBE, insz, "2024-03-04", f"r-{i}"), MBE
                )
                references.append((insz, answer["vsbReference"]))
            message = _shipment(references)
            return message, await central.handle(message, MBE)

        return asyncio.run(scenario())
    finally:
        central.close()


@pytest.fixture
def small_pieces(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(vsb.serve.snapshots, "TEXT_PIECE", 500)


@pytest.mark.usefixtures("small_pieces")
def test_a_large_shipment_is_logged_by_reference_to_texts_committed_ahead(tmp_path: Path) -> None:
    _, settlement = _served(tmp_path / "central.sqlite")
    assert settlement["status"] == "processing" and len(settlement["invoices"]) == INVOICES
    store = Store(tmp_path / "central.sqlite")
    body, answer = store.db.execute(
        "SELECT body, answer FROM messages WHERE message_id = 's-1'"
    ).fetchone()
    pieces = store.db.execute("SELECT count(*) FROM texts").fetchone()[0]
    store.close()
    assert body.startswith(TEXT_REF)
    assert f'"invoices": "{TEXT_REF}' in answer
    assert pieces > 2


@pytest.mark.usefixtures("small_pieces")
def test_after_a_restart_the_shipment_written_ahead_is_answered_and_signed_whole(
    tmp_path: Path,
) -> None:
    message, settlement = _served(tmp_path / "central.sqlite")
    app = CentralApplication(
        Store(tmp_path / "central.sqlite"), FixedClock(dt.datetime(2024, 3, 11, 9, 0))
    )
    assert app.handle(message) == settlement  # the repeat gets the very answer it had
    (settlement_id,) = app.unsigned_shipments(180)
    signed, _ = app.sign(settlement_id, 180, "kas180-anna")
    assert signed["invoices"] == settlement["invoices"]
    assert [document for _, document in app.feed(MBE)][-1] == signed
    app.store.close()


def test_pieces_are_kept_packed_and_read_back_whole_beside_pieces_kept_as_text(
    tmp_path: Path,
) -> None:
    store = Store(tmp_path / "central.sqlite")
    first, second = "[" + "é, " * 50_000, '"x"]'
    store.put_piece("k", 0, pack_piece(first))
    store.put_piece("k", 1, second)  # as written before pieces were packed
    stored = store.db.execute("SELECT piece FROM texts WHERE key = 'k' ORDER BY seq").fetchall()
    assert isinstance(stored[0][0], bytes) and len(stored[0][0]) < len(first) // 10
    assert store.text("k") == first + second
    store.close()
