"""The HTML report of a conformance run (conformance.report) on small hand-made results."""

from __future__ import annotations

import html
import inspect
import re
from pathlib import Path
from typing import Any

import conformance.report
from conformance.report import RunMeta, render_html, requirement_verdicts, write_html
from vsb.catalogue import Catalogue, Requirement

CATALOGUE = Catalogue(
    (
        Requirement(
            "REQ-T-DEADLINE",
            "request",
            "A request arrives within 30 days.",
            "seed 002 §4",
            "central",
            True,
            "refused",
        ),
        Requirement(
            "REQ-T-ANSWER",
            "message",
            "Every message gets one answer.",
            "seed 002 §4",
            "both",
            True,
            "none",
        ),
        Requirement(
            "REQ-T-PAPER",
            "billing",
            "No paper statements.",
            "seed 002 §5",
            "central",
            False,
            "none",
            manual_reason="Nothing reaches the central application.",
        ),
        Requirement(
            "REQ-T-UNTESTED",
            "stop",
            "A stop carries its date.",
            "seed 002 §3",
            "central",
            True,
            "refused",
        ),
        Requirement(
            "REQ-T-MBE-ONLY", "mbe", "The MBE reads its feed.", "seed 002 §4", "mbe", True, "none"
        ),
    )
)
META = RunMeta("0.1.0", "2024.1", "in-process reference application", "2024-05-01T10:00:00+02:00")

BREACH = {
    "kind": "breach",
    "requirement": "REQ-T-DEADLINE",
    "pointer": "/begeleiding/startDate",
    "expected": "refused for REQ-T-DEADLINE",
    "got": "accepted",
    "message": "expected refused for REQ-T-DEADLINE at /begeleiding/startDate; got accepted",
}
HOSTILE = {"kind": "answer", "outcome": "accepted", "note": "<script>alert(1)</script>"}


def _step(keyword: str, text: str, status: str = "passed", **extra: Any) -> dict[str, Any]:
    step = {
        "keyword": keyword,
        "text": text,
        "status": status,
        "seconds": 0.001,
        "exchanges": [],
        "error": None,
        "docstring": None,
        "datatable": None,
    }
    step.update(extra)
    return step


def _scenario(name: str, requirements: list[str], status: str, **extra: Any) -> dict[str, Any]:
    scenario = {
        "nodeid": f"test_features.py::{name.replace(' ', '_')}",
        "feature": "Requests for intervention",
        "feature_file": "requests.feature",
        "rule": "The request arrives in time",
        "requirements": requirements,
        "tags": sorted(requirements),
        "name": name,
        "line": 12,
        "status": status,
        "seconds": 0.01,
        "steps": [_step("Then", "the request is accepted", status)],
        "error": None,
    }
    scenario.update(extra)
    return scenario


def _failed() -> dict[str, Any]:
    exchange = {
        "actor": "MBE 76311284930",
        "action": "send request",
        "sent": {"kind": "request", "messageId": "rq-1"},
        "status": 200,
        "received": HOSTILE,
    }
    steps = [
        _step("When", "MBE Brugge requests a begeleiding sent 31 days late", exchanges=[exchange]),
        _step("Then", "the request is refused for REQ-T-DEADLINE", "failed", error=BREACH),
    ]
    return _scenario(
        "A late request is refused", ["REQ-T-DEADLINE"], "failed", steps=steps, error=BREACH
    )


def _passing() -> list[dict[str, Any]]:
    return [
        _scenario("A request in time is accepted", ["REQ-T-DEADLINE", "REQ-T-ANSWER"], "passed"),
        _scenario("A request gets one answer", ["REQ-T-ANSWER"], "passed"),
    ]


def _results(*scenarios: dict[str, Any]) -> dict[str, Any]:
    return {"started": 1714550400.0, "seconds": 1.5, "scenarios": list(scenarios)}


def _verdicts(results: dict[str, Any]) -> dict[str, str]:
    return {v.requirement.id: v.verdict for v in requirement_verdicts(results, CATALOGUE)}


# -- verdicts --------------------------------------------------------------------------------


def test_a_failed_scenario_beats_passed_ones_of_the_same_requirement() -> None:
    verdicts = _verdicts(_results(*_passing(), _failed()))
    assert verdicts["REQ-T-DEADLINE"] == "failed"
    assert verdicts["REQ-T-ANSWER"] == "passed"


def test_manual_and_not_tested_requirements_and_the_actor_filter() -> None:
    verdicts = _verdicts(_results(*_passing()))
    assert verdicts["REQ-T-PAPER"] == "manual"
    assert verdicts["REQ-T-UNTESTED"] == "not tested"
    assert "REQ-T-MBE-ONLY" not in verdicts
    assert list(verdicts) == ["REQ-T-DEADLINE", "REQ-T-ANSWER", "REQ-T-PAPER", "REQ-T-UNTESTED"]
    mbe = requirement_verdicts(_results(), CATALOGUE, actor_filter=("mbe", "both"))
    assert [v.requirement.id for v in mbe] == ["REQ-T-ANSWER", "REQ-T-MBE-ONLY"]


