"""The assertion ids (`jti`) seen and not yet expired: what makes a client assertion single-use.

An id is kept until its assertion expires (at most `ASSERTION_MAX_LIFETIME` seconds). The ids
sit in a dict (is it known?) and a min-heap of expiry moments (which is the next to go), so
that every check costs O(log n) and drops only the ids that have expired since the last one:
no request ever walks the whole cache, however many assertions are alive.
"""

from __future__ import annotations

import heapq
import math
import threading

DEFAULT_REPLAY_CACHE_SIZE = 1_000_000
"""The most unexpired assertion ids kept: 2,000 requests/s for the 300 s an assertion lives
fit 1.7 times (about 200 MB when full)."""


class ReplaySeen(Exception):
    """The assertion id was used before."""


class ReplayCacheFull(Exception):
    """Every slot holds an unexpired id; `retry_after` seconds until the first one expires."""

    def __init__(self, retry_after: int) -> None:
        super().__init__(f"the replay cache is full for {retry_after} s")
        self.retry_after = retry_after


class ReplayCache:
    """Single-use ids with an expiry, bounded by `capacity` (thread-safe)."""

    def __init__(self, capacity: int = DEFAULT_REPLAY_CACHE_SIZE) -> None:
        if capacity < 1:
            raise ValueError(f"a replay cache holds at least one id, not {capacity}")
        self.capacity = capacity
        self._expiry: dict[str, float] = {}
        self._heap: list[tuple[float, str]] = []
        self._lock = threading.Lock()

    def __len__(self) -> int:
        return len(self._expiry)

    def add(self, jti: str, expires: float, now: float) -> None:
        """Remember `jti` until `expires`.

        Raises:
            ReplaySeen: `jti` is remembered (it was used and has not expired).
            ReplayCacheFull: `capacity` unexpired ids are remembered; nothing is added.
        """
        with self._lock:
            self._expire(now)
            if jti in self._expiry:
                raise ReplaySeen(jti)
            if len(self._expiry) >= self.capacity:
                raise ReplayCacheFull(max(1, math.ceil(self._heap[0][0] - now)))
            self._expiry[jti] = expires
            heapq.heappush(self._heap, (expires, jti))

    def _expire(self, now: float) -> None:
        """Drop the ids whose moment has passed: each id is dropped once, so O(1) amortised."""
        heap, expiry = self._heap, self._expiry
        while heap and heap[0][0] <= now:
            _, jti = heapq.heappop(heap)
            expiry.pop(jti, None)
