"""`vsb certify central`: the verdict, the three reports and the exit codes."""

from __future__ import annotations

import json
import socket
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from tests.integration.test_faulty_variants import certify


@pytest.fixture(scope="module")
def reference_run(tmp_path_factory: pytest.TempPathFactory) -> tuple[int, str, Path]:
    """One certification of the in-process reference, shared by the tests of this module."""
    report = tmp_path_factory.mktemp("certify")
    run = certify(report)
    return run.returncode, run.stdout + run.stderr, report


def test_the_reference_is_conformant_and_exits_0(reference_run: tuple[int, str, Path]) -> None:
    code, output, report = reference_run
    assert code == 0, output
    assert "CONFORMANT" in output and str(report / "report.html") in output


def test_the_run_writes_junit_cucumber_json_and_html(reference_run: tuple[int, str, Path]) -> None:
    _, _, report = reference_run
    suite = ET.parse(report / "junit.xml").getroot()
    cases = suite.iter("testcase")
    assert sum(1 for _ in cases) >= 60
    features = json.loads((report / "cucumber.json").read_text("utf-8"))
    assert {f["uri"].rsplit("/", 1)[-1] for f in features} >= {"requests.feature"}
    html = (report / "report.html").read_text("utf-8")
    assert "REQ-RQ-DEADLINE" in html and "CONFORMANT" in html


def test_every_scenario_records_the_messages_sent_and_answers(
    reference_run: tuple[int, str, Path],
) -> None:
    _, _, report = reference_run
    results = json.loads((report / "results.json").read_text("utf-8"))
    assert len(results["scenarios"]) >= 60
    for scenario in results["scenarios"]:
        exchanges = [e for step in scenario["steps"] for e in step["exchanges"]]
        assert any(e["action"].startswith("send") for e in exchanges), scenario["name"]


def test_one_requirement_runs_only_its_scenarios(tmp_path: Path) -> None:
    run = certify(tmp_path, "--requirement", "REQ-RQ-DEADLINE")
    assert run.returncode == 0, run.stderr
    results = json.loads((tmp_path / "results.json").read_text("utf-8"))
    assert results["scenarios"]
    assert all("REQ-RQ-DEADLINE" in s["requirements"] for s in results["scenarios"])


@pytest.mark.parametrize(
    ("options", "named"),
    [
        (("--requirement", "REQ-NOT-A-RULE"), "REQ-NOT-A-RULE"),
        (("--tags", "REQ-BL-NO-PAPER"), "no central scenario matches"),
        (("--app", "no_such_module:make"), "--app"),
        (("--url", "http://127.0.0.1:9", "--ca", "PKI/ca"), "unreachable"),
        (("--url", "http://127.0.0.1:9"), "--ca"),
        (("--timeout", "0"), "--timeout"),
    ],
)
def test_a_run_that_cannot_start_exits_2_with_one_line(
    tmp_path: Path, pki: Path, options: tuple[str, ...], named: str
) -> None:
    run = certify(tmp_path, *(o.replace("PKI", str(pki)) for o in options))
    assert run.returncode == 2, run.stdout + run.stderr
    assert named in run.stderr
    assert "Traceback" not in run.stderr


def test_a_silent_target_is_reported_unreachable_within_the_timeout(
    tmp_path: Path, pki: Path
) -> None:
    # A listener that accepts connections and never answers.
    with socket.socket() as silent:
        silent.bind(("127.0.0.1", 0))
        silent.listen(16)
        url = f"http://127.0.0.1:{silent.getsockname()[1]}"
        run = certify(tmp_path, "--url", url, "--ca", str(pki / "ca"), "--timeout", "0.5")
    assert run.returncode == 2, run.stdout + run.stderr
    assert "unreachable" in run.stderr
