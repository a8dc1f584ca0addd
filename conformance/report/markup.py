"""The small pieces of markup every part of the report uses: escaping, badges, anchors.

Everything taken from the results goes through `esc`: it holds text from the system under test.
"""

from __future__ import annotations

import hashlib
import html
import json
from typing import Any

from conformance.report.verdicts import scenario_requirements

_SHORT = 110


def esc(value: object) -> str:
    """Text made safe for HTML content and attribute values."""
    return html.escape(str(value), quote=True)


def slug(verdict: str) -> str:
    """A verdict or status as a CSS class suffix: `not tested` is `not-tested`."""
    return verdict.replace(" ", "-")


def badge(status: str) -> str:
    """A coloured label for a verdict or status; a skipped one reads `not run`."""
    label = {"skipped": "not run"}.get(status, status)
    return f'<span class="badge s-{esc(slug(status))}">{esc(label.upper())}</span>'


def duration(seconds: float) -> str:
    """Seconds as a person reads them: 0.25 s, 3 min 4 s."""
    if seconds < 60:
        return f"{seconds:.2f} s"
    minutes, rest = divmod(round(seconds), 60)
    return f"{minutes} min {rest} s"


def pretty(value: Any) -> str:
    """A message as pretty JSON (a plain string as itself), escaped."""
    if value is None:
        return '<span class="none">(nothing)</span>'
    text = (
        value
        if isinstance(value, str)
        else json.dumps(value, indent=2, ensure_ascii=False, default=str)
    )
    return esc(text)


def shorten(text: str) -> str:
    """The text cut at a word near 110 characters, marked with an ellipsis when cut."""
    if len(text) <= _SHORT:
        return text
    return text[:_SHORT].rsplit(" ", 1)[0] + " …"


def location(scenario: dict[str, Any]) -> str:
    """Where a scenario is written: its feature file and line (an outline's examples share it)."""
    return f"{scenario.get('feature_file', '')}:{scenario.get('line', '')}"


def req_anchor(requirement_id: str) -> str:
    """The id of a requirement's section on the page."""
    return f"req-{requirement_id}"


def scenario_anchor(section: str, scenario: dict[str, Any]) -> str:
    """The id of a scenario inside a section (it may appear under several requirements)."""
    digest = hashlib.sha1(str(scenario.get("nodeid", "")).encode("utf-8")).hexdigest()[:10]
    return f"{section}--{digest}"


def home_anchor(scenario: dict[str, Any], shown: set[str]) -> str:
    """Where a summary links a scenario: under its first requirement shown, else `other`."""
    home = next((r for r in scenario_requirements(scenario) if r in shown), "other")
    return scenario_anchor(home, scenario)


def req_link(requirement_id: str, shown: set[str]) -> str:
    """A requirement id, linked to its section when the page has one."""
    if requirement_id in shown:
        return f'<a href="#{esc(req_anchor(requirement_id))}">{esc(requirement_id)}</a>'
    return esc(requirement_id)
