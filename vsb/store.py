"""The embedded SQLite store of the reference application: registry, messages, begeleidingen."""

from __future__ import annotations

import datetime as dt
import json
import os
import sqlite3
import zlib
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from functools import cache, cached_property, lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any, NamedTuple

from vsb import jsontext

if TYPE_CHECKING:
    from vsb.mbes import Mbe
    from vsb.membership import RegistrySnapshot

SCHEMA = """
CREATE TABLE IF NOT EXISTS persons (
    insz TEXT PRIMARY KEY, last_name TEXT, first_name TEXT, birth_date TEXT, sex TEXT,
    region TEXT, postal_code TEXT, health_insurer INTEGER, death_date TEXT,
    cannot_affiliate TEXT, foreign_insured INTEGER);
CREATE TABLE IF NOT EXISTS affiliations (
    insz TEXT NOT NULL, zorgkas INTEGER NOT NULL, type TEXT NOT NULL,
    start TEXT NOT NULL, end TEXT);
CREATE INDEX IF NOT EXISTS affiliations_insz ON affiliations (insz);
CREATE INDEX IF NOT EXISTS affiliations_insz_start ON affiliations (insz, start);
CREATE TABLE IF NOT EXISTS mbes (
    hco TEXT PRIMARY KEY, name TEXT, network TEXT, province TEXT, population INTEGER,
    cot INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS messages (
    mbe TEXT NOT NULL, message_id TEXT NOT NULL, kind TEXT, digest TEXT NOT NULL,
    received_at TEXT NOT NULL, body TEXT NOT NULL, answer TEXT NOT NULL,
    PRIMARY KEY (mbe, message_id));
CREATE TABLE IF NOT EXISTS begeleidingen (
    id INTEGER PRIMARY KEY, reference TEXT UNIQUE, insz TEXT NOT NULL, mbe TEXT NOT NULL,
    request_type TEXT NOT NULL, start_date TEXT NOT NULL, status TEXT NOT NULL,
    contact TEXT NOT NULL, medical TEXT NOT NULL, accident_code TEXT NOT NULL,
    stop TEXT, stop_date TEXT, closed_on TEXT, pending_message TEXT);
CREATE INDEX IF NOT EXISTS begeleidingen_insz ON begeleidingen (insz);
DROP INDEX IF EXISTS begeleidingen_pending;
CREATE INDEX IF NOT EXISTS begeleidingen_pending_only ON begeleidingen (mbe, pending_message)
    WHERE pending_message IS NOT NULL;
CREATE TABLE IF NOT EXISTS reviews (
    id INTEGER PRIMARY KEY, mbe TEXT NOT NULL, message_id TEXT NOT NULL,
    begeleiding_id INTEGER, zorgkas INTEGER NOT NULL, requirement TEXT NOT NULL,
    reason TEXT NOT NULL, kind TEXT NOT NULL, body TEXT NOT NULL, received_at TEXT NOT NULL,
    decision TEXT, decided_seq INTEGER UNIQUE);
CREATE INDEX IF NOT EXISTS reviews_open ON reviews (zorgkas, decision);
CREATE INDEX IF NOT EXISTS reviews_feed ON reviews (mbe, decided_seq);
CREATE TABLE IF NOT EXISTS counters (name TEXT PRIMARY KEY, value INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS texts (
    key TEXT NOT NULL, seq INTEGER NOT NULL, piece TEXT NOT NULL, PRIMARY KEY (key, seq));
"""

REGISTRY_CACHE = 300_000
"""Persons whose register rows a store keeps in memory at most (`Store.register`): a ×10 year
of the simulator (105,667 persons) and the largest registry of a sandbox (100,000)."""

TEXT_PIECE = 1_000_000
"""Characters of a long text written in one transaction (`put_piece`): a few milliseconds of
writing, so that others' commits wait at most that long between two pieces."""

ACTIVE = ("pending", "open")


@dataclass(frozen=True)
class Begeleiding:
    """One accompaniment of a patient by an MBE, as the central application knows it."""

    id: int
    reference: str | None
    insz: str
    mbe: str
    request_type: str
    start_date: dt.date
    status: str  # pending | open | stopped | cancelled
    contact_text: str
    medical_text: str
    accident_code: str
    stop: dict[str, Any] | None
    stop_date: dt.date | None
    closed_on: dt.date | None
    pending_message: str | None

    # Read only now and then (billing reads thousands of begeleidingen and none of these):
    # kept as stored, parsed when first asked for.
    @cached_property
    def contact(self) -> dict[str, Any]:
        """The contact person."""
        contact: dict[str, Any] = jsontext.loads(self.contact_text)
        return contact

    @cached_property
    def medical(self) -> dict[str, Any]:
        """The medical data of the request."""
        medical: dict[str, Any] = jsontext.loads(self.medical_text)
        return medical


