"""Measure what identifying a caller costs: a client assertion against an access token.

Per call, in process (`Authenticator.identify`, no HTTP): verifying a fresh ES256 assertion
(signature, certificate, claims, replay cache) against looking up an access token in a store
holding `LIVE` other unexpired tokens; and issuing tokens. Assertions are signed before the
clock starts.

Run: `.venv/bin/python -m benchmarks.bench_token [calls]`.
"""

from __future__ import annotations

import sys
import time

from vsb.serve.certs import ClientIdentity, issue, make_ca
from vsb.serve.identity import AssertionVerifier, Authenticator, Identity
from vsb.serve.tokens import DEFAULT_MAX_TOKENS, TokenStore

CALLS = 5_000
LIVE = DEFAULT_MAX_TOKENS - CALLS
"""Unexpired tokens of other callers in the store while it is measured (nearly full)."""


def _per_second(count: int, start: float) -> float:
    return count / (time.perf_counter() - start)


def main(calls: int = CALLS) -> None:
    """Print calls per second for each way of identifying, and for issuing tokens."""
    ca = make_ca()
    identity = ClientIdentity(issue(ca, "76310195930", "PHA"))
    store = TokenStore(capacity=DEFAULT_MAX_TOKENS)
    auth = Authenticator(AssertionVerifier(ca.certificate, "vsb-central"), False, store)
    mbe = Identity("mbe", "76310195930", hco="76310195930")
    start = time.perf_counter()
    for _ in range(LIVE):
        store.issue(mbe, 10.0**10)
    issued = _per_second(LIVE, start)
    token, _ = store.issue(mbe, 10.0**10)
    headers = [f"Bearer {identity.assertion('vsb-central')}" for _ in range(calls)]
    start = time.perf_counter()
    for header in headers:
        auth.identify(header)
    by_assertion = _per_second(calls, start)
    start = time.perf_counter()
    for _ in range(calls):
        auth.identify(f"Bearer {token}")
    by_token = _per_second(calls, start)
    print(f"{'identify by':<34}{'calls/s':>12}{'us/call':>10}")
    for name, rate in (
        ("client assertion (ES256)", by_assertion),
        (f"access token ({len(store):,} held)", by_token),
        ("issuing a token (store filling)", issued),
    ):
        print(f"{name:<34}{rate:>12,.0f}{1e6 / rate:>10.1f}")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else CALLS)
