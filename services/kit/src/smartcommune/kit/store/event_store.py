"""The event store: append events to a stream and extend its commune's chain in one transaction.

`append` is the write path of ARCHITECTURE §4 step 3. Inside the caller's transaction it

1. locks the (service, commune) chain head — `INSERT … ON CONFLICT DO NOTHING` so the first
   writer of a commune can create it, then `SELECT … FOR UPDATE` (PostgreSQL; on SQLite the
   engine's `BEGIN IMMEDIATE` already holds the only write lock);
2. checks the stream's version against the caller's expectation (optimistic concurrency);
3. seals each draft onto the chain, inserts it with its outbox row, and moves the head.

Because every writer of a commune queues on the head row *before* reading anything it decides
on, two writers can never take the same `chain_seq` or link to the same predecessor; the unique
constraints on (stream_id, stream_version) and (service, commune_code, chain_seq) are the
backstop. A stream lives in one commune, so its writers queue on the same head too.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import UTC, datetime
from typing import Any, cast

from sqlalchemy import CursorResult, insert, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from ..events import EventDraft, EventEnvelope, Frontier, PayloadRegistry, seal
from ..events.chain import GENESIS_HASH
from .engine import READ_ONLY_OPTION
from .errors import ChainCorruptedError, ConcurrencyConflict, InvalidAppendError
from .outbox import OutboxMixin
from .reads import StoreReads
from .tables import chain_heads, events, outbox
from .uow import SessionLike, session_of


def _utcnow() -> datetime:
    return datetime.now(UTC)


class EventStore(StoreReads, OutboxMixin):
    """One service's events. Methods take the caller's session or `UnitOfWork`; none commits."""

    def __init__(
        self, registry: PayloadRegistry, *, clock: Callable[[], datetime] = _utcnow
    ) -> None:
        registry.check()
        self.registry = registry
        self.service = registry.service
        self._clock = clock

    # ---------------------------------------------------------------- writing
    def append(
        self, target: SessionLike, drafts: Sequence[EventDraft], expected_version: int
    ) -> list[EventEnvelope]:
        """Append `drafts` to their stream, which must be at `expected_version` (0: new)."""
        session = session_of(target)
        stream_id, commune_code = self._check_drafts(session, drafts, expected_version)
        head = self._lock_head(session, commune_code)
        actual = self._stream_version(session, stream_id, commune_code)
        if actual != expected_version:
            raise ConcurrencyConflict(stream_id, expected_version, actual)
        # System time is read under the lock, so it never goes backwards along a chain (as long
        # as the clock does not).
        recorded_at, frontier, sealed = self._clock(), head, []
        for offset, draft in enumerate(drafts, start=1):
            envelope = seal(
                draft,
                service=self.service,
                stream_version=expected_version + offset,
                recorded_at=recorded_at,
                after=frontier,
            )
            sealed.append(envelope)
            frontier = Frontier(envelope.chain_seq, envelope.hash)
        try:
            positions = session.execute(
                insert(events).returning(events.c.position, sort_by_parameter_order=True),
                [_row(envelope) for envelope in sealed],
            ).scalars()
            session.execute(insert(outbox), [{"position": p} for p in positions])
        except IntegrityError as exc:
            if "stream_id" in str(exc.orig) and "stream_version" in str(exc.orig):
                raise ConcurrencyConflict(stream_id, expected_version, None) from exc
            raise
        self._move_head(session, commune_code, head, frontier)
        return sealed

    def _check_drafts(
        self, session: Session, drafts: Sequence[EventDraft], expected_version: int
    ) -> tuple[str, str]:
        if not drafts:
            raise InvalidAppendError("nothing to append")
        if expected_version < 0:
            raise InvalidAppendError("expected_version is 0 for a new stream, never negative")
        if len({draft.event_id for draft in drafts}) != len(drafts):
            raise InvalidAppendError("the same event appears twice in one append")
        if session.connection().get_execution_options().get(READ_ONLY_OPTION, False):
            raise InvalidAppendError("cannot append in a read-only unit of work")
        keys = {(draft.stream_id, draft.commune_code) for draft in drafts}
        if len(keys) != 1:
            raise InvalidAppendError(f"one append is one stream in one commune, got {sorted(keys)}")
        for draft in drafts:
            try:
                self.registry.validate_draft(draft)
            except (LookupError, ValueError) as exc:
                raise InvalidAppendError(f"event {draft.event_id}: {exc}") from exc
        return keys.pop()

    def _lock_head(self, session: Session, commune_code: str) -> Frontier:
        key = {"service": self.service, "commune_code": commune_code}
        dialect = session.get_bind().dialect.name
        if dialect not in ("postgresql", "sqlite"):
            raise NotImplementedError(f"the event store needs PostgreSQL or SQLite, not {dialect}")
        dialect_insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
        session.execute(
            dialect_insert(chain_heads)
            .values(**key, last_seq=0, last_hash=GENESIS_HASH)
            .on_conflict_do_nothing()
        )
        row = session.execute(
            select(chain_heads.c.last_seq, chain_heads.c.last_hash)
            .filter_by(**key)
            .with_for_update()
        ).one()
        return Frontier(row.last_seq, row.last_hash)

    def _stream_version(self, session: Session, stream_id: str, commune_code: str) -> int:
        last = session.execute(
            select(events.c.stream_version, events.c.service, events.c.commune_code)
            .where(events.c.stream_id == stream_id)
            .order_by(events.c.stream_version.desc())
            .limit(1)
        ).one_or_none()
        if last is None:
            return 0
        if (last.service, last.commune_code) != (self.service, commune_code):
            owner = f"({last.service}, {last.commune_code})"
            raise InvalidAppendError(f"stream {stream_id!r} belongs to {owner}")
        return int(last.stream_version)

    def _move_head(self, session: Session, commune: str, old: Frontier, new: Frontier) -> None:
        result = session.execute(
            update(chain_heads)
            .where(
                chain_heads.c.service == self.service,
                chain_heads.c.commune_code == commune,
                chain_heads.c.last_seq == old.chain_seq,
                chain_heads.c.last_hash == old.hash,
            )
            .values(last_seq=new.chain_seq, last_hash=new.hash)
        )
        if cast(CursorResult[Any], result).rowcount != 1:
            chain = f"({self.service}, {commune})"
            raise ChainCorruptedError(f"the chain head of {chain} moved while locked")


def _row(envelope: EventEnvelope) -> dict[str, Any]:
    return {
        "event_id": envelope.event_id,
        "service": envelope.service,
        "stream_id": envelope.stream_id,
        "stream_version": envelope.stream_version,
        "commune_code": envelope.commune_code,
        "chain_seq": envelope.chain_seq,
        "event_type": envelope.event_type,
        "event_version": envelope.event_version,
        "recorded_at": envelope.recorded_at,
        "trace": envelope.trace,
        "body": envelope.to_wire(),
    }
