"""`identity.v1.Signing` over a real in-process gRPC server with tokens from a local issuer:
the official's own token signs with their own certificate and nothing else does."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC
from pathlib import Path

import grpc
import pytest
from cryptography import x509
from grpc_health.v1 import health_pb2, health_pb2_grpc

from smartcommune.contracts.identity.v1 import signing_pb2, signing_pb2_grpc
from smartcommune.identity.ca import authority, issuing, revocation
from smartcommune.identity.ca.context import CertificationAuthority
from smartcommune.identity.ca.domain import CertificateRecord, RevocationReason
from smartcommune.identity.ca.grpc_signing import start_signing_server
from smartcommune.identity.ca.testing import Clock, make_ca, openssl, person, write_pem
from smartcommune.kit.auth.grpc_client import bearer_metadata
from smartcommune.kit.auth.testing import LocalIssuer
from smartcommune.kit.grpc import channel

DOCUMENT = b'{"decision":"QD-7/UBND","units":["VN-26/song-lo/cao-phong/thon-1"]}' * 300
PEOPLE = {
    "district.officer": ("district-officer", "VN-26/song-lo"),
    "commune.officer": ("commune-officer", "VN-26/song-lo/cao-phong"),
    "auditor": ("auditor", "VN-26"),
}


@pytest.fixture(scope="module")
def issuer() -> Iterator[LocalIssuer]:
    with LocalIssuer() as running:
        yield running


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def ca(tmp_path: Path, clock: Clock) -> CertificationAuthority:
    return make_ca(tmp_path, clock=clock)


@pytest.fixture
def certified(ca: CertificationAuthority) -> dict[str, CertificateRecord]:
    """A certificate for each official, issued by the province administrator."""
    admin = person("province.admin", "province-admin", "VN-26")
    return {
        name: issuing.issue_official(
            ca,
            admin,
            subject=person(name, role, unit).subject,
            username=name,
            role=role,
            admin_unit=unit,
            commune_code="08920" if role == "commune-officer" else None,
        )
        for name, (role, unit) in PEOPLE.items()
        if role != "auditor"
    }


@pytest.fixture
def stub(ca: CertificationAuthority, issuer: LocalIssuer) -> Iterator[signing_pb2_grpc.SigningStub]:
    serving = start_signing_server(ca, issuer.verifier(audience="identity"))
    with channel(f"127.0.0.1:{serving.port}") as ch:
        yield signing_pb2_grpc.SigningStub(ch)
    serving.stop(grace=None)


def _token(issuer: LocalIssuer, who: str) -> tuple[tuple[str, str]]:
    if who.startswith("service:"):
        token = issuer.service_token(who.removeprefix("service:"))
    else:
        role, unit = PEOPLE[who]
        token = issuer.mint(who, (role,), unit)
    return bearer_metadata(token)


def _sign(stub: signing_pb2_grpc.SigningStub, issuer: LocalIssuer, who: str, serial: str = "",
          purpose: str = "recognition-decision") -> signing_pb2.SignResponse:  # fmt: skip
    request = signing_pb2.SignRequest(
        document=DOCUMENT, content_type="application/json", purpose=purpose,
        certificate_serial=serial,
    )  # fmt: skip
    response: signing_pb2.SignResponse = stub.Sign(
        request, metadata=_token(issuer, who), timeout=10
    )
    return response


def test_an_official_signs_with_their_own_certificate_and_openssl_agrees(
    stub: signing_pb2_grpc.SigningStub, issuer: LocalIssuer,
    certified: dict[str, CertificateRecord], ca: CertificationAuthority, tmp_path: Path,
) -> None:  # fmt: skip
    signed = _sign(stub, issuer, "district.officer")
    own = certified["district.officer"]
    assert signed.certificate_serial == own.serial
    assert signed.signer_subject == own.subject_dn
    assert x509.load_der_x509_certificate(signed.certificate_der).serial_number == int(
        own.serial, 16
    )
    (tmp_path / "sig.der").write_bytes(signed.cms_signature)
    (tmp_path / "doc.bin").write_bytes(DOCUMENT)
    issuing_ca, root = authority.ca_chain(ca)
    result = openssl(
        "cms", "-verify", "-binary", "-inform", "DER", "-in", tmp_path / "sig.der",
        "-content", tmp_path / "doc.bin", "-CAfile", write_pem(tmp_path / "root.pem", root),
        "-certfile", write_pem(tmp_path / "issuing.pem", issuing_ca), "-purpose", "any",
        "-out", tmp_path / "out.bin",
    )  # fmt: skip
    assert result.returncode == 0, result.stderr


def test_naming_another_officials_certificate_is_permission_denied(
    stub: signing_pb2_grpc.SigningStub, issuer: LocalIssuer,
    certified: dict[str, CertificateRecord],
) -> None:  # fmt: skip
    theirs = certified["commune.officer"].serial
    with pytest.raises(grpc.RpcError) as refused:
        _sign(stub, issuer, "district.officer", serial=theirs)
    assert refused.value.code() is grpc.StatusCode.PERMISSION_DENIED
    assert "not one of your certificates" in str(refused.value.details())


@pytest.mark.parametrize("who", ["service:scoring", "service:identity", "auditor"])
def test_service_accounts_and_auditors_cannot_sign(
    stub: signing_pb2_grpc.SigningStub, issuer: LocalIssuer,
    certified: dict[str, CertificateRecord], who: str,
) -> None:  # fmt: skip
    with pytest.raises(grpc.RpcError) as refused:
        _sign(stub, issuer, who)
    assert refused.value.code() is grpc.StatusCode.PERMISSION_DENIED


def test_no_token_is_unauthenticated_but_health_is_public(
    stub: signing_pb2_grpc.SigningStub, ca: CertificationAuthority, issuer: LocalIssuer
) -> None:
    with pytest.raises(grpc.RpcError) as refused:
        stub.Sign(signing_pb2.SignRequest(document=b"x"), timeout=10)
    assert refused.value.code() is grpc.StatusCode.UNAUTHENTICATED
    serving = start_signing_server(ca, issuer.verifier(audience="identity"))
    with channel(f"127.0.0.1:{serving.port}") as ch:
        answer = health_pb2_grpc.HealthStub(ch).Check(
            health_pb2.HealthCheckRequest(service="identity.v1.Signing"), timeout=10
        )
    serving.stop(grace=None)
    assert answer.status == health_pb2.HealthCheckResponse.SERVING


def test_a_revoked_certificate_is_failed_precondition_with_the_reason(
    stub: signing_pb2_grpc.SigningStub, issuer: LocalIssuer,
    certified: dict[str, CertificateRecord], ca: CertificationAuthority,
) -> None:  # fmt: skip
    district = person("district.officer", "district-officer", "VN-26/song-lo")
    revocation.revoke(ca, district, certified["district.officer"].serial,
                      RevocationReason.KEY_COMPROMISE)  # fmt: skip
    with pytest.raises(grpc.RpcError) as refused:
        _sign(stub, issuer, "district.officer")
    assert refused.value.code() is grpc.StatusCode.FAILED_PRECONDITION
    assert "key_compromise" in str(refused.value.details())


def test_a_service_verifies_and_sees_revocation_relative_to_signing_time(
    stub: signing_pb2_grpc.SigningStub, issuer: LocalIssuer,
    certified: dict[str, CertificateRecord], ca: CertificationAuthority, clock: Clock,
) -> None:  # fmt: skip
    signed = _sign(stub, issuer, "district.officer")
    district = person("district.officer", "district-officer", "VN-26/song-lo")
    clock.advance(days=1)
    revocation.revoke(ca, district, signed.certificate_serial, RevocationReason.SUPERSEDED)
    scoring = _token(issuer, "service:scoring")

    request = signing_pb2.VerifyRequest(document=DOCUMENT, cms_signature=signed.cms_signature)
    verdict = stub.Verify(request, metadata=scoring, timeout=10)
    assert verdict.valid, verdict.reason
    assert not verdict.revoked_at_signing_time
    assert verdict.signer_role == "district-officer"
    assert verdict.signer_subject == signed.signer_subject
    assert verdict.certificate_serial == signed.certificate_serial
    assert verdict.revocation_reason == "superseded"
    assert verdict.revoked_at.ToDatetime(tzinfo=UTC) == clock.now
    assert verdict.signed_at == signed.signed_at
    assert len(verdict.chain_der) == 3

    request.at.FromDatetime(clock.advance(hours=1))
    later = stub.Verify(request, metadata=_token(issuer, "auditor"), timeout=10)
    assert not later.valid
    assert later.revoked_at_signing_time


def test_get_certificate_chain_by_dn_holder_or_empty(
    stub: signing_pb2_grpc.SigningStub, issuer: LocalIssuer,
    certified: dict[str, CertificateRecord], ca: CertificationAuthority,
) -> None:  # fmt: skip
    own = certified["district.officer"]
    audit = _token(issuer, "service:audit")
    for subject in (own.subject_dn, own.holder):
        chain = stub.GetCertificateChain(
            signing_pb2.GetCertificateChainRequest(subject=subject), metadata=audit, timeout=10
        )
        assert chain.chain_der[0] == own.der
        assert len(chain.chain_der) == 3
    ca_only = stub.GetCertificateChain(signing_pb2.GetCertificateChainRequest(), metadata=audit)
    assert len(ca_only.chain_der) == 2
    with pytest.raises(grpc.RpcError) as missing:
        stub.GetCertificateChain(
            signing_pb2.GetCertificateChainRequest(subject="CN=nobody"), metadata=audit
        )
    assert missing.value.code() is grpc.StatusCode.NOT_FOUND
