"""MBE software as actors: requests, changes and stops for each planned patient.

One generator starts the patients in arrival order; each patient is one process that plays
its chain of begeleidingen, waiting for answers and final decisions like real software.
"""

from __future__ import annotations

from typing import Any

from simulator.model import Billable, Process, Simulation
from simulator.plans import Episode, day_text
from vsb import mbe_messages as build
from vsb.rulebook import default_rulebook

__all__ = ["arrivals_process", "patient_process"]

SITUATION_FAULTS = {
    "unknown": "patient-unknown",
    "cannot-affiliate": "patient-cannot-affiliate",
    "can-affiliate": "patient-not-affiliated",
}


def arrivals_process(sim: Simulation) -> Process:
    """Start each planned patient on the day of its first begeleiding."""
    for episode in sim.plans.first_episodes:
        yield sim.wait_until(episode.start)
        sim.env.process(patient_process(sim, episode))


def patient_process(sim: Simulation, first: Episode) -> Process:
    """Play a patient's chain of begeleidingen until one is not accepted or the chain ends."""
    episode: Episode | None = first
    while episode is not None:
        yield sim.wait_until(episode.start)
        reference = yield from _request(sim, episode)
        if reference is None:
            return
        sim.tally.begeleiding_accepted(episode)
        billable = Billable(episode, reference, episode.start, episode.known_zorgkas)
        sim.mbes[episode.mbe].billables.append(billable)
        sim.tally.billables.append(billable)
        if episode.ending == "cancelled":
            yield sim.env.timeout(episode.cancel_delay)
            yield from _cancel(sim, episode, billable)
            return
        stopped = yield from _care(sim, episode, billable)
        if not stopped:
            return
        episode = episode.next


def _id(episode: Episode, what: str) -> str:
    return f"{episode.key}-{what}"


def _request(sim: Simulation, e: Episode) -> Process:
    """Send the request (after the right faults), return the VSB reference or None."""
    deadline = int(default_rulebook().value("request_deadline_days"))
    sim.tally.request_sent(e)
    plain = e.patient.situation in ("official", "administrative")
    situation = () if plain else (SITUATION_FAULTS[e.patient.situation],)
    if "late-request" in e.faults and plain:
        yield sim.wait_until(e.start + deadline + 1 + e.request_delay / 2)
        yield from sim.send(_request_message(sim, e, "rq", e.request_type), ("late-request",))
        return None
    yield sim.wait_until(e.start + e.request_delay)
    if e.status_query:
        yield from _status_query(sim, e, "q0")
    if "wrong-request-type" in e.faults and plain:
        wrong = "restart" if e.request_type == "new" else "new"
        fault = f"wrong-request-type-{wrong}"
        yield from sim.send(_request_message(sim, e, "rq0", wrong), (fault,))
        yield sim.env.timeout(e.stop_delay / 4 + 0.01)
    answer = yield from sim.send(_request_message(sim, e, "rq", e.request_type), situation)
    if answer["outcome"] == "under-review":
        decision = yield sim.pending(answer["inReplyTo"])
        return decision.get("vsbReference") if decision["outcome"] == "accepted" else None
    return answer.get("vsbReference") if answer["outcome"] == "accepted" else None


def _request_message(sim: Simulation, e: Episode, what: str, kind: str) -> dict[str, Any]:
    start = day_text(sim.scenario, e.start)
    return build.request(_id(e, what), e.mbe, e.patient.insz, e.begeleiding, kind, start)


def _status_query(sim: Simulation, e: Episode, what: str) -> Process:
    start = day_text(sim.scenario, e.start)
    answer = yield from sim.send(build.status_query(_id(e, what), e.mbe, e.patient.insz, start))
    # The status on the start date names the zorgkas to bill: the MBE keeps it for billing.
    e.known_zorgkas = build.insured_zorgkas(answer)
    return answer


def _cancel(sim: Simulation, e: Episode, billable: Billable) -> Process:
    message = build.cancel_request(_id(e, "cx"), e.mbe, billable.reference)
    answer = yield from sim.send(message)
    if answer["outcome"] == "accepted":
        billable.cancelled = True
        sim.tally.cancelled(e)


