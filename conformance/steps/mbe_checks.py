"""Direction 2, what the MBE software sent about its begeleidingen: Thens over the requests,
changes and stops that reached the harness's central application, and over every message.

Expected values come from the scenario text and the rulebook (deadlines, codes, what the MBE
entered); a rule the text does not spell out is judged by the reference application, the one
oracle, through the answer it gave the software ("nothing the MBE software sent broke ...").
A message missing, or one too many, breaches the requirement the scenario certifies (its tag);
a field at fault breaches the rule of that field.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Callable, Iterable
from typing import Any

import pytest
from parse import with_pattern
from pytest_bdd import parsers, then
from stdnum.be import ssn

from conformance.mbe.candidate import body, candidate, expect_sent, sent
from conformance.mbe.driver import StopReport
from conformance.mbe.recording import Record, day_of
from conformance.mbe.traffic import (
    about,
    indexed,
    of_begeleiding,
    place_of,
    references,
    scenario_requirement,
    under_review,
)
from conformance.steps.types import TYPES, step
from conformance.verdicts import Breach
from conformance.world import SetupFailed, World
from vsb.schemas import validate_message


def _code_value(text: str) -> str:
    return text


CODE: Callable[[str], str] = with_pattern(r"[a-z0-9][a-z0-9-]*")(_code_value)
"""{x:Code}: a code-list value, lower case with hyphens (no spaces, so text may follow)."""


def code_step(text: str) -> Any:
    """A step parser that also knows {x:Code}: a code-list value (lower case and hyphens)."""
    return parsers.parse(text, extra_types={**TYPES, "Code": CODE})


def code(words: str) -> str:
    """A code-list value from the words of a step ("hospital admission": hospital-admission)."""
    return words.replace(" ", "-")


KINDS = {
    "cancellation": "cancel-request",
    "cancel request": "cancel-request",
    "cancellation of the stop": "cancel-stop",
    "administrative change": "admin-change",
    "insurance status query": "insurance-status-query",
}
"""Message kinds in the words of the steps."""


def kind_of(words: str) -> str:
    """The message kind the words of a step name."""
    return KINDS.get(words, code(words))


# -- requests --------------------------------------------------------------------------------


def _begeleiding(record: Record) -> dict[str, Any]:
    found = body(record).get("begeleiding")
    return found if isinstance(found, dict) else {}


def _requests(world: World, patient: str) -> list[Record]:
    insz = world.insz(patient)
    return [r for r in sent(world, "request") if body(r).get("insz") == insz]


def _request(world: World, patient: str, requirement: str, start: dt.date | None = None) -> Record:
    """The software's request for the patient (starting `start`, when given); waits for it."""
    insz = world.insz(patient)
    wanted = None if start is None else start.isoformat()
    return expect_sent(
        world,
        f"a request for {patient}" + (f" starting {start}" if start else ""),
        requirement,
        lambda r: (
            body(r).get("insz") == insz
            and (wanted is None or _begeleiding(r).get("startDate") == wanted)
        ),
        "request",
    )


@then(
    step(
        "the MBE software sent a request of type {kind:Words} for {patient:Name} starting "
        "{start:Date}"
    )
)
def sent_request(
    world: World, request: pytest.FixtureRequest, kind: str, patient: str, start: dt.date
) -> None:
    """A request for the begeleiding starting that day, of the type the rules give: new for a
    patient new to the MBE, restart after an earlier stopped begeleiding at it."""
    record = _request(world, patient, scenario_requirement(request, "REQ-TR-ON-AFTER"), start)
    got = _begeleiding(record).get("requestType")
    if got != kind:
        # a returning patient requested as new breaks TYPE-NEW; a new one as restart, RESTART
        broken = "REQ-RQ-TYPE-NEW" if kind == "restart" else "REQ-RQ-TYPE-RESTART"
        raise Breach(
            f"a request of type {kind} starting {start}",
            f"a request of type {got}",
            broken,
            "/begeleiding/requestType",
        )


@then(step("the request for {patient:Name} arrived within the request deadline"))
def request_in_time(world: World, patient: str) -> None:
    """Every request for the patient arrived at most the rulebook's deadline after its start."""
    _request(world, patient, "REQ-RQ-DEADLINE")
    for record in _requests(world, patient):
        start = dt.date.fromisoformat(str(_begeleiding(record).get("startDate")))
        days = world.rulebook(start).days("request_deadline_days")
        if day_of(record) > start + days:
            raise Breach(
                f"the request by {start + days} ({days.days} days after the start {start})",
                f"it arrived on {day_of(record)}",
                "REQ-RQ-DEADLINE",
                "/begeleiding/startDate",
            )


