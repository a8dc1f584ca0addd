"""Zorgkas staff: each working day they carry their background load, pay the signed payment
orders, work the review queue, the other sectors' files and the billing queue, and sign decided
shipments.

Who does a duty follows the rulebook's separation of duties (REQ-BL-SEPARATION-OF-DUTIES): a
payment is recorded by the first team member who neither signed the shipment nor decided one of
its lines, or, when the team is too small for that, by the zorgkas's payments desk (outside the
team the scenario models; the task's time still counts for the team).

One process per zorgkas. At the start of a working day the rest of the team's VSB work (the
scenario's background hours a week, spread over the workdays, varying ±50 % from day to day)
takes the first hours of each member's day. Then it reads the queues (the backlog sample of
that day), hands items in order to whichever staff member is free first, and stops taking
work that would run past the end of the day. Work that arrives during the day waits for the
next morning. A payment waits for a staff member like a review does: how soon a stopped
begeleiding is paid comes out of the staff's capacity, never out of a scenario figure. Every
task takes staff time (its triangle in the scenario) and counts towards the utilisation:
background, message reviews, sector reviews, line reviews, signatures and payments.
"""

from __future__ import annotations

import datetime as dt
import heapq
import random
from collections.abc import Callable
from typing import Any

from simulator.central import Decision
from simulator.distributions import triangle
from simulator.model import Process, Simulation
from simulator.scenario import Staff
from vsb.billing.duties import Duty, separated_from
from vsb.rulebook import rulebook_for

__all__ = ["staff_process"]

Task = tuple[float, int, Callable[[], None]]  # finish time, order, the action


class _Day:
    """The staff members' free times during one working day."""

    def __init__(
        self, sim: Simulation, kas: int, start: float, end: float, count: int, background: float
    ) -> None:
        self.tally, self.kas = sim.tally, kas
        self.end = end
        busy = min(background / count / 24, end - start)  # each member's share, in days
        self.free = [(start + busy, i) for i in range(count)]
        self.tasks: list[Task] = []
        if busy > 0:
            self.tally.staff_task(kas, "background", busy * count * 1440, count)

    def take(self, kind: str, minutes: float, action: Callable[[], None]) -> bool:
        """Give a task to the first free staff member; False when the day is full."""
        when, member = self.free[0]
        finish = when + minutes / 1440
        if finish > self.end:
            return False
        heapq.heapreplace(self.free, (finish, member))
        self.tally.staff_task(self.kas, kind, minutes)
        self.tasks.append((finish, len(self.tasks), action))
        return True


class _Hands:
    """Who did which duty on each settlement not yet paid, and the payments planned."""

    def __init__(self, kas: int, cfg: Staff) -> None:
        self.kas, self.count = kas, cfg.count
        self.done: dict[str, dict[str, set[str]]] = {}  # settlement -> staff -> duties
        self.settlement: dict[str, str] = {}  # payment order -> its settlement
        self.payments: dict[str, float] = {}  # payment order -> the moment it was signed

    def pick(self, settlement_id: str, duty: Duty, drawn: int, day: dt.date) -> str:
        """Staff member `drawn` (1..count), or the next one the rulebook lets do `duty`."""
        apart = separated_from(rulebook_for(day), duty)
        done = self.done.get(settlement_id, {})
        for step in range(self.count):
            name = f"staff-{self.kas}-{(drawn - 1 + step) % self.count + 1:02d}"
            if not done.get(name, set()) & apart:
                return name
        return f"staff-{self.kas}-{'payments' if duty == 'pay' else duty}-desk"

    def did(self, settlement_id: str, name: str, duty: Duty) -> None:
        """Note that `name` did `duty` on a settlement."""
        self.done.setdefault(settlement_id, {}).setdefault(name, set()).add(duty)


def _next_start(now: float, sim: Simulation, cfg: Staff) -> float:
    day = int(now)
    while True:
        start = day + cfg.hours[0] / 24
        weekday = sim.scenario.day(day).isoweekday()
        if weekday in cfg.workdays and start > now:
            return start
        day += 1


def staff_process(sim: Simulation, kas: int) -> Process:
    """Work the queues of zorgkas `kas`, day after day."""
    cfg = sim.scenario.staff[kas]
    rng = sim.streams(f"staff/{kas}")
    pay_rng = sim.streams(f"staff/{kas}/payments")
    load_rng = sim.streams(f"staff/{kas}/background")
    sector_rng = sim.streams(f"staff/{kas}/sectors")
    hands = _Hands(kas, cfg)
    daily = cfg.background_hours_per_week / len(cfg.workdays)
    while True:
        yield sim.wait_until(_next_start(sim.env.now, sim, cfg))
        end = int(sim.env.now) + cfg.hours[1] / 24
        load = daily * triangle(load_rng, (0.5, 1.0, 1.5))
        day = _Day(sim, kas, sim.env.now, end, cfg.count, load)
        if sim.port.billing:
            _pay(sim, kas, cfg, pay_rng, day, hands)  # first: the term runs
        _plan_reviews(sim, kas, cfg, rng, day)
        _plan_sector_reviews(sim, kas, sector_rng, day)
        if sim.port.billing:
            _plan_lines(sim, kas, cfg, rng, day, hands)
            _plan_signatures(sim, kas, cfg, rng, day, hands)
        sim.tally.staff_day(kas, cfg.count * (cfg.hours[1] - cfg.hours[0]), int(sim.env.now))
        for finish, _, action in sorted(day.tasks):
            yield sim.wait_until(finish)
            action()


