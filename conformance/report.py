"""The HTML report of a conformance run: the one page a certifier reads and files as evidence.

It is written from `results.json` (see `conformance.plugin`) and the requirement catalogue:
a summary with the overall verdict, a coverage table with one verdict per requirement, and per
requirement a section with every scenario that tests it, its steps and the exchanges with the
system under test. A failed scenario names the rule broken in the catalogue's words, the field
at fault and what was expected against what came back.

The page is self-contained (inline CSS, no script, no external address) and prints legibly.
Everything taken from the results is escaped: it holds text from the system under test.
"""

from __future__ import annotations

import hashlib
import html
import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

from vsb.catalogue import Catalogue, Requirement

Verdict = Literal["passed", "failed", "not tested", "manual"]
VERDICTS: tuple[Verdict, ...] = ("passed", "failed", "not tested", "manual")
REPORT = "report.html"

_ACTORS = {"central": ("central", "both"), "mbe": ("mbe", "both")}
_ERROR_TITLES = {
    "breach": "Rule broken",
    "setup": "Set-up failed: the harness could not bring the system into the scenario's state",
    "assertion": "Check failed",
    "error": "Error during the scenario",
    "unavailable": "Target unavailable: the system under test could not be reached",
    "undefined": "Step not defined in the suite",
}
_SHORT = 110


@dataclass(frozen=True)
class RunMeta:
    """What the run was: suite and rulebook versions, the target, when, what was selected."""

    suite_version: str
    rulebook: str
    target: str
    started: str
    direction: str = "central"
    selection: str = "all"


@dataclass(frozen=True)
class RequirementVerdict:
    """One requirement's verdict in a run, with the scenarios (result dicts) that test it."""

    requirement: Requirement
    verdict: Verdict
    scenarios: list[dict[str, Any]]


# -- verdicts --------------------------------------------------------------------------------


def scenario_requirements(scenario: dict[str, Any]) -> list[str]:
    """The requirement ids a scenario certifies: its `requirements`, else its REQ- tags."""
    listed = scenario.get("requirements")
    if listed is None:
        listed = [t for t in scenario.get("tags", []) if str(t).startswith("REQ-")]
    return [str(r) for r in listed]


def _verdict(requirement: Requirement, scenarios: Sequence[dict[str, Any]]) -> Verdict:
    statuses = [s.get("status") for s in scenarios]
    if "failed" in statuses:
        return "failed"
    if statuses and all(status == "passed" for status in statuses):
        return "passed"
    return "not tested" if requirement.automated else "manual"


def requirement_verdicts(
    results: dict[str, Any],
    catalogue: Catalogue,
    actor_filter: Iterable[str] = ("central", "both"),
) -> list[RequirementVerdict]:
    """Per requirement of the actors in `actor_filter`, in catalogue order, its verdict.

    failed: a scenario tagged with it failed; passed: it has scenarios and all passed;
    manual: the catalogue marks it not automatable; not tested: otherwise.
    """
    actors = set(actor_filter)
    scenarios: list[dict[str, Any]] = list(results.get("scenarios", []))
    verdicts = []
    for requirement in catalogue.requirements:
        if requirement.actor not in actors:
            continue
        mine = [s for s in scenarios if requirement.id in scenario_requirements(s)]
        verdicts.append(RequirementVerdict(requirement, _verdict(requirement, mine), mine))
    return verdicts


def overall_verdict(results: dict[str, Any]) -> bool:
    """Conformant: no scenario failed and at least one ran."""
    statuses = [s.get("status") for s in results.get("scenarios", [])]
    return "failed" not in statuses and "passed" in statuses


# -- small pieces ----------------------------------------------------------------------------


def _e(value: object) -> str:
    """Text made safe for HTML content and attribute values."""
    return html.escape(str(value), quote=True)


def _slug(verdict: str) -> str:
    return verdict.replace(" ", "-")


def _badge(status: str) -> str:
    label = {"skipped": "not run"}.get(status, status)
    return f'<span class="badge s-{_e(_slug(status))}">{_e(label.upper())}</span>'


def _duration(seconds: float) -> str:
    if seconds < 60:
        return f"{seconds:.2f} s"
    minutes, rest = divmod(round(seconds), 60)
    return f"{minutes} min {rest} s"


