"""What a run was and what it concluded, as plain data: the report's markup is elsewhere.

A scenario is a result dict as `conformance.plugin` writes it to `results.json`.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any, Literal

from vsb.catalogue import Catalogue, Requirement

Verdict = Literal["passed", "failed", "not tested", "manual"]
VERDICTS: tuple[Verdict, ...] = ("passed", "failed", "not tested", "manual")
SLOWEST = 5  # how many of the slowest scenarios the summary names


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


def scenario_counts(scenarios: Iterable[dict[str, Any]]) -> dict[str, int]:
    """How many scenarios passed, failed and were skipped (any other status)."""
    statuses = [s.get("status") for s in scenarios]
    passed, failed = statuses.count("passed"), statuses.count("failed")
    return {"passed": passed, "failed": failed, "skipped": len(statuses) - passed - failed}


def verdict_counts(verdicts: Sequence[RequirementVerdict]) -> dict[str, int]:
    """How many requirements got each verdict, every verdict named."""
    return {v: sum(1 for rv in verdicts if rv.verdict == v) for v in VERDICTS}


@dataclass(frozen=True)
class AreaTally:
    """One behaviour area (a feature file) and how its scenarios ended."""

    feature_file: str
    feature: str
    counts: dict[str, int]  # passed, failed, skipped, as `scenario_counts` gives them

    @property
    def total(self) -> int:
        """How many scenarios the area has in this run."""
        return sum(self.counts.values())


def area_tallies(results: dict[str, Any]) -> list[AreaTally]:
    """Per behaviour area (feature file), in the order the run met them, its scenario counts."""
    areas: dict[str, list[dict[str, Any]]] = {}
    for scenario in results.get("scenarios", []):
        name = str(scenario.get("feature_file") or "(no feature file)")
        areas.setdefault(name, []).append(scenario)
    return [
        AreaTally(name, str(scenarios[0].get("feature", "")), scenario_counts(scenarios))
        for name, scenarios in areas.items()
    ]


def slowest_scenarios(results: dict[str, Any], count: int = SLOWEST) -> list[dict[str, Any]]:
    """The `count` scenarios that took longest, longest first; equal times in the run's order."""
    scenarios: list[dict[str, Any]] = list(results.get("scenarios", []))
    scenarios.sort(key=lambda s: float(s.get("seconds", 0.0)), reverse=True)
    return scenarios[:count]
