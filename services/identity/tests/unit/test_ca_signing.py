"""Detached CMS signatures: made for the caller's own certificate only, checked by `openssl cms`
and by our own verifier, with revocation judged at the signing time."""

from __future__ import annotations

import json
from datetime import timedelta
from pathlib import Path

import pytest

from smartcommune.identity.ca import authority, cms, issuing, revocation, signing, verification
from smartcommune.identity.ca.context import CertificationAuthority
from smartcommune.identity.ca.domain import (
    CertificateRecord,
    CertificateUnusable,
    InvalidRequest,
    PermissionRefused,
    RevocationReason,
)
from smartcommune.identity.ca.testing import Clock, make_ca, openssl, person, write_pem
from smartcommune.kit.events import canonical_bytes

PROVINCE_ADMIN = person("province.admin", "province-admin", "VN-26")
DISTRICT = person("district.officer", "district-officer", "VN-26/song-lo")
COMMUNE = person("commune.officer", "commune-officer", "VN-26/song-lo/cao-phong")
DECISION = canonical_bytes(
    {"decision": "QĐ-123/UBND", "units": ["VN-26/song-lo/cao-phong/thon-1"], "score": 9}
)


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def ca(tmp_path: Path, clock: Clock) -> CertificationAuthority:
    return make_ca(tmp_path, clock=clock)


def _certify(
    ca: CertificationAuthority, official: object, role: str, unit: str
) -> CertificateRecord:
    return issuing.issue_official(
        ca, PROVINCE_ADMIN, subject=official.subject, username=official.username,  # type: ignore[attr-defined]
        role=role, admin_unit=unit, commune_code="08920" if role == "commune-officer" else None,
    )  # fmt: skip


def _sign(
    ca: CertificationAuthority, serial: str = "", purpose: str = "recognition-decision"
) -> signing.Signed:
    return signing.sign(ca, DISTRICT, DECISION, content_type="application/json", purpose=purpose,
                        certificate_serial=serial)  # fmt: skip


def test_a_signature_verifies_with_openssl_cms_against_the_root_alone(
    ca: CertificationAuthority, tmp_path: Path
) -> None:
    record = _certify(ca, DISTRICT, "district-officer", "VN-26/song-lo")
    signed = _sign(ca)
    assert signed.certificate.serial == record.serial
    (tmp_path / "sig.der").write_bytes(signed.signature)
    (tmp_path / "doc.bin").write_bytes(DECISION)
    issuing_ca, root = authority.ca_chain(ca)
    root_pem = write_pem(tmp_path / "root.pem", root)
    common: list[str | Path] = [
        "cms", "-verify", "-binary", "-inform", "DER", "-in", tmp_path / "sig.der",
        "-content", tmp_path / "doc.bin", "-out", tmp_path / "out.bin",
    ]  # fmt: skip
    # As the brief states it: root trusted, issuing CA given, any purpose.
    given = openssl(*common, "-CAfile", root_pem, "-certfile",
                    write_pem(tmp_path / "issuing.pem", issuing_ca), "-purpose", "any")  # fmt: skip
    assert given.returncode == 0, given.stderr
    assert "Verification successful" in given.stderr
    # The issuing CA travels inside the signature, and the S/MIME signing purpose holds too.
    alone = openssl(*common, "-CAfile", root_pem)
    assert alone.returncode == 0, alone.stderr
    assert (tmp_path / "out.bin").read_bytes() == DECISION
    (tmp_path / "doc.bin").write_bytes(DECISION.replace(b"9", b"8"))
    tampered = openssl(*common, "-CAfile", root_pem)
    assert tampered.returncode != 0


def test_our_verifier_names_signer_role_chain_and_signing_time(
    ca: CertificationAuthority, clock: Clock
) -> None:
    record = _certify(ca, DISTRICT, "district-officer", "VN-26/song-lo")
    signed = _sign(ca)
    assert abs(signed.signed_at - clock.now) < timedelta(seconds=5)
    verdict = verification.verify(ca, DECISION, signed.signature)
    assert verdict.valid, verdict.reason
    assert verdict.signer_subject == record.subject_dn
    assert f"UID={DISTRICT.subject}" in verdict.signer_subject
    assert verdict.signer_role == "district-officer"
    assert verdict.serial == record.serial
    assert [c.subject.rfc4514_string() for c in verdict.chain] == [
        record.subject_dn,
        *(c.subject.rfc4514_string() for c in authority.ca_chain(ca)),
    ]
    assert not verdict.revoked_at_signing_time
    assert verdict.revoked_at is None


def test_a_changed_byte_or_a_foreign_blob_is_reported_not_raised(
    ca: CertificationAuthority,
) -> None:
    _certify(ca, DISTRICT, "district-officer", "VN-26/song-lo")
    signed = _sign(ca)
    changed = verification.verify(ca, DECISION + b" ", signed.signature)
    assert not changed.valid
    assert changed.reason == "the document does not match the signed digest"
    assert changed.signer_role == "district-officer"  # who signed is known even so
    for junk in (b"", b"\x30\x80\x00\x00", signed.signature[:-7], b"not cms at all"):
        verdict = verification.verify(ca, DECISION, junk)
        assert not verdict.valid
        assert verdict.reason


