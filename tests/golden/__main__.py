"""Regenerate the golden digests (see tests/golden/__init__.py: only on purpose).

.venv/bin/python -m tests.golden --update [--year | --engine]
.venv/bin/python -m tests.golden --record-stream
"""

from __future__ import annotations

import argparse
import datetime as dt
import gzip
import json
from collections.abc import Sequence
from typing import Any

from simulator import load_scenario, simulate
from simulator.central import InProcessCentral
from tests.golden import DIGESTS, ROOT, STREAM, canonical, engine_digest, stored, year_digest
from vsb.mbes import Mbe
from vsb.membership import RegistrySnapshot

STREAM_RUN = {"scenario": "small.toml", "days": 150, "seed": 7}


class RecordingCentral(InProcessCentral):
    """The in-process reference, writing down every call the model makes, in order."""

    def __init__(self) -> None:
        super().__init__()
        self.calls: list[str] = []

    def _record(self, call: str, at: dt.datetime | None, *args: Any) -> None:
        entry: dict[str, Any] = {"call": call, "args": list(args)}
        if at is not None:
            entry["at"] = at.replace(microsecond=0).isoformat()
        self.calls.append(canonical(entry))

    def setup(self, registry: RegistrySnapshot, mbes: tuple[Mbe, ...]) -> None:
        self._record("setup", None, registry, list(mbes))
        super().setup(registry, mbes)

    def record_deaths(self, deaths: Sequence[tuple[str, dt.date]], at: dt.datetime) -> None:
        self._record("record_deaths", at, list(deaths))
        super().record_deaths(deaths, at)

    def handle(self, message: dict[str, Any], at: dt.datetime) -> dict[str, Any]:
        self._record("handle", at, message)
        return super().handle(message, at)

    def review_queue(self, zorgkas: int, at: dt.datetime) -> Any:
        self._record("review_queue", at, zorgkas)
        return super().review_queue(zorgkas, at)

    def decide(self, *args: Any) -> dict[str, Any]:
        self._record("decide", args[-1], *args[:-1])
        return super().decide(*args)

    def billing_queue(self, zorgkas: int, at: dt.datetime) -> list[Any]:
        self._record("billing_queue", at, zorgkas)
        return super().billing_queue(zorgkas, at)

    def decide_line(self, *args: Any) -> dict[str, Any]:
        self._record("decide_line", args[-1], *args[:-1])
        return super().decide_line(*args)

    def unsigned_shipments(self, zorgkas: int, at: dt.datetime) -> list[str]:
        self._record("unsigned_shipments", at, zorgkas)
        return super().unsigned_shipments(zorgkas, at)

    def sign(
        self, settlement_id: str, zorgkas: int, staff: str, at: dt.datetime
    ) -> tuple[dict[str, Any], dict[str, Any]]:
        self._record("sign", at, settlement_id, zorgkas, staff)
        return super().sign(settlement_id, zorgkas, staff, at)

    def record_payment(
        self, order_id: str, zorgkas: int, staff: str, paid_on: dt.date, at: dt.datetime
    ) -> dict[str, Any]:
        self._record("record_payment", at, order_id, zorgkas, paid_on, staff)
        return super().record_payment(order_id, zorgkas, staff, paid_on, at)


def record_stream() -> None:
    """Record the engine stream from a seeded run of the small scenario."""
    port = RecordingCentral()
    scenario = load_scenario(ROOT / "fixtures" / "scenarios" / str(STREAM_RUN["scenario"]))
    simulate(scenario, int(STREAM_RUN["days"]), int(STREAM_RUN["seed"]), port=port)
    with gzip.GzipFile(STREAM, "wb", mtime=0) as raw:
        raw.write("".join(f"{line}\n" for line in port.calls).encode())
    print(f"recorded {len(port.calls)} calls to {STREAM.relative_to(ROOT)}")


def main() -> None:
    """Regenerate what the flags say."""
    parser = argparse.ArgumentParser(prog="python -m tests.golden", description=__doc__)
    parser.add_argument("--update", action="store_true", help="recompute the digests")
    parser.add_argument("--year", action="store_true", help="only the default year")
    parser.add_argument("--engine", action="store_true", help="only the engine stream")
    parser.add_argument("--record-stream", action="store_true", help="re-record the stream")
    args = parser.parse_args()
    if not (args.update or args.record_stream):
        parser.error("say --update or --record-stream")
    if args.record_stream:
        record_stream()
    data = stored() if DIGESTS.exists() else {}
    if args.record_stream or (args.update and not args.year):
        data["engine"] = {**STREAM_RUN, **engine_digest()}
    if args.update and not args.engine:
        data["year"] = year_digest()
    DIGESTS.write_text(json.dumps(data, indent=2, sort_keys=True) + "\n", encoding="utf-8")
    print(f"wrote {DIGESTS.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
