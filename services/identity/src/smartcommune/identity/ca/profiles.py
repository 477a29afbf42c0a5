"""Certificate profiles: names and extensions of the root, the issuing CA and end entities.

* Root — `CA:true, pathlen:1`, keyCertSign + cRLSign (critical), SKI = AKI.
* Issuing CA — `CA:true, pathlen:0`, same key usage; AKI points at the root.
* End entity — `CA:false`, digitalSignature + nonRepudiation (critical); EKU emailProtection (what
  `openssl cms -verify` checks under its default S/MIME-signing purpose) and RFC 9336
  documentSigning (what the certificate is actually for); CRL distribution point; SKI/AKI.

Officials' subjects bind the certificate to the person who signs in: CN = Keycloak username,
UID = Keycloak subject (the *only* field `Sign` trusts), title = role, OU = admin unit path.
Residents' subjects carry the pseudonymous resident id and nothing else personal: their names
stay encrypted in the identity service's vault, where erasing the key erases them.
"""

from __future__ import annotations

import re
from datetime import datetime, timedelta

from cryptography import x509
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID, ObjectIdentifier

from .keys import PublicKey

#: RFC 9336 id-kp-documentSigning.
DOCUMENT_SIGNING = ObjectIdentifier("1.3.6.1.5.5.7.3.36")
#: Certificates are back-dated this much so a verifier with a slightly slow clock accepts them.
CLOCK_SKEW = timedelta(minutes=5)
UNIT_PATH = re.compile(r"^VN-[0-9A-Z]{2}(/[a-z0-9]+(-[a-z0-9]+)*)*$")
USERNAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._@-]{0,99}$")
RESIDENT_ROLE = "resident"


def _attr(oid: ObjectIdentifier, value: str) -> x509.NameAttribute[str]:
    return x509.NameAttribute(oid, value)


def ca_name(organisation: str, province: str, which: str) -> x509.Name:
    return x509.Name(
        [
            _attr(NameOID.COUNTRY_NAME, "VN"),
            _attr(NameOID.ORGANIZATION_NAME, organisation),
            _attr(NameOID.ORGANIZATIONAL_UNIT_NAME, province),
            _attr(NameOID.COMMON_NAME, f"Smart Commune {province} {which} CA"),
        ]
    )


def official_name(
    organisation: str, username: str, subject: str, role: str, unit_path: str
) -> x509.Name:
    return x509.Name(
        [
            _attr(NameOID.COUNTRY_NAME, "VN"),
            _attr(NameOID.ORGANIZATION_NAME, organisation),
            _attr(NameOID.ORGANIZATIONAL_UNIT_NAME, unit_path),
            _attr(NameOID.TITLE, role),
            _attr(NameOID.USER_ID, subject),
            _attr(NameOID.COMMON_NAME, username),
        ]
    )


def resident_name(organisation: str, resident_id: str, unit_path: str) -> x509.Name:
    return x509.Name(
        [
            _attr(NameOID.COUNTRY_NAME, "VN"),
            _attr(NameOID.ORGANIZATION_NAME, organisation),
            _attr(NameOID.ORGANIZATIONAL_UNIT_NAME, unit_path),
            _attr(NameOID.TITLE, RESIDENT_ROLE),
            _attr(NameOID.USER_ID, resident_id),
            _attr(NameOID.COMMON_NAME, resident_id),
        ]
    )


def name_value(name: x509.Name, oid: ObjectIdentifier) -> str | None:
    values = name.get_attributes_for_oid(oid)
    value = values[0].value if values else None
    return value if isinstance(value, str) else None


def _base(
    subject: x509.Name, issuer: x509.Name, public_key: PublicKey, now: datetime, until: datetime
) -> x509.CertificateBuilder:
    return (
        x509.CertificateBuilder()
        .subject_name(subject)
        .issuer_name(issuer)
        .public_key(public_key)
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - CLOCK_SKEW)
        .not_valid_after(until)
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(public_key), critical=False)
    )


def _aki(issuer_public_key: PublicKey) -> x509.AuthorityKeyIdentifier:
    return x509.AuthorityKeyIdentifier.from_issuer_public_key(issuer_public_key)


def ca_builder(
    subject: x509.Name,
    issuer: x509.Name,
    public_key: PublicKey,
    issuer_public_key: PublicKey,
    *,
    path_length: int,
    now: datetime,
    days: int,
) -> x509.CertificateBuilder:
    usage = x509.KeyUsage(
        digital_signature=False, content_commitment=False, key_encipherment=False,
        data_encipherment=False, key_agreement=False, key_cert_sign=True, crl_sign=True,
        encipher_only=False, decipher_only=False,
    )  # fmt: skip
    return (
        _base(subject, issuer, public_key, now, now + timedelta(days=days))
        .add_extension(x509.BasicConstraints(ca=True, path_length=path_length), critical=True)
        .add_extension(usage, critical=True)
        .add_extension(_aki(issuer_public_key), critical=False)
    )


def end_entity_builder(
    subject: x509.Name,
    issuer: x509.Certificate,
    public_key: PublicKey,
    *,
    crl_url: str,
    now: datetime,
    days: int,
) -> x509.CertificateBuilder:
    usage = x509.KeyUsage(
        digital_signature=True, content_commitment=True, key_encipherment=False,
        data_encipherment=False, key_agreement=False, key_cert_sign=False, crl_sign=False,
        encipher_only=False, decipher_only=False,
    )  # fmt: skip
    crl = x509.DistributionPoint([x509.UniformResourceIdentifier(crl_url)], None, None, None)
    issuer_key = issuer.public_key()
    assert isinstance(issuer_key, PublicKey)  # the CA's own key, made by keys.generate_key
    # Never outlive the issuing CA: a chain is only as valid as its shortest-lived link.
    not_after = min(now + timedelta(days=days), issuer.not_valid_after_utc)
    return (
        _base(subject, issuer.subject, public_key, now, not_after)
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(usage, critical=True)
        .add_extension(
            x509.ExtendedKeyUsage([ExtendedKeyUsageOID.EMAIL_PROTECTION, DOCUMENT_SIGNING]),
            critical=False,
        )
        .add_extension(_aki(issuer_key), critical=False)
        .add_extension(x509.CRLDistributionPoints([crl]), critical=False)
    )
