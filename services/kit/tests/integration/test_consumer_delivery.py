"""Tracking consumers on a real broker: copies and replays take effect once, poison goes to the
dead-letter topic without stopping the partition, and a failing handler is retried in order."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from kafka import TopicPartition
from kafka.admin import KafkaAdminClient, OffsetSpec
from sqlalchemy import Engine, func, select
from sqlalchemy.exc import OperationalError

from smartcommune.kit.consumer import TrackingConsumer, consumer_tracking
from smartcommune.kit.consumer.testing import caught_up, create_topics, read_topic, run_consumer
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
from smartcommune.kit.relay import Backoff, make_producer
from smartcommune.kit.store import UnitOfWork, make_engine

pytestmark = pytest.mark.integration

COMMUNE = "08950"


class Counted(EventPayload):
    event_type = "toy.counted"
    event_version = 1
    n: int


REGISTRY = PayloadRegistry("toys")
REGISTRY.register(Counted)


def chain(payloads: list[dict[str, object]]) -> list[EventEnvelope]:
    """Sealed events of one commune's chain, built without a store (the tests publish them)."""
    events, after = [], GENESIS
    for index, payload in enumerate(payloads, start=1):
        draft = REGISTRY.draft(
            Counted(n=1),
            stream_id=f"counter-{index}",
            commune_code=COMMUNE,
            unit_path="VN-26/cao-phong",
            occurred_at=datetime(2026, 3, 1, tzinfo=UTC),
            actor=Actor.for_service("toys"),
        ).model_copy(update={"payload": payload})
        at = draft.occurred_at
        event = seal(draft, service="toys", stream_version=1, recorded_at=at, after=after)
        events.append(event)
        after = Frontier(event.chain_seq, event.hash)
    return events


@pytest.fixture
def topic(kafka_bootstrap: str) -> str:
    name = f"toys{uuid.uuid4().hex[:8]}.events.v1"
    create_topics(kafka_bootstrap, [name, f"{name}.dlq"])
    return name


@pytest.fixture
def engine(tmp_path: Path) -> Iterator[Engine]:
    url = f"sqlite:///{tmp_path / 'consumer.db'}"
    upgrade_to_head(url)
    engine = make_engine(url)
    yield engine
    engine.dispose()


def publish(bootstrap: str, topic: str, values: list[bytes], key: bytes = b"08950") -> None:
    producer = make_producer(bootstrap, client_id="kit-tests")
    try:
        for future in [producer.send(topic, value=v, key=key, headers=[]) for v in values]:
            future.get(timeout=30)
    finally:
        producer.close(timeout=10)


def consume(bootstrap: str, consumer: TrackingConsumer) -> None:
    run_consumer(bootstrap, [consumer], lambda: caught_up(bootstrap, consumer.name, consumer.topic))


def tracked(engine: Engine, name: str) -> int:
    with engine.connect() as connection:
        query = select(func.count()).where(consumer_tracking.c.consumer == name)
        return int(connection.scalar(query) or 0)


def test_copies_and_a_replay_from_offset_zero_change_the_projection_once(
    kafka_bootstrap: str, topic: str, engine: Engine
) -> None:
    events = chain([{"n": n} for n in range(1, 6)])
    publish(kafka_bootstrap, topic, [e.to_wire() for e in events])
    counted: list[int] = []

    def count(uow: UnitOfWork, envelope: EventEnvelope) -> None:
        counted.append(int(envelope.payload["n"]))

    name = f"{topic.split('.')[0]}.replay"
    consume(kafka_bootstrap, TrackingConsumer(name, topic, engine, count, registry=REGISTRY))
    publish(kafka_bootstrap, topic, [e.to_wire() for e in events])  # the relay's copies
    consume(kafka_bootstrap, TrackingConsumer(name, topic, engine, count, registry=REGISTRY))
    admin = KafkaAdminClient(bootstrap_servers=kafka_bootstrap)
    try:  # rewind the whole group to the beginning, as a careless projection rebuild would
        rewind = {TopicPartition(topic, p): OffsetSpec.EARLIEST for p in range(3)}
        errors = admin.reset_group_offsets(name, rewind)
        assert {r["error"].__name__ for r in errors.values()} == {"NoError"}, errors
        assert {r["offset"] for r in errors.values()} == {0}
    finally:
        admin.close()
    consume(kafka_bootstrap, TrackingConsumer(name, topic, engine, count, registry=REGISTRY))

    assert len(read_topic(kafka_bootstrap, topic)) == 10
    assert counted == [1, 2, 3, 4, 5]
    assert tracked(engine, name) == 5


def test_poison_is_dead_lettered_with_its_reason_and_later_messages_still_apply(
    kafka_bootstrap: str, topic: str, engine: Engine
) -> None:
    garbage = b"\x00\x01 definitely not an event"
    invalid, valid = chain([{"n": "one"}, {"n": 2}])
    publish(kafka_bootstrap, topic, [garbage, invalid.to_wire(), valid.to_wire()])
    counted: list[int] = []

    def count(uow: UnitOfWork, envelope: EventEnvelope) -> None:
        counted.append(int(envelope.payload["n"]))

    name = f"{topic.split('.')[0]}.poison"
    consume(kafka_bootstrap, TrackingConsumer(name, topic, engine, count, registry=REGISTRY))

    dead = read_topic(kafka_bootstrap, f"{topic}.dlq")
    source = {r.value: r for r in read_topic(kafka_bootstrap, topic)}
    assert [r.value for r in dead] == [garbage, invalid.to_wire()]
    for record, reason in zip(dead, ["undecodable", "schema_invalid"], strict=True):
        headers = {k: v.decode() for k, v in record.headers}
        original = source[record.value]
        assert headers["dlq.reason"] == reason
        assert headers["dlq.topic"] == topic
        assert (headers["dlq.partition"], headers["dlq.offset"]) == (
            str(original.partition),
            str(original.offset),
        )
        assert headers["dlq.consumer"] == name
        assert record.key == b"08950"
    assert counted == [2]
    assert tracked(engine, name) == 3  # nothing skipped silently: each message has its row


def test_a_handler_failure_is_retried_in_order_without_a_second_effect(
    kafka_bootstrap: str, topic: str, engine: Engine
) -> None:
    events = chain([{"n": n} for n in range(1, 5)])
    publish(kafka_bootstrap, topic, [e.to_wire() for e in events])
    counted: list[int] = []
    failures = {"left": 3}

    def flaky(uow: UnitOfWork, envelope: EventEnvelope) -> None:
        if envelope.payload["n"] == 2 and failures["left"]:
            failures["left"] -= 1
            raise OperationalError("UPDATE …", {}, ConnectionError("database went away"))
        counted.append(int(envelope.payload["n"]))

    name = f"{topic.split('.')[0]}.flaky"
    consumer = TrackingConsumer(
        name, topic, engine, flaky, registry=REGISTRY, backoff=Backoff(initial=0.05, maximum=0.2)
    )
    consume(kafka_bootstrap, consumer)

    assert failures["left"] == 0
    assert counted == [1, 2, 3, 4]  # 3 waited for 2; nothing doubled
    assert tracked(engine, name) == 4
