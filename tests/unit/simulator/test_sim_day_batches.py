"""The in-process port runs one transaction per simulated day on a store in memory, and one per
call on a file (every answer durable before it is returned)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from simulator.central import InProcessCentral
from simulator.runner import simulate
from simulator.scenario import load_scenario
from tests.engine_support import FIXTURES, MBE_A, persons, status_query
from vsb.clock import FixedClock
from vsb.engine import CentralApplication
from vsb.store import Store

SMALL = Path(__file__).resolve().parents[3] / "fixtures" / "scenarios" / "small.toml"
DAY = dt.datetime(2024, 3, 4, 9, 0)


def _port(store: Store) -> InProcessCentral:
    app = CentralApplication.from_fixtures(FIXTURES, FixedClock(DAY), store)
    return InProcessCentral(app)


def _query(number: int) -> dict[str, object]:
    insz = persons()["affiliated_180_official"]
    return status_query(MBE_A, insz, DAY.date(), message_id=f"q-{number}")


def _logged(store: Store) -> int:
    return int(store.db.execute("SELECT count(*) FROM messages").fetchone()[0])


def test_a_day_commits_when_the_next_begins_and_a_failed_day_rolls_back() -> None:
    store = Store()
    port = _port(store)
    port.handle(_query(1), DAY)
    port.handle(_query(2), DAY + dt.timedelta(hours=2))
    assert store.in_transaction()  # both calls in the day's transaction
    port.handle(_query(3), DAY + dt.timedelta(days=1))  # the first day commits
    port.finish(RuntimeError("the run broke on the second day"))
    assert not store.in_transaction()
    assert _logged(store) == 2


def test_a_file_store_gets_a_transaction_per_call(tmp_path: Path) -> None:
    store = Store(tmp_path / "central.sqlite")
    port = _port(store)
    port.handle(_query(1), DAY)
    assert not store.in_transaction()
    assert _logged(Store.reader(tmp_path / "central.sqlite")) == 1


def test_a_run_ends_with_its_last_day_committed() -> None:
    port = InProcessCentral()
    result = simulate(load_scenario(SMALL), 20, 5, port=port)
    assert not port.app.store.in_transaction()
    assert _logged(port.app.store) == len(result.simulation.recorder.lines("messages"))


def test_a_run_that_breaks_rolls_its_day_back() -> None:
    class Breaking(InProcessCentral):
        """Breaks on the second message of the first day after 30 messages."""

        def __init__(self) -> None:
            super().__init__()
            self.handled: list[dt.date] = []

        def handle(self, message: dict[str, object], at: dt.datetime) -> dict[str, object]:
            if len(self.handled) >= 30 and self.handled[-1] == at.date():
                self.app.store.next_value("answer")  # half a call's writes ...
                raise RuntimeError("the engine broke")  # ... then it breaks
            self.handled.append(at.date())
            return super().handle(message, at)

    port = Breaking()
    with pytest.raises(RuntimeError, match="the engine broke"):
        simulate(load_scenario(SMALL), 60, 5, port=port)
    store = port.app.store
    assert not store.in_transaction()
    assert _logged(store) == port.handled.index(port.handled[-1])  # not that day's
