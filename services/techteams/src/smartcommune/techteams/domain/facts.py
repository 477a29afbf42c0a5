"""Household surveys, facility attestations and training sessions: facts a team records.

Each survey stream is one household and each attestation stream one (village, facility), so the
*latest* fact is simply the stream's last event — for that to hold, a new fact is never dated
before the one it follows (a correction the same day is a new event of that day). Consumers can
then take the last event per stream without looking at dates.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from smartcommune.kit.events import EventPayload, uuid7

from .changes import Aggregate
from .errors import InconsistentCommand
from .events import FacilityAttested, HouseholdSurveyed, TrainingHeld
from .values import COUNTED, local_date


def facility_stream(village_code: str, facility: str) -> str:
    return f"{village_code}:{facility}"


def new_training_id() -> str:
    return f"training-{uuid7()}"


def _not_future(day: date, at: datetime, field: str) -> None:
    if day > local_date(at):
        raise InconsistentCommand(field, "must not be in the future")


@dataclass
class DatedFacts(Aggregate):
    """A stream of dated facts of which the last one counts."""

    latest: EventPayload | None = None
    latest_on: date | None = None

    @classmethod
    def replay(
        cls, stream_id: str, commune_code: str, unit_path: str, history: list[EventPayload]
    ) -> DatedFacts:
        facts = cls(stream_id, commune_code, unit_path)
        facts._replay(history)
        return facts

    def record(self, payload: HouseholdSurveyed | FacilityAttested, at: datetime) -> None:
        day, field = _day_of(payload)
        _not_future(day, at, field)
        if self.latest_on is not None and day < self.latest_on:
            latest = self.latest_on.isoformat()
            raise InconsistentCommand(field, f"must not be before the latest one ({latest})")
        if isinstance(payload, HouseholdSurveyed):
            check_survey(payload)
        else:
            check_attestation(payload)
        self._record(payload, at)

    def _apply(self, payload: EventPayload) -> None:
        if not isinstance(payload, HouseholdSurveyed | FacilityAttested):
            raise ValueError(f"not a dated fact: {type(payload).__name__}")
        self.latest, self.latest_on = payload, _day_of(payload)[0]


def _day_of(payload: HouseholdSurveyed | FacilityAttested) -> tuple[date, str]:
    if isinstance(payload, HouseholdSurveyed):
        return payload.surveyed_on, "surveyed_on"
    return payload.attested_on, "attested_on"


def check_survey(s: HouseholdSurveyed) -> None:
    if s.working_age_with_online_skills > s.working_age_members:
        raise InconsistentCommand(
            "working_age_with_online_skills", "must not exceed working_age_members"
        )


def check_attestation(a: FacilityAttested) -> None:
    if a.facility in COUNTED:
        if a.present and a.count < 1:
            raise InconsistentCommand("count", f"a present {a.facility} counts at least 1")
        if not a.present and a.count != 0:
            raise InconsistentCommand("count", "must be 0 when the facility is not present")
    elif a.count != (1 if a.present else 0):
        raise InconsistentCommand("count", f"{a.facility} is there or not: count is 1 or 0")


@dataclass
class Training(Aggregate):
    facts: TrainingHeld | None = None

    @classmethod
    def hold(
        cls, training_id: str, commune_code: str, unit_path: str, facts: TrainingHeld,
        at: datetime,
    ) -> Training:  # fmt: skip
        _not_future(facts.held_on, at, "held_on")
        if len(set(facts.attendee_ids)) != len(facts.attendee_ids):
            raise InconsistentCommand("attendee_ids", "names a resident twice")
        training = cls(training_id, commune_code, unit_path)
        training._record(facts, at)
        return training

    def _apply(self, payload: EventPayload) -> None:
        if not isinstance(payload, TrainingHeld):
            raise ValueError(f"a training has no event {type(payload).__name__}")
        self.facts = payload
