"""Signing with REAL Keycloak tokens: the realm's district officer signs with their own
certificate, the commune officer's certificate cannot be borrowed, service accounts cannot sign.

The `keycloak` fixture comes from the `smartcommune.cli.testing.servers` plugin.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import grpc
import pytest

from smartcommune.cli.testing.endpoints import KeycloakEndpoint
from smartcommune.contracts.identity.v1 import signing_pb2, signing_pb2_grpc
from smartcommune.identity.ca import issuing
from smartcommune.identity.ca.context import CertificationAuthority
from smartcommune.identity.ca.grpc_signing import start_signing_server
from smartcommune.identity.ca.testing import make_ca
from smartcommune.kit.auth import TokenVerifier
from smartcommune.kit.auth.grpc_client import bearer_metadata
from smartcommune.kit.grpc import channel

pytestmark = pytest.mark.integration

DOCUMENT = b'{"decision":"QD-9/UBND","recognised":["VN-26/song-lo/cao-phong/thon-1"]}'


def _password(username: str) -> str:
    return "demo-" + username.replace(".", "-")


@pytest.fixture
def verifier(keycloak: KeycloakEndpoint) -> TokenVerifier:
    return TokenVerifier(keycloak.issuer, "identity")


@pytest.fixture
def ca(
    tmp_path: Path, keycloak: KeycloakEndpoint, verifier: TokenVerifier
) -> CertificationAuthority:
    """A CA whose officials' certificates were issued by the real province administrator."""
    ca = make_ca(tmp_path)
    admin = verifier.verify(keycloak.password_token("province.admin", _password("province.admin")))
    for username, role, unit in (
        ("district.officer", "district-officer", "VN-26/song-lo"),
        ("commune.officer", "commune-officer", "VN-26/song-lo/cao-phong"),
    ):
        official = verifier.verify(keycloak.password_token(username, _password(username)))
        issuing.issue_official(
            ca, admin, subject=official.subject, username=official.username, role=role,
            admin_unit=unit, commune_code="08920" if role == "commune-officer" else None,
        )  # fmt: skip
    return ca


@pytest.fixture
def stub(
    ca: CertificationAuthority, verifier: TokenVerifier
) -> Iterator[signing_pb2_grpc.SigningStub]:
    serving = start_signing_server(ca, verifier)
    with channel(f"127.0.0.1:{serving.port}") as ch:
        yield signing_pb2_grpc.SigningStub(ch)
    serving.stop(grace=None)


def _request(serial: str = "") -> signing_pb2.SignRequest:
    return signing_pb2.SignRequest(
        document=DOCUMENT, content_type="application/json", purpose="recognition-decision",
        certificate_serial=serial,
    )  # fmt: skip


def test_real_tokens_sign_with_own_certificate_and_nothing_else(
    keycloak: KeycloakEndpoint, stub: signing_pb2_grpc.SigningStub, ca: CertificationAuthority
) -> None:
    district = bearer_metadata(
        keycloak.password_token("district.officer", _password("district.officer"))
    )
    signed = stub.Sign(_request(), metadata=district, timeout=10)
    assert "title=district-officer" in signed.signer_subject.replace("2.5.4.12", "title")

    with ca.unit_of_work(read_only=True) as uow:
        commune_serial = next(
            r.serial for r in ca.certificates.find(uow.session) if r.role == "commune-officer"
        )
    with pytest.raises(grpc.RpcError) as borrowed:
        stub.Sign(_request(commune_serial), metadata=district, timeout=10)
    assert borrowed.value.code() is grpc.StatusCode.PERMISSION_DENIED

    service = bearer_metadata(keycloak.client_token("scoring"))
    with pytest.raises(grpc.RpcError) as automated:
        stub.Sign(_request(), metadata=service, timeout=10)
    assert automated.value.code() is grpc.StatusCode.PERMISSION_DENIED

    auditor = bearer_metadata(keycloak.password_token("auditor", _password("auditor")))
    with pytest.raises(grpc.RpcError) as read_only:
        stub.Sign(_request(), metadata=auditor, timeout=10)
    assert read_only.value.code() is grpc.StatusCode.PERMISSION_DENIED

    verdict = stub.Verify(
        signing_pb2.VerifyRequest(document=DOCUMENT, cms_signature=signed.cms_signature),
        metadata=service, timeout=10,
    )  # fmt: skip
    assert verdict.valid, verdict.reason
    assert verdict.signer_role == "district-officer"
    assert not verdict.revoked_at_signing_time
