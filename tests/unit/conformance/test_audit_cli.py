"""`vsb audit`: reading recorded traffic, exit codes, reports, and malformed input."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

import conformance.audit.cli  # noqa: F401  (registers `vsb audit`)
from conformance.audit.exchanges import pair
from conformance.audit.traffic import TrafficError, read_file, read_traffic
from tests.unit.conformance.audit_streams import (
    Line,
    answer,
    envelope,
    query,
    request,
    status,
    write,
)
from vsb.cli import main

FIXTURES = Path(__file__).resolve().parents[3] / "fixtures"

CLEAN: list[Line] = [
    ("2024-03-02T10:00:00+01:00", request("rq-1")),
    ("2024-03-02T10:01:00+01:00", answer("rq-1", reference="VSB-2024-0000001")),
]
LATE: list[Line] = [
    ("2024-04-15T10:00:00+01:00", request("rq-2")),
    ("2024-04-15T10:01:00+01:00", answer("rq-2", "refused", [("REQ-RQ-DEADLINE", "", "late")])),
]


def _run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(["audit", *args])
    out, err = capsys.readouterr()
    return code, out, err


def test_clean_traffic_exits_0(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = _run(capsys, str(write(tmp_path / "t.jsonl", CLEAN)))
    assert code == 0
    assert "RESULT: no violation by MBE software (exit 0)" in out
    assert "the recorded answers (not replayed" in out  # no registry beside the file


def test_a_violation_exits_1_and_json_names_requirement_mbe_message_and_why(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = write(tmp_path / "t.jsonl", CLEAN + LATE)
    code, out, _ = _run(capsys, str(path), "--format", "json", "--out", str(tmp_path / "r"))
    assert code == 1
    report = json.loads(out)
    [violation] = report["violations"]
    assert violation["requirement"] == "REQ-RQ-DEADLINE"
    assert violation["message"] == {
        "id": "rq-2",
        "kind": "request",
        "at": "2024-04-15T10:00:00+01:00",
    }
    assert violation["why"].startswith("The request is sent within the request deadline")
    assert report["summary"] == {
        "76310195930": {"REQ-RQ-DEADLINE": {"violations": 1, "messages": 1}}
    }
    assert report["exitCode"] == 1 and report["replayed"] is False
    assert json.loads((tmp_path / "r" / "audit.json").read_text()) == report
    assert (
        "REQ-RQ-DEADLINE  MBE 76310195930  request rq-2"
        in (tmp_path / "r" / "audit.txt").read_text()
    )


T = "2024-03-02T10:00:00+01:00"
MALFORMED = [
    ("{not json", "line 3: not JSON"),
    (envelope(T, {"kind": "request", "mbe": "7"}), "line 3, field body.messageId: missing"),
    (envelope("yesterday", request("rq-9")), "line 3, field at: not an ISO date and time"),
    (json.dumps({"at": T}), "line 3, field body: missing"),
    (envelope(T, {"kind": "greeting"}), "line 3, field body.kind: unknown kind 'greeting'"),
    (
        envelope(T, {**answer("rq-1"), "errors": [{"pointer": ""}]}),
        "line 3, field body.errors[0].requirement: missing",
    ),
    (
        envelope(T, {**answer("rq-1"), "outcome": 3}),
        "line 3, field body.outcome: must be a string (got 3)",
    ),
]


@pytest.mark.parametrize("bad, where", MALFORMED)
def test_a_malformed_line_exits_2_naming_file_line_and_field(
    bad: str, where: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = write(tmp_path / "t.jsonl", [*CLEAN, bad])
    code, out, err = _run(capsys, str(path))
    assert code == 2 and out == ""
    assert err.startswith(f"vsb audit: error: {path} {where}")
    assert err.count("\n") == 1 and "Traceback" not in err


def test_a_missing_file_and_half_a_replay_exit_2(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, _, err = _run(capsys, str(tmp_path / "nothing.jsonl"))
    assert code == 2 and "nothing.jsonl: no such file" in err
    path = str(write(tmp_path / "t.jsonl", CLEAN))
    code, _, err = _run(capsys, path, "--registry", str(tmp_path))
    assert code == 2 and "needs both --registry and --mbes" in err
    (tmp_path / "registry").mkdir()  # a replay is attempted: its registry is empty
    code, _, err = _run(capsys, path)
    assert code == 2 and "national-register.csv" in err and "must exist" in err
    shutil.rmtree(tmp_path / "registry")
    shutil.copytree(FIXTURES / "registry", tmp_path / "registry")  # and mbes.toml is missing
    code, _, err = _run(capsys, path)
    assert code == 2 and err.strip().endswith("mbes.toml: No such file or directory")


def test_messages_without_answers_and_without_a_registry_cannot_be_judged(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, _, err = _run(capsys, str(write(tmp_path / "t.jsonl", CLEAN[:1])))
    assert code == 2 and "no recorded answers to judge by" in err


def test_a_malformed_file_exits_2_without_a_traceback_from_the_console(tmp_path: Path) -> None:
    path = write(tmp_path / "t.jsonl", [*CLEAN, "{not json"])
    script = [sys.executable, "-c", "import sys; from vsb.cli import main; sys.exit(main())"]
    done = subprocess.run([*script, "audit", str(path)], capture_output=True, text=True, timeout=60)
    assert done.returncode == 2 and "line 3: not JSON" in done.stderr
    assert "Traceback" not in done.stderr


# -- reading and pairing ---------------------------------------------------------------------


def test_beside_messages_jsonl_the_simulators_answer_streams_are_read_too(tmp_path: Path) -> None:
    write(tmp_path / "messages.jsonl", [CLEAN[0], ("2024-03-01T09:00:00+01:00", query("q-1"))])
    write(tmp_path / "answers.jsonl", [CLEAN[1], ("2024-03-01T09:01:00+01:00", status("q-1"))])
    write(tmp_path / "payment-orders.jsonl", ["{not read"])
    traffic = pair(read_traffic([tmp_path / "messages.jsonl"]))
    assert [e.message_id for e in traffic.exchanges] == ["q-1", "rq-1"]  # by moment
    assert [e.answer.kind if e.answer else None for e in traffic.exchanges] == [
        "insurance-status-answer",
        "answer",
    ]


def test_blank_lines_are_skipped_and_moments_become_brussels_time(tmp_path: Path) -> None:
    path = write(tmp_path / "t.jsonl", ["", envelope("2024-03-02T09:00:00Z", request("rq-1")), ""])
    [document] = read_file(path)
    assert document.line == 2 and document.at.isoformat() == "2024-03-02T10:00:00+01:00"


def test_an_answer_to_no_message_and_a_message_without_answer_are_noted(tmp_path: Path) -> None:
    lines: list[Line] = [CLEAN[0], ("2024-03-02T10:01:00+01:00", answer("elsewhere"))]
    traffic = pair(read_traffic([write(tmp_path / "t.jsonl", lines)]))
    assert traffic.exchanges[0].answer is None and len(traffic.unpaired) == 1


def test_a_repeated_message_id_pairs_answers_in_order(tmp_path: Path) -> None:
    again = ("2024-03-03T10:00:00+01:00", request("rq-1"))
    second = ("2024-03-03T10:01:00+01:00", answer("rq-1", reference="VSB-2024-0000001"))
    traffic = pair(read_traffic([write(tmp_path / "t.jsonl", [*CLEAN, again, second])]))
    first, repeat = traffic.exchanges
    assert first.answer is not None and first.answer.line == 2
    assert repeat.answer is not None and repeat.answer.line == 4


def test_traffic_error_says_file_line_and_field() -> None:
    error = TrafficError("t.jsonl", 7, "body.mbe", "missing")
    assert str(error) == "t.jsonl line 7, field body.mbe: missing"
