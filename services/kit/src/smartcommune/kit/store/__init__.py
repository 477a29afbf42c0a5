"""Event store: tables, engine setup, unit of work, append/read, outbox."""

from .engine import make_engine
from .errors import ChainCorruptedError, ConcurrencyConflict, EventStoreError, InvalidAppendError
from .event_store import EventStore
from .outbox import OutboxRecord
from .reads import PositionedEvent
from .tables import chain_heads, events, metadata, outbox
from .uow import SessionLike, UnitOfWork

__all__ = [
    "ChainCorruptedError",
    "ConcurrencyConflict",
    "EventStore",
    "EventStoreError",
    "InvalidAppendError",
    "OutboxRecord",
    "PositionedEvent",
    "SessionLike",
    "UnitOfWork",
    "chain_heads",
    "events",
    "make_engine",
    "metadata",
    "outbox",
]
