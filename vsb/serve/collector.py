"""Python's cycle collector, paused while a large request is in progress.

A 30 MB shipment becomes millions of objects, and so do its checks and its settlement. Each
full run of the cycle collector walks every one of them with the interpreter held: pauses of
up to half a second for every caller, several times while one shipment is processed. Those
objects (JSON values, check results) hold no reference cycles, so reference counting frees
them all the same; the collector is paused while any request with a body larger than
`LARGE_BODY` is in progress, and runs as usual otherwise.

Freeing them takes time too: the last reference to a shipment or its settlement dropped on the
event loop frees a million objects in one call (a tenth of a second in which no other caller
is answered). So what such a request holds (`hold`) is freed after its answer is sent, in a
worker thread and a few items of each long list at a time (`release`).
"""

from __future__ import annotations

from contextvars import ContextVar
from typing import Any

import anyio.to_thread
from starlette.types import ASGIApp, Receive, Scope, Send

from vsb.engine import collector_paused

__all__ = ["LARGE_BODY", "PauseCollectorForLargeBodies", "collector_paused", "hold", "release"]

LARGE_BODY = 1024 * 1024
"""Requests with a larger body (by Content-Length) pause the cycle collector."""

RELEASE_PIECE = 10
"""Items of a long list freed in one step (`release`): a few hundred objects, microseconds."""

_held: ContextVar[list[Any] | None] = ContextVar("vsb_held", default=None)


class PauseCollectorForLargeBodies:
    """ASGI middleware: `collector_paused` around requests with a body over LARGE_BODY."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and _declared_length(scope) > LARGE_BODY:
            held: list[Any] = []
            token = _held.set(held)
            with collector_paused():  # until freed too: the collector would walk it all
                try:
                    await self.app(scope, receive, send)
                finally:
                    _held.reset(token)
                # Only once answered: a request that ended otherwise (the caller went away)
                # may still have its message waiting for the group commit.
                await anyio.to_thread.run_sync(release, held)
        else:
            await self.app(scope, receive, send)


def hold(*values: Any) -> None:
    """Have the large request in progress (if any) free `values` when it ends, off the event
    loop (see `release`). Only for what nothing uses once the request's answer is sent."""
    held = _held.get()
    if held is not None:
        held.extend(values)


def release(values: list[Any]) -> None:
    """Empty `values` and the long lists they hold (a list, or one held by a dict), a few items
    at a time: each step is short, so that other threads (the event loop) run in between."""
    while values:
        value = values.pop()
        for items in value.values() if isinstance(value, dict) else (value,):
            if isinstance(items, list):
                while items:
                    del items[-RELEASE_PIECE:]
        del value


def _declared_length(scope: Scope) -> int:
    for name, value in scope["headers"]:
        if name == b"content-length":
            return int(value) if value.isdigit() and len(value) < 19 else 0
    return 0
