"""Python's cycle collector, paused while a large request is in progress.

A 30 MB shipment becomes millions of objects, and so do its checks and its settlement. Each
full run of the cycle collector walks every one of them with the interpreter held: pauses of
up to half a second for every caller, several times while one shipment is processed. Those
objects (JSON values, check results) hold no reference cycles, so reference counting frees
them all the same; the collector is paused while any request with a body larger than
`LARGE_BODY` is in progress, and runs as usual otherwise.
"""

from __future__ import annotations

import gc
import threading
from collections.abc import Iterator
from contextlib import contextmanager

from starlette.types import ASGIApp, Receive, Scope, Send

LARGE_BODY = 1024 * 1024
"""Requests with a larger body (by Content-Length) pause the cycle collector."""

_lock = threading.Lock()
_paused = 0
_was_enabled = True


@contextmanager
def collector_paused() -> Iterator[None]:
    """The cycle collector off until the last of the overlapping uses ends."""
    global _paused, _was_enabled
    with _lock:
        if _paused == 0:
            _was_enabled = gc.isenabled()
            gc.disable()
        _paused += 1
    try:
        yield
    finally:
        with _lock:
            _paused -= 1
            if _paused == 0 and _was_enabled:
                gc.enable()


class PauseCollectorForLargeBodies:
    """ASGI middleware: `collector_paused` around requests with a body over LARGE_BODY."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and _declared_length(scope) > LARGE_BODY:
            with collector_paused():
                await self.app(scope, receive, send)
        else:
            await self.app(scope, receive, send)


def _declared_length(scope: Scope) -> int:
    for name, value in scope["headers"]:
        if name == b"content-length":
            return int(value) if value.isdigit() and len(value) < 19 else 0
    return 0
