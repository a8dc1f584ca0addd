"""What a run writes for a replay: its registry (KSZ format) and MBEs, read back unchanged."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace
from pathlib import Path

from simulator.plans import make_plans
from simulator.population import registry_snapshot
from simulator.random_streams import Streams
from simulator.registry_files import write_mbes, write_registry
from simulator.scenario import load_scenario
from vsb.mbes import load_mbes
from vsb.membership import load_registry

SCENARIOS = Path(__file__).resolve().parents[3] / "fixtures" / "scenarios"


def test_the_registry_of_a_run_reads_back_as_loaded_with_the_delivered_deaths(
    tmp_path: Path,
) -> None:
    scenario = load_scenario(SCENARIOS / "small.toml")
    plans = make_plans(scenario, Streams(3), 60)
    snapshot = registry_snapshot(plans.patients, scenario.start_date)
    assert {p.cannot_affiliate for p in snapshot.persons} - {None}  # every kind is written
    assert any(p.foreign_insured for p in snapshot.persons)
    dead = [p for p in plans.patients if p.death_date and p.situation != "unknown"][:5]
    deaths = [(p.insz, p.death_date) for p in dead if p.death_date is not None]
    write_registry(snapshot, deaths, tmp_path / "registry", dt.date(2024, 1, 1))
    loaded = load_registry(tmp_path / "registry")
    assert loaded.affiliations == snapshot.affiliations
    died = dict(deaths)
    assert loaded.persons == tuple(
        replace(p, death_date=died.get(p.insz)) for p in snapshot.persons
    )


def test_the_mbes_of_a_run_read_back_unchanged(tmp_path: Path) -> None:
    mbes = load_mbes(Path(__file__).resolve().parents[3] / "fixtures" / "mbes.toml")
    write_mbes(mbes, tmp_path / "mbes.toml")
    assert load_mbes(tmp_path / "mbes.toml") == mbes
