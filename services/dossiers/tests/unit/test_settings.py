"""Settings: the service's own variables win over the platform's shared ones."""

from __future__ import annotations

import pytest

from smartcommune.dossiers.settings import Settings


def test_own_variables_override_shared_ones_and_unrelated_names_are_ignored(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("DATABASE_URL", "postgresql://not-ours/db")
    monkeypatch.setenv("SMARTCOMMUNE_DATABASE_URL", "postgresql://shared/db")
    monkeypatch.setenv("SMARTCOMMUNE_KAFKA_BOOTSTRAP", "shared:9092")
    monkeypatch.setenv("SMARTCOMMUNE_DOSSIERS_KAFKA_BOOTSTRAP", "own:9092")
    monkeypatch.setenv("SMARTCOMMUNE_DOSSIERS_PAUSE_CLOCK_DURING_SUPPLEMENT", "true")
    settings = Settings()
    assert settings.database_url == "postgresql://shared/db"
    assert settings.kafka_bootstrap == "own:9092"
    assert settings.pause_clock_during_supplement is True
    assert settings.issuer.endswith("/realms/smartcommune")
    assert settings.units_file.is_file()
