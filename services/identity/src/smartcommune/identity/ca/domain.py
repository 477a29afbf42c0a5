"""What the certification authority knows about a certificate, and the ways a request fails.

Framework-free: the REST router and the gRPC servicer translate these errors into problem+json
and status codes, so the same refusal reads the same through either door.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from functools import cached_property

from cryptography import x509


class Kind(StrEnum):
    """Who or what a certificate belongs to. Only officials' keys stay in the service."""

    ROOT = "root"
    ISSUING = "issuing"
    OFFICIAL = "official"
    RESIDENT = "resident"
    EXTERNAL = "external"  # issued by a licensed public CA, recorded here without its key


class KeyOrigin(StrEnum):
    """Where the holder's private key came from, which decides whether the service keeps it."""

    SERVICE_HELD = "service_held"  # officials: remote signing, the key never leaves
    CSR = "csr"  # the holder generated the key; we only ever saw the public half
    PKCS12_HANDOVER = "pkcs12_handover"  # generated here, handed over once, then forgotten
    EXTERNAL = "external"  # a public CA's certificate: no key at all


class RevocationReason(StrEnum):
    """RFC 5280 §5.3.1 reasons. Revocation here is final, so `certificateHold` (which can be
    undone with `removeFromCRL`) is not offered."""

    UNSPECIFIED = "unspecified"
    KEY_COMPROMISE = "key_compromise"
    CA_COMPROMISE = "ca_compromise"
    AFFILIATION_CHANGED = "affiliation_changed"
    SUPERSEDED = "superseded"
    CESSATION_OF_OPERATION = "cessation_of_operation"
    PRIVILEGE_WITHDRAWN = "privilege_withdrawn"
    AA_COMPROMISE = "aa_compromise"

    @property
    def flag(self) -> x509.ReasonFlags:
        return _FLAGS[self]


_FLAGS = {
    RevocationReason.UNSPECIFIED: x509.ReasonFlags.unspecified,
    RevocationReason.KEY_COMPROMISE: x509.ReasonFlags.key_compromise,
    RevocationReason.CA_COMPROMISE: x509.ReasonFlags.ca_compromise,
    RevocationReason.AFFILIATION_CHANGED: x509.ReasonFlags.affiliation_changed,
    RevocationReason.SUPERSEDED: x509.ReasonFlags.superseded,
    RevocationReason.CESSATION_OF_OPERATION: x509.ReasonFlags.cessation_of_operation,
    RevocationReason.PRIVILEGE_WITHDRAWN: x509.ReasonFlags.privilege_withdrawn,
    RevocationReason.AA_COMPROMISE: x509.ReasonFlags.aa_compromise,
}


@dataclass(frozen=True)
class CertificateRecord:
    """One certificate as stored: the DER plus the columns every look-up needs.

    `holder` is the Keycloak subject of an official or the pseudonymous id of a resident —
    never a name. `serial` is lower-case hex; external certificates are keyed by `fingerprint`
    because two public CAs may well hand out the same serial.
    """

    fingerprint: str
    serial: str
    kind: Kind
    holder: str
    role: str
    unit_path: str
    commune_code: str | None
    subject_dn: str
    not_before: datetime
    not_after: datetime
    der: bytes
    key_origin: KeyOrigin
    issued_at: datetime
    provider: str | None = None
    chain_status: str | None = None
    revoked_at: datetime | None = None
    revocation_reason: RevocationReason | None = None

    @cached_property  # parsed once per record; the frozen dataclass still has a __dict__
    def certificate(self) -> x509.Certificate:
        return x509.load_der_x509_certificate(self.der)

    def revoked_by(self, at: datetime) -> bool:
        """Revoked at instant `at`? A later revocation leaves earlier signatures standing."""
        return self.revoked_at is not None and self.revoked_at <= at

    def valid_at(self, at: datetime) -> bool:
        return self.not_before <= at <= self.not_after


# ------------------------------------------------------------------------------------ errors
class CaError(Exception):
    """Base of the CA's refusals; `reason` is safe to show to the caller."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


class InvalidRequest(CaError):  # noqa: N818 — a refusal, read as "the request is invalid"
    """Bad input (a malformed CSR, a private key in an upload…); names the field at fault."""

    def __init__(self, field: str, reason: str) -> None:
        super().__init__(f"{field}: {reason}")
        self.field = field
        self.message = reason


class NotFound(CaError):  # noqa: N818
    """No such certificate (or the CA has not been initialised yet)."""


class PermissionRefused(CaError):  # noqa: N818
    """Authenticated, but this caller may not use or manage this certificate."""


class CertificateUnusable(CaError):  # noqa: N818
    """The certificate exists and is the caller's, but is revoked, expired or not yet valid."""


class Conflict(CaError):  # noqa: N818
    """The request contradicts the stored state (revoking twice, recording a duplicate)."""
