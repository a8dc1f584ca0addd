"""Measure sandboxes per vendor through test control: create (with the fixtures), generate a
patient pool, delete; on a database file, as `vsb serve --test-control --db FILE` runs.

Run: `.venv/bin/python -m benchmarks.bench_sandboxes [sandboxes] [persons]`.
"""

from __future__ import annotations

import sys
import tempfile
import time
import warnings
from pathlib import Path

from vsb.serve.app import create_app
from vsb.serve.config import ServeConfig

ROOT = Path(__file__).resolve().parents[1]
SANDBOXES = 10
PERSONS = 20_000


def measure(sandboxes: int, persons: int) -> dict[str, float]:
    """Seconds per sandbox created and deleted, and for one pool of `persons`."""
    with tempfile.TemporaryDirectory() as folder:
        config = ServeConfig(
            db=f"{folder}/central.sqlite",
            fixtures=ROOT / "fixtures",
            ca=None,
            insecure_dev_tokens=True,
            test_control=True,
        )
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # Starlette's notice about httpx, not ours
            from starlette.testclient import TestClient

            client = TestClient(create_app(config))
        with client:
            started = time.perf_counter()
            for i in range(sandboxes):
                body = {"name": f"v{i}", "mbes": ["76310195930"], "clock": "2024-03-10"}
                assert client.post("/test/sandboxes", json=body).status_code == 200
            created = time.perf_counter()
            pool = {"persons": persons, "seed": 1}
            assert client.post("/sandboxes/v0/test/registry/generate", json=pool).is_success
            generated = time.perf_counter()
            for i in range(sandboxes):
                assert client.delete(f"/test/sandboxes/v{i}").status_code == 200
            deleted = time.perf_counter()
    return {
        "create": (created - started) / sandboxes,
        "generate": generated - created,
        "delete": (deleted - generated) / sandboxes,
    }


def main() -> None:
    """Print the table."""
    sandboxes = int(sys.argv[1]) if len(sys.argv) > 1 else SANDBOXES
    persons = int(sys.argv[2]) if len(sys.argv) > 2 else PERSONS
    times = measure(sandboxes, persons)
    print(f"create a sandbox (fixtures loaded)   {times['create'] * 1000:8.0f} ms")
    print(f"generate {persons:,} persons          {times['generate'] * 1000:8.0f} ms")
    print(f"delete a sandbox and its files      {times['delete'] * 1000:8.0f} ms")


if __name__ == "__main__":
    main()
