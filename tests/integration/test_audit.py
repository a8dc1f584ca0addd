"""`vsb audit` scored against the simulator's ground truth on the small scenario.

The run is the seeded 150 days of `fixtures/scenarios/small.toml` (every fault of MBE software
is injected in it). The audit must find every fault the ground truth records for MBE software
(recall 1.0) and raise no false alarm (precision 1.0), matching on (message id, requirement).
"""

from __future__ import annotations

import json
import re
import shutil
import sqlite3
from pathlib import Path
from typing import Any

import pytest

import conformance.audit.cli  # noqa: F401  (registers `vsb audit`)
from conformance.audit.score import Score, mbe_faults
from simulator import load_scenario, simulate
from simulator.central import InProcessCentral
from vsb.catalogue import load_catalogue
from vsb.cli import main
from vsb.engine import CentralApplication
from vsb.store import Store

ROOT = Path(__file__).resolve().parents[2]
SMALL = ROOT / "fixtures" / "scenarios" / "small.toml"
DAYS, SEED = 150, 7


@pytest.fixture(scope="module")
def run(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The folder `vsb simulate --out` wrote for the small scenario."""
    folder = tmp_path_factory.mktemp("small-audit") / "sim"
    simulate(load_scenario(SMALL), DAYS, SEED, folder)
    return folder


def _audit(
    messages: Path, capsys: pytest.CaptureFixture[str], *flags: str
) -> tuple[int, dict[str, Any]]:
    code = main(["audit", str(messages), "--format", "json", *flags])
    return code, json.loads(capsys.readouterr().out)


def _score(report: dict[str, Any], ground_truth: Path) -> Score:
    found = frozenset((v["message"]["id"], v["requirement"]) for v in report["violations"])
    return Score(found, mbe_faults(ground_truth))


def test_the_replayed_audit_finds_every_fault_of_mbe_software_and_no_false_alarm(
    run: Path, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    code, report = _audit(run / "messages.jsonl", capsys, "--out", str(tmp_path))
    score = _score(report, run / "ground-truth.jsonl")
    assert code == 1 and report["replayed"] is True
    assert score.recall == 1.0, sorted(score.missed)
    assert score.precision == 1.0, sorted(score.false_alarms)
    assert report["disagreements"] == [] and report["notes"] == []
    # every kind of fault of MBE software the simulator injects is among them
    catalogue = load_catalogue()
    truth = {
        json.loads(line)["body"]["requirement"] for line in (run / "ground-truth.jsonl").open()
    }
    binding = {r for r in truth if catalogue[r].actor in ("mbe", "both")}
    assert len(binding) >= 15 and binding == {r for _, r in score.found}
    assert (tmp_path / "audit.txt").read_text().startswith("vsb audit: ")


def test_the_audit_by_the_recorded_answers_scores_the_same(
    run: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, report = _audit(run / "messages.jsonl", capsys, "--recorded")
    score = _score(report, run / "ground-truth.jsonl")
    assert code == 1 and report["replayed"] is False
    assert (score.precision, score.recall) == (1.0, 1.0)


def _copy(run: Path, tmp_path: Path) -> Path:
    folder = tmp_path / "copy"
    shutil.copytree(run, folder)
    return folder


def _rewrite(path: Path, keep: Any) -> None:
    lines = path.read_text(encoding="utf-8").splitlines()
    kept = [line for line in lines if keep(json.loads(line)["body"])]
    path.write_text("\n".join(kept) + "\n", encoding="utf-8")


def test_a_falsified_recorded_answer_is_a_disagreement_and_the_fault_is_still_found(
    run: Path, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    folder = _copy(run, tmp_path)
    lines = (folder / "answers.jsonl").read_text(encoding="utf-8").splitlines()
    index = next(i for i, line in enumerate(lines) if '"outcome":"refused"' in line)
    envelope = json.loads(lines[index])
    body = envelope["body"]
    body["outcome"] = "accepted"
    del body["errors"]
    lines[index] = json.dumps(envelope)
    (folder / "answers.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")
    _, report = _audit(folder / "messages.jsonl", capsys)
    disagreements = report["disagreements"]
    assert {d["message"]["id"] for d in disagreements} == {body["inReplyTo"]}
    assert {"outcome", "errors"} <= {d["field"] for d in disagreements}
    score = _score(report, folder / "ground-truth.jsonl")
    assert (score.precision, score.recall) == (1.0, 1.0)


def test_billing_a_patient_whose_status_was_never_asked_is_found_across_messages(
    run: Path, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    folder = _copy(run, tmp_path)
    messages = [json.loads(line)["body"] for line in (folder / "messages.jsonl").open()]
    billed = {
        (invoice["insz"], shipment["messageId"])
        for shipment in messages
        if shipment["kind"] == "shipment"
        for invoice in shipment["invoices"]
        if invoice["type"] == "original"
    }
    queried = {m["insz"]: m["messageId"] for m in messages if m["kind"] == "insurance-status-query"}
    insz = sorted(i for i, _ in billed if i in queried)[0]
    dropped = {m["messageId"] for m in messages if m.get("insz") == insz and "date" in m}
    _rewrite(folder / "messages.jsonl", lambda body: body.get("messageId") not in dropped)
    _rewrite(folder / "answers.jsonl", lambda body: body.get("inReplyTo") not in dropped)
    _, report = _audit(folder / "messages.jsonl", capsys)
    found = [
        v
        for v in report["violations"]
        if v["outcome"] == "cross-message check" and insz in v["detail"]
    ]
    assert found and {v["requirement"] for v in found} == {"REQ-INS-MBE-CHECKS-BEFORE-BILLING"}
    assert {v["message"]["id"] for v in found} == {s for i, s in billed if i == insz}
    assert all(insz in v["detail"] for v in found) and report["disagreements"] == []


def _export_sql() -> str:
    """The export the consortium section of docs/audit.md gives, as written there."""
    text = (ROOT / "docs" / "audit.md").read_text(encoding="utf-8")
    match = re.search(r"<<'SQL'\n(.*?)\nSQL\n", text, re.S)
    assert match is not None
    return match.group(1)


def test_the_documented_export_of_a_central_database_audits_like_the_streams(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    database = tmp_path / "central.sqlite"
    app = CentralApplication(store=Store(database, durable=False))
    simulate(load_scenario(SMALL), DAYS, SEED, tmp_path / "sim", port=InProcessCentral(app))
    app.store.close()
    with sqlite3.connect(database) as db:
        rows = [
            row[0]
            for query in _export_sql().split(";")
            if query.strip()
            for row in db.execute(query)
        ]
    traffic = tmp_path / "traffic.jsonl"
    traffic.write_text("\n".join(rows) + "\n", encoding="utf-8")
    registry, mbes = tmp_path / "sim" / "registry", tmp_path / "sim" / "mbes.toml"
    _, report = _audit(traffic, capsys, "--registry", str(registry), "--mbes", str(mbes))
    score = _score(report, tmp_path / "sim" / "ground-truth.jsonl")
    assert (score.precision, score.recall) == (1.0, 1.0)
    assert report["disagreements"] == [] and report["notes"] == []