def _drawn(rng: random.Random, cfg: Staff) -> int:
    return rng.randint(1, cfg.count)


def _staff_name(kas: int, rng: random.Random, cfg: Staff) -> str:
    return f"staff-{kas}-{_drawn(rng, cfg):02d}"


def _plan_reviews(sim: Simulation, kas: int, cfg: Staff, rng: random.Random, day: _Day) -> None:
    queue = sim.port.review_queue(kas, sim.moment())
    sim.tally.backlog(kas, "messages", len(queue), sim.today())
    waits, key = sim.tally.waits, f"{kas}/messages"
    for item in queue:  # the queue is read every working day: its arrival is parsed once
        if not waits.waiting(key, str(item.id)):
            waits.start(key, str(item.id), sim.at(item.received_at))
    for item in queue:
        accept = rng.random() < cfg.accept_share
        name = _staff_name(kas, rng, cfg)

        def decide(item: Any = item, accept: bool = accept, name: str = name) -> None:
            outcome: Decision = "accepted" if accept else "refused"
            reason = "" if accept else "the zorgkas could not confirm the situation with the MBE"
            decision = sim.port.decide(item.id, kas, name, outcome, reason, sim.moment())
            waits.end(key, str(item.id), sim.env.now)
            sim.decided(item.message_id, decision)

        if not day.take("messageReviews", triangle(rng, cfg.review_minutes), decide):
            return


def _plan_lines(
    sim: Simulation, kas: int, cfg: Staff, rng: random.Random, day: _Day, hands: _Hands
) -> None:
    queue = sim.port.billing_queue(kas, sim.moment())
    sim.tally.backlog(kas, "lines", len(queue), sim.today())
    waits, key = sim.tally.waits, f"{kas}/lines"
    for item in queue:
        waits.start(key, str(item.id), sim.env.now)
    for item in queue:
        accept = rng.random() < cfg.accept_share
        name = hands.pick(item.settlement_id, "decide-line", _drawn(rng, cfg), sim.today())

        def decide(item: Any = item, accept: bool = accept, name: str = name) -> None:
            outcome: Decision = "accepted" if accept else "refused"
            reason = "" if accept else "the MBE confirmed the begeleiding is not to be billed"
            sim.port.decide_line(item.id, kas, name, outcome, reason, sim.moment())
            waits.end(key, str(item.id), sim.env.now)
            hands.did(item.settlement_id, name, "decide-line")
            sim.tally.line_decided(kas, outcome)

        if not day.take("lineReviews", triangle(rng, cfg.line_review_minutes), decide):
            return


def _plan_signatures(
    sim: Simulation, kas: int, cfg: Staff, rng: random.Random, day: _Day, hands: _Hands
) -> None:
    unsigned = sim.port.unsigned_shipments(kas, sim.moment())
    waits, key = sim.tally.waits, f"{kas}/signatures"
    for settlement_id in unsigned:
        waits.start(key, settlement_id, sim.env.now)
    for settlement_id in unsigned:
        name = hands.pick(settlement_id, "sign", _drawn(rng, cfg), sim.today())

        def sign(settlement_id: str = settlement_id, name: str = name) -> None:
            settlement, order = sim.port.sign(settlement_id, kas, name, sim.moment())
            sim.recorder.write("settlements", sim.moment(), settlement)
            sim.recorder.write("payment-orders", sim.moment(), order)
            hands.did(settlement_id, name, "sign")
            hands.settlement[order["orderId"]] = settlement_id
            hands.payments[order["orderId"]] = sim.env.now
            waits.end(key, settlement_id, sim.env.now)
            waits.start(f"{kas}/payments", order["orderId"], sim.env.now)
            sim.tally.signed(settlement, order, sim.shipments.get(settlement_id, {}))

        if not day.take("signatures", triangle(rng, cfg.sign_minutes), sign):
            return


def _pay(
    sim: Simulation,
    kas: int,
    cfg: Staff,
    rng: random.Random,
    day: _Day,
    hands: _Hands,
) -> None:
    """Pay the signed payment orders, oldest first (a task each: the transfer in the zorgkas's
    books), as far as the day allows."""
    payments = hands.payments
    sim.tally.backlog(kas, "payments", len(payments), sim.today())
    for order_id, _ in sorted(payments.items(), key=lambda item: (item[1], item[0])):
        settlement_id = hands.settlement[order_id]
        name = hands.pick(settlement_id, "pay", 1, sim.today())

        def pay(order_id: str = order_id, name: str = name) -> None:
            order = sim.port.record_payment(order_id, kas, name, sim.today(), sim.moment())
            sim.recorder.write("payment-orders", sim.moment(), order)
            sim.tally.waits.end(f"{kas}/payments", order_id, sim.env.now)
            sim.tally.paid(order)

        if not day.take("payments", triangle(rng, cfg.pay_minutes), pay):
            return
        del payments[order_id], hands.settlement[order_id]
        hands.done.pop(settlement_id, None)


def _plan_sector_reviews(sim: Simulation, kas: int, rng: random.Random, day: _Day) -> None:
    """The other sectors' files that need a person, oldest first (simulator.sectors)."""
    if not sim.scenario.sectors:
        return
    queue = sim.sector_queue.setdefault(kas, [])
    sim.tally.backlog(kas, "sector", len(queue), sim.today())
    key = f"{kas}/sector"
    while queue:
        item_id, minutes_range = queue[0]

        def done(item_id: str = item_id) -> None:
            sim.tally.waits.end(key, item_id, sim.env.now)

        if not day.take("sectorReviews", triangle(rng, minutes_range), done):
            return
        queue.pop(0)
