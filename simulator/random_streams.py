"""One independent random stream per random input, derived from the seed and the input's name.

Each stream is a `random.Random` seeded with a SHA-256 digest of ``seed`` and the stream
name, so adding a stream never shifts another one: two scenarios that differ in one input
draw the same numbers for every other input (common random numbers).
"""

from __future__ import annotations

import hashlib
import random

__all__ = ["Streams", "derive_seed"]


def derive_seed(seed: int, name: str) -> int:
    """The 64-bit seed of stream `name` under the run seed `seed`."""
    digest = hashlib.sha256(f"vsb-simulator:{seed}:{name}".encode()).digest()
    return int.from_bytes(digest[:8], "big")


class Streams:
    """The random streams of one run; never the global `random`."""

    def __init__(self, seed: int) -> None:
        self.seed = seed
        self._streams: dict[str, random.Random] = {}

    def __call__(self, name: str) -> random.Random:
        """The stream for input `name`, created on first use."""
        stream = self._streams.get(name)
        if stream is None:
            stream = random.Random(derive_seed(self.seed, name))
            self._streams[name] = stream
        return stream

    def names(self) -> list[str]:
        """The names of the streams used so far, sorted."""
        return sorted(self._streams)
