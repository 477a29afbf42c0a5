"""The one place where the service is wired: settings in, ready-to-use parts out.

Building does not connect to anything (engines and producers connect on first use), so
`create_app`, the consumers and the relay can be constructed in tests, in a Helm Job or under
uvicorn alike.
"""

from __future__ import annotations

import logging
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

from .adapters.migrations import migrate
from .adapters.unit_of_work import SqlPaymentsUnitOfWork
from .adapters.vault import AccountVault
from .application.fees import DossierFees
from .application.messagebus import MessageBus
from .application.ports import Dependencies
from .application.residents import apply_identity_event
from .domain.events import registry
from .domain.fee import CollectingAccount
from .settings import Settings

SERVICE = "payments"
FEES_CONSUMER = "payments.fees"
RESIDENTS_CONSUMER = "payments.residents"
_log = logging.getLogger(__name__)


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

    @property
    def deps(self) -> Dependencies:
        return self.bus.deps


def _vault(settings: Settings) -> AccountVault | None:
    if settings.account_key is None:
        _log.warning("no ACCOUNT_KEY: full account numbers are not kept, only masked ones")
        return None
    return AccountVault.from_setting(settings.account_key.get_secret_value())


def collecting_accounts(settings: Settings) -> dict[str, CollectingAccount]:
    return {
        code: CollectingAccount(a.bank_bin, a.account, a.name)
        for code, a in settings.collecting_accounts.items()
    }


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
        uow=lambda: SqlPaymentsUnitOfWork(engine, store, telemetry.metrics),
        units=units,
        clock=clock,
        vault=_vault(settings),
        collecting=collecting_accounts(settings),
    )
    verifier = TokenVerifier(settings.issuer, settings.audience, settings.jwks_url)
    return Service(settings, engine, store, units, MessageBus(deps), verifier, telemetry)


def run_migrations(settings: Settings) -> None:
    """The kit's event-store tables, then the service's own."""
    migrate(settings.database_url)


def build_consumers(service: Service) -> list[TrackingConsumer]:
    """`payments.fees` on the dossiers' topic, `payments.residents` on the identity topic."""
    s, t = service.settings, service.telemetry
    fees = DossierFees(service.store, service.deps.collecting)
    return [
        TrackingConsumer(FEES_CONSUMER, s.dossiers_topic, service.engine, fees,
                         tracer=t.tracer, metrics=t.metrics),
        TrackingConsumer(RESIDENTS_CONSUMER, s.identity_topic, service.engine,
                         apply_identity_event, tracer=t.tracer, metrics=t.metrics),
    ]  # fmt: skip


def build_relay(
    settings: Settings, telemetry: Telemetry, producer: Publisher | None = None
) -> tuple[OutboxRelay, Engine, Publisher]:
    """The outbox relay for `payments.events.v1`; the caller closes the producer and engine."""
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
