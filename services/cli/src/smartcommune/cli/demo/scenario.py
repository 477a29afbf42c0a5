"""The demo scenario, independent of where its servers come from.

Today it is the smallest honest end-to-end run of the platform's foundation: officials sign in
through the real Keycloak and their tokens are verified the way every service verifies them;
facts recorded in a commune's name are appended to a hash-chained event store (SQLite, the
embedded default), relayed to the real Kafka by the outbox relay, and read back from the topic
by an auditor who verifies the chain. Every figure printed is computed in this run. The domain
services (dossiers, identity, payments, tech teams, scoring) join the scenario as they are built.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from kafka import KafkaConsumer, TopicPartition
from kafka.admin import KafkaAdminClient

from smartcommune.kit.auth import Principal, TokenVerifier
from smartcommune.kit.events import Actor, EventEnvelope, EventPayload, PayloadRegistry
from smartcommune.kit.events.chain import ChainReport, verify_chain
from smartcommune.kit.migrations import upgrade_to_head
from smartcommune.kit.relay import OutboxRelay, make_producer
from smartcommune.kit.store import EventStore, UnitOfWork, make_engine
from smartcommune.kit.topics import TopicSpec, ensure_topics

from ..testing.endpoints import KeycloakEndpoint

COMMUNE_CODE = "08920"  # demo data: a commune of the former Sông Lô district
COMMUNE_PATH = "VN-26/song-lo/cao-phong"
DEMO_TOPIC = "demo.events.v1"

OFFICIALS = (
    ("commune.officer", "demo-commune-officer"),
    ("district.officer", "demo-district-officer"),
    ("auditor", "demo-auditor"),
)

registry = PayloadRegistry("demo")


@registry.register
class FactRecorded(EventPayload):
    """A free-text fact about a village, standing in for the domain events still to come."""

    event_type = "demo.fact_recorded"
    event_version = 1
    village: str
    fact: str


FACTS = (
    ("thon-1", "Nhà văn hoá thôn có wifi miễn phí"),
    ("thon-2", "Tổ công nghệ số cộng đồng được thành lập"),
    ("thon-3", "100% hộ gia đình có kết nối cáp quang hoặc 4G"),
)


@dataclass(frozen=True)
class Servers:
    kafka_bootstrap: str
    keycloak: KeycloakEndpoint


@dataclass
class Outcome:
    officials: list[Principal] = field(default_factory=list)
    appended: list[EventEnvelope] = field(default_factory=list)
    relayed: int = 0
    replayed: int = 0
    chain: ChainReport | None = None
    database: Path | None = None

    @property
    def verified(self) -> bool:
        return self.chain is not None and self.chain.ok and self.replayed == len(self.appended)


def sign_in(servers: Servers) -> list[Principal]:
    """Each demo official logs in; the token is verified as a service verifies it."""
    verifier = TokenVerifier(issuer=servers.keycloak.issuer, audience="dossiers")
    return [
        verifier.verify(servers.keycloak.password_token(username, password))
        for username, password in OFFICIALS
    ]


def record_facts(workdir: Path, officer: Principal) -> tuple[Path, list[EventEnvelope]]:
    """Append the facts to a fresh chained SQLite store in the officer's name."""
    database = workdir / f"demo-{uuid.uuid4().hex[:8]}.db"
    url = f"sqlite:///{database}"
    upgrade_to_head(url)
    store = EventStore(registry)
    engine = make_engine(url)
    appended: list[EventEnvelope] = []
    actor = Actor(subject=officer.subject, role="commune-officer")
    try:
        for village, fact in FACTS:
            draft = registry.draft(
                FactRecorded(village=village, fact=fact),
                stream_id=f"village-{COMMUNE_CODE}-{village}",
                commune_code=COMMUNE_CODE,
                unit_path=f"{COMMUNE_PATH}/{village}",
                occurred_at=datetime.now(UTC),
                actor=actor,
            )
            with UnitOfWork(engine) as uow:
                appended += store.append(uow, [draft], expected_version=0)
                uow.commit()
    finally:
        engine.dispose()
    return database, appended


def relay(database: Path, bootstrap: str) -> int:
    engine = make_engine(f"sqlite:///{database}")
    producer = make_producer(bootstrap, client_id="demo.relay")
    try:
        return OutboxRelay(engine, EventStore(registry), DEMO_TOPIC, producer).drain()
    finally:
        producer.close()
        engine.dispose()


def replay(bootstrap: str, event_ids: set[str]) -> tuple[int, ChainReport]:
    """Read the topic from the start and verify the commune's chain, as an auditor would."""
    consumer = KafkaConsumer(bootstrap_servers=bootstrap, enable_auto_commit=False)
    try:
        partitions = [
            TopicPartition(DEMO_TOPIC, p) for p in consumer.partitions_for_topic(DEMO_TOPIC)
        ]
        consumer.assign(partitions)
        consumer.seek_to_beginning()
        end = consumer.end_offsets(partitions)
        chain: list[EventEnvelope] = []
        while any(consumer.position(tp) < end[tp] for tp in partitions):
            for records in consumer.poll(timeout_ms=1000).values():
                for record in records:
                    envelope = EventEnvelope.from_wire(record.value)
                    if envelope.event_id in event_ids:
                        chain.append(envelope)
    finally:
        consumer.close()
    return len(chain), verify_chain(chain, "demo", COMMUNE_CODE)


def run(servers: Servers, workdir: Path) -> Outcome:
    outcome = Outcome()
    admin = KafkaAdminClient(bootstrap_servers=servers.kafka_bootstrap)
    try:
        ensure_topics(admin, [TopicSpec(DEMO_TOPIC, partitions=3)])
    finally:
        admin.close()
    outcome.officials = sign_in(servers)
    officer = outcome.officials[0]
    outcome.database, outcome.appended = record_facts(workdir, officer)
    outcome.relayed = relay(outcome.database, servers.kafka_bootstrap)
    outcome.replayed, outcome.chain = replay(
        servers.kafka_bootstrap, {e.event_id for e in outcome.appended}
    )
    return outcome
