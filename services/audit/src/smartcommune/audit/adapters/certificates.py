"""Who signed a decision, and whether they were entitled to sign it when they did.

Trust comes from outside the platform: the auditor configures the provincial root certificate
(`--ca-root`, obtained out of band — the trust anchor must not come from the system being
audited). Everything else is in the log or in the signature itself:

- the signer's certificate and the issuing CA's travel *inside* the detached CMS signature
  (identity's `cms.sign_detached`), so no certificate store or CA endpoint is needed;
- `certificate.issued` events on `identity.events.v1` say which certificates the platform CA
  issued (serial + SHA-256 fingerprint): a certificate that chains to the root but was never
  recorded is refused as foreign;
- `certificate.revoked` events say when a certificate stopped being valid; an optional CRL file
  (`--crl`, e.g. downloaded from identity's public `GET /ca/crl`) is consulted as well.

The CMS reading and path validation are identity's own (`ca.cms`, `ca.chains`): the auditor
verifies with the very code that signs, which is also held to `openssl cms -verify` in
identity's tests.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from cryptography import x509
from cryptography.hazmat.primitives.serialization import Encoding

from smartcommune.identity.ca import chains, cms
from smartcommune.identity.ca.events import CertificateIssuedV1, CertificateRevokedV1

from ..domain.findings import Check
from ..domain.log import LocatedEvent, Position
from ..domain.outcome import ExitCode

#: A signature is made before the event that carries it is recorded; allow clocks this much.
CLOCK_SKEW = timedelta(minutes=5)


def load_roots(path: Path) -> list[x509.Certificate]:
    data = path.read_bytes()
    if b"-----BEGIN" in data:
        return x509.load_pem_x509_certificates(data)
    return [x509.load_der_x509_certificate(data)]


def load_crl(path: Path) -> x509.CertificateRevocationList:
    data = path.read_bytes()
    if b"-----BEGIN" in data:
        return x509.load_pem_x509_crl(data)
    return x509.load_der_x509_crl(data)


def fingerprint(certificate: x509.Certificate) -> str:
    return hashlib.sha256(certificate.public_bytes(Encoding.DER)).hexdigest()


@dataclass
class CertificateFacts:
    serial: str
    fingerprint: str
    holder: str
    role: str
    not_before: datetime
    not_after: datetime
    issued_at: Position
    revoked_at: datetime | None = None
    revocation_reason: str | None = None
    revoked_event: Position | None = None


@dataclass
class CertificateLedger:
    """What identity's verified chains say about certificates, by serial."""

    by_serial: dict[str, CertificateFacts] = field(default_factory=dict)

    def learn(self, event: LocatedEvent) -> None:
        envelope = event.envelope
        if envelope.service != "identity":
            return
        if envelope.event_type == CertificateIssuedV1.event_type:
            issued = CertificateIssuedV1.model_validate(dict(envelope.payload))
            self.by_serial[issued.serial] = CertificateFacts(
                serial=issued.serial,
                fingerprint=issued.fingerprint_sha256,
                holder=issued.holder,
                role=issued.role,
                not_before=issued.not_before,
                not_after=issued.not_after,
                issued_at=event.position,
            )
        elif envelope.event_type == CertificateRevokedV1.event_type:
            revoked = CertificateRevokedV1.model_validate(dict(envelope.payload))
            facts = self.by_serial.get(revoked.serial)
            if facts is not None and facts.revoked_at is None:
                facts.revoked_at = revoked.revoked_at
                facts.revocation_reason = revoked.reason.value
                facts.revoked_event = event.position


def _ok(name: str, detail: str) -> Check:
    return Check(name, True, detail, ExitCode.SIGNATURE)


@dataclass
class SignatureReport:
    checks: list[Check]
    signer: dict[str, Any]


