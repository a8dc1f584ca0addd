"""The endpoints of zorgkas staff: review queue and decisions (and billing, when present)."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from vsb.review import StaffActionError
from vsb.serve.bodies import schema_problem
from vsb.serve.mbe_routes import service_of
from vsb.serve.params import path_id
from vsb.serve.problems import ProblemError, conflict, not_found
from vsb.serve.service import json_response
from vsb.serve.validation import validate_body

NOT_FOUND_REQUIREMENTS = frozenset({"REQ-RV-ZORGKAS-QUEUE"})
"""Staff refusals that mean "nothing of yours has this id": answered 404, not 409."""


def _refusal(exc: StaffActionError) -> ProblemError:
    if exc.requirement in NOT_FOUND_REQUIREMENTS:
        return ProblemError(replace(not_found(str(exc)).problem, requirement=exc.requirement))
    return conflict(str(exc), exc.requirement)


async def staff_call(request: Request, function: Any, *args: object) -> Any:
    """Run a staff action of the engine; its StaffActionError becomes a 404 or 409 problem."""
    try:
        return await service_of(request).central.run(function, *args)
    except StaffActionError as exc:
        raise _refusal(exc) from None


async def staff_body(request: Request, name: str) -> Any:
    """The JSON body of a staff action, valid against the OpenAPI component `name`.

    Raises:
        ProblemError: 422 naming every violation.
    """
    body = await service_of(request).body(request)
    violations = validate_body(name, body)
    if violations:
        raise schema_problem(violations, name.lower())
    return body


async def reviews(request: Request) -> Response:
    """The open review queue of the caller's zorgkas."""
    zorgkas = path_id(request, "zorgkas")
    service = service_of(request)
    service.staff(request, zorgkas)
    items = await staff_call(request, service.central.engine.review_queue, zorgkas)
    return json_response({"items": [item.as_dict() for item in items]})


async def decide(request: Request) -> Response:
    """A staff decision on one review; returns the final decision sent to the MBE."""
    zorgkas = path_id(request, "zorgkas")
    service = service_of(request)
    staff = service.staff(request, zorgkas)
    review = path_id(request, "reviewId")
    body = await staff_body(request, "Decision")
    decision = await staff_call(
        request,
        service.central.engine.decide,
        review,
        zorgkas,
        staff.staff,
        body["outcome"],
        body.get("reason", ""),
    )
    return json_response(decision)


def routes(billing: bool) -> list[Route]:
    """The staff routes of one zorgkas."""
    base = "/v1/zorgkassen/{zorgkas}"  # ids are parsed strictly by the handlers (path_id)
    table = [
        Route(f"{base}/reviews", reviews, methods=["GET"], name="reviews"),
        Route(f"{base}/reviews/{{reviewId}}/decision", decide, methods=["POST"], name="decide"),
    ]
    if billing:
        from vsb.serve import billing_routes

        table += billing_routes.routes()
    return table
