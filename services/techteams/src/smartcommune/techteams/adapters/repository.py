"""The event-sourced repository of every aggregate, over the kit's `EventStore`.

`add` appends the aggregate's pending events to its stream — expected version = the version it
was loaded at, so a concurrent writer makes it fail with `ConcurrencyConflict` — and projects
the aggregate into the read model in the same session; the unit of work commits both or neither.
"""

from __future__ import annotations

from sqlalchemy.exc import IntegrityError

from smartcommune.kit.events import Actor
from smartcommune.kit.store import EventStore, UnitOfWork

from ..application.errors import AlreadyExists
from ..domain.changes import Aggregate
from ..domain.events import registry
from ..domain.facts import DatedFacts
from ..domain.task import Task
from ..domain.team import Team
from .projection import fold, project


class EventSourcedStreams:
    def __init__(self, uow: UnitOfWork, store: EventStore) -> None:
        self._uow, self._store = uow, store
        self.appended: list[str] = []  # event types, for the metrics after commit

    def _load(self, stream_id: str) -> Aggregate | None:
        envelopes = self._store.load_stream(self._uow, stream_id)
        return fold(envelopes) if envelopes else None

    def team(self, team_id: str) -> Team | None:
        found = self._load(team_id)
        return found if isinstance(found, Team) else None

    def task(self, task_id: str) -> Task | None:
        found = self._load(task_id)
        return found if isinstance(found, Task) else None

    def facts(self, stream_id: str) -> DatedFacts | None:
        found = self._load(stream_id)
        return found if isinstance(found, DatedFacts) else None

    def add(self, aggregate: Aggregate, actor: Actor, trace: str | None) -> None:
        drafts = [
            registry.draft(
                change.payload,
                stream_id=aggregate.id,
                commune_code=aggregate.commune_code,
                unit_path=aggregate.unit_path,
                occurred_at=change.occurred_at,
                actor=actor,
                trace=trace,
            )
            for change in aggregate.pending
        ]
        if not drafts:
            return
        self._store.append(self._uow, drafts, aggregate.stored_version)
        self.appended.extend(draft.event_type for draft in drafts)
        aggregate.pending.clear()
        try:
            project(self._uow.session, aggregate)
        except IntegrityError:
            # The one unique rule of the read model beyond primary keys: one active team per
            # village. A concurrent decision for the same village committed first.
            raise AlreadyExists("the village has an active team already", "") from None
