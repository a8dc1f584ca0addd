"""Random streams: one per input, reproducible, independent of which other streams exist."""

from __future__ import annotations

from simulator.random_streams import Streams, derive_seed


def test_a_stream_depends_only_on_the_seed_and_its_name() -> None:
    first, second = Streams(7), Streams(7)
    second("something-else").random()  # using another stream first shifts nothing
    assert [first("arrivals").random() for _ in range(5)] == [
        second("arrivals").random() for _ in range(5)
    ]


def test_different_names_and_seeds_give_different_streams() -> None:
    assert derive_seed(7, "a") != derive_seed(7, "b")
    assert derive_seed(7, "a") != derive_seed(8, "a")
    assert Streams(7)("a").random() != Streams(7)("b").random()
