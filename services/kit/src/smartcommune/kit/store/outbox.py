"""The outbox side of the event store: what the relay reads and marks.

The relay (ARCHITECTURE §4 step 4) polls `unpublished()`, publishes in position order — which
within a commune is chain order — and calls `mark_published()` after the broker acknowledged.
A crash between the two re-publishes; consumers treat the copy as a redelivery. Run one relay
per service: two relays would interleave and break per-commune order on the topic.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, datetime
from typing import Any, NamedTuple, cast

from sqlalchemy import CursorResult, select, update

from .tables import events, outbox
from .uow import SessionLike, session_of


class OutboxRecord(NamedTuple):
    """One event to publish: Kafka value = `body`, key = `commune_code`, headers from the rest."""

    position: int
    body: bytes
    commune_code: str
    event_type: str
    trace: str | None


class OutboxMixin:
    service: str

    def unpublished(self, target: SessionLike, limit: int = 100) -> list[OutboxRecord]:
        """The oldest unpublished events of this service, in position order."""
        rows = session_of(target).execute(
            select(
                outbox.c.position,
                events.c.body,
                events.c.commune_code,
                events.c.event_type,
                events.c.trace,
            )
            .join(events, events.c.position == outbox.c.position)
            .where(outbox.c.published_at.is_(None), events.c.service == self.service)
            .order_by(outbox.c.position)
            .limit(limit)
        )
        return [OutboxRecord(*row) for row in rows]

    def mark_published(
        self, target: SessionLike, positions: Iterable[int], at: datetime | None = None
    ) -> int:
        """Record that the broker acknowledged these events; returns how many rows changed.

        Rows already marked keep their first timestamp, so a re-run after a crash is harmless.
        """
        wanted = list(positions)
        if not wanted:
            return 0
        result = session_of(target).execute(
            update(outbox)
            .where(outbox.c.position.in_(wanted), outbox.c.published_at.is_(None))
            .values(published_at=at or datetime.now(UTC))
        )
        return cast(CursorResult[Any], result).rowcount
