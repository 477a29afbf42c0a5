"""Settings from the environment: the service's own variables first, JSON maps for the
collecting accounts and webhook secrets, secrets never shown in a repr."""

from __future__ import annotations

import pytest

from smartcommune.payments.bootstrap import collecting_accounts
from smartcommune.payments.domain.fee import CollectingAccount
from smartcommune.payments.settings import Settings


def test_maps_and_secrets_come_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SMARTCOMMUNE_DATABASE_URL", "sqlite:///platform.db")
    monkeypatch.setenv("SMARTCOMMUNE_PAYMENTS_DATABASE_URL", "sqlite:///payments-own.db")
    monkeypatch.setenv(
        "SMARTCOMMUNE_PAYMENTS_COLLECTING_ACCOUNTS",
        '{"08920": {"bank_bin": "970405", "account": "2600201008920", "name": "UBND"}}',
    )
    monkeypatch.setenv("SMARTCOMMUNE_PAYMENTS_WEBHOOK_SECRETS", '{"VCB": "s3cr3t-value"}')
    settings = Settings()
    assert settings.database_url == "sqlite:///payments-own.db"
    assert collecting_accounts(settings) == {
        "08920": CollectingAccount("970405", "2600201008920", "UBND")
    }
    assert settings.webhook_secrets["VCB"].get_secret_value() == "s3cr3t-value"
    assert "s3cr3t-value" not in repr(settings)


def test_a_malformed_collecting_account_stops_the_service_at_start(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv(
        "SMARTCOMMUNE_PAYMENTS_COLLECTING_ACCOUNTS", '{"08920": {"bank_bin": "97", "account": "1"}}'
    )
    with pytest.raises(ValueError, match="bank_bin"):
        Settings()
