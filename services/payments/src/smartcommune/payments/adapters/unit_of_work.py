"""The service's unit of work: the kit's transaction plus the event-sourced repository."""

from __future__ import annotations

from collections import Counter
from types import TracebackType
from typing import Self

from sqlalchemy import Engine
from sqlalchemy.orm import Session

from smartcommune.kit.store import EventStore, UnitOfWork
from smartcommune.kit.telemetry import PlatformMetrics

from .repository import EventSourcedStreams


class SqlPaymentsUnitOfWork:
    def __init__(
        self, engine: Engine, store: EventStore, metrics: PlatformMetrics | None = None
    ) -> None:
        self._engine, self._store, self._metrics = engine, store, metrics
        self._kit: UnitOfWork | None = None
        self._streams: EventSourcedStreams | None = None

    @property
    def streams(self) -> EventSourcedStreams:
        assert self._streams is not None, "use the unit of work inside `with`"
        return self._streams

    @property
    def session(self) -> Session:
        assert self._kit is not None, "use the unit of work inside `with`"
        return self._kit.session

    def __enter__(self) -> Self:
        self._kit = UnitOfWork(self._engine).__enter__()
        self._streams = EventSourcedStreams(self._kit, self._store)
        return self

    def __exit__(
        self, t: type[BaseException] | None, e: BaseException | None, tb: TracebackType | None
    ) -> None:
        kit, self._kit = self._kit, None
        if kit is not None:
            kit.__exit__(t, e, tb)

    def commit(self) -> None:
        assert self._kit is not None, "use the unit of work inside `with`"
        self._kit.commit()
        if self._metrics is not None:
            for event_type, count in Counter(self.streams.appended).items():
                self._metrics.appended(event_type, count)
        self.streams.appended.clear()
