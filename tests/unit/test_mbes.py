"""Unit tests of vsb.mbes: the committed MBE fixture and every load refusal."""

from __future__ import annotations

from pathlib import Path

import pytest

from vsb.identifiers import make_hco, make_riziv, validate_hco
from vsb.mbes import MbeFileError, load_mbes

MBES = Path(__file__).resolve().parents[2] / "fixtures" / "mbes.toml"


def _entry(**over: object) -> dict[str, object]:
    entry: dict[str, object] = {
        "hco": make_hco(12345, 930),
        "name": "Palliatieve Thuiszorg Test",
        "network": "Testnetwerk",
        "province": "Antwerpen",
        "population": 100_000,
        "cot_declaration": True,
    }
    entry.update(over)
    return entry


def _toml(value: object) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        return f'"{value}"'
    return str(value)


def _write(path: Path, *entries: dict[str, object]) -> Path:
    blocks = [
        "[[mbe]]\n" + "".join(f"{key} = {_toml(value)}\n" for key, value in entry.items())
        for entry in entries
    ]
    target = path / "mbes.toml"
    target.write_text("\n".join(blocks), encoding="utf-8")
    return target


def _refusal(path: Path, allowed: tuple[str, ...] = ("7",)) -> MbeFileError:
    with pytest.raises(MbeFileError) as caught:
        load_mbes(path, allowed)
    return caught.value


def test_fixture_has_fifteen_flemish_mbes_with_cot_and_one_test_mbe_without() -> None:
    mbes = load_mbes(MBES)
    assert len(mbes) == 16
    with_cot = [mbe for mbe in mbes if mbe.cot_declaration]
    assert len(with_cot) == 15
    assert len({mbe.network for mbe in with_cot}) == 15
    (test_mbe,) = [mbe for mbe in mbes if not mbe.cot_declaration]
    assert "test" in test_mbe.name.lower()


def test_fixture_populations_sum_to_about_six_point_eight_million() -> None:
    total = sum(mbe.population for mbe in load_mbes(MBES) if mbe.cot_declaration)
    assert 6_600_000 <= total <= 7_000_000


def test_fixture_hco_numbers_are_unique_valid_and_start_with_7() -> None:
    mbes = load_mbes(MBES)
    assert len({mbe.hco for mbe in mbes}) == len(mbes)
    assert all(validate_hco(mbe.hco, ("7",)) == mbe.hco for mbe in mbes)


def test_valid_entry_loads_into_an_mbe(tmp_path: Path) -> None:
    (mbe,) = load_mbes(_write(tmp_path, _entry()))
    assert (mbe.hco, mbe.population, mbe.cot_declaration) == (make_hco(12345, 930), 100_000, True)


def test_missing_key_is_refused_naming_entry_and_field(tmp_path: Path) -> None:
    entry = _entry()
    del entry["province"]
    error = _refusal(_write(tmp_path, entry))
    assert (error.entry, error.field, error.rule) == (
        "mbe[0] (Palliatieve Thuiszorg Test)",
        "province",
        "required",
    )


def test_unknown_key_is_refused(tmp_path: Path) -> None:
    error = _refusal(_write(tmp_path, _entry(email="x@example.org")))
    assert (error.field, error.rule) == ("email", "unknown-key")


@pytest.mark.parametrize(
    ("field", "value"),
    [("population", '"many"'), ("population", True), ("cot_declaration", 1), ("name", 5)],
)
def test_value_of_the_wrong_type_is_refused(tmp_path: Path, field: str, value: object) -> None:
    raw = value if isinstance(value, str) else _toml(value)
    text = _write(tmp_path, _entry()).read_text(encoding="utf-8")
    line = next(line for line in text.splitlines() if line.startswith(f"{field} = "))
    (tmp_path / "mbes.toml").write_text(text.replace(line, f"{field} = {raw}"), encoding="utf-8")
    error = _refusal(tmp_path / "mbes.toml")
    assert (error.entry.split()[0], error.field, error.rule) == ("mbe[0]", field, "type")


def test_non_positive_population_is_refused(tmp_path: Path) -> None:
    error = _refusal(_write(tmp_path, _entry(population=0)))
    assert (error.field, error.rule) == ("population", "range")


def test_empty_name_is_refused(tmp_path: Path) -> None:
    error = _refusal(_write(tmp_path, _entry(name=" ")))
    assert (error.field, error.rule) == ("name", "required")


def test_hco_with_a_bad_check_is_refused_with_the_identifier_rule(tmp_path: Path) -> None:
    good = make_hco(12345, 930)
    bad = good[:7] + str((int(good[7]) + 1) % 10) + good[8:]
    error = _refusal(_write(tmp_path, _entry(hco=bad)))
    assert (error.field, error.rule) == ("hco", "hco-checksum")


def test_hco_first_digit_follows_the_allowed_digits_parameter(tmp_path: Path) -> None:
    hco = make_riziv(12345, 930, profession_digit=8)
    path = _write(tmp_path, _entry(hco=hco))
    assert _refusal(path).rule == "hco-prefix"
    assert load_mbes(path, ("7", "8"))[0].hco == hco


def test_duplicate_hco_is_refused_on_the_second_entry(tmp_path: Path) -> None:
    error = _refusal(_write(tmp_path, _entry(), _entry(name="Andere MBE")))
    assert (error.entry, error.field, error.rule) == ("mbe[1] (Andere MBE)", "hco", "duplicate")


def test_duplicate_name_is_refused(tmp_path: Path) -> None:
    error = _refusal(_write(tmp_path, _entry(), _entry(hco=make_hco(12346, 930))))
    assert (error.field, error.rule) == ("name", "duplicate")


def test_unreadable_toml_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "mbes.toml"
    path.write_text("[[mbe]\nhco = ", encoding="utf-8")
    assert _refusal(path).rule == "toml"


def test_file_without_mbe_tables_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "mbes.toml"
    path.write_text('title = "MBEs"\n', encoding="utf-8")
    error = _refusal(path)
    assert (error.field, error.rule) == ("mbe", "structure")
    assert str(path) in str(error)
