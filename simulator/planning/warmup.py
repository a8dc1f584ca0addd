"""The warm-up of a run, found with MSER-5 (White 1997; White, Cobb and Spratt 2000).

The model starts empty: no begeleiding running, no queue. Its first weeks are not like the
rest, and a KPI that includes them is biased. MSER-5 averages the output series in batches of
5 and chooses the truncation point d that minimises the marginal standard error of what is
left, MSER(d) = Σ_{i>d} (Y_i − Ȳ_d)² / (k − d)² over k batches, searching the first half
only (a minimum in the second half says the run is too short to tell).
"""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["BATCH", "Warmup", "mser5"]

BATCH = 5


@dataclass(frozen=True)
class Warmup:
    """The warm-up in days, how it was found, and the MSER statistic per truncation."""

    days: int
    method: str  # "MSER-5" or "given"
    statistic: tuple[float, ...] = ()  # MSER(d) for d = 0, 1, ... batches
    settled: bool = True  # False: the minimum is at the end of the search (no steady state)


def mser5(series: list[float]) -> Warmup:
    """The MSER-5 warm-up of a daily series (e.g. the mean over replications of the backlog).

    Raises:
        ValueError: fewer than 4 batches (20 values): too short to find a warm-up.
    """
    batches = [sum(series[i : i + BATCH]) / BATCH for i in range(0, len(series) - BATCH + 1, BATCH)]
    k = len(batches)
    if k < 4:
        raise ValueError(f"MSER-5 needs at least {4 * BATCH} days of output (got {len(series)})")
    statistic = []
    for d in range(k // 2 + 1):
        rest = batches[d:]
        mean = sum(rest) / len(rest)
        statistic.append(sum((y - mean) ** 2 for y in rest) / len(rest) ** 2)
    best = min(range(len(statistic)), key=lambda d: (statistic[d], d))
    return Warmup(best * BATCH, "MSER-5", tuple(statistic), best < len(statistic) - 1)
