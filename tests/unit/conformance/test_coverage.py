"""The coverage gate: the feature files and the requirement catalogue agree."""

from __future__ import annotations

from pathlib import Path

from conformance.coverage import binds_central, read_coverage, uncovered
from conformance.features import features_dir
from vsb.catalogue import load_catalogue

CATALOGUE = load_catalogue()


def test_every_requirement_binding_the_central_application_has_a_scenario() -> None:
    coverage = read_coverage(features_dir(), CATALOGUE)
    missing = uncovered(coverage, CATALOGUE.requirements)
    assert missing == [], f"requirements without a scenario in features/: {missing}"


def test_every_requirement_tag_names_a_requirement_of_the_catalogue() -> None:
    coverage = read_coverage(features_dir(), CATALOGUE)
    assert coverage.unknown_tags == [], f"tags naming no requirement: {coverage.unknown_tags}"


def test_no_feature_has_two_scenarios_of_the_same_name() -> None:
    # pytest-bdd keys scenarios by name: a second one of the same name would never run.
    coverage = read_coverage(features_dir(), CATALOGUE)
    assert coverage.duplicate_names == []


def test_the_suite_has_at_least_sixty_scenarios_counting_outline_examples() -> None:
    assert read_coverage(features_dir(), CATALOGUE).total >= 60


def test_a_requirement_without_scenario_is_reported(tmp_path: Path) -> None:
    (tmp_path / "one.feature").write_text(
        "Feature: One\n\n  @REQ-RQ-DEADLINE\n  Rule: Deadline\n\n"
        "    Scenario: Late\n      Given today is 2024-03-01\n",
        "utf-8",
    )
    coverage = read_coverage(tmp_path, CATALOGUE)
    missing = uncovered(coverage, CATALOGUE.requirements)
    assert "REQ-RQ-DEADLINE" not in missing
    assert "REQ-RQ-ONE-OPEN" in missing


def test_a_tag_naming_no_requirement_is_reported(tmp_path: Path) -> None:
    (tmp_path / "bad.feature").write_text(
        "Feature: Bad\n\n  @REQ-NOT-A-RULE\n  Rule: Nothing\n\n"
        "    Scenario: Nothing\n      Given today is 2024-03-01\n",
        "utf-8",
    )
    assert read_coverage(tmp_path, CATALOGUE).unknown_tags == [("bad.feature", "REQ-NOT-A-RULE")]


def test_manual_and_mbe_only_requirements_need_no_scenario() -> None:
    exempt = {r.id for r in CATALOGUE.requirements if not binds_central(r)}
    assert "REQ-MBE-ATTESTED-SOFTWARE" in exempt and "REQ-BL-NO-PAPER" in exempt
    assert "REQ-INS-MBE-CHECKS-BEFORE-BILLING" in exempt
