"""The tracking consumer: every event takes effect exactly once, and nothing is skipped silently.

ARCHITECTURE §5 on FastStream, with `AckPolicy.MANUAL` — FastStream's default acknowledges
(commits the offset) when the message *arrives*, so a crash in the handler would lose it. Here
each message goes through:

1. inspection (`inspection.py`): undecodable, altered or schema-invalid messages are published
   to `<topic>.dlq` (broker-acknowledged), then tracked, then acked — the partition moves on;
2. one database transaction: is this offset or this event id tracked already? If so, nothing
   to do. Otherwise insert the tracking row, call `handler(uow, envelope)`, commit;
3. only after the commit, ack: FastStream commits the consumer's offset.

A crash between 2 and 3 redelivers the message; its tracking row makes the second delivery a
no-op, as it does for the copies the relay re-publishes after its own crashes. Any other failure
(database down, a bug in the handler) rolls back and is NOT acked: the message is *nacked* —
FastStream seeks the partition back to it — after a backoff, so it is retried in order and the
messages behind it wait. Skipping it would commit its offset with the next ack.

With `metrics`, the consumer also reports its lag per partition (`lag.py`): after each message,
from the high watermark the consumer already holds, and every `lag_interval` seconds from the
broker's end offsets.
"""

from __future__ import annotations

import asyncio
import functools
import logging
import re
from collections.abc import Awaitable, Callable
from enum import StrEnum
from typing import Literal

from faststream import AckPolicy
from faststream.kafka import KafkaBroker
from faststream.kafka.annotations import KafkaMessage as KafkaMessageParam
from faststream.kafka.subscriber.usecase import DefaultSubscriber
from opentelemetry.trace import Status, StatusCode, Tracer
from sqlalchemy import Engine

from ..events import EventEnvelope, PayloadRegistry
from ..relay.backoff import DEFAULT_BACKOFF, Backoff
from ..relay.relay import UowFactory
from ..store import UnitOfWork
from ..telemetry import PlatformMetrics, consuming_span
from .dead_letters import Publish, publish_dead_letter
from .inspection import DeadLetter, Rejection, inspect
from .lag import DEFAULT_LAG_INTERVAL, LagMonitor, LagReporter, high_watermark
from .subscription import delivery_of, raw_decoder, tolerant_parser
from .tracking import Delivery
from .transactions import Handler, Transactions

_log = logging.getLogger(__name__)
_GROUP = re.compile(r"^[a-z][a-z0-9-]*\.[a-z][a-z0-9-]*$")

Acknowledge = Callable[[], Awaitable[None]]
OffsetReset = Literal["earliest", "latest", "none"]


class Outcome(StrEnum):
    APPLIED = "applied"
    DUPLICATE = "duplicate"  # tracked before: acked, no second effect
    DEAD_LETTERED = "dead_lettered"
    RETRY = "retry"  # rolled back and nacked: it comes again


