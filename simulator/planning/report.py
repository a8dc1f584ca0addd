"""The plan's report: one HTML file a manager reads (plots embedded), and the same figures as
JSON and CSV for whoever wants to compute on."""

from __future__ import annotations

import base64
import csv
import html
import json
import math
from pathlib import Path
from typing import Any

from simulator.planning.figures import band, figures
from simulator.planning.kpis import KPIS, daily_backlog
from simulator.planning.replications import PlanResult
from simulator.planning.target import Target, smallest_staff, verdict

__all__ = ["answer_lines", "write_report"]

CAPTIONS = {
    "backlog.png": "Items (messages and lines) waiting for staff at the start of each day.",
    "review-wait.png": "Working days a message under review waited, by week of arrival.",
    "kpis.png": "Each KPI at each sweep point: mean of the replications and its 95 % interval; "
    "the target's thresholds in red.",
    "warmup.png": "The series MSER-5 reads, and where the warm-up ends: figures count after it.",
    "precision.png": "How the worst relative half-width of the chosen KPIs fell as "
    "replications were added.",
}


def _number(value: float) -> float | None:
    return None if math.isnan(value) else round(value, 6)


def _document(result: PlanResult, target: Target | None, meta: dict[str, Any]) -> dict[str, Any]:
    plan = result.plan
    points = []
    for point in plan.points:
        found = result.intervals[point.index]
        entry: dict[str, Any] = {
            "index": point.index,
            "values": point.values,
            "mbes": len(point.scenario.mbes),
            "rulebook": point.scenario.rulebook().id,  # extended with `[growth]` MBEs' tariffs
            "kpis": {
                k: {
                    "mean": _number(i.mean),
                    "halfWidth": _number(i.half_width),
                    "low": _number(i.low),
                    "high": _number(i.high),
                    "n": i.n,
                }
                for k, i in found.items()
            },
            "replications": {
                k: [_number(v) for v in vs] for k, vs in result.values[point.index].items()
            },
        }
        if target is not None:
            judged = verdict(target, found)
            for row in judged["conditions"]:
                row.update({k: _number(row[k]) for k in ("mean", "low", "high")})
            entry["target"] = judged
        points.append(entry)
    return {
        **meta,
        "replicationsPerPoint": result.replications,
        "seeds": [o.seed for o in result.observations[0]],
        "zorgkas": plan.kas if plan.kas is not None else "all",
        "warmup": {"days": result.warmup.days, "method": result.warmup.method},
        "withoutSteadyState": [plan.points[p].label() for p in result.unsettled],
        "precision": {
            "asked": plan.precision,
            "reached": result.reached,
            "kpis": list(plan.precision_kpis),
            "history": [
                {"replications": n, "worst": {k: _number(v) for k, v in w.items()}}
                for n, w in result.history
            ],
        },
        "target": target.text if target else None,
        "answer": smallest_staff(target, plan.points, result.intervals) if target else [],
        "kpiMeanings": {k: {"unit": v.unit, "meaning": v.meaning} for k, v in KPIS.items()},
        "points": points,
    }


def answer_lines(document: dict[str, Any]) -> list[str]:
    """The answer to the planner's question in sentences (empty without a target)."""
    lines = []
    for row in document["answer"]:
        given = ", ".join(f"{k}={v}" for k, v in row["given"].items()) or document["scenario"]
        if row["smallestSurely"] is None:
            by_means = row["smallestByMeans"]
            extra = (
                f" (by the means alone {row['key']}={by_means} would, but its interval "
                "crosses a threshold)"
                if by_means is not None
                else ""
            )
            lines.append(f"At {given}: no swept {row['key']} meets the target{extra}.")
            continue
        point = document["points"][row["point"]]
        sure = ", ".join(
            f"{c['condition']}: {c['mean']:.4g} [{c['low']:.4g}, {c['high']:.4g}]"
            for c in point["target"]["conditions"]
        )
        lines.append(
            f"At {given}: {row['key']}={row['smallestSurely']} is the smallest that meets the "
            f"target with 95 % confidence ({sure})."
        )
    return lines


def summary_lines(document: dict[str, Any]) -> list[str]:
    """Each point's KPIs as `mean [low, high] unit`, one line per KPI, for the terminal."""
    lines = []
    for point in document["points"]:
        label = ", ".join(f"{k}={v}" for k, v in point["values"].items()) or document["scenario"]
        lines.append(f"{label} (zorgkas {document['zorgkas']}, 95 % intervals):")
        for name, value in point["kpis"].items():
            unit = document["kpiMeanings"][name]["unit"]
            shown = (
                f"{value['mean']:.4g} [{value['low']:.4g}, {value['high']:.4g}]"
                if value["mean"] is not None and value["low"] is not None
                else "n/a"
            )
            lines.append(f"  {name:<32} {shown} {unit}")
    return lines