RegisterOnDay = tuple[int, int | None, str | None, str | None]
"""The register's columns of a person on a day that an insurance status is worked out from
(`vsb.insurance.standing`), as `vsb.insurance.insurance_status` takes the person and the
affiliation of the day from `Store.register`: 1 when the register knows the person (0 when
not), the zorgkas of the affiliation that covers the day (None when none does), the person's
cannot_affiliate and death_date. A plain tuple, sliced from the row a shipment reads: one per
invoice."""


class BilledBegeleiding(NamedTuple):
    """What the billing checks read of the begeleiding an invoice names: a shipment reads
    thousands at once (`Store.begeleidingen_by_references`), so only these columns, and a
    tuple rather than a whole `Begeleiding`. The fields but `register` mean what
    `Begeleiding`'s do."""

    id: int
    reference: str
    insz: str
    mbe: str
    status: str
    start_date: dt.date
    stop: dict[str, Any] | None
    pending_message: str | None
    register: RegisterOnDay
    """What the register says of the patient on the start date, read in the same query."""


REGISTER_COLUMNS = (
    "a.start, a.end, a.zorgkas, a.type, p.death_date, p.health_insurer, p.cannot_affiliate"
)
"""The columns of a person (`p`) and of one of their affiliations (`a`) that an insurance
status holds (`Store.register`): a row per affiliation, latest start first (one with start NULL
for a person without any), each with the person's columns too. First in a query's columns,
the most read first: `sqlite3.Row` finds a column by name by looking at each name before it."""


_AFFILIATION_ON_START = (
    "SELECT rowid FROM affiliations WHERE insz = b.insz AND start <= b.start_date "
    "AND (end IS NULL OR end >= b.start_date) ORDER BY start DESC LIMIT 1"
)
"""The affiliation of a begeleiding's (`b`) patient on its start date: the one
`vsb.insurance.insurance_status` takes for that day from `Store.register`'s rows (the latest to
have started by then and not ended before; tests/property/test_insurance_statuses.py holds the
two equal)."""


_start_day = lru_cache(maxsize=4096)(dt.date.fromisoformat)
"""Start dates, remembered: the begeleidingen of one shipment share a few hundred."""


def _date(value: str | None) -> dt.date | None:
    return dt.date.fromisoformat(value) if value else None


def _begeleiding(row: sqlite3.Row) -> Begeleiding:
    # by position, in the table's column order (faster than by name, for thousands of rows)
    (id_, reference, insz, mbe, request_type, start, status, contact, medical, accident_code) = row[
        :10
    ]
    stop, stop_date, closed_on, pending_message = row[10:14]
    return Begeleiding(
        id=id_,
        reference=reference,
        insz=insz,
        mbe=mbe,
        request_type=request_type,
        start_date=dt.date.fromisoformat(start),
        status=status,
        contact_text=contact,
        medical_text=medical,
        accident_code=accident_code,
        stop=jsontext.loads(stop) if stop else None,
        stop_date=_date(stop_date),
        closed_on=_date(closed_on),
        pending_message=pending_message,
    )


