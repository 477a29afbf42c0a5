"""Residents' certificates: from their own CSR, or a generated key handed over once as PKCS#12."""

from __future__ import annotations

import uuid
from pathlib import Path

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from cryptography.hazmat.primitives.serialization import pkcs12
from cryptography.x509.oid import NameOID
from sqlalchemy import func, select

from smartcommune.identity.ca import authority, residents
from smartcommune.identity.ca.context import CertificationAuthority
from smartcommune.identity.ca.domain import InvalidRequest, KeyOrigin
from smartcommune.identity.ca.tables import ca_keys
from smartcommune.identity.ca.testing import make_ca, openssl, person, recorded_events, write_pem
from smartcommune.kit.auth import Forbidden
from smartcommune.kit.store import UnitOfWork

OFFICER = person("commune.officer", "commune-officer", "VN-26/song-lo/cao-phong")
NEIGHBOUR = person("neighbour.officer", "commune-officer", "VN-26/song-lo/lang-cong")
UNIT, COMMUNE = "VN-26/song-lo/cao-phong/thon-1", "08920"


@pytest.fixture
def ca(tmp_path: Path) -> CertificationAuthority:
    return make_ca(tmp_path)


def _resident() -> str:
    return f"resident-{uuid.uuid4()}"


def _csr(key: ec.EllipticCurvePrivateKey | rsa.RSAPrivateKey, name: str = "Nguyễn Văn A") -> str:
    request = (
        x509.CertificateSigningRequestBuilder()
        .subject_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, name)]))
        .sign(key, hashes.SHA256())
    )
    return request.public_bytes(serialization.Encoding.PEM).decode()


def _ca_keys(ca: CertificationAuthority) -> int:
    with UnitOfWork(ca.engine, read_only=True) as uow:
        return int(uow.session.execute(select(func.count()).select_from(ca_keys)).scalar_one())


def test_a_csr_is_certified_with_a_pseudonymous_subject_and_verifies(
    ca: CertificationAuthority, tmp_path: Path
) -> None:
    key, resident = ec.generate_private_key(ec.SECP256R1()), _resident()
    record = residents.issue_resident_from_csr(
        ca, OFFICER, resident_id=resident, unit_path=UNIT, commune_code=COMMUNE,
        csr_pem=_csr(key),
    )  # fmt: skip
    leaf = record.certificate
    assert leaf.public_key() == key.public_key()
    assert leaf.subject.get_attributes_for_oid(NameOID.COMMON_NAME)[0].value == resident
    assert "Nguyễn" not in leaf.subject.rfc4514_string()  # the CSR's name is not copied
    assert record.key_origin is KeyOrigin.CSR
    issuing_ca, root = authority.ca_chain(ca)
    result = openssl(
        "verify", "-x509_strict", "-CAfile", write_pem(tmp_path / "root.pem", root),
        "-untrusted", write_pem(tmp_path / "issuing.pem", issuing_ca),
        write_pem(tmp_path / "leaf.pem", leaf),
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    event = recorded_events(ca)[-1]
    assert (event.event_type, event.commune_code, event.unit_path) == (
        "certificate.issued", COMMUNE, UNIT,
    )  # fmt: skip
    assert event.payload["holder"] == resident


def test_rsa_csrs_of_2048_bits_are_accepted_but_weaker_keys_are_not(
    ca: CertificationAuthority,
) -> None:
    strong = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    residents.issue_resident_from_csr(
        ca, OFFICER, resident_id=_resident(), unit_path=UNIT, commune_code=COMMUNE,
        csr_pem=_csr(strong),
    )  # fmt: skip
    weak = rsa.generate_private_key(public_exponent=65537, key_size=1024)  # noqa: S505 — on purpose
    with pytest.raises(InvalidRequest, match="RSA >= 2048") as refused:
        residents.issue_resident_from_csr(
            ca, OFFICER, resident_id=_resident(), unit_path=UNIT, commune_code=COMMUNE,
            csr_pem=_csr(weak),
        )  # fmt: skip
    assert refused.value.field == "csr_pem"


def test_a_csr_that_is_not_pem_is_refused_by_field(ca: CertificationAuthority) -> None:
    with pytest.raises(InvalidRequest) as refused:
        residents.issue_resident_from_csr(
            ca, OFFICER, resident_id=_resident(), unit_path=UNIT, commune_code=COMMUNE,
            csr_pem="-----BEGIN CERTIFICATE REQUEST-----\nAAAA\n-----END CERTIFICATE REQUEST-----",
        )  # fmt: skip
    assert refused.value.field == "csr_pem"


def test_only_the_residents_own_commune_officer_may_certify(ca: CertificationAuthority) -> None:
    key = ec.generate_private_key(ec.SECP256R1())
    with pytest.raises(Forbidden, match="outside your unit"):
        residents.issue_resident_from_csr(
            ca, NEIGHBOUR, resident_id=_resident(), unit_path=UNIT, commune_code=COMMUNE,
            csr_pem=_csr(key),
        )  # fmt: skip


def test_a_generated_key_is_handed_over_once_in_pkcs12_and_not_kept(
    ca: CertificationAuthority, tmp_path: Path
) -> None:
    keys_before = _ca_keys(ca)
    handover = residents.issue_resident_pkcs12(
        ca, OFFICER, resident_id=_resident(), unit_path=UNIT, commune_code=COMMUNE, password=None
    )
    assert len(handover.password) >= 20  # generated, high entropy
    assert _ca_keys(ca) == keys_before  # the resident's key was not stored
    key, certificate, extra = pkcs12.load_key_and_certificates(
        handover.pkcs12, handover.password.encode()
    )
    assert certificate is not None
    assert key is not None
    assert certificate.public_key() == key.public_key()
    assert [c.subject for c in extra] == [c.subject for c in authority.ca_chain(ca)]
    assert handover.record.key_origin is KeyOrigin.PKCS12_HANDOVER

    bundle = tmp_path / "resident.p12"
    bundle.write_bytes(handover.pkcs12)
    result = openssl("pkcs12", "-in", bundle, "-passin", f"pass:{handover.password}", "-noenc",
                     "-info")  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert "BEGIN PRIVATE KEY" in result.stdout
    wrong = openssl("pkcs12", "-in", bundle, "-passin", "pass:not-the-password", "-noout")
    assert wrong.returncode != 0


def test_a_chosen_pkcs12_password_must_be_long(ca: CertificationAuthority) -> None:
    with pytest.raises(InvalidRequest) as refused:
        residents.issue_resident_pkcs12(
            ca, OFFICER, resident_id=_resident(), unit_path=UNIT, commune_code=COMMUNE,
            password="short",
        )  # fmt: skip
    assert refused.value.field == "password"


def test_resident_ids_must_be_pseudonymous(ca: CertificationAuthority) -> None:
    with pytest.raises(InvalidRequest) as refused:
        residents.issue_resident_pkcs12(
            ca, OFFICER, resident_id="001088012345", unit_path=UNIT, commune_code=COMMUNE,
            password=None,
        )  # fmt: skip
    assert refused.value.field == "resident_id"
