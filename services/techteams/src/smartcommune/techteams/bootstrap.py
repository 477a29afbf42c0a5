"""The one place where the service is wired: settings in, ready-to-use parts out.

Building does not connect to anything (engines and producers connect on first use), so
`create_app`, the relay and the identity consumer can be built in tests, in a Helm Job or under
uvicorn alike.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy import Engine

from smartcommune.kit.auth import TokenVerifier
from smartcommune.kit.consumer import TrackingConsumer
from smartcommune.kit.relay import OutboxRelay, Publisher, make_producer
from smartcommune.kit.store import EventStore, make_engine
from smartcommune.kit.telemetry import Telemetry, instrument_engine, setup_telemetry
from smartcommune.kit.units import UnitDirectory

from .adapters.identity_events import identity_consumer
from .adapters.migrations import migrate
from .adapters.unit_of_work import SqlTechteamsUnitOfWork
from .application.messagebus import MessageBus
from .application.ports import Dependencies
from .domain.events import registry
from .settings import Settings

SERVICE = "techteams"


def _now() -> datetime:
    return datetime.now(UTC)


@dataclass(frozen=True)
class Service:
    settings: Settings
    engine: Engine
    store: EventStore
    units: UnitDirectory
    bus: MessageBus
    verifier: TokenVerifier
    telemetry: Telemetry
    clock: Callable[[], datetime]


def bootstrap(
    settings: Settings,
    *,
    telemetry: Telemetry | None = None,
    clock: Callable[[], datetime] = _now,
) -> Service:
    telemetry = telemetry or setup_telemetry(SERVICE)
    engine = make_engine(settings.database_url)
    instrument_engine(engine, telemetry.tracer)
    store = EventStore(registry)
    units = UnitDirectory.load(settings.units_file)
    deps = Dependencies(
        uow=lambda: SqlTechteamsUnitOfWork(engine, store, telemetry.metrics),
        units=units,
        clock=clock,
    )
    verifier = TokenVerifier(settings.issuer, settings.audience, settings.jwks_url)
    bus = MessageBus(deps)
    return Service(settings, engine, store, units, bus, verifier, telemetry, clock)


def run_migrations(settings: Settings) -> None:
    """The kit's event-store and tracking tables, then the service's read model."""
    migrate(settings.database_url)


def build_relay(
    settings: Settings, telemetry: Telemetry, producer: Publisher | None = None
) -> tuple[OutboxRelay, Engine, Publisher]:
    """The outbox relay for `techteams.events.v1`; the caller closes the producer and engine."""
    engine = make_engine(settings.database_url)
    producer = producer or make_producer(settings.kafka_bootstrap, client_id=f"{SERVICE}.relay")
    relay = OutboxRelay(
        engine,
        EventStore(registry),
        settings.topic,
        producer,
        batch_size=settings.relay_batch_size,
        tracer=telemetry.tracer,
        metrics=telemetry.metrics,
    )
    return relay, engine, producer


def build_identity_consumer(
    settings: Settings, telemetry: Telemetry, engine: Engine | None = None
) -> tuple[TrackingConsumer, Engine]:
    """The tracking consumer of `identity.events.v1` that keeps the households per village."""
    engine = engine or make_engine(settings.database_url)
    consumer = identity_consumer(
        settings.identity_consumer, settings.identity_topic, engine, telemetry
    )
    return consumer, engine
