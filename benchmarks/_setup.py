"""Shared set-up of the benchmarks: an application over a synthetic registry."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

from vsb.clock import FixedClock
from vsb.engine import CentralApplication
from vsb.mbes import load_mbes
from vsb.store import Store
from vsb.synthetic import sample_request, synthetic_registry

ROOT = Path(__file__).resolve().parent.parent
MBE = "76310195930"
START = dt.date(2024, 3, 1)


def application(members: int, store: Store | None = None) -> tuple[CentralApplication, FixedClock]:
    """An application with `members` members of zorgkas 180 and the fixture MBEs."""
    clock = FixedClock(dt.date(2024, 3, 10))
    app = CentralApplication(store, clock)
    registry = synthetic_registry(members)
    app.store.load_registry(registry)
    app.store.load_mbes(load_mbes(ROOT / "fixtures" / "mbes.toml"))
    return app, clock


def insz_of(app: CentralApplication, count: int) -> list[str]:
    """The INSZ of the first `count` members."""
    rows = app.store.db.execute("SELECT insz FROM persons ORDER BY rowid LIMIT ?", (count,))
    return [row[0] for row in rows]


def request(insz: str, message_id: str) -> dict[str, Any]:
    """A correct request of type new, started on START."""
    return sample_request(MBE, insz, START, message_id)


def forfait_shipment(patients: list[tuple[str, str]]) -> dict[str, Any]:
    """A shipment to zorgkas 180 with one full-forfait invoice per (INSZ, reference)."""
    invoices = [
        {
            "invoiceNumber": f"F-{i}",
            "type": "original",
            "insz": insz,
            "vsbReference": reference,
            "lines": [
                {
                    "lineNumber": 1,
                    "code": "773172",
                    "prestationDate": START.isoformat(),
                    "amount": "2900.00",
                    "personalShare": "0.00",
                }
            ],
        }
        for i, (insz, reference) in enumerate(patients)
    ]
    return {
        "kind": "shipment",
        "messageId": f"s-{len(patients)}",
        "mbe": MBE,
        "zorgkas": 180,
        "shipmentNumber": "001/202403",
        "sendDate": "2024-03-10",
        "totals": {
            "invoices": len(invoices),
            "lines": len(invoices),
            "amount": f"{2900 * len(invoices)}.00",
        },
        "invoices": invoices,
    }