def _pretty(value: Any) -> str:
    """A message as pretty JSON (a plain string as itself), escaped."""
    if value is None:
        return '<span class="none">(nothing)</span>'
    text = (
        value
        if isinstance(value, str)
        else json.dumps(value, indent=2, ensure_ascii=False, default=str)
    )
    return _e(text)


def _short(text: str) -> str:
    if len(text) <= _SHORT:
        return text
    return text[:_SHORT].rsplit(" ", 1)[0] + " …"


def _req_anchor(requirement_id: str) -> str:
    return f"req-{requirement_id}"


def _scenario_anchor(section: str, scenario: dict[str, Any]) -> str:
    digest = hashlib.sha1(str(scenario.get("nodeid", "")).encode("utf-8")).hexdigest()[:10]
    return f"{section}--{digest}"


def _req_link(requirement_id: str, shown: set[str]) -> str:
    if requirement_id in shown:
        return f'<a href="#{_e(_req_anchor(requirement_id))}">{_e(requirement_id)}</a>'
    return _e(requirement_id)


# -- summary ---------------------------------------------------------------------------------


def _counts(results: dict[str, Any]) -> dict[str, int]:
    statuses = [s.get("status") for s in results.get("scenarios", [])]
    passed, failed = statuses.count("passed"), statuses.count("failed")
    return {"passed": passed, "failed": failed, "skipped": len(statuses) - passed - failed}


def _verdict_counts(verdicts: Sequence[RequirementVerdict]) -> dict[str, int]:
    return {v: sum(1 for rv in verdicts if rv.verdict == v) for v in VERDICTS}


def _count_line(counts: dict[str, int], labels: dict[str, str]) -> str:
    parts = [
        f'<span class="c-{_slug(key)}"><b>{counts[key]}</b> {_e(label)}</span>'
        for key, label in labels.items()
    ]
    return " · ".join(parts)


def _facts(results: dict[str, Any], meta: RunMeta) -> str:
    rows = [
        ("Suite version", meta.suite_version),
        ("Rulebook version", meta.rulebook),
        ("Target", meta.target),
        ("Direction", meta.direction),
        ("Started", meta.started),
        ("Selection", meta.selection),
        ("Wall time", _duration(float(results.get("seconds", 0.0)))),
    ]
    cells = "".join(f"<tr><th>{_e(k)}</th><td>{_e(v)}</td></tr>" for k, v in rows)
    return f'<table class="facts">{cells}</table>'


def _verdict_box(results: dict[str, Any], verdicts: Sequence[RequirementVerdict]) -> str:
    conformant = overall_verdict(results)
    word = "CONFORMANT" if conformant else "NOT CONFORMANT"
    counts = _verdict_counts(verdicts)
    if conformant:
        why = "No scenario failed."
    elif _counts(results)["failed"]:
        why = f"{_counts(results)['failed']} scenario(s) failed."
    else:
        why = "No scenario ran."
    open_ = counts["not tested"] + counts["manual"]
    if open_:
        why += f" {counts['not tested']} requirement(s) not tested, {counts['manual']} manual."
    css = "conformant" if conformant else "not-conformant"
    return f'<div class="verdict {css}"><div class="word">{word}</div><p>{_e(why)}</p></div>'


def _failure_list(results: dict[str, Any], shown: set[str]) -> str:
    items = []
    for scenario in results.get("scenarios", []):
        if scenario.get("status") != "failed":
            continue
        home = next((r for r in scenario_requirements(scenario) if r in shown), "other")
        anchor = _scenario_anchor(home, scenario)
        message = (scenario.get("error") or {}).get("message", "")
        items.append(
            f'<li><a href="#{_e(anchor)}">{_e(scenario.get("name", ""))}</a>'
            f' <span class="muted">— {_e(message)}</span></li>'
        )
    if not items:
        return ""
    return f'<h3>Failed scenarios</h3><ul class="failures">{"".join(items)}</ul>'


def _summary(results: dict[str, Any], meta: RunMeta, verdicts: Sequence[RequirementVerdict]) -> str:
    scenario_line = _count_line(
        _counts(results), {"passed": "passed", "failed": "failed", "skipped": "skipped"}
    )
    requirement_line = _count_line(_verdict_counts(verdicts), {v: v for v in VERDICTS})
    shown = {rv.requirement.id for rv in verdicts}
    return (
        '<section id="summary"><h2>Summary</h2><div class="summary">'
        f"{_verdict_box(results, verdicts)}{_facts(results, meta)}</div>"
        f'<p class="counts"><b>Scenarios:</b> {scenario_line}</p>'
        f'<p class="counts"><b>Requirements:</b> {requirement_line}</p>'
        f"{_failure_list(results, shown)}</section>"
    )


