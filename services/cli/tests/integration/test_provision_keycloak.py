"""Keycloak provisioning against the real Keycloak: a throw-away realm built from the demo
registry, an official of it signs in and gets a token carrying the platform's claims, and a
second run changes nothing. The realm is deleted afterwards."""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from datetime import date
from typing import Any

import jwt
import pytest
from keycloak import KeycloakOpenID

from smartcommune.cli import provision_keycloak as pk
from smartcommune.cli.stack.config import StackConfig, repo_root
from smartcommune.cli.stack.keycloak import ADMIN_USERNAME, KeycloakServer
from smartcommune.cli.testing.endpoints import KeycloakEndpoint

pytestmark = pytest.mark.integration
DEMO = repo_root() / "data" / "admin-units" / "demo.json"


def _admin_credentials() -> tuple[str, str]:
    """`SMARTCOMMUNE_KEYCLOAK_ADMIN_USERNAME/_PASSWORD`, else the local stack's bootstrap admin
    (its password file in the run folder), else testcontainers' default admin."""
    if password := os.environ.get("SMARTCOMMUNE_KEYCLOAK_ADMIN_PASSWORD"):
        return os.environ.get("SMARTCOMMUNE_KEYCLOAK_ADMIN_USERNAME", ADMIN_USERNAME), password
    local = KeycloakServer(StackConfig.from_env())
    if local.admin_password_path.is_file():
        return ADMIN_USERNAME, local.admin_password()
    return "admin", "admin"


@pytest.fixture
def test_realm(keycloak: KeycloakEndpoint) -> Iterator[tuple[str, Any]]:
    name = f"sc-test-{uuid.uuid4().hex[:10]}"
    username, password = _admin_credentials()
    admin = pk.connect(keycloak.url, username, password, "master", name)
    yield name, admin
    admin.change_current_realm("master")
    if name in {r["realm"] for r in admin.get_realms()}:
        admin.delete_realm(name)


def test_a_provisioned_official_signs_in_with_the_platforms_claims(
    keycloak: KeycloakEndpoint, test_realm: tuple[str, Any]
) -> None:
    realm, admin = test_realm
    units = pk.load_units([DEMO])
    plan = pk.realm_plan(
        units, realm=realm, as_of=date(2024, 1, 1), village_accounts=True, with_cli_client=True,
        portal_redirect_uris=["https://portal.example.invalid/*"],
    )  # fmt: skip
    report = pk.Provisioner(admin, {"scoring": "secret-from-the-store"}).apply(plan)
    assert f"realm {realm}" in report.created
    assert "user official-08920" in report.created

    user_id = admin.get_user_id("official-08920")
    assert {r["name"] for r in admin.get_realm_roles_of_user(user_id)} >= {"commune-officer"}
    assert (
        admin.get_client_secrets(admin.get_client_id("scoring"))["value"] == "secret-from-the-store"
    )

    # An administrator sets the first password (the provisioner never handles credentials).
    admin.set_user_password(user_id, "first-login-password", temporary=False)
    admin.update_user(user_id, {"requiredActions": []})
    oidc = KeycloakOpenID(server_url=keycloak.url, realm_name=realm, client_id="smartcommune-cli")
    token = oidc.token("official-08920", "first-login-password")["access_token"]
    claims = jwt.decode(token, options={"verify_signature": False})
    assert claims["admin_unit"] == "VN-26/song-lo/cao-phong"
    assert "commune-officer" in claims["realm_access"]["roles"]
    assert {"dossiers", "scoring", "audit"} <= set(claims["aud"])

    again = pk.Provisioner(admin, {"scoring": "secret-from-the-store"}).apply(plan)
    assert again.created == []
    assert again.updated == [], again.updated
    assert again.disabled == []
    assert "user official-08920" in again.unchanged
