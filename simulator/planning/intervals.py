"""t-based 95 % confidence intervals over replications, and the precision they reach."""

from __future__ import annotations

import math
import statistics
from dataclasses import dataclass

from scipy.stats import t as student_t

__all__ = ["CONFIDENCE", "Interval", "interval"]

CONFIDENCE = 0.95


@dataclass(frozen=True)
class Interval:
    """The mean of n replications and the half-width of its 95 % confidence interval."""

    mean: float
    half_width: float
    n: int

    @property
    def low(self) -> float:
        """The lower bound."""
        return self.mean - self.half_width

    @property
    def high(self) -> float:
        """The upper bound."""
        return self.mean + self.half_width

    @property
    def relative(self) -> float:
        """The half-width relative to the mean (the precision `--precision` asks for); the
        half-width itself when the mean is 0."""
        return self.half_width / abs(self.mean) if self.mean else self.half_width


def interval(values: list[float]) -> Interval:
    """Mean ± t(0.975, n−1)·s/√n of the replications' values (NaN values left out: a
    replication without any eligible item has no value).

    Raises:
        ValueError: fewer than two values (no interval without a spread).
    """
    found = [v for v in values if not math.isnan(v)]
    if len(found) < 2:
        raise ValueError(f"a confidence interval needs at least 2 values (got {len(found)})")
    n = len(found)
    quantile = float(student_t.ppf((1 + CONFIDENCE) / 2, n - 1))
    return Interval(statistics.fmean(found), quantile * statistics.stdev(found) / math.sqrt(n), n)
