"""Residents' certificates (specialised e-signatures, chữ ký điện tử chuyên dùng).

Residents keep their own key: either they send a CSR and the service never sees the private
half, or the service generates one, hands it over once in a password-protected PKCS#12 and
forgets it — unlike officials' keys, it is never stored. The password is chosen by the caller or
generated and returned once; it is not stored either.
"""

from __future__ import annotations

import re
import secrets
from dataclasses import dataclass

from cryptography import x509
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from cryptography.hazmat.primitives.serialization import pkcs12

from smartcommune.kit.auth import Principal, authorize
from smartcommune.kit.store import UnitOfWork

from ..domain.values import RESIDENT_ID
from . import profiles
from .context import CertificationAuthority
from .domain import CertificateRecord, InvalidRequest, KeyOrigin, Kind
from .issuing import actor_of, check, check_unit, issue
from .keys import PublicKey, generate_key
from .rules import ISSUE_RESIDENT

MIN_PASSWORD = 12


@dataclass(frozen=True)
class Handover:
    """A generated key's one and only trip out of the service."""

    record: CertificateRecord
    pkcs12: bytes
    password: str


def issue_resident_from_csr(
    ca: CertificationAuthority,
    principal: Principal,
    *,
    resident_id: str,
    unit_path: str,
    commune_code: str,
    csr_pem: str,
    trace: str | None = None,
) -> CertificateRecord:
    _check_resident(principal, resident_id, unit_path, commune_code)
    try:
        csr = x509.load_pem_x509_csr(csr_pem.encode())
    except ValueError:
        raise InvalidRequest("csr_pem", "not a PEM certificate signing request") from None
    check(csr.is_signature_valid, "csr_pem", "the request is not signed by its own key")
    public_key = csr.public_key()
    check(_acceptable(public_key), "csr_pem", "key must be EC P-256/P-384 or RSA >= 2048")
    assert isinstance(public_key, PublicKey)  # _acceptable narrowed it
    with ca.unit_of_work() as uow:
        record = _issue_resident(ca, uow, principal, resident_id, unit_path, commune_code,
                                 public_key, KeyOrigin.CSR, trace)  # fmt: skip
        uow.commit()
    return record


def issue_resident_pkcs12(
    ca: CertificationAuthority,
    principal: Principal,
    *,
    resident_id: str,
    unit_path: str,
    commune_code: str,
    password: str | None,
    trace: str | None = None,
) -> Handover:
    _check_resident(principal, resident_id, unit_path, commune_code)
    check(password is None or len(password) >= MIN_PASSWORD, "password",
           f"at least {MIN_PASSWORD} characters")  # fmt: skip
    password = password or secrets.token_urlsafe(18)
    key = generate_key()
    with ca.unit_of_work() as uow:
        issuing, root = ca.authorities(uow)
        record = _issue_resident(ca, uow, principal, resident_id, unit_path, commune_code,
                                 key.public_key(), KeyOrigin.PKCS12_HANDOVER, trace)  # fmt: skip
        bundle = pkcs12.serialize_key_and_certificates(
            resident_id.encode(), key, record.certificate,
            [issuing.certificate, root.certificate],
            serialization.BestAvailableEncryption(password.encode()),
        )  # fmt: skip
        uow.commit()
    return Handover(record, bundle, password)


def _issue_resident(
    ca: CertificationAuthority,
    uow: UnitOfWork,
    principal: Principal,
    resident_id: str,
    unit_path: str,
    commune_code: str,
    public_key: PublicKey,
    origin: KeyOrigin,
    trace: str | None,
) -> CertificateRecord:
    name = profiles.resident_name(ca.settings.organisation, resident_id, unit_path)
    return issue(
        ca, uow, name, public_key, kind=Kind.RESIDENT, holder=resident_id,
        role=profiles.RESIDENT_ROLE, unit_path=unit_path, commune_code=commune_code,
        origin=origin, days=ca.settings.resident_validity_days, actor=actor_of(principal),
        trace=trace,
    )  # fmt: skip


def _acceptable(key: object) -> bool:
    if isinstance(key, ec.EllipticCurvePublicKey):
        return isinstance(key.curve, ec.SECP256R1 | ec.SECP384R1)
    return isinstance(key, rsa.RSAPublicKey) and key.key_size >= 2048


def check_resident_id(resident_id: str) -> None:
    check(re.fullmatch(RESIDENT_ID, resident_id), "resident_id", "resident-<uuid4>")


def _check_resident(
    principal: Principal, resident_id: str, unit_path: str, commune_code: str
) -> None:
    check_resident_id(resident_id)
    check_unit(unit_path, commune_code)
    authorize(principal, ISSUE_RESIDENT, unit_path)
