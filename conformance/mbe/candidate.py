"""The MBE software under test, as a scenario sees it: its driver and what it sent.

Steps act through `Candidate.act` (the driver's action at a moment) and judge what reached
the harness's central application through `Candidate.sent`. A driver that acts
asynchronously (a person, a remote driver) has a `wait`: a step that expects a message waits
for it that long, then fails with a timeout verdict instead of hanging.
"""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from conformance.mbe.driver import MbeDriver
from conformance.mbe.harness import HarnessCentral
from conformance.mbe.recording import Record
from conformance.verdicts import Breach
from conformance.world import DeferredRegistry, SetupFailed, World

POLL = 0.2
"""Seconds between two looks at what an asynchronous candidate sent."""


@dataclass
class Candidate:
    """The software under test in one scenario: which MBE it runs as, and its driver."""

    mbe: str
    hco: str
    driver: MbeDriver

    @property
    def wait(self) -> float:
        """How long a step waits for a message: 0 for an in-process driver."""
        return float(getattr(self.driver, "wait", 0.0))


def harness(world: World) -> HarnessCentral:
    """The central application the harness plays in this (direction 2) scenario."""
    central = world.central
    if isinstance(central, DeferredRegistry):
        central.flush()
        central = central.inner
    if not isinstance(central, HarnessCentral):
        raise SetupFailed("this step certifies MBE software: tag its scenario @mbe")
    return central


def candidate(world: World) -> Candidate:
    """The scenario's candidate; fails plainly when the Background did not start one."""
    found = world.notes.get("candidate")
    if not isinstance(found, Candidate):
        raise SetupFailed(
            "no MBE software under test: add 'Given the MBE software under test runs as MBE "
            "...' to the Background"
        )
    return found


def act(world: World, day: dt.date, action: Callable[[MbeDriver], Any]) -> Any:
    """Move both clocks to `day` and let the driver perform an action."""
    world.at(day)
    software = candidate(world)
    software.driver.set_clock(dt.datetime.combine(day, dt.time(9, 0)))
    return action(software.driver)


def sent(world: World, *kinds: str) -> list[Record]:
    """What the candidate sent in this scenario (of the given kinds), in order."""
    return harness(world).records(candidate(world).hco, *kinds)


def expect_sent(
    world: World,
    what: str,
    requirement: str,
    match: Callable[[Record], bool],
    *kinds: str,
) -> Record:
    """The first message the candidate sent (of `kinds`) that `match`es; waits for an
    asynchronous candidate; a `Breach` naming `requirement` when none came."""
    deadline = time.monotonic() + candidate(world).wait
    while True:
        found = [r for r in sent(world, *kinds) if match(r)]
        if found:
            return found[0]
        if time.monotonic() >= deadline:
            break
        time.sleep(POLL)
    seen = ", ".join(f"{r.kind} on {r.at[:10]}" for r in sent(world, *kinds)) or "nothing"
    timeout = f" within {candidate(world).wait:g} s (timeout)" if candidate(world).wait else ""
    raise Breach(what, f"no such message{timeout}; the software sent {seen}", requirement)


def body(record: Record) -> dict[str, Any]:
    """A recorded message as a dict (an empty one for a message that was not an object)."""
    return record.message if isinstance(record.message, dict) else {}
