"""The Dossier aggregate: decides each lifecycle step and records it as an event.

Commands check the transition table first, then the dates: every event must be at or after the
previous one, and deadlines are compared as dates in Vietnam. State changes only through
`DossierState._apply`, both when a command records a new event and when a dossier is rebuilt
from its stored history — so what the service decides now and what a replay computes later
cannot differ.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from smartcommune.kit.events import EventPayload

from .errors import InconsistentCommand, InvalidTransition
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
from .lifecycle import TRANSITIONS, Step
from .state import Change, DossierState
from .submission import check_submission
from .values import Kind, Outcome, Satisfaction, local_date

__all__ = ["Change", "Dossier"]


@dataclass
class Dossier(DossierState):
    # ---------------------------------------------------------------- creating and replaying
    @classmethod
    def submit(
        cls,
        dossier_id: str,
        commune_code: str,
        unit_path: str,
        facts: DossierSubmitted,
        at: datetime,
    ) -> Dossier:
        check_submission(facts)
        dossier = cls(dossier_id, commune_code, unit_path, facts, at, last_event_at=at)
        dossier.pending.append(Change(facts, at))
        return dossier

    @classmethod
    def replay(
        cls, dossier_id: str, commune_code: str, unit_path: str, history: list[Change]
    ) -> Dossier:
        first, *rest = history
        if not isinstance(first.payload, DossierSubmitted):
            raise ValueError(f"dossier {dossier_id} does not start with dossier.submitted")
        dossier = cls(dossier_id, commune_code, unit_path, first.payload, first.occurred_at)
        dossier.last_event_at = first.occurred_at
        for change in rest:
            dossier._apply(change.payload, change.occurred_at)
        return dossier

    @property
    def stored_version(self) -> int:
        return self.version - len(self.pending)

    # ---------------------------------------------------------------- commands
    def receive(self, appointment_date: date, at: datetime) -> None:
        self._check(Step.RECEIVE, at)
        if appointment_date < local_date(at):
            raise InconsistentCommand("appointment_date", "must not be before the day received")
        self._record(DossierReceived(appointment_date=appointment_date), at)

    def refuse(self, reason: str, at: datetime) -> None:
        self._check(Step.REFUSE, at)
        self._record(DossierRefused(reason=reason), at)

    def start_processing(self, at: datetime) -> None:
        self._check(Step.START_PROCESSING, at)
        self._record(DossierProcessingStarted(), at)

    def request_supplement(self, reason: str, at: datetime) -> None:
        self._check(Step.REQUEST_SUPPLEMENT, at)
        self._record(DossierSupplementRequested(reason=reason), at)

    def supplement(self, at: datetime, *, pause_clock: bool) -> None:
        """`pause_clock` is the policy in force (a setting): the waiting days move the deadline."""
        self._check(Step.SUPPLEMENT, at)
        assert self.supplement_requested_at is not None
        assert self.due_date is not None
        waited = (local_date(at) - local_date(self.supplement_requested_at)).days
        paused = waited if pause_clock else 0
        due = self.due_date + timedelta(days=paused)
        self._record(
            DossierSupplemented(clock_paused=pause_clock, paused_days=paused, due_date=due), at
        )

    def extend(self, new_due_date: date, reason: str, apology: str, at: datetime) -> None:
        self._check(Step.EXTEND, at)
        assert self.due_date is not None
        if new_due_date <= self.due_date:
            message = f"must be after the current due date {self.due_date.isoformat()}"
            raise InconsistentCommand("new_due_date", message)
        self._record(DossierExtended(new_due_date=new_due_date, reason=reason, apology=apology), at)

    def stop(self, reason: str, at: datetime) -> None:
        self._check(Step.STOP, at)
        self._record(DossierStopped(reason=reason), at)

    def resolve(self, outcome: Outcome, at: datetime) -> None:
        self._check(Step.RESOLVE, at)
        assert self.received_at is not None
        assert self.due_date is not None
        day = local_date(at)
        self._record(
            DossierResolved(
                outcome=outcome,
                kind=self.submission.kind,
                channel=self.submission.channel,
                due_date=self.due_date,
                on_time=day <= self.due_date,
                processing_days=(day - local_date(self.received_at)).days,
            ),
            at,
        )

    def return_result(self, at: datetime) -> None:
        self._check(Step.RETURN_RESULT, at)
        self._record(DossierResultReturned(), at)

    def rate(self, satisfaction: Satisfaction, at: datetime) -> None:
        if self.submission.kind is Kind.WORK_RECORD:
            raise InvalidTransition(
                self.status, Step.RATE, "work records have no applicant to rate"
            )
        self._check(Step.RATE, at)
        self._record(DossierRated(satisfaction=satisfaction), at)

    # ---------------------------------------------------------------- deciding and applying
    def _check(self, step: Step, at: datetime) -> None:
        if (self.status, step) not in TRANSITIONS:
            raise InvalidTransition(self.status, step)
        if self.last_event_at is not None and at < self.last_event_at:
            last = self.last_event_at.isoformat()
            raise InconsistentCommand("occurred_at", f"must not be before the last step ({last})")

    def _record(self, payload: EventPayload, at: datetime) -> None:
        self._apply(payload, at)
        self.pending.append(Change(payload, at))
