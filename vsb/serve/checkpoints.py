"""WAL checkpoints made beside the engine's lock rather than inside a commit.

SQLite copies the write-ahead log back into the database file (a checkpoint) at the end of the
commit that makes the log longer than 1,000 pages, inside that commit: behind the engine's
lock, so everyone waits for it. After a 26 MB shipment that is some 140 MB, half a second.
The service turns that off on its connection and lets this thread checkpoint instead, on a
connection of its own, as often as the log grows (PASSIVE: it waits for no reader or writer).
Durability does not change: a commit is durable once in the log.
"""

from __future__ import annotations

import logging
import os
import sqlite3
import threading

CHECK_EVERY = 0.25
"""Seconds between two looks at the log's size."""

WAL_LIMIT = 4 * 1024 * 1024
"""A log larger than this is checkpointed (SQLite's own default is 1,000 pages of 4 kB)."""

log = logging.getLogger("vsb.serve")


class Checkpointer:
    """A daemon thread checkpointing the WAL of the database file at `path`."""

    def __init__(self, path: str) -> None:
        self.path = path
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="vsb-checkpoints", daemon=True)
        self._thread.start()

    def _run(self) -> None:
        db = sqlite3.connect(self.path, isolation_level=None, check_same_thread=False)
        try:
            while not self._stop.wait(CHECK_EVERY):
                if _size(self.path + "-wal") > WAL_LIMIT:
                    db.execute("PRAGMA wal_checkpoint(PASSIVE)").fetchone()
        except sqlite3.Error:
            log.exception("WAL checkpoints stopped; SQLite checkpoints when the service closes")
        finally:
            db.close()

    def close(self) -> None:
        """Stop the thread (the last connection to close checkpoints what is left)."""
        self._stop.set()
        self._thread.join(5)


def _size(path: str) -> int:
    try:
        return os.path.getsize(path)
    except OSError:
        return 0
