"""Fixtures of the suite: the system under test and the world of a scenario, per direction.

Direction 1 (scenarios without `@mbe`) certifies a central application: `central` is the
candidate. Direction 2 (`@mbe`) certifies MBE software: the harness plays the central
application (`harness`) and `candidate` is the software, driven through its driver.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from conformance.adapters.base import CentralUnderTest
from conformance.mbe.harness import DriverFactory, HarnessCentral
from conformance.plugin import make_central, make_driver_factory, make_harness
from conformance.steps import STEP_MODULES
from conformance.world import World

pytest_plugins = STEP_MODULES

MBE_DIRECTION = "mbe"
"""The tag of the scenarios that certify MBE software."""


@pytest.fixture(scope="session")
def central(pytestconfig: pytest.Config) -> Iterator[CentralUnderTest]:
    """The central application under test, chosen by the run's options."""
    system = make_central(pytestconfig)
    yield system
    system.close()


@pytest.fixture(scope="session")
def harness(pytestconfig: pytest.Config) -> Iterator[HarnessCentral]:
    """The central application the harness plays for MBE software under test (served on
    loopback when the software runs outside this process)."""
    system = make_harness(pytestconfig)
    yield system
    system.close()


@pytest.fixture(scope="session")
def candidate(pytestconfig: pytest.Config) -> DriverFactory:
    """How to start the MBE software under test (a fresh instance per scenario)."""
    factory: DriverFactory = make_driver_factory(pytestconfig)
    return factory


@pytest.fixture
def world(request: pytest.FixtureRequest) -> World:
    """A fresh scenario: the system the scenario talks to emptied, nothing known yet."""
    name = "harness" if request.node.get_closest_marker(MBE_DIRECTION) else "central"
    system: CentralUnderTest = request.getfixturevalue(name)
    system.reset()
    return World(system)
