"""The `appended` counter reports committed events only: a rolled-back append never counts."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest
from opentelemetry.sdk.metrics.export import InMemoryMetricReader

from smartcommune.kit.events import Actor, EventDraft, EventPayload, PayloadRegistry
from smartcommune.kit.migrations import upgrade_to_head
from smartcommune.kit.store import EventStore, UnitOfWork, make_engine
from smartcommune.kit.telemetry import setup_telemetry

pytestmark = pytest.mark.integration

REGISTRY = PayloadRegistry("toys")


@REGISTRY.register
class Counted(EventPayload):
    event_type = "toy.counted"
    event_version = 1
    n: int


def _appended(reader: InMemoryMetricReader) -> int:
    data = reader.get_metrics_data()
    if data is None:
        return 0
    total = 0
    for resource in data.resource_metrics:
        for scope in resource.scope_metrics:
            for metric in scope.metrics:
                if metric.name == "smartcommune.events.appended":
                    total += sum(int(getattr(p, "value", 0)) for p in metric.data.data_points)
    return total


def test_only_committed_appends_are_counted(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'metrics.db'}"
    upgrade_to_head(url)
    engine = make_engine(url)
    reader = InMemoryMetricReader()
    telemetry = setup_telemetry("toys", metric_reader=reader, set_global=False)
    store = EventStore(REGISTRY, metrics=telemetry.metrics)

    def drafts(stream: str, count: int) -> list[EventDraft]:
        return [
            REGISTRY.draft(
                Counted(n=n),
                stream_id=stream,
                commune_code="08920",
                unit_path="VN-26/song-lo/cao-phong",
                occurred_at=datetime.now(UTC),
                actor=Actor(subject="officer-1", role="commune-officer"),
            )
            for n in range(count)
        ]

    with UnitOfWork(engine) as uow:
        store.append(uow, drafts("a", 3), 0)
        assert _appended(reader) == 0, "not committed yet"
        uow.commit()
    assert _appended(reader) == 3

    with UnitOfWork(engine) as uow:
        store.append(uow, drafts("b", 2), 0)
        uow.rollback()
    with UnitOfWork(engine) as uow:
        store.append(uow, drafts("c", 1), 0)
    # leaving without commit rolls back too
    assert _appended(reader) == 3

    with UnitOfWork(engine) as uow:
        store.append(uow, drafts("b", 2), 0)
        uow.commit()
    assert _appended(reader) == 5
    engine.dispose()
