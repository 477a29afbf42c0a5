"""Token verification and service credentials against the real Keycloak realm.

The ``keycloak`` fixture comes from the ``smartcommune.cli.testing.servers`` plugin.
"""

from __future__ import annotations

import httpx
import pytest

from smartcommune.cli.testing.endpoints import KeycloakEndpoint
from smartcommune.kit.auth import (
    COMMUNE_OFFICER,
    ClientCredentials,
    Forbidden,
    Rule,
    TokenUnavailableError,
    TokenVerifier,
    Unauthorized,
    authorize,
)

pytestmark = pytest.mark.integration

DEMO_USERS = [
    ("commune.officer", "commune-officer", "VN-26/song-lo/cao-phong"),
    ("neighbour.officer", "commune-officer", "VN-26/song-lo/lang-cong"),
    ("district.officer", "district-officer", "VN-26/song-lo"),
    ("techteam.member", "techteam-member", "VN-26/song-lo/cao-phong/thon-1"),
    ("auditor", "auditor", "VN-26"),
    ("province.admin", "province-admin", "VN-26"),
]


def password_of(username: str) -> str:
    return "demo-" + username.replace(".", "-")


@pytest.mark.parametrize(("username", "role", "unit"), DEMO_USERS)
def test_real_user_token_verifies_into_a_principal(
    keycloak: KeycloakEndpoint, username: str, role: str, unit: str
) -> None:
    token = keycloak.password_token(username, password_of(username))
    principal = TokenVerifier(keycloak.issuer, "dossiers").verify(token)
    assert principal.username == username
    assert role in principal.roles
    assert principal.admin_unit == unit
    assert principal.client_id == "smartcommune-cli"
    assert not principal.is_service
    assert principal.token == token


def test_real_neighbour_officer_is_refused_in_another_commune(keycloak: KeycloakEndpoint) -> None:
    token = keycloak.password_token("neighbour.officer", "demo-neighbour-officer")
    principal = TokenVerifier(keycloak.issuer, "dossiers").verify(token)
    with pytest.raises(Forbidden, match="outside your unit"):
        authorize(principal, Rule(roles={COMMUNE_OFFICER}, write=True), "VN-26/song-lo/cao-phong")


def test_client_credentials_obtains_a_service_token_that_verifies(
    keycloak: KeycloakEndpoint,
) -> None:
    provider = ClientCredentials.for_issuer(
        keycloak.issuer, "dossiers", keycloak.client_secrets["dossiers"]
    )
    token = provider.token()
    principal = TokenVerifier(keycloak.issuer, "identity").verify(token)
    assert principal.is_service
    assert principal.client_id == "dossiers"
    assert principal.actor == "service:dossiers"
    assert provider.token() == token  # cached, not fetched again
    authorize(principal, Rule(services={"dossiers"}), None)
    with pytest.raises(Forbidden):
        authorize(principal, Rule(services={"scoring"}), None)


def test_plugin_client_token_is_a_service_principal(keycloak: KeycloakEndpoint) -> None:
    principal = TokenVerifier(keycloak.issuer, "dossiers").verify(keycloak.client_token("scoring"))
    assert principal.is_service
    assert principal.client_id == "scoring"


def test_real_token_for_another_audience_is_refused(keycloak: KeycloakEndpoint) -> None:
    token = keycloak.password_token("commune.officer", "demo-commune-officer")
    with pytest.raises(Unauthorized, match="not intended for this service"):
        TokenVerifier(keycloak.issuer, "nonexistent").verify(token)


def test_real_jwks_is_fetched_once_for_many_tokens(keycloak: KeycloakEndpoint) -> None:
    fetches: list[httpx.Request] = []
    client = httpx.Client(timeout=10, event_hooks={"request": [fetches.append]})
    verifier = TokenVerifier(keycloak.issuer, "dossiers", http_client=client)
    for username, _, _ in DEMO_USERS[:3]:
        verifier.verify(keycloak.password_token(username, password_of(username)))
    assert [str(r.url) for r in fetches] == [f"{keycloak.issuer}/protocol/openid-connect/certs"]


def test_wrong_client_secret_is_a_typed_error(keycloak: KeycloakEndpoint) -> None:
    provider = ClientCredentials.for_issuer(keycloak.issuer, "dossiers", "not-the-secret")
    with pytest.raises(TokenUnavailableError, match="dossiers"):
        provider.token()
