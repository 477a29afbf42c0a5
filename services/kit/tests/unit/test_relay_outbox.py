"""The relay against a fake producer: publish bodies as stored, mark only what was acknowledged."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any

import pytest
from opentelemetry.sdk.metrics.export import InMemoryMetricReader, NumberDataPoint
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter
from sqlalchemy import Engine
from sqlalchemy.pool import StaticPool

from smartcommune.kit.events import Actor, EventEnvelope, EventPayload, PayloadRegistry
from smartcommune.kit.relay import Backoff, OutboxRelay
from smartcommune.kit.store import EventStore, UnitOfWork, make_engine, metadata
from smartcommune.kit.telemetry import setup_telemetry

TOPIC = "toys.events.v1"
TRACE = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01"
NO_WAIT = Backoff(initial=0.0, maximum=0.0)


class Counted(EventPayload):
    event_type = "toy.counted"
    event_version = 1
    n: int


REGISTRY = PayloadRegistry("toys")
REGISTRY.register(Counted)


class FakeFuture:
    def __init__(self, error: Exception | None) -> None:
        self.error = error

    def get(self, timeout: float | None = None) -> str:
        if self.error is not None:
            raise self.error
        return "acknowledged"


class FakeProducer:
    """Records sends; `fail_ack`/`fail_send` make the n-th record (0-based) fail."""

    def __init__(self) -> None:
        self.sent: list[tuple[str, bytes, bytes, list[tuple[str, bytes]]]] = []
        self.fail_ack: int | None = None
        self.fail_send: int | None = None
        self.flushes = 0

    def send(self, topic: str, *, value: bytes, key: bytes, headers: Any) -> FakeFuture:
        if self.fail_send == len(self.sent):
            raise TimeoutError("no metadata")
        error = ConnectionError("not acknowledged") if self.fail_ack == len(self.sent) else None
        self.sent.append((topic, value, key, list(headers)))
        return FakeFuture(error)

    def flush(self, timeout: float | None = None) -> None:
        self.flushes += 1

    def close(self, timeout: float | None = None) -> None:
        pass


@pytest.fixture
def engine() -> Iterator[Engine]:
    engine = make_engine(
        "sqlite://", poolclass=StaticPool, connect_args={"check_same_thread": False}
    )
    metadata.create_all(engine)
    yield engine
    engine.dispose()


@pytest.fixture
def store() -> EventStore:
    return EventStore(REGISTRY)


def append(engine: Engine, store: EventStore, commune: str, n: int) -> list[EventEnvelope]:
    draft = REGISTRY.draft(
        Counted(n=n),
        stream_id=f"counter-{commune}-{n}",
        commune_code=commune,
        unit_path="VN-26/cao-phong",
        occurred_at=datetime(2026, 3, 1, tzinfo=UTC),
        actor=Actor.for_service("toys"),
        trace=TRACE,
    )
    with UnitOfWork(engine) as uow:
        sealed = store.append(uow, [draft], 0)
        uow.commit()
    return sealed


def pending(engine: Engine, store: EventStore) -> int:
    with UnitOfWork(engine, read_only=True) as uow:
        return len(store.unpublished(uow, 1000))


def test_bodies_are_published_unchanged_in_order_keyed_by_commune_then_marked(
    engine: Engine, store: EventStore
) -> None:
    events = [
        append(engine, store, commune, n)[0] for n, commune in enumerate(["08950"] * 2 + ["08951"])
    ]
    producer = FakeProducer()

    published = OutboxRelay(engine, store, TOPIC, producer).publish_batch()

    assert published == 3
    assert [(t, v, k) for t, v, k, _ in producer.sent] == [
        (TOPIC, e.to_wire(), e.commune_code.encode()) for e in events
    ]
    headers = dict(producer.sent[0][3])
    assert headers["event_type"] == b"toy.counted"
    assert headers["event_id"] == events[0].event_id.encode()
    assert headers["traceparent"].startswith(b"00-4bf92f3577b34da6a3ce929d0e0e4736-")
    assert pending(engine, store) == 0


@pytest.mark.parametrize("failure", ["fail_ack", "fail_send"])
def test_a_batch_is_marked_only_when_every_record_was_acknowledged(
    engine: Engine, store: EventStore, failure: str
) -> None:
    for n in range(3):
        append(engine, store, "08950", n)
    producer = FakeProducer()
    setattr(producer, failure, 1)
    relay = OutboxRelay(engine, store, TOPIC, producer)

    with pytest.raises((ConnectionError, TimeoutError)):
        relay.publish_batch()

    assert producer.flushes == 1  # what was queued was settled before giving up
    assert pending(engine, store) == 3
    setattr(producer, failure, None)
    assert relay.publish_batch() == 3  # the whole batch again: copies, never gaps
    assert pending(engine, store) == 0


def test_drain_retries_and_publishes_batch_after_batch_until_nothing_is_left(
    engine: Engine, store: EventStore
) -> None:
    for n in range(7):
        append(engine, store, "08950", n)
    producer = FakeProducer()
    producer.fail_ack = 0
    relay = OutboxRelay(engine, store, TOPIC, producer, batch_size=3, backoff=NO_WAIT)

    original_send = producer.send

    def heal_after_first(*args: Any, **kwargs: Any) -> FakeFuture:
        future = original_send(*args, **kwargs)
        producer.fail_ack = None
        return future

    producer.send = heal_after_first  # type: ignore[method-assign]
    assert relay.drain(timeout=5) == 7
    assert pending(engine, store) == 0
    assert len(producer.sent) == 10  # the failed first batch of 3 was sent twice


def test_run_forever_relays_until_stopped_and_finishes_cleanly(
    engine: Engine, store: EventStore
) -> None:
    # Appended before the relay starts: the in-memory database is one shared connection.
    append(engine, store, "08950", 1)
    producer, stop = FakeProducer(), threading.Event()
    relay = OutboxRelay(engine, store, TOPIC, producer)
    worker = threading.Thread(target=relay.run_forever, args=(0.01, stop))
    worker.start()
    for _ in range(500):
        if producer.sent:
            break
        stop.wait(0.01)
    stop.set()
    worker.join(timeout=5)

    assert not worker.is_alive()
    assert len(producer.sent) == 1
    assert pending(engine, store) == 0


def test_the_producer_span_continues_the_trace_recorded_with_the_event_and_is_counted(
    engine: Engine, store: EventStore
) -> None:
    spans, reader = InMemorySpanExporter(), InMemoryMetricReader()
    telemetry = setup_telemetry("toys", span_exporter=spans, metric_reader=reader, set_global=False)
    append(engine, store, "08950", 1)
    append(engine, store, "08951", 2)
    relay = OutboxRelay(
        engine, store, TOPIC, FakeProducer(), tracer=telemetry.tracer, metrics=telemetry.metrics
    )

    relay.publish_batch()

    first, _ = spans.get_finished_spans()
    assert format(first.context.trace_id, "032x") == TRACE.split("-")[1]
    assert first.parent is not None
    assert format(first.parent.span_id, "016x") == TRACE.split("-")[2]
    data = reader.get_metrics_data()
    assert data is not None
    published = [
        point.value
        for rm in data.resource_metrics
        for sm in rm.scope_metrics
        for metric in sm.metrics
        if metric.name == "smartcommune.events.published"
        for point in metric.data.data_points
        if isinstance(point, NumberDataPoint)
    ]
    assert published == [2]
