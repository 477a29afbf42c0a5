"""A relay process killed at random moments loses nothing, keeps each commune's order, and the
copies it re-publishes take effect once — on SQLite (a WAL file) and on PostgreSQL.

The test process keeps appending events (several communes, several streams each) while relay
processes are started and SIGKILLed over and over; a last relay drains and is stopped with
SIGTERM. Then the whole topic is read back and a tracking consumer counts the events.
"""

from __future__ import annotations

import random
import signal
import subprocess
import sys
import threading
import time
import uuid
from collections import defaultdict
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import Column, Engine, Integer, MetaData, String, Table, func, select, update

from smartcommune.kit.consumer import TrackingConsumer, consumer_tracking
from smartcommune.kit.consumer.testing import caught_up, create_topics, read_topic, run_consumer
from smartcommune.kit.events import (
    Actor,
    EventDraft,
    EventEnvelope,
    EventPayload,
    PayloadRegistry,
    verify_chain,
)
from smartcommune.kit.migrations import upgrade_to_head
from smartcommune.kit.store import EventStore, UnitOfWork, make_engine

pytestmark = pytest.mark.integration

SERVICE = "crashtest"
COMMUNES = ["08950", "08951", "08952", "08953", "08954"]
KILLS = 18
#: A relay process needs ~1.5 s to import and connect: most kills land while it publishes.
LIFETIME_S = (1.0, 3.0)


class Counted(EventPayload):
    event_type = "crashtest.counted"
    event_version = 1
    n: int


REGISTRY = PayloadRegistry(SERVICE)
REGISTRY.register(Counted)

projection = MetaData()
counts = Table(
    "crash_counts",
    projection,
    Column("commune_code", String(5), primary_key=True),
    Column("n", Integer, nullable=False),
)


def count(uow: UnitOfWork, envelope: EventEnvelope) -> None:
    uow.session.execute(
        update(counts)
        .where(counts.c.commune_code == envelope.commune_code)
        .values(n=counts.c.n + 1)
    )


class Appender(threading.Thread):
    """Appends 1–3 events at a time to random streams until stopped; remembers what committed."""

    def __init__(self, engine: Engine) -> None:
        super().__init__(daemon=True)
        self.engine, self.store = engine, EventStore(REGISTRY)
        self.stop = threading.Event()
        self.error: BaseException | None = None
        self.appended: list[EventEnvelope] = []
        self.versions: dict[str, int] = defaultdict(int)

    def run(self) -> None:
        try:
            while not self.stop.is_set():
                commune = random.choice(COMMUNES)
                stream = f"counter-{commune}-{random.randrange(4)}"
                drafts = [self.draft(stream, commune, n) for n in range(random.randint(1, 3))]
                with UnitOfWork(self.engine) as uow:
                    sealed = self.store.append(uow, drafts, self.versions[stream])
                    uow.commit()
                self.versions[stream] += len(sealed)
                self.appended.extend(sealed)
                time.sleep(0.02)
        except BaseException as exc:  # surfaced by the test
            self.error = exc

    @staticmethod
    def draft(stream: str, commune: str, n: int) -> EventDraft:
        return REGISTRY.draft(
            Counted(n=n),
            stream_id=stream,
            commune_code=commune,
            unit_path="VN-26/cao-phong",
            occurred_at=datetime.now(UTC),
            actor=Actor.for_service(SERVICE),
        )


@pytest.fixture(params=["sqlite", "postgresql"])
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'crashtest.db'}"
    return str(request.getfixturevalue("fresh_postgres_url"))


@pytest.fixture
def engine(database_url: str) -> Iterator[Engine]:
    upgrade_to_head(database_url)
    engine = make_engine(database_url)
    projection.create_all(engine)
    with engine.begin() as connection:
        connection.execute(counts.insert(), [{"commune_code": c, "n": 0} for c in COMMUNES])
    yield engine
    engine.dispose()


def start_relay(url: str, topic: str, bootstrap: str, log: Path) -> subprocess.Popen[bytes]:
    command = [sys.executable, "-m", "smartcommune.kit.relay", "--database-url", url]
    command += ["--service", SERVICE, "--topic", topic, "--bootstrap", bootstrap]
    command += ["--poll-interval", "0.05", "--batch-size", "50"]
    with log.open("ab") as output:
        return subprocess.Popen(command, stdout=output, stderr=subprocess.STDOUT)


def unpublished(engine: Engine) -> int:
    with UnitOfWork(engine, read_only=True) as uow:
        return len(EventStore(REGISTRY).unpublished(uow, 10_000))


def test_a_relay_killed_at_random_loses_nothing_and_its_copies_count_once(
    database_url: str, engine: Engine, kafka_bootstrap: str, tmp_path: Path
) -> None:
    topic = f"crash{uuid.uuid4().hex[:8]}.events.v1"
    create_topics(kafka_bootstrap, [topic, f"{topic}.dlq"])
    log = tmp_path / "relay.log"
    appender, started = Appender(engine), time.monotonic()
    appender.start()
    for _ in range(KILLS):
        relay = start_relay(database_url, topic, kafka_bootstrap, log)
        time.sleep(random.uniform(*LIFETIME_S))
        relay.kill()
        relay.wait()
    appender.stop.set()
    appender.join()
    assert appender.error is None, appender.error
    killing = time.monotonic() - started

    relay = start_relay(database_url, topic, kafka_bootstrap, log)
    deadline = time.monotonic() + 60
    while unpublished(engine) and time.monotonic() < deadline:
        time.sleep(0.2)
    relay.send_signal(signal.SIGTERM)
    assert relay.wait(timeout=30) == 0, log.read_text()[-3000:]
    assert unpublished(engine) == 0

    records = read_topic(kafka_bootstrap, topic)
    on_topic = [(r.key.decode(), EventEnvelope.from_wire(r.value)) for r in records]
    appended_ids = {e.event_id for e in appender.appended}
    assert {e.event_id for _, e in on_topic} == appended_ids  # none lost, none foreign
    for commune in COMMUNES:
        in_topic_order = [e for key, e in on_topic if key == commune]
        report = verify_chain(in_topic_order, SERVICE, commune)
        assert report.ok, report.problem  # chain order, copies recognised as redeliveries
        assert report.verified == sum(e.commune_code == commune for e in appender.appended)
    # Copies happen when a kill lands between the broker's ack and the mark: usually some, but
    # it is chance, so the count is reported rather than asserted.
    duplicates = len(on_topic) - len(appended_ids)

    group = f"crash{topic[5:13]}.counter"
    consumer = TrackingConsumer(group, topic, engine, count, registry=REGISTRY)
    consuming = time.monotonic()
    run_consumer(kafka_bootstrap, [consumer], lambda: caught_up(kafka_bootstrap, group, topic), 120)
    with engine.connect() as connection:
        assert connection.scalar(select(func.sum(counts.c.n))) == len(appended_ids)
        tracked = select(func.count()).where(consumer_tracking.c.consumer == group)
        assert connection.scalar(tracked) == len(appended_ids)
    print(
        f"\n{database_url.split(':')[0]}: {len(appended_ids)} events appended during {KILLS} "
        f"kills ({killing:.0f}s), {duplicates} copies on the topic, all counted once "
        f"(consumer {time.monotonic() - consuming:.0f}s)"
    )
