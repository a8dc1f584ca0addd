"""The central application's workers: a few messages processed at once, the others waiting.

`Workers` keeps the bookkeeping of a `simpy.Resource` of that capacity (the same turns at the
same moments) without its events where nothing waits: a message that finds a free worker takes
it at once, with no request event to schedule and process and no release event after it. Only a
message that has to wait gets an event for its turn, given as `simpy.Resource` gives it: a
released worker goes to the first waiting message when the release is processed, or earlier to
the first waiting one when another message asks for a turn meanwhile; a newcomer never passes a
waiting message. A message's processing time is drawn when it gets its turn, as before, so the
draws come in the same order (tested against `simpy.Resource` in
tests/unit/simulator/test_sim_workers.py).
"""

from __future__ import annotations

from collections import deque

import simpy

__all__ = ["Workers"]


class Workers:
    """`capacity` workers, taken in order of asking (first come, first served)."""

    def __init__(self, env: simpy.Environment, capacity: int) -> None:
        self.env, self.capacity = env, capacity
        self.busy = 0
        self.waiting: deque[simpy.Event] = deque()

    def request(self) -> simpy.Event | None:
        """A turn: None when a worker is free and nobody waits (taken at once), else the event
        that succeeds when the turn comes."""
        if self.busy < self.capacity and not self.waiting:
            self.busy += 1
            return None
        turn = self.env.event()
        self.waiting.append(turn)
        self._give()
        return turn

    def release(self) -> None:
        """A worker is done: free now; the first waiting message gets it when the release is
        processed (an event only when someone waits)."""
        self.busy -= 1
        if self.waiting:
            released = self.env.event()
            released.callbacks.append(self._given)
            released.succeed()

    def _given(self, _: simpy.Event) -> None:
        self._give()

    def _give(self) -> None:
        """Give a free worker to the first waiting message (one at most, as SimPy does)."""
        if self.waiting and self.busy < self.capacity:
            self.busy += 1
            self.waiting.popleft().succeed()
