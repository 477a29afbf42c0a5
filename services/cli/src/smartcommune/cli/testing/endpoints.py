"""What the server fixtures hand to tests: addresses plus the few helpers every test needs."""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field

import psycopg
from keycloak import KeycloakOpenID
from sqlalchemy.engine import URL

REALM = "smartcommune"
SERVICE_CLIENTS = ("dossiers", "identity", "payments", "techteams", "scoring", "audit")


def _secret_env_name(client_id: str) -> str:
    return "SMARTCOMMUNE_CLIENT_SECRET_" + client_id.upper().replace("-", "_")


@dataclass(frozen=True)
class KeycloakEndpoint:
    """The platform realm on a running Keycloak."""

    url: str
    realm: str = REALM
    client_secrets: Mapping[str, str] = field(default_factory=dict)

    @classmethod
    def from_env(cls, url: str) -> KeycloakEndpoint:
        return cls.from_connection_env({**os.environ, "SMARTCOMMUNE_KEYCLOAK_URL": url})

    @classmethod
    def from_connection_env(cls, env: Mapping[str, str]) -> KeycloakEndpoint:
        secrets = {
            client: env[_secret_env_name(client)]
            for client in SERVICE_CLIENTS
            if _secret_env_name(client) in env
        }
        return cls(
            url=env["SMARTCOMMUNE_KEYCLOAK_URL"].rstrip("/"),
            realm=env.get("SMARTCOMMUNE_KEYCLOAK_REALM", REALM),
            client_secrets=secrets,
        )

    @property
    def issuer(self) -> str:
        return f"{self.url}/realms/{self.realm}"

    def password_token(
        self, username: str, password: str, client_id: str = "smartcommune-cli"
    ) -> str:
        """An access token for a user, by the password grant of a public client."""
        oidc = KeycloakOpenID(server_url=self.url, realm_name=self.realm, client_id=client_id)
        return str(oidc.token(username, password)["access_token"])

    def client_token(self, client_id: str) -> str:
        """A service account's access token, by the client-credentials grant."""
        oidc = KeycloakOpenID(
            server_url=self.url,
            realm_name=self.realm,
            client_id=client_id,
            client_secret_key=self.client_secrets[client_id],
        )
        return str(oidc.token(grant_type="client_credentials")["access_token"])


@dataclass(frozen=True)
class PostgresAdmin:
    """Creates and drops databases on one PostgreSQL server for isolated tests."""

    base: URL

    def url(self, database: str) -> str:
        return self.base.set(database=database).render_as_string(hide_password=False)

    def _connect(self) -> psycopg.Connection[tuple[object, ...]]:
        return psycopg.connect(
            host=self.base.host,
            port=self.base.port or 5432,
            user=self.base.username,
            password=self.base.password,
            dbname="postgres",
            autocommit=True,
            connect_timeout=10,
        )

    def create_database(self, name: str) -> None:
        _check_name(name)
        with self._connect() as conn:
            conn.execute(f'CREATE DATABASE "{name}"')

    def drop_database(self, name: str) -> None:
        _check_name(name)
        with self._connect() as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def _check_name(name: str) -> None:
    if not (name.isascii() and name.replace("_", "").isalnum()):
        raise ValueError(f"unsafe database name {name!r}")
