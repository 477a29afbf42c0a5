"""The one place where the service is wired: settings in, ready-to-use parts out.

Building connects to nothing (engines, the signing channel and producers connect on first use),
so the app, the consumer, the gRPC server and the relay can be built in tests and Jobs alike.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy import Engine

from smartcommune.kit.auth import TokenVerifier
from smartcommune.kit.consumer import Handler, TrackingConsumer
from smartcommune.kit.events import EventEnvelope
from smartcommune.kit.relay import OutboxRelay, Publisher, make_producer
from smartcommune.kit.store import EventStore, UnitOfWork, make_engine
from smartcommune.kit.telemetry import Telemetry, instrument_engine, setup_telemetry

from .adapters.factbooks import FactBooks
from .adapters.migrations import migrate
from .adapters.signing import GrpcSigner, Signer
from .application.context import SERVICE, Context
from .application.reevaluation import consume
from .domain.criteria import CriteriaCatalogue
from .domain.events import registry
from .domain.units import UnitDirectory
from .settings import SOURCE_SERVICES, Settings


def _now() -> datetime:
    return datetime.now(UTC)


@dataclass(frozen=True)
class Service:
    settings: Settings
    engine: Engine
    context: Context
    verifier: TokenVerifier
    telemetry: Telemetry


def bootstrap(
    settings: Settings,
    *,
    telemetry: Telemetry | None = None,
    signer: Signer | None = None,
    clock: Callable[[], datetime] = _now,
) -> Service:
    telemetry = telemetry or setup_telemetry(SERVICE)
    engine = make_engine(settings.database_url)
    instrument_engine(engine, telemetry.tracer)
    signer = signer or GrpcSigner(
        settings.identity_grpc, root_certificates=settings.identity_grpc_ca_file,
        timeout=settings.signing_timeout, tracer=telemetry.tracer,
    )  # fmt: skip
    store = EventStore(registry, metrics=telemetry.metrics)
    context = Context(
        database=engine,
        store=store,
        base_units=UnitDirectory.load(settings.units_file),
        criteria=CriteriaCatalogue.load(settings.criteria_dir),
        signer=signer,
        clock=clock,
        fact_books=FactBooks(
            engine,
            store,
            max_entries=settings.fact_cache_communes,
            max_events=settings.fact_cache_events,
            snapshot_every=settings.fact_snapshot_every,
        ),
    )
    verifier = TokenVerifier(settings.issuer, settings.audience, settings.jwks_url)
    return Service(settings, engine, context, verifier, telemetry)


def run_migrations(settings: Settings) -> None:
    """The kit's event-store tables, then the service's inbox."""
    migrate(settings.database_url)


def fact_handler(context: Context) -> Handler:
    """What a consumed message does, in the consumer's transaction (tracking row included): its
    event lands in the inbox, and the commune's recognised units are re-evaluated once for the
    batch (`consume`; the kit's tracking consumer delivers one message per transaction) — a unit
    that no longer meets its set is flagged by a `recognition.review_flagged` in the same commit."""

    def handle(uow: UnitOfWork, envelope: EventEnvelope) -> None:
        consume(context, uow.session, [envelope])

    return handle


def build_consumers(service: Service) -> list[TrackingConsumer]:
    """One tracking consumer (and consumer group) per source topic, all with `fact_handler`."""
    handle = fact_handler(service.context)
    group = service.settings.consumer_group
    return [
        TrackingConsumer(
            f"{group}-{name}",
            topic,
            service.engine,
            handle,
            tracer=service.telemetry.tracer,
            metrics=service.telemetry.metrics,
        )
        for name, topic in zip(SOURCE_SERVICES, service.settings.source_topics, strict=True)
    ]


def build_relay(
    settings: Settings, telemetry: Telemetry, producer: Publisher | None = None
) -> tuple[OutboxRelay, Engine, Publisher]:
    """The outbox relay for `scoring.events.v1`; the caller closes the producer and engine."""
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
