"""An in-process token bucket per key (device id, or client address for pairing).

In-process is enough for one office server; with several worker processes each keeps its
own buckets, so the effective limit is multiplied by the worker count (docs/KIOSK.md).
"""
from __future__ import annotations

import math
import threading
import time
from collections.abc import Callable, Hashable


class TokenBucket:
    def __init__(self, capacity: float, refill_per_second: float, clock: Callable[[], float] = time.monotonic):
        self.capacity = float(capacity)
        self.rate = float(refill_per_second)
        self._clock = clock
        self._buckets: dict[Hashable, tuple[float, float]] = {}
        self._lock = threading.Lock()

    def take(self, key: Hashable) -> int:
        """Spend one token for `key`: 0 if allowed, else the seconds to wait (Retry-After)."""
        with self._lock:
            now = self._clock()
            tokens, last = self._buckets.get(key, (self.capacity, now))
            tokens = min(self.capacity, tokens + (now - last) * self.rate)
            if tokens >= 1:
                self._buckets[key] = (tokens - 1, now)
                return 0
            self._buckets[key] = (tokens, now)
            return max(1, math.ceil((1 - tokens) / self.rate)) if self.rate > 0 else 3600
