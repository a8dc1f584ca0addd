"""One scenario on the page: where it comes from, why it failed, its steps and exchanges.

A failed scenario names the rule broken in the catalogue's words, the field at fault and what
was expected against what came back; the exchanges of the failing step are open.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from conformance.report.markup import (
    badge,
    duration,
    esc,
    location,
    pretty,
    req_link,
    scenario_anchor,
)
from conformance.report.verdicts import scenario_requirements
from vsb.catalogue import Catalogue

_ERROR_TITLES = {
    "breach": "Rule broken",
    "setup": "Set-up failed: the harness could not bring the system into the scenario's state",
    "assertion": "Check failed",
    "error": "Error during the scenario",
    "unavailable": "Target unavailable: the system under test could not be reached",
    "undefined": "Step not defined in the suite",
}
_BROKE = ("failed", "undefined")

# -- one failure -----------------------------------------------------------------------------


def _rule_words(ids: Sequence[str], catalogue: Catalogue, shown: set[str]) -> str:
    items = []
    for requirement_id in ids:
        text = (
            catalogue[requirement_id].text
            if requirement_id in catalogue
            else ("(not in the catalogue)")
        )
        items.append(f"<li><b>{req_link(requirement_id, shown)}</b>: {esc(text)}</li>")
    return f'<ul class="rules">{"".join(items)}</ul>' if items else ""


def _expected_got(error: dict[str, Any]) -> str:
    pointer = error.get("pointer")
    where = f"<code>{esc(pointer)}</code>" if pointer else "the answer as a whole (no field named)"
    return (
        f'<p class="pointer"><b>Field at fault:</b> {where}</p><div class="eg">'
        f'<div class="expected"><h5>Expected</h5><pre>{esc(error.get("expected", ""))}</pre></div>'
        f'<div class="got"><h5>Got</h5><pre>{esc(error.get("got", ""))}</pre></div></div>'
    )


def _failed_step(scenario: dict[str, Any]) -> dict[str, Any] | None:
    steps = scenario.get("steps", [])
    return next((s for s in steps if s.get("status") in _BROKE), None)


def _failure(scenario: dict[str, Any], catalogue: Catalogue, shown: set[str]) -> str:
    """The box that says why a failed scenario failed, in the catalogue's words."""
    error: dict[str, Any] = scenario.get("error") or {"kind": "error", "message": ""}
    kind = str(error.get("kind", "error"))
    breached = error.get("requirement") if kind == "breach" else None
    ids = [str(breached)] if breached else scenario_requirements(scenario)
    title = _ERROR_TITLES.get(kind, "Failed")
    body = (
        _expected_got(error) if kind == "breach" else f"<pre>{esc(error.get('message', ''))}</pre>"
    )
    step = _failed_step(scenario)
    at = (
        f'<p class="at"><b>At step:</b> {esc(step.get("keyword", ""))} {esc(step.get("text", ""))}'
        "</p>"
        if step
        else ""
    )
    lead = "In the catalogue's words" if breached else "Requirement(s) this scenario certifies"
    return (
        f'<div class="failure"><div class="failure-title">{esc(title)}</div>'
        f'<p class="lead">{lead}:</p>{_rule_words(ids, catalogue, shown)}{body}{at}</div>'
    )


# -- steps and exchanges ---------------------------------------------------------------------


def _exchange(exchange: dict[str, Any], open_: bool) -> str:
    status = exchange.get("status")
    summary = (
        f'<span class="actor">{esc(exchange.get("actor", ""))}</span> · '
        f'{esc(exchange.get("action", ""))} → <span class="http">{esc(status)}</span>'
    )
    return (
        f'<details class="exchange"{" open" if open_ else ""}><summary>{summary}</summary>'
        f'<div class="sr"><div><h5>Sent</h5><pre>{pretty(exchange.get("sent"))}</pre></div>'
        f"<div><h5>Received</h5><pre>{pretty(exchange.get('received'))}</pre></div></div>"
        "</details>"
    )


def _datatable(rows: list[list[str]] | None) -> str:
    if not rows:
        return ""
    body = "".join("<tr>" + "".join(f"<td>{esc(c)}</td>" for c in row) + "</tr>" for row in rows)
    return f'<table class="datatable">{body}</table>'


def _docstring(text: str | None) -> str:
    return f'<pre class="docstring">{esc(text)}</pre>' if text else ""


def _open_steps(scenario: dict[str, Any]) -> set[int]:
    """The steps whose exchanges open: the failing one, else the last before it with any."""
    steps = scenario.get("steps", [])
    failing = next((i for i, s in enumerate(steps) if s.get("status") in _BROKE), None)
    if failing is None:
        return set()
    with_exchanges = [i for i in range(failing + 1) if steps[i].get("exchanges")]
    if failing in with_exchanges or not with_exchanges:
        return {failing}
    return {failing, with_exchanges[-1]}


def _step(step: dict[str, Any], open_: bool) -> str:
    status = str(step.get("status", "skipped"))
    exchanges = "".join(_exchange(x, open_) for x in step.get("exchanges") or [])
    error = step.get("error")
    note = f'<div class="step-error">{esc(error.get("message", ""))}</div>' if error else ""
    return (
        f'<li class="step st-{esc(status)}"><div class="step-line">{badge(status)} '
        f"<b>{esc(step.get('keyword', ''))}</b> {esc(step.get('text', ''))}"
        f'<span class="secs">{duration(float(step.get("seconds", 0.0)))}</span></div>'
        f"{_docstring(step.get('docstring'))}{_datatable(step.get('datatable'))}"
        f"{note}{exchanges}</li>"
    )


def _steps(scenario: dict[str, Any]) -> str:
    opened = _open_steps(scenario)
    items = "".join(_step(s, i in opened) for i, s in enumerate(scenario.get("steps", [])))
    return f'<ol class="steps">{items}</ol>'


# -- the scenario ----------------------------------------------------------------------------


def _scenario_meta(scenario: dict[str, Any], section: str, shown: set[str]) -> str:
    parts = [
        f"<b>Feature:</b> {esc(scenario.get('feature', ''))}",
        f"<b>Rule:</b> {esc(scenario.get('rule') or '—')}",
        f"<code>{esc(location(scenario))}</code>",
        duration(float(scenario.get("seconds", 0.0))),
    ]
    others = [r for r in scenario_requirements(scenario) if r != section]
    if others:
        parts.append("<b>Also certifies:</b> " + ", ".join(req_link(r, shown) for r in others))
    plain = [t for t in scenario.get("tags", []) if not str(t).startswith("REQ-")]
    if plain:
        parts.append("<b>Tags:</b> " + esc(" ".join(f"@{t}" for t in plain)))
    return '<p class="meta">' + " · ".join(parts) + "</p>"


def scenario_article(
    scenario: dict[str, Any], section: str, catalogue: Catalogue, shown: set[str]
) -> str:
    """A scenario as it appears in `section` (a requirement id, or `other`)."""
    status = str(scenario.get("status", "skipped"))
    failure = _failure(scenario, catalogue, shown) if status == "failed" else ""
    anchor = scenario_anchor(section, scenario)
    return (
        f'<article class="scenario sc-{esc(status)}" id="{esc(anchor)}">'
        f"<h4>{badge(status)} {esc(scenario.get('name', ''))}</h4>"
        f"{_scenario_meta(scenario, section, shown)}{failure}{_steps(scenario)}</article>"
    )
