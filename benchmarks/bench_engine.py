"""Requests and changes processed per second, in-process, schema validation included.

Run: `make bench` (all benchmarks) or `.venv/bin/python -m benchmarks.bench_engine [N]`.
"""

from __future__ import annotations

import sys
import tempfile
import time
from pathlib import Path

from benchmarks._setup import application, insz_of, request
from vsb.store import Store


def _run(store: Store, count: int) -> tuple[float, float]:
    app, _ = application(count, store)
    patients = insz_of(app, count)
    started = time.perf_counter()
    references = []
    for i, insz in enumerate(patients):
        answer = app.handle(request(insz, f"r-{i}"))
        references.append(answer["vsbReference"])
    requests = count / (time.perf_counter() - started)
    started = time.perf_counter()
    for i, reference in enumerate(references):
        app.handle(
            {
                "kind": "admin-change",
                "messageId": f"c-{i}",
                "mbe": request("", "")["mbe"],
                "vsbReference": reference,
                "accidentCode": "work-accident",
            }
        )
    changes = count / (time.perf_counter() - started)
    return requests, changes


def main(argv: list[str] | None = None) -> None:
    """Print messages per second for SQLite in memory, on a file (durable) and on a file
    with synchronous=NORMAL."""
    args = sys.argv[1:] if argv is None else argv
    count = int(args[0]) if args else 5000
    print(f"engine: {count} requests then {count} administrative changes per store")
    print(f"{'store':<34}{'requests/s':>12}{'changes/s':>12}")
    with tempfile.TemporaryDirectory() as folder:
        stores = {
            "SQLite in memory": Store(),
            "SQLite file, WAL, synchronous=FULL": Store(Path(folder) / "full.sqlite"),
            "SQLite file, WAL, synchronous=NORMAL": Store(
                Path(folder) / "normal.sqlite", durable=False
            ),
        }
        for name, store in stores.items():
            requests, changes = _run(store, count)
            print(f"{name:<34}{requests:>12,.0f}{changes:>12,.0f}")
            store.close()


if __name__ == "__main__":
    main()
