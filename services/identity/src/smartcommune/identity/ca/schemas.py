"""Request and response bodies of the CA's REST API.

Shapes and sizes are checked here; the rules about content (a well-formed CSR, a unit path, no
private key in an upload) are the application's, which names the field at fault.
"""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from cryptography.hazmat.primitives.serialization import Encoding
from pydantic import BaseModel, ConfigDict, Field

from .domain import CertificateRecord, KeyOrigin, Kind, RevocationReason

_PEM_MAX = 64 * 1024


class _Body(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class Format(StrEnum):
    PEM = "pem"
    DER = "der"


class IssueOfficialRequest(_Body):
    subject: str = Field(min_length=1, max_length=100, description="Keycloak subject (sub)")
    username: str = Field(min_length=1, max_length=100, description="Keycloak username")
    role: str = Field(description="province-admin, district-officer or commune-officer")
    admin_unit: str = Field(max_length=500, description="the official's unit, e.g. VN-26/song-lo")
    commune_code: str | None = Field(None, description="when the unit is a commune")


class _ResidentBody(_Body):
    resident_id: str = Field(max_length=100, description="pseudonymous id, resident-<uuid4>")
    unit_path: str = Field(max_length=500, description="the resident's unit path")
    commune_code: str = Field(description="the resident's commune (5 digits)")


class IssueResidentCsrRequest(_ResidentBody):
    csr_pem: str = Field(max_length=_PEM_MAX, description="PKCS#10 request, PEM")


class IssueResidentPkcs12Request(_ResidentBody):
    password: str | None = Field(
        None, min_length=12, max_length=200, description="omit to have one generated"
    )


class RevokeRequest(_Body):
    reason: RevocationReason


class ExternalCertificateRequest(_ResidentBody):
    provider: str = Field(max_length=80, description="licensed public CA, e.g. VNPT-CA")
    certificate_pem: str = Field(max_length=_PEM_MAX, description="the certificate (PEM) only")
    chain_pem: str | None = Field(None, max_length=4 * _PEM_MAX, description="intermediates")


class CertificateView(_Body):
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
    key_origin: KeyOrigin
    issued_at: datetime
    provider: str | None
    chain_status: str | None
    revoked_at: datetime | None
    revocation_reason: RevocationReason | None
    certificate_pem: str

    @classmethod
    def of(cls, record: CertificateRecord) -> CertificateView:
        pem = record.certificate.public_bytes(Encoding.PEM).decode()
        return cls(
            fingerprint=record.fingerprint, serial=record.serial, kind=record.kind,
            holder=record.holder, role=record.role, unit_path=record.unit_path,
            commune_code=record.commune_code, subject_dn=record.subject_dn,
            not_before=record.not_before, not_after=record.not_after,
            key_origin=record.key_origin, issued_at=record.issued_at, provider=record.provider,
            chain_status=record.chain_status, revoked_at=record.revoked_at,
            revocation_reason=record.revocation_reason, certificate_pem=pem,
        )  # fmt: skip


class Pkcs12Handover(_Body):
    """Returned once: neither the key nor the password is kept by the service."""

    certificate: CertificateView
    pkcs12_base64: str
    password: str
    filename: str
