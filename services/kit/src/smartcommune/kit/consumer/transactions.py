"""The consumer's database side: each message is one transaction, tracking row included.

Runs in a worker thread (SQLAlchemy here is synchronous; the FastStream loop must keep serving
heartbeats meanwhile). The tracking row is inserted *before* the handler runs: a copy of the
event delivered concurrently to another member of the group then fails on the unique key
before having any effect, rather than after doing its work twice.
"""

from __future__ import annotations

from collections.abc import Callable

from sqlalchemy.exc import IntegrityError

from ..events import EventEnvelope
from ..relay.relay import UowFactory
from ..store import UnitOfWork
from .tracking import Delivery, is_tracked, track

Handler = Callable[[UnitOfWork, EventEnvelope], None]


class Transactions:
    def __init__(self, consumer: str, uow: UowFactory, handler: Handler) -> None:
        self.consumer, self._uow, self._handler = consumer, uow, handler

    def apply(self, delivery: Delivery, envelope: EventEnvelope) -> bool:
        """Track and apply the event in one commit; False (nothing done) if seen before."""
        with self._uow(read_only=False) as uow:
            if is_tracked(uow.session, self.consumer, delivery, envelope.event_id):
                return False
            try:
                track(uow.session, self.consumer, delivery, envelope.event_id)
            except IntegrityError:  # another member of the group committed it meanwhile
                return False
            self._handler(uow, envelope)  # raising rolls back the tracking row too
            uow.commit()
        return True

    def seen(self, delivery: Delivery) -> bool:
        """Whether this very message (topic, partition, offset) was dealt with already."""
        with self._uow(read_only=True) as uow:
            return is_tracked(uow.session, self.consumer, delivery, None)

    def record_dead_letter(self, delivery: Delivery) -> None:
        """Track a dead-lettered message by its offset only (see `TrackingConsumer`)."""
        with self._uow(read_only=False) as uow:
            try:
                track(uow.session, self.consumer, delivery, None)
            except IntegrityError:
                return
            uow.commit()