def _care(sim: Simulation, e: Episode, billable: Billable) -> Process:
    """The begeleiding runs: an admin change maybe, a stop reported by mistake and cancelled
    maybe, then the stop; True when it was stopped."""
    stop_at = max(e.stop_day + e.stop_delay, sim.env.now + 0.01)
    change_at = None
    if e.admin_change_at is not None:
        change_at = e.start + e.admin_change_at * e.duration
        if not sim.env.now < change_at < stop_at - 0.01:
            change_at = None
    mistake_at = None
    if e.mistaken_stop is not None:
        share, _, delay = e.mistaken_stop
        mistake_at = max(e.start + share * (e.duration - delay - 1), sim.env.now + 0.01)
        if mistake_at + delay + 0.5 >= stop_at:
            mistake_at = None
    if change_at is not None and (mistake_at is None or change_at < mistake_at):
        yield sim.wait_until(change_at)
        yield from sim.send(_admin_change(sim, e, billable, "ac"))
        change_at = None
    if mistake_at is not None:
        yield sim.wait_until(mistake_at)
        yield from _mistaken_stop(sim, e, billable)
    if change_at is not None and sim.env.now < change_at:
        yield sim.wait_until(change_at)
        yield from sim.send(_admin_change(sim, e, billable, "ac"))
    yield sim.wait_until(stop_at)
    answer = yield from sim.send(_stop(sim, e, billable))
    if answer["outcome"] != "accepted":
        return False
    billable.stopped_day = int(sim.env.now)
    sim.tally.stopped(e)
    if e.late_change_delay is not None:
        sim.env.process(_late_change(sim, e, billable))
    return True


def _mistaken_stop(sim: Simulation, e: Episode, billable: Billable) -> Process:
    """A stop reported by mistake (care goes on), cancelled a few days later: cancel-stop."""
    assert e.mistaken_stop is not None
    _, reason, delay = e.mistaken_stop
    data = build.stop_data(sim.today(), reason, [], [])
    answer = yield from sim.send(build.stop(_id(e, "sx"), e.mbe, billable.reference, data))
    if answer["outcome"] != "accepted":
        return
    yield sim.env.timeout(delay)
    yield from sim.send(build.cancel_stop(_id(e, "cs"), e.mbe, billable.reference))


def _admin_change(sim: Simulation, e: Episode, billable: Billable, what: str) -> dict[str, Any]:
    contact = sim.streams(f"{e.mbe}/software").choice(sim.plans.contacts[e.mbe])
    return build.admin_change(_id(e, what), e.mbe, billable.reference, contact=contact)


def _stop(sim: Simulation, e: Episode, billable: Billable) -> dict[str, Any]:
    assert e.stop_reason is not None
    data = build.stop_data(
        day_text(sim.scenario, e.stop_day),
        e.stop_reason,
        e.interventions,
        e.contacts,
        place_of_death=e.place_of_death,
        non_billing_reason=e.non_billing_reason,
    )
    return build.stop(_id(e, "st"), e.mbe, billable.reference, data)


def _late_change(sim: Simulation, e: Episode, billable: Billable) -> Process:
    """A change after the late-change window: under review; maybe a second one meanwhile."""
    window = int(default_rulebook().value("late_change_window_days"))
    assert billable.stopped_day is not None and e.late_change_delay is not None
    yield sim.wait_until(billable.stopped_day + window + 1 + e.late_change_delay)
    answer = yield from sim.send(_admin_change(sim, e, billable, "lc"), ("late-change",))
    if answer["outcome"] != "under-review":
        return
    decision = sim.pending(answer["inReplyTo"])
    billable.change_under_review = True  # the billing process does not wait for the decision
    if "change-while-under-review" in e.faults:
        yield sim.env.timeout(0.001)
        if not decision.triggered:
            second = _admin_change(sim, e, billable, "lc2")
            yield from sim.send(second, ("change-while-under-review",))
    yield decision
    billable.change_under_review = False