# -- coverage table --------------------------------------------------------------------------


def _scenario_count(rv: RequirementVerdict) -> str:
    failed = sum(1 for s in rv.scenarios if s.get("status") == "failed")
    return f"{len(rv.scenarios)}" + (f" ({failed} failed)" if failed else "")


def _coverage_row(rv: RequirementVerdict) -> str:
    requirement = rv.requirement
    return (
        f'<tr><td class="id"><a href="#{_e(_req_anchor(requirement.id))}">'
        f"{_e(requirement.id)}</a></td><td>{_e(requirement.area)}</td>"
        f'<td title="{_e(requirement.text)}">{_e(_short(requirement.text))}</td>'
        f'<td>{_badge(rv.verdict)}</td><td class="num">{_scenario_count(rv)}</td></tr>'
    )


def _coverage(verdicts: Sequence[RequirementVerdict], meta: RunMeta) -> str:
    rows = "".join(_coverage_row(rv) for rv in verdicts)
    return (
        f'<section id="coverage"><h2>Coverage: requirements on the {_e(meta.direction)} '
        "side</h2>"
        '<table class="coverage"><thead><tr><th>Requirement</th><th>Area</th><th>Text</th>'
        f"<th>Verdict</th><th>Scenarios</th></tr></thead><tbody>{rows}</tbody></table>"
        "</section>"
    )


# -- one failure -----------------------------------------------------------------------------


def _rule_words(ids: Sequence[str], catalogue: Catalogue, shown: set[str]) -> str:
    items = []
    for requirement_id in ids:
        text = (
            catalogue[requirement_id].text
            if requirement_id in catalogue
            else ("(not in the catalogue)")
        )
        items.append(f"<li><b>{_req_link(requirement_id, shown)}</b>: {_e(text)}</li>")
    return f'<ul class="rules">{"".join(items)}</ul>' if items else ""


def _expected_got(error: dict[str, Any]) -> str:
    pointer = error.get("pointer")
    where = f"<code>{_e(pointer)}</code>" if pointer else "the answer as a whole (no field named)"
    return (
        f'<p class="pointer"><b>Field at fault:</b> {where}</p><div class="eg">'
        f'<div class="expected"><h5>Expected</h5><pre>{_e(error.get("expected", ""))}</pre></div>'
        f'<div class="got"><h5>Got</h5><pre>{_e(error.get("got", ""))}</pre></div></div>'
    )


def _failed_step(scenario: dict[str, Any]) -> dict[str, Any] | None:
    steps = scenario.get("steps", [])
    return next((s for s in steps if s.get("status") in ("failed", "undefined")), None)


def _failure(scenario: dict[str, Any], catalogue: Catalogue, shown: set[str]) -> str:
    """The box that says why a failed scenario failed, in the catalogue's words."""
    error: dict[str, Any] = scenario.get("error") or {"kind": "error", "message": ""}
    kind = str(error.get("kind", "error"))
    breached = error.get("requirement") if kind == "breach" else None
    ids = [str(breached)] if breached else scenario_requirements(scenario)
    title = _ERROR_TITLES.get(kind, "Failed")
    body = (
        _expected_got(error) if kind == "breach" else f"<pre>{_e(error.get('message', ''))}</pre>"
    )
    step = _failed_step(scenario)
    at = (
        f'<p class="at"><b>At step:</b> {_e(step.get("keyword", ""))} {_e(step.get("text", ""))}'
        "</p>"
        if step
        else ""
    )
    lead = "In the catalogue's words" if breached else "Requirement(s) this scenario certifies"
    return (
        f'<div class="failure"><div class="failure-title">{_e(title)}</div>'
        f'<p class="lead">{lead}:</p>{_rule_words(ids, catalogue, shown)}{body}{at}</div>'
    )


# -- steps and exchanges ---------------------------------------------------------------------


