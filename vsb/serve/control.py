"""Test control (`--test-control` only): set the clock, load persons and MBEs, reset.

A conformance harness drives any central application through these; the real platform has
none of them. They need no client assertion: the sandbox refuses to serve them off loopback
unless told `--i-know-this-is-exposed`, and with `--test-control-token` every call needs that
bearer token (401 problem otherwise, before the body is read).
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Awaitable, Callable
from typing import Any

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from vsb.clock import FixedClock
from vsb.mbes import Mbe
from vsb.membership import Affiliation, Person, RegistrySnapshot, snapshot_problems
from vsb.rulebook import default_rulebook
from vsb.schemas import SchemaViolation
from vsb.serve.bodies import schema_problem
from vsb.serve.exposure import check_control_token
from vsb.serve.mbe_routes import service_of
from vsb.serve.population import RegistryFull, add_generated
from vsb.serve.problems import FieldError, Problem, ProblemError
from vsb.serve.service import Service, json_response
from vsb.serve.validation import validate_body

log = logging.getLogger("vsb.serve")


async def _checked(request: Request, name: str) -> tuple[Service, Any]:
    service = service_of(request)
    body = await service.body(request)
    violations = validate_body(name, body)
    if violations:
        raise schema_problem(violations, name.lower())
    return service, body


def _clock_of(service: Service) -> FixedClock:
    clock = service.central.clock
    assert isinstance(clock, FixedClock), "test control runs on a FixedClock"
    return clock


async def get_clock(request: Request) -> Response:
    """The moment the application believes it is."""
    return json_response({"now": _clock_of(service_of(request)).now().isoformat()})


async def set_clock(request: Request) -> Response:
    """Move the application's clock (forwards or backwards)."""
    service, body = await _checked(request, "Clock")
    try:
        moment = dt.datetime.fromisoformat(body["now"].replace("Z", "+00:00"))
    except ValueError:
        raise schema_problem(
            [SchemaViolation("/now", "format", "now must be an ISO 8601 date-time")], "clock"
        ) from None
    clock = _clock_of(service)
    await service.central.run(clock.set, moment)
    log.info("test control: clock set to %s", clock.now().isoformat())
    return json_response({"now": clock.now().isoformat()})


async def reset(request: Request) -> Response:
    """Forget everything (messages, begeleidingen, shipments); reload fixtures unless told not."""
    service, body = await _checked(request, "Reset")
    fixtures = bool(body.get("fixtures", True))
    await service.central.run(service.central.reset, fixtures)
    log.info("test control: reset (fixtures reloaded: %s)", fixtures)
    return json_response(
        {"reset": True, "fixtures": fixtures and service.config.fixtures is not None}
    )


def _date(value: str | None) -> dt.date | None:
    return dt.date.fromisoformat(value) if value else None


def _snapshot(body: dict[str, Any]) -> RegistrySnapshot:
    persons = tuple(
        Person(
            insz=p["insz"],
            last_name=p["lastName"],
            first_name=p["firstName"],
            birth_date=_date(p.get("birthDate")),
            sex=p["sex"],
            region=p["region"],
            postal_code=p.get("postalCode", ""),
            health_insurer=p.get("healthInsurer"),
            death_date=_date(p.get("deathDate")),
            cannot_affiliate=p.get("cannotAffiliate"),
            foreign_insured=p.get("foreignInsured", False),
            increased_allowance_years=frozenset(),
            vzv25_years=frozenset(),
        )
        for p in body["persons"]
    )
    affiliations = tuple(
        Affiliation(
            a["insz"],
            a["zorgkas"],
            a["type"],
            dt.date.fromisoformat(a["start"]),
            _date(a.get("end")),
        )
        for a in body["affiliations"]
    )
    return RegistrySnapshot(persons, affiliations)


_JSON_FIELDS = {"birth_date": "birthDate", "death_date": "deathDate"}


def _rule_problems(snapshot: RegistrySnapshot) -> list[SchemaViolation]:
    """The registry rules the snapshot breaks (the same as for the KSZ files)."""
    return [
        SchemaViolation(f"/{group}/{index}/{_JSON_FIELDS.get(field, field)}", rule, detail)
        for group, index, (field, rule, detail) in snapshot_problems(snapshot)
    ]


def _date_problems(body: dict[str, Any]) -> list[SchemaViolation]:
    problems = []
    for pointer, value in _dates(body):
        try:
            dt.date.fromisoformat(value)
        except ValueError:
            problems.append(SchemaViolation(pointer, "format", f"{value!r} is not a date"))
    return problems


def _dates(body: dict[str, Any]) -> list[tuple[str, str]]:
    found = []
    for group, keys in (
        ("persons", ("birthDate", "deathDate")),
        ("affiliations", ("start", "end")),
    ):
        for index, row in enumerate(body[group]):
            found += [(f"/{group}/{index}/{key}", row[key]) for key in keys if row.get(key)]
    return found


async def load_registry(request: Request) -> Response:
    """Replace the registry (persons and affiliations) by the body's."""
    service, body = await _checked(request, "Registry")
    problems = _date_problems(body)  # dates first: the snapshot cannot be built without them
    snapshot = RegistrySnapshot((), ()) if problems else _snapshot(body)
    problems = problems or _rule_problems(snapshot)
    if problems:
        errors = tuple(FieldError(p.pointer, p.keyword, p.message) for p in problems)
        raise ProblemError(
            Problem(
                409,
                "registry-conflict",
                "Registry conflict",
                f"the registry cannot be loaded: {errors[0].message}",
                errors,
            )
        )
    await service.central.run(service.central.store.load_registry, snapshot)
    return json_response(
        {"persons": len(snapshot.persons), "affiliations": len(snapshot.affiliations)}
    )


