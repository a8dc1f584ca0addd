"""What will happen to each patient, decided before the run: arrivals, chains of begeleidingen.

Everything an MBE's patients do is drawn from that MBE's own streams (``<hco>/arrivals``,
``<hco>/patients``, ``<hco>/care``, ``<hco>/software``, ``<hco>/faults``,
``<hco>/cancel-stops``), so a scenario that changes one MBE changes nothing at the others.
The SimPy model then plays these plans against the central application, whose answers and
staff decide what really happens.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from typing import Any, Literal

from simulator.distributions import duration_days, poisson, span
from simulator.population import Patient, PatientFactory, WeightTable, weighted
from simulator.random_streams import Streams
from simulator.scenario import Scenario, calendar_day_text
from vsb.identifiers import random_riziv
from vsb.mbes import Mbe
from vsb.rulebook import default_rulebook

__all__ = ["Episode", "Plans", "expected_chain_length", "make_plans"]

Ending = Literal["death", "stop", "cancelled"]


@dataclass
class Episode:
    """One planned begeleiding of a patient at an MBE."""

    key: str  # unique in the run; the root of its message ids
    patient: Patient
    mbe: str
    request_type: Literal["new", "restart"]
    start: int  # the start day (days since the scenario start)
    duration: int
    ending: Ending
    stop_reason: str | None
    place_of_death: str | None
    non_billing_reason: str | None
    request_delay: float
    stop_delay: float
    cancel_delay: float
    admin_change_at: float | None  # share of the duration, when an admin change is sent
    late_change_delay: float | None  # days after the late-change window, when one is sent
    status_query: bool
    faults: frozenset[str]
    begeleiding: dict[str, Any]
    interventions: list[dict[str, Any]]
    contacts: list[dict[str, Any]]
    # a stop reported by mistake while care goes on: (moment as a share of the duration,
    # reason, days until the MBE cancels it)
    mistaken_stop: tuple[float, str, float] | None = None
    next: Episode | None = None
    gap: int = 0  # days between this stop and the next start
    known_zorgkas: int | None = None  # what the MBE's status query answered (0: none)

    @property
    def stop_day(self) -> int:
        """The stop date, as a day index."""
        return self.start + self.duration


@dataclass
class Plans:
    """Every patient and first episode of a run, by MBE, in arrival order."""

    patients: list[Patient] = field(default_factory=list)
    first_episodes: list[Episode] = field(default_factory=list)
    mbe_weights: dict[str, float] = field(default_factory=dict)
    contacts: dict[str, list[dict[str, Any]]] = field(default_factory=dict)  # per MBE


def expected_chain_length(scenario: Scenario) -> float:
    """How many begeleidingen a patient has on average (restarts and continuations)."""
    o = scenario.outcomes
    total = sum(o.other_stop_reasons.values())
    other_mbe = o.other_stop_reasons.get("other-mbe", 0.0) / total
    restart = sum(o.other_stop_reasons.get(r, 0.0) for r in o.restart_reasons) / total
    q = (1 - o.cancel_share) * (1 - o.death_share) * (other_mbe + restart * o.restart_share)
    n = o.max_begeleidingen_per_patient
    return float(sum(q**k for k in range(n)))


def make_plans(scenario: Scenario, streams: Streams, days: int) -> Plans:
    """The plans of every MBE for arrivals in the first `days` days."""
    weights = {m.hco: float(m.population) for m in scenario.mbes}
    plans = Plans(mbe_weights=weights)
    used: set[str] = set()
    for mbe in scenario.mbes:
        planner = _Planner(scenario, streams, mbe, weights, used)
        plans.contacts[mbe.hco] = planner.contacts
        for day in planner.arrival_days(days):
            patient = planner.factory.make(scenario.day(day))
            episode = planner.chain(patient, mbe.hco, day)
            plans.patients.append(patient)
            plans.first_episodes.append(episode)
    plans.first_episodes.sort(key=lambda e: (e.start, e.key))
    return plans


class _Planner:
    """Draws the plans of one MBE's patients from that MBE's streams."""

    def __init__(
        self,
        scenario: Scenario,
        streams: Streams,
        mbe: Mbe,
        weights: dict[str, float],
        used: set[str],
    ) -> None:
        self.scenario, self.mbe, self.weights = scenario, mbe, weights
        self.arrivals = streams(f"{mbe.hco}/arrivals")
        self.care = streams(f"{mbe.hco}/care")
        self.software = streams(f"{mbe.hco}/software")
        self.faults = streams(f"{mbe.hco}/faults")
        self.mistakes = streams(f"{mbe.hco}/cancel-stops")
        self.factory = PatientFactory(scenario.population, streams(f"{mbe.hco}/patients"), used)
        self.codes = default_rulebook().codelists
        o = scenario.outcomes
        self.tables = {
            name: WeightTable(getattr(o, name))
            for name in (
                "diagnosis",
                "referral",
                "origin",
                "accident_code",
                "place_of_death",
                "other_stop_reasons",
            )
        }
        self.count = 0
        self.contacts = [self._contact(i) for i in range(5)]

    def _contact(self, index: int) -> dict[str, Any]:
        first, last = self.factory.name("nl_BE", "F" if index % 2 else "M")
        return {
            "name": f"{first} {last}",
            "phone": f"+32 {self.care.randint(10, 99)} "
            f"{self.care.randint(100, 999)} {self.care.randint(10, 99)} "
            f"{self.care.randint(10, 99)}",
        }

    def arrival_days(self, days: int) -> list[float]:
        """Arrival moments in [0, days): a Poisson process with monthly seasonality (thinning)."""
        s = self.scenario
        share = self.weights[self.mbe.hco] / sum(self.weights.values())
        season = s.seasonality
        mean_season = sum(season) / len(season)
        base = s.arrivals_per_year * s.growth * share / expected_chain_length(s) / 365.0
        peak = base * max(season) / mean_season
        found: list[float] = []
        t = self.arrivals.expovariate(peak)
        while t < days:
            factor = season[s.day(t).month - 1] / max(season)
            if self.arrivals.random() < factor:
                found.append(t)
            t += self.arrivals.expovariate(peak)
        return found

    def chain(self, patient: Patient, hco: str, moment: float) -> Episode:
        """The first episode of a patient, linked to the ones that follow it."""
        first = episode = self.episode(patient, hco, int(moment), "new")
        while (
            episode.next is None
            and len(patient.mbes) < self.scenario.outcomes.max_begeleidingen_per_patient
        ):
            follow = self._follow_up(episode)
            if follow is None:
                break
            episode.next, episode = follow, follow
        return first

    def _follow_up(self, episode: Episode) -> Episode | None:
        o, rng = self.scenario.outcomes, self.care
        if episode.ending != "stop":
            return None
        if episode.stop_reason == "other-mbe" and len(self.weights) > 1:
            others = {k: v for k, v in self.weights.items() if k != episode.mbe}
            hco, gap_span = weighted(rng, others), o.continuation_gap_days
        elif episode.stop_reason in o.restart_reasons and rng.random() < o.restart_share:
            hco, gap_span = episode.mbe, o.restart_gap_days
        else:
            return None
        episode.gap = round(span(rng, gap_span))
        kind: Literal["new", "restart"] = "restart" if hco in episode.patient.mbes else "new"
        return self.episode(episode.patient, hco, episode.stop_day + episode.gap, kind)

    def episode(
        self, patient: Patient, hco: str, start: int, kind: Literal["new", "restart"]
    ) -> Episode:
        """One begeleiding: duration, ending, message timing and faults."""
        s, o, rng = self.scenario, self.scenario.outcomes, self.care
        d = s.durations
        duration = duration_days(rng, d.median_days, d.sigma, d.min_days, d.max_days)
        ending: Ending = (
            "cancelled"
            if rng.random() < o.cancel_share
            else ("death" if rng.random() < o.death_share else "stop")
        )
        reason = (
            "death"
            if ending == "death"
            else (self.tables["other_stop_reasons"].draw(rng) if ending == "stop" else None)
        )
        patient.mbes.append(hco)
        if ending == "death":
            patient.death_date = s.day(start + duration)
        self.count += 1
        episode = Episode(
            key=f"{self.mbe.hco[-6:]}-{self.count:06d}",
            patient=patient,
            mbe=hco,
            request_type=kind,
            start=start,
            duration=duration,
            ending=ending,
            stop_reason=reason,
            place_of_death=self.tables["place_of_death"].draw(rng) if ending == "death" else None,
            non_billing_reason=self._non_billing(),
            status_query=False,
            request_delay=0.0,
            stop_delay=0.0,
            cancel_delay=0.0,
            admin_change_at=None,
            late_change_delay=None,
            faults=frozenset(),
            begeleiding=self._begeleiding(kind),
            interventions=self._interventions(duration),
            contacts=self._contacts(duration),
        )
        self._timing(episode)
        self._faults(episode)
        self._mistaken_stop(episode)
        return episode

    def _mistaken_stop(self, e: Episode) -> None:
        """Maybe a stop reported by mistake, cancelled a few days later (its own stream)."""
        rng, s = self.mistakes, self.scenario
        happens = rng.random() < s.outcomes.mistaken_stop_share
        moment, delay = rng.random(), span(rng, s.software.cancel_stop_delay_days)
        if happens and e.ending != "cancelled" and e.duration >= delay + 3:
            reasons = {k: v for k, v in s.outcomes.other_stop_reasons.items() if k != "other-mbe"}
            reasons = reasons if sum(reasons.values()) > 0 else {"other": 1.0}
            e.mistaken_stop = (moment, weighted(rng, reasons), delay)

    def _non_billing(self) -> str | None:
        if self.care.random() >= self.scenario.outcomes.non_billing_share:
            return None
        return self.care.choice(sorted(self.codes["non_billing_reason"]))

    def _timing(self, e: Episode) -> None:
        sw, o, rng = self.scenario.software, self.scenario.outcomes, self.software
        e.status_query = rng.random() < sw.status_query_share
        e.request_delay = span(rng, sw.request_delay_days)
        e.stop_delay = span(rng, sw.stop_delay_days)
        e.cancel_delay = span(rng, sw.cancel_delay_days)
        if rng.random() < o.admin_change_share:
            e.admin_change_at = rng.random()
        if e.ending != "cancelled" and rng.random() < o.late_change_share:
            e.late_change_delay = span(rng, sw.late_change_delay_days)

    def _faults(self, e: Episode) -> None:
        f, rng = self.scenario.faults, self.faults
        found: set[str] = set()
        if rng.random() < f.late_request:
            found.add("late-request")
        elif rng.random() < f.wrong_request_type:
            found.add("wrong-request-type")
        if e.late_change_delay is not None and rng.random() < f.change_while_under_review:
            found.add("change-while-under-review")
        e.faults = frozenset(found)

    def _begeleiding(self, kind: str) -> dict[str, Any]:
        rng, tables = self.care, self.tables
        first, last = self.factory.name("nl_BE", rng.choice("MF"))
        return {
            "requestType": kind,
            "contactPerson": rng.choice(self.contacts),
            "medical": {
                "gp": {"name": f"Dr. {first} {last}", "riziv": random_riziv(rng, 1)},
                "diagnosis": tables["diagnosis"].draw(rng),
                "referral": tables["referral"].draw(rng),
                "origin": tables["origin"].draw(rng),
            },
            "accidentCode": tables["accident_code"].draw(rng),
        }

    def _interventions(self, duration: int) -> list[dict[str, Any]]:
        weeks = max(duration, 1) / 7
        found = []
        for code, rate in self.scenario.outcomes.interventions_per_week.items():
            count = min(poisson(self.care, rate * weeks), 10000)
            if count:
                found.append({"type": code, "count": count})
        return found

    def _contacts(self, duration: int) -> list[dict[str, Any]]:
        weeks = max(duration, 1) / 7
        found = []
        for provider, rate in self.scenario.outcomes.contacts_per_week.items():
            count = min(poisson(self.care, rate * weeks), 10000)
            if count:
                found.append(
                    {"providerType": provider, "interventionType": "consultation", "count": count}
                )
        return found


def day_text(scenario: Scenario, day: int) -> str:
    """The ISO date of a day index."""
    return calendar_day_text(scenario.start_date, day)


def draw(rng: random.Random, share: float) -> bool:
    """Whether an event of probability `share` happens."""
    return rng.random() < share