def _exchange(exchange: dict[str, Any], open_: bool) -> str:
    status = exchange.get("status")
    summary = (
        f'<span class="actor">{_e(exchange.get("actor", ""))}</span> · '
        f'{_e(exchange.get("action", ""))} → <span class="http">{_e(status)}</span>'
    )
    return (
        f'<details class="exchange"{" open" if open_ else ""}><summary>{summary}</summary>'
        f'<div class="sr"><div><h5>Sent</h5><pre>{_pretty(exchange.get("sent"))}</pre></div>'
        f"<div><h5>Received</h5><pre>{_pretty(exchange.get('received'))}</pre></div></div>"
        "</details>"
    )


def _datatable(rows: list[list[str]] | None) -> str:
    if not rows:
        return ""
    body = "".join("<tr>" + "".join(f"<td>{_e(c)}</td>" for c in row) + "</tr>" for row in rows)
    return f'<table class="datatable">{body}</table>'


def _docstring(text: str | None) -> str:
    return f'<pre class="docstring">{_e(text)}</pre>' if text else ""


def _open_steps(scenario: dict[str, Any]) -> set[int]:
    """The steps whose exchanges open: the failing one, else the last before it with any."""
    steps = scenario.get("steps", [])
    broke = ("failed", "undefined")
    failing = next((i for i, s in enumerate(steps) if s.get("status") in broke), None)
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
    note = f'<div class="step-error">{_e(error.get("message", ""))}</div>' if error else ""
    return (
        f'<li class="step st-{_e(status)}"><div class="step-line">{_badge(status)} '
        f"<b>{_e(step.get('keyword', ''))}</b> {_e(step.get('text', ''))}"
        f'<span class="secs">{_duration(float(step.get("seconds", 0.0)))}</span></div>'
        f"{_docstring(step.get('docstring'))}{_datatable(step.get('datatable'))}"
        f"{note}{exchanges}</li>"
    )


def _steps(scenario: dict[str, Any]) -> str:
    opened = _open_steps(scenario)
    items = "".join(_step(s, i in opened) for i, s in enumerate(scenario.get("steps", [])))
    return f'<ol class="steps">{items}</ol>'


# -- scenarios and requirement sections ------------------------------------------------------


def _scenario_meta(scenario: dict[str, Any], section: str, shown: set[str]) -> str:
    where = f"{scenario.get('feature_file', '')}:{scenario.get('line', '')}"
    parts = [
        f"<b>Feature:</b> {_e(scenario.get('feature', ''))}",
        f"<b>Rule:</b> {_e(scenario.get('rule') or '—')}",
        f"<code>{_e(where)}</code>",
        _duration(float(scenario.get("seconds", 0.0))),
    ]
    others = [r for r in scenario_requirements(scenario) if r != section]
    if others:
        parts.append("<b>Also certifies:</b> " + ", ".join(_req_link(r, shown) for r in others))
    plain = [t for t in scenario.get("tags", []) if not str(t).startswith("REQ-")]
    if plain:
        parts.append("<b>Tags:</b> " + _e(" ".join(f"@{t}" for t in plain)))
    return '<p class="meta">' + " · ".join(parts) + "</p>"


def _scenario(scenario: dict[str, Any], section: str, catalogue: Catalogue, shown: set[str]) -> str:
    status = str(scenario.get("status", "skipped"))
    failure = _failure(scenario, catalogue, shown) if status == "failed" else ""
    return (
        f'<article class="scenario sc-{_e(status)}" id="{_e(_scenario_anchor(section, scenario))}">'
        f"<h4>{_badge(status)} {_e(scenario.get('name', ''))}</h4>"
        f"{_scenario_meta(scenario, section, shown)}{failure}{_steps(scenario)}</article>"
    )


def _no_scenario_note(rv: RequirementVerdict, meta: RunMeta) -> str:
    if rv.verdict == "manual":
        reason = rv.requirement.manual_reason or "no reason given in the catalogue."
        return f"Manual: the catalogue marks this requirement as not automatable: {reason}"
    if rv.verdict != "not tested":
        return ""
    if rv.scenarios:
        idle = sum(1 for s in rv.scenarios if s.get("status") != "passed")
        return f"Not tested: {idle} of {len(rv.scenarios)} scenario(s) did not run."
    if meta.selection != "all":
        return "Not tested: not selected in this run."
    return "Not tested: no scenario of the suite tests this requirement."


