"""The whole page: summary, coverage table, one section per requirement, and the rest.

The page is self-contained (inline CSS, no script, no external address) and prints legibly.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

from conformance.report.markup import badge, esc, req_anchor, shorten, slug
from conformance.report.scenarios import scenario_article
from conformance.report.style import CSS
from conformance.report.summary import summary
from conformance.report.verdicts import (
    RequirementVerdict,
    RunMeta,
    requirement_verdicts,
    scenario_requirements,
)
from vsb.catalogue import Catalogue

REPORT = "report.html"
_ACTORS = {"central": ("central", "both"), "mbe": ("mbe", "both")}

# -- coverage table --------------------------------------------------------------------------


def _scenario_count(rv: RequirementVerdict) -> str:
    failed = sum(1 for s in rv.scenarios if s.get("status") == "failed")
    return f"{len(rv.scenarios)}" + (f" ({failed} failed)" if failed else "")


def _coverage_row(rv: RequirementVerdict) -> str:
    requirement = rv.requirement
    return (
        f'<tr><td class="id"><a href="#{esc(req_anchor(requirement.id))}">'
        f"{esc(requirement.id)}</a></td><td>{esc(requirement.area)}</td>"
        f'<td title="{esc(requirement.text)}">{esc(shorten(requirement.text))}</td>'
        f'<td>{badge(rv.verdict)}</td><td class="num">{_scenario_count(rv)}</td></tr>'
    )


def _coverage(verdicts: Sequence[RequirementVerdict], meta: RunMeta) -> str:
    rows = "".join(_coverage_row(rv) for rv in verdicts)
    return (
        f'<section id="coverage"><h2>Coverage: requirements on the {esc(meta.direction)} '
        "side</h2>"
        '<table class="coverage"><thead><tr><th>Requirement</th><th>Area</th><th>Text</th>'
        f"<th>Verdict</th><th>Scenarios</th></tr></thead><tbody>{rows}</tbody></table>"
        "</section>"
    )


# -- requirement sections --------------------------------------------------------------------


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
    scenarios = "".join(scenario_article(s, requirement.id, catalogue, shown) for s in rv.scenarios)
    anchor = esc(req_anchor(requirement.id))
    return (
        f'<section class="requirement v-{slug(rv.verdict)}" id="{anchor}">'
        f"<h3>{esc(requirement.id)} {badge(rv.verdict)}</h3>"
        f'<p class="req-text">{esc(requirement.text)}</p>'
        f'<p class="source"><b>Source:</b> {esc(requirement.source)}</p>'
        f'<p class="meta"><b>Area:</b> {esc(requirement.area)} · <b>Actor:</b> '
        f"{esc(requirement.actor)} · <b>Scenarios:</b> {len(rv.scenarios)}</p>"
        + (f'<p class="note">{esc(note)}</p>' if note else "")
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
    body = "".join(scenario_article(s, "other", catalogue, shown) for s in left)
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
    subject = {"central": "central application", "mbe": "MBE software"}
    title = f"VSB conformance report: {subject.get(meta.direction, meta.direction)}"
    return (
        '<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>{esc(title)}</title><style>{CSS}</style></head><body>"
        f'<header><h1>{esc(title)}</h1><p class="target">{esc(meta.target)}</p></header><main>'
        f"{summary(results, meta, verdicts)}{_coverage(verdicts, meta)}"
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
