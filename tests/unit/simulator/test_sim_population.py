"""The population and registry: identifiers as the engine builds them, weighted draws, and a
registry snapshot that knows no future deaths (they arrive by the daily deaths flow)."""

from __future__ import annotations

import datetime as dt
import random
from pathlib import Path

import pytest

from simulator.central import InProcessCentral
from simulator.plans import make_plans
from simulator.population import (
    Patient,
    WeightTable,
    insz_number,
    registry_snapshot,
    weighted,
)
from simulator.random_streams import Streams
from simulator.scenario import Scenario, load_scenario
from vsb.identifiers import make_bis, make_rrn

SCENARIOS = Path(__file__).resolve().parents[3] / "fixtures" / "scenarios"


def test_insz_numbers_are_the_ones_the_engine_builds() -> None:
    rng = random.Random(5)
    for _ in range(5000):
        birth = dt.date(1905, 1, 1) + dt.timedelta(days=rng.randint(0, 43000))
        serial = rng.randint(1, 997)
        assert insz_number(birth, 0, serial) == make_rrn(birth, serial)
        assert insz_number(birth, 40, serial) == make_bis(birth, serial, True)


def test_a_weight_table_draws_what_weighted_draws() -> None:
    weights = {"a": 0.2, "b": 0.0, "c": 1.3, "d": 0.5}
    table = WeightTable(weights)
    first, second = random.Random(9), random.Random(9)
    assert [table.draw(first) for _ in range(500)] == [
        weighted(second, weights) for _ in range(500)
    ]


@pytest.fixture(scope="module")
def small_plans() -> tuple[Scenario, list[Patient]]:
    scenario = load_scenario(SCENARIOS / "small.toml")
    plans = make_plans(scenario, Streams(3), 60)
    return scenario, plans.patients


def test_the_registry_snapshot_carries_no_death_date(
    small_plans: tuple[Scenario, list[Patient]],
) -> None:
    _, patients = small_plans
    assert any(p.death_date is not None for p in patients)  # the plans know who dies ...
    snapshot = registry_snapshot(patients, dt.date(2024, 3, 1))
    assert snapshot.persons and all(p.death_date is None for p in snapshot.persons)  # ... not it


def test_a_death_is_known_to_the_engine_only_once_the_daily_flow_brings_it(
    small_plans: tuple[Scenario, list[Patient]],
) -> None:
    scenario, patients = small_plans
    patient = next(p for p in patients if p.death_date is not None and p.situation == "official")
    port = InProcessCentral()
    death = patient.death_date
    assert death is not None
    port.setup(registry_snapshot(patients, dt.date(2024, 3, 1)), scenario.mbes)
    assert "deathDate" not in port.app.status(patient.insz, death)
    at = dt.datetime.combine(death + dt.timedelta(days=1), dt.time(6))
    port.record_deaths([(patient.insz, death)], at)
    assert port.app.status(patient.insz, death)["deathDate"] == death.isoformat()
