"""The committed realm file and the Keycloak server wrapper, checked without a running Keycloak.

The realm file is what every service's authorisation rests on (roles, `admin_unit`, audiences),
and Keycloak silently ignores much of what it does not like in an import, so its shape is pinned
here rather than discovered in an integration run.
"""

from __future__ import annotations

import json
import os
import re
import socket
import stat
from pathlib import Path
from typing import Any

import pytest

from smartcommune.cli.stack import keycloak as kc_module
from smartcommune.cli.stack.base import ServerError
from smartcommune.cli.stack.config import StackConfig, repo_root
from smartcommune.cli.stack.keycloak import (
    CLI_CLIENT,
    PORTAL_CLIENT,
    REALM,
    REALM_FILE,
    SERVICE_CLIENTS,
    KeycloakServer,
    client_secret_env_name,
)

ROLES = {"province-admin", "district-officer", "commune-officer", "techteam-member", "auditor"}
SERVICES = {"dossiers", "identity", "payments", "techteams", "scoring", "audit"}
DEMO_USERS = {
    "province.admin": ("province-admin", "VN-26"),
    "district.officer": ("district-officer", "VN-26/song-lo"),
    "commune.officer": ("commune-officer", "VN-26/song-lo/cao-phong"),
    "neighbour.officer": ("commune-officer", "VN-26/song-lo/lang-cong"),
    "techteam.member": ("techteam-member", "VN-26/song-lo/cao-phong/thon-1"),
    "auditor": ("auditor", "VN-26"),
}


@pytest.fixture(scope="module")
def realm() -> dict[str, Any]:
    data: dict[str, Any] = json.loads((repo_root() / REALM_FILE).read_text(encoding="utf-8"))
    return data


def client(realm: dict[str, Any], client_id: str) -> dict[str, Any]:
    found = [c for c in realm["clients"] if c["clientId"] == client_id]
    assert len(found) == 1, f"exactly one client {client_id!r}"
    result: dict[str, Any] = found[0]
    return result


def mappers(realm: dict[str, Any], client_id: str, kind: str) -> list[dict[str, Any]]:
    return [
        m
        for m in client(realm, client_id).get("protocolMappers", [])
        if m["protocolMapper"] == kind
    ]


def user_profile(realm: dict[str, Any]) -> dict[str, Any]:
    (component,) = realm["components"]["org.keycloak.userprofile.UserProfileProvider"]
    assert component["providerId"] == "declarative-user-profile"
    (raw,) = component["config"]["kc.user.profile.config"]
    profile: dict[str, Any] = json.loads(raw)
    return profile


# ---------------------------------------------------------------------- realm file
def test_realm_is_smartcommune_with_short_access_tokens(realm: dict[str, Any]) -> None:
    assert realm["realm"] == REALM == "smartcommune"
    assert realm["enabled"] is True
    assert 60 <= realm["accessTokenLifespan"] <= 600


def test_realm_roles(realm: dict[str, Any]) -> None:
    assert {r["name"] for r in realm["roles"]["realm"]} >= ROLES


def test_built_in_client_scopes_are_kept(realm: dict[str, Any]) -> None:
    # An import that lists `clientScopes` replaces Keycloak's built-in ones, and with them the
    # `roles` scope that puts realm roles into `realm_access.roles`: mappers live on clients.
    assert "clientScopes" not in realm
    assert "defaultDefaultClientScopes" not in realm


def test_the_code_and_the_realm_agree_on_the_service_clients() -> None:
    assert set(SERVICE_CLIENTS) == SERVICES


@pytest.mark.parametrize("client_id", sorted(SERVICES))
def test_service_client_is_confidential_with_a_service_account_and_no_secret(
    realm: dict[str, Any], client_id: str
) -> None:
    c = client(realm, client_id)
    assert c["enabled"] is True
    assert c["publicClient"] is False
    assert c.get("bearerOnly", False) is False
    assert c["clientAuthenticatorType"] == "client-secret"
    assert c["serviceAccountsEnabled"] is True  # the client-credentials grant
    assert c["standardFlowEnabled"] is False
    assert c["directAccessGrantsEnabled"] is False
    assert "secret" not in c, "secrets are generated per run, never committed"


def test_no_secret_anywhere_in_the_realm_file() -> None:
    text = (repo_root() / REALM_FILE).read_text(encoding="utf-8")
    assert '"secret"' not in text
    assert "client.secret" not in text


def test_portal_is_public_with_pkce_and_local_redirects(realm: dict[str, Any]) -> None:
    c = client(realm, PORTAL_CLIENT)
    assert c["publicClient"] is True
    assert c["standardFlowEnabled"] is True
    assert c["implicitFlowEnabled"] is False
    assert c["directAccessGrantsEnabled"] is False
    assert c["attributes"]["pkce.code.challenge.method"] == "S256"
    assert "http://localhost:*" in c["redirectUris"]


