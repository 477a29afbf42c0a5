"""Settings, from the environment: `SMARTCOMMUNE_DOSSIERS_*`, then the platform's shared
`SMARTCOMMUNE_*` (database, Kafka, Keycloak, log level) where the service has no value of its own.
"""

from __future__ import annotations

from pathlib import Path

from pydantic import AliasChoices, Field
from pydantic_settings import BaseSettings, SettingsConfigDict

from smartcommune.kit.units import default_units_file


def _env(name: str) -> AliasChoices:
    """The service's own variable first, then the platform-wide one."""
    return AliasChoices(f"SMARTCOMMUNE_DOSSIERS_{name}", f"SMARTCOMMUNE_{name}")


class Settings(BaseSettings):
    model_config = SettingsConfigDict(
        env_prefix="SMARTCOMMUNE_DOSSIERS_", populate_by_name=True, extra="ignore"
    )

    database_url: str = Field("sqlite:///dossiers.db", validation_alias=_env("DATABASE_URL"))
    kafka_bootstrap: str = Field("127.0.0.1:19092", validation_alias=_env("KAFKA_BOOTSTRAP"))
    keycloak_url: str = Field("http://127.0.0.1:18080", validation_alias=_env("KEYCLOAK_URL"))
    keycloak_realm: str = Field("smartcommune", validation_alias=_env("KEYCLOAK_REALM"))
    log_level: str = Field("INFO", validation_alias=_env("LOG_LEVEL"))
    #: Overrides `<keycloak_url>/realms/<realm>` (e.g. the public issuer behind a proxy).
    oidc_issuer: str | None = None
    #: Where to fetch keys when it is not `<issuer>/protocol/openid-connect/certs` (in-cluster).
    jwks_url: str | None = None
    audience: str = "dossiers"
    topic: str = "dossiers.events.v1"
    #: The admin-unit data file (default: `$SMARTCOMMUNE_UNITS_FILE`, else the repo's demo file).
    units_file: Path = Field(default_factory=default_units_file)
    #: Whether the days waiting for a supplement extend the due date (the rule is uncertain in
    #: DOMAIN.md, so it is a setting; each `dossier.supplemented` event records what applied).
    pause_clock_during_supplement: bool = False
    import_chunk_size: int = Field(500, ge=1, le=10_000)
    import_max_bytes: int = Field(20 * 1024 * 1024, ge=1024)
    relay_poll_interval: float = Field(0.5, gt=0)
    relay_batch_size: int = Field(200, ge=1)
    #: Run the migrations when the app starts (handy alone; in a cluster a Job runs them).
    migrate_on_start: bool = False

    @property
    def issuer(self) -> str:
        return self.oidc_issuer or f"{self.keycloak_url.rstrip('/')}/realms/{self.keycloak_realm}"
