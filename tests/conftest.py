"""Shared fixtures: a fixed clock and the reference application over the fixture registry."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

import pytest

from tests.engine_support import FIXTURES
from vsb.clock import FixedClock
from vsb.engine import CentralApplication
from vsb.store import Store

TODAY = dt.date(2024, 3, 10)


@pytest.fixture
def clock() -> FixedClock:
    """A clock standing at 2024-03-10 09:00 (Brussels) until a test moves it."""
    return FixedClock(TODAY)


@pytest.fixture
def app(clock: FixedClock) -> Iterator[CentralApplication]:
    """The reference application on an in-memory store with the fixture registry and MBEs."""
    store = Store()
    application = CentralApplication.from_fixtures(FIXTURES, clock, store)
    yield application
    store.close()
