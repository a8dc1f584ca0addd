"""Seeded runs of the small scenario: golden values, byte-identical output, valid streams, and
a ground truth that the engine's answers confirm."""

from __future__ import annotations

import json
from collections import Counter
from functools import cache
from pathlib import Path
from typing import Any

import pytest

import simulator.cli  # noqa: F401  (registers `vsb simulate`)
from simulator import RunResult, load_scenario, simulate
from vsb.cli import main
from vsb.schemas import load_schemas

SCENARIOS = Path(__file__).resolve().parents[2] / "fixtures" / "scenarios"
STREAMS = ("messages", "answers", "decisions", "settlements", "payment-orders", "ground-truth")


@cache
def _run(folder: Path) -> RunResult:
    return simulate(load_scenario(SCENARIOS / "small.toml"), 60, 7, folder)


@pytest.fixture(scope="module")
def run(tmp_path_factory: pytest.TempPathFactory) -> RunResult:
    return _run(tmp_path_factory.mktemp("small-a"))


def _bodies(run: RunResult, stream: str) -> list[dict[str, Any]]:
    return [json.loads(line)["body"] for line in run.simulation.recorder.lines(stream)]


def test_seed_7_gives_the_golden_counts(run: RunResult) -> None:
    summary = run.summary
    assert summary["answerMix"]["request"] == {"accepted": 212, "refused": 20, "under-review": 5}
    assert summary["answerMix"]["stop"] == {"accepted": 102}
    assert summary["answerMix"]["shipment"] == {"processing": 6, "refused": 6}
    assert summary["faults"]["patient-unknown"] == 7
    assert summary["faults"]["wrong-request-type-restart"] == 6
    assert len(run.simulation.plans.patients) == 251


def test_two_runs_with_one_seed_are_byte_identical(run: RunResult, tmp_path: Path) -> None:
    again = simulate(load_scenario(SCENARIOS / "small.toml"), 60, 7, tmp_path)
    first = run.simulation.recorder.folder
    assert first is not None
    for name in (*STREAMS, "kpi"):
        suffix = ".json" if name == "kpi" else ".jsonl"
        assert (first / f"{name}{suffix}").read_bytes() == (
            tmp_path / f"{name}{suffix}"
        ).read_bytes()
    assert again.table == run.table


def test_another_seed_gives_other_traffic(run: RunResult) -> None:
    other = simulate(load_scenario(SCENARIOS / "small.toml"), 20, 8)
    assert (
        other.simulation.recorder.lines("messages")[:5]
        != run.simulation.recorder.lines("messages")[:5]
    )


def test_every_message_and_answer_is_valid_against_its_schema(run: RunResult) -> None:
    schemas = load_schemas()
    kinds: Counter[str] = Counter()
    for stream in ("messages", "answers", "decisions", "settlements", "payment-orders"):
        for body in _bodies(run, stream):
            name = schemas.schema_for_kind(body["kind"])
            assert schemas.validate(name, body) == (), (stream, body)
            kinds[body["kind"]] += 1
    assert {
        "request",
        "stop",
        "answer",
        "shipment",
        "settlement",
        "final-decision",
        "insurance-status-query",
        "insurance-status-answer",
        "payment-order",
    } <= set(kinds)


def _requirements(document: dict[str, Any], invoice: str | None) -> set[str]:
    found = {e["requirement"] for e in document.get("errors", [])}
    if "review" in document:
        found.add(document["review"]["requirement"])
    for entry in document.get("invoices", []):
        if invoice is None or entry["invoiceNumber"] == invoice:
            found |= {e["requirement"] for e in entry.get("errors", [])}
            found |= {e["requirement"] for line in entry["lines"] for e in line.get("errors", [])}
    return found


def test_the_engine_confirms_every_injected_fault(run: RunResult) -> None:
    answers = {a["inReplyTo"]: a for a in _bodies(run, "answers") if "inReplyTo" in a}
    answers |= {s["inReplyTo"]: s for s in _bodies(run, "settlements") if s["status"] != "signed"}
    truth = _bodies(run, "ground-truth")
    assert len({t["fault"] for t in truth}) >= 10
    for record in truth:
        answer = answers[record["messageId"]]
        assert answer.get("outcome", answer.get("status")) != "accepted", record
        assert record["requirement"] in _requirements(answer, record.get("invoiceNumber")), record
        if record["expected"] == "under-review":
            assert answer["outcome"] == "under-review"


def test_every_refusal_is_explained_by_the_ground_truth(run: RunResult) -> None:
    assert run.summary["unexpectedAnswers"] == 0


def test_the_kpi_summary_shows_each_target_beside_what_was_produced(run: RunResult) -> None:
    rows = {row["figure"]: row for row in run.summary["calibration"]}
    assert rows["mbes"]["produced"] == 1
    assert rows["death_share"]["within"] is True
    assert rows["members"]["within"] is None and rows["members"]["note"]
    folder = run.simulation.recorder.folder
    assert folder is not None
    assert (
        json.loads((folder / "kpi.json").read_text())["calibration"] == run.summary["calibration"]
    )
    assert "figure" in run.table and "answer mix" in run.table


def test_vsb_simulate_writes_the_outputs(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code = main(
        [
            "simulate",
            "--scenario",
            str(SCENARIOS / "small.toml"),
            "--days",
            "10",
            "--seed",
            "3",
            "--out",
            str(tmp_path),
        ]
    )
    assert code == 0
    assert "begeleidingen_per_year" in capsys.readouterr().out
    assert {p.name for p in tmp_path.iterdir()} >= {f"{s}.jsonl" for s in STREAMS} | {"kpi.json"}


@pytest.mark.parametrize(
    "flags, text",
    [
        (["--days", "0"], "--days: must be a whole number of days >= 1"),
        (["--scenario", "missing.toml"], "does not exist"),
    ],
)
def test_vsb_simulate_reports_bad_flags_in_one_line(
    flags: list[str], text: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["simulate", "--quiet", "--out", str(tmp_path), *flags]) == 2
    err = capsys.readouterr().err
    assert err.startswith("vsb simulate: error:") and text in err and "Traceback" not in err
