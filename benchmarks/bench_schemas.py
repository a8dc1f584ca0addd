"""Measure message-schema validations per second (goal: 10,000/s for valid messages).

Run: `.venv/bin/python benchmarks/bench_schemas.py [iterations]`.
"""

from __future__ import annotations

import copy
import json
import sys
import time
from pathlib import Path
from typing import Any

from vsb.schemas import MessageSchemas, load_schemas

ITERATIONS = 20_000
REQUEST = Path(__file__).resolve().parents[1] / "fixtures/messages/request/valid/new-request.json"


def rate(schemas: MessageSchemas, message: object, iterations: int) -> float:
    """Return how many `request` validations of `message` run per second."""
    validate = schemas.validate
    start = time.perf_counter()
    for _ in range(iterations):
        validate("request", message)
    return iterations / (time.perf_counter() - start)


def invalid_copy(message: dict[str, Any]) -> dict[str, Any]:
    """Return `message` with one typical mistake: a start date outside the calendar."""
    broken = copy.deepcopy(message)
    broken["begeleiding"]["startDate"] = "2024-02-30"
    return broken


def main() -> None:
    """Print validations/s for a valid and an invalid request."""
    iterations = int(sys.argv[1]) if len(sys.argv) > 1 else ITERATIONS
    started = time.perf_counter()
    schemas = load_schemas()
    print(f"load and compile: {(time.perf_counter() - started) * 1000:.0f} ms")
    valid = json.loads(REQUEST.read_text(encoding="utf-8"))
    assert schemas.validate("request", valid) == ()
    invalid = invalid_copy(valid)
    assert schemas.validate("request", invalid) != ()
    print(f"valid request:   {rate(schemas, valid, iterations):>9,.0f} validations/s")
    print(f"invalid request: {rate(schemas, invalid, iterations):>9,.0f} validations/s")


if __name__ == "__main__":
    main()
