"""The local servers the platform needs, run as plain processes (no containers)."""

from __future__ import annotations

from .base import Health, LocalServer, ServerError
from .config import StackConfig

#: start order: PostgreSQL and Kafka are quick; Keycloak is the slow one, so it goes last and
#: the others are already usable while it boots.
SERVER_NAMES = ("postgres", "kafka", "keycloak")


def make_server(name: str, config: StackConfig) -> LocalServer:
    """Build one server by name. Imports are local so a missing JDK never breaks the others."""
    if name == "postgres":
        from .postgres import PostgresServer

        return PostgresServer(config)
    if name == "kafka":
        from .kafka import KafkaServer

        return KafkaServer(config)
    if name == "keycloak":
        from .keycloak import KeycloakServer

        return KeycloakServer(config)
    raise ValueError(f"unknown server {name!r}; choose from {', '.join(SERVER_NAMES)}")


def make_servers(config: StackConfig, names: tuple[str, ...] = SERVER_NAMES) -> list[LocalServer]:
    return [make_server(name, config) for name in names]


__all__ = [
    "SERVER_NAMES",
    "Health",
    "LocalServer",
    "ServerError",
    "StackConfig",
    "make_server",
    "make_servers",
]
