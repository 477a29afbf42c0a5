"""Dead letters: the original message, unchanged, on `<topic>.dlq`, with why and whence.

The value and key are the original bytes, so once the cause is fixed the message can be
re-published to its topic as it was. The headers say why it was rejected and where it came from
(`dlq.reason` is a stable code, `dlq.detail` the readable text), plus the trace context, so the
dead letter shows up in the trace of the consumer that rejected it.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from ..telemetry import inject_headers
from ..topics import dlq_topic
from .inspection import Rejection
from .tracking import Delivery

#: `KafkaBroker.publish`: awaits the broker's acknowledgement (no_confirm=False) or raises.
Publish = Callable[..., Awaitable[Any]]


def dead_letter_headers(delivery: Delivery, rejection: Rejection, consumer: str) -> dict[str, str]:
    headers = {
        "dlq.reason": rejection.reason,
        "dlq.detail": rejection.detail,
        "dlq.topic": delivery.topic,
        "dlq.partition": str(delivery.partition),
        "dlq.offset": str(delivery.offset),
        "dlq.consumer": consumer,
    }
    return inject_headers(headers)


async def publish_dead_letter(
    publish: Publish, delivery: Delivery, rejection: Rejection, *, consumer: str
) -> None:
    """Send the dead letter and wait for the broker; raising leaves the message to be retried."""
    await publish(
        delivery.value or b"",
        topic=dlq_topic(delivery.topic),
        key=delivery.key,
        headers=dead_letter_headers(delivery, rejection, consumer),
    )
