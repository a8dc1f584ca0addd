"""The replay cache: single-use assertion ids at O(1) amortised cost, bounded (issue 10, #6)."""

from __future__ import annotations

import pytest

from vsb.serve import ClientIdentity, issue, make_ca
from vsb.serve.identity import AssertionVerifier
from vsb.serve.problems import ProblemError
from vsb.serve.replay import ReplayCache, ReplayCacheFull, ReplaySeen

NOW = 1_700_000_000.0


class Moment(float):
    """A moment that counts how often it is compared (as `now`, against expiries)."""

    comparisons = 0

    def _count(self, other: object, result: bool) -> bool:
        Moment.comparisons += 1
        return result

    def __lt__(self, other: object) -> bool:
        return self._count(other, float(self) < other)  # type: ignore[operator]

    def __le__(self, other: object) -> bool:
        return self._count(other, float(self) <= other)  # type: ignore[operator]

    def __gt__(self, other: object) -> bool:
        return self._count(other, float(self) > other)  # type: ignore[operator]

    def __ge__(self, other: object) -> bool:
        return self._count(other, float(self) >= other)  # type: ignore[operator]


def test_many_unexpired_ids_do_not_make_a_check_walk_them_all() -> None:
    cache = ReplayCache(capacity=1_000_000)
    for i in range(150_000):
        cache.add(f"jti-{i:08d}", NOW + 300, NOW)
    Moment.comparisons = 0
    cache.add("jti-new-one", NOW + 300, Moment(NOW + 1))
    assert Moment.comparisons <= 3
    assert len(cache) == 150_001


def test_an_id_is_refused_until_it_expires_and_expired_ids_are_dropped() -> None:
    cache = ReplayCache()
    cache.add("jti-aaaaaaaa", NOW + 10, NOW)
    with pytest.raises(ReplaySeen):
        cache.add("jti-aaaaaaaa", NOW + 10, NOW + 5)
    for i in range(1000):
        cache.add(f"old-{i:08d}", NOW + 20, NOW)
    cache.add("jti-bbbbbbbb", NOW + 100, NOW + 30)  # everything before has expired
    assert len(cache) == 1


def test_a_full_cache_refuses_new_ids_and_says_when_one_expires() -> None:
    cache = ReplayCache(capacity=2)
    cache.add("jti-1-aaaaaa", NOW + 40, NOW)
    cache.add("jti-2-aaaaaa", NOW + 90, NOW)
    with pytest.raises(ReplayCacheFull) as full:
        cache.add("jti-3-aaaaaa", NOW + 90, NOW + 10)
    assert full.value.retry_after == 30
    cache.add("jti-3-aaaaaa", NOW + 90, NOW + 41)  # the first one has expired


def test_the_verifier_answers_503_with_retry_after_when_its_cache_is_full() -> None:
    ca = make_ca()
    identity = ClientIdentity(issue(ca, "76310195930", "PHA"))
    verifier = AssertionVerifier(ca.certificate, "aud", replay=ReplayCache(capacity=1))
    verifier.verify(identity.assertion("aud"))
    with pytest.raises(ProblemError) as refused:
        verifier.verify(identity.assertion("aud"))
    problem = refused.value.problem
    assert problem.status == 503
    assert problem.errors[0].rule == "replay-cache-full"
    assert dict(problem.headers)["Retry-After"].isdigit()
    response = problem.response("/v1/requests")
    assert response.headers["retry-after"] == dict(problem.headers)["Retry-After"]
