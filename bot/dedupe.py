"""Remembers recently handled Slack deliveries so a retried one is not handled twice.

Slack redelivers an event it thinks went unanswered (X-Slack-Retry-Num), and a person can
double-click a button; both arrive with the key of the first delivery (event id, action ts).
"""

from __future__ import annotations

import time
from collections import OrderedDict
from collections.abc import Callable


class RecentKeys:
    """A bounded, time-limited set: `first_time(key)` is true once per key within `ttl` seconds."""

    def __init__(self, ttl: float = 3600.0, capacity: int = 10_000,
                 clock: Callable[[], float] = time.monotonic) -> None:
        self._ttl = ttl
        self._capacity = capacity
        self._clock = clock
        self._seen: OrderedDict[str, float] = OrderedDict()

    def first_time(self, key: str) -> bool:
        now = self._clock()
        while self._seen and (
            len(self._seen) >= self._capacity or next(iter(self._seen.values())) < now - self._ttl
        ):
            self._seen.popitem(last=False)
        if key in self._seen:
            return False
        self._seen[key] = now
        return True
