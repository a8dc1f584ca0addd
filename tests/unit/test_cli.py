"""The `vsb` command line: `vsb rules` and `vsb run`."""

from __future__ import annotations

import json
import subprocess
import sys
import tomllib
from pathlib import Path
from typing import Any

import pytest

from tests.engine_support import ROOT
from vsb.catalogue import load_catalogue
from vsb.cli import main


def test_rules_as_json_lists_the_requirements_with_text_source_and_actor(
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert main(["rules", "--format", "json"]) == 0
    document = json.loads(capsys.readouterr().out)
    requirements = document["requirements"]
    assert len(requirements) >= 25
    assert [r["id"] for r in requirements] == list(load_catalogue().ids())
    for requirement in requirements:
        assert requirement["text"] and requirement["source"], requirement["id"]
        assert requirement["actor"] in ("central", "mbe", "both")
    assert document["rulebook"]["parameters"]["request_deadline_days"]["value"] == 30
    assert document["rulebook"]["parameters"]["transition_date"]["value"] == "2024-01-01"
    assert "stop_reason" in document["rulebook"]["codelists"]


def test_rules_for_one_area_lists_only_that_area(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["rules", "--format", "json", "--area", "stop"]) == 0
    requirements = json.loads(capsys.readouterr().out)["requirements"]
    assert requirements and {r["area"] for r in requirements} == {"stop"}


def test_rules_as_text_shows_every_id_and_the_rulebook(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["rules"]) == 0
    out = capsys.readouterr().out
    assert all(i in out for i in load_catalogue().ids())
    assert "request_deadline_days = 30" in out


def _rulebook_file() -> dict[str, Any]:
    path = ROOT / "vsb" / "data" / "rulebooks" / "vsb-mbe-2024.1.toml"
    return tomllib.loads(path.read_text("utf-8"))


def test_rules_as_json_lists_the_prestation_codes_and_every_tariff_period_of_the_rulebook(
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert main(["rules", "--format", "json"]) == 0
    billing = json.loads(capsys.readouterr().out)["rulebook"]["billing"]
    written = _rulebook_file()["billing"]
    assert billing["prestationCodes"] == written["prestation_codes"]
    shown = {(t["mbe"], t["from"]): (t["full"], t["reduced"]) for t in billing["tariffs"]}
    assert shown == {
        (t["mbe"], t["from"].isoformat()): (t["full"], t["reduced"]) for t in written["tariffs"]
    }
    pha = [t for t in billing["tariffs"] if t["mbe"] == "76310195930"]
    assert [(t["from"], t["to"]) for t in pha] == [
        ("2024-01-01", "2024-10-31"),
        ("2024-11-01", None),
    ]


def test_rules_as_text_shows_the_tariff_change_of_november_2024_for_every_mbe(
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert main(["rules"]) == 0
    out = capsys.readouterr().out
    for code in _rulebook_file()["billing"]["prestation_codes"]:
        assert code in out
    for tariff in _rulebook_file()["billing"]["tariffs"]:
        start = tariff["from"].isoformat()
        row = next(
            line
            for line in out.splitlines()
            if line.strip().startswith(f"{tariff['mbe']}  from {start}")
        )
        assert tariff["full"] in row and tariff["reduced"] in row
        assert ("to 2024-10-31" in row) is (start == "2024-01-01")


def test_rules_with_an_unknown_area_exits_2_with_one_line_and_no_traceback(
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert main(["rules", "--area", "gardening"]) == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    lines = captured.err.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("vsb rules: error:")
    assert "gardening" in lines[0] and "Traceback" not in captured.err


def test_rules_with_an_unknown_area_as_a_process_exits_2_without_traceback() -> None:
    done = subprocess.run(
        [sys.executable, "-m", "vsb.cli", "rules", "--area", "gardening"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 2
    assert "Traceback" not in done.stderr and len(done.stderr.strip().splitlines()) == 1


def test_run_plays_the_sample_story_and_exits_0(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.chdir(ROOT)
    assert main(["run"]) == 0
    assert " 0 not" in capsys.readouterr().out


def test_run_with_a_missing_story_exits_2_naming_it(
    monkeypatch: pytest.MonkeyPatch, tmp_path, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.chdir(ROOT)
    assert main(["run", "--story", str(tmp_path / "none.jsonl")]) == 2
    err = capsys.readouterr().err
    assert "none.jsonl" in err and "Traceback" not in err


def test_run_with_a_broken_story_line_exits_2_naming_the_line(
    monkeypatch: pytest.MonkeyPatch, tmp_path, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.chdir(ROOT)
    story = tmp_path / "story.jsonl"
    story.write_text('{"note": "fine"}\n{not json\n', "utf-8")
    assert main(["run", "--story", str(story)]) == 2
    assert "story.jsonl:2" in capsys.readouterr().err


def test_unknown_command_exits_2() -> None:
    with pytest.raises(SystemExit) as raised:
        main(["dance"])
    assert raised.value.code == 2


def test_run_with_a_decision_missing_fields_exits_2_naming_them(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    story = tmp_path / "story.jsonl"
    story.write_text('{"at": "2024-01-01", "decide": {"zorgkas": 180}}\n', encoding="utf-8")
    assert main(["run", "--story", str(story)]) == 2
    error = capsys.readouterr().err
    assert "decide needs" in error and "missing staff, messageId, outcome" in error


def test_rules_show_the_scenarios_testing_each_requirement_and_why_some_are_manual(
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert main(["rules", "--format", "json"]) == 0
    requirements = {r["id"]: r for r in json.loads(capsys.readouterr().out)["requirements"]}
    assert any("requests.feature" in note for note in requirements["REQ-RQ-DEADLINE"]["coverage"])
    manual = requirements["REQ-BL-NO-PAPER"]
    assert manual["automated"] is False and manual["manual_reason"]


def test_vsb_imports_neither_the_simulator_nor_the_conformance_suite() -> None:
    code = (
        "import sys, vsb.cli, vsb.engine, vsb.serve.cli, vsb.story; "
        "print(sorted(m for m in sys.modules if m.split('.')[0] in ('simulator', 'conformance')))"
    )
    run = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert run.stdout.strip() == "[]"