def test_a_scenario_tagged_with_two_requirements_counts_for_both() -> None:
    by_id = {v.requirement.id: v for v in requirement_verdicts(_results(*_passing()), CATALOGUE)}
    assert [s["name"] for s in by_id["REQ-T-DEADLINE"].scenarios] == [
        "A request in time is accepted"
    ]
    assert len(by_id["REQ-T-ANSWER"].scenarios) == 2


def test_a_requirement_whose_scenarios_were_skipped_is_not_tested() -> None:
    skipped = _scenario("A request in time is accepted", ["REQ-T-DEADLINE"], "skipped")
    assert _verdicts(_results(skipped))["REQ-T-DEADLINE"] == "not tested"


# -- the page --------------------------------------------------------------------------------


def test_the_summary_says_not_conformant_when_a_scenario_failed() -> None:
    page = render_html(_results(*_passing(), _failed()), META, CATALOGUE)
    assert "NOT CONFORMANT" in page
    assert "0.1.0" in page and "2024.1" in page and "in-process reference application" in page


def test_the_summary_says_conformant_when_every_scenario_passed() -> None:
    page = render_html(_results(*_passing()), META, CATALOGUE)
    assert "NOT CONFORMANT" not in page
    assert '<div class="word">CONFORMANT</div>' in page


def test_a_run_in_which_nothing_ran_is_not_conformant() -> None:
    skipped = _scenario("A request in time is accepted", ["REQ-T-DEADLINE"], "skipped")
    assert "NOT CONFORMANT" in render_html(_results(skipped), META, CATALOGUE)
    assert "NOT CONFORMANT" in render_html(_results(), META, CATALOGUE)


def test_a_breach_shows_the_rule_in_the_catalogue_words_the_field_and_expected_against_got() -> (
    None
):
    page = render_html(_results(_failed()), META, CATALOGUE)
    failure = page[page.index('<div class="failure">') :]
    failure = failure[: failure.index('<ol class="steps">')]
    assert "A request arrives within 30 days." in failure
    assert "REQ-T-DEADLINE" in failure
    assert "/begeleiding/startDate" in failure
    assert "<h5>Expected</h5><pre>refused for REQ-T-DEADLINE</pre>" in failure
    assert "<h5>Got</h5><pre>accepted</pre>" in failure


def test_a_breach_without_a_requirement_names_the_scenario_tags() -> None:
    scenario = _failed()
    scenario["error"] = {**BREACH, "requirement": None}
    page = render_html(_results(scenario), META, CATALOGUE)
    assert "A request arrives within 30 days." in page[page.index('<div class="failure">') :]


def test_text_from_the_system_under_test_is_escaped() -> None:
    scenario = _failed()
    scenario["name"] = "<b>bold</b> name"
    scenario["error"] = {**BREACH, "got": "<script>alert(2)</script>"}
    page = render_html(_results(scenario), META, CATALOGUE)
    assert "<script" not in page
    assert "<b>bold</b>" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert "&lt;script&gt;alert(2)&lt;/script&gt;" in page


def test_the_failing_step_opens_the_exchanges_it_checked() -> None:
    page = render_html(_results(_failed()), META, CATALOGUE)
    assert re.search(r'<details class="exchange" open><summary>.*MBE 76311284930', page)
    calm = _scenario("A request in time is accepted", ["REQ-T-DEADLINE"], "passed")
    calm["steps"][0]["exchanges"] = [{**_failed()["steps"][0]["exchanges"][0]}]
    passed = render_html(_results(calm), META, CATALOGUE)
    assert '<details class="exchange"><summary>' in passed
    assert " open>" not in passed


def test_a_scenario_with_two_requirements_appears_under_each_section() -> None:
    page = render_html(_results(*_passing()), META, CATALOGUE)
    assert page.count("<h4>") == 3
    assert page.count("A request in time is accepted") == 2


def test_manual_not_tested_and_not_selected_are_explained() -> None:
    page = render_html(_results(*_passing()), META, CATALOGUE)
    assert "Nothing reaches the central application." in page
    assert "no scenario of the suite tests this requirement" in page
    selected = RunMeta(**{**META.__dict__, "selection": "(REQ-T-ANSWER)"})
    assert "not selected in this run" in render_html(_results(*_passing()), selected, CATALOGUE)


def test_docstrings_and_data_tables_are_shown_escaped() -> None:
    scenario = _scenario("A table", ["REQ-T-ANSWER"], "passed")
    scenario["steps"] = [
        _step(
            "Given",
            "these people",
            datatable=[["name", "insz"], ["<An>", "38020300142"]],
            docstring='{"a": "<x>"}',
        )
    ]
    page = render_html(_results(scenario), META, CATALOGUE)
    assert "<td>&lt;An&gt;</td><td>38020300142</td>" in page
    assert "{&quot;a&quot;: &quot;&lt;x&gt;&quot;}" in page