class Store:
    """One SQLite database, in memory or in a file, holding all state of the application."""

    def __init__(self, path: str | Path = ":memory:", durable: bool = True) -> None:
        self.path = str(path)
        self.in_memory = self.path == ":memory:"
        """Whether the database lives in this connection only (no other can read it)."""
        self.db = sqlite3.connect(self.path, isolation_level=None, check_same_thread=False)
        self.db.row_factory = sqlite3.Row
        self.synchronous = "FULL" if durable else "NORMAL"
        if not self.in_memory:
            self.db.execute("PRAGMA journal_mode=WAL")
            self.db.execute(f"PRAGMA synchronous={self.synchronous}")
        self.db.executescript(SCHEMA)
        self._depth = 0
        self._mbes: dict[str, sqlite3.Row | None] = {}
        self._counters: dict[str, int] = {}
        self._dirty: set[str] = set()
        # A store in memory keeps its committed counters here, not in its table: no other
        # connection can read them, and a commit then has one statement less to run.
        self._kept: dict[str, int] | None = {} if self.in_memory else None
        self._data_version = self._version()
        self._register: dict[str, list[Any]] | None = {}

    @classmethod
    def reader(cls, path: str | Path) -> Store:
        """A read-only view of the file store at `path` on a connection of its own: what
        another thread reads while the owner writes (WAL: each read transaction sees one
        committed state). Its queries are the store's; any write fails.
        """
        store = cls.__new__(cls)
        store.path = str(path)
        store.in_memory = False
        store.db = sqlite3.connect(
            f"{Path(path).resolve().as_uri()}?mode=ro",
            uri=True,
            isolation_level=None,
            check_same_thread=False,
        )
        store.db.row_factory = sqlite3.Row
        store.synchronous = "NORMAL"  # it never writes
        store._depth = 0
        store._mbes = {}
        store._counters = {}
        store._dirty = set()
        store._kept = None
        store._data_version = store._version()
        store._register = None  # a reader keeps nothing: it may live while the owner writes
        return store

    def close(self) -> None:
        """Close the database."""
        self.db.close()

    def transaction(self) -> _Transaction:
        """All or nothing: nested uses join the outer transaction."""
        return _Transaction(self)

    def in_transaction(self) -> bool:
        """Whether a transaction is open (a `transaction()` use has not ended)."""
        return self._depth > 0

    def _begin(self) -> None:
        self.db.execute("BEGIN IMMEDIATE")
        self._depth = 1
        if not self.in_memory:
            version = self._version()  # unchanged by this connection's own commits
            if version != self._data_version:
                self._counters.clear()  # another connection committed: read them again
                self.forget_registry()
                self._data_version = version

    def _commit(self) -> None:
        try:
            if self._dirty and self._kept is not None:
                self._kept.update((name, self._counters[name]) for name in self._dirty)
                self._dirty.clear()
            elif self._dirty:
                self.db.executemany(
                    "INSERT INTO counters (name, value) VALUES (?, ?) "
                    "ON CONFLICT (name) DO UPDATE SET value = excluded.value",
                    [(name, self._counters[name]) for name in self._dirty],
                )
                self._dirty.clear()
            self.db.execute("COMMIT")
        except BaseException:
            self._rollback()
            raise

    def _rollback(self) -> None:
        self._counters.clear()
        self._dirty.clear()
        self.forget_registry()
        if self.db.in_transaction:
            self.db.execute("ROLLBACK")

    def _version(self) -> int:
        """SQLite's data version: it changes when another connection commits, not when this
        one does."""
        return int(self.db.execute("PRAGMA data_version").fetchone()[0])

    def next_value(self, counter: str) -> int:
        """The next number of a named counter (1, 2, ...), stored with the transaction.

        The values live in memory while transactions run and are written once, as the
        transaction commits (a request takes two numbers: two statements less); a rollback
        forgets them, and they are read again when another connection may have changed them.
        A store in memory keeps the committed values in memory only.
        """
        if not self._depth:
            with self.transaction():
                return self.next_value(counter)
        value = self._counters.get(counter)
        if value is None and self._kept is not None:
            value = self._kept.get(counter, 0)
        elif value is None:
            row = self.db.execute(
                "SELECT value FROM counters WHERE name = ?", (counter,)
            ).fetchone()
            value = int(row[0]) if row else 0
        value += 1
        self._counters[counter] = value
        self._dirty.add(counter)
        return value

    def empty(self) -> None:
        """Delete every row of every table, in one transaction (a reset)."""
        tables = [
            row[0]
            for row in self.db.execute(
                "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"
            ).fetchall()
        ]
        with self.transaction():
            for table in tables:
                self.db.execute(f'DELETE FROM "{table}"')
            self._counters.clear()
            self._dirty.clear()
        if self._kept is not None:
            self._kept.clear()
        self.forget_registry()
        self._mbes.clear()

    # -- registry ---------------------------------------------------------------------------

    def load_registry(self, snapshot: RegistrySnapshot) -> None:
        """Replace the membership registry by a snapshot of the KSZ flows."""
        with self.transaction():
            self.db.execute("DELETE FROM persons")
            self.db.execute("DELETE FROM affiliations")
            self.db.executemany(
                "INSERT INTO persons VALUES (?,?,?,?,?,?,?,?,?,?,?)",
                [
                    (
                        p.insz,
                        p.last_name,
                        p.first_name,
                        _iso(p.birth_date),
                        p.sex,
                        p.region,
                        p.postal_code,
                        p.health_insurer,
                        _iso(p.death_date),
                        p.cannot_affiliate,
                        int(p.foreign_insured),
                    )
                    for p in snapshot.persons
                ],
            )
            self.db.executemany(
                "INSERT INTO affiliations VALUES (?,?,?,?,?)",
                [
                    (a.insz, a.zorgkas, a.type, a.start.isoformat(), _iso(a.end))
                    for a in snapshot.affiliations
                ],
            )
            self._remember_registry()

    def record_deaths(self, deaths: Iterable[tuple[str, dt.date]]) -> None:
        """Apply the national register's daily deaths flow (KSZ): (INSZ, death date) pairs.

        Raises:
            KeyError: an INSZ is not in the registry.
        """
        with self.transaction():
            for insz, day in deaths:
                cursor = self.db.execute(
                    "UPDATE persons SET death_date = ? WHERE insz = ?", (day.isoformat(), insz)
                )
                if cursor.rowcount == 0:
                    raise KeyError(f"deaths flow: INSZ {insz} is not in the registry")
                if self._register is not None:
                    self._register.pop(insz, None)

    def load_mbes(self, mbes: Iterable[Mbe]) -> None:
        """Add or replace MBEs."""
        self._mbes.clear()
        with self.transaction():
            self.db.executemany(
                "INSERT OR REPLACE INTO mbes VALUES (?,?,?,?,?,?)",
                [
                    (m.hco, m.name, m.network, m.province, m.population, int(m.cot_declaration))
                    for m in mbes
                ],
            )

    def register(self, insz: str) -> list[Any]:
        """The register's rows of a person (`REGISTER_COLUMNS`): one per affiliation, the
        latest start first (one row with start NULL for a person without any); none when the
        register does not know the person. What a request's or a status query's insurance
        status reads (`vsb.insurance.insurance_status`).

        Kept in memory (`REGISTRY_CACHE`): filled when the registry is loaded and as persons
        are read, forgotten for a person whose death is recorded, all forgotten when a
        transaction rolls back, when another connection commits (a file store) or when the
        registry is loaded or extended (`forget_registry`). On a file store only within a
        transaction, which checks the last of these as it begins.
        """
        cache = self._register
        usable = cache is not None and (self._depth > 0 or self.in_memory)
        if usable:
            assert cache is not None
            found = cache.get(insz)
            if found is not None:
                return found
        rows = self.db.execute(
            f"SELECT {REGISTER_COLUMNS} FROM persons p LEFT JOIN affiliations a "
            "ON a.insz = p.insz WHERE p.insz = ? ORDER BY a.start DESC",
            (insz,),
        ).fetchall()
        if usable:
            assert cache is not None
            if len(cache) >= REGISTRY_CACHE:
                cache.clear()
            cache[insz] = rows
        return rows

    def forget_registry(self) -> None:
        """Forget the register rows kept in memory (after a change to the registry made
        outside `load_registry` and `record_deaths`)."""
        if self._register is not None:
            self._register.clear()

    def _remember_registry(self) -> None:
        """Keep every person's register rows in memory, when there are at most
        `REGISTRY_CACHE` persons: one query instead of one per person as they are asked."""
        cache = self._register
        if cache is None:
            return
        cache.clear()
        count = self.db.execute("SELECT count(*) FROM persons").fetchone()[0]
        if count > REGISTRY_CACHE:
            return
        rows = self.db.execute(
            f"SELECT {REGISTER_COLUMNS}, p.insz FROM persons p LEFT JOIN affiliations a "
            "ON a.insz = p.insz ORDER BY p.insz, a.start DESC"
        )
        for row in rows:
            found = cache.get(row["insz"])
            if found is None:
                cache[row["insz"]] = [row]
            else:
                found.append(row)

    def mbe(self, hco: str) -> sqlite3.Row | None:
        """The MBE with this HCO number (cached: MBEs change only through load_mbes)."""
        if hco not in self._mbes:
            self._mbes[hco] = self.db.execute("SELECT * FROM mbes WHERE hco = ?", (hco,)).fetchone()
        return self._mbes[hco]

    # -- long texts, kept in pieces -------------------------------------------------------

    def put_piece(self, key: str, seq: int, piece: str | bytes) -> None:
        """Keep one piece of a long text (as text, or packed by `pack_piece`: what the service
        writes), committed on its own but without waiting for the disk: the transaction that
        refers to it comes later in the same write-ahead log, and its commit (synchronous=FULL)
        syncs the log with every frame before it, this piece's too. Until then nothing refers
        to the piece, so losing it in a crash loses nothing."""
        self.db.execute("PRAGMA synchronous=NORMAL")
        try:
            with self.transaction():
                self.db.execute("INSERT INTO texts VALUES (?,?,?)", (key, seq, piece))
        finally:
            self.db.execute(f"PRAGMA synchronous={self.synchronous}")

    def sync_log(self) -> None:
        """Have the disk take the write-ahead log as it is now (pieces committed without waiting
        for it), so that the next durable commit has little left to wait for. Needs no lock:
        it changes nothing, and a commit stays durable by its own sync."""
        if self.in_memory:
            return
        try:
            with open(self.path + "-wal", "rb") as log:
                os.fsync(log.fileno())
        except FileNotFoundError:
            return

    def text(self, key: str) -> str:
        """A long text kept in pieces, whole."""
        rows = self.db.execute("SELECT piece FROM texts WHERE key = ? ORDER BY seq", (key,))
        return "".join(_unpacked(row[0]) for row in rows)

    def drop_text(self, key: str) -> None:
        """Forget a long text that no stored document refers to (its message went stale)."""
        with self.transaction():
            self.db.execute("DELETE FROM texts WHERE key = ?", (key,))

    def resolve(self, text: str) -> str:
        """A stored text, or the long text it refers to (`jsontext.TEXT_REF`)."""
        if text.startswith(jsontext.TEXT_REF):
            return self.text(text.removeprefix(jsontext.TEXT_REF))
        return text

    def document(self, text: str) -> Any:
        """A stored JSON document, with the long texts it refers to read back in place (a
        settlement's invoices written ahead in pieces, `dumps(refer=True)`)."""
        # orjson would hold the interpreter for the whole of a large settlement
        document = jsontext.loads(text) if len(text) < 1_000_000 else json.loads(text)
        if isinstance(document, dict):
            for name, value in document.items():
                if isinstance(value, str) and value.startswith(jsontext.TEXT_REF):
                    document[name] = json.loads(self.resolve(value))
        return document

    # -- messages ---------------------------------------------------------------------------

    def recorded_message(self, mbe: str, message_id: str) -> sqlite3.Row | None:
        """The message and its answer, when this MBE sent this id before."""
        row: sqlite3.Row | None = self.db.execute(
            "SELECT digest, answer FROM messages WHERE mbe = ? AND message_id = ?",
            (mbe, message_id),
        ).fetchone()
        return row

    def record_message(
        self,
        mbe: str,
        message_id: str,
        kind: str | None,
        digest: str,
        received_at: str,
        body: str,
        answer: dict[str, Any],
    ) -> None:
        """Keep a message with its one answer."""
        text = (
            jsontext.dumps(answer, refer=True) if kind == "shipment" else jsontext.compact(answer)
        )
        self.db.execute(
            "INSERT INTO messages VALUES (?,?,?,?,?,?,?)",
            (mbe, message_id, kind, digest, received_at, body, text),
        )

    # -- begeleidingen ----------------------------------------------------------------------

    def begeleidingen_of(self, insz: str) -> list[Begeleiding]:
        """Every begeleiding of a patient that was not cancelled, oldest first."""
        rows = self.db.execute(
            "SELECT * FROM begeleidingen WHERE insz = ? AND status != 'cancelled' "
            "ORDER BY start_date, id",
            (insz,),
        ).fetchall()
        return [_begeleiding(row) for row in rows]

    def begeleiding_by_reference(self, reference: str) -> Begeleiding | None:
        """The begeleiding with this VSB reference."""
        row = self.db.execute(
            "SELECT * FROM begeleidingen WHERE reference = ?", (reference,)
        ).fetchone()
        return _begeleiding(row) if row else None

    def begeleidingen_by_references(
        self, references: Iterable[str]
    ) -> dict[str, BilledBegeleiding]:
        """What billing reads of the begeleidingen with these VSB references and of their
        patients in the register on their start dates, by reference (one query per 500)."""
        found: dict[str, BilledBegeleiding] = {}
        cursor = self.db.cursor()
        cursor.row_factory = None  # plain tuples, read by position: thousands of rows
        for chunk in chunks(sorted(set(references))):
            marks = ",".join("?" * len(chunk))
            rows = cursor.execute(
                "SELECT b.id, b.reference, b.insz, b.mbe, b.status, b.start_date, b.stop, "
                "b.pending_message, p.insz IS NOT NULL, a.zorgkas, p.cannot_affiliate, "
                "p.death_date FROM begeleidingen b LEFT JOIN persons p ON p.insz = b.insz "
                f"LEFT JOIN affiliations a ON a.rowid = ({_AFFILIATION_ON_START}) "
                f"WHERE b.reference IN ({marks})",
                chunk,
            )
            for row in rows:
                found[row[1]] = BilledBegeleiding(
                    row[0],
                    row[1],
                    row[2],
                    row[3],
                    row[4],
                    _start_day(row[5]),
                    jsontext.loads(row[6]) if row[6] else None,
                    row[7],
                    row[8:],
                )
        return found

    def begeleiding(self, begeleiding_id: int) -> Begeleiding:
        """The begeleiding with this row id."""
        row = self.db.execute("SELECT * FROM begeleidingen WHERE id = ?", (begeleiding_id,))
        return _begeleiding(row.fetchone())

    def insert_begeleiding(self, values: dict[str, Any]) -> int:
        """Create a begeleiding; returns its row id."""
        cursor = self.db.execute(
            _insert_sql("begeleidingen", tuple(values)), [_column(v) for v in values.values()]
        )
        assert cursor.lastrowid is not None
        return cursor.lastrowid

    def update_begeleiding(self, begeleiding_id: int, **values: Any) -> None:
        """Change some columns of a begeleiding."""
        self.db.execute(
            _update_sql("begeleidingen", tuple(values)),
            [*(_column(v) for v in values.values()), begeleiding_id],
        )

    def delete_begeleiding(self, begeleiding_id: int) -> None:
        """Remove a pending begeleiding whose request was refused after review."""
        self.db.execute("DELETE FROM begeleidingen WHERE id = ?", (begeleiding_id,))


