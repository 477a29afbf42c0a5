"""Event-sourced repositories of residents and households over the kit's event store.

`add` appends the aggregate's pending events to its stream (expected version = the version it
was loaded at, so a concurrent writer fails with `ConcurrencyConflict`), then projects each
stored event into the read model through the same connection: the caller's unit of work commits
the events, the outbox rows and the read model together, or none of them.
"""

from __future__ import annotations

from typing import Protocol

from sqlalchemy import select

from smartcommune.kit.events import Actor, EventEnvelope, EventPayload
from smartcommune.kit.store import EventStore, UnitOfWork

from ..domain.changes import Change
from ..domain.events import registry
from ..domain.household import Household
from ..domain.resident import Resident
from .projection import project
from .tables import resident_summaries


class _Aggregate(Protocol):
    id: str
    commune_code: str
    unit_path: str
    pending: list[Change]

    @property
    def stored_version(self) -> int: ...


class _Streams:
    def __init__(self, uow: UnitOfWork, store: EventStore, appended: list[str]) -> None:
        self._uow, self._store, self._appended = uow, store, appended

    def _history(self, stream_id: str, first_type: str) -> tuple[EventEnvelope, list[EventPayload]]:
        """The stream's first envelope and decoded payloads; `LookupError` unless it is this kind
        (an id of another kind, or of nothing, is simply not found)."""
        envelopes = self._store.load_stream(self._uow, stream_id)
        if not envelopes or envelopes[0].event_type != first_type:
            raise LookupError(stream_id)
        return envelopes[0], [registry.decode(envelope) for envelope in envelopes]

    def _append(self, aggregate: _Aggregate, actor: Actor, trace: str | None) -> None:
        drafts = [
            registry.draft(
                change.payload, stream_id=aggregate.id, commune_code=aggregate.commune_code,
                unit_path=aggregate.unit_path, occurred_at=change.occurred_at, actor=actor,
                trace=trace,
            )
            for change in aggregate.pending
        ]  # fmt: skip
        stored = self._store.append(self._uow, drafts, aggregate.stored_version)
        connection = self._uow.session.connection()
        for envelope in stored:
            project(connection, envelope)
        aggregate.pending.clear()
        self._appended.extend(envelope.event_type for envelope in stored)


class EventSourcedResidents(_Streams):
    def get(self, resident_id: str) -> Resident | None:
        try:
            first, history = self._history(resident_id, "resident.registered")
        except LookupError:
            return None
        return Resident.replay(resident_id, first.commune_code, first.unit_path, history)

    def add(self, resident: Resident, actor: Actor, trace: str | None) -> None:
        self._append(resident, actor, trace)

    def household_of(self, resident_id: str) -> str | None:
        t = resident_summaries
        query = select(t.c.household_id).where(t.c.resident_id == resident_id)
        return self._uow.session.scalar(query)


class EventSourcedHouseholds(_Streams):
    def get(self, household_id: str) -> Household | None:
        try:
            first, history = self._history(household_id, "household.registered")
        except LookupError:
            return None
        return Household.replay(household_id, first.commune_code, first.unit_path, history)

    def add(self, household: Household, actor: Actor, trace: str | None) -> None:
        self._append(household, actor, trace)
