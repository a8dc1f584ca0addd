"""Which requirement the feature files test, read from their tags.

A requirement is covered by the scenarios under a `Rule:` (or a scenario) tagged with its id.
Scenarios tagged `@mbe` certify MBE software (direction 2), the others a central application
(direction 1); each side is counted apart. The gate (`tests/unit/conformance/test_coverage.py`)
holds the suite to the catalogue: every automated requirement that binds the central
application has a central scenario, every one that binds MBE software an `@mbe` scenario, and
every `@REQ-` tag names a requirement of the catalogue.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from pytest_bdd.parser import FeatureParser, ScenarioTemplate

from vsb.catalogue import Catalogue, Requirement

TAG_PREFIX = "REQ-"
MBE_TAG = "mbe"
"""The scenario tag of direction 2: the scenario certifies MBE software."""


@dataclass(frozen=True)
class ScenarioRef:
    """One scenario of a feature file; an outline counts once per example row."""

    feature_file: str
    name: str
    line: int
    examples: int
    mbe: bool = False
    """Tagged `@mbe`: it certifies MBE software, not a central application."""


@dataclass
class Coverage:
    """Scenarios per requirement id, and the tags and names that are wrong."""

    scenarios: dict[str, list[ScenarioRef]] = field(default_factory=lambda: defaultdict(list))
    unknown_tags: list[tuple[str, str]] = field(default_factory=list)
    duplicate_names: list[tuple[str, str]] = field(default_factory=list)
    total: int = 0

    def count(self, requirement: str, mbe: bool | None = None) -> int:
        """How many scenarios (outline examples counted) test a requirement: of both
        directions, or only `@mbe` ones (`mbe=True`) or only central ones (`mbe=False`)."""
        return sum(
            s.examples for s in self.scenarios.get(requirement, ()) if mbe is None or s.mbe == mbe
        )


def binds_central(requirement: Requirement) -> bool:
    """Whether a requirement binds the central application and can be tested automatically."""
    return requirement.actor in ("central", "both") and requirement.automated


def binds_mbe(requirement: Requirement) -> bool:
    """Whether a requirement binds MBE software and can be tested automatically."""
    return requirement.actor in ("mbe", "both") and requirement.automated


def _templates(path: Path) -> tuple[list[ScenarioTemplate], list[str]]:
    parser = FeatureParser(str(path.parent), path.name)
    document = parser._parse_feature_file()
    names: list[str] = []
    for child in document.feature.children:
        nested = child.rule.children if child.rule else [child]
        names += [c.scenario.name for c in nested if c.scenario]
    feature = parser.parse()
    return list(feature.scenarios.values()), names


def _requirements(template: ScenarioTemplate) -> set[str]:
    rule_tags = template.rule.tags if template.rule is not None else set()
    tags = set(template.tags) | set(template.feature.tags) | set(rule_tags)
    return {tag for tag in tags if tag.startswith(TAG_PREFIX)}


def read_coverage(folder: Path, catalogue: Catalogue) -> Coverage:
    """The coverage of the catalogue by the feature files in `folder`."""
    coverage = Coverage()
    for path in sorted(folder.glob("*.feature")):
        templates, names = _templates(path)
        coverage.duplicate_names += [
            (path.name, name) for name in sorted(set(names)) if names.count(name) > 1
        ]
        for template in templates:
            rows = sum(len(e.examples) for e in template.examples) or 1
            mbe = MBE_TAG in template.tags
            ref = ScenarioRef(path.name, template.name, template.line_number, rows, mbe)
            coverage.total += rows
            for requirement in _requirements(template):
                if requirement in catalogue:
                    coverage.scenarios[requirement].append(ref)
                else:
                    coverage.unknown_tags.append((path.name, requirement))
    return coverage


def uncovered(coverage: Coverage, requirements: Iterable[Requirement]) -> list[str]:
    """The ids of requirements that bind the central application and have no central scenario
    (one without `@mbe`)."""
    return [r.id for r in requirements if binds_central(r) and not coverage.count(r.id, mbe=False)]


def uncovered_mbe(coverage: Coverage, requirements: Iterable[Requirement]) -> list[str]:
    """The ids of requirements that bind MBE software and have no `@mbe` scenario."""
    return [r.id for r in requirements if binds_mbe(r) and not coverage.count(r.id, mbe=True)]