def test_cli_is_public_with_the_password_grant(realm: dict[str, Any]) -> None:
    c = client(realm, CLI_CLIENT)
    assert c["publicClient"] is True
    assert c["directAccessGrantsEnabled"] is True
    assert c["standardFlowEnabled"] is False


def test_admin_unit_is_declared_in_the_user_profile_and_admin_editable_only(
    realm: dict[str, Any],
) -> None:
    attributes = {a["name"]: a for a in user_profile(realm)["attributes"]}
    # The declarative profile replaces the default one whole: the built-ins must stay.
    assert {"username", "email", "firstName", "lastName"} <= attributes.keys()
    admin_unit = attributes["admin_unit"]
    assert admin_unit["permissions"]["edit"] == ["admin"]
    assert admin_unit.get("multivalued", False) is False
    assert "required" not in admin_unit  # a missing unit must not block logins of service users


@pytest.mark.parametrize("client_id", [CLI_CLIENT, PORTAL_CLIENT])
def test_admin_unit_is_mapped_into_access_and_id_tokens(
    realm: dict[str, Any], client_id: str
) -> None:
    (mapper,) = mappers(realm, client_id, "oidc-usermodel-attribute-mapper")
    config = mapper["config"]
    assert config["user.attribute"] == "admin_unit"
    assert config["claim.name"] == "admin_unit"
    assert config["jsonType.label"] == "String"
    assert config["access.token.claim"] == "true"
    assert config["id.token.claim"] == "true"


@pytest.mark.parametrize("client_id", sorted(SERVICES | {CLI_CLIENT, PORTAL_CLIENT}))
def test_tokens_carry_every_service_as_audience(realm: dict[str, Any], client_id: str) -> None:
    audience = mappers(realm, client_id, "oidc-audience-mapper")
    assert {m["config"]["included.client.audience"] for m in audience} == SERVICES
    assert all(m["config"]["access.token.claim"] == "true" for m in audience)


@pytest.mark.parametrize(("username", "expected"), sorted(DEMO_USERS.items()))
def test_demo_user(realm: dict[str, Any], username: str, expected: tuple[str, str]) -> None:
    role, unit = expected
    (user,) = [u for u in realm["users"] if u["username"] == username]
    assert user["enabled"] is True
    assert role in user["realmRoles"]
    assert user["attributes"]["admin_unit"] == [unit]
    # A complete, verified profile: otherwise the password grant answers "Account is not fully
    # set up".
    assert user["emailVerified"] is True
    assert user["firstName"]
    assert user["lastName"]
    assert user["email"]
    assert not user.get("requiredActions")
    (credential,) = user["credentials"]
    assert credential == {
        "type": "password",
        "value": "demo-" + username.replace(".", "-"),
        "temporary": False,
    }


def test_demo_users_admin_units_pass_the_profile_validation(realm: dict[str, Any]) -> None:
    (admin_unit,) = [a for a in user_profile(realm)["attributes"] if a["name"] == "admin_unit"]
    pattern = re.compile(admin_unit["validations"]["pattern"]["pattern"])
    for _, unit in DEMO_USERS.values():
        assert pattern.fullmatch(unit), unit
    assert not pattern.fullmatch("VN-26/../other")


def test_demo_users_only(realm: dict[str, Any]) -> None:
    assert {u["username"] for u in realm["users"]} == set(DEMO_USERS)


# ---------------------------------------------------------------------- server wrapper
def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


