"""The one place where the service is wired: settings in, ready-to-use parts out.

Building does not connect to anything (engines and producers connect on first use), so
`create_app` and the relay can be constructed in tests, in a Helm Job or under uvicorn alike.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy import Engine

from smartcommune.kit.auth import TokenVerifier
from smartcommune.kit.relay import OutboxRelay, Publisher, make_producer
from smartcommune.kit.store import EventStore, make_engine
from smartcommune.kit.telemetry import Telemetry, instrument_engine, setup_telemetry
from smartcommune.kit.units import UnitDirectory

from .adapters.migrations import migrate
from .adapters.unit_of_work import SqlDossierUnitOfWork
from .application.messagebus import MessageBus
from .application.ports import Dependencies
from .domain.events import registry
from .settings import Settings

SERVICE = "dossiers"


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
        uow=lambda: SqlDossierUnitOfWork(engine, store, telemetry.metrics),
        units=units,
        pause_clock_during_supplement=settings.pause_clock_during_supplement,
        clock=clock,
        import_chunk_size=settings.import_chunk_size,
    )
    verifier = TokenVerifier(settings.issuer, settings.audience, settings.jwks_url)
    return Service(settings, engine, store, units, MessageBus(deps), verifier, telemetry)


def run_migrations(settings: Settings) -> None:
    """The kit's event-store tables, then the service's read model."""
    migrate(settings.database_url)


def build_relay(
    settings: Settings, telemetry: Telemetry, producer: Publisher | None = None
) -> tuple[OutboxRelay, Engine, Publisher]:
    """The outbox relay for `dossiers.events.v1`; the caller closes the producer and engine."""
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
