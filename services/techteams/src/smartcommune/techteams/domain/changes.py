"""What every aggregate shares: events decided but not stored yet, and the version arithmetic."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from smartcommune.kit.events import EventPayload


@dataclass(frozen=True)
class Change:
    """An event decided but not yet stored: its payload and business time."""

    payload: EventPayload
    occurred_at: datetime


@dataclass
class Aggregate:
    """A stream: `version` counts its events, stored ones and `pending` ones.

    State changes only in `_apply`, both when a command records a new event and when the
    aggregate is rebuilt from its stored history, so a replay cannot disagree with a decision.
    """

    id: str
    commune_code: str
    unit_path: str
    version: int = 0
    pending: list[Change] = field(default_factory=list)

    @property
    def stored_version(self) -> int:
        return self.version - len(self.pending)

    def _apply(self, payload: EventPayload) -> None:
        raise NotImplementedError

    def _record(self, payload: EventPayload, at: datetime) -> None:
        self._apply(payload)
        self.version += 1
        self.pending.append(Change(payload, at))

    def _replay(self, history: list[EventPayload]) -> None:
        for payload in history:
            self._apply(payload)
            self.version += 1
