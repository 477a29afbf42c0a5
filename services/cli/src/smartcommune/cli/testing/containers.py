"""The testcontainers path: the same server versions as the local stack, in Docker.

Used only where a Docker engine answers (a developer laptop, another CI). This machine's CI has
no engine, so the local-process path is the one exercised there; both read their versions and
the realm file from the same place (`StackConfig`, `infra/keycloak/`).
"""

from __future__ import annotations

import socket
from contextlib import ExitStack

from sqlalchemy.engine import URL

from ..stack.config import StackConfig, repo_root
from .endpoints import SERVICE_CLIENTS, KeycloakEndpoint, PostgresAdmin


def docker_available() -> bool:
    """True when a Docker engine answers a ping within a few seconds."""
    try:
        import docker

        client = docker.from_env(timeout=3)
        return bool(client.ping())
    except Exception:  # any failure means "no engine here"
        return False


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def kafka_container(stack: ExitStack) -> str:
    """apache/kafka in KRaft mode, advertised on a fixed host port so clients can reach it."""
    from testcontainers.core.container import DockerContainer
    from testcontainers.core.waiting_utils import wait_for_logs

    port = _free_port()
    version = StackConfig.from_env().kafka_version
    container = (
        DockerContainer(f"apache/kafka:{version}")
        .with_bind_ports(9092, port)
        .with_envs(
            KAFKA_NODE_ID="1",
            KAFKA_PROCESS_ROLES="broker,controller",
            KAFKA_LISTENERS="PLAINTEXT://:9092,CONTROLLER://:9093",
            KAFKA_ADVERTISED_LISTENERS=f"PLAINTEXT://127.0.0.1:{port}",
            KAFKA_CONTROLLER_LISTENER_NAMES="CONTROLLER",
            KAFKA_LISTENER_SECURITY_PROTOCOL_MAP="CONTROLLER:PLAINTEXT,PLAINTEXT:PLAINTEXT",
            KAFKA_CONTROLLER_QUORUM_VOTERS="1@localhost:9093",
            KAFKA_OFFSETS_TOPIC_REPLICATION_FACTOR="1",
            KAFKA_TRANSACTION_STATE_LOG_REPLICATION_FACTOR="1",
            KAFKA_TRANSACTION_STATE_LOG_MIN_ISR="1",
            KAFKA_AUTO_CREATE_TOPICS_ENABLE="false",
        )
    )
    container.start()
    stack.callback(container.stop)
    wait_for_logs(container, "Kafka Server started", timeout=120)
    return f"127.0.0.1:{port}"


def postgres_container(stack: ExitStack) -> PostgresAdmin:
    from testcontainers.community.postgres import PostgresContainer

    container = PostgresContainer("postgres:15", username="smartcommune", driver="psycopg")
    container.start()
    stack.callback(container.stop)
    return PostgresAdmin(
        URL.create(
            "postgresql+psycopg",
            username=container.username,
            password=container.password,
            host=container.get_container_host_ip(),
            port=int(container.get_exposed_port(5432)),
            database=container.dbname,
        )
    )


def keycloak_container(stack: ExitStack) -> KeycloakEndpoint:
    from keycloak import KeycloakAdmin
    from testcontainers.community.keycloak import KeycloakContainer

    version = StackConfig.from_env().keycloak_version
    realm_file = repo_root() / "infra" / "keycloak" / "realm-smartcommune.json"
    container = KeycloakContainer(f"quay.io/keycloak/keycloak:{version}").with_realm_import_file(
        str(realm_file)
    )
    container.start()
    stack.callback(container.stop)
    url = container.get_url().rstrip("/")
    admin = KeycloakAdmin(
        server_url=url,
        username=container.username,
        password=container.password,
        realm_name="master",
        user_realm_name="master",
    )
    admin.change_current_realm("smartcommune")
    secrets: dict[str, str] = {}
    for client in admin.get_clients():
        if client["clientId"] in SERVICE_CLIENTS:
            secrets[client["clientId"]] = admin.get_client_secrets(client["id"])["value"]
    return KeycloakEndpoint(url=url, client_secrets=secrets)
