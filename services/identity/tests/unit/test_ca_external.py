"""Certificates from licensed public CAs: recorded without keys, chain-checked when configured."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

from smartcommune.identity.ca import external
from smartcommune.identity.ca.domain import Conflict, InvalidRequest
from smartcommune.identity.ca.testing import make_ca, person, recorded_events, settings
from smartcommune.kit.auth import Forbidden

OFFICER = person("commune.officer", "commune-officer", "VN-26/song-lo/cao-phong")
UNIT, COMMUNE = "VN-26/song-lo/cao-phong/thon-2", "08920"
NOW = datetime.now(UTC)


def _name(cn: str) -> x509.Name:
    return x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, cn)])


def _public_ca(name: str) -> tuple[x509.Certificate, ec.EllipticCurvePrivateKey]:
    key = ec.generate_private_key(ec.SECP256R1())
    usage = x509.KeyUsage(False, False, False, False, False, True, True, False, False)
    root = (
        x509.CertificateBuilder().subject_name(_name(name)).issuer_name(_name(name))
        .public_key(key.public_key()).serial_number(x509.random_serial_number())
        .not_valid_before(NOW - timedelta(days=1)).not_valid_after(NOW + timedelta(days=900))
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .add_extension(usage, critical=True)
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), False)
        .sign(key, hashes.SHA256())
    )  # fmt: skip
    return root, key


def _citizen_certificate(root: x509.Certificate, root_key: ec.EllipticCurvePrivateKey) -> str:
    key = ec.generate_private_key(ec.SECP256R1())
    usage = x509.KeyUsage(True, True, False, False, False, False, False, False, False)
    leaf = (
        x509.CertificateBuilder().subject_name(_name("NGUYEN VAN A")).issuer_name(root.subject)
        .public_key(key.public_key()).serial_number(x509.random_serial_number())
        .not_valid_before(NOW - timedelta(hours=1)).not_valid_after(NOW + timedelta(days=365))
        .add_extension(usage, critical=True)
        .add_extension(x509.AuthorityKeyIdentifier.from_issuer_public_key(root_key.public_key()),
                       False)
        .sign(root_key, hashes.SHA256())
    )  # fmt: skip
    return leaf.public_bytes(serialization.Encoding.PEM).decode()


@pytest.fixture
def vnpt(tmp_path: Path) -> tuple[Path, x509.Certificate, ec.EllipticCurvePrivateKey]:
    root, key = _public_ca("VNPT Certification Authority (test)")
    bundle = tmp_path / "vnpt.pem"
    bundle.write_bytes(root.public_bytes(serialization.Encoding.PEM))
    return bundle, root, key


def _record(ca: object, provider: str, pem: str) -> object:
    return external.record_external(
        ca, OFFICER, resident_id=f"resident-{uuid.uuid4()}", unit_path=UNIT,  # type: ignore[arg-type]
        commune_code=COMMUNE, provider=provider, certificate_pem=pem,
    )  # fmt: skip


def test_a_certificate_chaining_to_a_configured_root_is_recorded_as_verified(
    tmp_path: Path, vnpt: tuple[Path, x509.Certificate, ec.EllipticCurvePrivateKey]
) -> None:
    bundle, root, key = vnpt
    ca = make_ca(tmp_path, ca_settings=settings(external_roots={"VNPT-CA": bundle}))
    record = _record(ca, "VNPT-CA", _citizen_certificate(root, key))
    assert record.chain_status == "verified"  # type: ignore[attr-defined]
    event = recorded_events(ca)[-1]
    assert event.event_type == "external_certificate.recorded"
    assert event.payload["chain_verified"] is True
    assert "NGUYEN" not in str(dict(event.payload))  # the certificate's name stays out


def test_a_certificate_from_another_root_is_refused_for_that_provider(
    tmp_path: Path, vnpt: tuple[Path, x509.Certificate, ec.EllipticCurvePrivateKey]
) -> None:
    bundle, _, _ = vnpt
    impostor, impostor_key = _public_ca("VNPT Certification Authority (test)")
    ca = make_ca(tmp_path, ca_settings=settings(external_roots={"VNPT-CA": bundle}))
    with pytest.raises(InvalidRequest, match="does not chain to VNPT-CA") as refused:
        _record(ca, "VNPT-CA", _citizen_certificate(impostor, impostor_key))
    assert refused.value.field == "certificate_pem"


def test_a_provider_without_configured_roots_is_recorded_unverified_once(tmp_path: Path) -> None:
    ca = make_ca(tmp_path)
    root, key = _public_ca("Viettel-CA (test)")
    pem = _citizen_certificate(root, key)
    record = _record(ca, "Viettel-CA", pem)
    assert record.chain_status == "unverified: no root configured for Viettel-CA"  # type: ignore[attr-defined]
    with pytest.raises(Conflict):
        _record(ca, "Viettel-CA", pem)


@pytest.mark.parametrize(
    "extra",
    [
        "-----BEGIN PRIVATE KEY-----\nMIGHAgEAMBMGByqGSM4\n-----END PRIVATE KEY-----\n",
        "-----BEGIN EC PRIVATE KEY-----\nAAAA\n-----END EC PRIVATE KEY-----\n",
        "-----BEGIN ENCRYPTED PRIVATE KEY-----\nAAAA\n-----END ENCRYPTED PRIVATE KEY-----\n",
    ],
)
def test_any_private_key_in_an_upload_is_refused(tmp_path: Path, extra: str) -> None:
    ca = make_ca(tmp_path)
    root, key = _public_ca("FPT-CA (test)")
    with pytest.raises(InvalidRequest, match="private-key material"):
        _record(ca, "FPT-CA", _citizen_certificate(root, key) + extra)
    assert [e.event_type for e in recorded_events(ca)] == ["certificate.issued"] * 2  # CA only


def test_non_certificate_blocks_and_other_communes_are_refused(tmp_path: Path) -> None:
    ca = make_ca(tmp_path)
    with pytest.raises(InvalidRequest, match="only certificates"):
        _record(ca, "BKAV-CA", "-----BEGIN PKCS7-----\nAAAA\n-----END PKCS7-----\n")
    root, key = _public_ca("BKAV-CA (test)")
    with pytest.raises(Forbidden):
        external.record_external(
            ca, person("neighbour.officer", "commune-officer", "VN-26/song-lo/lang-cong"),
            resident_id=f"resident-{uuid.uuid4()}", unit_path=UNIT, commune_code=COMMUNE,
            provider="BKAV-CA", certificate_pem=_citizen_certificate(root, key),
        )  # fmt: skip
