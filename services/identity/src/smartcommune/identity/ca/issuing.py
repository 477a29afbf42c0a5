"""Issuing end-entity certificates, and officials' certificates in particular.

Officials sign decisions through the signing service (remote signing, as Vietnam's public CAs
offer), so their key is generated here, sealed under the master key and never handed out —
`Sign` uses it only with that official's own token. Residents keep their own keys
(`residents.py`).
"""

from __future__ import annotations

import re

from cryptography import x509

from smartcommune.kit.auth import Forbidden, Principal, authorize
from smartcommune.kit.events import Actor
from smartcommune.kit.store import UnitOfWork

from . import profiles
from .authority import ISSUING_KEY
from .context import CertificationAuthority, new_record
from .domain import CertificateRecord, InvalidRequest, KeyOrigin, Kind
from .events import CertificateIssuedV1
from .keys import PublicKey, generate_key
from .rules import GRANTABLE_ROLES, ISSUE_OFFICIAL, OFFICIAL_ROLES

COMMUNE_CODE = re.compile(r"^[0-9]{5}$")


def issue_official(
    ca: CertificationAuthority,
    principal: Principal,
    *,
    subject: str,
    username: str,
    role: str,
    admin_unit: str,
    commune_code: str | None,
    trace: str | None = None,
) -> CertificateRecord:
    check(profiles.USERNAME.fullmatch(username), "username", "letters, digits and ._@- only")
    check(0 < len(subject) <= 100 and subject.isprintable(), "subject", "a Keycloak subject id")
    check(role in OFFICIAL_ROLES, "role", f"one of {', '.join(sorted(OFFICIAL_ROLES))}")
    check_unit(admin_unit, commune_code, field="admin_unit")
    authorize(principal, ISSUE_OFFICIAL, admin_unit)
    if not any(role in GRANTABLE_ROLES.get(own, ()) for own in principal.roles):
        raise Forbidden(f"your role cannot issue a '{role}' certificate")
    if principal.subject == subject:
        raise Forbidden("nobody issues their own signing certificate")
    name = profiles.official_name(ca.settings.organisation, username, subject, role, admin_unit)
    key = generate_key()
    with ca.unit_of_work() as uow:
        record = issue(
            ca, uow, name, key.public_key(), kind=Kind.OFFICIAL, holder=subject, role=role,
            unit_path=admin_unit, commune_code=commune_code, origin=KeyOrigin.SERVICE_HELD,
            days=ca.settings.official_validity_days, actor=actor_of(principal), trace=trace,
        )  # fmt: skip
        ca.vault.put(uow.session, official_key_label(record.serial), key)
        uow.commit()
    return record


def official_key_label(serial: str) -> str:
    return f"official-{serial}"


def issue(
    ca: CertificationAuthority,
    uow: UnitOfWork,
    name: x509.Name,
    public_key: PublicKey,
    *,
    kind: Kind,
    holder: str,
    role: str,
    unit_path: str,
    commune_code: str | None,
    origin: KeyOrigin,
    days: int,
    actor: Actor,
    trace: str | None,
) -> CertificateRecord:
    issuing, _ = ca.authorities(uow)
    builder = profiles.end_entity_builder(
        name, issuing.certificate, public_key,
        crl_url=ca.settings.crl_url, now=ca.now(), days=days,
    )  # fmt: skip
    certificate = ca.keys.signer(uow.session, ISSUING_KEY).sign_certificate(builder)
    record = new_record(
        certificate, kind=kind, holder=holder, role=role, unit_path=unit_path,
        commune_code=commune_code, key_origin=origin, issued_at=ca.now(),
    )  # fmt: skip
    ca.certificates.add(uow.session, record)
    ca.record(
        uow,
        CertificateIssuedV1(
            serial=record.serial, fingerprint_sha256=record.fingerprint, kind=kind,
            holder=holder, role=role, key_origin=origin, not_before=record.not_before,
            not_after=record.not_after, issuer_serial=issuing.serial,
        ),
        stream_id=f"certificate-{record.serial}", unit_path=unit_path,
        commune_code=commune_code, actor=actor, expected_version=0, trace=trace,
    )  # fmt: skip
    return record


def check_unit(unit_path: str, commune_code: str | None, *, field: str = "unit_path") -> None:
    check(profiles.UNIT_PATH.fullmatch(unit_path), field, "an ASCII admin-unit path")
    check(commune_code is None or COMMUNE_CODE.fullmatch(commune_code), "commune_code",
           "five digits")  # fmt: skip


def check(condition: object, field: str, message: str) -> None:
    if not condition:
        raise InvalidRequest(field, message)


def actor_of(principal: Principal) -> Actor:
    roles = sorted(principal.roles & (OFFICIAL_ROLES | {"auditor"})) or ["unknown"]
    return Actor(subject=principal.actor, role="service" if principal.is_service else roles[0])
