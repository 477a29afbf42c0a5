"""Revoking a certificate: once, with an RFC 5280 reason, recorded as an event and on the CRL.

Revocation time matters as much as the fact: `Verify` answers "was it revoked *when this was
signed*", so a decision signed before a later revocation still stands. The holder may revoke
their own certificate (a lost phone, a suspected compromise); otherwise the rule that issues a
kind of certificate also revokes it, within the same subtree. The CA's own certificates and
external ones (revoked by their provider) cannot be revoked here.
"""

from __future__ import annotations

from dataclasses import replace

from smartcommune.kit.auth import Principal, authorize

from .context import CertificationAuthority
from .domain import CertificateRecord, Conflict, InvalidRequest, Kind, NotFound, RevocationReason
from .events import CertificateRevokedV1
from .issuing import actor_of
from .rules import ISSUE_OFFICIAL, ISSUE_RESIDENT

_RULES = {Kind.OFFICIAL: ISSUE_OFFICIAL, Kind.RESIDENT: ISSUE_RESIDENT}


def revoke(
    ca: CertificationAuthority,
    principal: Principal,
    serial: str,
    reason: RevocationReason,
    *,
    trace: str | None = None,
) -> CertificateRecord:
    with ca.unit_of_work() as uow:
        record = ca.certificates.by_serial(uow.session, serial)
        if record is None:
            raise NotFound(f"no certificate with serial {serial}")
        rule = _RULES.get(record.kind)
        if rule is None:
            raise InvalidRequest("serial", f"a {record.kind.value} certificate is not revoked here")
        own = record.kind is Kind.OFFICIAL and record.holder == principal.subject
        if not own:
            authorize(principal, rule, record.unit_path)
        now = ca.now()
        if not ca.certificates.revoke(uow.session, record.fingerprint, now, reason):
            raise Conflict(f"certificate {serial} was already revoked")
        ca.record(
            uow,
            CertificateRevokedV1(
                serial=record.serial, fingerprint_sha256=record.fingerprint, kind=record.kind,
                holder=record.holder, reason=reason, revoked_at=now,
            ),
            stream_id=f"certificate-{record.serial}", unit_path=record.unit_path,
            commune_code=record.commune_code, actor=actor_of(principal), expected_version=1,
            trace=trace,
        )  # fmt: skip
        uow.commit()
    return replace(record, revoked_at=now, revocation_reason=reason)
