"""`CertificationAuthority`: what every CA operation needs, wired once by the bootstrap.

The operations themselves are functions in `authority`, `issuing`, `revocation`, `external` and
`signing`, each taking this object first, so each file stays about one job.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime

from cryptography import x509
from cryptography.hazmat.primitives.serialization import Encoding
from sqlalchemy import Engine

from smartcommune.kit.events import Actor, EventPayload
from smartcommune.kit.store import EventStore, UnitOfWork

from .config import CaSettings
from .domain import CertificateRecord, KeyOrigin, Kind, NotFound
from .events import event_scope
from .keys import CaKeyStore, DatabaseCaKeyStore, KeySealer, KeyVault
from .store import CertificateStore, CrlStore

SERVICE_ACTOR = Actor.for_service("identity")
_DER = Encoding.DER


def utcnow() -> datetime:
    return datetime.now(UTC)


def fingerprint(certificate: x509.Certificate) -> str:
    return hashlib.sha256(certificate.public_bytes(_DER)).hexdigest()


def serial_hex(certificate: x509.Certificate) -> str:
    return format(certificate.serial_number, "x")


@dataclass
class CertificationAuthority:
    engine: Engine
    events: EventStore
    settings: CaSettings
    keys: CaKeyStore
    vault: KeyVault
    clock: Callable[[], datetime] = utcnow
    #: provider → its configured roots and intermediates (see `external.load_provider_roots`)
    provider_certificates: Mapping[str, list[x509.Certificate]] = field(default_factory=dict)
    certificates: CertificateStore = field(default_factory=CertificateStore)
    crls: CrlStore = field(default_factory=CrlStore)
    _authorities: tuple[CertificateRecord, CertificateRecord] | None = field(
        default=None, init=False, repr=False
    )

    @classmethod
    def build(
        cls,
        engine: Engine,
        events: EventStore,
        settings: CaSettings,
        *,
        clock: Callable[[], datetime] = utcnow,
        key_store: CaKeyStore | None = None,
    ) -> CertificationAuthority:
        from .external import load_provider_roots

        vault = KeyVault(KeySealer(settings.master_key.get_secret_value()))
        return cls(
            engine,
            events,
            settings,
            key_store or DatabaseCaKeyStore(vault),
            vault,
            clock,
            load_provider_roots(settings.external_roots),
        )

    def now(self) -> datetime:
        return self.clock().astimezone(UTC)

    def unit_of_work(self, *, read_only: bool = False) -> UnitOfWork:
        return UnitOfWork(self.engine, read_only=read_only)

    def authorities(self, uow: UnitOfWork) -> tuple[CertificateRecord, CertificateRecord]:
        """(issuing, root) — `NotFound` until `authority.initialise` has run.

        Kept in memory once found: the CA certificates never change while the process runs
        (a CA rollover, not implemented yet, would come with a restart).
        """
        if self._authorities is not None:
            return self._authorities
        issuing = self.certificates.authority(uow.session, Kind.ISSUING)
        root = self.certificates.authority(uow.session, Kind.ROOT)
        if issuing is None or root is None:
            raise NotFound("the certification authority has not been initialised")
        self._authorities = (issuing, root)
        return self._authorities

    def record(
        self,
        uow: UnitOfWork,
        payload: EventPayload,
        *,
        stream_id: str,
        unit_path: str,
        commune_code: str | None,
        actor: Actor,
        expected_version: int,
        trace: str | None = None,
    ) -> None:
        commune, path = event_scope(unit_path, commune_code)
        draft = self.events.registry.draft(
            payload,
            stream_id=stream_id,
            commune_code=commune,
            unit_path=path,
            occurred_at=self.now(),
            actor=actor,
            trace=trace,
        )
        self.events.append(uow, [draft], expected_version=expected_version)


def new_record(
    certificate: x509.Certificate,
    *,
    kind: Kind,
    holder: str,
    role: str,
    unit_path: str,
    commune_code: str | None,
    key_origin: KeyOrigin,
    issued_at: datetime,
    provider: str | None = None,
    chain_status: str | None = None,
) -> CertificateRecord:
    return CertificateRecord(
        fingerprint=fingerprint(certificate),
        serial=serial_hex(certificate),
        kind=kind,
        holder=holder,
        role=role,
        unit_path=unit_path,
        commune_code=commune_code,
        subject_dn=certificate.subject.rfc4514_string(),
        not_before=certificate.not_valid_before_utc,
        not_after=certificate.not_valid_after_utc,
        der=certificate.public_bytes(_DER),
        key_origin=key_origin,
        issued_at=issued_at,
        provider=provider,
        chain_status=chain_status,
    )