def _requirement_section(
    rv: RequirementVerdict, meta: RunMeta, catalogue: Catalogue, shown: set[str]
) -> str:
    requirement = rv.requirement
    note = _no_scenario_note(rv, meta)
    scenarios = "".join(_scenario(s, requirement.id, catalogue, shown) for s in rv.scenarios)
    anchor = _e(_req_anchor(requirement.id))
    return (
        f'<section class="requirement v-{_slug(rv.verdict)}" id="{anchor}">'
        f"<h3>{_e(requirement.id)} {_badge(rv.verdict)}</h3>"
        f'<p class="req-text">{_e(requirement.text)}</p>'
        f'<p class="source"><b>Source:</b> {_e(requirement.source)}</p>'
        f'<p class="meta"><b>Area:</b> {_e(requirement.area)} · <b>Actor:</b> '
        f"{_e(requirement.actor)} · <b>Scenarios:</b> {len(rv.scenarios)}</p>"
        + (f'<p class="note">{_e(note)}</p>' if note else "")
        + f"{scenarios}</section>"
    )


def _unmapped(results: dict[str, Any], catalogue: Catalogue, shown: set[str]) -> str:
    """Scenarios that certify no requirement shown: they still count in the verdict."""
    left = [
        s
        for s in results.get("scenarios", [])
        if not any(r in shown for r in scenario_requirements(s))
    ]
    if not left:
        return ""
    body = "".join(_scenario(s, "other", catalogue, shown) for s in left)
    return (
        '<section id="other"><h2>Scenarios outside these requirements</h2>'
        '<p class="note">These scenarios certify no requirement listed above; they count in the '
        f"overall verdict.</p>{body}</section>"
    )


# -- the page --------------------------------------------------------------------------------


def render_html(results: dict[str, Any], meta: RunMeta, catalogue: Catalogue) -> str:
    """The whole page as text."""
    verdicts = requirement_verdicts(results, catalogue, _ACTORS.get(meta.direction, ("both",)))
    shown = {rv.requirement.id for rv in verdicts}
    sections = "".join(_requirement_section(rv, meta, catalogue, shown) for rv in verdicts)
    title = f"VSB conformance report: {meta.direction} application"
    return (
        '<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>{_e(title)}</title><style>{CSS}</style></head><body>"
        f'<header><h1>{_e(title)}</h1><p class="target">{_e(meta.target)}</p></header><main>'
        f"{_summary(results, meta, verdicts)}{_coverage(verdicts, meta)}"
        f'<section id="requirements"><h2>Requirements in detail</h2>{sections}</section>'
        f"{_unmapped(results, catalogue, shown)}</main></body></html>\n"
    )


def write_html(results: dict[str, Any], meta: RunMeta, catalogue: Catalogue, out: Path) -> Path:
    """Write the report and return its path.

    `out` is the file to write when it ends in .html or .htm; otherwise a folder, created if
    need be, that receives `report.html`.
    """
    path = out if out.suffix.lower() in (".html", ".htm") else out / REPORT
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(render_html(results, meta, catalogue), encoding="utf-8")
    return path


