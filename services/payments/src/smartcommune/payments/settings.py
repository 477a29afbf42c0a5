"""Settings, from the environment: `SMARTCOMMUNE_PAYMENTS_*`, then the platform's shared
`SMARTCOMMUNE_*` (database, Kafka, Keycloak, log level) where the service has no value of its own.

Secrets — the webhook secrets per provider and the key of the account-number vault — come from
the environment (a Kubernetes Secret), never from a committed file. Maps are JSON, e.g.
`SMARTCOMMUNE_PAYMENTS_WEBHOOK_SECRETS='{"VCB": "…"}'`.
"""

from __future__ import annotations

from pathlib import Path

from pydantic import AliasChoices, BaseModel, ConfigDict, Field, SecretStr
from pydantic_settings import BaseSettings, SettingsConfigDict

from smartcommune.kit.units import default_units_file


def _env(name: str) -> AliasChoices:
    """The service's own variable first, then the platform-wide one."""
    return AliasChoices(f"SMARTCOMMUNE_PAYMENTS_{name}", f"SMARTCOMMUNE_{name}")


class CollectingAccountSetting(BaseModel):
    """A commune's account for dossier fees: bank BIN, account number, optional display name."""

    model_config = ConfigDict(frozen=True, extra="forbid")
    bank_bin: str = Field(pattern=r"^[0-9]{6}$")
    account: str = Field(pattern=r"^[0-9A-Za-z]{1,19}$")
    name: str | None = Field(None, max_length=100)


class Settings(BaseSettings):
    model_config = SettingsConfigDict(
        env_prefix="SMARTCOMMUNE_PAYMENTS_", populate_by_name=True, extra="ignore"
    )

    database_url: str = Field("sqlite:///payments.db", validation_alias=_env("DATABASE_URL"))
    kafka_bootstrap: str = Field("127.0.0.1:19092", validation_alias=_env("KAFKA_BOOTSTRAP"))
    keycloak_url: str = Field("http://127.0.0.1:18080", validation_alias=_env("KEYCLOAK_URL"))
    keycloak_realm: str = Field("smartcommune", validation_alias=_env("KEYCLOAK_REALM"))
    log_level: str = Field("INFO", validation_alias=_env("LOG_LEVEL"))
    #: Overrides `<keycloak_url>/realms/<realm>` (e.g. the public issuer behind a proxy).
    oidc_issuer: str | None = None
    #: Where to fetch keys when it is not `<issuer>/protocol/openid-connect/certs` (in-cluster).
    jwks_url: str | None = None
    audience: str = "payments"
    topic: str = "payments.events.v1"
    dossiers_topic: str = "dossiers.events.v1"
    identity_topic: str = "identity.events.v1"
    units_file: Path = Field(default_factory=default_units_file)
    #: commune code → the account its dossier fees are paid into (JSON).
    collecting_accounts: dict[str, CollectingAccountSetting] = Field(default_factory=dict)
    #: provider code → HMAC-SHA256 secret of its webhook (JSON; from a Secret).
    webhook_secrets: dict[str, SecretStr] = Field(default_factory=dict)
    #: How far a webhook's timestamp may be from our clock, either way.
    webhook_tolerance_seconds: int = Field(300, ge=10, le=3600)
    #: Base64 of 32 random bytes: AES-256-GCM key of the full account numbers (from a Secret).
    #: Without it the service keeps only masked numbers.
    account_key: SecretStr | None = None
    #: "Working age" for the adoption denominator: ages reached in the year (uncertain in law:
    #: the labour code starts at 15, retirement ages differ and rise — so, settings).
    working_age_min: int = Field(15, ge=10, le=30)
    working_age_max: int = Field(60, ge=40, le=80)
    #: A household "pays bills cashless" with at least one such bill in this many days.
    bill_window_days: int = Field(365, ge=1, le=3660)
    import_max_bytes: int = Field(10 * 1024 * 1024, ge=1024)
    relay_poll_interval: float = Field(0.5, gt=0)
    relay_batch_size: int = Field(200, ge=1)
    #: Run the migrations when the app starts (handy alone; in a cluster a Job runs them).
    migrate_on_start: bool = False

    @property
    def issuer(self) -> str:
        return self.oidc_issuer or f"{self.keycloak_url.rstrip('/')}/realms/{self.keycloak_realm}"
