"""Score `vsb audit` on a simulated default year: precision and recall against the ground truth.

Run: `.venv/bin/python -m benchmarks.bench_audit [--days 365] [--seed 1] [--out out/sim-year]
[--reuse]`. It runs `vsb simulate --days 365 --seed 1 --out out/sim-year` (unless `--reuse`
finds that folder already written), then `vsb audit out/sim-year/messages.jsonl --format json
--out out/sim-year/audit`, and prints precision and recall on (message id, requirement) against
the faults of MBE software in `ground-truth.jsonl`, both with the replay (the default) and with
the recorded answers, and the time each took.
"""

from __future__ import annotations

import argparse
import contextlib
import io
import json
import time
from pathlib import Path
from typing import Any

import conformance.audit.cli  # noqa: F401  (registers `vsb audit`)
import simulator.cli  # noqa: F401  (registers `vsb simulate`)
from conformance.audit.score import Score, mbe_faults
from vsb.cli import main as vsb

DEFAULT_OUT = Path("out/sim-year")


def _simulate(out: Path, days: int, seed: int) -> float:
    start = time.perf_counter()
    args = ["simulate", "--days", str(days), "--seed", str(seed), "--out", str(out), "--quiet"]
    if vsb(args) != 0:
        raise SystemExit("vsb simulate failed")
    return time.perf_counter() - start


def _audit(out: Path, *flags: str) -> tuple[dict[str, Any], float, int]:
    start = time.perf_counter()
    report = out / ("audit" if not flags else "audit-recorded")
    args = ["audit", str(out / "messages.jsonl"), "--format", "json", "--out", str(report)]
    with contextlib.redirect_stdout(io.StringIO()):
        code = vsb([*args, *flags])
    seconds = time.perf_counter() - start
    document = json.loads((report / "audit.json").read_text(encoding="utf-8"))
    return document, seconds, code


def _score(document: dict[str, Any], out: Path) -> Score:
    found = frozenset((v["message"]["id"], v["requirement"]) for v in document["violations"])
    return Score(found, mbe_faults(out / "ground-truth.jsonl"))


def _unmatched(document: dict[str, Any], score: Score) -> None:
    """Show every false alarm and missed fault, saying whether the simulator injects faults
    of that requirement at all (a finding of one it never injects cannot be in its truth)."""
    injected = {requirement for _, requirement in score.truth}
    details = {(v["message"]["id"], v["requirement"]): v["detail"] for v in document["violations"]}
    for message_id, requirement in sorted(score.false_alarms):
        note = (
            "" if requirement in injected else " (a requirement the simulator injects no fault of)"
        )
        print(f"  not in the ground truth: {message_id} {requirement}{note}")
        print(f"    {details[(message_id, requirement)]}")
    for message_id, requirement in sorted(score.missed):
        print(f"  missed: {message_id} {requirement}")


def main(argv: list[str] | None = None) -> None:
    """Simulate (or reuse) a year, audit it, print precision and recall."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--days", type=int, default=365)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT)
    parser.add_argument("--reuse", action="store_true", help="audit an existing --out folder")
    args = parser.parse_args(argv if argv is not None else [])
    if args.reuse and (args.out / "ground-truth.jsonl").is_file():
        print(f"reusing {args.out}")
    else:
        print(
            f"vsb simulate --days {args.days} --seed {args.seed} --out {args.out}: "
            f"{_simulate(args.out, args.days, args.seed):.1f} s"
        )
    for label, flags in (("replayed", ()), ("recorded answers", ("--recorded",))):
        document, seconds, code = _audit(args.out, *flags)
        score = _score(document, args.out)
        print(
            f"vsb audit {args.out}/messages.jsonl ({label}): {seconds:.1f} s, exit {code}, "
            f"{document['messages']} messages, {len(document['violations'])} violations, "
            f"{len(document['disagreements'])} disagreements"
        )
        print(f"  {score.line()}")
        _unmatched(document, score)


if __name__ == "__main__":
    import sys

    main(sys.argv[1:])
