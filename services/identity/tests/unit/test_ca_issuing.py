"""The CA's own certificates and officials' certificates, held to OpenSSL's `verify`."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import serialization
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID
from sqlalchemy import select

from smartcommune.identity.ca import authority, issuing
from smartcommune.identity.ca.context import CertificationAuthority
from smartcommune.identity.ca.domain import InvalidRequest, KeyOrigin, Kind
from smartcommune.identity.ca.events import NO_COMMUNE
from smartcommune.identity.ca.profiles import DOCUMENT_SIGNING
from smartcommune.identity.ca.tables import ca_keys
from smartcommune.identity.ca.testing import (
    CRL_URL,
    make_ca,
    openssl,
    person,
    recorded_events,
    settings,
    write_pem,
)
from smartcommune.kit.auth import Forbidden
from smartcommune.kit.store import UnitOfWork

PROVINCE_ADMIN = person("province.admin", "province-admin", "VN-26")
DISTRICT_OFFICER = person("district.officer", "district-officer", "VN-26/song-lo")
COMMUNE_OFFICER = person("commune.officer", "commune-officer", "VN-26/song-lo/cao-phong")


@pytest.fixture
def ca(tmp_path: Path) -> CertificationAuthority:
    return make_ca(tmp_path)


def _issue_district_officer(ca: CertificationAuthority) -> x509.Certificate:
    record = issuing.issue_official(
        ca, PROVINCE_ADMIN, subject=DISTRICT_OFFICER.subject, username="district.officer",
        role="district-officer", admin_unit="VN-26/song-lo", commune_code=None,
    )  # fmt: skip
    return record.certificate


def test_the_ca_is_created_once_and_its_chain_verifies_with_openssl(
    ca: CertificationAuthority, tmp_path: Path
) -> None:
    assert authority.initialise(ca) is False  # already there: nothing new
    issuing_ca, root = authority.ca_chain(ca)
    root_constraints = root.extensions.get_extension_for_class(x509.BasicConstraints).value
    issuing_constraints = issuing_ca.extensions.get_extension_for_class(x509.BasicConstraints)
    assert (root_constraints.ca, root_constraints.path_length) == (True, 1)
    assert (issuing_constraints.value.ca, issuing_constraints.value.path_length) == (True, 0)
    usage = issuing_ca.extensions.get_extension_for_class(x509.KeyUsage)
    assert usage.critical
    assert usage.value.key_cert_sign
    assert usage.value.crl_sign
    result = openssl(
        "verify", "-x509_strict", "-CAfile", write_pem(tmp_path / "root.pem", root),
        write_pem(tmp_path / "issuing.pem", issuing_ca),
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip().endswith(": OK")


def test_an_official_certificate_binds_the_keycloak_subject_and_role_and_verifies(
    ca: CertificationAuthority, tmp_path: Path
) -> None:
    leaf = _issue_district_officer(ca)
    issuing_ca, root = authority.ca_chain(ca)

    subject = leaf.subject
    assert subject.get_attributes_for_oid(NameOID.USER_ID)[0].value == DISTRICT_OFFICER.subject
    assert subject.get_attributes_for_oid(NameOID.TITLE)[0].value == "district-officer"
    assert subject.get_attributes_for_oid(NameOID.COMMON_NAME)[0].value == "district.officer"
    assert subject.get_attributes_for_oid(NameOID.ORGANIZATIONAL_UNIT_NAME)[0].value == (
        "VN-26/song-lo"
    )
    usage = leaf.extensions.get_extension_for_class(x509.KeyUsage)
    assert usage.critical
    assert usage.value.digital_signature
    assert usage.value.content_commitment
    assert not usage.value.key_cert_sign
    purposes = leaf.extensions.get_extension_for_class(x509.ExtendedKeyUsage).value
    assert list(purposes) == [ExtendedKeyUsageOID.EMAIL_PROTECTION, DOCUMENT_SIGNING]
    points = leaf.extensions.get_extension_for_class(x509.CRLDistributionPoints).value
    assert points[0].full_name == [x509.UniformResourceIdentifier(CRL_URL)]
    aki = leaf.extensions.get_extension_for_class(x509.AuthorityKeyIdentifier).value
    ski = issuing_ca.extensions.get_extension_for_class(x509.SubjectKeyIdentifier).value
    assert aki.key_identifier == ski.digest

    result = openssl(
        "verify", "-x509_strict", "-purpose", "smimesign",
        "-CAfile", write_pem(tmp_path / "root.pem", root),
        "-untrusted", write_pem(tmp_path / "issuing.pem", issuing_ca),
        write_pem(tmp_path / "leaf.pem", leaf),
    )  # fmt: skip
    assert result.returncode == 0, result.stderr


def test_the_officials_key_is_kept_sealed_and_the_event_carries_no_key_or_name(
    ca: CertificationAuthority,
) -> None:
    leaf = _issue_district_officer(ca)
    serial = format(leaf.serial_number, "x")
    with UnitOfWork(ca.engine) as uow:
        sealed = uow.session.execute(
            select(ca_keys.c.sealed).where(ca_keys.c.label == issuing.official_key_label(serial))
        ).scalar_one()
    events = recorded_events(ca)
    with pytest.raises(TypeError):  # encrypted: unreadable without the derived password
        serialization.load_der_private_key(sealed, password=None)

    issued = [e for e in events if e.payload["serial"] == serial]
    assert len(issued) == 1
    event = issued[0]
    assert event.event_type == "certificate.issued"
    assert (event.commune_code, event.unit_path) == (NO_COMMUNE, "VN-26/song-lo")
    assert event.payload["holder"] == DISTRICT_OFFICER.subject
    assert event.payload["kind"] == Kind.OFFICIAL
    assert event.payload["key_origin"] == KeyOrigin.SERVICE_HELD
    assert event.actor.subject == PROVINCE_ADMIN.subject
    text = json.dumps(dict(event.payload))
    assert "district.officer" not in text  # the username is a name: not in the event
    assert "PRIVATE" not in text
    assert "BEGIN" not in text


def test_root_and_issuing_ca_are_announced_on_the_province_level_chain(
    ca: CertificationAuthority,
) -> None:
    events = recorded_events(ca)
    kinds = [(e.payload["kind"], e.commune_code, e.unit_path) for e in events]
    assert kinds == [
        ("root", NO_COMMUNE, "VN-26/province-level"),
        ("issuing", NO_COMMUNE, "VN-26/province-level"),
    ]


@pytest.mark.parametrize(
    ("issuer", "role", "unit", "message"),
    [
        (DISTRICT_OFFICER, "province-admin", "VN-26/song-lo", "cannot issue a 'province-admin'"),
        (DISTRICT_OFFICER, "district-officer", "VN-26/lap-thach", "outside your unit"),
        (COMMUNE_OFFICER, "commune-officer", "VN-26/song-lo/cao-phong", "requires one of"),
    ],
)
def test_issuers_cannot_escalate_roles_or_leave_their_subtree(
    ca: CertificationAuthority,
    issuer: object,
    role: str,
    unit: str,
    message: str,
) -> None:
    with pytest.raises(Forbidden, match=message):
        issuing.issue_official(
            ca, issuer, subject="someone-else", username="someone", role=role,  # type: ignore[arg-type]
            admin_unit=unit, commune_code=None,
        )  # fmt: skip


def test_nobody_issues_their_own_signing_certificate(ca: CertificationAuthority) -> None:
    with pytest.raises(Forbidden, match="own signing certificate"):
        issuing.issue_official(
            ca, DISTRICT_OFFICER, subject=DISTRICT_OFFICER.subject, username="district.officer",
            role="district-officer", admin_unit="VN-26/song-lo", commune_code=None,
        )  # fmt: skip


@pytest.mark.parametrize(
    ("field", "changes"),
    [
        ("username", {"username": "Nguyễn Văn A"}),
        ("role", {"role": "auditor"}),
        ("admin_unit", {"admin_unit": "VN-26/Sông Lô"}),
        ("commune_code", {"commune_code": "8920"}),
    ],
)
def test_bad_official_requests_name_the_field(
    ca: CertificationAuthority, field: str, changes: dict[str, str]
) -> None:
    request = {
        "subject": "sub-1", "username": "new.officer", "role": "commune-officer",
        "admin_unit": "VN-26/song-lo/cao-phong", "commune_code": "08920",
    } | changes  # fmt: skip
    with pytest.raises(InvalidRequest) as refused:
        issuing.issue_official(ca, PROVINCE_ADMIN, **request)
    assert refused.value.field == field


def test_a_restart_with_another_master_key_fails_at_once(ca: CertificationAuthority) -> None:
    stranger = CertificationAuthority.build(ca.engine, ca.events, settings())
    with pytest.raises(RuntimeError, match="do not open with this master key"):
        authority.initialise(stranger)