@then(step("the request for {patient:Name} arrived on or after its start date"))
def request_not_early(world: World, patient: str) -> None:
    """No request for the patient arrived before the start date it names."""
    _request(world, patient, "REQ-RQ-START-NOT-FUTURE")
    for record in _requests(world, patient):
        start = str(_begeleiding(record).get("startDate"))
        if day_of(record).isoformat() < start:
            raise Breach(
                f"the request on or after its start date {start}",
                f"it arrived on {day_of(record)}",
                "REQ-RQ-START-NOT-FUTURE",
                "/begeleiding/startDate",
            )


REQUEST_FIELDS: dict[str, tuple[str, ...]] = {
    "diagnosis": ("medical", "diagnosis"),
    "referral": ("medical", "referral"),
    "origin": ("medical", "origin"),
    "accident code": ("accidentCode",),
    "GP RIZIV number": ("medical", "gp", "riziv"),
}


@then(step('the request the MBE software sent for {patient:Name} has {field:Words} "{value}"'))
def request_has(
    world: World, request: pytest.FixtureRequest, patient: str, field: str, value: str
) -> None:
    """The request carries the datum as the MBE entered it."""
    if field not in REQUEST_FIELDS:
        raise SetupFailed(f"a request field is one of {sorted(REQUEST_FIELDS)}, not {field!r}")
    requirement = scenario_requirement(request, "REQ-RQ-CODELIST")
    got: Any = _begeleiding(_request(world, patient, requirement))
    for key in REQUEST_FIELDS[field]:
        got = got.get(key) if isinstance(got, dict) else None
    if got != value:
        pointer = "/begeleiding/" + "/".join(REQUEST_FIELDS[field])
        raise Breach(f"{field} {value!r}", f"{got!r}", requirement, pointer)


@then(step("the MBE software sent no request for {patient:Name}"))
def no_request(world: World, request: pytest.FixtureRequest, patient: str) -> None:
    """No request for the patient reached the central application."""
    found = _requests(world, patient)
    if found:
        raise Breach(
            f"no request for {patient}",
            f"a request on {day_of(found[0])}",
            scenario_requirement(request, "REQ-TR-BEFORE"),
        )


@then(
    step("the MBE software's request for {patient:Name} went under review at zorgkas {zorgkas:N}")
)
def request_under_review(world: World, patient: str, zorgkas: int) -> None:
    """The request went under review at the zorgkas: the situation the scenario arranged."""
    record = _request(world, patient, "REQ-INS-CAN-AFFILIATE")
    review = record.answer.get("review")
    got = review.get("zorgkas") if isinstance(review, dict) else None
    if not under_review(record) or got != zorgkas:
        raise SetupFailed(
            f"the request for {patient} was to go under review at zorgkas {zorgkas}: "
            f"{record.answer}"
        )


@then(
    step("the MBE software sent the stop of {patient:Name}'s begeleiding before its next request")
)
def stop_before_next_request(world: World, request: pytest.FixtureRequest, patient: str) -> None:
    """The end of a begeleiding reached the central application (and was accepted) before the
    request of the patient's next one."""
    requirement = scenario_requirement(request, "REQ-RQ-ONE-OPEN")
    insz = world.insz(patient)
    requests = [(i, r) for i, r in indexed(world, "request") if body(r).get("insz") == insz]
    if len(requests) < 2:
        raise Breach(f"a second request for {patient}", f"{len(requests)} request(s)", requirement)
    first, following = requests[0], requests[1]
    reference = first[1].answer.get("vsbReference")
    stops = [
        i
        for i, r in indexed(world, "stop")
        if body(r).get("vsbReference") == reference and r.answer.get("outcome") == "accepted"
    ]
    if not stops or stops[0] > following[0]:
        got = f"the next request on {day_of(following[1])}" + (
            ", the stop after it" if stops else ", no accepted stop before it"
        )
        raise Breach(
            f"the stop of {patient}'s begeleiding before the next request", got, requirement
        )


# -- the old procedure -----------------------------------------------------------------------


def _billed_to_insurer(world: World) -> list[str]:
    return list(candidate(world).driver.billed_to_health_insurer())


