"""A run collects garbage less often, and gives the collector's thresholds back afterwards."""

from __future__ import annotations

import gc

import pytest

from simulator.runner import RUN_GC_THRESHOLDS, fewer_collections


def test_a_run_has_its_thresholds_and_puts_the_previous_back_even_on_an_error() -> None:
    before = gc.get_threshold()
    with fewer_collections():
        assert gc.get_threshold() == RUN_GC_THRESHOLDS
    assert gc.get_threshold() == before
    with pytest.raises(RuntimeError), fewer_collections():
        raise RuntimeError("the run failed")
    assert gc.get_threshold() == before
