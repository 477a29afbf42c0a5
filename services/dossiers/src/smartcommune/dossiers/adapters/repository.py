"""The dossier repository over the kit's event store, projecting inline into the read model.

`add` appends the dossier's pending events to its stream (expected version = the version it was
loaded at, so a concurrent writer makes it fail with `ConcurrencyConflict`) and writes its
summary row in the same session — the caller's unit of work commits both or neither. New rows
are gathered and inserted in one statement at `flush()`, which is what makes the bulk import
fast; changed rows are updated at once.
"""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import select

from smartcommune.kit.events import Actor
from smartcommune.kit.store import EventStore, UnitOfWork, events

from ..domain.dossier import Dossier
from ..domain.events import registry
from .projection import dossier_from, insert_rows, update_row


class EventSourcedDossiers:
    def __init__(self, uow: UnitOfWork, store: EventStore) -> None:
        self._uow, self._store = uow, store
        self._new: list[Dossier] = []
        self.appended: list[str] = []  # event types, for the metrics after commit

    def get(self, dossier_id: str) -> Dossier | None:
        envelopes = self._store.load_stream(self._uow, dossier_id)
        return dossier_from(envelopes) if envelopes else None

    def existing(self, dossier_ids: Iterable[str]) -> set[str]:
        wanted = list(dossier_ids)
        query = select(events.c.stream_id).where(
            events.c.stream_id.in_(wanted), events.c.stream_version == 1
        )
        return set(self._uow.session.scalars(query)) if wanted else set()

    def add(self, dossier: Dossier, actor: Actor, trace: str | None) -> None:
        drafts = [
            registry.draft(
                change.payload,
                stream_id=dossier.id,
                commune_code=dossier.commune_code,
                unit_path=dossier.unit_path,
                occurred_at=change.occurred_at,
                actor=actor,
                trace=trace,
            )
            for change in dossier.pending
        ]
        self._store.append(self._uow, drafts, dossier.stored_version)
        self.appended.extend(draft.event_type for draft in drafts)
        if dossier.stored_version == 0:
            self._new.append(dossier)
        else:
            update_row(self._uow.session, dossier)

    def flush(self) -> None:
        insert_rows(self._uow.session, self._new)
        self._new.clear()
