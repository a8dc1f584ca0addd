"""`vsb registry generate`: a generated patient pool as a fixtures folder that `vsb serve
--fixtures` and the registry loader take as written."""

from __future__ import annotations

from pathlib import Path

import pytest

from vsb.cli import fixtures_folder, main
from vsb.mbes import load_mbes
from vsb.membership import ZORGKASSEN, load_registry, snapshot_problems
from vsb.population import generate_persons
from vsb.resources import fixtures
from vsb.serve.central import Central
from vsb.serve.config import ServeConfig


def _generate(out: Path, *more: str) -> int:
    return main(["registry", "generate", "--out", str(out), *more])


def test_the_folder_written_holds_exactly_the_generated_persons_and_the_packaged_mbes(
    tmp_path: Path,
) -> None:
    out = tmp_path / "pool"
    assert _generate(out, "--persons", "50", "--seed", "3") == 0
    registry = load_registry(out / "registry")
    assert registry == generate_persons(50, 3, sorted(ZORGKASSEN.values()))
    assert snapshot_problems(registry) == []
    assert load_mbes(out / "mbes.toml") == load_mbes(fixtures() / "mbes.toml")
    assert fixtures_folder(str(out)) == out  # what --fixtures takes


def test_the_same_seed_writes_the_same_files_and_another_seed_other_persons(
    tmp_path: Path,
) -> None:
    for name, seed in (("a", "9"), ("b", "9"), ("c", "10")):
        assert _generate(tmp_path / name, "--persons", "20", "--seed", seed) == 0
    read = {n: (tmp_path / n / "registry" / "national-register.csv").read_text() for n in "abc"}
    assert read["a"] == read["b"] != read["c"]


def test_only_the_zorgkassen_asked_for_get_persons(tmp_path: Path) -> None:
    assert _generate(tmp_path / "p", "--persons", "30", "--zorgkassen", "280,580") == 0
    affiliations = load_registry(tmp_path / "p" / "registry").affiliations
    assert {a.zorgkas for a in affiliations} == {280, 580}


def test_a_service_started_on_the_folder_holds_the_generated_registry(tmp_path: Path) -> None:
    assert _generate(tmp_path / "p", "--persons", "40") == 0
    config = ServeConfig(db=":memory:", fixtures=tmp_path / "p", ca=None, insecure_dev_tokens=True)
    central = Central(config)
    try:
        persons = central.store.db.execute("SELECT count(*) FROM persons").fetchone()[0]
        assert persons == 40
    finally:
        central.close()


def test_a_folder_with_files_in_it_is_refused_and_left_as_it_was(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "mine.txt").write_text("keep\n")
    assert _generate(tmp_path, "--persons", "5") == 2
    assert f"--out {tmp_path}: not a new or empty folder" in capsys.readouterr().err
    assert [p.name for p in tmp_path.iterdir()] == ["mine.txt"]


@pytest.mark.parametrize(
    ("args", "rule"),
    [
        (("--persons", "0"), "not from 1 to 100,000"),
        (("--persons", "100001"), "not from 1 to 100,000"),
        (("--persons", "many"), "not a whole number"),
        (("--persons", "5", "--zorgkassen", "180,999"), "'999': not a zorgkas"),
    ],
)
def test_a_count_or_zorgkas_against_the_rule_is_refused_naming_the_flag(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], args: tuple[str, ...], rule: str
) -> None:
    with pytest.raises(SystemExit) as exit_:
        _generate(tmp_path / "p", *args)
    assert exit_.value.code == 2
    err = capsys.readouterr().err
    assert f"argument {args[-2]}: " in err and rule in err
    assert not (tmp_path / "p").exists()
