"""The CA's events on `identity.events.v1`, registered on the service's registry.

Each certificate is a stream (`certificate-<serial>`, `external-certificate-<fingerprint>`).
Payloads say what an auditor needs to trust a signature later — serial, fingerprint, holder,
role, validity, revocation — and nothing else: no key material, no names. The holder is an
official's Keycloak subject or a resident's pseudonymous id.

Scope: a resident's certificate belongs to the resident's commune. An official's belongs to
the official's commune when there is one; officials of a district or the province, and the CA's
own certificates, belong to no commune and go on the service's `00000` chain (commune codes
start at 00001). The kit's `unit_path` needs a segment below the province, so a province-level
fact is scoped `VN-xx/province-level`.
"""

from __future__ import annotations

from typing import Annotated

from pydantic import Field

from smartcommune.kit.events import EventPayload, PayloadRegistry
from smartcommune.kit.events.fields import UtcDatetime

from .domain import KeyOrigin, Kind, RevocationReason

NO_COMMUNE = "00000"
PROVINCE_LEVEL = "province-level"

Serial = Annotated[str, Field(pattern=r"^[0-9a-f]{1,64}$")]
Fingerprint = Annotated[str, Field(pattern=r"^[0-9a-f]{64}$")]
Holder = Annotated[str, Field(min_length=1, max_length=100)]


class CertificateIssuedV1(EventPayload):
    event_type = "certificate.issued"
    event_version = 1
    serial: Serial
    fingerprint_sha256: Fingerprint
    kind: Kind
    holder: Holder
    role: str = Field(max_length=40)
    key_origin: KeyOrigin
    not_before: UtcDatetime
    not_after: UtcDatetime
    issuer_serial: Serial | None


class CertificateRevokedV1(EventPayload):
    event_type = "certificate.revoked"
    event_version = 1
    serial: Serial
    fingerprint_sha256: Fingerprint
    kind: Kind
    holder: Holder
    reason: RevocationReason
    revoked_at: UtcDatetime


class ExternalCertificateRecordedV1(EventPayload):
    event_type = "external_certificate.recorded"
    event_version = 1
    provider: str = Field(min_length=1, max_length=80)
    serial: Serial
    fingerprint_sha256: Fingerprint
    holder: Holder
    not_before: UtcDatetime
    not_after: UtcDatetime
    #: True only when the provider's root is configured and the chain validated to it.
    chain_verified: bool


CA_EVENTS: tuple[type[EventPayload], ...] = (
    CertificateIssuedV1,
    CertificateRevokedV1,
    ExternalCertificateRecordedV1,
)


def register_ca_events(registry: PayloadRegistry) -> PayloadRegistry:
    """Add the CA's payload models to the identity service's registry (call once)."""
    for model in CA_EVENTS:
        registry.register(model)
    return registry


def event_scope(unit_path: str, commune_code: str | None) -> tuple[str, str]:
    """(commune_code, unit_path) of the envelope for a certificate of a unit."""
    if commune_code is not None:
        return commune_code, unit_path
    if "/" not in unit_path:
        return NO_COMMUNE, f"{unit_path}/{PROVINCE_LEVEL}"
    return NO_COMMUNE, unit_path
