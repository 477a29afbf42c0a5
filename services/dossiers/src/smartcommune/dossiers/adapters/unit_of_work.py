"""The dossiers' unit of work: the kit's transaction plus the event-sourced repository."""

from __future__ import annotations

from collections import Counter
from types import TracebackType
from typing import Self

from sqlalchemy import Engine

from smartcommune.kit.store import EventStore, UnitOfWork
from smartcommune.kit.telemetry import PlatformMetrics

from .repository import EventSourcedDossiers


class SqlDossierUnitOfWork:
    def __init__(
        self, engine: Engine, store: EventStore, metrics: PlatformMetrics | None = None
    ) -> None:
        self._engine, self._store, self._metrics = engine, store, metrics
        self._kit: UnitOfWork | None = None
        self._dossiers: EventSourcedDossiers | None = None

    @property
    def dossiers(self) -> EventSourcedDossiers:
        assert self._dossiers is not None, "use the unit of work inside `with`"
        return self._dossiers

    def __enter__(self) -> Self:
        self._kit = UnitOfWork(self._engine).__enter__()
        self._dossiers = EventSourcedDossiers(self._kit, self._store)
        return self

    def __exit__(
        self, t: type[BaseException] | None, e: BaseException | None, tb: TracebackType | None
    ) -> None:
        kit, self._kit = self._kit, None
        if kit is not None:
            kit.__exit__(t, e, tb)

    def commit(self) -> None:
        assert self._kit is not None, "use the unit of work inside `with`"
        self.dossiers.flush()
        self._kit.commit()
        if self._metrics is not None:
            for event_type, count in Counter(self.dossiers.appended).items():
                self._metrics.appended(event_type, count)
        self.dossiers.appended.clear()
