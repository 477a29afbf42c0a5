"""Relay throughput to the real broker, against a bare idempotent kafka-python producer.

What the number answers: how fast the outbox relay empties a backlog — after an outage, or
when a service has just written a burst — and how much of the producer's raw speed its
guarantees cost. `OutboxRelay.drain()` reads 200 unpublished rows in a read-only transaction,
sends each stored body keyed by its commune with event-type/event-id/trace headers, waits until
the broker acknowledged the whole batch, then marks the rows published in a write transaction
(an fsync on SQLite) — batch after batch. The baseline sends the very same bodies with the
very same keys through `KafkaProducer(acks="all", enable_idempotence=True)` and flushes once:
the ceiling a relay written with this client could approach if it never had to wait or record
anything.

The events are appended to a SQLite file (untimed) by the real `EventStore`; both sides publish
to fresh topics of the same partition count on the local Kafka, in rounds that alternate which
side goes first, after an untimed warm-up that also fetches each producer's metadata. At the
end the topics' end offsets are checked against what was sent and the outbox must be empty.
"""

from __future__ import annotations

import time
import uuid
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from tempfile import TemporaryDirectory
from typing import Any

from kafka import KafkaConsumer, KafkaProducer, TopicPartition
from kafka.admin import KafkaAdminClient
from sqlalchemy import Engine

from smartcommune.kit.migrations import upgrade_to_head
from smartcommune.kit.relay import OutboxRelay, make_producer
from smartcommune.kit.store import EventStore, OutboxRecord, UnitOfWork, make_engine
from smartcommune.kit.topics import TopicSpec, ensure_topics

from ..stack import StackConfig, make_server
from .event_store import Workload, bench_registry, commit_appends
from .report import Report

EVENTS = 20_000
ROUNDS = 2
WARMUP_EVENTS = 200
PARTITIONS = 12
#: The relay's own default (and the `python -m smartcommune.kit.relay` default).
RELAY_BATCH = 200
#: Events per append when filling the outbox; the append path is not what is measured here.
APPEND_BATCH = 100


@dataclass(frozen=True)
class RelayResult:
    events: int
    relay_seconds: float
    bare_seconds: float
    relay_delivered: int
    bare_delivered: int
    left_unpublished: int

    @property
    def relay_rate(self) -> float:
        return self.events / self.relay_seconds

    @property
    def bare_rate(self) -> float:
        return self.events / self.bare_seconds


@dataclass
class _Outbox:
    engine: Engine
    store: EventStore
    workload: Workload

    def fill(self, count: int) -> list[OutboxRecord]:
        """Append `count` events and return them as the relay will see them (untimed)."""
        full, rest = divmod(count, APPEND_BATCH)
        appends = self.workload.plan(full, APPEND_BATCH) + self.workload.plan(int(rest > 0), rest)
        commit_appends(self.engine, self.store, appends)
        with UnitOfWork(self.engine, read_only=True) as uow:
            pending = self.store.unpublished(uow, limit=count + 1)
        assert len(pending) == count, f"expected {count} pending, found {len(pending)}"
        return pending

    def unpublished(self) -> int:
        with UnitOfWork(self.engine, read_only=True) as uow:
            return len(self.store.unpublished(uow, limit=1_000_000))


@contextmanager
def _sqlite_outbox(path: Path) -> Iterator[_Outbox]:
    url = f"sqlite:///{path}"
    upgrade_to_head(url)
    engine = make_engine(url)
    try:
        yield _Outbox(engine, EventStore(bench_registry()), Workload())
    finally:
        engine.dispose()


def time_relay(relay: OutboxRelay, expected: int) -> float:
    started = time.perf_counter()
    published = relay.drain(timeout=300)
    elapsed = time.perf_counter() - started
    assert published == expected, f"relay published {published}, expected {expected}"
    return elapsed


def time_bare(producer: Any, topic: str, records: Sequence[OutboxRecord]) -> float:
    """Send, flush, and confirm every acknowledgement — the least a publisher must do."""
    started = time.perf_counter()
    futures = [
        producer.send(topic, value=record.body, key=record.commune_code.encode())
        for record in records
    ]
    producer.flush(timeout=300)
    for future in futures:
        future.get(timeout=30)
    return time.perf_counter() - started


