"""Bearer access tokens handed out by `POST /oauth/token`: who each one names, and until when.

A token is `vsbat_` and 256 random bits (`secrets`), so it cannot be guessed; the service keeps
only its SHA-256, with the identity the client assertion proved and the moment it expires
(`--token-lifetime` seconds after it was issued, or sooner when the certificate expires first).
Tokens live in the memory of one `vsb serve` process: a restart forgets them all (a client
then gets 401 and asks for a new one, as it does when a token expires). An expired token is
dropped the first time it is shown, or when a later token is issued; at most `--max-tokens`
unexpired tokens are held, and beyond that none is issued (503 with Retry-After) rather than
one revoked early.
"""

from __future__ import annotations

import argparse
import hashlib
import heapq
import math
import secrets
import threading
import time
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from vsb.serve.identity import Identity

TOKEN_PREFIX = "vsbat_"
"""How an access token begins (a client assertion is a JWS, a dev token `dev:`)."""

DEFAULT_TOKEN_LIFETIME = 3600
"""Seconds an access token is accepted (`--token-lifetime`): a Schemathesis or Postman session
with one header, short enough that a leaked token soon stops working."""

MAX_TOKEN_LIFETIME = 86_400
"""The longest `--token-lifetime` accepted: a day."""

DEFAULT_MAX_TOKENS = 100_000
"""The most unexpired tokens held (`--max-tokens`): about 30 MB."""


def token_settings_problem(lifetime: int, capacity: int) -> str | None:
    """What is wrong with `--token-lifetime` and `--max-tokens`, naming the flag; None if
    nothing."""
    if not 1 <= lifetime <= MAX_TOKEN_LIFETIME:
        return f"--token-lifetime {lifetime}: must be from 1 to {MAX_TOKEN_LIFETIME} seconds"
    if capacity < 1:
        return f"--max-tokens {capacity}: must be positive"
    return None


def add_token_flags(p: argparse.ArgumentParser) -> None:
    """The `vsb serve` flags of the access tokens."""
    p.add_argument(
        "--token-lifetime",
        type=int,
        default=DEFAULT_TOKEN_LIFETIME,
        metavar="SECONDS",
        help="how long an access token of POST /oauth/token is accepted "
        f"(default {DEFAULT_TOKEN_LIFETIME}, at most {MAX_TOKEN_LIFETIME})",
    )
    p.add_argument(
        "--max-tokens",
        type=int,
        default=DEFAULT_MAX_TOKENS,
        help=f"unexpired access tokens held (default {DEFAULT_MAX_TOKENS})",
    )


def token_settings(args: argparse.Namespace) -> dict[str, Any]:
    """The ServeConfig fields `add_token_flags` set."""
    return {"token_lifetime": args.token_lifetime, "max_tokens": args.max_tokens}


class TokenStoreFull(Exception):
    """`capacity` tokens are unexpired; `retry_after` seconds until the first one expires."""

    def __init__(self, retry_after: int) -> None:
        super().__init__(f"the token store is full for {retry_after} s")
        self.retry_after = retry_after


def _digest(token: str) -> bytes:
    return hashlib.sha256(token.encode("utf-8", "surrogatepass")).digest()


class TokenStore:
    """Issued access tokens and their identities (thread-safe)."""

    def __init__(
        self,
        lifetime: int = DEFAULT_TOKEN_LIFETIME,
        capacity: int = DEFAULT_MAX_TOKENS,
        now: Callable[[], float] = time.time,
    ) -> None:
        self.lifetime = lifetime
        self.capacity = capacity
        self.now = now
        self._tokens: dict[bytes, tuple[Identity, float]] = {}
        self._heap: list[tuple[float, bytes]] = []
        self._lock = threading.Lock()

    def __len__(self) -> int:
        return len(self._tokens)

    @staticmethod
    def owns(token: str) -> bool:
        """Whether `token` has the form of an access token (not whether it is valid)."""
        return token.startswith(TOKEN_PREFIX)

    def issue(self, identity: Identity, not_after: float) -> tuple[str, int]:
        """A new token for `identity` and the seconds it lives: the lifetime, or fewer when
        `not_after` (the certificate's end) comes first.

        Raises:
            TokenStoreFull: `capacity` tokens are unexpired; nothing is issued.
        """
        now = self.now()
        expires_in = max(0, min(self.lifetime, math.floor(not_after - now)))
        token = TOKEN_PREFIX + secrets.token_urlsafe(32)
        key = _digest(token)
        with self._lock:
            self._expire(now)
            if len(self._tokens) >= self.capacity:
                raise TokenStoreFull(max(1, math.ceil(self._heap[0][0] - now)))
            self._tokens[key] = (identity, now + expires_in)
            heapq.heappush(self._heap, (now + expires_in, key))
        return token, expires_in

    def identity(self, token: str) -> Identity | None:
        """The identity `token` was issued to, or None when it is unknown or expired."""
        key = _digest(token)
        now = self.now()
        with self._lock:
            found = self._tokens.get(key)
            if found is None:
                return None
            if found[1] <= now:
                del self._tokens[key]  # its heap entry goes when it comes up
                return None
            return found[0]

    def _expire(self, now: float) -> None:
        """Drop the tokens whose moment has passed: each once, so O(log n) amortised."""
        while self._heap and self._heap[0][0] <= now:
            _, key = heapq.heappop(self._heap)
            entry = self._tokens.get(key)
            if entry is not None and entry[1] <= now:
                del self._tokens[key]
