"""The CA's settings, from `SMARTCOMMUNE_IDENTITY_*` variables.

The master key is the one secret the CA cannot work without: every CA and officials' private key
is stored encrypted under keys derived from it. It comes from the environment (a Kubernetes
Secret), is never written anywhere by the service, and has no default — a CA that silently
used a built-in key would be worse than one that refuses to start.
"""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

from pydantic import Field, SecretStr, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

MIN_MASTER_KEY_CHARS = 32


class CaSettings(BaseSettings):
    model_config = SettingsConfigDict(
        env_prefix="SMARTCOMMUNE_IDENTITY_", populate_by_name=True, extra="ignore"
    )

    #: High-entropy secret (e.g. `openssl rand -base64 48`); HKDF turns it into per-key passwords.
    master_key: SecretStr
    #: The province the root belongs to, e.g. `VN-26`; it names the root and issuing CAs.
    province: str = Field("VN-26", pattern=r"^VN-[0-9A-Z]{2}$")
    organisation: str = "Smart Commune Platform"
    #: Public URL of `GET /ca/crl`, written into every end-entity certificate.
    crl_url: str = "http://127.0.0.1:8000/ca/crl"
    crl_next_update_hours: int = Field(24, ge=1, le=24 * 31)
    root_validity_days: int = Field(20 * 365 + 5, ge=365)
    issuing_validity_days: int = Field(10 * 365 + 2, ge=30)
    official_validity_days: int = Field(2 * 365, ge=1)
    resident_validity_days: int = Field(2 * 365, ge=1)
    #: Licensed public CAs whose roots are configured: provider name → PEM bundle (roots and
    #: intermediates). A provider missing here is recorded as "unverified", never rejected.
    external_roots: dict[str, Path] = Field(default_factory=dict)
    #: Create the root and issuing CA at start-up when the database has none yet.
    init_on_start: bool = True

    @field_validator("master_key")
    @classmethod
    def _long_enough(cls, value: SecretStr) -> SecretStr:
        if len(value.get_secret_value()) < MIN_MASTER_KEY_CHARS:
            raise ValueError(f"must be at least {MIN_MASTER_KEY_CHARS} characters of randomness")
        return value

    @property
    def crl_next_update(self) -> timedelta:
        return timedelta(hours=self.crl_next_update_hours)
