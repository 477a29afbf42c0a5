"""Turning verified Keycloak claims into a Principal."""

from typing import Any

import pytest

from smartcommune.kit.auth import Principal, Unauthorized

OFFICIAL: dict[str, Any] = {
    "sub": "f1c2",
    "azp": "smartcommune-cli",
    "preferred_username": "commune.officer",
    "realm_access": {"roles": ["commune-officer", "default-roles-smartcommune"]},
    "admin_unit": "VN-26/song-lo/cao-phong",
}
SERVICE: dict[str, Any] = {
    "sub": "9a0b",
    "azp": "dossiers",
    "preferred_username": "service-account-dossiers",
    "client_id": "dossiers",
    "realm_access": {"roles": ["default-roles-smartcommune"]},
}


def test_official_token_gives_roles_unit_and_raw_token() -> None:
    p = Principal.from_claims(OFFICIAL, "raw.jwt.value")
    assert p.subject == "f1c2"
    assert p.username == "commune.officer"
    assert "commune-officer" in p.roles
    assert p.admin_unit == "VN-26/song-lo/cao-phong"
    assert p.client_id == "smartcommune-cli"
    assert not p.is_service
    assert p.token == "raw.jwt.value"
    assert p.actor == "f1c2"


def test_raw_token_never_appears_in_repr() -> None:
    assert "raw.jwt.value" not in repr(Principal.from_claims(OFFICIAL, "raw.jwt.value"))


def test_service_account_token_is_recognised() -> None:
    p = Principal.from_claims(SERVICE, "t")
    assert p.is_service
    assert p.admin_unit is None
    assert p.actor == "service:dossiers"


def test_service_account_recognised_by_username_without_client_id_claim() -> None:
    claims = {k: v for k, v in SERVICE.items() if k != "client_id"}
    assert Principal.from_claims(claims, "t").is_service


def test_person_logging_in_through_a_service_client_is_not_a_service() -> None:
    assert not Principal.from_claims({**OFFICIAL, "azp": "dossiers"}, "t").is_service


def test_admin_unit_from_a_multivalued_mapper_is_accepted() -> None:
    claims = {**OFFICIAL, "admin_unit": ["VN-26/song-lo"]}
    assert Principal.from_claims(claims, "t").admin_unit == "VN-26/song-lo"


@pytest.mark.parametrize("unit", [["VN-26/a", "VN-26/b"], 42, "/"])
def test_ambiguous_or_unreadable_admin_unit_is_refused(unit: object) -> None:
    with pytest.raises(Unauthorized, match="admin_unit"):
        Principal.from_claims({**OFFICIAL, "admin_unit": unit}, "t")


@pytest.mark.parametrize("claim", ["sub", "azp"])
def test_token_without_subject_or_client_is_refused(claim: str) -> None:
    claims = {k: v for k, v in OFFICIAL.items() if k != claim}
    with pytest.raises(Unauthorized):
        Principal.from_claims(claims, "t")
