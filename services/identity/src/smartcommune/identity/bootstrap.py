"""The one place where the service is wired: settings in, ready-to-use parts out.

Building does not connect to anything (engines and producers connect on first use), so
`create_app`, the gRPC server and the relay can be constructed in tests, in a Helm Job or under
uvicorn alike. The one thing it insists on is the master key: without it no personal data could
be stored or read, so the service refuses to start rather than fail on the first request.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy import Engine

from smartcommune.kit.auth import TokenVerifier
from smartcommune.kit.grpc import Serving
from smartcommune.kit.relay import OutboxRelay, Publisher, make_producer
from smartcommune.kit.store import EventStore, make_engine
from smartcommune.kit.telemetry import Telemetry, instrument_engine, setup_telemetry
from smartcommune.kit.units import UnitDirectory

from .adapters.crypto import KeyConfigurationError, Keyring, decode_master_key
from .adapters.migrations import migrate
from .adapters.unit_of_work import SqlIdentityUnitOfWork
from .application.messagebus import MessageBus
from .application.ports import Dependencies
from .ca import CaSettings, CertificationAuthority, migrate_ca, start_signing_server
from .registry import registry
from .settings import MASTER_KEY_VARIABLE, Settings

SERVICE = "identity"


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
    ca: CertificationAuthority


def keyring_from(settings: Settings) -> Keyring:
    if settings.master_key is None:
        raise KeyConfigurationError(
            f"{MASTER_KEY_VARIABLE} is not set: the identity service encrypts personal data "
            "under it and will not start without it (generate one with `openssl rand -base64 "
            "32` and keep it in a secret)"
        )
    keys = {
        key_id: decode_master_key(value.get_secret_value(), f"previous master key {key_id!r}")
        for key_id, value in settings.previous_master_keys.items()
    }
    keys[settings.master_key_id] = decode_master_key(
        settings.master_key.get_secret_value(), MASTER_KEY_VARIABLE
    )
    return Keyring(settings.master_key_id, keys)


def bootstrap(
    settings: Settings,
    *,
    telemetry: Telemetry | None = None,
    clock: Callable[[], datetime] = _now,
    ca_settings: CaSettings | None = None,
) -> Service:
    """`ca_settings` defaults to the CA's own `SMARTCOMMUNE_IDENTITY_*` variables, with the one
    master key of the service (so the vault and the CA can never be given different ones)."""
    keyring = keyring_from(settings)  # first: a missing key stops everything else
    telemetry = telemetry or setup_telemetry(SERVICE)
    engine = make_engine(settings.database_url)
    instrument_engine(engine, telemetry.tracer)
    store = EventStore(registry, clock=clock)
    units = UnitDirectory.load(settings.units_file)

    ca_settings = ca_settings or CaSettings(
        master_key=settings.master_key, host=settings.host, port=settings.port
    )
    ca = CertificationAuthority.build(engine, store, ca_settings, clock=clock)

    def unit_of_work(read_only: bool) -> Callable[[], SqlIdentityUnitOfWork]:
        return lambda: SqlIdentityUnitOfWork(
            engine, store, keyring, clock, telemetry.metrics, read_only=read_only, ca=ca
        )

    deps = Dependencies(
        uow=unit_of_work(False), reader=unit_of_work(True), units=units, clock=clock
    )
    verifier = TokenVerifier(settings.issuer, settings.audience, jwks_url=settings.jwks_url)
    return Service(settings, engine, store, units, MessageBus(deps), verifier, telemetry, ca)


def run_migrations(settings: Settings) -> None:
    """The kit's event-store tables, then the vault and read model, then the CA's tables."""
    migrate(settings.database_url)
    migrate_ca(settings.database_url)


def start_grpc(service: Service) -> Serving:
    """The CA's signing service (`identity.v1.Signing`), with the kit's `AuthInterceptor` and
    its rule table, health and reflection; the caller stops it with `Serving.stop()`."""
    return start_signing_server(
        service.ca,
        service.verifier,
        host=service.settings.grpc_host,
        port=service.settings.grpc_port,
        tracer=service.telemetry.tracer,
    )


def build_relay(
    settings: Settings, telemetry: Telemetry, producer: Publisher | None = None
) -> tuple[OutboxRelay, Engine, Publisher]:
    """The outbox relay for `identity.events.v1`; the caller closes the producer and engine."""
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
