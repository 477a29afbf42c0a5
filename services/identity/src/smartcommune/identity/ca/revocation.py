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
from smartcommune.kit.events import Actor
from smartcommune.kit.store import UnitOfWork

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
        revoked = _revoke(ca, uow, record, reason, actor_of(principal), trace)
        if revoked is None:
            raise Conflict(f"certificate {serial} was already revoked")
        uow.commit()
    return revoked


def _revoke(
    ca: CertificationAuthority,
    uow: UnitOfWork,
    record: CertificateRecord,
    reason: RevocationReason,
    actor: Actor,
    trace: str | None,
) -> CertificateRecord | None:
    """Mark it revoked now and record `certificate.revoked`; None when it already was."""
    now = ca.now()
    if not ca.certificates.revoke(uow.session, record.fingerprint, now, reason):
        return None
    ca.record(
        uow,
        CertificateRevokedV1(
            serial=record.serial, fingerprint_sha256=record.fingerprint, kind=record.kind,
            holder=record.holder, reason=reason, revoked_at=now,
        ),
        stream_id=f"certificate-{record.serial}", unit_path=record.unit_path,
        commune_code=record.commune_code, actor=actor, expected_version=1, trace=trace,
    )  # fmt: skip
    return replace(record, revoked_at=now, revocation_reason=reason)


def revoke_resident_certificates(
    ca: CertificationAuthority,
    uow: UnitOfWork,
    resident_id: str,
    reason: RevocationReason,
    *,
    actor: Actor,
    trace: str | None = None,
) -> list[CertificateRecord]:
    """Revoke every resident certificate of `resident_id` still in force (neither revoked nor
    expired), each with a `certificate.revoked` event, inside the caller's unit of work — the
    caller commits, so the revocations stand or fall with what caused them (an erasure)."""
    now = ca.now()
    held = ca.certificates.find(uow.session, holder=resident_id, kind=Kind.RESIDENT, limit=10_000)
    in_force = [r for r in held if r.revoked_at is None and r.not_after >= now]
    revoked = (_revoke(ca, uow, record, reason, actor, trace) for record in in_force)
    return [record for record in revoked if record is not None]  # None: revoked meanwhile
