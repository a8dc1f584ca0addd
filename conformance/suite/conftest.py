"""Fixtures of the suite: the central application under test and the world of a scenario."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from conformance.adapters.base import CentralUnderTest
from conformance.plugin import make_central
from conformance.steps import STEP_MODULES
from conformance.world import World

pytest_plugins = STEP_MODULES


@pytest.fixture(scope="session")
def central(pytestconfig: pytest.Config) -> Iterator[CentralUnderTest]:
    """The system under test, chosen by the run's options (in-process reference by default)."""
    system = make_central(pytestconfig)
    yield system
    system.close()


@pytest.fixture
def world(central: CentralUnderTest) -> World:
    """A fresh scenario: the central application emptied, nothing known yet."""
    central.reset()
    return World(central)
