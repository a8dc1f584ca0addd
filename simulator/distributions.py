"""The distributions the model samples from, each a pure function of an explicit stream."""

from __future__ import annotations

import math
import random
from collections.abc import Sequence

__all__ = ["duration_days", "lognormal_mean", "lognormal_quantile", "poisson", "span", "triangle"]

_Z90 = 1.2815515655446004  # the standard normal's 90th percentile


def duration_days(rng: random.Random, median: float, sigma: float, low: int, high: int) -> int:
    """A right-skewed duration in whole days: log-normal with this median, clipped."""
    value = round(rng.lognormvariate(math.log(median), sigma))
    return min(max(value, low), high)


def lognormal_mean(median: float, sigma: float) -> float:
    """The mean of a log-normal with this median and sigma (before clipping)."""
    return median * math.exp(sigma * sigma / 2)


def lognormal_quantile(median: float, sigma: float, z: float = _Z90) -> float:
    """A quantile of a log-normal (the 90th percentile by default)."""
    return median * math.exp(sigma * z)


def span(rng: random.Random, bounds: Sequence[float]) -> float:
    """A uniform draw in [min, max]."""
    return rng.uniform(bounds[0], bounds[1])


def triangle(rng: random.Random, bounds: Sequence[float]) -> float:
    """A triangular draw from [min, mode, max]."""
    return rng.triangular(bounds[0], bounds[2], bounds[1])


def poisson(rng: random.Random, mean: float) -> int:
    """A Poisson count (Knuth for small means, a rounded normal for large ones)."""
    if mean <= 0:
        return 0
    if mean > 50:
        return max(0, round(rng.gauss(mean, math.sqrt(mean))))
    draw = rng.random  # bound once: the loop runs about `mean` times, 130,000 calls a year
    limit, product, count = math.exp(-mean), draw(), 0
    while product > limit:
        product *= draw()
        count += 1
    return count
