"""An event decided by an aggregate but not yet stored — shared by both aggregates."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from smartcommune.kit.events import EventPayload


@dataclass(frozen=True)
class Change:
    payload: EventPayload
    occurred_at: datetime
