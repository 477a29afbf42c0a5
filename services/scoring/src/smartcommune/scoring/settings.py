"""Settings, from the environment: `SMARTCOMMUNE_SCORING_*`, then the platform's shared
`SMARTCOMMUNE_*` (database, Kafka, Keycloak, log level) where the service has no value of its own.
"""

from __future__ import annotations

from pathlib import Path

from pydantic import AliasChoices, Field
from pydantic_settings import BaseSettings, SettingsConfigDict

from smartcommune.kit.units import default_units_file

from .domain.criteria import default_criteria_dir

#: The topics whose facts the indicators are computed from (this service's own events are read
#: from its own store, not consumed).
SOURCE_SERVICES = ("dossiers", "identity", "payments", "techteams")
SOURCE_TOPICS = tuple(f"{service}.events.v1" for service in SOURCE_SERVICES)


def _env(name: str) -> AliasChoices:
    return AliasChoices(f"SMARTCOMMUNE_SCORING_{name}", f"SMARTCOMMUNE_{name}")


class Settings(BaseSettings):
    model_config = SettingsConfigDict(
        env_prefix="SMARTCOMMUNE_SCORING_", populate_by_name=True, extra="ignore"
    )

    database_url: str = Field("sqlite:///scoring.db", validation_alias=_env("DATABASE_URL"))
    kafka_bootstrap: str = Field("127.0.0.1:19092", validation_alias=_env("KAFKA_BOOTSTRAP"))
    keycloak_url: str = Field("http://127.0.0.1:18080", validation_alias=_env("KEYCLOAK_URL"))
    keycloak_realm: str = Field("smartcommune", validation_alias=_env("KEYCLOAK_REALM"))
    log_level: str = Field("INFO", validation_alias=_env("LOG_LEVEL"))
    oidc_issuer: str | None = None
    jwks_url: str | None = None
    audience: str = "scoring"
    topic: str = "scoring.events.v1"
    #: The source topics (a run may prefix them: `SMARTCOMMUNE_SCORING_<SERVICE>_TOPIC`).
    dossiers_topic: str = "dossiers.events.v1"
    identity_topic: str = "identity.events.v1"
    payments_topic: str = "payments.events.v1"
    techteams_topic: str = "techteams.events.v1"
    consumer_group: str = "scoring.indicators"
    units_file: Path = Field(default_factory=default_units_file)
    criteria_dir: Path = Field(default_factory=default_criteria_dir)
    #: identity's `identity.v1.Signing` (host:port); decisions are signed there.
    identity_grpc: str = "127.0.0.1:50052"
    #: PEM file of the CA that issued identity's gRPC server certificate; plaintext when unset.
    identity_grpc_ca_file: Path | None = None
    signing_timeout: float = Field(10.0, gt=0)
    grpc_host: str = "127.0.0.1"
    grpc_port: int = Field(50055, ge=0, le=65535)
    relay_poll_interval: float = Field(0.5, gt=0)
    relay_batch_size: int = Field(200, ge=1)
    migrate_on_start: bool = False
    #: Incremental fact books (`adapters.factbooks`): communes kept folded in memory, at most
    #: this many events in all, and a snapshot persisted every this many new events.
    fact_cache_communes: int = Field(64, ge=1)
    fact_cache_events: int = Field(2_000_000, ge=1)
    fact_snapshot_every: int = Field(1_000, ge=1)

    @property
    def source_topics(self) -> tuple[str, ...]:
        return (self.dossiers_topic, self.identity_topic, self.payments_topic, self.techteams_topic)

    @property
    def issuer(self) -> str:
        return self.oidc_issuer or f"{self.keycloak_url.rstrip('/')}/realms/{self.keycloak_realm}"
