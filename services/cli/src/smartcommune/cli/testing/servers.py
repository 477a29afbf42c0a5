"""pytest plugin: real Kafka, Keycloak and PostgreSQL for integration and e2e tests.

Each server comes from the first source that has it:

1. an address in the environment — `SMARTCOMMUNE_KAFKA_BOOTSTRAP`, `SMARTCOMMUNE_DATABASE_URL`,
   `SMARTCOMMUNE_KEYCLOAK_URL` (+ `SMARTCOMMUNE_CLIENT_SECRET_<CLIENT>`), e.g. after
   `eval "$(smartcommune stack env)"` or in another CI;
2. testcontainers, when a Docker engine answers (`SMARTCOMMUNE_TESTCONTAINERS=0` turns it off);
3. the local servers, started through the same code as `smartcommune stack up`.

Servers are started lazily, once per session, and whatever the session started it stops. A
server that cannot be had is an error, never a skip: a green run means the real servers ran.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from contextlib import ExitStack

import pytest
from sqlalchemy.engine import make_url

from ..stack import StackConfig, make_server
from ..stack.postgres import PostgresServer
from .containers import docker_available, kafka_container, keycloak_container, postgres_container
from .endpoints import KeycloakEndpoint, PostgresAdmin


def _local(name: str, stack: ExitStack) -> object:
    """A local server from the run folder: reuse one already running, else start and own it."""
    server = make_server(name, StackConfig.from_env())
    if server.start(timeout=float(os.environ.get("SMARTCOMMUNE_START_TIMEOUT", "300"))):
        stack.callback(server.stop)
    return server


def _use_docker() -> bool:
    return os.environ.get("SMARTCOMMUNE_TESTCONTAINERS", "1") != "0" and docker_available()


@pytest.fixture(scope="session")
def _servers_stack() -> Iterator[ExitStack]:
    with ExitStack() as stack:
        yield stack


@pytest.fixture(scope="session")
def kafka_bootstrap(_servers_stack: ExitStack) -> str:
    """`host:port` of a real Kafka broker (KRaft)."""
    if address := os.environ.get("SMARTCOMMUNE_KAFKA_BOOTSTRAP"):
        return address
    if _use_docker():
        return kafka_container(_servers_stack)
    server = _local("kafka", _servers_stack)
    return server.address  # type: ignore[attr-defined, no-any-return]


@pytest.fixture(scope="session")
def keycloak(_servers_stack: ExitStack) -> KeycloakEndpoint:
    """The `smartcommune` realm on a real Keycloak, with the service clients' secrets."""
    if url := os.environ.get("SMARTCOMMUNE_KEYCLOAK_URL"):
        return KeycloakEndpoint.from_env(url)
    if _use_docker():
        return keycloak_container(_servers_stack)
    from ..stack.keycloak import KeycloakServer

    server = _local("keycloak", _servers_stack)
    assert isinstance(server, KeycloakServer)
    return KeycloakEndpoint.from_connection_env(server.connection_env())


@pytest.fixture(scope="session")
def postgres_admin(_servers_stack: ExitStack) -> PostgresAdmin:
    """A real PostgreSQL server on which tests may create and drop databases."""
    if url := os.environ.get("SMARTCOMMUNE_DATABASE_URL"):
        return PostgresAdmin(make_url(url))
    if _use_docker():
        return postgres_container(_servers_stack)
    server = _local("postgres", _servers_stack)
    assert isinstance(server, PostgresServer)
    return PostgresAdmin(make_url(server.url()))


@pytest.fixture(scope="session")
def postgres_url(postgres_admin: PostgresAdmin) -> Iterator[str]:
    """SQLAlchemy URL of a database private to this test session."""
    name = f"test_session_{uuid.uuid4().hex[:12]}"
    postgres_admin.create_database(name)
    yield postgres_admin.url(name)
    postgres_admin.drop_database(name)


@pytest.fixture
def fresh_postgres_url(postgres_admin: PostgresAdmin) -> Iterator[str]:
    """SQLAlchemy URL of a brand-new empty database, dropped after the test."""
    name = f"test_{uuid.uuid4().hex[:16]}"
    postgres_admin.create_database(name)
    yield postgres_admin.url(name)
    postgres_admin.drop_database(name)
