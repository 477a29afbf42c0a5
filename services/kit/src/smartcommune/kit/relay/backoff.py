"""Retry delays shared by the relay and the consumer: exponential, capped, fully jittered.

Jitter matters after an outage: every relay and consumer restarted by the same broker or
database failure would otherwise retry in lockstep and hit it again together.
"""

from __future__ import annotations

import random
from dataclasses import dataclass


@dataclass(frozen=True)
class Backoff:
    initial: float = 0.2
    maximum: float = 15.0

    def delay(self, failures: int) -> float:
        """Seconds to wait after the `failures`-th consecutive failure (1, 2, …)."""
        ceiling = min(self.maximum, self.initial * 2 ** max(failures - 1, 0))
        return random.uniform(ceiling / 2, ceiling)  # noqa: S311 - jitter, not security


DEFAULT_BACKOFF = Backoff()
