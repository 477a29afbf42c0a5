"""Typed errors of the event store, so callers can map them (e.g. to HTTP 409) without parsing."""

from __future__ import annotations


class EventStoreError(Exception):
    """Base of every error the event store raises on purpose."""


class ConcurrencyConflict(EventStoreError):  # noqa: N818 - the name is the API contract (→ 409)
    """The stream moved on since the caller read it: reload, decide again, retry.

    `actual` is the stream's current version, or None when the database reported the conflict
    through its unique constraint and the transaction could no longer be asked.
    """

    def __init__(self, stream_id: str, expected: int, actual: int | None) -> None:
        super().__init__(f"stream {stream_id!r}: expected version {expected}, found {actual}")
        self.stream_id = stream_id
        self.expected = expected
        self.actual = actual


class InvalidAppendError(EventStoreError, ValueError):
    """The drafts cannot be appended as given (empty, mixed streams or communes, bad payload)."""


class ChainCorruptedError(EventStoreError):
    """A chain head or chain row disagrees with what the lock guaranteed. Never expected: it
    means something wrote to the kit's tables without going through `EventStore`."""