async def load_mbes(request: Request) -> Response:
    """Add or replace MBEs."""
    service, body = await _checked(request, "Mbes")
    mbes = [
        Mbe(
            m["hco"],
            m["name"],
            m.get("network", ""),
            m.get("province", ""),
            m.get("population", 1),
            m["cotDeclaration"],
        )
        for m in body["mbes"]
    ]
    await service.central.run(service.central.store.load_mbes, mbes)
    service.central.forget_admissions()
    return json_response({"mbes": len(mbes)})


async def generate_registry(request: Request) -> Response:
    """Add `persons` generated, insured test persons to the registry (see vsb.serve.population)."""
    service, body = await _checked(request, "GenerateRegistry")
    count, limit = body["persons"], service.config.max_generated_persons
    if count > limit:
        raise schema_problem(
            [SchemaViolation("/persons", "maximum", f"at most {limit} (--max-generated-persons)")],
            "generate",
        )
    seed = body.get("seed", 0)
    zorgkassen = body.get("zorgkassen", sorted(default_rulebook().zorgkassen))
    store = service.central.store
    try:
        generated = await service.central.run(add_generated, store, count, seed, zorgkassen)
    except RegistryFull as full:
        error = FieldError("/persons", "registry-full", str(full))
        raise ProblemError(
            Problem(409, "registry-conflict", "Registry conflict", str(full), (error,))
        ) from None
    log.info("test control: %d test persons generated (seed %d)", count, seed)
    return json_response(generated.as_dict(seed))


Endpoint = Callable[[Request], Awaitable[Response]]


def guarded(endpoint: Endpoint) -> Endpoint:
    """`endpoint` behind the test-control token, when the service has one (checked before
    anything else, a sandbox's name included)."""

    async def guarded_endpoint(request: Request) -> Response:
        token = request.app.state.service.config.test_control_token
        check_control_token(token, request.headers.get("authorization"))
        return await endpoint(request)

    return guarded_endpoint


async def clock(request: Request) -> Response:
    """`/test/clock`: one route for both methods, so that a 405 lists both in `Allow`."""
    return await (set_clock if request.method == "PUT" else get_clock)(request)


def routes() -> list[Route]:
    """The test-control routes."""
    return [
        Route("/test/clock", guarded(clock), methods=["GET", "PUT"], name="clock"),
        Route("/test/reset", guarded(reset), methods=["POST"], name="reset"),
        Route("/test/registry", guarded(load_registry), methods=["PUT"], name="load-registry"),
        Route(
            "/test/registry/generate",
            guarded(generate_registry),
            methods=["POST"],
            name="generate-registry",
        ),
        Route("/test/mbes", guarded(load_mbes), methods=["POST"], name="load-mbes"),
    ]


def _counts(*names: str) -> dict[str, Any]:
    count = {"type": "integer", "minimum": 0}
    return {
        "type": "object",
        "required": list(names),
        "properties": {name: count for name in names},
        "additionalProperties": False,
    }


RESET_DONE = {
    "type": "object",
    "required": ["reset", "fixtures"],
    "properties": {"reset": {"const": True}, "fixtures": {"type": "boolean"}},
    "additionalProperties": False,
}
"""The answer to a reset."""


def control_operations() -> list[Any]:
    """The OpenAPI operations of the test-control routes."""
    from vsb.serve.openapi import Operation

    def component(name: str) -> dict[str, str]:
        return {"$ref": f"#/components/schemas/{name}"}

    clock = component("Clock")
    done = RESET_DONE
    tag = "test-control"
    return [
        Operation(
            "/test/clock",
            "get",
            "getClock",
            tag,
            "The moment the application believes it is",
            clock,
        ),
        Operation(
            "/test/clock",
            "put",
            "setClock",
            tag,
            "Set the application's clock",
            clock,
            clock,
            (507,),
            description="507 (in a sandbox) when its manifest cannot be written; the clock "
            "stays as it was.",
        ),
        Operation(
            "/test/reset",
            "post",
            "reset",
            tag,
            "Forget every message, begeleiding and shipment; reload the fixtures",
            done,
            component("Reset"),
        ),
        Operation(
            "/test/registry",
            "put",
            "loadRegistry",
            tag,
            "Replace the registry: persons and their affiliations",
            _counts("persons", "affiliations"),
            component("Registry"),
            (409,),
            description="409 when a person appears twice or a date does not exist.",
        ),
        Operation(
            "/test/registry/generate",
            "post",
            "generateRegistry",
            tag,
            "Add generated, insured test persons to the registry (deterministic for a seed)",
            component("GeneratedRegistry"),
            component("GenerateRegistry"),
            (409,),
            description="Each person lives in Flanders, has an RRN with correct check digits "
            "and is officially affiliated with one of `zorgkassen` from 2001-01-01. 422 when "
            "`persons` is above --max-generated-persons; 409 when the registry would hold "
            "more than 100,000 persons.",
        ),
        Operation(
            "/test/mbes",
            "post",
            "loadMbes",
            tag,
            "Add or replace MBEs",
            _counts("mbes"),
            component("Mbes"),
        ),
    ]
