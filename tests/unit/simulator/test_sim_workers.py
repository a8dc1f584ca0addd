"""The central workers give every message the turn, at the moment and in the order, that a
`simpy.Resource` of the same capacity gives it, with fewer events."""

from __future__ import annotations

import random
from collections.abc import Callable, Generator
from typing import Any

import simpy
from hypothesis import given, settings
from hypothesis import strategies as st

from simulator.workers import Workers

Log = list[tuple[str, float, float]]  # (message, turn at, done at), in the order of the draws


def _run(
    turn_with: Callable[[simpy.Environment, int], Any],
    capacity: int,
    senders: list[tuple[float, int]],
    seed: int,
) -> tuple[Log, int]:
    """Senders (start, messages in a row) through workers; the processing time of a message is
    drawn from one stream when it gets its turn. Returns the log and the events scheduled."""
    env = simpy.Environment()
    workers = turn_with(env, capacity)
    rng = random.Random(seed)
    log: Log = []

    def sender(name: int, start: float, count: int) -> Generator[simpy.Event, Any, None]:
        yield env.timeout(start)
        for i in range(count):  # the next message goes out the moment the answer comes
            if isinstance(workers, simpy.Resource):
                with workers.request() as turn:
                    yield turn
                    at = env.now
                    yield env.timeout(rng.choice((0.5, 1.0, 2.0, rng.random())))
            else:
                turn = workers.request()
                if turn is not None:
                    yield turn
                at = env.now
                yield env.timeout(rng.choice((0.5, 1.0, 2.0, rng.random())))
                workers.release()
            log.append((f"{name}/{i}", at, env.now))

    for name, (start, count) in enumerate(senders):
        env.process(sender(name, start, count))
    env.run()
    return log, next(env._eid)


senders_st = st.lists(
    st.tuples(st.sampled_from([0.0, 0.5, 1.0, 1.5, 2.0, 3.0]) | st.floats(0, 5), st.integers(1, 4)),
    min_size=1,
    max_size=30,
)


@settings(max_examples=300, deadline=None)
@given(capacity=st.integers(1, 5), senders=senders_st, seed=st.integers(0, 2**32))
def test_workers_give_the_turns_of_a_simpy_resource(
    capacity: int, senders: list[tuple[float, int]], seed: int
) -> None:
    expected, _ = _run(simpy.Resource, capacity, senders, seed)
    got, _ = _run(Workers, capacity, senders, seed)
    assert got == expected


def test_a_message_that_finds_a_free_worker_schedules_no_turn_event() -> None:
    senders = [(10.0 * i, 1) for i in range(10)]  # one at a time: nobody ever waits
    _, resource_events = _run(simpy.Resource, 2, senders, 1)
    _, worker_events = _run(Workers, 2, senders, 1)
    assert resource_events == 10 * 6  # start, wait, turn, processing, release, end
    assert worker_events == 10 * 4  # start, wait, processing, end


def test_a_newcomer_never_passes_a_waiting_message() -> None:
    env = simpy.Environment()
    workers = Workers(env, 1)
    assert workers.request() is None
    waiting = workers.request()
    workers.release()  # free now; given when the release is processed ...
    newcomer = workers.request()  # ... or now, to the first waiting one
    assert waiting is not None and waiting.triggered
    assert newcomer is not None and not newcomer.triggered
