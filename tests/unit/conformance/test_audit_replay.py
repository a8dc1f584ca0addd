"""Replaying recorded traffic through a fresh reference application (fixture registry)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

import conformance.audit.cli  # noqa: F401  (registers `vsb audit`)
from conformance.audit.run import AuditOptions, AuditReport, audit
from tests.unit.conformance.audit_streams import (
    CAN_AFFILIATE,
    MBE,
    Line,
    answer,
    decision,
    request,
    write,
)
from vsb.cli import main

FIXTURES = Path(__file__).resolve().parents[3] / "fixtures"
CAN = ("REQ-INS-CAN-AFFILIATE", "the patient can affiliate")


def _stop(message_id: str, reference: str) -> dict[str, Any]:
    return {
        "kind": "stop",
        "messageId": message_id,
        "mbe": MBE,
        "vsbReference": reference,
        "stop": {
            "date": "2024-03-19",
            "reason": "hospital-admission",
            "interventions": [],
            "firstLineContacts": [],
        },
    }


def _traffic(late_answer: dict[str, Any]) -> list[Line]:
    """A late request with the given recorded answer; a request reviewed and accepted by the
    recorded central application under its own reference number; a stop with that number."""
    return [
        ("2024-03-05T10:00:00+01:00", request("rq-2", CAN_AFFILIATE)),
        ("2024-03-05T10:01:00+01:00", answer("rq-2", "under-review", review=CAN)),
        ("2024-03-06T09:00:00+01:00", decision("rq-2", "accepted", reference="VSB-2024-0000900")),
        ("2024-03-20T10:00:00+01:00", _stop("st-1", "VSB-2024-0000900")),
        ("2024-03-20T10:01:00+01:00", answer("st-1", reference="VSB-2024-0000900")),
        ("2024-04-15T10:00:00+01:00", request("rq-1", start="2024-03-01")),
        ("2024-04-15T10:01:00+01:00", late_answer),
    ]


def _audit(tmp_path: Path, lines: list[Line], **options: Any) -> AuditReport:
    path = write(tmp_path / "traffic.jsonl", lines)
    registry, mbes = FIXTURES / "registry", FIXTURES / "mbes.toml"
    return audit(AuditOptions([path], registry=registry, mbes=mbes, **options))


def test_the_reference_judges_and_a_wrong_recorded_answer_is_a_disagreement(
    tmp_path: Path,
) -> None:
    faulty = answer("rq-1", reference="VSB-2024-0000777")  # the recorded central accepted it
    report = _audit(tmp_path, _traffic(faulty))
    assert report.replayed
    assert [v.key() for v in report.violations] == [
        ("rq-2", "REQ-INS-CAN-AFFILIATE"),
        ("rq-1", "REQ-RQ-DEADLINE"),
    ]
    assert [(d.message_id, d.field, d.recorded, d.reference) for d in report.disagreements] == [
        ("rq-1", "outcome", "accepted", "refused"),
        ("rq-1", "errors", "(none)", "REQ-RQ-DEADLINE"),
        ("rq-1", "vsbReference", "given", "none"),
    ]


def test_trusting_the_recorded_answers_misses_what_the_replay_finds(tmp_path: Path) -> None:
    faulty = answer("rq-1", reference="VSB-2024-0000777")
    path = write(tmp_path / "traffic.jsonl", _traffic(faulty))
    report = audit(AuditOptions([path], recorded=True))
    assert [v.key() for v in report.violations] == [("rq-2", "REQ-INS-CAN-AFFILIATE")]
    assert not report.replayed and report.disagreements == []


def test_right_recorded_answers_under_another_numbering_agree_with_the_reference(
    tmp_path: Path,
) -> None:
    late = ("REQ-RQ-DEADLINE", "/begeleiding/startDate", "late")
    report = _audit(tmp_path, _traffic(answer("rq-1", "refused", [late])))
    assert report.disagreements == []  # the stop names VSB-2024-0000900: translated
    assert [v.key() for v in report.violations][-1] == ("rq-1", "REQ-RQ-DEADLINE")


def test_a_recorded_final_decision_on_a_message_not_under_review_is_a_disagreement(
    tmp_path: Path,
) -> None:
    lines: list[Line] = [
        ("2024-03-05T10:00:00+01:00", request("rq-3")),
        ("2024-03-05T10:01:00+01:00", answer("rq-3", "under-review", review=CAN)),
        ("2024-03-06T09:00:00+01:00", decision("rq-3", "accepted", reference="VSB-2024-0000001")),
    ]
    report = _audit(tmp_path, lines)
    fields = [(d.document, d.field) for d in report.disagreements]
    assert ("answer", "outcome") in fields and ("final decision", "review") in fields


def test_vsb_audit_replays_with_registry_and_mbes_and_a_broken_registry_exits_2(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    faulty = answer("rq-1", reference="VSB-2024-0000777")
    path = str(write(tmp_path / "traffic.jsonl", _traffic(faulty)))
    mbes = str(FIXTURES / "mbes.toml")
    assert main(["audit", path, "--registry", str(FIXTURES / "registry"), "--mbes", mbes]) == 1
    out = capsys.readouterr().out
    assert "verdicts: replayed through the reference application" in out
    assert "DISAGREEMENTS between the recorded answers and the reference application: 3" in out
    assert main(["audit", path, "--registry", str(tmp_path), "--mbes", mbes]) == 2
    err = capsys.readouterr().err
    assert err.startswith("vsb audit: error: national-register.csv") and "missing" in err
