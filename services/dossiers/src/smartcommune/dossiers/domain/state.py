"""The dossier's state as a fold of its events — the only code that changes it.

Kept apart from the decisions (`dossier.py`) so that what a replay computes and what a command
records go through the same `_apply`, and so the fold reads on one screen.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime

from smartcommune.kit.events import EventPayload

from .events import (
    DossierExtended,
    DossierProcessingStarted,
    DossierRated,
    DossierReceived,
    DossierRefused,
    DossierResolved,
    DossierResultReturned,
    DossierStopped,
    DossierSubmitted,
    DossierSupplemented,
    DossierSupplementRequested,
)
from .lifecycle import TRANSITIONS, Status, Step
from .values import Outcome, Satisfaction

STEP_OF: dict[type[EventPayload], Step] = {
    DossierReceived: Step.RECEIVE,
    DossierRefused: Step.REFUSE,
    DossierProcessingStarted: Step.START_PROCESSING,
    DossierSupplementRequested: Step.REQUEST_SUPPLEMENT,
    DossierSupplemented: Step.SUPPLEMENT,
    DossierExtended: Step.EXTEND,
    DossierStopped: Step.STOP,
    DossierResolved: Step.RESOLVE,
    DossierResultReturned: Step.RETURN_RESULT,
    DossierRated: Step.RATE,
}


@dataclass(frozen=True)
class Change:
    """An event decided but not yet stored: its payload and business time."""

    payload: EventPayload
    occurred_at: datetime


@dataclass
class DossierState:
    id: str
    commune_code: str
    unit_path: str
    submission: DossierSubmitted
    submitted_at: datetime
    status: Status = Status.SUBMITTED
    version: int = 1
    last_event_at: datetime | None = None
    received_at: datetime | None = None
    due_date: date | None = None
    supplement_requested_at: datetime | None = None
    paused_days: int = 0
    extensions: int = 0
    closed_at: datetime | None = None
    resolved_at: datetime | None = None
    outcome: Outcome | None = None
    on_time: bool | None = None
    processing_days: int | None = None
    returned_at: datetime | None = None
    rated_at: datetime | None = None
    satisfaction: Satisfaction | None = None
    pending: list[Change] = field(default_factory=list)

    def _apply(self, event: EventPayload, at: datetime) -> None:
        self.status = TRANSITIONS[(self.status, STEP_OF[type(event)])]
        self.version += 1
        self.last_event_at = at
        match event:
            case DossierReceived(appointment_date=appointment):
                self.received_at, self.due_date = at, appointment
            case DossierSupplementRequested():
                self.supplement_requested_at = at
            case DossierSupplemented(paused_days=paused, due_date=due):
                self.paused_days += paused
                self.due_date, self.supplement_requested_at = due, None
            case DossierExtended(new_due_date=due):
                self.due_date, self.extensions = due, self.extensions + 1
            case DossierRefused() | DossierStopped():
                self.closed_at = at
            case DossierResolved(outcome=outcome, on_time=on_time, processing_days=days):
                self.resolved_at, self.outcome = at, outcome
                self.on_time, self.processing_days = on_time, days
            case DossierResultReturned():
                self.returned_at = at
            case DossierRated(satisfaction=satisfaction):
                self.rated_at, self.satisfaction = at, satisfaction
