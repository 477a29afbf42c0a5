"""FastStream glue: from an aiokafka record to a `Delivery`, whatever bytes the record holds.

With manual acknowledgement, a message FastStream fails to *parse* is neither acked nor nacked
— and the next ack commits past it: lost. FastStream's own parser decodes every header as UTF-8
and its decoder trusts the `content-type` header, so a stray producer's bytes could do exactly
that. The parser here makes header values decodable first and the decoder hands the body over
raw; judging the bytes is left to `inspection.py`, which dead-letters what it cannot read.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Awaitable, Callable
from typing import Any, TypeAlias

from faststream.kafka.message import KafkaMessage
from faststream.message import StreamMessage

from .tracking import Delivery

#: aiokafka's `ConsumerRecord` (aiokafka is untyped for mypy here: see the root mypy config).
Record: TypeAlias = Any


async def tolerant_parser(
    record: Record, original: Callable[[Record], Awaitable[StreamMessage[Record]]]
) -> StreamMessage[Record]:
    """FastStream's parser, given headers it can decode (the `Delivery` keeps the raw ones)."""
    headers = record.headers or ()
    if all(_is_utf8(value) for _, value in headers):
        return await original(record)
    safe = tuple((key, _printable(value)) for key, value in headers)
    parsed = await original(dataclasses.replace(record, headers=safe))
    parsed.raw_message = record  # the Delivery is built from what really arrived
    return parsed


async def raw_decoder(message: StreamMessage[Record], _original: Any) -> bytes:
    """The body exactly as received, never decoded according to a header."""
    return message.body


def delivery_of(message: KafkaMessage) -> Delivery:
    record = message.raw_message
    if isinstance(record, tuple):
        raise TypeError("tracking consumers take one message at a time, not batches")
    return Delivery(
        topic=record.topic,
        partition=record.partition,
        offset=record.offset,
        key=record.key,
        value=record.value,
        headers=tuple((key, value or b"") for key, value in record.headers or ()),
    )


def _is_utf8(value: bytes | None) -> bool:
    try:
        return value is not None and bool(value.decode("utf-8") or True)
    except UnicodeDecodeError:
        return False


def _printable(value: bytes | None) -> bytes:
    return (value or b"").decode("utf-8", "replace").encode("utf-8")
