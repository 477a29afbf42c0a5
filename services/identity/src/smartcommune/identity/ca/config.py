"""The CA's settings, from `SMARTCOMMUNE_IDENTITY_*` variables.

The master key is the one secret the CA cannot work without: every CA and officials' private key
is stored encrypted under keys derived from it. It comes from the environment (a Kubernetes
Secret), is never written anywhere by the service, and has no default — a CA that silently
used a built-in key would be worse than one that refuses to start.
"""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

from pydantic import Field, SecretStr, field_validator, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from ..settings import DEFAULT_PORT, MASTER_KEY_VARIABLE, decode_master_key


def default_crl_url(host: str = "127.0.0.1", port: int = DEFAULT_PORT) -> str:
    """`GET /ca/crl` on the service itself (a wildcard bind address is reached on loopback)."""
    wildcard = ("", "0.0.0.0", "::")  # noqa: S104 - compared with, never bound to
    reachable = "127.0.0.1" if host in wildcard else host
    if ":" in reachable:  # an IPv6 literal
        reachable = f"[{reachable}]"
    return f"http://{reachable}:{port}/ca/crl"


class CaSettings(BaseSettings):
    model_config = SettingsConfigDict(
        env_prefix="SMARTCOMMUNE_IDENTITY_", populate_by_name=True, extra="ignore"
    )

    #: 32 random bytes in base64 (`openssl rand -base64 32`), the same key and the same check
    #: as the resident vault's; HKDF turns it into per-key passwords.
    master_key: SecretStr
    #: The province the root belongs to, e.g. `VN-26`; it names the root and issuing CAs.
    province: str = Field("VN-26", pattern=r"^VN-[0-9A-Z]{2}$")
    organisation: str = "Smart Commune Platform"
    #: The service's own address (`SMARTCOMMUNE_IDENTITY_HOST` / `_PORT`, as in `Settings`):
    #: the default CRL URL points at it.
    host: str = "127.0.0.1"
    port: int = Field(DEFAULT_PORT, ge=1, le=65535)
    #: Public URL of `GET /ca/crl`, written into every end-entity certificate; by default
    #: `http://<host>:<port>/ca/crl` of this service. Set it to the public address in a cluster.
    crl_url: str = ""
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
    def _well_formed(cls, value: SecretStr) -> SecretStr:
        decode_master_key(value.get_secret_value(), MASTER_KEY_VARIABLE)
        return value

    @model_validator(mode="after")
    def _crl_url_of_the_service(self) -> CaSettings:
        if not self.crl_url:
            self.crl_url = default_crl_url(self.host, self.port)
        return self

    @property
    def crl_next_update(self) -> timedelta:
        return timedelta(hours=self.crl_next_update_hours)
