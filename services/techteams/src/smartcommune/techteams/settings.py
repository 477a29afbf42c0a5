"""Settings, from the environment: `SMARTCOMMUNE_TECHTEAMS_*`, then the platform's shared
`SMARTCOMMUNE_*` (database, Kafka, Keycloak, log level) where the service has no value of its own.
"""

from __future__ import annotations

from pathlib import Path

from pydantic import AliasChoices, Field
from pydantic_settings import BaseSettings, SettingsConfigDict

from smartcommune.kit.units import default_units_file


def _env(name: str) -> AliasChoices:
    """The service's own variable first, then the platform-wide one."""
    return AliasChoices(f"SMARTCOMMUNE_TECHTEAMS_{name}", f"SMARTCOMMUNE_{name}")


class Settings(BaseSettings):
    model_config = SettingsConfigDict(
        env_prefix="SMARTCOMMUNE_TECHTEAMS_", populate_by_name=True, extra="ignore"
    )

    database_url: str = Field("sqlite:///techteams.db", validation_alias=_env("DATABASE_URL"))
    kafka_bootstrap: str = Field("127.0.0.1:19092", validation_alias=_env("KAFKA_BOOTSTRAP"))
    keycloak_url: str = Field("http://127.0.0.1:18080", validation_alias=_env("KEYCLOAK_URL"))
    keycloak_realm: str = Field("smartcommune", validation_alias=_env("KEYCLOAK_REALM"))
    log_level: str = Field("INFO", validation_alias=_env("LOG_LEVEL"))
    #: Overrides `<keycloak_url>/realms/<realm>` (e.g. the public issuer behind a proxy).
    oidc_issuer: str | None = None
    #: Where to fetch keys when it is not `<issuer>/protocol/openid-connect/certs` (in-cluster).
    jwks_url: str | None = None
    audience: str = "techteams"
    topic: str = "techteams.events.v1"
    #: The identity topic the planning list is built from.
    identity_topic: str = "identity.events.v1"
    #: Consumer group (and tracking key) of that consumer.
    identity_consumer: str = "techteams.households"
    #: The admin-unit data file (default: `$SMARTCOMMUNE_UNITS_FILE`, else the repo's demo file).
    units_file: Path = Field(default_factory=default_units_file)
    relay_poll_interval: float = Field(0.5, gt=0)
    relay_batch_size: int = Field(200, ge=1)
    #: How long an idempotency receipt is kept before `prune_receipts` may delete it (days).
    idempotency_retention_days: int = Field(7, ge=1)
    #: Run the migrations when the app starts (handy alone; in a cluster a Job runs them).
    migrate_on_start: bool = False

    @property
    def issuer(self) -> str:
        return self.oidc_issuer or f"{self.keycloak_url.rstrip('/')}/realms/{self.keycloak_realm}"
