"""One event-sourced repository for every aggregate of the service, over the kit's event store.

`save` appends the aggregate's pending events to its stream (expected version = the version it
was loaded at, so a concurrent writer — or a second recording of the same payment — fails with
`ConcurrencyConflict`) and writes its read-model row in the same session; the caller's unit of
work commits both or neither.
"""

from __future__ import annotations

from typing import TypeVar

from smartcommune.kit.events import Actor
from smartcommune.kit.store import EventStore, UnitOfWork

from ..domain.aggregate import Aggregate, Change
from ..domain.events import registry
from .projection import project

A = TypeVar("A", bound=Aggregate)


class EventSourcedStreams:
    def __init__(self, uow: UnitOfWork, store: EventStore) -> None:
        self._uow, self._store = uow, store
        self.appended: list[str] = []

    def get(self, kind: type[A], stream_id: str) -> A | None:
        envelopes = self._store.load_stream(self._uow, stream_id)
        if not envelopes:
            return None
        first = envelopes[0]
        changes = [Change(registry.decode(e), e.occurred_at) for e in envelopes]
        try:
            return kind.replay(first.stream_id, first.commune_code, first.unit_path, changes)
        except ValueError:  # a stream of another kind (e.g. an account id asked as a merchant)
            return None

    def save(self, aggregate: Aggregate, actor: Actor, trace: str | None) -> None:
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
        project(self._uow.session, aggregate, new=aggregate.stored_version == 0)
        aggregate.pending.clear()
