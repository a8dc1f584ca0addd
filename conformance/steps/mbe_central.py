"""Direction 2, what the harness does as the central application and the world around it:
an answer the scenario chooses, a correction of the national register, a patient who
affiliates, and zorgkas staff who decide a message under review or sign a shipment.

The answers a scenario needs come from arranging the world wherever the rules produce them
(a patient who can affiliate goes under review; a registry corrected after the software
checked it gets an invoice rejected); only a refusal the world cannot bring about is chosen.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import replace

from pytest_bdd import given, when

from conformance.adapters.base import Decision
from conformance.mbe.candidate import harness
from conformance.mbe.traffic import received, references
from conformance.steps.types import step
from conformance.world import STAFF, SetupFailed, World
from vsb.identifiers import make_bis
from vsb.membership import Affiliation, RegistrySnapshot

# -- the central application's answers -------------------------------------------------------


@given(step("the central application will refuse the next {kind:Words} for {requirement:Req}"))
def will_refuse(world: World, kind: str, requirement: str) -> None:
    """The next message of that kind the software sends is refused for the requirement (a
    shipment: refused as a whole, a blocking error), whatever it holds."""
    harness(world).recording.choose(kind.replace(" ", "-"), requirement)


# -- the national register -------------------------------------------------------------------


@given(step("{patient:Name} has a national register number"))
def has_rrn(world: World, patient: str) -> None:
    """The patient is known by a national register (RRN) number, as every patient unless the
    scenario says otherwise."""
    world.insz(patient)


@given(step("{patient:Name} has a BIS number"))
def has_bis_number(world: World, patient: str) -> None:
    """The patient is known by a BIS number instead of a national register number; say it
    before anything else about the patient."""
    if patient in world.persons:
        raise SetupFailed(f"say that {patient} has a BIS number before anything else about them")
    world.insz(patient)  # made up on first mention, as every patient
    person = world.persons[patient]
    serial = int(person.insz[6:9])
    world.persons[patient] = replace(person, insz=make_bis(person.birth_date, serial, True))


@when(step("{patient:Name} affiliates with zorgkas {zorgkas:N} with effect from {since:Date}"))
def affiliates(world: World, patient: str, zorgkas: int, since: dt.date) -> None:
    """The patient, urged by the MBE, affiliates (always possible from 1 January)."""
    world.affiliate(patient, zorgkas, since)


@given(
    step(
        "the national register corrects {patient:Name}'s affiliation to zorgkas {zorgkas:N} "
        "since {since:Date} just before the next shipment arrives"
    )
)
def corrected_at_shipment(world: World, patient: str, zorgkas: int, since: dt.date) -> None:
    """A retroactive correction the software cannot have seen when it checked the status on
    its billing day: the next shipment meets a registry in which the patient is a member of
    another zorgkas, so their invoice is rejected (REQ-BL-MEMBER)."""
    insz = world.insz(patient)
    kept = [a for a in world.affiliations if a.insz != insz]
    corrected = [*kept, Affiliation(insz, zorgkas, "official", since, None)]
    unregistered = world.notes.get("unregistered", set())
    persons = tuple(p for name, p in world.persons.items() if name not in unregistered)
    snapshot = RegistrySnapshot(persons, tuple(corrected))
    app = harness(world).recording

    def correct(message: object) -> None:
        if isinstance(message, dict) and message.get("kind") == "shipment":
            app.arrivals.remove(correct)
            app.store.load_registry(snapshot)
            world.affiliations[:] = corrected

    app.arrivals.append(correct)


# -- zorgkas staff ---------------------------------------------------------------------------


def _decide_review(
    world: World, zorgkas: int, patient: str, outcome: Decision, day: dt.date
) -> None:
    world.at(day)
    insz = world.insz(patient)
    known = set(references(world, patient))
    items = world.central.review_queue(zorgkas, STAFF).field("items", [])
    mine = [
        item
        for item in items
        if isinstance(item.get("message"), dict)
        and (item["message"].get("insz") == insz or item["message"].get("vsbReference") in known)
    ]
    if not mine:
        raise SetupFailed(f"nothing of {patient} waits in the review queue of zorgkas {zorgkas}")
    reason = "" if outcome == "accepted" else "the patient did not affiliate in time"
    reply = world.central.decide(zorgkas, STAFF, int(mine[0]["reviewId"]), outcome, reason)
    if reply.problem:
        raise SetupFailed(f"zorgkas {zorgkas} could not decide: {reply.body}")
    world.notes.setdefault("decisions", []).append((patient, received(world)))


@when(
    step(
        "a staff member of zorgkas {zorgkas:N} {decision:Words} the message of {patient:Name} "
        "under review on {day:Date}"
    )
)
def staff_decide(world: World, zorgkas: int, decision: str, patient: str, day: dt.date) -> None:
    """Staff of the zorgkas accept or refuse the patient's message under review; the final
    decision goes to the MBE's feed."""
    outcomes: dict[str, Decision] = {"accepts": "accepted", "refuses": "refused"}
    if decision not in outcomes:
        raise SetupFailed(f"staff accept or refuse, not {decision!r}")
    _decide_review(world, zorgkas, patient, outcomes[decision], day)


@when(step("zorgkas {zorgkas:N} signs the shipment of MBE {mbe:Name} on {day:Date}"))
def staff_sign(world: World, zorgkas: int, mbe: str, day: dt.date) -> None:
    """Staff of the zorgkas sign every shipment ready for it; the settlement goes to the feed."""
    world.at(day)
    ids = world.central.unsigned_shipments(zorgkas, STAFF).field("items", [])
    if not ids:
        raise SetupFailed(f"no shipment of zorgkas {zorgkas} is ready for a signature")
    for settlement_id in ids:
        world.central.sign(zorgkas, STAFF, str(settlement_id))