def test_the_page_is_self_contained_and_written_to_a_file_or_folder(tmp_path: Path) -> None:
    results = _results(*_passing(), _failed())
    into_folder = write_html(results, META, CATALOGUE, tmp_path / "out")
    assert into_folder == tmp_path / "out" / "report.html"
    page = into_folder.read_text("utf-8")
    assert "<style>" in page and "<script" not in page
    assert not re.search(r'(src|href)="(https?:)?//', page)
    named = write_html(results, META, CATALOGUE, tmp_path / "evidence.html")
    assert named.read_text("utf-8") == page


def test_a_failure_that_is_no_breach_shows_its_kind_message_and_the_requirements_at_stake() -> None:
    scenario = _failed()
    scenario["error"] = {"kind": "unavailable", "message": "TargetUnavailable: connection refused"}
    page = render_html(_results(scenario), META, CATALOGUE)
    failure = page[page.index('<div class="failure">') :]
    assert "Target unavailable" in failure
    assert "TargetUnavailable: connection refused" in failure
    assert "A request arrives within 30 days." in failure


# -- behaviour areas and time ----------------------------------------------------------------


def _stops() -> list[dict[str, Any]]:
    area = {"feature_file": "stops.feature", "feature": "Stops"}
    return [
        _scenario("A stop carries its date", ["REQ-T-UNTESTED"], "passed", **area),
        _scenario("A stop without a date", ["REQ-T-UNTESTED"], "skipped", **area),
    ]


def _bars(page: str) -> dict[str, list[tuple[str, int, float]]]:
    """Per feature file, its summary bar's segments: status, scenarios, width in bar units."""
    bars = {}
    for label, body in re.findall(
        r'<svg class="bar" role="img" aria-label="([^"]*)"[^>]*>(.*?)</svg>', page
    ):
        segments = re.findall(r'width="([\d.]+)"[^>]*data-status="(\w+)" data-count="(\d+)"', body)
        bars[html.unescape(label).rsplit(": ", 1)[0]] = [
            (st, int(n), float(w)) for w, st, n in segments
        ]
    return bars


def test_the_summary_draws_a_bar_per_feature_file_counting_its_scenarios_by_status() -> None:
    results = _results(*_passing(), _failed(), *_stops())
    bars = _bars(render_html(results, META, CATALOGUE))
    counted = {f: {status: n for status, n, _ in segments} for f, segments in bars.items()}
    assert counted == {
        "requests.feature": {"passed": 2, "failed": 1},
        "stops.feature": {"passed": 1, "skipped": 1},
    }


def test_the_bars_share_one_scale_so_the_largest_area_fills_its_bar() -> None:
    page = render_html(_results(*_passing(), _failed(), *_stops()), META, CATALOGUE)
    full = float(re.search(r'<svg class="bar"[^>]* width="(\d+)"', page).group(1))
    bars = _bars(page)
    per_scenario = {round(w / n, 2) for segments in bars.values() for _, n, w in segments}
    assert per_scenario == {round(full / 3, 2)}
    assert sum(w for _, _, w in bars["requests.feature"]) == full


def test_a_feature_file_named_by_the_results_is_escaped_in_its_bar() -> None:
    scenario = _scenario("A request", ["REQ-T-ANSWER"], "passed", feature_file="<x>.feature")
    page = render_html(_results(scenario), META, CATALOGUE)
    assert "<x>" not in page
    assert 'aria-label="&lt;x&gt;.feature: 1 passed, 0 failed, 0 skipped"' in page


def test_the_slowest_line_names_the_five_slowest_scenarios_longest_first() -> None:
    times = [0.3, 1.2, 0.01, 2.5, 0.7, 0.05, 0.9]
    scenarios = [
        _scenario(f"Scenario {i}", ["REQ-T-ANSWER"], "passed", seconds=t, line=10 + i)
        for i, t in enumerate(times)
    ]
    page = render_html(_results(*scenarios), META, CATALOGUE)
    line = re.search(r'<p class="counts slowest">(.*?)</p>', page).group(1)
    named = re.findall(r'<a href="#([^"]+)">([^<]*)</a> <span class="muted">\(([\d.]+) s\)', line)
    assert [where for _, where, _ in named] == [
        "requests.feature:13",
        "requests.feature:11",
        "requests.feature:16",
        "requests.feature:14",
        "requests.feature:10",
    ]
    assert [float(s) for _, _, s in named] == [2.5, 1.2, 0.9, 0.7, 0.3]
    assert all(f'id="{anchor}"' in page for anchor, _, _ in named)


def test_a_run_without_scenarios_draws_no_bar_and_names_no_slowest() -> None:
    page = render_html(_results(), META, CATALOGUE)
    assert 'class="bar"' not in page
    assert "Slowest scenarios" not in page


def test_the_package_exports_exactly_its_public_names() -> None:
    public = {
        name
        for name, value in vars(conformance.report).items()
        if not name.startswith("_") and not inspect.ismodule(value)
    }
    assert public == set(conformance.report.__all__)
