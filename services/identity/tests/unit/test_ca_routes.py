"""The CA's REST router, mounted the way the identity app mounts it, with local-issuer tokens."""

from __future__ import annotations

import base64
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from cryptography import x509
from cryptography.hazmat.primitives.serialization import pkcs7, pkcs12
from fastapi import FastAPI
from fastapi.testclient import TestClient

from smartcommune.identity.ca import ca_router
from smartcommune.identity.ca.context import CertificationAuthority
from smartcommune.identity.ca.testing import make_ca, openssl
from smartcommune.kit.auth.rest import install_auth_error_handlers, principal_dependency
from smartcommune.kit.auth.testing import LocalIssuer

Headers = Callable[[str], dict[str, str]]
PEOPLE = {
    "province.admin": ("province-admin", "VN-26"),
    "district.officer": ("district-officer", "VN-26/song-lo"),
    "commune.officer": ("commune-officer", "VN-26/song-lo/cao-phong"),
    "neighbour.officer": ("commune-officer", "VN-26/song-lo/lang-cong"),
    "auditor": ("auditor", "VN-26"),
}
RESIDENT = {"unit_path": "VN-26/song-lo/cao-phong/thon-1", "commune_code": "08920"}


@pytest.fixture(scope="module")
def issuer() -> Iterator[LocalIssuer]:
    with LocalIssuer() as running:
        yield running


@pytest.fixture
def auth(issuer: LocalIssuer) -> Headers:
    def headers(username: str) -> dict[str, str]:
        role, unit = PEOPLE[username]
        return {"Authorization": f"Bearer {issuer.mint(username, (role,), unit)}"}

    return headers


@pytest.fixture
def ca(tmp_path: Path) -> CertificationAuthority:
    return make_ca(tmp_path)


@pytest.fixture
def client(ca: CertificationAuthority, issuer: LocalIssuer) -> TestClient:
    app = FastAPI()
    install_auth_error_handlers(app)
    app.include_router(ca_router(ca, principal_dependency(issuer.verifier(audience="identity"))))
    return TestClient(app)


def _official(client: TestClient, auth: Headers, **changes: str) -> dict[str, str]:
    body = {"subject": str(uuid.uuid4()), "username": "new.officer", "role": "commune-officer",
            "admin_unit": "VN-26/song-lo/cao-phong", "commune_code": "08920"} | changes  # fmt: skip
    answer = client.post("/ca/officials/certificates", json=body, headers=auth("district.officer"))
    assert answer.status_code == 201, answer.text
    return dict(answer.json())


def test_the_crl_is_public_der_that_openssl_parses(client: TestClient, tmp_path: Path) -> None:
    answer = client.get("/ca/crl")
    assert answer.status_code == 200
    assert answer.headers["content-type"] == "application/pkix-crl"
    (tmp_path / "crl.der").write_bytes(answer.content)
    parsed = openssl("crl", "-inform", "DER", "-in", tmp_path / "crl.der", "-noout", "-text")
    assert parsed.returncode == 0, parsed.stderr
    assert "Smart Commune VN-26 Issuing CA" in parsed.stdout
    assert client.get("/ca/crl?format=pem").text.startswith("-----BEGIN X509 CRL-----")


def test_the_ca_chain_downloads_as_pem_and_der(client: TestClient) -> None:
    pem = client.get("/ca/chain")
    assert pem.headers["content-type"] == "application/pem-certificate-chain"
    assert len(x509.load_pem_x509_certificates(pem.content)) == 2
    der = client.get("/ca/chain?format=der")
    assert len(pkcs7.load_der_pkcs7_certificates(der.content)) == 2


