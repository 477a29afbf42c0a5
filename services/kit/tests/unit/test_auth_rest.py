"""The FastAPI dependency: every refused token is a 401 problem+json, every refused unit a 403."""

# No `from __future__ import annotations`: FastAPI must resolve the route signatures below.

import base64
import hashlib
import hmac
import json
import time
from collections.abc import Callable, Iterator
from typing import Annotated, Any

import pytest
from cryptography.hazmat.primitives import serialization
from fastapi import Depends, FastAPI
from fastapi.testclient import TestClient

from smartcommune.kit.auth import AUDITOR, COMMUNE_OFFICER, DISTRICT_OFFICER, Principal, Rule
from smartcommune.kit.auth.rest import install_auth_error_handlers, principal_dependency, require
from smartcommune.kit.auth.testing import LocalIssuer

RECORD = Rule(roles={COMMUNE_OFFICER, DISTRICT_OFFICER}, write=True)
READ = Rule(roles={COMMUNE_OFFICER, DISTRICT_OFFICER, AUDITOR})


@pytest.fixture(scope="module")
def issuer() -> Iterator[LocalIssuer]:
    with LocalIssuer() as running:
        yield running


@pytest.fixture(scope="module")
def client(issuer: LocalIssuer) -> TestClient:
    app = FastAPI()
    install_auth_error_handlers(app)
    current = principal_dependency(issuer.verifier("dossiers"))

    @app.get("/me")
    def me(principal: Annotated[Principal, Depends(current)]) -> dict[str, Any]:
        return {"username": principal.username, "unit": principal.admin_unit}

    @app.get("/units/{unit:path}/facts")
    def read(principal: Annotated[Principal, Depends(require(current, READ, "unit"))]) -> str:
        return principal.username

    @app.post("/units/{unit:path}/facts")
    def record(principal: Annotated[Principal, Depends(require(current, RECORD, "unit"))]) -> str:
        return principal.username

    return TestClient(app)


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def _unsigned(issuer: LocalIssuer) -> str:
    claims = json.loads(base64.urlsafe_b64decode(issuer.mint().split(".")[1] + "=="))
    header = {"alg": "none", "typ": "JWT", "kid": issuer.current_kid}
    return f"{_b64(json.dumps(header).encode())}.{_b64(json.dumps(claims).encode())}."


def _hs256_with_public_key(issuer: LocalIssuer) -> str:
    """The classic confusion attack: HMAC keyed with the RSA public key everyone can fetch."""
    _, key = issuer.private_keys[issuer.current_kid]
    secret = key.public_key().public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    )
    claims = issuer.mint().split(".")[1]
    header = _b64(json.dumps({"alg": "HS256", "typ": "JWT", "kid": issuer.current_kid}).encode())
    signature = hmac.new(secret, f"{header}.{claims}".encode(), hashlib.sha256).digest()
    return f"{header}.{claims}.{_b64(signature)}"


BAD_TOKENS: dict[str, tuple[Callable[[LocalIssuer], str], str]] = {
    "wrong audience": (lambda i: i.mint(audience="payments"), "not intended for this service"),
    "wrong issuer": (lambda i: i.mint(claims={"iss": "http://evil/realms/x"}), "unexpected issuer"),
    "expired": (lambda i: i.mint(lifetime=-60), "expired"),
    "not yet valid": (lambda i: i.mint(claims={"nbf": int(time.time()) + 300}), "not yet valid"),
    "unknown key": (lambda i: i.mint(kid=i.add_key(publish=False)), "unknown key"),
    "alg none": (_unsigned, "algorithm is not accepted"),
    "HS256 with public key": (_hs256_with_public_key, "algorithm is not accepted"),
    "garbage": (lambda i: "not-a-jwt", "malformed"),
    "tampered": (lambda i: i.mint()[:-6] + "AAAAAA", "signature is invalid"),
}


@pytest.mark.parametrize("case", BAD_TOKENS)
def test_untrustworthy_token_is_a_401_problem(
    client: TestClient, issuer: LocalIssuer, case: str
) -> None:
    make, reason = BAD_TOKENS[case]
    response = client.get("/me", headers={"Authorization": f"Bearer {make(issuer)}"})
    assert response.status_code == 401
    assert response.headers["content-type"] == "application/problem+json"
    problem = response.json()
    assert problem["type"] == "urn:smartcommune:problem:unauthorized"
    assert problem["status"] == 401
    assert problem["title"] == "Unauthorized"
    assert reason in problem["detail"]
    assert response.headers["www-authenticate"].startswith('Bearer realm="smartcommune", error=')


@pytest.mark.parametrize("header", [None, "Basic dXNlcjpwYXNz", "Bearer"])
def test_missing_bearer_token_is_a_bare_401_challenge(
    client: TestClient, header: str | None
) -> None:
    response = client.get("/me", headers={"Authorization": header} if header else {})
    assert response.status_code == 401
    assert response.json()["detail"] == "a bearer token is required"
    assert response.headers["www-authenticate"] == 'Bearer realm="smartcommune"'


def test_valid_token_reaches_the_route(client: TestClient, issuer: LocalIssuer) -> None:
    response = client.get("/me", headers={"Authorization": f"Bearer {issuer.mint()}"})
    assert response.status_code == 200
    assert response.json() == {"username": "commune.officer", "unit": "VN-26/song-lo/cao-phong"}


def test_unit_outside_the_subtree_is_a_403_problem(client: TestClient, issuer: LocalIssuer) -> None:
    token = issuer.mint("neighbour.officer", admin_unit="VN-26/song-lo/lang-cong")
    response = client.post(
        "/units/VN-26/song-lo/cao-phong/facts", headers={"Authorization": f"Bearer {token}"}
    )
    assert response.status_code == 403
    assert response.headers["content-type"] == "application/problem+json"
    problem = response.json()
    assert problem["type"] == "urn:smartcommune:problem:forbidden"
    assert problem["status"] == 403
    assert problem["title"] == "Forbidden"
    assert "outside your unit" in problem["detail"]
    assert problem["instance"] == "/units/VN-26/song-lo/cao-phong/facts"


def test_district_reads_its_commune_and_auditor_cannot_write(
    client: TestClient, issuer: LocalIssuer
) -> None:
    district = issuer.mint("district.officer", [DISTRICT_OFFICER], "VN-26/song-lo")
    auditor = issuer.mint("auditor", [AUDITOR], "VN-26")
    url = "/units/VN-26/song-lo/cao-phong/facts"
    assert client.get(url, headers={"Authorization": f"Bearer {district}"}).status_code == 200
    assert client.get(url, headers={"Authorization": f"Bearer {auditor}"}).status_code == 200
    assert client.post(url, headers={"Authorization": f"Bearer {auditor}"}).status_code == 403


def test_subtree_rule_without_unit_source_is_refused_when_declared() -> None:
    def nobody() -> Principal:
        raise AssertionError("never called")

    with pytest.raises(ValueError, match="unit_from"):
        require(nobody, RECORD)
