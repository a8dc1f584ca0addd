"""The planning building blocks: intervals, MSER-5, the target grammar, sweeps, working days."""

from __future__ import annotations

import datetime as dt
import math
import random
import statistics
from pathlib import Path

import pytest

from simulator.planning.intervals import interval
from simulator.planning.sweep import parse_sweep, points
from simulator.planning.target import parse_target
from simulator.planning.warmup import mser5
from simulator.scenario_reader import ScenarioError, ScenarioErrors
from simulator.waits import WorkingCalendar, payment_share, percentile

SMALL = Path(__file__).resolve().parents[3] / "fixtures" / "scenarios" / "small.toml"


def test_an_interval_is_the_mean_plus_minus_t_times_the_standard_error() -> None:
    values = [3.0, 5.0, 4.0, 6.0, 2.0]
    found = interval(values)
    # t(0.975, 4) = 2.7764 (any table of Student's t)
    expected = 2.7764 * statistics.stdev(values) / math.sqrt(5)
    assert found.mean == 4.0 and found.n == 5
    assert found.half_width == pytest.approx(expected, rel=1e-4)
    assert found.relative == pytest.approx(expected / 4.0, rel=1e-4)


def test_an_interval_leaves_out_replications_without_a_value_and_needs_two() -> None:
    assert interval([1.0, math.nan, 3.0]).n == 2
    with pytest.raises(ValueError, match="at least 2"):
        interval([1.0, math.nan])


def test_mser5_cuts_a_transient_and_nothing_of_a_steady_series() -> None:
    rng = random.Random(4)
    steady = [10 + rng.gauss(0, 1) for _ in range(300)]
    transient = [float(i) / 6 for i in range(60)] + steady[60:]
    assert mser5(steady).days <= 15
    cut = mser5(transient)
    assert 45 <= cut.days <= 75 and cut.settled


def test_mser5_says_a_growing_queue_never_settles() -> None:
    assert not mser5([float(day) for day in range(200)]).settled
    with pytest.raises(ValueError, match="at least 20 days"):
        mser5([1.0] * 19)


def test_a_target_is_kpi_conditions_joined_by_and() -> None:
    target = parse_target("stop_to_payment_within_42d>=0.99 and review_wait_p95_days <= 2")
    assert [str(c) for c in target.conditions] == [
        "stop_to_payment_within_42d >= 0.99",
        "review_wait_p95_days <= 2",
    ]
    assert target.conditions[1].met(2.0) and not target.conditions[0].met(0.98)


@pytest.mark.parametrize(
    "text, where",
    [
        ("review_wait_p95_days<=", "at the end: expected a number"),
        ("waiting<=2", "at position 1: expected a KPI name"),
        ("review_wait_p95_days=2", "at position 21: expected one of <= >= < >"),
        ("review_wait_p95_days<=2 or staff_utilisation<0.9", "at position 25: expected 'and'"),
        ("__import__('os').system('true')", "at position 1: expected a KPI name"),
    ],
)
def test_an_unparsable_target_is_refused_naming_the_position(text: str, where: str) -> None:
    with pytest.raises(ScenarioError) as caught:
        parse_target(text)
    assert caught.value.key == "--target" and where in str(caught.value)


@pytest.mark.parametrize(
    "text, rule",
    [
        ("staff.180.count", "must be KEY=V1,V2"),
        ("count=1,2", "must be KEY=V1,V2"),
        ("staff.180.count=1,,2", "every value must be non-empty"),
        ("staff.180.count=1,1", "values must be distinct"),
    ],
)
def test_a_malformed_sweep_is_refused(text: str, rule: str) -> None:
    with pytest.raises(ScenarioError, match=rule):
        parse_sweep(text)


def test_sweep_points_span_the_product_and_change_only_their_key() -> None:
    found = points(SMALL, [parse_sweep("staff.180.count=1,3"), parse_sweep("scenario.growth=1,2")])
    assert [p.values for p in found] == [
        {"staff.180.count": 1, "scenario.growth": 1},
        {"staff.180.count": 1, "scenario.growth": 2},
        {"staff.180.count": 3, "scenario.growth": 1},
        {"staff.180.count": 3, "scenario.growth": 2},
    ]
    assert found[3].scenario.staff[180].count == 3 and found[3].scenario.growth == 2
    assert found[0].scenario.staff[280] == found[3].scenario.staff[280]


def test_a_sweep_of_an_unknown_key_or_a_bad_value_names_both() -> None:
    with pytest.raises(ScenarioErrors) as caught:
        points(SMALL, [parse_sweep("staff.999.count=1"), parse_sweep("staff.180.count=0,2")])
    text = str(caught.value)
    assert "--sweep: staff.999.count=1: is not a value of the scenario" in text
    with pytest.raises(ScenarioErrors, match=r"staff.180.count=0: must be an integer >= 1"):
        points(SMALL, [parse_sweep("staff.180.count=0,2")])


def test_working_days_count_only_time_on_workdays() -> None:
    calendar = WorkingCalendar(dt.date(2024, 3, 1), 10, (1, 2, 3, 4, 5))  # a Friday
    friday_14h, monday_9h = 14 / 24, 3 + 9 / 24
    assert calendar.between(friday_14h, monday_9h) == pytest.approx(10 / 24 + 9 / 24)


def test_the_payment_share_counts_unpaid_stops_and_leaves_out_the_last_six_weeks() -> None:
    stopped = [(0, 10), (5, 60), (8, None), (70, 75)]  # the last stop is too recent to count
    found = payment_share(stopped, days=100)
    assert (found["eligible"], found["paidWithin"], found["share"]) == (3, 1, round(1 / 3, 4))


def test_percentiles_interpolate_between_order_statistics() -> None:
    assert percentile([0.0, 10.0], 0.95) == pytest.approx(9.5)
    assert percentile([], 0.5) == 0.0


def test_the_terminal_summary_gives_each_kpi_with_its_interval_and_unit() -> None:
    from simulator.planning.report import summary_lines

    document = {
        "scenario": "s",
        "zorgkas": 180,
        "kpiMeanings": {"backlog_mean_items": {"unit": "items", "meaning": "m"}},
        "points": [
            {
                "values": {"staff.180.count": 2},
                "kpis": {"backlog_mean_items": {"mean": 1.5, "low": 1.0, "high": 2.0}},
            },
            {"values": {}, "kpis": {"backlog_mean_items": {"mean": None, "low": None}}},
        ],
    }
    lines = summary_lines(document)
    assert lines[0] == "staff.180.count=2 (zorgkas 180, 95 % intervals):"
    assert lines[1].split() == ["backlog_mean_items", "1.5", "[1,", "2]", "items"]
    assert lines[2].startswith("s (zorgkas 180")
    assert lines[3].split() == ["backlog_mean_items", "n/a", "items"]