@then(step("the MBE software billed {patient:Name} to the health insurer"))
def billed_to_insurer(world: World, request: pytest.FixtureRequest, patient: str) -> None:
    """The software says it billed the patient to the health insurer (the old procedure)."""
    billed = _billed_to_insurer(world)
    if world.insz(patient) not in billed:
        raise Breach(
            f"{patient} billed to the health insurer",
            f"billed to the health insurer: {', '.join(billed) or 'nobody'}",
            scenario_requirement(request, "REQ-TR-BEFORE"),
        )


@then(step("the MBE software did not bill {patient:Name} to the health insurer"))
def not_billed_to_insurer(world: World, request: pytest.FixtureRequest, patient: str) -> None:
    """The software does not bill the patient to the health insurer (the new procedure)."""
    if world.insz(patient) in _billed_to_insurer(world):
        raise Breach(
            f"{patient} billed to a zorgkas only",
            f"{patient} billed to the health insurer",
            scenario_requirement(request, "REQ-TR-ON-AFTER"),
        )


# -- changes ---------------------------------------------------------------------------------

CHANGE_KINDS = ("cancel-request", "admin-change", "stop", "cancel-stop")
ADMIN_FIELDS = {"kind", "messageId", "mbe", "vsbReference", "contactPerson", "accidentCode"}


@then(step("every message the MBE software sent about {patient:Name} carried its VSB reference"))
def changes_carry_reference(world: World, patient: str) -> None:
    """Every change (cancel, admin change, stop, cancel of a stop) names the VSB reference the
    patient's request got; the scenario's changes are all about this patient."""
    known = references(world, patient)
    expect_sent(world, f"a change about {patient}", "REQ-CH-REFERENCE", bool, *CHANGE_KINDS)
    for record in sent(world, *CHANGE_KINDS):
        if body(record).get("vsbReference") not in known:
            raise Breach(
                f"VSB reference {' or '.join(known) or '(none was given)'}",
                f"{body(record).get('vsbReference')!r} on the {record.kind} of {day_of(record)}",
                "REQ-CH-REFERENCE",
                "/vsbReference",
            )


@then(step("the MBE software sent a {kind:Words} about {patient:Name}"))
def sent_kind(world: World, request: pytest.FixtureRequest, kind: str, patient: str) -> None:
    """A message of that kind about the patient reached the central application."""
    requirement = scenario_requirement(request, "REQ-MSG-ANSWER")
    expect_sent(
        world, f"a {kind} about {patient}", requirement, about(world, patient), kind_of(kind)
    )


@then(step("the MBE software sent one {kind:Words} about {patient:Name}"))
def sent_one(world: World, request: pytest.FixtureRequest, kind: str, patient: str) -> None:
    """Exactly one message of that kind about the patient."""
    requirement = scenario_requirement(request, "REQ-MSG-ANSWER")
    mine = about(world, patient)
    expect_sent(world, f"a {kind} about {patient}", requirement, mine, kind_of(kind))
    found = [r for r in sent(world, kind_of(kind)) if mine(r)]
    if len(found) != 1:
        days = ", ".join(str(day_of(r)) for r in found)
        raise Breach(f"one {kind} about {patient}", f"{len(found)}, on {days}", requirement)


@then(step("the MBE software sent no {kind:Words} about {patient:Name}"))
def sent_none(world: World, request: pytest.FixtureRequest, kind: str, patient: str) -> None:
    """No message of that kind about the patient."""
    found = [r for r in sent(world, kind_of(kind)) if about(world, patient)(r)]
    if found:
        raise Breach(
            f"no {kind} about {patient}",
            f"one on {day_of(found[0])}, answered {found[0].answer.get('outcome')}",
            scenario_requirement(request, "REQ-MSG-ANSWER"),
        )


def _changed(world: World, patient: str, key: str, value: str, after: int = -1) -> Record:
    """The first administrative change about the patient, after message number `after`, that
    sets `key` to `value`; it carries administrative data only (REQ-CH-ADMIN)."""
    mine = about(world, patient)

    def match(record: Record) -> bool:
        found = body(record).get(key)
        named = found.get("name") if isinstance(found, dict) else found
        return mine(record) and named == value and place_of(world, record) > after

    what = f"an administrative change of {patient}'s begeleiding setting {key} to {value}"
    record = expect_sent(world, what, "REQ-CH-ADMIN", match, "admin-change")
    extra = sorted(set(body(record)) - ADMIN_FIELDS)
    if extra:
        raise Breach(
            "an administrative change of the contact person and/or the accident code only",
            f"it also carries {', '.join(extra)}",
            "REQ-CH-ADMIN",
            f"/{extra[0]}",
        )
    return record