def _table(document: dict[str, Any]) -> str:
    head = "".join(f"<th>{html.escape(k)}</th>" for k in KPIS)
    rows = []
    for point in document["points"]:
        label = ", ".join(f"{k}={v}" for k, v in point["values"].items()) or "scenario"
        cells = "".join(
            f"<td>{v['mean']:.4g} ± {v['halfWidth']:.2g}</td>"
            if v["mean"] is not None and v["halfWidth"] is not None
            else "<td>n/a</td>"
            for v in point["kpis"].values()
        )
        met = ""
        if "target" in point:
            met = f"<td>{'yes' if point['target']['metSurely'] else 'no'}</td>"
        rows.append(f"<tr><td>{html.escape(label)}</td>{cells}{met}</tr>")
    target_head = "<th>target met (95 %)</th>" if document["target"] else ""
    return f"<table><tr><th>point</th>{head}{target_head}</tr>{''.join(rows)}</table>"


def _html(document: dict[str, Any], pictures: dict[str, bytes]) -> str:
    answer = "".join(f"<p class=answer>{html.escape(line)}</p>" for line in answer_lines(document))
    meanings = "".join(
        f"<li><b>{k}</b> ({v['unit']}): {html.escape(v['meaning'])}</li>"
        for k, v in document["kpiMeanings"].items()
    )
    images = "".join(
        f"<figure><img alt='{name}' src='data:image/png;base64,"
        f"{base64.b64encode(data).decode()}'><figcaption>{CAPTIONS[name]}</figcaption></figure>"
        for name, data in pictures.items()
    )
    precision = document["precision"]
    reached = "reached" if precision["reached"] else "NOT reached"
    asked = (
        f"asked ±{precision['asked']:.1%} (relative), {reached}"
        if precision["asked"]
        else "fixed number of replications"
    )
    return f"""<!doctype html><html lang=en><meta charset=utf-8>
<title>Capacity plan: {html.escape(document["scenario"])}</title>
<style>body{{font-family:sans-serif;max-width:1100px;margin:2em auto}}
table{{border-collapse:collapse;font-size:12px}}td,th{{border:1px solid #ccc;padding:3px}}
.answer{{font-size:1.15em;background:#eef;padding:.5em}}img{{max-width:100%}}</style>
<h1>Capacity plan: {html.escape(document["scenario"])}</h1>
<p>{document["days"]} simulated days per replication, {document["replicationsPerPoint"]}
replications per point (seed {document["seed"]}; common random numbers across points),
warm-up {document["warmup"]["days"]} days ({document["warmup"]["method"]}), KPIs for zorgkas
{document["zorgkas"]}; precision: {asked}. Target: {html.escape(document["target"] or "none")}.
Rulebook: {html.escape(", ".join(sorted({p["rulebook"] for p in document["points"]})))}.</p>
{answer}{_unsettled(document)}
<h2>KPIs per sweep point (mean ± 95 % half-width)</h2>{_table(document)}
<ul>{meanings}</ul>
<h2>Figures</h2>{images}
</html>
"""


def _unsettled(document: dict[str, Any]) -> str:
    if not document["withoutSteadyState"]:
        return ""
    names = "; ".join(document["withoutSteadyState"])
    return (
        f"<p><b>No steady state</b> at {html.escape(names)}: the queue grows through the whole "
        "run (staff cannot keep up), so its waits depend on the run's length.</p>"
    )


def _csv(path: Path, document: dict[str, Any]) -> None:
    keys = sorted({k for p in document["points"] for k in p["values"]})
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow([*keys, "kpi", "mean", "half_width", "low", "high", "n"])
        for point in document["points"]:
            for name, v in point["kpis"].items():
                row = [point["values"].get(k, "") for k in keys]
                writer.writerow(
                    [*row, name, v["mean"], v["halfWidth"], v["low"], v["high"], v["n"]]
                )


def _series_csv(path: Path, result: PlanResult) -> None:
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["point", "day", "backlog_mean", "backlog_low", "backlog_high"])
        for point in result.plan.points:
            runs = result.observations[point.index]
            for day, found in enumerate(band([daily_backlog(o, result.plan.kas) for o in runs])):
                writer.writerow([point.index, day, found.mean, found.low, found.high])


def write_report(
    result: PlanResult, target: Target | None, meta: dict[str, Any], out: Path
) -> dict[str, Any]:
    """Write report.html, results.json, kpis.csv, backlog.csv and figures/*.png to `out`;
    return the results document."""
    document = _document(result, target, meta)
    pictures = figures(result, target)
    (out / "figures").mkdir(parents=True, exist_ok=True)
    for name, data in pictures.items():
        (out / "figures" / name).write_bytes(data)
    text = json.dumps(document, indent=2, allow_nan=False)
    (out / "results.json").write_text(text + "\n", encoding="utf-8")
    _csv(out / "kpis.csv", document)
    _series_csv(out / "backlog.csv", result)
    (out / "report.html").write_text(_html(document, pictures), encoding="utf-8")
    return document
