"""The golden digests: the engine and a seeded default year answer as they did when the
digests were made (tests/golden/__init__.py says how and when to regenerate them)."""

from __future__ import annotations

from typing import Any

import pytest

from tests.golden import engine_digest, stored, year_digest


def _differences(expected: dict[str, Any], got: dict[str, Any]) -> list[str]:
    return [
        f"{key}: expected {expected.get(key)!r}, got {got.get(key)!r}"
        for key in sorted(set(expected) | set(got))
        if expected.get(key) != got.get(key)
    ]


def test_the_recorded_engine_stream_gets_the_golden_answers() -> None:
    expected = stored()["engine"]
    got = engine_digest()
    assert got["counts"] == expected["counts"], _differences(expected["counts"], got["counts"])
    assert got["sha256"] == expected["sha256"], "same counts, but some answer differs"


@pytest.mark.slow
def test_the_seeded_default_year_gives_the_golden_streams_and_kpis() -> None:
    expected = stored()["year"]
    got = year_digest()
    assert got["answerMix"] == expected["answerMix"]
    assert got["streams"] == expected["streams"], _differences(expected["streams"], got["streams"])
    assert got["sha256"] == expected["sha256"]
