"""Requests and changes processed per second, in-process, schema validation included.

Run: `make bench` (all benchmarks) or `.venv/bin/python -m benchmarks.bench_engine [N]`.

Each figure is the median of three rounds on a fresh store, printed beside the raw SimPy loop
timed in the same process. "one by one" is `handle` per message (one transaction, one commit
each); "batches of 64" is `handle_batch` (one transaction per batch, as the service's group
commit does; every answer durable before it is returned; in memory, as the simulator's
in-process port runs a simulated day in one transaction).
"""

from __future__ import annotations

import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from benchmarks._setup import MBE, application, insz_of, per_simpy, request, simpy_line
from vsb.engine import CentralApplication
from vsb.store import Store

BATCH = 64
ROUNDS = 3


def _change(i: int, reference: str) -> dict[str, Any]:
    return {
        "kind": "admin-change",
        "messageId": f"c-{i}",
        "mbe": MBE,
        "vsbReference": reference,
        "accidentCode": "work-accident",
    }


def _send(
    app: CentralApplication, messages: list[dict[str, Any]], batch: int
) -> tuple[float, list[dict[str, Any]]]:
    started = time.perf_counter()
    if batch == 1:
        answers = [app.handle(message) for message in messages]
    else:
        answers = []
        for start in range(0, len(messages), batch):
            answers += app.handle_batch(messages[start : start + batch])
    return len(messages) / (time.perf_counter() - started), answers


def _round(store: Store, count: int, batch: int) -> tuple[float, float]:
    app, _ = application(count, store)
    requests = [request(insz, f"r-{i}") for i, insz in enumerate(insz_of(app, count))]
    request_rate, answers = _send(app, requests, batch)
    changes = [_change(i, a["vsbReference"]) for i, a in enumerate(answers)]
    change_rate, _ = _send(app, changes, batch)
    return request_rate, change_rate


def _median(make_store: Callable[[Path], Store], count: int, batch: int) -> tuple[float, float]:
    rates = []
    for n in range(ROUNDS):
        with tempfile.TemporaryDirectory() as folder:
            store = make_store(Path(folder) / f"round-{n}.sqlite")
            rates.append(_round(store, count, batch))
            store.close()
    return (
        statistics.median(r[0] for r in rates),
        statistics.median(r[1] for r in rates),
    )


def main(argv: list[str] | None = None) -> None:
    """Print messages per second for SQLite in memory and on a durable file."""
    args = sys.argv[1:] if argv is None else argv
    count = int(args[0]) if args else 3000
    print(simpy_line())
    print(f"engine: {count} requests then {count} administrative changes, median of {ROUNDS}")
    stores: list[tuple[str, Callable[[Path], Store], int]] = [
        ("in memory, one by one", lambda _: Store(), 1),
        (
            f"in memory, batches of {BATCH} (as the simulator: a transaction a day)",
            lambda _: Store(),
            BATCH,
        ),
        ("file (WAL, synchronous=FULL), one by one", lambda path: Store(path), 1),
        (f"file (WAL, synchronous=FULL), batches of {BATCH}", lambda path: Store(path), BATCH),
        ("file (WAL, synchronous=NORMAL), one by one", lambda p: Store(p, durable=False), 1),
    ]
    for name, make_store, batch in stores:
        requests, changes = _median(make_store, count, batch)
        print(f"  {name}")
        print(f"    requests {per_simpy(requests)}   changes {per_simpy(changes)}")


if __name__ == "__main__":
    main()
