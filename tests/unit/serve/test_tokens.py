"""Access tokens (vsb.serve.tokens): unguessable, bound to one identity, gone when they expire."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from vsb.serve.config import ServeConfig, ServeConfigError
from vsb.serve.identity import Authenticator, Identity, ProblemError
from vsb.serve.tokens import MAX_TOKEN_LIFETIME, TOKEN_PREFIX, TokenStore, TokenStoreFull

MBE = Identity("mbe", "76310195930", hco="76310195930")
STAFF = Identity("staff", "staff:180:s1", zorgkas=180, staff="s1")
FAR = 10.0**10
"""A certificate end far beyond any lifetime here."""


class Clock:
    def __init__(self) -> None:
        self.now = 1_000_000.0

    def __call__(self) -> float:
        return self.now


@given(
    lifetime=st.integers(1, MAX_TOKEN_LIFETIME),
    waited_ms=st.integers(0, 2 * MAX_TOKEN_LIFETIME * 1000),
)
def test_a_token_names_its_identity_exactly_until_it_expires(lifetime: int, waited_ms: int) -> None:
    clock = Clock()
    store = TokenStore(lifetime, now=clock)
    token, expires_in = store.issue(MBE, FAR)
    assert expires_in == lifetime
    clock.now += waited_ms / 1000
    assert store.identity(token) == (MBE if waited_ms < lifetime * 1000 else None)


def test_tokens_are_distinct_prefixed_and_not_kept_in_clear() -> None:
    store = TokenStore()
    issued = {store.issue(MBE, FAR)[0] for _ in range(1000)}
    assert len(issued) == 1000
    assert all(t.startswith(TOKEN_PREFIX) and len(t) == len(TOKEN_PREFIX) + 43 for t in issued)
    kept = repr(store._tokens)
    assert not any(t.removeprefix(TOKEN_PREFIX) in kept for t in issued)


def test_a_token_never_outlives_the_certificate_it_was_issued_on() -> None:
    clock = Clock()
    store = TokenStore(3600, now=clock)
    token, expires_in = store.issue(STAFF, clock.now + 90.7)
    assert expires_in == 90
    clock.now += 90
    assert store.identity(token) is None


def test_each_token_names_the_identity_it_was_issued_to() -> None:
    store = TokenStore()
    mbe, staff = store.issue(MBE, FAR)[0], store.issue(STAFF, FAR)[0]
    assert (store.identity(mbe), store.identity(staff)) == (MBE, STAFF)
    assert store.identity(TOKEN_PREFIX + "x" * 43) is None


def test_a_full_store_issues_nothing_and_says_when_a_place_frees() -> None:
    clock = Clock()
    store = TokenStore(100, capacity=2, now=clock)
    first, _ = store.issue(MBE, FAR)
    clock.now += 40
    store.issue(MBE, FAR)
    with pytest.raises(TokenStoreFull) as full:
        store.issue(STAFF, FAR)
    assert full.value.retry_after == 60
    assert len(store) == 2 and store.identity(first) == MBE
    clock.now += 60
    store.issue(STAFF, FAR)  # the first expired: its place is free
    assert len(store) == 2


def test_the_authenticator_takes_a_token_and_refuses_an_unknown_one() -> None:
    store = TokenStore()
    token, _ = store.issue(MBE, FAR)
    auth = Authenticator(None, False, store)
    assert auth.identify(f"Bearer {token}") == MBE
    with pytest.raises(ProblemError) as refused:
        auth.identify(f"Bearer {TOKEN_PREFIX}unknown")
    assert refused.value.problem.errors[0].rule == "access-token"


@pytest.mark.parametrize(
    ("field", "value", "flag"),
    [
        ("token_lifetime", 0, "--token-lifetime"),
        ("token_lifetime", MAX_TOKEN_LIFETIME + 1, "--token-lifetime"),
        ("max_tokens", 0, "--max-tokens"),
    ],
)
def test_token_settings_that_cannot_work_are_refused_naming_the_flag(
    field: str, value: int, flag: str
) -> None:
    config = ServeConfig(ca=None, insecure_dev_tokens=True, fixtures=None, **{field: value})
    with pytest.raises(ServeConfigError, match=flag):
        config.check()
