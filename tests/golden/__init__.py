"""Golden digests: what the reference application and a seeded simulated year give today.

Two goldens, both checked by `tests/integration/test_golden_digest.py`:

- **the engine stream**: a fixed stream of calls (`engine-stream.jsonl.gz`: the registry, the
  MBEs, then every message, deaths flow, queue read and staff action of a seeded 150-day run of
  the small scenario, recorded once) replayed through a fresh `CentralApplication`; the digest
  is over every answer. It does not depend on the simulator: only the engine answers.
- **the default year**: `flanders-2024.toml`, 365 days, seed 1, in process; the digest is over
  every output stream and the KPI summary. It changes when the simulator's behaviour changes.

A digest is a SHA-256 over a canonical serialisation (JSON, sorted keys, one line per item);
beside it are per-stream digests and readable counts, so that a mismatch says what differs.

Regenerate only when behaviour changes on purpose, and say so in the commit:

    .venv/bin/python -m tests.golden --update          # both digests, from the same inputs
    .venv/bin/python -m tests.golden --update --year   # the default year only (issue 12: the
                                                       # simulator's behaviour changes)
    .venv/bin/python -m tests.golden --record-stream   # re-record the engine stream itself
                                                       # (only when the message formats change)
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import gzip
import hashlib
import json
from collections import Counter
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

from vsb.clock import FixedClock
from vsb.engine import CentralApplication
from vsb.mbes import Mbe
from vsb.membership import Affiliation, Person, RegistrySnapshot

FOLDER = Path(__file__).resolve().parent
ROOT = FOLDER.parents[1]
DIGESTS = FOLDER / "digests.json"
STREAM = FOLDER / "engine-stream.jsonl.gz"
YEAR = {"scenario": "flanders-2024.toml", "days": 365, "seed": 1}
YEAR_STREAMS = ("messages", "answers", "decisions", "settlements", "payment-orders", "ground-truth")


def canonical(value: Any) -> str:
    """The canonical text of a JSON-ready value: sorted keys, no spaces, dates as ISO text."""
    return json.dumps(value, sort_keys=True, separators=(",", ":"), default=_plain)


def _plain(value: Any) -> Any:
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, frozenset | set):
        return sorted(value)
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {field.name: getattr(value, field.name) for field in dataclasses.fields(value)}
    raise TypeError(f"not JSON-ready: {type(value).__name__}")


class Digest:
    """A SHA-256 over canonical lines, with the count of lines per label."""

    def __init__(self) -> None:
        self.sha = hashlib.sha256()
        self.counts: Counter[str] = Counter()

    def add(self, label: str, value: Any) -> None:
        """Add one item under `label` (the readable count it adds to)."""
        self.sha.update(f"{label}\t{canonical(value)}\n".encode())
        self.counts[label] += 1

    def summary(self) -> dict[str, Any]:
        """The digest and its counts, as stored in digests.json."""
        return {"sha256": self.sha.hexdigest(), "counts": dict(sorted(self.counts.items()))}


# -- the engine stream ---------------------------------------------------------------------------


def read_stream(path: Path = STREAM) -> Iterator[dict[str, Any]]:
    """The recorded calls, in order."""
    with gzip.open(path, "rt", encoding="utf-8") as lines:
        for line in lines:
            yield json.loads(line)


def _registry(data: dict[str, Any]) -> RegistrySnapshot:
    def day(value: str | None) -> dt.date | None:
        return dt.date.fromisoformat(value) if value else None

    persons = tuple(
        Person(
            **{
                **p,
                "birth_date": day(p["birth_date"]),
                "death_date": day(p["death_date"]),
                "increased_allowance_years": frozenset(p["increased_allowance_years"]),
            }
        )
        for p in data["persons"]
    )
    affiliations = tuple(
        Affiliation(**{**a, "start": dt.date.fromisoformat(a["start"]), "end": day(a["end"])})
        for a in data["affiliations"]
    )
    return RegistrySnapshot(persons, affiliations)


def replay_stream(
    app: CentralApplication, clock: FixedClock, calls: Iterable[dict[str, Any]]
) -> Digest:
    """Replay recorded calls through `app` (whose clock is `clock`); the digest of every answer."""
    digest = Digest()
    for call in calls:
        name = call["call"]
        if "at" in call:
            clock.set(dt.datetime.fromisoformat(call["at"]))
        args = call.get("args", [])
        if name == "setup":
            app.store.load_registry(_registry(args[0]))
            app.store.load_mbes(Mbe(**m) for m in args[1])
            continue
        if name == "record_deaths":
            app.store.record_deaths((insz, dt.date.fromisoformat(day)) for insz, day in args[0])
            continue
        if name == "handle":
            answer = app.handle(args[0])
            digest.add(
                f"answer:{args[0].get('kind')}:{answer.get('outcome', answer.get('status'))}",
                answer,
            )
            continue
        if name in ("review_queue", "billing_queue"):
            digest.add(name, [item.as_dict() for item in getattr(app, name)(*args)])
            continue
        if name == "record_payment":
            order_id, zorgkas, paid_on, staff = args
            digest.add(
                name, app.record_payment(order_id, zorgkas, dt.date.fromisoformat(paid_on), staff)
            )
            continue
        digest.add(name, getattr(app, name)(*args))
    return digest


def engine_digest(path: Path = STREAM) -> dict[str, Any]:
    """Replay the recorded stream through a fresh in-memory reference application."""
    clock = FixedClock(dt.datetime(2024, 1, 1))
    app = CentralApplication(clock=clock)
    try:
        return replay_stream(app, clock, read_stream(path)).summary()
    finally:
        app.store.close()


# -- the default year ----------------------------------------------------------------------------


def year_digest() -> dict[str, Any]:
    """Run the seeded default year in process; the digest of its streams and KPI summary."""
    from simulator import load_scenario, simulate  # tests may use the simulator; vsb may not

    scenario = load_scenario(ROOT / "fixtures" / "scenarios" / YEAR["scenario"])
    run = simulate(scenario, int(YEAR["days"]), int(YEAR["seed"]))
    whole = hashlib.sha256()
    streams: dict[str, Any] = {}
    for name in YEAR_STREAMS:
        lines = run.simulation.recorder.lines(name)
        text = "".join(f"{line}\n" for line in lines).encode()
        whole.update(f"{name}\n".encode() + text)
        streams[name] = {"lines": len(lines), "sha256": hashlib.sha256(text).hexdigest()}
    kpi = canonical(run.summary).encode()
    whole.update(b"kpi\n" + kpi)
    streams["kpi"] = {"sha256": hashlib.sha256(kpi).hexdigest()}
    return {
        **YEAR,
        "sha256": whole.hexdigest(),
        "streams": streams,
        "answerMix": run.summary["answerMix"],
    }


def stored() -> dict[str, Any]:
    """The digests as committed."""
    data: dict[str, Any] = json.loads(DIGESTS.read_text(encoding="utf-8"))
    return data
