"""Property tests of the simulator's samplers and streams, and of the planning arithmetic."""

from __future__ import annotations

import datetime as dt
import random

from hypothesis import assume, given, settings
from hypothesis import strategies as st

from simulator.distributions import duration_days, poisson, span, triangle
from simulator.planning.intervals import interval
from simulator.planning.kpis import KPIS
from simulator.planning.target import parse_target
from simulator.population import WeightTable, weighted
from simulator.random_streams import Streams
from simulator.waits import WorkingCalendar

seeds = st.integers(min_value=0, max_value=2**32)


@given(seeds, st.floats(1, 200), st.floats(0.05, 3), st.integers(0, 30), st.integers(0, 1000))
def test_durations_are_whole_days_within_the_bounds(
    seed: int, median: float, sigma: float, low: int, extra: int
) -> None:
    high = low + extra
    value = duration_days(random.Random(seed), median, sigma, low, high)
    assert isinstance(value, int) and low <= value <= high


@settings(max_examples=20, deadline=None)
@given(seeds)
def test_the_duration_median_is_near_the_asked_median(seed: int) -> None:
    rng = random.Random(seed)
    values = sorted(duration_days(rng, 25, 1.2, 1, 730) for _ in range(4001))
    assert 22 <= values[2000] <= 28


@given(seeds, st.floats(0, 100), st.floats(0, 100), st.floats(0.001, 100))
def test_spans_and_triangles_stay_within_their_bounds(
    seed: int, a: float, width: float, mode_share: float
) -> None:
    rng = random.Random(seed)
    b = a + width + 0.001
    assert a <= span(rng, (a, b)) <= b
    mode = a + (b - a) * min(mode_share, 1.0)
    assert a <= triangle(rng, (a, mode, b)) <= b


@given(seeds, st.floats(0, 500))
def test_poisson_counts_are_never_negative(seed: int, mean: float) -> None:
    assert poisson(random.Random(seed), mean) >= 0


@given(seeds, st.dictionaries(st.text(min_size=1, max_size=3), st.floats(0.01, 10), min_size=1))
def test_weighted_draws_a_key_with_a_positive_weight(seed: int, weights: dict[str, float]) -> None:
    assert weighted(random.Random(seed), weights) in weights


@given(seeds, st.dictionaries(st.text(min_size=1, max_size=3), st.floats(0.01, 10), min_size=1))
def test_a_weight_table_draws_exactly_what_weighted_draws(
    seed: int, weights: dict[str, float]
) -> None:
    first, second = random.Random(seed), random.Random(seed)
    table = WeightTable(weights)
    assert [table.draw(first) for _ in range(20)] == [weighted(second, weights) for _ in range(20)]


@given(
    seeds,
    st.lists(st.text(min_size=1, max_size=8), min_size=1, max_size=5, unique=True),
    st.text(min_size=1, max_size=8),
)
def test_adding_a_stream_never_shifts_another(seed: int, others: list[str], name: str) -> None:
    assume(name not in others)
    alone, crowded = Streams(seed), Streams(seed)
    for other in others:
        crowded(other).random()
    assert alone(name).random() == crowded(name).random()


@given(st.integers(0, 20), st.floats(0, 20), st.floats(0, 20), st.floats(0, 20))
def test_working_days_add_up_and_never_exceed_calendar_days(
    start: int, a: float, b: float, c: float
) -> None:
    calendar = WorkingCalendar(dt.date(2024, 1, 1) + dt.timedelta(days=start), 70, (1, 2, 3, 4, 5))
    first, second, third = sorted((a, b, c))
    whole = calendar.between(first, third)
    assert whole <= third - first + 1e-9
    assert abs(calendar.between(first, second) + calendar.between(second, third) - whole) < 1e-9


conditions = st.tuples(
    st.sampled_from(sorted(KPIS)),
    st.sampled_from(["<=", ">=", "<", ">"]),
    st.decimals(0, 1000, places=3, allow_nan=False, allow_infinity=False),
)


@given(st.lists(conditions, min_size=1, max_size=4), st.sampled_from(["", " ", "  "]))
def test_a_target_reads_back_the_conditions_it_was_written_from(
    written: list[tuple[str, str, object]], blank: str
) -> None:
    text = " and ".join(f"{k}{blank}{op}{blank}{value}" for k, op, value in written)
    found = parse_target(text).conditions
    assert [(c.kpi, c.op, c.value) for c in found] == [
        (k, op, float(str(v))) for k, op, v in written
    ]


@settings(max_examples=50)
@given(st.lists(st.floats(-1e6, 1e6), min_size=2, max_size=30))
def test_an_interval_holds_its_mean_and_widens_with_the_spread(values: list[float]) -> None:
    found = interval(values)
    assert found.half_width >= 0 and found.low <= found.mean <= found.high
    spread = interval([2 * v for v in values])
    assert abs(spread.half_width - 2 * found.half_width) <= 1e-6 * (1 + found.half_width)
