"""Inline projection of the aggregates into the read model, and its rebuild from the store.

Each row is a function of an aggregate, and an aggregate is a fold of its events, so the inline
path (after each append, same transaction) and the rebuild (truncate, fold every stream again)
share `project` and cannot disagree.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import Any

from sqlalchemy import Engine, Table, delete, insert, update
from sqlalchemy.orm import Session

from smartcommune.kit.events import EventEnvelope, EventPayload
from smartcommune.kit.store import EventStore, UnitOfWork

from ..domain.changes import Aggregate
from ..domain.events import (
    FacilityAttested,
    HouseholdSurveyed,
    TaskCreated,
    TeamEstablished,
    TrainingHeld,
    registry,
)
from ..domain.facts import DatedFacts, Training
from ..domain.task import Task
from ..domain.team import Team
from ..domain.values import local_date
from .tables import (
    facilities,
    household_surveys,
    tasks,
    team_members,
    teams,
    training_attendees,
    trainings,
)

REPLAY_PAGE = 2000
PROJECTED = (teams, team_members, tasks, household_surveys, facilities, trainings,
             training_attendees)  # fmt: skip


def _upsert(session: Session, table: Table, key: str, row: Mapping[str, Any]) -> None:
    """Update the row, or insert it when there is none (writers of a commune are serialised by
    the event store's chain-head lock, so the two statements cannot race)."""
    values = dict(row)
    ident = values.pop(key)
    done = session.execute(update(table).where(table.c[key] == ident).values(**values))
    if getattr(done, "rowcount", 0) == 0:
        session.execute(insert(table).values({key: ident, **values}))


def project(session: Session, aggregate: Aggregate) -> None:
    match aggregate:
        case Team():
            _team(session, aggregate)
        case Task():
            _task(session, aggregate)
        case DatedFacts(latest=HouseholdSurveyed() as survey):
            row = survey.model_dump(mode="python")
            row.update(unit_path=aggregate.unit_path, surveys=aggregate.version)
            _upsert(session, household_surveys, "household_id", row)
        case DatedFacts(latest=FacilityAttested() as attested):
            row = attested.model_dump(mode="python")
            row.update(stream_id=aggregate.id, attestations=aggregate.version)
            _upsert(session, facilities, "stream_id", row)
        case Training():
            _training(session, aggregate)
        case _:
            raise TypeError(f"nothing to project for {type(aggregate).__name__}")


def _team(session: Session, team: Team) -> None:
    assert team.decision_date is not None
    row = {
        "team_id": team.id, "village_code": team.village_code, "commune_code": team.commune_code,
        "unit_path": team.unit_path, "decision_number": team.decision_number,
        "decision_date": team.decision_date, "leader_member_id": team.leader_member_id,
        "active_members": len(team.active_members), "dissolved_on": team.dissolved_on,
        "version": team.version,
    }  # fmt: skip
    _upsert(session, teams, "team_id", row)
    for m in team.members.values():
        member = {
            "member_id": m.member_id, "team_id": team.id, "village_code": team.village_code,
            "role": m.role.value, "resident_id": m.resident_id,
            "account_subject": m.account_subject, "joined_on": m.joined_on, "left_on": m.left_on,
        }  # fmt: skip
        _upsert(session, team_members, "member_id", member)


def task_row(task: Task) -> dict[str, Any]:
    facts = task.facts
    assert facts is not None
    assert task.created_on is not None
    return {
        "task_id": task.id, "team_id": facts.team_id, "village_code": facts.village_code,
        "commune_code": task.commune_code, "unit_path": task.unit_path,
        "task_type": facts.task_type.value, "target_kind": facts.target_kind.value,
        "target_id": facts.target_id, "due_date": facts.due_date, "note": facts.note,
        "status": task.status.value, "assignee_member_id": task.assignee,
        "outcome": task.outcome.value if task.outcome else None,
        "completed_on": task.completed_on, "cancel_reason": task.cancel_reason,
        "created_on": task.created_on, "version": task.version,
    }  # fmt: skip


def _task(session: Session, task: Task) -> None:
    _upsert(session, tasks, "task_id", task_row(task))


def _training(session: Session, training: Training) -> None:
    """A training is one event: its rows are written once (and again only by a rebuild)."""
    facts = training.facts
    assert facts is not None
    session.execute(
        insert(trainings).values(
            training_id=training.id, village_code=facts.village_code,
            unit_path=training.unit_path, held_on=facts.held_on, topic=facts.topic,
            attendees=len(facts.attendee_ids), led_by=facts.led_by,
        )
    )  # fmt: skip
    session.execute(
        insert(training_attendees),
        [
            {"training_id": training.id, "resident_id": r, "village_code": facts.village_code}
            for r in facts.attendee_ids
        ],
    )


# ---------------------------------------------------------------- folding stored streams
def fold(envelopes: list[EventEnvelope]) -> Aggregate:
    """The aggregate of one stream from its stored events (validated and upcast on decoding)."""
    first = envelopes[0]
    payloads = [registry.decode(e) for e in envelopes]
    where = (first.stream_id, first.commune_code, first.unit_path)
    match payloads[0]:
        case TeamEstablished():
            return Team.replay(*where, payloads)
        case TaskCreated():
            days: list[tuple[EventPayload, date]] = [
                (p, local_date(e.occurred_at)) for p, e in zip(payloads, envelopes, strict=True)
            ]
            return Task.replay(*where, days)
        case HouseholdSurveyed() | FacilityAttested():
            return DatedFacts.replay(*where, payloads)
        case TrainingHeld():
            training = Training(*where)
            training._replay(payloads)
            return training
        case other:
            raise ValueError(f"unknown stream kind: {other.event_type}")


def rebuild_projections(engine: Engine, store: EventStore | None = None) -> int:
    """Truncate the projected tables and fold every stream into them again; returns streams.

    One transaction: readers see the old or the new projection, never a half-built one.
    """
    store = store or EventStore(registry)
    streams: dict[str, list[EventEnvelope]] = {}
    with UnitOfWork(engine) as uow:
        position = 0
        while page := store.read_all(uow, after_position=position, limit=REPLAY_PAGE):
            for item in page:
                streams.setdefault(item.envelope.stream_id, []).append(item.envelope)
            position = page[-1].position
        for table in PROJECTED:
            uow.session.execute(delete(table))
        for envelopes in streams.values():
            ordered = sorted(envelopes, key=lambda e: e.stream_version)
            project(uow.session, fold(ordered))
        uow.commit()
    return len(streams)
