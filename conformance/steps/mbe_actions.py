"""Direction 2, what happens in the real world of the MBE: the harness tells the MBE software
under test through its driver (a patient taken on, a begeleiding that starts, changes, ends;
the feed read; the billing day). The software then sends what it sends; the Thens of
`mbe_checks` and `mbe_billing_checks` judge that.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import replace

from pytest_bdd import given, when

from conformance.mbe.candidate import (
    Candidate,
    act,
    body,
    candidate,
    expect_sent,
    harness,
    sent,
)
from conformance.mbe.driver import Contact, Medical, Patient, Start, StopReport
from conformance.mbe.harness import DriverFactory
from conformance.mbe.recording import Record
from conformance.steps.types import step
from conformance.verdicts import Breach
from conformance.world import SetupFailed, World
from vsb.synthetic import SAMPLE_GP

MEDICAL = Medical("Dr. Jan Claes", SAMPLE_GP, "onco-lung", "gp", "home-with-family")
CONTACT = Contact("An Peeters", "+32 9 123 45 67")
INTERVENTIONS = (("home-visit", 4), ("phone-contact", 2))
"""The interventions of an ending the scenario does not detail: 4 home visits, 2 calls."""
FIRST_LINE = (("gp", "consultation", 2), ("home-nurse", "home-visit", 3))
"""The first-line contacts of an ending the scenario does not detail."""

MEDICAL_FIELDS = ("diagnosis", "referral", "origin", "accident code", "GP RIZIV number")
"""What a scenario may set when a begeleiding starts (the rest is `MEDICAL`, `CONTACT`)."""


def _code(words: str) -> str:
    """A code-list value from the words of a step ("hospital admission": hospital-admission)."""
    return words.replace(" ", "-")


def _start_of(record: Record) -> str | None:
    begeleiding = body(record).get("begeleiding")
    day = begeleiding.get("startDate") if isinstance(begeleiding, dict) else None
    return day if isinstance(day, str) else None


# -- the software and its patients -----------------------------------------------------------


@given(step("the MBE software under test runs as MBE {mbe:Name}"))
def software_runs(world: World, candidate: DriverFactory, mbe: str) -> None:
    """Start the candidate as the MBE (introduced in the Background), on the harness."""
    hco = world.hco(mbe)
    driver = candidate()
    driver.open(harness(world).session(hco))
    world.notes["candidate"] = Candidate(mbe, hco, driver)


@given(step("the MBE software has taken on {patient:Name}"))
def taken_on(world: World, patient: str) -> None:
    """The MBE takes on a patient: the software's user types in their INSZ and name."""
    person = world.persons.get(patient)
    insz = world.insz(patient)
    last = person.last_name if person else "Conformance"
    candidate(world).driver.register_patient(Patient(insz, patient, last))


def start_begeleiding(
    world: World,
    patient: str,
    start: dt.date,
    day: dt.date,
    medical: Medical = MEDICAL,
    accident: str = "none",
) -> None:
    """The GP's prescription for the patient, dated `start`, entered in the software on `day`."""
    begin = Start(world.insz(patient), start, medical, CONTACT, accident)
    act(world, day, lambda driver: driver.start_begeleiding(begin))


def accepted_request(world: World, patient: str, start: dt.date) -> None:
    """Fail the setup unless the software requested the begeleiding on the day it was entered
    and the request was accepted: what the scenario builds on."""
    insz = world.insz(patient)
    found = [
        r
        for r in sent(world, "request")
        if body(r).get("insz") == insz and _start_of(r) == start.isoformat()
    ]
    if not found:
        try:
            expect_sent(
                world,
                f"a request for {patient} starting {start}",
                "REQ-RQ-DEADLINE",
                lambda r: body(r).get("insz") == insz and _start_of(r) == start.isoformat(),
                "request",
            )
        except Breach as missing:
            raise SetupFailed(
                f"the MBE software sent no request for {patient} on the day the begeleiding "
                f"starting {start} was entered; this scenario builds on it ({missing.got})"
            ) from None
        found = [
            r
            for r in sent(world, "request")
            if body(r).get("insz") == insz and _start_of(r) == start.isoformat()
        ]
    if found[-1].answer.get("outcome") != "accepted":
        raise SetupFailed(f"the request for {patient} was not accepted: {found[-1].answer}")


@given(
    step(
        "the MBE software started a begeleiding for {patient:Name} on {start:Date} that was "
        "accepted"
    )
)
def started_and_accepted(world: World, patient: str, start: dt.date) -> None:
    """The MBE took the patient on and the begeleiding, entered on its start date, was
    requested and accepted."""
    taken_on(world, patient)
    start_begeleiding(world, patient, start, start)
    accepted_request(world, patient, start)


@given(
    step(
        "the MBE software started begeleidingen for {count:N} other members of zorgkas "
        "{zorgkas:N} on {start:Date} that were accepted"
    )
)
def others_started(world: World, count: int, zorgkas: int, start: dt.date) -> None:
    """Other patients whose correct forfaits fill the software's shipments, so that one fault
    stays below the 5 % threshold."""
    for number in range(1, count + 1):
        name = f"Other-{zorgkas}-{number:03d}"
        world.affiliate(name, zorgkas, dt.date(start.year, 1, 1))
        started_and_accepted(world, name, start)


# -- begeleidingen ---------------------------------------------------------------------------


@when(
    step(
        "a begeleiding of {patient:Name} starts on {start:Date}, entered in the software on "
        "{day:Date}"
    )
)
def begeleiding_starts(world: World, patient: str, start: dt.date, day: dt.date) -> None:
    """A GP prescribes palliative home care; the MBE enters it in its software on `day`."""
    start_begeleiding(world, patient, start, day)