def test_a_revocation_after_signing_leaves_the_signature_valid_at_signing_time(
    ca: CertificationAuthority, clock: Clock
) -> None:
    record = _certify(ca, DISTRICT, "district-officer", "VN-26/song-lo")
    signed = _sign(ca)
    clock.advance(days=3)
    revocation.revoke(ca, PROVINCE_ADMIN, record.serial, RevocationReason.KEY_COMPROMISE)

    then = verification.verify(ca, DECISION, signed.signature)  # at the signing time
    assert then.valid
    assert not then.revoked_at_signing_time
    assert then.revoked_at == clock.now
    assert then.revocation_reason is RevocationReason.KEY_COMPROMISE

    later = verification.verify(ca, DECISION, signed.signature, at=clock.advance(seconds=1))
    assert not later.valid
    assert later.revoked_at_signing_time
    assert "revoked at" in later.reason


def test_signing_with_another_officials_certificate_is_refused(
    ca: CertificationAuthority,
) -> None:
    _certify(ca, DISTRICT, "district-officer", "VN-26/song-lo")
    someone_else = _certify(ca, COMMUNE, "commune-officer", "VN-26/song-lo/cao-phong")
    with pytest.raises(PermissionRefused, match="not one of your certificates"):
        _sign(ca, serial=someone_else.serial)
    with pytest.raises(PermissionRefused, match="not one of your certificates"):
        _sign(ca, serial="deadbeef")  # unknown: the same answer, nothing to probe


def test_revoked_or_missing_certificates_cannot_sign(ca: CertificationAuthority) -> None:
    with pytest.raises(CertificateUnusable, match="no signing certificate"):
        _sign(ca)
    record = _certify(ca, DISTRICT, "district-officer", "VN-26/song-lo")
    revocation.revoke(ca, DISTRICT, record.serial, RevocationReason.KEY_COMPROMISE)
    with pytest.raises(CertificateUnusable, match=r"revoked at .*\(key_compromise\)"):
        _sign(ca)
    with pytest.raises(CertificateUnusable, match="revoked"):
        _sign(ca, serial=record.serial)


def test_an_expired_certificate_cannot_sign(ca: CertificationAuthority, clock: Clock) -> None:
    _certify(ca, DISTRICT, "district-officer", "VN-26/song-lo")
    clock.advance(days=ca.settings.official_validity_days + 1)
    with pytest.raises(CertificateUnusable, match="expired"):
        _sign(ca)


def test_the_role_must_fit_the_purpose_and_still_be_in_the_token(
    ca: CertificationAuthority,
) -> None:
    _certify(ca, COMMUNE, "commune-officer", "VN-26/song-lo/cao-phong")
    with pytest.raises(PermissionRefused, match="may not sign a 'recognition-decision'"):
        signing.sign(ca, COMMUNE, DECISION, content_type="application/json",
                     purpose="recognition-decision")  # fmt: skip
    demoted = person("commune.officer", "techteam-member", "VN-26/song-lo/cao-phong")
    with pytest.raises(PermissionRefused, match="no longer carries the role"):
        signing.sign(ca, demoted, DECISION, content_type="application/json", purpose="document")


@pytest.mark.parametrize(
    ("field", "changes"),
    [("document", {"document": b""}), ("content_type", {"content_type": "json"}),
     ("purpose", {"purpose": "anything"})],
)  # fmt: skip
def test_bad_sign_requests_name_the_field(
    ca: CertificationAuthority, field: str, changes: dict[str, object]
) -> None:
    request = {"document": DECISION, "content_type": "application/json", "purpose": "document"}
    with pytest.raises(InvalidRequest) as refused:
        signing.sign(ca, DISTRICT, **(request | changes))  # type: ignore[arg-type]
    assert refused.value.field == field


def test_the_signing_log_keeps_a_digest_not_the_document(ca: CertificationAuthority) -> None:
    from sqlalchemy import select

    from smartcommune.identity.ca.tables import ca_signatures

    _certify(ca, DISTRICT, "district-officer", "VN-26/song-lo")
    _sign(ca)
    with ca.unit_of_work(read_only=True) as uow:
        row = uow.session.execute(select(ca_signatures)).one()
    assert row.purpose == "recognition-decision"
    assert row.signer == DISTRICT.subject
    assert json.loads(DECISION)["decision"] not in str(tuple(row))


def test_cms_reading_refuses_ber_and_trailing_bytes() -> None:
    with pytest.raises(cms.CmsError, match="indefinite length"):
        cms.read(b"\x30\x80\x06\x00\x00\x00")
    with pytest.raises(cms.CmsError, match="trailing"):
        cms.read(b"\x30\x00\x00")
