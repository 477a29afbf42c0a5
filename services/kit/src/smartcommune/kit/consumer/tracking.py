"""Tracking rows: which messages a consumer has already dealt with (see `tables.py`).

Both functions take the session of the consumer's unit of work, so the row commits or rolls
back with the projection change it vouches for.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy import and_, exists, or_, select
from sqlalchemy.orm import Session

from .tables import consumer_tracking as t


@dataclass(frozen=True)
class Delivery:
    """One Kafka message as received: where it came from and its raw bytes."""

    topic: str
    partition: int
    offset: int
    key: bytes | None
    value: bytes | None
    headers: tuple[tuple[str, bytes], ...]


def is_tracked(session: Session, consumer: str, delivery: Delivery, event_id: str | None) -> bool:
    """True if this offset, or another copy of this event, was already applied or dead-lettered."""
    same_offset = and_(
        t.c.topic == delivery.topic,
        t.c.partition == delivery.partition,
        t.c.offset == delivery.offset,
    )
    seen = same_offset if event_id is None else or_(same_offset, t.c.event_id == event_id)
    return bool(session.scalar(select(exists().where(t.c.consumer == consumer, seen))))


def track(session: Session, consumer: str, delivery: Delivery, event_id: str | None) -> None:
    """Insert the tracking row and flush, so a concurrent copy fails here, before any effect."""
    session.execute(
        t.insert().values(
            consumer=consumer,
            topic=delivery.topic,
            partition=delivery.partition,
            offset=delivery.offset,
            event_id=event_id,
            processed_at=datetime.now(UTC),
        )
    )
    session.flush()
