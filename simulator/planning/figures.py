"""The report's plots (matplotlib, Agg backend: no display needed), each returned as PNG bytes."""

from __future__ import annotations

import io
import math
import statistics

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt
from matplotlib.figure import Figure

from simulator.planning.intervals import Interval, interval
from simulator.planning.kpis import KPIS, daily_backlog, weekly_review_wait
from simulator.planning.replications import PlanResult
from simulator.planning.target import Target
from simulator.planning.warmup import BATCH

__all__ = ["band", "figures"]

MAX_LINES = 8  # points drawn in the over-time plots (the first ones)


def _png(figure: Figure) -> bytes:
    buffer = io.BytesIO()
    figure.tight_layout()
    figure.savefig(buffer, format="png", dpi=90)
    plt.close(figure)
    return buffer.getvalue()


def band(series: list[list[float]]) -> list[Interval]:
    """Per time step, the mean over replications and its 95 % interval (NaN values left out)."""
    found = []
    for values in zip(*series, strict=True):
        try:
            found.append(interval(list(values)))
        except ValueError:
            only = [v for v in values if not math.isnan(v)]
            found.append(Interval(only[0] if only else float("nan"), 0.0, len(only)))
    return found


def _over_time(result: PlanResult, title: str, unit: str, weekly: bool) -> bytes:
    figure, axes = plt.subplots(figsize=(9, 4))
    for point in result.plan.points[:MAX_LINES]:
        runs = result.observations[point.index]
        series = [
            weekly_review_wait(o, result.plan.kas) if weekly else daily_backlog(o, result.plan.kas)
            for o in runs
        ]
        found = band(series)
        x = [i * (7 if weekly else 1) for i in range(len(found))]
        axes.plot(x, [b.mean for b in found], label=point.label())
        axes.fill_between(x, [b.low for b in found], [b.high for b in found], alpha=0.25)
    axes.axvline(result.warmup.days, color="grey", linestyle="--", label="end of warm-up")
    axes.set_xlabel("simulated day")
    axes.set_ylabel(unit)
    axes.set_title(f"{title} (mean of replications, 95 % band)")
    axes.legend(fontsize=7)
    return _png(figure)


def _x(result: PlanResult) -> tuple[list[float], list[str], str]:
    points = result.plan.points
    keys = list(points[0].values)
    if len(keys) == 1 and all(isinstance(p.values[keys[0]], int | float) for p in points):
        return [float(p.values[keys[0]]) for p in points], [], keys[0]
    return [float(p.index) for p in points], [p.label() for p in points], "sweep point"


def _kpis(result: PlanResult, target: Target | None) -> bytes:
    names = list(KPIS)
    columns = 3
    rows = math.ceil(len(names) / columns)
    figure, grid = plt.subplots(rows, columns, figsize=(12, 3.2 * rows))
    x, labels, xlabel = _x(result)
    for axes, name in zip(grid.flat, names, strict=False):
        found = [result.intervals[p.index][name] for p in result.plan.points]
        axes.errorbar(x, [f.mean for f in found], yerr=[f.half_width for f in found], fmt="o-")
        for condition in target.conditions if target else ():
            if condition.kpi == name:
                axes.axhline(condition.value, color="red", linestyle="--", label=str(condition))
                axes.legend(fontsize=7)
        axes.set_title(f"{name} ({KPIS[name].unit})", fontsize=9)
        axes.set_xlabel(xlabel, fontsize=8)
        if labels:
            axes.set_xticks(x, labels, rotation=30, fontsize=6, ha="right")
        else:
            axes.set_xticks(x, [f"{v:g}" for v in x])
    for axes in list(grid.flat)[len(names) :]:
        axes.set_visible(False)
    return _png(figure)


def _warmup(result: PlanResult) -> bytes:
    figure, axes = plt.subplots(figsize=(9, 4))
    for point in result.plan.points[:MAX_LINES]:
        series = [daily_backlog(o, result.plan.kas) for o in result.observations[point.index]]
        mean = [statistics.fmean(day) for day in zip(*series, strict=True)]
        axes.plot(range(len(mean)), mean, label=point.label(), linewidth=0.8)
    axes.axvline(result.warmup.days, color="red", linestyle="--")
    axes.set_xlabel("simulated day")
    axes.set_ylabel("items waiting at day start (mean of replications)")
    axes.set_title(f"Warm-up: {result.warmup.days} days ({result.warmup.method})")
    if result.warmup.statistic:
        twin = axes.twinx()
        days = [d * BATCH for d in range(len(result.warmup.statistic))]
        twin.plot(days, result.warmup.statistic, color="black", linestyle=":", label="MSER(d)")
        twin.set_ylabel("MSER statistic (longest point)")
        twin.legend(loc="upper right", fontsize=7)
    axes.legend(loc="upper left", fontsize=7)
    return _png(figure)


def _precision(result: PlanResult) -> bytes:
    figure, axes = plt.subplots(figsize=(9, 4))
    counts = [n for n, _ in result.history]
    for name in result.plan.precision_kpis:
        axes.plot(counts, [worst[name] for _, worst in result.history], "o-", label=name)
    if result.plan.precision is not None:
        axes.axhline(result.plan.precision, color="red", linestyle="--", label="asked")
    axes.set_xlabel("replications per point")
    axes.set_ylabel("relative 95 % half-width (worst point)")
    axes.set_title("Precision reached against replications")
    axes.legend(fontsize=7)
    return _png(figure)


def figures(result: PlanResult, target: Target | None) -> dict[str, bytes]:
    """Every plot of the report, by file name."""
    return {
        "backlog.png": _over_time(result, "Review backlog", "items waiting at day start", False),
        "review-wait.png": _over_time(
            result, "Review waiting time by week of arrival", "working days", True
        ),
        "kpis.png": _kpis(result, target),
        "warmup.png": _warmup(result),
        "precision.png": _precision(result),
    }
