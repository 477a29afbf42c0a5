"""Remote signing for officials: the caller's own certificate, and no one else's.

The certificate is chosen from the *verified token's* subject, never from the request: a request
may name one of the caller's certificates by serial, and naming anybody else's is refused
exactly like naming one that does not exist (so serials cannot be probed). The certificate must
be valid and unrevoked now, its role must still be among the token's roles (a demoted official
is refused even before their certificate is revoked), and the role must be allowed to sign the
stated purpose. Every signature is logged with the document's SHA-256, not the document.
"""

from __future__ import annotations

import hashlib
import logging
import re
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.orm import Session

from smartcommune.kit.auth import Principal

from . import cms, store
from .context import CertificationAuthority
from .domain import (
    CertificateRecord,
    CertificateUnusable,
    InvalidRequest,
    Kind,
    PermissionRefused,
)
from .issuing import official_key_label
from .rules import PURPOSE_ROLES

MAX_DOCUMENT = 4 * 1024 * 1024 - 64 * 1024  # under gRPC's default 4 MiB message limit
_MEDIA_TYPE = re.compile(r"^[a-z0-9][a-z0-9!#$&^_.+-]*/[a-z0-9][a-z0-9!#$&^_.+-]*$")
_log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Signed:
    signature: bytes
    certificate: CertificateRecord
    signed_at: datetime


def sign(
    ca: CertificationAuthority,
    principal: Principal,
    document: bytes,
    *,
    content_type: str,
    purpose: str,
    certificate_serial: str = "",
) -> Signed:
    if not document or len(document) > MAX_DOCUMENT:
        raise InvalidRequest("document", f"between 1 byte and {MAX_DOCUMENT} bytes")
    if not _MEDIA_TYPE.fullmatch(content_type):
        raise InvalidRequest("content_type", "a media type such as application/json")
    if purpose not in PURPOSE_ROLES:
        raise InvalidRequest("purpose", f"one of {', '.join(sorted(PURPOSE_ROLES))}")
    with ca.unit_of_work() as uow:
        record = _certificate_of(ca, uow.session, principal, certificate_serial.lower())
        if record.role not in principal.roles:
            raise PermissionRefused(f"your token no longer carries the role '{record.role}'")
        if record.role not in PURPOSE_ROLES[purpose]:
            raise PermissionRefused(f"a '{record.role}' may not sign a '{purpose}'")
        issuing, _ = ca.authorities(uow)
        key = ca.vault.get(uow.session, official_key_label(record.serial))
        signature = cms.sign_detached(document, record.certificate, key, [issuing.certificate])
        signed_at = cms.read(signature).signing_time
        assert signed_at is not None  # cryptography always adds signingTime
        digest = hashlib.sha256(document).hexdigest()
        store.log_signature(
            uow.session, serial=record.serial, signer=principal.subject, purpose=purpose,
            content_type=content_type, document_sha256=digest, signed_at=signed_at,
        )  # fmt: skip
        uow.commit()
    _log.info(
        "signed",
        extra={"serial": record.serial, "purpose": purpose, "document_sha256": digest},
    )
    return Signed(signature, record, signed_at)


def _certificate_of(
    ca: CertificationAuthority, session: Session, principal: Principal, serial: str
) -> CertificateRecord:
    now = ca.now()
    if serial:
        record = ca.certificates.by_serial(session, serial)
        if record is None or record.kind is not Kind.OFFICIAL or record.holder != principal.subject:
            raise PermissionRefused(f"certificate {serial} is not one of your certificates")
        _usable(record, now)
        return record
    mine = ca.certificates.find(session, holder=principal.subject, kind=Kind.OFFICIAL)
    for record in mine:
        if record.revoked_at is None and record.valid_at(now):
            return record
    if not mine:
        raise CertificateUnusable("you have no signing certificate: ask for one to be issued")
    _usable(mine[0], now)
    raise AssertionError("unreachable: the newest certificate was unusable")


def _usable(record: CertificateRecord, now: datetime) -> None:
    if record.revoked_at is not None:
        reason = record.revocation_reason.value if record.revocation_reason else "unspecified"
        raise CertificateUnusable(
            f"certificate {record.serial} was revoked at {record.revoked_at.isoformat()} ({reason})"
        )
    if now > record.not_after:
        raise CertificateUnusable(f"certificate {record.serial} expired at {record.not_after}")
    if now < record.not_before:
        raise CertificateUnusable(
            f"certificate {record.serial} is not valid before {record.not_before}"
        )
