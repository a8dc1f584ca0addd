"""What keeps one caller from using up the service: a rate limit per identity, read timeouts
for slow clients, and the flags that set them (and the connection limit) on `vsb serve`.

The rate limit is a token bucket per verified identity: `rate` tokens a second, at most
`burst` saved up; a request without a token is answered 429 with `Retry-After`. A request
body that stops arriving for `body_timeout` seconds is answered 408 (the request head has its
own deadline, kept by the HTTP protocol in `vsb.serve.server`).
"""

from __future__ import annotations

import argparse
import asyncio
import math
import threading
import time
from collections.abc import Callable
from typing import Any

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from vsb.serve.config import (
    DEFAULT_BODY_TIMEOUT,
    DEFAULT_HEADER_TIMEOUT,
    DEFAULT_MAX_CONNECTIONS,
    DEFAULT_MAX_SHIPMENT_BODY,
    DEFAULT_RATE_BURST,
    DEFAULT_RATE_LIMIT,
)
from vsb.serve.problems import FieldError, Problem, ProblemError
from vsb.serve.replay import DEFAULT_REPLAY_CACHE_SIZE


class RateLimiter:
    """A token bucket per identity: `rate` requests a second on average, `burst` at once."""

    def __init__(self, rate: float, burst: int, now: Callable[[], float] = time.monotonic) -> None:
        self.rate = rate
        self.burst = burst
        self.now = now
        self._buckets: dict[str, tuple[float, float]] = {}  # subject -> (tokens, when)
        self._prune_at = 10_000
        self._lock = threading.Lock()

    def take(self, subject: str) -> None:
        """Spend one of `subject`'s tokens (nothing when the rate is 0: off).

        Raises:
            ProblemError: 429 with Retry-After (rule rate-limit) when none is left.
        """
        if self.rate <= 0:
            return
        with self._lock:
            now = self.now()
            tokens, when = self._buckets.get(subject, (float(self.burst), now))
            tokens = min(float(self.burst), tokens + (now - when) * self.rate)
            if tokens < 1:
                self._buckets[subject] = (tokens, now)
                raise _too_many(subject, self.rate, self.burst, (1 - tokens) / self.rate)
            self._buckets[subject] = (tokens - 1, now)
            if len(self._buckets) >= self._prune_at:
                self._prune(now)

    def _prune(self, now: float) -> None:
        """Forget the buckets that have filled up again (they hold no information)."""
        full = [
            subject
            for subject, (tokens, when) in self._buckets.items()
            if tokens + (now - when) * self.rate >= self.burst
        ]
        for subject in full:
            del self._buckets[subject]
        self._prune_at = max(10_000, 2 * len(self._buckets))


def _too_many(subject: str, rate: float, burst: int, wait: float) -> ProblemError:
    seconds = max(1, math.ceil(wait))
    detail = (
        f"{subject} made more than {rate:g} requests a second (bursts of {burst}), the limit "
        f"(--rate-limit, --rate-burst); try again in {seconds} s"
    )
    return ProblemError(
        Problem(
            429,
            "rate-limited",
            "Too many requests",
            detail,
            (FieldError("", "rate-limit", detail),),
            headers=(("Retry-After", str(seconds)),),
        )
    )


class BodyTimeout:
    """ASGI middleware: a request body that pauses `seconds` is answered 408 and closed."""

    def __init__(self, app: ASGIApp, seconds: float) -> None:
        self.app = app
        self.seconds = seconds

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        complete = False

        async def receive_in_time() -> Message:
            nonlocal complete
            if complete:  # the body is in; waiting for a disconnect has no deadline
                return await receive()
            try:
                async with asyncio.timeout(self.seconds):  # cheaper than a cancel scope
                    message = await receive()
            except TimeoutError:
                raise _body_timeout(self.seconds) from None
            complete = message["type"] != "http.request" or not message.get("more_body", False)
            return message

        await self.app(scope, receive_in_time, send)


def _body_timeout(seconds: float) -> ProblemError:
    detail = (
        f"no part of the request body arrived for {seconds:g} s, the limit (--body-timeout); "
        "the connection is closed"
    )
    return ProblemError(
        Problem(
            408,
            "body-timeout",
            "Request timeout",
            detail,
            (FieldError("", "body-timeout", detail),),
            headers=(("Connection", "close"),),
        )
    )


def add_limit_flags(p: argparse.ArgumentParser) -> None:
    """The `vsb serve` flags of the limits (sizes, timeouts, rates, connections)."""
    flags: list[tuple[str, type, Any, str]] = [
        ("--max-shipment-body", int, DEFAULT_MAX_SHIPMENT_BODY, "largest shipment in bytes"),
        ("--header-timeout", float, DEFAULT_HEADER_TIMEOUT, "seconds to send a request head"),
        ("--body-timeout", float, DEFAULT_BODY_TIMEOUT, "seconds a request body may pause"),
        ("--rate-limit", float, DEFAULT_RATE_LIMIT, "requests/s per identity; 0: no limit"),
        ("--rate-burst", int, DEFAULT_RATE_BURST, "requests per identity at once"),
        ("--max-connections", int, DEFAULT_MAX_CONNECTIONS, "connections before a 503"),
        ("--replay-cache-size", int, DEFAULT_REPLAY_CACHE_SIZE, "unexpired assertion ids kept"),
    ]
    for flag, kind, default, text in flags:
        p.add_argument(flag, type=kind, default=default, help=f"{text} (default {default})")


def limit_settings(args: argparse.Namespace) -> dict[str, Any]:
    """The ServeConfig fields `add_limit_flags` set."""
    names = (
        "max_shipment_body",
        "header_timeout",
        "body_timeout",
        "rate_limit",
        "rate_burst",
        "max_connections",
        "replay_cache_size",
    )
    return {name: getattr(args, name) for name in names}
