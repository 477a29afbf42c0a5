"""The Kafka producer the relay publishes with, configured so that retries cannot reorder.

Per-commune order on the topic is the whole point of keying by commune, and a plain producer
loses it under retries: with several requests in flight, batch *n* can fail, batch *n+1* land,
and the retried *n* land after it. The idempotent producer (`enable_idempotence=True`) numbers
every batch per partition, so the broker rejects an out-of-sequence batch instead of appending
it — that keeps order with up to 5 requests in flight and also removes the copies that internal
retries would otherwise write. `acks="all"` means "acknowledged" is "on every in-sync replica",
which is what the relay needs before it may forget an event.

`delivery_timeout_ms` bounds how long one send can stay undecided; the relay waits at least that
long for its batch, so when it retries a failed batch no copy of the old one is still queued.
"""

from __future__ import annotations

from typing import Any, Protocol

from kafka import KafkaProducer

#: Upper bound for one record from `send()` to success or failure (see the module docstring).
DELIVERY_TIMEOUT_MS = 30_000

Headers = list[tuple[str, bytes]]


class SendFuture(Protocol):
    def get(self, timeout: float | None = None) -> Any:
        """Block until the broker acknowledged (the record's metadata) or raise its error."""


class Publisher(Protocol):
    """What the relay needs from a producer; kafka-python's `KafkaProducer` is one."""

    def send(self, topic: str, *, value: bytes, key: bytes, headers: Headers) -> SendFuture: ...

    def flush(self, timeout: float | None = None) -> None: ...

    def close(self, timeout: float | None = None) -> None: ...


def make_producer(bootstrap: str, *, client_id: str, **overrides: Any) -> Publisher:
    """An idempotent `acks=all` producer for the relay; `overrides` go to `KafkaProducer`.

    Creating it does not connect yet; the first `send` fetches metadata (up to `max_block_ms`).
    """
    config: dict[str, Any] = {
        "bootstrap_servers": bootstrap,
        "client_id": client_id,
        "acks": "all",
        "enable_idempotence": True,
        "max_in_flight_requests_per_connection": 5,  # the most idempotence keeps ordered
        "retries": 2**31 - 1,  # retry until delivery_timeout_ms: time, not count, is the bound
        "linger_ms": 5,  # gather a batch's records per partition without delaying it noticeably
        "request_timeout_ms": 10_000,
        "delivery_timeout_ms": DELIVERY_TIMEOUT_MS,
        "max_block_ms": 10_000,  # how long send() may wait for metadata when the broker is away
    }
    producer: Publisher = KafkaProducer(**(config | overrides))
    return producer
