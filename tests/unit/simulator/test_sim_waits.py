"""The waiting times of the zorgkas queues: an item waits from its first start to its end."""

from __future__ import annotations

from simulator.waits import WaitLog


def test_an_item_waits_from_its_first_start_until_it_is_finished() -> None:
    log = WaitLog()
    assert not log.waiting("180/messages", "7")
    log.start("180/messages", "7", 1.5)
    log.start("180/messages", "7", 2.5)  # read again the next working day: changes nothing
    assert log.waiting("180/messages", "7")
    assert not log.waiting("280/messages", "7")
    log.end("180/messages", "7", 4.0)
    assert not log.waiting("180/messages", "7")
    assert log.done == {"180/messages": [(1.5, 4.0)]}
