"""The tracking consumer's decisions, on an in-memory database and FastStream's test broker."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from datetime import UTC, datetime

import pytest
from aiokafka import ConsumerRecord
from faststream.kafka import KafkaBroker, TestKafkaBroker
from faststream.kafka.annotations import KafkaMessage
from faststream.kafka.message import KafkaAckableMessage
from faststream.kafka.message import KafkaMessage as KafkaMessageClass
from faststream.kafka.parser import AioKafkaParser
from sqlalchemy import Column, Engine, Integer, MetaData, String, Table, select, update
from sqlalchemy.pool import StaticPool

from smartcommune.kit.consumer import (
    DeadLetter,
    Delivery,
    Outcome,
    TrackingConsumer,
    consumer_tracking,
)
from smartcommune.kit.consumer.subscription import delivery_of, tolerant_parser
from smartcommune.kit.events import (
    GENESIS,
    Actor,
    EventEnvelope,
    EventPayload,
    PayloadRegistry,
    seal,
)
from smartcommune.kit.relay import Backoff
from smartcommune.kit.store import UnitOfWork, make_engine, metadata

TOPIC = "toys.events.v1"


class Counted(EventPayload):
    event_type = "toy.counted"
    event_version = 1
    n: int


REGISTRY = PayloadRegistry("toys")
REGISTRY.register(Counted)

projection = MetaData()
totals = Table(
    "totals", projection, Column("name", String(20), primary_key=True), Column("n", Integer)
)


def add(uow: UnitOfWork, envelope: EventEnvelope) -> None:
    uow.session.execute(update(totals).values(n=totals.c.n + envelope.payload["n"]))


def event(n: int, payload: dict[str, object] | None = None) -> EventEnvelope:
    draft = REGISTRY.draft(
        Counted(n=n),
        stream_id=f"counter-{n}",
        commune_code="08950",
        unit_path="VN-26/cao-phong",
        occurred_at=datetime(2026, 3, 1, tzinfo=UTC),
        actor=Actor.for_service("toys"),
    )
    if payload is not None:  # bypasses the registry: how a faulty producer would write it
        draft = draft.model_copy(update={"payload": payload})
    at = draft.occurred_at
    return seal(draft, service="toys", stream_version=1, recorded_at=at, after=GENESIS)


def delivery(value: bytes | None, offset: int, partition: int = 0) -> Delivery:
    return Delivery(TOPIC, partition, offset, b"08950", value, ())


@pytest.fixture
def engine() -> Iterator[Engine]:
    engine = make_engine(
        "sqlite://", poolclass=StaticPool, connect_args={"check_same_thread": False}
    )
    metadata.create_all(engine)
    projection.create_all(engine)
    with engine.begin() as connection:
        connection.execute(totals.insert().values(name="all", n=0))
    yield engine
    engine.dispose()


def total(engine: Engine) -> int:
    with engine.connect() as connection:
        return int(connection.scalar(select(totals.c.n)) or 0)


def tracked(engine: Engine) -> list[tuple[int, str | None]]:
    with engine.connect() as connection:
        rows = connection.execute(
            select(consumer_tracking.c.offset, consumer_tracking.c.event_id).order_by("offset")
        )
        return [(row.offset, row.event_id) for row in rows]


class Acks:
    def __init__(self) -> None:
        self.log: list[str] = []

    async def ack(self) -> None:
        self.log.append("ack")

    async def nack(self) -> None:
        self.log.append("nack")


def deliver(consumer: TrackingConsumer, item: Delivery) -> tuple[Outcome, list[str]]:
    acks = Acks()
    outcome = asyncio.run(consumer.deliver(item, acks.ack, acks.nack))
    return outcome, acks.log


def test_consumer_names_follow_the_service_purpose_convention(engine: Engine) -> None:
    with pytest.raises(ValueError, match=r"<service>\.<purpose>"):
        TrackingConsumer("indicators", TOPIC, engine, add)


def test_an_event_applies_once_however_often_and_wherever_it_is_delivered(engine: Engine) -> None:
    consumer = TrackingConsumer("scoring.totals", TOPIC, engine, add, registry=REGISTRY)
    wire = event(5).to_wire()

    assert deliver(consumer, delivery(wire, 0)) == (Outcome.APPLIED, ["ack"])
    assert deliver(consumer, delivery(wire, 0)) == (Outcome.DUPLICATE, ["ack"])  # redelivery
    assert deliver(consumer, delivery(wire, 7)) == (Outcome.DUPLICATE, ["ack"])  # relay's copy

    assert total(engine) == 5
    assert tracked(engine) == [(0, event_id_of(wire))]


def event_id_of(wire: bytes) -> str:
    return EventEnvelope.from_wire(wire).event_id


def test_a_failing_handler_rolls_back_and_nacks_so_the_message_comes_again(engine: Engine) -> None:
    attempts: list[int] = []

    def flaky(uow: UnitOfWork, envelope: EventEnvelope) -> None:
        add(uow, envelope)
        attempts.append(1)
        if len(attempts) == 1:
            raise ConnectionError("database went away")

    consumer = TrackingConsumer(
        "scoring.totals", TOPIC, engine, flaky, backoff=Backoff(initial=0.0, maximum=0.0)
    )
    wire = event(5).to_wire()

    assert deliver(consumer, delivery(wire, 0)) == (Outcome.RETRY, ["nack"])
    assert (total(engine), tracked(engine)) == (0, [])
    assert deliver(consumer, delivery(wire, 0)) == (Outcome.APPLIED, ["ack"])
    assert total(engine) == 5


def test_garbage_a_schema_violation_and_a_handler_rejection_are_dead_lettered(
    engine: Engine,
) -> None:
    def refuse_big(uow: UnitOfWork, envelope: EventEnvelope) -> None:
        if envelope.payload["n"] > 100:
            raise DeadLetter("n is over the limit")
        add(uow, envelope)

    consumer = TrackingConsumer("scoring.totals", TOPIC, engine, refuse_big, registry=REGISTRY)
    broker = KafkaBroker()
    consumer.subscribe(broker)
    dead: list[tuple[bytes, dict[str, str]]] = []

    @broker.subscriber(f"{TOPIC}.dlq")
    async def collect(message: KafkaMessage) -> None:
        dead.append((message.body, dict(message.headers)))

    invalid = event(1, payload={"n": "one"})

    async def run() -> None:
        async with TestKafkaBroker(broker) as test_broker:
            # The test broker numbers every record offset 0: partitions keep them apart.
            await test_broker.publish(b"\x00not json", TOPIC, key=b"08950", partition=0)
            await test_broker.publish(invalid.to_wire(), TOPIC, partition=1)
            await test_broker.publish(event(500).to_wire(), TOPIC, partition=2)
            await test_broker.publish(event(2).to_wire(), TOPIC, partition=3)

    asyncio.run(run())

    assert [headers["dlq.reason"] for _, headers in dead] == [
        "undecodable",
        "schema_invalid",
        "rejected",
    ]
    assert dead[0][0] == b"\x00not json"
    assert dead[2][1]["dlq.detail"] == "n is over the limit"
    assert {k: dead[0][1][k] for k in ("dlq.topic", "dlq.consumer")} == {
        "dlq.topic": TOPIC,
        "dlq.consumer": "scoring.totals",
    }
    assert total(engine) == 2  # the valid one after them still counted


def test_headers_that_are_not_utf8_still_reach_judgement_and_are_kept_raw() -> None:
    record = ConsumerRecord(
        topic=TOPIC,
        partition=0,
        offset=3,
        timestamp=0,
        timestamp_type=0,
        key=b"08950",
        value=b"garbage",
        checksum=None,
        serialized_key_size=5,
        serialized_value_size=7,
        headers=[("x", b"\xff"), ("y", None)],
    )
    parser = AioKafkaParser(msg_class=KafkaAckableMessage, regex=None)

    message = asyncio.run(tolerant_parser(record, parser.parse_message))

    assert message.headers["x"] == "\ufffd"
    assert isinstance(message, KafkaMessageClass)
    assert delivery_of(message) == Delivery(
        TOPIC, 0, 3, b"08950", b"garbage", (("x", b"\xff"), ("y", b""))
    )
