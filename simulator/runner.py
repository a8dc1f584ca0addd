"""Run a scenario: the simulation, its streams on disk, the KPI summary as JSON and as a table."""

from __future__ import annotations

import gc
import json
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from simulator.central import CentralPort
from simulator.kpi import table
from simulator.model import Simulation
from simulator.output import dumps
from simulator.scenario import Scenario, ScenarioError, load_scenario

__all__ = ["RunResult", "fewer_collections", "run_short", "simulate"]

# The cyclic garbage collector's thresholds during a run (Python's are 700, 10, 10). A run
# keeps everything it plans and records alive to its end, and makes little cyclic garbage, so
# collections mostly walk live objects again and again: 15 % of the CPU time of 150 ×10 days
# (58.0 s -> 49.4 s with these, memory unchanged), half of a ×10 year's planning (measured;
# docs/simulator.md). Collections still run, rarer. The KPI summary is made under them too:
# at Python's thresholds its lists set off collections of everything the run made (of a default
# year's 0.17 s summary, 0.15 s went to one full collection; measured).
RUN_GC_THRESHOLDS = (100_000, 50, 100)


@contextmanager
def fewer_collections() -> Iterator[None]:
    """Run the body with `RUN_GC_THRESHOLDS`, then put the previous thresholds back."""
    previous = gc.get_threshold()
    gc.set_threshold(*RUN_GC_THRESHOLDS)
    try:
        yield
    finally:
        gc.set_threshold(*previous)


@dataclass(frozen=True)
class RunResult:
    """What a run produced: the KPI summary, its table, the ground truth, the simulation."""

    summary: dict[str, Any]
    table: str
    simulation: Simulation


def simulate(
    scenario: Scenario,
    days: int,
    seed: int,
    out: Path | None = None,
    port: CentralPort | None = None,
    progress: Callable[[int], None] | None = None,
    streams: bool = True,
) -> RunResult:
    """Run `scenario` for `days` days with `seed`; write the streams and kpi.json to `out`.

    Without `out` the streams are kept in memory (`recorder.lines`), unless `streams` is
    false: then they are not made at all (a replication of `vsb plan`).

    Raises:
        ScenarioError: days is not positive.
    """
    if days < 1:
        raise ScenarioError("--days", "must be a whole number of days >= 1", days)
    with fewer_collections():  # the summary too: it walks what the run keeps alive
        sim = Simulation(scenario, seed, days, out, port, streams)
        sim.progress = progress
        finish = getattr(sim.port, "finish", None)  # the in-process port's last day
        try:
            sim.run()
        except BaseException as error:
            if finish is not None:
                finish(error)
            raise
        if finish is not None:
            finish()
        rows = sum(1 for p in sim.plans.patients if p.situation != "unknown")
        summary = sim.tally.summary(seed, sim.truth.records, rows)
        text = table(summary)
    if out is not None:
        (out / "kpi.json").write_text(
            json.dumps(summary, indent=2, sort_keys=True) + "\n", encoding="utf-8"
        )
        (out / "kpi.txt").write_text(text + "\n", encoding="utf-8")
        (out / "run.json").write_text(
            dumps(
                {
                    "scenario": scenario.name,
                    "source": Path(scenario.source).name,
                    "seed": seed,
                    "days": days,
                    "rulebook": scenario.rulebook().id,
                }
            )
            + "\n",
            encoding="utf-8",
        )
    return RunResult(summary, text, sim)


def run_short(fixtures: Path, days: int = 60, seed: int = 1) -> str:
    """A short run of the default scenario (for `make run`); returns the KPI table."""
    scenario = load_scenario(fixtures / "scenarios" / "flanders-2024.toml")
    return simulate(scenario, days, seed).table
