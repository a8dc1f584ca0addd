"""The service's limits as units: the rate limiter, the collector pause, what makes a checked
shipment stale, the settings and their flags (issue 10, defects 7 and 8)."""

from __future__ import annotations

import argparse
import gc
from dataclasses import replace

import pytest

from vsb.serve.collector import collector_paused
from vsb.serve.config import DEFAULT_MAX_SHIPMENT_BODY, ServeConfig, ServeConfigError
from vsb.serve.limits import RateLimiter, add_limit_flags, limit_settings
from vsb.serve.problems import ProblemError
from vsb.serve.snapshots import Generations


class Clock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


def test_a_bucket_allows_its_burst_then_429_with_the_wait_until_the_next_token() -> None:
    clock = Clock()
    limiter = RateLimiter(rate=2, burst=3, now=clock)
    for _ in range(3):
        limiter.take("76310195930")
    with pytest.raises(ProblemError) as refused:
        limiter.take("76310195930")
    problem = refused.value.problem
    assert (problem.status, problem.errors[0].rule) == (429, "rate-limit")
    assert dict(problem.headers)["Retry-After"] == "1"
    limiter.take("76310294930")  # every identity has its own bucket
    clock.now += 0.5  # one token back at 2 a second
    limiter.take("76310195930")


def test_a_rate_of_zero_switches_the_limit_off() -> None:
    limiter = RateLimiter(rate=0, burst=1)
    for _ in range(100):
        limiter.take("76310195930")


def test_idle_buckets_are_forgotten_as_new_identities_come() -> None:
    clock = Clock()
    limiter = RateLimiter(rate=10, burst=5, now=clock)
    for i in range(10_000):
        limiter.take(f"dev:first-{i}")
    clock.now += 10  # their buckets are full again: nothing to remember
    for i in range(10_000):
        limiter.take(f"dev:second-{i}")
    assert len(limiter._buckets) <= 10_000
    assert "dev:first-0" not in limiter._buckets


def test_the_collector_is_paused_until_the_last_large_request_ends() -> None:
    assert gc.isenabled()
    with collector_paused():
        with collector_paused():
            assert not gc.isenabled()
        assert not gc.isenabled()
    assert gc.isenabled()


def test_only_non_query_messages_and_other_changes_make_a_checked_shipment_stale() -> None:
    generations = Generations()
    checked = generations.of("76310195930")
    generations.touch("insurance-status-query", "76310195930")
    generations.touch("request", "76310294930")  # another MBE's state
    assert generations.current("76310195930", checked)
    generations.touch("cancel-request", "76310195930")
    assert not generations.current("76310195930", checked)
    again = generations.of("76310195930")
    generations.touch_all()  # staff, test control
    assert not generations.current("76310195930", again)


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("max_shipment_body", 0),
        ("header_timeout", 0.0),
        ("body_timeout", -1.0),
        ("rate_burst", 0),
        ("max_connections", 0),
        ("replay_cache_size", 0),
        ("rate_limit", -1.0),
    ],
)
def test_a_limit_that_cannot_work_is_refused_naming_its_flag(field: str, value: float) -> None:
    config = replace(
        ServeConfig(ca=None, insecure_dev_tokens=True, fixtures=None), **{field: value}
    )
    with pytest.raises(ServeConfigError, match="--" + field.replace("_", "-")):
        config.check()


def test_every_limit_has_a_flag_with_its_default() -> None:
    parser = argparse.ArgumentParser()
    add_limit_flags(parser)
    settings = limit_settings(parser.parse_args(["--rate-limit", "0", "--max-connections", "8"]))
    assert settings["rate_limit"] == 0 and settings["max_connections"] == 8
    assert settings["max_shipment_body"] == DEFAULT_MAX_SHIPMENT_BODY
    assert set(settings) <= {f.name for f in ServeConfig.__dataclass_fields__.values()}
