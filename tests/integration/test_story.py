"""The sample story (fixtures/samples/story.jsonl) plays through `vsb run` as expected."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from tests.engine_support import ROOT
from vsb.cli import main
from vsb.resources import fixtures

STORY = ROOT / "fixtures" / "samples" / "story.jsonl"


def _steps() -> list[dict[str, object]]:
    return [json.loads(line) for line in STORY.read_text("utf-8").splitlines() if line.strip()]


@pytest.fixture(autouse=True)
def _in_project_root(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(ROOT)


def test_vsb_run_plays_the_sample_story_and_exits_zero(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["run"]) == 0
    out = capsys.readouterr().out
    steps = [s for s in _steps() if "note" not in s]
    assert f"{len(steps)} steps, {len(steps)} as expected, 0 not" in out


def test_every_step_of_the_story_meets_its_expectation(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["run", "--format", "json"]) == 0
    results = json.loads(capsys.readouterr().out)
    assert len(results) == len([s for s in _steps() if "note" not in s])
    missed = [r for r in results if not r["met"]]
    assert missed == []


def test_every_story_step_has_an_expectation_and_the_story_stays_in_2024() -> None:
    steps = [s for s in _steps() if "note" not in s]
    assert 20 <= len(steps) <= 30
    for step in steps:
        assert "expect" in step and "outcome" in step["expect"], step  # type: ignore[operator]
        assert str(step["at"]).startswith("2024-"), step


def test_the_story_tells_the_required_episodes() -> None:
    expected = {
        s["expect"].get("requirement")
        for s in _steps()  # type: ignore[union-attr]
        if "expect" in s
    }
    assert {
        "REQ-RQ-DEADLINE",
        "REQ-RQ-TYPE-RESTART",
        "REQ-INS-CAN-AFFILIATE",
        "REQ-CH-ONE-IN-PROCESSING",
        "REQ-CH-LATE-WINDOW",
        "REQ-TR-BEFORE",
        "REQ-MBE-COT",
    } <= expected
    kinds = {s["send"]["kind"] for s in _steps() if "send" in s}  # type: ignore[index]
    assert {"insurance-status-query", "request", "stop", "cancel-request"} <= kinds
    assert any("decide" in s for s in _steps())
    deaths = [
        s
        for s in _steps()
        if "send" in s
        and s["send"]["kind"] == "stop"  # type: ignore[index]
        and s["send"]["stop"]["reason"] == "death"
    ]  # type: ignore[index]
    assert deaths and deaths[0]["send"]["stop"]["placeOfDeath"] == "home"  # type: ignore[index]


def test_a_story_step_that_misses_its_expectation_makes_vsb_run_exit_one(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    wrong = tmp_path / "story.jsonl"
    first = next(s for s in _steps() if "send" in s and s["send"]["kind"] == "request")  # type: ignore[index]
    first["expect"] = {"outcome": "refused", "requirement": "REQ-RQ-DEADLINE"}
    wrong.write_text(json.dumps(first) + "\n", "utf-8")
    assert main(["run", "--story", str(wrong)]) == 1
    assert "1 not" in capsys.readouterr().out


def test_a_missing_story_is_refused_naming_the_sample_story_where_it_is_installed(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["run", "--story", str(tmp_path / "nowhere.jsonl")]) == 2
    err = capsys.readouterr().err
    sample = fixtures() / "samples" / "story.jsonl"
    assert f"--story {tmp_path / 'nowhere.jsonl'}: no such file" in err
    assert f"(see {sample})" in err and sample.is_file()


def test_fixtures_without_a_story_are_refused_naming_the_file_looked_for(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    shutil.copytree(fixtures() / "registry", tmp_path / "registry")
    shutil.copy(fixtures() / "mbes.toml", tmp_path / "mbes.toml")
    assert main(["run", "--fixtures", str(tmp_path)]) == 2
    err = capsys.readouterr().err
    assert f"--fixtures {tmp_path}: no samples/story.jsonl there; give --story FILE" in err
    assert "Traceback" not in err
