"""The model's own cost, without the engine: a run replayed against its recorded answers.

Run: `.venv/bin/python -m benchmarks.bench_model [--scenario NAME] [--days N] [--runs N]`.

The run is made once against the in-process reference, recording the result of every port
call (answers, queues, decisions, signatures) in order; then it is run again `--runs` times
against the recording, which hands back those results in the same order. The model does not
know the difference, so the replay is the same run (its KPI summary must equal the recorded
run's, else the command says so and exits 1), and its CPU time is the model's alone:
planning, actors, KPIs and output, with no engine time and no engine's disturbance (caches,
collections set off by its allocations). Each figure is given beside the raw SimPy loop timed
in the same process.
"""

from __future__ import annotations

import argparse
import datetime as dt
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from benchmarks._setup import simpy_line, simpy_loop_seconds
from benchmarks.bench_simulator import PORT_CALLS, SCENARIOS
from simulator import load_scenario, simulate
from simulator.central import InProcessCentral
from vsb.mbes import Mbe
from vsb.membership import RegistrySnapshot


class RecordingCentral(InProcessCentral):
    """The in-process reference, keeping every port call's name and result in order."""

    def __init__(self) -> None:
        super().__init__()
        self.calls: list[tuple[str, Any]] = []


def _recorded(name: str) -> Any:
    def call(self: RecordingCentral, *args: Any, **kwargs: Any) -> Any:
        result = getattr(InProcessCentral, name)(self, *args, **kwargs)
        self.calls.append((name, result))
        return result

    return call


for _name in PORT_CALLS:
    setattr(RecordingCentral, _name, _recorded(_name))


class ReplayCentral:
    """Hands back a recording's results in order; a call out of order is an error."""

    billing = True

    def __init__(self, calls: list[tuple[str, Any]]) -> None:
        self.calls, self.next = calls, 0

    def _result(self, name: str) -> Any:
        recorded, result = self.calls[self.next]
        if recorded != name:
            raise RuntimeError(
                f"call {self.next}: the run asked {name}, the recording has {recorded}"
            )
        self.next += 1
        return result

    def setup(self, registry: RegistrySnapshot, mbes: tuple[Mbe, ...]) -> None:
        self._result("setup")

    def record_deaths(self, deaths: Any, at: dt.datetime) -> None:
        self._result("record_deaths")

    def handle(self, message: dict[str, Any], at: dt.datetime) -> dict[str, Any]:
        answer: dict[str, Any] = self._result("handle")
        return answer

    def __getattr__(self, name: str) -> Any:
        if name not in PORT_CALLS:
            raise AttributeError(name)
        return lambda *args, **kwargs: self._result(name)


def main(argv: list[str] | None = None) -> int:
    """Record once, replay `--runs` times; print the model's CPU time beside the SimPy loop."""
    parser = argparse.ArgumentParser(prog="python -m benchmarks.bench_model")
    parser.add_argument("--scenario", default="flanders-2024.toml")
    parser.add_argument("--days", type=int, default=365)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args(argv)
    if args.days < 1 or args.runs < 1:
        parser.error("--days and --runs must be whole numbers >= 1")
    scenario = load_scenario(SCENARIOS / args.scenario)
    print(simpy_line())
    loop = simpy_loop_seconds()
    recording = RecordingCentral()
    expected = simulate(scenario, args.days, 1, streams=False, port=recording).summary
    seconds = []
    for _ in range(args.runs):
        replay = ReplayCentral(recording.calls)
        with tempfile.TemporaryDirectory() as folder:
            start = time.process_time()
            result = simulate(scenario, args.days, 1, Path(folder), port=replay)
            seconds.append(time.process_time() - start)
        if result.summary != expected or replay.next != len(recording.calls):
            print("the replay is not the recorded run: the model depends on more than the answers")
            return 1
        events = next(result.simulation.env._eid)
        print(
            f"{args.scenario}, {args.days} days, the model alone (streams written): "
            f"{seconds[-1]:.2f} s of CPU ({seconds[-1] / loop:.2f} × the SimPy loop); "
            f"{len(recording.calls):,} port calls replayed; {events:,} SimPy events"
        )
    middle = statistics.median(seconds)
    print(f"median of {args.runs}: {middle:.2f} s ({middle / loop:.2f} × the SimPy loop)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