class SignatureVerifier:
    def __init__(
        self,
        roots: list[x509.Certificate],
        ledger: CertificateLedger,
        crl: x509.CertificateRevocationList | None = None,
    ) -> None:
        self.roots, self.ledger, self.crl = roots, ledger, crl

    def verify(
        self,
        document: bytes,
        signature_b64: str,
        *,
        claimed_serial: str | None,
        recorded_at: datetime,
    ) -> SignatureReport:
        checks: list[Check] = []
        signer_facts: dict[str, Any] = {}

        def fail(name: str, detail: str) -> SignatureReport:
            checks.append(Check(name, False, detail, ExitCode.SIGNATURE))
            return SignatureReport(checks, signer_facts)

        try:
            signature = base64.b64decode(signature_b64, validate=True)
            info = cms.read(signature)
            signer = info.signer
        except (binascii.Error, ValueError) as exc:
            return fail("CMS signature", f"unreadable signature: {exc}")
        serial = format(signer.serial_number, "x")
        signed_at = info.signing_time or recorded_at
        signer_facts.update(
            subject=signer.subject.rfc4514_string(),
            serial=serial,
            fingerprint_sha256=fingerprint(signer),
            issuer=signer.issuer.rfc4514_string(),
            signing_time=signed_at.isoformat(),
        )
        try:
            cms.check(info, document, signer)
        except cms.CmsError as exc:
            return fail("CMS signature", str(exc))
        checks.append(_ok("CMS signature", "signature over the canonical content holds"))
        if claimed_serial is not None and claimed_serial.lower() != serial:
            return fail(
                "signer named in the decision",
                f"the decision names certificate {claimed_serial}, the signature is by {serial}",
            )
        if signed_at > recorded_at + CLOCK_SKEW:
            return fail("signing time", f"signed at {signed_at}, after the decision was recorded")
        if not self.roots:
            return fail("certificate chain", "no provincial root configured (--ca-root)")
        others = [c for c in info.certificates if c != signer]
        try:
            path = chains.validate(signer, others, self.roots, signed_at)
        except chains.ChainError as exc:
            return fail("certificate chain", f"no valid path to the root at {signed_at}: {exc}")
        signer_facts["chain"] = [c.subject.rfc4514_string() for c in path]
        checks.append(_ok("certificate chain", f"valid to the root at {signed_at}"))
        facts = self.ledger.by_serial.get(serial)
        if facts is None or facts.fingerprint != fingerprint(signer):
            return fail(
                "issued by the platform CA",
                f"no certificate.issued event for serial {serial} with this fingerprint on "
                "identity's topic",
            )
        signer_facts.update(holder=facts.holder, role=facts.role, issued_event=str(facts.issued_at))
        checks.append(_ok("issued by the platform CA", f"certificate.issued at {facts.issued_at}"))
        revoked_at, source = facts.revoked_at, f"certificate.revoked at {facts.revoked_event}"
        entry = self._crl_entry(signer, path)
        if entry is not None and (revoked_at is None or entry.revocation_date_utc < revoked_at):
            revoked_at, source = entry.revocation_date_utc, "the CRL"
        if revoked_at is not None and revoked_at <= signed_at:
            signer_facts["revoked_at"] = revoked_at.isoformat()
            return fail(
                "not revoked at signing time",
                f"revoked at {revoked_at} ({source}), before it signed at {signed_at}",
            )
        later = f"; revoked later, at {revoked_at} ({source})" if revoked_at else ""
        if revoked_at is not None:
            signer_facts["revoked_at"] = revoked_at.isoformat()
        checks.append(_ok("not revoked at signing time", f"unrevoked at {signed_at}{later}"))
        return SignatureReport(checks, signer_facts)

    def _crl_entry(
        self, signer: x509.Certificate, path: list[x509.Certificate]
    ) -> x509.RevokedCertificate | None:
        if self.crl is None or len(path) < 2:
            return None
        issuer = path[1]
        if self.crl.issuer != issuer.subject:
            return None
        if not self.crl.is_signature_valid(issuer.public_key()):  # type: ignore[arg-type]
            return None
        return self.crl.get_revoked_certificate_by_serial_number(signer.serial_number)