def test_an_issued_certificate_is_listed_fetched_and_downloaded(
    client: TestClient, auth: Headers
) -> None:
    issued = _official(client, auth)
    serial = issued["serial"]
    assert issued["kind"] == "official"
    assert issued["key_origin"] == "service_held"
    assert "PRIVATE" not in str(issued)
    listed = client.get("/ca/certificates?kind=official", headers=auth("commune.officer")).json()
    assert [c["serial"] for c in listed] == [serial]
    assert (
        client.get("/ca/certificates?kind=official", headers=auth("neighbour.officer")).json() == []
    )
    one = client.get(f"/ca/certificates/{issued['fingerprint']}", headers=auth("auditor"))
    assert one.json()["serial"] == serial
    der = client.get(f"/ca/certificates/{serial}/certificate?format=der", headers=auth("auditor"))
    assert x509.load_der_x509_certificate(der.content).serial_number == int(serial, 16)
    chain = client.get(f"/ca/certificates/{serial}/chain", headers=auth("auditor"))
    assert len(x509.load_pem_x509_certificates(chain.content)) == 3
    hidden = client.get(f"/ca/certificates/{serial}", headers=auth("neighbour.officer"))
    assert hidden.status_code == 404


def test_refusals_are_problem_json(client: TestClient, auth: Headers) -> None:
    body = {"subject": "s", "username": "x", "role": "commune-officer",
            "admin_unit": "VN-26/lap-thach/xa-1", "commune_code": None}  # fmt: skip
    outside = client.post("/ca/officials/certificates", json=body, headers=auth("district.officer"))
    assert outside.status_code == 403
    assert outside.headers["content-type"] == "application/problem+json"
    assert outside.json()["type"] == "urn:smartcommune:problem:forbidden"
    anonymous = client.post("/ca/officials/certificates", json=body)
    assert anonymous.status_code == 401
    bad = client.post("/ca/officials/certificates", json=body | {"admin_unit": "VN-26/Sông Lô"},
                      headers=auth("province.admin"))  # fmt: skip
    assert bad.status_code == 422
    assert bad.json()["errors"] == [{"field": "admin_unit", "message": "an ASCII admin-unit path"}]
    missing = client.post("/ca/officials/certificates", json={}, headers=auth("province.admin"))
    assert missing.status_code == 422
    assert missing.headers["content-type"] == "application/problem+json"
    assert {e["field"] for e in missing.json()["errors"]} >= {"subject", "role", "admin_unit"}


def test_a_pkcs12_handover_is_not_cacheable_and_opens_with_its_password(
    client: TestClient, auth: Headers
) -> None:
    body = {"resident_id": f"resident-{uuid.uuid4()}", **RESIDENT}
    answer = client.post("/ca/residents/pkcs12", json=body, headers=auth("commune.officer"))
    assert answer.status_code == 201, answer.text
    assert answer.headers["cache-control"] == "no-store"
    handover = answer.json()
    key, certificate, _ = pkcs12.load_key_and_certificates(
        base64.b64decode(handover["pkcs12_base64"]), handover["password"].encode()
    )
    assert key is not None
    assert certificate is not None
    assert handover["certificate"]["key_origin"] == "pkcs12_handover"


def test_revocation_and_external_uploads_over_rest(client: TestClient, auth: Headers) -> None:
    serial = _official(client, auth)["serial"]
    url, district = f"/ca/certificates/{serial}/revocation", auth("district.officer")
    revoked = client.post(url, json={"reason": "key_compromise"}, headers=district)
    assert revoked.status_code == 200, revoked.text
    assert revoked.json()["revocation_reason"] == "key_compromise"
    again = client.post(url, json={"reason": "superseded"}, headers=district)
    assert again.status_code == 409
    bad_reason = client.post(url, json={"reason": "bored"}, headers=district)
    assert bad_reason.status_code == 422
    assert bad_reason.json()["errors"][0]["field"] == "reason"

    key_pem = "-----BEGIN RSA PRIVATE KEY-----\nAA\n-----END RSA PRIVATE KEY-----"
    upload = {"resident_id": f"resident-{uuid.uuid4()}", **RESIDENT, "provider": "VNPT-CA",
              "certificate_pem": key_pem}  # fmt: skip
    refused = client.post("/ca/external-certificates", json=upload, headers=auth("commune.officer"))
    assert refused.status_code == 422
    assert refused.json()["errors"][0]["field"] == "certificate_pem"
    assert "AA" not in refused.text.replace("PRIVATE", "")  # the upload is not echoed back
