"""The coverage gate: the feature files and the requirement catalogue agree."""

from __future__ import annotations

from pathlib import Path

from conformance.coverage import binds_central, binds_mbe, read_coverage, uncovered, uncovered_mbe
from conformance.features import features_dir
from vsb.catalogue import load_catalogue

CATALOGUE = load_catalogue()


def test_every_requirement_binding_the_central_application_has_a_scenario() -> None:
    coverage = read_coverage(features_dir(), CATALOGUE)
    missing = uncovered(coverage, CATALOGUE.requirements)
    assert missing == [], f"requirements without a scenario in features/: {missing}"


def test_every_requirement_binding_mbe_software_has_an_mbe_scenario() -> None:
    coverage = read_coverage(features_dir(), CATALOGUE)
    missing = uncovered_mbe(coverage, CATALOGUE.requirements)
    assert missing == [], f"requirements without an @mbe scenario in features/: {missing}"


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


MIXED = """Feature: Mixed

  @REQ-RQ-DEADLINE
  Rule: Deadline

    @mbe
    Scenario: The software requests in time
      Given today is 2024-03-01

  @REQ-INS-MBE-CHECKS-BEFORE-BILLING
  Rule: Status before billing

    Scenario: Not tagged mbe
      Given today is 2024-03-01
"""


def test_the_central_gate_counts_only_scenarios_without_the_mbe_tag(tmp_path: Path) -> None:
    (tmp_path / "mixed.feature").write_text(MIXED, "utf-8")
    coverage = read_coverage(tmp_path, CATALOGUE)
    assert coverage.count("REQ-RQ-DEADLINE") == 1
    assert coverage.count("REQ-RQ-DEADLINE", mbe=True) == 1
    assert coverage.count("REQ-RQ-DEADLINE", mbe=False) == 0
    assert "REQ-RQ-DEADLINE" in uncovered(coverage, CATALOGUE.requirements)


def test_the_mbe_gate_counts_only_scenarios_with_the_mbe_tag(tmp_path: Path) -> None:
    (tmp_path / "mixed.feature").write_text(MIXED, "utf-8")
    missing = uncovered_mbe(read_coverage(tmp_path, CATALOGUE), CATALOGUE.requirements)
    assert "REQ-RQ-DEADLINE" not in missing
    assert "REQ-INS-MBE-CHECKS-BEFORE-BILLING" in missing  # its scenario is not @mbe


def test_which_side_a_requirement_binds() -> None:
    both = CATALOGUE["REQ-RQ-DEADLINE"]
    mbe_only = CATALOGUE["REQ-BL-RESEND-REFUSED"]
    central_only = CATALOGUE["REQ-BL-THRESHOLD"]
    manual = CATALOGUE["REQ-BL-NO-PAPER"]
    assert binds_central(both) and binds_mbe(both)
    assert binds_mbe(mbe_only) and not binds_central(mbe_only)
    assert binds_central(central_only) and not binds_mbe(central_only)
    assert not binds_mbe(manual) and not binds_central(manual)