def _delivered(bootstrap: str, topic: str, partitions: int) -> int:
    consumer = KafkaConsumer(bootstrap_servers=bootstrap, client_id="bench.offsets")
    try:
        ends = consumer.end_offsets([TopicPartition(topic, p) for p in range(partitions)])
        return sum(int(offset) for offset in ends.values())
    finally:
        consumer.close()


def measure(
    bootstrap: str,
    database: Path,
    events_total: int,
    *,
    partitions: int = PARTITIONS,
    rounds: int = ROUNDS,
    warmup: int = WARMUP_EVENTS,
) -> RelayResult:
    """Relay `events_total` events and send them bare, in alternating rounds, to fresh topics."""
    tag = uuid.uuid4().hex[:10]
    relay_topic, bare_topic = f"bench-relay-{tag}", f"bench-bare-{tag}"
    admin = KafkaAdminClient(bootstrap_servers=bootstrap, client_id="bench.admin")
    try:
        created = ensure_topics(
            admin, [TopicSpec(relay_topic, partitions), TopicSpec(bare_topic, partitions)]
        )
        assert created.ok, created.problems
        producer = make_producer(bootstrap, client_id="bench.relay")
        bare = KafkaProducer(
            bootstrap_servers=bootstrap,
            client_id="bench.bare",
            acks="all",
            enable_idempotence=True,
        )
        try:
            with _sqlite_outbox(database) as outbox:
                relay = OutboxRelay(
                    outbox.engine, outbox.store, relay_topic, producer, batch_size=RELAY_BATCH
                )
                warm = outbox.fill(warmup)
                time_relay(relay, warmup)
                time_bare(bare, bare_topic, warm)
                relay_seconds = bare_seconds = 0.0
                timed = 0
                for number in range(rounds):
                    records = outbox.fill(events_total // rounds)
                    timed += len(records)
                    if number % 2 == 0:
                        relay_seconds += time_relay(relay, len(records))
                        bare_seconds += time_bare(bare, bare_topic, records)
                    else:
                        bare_seconds += time_bare(bare, bare_topic, records)
                        relay_seconds += time_relay(relay, len(records))
                left = outbox.unpublished()
        finally:
            producer.close(timeout=10)
            bare.close(timeout=10)
        result = RelayResult(
            events=timed,
            relay_seconds=relay_seconds,
            bare_seconds=bare_seconds,
            relay_delivered=_delivered(bootstrap, relay_topic, partitions) - warmup,
            bare_delivered=_delivered(bootstrap, bare_topic, partitions) - warmup,
            left_unpublished=left,
        )
        admin.delete_topics([relay_topic, bare_topic])
        return result
    finally:
        admin.close()


def run(events_total: int = EVENTS) -> Report:
    server = make_server("kafka", StackConfig.from_env())
    started = server.start(timeout=300)
    try:
        with TemporaryDirectory(prefix="sc-bench-") as tmp:
            result = measure(server.address, Path(tmp) / "outbox.db", events_total)
    finally:
        if started:
            server.stop()
    report = Report(
        "Relay throughput",
        [
            "events",
            "relay drain() (events/s)",
            "bare KafkaProducer (events/s)",
            "relay / baseline",
        ],
    )
    report.add(
        result.events, result.relay_rate, result.bare_rate, result.relay_rate / result.bare_rate
    )
    report.notes.extend(
        [
            f"Local Kafka at {server.address}, fresh topics of {PARTITIONS} partitions, "
            f"replication 1; {ROUNDS} rounds alternating which side goes first, after "
            f"{WARMUP_EVENTS} untimed events per side.",
            f"Delivered (topic end offsets minus warm-up): relay {result.relay_delivered:,}, "
            f"bare {result.bare_delivered:,}; outbox rows left unpublished: "
            f"{result.left_unpublished}.",
            f"Relay: batches of {RELAY_BATCH} read from a SQLite outbox (WAL, synchronous=FULL), "
            "headers event_type/event_id/traceparent (parses each body for its id), a producer "
            "span per record, waits for every ack of a batch before marking it published in a "
            "write transaction; producer acks=all, idempotent, linger_ms=5, 5 in flight.",
            "Bare: kafka-python defaults besides acks=all and idempotence (linger_ms=0), the "
            "same bodies and commune keys, no headers, everything queued then one flush; each "
            "future's acknowledgement is checked after the flush. Bodies are read from the "
            "outbox before the clock starts.",
        ]
    )
    return report