class _Transaction:
    """`Store.transaction()`: BEGIN IMMEDIATE on the way in, COMMIT on the way out, ROLLBACK
    when an exception leaves; a use inside another joins it. (A class, not a generator: tens
    of thousands of messages enter one.)"""

    __slots__ = ("outer", "store")

    def __init__(self, store: Store) -> None:
        self.store = store
        self.outer = False

    def __enter__(self) -> None:
        store = self.store
        if store._depth:
            store._depth += 1
        else:
            store._begin()
            self.outer = True

    def __exit__(self, kind: object, error: object, trace: object) -> None:
        store = self.store
        if not self.outer:
            store._depth -= 1
            return
        store._depth = 0
        if kind is None:
            store._commit()
        else:
            store._rollback()


def pack_piece(piece: str) -> bytes:
    """A piece of a long text as `put_piece` keeps it packed: UTF-8 under zlib (level 1). A
    settlement's text shrinks about twentyfold, and so does what the disk must take (and sync)
    while other callers' commits wait for it; zlib lets other threads run while it works."""
    return zlib.compress(piece.encode(), 1)


def _unpacked(piece: str | bytes) -> str:
    return zlib.decompress(piece).decode() if isinstance(piece, bytes) else piece


def chunks(values: list[Any], size: int = 500) -> Iterator[list[Any]]:
    """Slices of at most `size` values, for IN (...) queries under SQLite's variable limit."""
    for start in range(0, len(values), size):
        yield values[start : start + size]


def _iso(value: dt.date | None) -> str | None:
    return value.isoformat() if value else None


@cache
def _insert_sql(table: str, columns: tuple[str, ...]) -> str:
    """The INSERT of these columns (made once per set of columns)."""
    return f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({', '.join('?' * len(columns))})"


@cache
def _update_sql(table: str, columns: tuple[str, ...]) -> str:
    """The UPDATE of these columns of the row with an id (made once per set of columns)."""
    assignments = ", ".join(f"{name} = ?" for name in columns)
    return f"UPDATE {table} SET {assignments} WHERE id = ?"


def _column(value: Any) -> Any:
    if type(value) is str or value is None:  # most values: text, as stored
        return value
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, dict | list):
        return jsontext.compact(value)
    return value