class TrackingConsumer:
    def __init__(
        self,
        name: str,
        topic: str,
        database: Engine | UowFactory,
        handler: Handler,
        *,
        registry: PayloadRegistry | None = None,
        tracer: Tracer | None = None,
        metrics: PlatformMetrics | None = None,
        backoff: Backoff = DEFAULT_BACKOFF,
        lag_interval: float = DEFAULT_LAG_INTERVAL,
    ) -> None:
        """`name` is the consumer group and the tracking key: `<service>.<purpose>`.

        `lag_interval`: seconds between two end-offset requests for the lag gauge (with
        `metrics` only).
        """
        if not _GROUP.fullmatch(name):
            raise ValueError(f"consumer name {name!r} must be <service>.<purpose>")
        if lag_interval <= 0:
            raise ValueError("lag_interval must be positive")
        self.name, self.topic, self.registry = name, topic, registry
        uow = functools.partial(UnitOfWork, database) if isinstance(database, Engine) else database
        self._db, self._backoff = Transactions(name, uow, handler), backoff
        self._tracer, self._metrics = tracer, metrics
        self._failures: dict[tuple[str, int], int] = {}
        self._publish: Publish | None = None  # the broker's, once subscribed: sends dead letters
        self._lag = None if metrics is None else LagReporter(name, topic, metrics)
        self._lag_interval = lag_interval
        self.lag_monitor: LagMonitor | None = None  # once subscribed with metrics

    def subscribe(
        self, broker: KafkaBroker, *, auto_offset_reset: OffsetReset = "earliest"
    ) -> DefaultSubscriber:
        """Register on `broker` (consumer group = `name`); start the broker to consume.

        `earliest`: a new group starts at the beginning of the topic, so a fresh projection
        sees the whole history.
        """
        self._publish = broker.publish

        async def on_message(message: KafkaMessageParam) -> None:
            delivery = delivery_of(message)
            end = None
            if self._lag is not None:
                end = high_watermark(message.consumer, delivery.topic, delivery.partition)
            await self.deliver(delivery, message.ack, message.nack, high_watermark=end)

        if self._lag is not None:
            self.lag_monitor = LagMonitor(
                self._lag, lambda: subscriber.consumer, interval=self._lag_interval
            )
        subscriber = broker.subscriber(
            self.topic,
            group_id=self.name,
            ack_policy=AckPolicy.MANUAL,
            auto_offset_reset=auto_offset_reset,
            parser=tolerant_parser,
            decoder=raw_decoder,
            listener=self.lag_monitor,
        )
        subscriber(on_message)
        return subscriber

    async def deliver(
        self,
        delivery: Delivery,
        ack: Acknowledge,
        nack: Acknowledge,
        *,
        high_watermark: int | None = None,
    ) -> Outcome:
        """Process one message and then ack it, or nack it after a backoff if it must come again.

        `high_watermark`: the partition's end offset as last seen by the consumer, for the lag
        gauge (None: the lag is updated from the last end offset known, if any).
        """
        where = (delivery.topic, delivery.partition)
        if self._lag is not None:
            self._lag.started(delivery.partition, delivery.offset, high_watermark)
        with consuming_span(*where, delivery.offset, delivery.headers, tracer=self._tracer) as span:
            try:
                outcome = await self.process(delivery)
            except Exception as exc:
                failures = self._failures[where] = self._failures.get(where, 0) + 1
                delay = self._backoff.delay(failures)
                _log.warning(
                    "%s: %s[%d]@%d failed (%d in a row); redelivering in %.1fs",
                    *(self.name, *where, delivery.offset, failures, delay),
                    exc_info=True,
                )
                span.set_status(Status(StatusCode.ERROR, type(exc).__name__))
                await asyncio.sleep(delay)
                await nack()
                return Outcome.RETRY
            self._failures.pop(where, None)
            span.set_attribute("smartcommune.consumer.outcome", outcome.value)
        try:
            await ack()
        except Exception:  # a rebalance, say: the redelivery will be recognised as a duplicate
            _log.warning("%s: offset commit failed", self.name, exc_info=True)
        if self._lag is not None:
            self._lag.finished(delivery.partition, delivery.offset, high_watermark)
        return outcome

    async def process(self, delivery: Delivery) -> Outcome:
        """Apply or dead-letter one message, or raise (nothing committed) if it must be retried."""
        verdict = inspect(delivery.value, self.registry)
        if isinstance(verdict, EventEnvelope):
            try:
                applied = await asyncio.to_thread(self._db.apply, delivery, verdict)
            except DeadLetter as exc:
                verdict = Rejection("rejected", str(exc) or type(exc).__name__)
            else:
                if applied and self._metrics is not None:
                    self._metrics.consumed(delivery.topic, verdict.event_type)
                return Outcome.APPLIED if applied else Outcome.DUPLICATE
        return await self._dead_letter(delivery, verdict)

    async def _dead_letter(self, delivery: Delivery, rejection: Rejection) -> Outcome:
        # Tracked by offset only (event_id NULL): a rejected message's id is not to be trusted,
        # and must not stop the genuine event — or the fixed one replayed from the DLQ — later.
        if await asyncio.to_thread(self._db.seen, delivery):
            return Outcome.DUPLICATE
        if self._publish is None:
            raise RuntimeError("subscribe() the consumer to a broker before it dead-letters")
        await publish_dead_letter(self._publish, delivery, rejection, consumer=self.name)
        await asyncio.to_thread(self._db.record_dead_letter, delivery)
        if self._metrics is not None:
            self._metrics.dead_lettered(delivery.topic)
        where = (delivery.topic, delivery.partition, delivery.offset)
        _log.warning("%s: dead-lettered %s[%d]@%d: %s", self.name, *where, rejection.reason)
        return Outcome.DEAD_LETTERED
