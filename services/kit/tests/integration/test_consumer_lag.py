"""The consumer-lag gauge on a real broker: it shows the backlog of each partition while the
consumer is held on its first message, and falls to zero once everything is consumed."""

from __future__ import annotations

import threading
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from kafka import KafkaProducer
from opentelemetry.sdk.metrics.export import InMemoryMetricReader
from sqlalchemy import Engine

from smartcommune.kit.consumer import TrackingConsumer
from smartcommune.kit.consumer.testing import (
    caught_up,
    create_topics,
    reported_lag,
    run_consumer,
)
from smartcommune.kit.events import (
    GENESIS,
    Actor,
    EventEnvelope,
    EventPayload,
    Frontier,
    PayloadRegistry,
    seal,
)
from smartcommune.kit.migrations import upgrade_to_head
from smartcommune.kit.store import UnitOfWork, make_engine
from smartcommune.kit.telemetry import setup_telemetry

pytestmark = pytest.mark.integration


class Counted(EventPayload):
    event_type = "toy.counted"
    event_version = 1
    n: int


REGISTRY = PayloadRegistry("toys")
REGISTRY.register(Counted)


def chain(count: int) -> list[bytes]:
    """One commune's chain of `count` events, as wire bytes."""
    wires, after = [], GENESIS
    for n in range(1, count + 1):
        draft = REGISTRY.draft(
            Counted(n=n),
            stream_id=f"counter-{n}",
            commune_code="08950",
            unit_path="VN-26/cao-phong",
            occurred_at=datetime(2026, 3, 1, tzinfo=UTC),
            actor=Actor.for_service("toys"),
        )
        at = draft.occurred_at
        event = seal(draft, service="toys", stream_version=1, recorded_at=at, after=after)
        wires.append(event.to_wire())
        after = Frontier(event.chain_seq, event.hash)
    return wires


@pytest.fixture
def topic(kafka_bootstrap: str) -> str:
    name = f"toys{uuid.uuid4().hex[:8]}.events.v1"
    create_topics(kafka_bootstrap, [name, f"{name}.dlq"], partitions=3)
    return name


@pytest.fixture
def engine(tmp_path: Path) -> Iterator[Engine]:
    url = f"sqlite:///{tmp_path / 'consumer.db'}"
    upgrade_to_head(url)
    engine = make_engine(url)
    yield engine
    engine.dispose()


def publish(bootstrap: str, topic: str, by_partition: dict[int, list[bytes]]) -> None:
    producer = KafkaProducer(bootstrap_servers=bootstrap, acks="all")
    try:
        futures = [
            producer.send(topic, value=value, key=b"08950", partition=partition, headers=[])
            for partition, values in by_partition.items()
            for value in values
        ]
        for future in futures:
            future.get(timeout=30)
    finally:
        producer.close(timeout=10)


def test_the_lag_gauge_shows_the_backlog_and_drops_to_zero_once_consumed(
    kafka_bootstrap: str, topic: str, engine: Engine
) -> None:
    wires = chain(6)
    publish(kafka_bootstrap, topic, {0: wires[:4], 2: wires[4:]})  # partition 1 stays empty
    reader = InMemoryMetricReader()
    telemetry = setup_telemetry("kit-tests", metric_reader=reader, set_global=False)
    gate = threading.Event()
    applied: list[int] = []

    def held(uow: UnitOfWork, envelope: EventEnvelope) -> None:
        gate.wait(timeout=60)  # until the test has seen the backlog
        applied.append(int(envelope.payload["n"]))

    name = f"{topic.split('.')[0]}.lag"
    consumer = TrackingConsumer(
        name, topic, engine, held, registry=REGISTRY, metrics=telemetry.metrics, lag_interval=0.5
    )
    seen: list[dict[int, int]] = []

    def done() -> bool:
        lag = reported_lag(reader, name, topic)
        seen.append(lag)
        if lag == {0: 4, 1: 0, 2: 2}:  # the first message, in the handler, still counts
            gate.set()
        drained = lag == {0: 0, 1: 0, 2: 0}
        return gate.is_set() and drained and caught_up(kafka_bootstrap, name, topic)

    try:
        run_consumer(kafka_bootstrap, [consumer], done, timeout=90)
    finally:
        gate.set()

    assert {0: 4, 1: 0, 2: 2} in seen, seen
    assert sorted(applied) == [1, 2, 3, 4, 5, 6]
    assert reported_lag(reader, name, topic) == {0: 0, 1: 0, 2: 0}
