"""The endpoints of MBE software: insurance status, requests, changes, shipments, the feed."""

from __future__ import annotations

from typing import Any

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from vsb.engine import CHANGE_KINDS
from vsb.serve.params import ID_MAX, known_query, query_int
from vsb.serve.service import Service, json_response

FEED_PAGE = 100
"""The most feed items one page returns (`limit` may ask fewer, up to this)."""


def service_of(request: Request) -> Service:
    """The service the request is for: the app's, or under /sandboxes/{sandbox} that
    sandbox's (404 problem when there is none by that name; see vsb.serve.sandboxes)."""
    name = request.path_params.get("sandbox")
    service: Service = (
        request.app.state.service if name is None else request.app.state.sandboxes.service(name)
    )
    return service


def message_endpoint(*kinds: str) -> Any:
    """An endpoint that takes one of `kinds` and returns the engine's answer (200)."""

    async def endpoint(request: Request) -> Response:
        service = service_of(request)
        sender = service.mbe(request)
        message = await service.message(request, sender, kinds)
        answer = await service.central.handle(message, sender.hco)
        return json_response(answer)

    return endpoint


async def feed(request: Request) -> Response:
    """What reached this MBE later (final decisions, settlements), after a cursor."""
    service = service_of(request)
    sender = service.mbe(request)
    known_query(request, "after", "limit")
    after = query_int(request, "after", 0, 0, ID_MAX)
    limit = query_int(request, "limit", FEED_PAGE, 1, FEED_PAGE)
    items = await service.central.run(service.central.engine.feed, sender.hco, after)
    page = items[:limit]
    return json_response(
        {
            "items": [{"cursor": cursor, "message": message} for cursor, message in page],
            "next": page[-1][0] if page else after,
            "more": len(items) > limit,
        }
    )


def routes(billing: bool) -> list[Route]:
    """The MBE routes; `/v1/shipments` only when the engine bills."""
    table = [
        Route(
            "/v1/insurance-status",
            message_endpoint("insurance-status-query"),
            methods=["POST"],
            name="insurance-status",
        ),
        Route("/v1/requests", message_endpoint("request"), methods=["POST"], name="requests"),
        Route("/v1/changes", message_endpoint(*CHANGE_KINDS), methods=["POST"], name="changes"),
        Route("/v1/feed", feed, methods=["GET"], name="feed"),
    ]
    if billing:
        table.append(
            Route("/v1/shipments", message_endpoint("shipment"), methods=["POST"], name="shipments")
        )
    return table
