"""One master-key check for the vault and the CA, and a CRL URL that points at the service."""

from __future__ import annotations

import base64
import os
from pathlib import Path

import pytest
from pydantic import SecretStr, ValidationError

from smartcommune.identity.bootstrap import bootstrap
from smartcommune.identity.ca import CaSettings
from smartcommune.identity.settings import DEFAULT_PORT, Settings
from smartcommune.kit.telemetry import setup_telemetry

KEY = base64.b64encode(os.urandom(32)).decode()


@pytest.mark.parametrize(
    "key",
    [
        "a password of more than thirty-two characters",  # the CA used to take this
        base64.b64encode(os.urandom(16)).decode(),
        base64.b64encode(os.urandom(48)).decode(),
    ],
)
def test_the_ca_refuses_what_the_vault_refuses_naming_the_variable(key: str) -> None:
    with pytest.raises(ValidationError, match="SMARTCOMMUNE_IDENTITY_MASTER_KEY") as refused:
        CaSettings(master_key=SecretStr(key))
    assert "32 random bytes in base64" in str(refused.value)
    assert key not in str(refused.value)  # the secret is not echoed


def test_the_default_crl_url_is_the_services_own(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("SMARTCOMMUNE_IDENTITY_CRL_URL", raising=False)
    monkeypatch.delenv("SMARTCOMMUNE_IDENTITY_PORT", raising=False)
    monkeypatch.delenv("SMARTCOMMUNE_IDENTITY_HOST", raising=False)
    assert Settings().port == DEFAULT_PORT == 8082
    assert CaSettings(master_key=SecretStr(KEY)).crl_url == "http://127.0.0.1:8082/ca/crl"
    monkeypatch.setenv("SMARTCOMMUNE_IDENTITY_PORT", "9090")
    assert CaSettings(master_key=SecretStr(KEY)).crl_url == "http://127.0.0.1:9090/ca/crl"
    wildcard = CaSettings(master_key=SecretStr(KEY), host="0.0.0.0", port=8443)  # noqa: S104
    assert wildcard.crl_url == "http://127.0.0.1:8443/ca/crl"
    given = CaSettings(master_key=SecretStr(KEY), crl_url="https://ca.example.vn/ca/crl")
    assert given.crl_url == "https://ca.example.vn/ca/crl"


def test_the_bootstrap_gives_the_ca_the_services_port(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("SMARTCOMMUNE_IDENTITY_CRL_URL", raising=False)
    settings = Settings(
        database_url=f"sqlite:///{tmp_path / 'x.db'}", master_key=SecretStr(KEY), port=8123
    )
    service = bootstrap(settings, telemetry=setup_telemetry("identity", set_global=False))
    try:
        assert service.ca.settings.crl_url == "http://127.0.0.1:8123/ca/crl"
    finally:
        service.engine.dispose()
