"""The identity unit of work: one kit transaction holding the repositories and the vault, so
events, outbox, read model and encrypted personal data commit together or not at all."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from datetime import datetime
from types import TracebackType
from typing import Self

from sqlalchemy import Engine

from smartcommune.kit.events import Actor
from smartcommune.kit.store import EventStore, UnitOfWork
from smartcommune.kit.telemetry import PlatformMetrics

from ..ca.context import CertificationAuthority
from ..ca.domain import RevocationReason
from ..ca.revocation import revoke_resident_certificates
from .crypto import Keyring
from .repository import EventSourcedHouseholds, EventSourcedResidents
from .vault import SqlVault


class SqlIdentityUnitOfWork:
    def __init__(
        self, engine: Engine, store: EventStore, keyring: Keyring, clock: Callable[[], datetime],
        metrics: PlatformMetrics | None = None, *, read_only: bool = False,
        ca: CertificationAuthority | None = None,
    ) -> None:  # fmt: skip
        self._engine, self._store, self._keyring, self._clock = engine, store, keyring, clock
        self._metrics, self._read_only, self._ca = metrics, read_only, ca
        self._kit: UnitOfWork | None = None
        self._appended: list[str] = []  # event types, for the metrics after commit

    def _open(self) -> UnitOfWork:
        assert self._kit is not None, "use the unit of work inside `with`"
        return self._kit

    @property
    def residents(self) -> EventSourcedResidents:
        return EventSourcedResidents(self._open(), self._store, self._appended)

    @property
    def households(self) -> EventSourcedHouseholds:
        return EventSourcedHouseholds(self._open(), self._store, self._appended)

    @property
    def vault(self) -> SqlVault:
        return SqlVault(self._open().session, self._keyring, self._clock)

    def revoke_resident_certificates(
        self, resident_id: str, actor: Actor, trace: str | None
    ) -> list[str]:
        """The CA's revocations, in this transaction: an erased resident's certificates stop
        (RFC 5280 `cessationOfOperation`) exactly when the erasure commits."""
        if self._ca is None:
            return []
        revoked = revoke_resident_certificates(
            self._ca, self._open(), resident_id, RevocationReason.CESSATION_OF_OPERATION,
            actor=actor, trace=trace,
        )  # fmt: skip
        self._appended.extend("certificate.revoked" for _ in revoked)
        return [record.serial for record in revoked]

    def __enter__(self) -> Self:
        self._kit = UnitOfWork(self._engine, read_only=self._read_only).__enter__()
        return self

    def __exit__(
        self, t: type[BaseException] | None, e: BaseException | None, tb: TracebackType | None
    ) -> None:
        kit, self._kit = self._kit, None
        self._appended.clear()
        if kit is not None:
            kit.__exit__(t, e, tb)

    def commit(self) -> None:
        self._open().commit()
        if self._metrics is not None:
            for event_type, count in Counter(self._appended).items():
                self._metrics.appended(event_type, count)
        self._appended.clear()