@when(
    step(
        'a begeleiding of {patient:Name} starts on {start:Date} with {field:Words} "{value}", '
        "entered in the software on {day:Date}"
    )
)
def begeleiding_starts_with(
    world: World, patient: str, start: dt.date, field: str, value: str, day: dt.date
) -> None:
    """A begeleiding starts with one medical datum (or the accident code) as the scenario
    names it, the rest as usual."""
    medical_fields = {
        "diagnosis": "diagnosis",
        "referral": "referral",
        "origin": "origin",
        "GP RIZIV number": "gp_riziv",
    }
    if field == "accident code":
        start_begeleiding(world, patient, start, day, accident=value)
    elif field in medical_fields:
        medical = replace(MEDICAL, **{medical_fields[field]: value})
        start_begeleiding(world, patient, start, day, medical)
    else:
        raise SetupFailed(f"a begeleiding starts with one of {MEDICAL_FIELDS}, not {field!r}")


@when(step("the contact person of {patient:Name}'s begeleiding becomes {name:Words} on {day:Date}"))
def contact_changes(world: World, patient: str, name: str, day: dt.date) -> None:
    """The MBE's contact person for the patient changes."""
    insz = world.insz(patient)
    act(world, day, lambda driver: driver.change_contact(insz, Contact(name)))


@when(step("the accident code of {patient:Name}'s begeleiding becomes {code} on {day:Date}"))
def accident_code_changes(world: World, patient: str, code: str, day: dt.date) -> None:
    """The accident code of the patient's begeleiding changes."""
    insz = world.insz(patient)
    act(world, day, lambda driver: driver.change_accident_code(insz, code))


@when(step("{patient:Name}'s begeleiding is cancelled on {day:Date}"))
def begeleiding_cancelled(world: World, patient: str, day: dt.date) -> None:
    """The begeleiding was entered by mistake; the MBE cancels it."""
    insz = world.insz(patient)
    act(world, day, lambda driver: driver.cancel(insz))


# -- endings ---------------------------------------------------------------------------------


def end(world: World, patient: str, report: StopReport, day: dt.date) -> None:
    """The begeleiding ends as `report` says; the MBE enters it on `day`. The report is kept
    for the Thens that compare the stop with it."""
    world.notes.setdefault("endings", {})[patient] = report
    insz = world.insz(patient)
    act(world, day, lambda driver: driver.stop(insz, report))


@when(step("{patient:Name}'s begeleiding ends on {day:Date} because of death at {place:Words}"))
def ends_by_death(world: World, patient: str, day: dt.date, place: str) -> None:
    """The patient dies; the MBE reports the end that day, with the place of death."""
    report = StopReport(day, "death", _code(place), None, INTERVENTIONS, FIRST_LINE)
    end(world, patient, report, day)


@when(step("{patient:Name}'s begeleiding ends on {day:Date} for reason {reason:Words}"))
@given(step("{patient:Name}'s begeleiding ended on {day:Date} for reason {reason:Words}"))
def ends_for_reason(world: World, patient: str, day: dt.date, reason: str) -> None:
    """The begeleiding ends for a reason of the code list; the MBE reports it that day."""
    report = StopReport(day, _code(reason), None, None, INTERVENTIONS, FIRST_LINE)
    end(world, patient, report, day)


@when(
    step(
        "{patient:Name}'s begeleiding ends on {day:Date} for reason {reason:Words}, entered in "
        "the software on {entered:Date}"
    )
)
def ends_entered_later(
    world: World, patient: str, day: dt.date, reason: str, entered: dt.date
) -> None:
    """The begeleiding ended on `day`; the MBE enters the end later."""
    report = StopReport(day, _code(reason), None, None, INTERVENTIONS, FIRST_LINE)
    end(world, patient, report, entered)


@when(
    step(
        "{patient:Name}'s begeleiding ends on {day:Date} for reason {reason:Words}, after these "
        "interventions"
    )
)
def ends_after_interventions(
    world: World, patient: str, day: dt.date, reason: str, datatable: list[list[str]]
) -> None:
    """The begeleiding ends; the MBE enters its interventions as the table lists them
    (`| type | count |`, a type may come more than once)."""
    rows = datatable[1:] if datatable and datatable[0] == ["type", "count"] else datatable
    try:
        interventions = tuple((kind, int(count)) for kind, count in rows)
    except ValueError:
        raise SetupFailed("the interventions table has rows | type | count |") from None
    report = StopReport(day, _code(reason), None, None, interventions, FIRST_LINE)
    end(world, patient, report, day)


@when(
    step(
        "{patient:Name}'s begeleiding ends on {day:Date} for reason {reason:Words}, not to be "
        "billed because {why:Words}"
    )
)
def ends_without_billing(world: World, patient: str, day: dt.date, reason: str, why: str) -> None:
    """The begeleiding ends, and the MBE reports a reason for non-billing."""
    report = StopReport(day, _code(reason), None, _code(why), INTERVENTIONS, FIRST_LINE)
    end(world, patient, report, day)


# -- time passing ----------------------------------------------------------------------------


@when(step("the MBE software runs on {day:Date}"))
def runs_on(world: World, day: dt.date) -> None:
    """The software's day comes: it does what it does on that day (a request due)."""
    act(world, day, lambda driver: None)


@when(step("the MBE software reads its feed on {day:Date}"))
def reads_feed(world: World, day: dt.date) -> None:
    """The software reads its feed (final decisions, signed settlements) and acts on it."""
    act(world, day, lambda driver: driver.read_feed())


@when(step("the MBE's billing day is {day:Date}"))
@given(step("the MBE's billing day was {day:Date}"))
def billing_day(world: World, day: dt.date) -> None:
    """The MBE's billing day: the software bills what is due."""
    act(world, day, lambda driver: driver.run_monthly_billing())
