"""A FastStream Kafka broker set up the way tracking consumers need it.

The broker also publishes dead letters, so its producer gets the relay's guarantees
(`acks="all"`, idempotent): a dead letter is written before the message is marked done, and
must not be half-written. Topics are provisioned by the platform (`kit.topics`), never
auto-created by whichever consumer happens to start first.
"""

from __future__ import annotations

from typing import Any

from faststream.kafka import KafkaBroker


def make_broker(bootstrap: str, *, client_id: str, **overrides: Any) -> KafkaBroker:
    """A broker for `TrackingConsumer.subscribe`; connects only when started."""
    options: dict[str, Any] = {
        "client_id": client_id,
        "acks": "all",
        "enable_idempotence": True,
        "allow_auto_create_topics": False,
    }
    return KafkaBroker(bootstrap, **(options | overrides))
