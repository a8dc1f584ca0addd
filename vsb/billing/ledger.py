"""The billing tables: shipments, invoices, lines and payment orders, and their queries."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable
from typing import Any

from vsb.jsontext import dumps
from vsb.store import Store, chunks

SCHEMA = """
CREATE TABLE IF NOT EXISTS shipments (
    id INTEGER PRIMARY KEY, settlement_id TEXT UNIQUE NOT NULL, mbe TEXT NOT NULL,
    zorgkas INTEGER NOT NULL, message_id TEXT NOT NULL, month TEXT NOT NULL,
    status TEXT NOT NULL, settlement TEXT NOT NULL, feed_seq INTEGER UNIQUE);
CREATE INDEX IF NOT EXISTS shipments_month ON shipments (mbe, zorgkas, month, status);
CREATE TABLE IF NOT EXISTS invoices (
    id INTEGER PRIMARY KEY, shipment_id INTEGER NOT NULL, mbe TEXT NOT NULL,
    zorgkas INTEGER NOT NULL, invoice_number TEXT NOT NULL, type TEXT NOT NULL,
    UNIQUE (mbe, invoice_number));
CREATE TABLE IF NOT EXISTS lines (
    id INTEGER PRIMARY KEY, invoice_id INTEGER NOT NULL, shipment_id INTEGER NOT NULL,
    begeleiding_id INTEGER, line_number INTEGER NOT NULL, kind TEXT NOT NULL,
    amount INTEGER NOT NULL, status TEXT NOT NULL, credited_line INTEGER,
    credited INTEGER NOT NULL DEFAULT 0, invoice_index INTEGER NOT NULL,
    line_index INTEGER NOT NULL, zorgkas INTEGER NOT NULL,
    review_requirement TEXT, review_reason TEXT);
CREATE INDEX IF NOT EXISTS lines_begeleiding ON lines (begeleiding_id, kind, status);
CREATE INDEX IF NOT EXISTS lines_invoice ON lines (invoice_id, line_number);
DROP INDEX IF EXISTS lines_review;
DROP INDEX IF EXISTS lines_shipment;
DROP INDEX IF EXISTS lines_credited;
CREATE INDEX IF NOT EXISTS lines_review_queue ON lines (zorgkas) WHERE status = 'under-review';
CREATE INDEX IF NOT EXISTS lines_review_shipment ON lines (shipment_id)
    WHERE status = 'under-review';
CREATE INDEX IF NOT EXISTS shipments_feed ON shipments (mbe, feed_seq);
CREATE INDEX IF NOT EXISTS shipments_status ON shipments (zorgkas, status);
CREATE TABLE IF NOT EXISTS payment_orders (
    order_id TEXT PRIMARY KEY, shipment_id INTEGER NOT NULL, zorgkas INTEGER NOT NULL,
    mbe TEXT NOT NULL, amount INTEGER NOT NULL, signed_on TEXT NOT NULL,
    due_date TEXT NOT NULL, paid_on TEXT, document TEXT NOT NULL);
CREATE INDEX IF NOT EXISTS payment_orders_unpaid ON payment_orders (zorgkas, paid_on);
CREATE TABLE IF NOT EXISTS payments_feed (
    feed_seq INTEGER PRIMARY KEY, mbe TEXT NOT NULL, order_id TEXT UNIQUE NOT NULL);
CREATE INDEX IF NOT EXISTS payments_feed_mbe ON payments_feed (mbe, feed_seq);
CREATE TABLE IF NOT EXISTS staff_duties (
    shipment_id INTEGER NOT NULL, duty TEXT NOT NULL, staff TEXT NOT NULL,
    PRIMARY KEY (shipment_id, duty, staff));
"""

LIVE = ("accepted", "under-review")

# Every row of `lines` is written once per shipment and each index costs a B-tree insert per
# row, so `lines` keeps only the indexes a query uses (EXPLAIN QUERY PLAN, tested):
# lines_begeleiding live_forfaits; lines_invoice credited_target; the two partial indexes hold
# only the few lines under review, for staff.billing_queue and staff.unsigned_shipments. The
# three dropped above were full indexes of earlier versions (lines_credited served an update
# that storing a shipment now does by line id).


def install(store: Store) -> None:
    """Create the billing tables in a store (idempotent)."""
    store.db.executescript(SCHEMA)


def live_forfaits(store: Store, begeleiding_ids: Iterable[int]) -> set[int]:
    """Those of the begeleidingen with an original forfait line accepted or under review and
    not fully credited (REQ-BL-ONE-FORFAIT, REQ-CH-CANCEL-BILLED)."""
    found: set[int] = set()
    for chunk in chunks(sorted(set(begeleiding_ids))):
        marks = ",".join("?" * len(chunk))
        rows = store.db.execute(
            "SELECT DISTINCT begeleiding_id FROM lines WHERE kind = 'original' "
            f"AND status IN ('accepted', 'under-review') AND credited < amount "
            f"AND begeleiding_id IN ({marks})",
            chunk,
        )
        found.update(row[0] for row in rows)
    return found


def invoice_numbers_used(store: Store, mbe: str, numbers: Iterable[str]) -> set[str]:
    """Those of the invoice numbers this MBE used in a shipment that was not refused."""
    found: set[str] = set()
    for chunk in chunks(sorted(set(numbers))):
        marks = ",".join("?" * len(chunk))
        rows = store.db.execute(
            f"SELECT invoice_number FROM invoices WHERE mbe = ? AND invoice_number IN ({marks})",
            [mbe, *chunk],
        )
        found.update(row[0] for row in rows)
    return found


def credited_target(
    store: Store, mbe: str, invoice_number: str, line_number: int
) -> sqlite3.Row | None:
    """The original line a credit-note line names, with its invoice's zorgkas."""
    row: sqlite3.Row | None = store.db.execute(
        "SELECT lines.*, invoices.type AS invoice_type FROM lines "
        "JOIN invoices ON invoices.id = lines.invoice_id "
        "WHERE invoices.mbe = ? AND invoices.invoice_number = ? AND lines.line_number = ?",
        (mbe, invoice_number, line_number),
    ).fetchone()
    return row


def shipment_counted(store: Store, mbe: str, zorgkas: int, month: str) -> str | None:
    """The settlement id of a shipment of this month that counts (was not refused)."""
    row = store.db.execute(
        "SELECT settlement_id FROM shipments WHERE mbe = ? AND zorgkas = ? AND month = ? "
        "AND status != 'refused'",
        (mbe, zorgkas, month),
    ).fetchone()
    return row["settlement_id"] if row else None


def shipment(store: Store, settlement_id: str) -> sqlite3.Row | None:
    """The shipment row of a settlement."""
    row: sqlite3.Row | None = store.db.execute(
        "SELECT * FROM shipments WHERE settlement_id = ?", (settlement_id,)
    ).fetchone()
    return row


def save_settlement(store: Store, shipment_id: int, document: dict[str, Any]) -> None:
    """Store the current settlement document of a shipment."""
    store.db.execute(
        "UPDATE shipments SET settlement = ?, status = ? WHERE id = ?",
        (dumps(document), document["status"], shipment_id),
    )