@then(
    step(
        "the MBE software changed the contact person of {patient:Name}'s begeleiding to "
        "{name:Words}"
    )
)
def changed_contact(world: World, patient: str, name: str) -> None:
    """An administrative change names the new contact person, and nothing but admin data."""
    _changed(world, patient, "contactPerson", name)


@then(
    code_step(
        "the MBE software changed the accident code of {patient:Name}'s begeleiding to {value:Code}"
    )
)
def changed_accident_code(world: World, patient: str, value: str) -> None:
    """An administrative change names the new accident code, and nothing but admin data."""
    _changed(world, patient, "accidentCode", value)


# -- chronology: one message in processing, and the final decision ---------------------------


def _decisions(world: World, patient: str) -> list[int]:
    """Where the harness's staff decided the patient's messages under review: the number of
    messages received by then."""
    return [at for who, at in world.notes.get("decisions", ()) if who == patient]


@then(step("the MBE software sent no message about {patient:Name} while one was under review"))
def none_while_under_review(world: World, request: pytest.FixtureRequest, patient: str) -> None:
    """After a message of the begeleiding went under review, no other message of it came
    until the zorgkas decided it."""
    requirement = scenario_requirement(request, "REQ-CH-ONE-IN-PROCESSING")
    messages = of_begeleiding(world, patient)
    reviewed = [(i, r) for i, r in messages if under_review(r)]
    if not reviewed:
        raise SetupFailed(f"no message about {patient} went under review in this scenario")
    decided = _decisions(world, patient)
    for place, record in reviewed:
        until = min((at for at in decided if at > place), default=None)
        meanwhile = [r for i, r in messages if i > place and (until is None or i < until)]
        if meanwhile:
            raise Breach(
                f"nothing about {patient} while the {record.kind} of {day_of(record)} was "
                "under review",
                f"a {meanwhile[0].kind} on {day_of(meanwhile[0])}, answered "
                f"{meanwhile[0].answer.get('outcome')}",
                requirement,
            )


@then(
    code_step(
        "the MBE software changed the accident code of {patient:Name}'s begeleiding to "
        "{value:Code} after the decision"
    )
)
def changed_after_decision(world: World, patient: str, value: str) -> None:
    """The change held back while a message was under review went out once the final
    decision was read from the feed."""
    decided = _decisions(world, patient)
    if not decided:
        raise SetupFailed(f"no staff member decided a message of {patient} in this scenario")
    mine = about(world, patient)

    def match(record: Record) -> bool:
        return (
            mine(record)
            and body(record).get("accidentCode") == value
            and place_of(world, record) >= decided[-1]
        )

    expect_sent(
        world,
        f"the change of the accident code of {patient}'s begeleiding to {value}, after the "
        "final decision",
        "REQ-RV-MBE-ACTS-ON-DECISION",
        match,
        "admin-change",
    )


# -- stops -----------------------------------------------------------------------------------


def _stop(world: World, patient: str, requirement: str) -> dict[str, Any]:
    record = expect_sent(
        world, f"a stop of {patient}'s begeleiding", requirement, about(world, patient), "stop"
    )
    stop = body(record).get("stop")
    data = dict(stop) if isinstance(stop, dict) else {}
    data["_arrived"] = day_of(record)
    return data


@then(
    step(
        "the stop the MBE software sent for {patient:Name} is dated {day:Date}, for reason "
        "{reason:Words}"
    )
)
def stop_dated(
    world: World, request: pytest.FixtureRequest, patient: str, day: dt.date, reason: str
) -> None:
    """The stop names the day the begeleiding ended (not before it arrives) and the reason."""
    stop = _stop(world, patient, scenario_requirement(request, "REQ-ST-REQUIRED-DATA"))
    if stop.get("date") != day.isoformat() or stop["_arrived"] < day:
        raise Breach(
            f"a stop dated {day}, arriving on or after it",
            f"dated {stop.get('date')}, arriving on {stop['_arrived']}",
            "REQ-ST-DATE",
            "/stop/date",
        )
    if stop.get("reason") != code(reason):
        raise Breach(
            f"reason {code(reason)}",
            f"reason {stop.get('reason')}",
            "REQ-ST-REQUIRED-DATA",
            "/stop/reason",
        )


