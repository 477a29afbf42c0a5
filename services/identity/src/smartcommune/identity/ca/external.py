"""Certificates residents obtained from licensed public CAs (VNPT, Viettel, FPT, BKAV, MISA, …).

The commune records the fact — provider, serial, validity, the certificate itself — because the
"adults with a digital signature" indicator counts them. The upload must contain certificates
and nothing else: any private-key block is refused outright (and not stored or echoed), since a
resident's key must never sit in a platform database.

The chain is verified only when the provider's roots are configured (`external_roots`); a
provider without them is recorded as "unverified" rather than refused, and a chain that fails
against configured roots is refused with the verifier's reason.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from pathlib import Path

from cryptography import x509

from smartcommune.kit.auth import Principal, authorize

from . import chains
from .context import CertificationAuthority, new_record
from .domain import CertificateRecord, Conflict, InvalidRequest, KeyOrigin, Kind
from .events import ExternalCertificateRecordedV1
from .issuing import actor_of, check, check_unit
from .residents import check_resident_id
from .rules import RECORD_EXTERNAL

PROVIDER = re.compile(r"^[A-Za-z0-9][A-Za-z0-9 ._-]{0,79}$")
_PEM_BLOCK = re.compile(r"-----BEGIN ([A-Z0-9 #]+)-----(.*?)-----END \1-----", re.S)
VERIFIED = "verified"


def load_provider_roots(files: Mapping[str, Path]) -> dict[str, list[x509.Certificate]]:
    """Read each provider's PEM bundle once at start-up; a bad file stops the service."""
    return {
        provider: x509.load_pem_x509_certificates(path.read_bytes())
        for provider, path in files.items()
    }


def parse_certificates(text: str, field: str) -> list[x509.Certificate]:
    """The certificates in a PEM upload; anything that is not a certificate is refused."""
    if "PRIVATE KEY" in text.upper():
        raise InvalidRequest(field, "contains private-key material, which is never accepted")
    blocks = _PEM_BLOCK.findall(text)
    check(blocks, field, "no PEM certificate found")
    for label, _ in blocks:
        check(label == "CERTIFICATE", field, f"only certificates are accepted, not '{label}'")
    try:
        return [
            x509.load_pem_x509_certificate(m.group(0).encode()) for m in _PEM_BLOCK.finditer(text)
        ]
    except ValueError:
        raise InvalidRequest(field, "a certificate block could not be read") from None


def record_external(
    ca: CertificationAuthority,
    principal: Principal,
    *,
    resident_id: str,
    unit_path: str,
    commune_code: str,
    provider: str,
    certificate_pem: str,
    chain_pem: str | None = None,
    trace: str | None = None,
) -> CertificateRecord:
    check_resident_id(resident_id)
    check_unit(unit_path, commune_code)
    check(PROVIDER.fullmatch(provider), "provider", "a provider name (letters, digits, ._- )")
    authorize(principal, RECORD_EXTERNAL, unit_path)
    leaf, *bundled = parse_certificates(certificate_pem, "certificate_pem")
    extra = parse_certificates(chain_pem, "chain_pem") if chain_pem else []
    status = _chain_status(ca, provider, leaf, [*bundled, *extra])
    record = new_record(
        leaf, kind=Kind.EXTERNAL, holder=resident_id, role="resident", unit_path=unit_path,
        commune_code=commune_code, key_origin=KeyOrigin.EXTERNAL, issued_at=ca.now(),
        provider=provider, chain_status=status,
    )  # fmt: skip
    with ca.unit_of_work() as uow:
        if ca.certificates.by_fingerprint(uow.session, record.fingerprint) is not None:
            raise Conflict("this certificate is already recorded")
        ca.certificates.add(uow.session, record)
        ca.record(
            uow,
            ExternalCertificateRecordedV1(
                provider=provider, serial=record.serial, fingerprint_sha256=record.fingerprint,
                holder=resident_id, not_before=record.not_before, not_after=record.not_after,
                chain_verified=status == VERIFIED,
            ),
            stream_id=f"external-certificate-{record.fingerprint[:40]}", unit_path=unit_path,
            commune_code=commune_code, actor=actor_of(principal), expected_version=0,
            trace=trace,
        )  # fmt: skip
        uow.commit()
    return record


def _chain_status(
    ca: CertificationAuthority,
    provider: str,
    leaf: x509.Certificate,
    intermediates: list[x509.Certificate],
) -> str:
    configured = ca.provider_certificates.get(provider)
    if not configured:
        return f"unverified: no root configured for {provider}"
    roots = [c for c in configured if c.subject == c.issuer]
    bundle = [c for c in configured if c.subject != c.issuer] + intermediates
    try:
        chains.validate(leaf, bundle, roots, ca.now())
    except chains.ChainError as exc:
        raise InvalidRequest("certificate_pem", f"does not chain to {provider}: {exc}") from None
    return VERIFIED
