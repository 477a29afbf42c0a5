"""Docker users and process users must run the same server versions."""

from __future__ import annotations

import re

from smartcommune.cli.stack.config import KAFKA_VERSION, KEYCLOAK_VERSION, POSTGRES_MAJOR, repo_root


def test_compose_file_pins_the_same_versions_as_the_local_stack() -> None:
    compose = (repo_root() / "infra" / "compose" / "compose.yaml").read_text()
    images = dict(re.findall(r"image:\s*([\w./-]+):([\w.-]+)", compose))
    assert images["apache/kafka"] == KAFKA_VERSION
    assert images["quay.io/keycloak/keycloak"] == KEYCLOAK_VERSION
    assert images["postgres"] == POSTGRES_MAJOR
