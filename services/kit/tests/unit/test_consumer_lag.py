"""The consumer-lag gauge, fed by tracking consumers: per message from the high watermark the
consumer already holds, periodically from the broker's end offsets (a fake consumer here)."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator, Mapping, Sequence
from collections.abc import Set as AbstractSet
from datetime import UTC, datetime
from typing import Any

import pytest
from aiokafka import TopicPartition
from faststream.kafka import KafkaBroker, TestKafkaBroker
from opentelemetry.sdk.metrics.export import InMemoryMetricReader
from sqlalchemy import Engine
from sqlalchemy.pool import StaticPool

from smartcommune.kit.consumer import Delivery, LagMonitor, LagReporter, Outcome, TrackingConsumer
from smartcommune.kit.consumer.testing import reported_lag
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
from smartcommune.kit.telemetry import PlatformMetrics, setup_telemetry

TOPIC = "toys.events.v1"
GROUP = "scoring.totals"


class Counted(EventPayload):
    event_type = "toy.counted"
    event_version = 1
    n: int


REGISTRY = PayloadRegistry("toys")
REGISTRY.register(Counted)


def wire(n: int) -> bytes:
    draft = REGISTRY.draft(
        Counted(n=n),
        stream_id=f"counter-{n}",
        commune_code="08950",
        unit_path="VN-26/cao-phong",
        occurred_at=datetime(2026, 3, 1, tzinfo=UTC),
        actor=Actor.for_service("toys"),
    )
    at = draft.occurred_at
    return seal(draft, service="toys", stream_version=1, recorded_at=at, after=GENESIS).to_wire()


def delivery(offset: int, partition: int = 0, n: int = 1) -> Delivery:
    return Delivery(TOPIC, partition, offset, b"08950", wire(n), ())


class Gauge:
    """The lag gauge as an exporter would see it, for one group and topic."""

    def __init__(self) -> None:
        self.reader = InMemoryMetricReader()
        self.metrics: PlatformMetrics = setup_telemetry(
            "scoring", metric_reader=self.reader, set_global=False
        ).metrics

    def read(self, group: str = GROUP) -> dict[int, int]:
        return reported_lag(self.reader, group, TOPIC)


class FakeConsumer:
    """What `LagReporter.refresh` reads of aiokafka's consumer."""

    def __init__(self, ends: dict[int, int], positions: dict[int, int] | None = None) -> None:
        self.ends, self.positions = ends, positions or {}
        self.held = {TopicPartition(TOPIC, p) for p in ends} | {TopicPartition("other.v1", 0)}
        self.end_requests = 0

    def assignment(self) -> AbstractSet[Any]:
        return self.held

    async def end_offsets(self, partitions: Sequence[Any]) -> Mapping[Any, int]:
        self.end_requests += 1
        assert all(tp.topic == TOPIC for tp in partitions)
        return {tp: self.ends[tp.partition] for tp in partitions}

    async def position(self, partition: Any) -> int:
        return self.positions.get(partition.partition, 0)


@pytest.fixture
def engine() -> Iterator[Engine]:
    engine = make_engine(
        "sqlite://", poolclass=StaticPool, connect_args={"check_same_thread": False}
    )
    metadata.create_all(engine)
    yield engine
    engine.dispose()


class Acks:
    async def ack(self) -> None:
        pass

    async def nack(self) -> None:
        pass


def test_after_each_message_the_lag_is_the_high_watermark_minus_the_next_offset(
    engine: Engine,
) -> None:
    gauge = Gauge()
    during: list[dict[int, int]] = []

    def handle(uow: UnitOfWork, envelope: EventEnvelope) -> None:
        during.append(gauge.read())

    consumer = TrackingConsumer(GROUP, TOPIC, engine, handle, metrics=gauge.metrics)
    acks = Acks()

    async def run() -> list[Outcome]:
        return [
            await consumer.deliver(delivery(3, n=1), acks.ack, acks.nack, high_watermark=10),
            await consumer.deliver(delivery(0, 1, n=2), acks.ack, acks.nack, high_watermark=1),
            await consumer.deliver(delivery(4, n=3), acks.ack, acks.nack),  # no watermark known
        ]

    assert asyncio.run(run()) == [Outcome.APPLIED] * 3
    assert during[0] == {0: 7}  # the message being applied still counts
    assert gauge.read() == {0: 5, 1: 0}  # 10 - (4 + 1): the last end offset seen is kept


def test_a_message_that_must_be_retried_keeps_counting(engine: Engine) -> None:
    gauge = Gauge()

    def broken(uow: UnitOfWork, envelope: EventEnvelope) -> None:
        raise ConnectionError("database went away")

    consumer = TrackingConsumer(
        GROUP, TOPIC, engine, broken, metrics=gauge.metrics, backoff=Backoff(0.0, 0.0)
    )
    acks = Acks()
    outcome = asyncio.run(consumer.deliver(delivery(3), acks.ack, acks.nack, high_watermark=10))

    assert outcome is Outcome.RETRY
    assert gauge.read() == {0: 7}


