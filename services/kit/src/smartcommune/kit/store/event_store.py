"""The event store: append events to a stream and extend its commune's chain in one transaction.

`append` is the write path of ARCHITECTURE §4 step 3. Inside the caller's transaction it

1. locks the (service, commune) chain head — `SELECT … FOR UPDATE` (PostgreSQL; on SQLite the
   engine's `BEGIN IMMEDIATE` already holds the only write lock), and when the commune has no
   head yet, `INSERT … ON CONFLICT DO NOTHING` to create it and the locking read again;
2. checks the stream's version against the caller's expectation (optimistic concurrency);
3. seals the drafts onto the chain (`chain.seal_all`), inserts them — their bodies are the very
   bytes that were hashed — with their outbox rows, and moves the head.

Because every writer of a commune queues on the head row *before* reading anything it decides
on, two writers can never take the same `chain_seq` or link to the same predecessor; the unique
constraints on (stream_id, stream_version) and (service, commune_code, chain_seq) are the
backstop. A stream lives in one commune, so its writers queue on the same head too.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Connection, bindparam, insert, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from ..events import EventDraft, EventEnvelope, Frontier, PayloadRegistry
from ..events.chain import GENESIS_HASH, Sealed, seal_all
from ..telemetry import PlatformMetrics
from .engine import READ_ONLY_OPTION
from .errors import ChainCorruptedError, ConcurrencyConflict, InvalidAppendError
from .metrics import count_on_commit
from .outbox import OutboxMixin
from .reads import StoreReads
from .tables import chain_heads, events, outbox
from .uow import SessionLike, session_of


def _utcnow() -> datetime:
    return datetime.now(UTC)


# The statements of `append`, built once with bound parameters. Building a statement and
# computing its cache key costs SQLAlchemy several times what running it does, and `append`
# runs up to seven. (Parameter names differ from column names: SQLAlchemy reserves those for
# the values of an INSERT or UPDATE.)
_SAME_CHAIN = (
    chain_heads.c.service == bindparam("chain_service"),
    chain_heads.c.commune_code == bindparam("chain_commune"),
)
#: FOR UPDATE is rendered on PostgreSQL only; on SQLite, BEGIN IMMEDIATE already holds the lock.
_LOCK_HEAD = (
    select(chain_heads.c.last_seq, chain_heads.c.last_hash).where(*_SAME_CHAIN).with_for_update()
)
_CREATE_HEAD = {
    name: dialect.insert(chain_heads)
    .values(
        service=bindparam("chain_service"),
        commune_code=bindparam("chain_commune"),
        last_seq=0,
        last_hash=GENESIS_HASH,
    )
    .on_conflict_do_nothing()
    for name, dialect in (("postgresql", postgresql), ("sqlite", sqlite))
}
_STREAM_VERSION = (
    select(events.c.stream_version, events.c.service, events.c.commune_code)
    .where(events.c.stream_id == bindparam("stream"))
    .order_by(events.c.stream_version.desc())
    .limit(1)
)
_INSERT_EVENTS = insert(events)
_ADD_TO_OUTBOX = insert(outbox).from_select(
    ["position"],
    select(events.c.position).where(
        events.c.service == bindparam("chain_service"),
        events.c.commune_code == bindparam("chain_commune"),
        events.c.chain_seq.between(bindparam("from_seq"), bindparam("to_seq")),
    ),
)
_MOVE_HEAD = (
    update(chain_heads)
    .where(
        *_SAME_CHAIN,
        chain_heads.c.last_seq == bindparam("old_seq"),
        chain_heads.c.last_hash == bindparam("old_hash"),
    )
    .values(last_seq=bindparam("new_seq"), last_hash=bindparam("new_hash"))
)


class EventStore(StoreReads, OutboxMixin):
    """One service's events. Methods take the caller's session or `UnitOfWork`; none commits."""

    def __init__(
        self,
        registry: PayloadRegistry,
        *,
        clock: Callable[[], datetime] = _utcnow,
        metrics: PlatformMetrics | None = None,
    ) -> None:
        """`metrics` counts appended events once their transaction has committed."""
        registry.check()
        self.registry = registry
        self.service = registry.service
        self._clock = clock
        self._metrics = metrics

    # ---------------------------------------------------------------- writing
    def append(
        self, target: SessionLike, drafts: Sequence[EventDraft], expected_version: int
    ) -> list[EventEnvelope]:
        """Append `drafts` to their stream, which must be at `expected_version` (0: new)."""
        session = session_of(target)
        stream_id, commune_code = self._check_drafts(session, drafts, expected_version)
        # The kit's tables are Core tables, so their statements go straight to the session's
        # connection — the same transaction — without `Session.execute`'s ORM layer, which has
        # nothing to add to them and costs time on every statement.
        connection = session.connection()
        head = self._lock_head(connection, commune_code)
        actual = self._stream_version(connection, stream_id, commune_code)
        if actual != expected_version:
            raise ConcurrencyConflict(stream_id, expected_version, actual)
        # System time is read under the lock, so it never goes backwards along a chain (as long
        # as the clock does not).
        sealed = seal_all(
            drafts,
            service=self.service,
            stream_version=expected_version + 1,
            recorded_at=self._clock(),
            after=head,
        )
        frontier = Frontier(sealed[-1].envelope.chain_seq, sealed[-1].envelope.hash)
        try:
            connection.execute(_INSERT_EVENTS, [_row(event) for event in sealed])
        except IntegrityError as exc:
            if "stream_id" in str(exc.orig) and "stream_version" in str(exc.orig):
                raise ConcurrencyConflict(stream_id, expected_version, None) from exc
            raise
        self._add_to_outbox(connection, commune_code, head, frontier)
        self._move_head(connection, commune_code, head, frontier)
        if self._metrics is not None:
            count_on_commit(session, self._metrics, (draft.event_type for draft in drafts))
        return [event.envelope for event in sealed]

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
            # The one check of each payload against its model, here on the write path where no
            # draft can go around it (`PayloadRegistry.draft` leaves it to this).
            try:
                self.registry.validate_draft(draft)
            except (LookupError, ValueError) as exc:
                raise InvalidAppendError(f"event {draft.event_id}: {exc}") from exc
        return keys.pop()

    def _lock_head(self, connection: Connection, commune_code: str) -> Frontier:
        """Lock the chain head, creating it first when this is the commune's first event.

        One round trip when the head exists (every append but a commune's first): `SELECT …
        FOR UPDATE`. Only when it finds nothing, `INSERT … ON CONFLICT DO NOTHING` — which waits
        for a concurrent first writer's commit — and the locking read again.
        """
        dialect = connection.dialect.name
        if dialect not in _CREATE_HEAD:
            raise NotImplementedError(f"the event store needs PostgreSQL or SQLite, not {dialect}")
        chain = {"chain_service": self.service, "chain_commune": commune_code}
        row = connection.execute(_LOCK_HEAD, chain).one_or_none()
        if row is None:
            connection.execute(_CREATE_HEAD[dialect], chain)
            row = connection.execute(_LOCK_HEAD, chain).one()
        return Frontier(row.last_seq, row.last_hash)

    def _stream_version(self, connection: Connection, stream_id: str, commune_code: str) -> int:
        last = connection.execute(_STREAM_VERSION, {"stream": stream_id}).one_or_none()
        if last is None:
            return 0
        if (last.service, last.commune_code) != (self.service, commune_code):
            owner = f"({last.service}, {last.commune_code})"
            raise InvalidAppendError(f"stream {stream_id!r} belongs to {owner}")
        return int(last.stream_version)

    def _add_to_outbox(
        self, connection: Connection, commune: str, old: Frontier, new: Frontier
    ) -> None:
        """One outbox row per event just inserted, in one statement.

        The events are exactly the chain's seqs `old + 1 … new` (the unique constraint and the
        head lock see to that), so they are found by the chain index instead of fetching their
        positions back with `RETURNING` and sending them again, one parameter set per event.
        """
        connection.execute(
            _ADD_TO_OUTBOX,
            {
                "chain_service": self.service,
                "chain_commune": commune,
                "from_seq": old.chain_seq + 1,
                "to_seq": new.chain_seq,
            },
        )

    def _move_head(
        self, connection: Connection, commune: str, old: Frontier, new: Frontier
    ) -> None:
        result = connection.execute(
            _MOVE_HEAD,
            {
                "chain_service": self.service,
                "chain_commune": commune,
                "old_seq": old.chain_seq,
                "old_hash": old.hash,
                "new_seq": new.chain_seq,
                "new_hash": new.hash,
            },
        )
        if result.rowcount != 1:
            chain = f"({self.service}, {commune})"
            raise ChainCorruptedError(f"the chain head of {chain} moved while locked")


def _row(event: Sealed) -> dict[str, Any]:
    envelope = event.envelope
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
        "body": event.wire,  # the bytes that were hashed, not a second encoding
    }