CSS = """
:root { --pass: #1a7f37; --fail: #cf222e; --idle: #8a6100; --manual: #0550ae; --line: #d0d7de;
  --muted: #57606a; }
* { box-sizing: border-box; }
body { font: 14px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; color: #1f2328;
  margin: 0 auto; max-width: 1200px; padding: 0 24px 48px; }
header { border-bottom: 3px solid #1f2328; margin-bottom: 16px; }
h1 { font-size: 24px; margin: 20px 0 4px; } h2 { font-size: 20px; margin-top: 32px;
  border-bottom: 1px solid var(--line); padding-bottom: 4px; }
h3 { font-size: 17px; margin: 0 0 6px; } h4 { font-size: 15px; margin: 0 0 4px; }
h5 { font-size: 12px; margin: 0 0 2px; text-transform: uppercase; color: var(--muted); }
.target { color: var(--muted); margin: 0 0 10px; }
a { color: #0969da; }
code, pre { font: 12px/1.4 ui-monospace, "SFMono-Regular", Menlo, Consolas, monospace; }
pre { white-space: pre-wrap; overflow-wrap: anywhere; margin: 0; padding: 6px 8px;
  background: #f6f8fa; border: 1px solid var(--line); border-radius: 4px; }
.summary { display: flex; gap: 24px; align-items: stretch; flex-wrap: wrap; }
.verdict { flex: 1 1 320px; border: 3px solid; border-radius: 8px; padding: 16px 20px; }
.verdict .word { font-size: 40px; font-weight: 800; letter-spacing: 1px; line-height: 1.1; }
.verdict p { margin: 8px 0 0; font-size: 15px; }
.conformant { border-color: var(--pass); color: var(--pass); background: #dafbe1; }
.not-conformant { border-color: var(--fail); color: var(--fail); background: #ffebe9; }
table { border-collapse: collapse; }
.facts th { text-align: left; padding: 2px 12px 2px 0; color: var(--muted); font-weight: 600; }
.facts td { padding: 2px 0; }
.counts { margin: 6px 0; font-size: 15px; }
.c-passed b { color: var(--pass); } .c-failed b { color: var(--fail); }
.c-skipped b, .c-not-tested b { color: var(--idle); } .c-manual b { color: var(--manual); }
.failures li { margin: 2px 0; }
.muted, .secs, .none { color: var(--muted); }
.coverage { width: 100%; } .coverage th, .coverage td { border-bottom: 1px solid var(--line);
  padding: 4px 8px; text-align: left; vertical-align: top; }
.coverage thead th { background: #f6f8fa; } .coverage .id { white-space: nowrap; }
.num { text-align: right; white-space: nowrap; }
.badge { display: inline-block; font-size: 11px; font-weight: 700; padding: 1px 6px;
  border-radius: 10px; color: #fff; background: var(--muted); white-space: nowrap;
  vertical-align: middle; }
.s-passed { background: var(--pass); } .s-failed { background: var(--fail); }
.s-not-tested, .s-skipped, .s-undefined { background: var(--idle); }
.s-manual { background: var(--manual); }
.requirement { border: 1px solid var(--line); border-left: 6px solid var(--muted);
  border-radius: 6px; padding: 12px 16px; margin: 16px 0; }
.v-passed { border-left-color: var(--pass); } .v-failed { border-left-color: var(--fail); }
.v-not-tested { border-left-color: var(--idle); } .v-manual { border-left-color: var(--manual); }
.req-text { font-size: 15px; font-weight: 600; margin: 4px 0; }
.source { font-style: italic; margin: 4px 0; } .meta { color: var(--muted); margin: 4px 0; }
.note { background: #fff8c5; border: 1px solid #e3c463; padding: 6px 10px; border-radius: 4px; }
.scenario { border-top: 1px dashed var(--line); padding: 10px 0 4px; margin-top: 10px; }
.failure { border: 2px solid var(--fail); background: #fff5f5; border-radius: 6px;
  padding: 10px 14px; margin: 8px 0; break-inside: avoid; }
.failure-title { color: var(--fail); font-weight: 800; font-size: 16px; }
.failure .lead { margin: 6px 0 2px; font-weight: 600; } .rules { margin: 0 0 6px; }
.eg, .sr { display: grid; grid-template-columns: 1fr 1fr; gap: 10px; }
.expected pre { border-color: var(--pass); background: #f0fff4; }
.got pre { border-color: var(--fail); background: #fff0f0; }
.steps { list-style: none; padding-left: 0; margin: 6px 0; }
.step { padding: 3px 0 3px 8px; border-left: 3px solid var(--line); margin: 2px 0; }
.st-passed { border-left-color: var(--pass); } .st-failed { border-left-color: var(--fail);
  background: #fff5f5; } .st-skipped { color: var(--muted); }
.secs { float: right; font-size: 12px; }
.step-error { color: var(--fail); font-weight: 600; margin: 2px 0; }
.docstring, .datatable { margin: 4px 0 4px 24px; }
.datatable td { border: 1px solid var(--line); padding: 1px 6px; font-size: 12px; }
.exchange { margin: 3px 0 3px 24px; }
.exchange summary { cursor: pointer; font-size: 13px; }
.exchange .actor { font-weight: 600; } .http { font-family: ui-monospace, monospace; }
.sr { margin: 4px 0 6px; }
@page { margin: 14mm; }
@media print {
  body { max-width: none; padding: 0; font-size: 11px; }
  * { -webkit-print-color-adjust: exact; print-color-adjust: exact; }
  a { color: inherit; text-decoration: none; }
  .requirement, .scenario { break-inside: auto; } h2, h3, h4 { break-after: avoid; }
  #requirements { break-before: page; }
  pre { font-size: 10px; }
}
"""
