"""Reading and writing the CA's tables (SQLAlchemy Core, in the caller's session).

Nothing here commits: the application service appends the matching event through the kit's
event store in the same transaction, so a certificate is stored exactly when its
`certificate.issued` event is.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import asdict
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import func, insert, select, update
from sqlalchemy.engine import Row
from sqlalchemy.orm import Session

from .domain import CertificateRecord, KeyOrigin, Kind, RevocationReason
from .tables import ca_certificates, ca_crls, ca_signatures


def _utc(value: datetime | None) -> datetime | None:
    """SQLite hands back naive datetimes; everything stored is UTC."""
    if value is None:
        return None
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def _record(row: Row[Any]) -> CertificateRecord:
    data = dict(row._mapping)
    for name in ("not_before", "not_after", "issued_at", "revoked_at"):
        data[name] = _utc(data[name])
    data["kind"] = Kind(data["kind"])
    data["key_origin"] = KeyOrigin(data["key_origin"])
    reason = data["revocation_reason"]
    data["revocation_reason"] = RevocationReason(reason) if reason else None
    return CertificateRecord(**data)


class CertificateStore:
    def add(self, session: Session, record: CertificateRecord) -> None:
        values = asdict(record)
        values["revocation_reason"] = record.revocation_reason and record.revocation_reason.value
        session.execute(insert(ca_certificates).values(**values))

    def by_fingerprint(self, session: Session, fingerprint: str) -> CertificateRecord | None:
        row = session.execute(
            select(ca_certificates).where(ca_certificates.c.fingerprint == fingerprint)
        ).one_or_none()
        return _record(row) if row else None

    def by_serial(self, session: Session, serial: str) -> CertificateRecord | None:
        """One of *our* certificates by serial (external ones are looked up by fingerprint)."""
        row = session.execute(
            select(ca_certificates).where(
                ca_certificates.c.serial == serial.lower(),
                ca_certificates.c.kind != Kind.EXTERNAL.value,
            )
        ).first()
        return _record(row) if row else None

    def authority(self, session: Session, kind: Kind) -> CertificateRecord | None:
        """The newest root or issuing CA certificate."""
        row = session.execute(
            select(ca_certificates)
            .where(ca_certificates.c.kind == kind.value)
            .order_by(ca_certificates.c.issued_at.desc())
        ).first()
        return _record(row) if row else None

    def find(
        self,
        session: Session,
        *,
        holder: str | None = None,
        subject_dn: str | None = None,
        kind: Kind | None = None,
        limit: int = 500,
    ) -> list[CertificateRecord]:
        """Newest first."""
        query = select(ca_certificates).order_by(ca_certificates.c.issued_at.desc()).limit(limit)
        if holder is not None:
            query = query.where(ca_certificates.c.holder == holder)
        if subject_dn is not None:
            query = query.where(ca_certificates.c.subject_dn == subject_dn)
        if kind is not None:
            query = query.where(ca_certificates.c.kind == kind.value)
        return [_record(row) for row in session.execute(query)]

    def revoke(
        self, session: Session, fingerprint: str, at: datetime, reason: RevocationReason
    ) -> bool:
        """Record the revocation once; False when it was already revoked."""
        # Core on the session's connection: its CursorResult reports the rows updated.
        result = session.connection().execute(
            update(ca_certificates)
            .where(
                ca_certificates.c.fingerprint == fingerprint,
                ca_certificates.c.revoked_at.is_(None),
            )
            .values(revoked_at=at, revocation_reason=reason.value)
        )
        return bool(result.rowcount == 1)

    def revoked(self, session: Session) -> Iterator[CertificateRecord]:
        """Every revoked certificate issued by our issuing CA (the CRL's entries)."""
        rows = session.execute(
            select(ca_certificates).where(
                ca_certificates.c.revoked_at.is_not(None),
                ca_certificates.c.kind.in_([Kind.OFFICIAL.value, Kind.RESIDENT.value]),
            )
        )
        return (_record(row) for row in rows)

    def latest_revocation(self, session: Session) -> datetime | None:
        return _utc(session.execute(select(func.max(ca_certificates.c.revoked_at))).scalar())


class CrlStore:
    def latest(self, session: Session) -> tuple[int, datetime, datetime, bytes] | None:
        row = session.execute(select(ca_crls).order_by(ca_crls.c.number.desc())).first()
        if row is None:
            return None
        this_update, next_update = _utc(row.this_update), _utc(row.next_update)
        assert this_update is not None  # NOT NULL column
        assert next_update is not None
        return row.number, this_update, next_update, row.der

    def add(
        self,
        session: Session,
        number: int,
        this_update: datetime,
        next_update: datetime,
        der: bytes,
    ) -> None:
        session.execute(
            insert(ca_crls).values(
                number=number, this_update=this_update, next_update=next_update, der=der
            )
        )


def log_signature(
    session: Session,
    *,
    serial: str,
    signer: str,
    purpose: str,
    content_type: str,
    document_sha256: str,
    signed_at: datetime,
) -> None:
    session.execute(
        insert(ca_signatures).values(
            serial=serial,
            signer=signer,
            purpose=purpose,
            content_type=content_type,
            document_sha256=document_sha256,
            signed_at=signed_at,
        )
    )
