"""The summary that opens the report: what a certifier reads first.

The overall verdict and the facts of the run, scenario and requirement counts, the failed
scenarios, one bar per behaviour area (feature file) and the slowest scenarios.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from conformance.report.markup import duration, esc, home_anchor, location, slug
from conformance.report.verdicts import (
    VERDICTS,
    AreaTally,
    RequirementVerdict,
    RunMeta,
    area_tallies,
    overall_verdict,
    scenario_counts,
    slowest_scenarios,
    verdict_counts,
)

_SCENARIO_LABELS = {"passed": "passed", "failed": "failed", "skipped": "skipped"}
_BAR_WIDTH, _BAR_HEIGHT = 240, 14


def _count_line(counts: dict[str, int], labels: dict[str, str]) -> str:
    parts = [
        f'<span class="c-{slug(key)}"><b>{counts[key]}</b> {esc(label)}</span>'
        for key, label in labels.items()
    ]
    return " · ".join(parts)


def _scenario_link(scenario: dict[str, Any], shown: set[str], text: str) -> str:
    return f'<a href="#{esc(home_anchor(scenario, shown))}">{esc(text)}</a>'


def _facts(results: dict[str, Any], meta: RunMeta) -> str:
    rows = [
        ("Suite version", meta.suite_version),
        ("Rulebook version", meta.rulebook),
        ("Target", meta.target),
        ("Direction", meta.direction),
        ("Started", meta.started),
        ("Selection", meta.selection),
        ("Wall time", duration(float(results.get("seconds", 0.0)))),
    ]
    cells = "".join(f"<tr><th>{esc(k)}</th><td>{esc(v)}</td></tr>" for k, v in rows)
    return f'<table class="facts">{cells}</table>'


def _verdict_box(results: dict[str, Any], verdicts: Sequence[RequirementVerdict]) -> str:
    conformant = overall_verdict(results)
    word = "CONFORMANT" if conformant else "NOT CONFORMANT"
    counts = verdict_counts(verdicts)
    failed = scenario_counts(results.get("scenarios", []))["failed"]
    if conformant:
        why = "No scenario failed."
    elif failed:
        why = f"{failed} scenario(s) failed."
    else:
        why = "No scenario ran."
    open_ = counts["not tested"] + counts["manual"]
    if open_:
        why += f" {counts['not tested']} requirement(s) not tested, {counts['manual']} manual."
    css = "conformant" if conformant else "not-conformant"
    return f'<div class="verdict {css}"><div class="word">{word}</div><p>{esc(why)}</p></div>'


def _failure_list(results: dict[str, Any], shown: set[str]) -> str:
    items = []
    for scenario in results.get("scenarios", []):
        if scenario.get("status") != "failed":
            continue
        message = (scenario.get("error") or {}).get("message", "")
        items.append(
            f"<li>{_scenario_link(scenario, shown, str(scenario.get('name', '')))}"
            f' <span class="muted">— {esc(message)}</span></li>'
        )
    if not items:
        return ""
    return f'<h3>Failed scenarios</h3><ul class="failures">{"".join(items)}</ul>'


# -- behaviour areas and time ----------------------------------------------------------------


def _bar(tally: AreaTally, scale: int) -> str:
    """An inline SVG bar of an area's scenarios, a segment per status; `scale` fills it.

    Every bar shares the scale, so a bar's length is its area's size; the counts beside it
    say the same in print without colour.
    """
    label = f"{tally.feature_file}: " + ", ".join(f"{n} {s}" for s, n in tally.counts.items())
    segments, x = [], 0.0
    for status, count in tally.counts.items():
        if not count:
            continue
        width = _BAR_WIDTH * count / scale
        segments.append(
            f'<rect class="b-{status}" x="{x:.2f}" width="{width:.2f}" height="{_BAR_HEIGHT}" '
            f'data-status="{status}" data-count="{count}"><title>{count} {status}</title></rect>'
        )
        x += width
    return (
        f'<svg class="bar" role="img" aria-label="{esc(label)}" width="{_BAR_WIDTH}" '
        f'height="{_BAR_HEIGHT}" viewBox="0 0 {_BAR_WIDTH} {_BAR_HEIGHT}">'
        f'<title>{esc(label)}</title><rect class="track" width="{_BAR_WIDTH}" '
        f'height="{_BAR_HEIGHT}"/>{"".join(segments)}</svg>'
    )


def _area_row(tally: AreaTally, scale: int) -> str:
    counts = "".join(
        f'<td class="num c-{status}"><b>{n}</b></td>' if n else '<td class="num muted">0</td>'
        for status, n in tally.counts.items()
    )
    return (
        f"<tr><td><code>{esc(tally.feature_file)}</code></td><td>{esc(tally.feature)}</td>"
        f'<td class="num">{tally.total}</td><td>{_bar(tally, scale)}</td>{counts}</tr>'
    )


def _areas(results: dict[str, Any]) -> str:
    tallies = area_tallies(results)
    if not tallies:
        return ""
    scale = max(t.total for t in tallies)
    rows = "".join(_area_row(t, scale) for t in tallies)
    heads = "".join(
        f'<th class="num">{esc(label.capitalize())}</th>' for label in _SCENARIO_LABELS.values()
    )
    return (
        '<h3>Scenarios by behaviour area</h3><table class="areas"><thead><tr>'
        '<th>Feature file</th><th>Behaviour area</th><th colspan="2">Scenarios</th>'
        f"{heads}</tr></thead><tbody>{rows}</tbody></table>"
    )


def _slowest(results: dict[str, Any], shown: set[str]) -> str:
    """The slowest scenarios, each by where it is written, linked to it on the page."""
    items = [
        f"{_scenario_link(s, shown, location(s))} "
        f'<span class="muted">({duration(float(s.get("seconds", 0.0)))})</span>'
        for s in slowest_scenarios(results)
    ]
    if not items:
        return ""
    return f'<p class="counts slowest"><b>Slowest scenarios:</b> {" · ".join(items)}</p>'


def summary(results: dict[str, Any], meta: RunMeta, verdicts: Sequence[RequirementVerdict]) -> str:
    """The summary section: verdict and facts, counts, failures, areas, the slowest scenarios."""
    scenario_line = _count_line(scenario_counts(results.get("scenarios", [])), _SCENARIO_LABELS)
    requirement_line = _count_line(verdict_counts(verdicts), {v: v for v in VERDICTS})
    shown = {rv.requirement.id for rv in verdicts}
    return (
        '<section id="summary"><h2>Summary</h2><div class="summary">'
        f"{_verdict_box(results, verdicts)}{_facts(results, meta)}</div>"
        f'<p class="counts"><b>Scenarios:</b> {scenario_line}</p>'
        f'<p class="counts"><b>Requirements:</b> {requirement_line}</p>'
        f"{_failure_list(results, shown)}{_areas(results)}{_slowest(results, shown)}</section>"
    )