def test_a_consumer_without_metrics_reports_nothing_and_still_works(engine: Engine) -> None:
    consumer = TrackingConsumer(GROUP, TOPIC, engine, lambda uow, envelope: None)
    acks = Acks()
    outcome = asyncio.run(consumer.deliver(delivery(0), acks.ack, acks.nack, high_watermark=5))

    assert outcome is Outcome.APPLIED
    assert consumer.lag_monitor is None


def test_a_refresh_asks_the_end_offsets_once_and_measures_unseen_partitions_from_position() -> None:
    gauge = Gauge()
    reporter = LagReporter(GROUP, TOPIC, gauge.metrics)
    fake = FakeConsumer(ends={0: 12, 1: 5, 2: 0}, positions={1: 2})
    reporter.finished(0, 3, high_watermark=None)  # processed up to offset 3 on partition 0

    asyncio.run(reporter.refresh(fake))

    assert fake.end_requests == 1
    assert gauge.read() == {0: 8, 1: 3, 2: 0}  # 12 - 4, 5 - 2, empty partition


def test_partitions_this_member_no_longer_holds_are_withdrawn() -> None:
    gauge = Gauge()
    reporter = LagReporter(GROUP, TOPIC, gauge.metrics)
    fake = FakeConsumer(ends={0: 12, 1: 5})
    asyncio.run(reporter.refresh(fake))
    assert gauge.read() == {0: 12, 1: 5}

    fake.held = {TopicPartition(TOPIC, 0)}  # partition 1 went to another member
    asyncio.run(reporter.refresh(fake))
    assert gauge.read() == {0: 12}

    reporter.revoked([0])  # what the rebalance listener does
    assert gauge.read() == {}


def test_the_monitor_refreshes_on_assignment_and_periodically_until_its_consumer_stops() -> None:
    gauge = Gauge()
    reporter = LagReporter(GROUP, TOPIC, gauge.metrics)
    fake = FakeConsumer(ends={0: 4})
    current: list[FakeConsumer | None] = [fake]
    monitor = LagMonitor(reporter, lambda: current[0], interval=0.05)

    async def run() -> list[dict[int, int]]:
        await monitor.on_partitions_assigned(fake.held)
        assert monitor.running
        await asyncio.sleep(0.02)
        seen = [gauge.read()]  # the backlog, before any message was delivered
        fake.ends[0] = 9  # more events arrive; the consumer is idle or stuck
        await asyncio.sleep(0.15)
        seen.append(gauge.read())
        await monitor.on_partitions_revoked(fake.held)
        seen.append(gauge.read())
        current[0] = None  # the subscriber stopped
        await asyncio.sleep(0.15)
        assert not monitor.running
        return seen

    assert asyncio.run(run()) == [{0: 4}, {0: 9}, {}]
    assert fake.end_requests >= 2  # on assignment, then periodically


def test_the_monitor_follows_a_subscriber_restarted_with_a_new_consumer() -> None:
    gauge = Gauge()
    reporter = LagReporter(GROUP, TOPIC, gauge.metrics)
    first, second = FakeConsumer(ends={0: 4}), FakeConsumer(ends={0: 6}, positions={0: 6})
    current: list[FakeConsumer | None] = [first]
    monitor = LagMonitor(reporter, lambda: current[0], interval=0.05)

    async def run() -> dict[int, int]:
        await monitor.on_partitions_assigned(first.held)
        await asyncio.sleep(0.02)
        current[0] = second  # stopped and started again within one interval
        await monitor.on_partitions_assigned(second.held)  # wakes the loop still running
        await asyncio.sleep(0.1)
        lag = gauge.read()
        await monitor.stop()
        return lag

    assert asyncio.run(run()) == {0: 0}
    assert second.end_requests >= 1
    assert not monitor.running


def test_subscribing_registers_the_monitor_and_test_broker_deliveries_still_apply(
    engine: Engine,
) -> None:
    gauge = Gauge()
    applied: list[int] = []

    def handle(uow: UnitOfWork, envelope: EventEnvelope) -> None:
        applied.append(int(envelope.payload["n"]))

    consumer = TrackingConsumer(GROUP, TOPIC, engine, handle, metrics=gauge.metrics)
    broker = KafkaBroker()
    consumer.subscribe(broker)
    assert consumer.lag_monitor is not None

    async def run() -> None:
        async with TestKafkaBroker(broker) as test_broker:
            await test_broker.publish(wire(4), TOPIC, partition=0)

    asyncio.run(run())
    assert applied == [4]
    # The test broker's fake consumer knows no high watermark: nothing is guessed.
    assert gauge.read() == {}


def test_the_lag_interval_must_be_positive(engine: Engine) -> None:
    with pytest.raises(ValueError, match="lag_interval"):
        TrackingConsumer(GROUP, TOPIC, engine, lambda uow, envelope: None, lag_interval=0)
