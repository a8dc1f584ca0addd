"""Scenario files load, merge their base, and refuse bad keys naming the key and the rule."""

from __future__ import annotations

from pathlib import Path

import pytest

from simulator.scenario import ScenarioError, load_scenario
from vsb.identifiers import make_hco
from vsb.rulebook import default_rulebook

SCENARIOS = Path(__file__).resolve().parents[3] / "fixtures" / "scenarios"
DEFAULT = SCENARIOS / "flanders-2024.toml"


def test_the_default_scenario_loads_with_the_fifteen_mbes() -> None:
    scenario = load_scenario(DEFAULT)
    assert len(scenario.mbes) == 15
    assert sum(scenario.population.zorgkas_share.values()) == pytest.approx(1)
    assert scenario.targets.values["begeleidingen_per_year"] == 11000


@pytest.mark.parametrize(
    "name, growth", [("flanders-2024-x2.toml", 2.0), ("flanders-2024-x10.toml", 10.0)]
)
def test_growth_scenarios_differ_from_the_default_only_in_growth(name: str, growth: float) -> None:
    base, grown = load_scenario(DEFAULT), load_scenario(SCENARIOS / name)
    assert grown.growth == growth
    assert grown.durations == base.durations and grown.staff == base.staff


def _variant(tmp_path: Path, old: str, new: str) -> Path:
    text = DEFAULT.read_text(encoding="utf-8")
    assert old in text
    path = tmp_path / "variant.toml"
    path.write_text(
        text.replace(old, new, 1).replace('"../mbes.toml"', f'"{SCENARIOS.parent / "mbes.toml"}"'),
        encoding="utf-8",
    )
    return path


@pytest.mark.parametrize(
    "old, new, message",
    [
        (
            "seasonality = [1.12, 1.10, 1.06,",
            "seasonality = [1.12, 1.10, 1.06, -1,",
            "mbes.arrivals.seasonality: must be a list of 12 numbers",
        ),
        (
            "seasonality = [1.12, 1.10, 1.06, 1.00,",
            "seasonality = [1.12, 1.10, 1.06, 0,",
            "mbes.arrivals.seasonality[3]: must be a number > 0",
        ),
        (
            "death_share = 0.82             #",
            "death_share = 1.5 #",
            "outcomes.death_share: must be a number >= 0 and <= 1",
        ),
        ("\nmedian_days = 25", "\nmedian_dayz = 25", "durations.median_days: is required"),
        ("min_days = 1", "min_days = 1\nspeed = 3", "durations.speed: is not a known key"),
        ('"180" = 0.45', '"180" = 0.40', "population.zorgkas_share: the values must sum to 1.0"),
        (
            "home = 0.65, hospital = 0.20",
            "home = 0.65, hospitl = 0.20",
            "outcomes.place_of_death.hospitl: is not one of",
        ),
        (
            "wrong-code = 0.001",
            "wrong-colour = 0.001",
            "faults.invoice.wrong-colour: is not one of",
        ),
        (
            "workdays = [1, 2, 3, 4, 5]",
            "workdays = [0, 1]",
            "staff.180.workdays: must list ISO weekdays",
        ),
        (
            "start_date = 2024-01-01",
            'start_date = "2024-01-01"',
            "scenario.start_date: must be a date",
        ),
        (
            "cancel_stop_delay_days = [1, 4]",
            "cancel_stop_delay_days = [1, 9]",
            "mbe_software.cancel_stop_delay_days: must stay within the late-change window",
        ),
        (
            "double-forfait = 0.002",
            "double-forfait = 2",
            "faults.billing.double-forfait: must be a number >= 0 and <= 1",
        ),
        (
            "pre-transition = 0.005",
            "pre-2024 = 0.005",
            "faults.billing.pre-2024: is not one of",
        ),
        (
            "pay_minutes = [5, 10, 30]",
            "pay_minutes = [5, 50, 30]",
            "staff.180.pay_minutes: must be [min, mode, max]",
        ),
        (
            "request_delay_days = [0, 14]",
            "request_delay_days = [0, 29]",
            "mbe_software.request_delay_days: the longest delay plus the longest resend delay",
        ),
    ],
)
def test_a_bad_value_is_refused_naming_the_key_and_the_rule(
    tmp_path: Path, old: str, new: str, message: str
) -> None:
    with pytest.raises(ScenarioError) as caught:
        load_scenario(_variant(tmp_path, old, new))
    assert message in str(caught.value)


def test_a_missing_file_and_bad_toml_are_refused(tmp_path: Path) -> None:
    with pytest.raises(ScenarioError, match="does not exist"):
        load_scenario(tmp_path / "nope.toml")
    bad = tmp_path / "bad.toml"
    bad.write_text("[scenario\n", encoding="utf-8")
    with pytest.raises(ScenarioError, match="not valid TOML"):
        load_scenario(bad)


def test_the_growth_scenario_adds_sectors_and_twice_the_volume() -> None:
    grown = load_scenario(SCENARIOS / "flanders-2024-growth.toml")
    assert grown.growth == 2.0
    assert [s.name for s in grown.sectors] == ["ibw", "pvt", "revalidatieovereenkomsten"]
    assert load_scenario(DEFAULT).sectors == ()


def test_an_unknown_sector_is_refused_naming_it(tmp_path: Path) -> None:
    path = tmp_path / "s.toml"
    path.write_text(
        f'[scenario]\nextends = "{DEFAULT}"\n[sectors.ziekenhuizen]\nmessages_per_year = 1\n',
        encoding="utf-8",
    )
    with pytest.raises(ScenarioError, match=r"sectors.ziekenhuizen: is not one of"):
        load_scenario(path)


def test_an_mbe_without_tariffs_in_the_rulebook_is_refused_naming_it(tmp_path: Path) -> None:
    new = make_hco(12345, 930)
    mbes = tmp_path / "more.mbes.toml"
    mbes.write_text(
        (SCENARIOS / "one-mbe.mbes.toml").read_text(encoding="utf-8")
        + f'\n[[mbe]]\nhco = "{new}"\nname = "A new team"\nnetwork = "N"\nprovince = "P"\n'
        "population = 100000\ncot_declaration = true\n",
        encoding="utf-8",
    )
    path = tmp_path / "more.toml"
    path.write_text(f'[scenario]\nextends = "{DEFAULT}"\nmbes = "{mbes}"\n', encoding="utf-8")
    with pytest.raises(ScenarioError) as refused:
        load_scenario(path)
    assert str(refused.value) == (
        f"scenario.mbes: MBE {new} (A new team) has no forfait tariff in rulebook "
        f"{default_rulebook().id} (REQ-BL-TARIFF: tariffs are rulebook data per MBE; its "
        "forfaits could not be billed)"
    )
