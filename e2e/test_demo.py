"""The main job, end to end, on the real Kafka and Keycloak: what `make demo` shows must hold."""

from __future__ import annotations

from pathlib import Path

import pytest

from smartcommune.cli.demo import scenario
from smartcommune.cli.testing.endpoints import KeycloakEndpoint

pytestmark = pytest.mark.e2e


def test_officials_sign_in_and_a_commune_chain_survives_the_trip_through_kafka(
    kafka_bootstrap: str, keycloak: KeycloakEndpoint, tmp_path: Path
) -> None:
    outcome = scenario.run(scenario.Servers(kafka_bootstrap, keycloak), tmp_path)

    units = {p.username: (p.admin_unit, p.roles) for p in outcome.officials}
    assert units["commune.officer"][0] == "VN-26/song-lo/cao-phong"
    assert "commune-officer" in units["commune.officer"][1]
    assert units["district.officer"][0] == "VN-26/song-lo"
    assert "auditor" in units["auditor"][1]

    assert [e.chain_seq for e in outcome.appended] == [1, 2, 3]
    assert all(e.actor.subject == outcome.officials[0].subject for e in outcome.appended)
    assert outcome.relayed == 3
    assert outcome.replayed == 3
    assert outcome.chain is not None
    assert outcome.chain.ok
    assert outcome.chain.frontier.hash == outcome.appended[-1].hash
    assert outcome.verified
