"""Writing a synthetic province through the kit: `EventStore.append`, then `OutboxRelay`.

Each service gets its own store (SQLite by default, any SQLAlchemy URL works) because each
service owns its chains; appends are committed in batches so writing a province does not pay one
fsync per event. The store's clock is the fact's own time plus a few seconds, so `recorded_at`
reads like a history recorded as it happened (and never goes backwards along a chain, since
facts are appended in time order). The relay then publishes each store's outbox onto
`<prefix><service>.events.v1` with the kit's idempotent producer — the same path as production.
"""

from __future__ import annotations

import functools
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path

from kafka.admin import KafkaAdminClient
from sqlalchemy import Engine

from smartcommune.dossiers.domain.events import registry as dossiers_registry
from smartcommune.identity.registry import registry as identity_registry
from smartcommune.kit.events import PayloadRegistry
from smartcommune.kit.migrations import upgrade_to_head
from smartcommune.kit.relay import OutboxRelay, make_producer
from smartcommune.kit.store import EventStore, UnitOfWork, make_engine
from smartcommune.kit.topics import DEFAULT_PARTITIONS, TopicSpec, ensure_topics
from smartcommune.payments.domain.events import registry as payments_registry
from smartcommune.techteams.domain.events import registry as techteams_registry

from .history import Fact

#: Each service's own registry: the store refuses a payload its service could not have written.
REGISTRIES: dict[str, PayloadRegistry] = {
    "identity": identity_registry,
    "dossiers": dossiers_registry,
    "payments": payments_registry,
    "techteams": techteams_registry,
}
COMMIT_EVERY = 500
RECORDING_DELAY = timedelta(seconds=3)


def topic_name(service: str, prefix: str = "") -> str:
    return f"{prefix}{service}.events.v1"


@dataclass
class _Clock:
    now: datetime | None = None

    def __call__(self) -> datetime:
        assert self.now is not None
        return self.now


@dataclass
class ServiceStore:
    service: str
    engine: Engine
    store: EventStore
    clock: _Clock
    versions: dict[str, int] = field(default_factory=dict)


def open_store(service: str, url: str, registry: PayloadRegistry | None = None) -> ServiceStore:
    upgrade_to_head(url)
    clock = _Clock()
    store = EventStore(registry or REGISTRIES[service], clock=clock)
    return ServiceStore(service, make_engine(url), store, clock)


def append_facts(target: ServiceStore, facts: Iterable[Fact]) -> int:
    """Append facts (all of `target`'s service) in order, committing every COMMIT_EVERY."""
    registry, written = target.store.registry, 0
    uow = UnitOfWork(target.engine).__enter__()
    try:
        for fact in facts:
            draft = registry.draft(
                fact.payload,
                stream_id=fact.stream_id,
                commune_code=fact.commune_code,
                unit_path=fact.unit_path,
                occurred_at=fact.occurred_at,
                actor=fact.actor,
            )
            version = target.versions.get(fact.stream_id, 0)
            target.clock.now = fact.occurred_at + RECORDING_DELAY
            target.store.append(uow, [draft], expected_version=version)
            target.versions[fact.stream_id] = version + 1
            written += 1
            if written % COMMIT_EVERY == 0:
                uow.commit()
                uow.__exit__(None, None, None)
                uow = UnitOfWork(target.engine).__enter__()
        uow.commit()
    finally:
        uow.__exit__(None, None, None)
    return written


def ensure_event_topics(
    bootstrap: str, services: Iterable[str], prefix: str = "", partitions: int = DEFAULT_PARTITIONS
) -> None:
    admin = KafkaAdminClient(bootstrap_servers=bootstrap, client_id="smartcommune-audit-synth")
    try:
        specs = [TopicSpec(topic_name(s, prefix), partitions) for s in services]
        report = ensure_topics(admin, specs)
        if not report.ok:
            raise RuntimeError("; ".join(report.problems))
    finally:
        admin.close()


def relay(target: ServiceStore, bootstrap: str, prefix: str = "") -> int:
    """Publish everything in the store's outbox with the kit's relay; returns how many."""
    producer = make_producer(bootstrap, client_id=f"synthetic.{target.service}")
    try:
        factory = functools.partial(UnitOfWork, target.engine)
        return OutboxRelay(
            factory, target.store, topic_name(target.service, prefix), producer, batch_size=1000
        ).drain(timeout=600)
    finally:
        producer.close(timeout=10)


class ProvinceWriter:
    """One store per service under `folder` (or the given URLs), relayed to one broker."""

    def __init__(
        self,
        bootstrap: str,
        folder: Path,
        *,
        prefix: str = "",
        partitions: int = DEFAULT_PARTITIONS,
        urls: dict[str, str] | None = None,
    ) -> None:
        self.bootstrap, self.prefix, self.partitions = bootstrap, prefix, partitions
        folder.mkdir(parents=True, exist_ok=True)
        urls = urls or {}
        self.stores = {
            service: open_store(service, urls.get(service, f"sqlite:///{folder / service}.db"))
            for service in REGISTRIES
        }

    def append(self, facts: Iterable[Fact]) -> dict[str, int]:
        by_service: dict[str, list[Fact]] = {}
        for fact in facts:
            by_service.setdefault(fact.service, []).append(fact)
        return {s: append_facts(self.stores[s], items) for s, items in by_service.items()}

    def publish(self) -> dict[str, int]:
        ensure_event_topics(self.bootstrap, self.stores, self.prefix, self.partitions)
        return {s: relay(store, self.bootstrap, self.prefix) for s, store in self.stores.items()}

    def close(self) -> None:
        for store in self.stores.values():
            store.engine.dispose()


@contextmanager
def province_writer(
    bootstrap: str, folder: Path, *, prefix: str = "", partitions: int = DEFAULT_PARTITIONS
) -> Iterator[ProvinceWriter]:
    writer = ProvinceWriter(bootstrap, folder, prefix=prefix, partitions=partitions)
    try:
        yield writer
    finally:
        writer.close()