@then(step("the stop the MBE software sent for {patient:Name} says death at {place:Words}"))
def stop_says_death(world: World, patient: str, place: str) -> None:
    """A stop because of death names the place of death."""
    stop = _stop(world, patient, "REQ-ST-DEATH-PLACE")
    got = (stop.get("reason"), stop.get("placeOfDeath"))
    if got != ("death", code(place)):
        raise Breach(
            f"reason death, place of death {code(place)}",
            f"reason {got[0]}, place of death {got[1]}",
            "REQ-ST-DEATH-PLACE",
            "/stop/placeOfDeath",
        )


@then(
    step(
        "the stop the MBE software sent for {patient:Name} says {reason:Words} without a place "
        "of death"
    )
)
def stop_without_place(world: World, patient: str, reason: str) -> None:
    """A stop for another reason than death names no place of death."""
    stop = _stop(world, patient, "REQ-ST-DEATH-PLACE")
    got = (stop.get("reason"), stop.get("placeOfDeath"))
    if got != (code(reason), None):
        raise Breach(
            f"reason {code(reason)}, no place of death",
            f"reason {got[0]}, place of death {got[1]}",
            "REQ-ST-DEATH-PLACE",
            "/stop/placeOfDeath",
        )


def _totals(pairs: Iterable[tuple[tuple[str, ...], int]]) -> dict[tuple[str, ...], int]:
    totals: Counter[tuple[str, ...]] = Counter()
    for key, count in pairs:
        totals[key] += count
    return {key: count for key, count in totals.items() if count > 0}


def _listed(items: Any, keys: tuple[str, ...]) -> list[tuple[tuple[str, ...], int]]:
    rows = items if isinstance(items, list) else []
    return [
        (tuple(str(row.get(k)) for k in keys), int(row.get("count", 0)))
        for row in rows
        if isinstance(row, dict)
    ]


@then(
    step(
        "the stop the MBE software sent for {patient:Name} reports the interventions and "
        "first-line contacts of the ending"
    )
)
def stop_reports(world: World, patient: str) -> None:
    """The stop lists every intervention type and every provider-intervention pair the MBE
    entered, each once with its total count."""
    report = world.notes.get("endings", {}).get(patient)
    if not isinstance(report, StopReport):
        raise SetupFailed(f"no ending of {patient}'s begeleiding was entered in this scenario")
    stop = _stop(world, patient, "REQ-ST-REQUIRED-DATA")
    parts = (
        ("interventions", ("type",), [((t,), n) for t, n in report.interventions]),
        (
            "firstLineContacts",
            ("providerType", "interventionType"),
            [((p, i), n) for p, i, n in report.first_line_contacts],
        ),
    )
    for field, keys, entered in parts:
        listed = _listed(stop.get(field), keys)
        if field not in stop:
            raise Breach(
                f"the {field} of the stop", "none", "REQ-ST-REQUIRED-DATA", f"/stop/{field}"
            )
        repeated = [key for key, n in Counter(k for k, _ in listed).items() if n > 1]
        if repeated:
            raise Breach(
                f"each of the {field} once",
                f"{'/'.join(repeated[0])} more than once",
                "REQ-ST-CODELIST",
                f"/stop/{field}",
            )
        if dict(listed) != _totals(entered):
            raise Breach(
                f"{field} {_totals(entered)}",
                f"{dict(listed)}",
                "REQ-ST-REQUIRED-DATA",
                f"/stop/{field}",
            )


@then(
    code_step(
        "the stop the MBE software sent for {patient:Name} counts {count:N} interventions of "
        "type {kind:Code}"
    )
)
def stop_counts(world: World, patient: str, count: int, kind: str) -> None:
    """The intervention type is listed once, with the count the MBE entered in total."""
    stop = _stop(world, patient, "REQ-ST-CODELIST")
    found = [n for (t,), n in _listed(stop.get("interventions"), ("type",)) if t == kind]
    if found != [count]:
        raise Breach(
            f"{kind} listed once, {count} times",
            f"listed {len(found)} times with counts {found}",
            "REQ-ST-CODELIST",
            "/stop/interventions",
        )


