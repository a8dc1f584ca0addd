"""A run collects garbage less often (and gives the thresholds back), and can skip its streams."""

from __future__ import annotations

import datetime as dt
import gc
from pathlib import Path

import pytest

from simulator.output import STREAMS, Recorder
from simulator.runner import RUN_GC_THRESHOLDS, fewer_collections, simulate
from simulator.scenario import load_scenario

SMALL = Path(__file__).resolve().parents[3] / "fixtures" / "scenarios" / "small.toml"


def test_a_run_has_its_thresholds_and_puts_the_previous_back_even_on_an_error() -> None:
    before = gc.get_threshold()
    with fewer_collections():
        assert gc.get_threshold() == RUN_GC_THRESHOLDS
    assert gc.get_threshold() == before
    with pytest.raises(RuntimeError), fewer_collections():
        raise RuntimeError("the run failed")
    assert gc.get_threshold() == before


def test_a_run_without_streams_gives_the_same_kpis_and_keeps_no_text() -> None:
    scenario = load_scenario(SMALL)
    kept = simulate(scenario, 45, 3)
    bare = simulate(scenario, 45, 3, streams=False)
    assert kept.summary == bare.summary
    assert kept.simulation.recorder.lines("messages")
    assert bare.simulation.recorder.memory == {name: [] for name in STREAMS}
    with pytest.raises(ValueError, match="kept no streams"):
        bare.simulation.recorder.lines("messages")


def test_a_folder_is_written_even_without_streams_in_memory(tmp_path: Path) -> None:
    recorder = Recorder(tmp_path, keep=False)
    recorder.write("answers", dt.datetime(2024, 3, 1), {"outcome": "accepted"})
    recorder.close()
    assert recorder.lines("answers") == [
        '{"at":"2024-03-01T00:00:00+01:00","body":{"outcome":"accepted"}}'
    ]
