"""`vsb certify mbe` end to end: the reference MBE client passes every @mbe scenario, and each
deliberately faulty client fails a scenario of the requirement it breaks."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from conformance.coverage import MBE_TAG, read_coverage
from conformance.features import features_dir
from tests.faulty.mbe_clients import BROKEN_MBE
from tests.integration.test_faulty_variants import certify
from vsb.catalogue import load_catalogue


def _results(report: Path) -> list[dict[str, Any]]:
    scenarios: list[dict[str, Any]] = json.loads((report / "results.json").read_text("utf-8"))[
        "scenarios"
    ]
    return scenarios


def _mbe_scenarios() -> int:
    coverage = read_coverage(features_dir(), load_catalogue())
    refs = {(r.feature_file, r.line): r for found in coverage.scenarios.values() for r in found}
    return sum(r.examples for r in refs.values() if r.mbe)


@pytest.mark.slow
def test_the_reference_mbe_client_passes_every_mbe_scenario(tmp_path: Path) -> None:
    run = certify(tmp_path, direction="mbe")
    assert run.returncode == 0, run.stdout + run.stderr
    for name in ("junit.xml", "cucumber.json", "report.html", "transcript.jsonl"):
        assert (tmp_path / name).is_file(), name
    sent = [json.loads(line) for line in (tmp_path / "transcript.jsonl").read_text().splitlines()]
    assert sent and all(e["actor"].startswith("MBE software") for e in sent)
    assert {"request", "stop", "shipment"} <= {e["sent"].get("kind") for e in sent}
    scenarios = _results(tmp_path)
    assert {s["status"] for s in scenarios} == {"passed"}
    assert all(MBE_TAG in s["tags"] for s in scenarios)
    assert len(scenarios) == _mbe_scenarios()
    assert "CONFORMANT" in run.stdout and "NOT CONFORMANT" not in run.stdout


@pytest.mark.slow
@pytest.mark.parametrize("client", sorted(BROKEN_MBE))
def test_a_faulty_mbe_client_fails_a_scenario_of_the_requirement_it_breaks(
    client: str, tmp_path: Path
) -> None:
    requirement = BROKEN_MBE[client]
    run = certify(tmp_path, "--driver", f"tests.faulty.mbe_clients:{client}", direction="mbe")
    assert run.returncode == 1, run.stdout + run.stderr
    failed = [s for s in _results(tmp_path) if s["status"] == "failed"]
    tagged = {r for s in failed for r in s["requirements"]}
    assert requirement in tagged, f"{client}: failed scenarios test {sorted(tagged)}"
    assert "NOT CONFORMANT" in (tmp_path / "report.html").read_text("utf-8")


def test_a_manual_run_without_a_person_ends_with_a_timeout_verdict_per_scenario(
    tmp_path: Path,
) -> None:
    run = certify(
        tmp_path, "--manual", "--wait", "1", "--requirement", "REQ-RQ-DEADLINE", direction="mbe"
    )
    assert run.returncode == 1, run.stdout + run.stderr
    assert ">>> ACTION: start a begeleiding for INSZ" in run.stdout
    scenarios = _results(tmp_path)
    assert scenarios and {s["status"] for s in scenarios} == {"failed"}
    for scenario in scenarios:
        assert "within 1 s (timeout)" in scenario["error"]["got"], scenario["error"]
        assert scenario["error"]["requirement"] == "REQ-RQ-DEADLINE"