@pytest.fixture
def server(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> KeycloakServer:
    config = StackConfig(
        run_dir=tmp_path / "run",
        cache_dir=tmp_path / "cache",
        keycloak_version="99.0.0",
        keycloak_port=free_port(),
        keycloak_management_port=free_port(),
    )
    jdk = tmp_path / "jdk"
    monkeypatch.setattr(kc_module, "find_java", lambda _major: jdk / "bin" / "java")
    return KeycloakServer(config)


def fake_distribution(server: KeycloakServer) -> Path:
    dist = server.distribution
    for rel in ("bin/client", "conf", "lib/lib/main", "lib/app", "lib/quarkus", "providers"):
        (dist / rel).mkdir(parents=True)
    (dist / "bin" / "kc.sh").write_text("#!/bin/sh\n")
    (dist / "lib" / "lib" / "main" / "a.jar").write_text("jar")
    (dist / "lib" / "quarkus" / "quarkus-application.dat").write_text("built")
    (dist / "conf" / "keycloak.conf").write_text("")
    (dist / ".smartcommune-unpacked").write_text("99.0.0\n")
    return dist


def test_command_runs_the_prebuilt_server_on_our_ports(server: KeycloakServer) -> None:
    argv = server.command()
    assert argv[0] == str(server.kc_home / "bin" / "kc.sh")
    assert argv[1:3] == ["start", "--optimized"]
    assert f"--http-port={server.config.keycloak_port}" in argv
    assert f"--http-management-port={server.config.keycloak_management_port}" in argv
    assert "--http-host=127.0.0.1" in argv
    assert "--import-realm" in argv
    assert "--cache=local" in argv  # runtime in 26.x; else a JGroups cluster on port 7800
    assert f"--hostname={server.address}" in argv


def test_environment_sets_jdk_and_admin_and_drops_foreign_keycloak_settings(
    server: KeycloakServer, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("KC_DB", "postgres")
    monkeypatch.setenv("JAVA_OPTS", "-Xmx16g")
    env = server.environment()
    assert "KC_DB" not in env
    assert "JAVA_OPTS" not in env
    assert env["JAVA_HOME"] == str(tmp_path / "jdk")
    assert env["KC_BOOTSTRAP_ADMIN_USERNAME"] == "admin"
    assert env["KC_BOOTSTRAP_ADMIN_PASSWORD"] == server.admin_password()
    assert "-Xmx" in env["JAVA_OPTS_KC_HEAP"]


def test_no_java_21_is_a_server_error(
    server: KeycloakServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(kc_module, "find_java", lambda _major: None)
    with pytest.raises(ServerError, match="needs Java 21"):
        server.environment()


def test_admin_password_is_random_private_and_stable(server: KeycloakServer) -> None:
    first = server.admin_password()
    assert len(first) >= 24
    assert stat.S_IMODE(os.stat(server.admin_password_path).st_mode) == 0o600
    assert server.admin_password() == first
    other = KeycloakServer(
        StackConfig(run_dir=server.config.run_dir.parent / "other", cache_dir=Path("/nonexistent"))
    )
    assert other.admin_password() != first


def test_connection_env_reads_the_generated_secrets(server: KeycloakServer) -> None:
    assert server.connection_env() == {
        "SMARTCOMMUNE_KEYCLOAK_URL": server.address,
        "SMARTCOMMUNE_KEYCLOAK_REALM": "smartcommune",
        "SMARTCOMMUNE_KEYCLOAK_ISSUER": f"{server.address}/realms/smartcommune",
    }
    server.home.mkdir(parents=True)
    server.client_secrets_path.write_text(json.dumps({"dossiers": "s1", "audit": "s2"}))
    env = server.connection_env()
    assert env["SMARTCOMMUNE_CLIENT_SECRET_DOSSIERS"] == "s1"
    assert env["SMARTCOMMUNE_CLIENT_SECRET_AUDIT"] == "s2"
    assert (
        client_secret_env_name("smartcommune-cli") == "SMARTCOMMUNE_CLIENT_SECRET_SMARTCOMMUNE_CLI"
    )


def test_prepare_gives_the_run_its_own_home_sharing_only_the_jars(
    server: KeycloakServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(KeycloakServer, "_build", lambda self, progress: None)
    dist = fake_distribution(server)
    server.prepare()
    home = server.kc_home
    assert (home / "lib" / "lib").is_symlink()
    assert (home / "lib" / "lib").resolve() == (dist / "lib" / "lib").resolve()
    assert not (home / "lib" / "quarkus").is_symlink()  # `kc.sh build` rewrites it
    assert not (home / "bin" / "kc.sh").is_symlink()  # kc.sh finds its home via readlink -f
    assert (home / "data" / "import" / "realm-smartcommune.json").is_file()
    (home / "lib" / "quarkus" / "quarkus-application.dat").write_text("rebuilt for this run")
    assert (dist / "lib" / "quarkus" / "quarkus-application.dat").read_text() == "built"

    # A new version lays the home out again but keeps the data (Keycloak migrates it).
    (home / "data" / "h2").mkdir()
    (home / ".smartcommune-layout").write_text("98.0.0\n")
    server.prepare()
    assert (home / "data" / "h2").is_dir()
    assert (home / "lib" / "quarkus" / "quarkus-application.dat").read_text() == "built"


def test_prepare_refuses_a_port_someone_else_holds(
    server: KeycloakServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(KeycloakServer, "_build", lambda self, progress: None)
    fake_distribution(server)
    with socket.socket() as squatter:
        squatter.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        squatter.bind(("127.0.0.1", server.config.keycloak_port))
        squatter.listen()
        with pytest.raises(ServerError, match="already in use"):
            server.prepare()


def test_check_is_unhealthy_not_an_exception_when_nothing_listens(server: KeycloakServer) -> None:
    health = server.check()
    assert health.ok is False
    assert "openid-configuration" in health.detail
