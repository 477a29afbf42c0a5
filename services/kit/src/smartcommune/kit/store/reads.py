"""Reading the event store: streams, the whole log, chains, and chain heads.

Reads return envelopes exactly as stored (`from_wire` validates their shape). Payloads are not
interpreted here: `PayloadRegistry.decode` validates and upcasts them for whoever needs them,
so the audit can read a chain whose payload schemas it does not know.
"""

from __future__ import annotations

from typing import NamedTuple

from sqlalchemy import select

from ..events import EventEnvelope, Frontier
from ..events.chain import GENESIS_HASH
from .tables import chain_heads, events
from .uow import SessionLike, session_of


class PositionedEvent(NamedTuple):
    position: int
    envelope: EventEnvelope


class StoreReads:
    service: str

    def load_stream(self, target: SessionLike, stream_id: str) -> list[EventEnvelope]:
        """Every event of a stream, in stream order (payloads as stored; see registry.decode)."""
        bodies = session_of(target).scalars(
            select(events.c.body)
            .where(events.c.stream_id == stream_id)
            .order_by(events.c.stream_version)
        )
        return [EventEnvelope.from_wire(body) for body in bodies]

    def read_all(
        self, target: SessionLike, after_position: int = 0, limit: int = 100
    ) -> list[PositionedEvent]:
        """This service's events after `after_position`, in position order.

        Positions are assigned at insert, not at commit: on PostgreSQL a transaction holding a
        lower position can commit after one holding a higher position (in another commune), so
        a reader tailing by position must not assume the past is complete. Within one commune
        positions follow the chain, because appends to it are serialised.
        """
        rows = session_of(target).execute(
            select(events.c.position, events.c.body)
            .where(events.c.service == self.service, events.c.position > after_position)
            .order_by(events.c.position)
            .limit(limit)
        )
        return [PositionedEvent(row.position, EventEnvelope.from_wire(row.body)) for row in rows]

    def read_chain(
        self,
        target: SessionLike,
        service: str,
        commune_code: str,
        from_seq: int = 1,
        limit: int | None = None,
    ) -> list[EventEnvelope]:
        """One (service, commune) chain from `from_seq` on, in chain order."""
        query = (
            select(events.c.body)
            .where(
                events.c.service == service,
                events.c.commune_code == commune_code,
                events.c.chain_seq >= from_seq,
            )
            .order_by(events.c.chain_seq)
            .limit(limit)
        )
        return [EventEnvelope.from_wire(body) for body in session_of(target).scalars(query)]

    def chain_head(self, target: SessionLike, service: str, commune_code: str) -> Frontier:
        """The committed frontier of a chain (GENESIS when it has no events yet)."""
        row = (
            session_of(target)
            .execute(
                select(chain_heads.c.last_seq, chain_heads.c.last_hash).filter_by(
                    service=service, commune_code=commune_code
                )
            )
            .one_or_none()
        )
        return Frontier(row.last_seq, row.last_hash) if row else Frontier(0, GENESIS_HASH)