# -- every message: identity, identifiers, schema --------------------------------------------


def _inszs(record: Record) -> list[tuple[str, Any]]:
    found = [("/insz", body(record)["insz"])] if "insz" in body(record) else []
    invoices = body(record).get("invoices")
    for index, invoice in enumerate(invoices if isinstance(invoices, list) else []):
        if isinstance(invoice, dict) and "insz" in invoice:
            found.append((f"/invoices/{index}/insz", invoice["insz"]))
    return found


@then(step("every INSZ the MBE software sent is a valid national register or BIS number"))
def every_insz_valid(world: World) -> None:
    """Every INSZ in a query, request or invoice has the check digits of an RRN or BIS number."""
    expect_sent(world, "a message with an INSZ", "REQ-ID-INSZ", lambda r: bool(_inszs(r)))
    for record in sent(world):
        for pointer, insz in _inszs(record):
            if not (isinstance(insz, str) and ssn.is_valid(insz)):
                raise Breach(
                    "a valid RRN or BIS number",
                    f"{insz!r} in the {record.kind} of {day_of(record)}",
                    "REQ-ID-INSZ",
                    pointer,
                )


@then(step("every message the MBE software sent names MBE {mbe:Name}"))
def every_message_names(world: World, request: pytest.FixtureRequest, mbe: str) -> None:
    """Every message names, as its MBE, the HCO number of the MBE whose certificate the
    software holds."""
    requirement = scenario_requirement(request, "REQ-MBE-CERTIFICATE")
    expect_sent(world, "a message", requirement, bool)
    hco = world.hco(mbe)
    for record in sent(world):
        if body(record).get("mbe") != hco:
            raise Breach(
                f"MBE {hco} (MBE {mbe})",
                f"{body(record).get('mbe')!r} in the {record.kind} of {day_of(record)}",
                requirement,
                "/mbe",
            )


@then(step("every {what:Words} the MBE software sent fits its schema"))
def every_fits_schema(world: World, request: pytest.FixtureRequest, what: str) -> None:
    """Every message (or every message of a kind) conforms to its published JSON schema."""
    requirement = scenario_requirement(request, "REQ-MSG-SCHEMA")
    kinds = () if what == "message" else (kind_of(what),)
    expect_sent(world, f"a {what}", requirement, bool, *kinds)
    for record in sent(world, *kinds):
        _, violations = validate_message(record.message)
        if violations:
            first = violations[0]
            raise Breach(
                f"a {record.kind} that fits its schema",
                f"the {record.kind} of {day_of(record)}: {first.message}",
                requirement,
                first.pointer,
            )


# -- the oracle: what the reference answered -------------------------------------------------


@then(step("the central application refused nothing the MBE software sent"))
def nothing_refused(world: World) -> None:
    """No answer (or settlement) the software got names a broken requirement, except the
    answers the scenario chose."""
    for record in sent(world):
        broken = broken_by(record)
        if broken and not record.scripted:
            raise Breach(
                "every message accepted (or under review where the rules say so)",
                f"the {record.kind} of {day_of(record)} was refused for {', '.join(broken)}",
                broken[0],
            )


@then(step("nothing the MBE software sent broke {requirement:Req}"))
def nothing_broke(world: World, requirement: str) -> None:
    """No answer the software got names the requirement as broken."""
    for record in sent(world):
        if requirement in broken_by(record) and not record.scripted:
            raise Breach(
                f"no message breaking {requirement}",
                f"the {record.kind} of {day_of(record)} broke it",
                requirement,
            )


def _named(errors: Any) -> list[str]:
    rows = errors if isinstance(errors, list) else []
    return [str(e["requirement"]) for e in rows if isinstance(e, dict) and "requirement" in e]


def broken_by(record: Record) -> list[str]:
    """The requirements the answer to a message names as broken: its errors, those of a
    settlement's invoices and lines, or the requirement of a problem (over HTTP)."""
    answer = record.answer
    found = _named(answer.get("errors"))
    if not found and isinstance(answer.get("requirement"), str):
        found.append(answer["requirement"])
    invoices = answer.get("invoices")
    for invoice in invoices if isinstance(invoices, list) else []:
        if isinstance(invoice, dict):
            found += _named(invoice.get("errors"))
            lines = invoice.get("lines")
            for line in lines if isinstance(lines, list) else []:
                if isinstance(line, dict):
                    found += _named(line.get("errors"))
    return found
