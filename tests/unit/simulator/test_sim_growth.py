"""The `[growth]` knob: synthetic MBEs with the tariffs of a named MBE, through an overlay."""

from __future__ import annotations

from pathlib import Path

import pytest

from simulator.growth import MAX_EXTRA_MBES
from simulator.planning.sweep import parse_sweep, points
from simulator.scenario import ScenarioError, load_scenario
from simulator.scenario_reader import ScenarioErrors
from vsb.billing.rules import billing_rules
from vsb.identifiers import validate_hco
from vsb.rulebook import default_rulebook

SCENARIOS = Path(__file__).resolve().parents[3] / "fixtures" / "scenarios"
DEFAULT = SCENARIOS / "flanders-2024.toml"
MORE = SCENARIOS / "flanders-2024-more-mbes.toml"
PHA = "76310195930"


def _scenario(tmp_path: Path, growth: str, extra: str = "") -> Path:
    path = tmp_path / "grown.toml"
    path.write_text(
        f'[scenario]\nextends = "{DEFAULT}"\nname = "grown"\n{extra}\n[growth]\n{growth}\n',
        encoding="utf-8",
    )
    return path


def test_the_example_adds_five_mbes_with_the_tariffs_of_the_named_mbe() -> None:
    base, more = load_scenario(DEFAULT), load_scenario(MORE)
    assert more.mbes[:15] == base.mbes and len(more.mbes) == 20
    extra = more.mbes[15:]
    hcos = [m.hco for m in extra]
    assert len(set(hcos)) == 5 and not set(hcos) & {m.hco for m in base.mbes}
    assert all(validate_hco(h, ("7",)) == h for h in hcos)
    assert len({m.name for m in more.mbes}) == 20
    rules = billing_rules(more.rulebook())
    assert more.rulebook().id == "vsb-mbe-2024.1+scenario:flanders-2024-more-mbes"
    for hco in hcos:
        assert [(t.start, t.full, t.reduced) for t in rules.tariffs[hco]] == [
            (t.start, t.full, t.reduced) for t in rules.tariffs[PHA]
        ]


def test_the_extra_mbes_together_serve_the_volume_share() -> None:
    more = load_scenario(MORE)
    total = sum(m.population for m in more.mbes)
    extra = sum(m.population for m in more.mbes[15:])
    assert extra / total == pytest.approx(0.25, abs=1e-6)
    assert len({m.population for m in more.mbes[15:]}) == 1


def test_no_extra_mbes_is_the_scenario_without_growth(tmp_path: Path) -> None:
    path = _scenario(tmp_path, f'extra_mbes = 0\ntariffs_like = "{PHA}"\nvolume_share = 0.2')
    grown = load_scenario(path)
    assert grown.mbes == load_scenario(DEFAULT).mbes
    assert grown.rulebook_overlay is None and grown.rulebook() is default_rulebook()


def test_a_sweep_over_extra_mbes_makes_one_scenario_per_count() -> None:
    found = points(MORE, [parse_sweep("growth.extra_mbes=0,5,10")])
    assert [len(p.scenario.mbes) for p in found] == [15, 20, 25]
    ten = found[2].scenario
    assert ten.rulebook_overlay is not None
    assert set(billing_rules(ten.rulebook()).tariffs) >= {m.hco for m in ten.mbes}


def test_growth_errors_are_reported_with_the_others_naming_each_key(tmp_path: Path) -> None:
    path = _scenario(
        tmp_path,
        'extra_mbes = 101\ntariffs_like = "76310196930"\nvolume_share = 1.5\nmbes = 2',
        extra="growth = -1",
    )
    with pytest.raises(ScenarioErrors) as refused:
        load_scenario(path)
    keys = [e.key for e in refused.value.errors]
    assert sorted(keys) == [
        "growth.extra_mbes",
        "growth.mbes",
        "growth.tariffs_like",
        "growth.volume_share",
        "scenario.growth",
    ]
    text = str(refused.value)
    assert f"growth.extra_mbes: must be an integer >= 0 and <= {MAX_EXTRA_MBES} (got 101)" in text
    assert "growth.tariffs_like: must be the HCO number of an MBE with tariffs in rulebook" in text


def test_an_incomplete_growth_table_names_the_missing_keys(tmp_path: Path) -> None:
    with pytest.raises(ScenarioError) as refused:
        load_scenario(_scenario(tmp_path, "extra_mbes = 3"))
    assert "growth.tariffs_like: is required" in str(refused.value)
    assert "growth.volume_share: is required" in str(refused.value)
