"""Settings, from the environment: `SMARTCOMMUNE_IDENTITY_*`, then the platform's shared
`SMARTCOMMUNE_*` (database, Kafka, Keycloak, log level) where the service has no value of its own.

The master key is a secret (a Kubernetes Secret mapped to `SMARTCOMMUNE_IDENTITY_MASTER_KEY`);
it is optional here so that migrations and document generation run without it, and required by
`bootstrap`, which refuses to build the service without it.
"""

from __future__ import annotations

import base64
import binascii
from pathlib import Path

from pydantic import AliasChoices, Field, SecretStr
from pydantic_settings import BaseSettings, SettingsConfigDict

from smartcommune.kit.units import default_units_file

#: Where the master key comes from (a Kubernetes Secret); named in every refusal of the key.
MASTER_KEY_VARIABLE = "SMARTCOMMUNE_IDENTITY_MASTER_KEY"
#: The master key is exactly this many random bytes, in base64 (`openssl rand -base64 32`).
MASTER_KEY_BYTES = 32
#: The service's HTTP port unless `SMARTCOMMUNE_IDENTITY_PORT` says otherwise.
DEFAULT_PORT = 8082


class KeyConfigurationError(ValueError):
    """The master key setting is missing or malformed: the service must not start."""


def decode_master_key(text: str, name: str = MASTER_KEY_VARIABLE) -> bytes:
    """The one check of a master key, for the resident vault and the CA alike: base64 of exactly
    32 random bytes (HKDF stretches nothing: it needs real entropy, and one shape everywhere)."""
    try:
        key = base64.b64decode(text.strip(), validate=True)
    except (binascii.Error, ValueError):
        key = b""
    if len(key) != MASTER_KEY_BYTES:
        raise KeyConfigurationError(
            f"{name} must be {MASTER_KEY_BYTES} random bytes in base64 (44 characters), e.g. "
            "the output of `openssl rand -base64 32`"
        )
    return key


def _env(name: str) -> AliasChoices:
    """The service's own variable first, then the platform-wide one."""
    return AliasChoices(f"SMARTCOMMUNE_IDENTITY_{name}", f"SMARTCOMMUNE_{name}", name.lower())


class Settings(BaseSettings):
    model_config = SettingsConfigDict(
        env_prefix="SMARTCOMMUNE_IDENTITY_", populate_by_name=True, extra="ignore"
    )

    database_url: str = Field("sqlite:///identity.db", validation_alias=_env("DATABASE_URL"))
    kafka_bootstrap: str = Field("127.0.0.1:19092", validation_alias=_env("KAFKA_BOOTSTRAP"))
    keycloak_url: str = Field("http://127.0.0.1:18080", validation_alias=_env("KEYCLOAK_URL"))
    keycloak_realm: str = Field("smartcommune", validation_alias=_env("KEYCLOAK_REALM"))
    log_level: str = Field("INFO", validation_alias=_env("LOG_LEVEL"))
    #: Overrides `<keycloak_url>/realms/<realm>` (e.g. the public issuer behind a proxy).
    oidc_issuer: str | None = None
    #: Where to fetch keys when it is not `<issuer>/protocol/openid-connect/certs` (in-cluster).
    jwks_url: str | None = None
    audience: str = "identity"
    topic: str = "identity.events.v1"
    #: The admin-unit data file (default: `$SMARTCOMMUNE_UNITS_FILE`, else the repo's demo file).
    units_file: Path = Field(default_factory=default_units_file)
    #: 32 random bytes, base64 (`decode_master_key`): the key-encryption key of every
    #: resident's data key (and, through HKDF, of the CA's private keys).
    master_key: SecretStr | None = None
    #: The id recorded with each wrapped data key; change it together with `master_key`.
    master_key_id: str = Field("k1", pattern=r"^[A-Za-z0-9_.-]{1,32}$")
    #: Older master keys that still unwrap (`{"k1": "<base64>"}`, JSON in the environment)
    #: until every data key is re-wrapped under the current one.
    previous_master_keys: dict[str, SecretStr] = Field(default_factory=dict)
    host: str = "127.0.0.1"
    port: int = Field(DEFAULT_PORT, ge=1, le=65535)
    grpc_host: str = "127.0.0.1"
    grpc_port: int = Field(50052, ge=0, le=65535)
    relay_poll_interval: float = Field(0.5, gt=0)
    relay_batch_size: int = Field(200, ge=1)
    #: Run the migrations when the app starts (handy alone; in a cluster a Job runs them).
    migrate_on_start: bool = False

    @property
    def issuer(self) -> str:
        return self.oidc_issuer or f"{self.keycloak_url.rstrip('/')}/realms/{self.keycloak_realm}"
