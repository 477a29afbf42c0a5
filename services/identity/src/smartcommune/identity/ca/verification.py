"""Verifying a detached signature as of an instant, and finding a subject's chain.

The verdict keeps its parts apart because auditors need them apart: *who* signed (even when the
signature is bad), whether the bytes match, whether the chain reaches the platform root at the
instant, and whether the certificate had been revoked *by then* — a revocation after signing
leaves the signature valid but is reported (time and reason), so the report can show both.

The instant defaults to the signing time inside the signature. For officials' certificates that
time was written by this service (their keys never leave it), so it can be trusted; for keys
held by residents a caller should pass the time the document was received instead.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import datetime

from cryptography import x509

from . import chains, cms, profiles
from .context import CertificationAuthority, fingerprint
from .domain import Kind, NotFound, RevocationReason


@dataclass(frozen=True)
class Verdict:
    valid: bool
    reason: str = ""
    signer_subject: str = ""
    signer_role: str = ""
    serial: str = ""
    chain: list[x509.Certificate] = field(default_factory=list)
    signed_at: datetime | None = None
    revoked_at_signing_time: bool = False
    revoked_at: datetime | None = None
    revocation_reason: RevocationReason | None = None


def verify(
    ca: CertificationAuthority, document: bytes, signature: bytes, at: datetime | None = None
) -> Verdict:
    try:
        info = cms.read(signature)
        signer = info.signer
    except cms.CmsError as exc:
        return Verdict(False, str(exc))
    base = Verdict(
        valid=False,
        signer_subject=signer.subject.rfc4514_string(),
        signer_role=profiles.name_value(signer.subject, x509.NameOID.TITLE) or "",
        serial=format(signer.serial_number, "x"),
        signed_at=info.signing_time,
    )
    try:
        cms.check(info, document, signer)
    except cms.CmsError as exc:
        return replace(base, reason=str(exc))
    instant = at or info.signing_time or ca.now()
    with ca.unit_of_work(read_only=True) as uow:
        issuing, root = ca.authorities(uow)
        record = ca.certificates.by_serial(uow.session, base.serial)
    others = [c for c in info.certificates if c != signer]
    try:
        chain = chains.validate(signer, [*others, issuing.certificate], [root.certificate], instant)
    except chains.ChainError as exc:
        return replace(base, reason=f"certificate chain: {exc}")
    if record is None or record.fingerprint != fingerprint(signer):
        return replace(base, reason="the certificate is not one this CA issued", chain=chain)
    revoked = record.revoked_by(instant)
    return replace(
        base,
        valid=not revoked,
        reason=f"revoked at {record.revoked_at} before {instant}" if revoked else "",
        chain=chain,
        revoked_at_signing_time=revoked,
        revoked_at=record.revoked_at,
        revocation_reason=record.revocation_reason,
    )


def chain_for(ca: CertificationAuthority, subject: str) -> list[x509.Certificate]:
    """Leaf, issuing CA, root for a subject's current certificate; [issuing, root] for ''.

    `subject` is matched as an RFC 4514 DN first, then as a holder id (Keycloak subject or
    pseudonymous resident id), since callers often know only the latter.
    """
    with ca.unit_of_work(read_only=True) as uow:
        issuing, root = ca.authorities(uow)
        if not subject:
            return [issuing.certificate, root.certificate]
        found = ca.certificates.find(uow.session, subject_dn=subject) or ca.certificates.find(
            uow.session, holder=subject
        )
    now = ca.now()
    current = [
        r
        for r in found
        if r.kind in (Kind.OFFICIAL, Kind.RESIDENT) and r.revoked_at is None and r.valid_at(now)
    ]
    if not current:
        raise NotFound(f"no current certificate for {subject!r}")
    return [current[0].certificate, issuing.certificate, root.certificate]
