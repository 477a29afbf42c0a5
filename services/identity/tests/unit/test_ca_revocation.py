"""Revocation with RFC 5280 reasons, and the CRL that OpenSSL reads and enforces."""

from __future__ import annotations

from pathlib import Path

import pytest
from cryptography import x509
from cryptography.hazmat.primitives.serialization import Encoding

from smartcommune.identity.ca import authority, issuing, revocation
from smartcommune.identity.ca.context import CertificationAuthority
from smartcommune.identity.ca.domain import (
    CertificateRecord,
    Conflict,
    InvalidRequest,
    NotFound,
    RevocationReason,
)
from smartcommune.identity.ca.testing import (
    Clock,
    make_ca,
    openssl,
    person,
    recorded_events,
    write_pem,
)
from smartcommune.kit.auth import Forbidden

PROVINCE_ADMIN = person("province.admin", "province-admin", "VN-26")
DISTRICT_OFFICER = person("district.officer", "district-officer", "VN-26/song-lo")
NEIGHBOUR = person("neighbour.officer", "commune-officer", "VN-26/song-lo/lang-cong")


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def ca(tmp_path: Path, clock: Clock) -> CertificationAuthority:
    return make_ca(tmp_path, clock=clock)


def _official(ca: CertificationAuthority) -> CertificateRecord:
    return issuing.issue_official(
        ca, PROVINCE_ADMIN, subject=DISTRICT_OFFICER.subject, username="district.officer",
        role="district-officer", admin_unit="VN-26/song-lo", commune_code=None,
    )  # fmt: skip


def test_a_revoked_certificate_is_on_the_crl_that_openssl_parses_and_enforces(
    ca: CertificationAuthority, clock: Clock, tmp_path: Path
) -> None:
    record = _official(ca)
    clock.advance(minutes=10)
    revoked = revocation.revoke(ca, PROVINCE_ADMIN, record.serial, RevocationReason.KEY_COMPROMISE)
    assert revoked.revoked_at == clock.now
    der = authority.current_crl(ca)
    (tmp_path / "crl.der").write_bytes(der)

    text = openssl("crl", "-inform", "DER", "-in", tmp_path / "crl.der", "-noout", "-text")
    assert text.returncode == 0, text.stderr
    assert record.serial.upper() in text.stdout.replace(":", "").upper()
    assert "Key Compromise" in text.stdout
    assert "X509v3 CRL Number" in text.stdout

    issuing_ca, root = authority.ca_chain(ca)
    crl = x509.load_der_x509_crl(der)
    assert crl.is_signature_valid(issuing_ca.public_key())  # type: ignore[arg-type]
    (tmp_path / "crl.pem").write_bytes(crl.public_bytes(Encoding.PEM))
    checked = openssl(
        "verify", "-crl_check", "-CRLfile", tmp_path / "crl.pem",
        "-CAfile", write_pem(tmp_path / "root.pem", root),
        "-untrusted", write_pem(tmp_path / "issuing.pem", issuing_ca),
        write_pem(tmp_path / "leaf.pem", record.certificate),
    )  # fmt: skip
    assert checked.returncode != 0
    assert "certificate revoked" in checked.stdout + checked.stderr


def test_the_crl_is_reused_until_a_revocation_and_then_renumbered(
    ca: CertificationAuthority, clock: Clock
) -> None:
    first = authority.current_crl(ca)
    assert authority.current_crl(ca) == first  # nothing changed: the same CRL
    record = _official(ca)
    clock.advance(seconds=1)
    revocation.revoke(ca, PROVINCE_ADMIN, record.serial, RevocationReason.SUPERSEDED)
    second = x509.load_der_x509_crl(authority.current_crl(ca))
    number = second.extensions.get_extension_for_class(x509.CRLNumber).value.crl_number
    assert (
        number
        == x509.load_der_x509_crl(first)
        .extensions.get_extension_for_class(x509.CRLNumber)
        .value.crl_number
        + 1
    )
    entry = second.get_revoked_certificate_by_serial_number(int(record.serial, 16))
    assert entry is not None
    assert entry.extensions.get_extension_for_class(x509.CRLReason).value.reason is (
        x509.ReasonFlags.superseded
    )
    clock.advance(hours=13)  # past half of the 24 h lifetime: a fresh CRL
    assert authority.current_crl(ca) != second.public_bytes(Encoding.DER)


def test_revocation_is_recorded_once_as_an_event(ca: CertificationAuthority) -> None:
    record = _official(ca)
    revocation.revoke(ca, PROVINCE_ADMIN, record.serial, RevocationReason.AFFILIATION_CHANGED)
    with pytest.raises(Conflict, match="already revoked"):
        revocation.revoke(ca, PROVINCE_ADMIN, record.serial, RevocationReason.KEY_COMPROMISE)
    event = recorded_events(ca)[-1]
    assert event.event_type == "certificate.revoked"
    assert event.stream_id == f"certificate-{record.serial}"
    assert event.stream_version == 2
    assert event.payload["reason"] == "affiliation_changed"


def test_the_holder_may_revoke_their_own_certificate(ca: CertificationAuthority) -> None:
    record = _official(ca)
    revoked = revocation.revoke(
        ca, DISTRICT_OFFICER, record.serial, RevocationReason.KEY_COMPROMISE
    )
    assert revoked.revocation_reason is RevocationReason.KEY_COMPROMISE


def test_others_outside_the_rule_cannot_revoke(ca: CertificationAuthority) -> None:
    record = _official(ca)
    with pytest.raises(Forbidden):
        revocation.revoke(ca, NEIGHBOUR, record.serial, RevocationReason.UNSPECIFIED)


def test_unknown_serials_and_the_ca_itself_cannot_be_revoked(ca: CertificationAuthority) -> None:
    with pytest.raises(NotFound):
        revocation.revoke(ca, PROVINCE_ADMIN, "abc123", RevocationReason.UNSPECIFIED)
    issuing_ca, _ = authority.ca_chain(ca)
    with pytest.raises(InvalidRequest, match="issuing certificate"):
        revocation.revoke(
            ca, PROVINCE_ADMIN, format(issuing_ca.serial_number, "x"), RevocationReason.UNSPECIFIED
        )
