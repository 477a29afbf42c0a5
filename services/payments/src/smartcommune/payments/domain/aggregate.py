"""What every aggregate of the service shares: its stream, its version and its pending events.

State changes only through `_apply`, both when a command records a new event and when the
aggregate is rebuilt from its stored history, so what the service decides now and what a replay
computes later cannot differ.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Self

from smartcommune.kit.events import EventPayload


@dataclass(frozen=True)
class Change:
    payload: EventPayload
    occurred_at: datetime


@dataclass
class Aggregate:
    id: str
    commune_code: str
    unit_path: str
    version: int = 0
    pending: list[Change] = field(default_factory=list)

    @classmethod
    def replay(
        cls, stream_id: str, commune_code: str, unit_path: str, history: list[Change]
    ) -> Self:
        aggregate = cls(stream_id, commune_code, unit_path)
        for change in history:
            aggregate._apply(change.payload)
            aggregate.version += 1
        return aggregate

    @property
    def stored_version(self) -> int:
        return self.version - len(self.pending)

    def _record(self, payload: EventPayload, at: datetime) -> None:
        self._apply(payload)
        self.version += 1
        self.pending.append(Change(payload, at))

    def _apply(self, payload: EventPayload) -> None:
        raise NotImplementedError
