"""The outbox relay: committed events to the service's topic, in order, forgetting none.

ARCHITECTURE §4 step 4. One round (`publish_batch`) is

1. read the oldest unpublished outbox rows (position order, which per commune is chain order)
   in a short read-only transaction — never holding a write lock while waiting for Kafka, since
   on SQLite that would stall every writer of the service;
2. send each stored body unchanged, key = commune code, with `event_type`, `event_id` and the
   W3C trace context of the command that recorded the event as headers;
3. wait until the broker acknowledged *every* record of the batch;
4. only then mark the rows published and commit.

A crash or error anywhere before 4 leaves the rows unpublished, so they are sent again: nothing
is lost, and the copies are harmless because consumers track event ids. A failed batch is never
half-marked; it is retried whole after a backoff. Run exactly one relay per service: two would
interleave and break per-commune order on the topic.
"""

from __future__ import annotations

import functools
import json
import logging
import threading
import time
from collections import Counter
from collections.abc import Callable

from opentelemetry.trace import Tracer
from sqlalchemy import Engine

from ..store import EventStore, OutboxRecord, UnitOfWork
from ..telemetry import PlatformMetrics, extract_context, inject_headers, producing_span
from .backoff import DEFAULT_BACKOFF, Backoff
from .producer import DELIVERY_TIMEOUT_MS, Headers, Publisher, SendFuture

_log = logging.getLogger(__name__)

#: Called as `factory(read_only=True|False)`, like `functools.partial(UnitOfWork, engine)`.
UowFactory = Callable[..., UnitOfWork]


class OutboxRelay:
    def __init__(
        self,
        database: Engine | UowFactory,
        store: EventStore,
        topic: str,
        producer: Publisher,
        *,
        batch_size: int = 200,
        ack_timeout: float = DELIVERY_TIMEOUT_MS / 1000 + 5,
        backoff: Backoff = DEFAULT_BACKOFF,
        tracer: Tracer | None = None,
        metrics: PlatformMetrics | None = None,
    ) -> None:
        """`ack_timeout` must outlast the producer's delivery timeout (see `producer.py`)."""
        self._uow: UowFactory = (
            functools.partial(UnitOfWork, database) if isinstance(database, Engine) else database
        )
        self.store, self.topic, self.producer = store, topic, producer
        self.batch_size, self.ack_timeout, self.backoff = batch_size, ack_timeout, backoff
        self._tracer, self._metrics = tracer, metrics

    def publish_batch(self) -> int:
        """Publish one batch and mark it; returns its size (0: nothing pending). Raises on error."""
        with self._uow(read_only=True) as uow:
            records = self.store.unpublished(uow, self.batch_size)
        if not records:
            return 0
        futures: list[SendFuture] = []
        try:
            futures.extend(self._send(record) for record in records)
        finally:
            # Even when a send raised, settle the ones already queued before returning, so a
            # retry never races an older copy of the same batch.
            self.producer.flush(timeout=self.ack_timeout)
        for future in futures:
            future.get(timeout=self.ack_timeout)  # raises the first failed record's error
        with self._uow(read_only=False) as uow:
            self.store.mark_published(uow, [record.position for record in records])
            uow.commit()
        if self._metrics is not None:
            for event_type, count in Counter(r.event_type for r in records).items():
                self._metrics.published(self.topic, event_type, count)
        return len(records)

    def _send(self, record: OutboxRecord) -> SendFuture:
        key = record.commune_code.encode()
        headers: Headers = [("event_type", record.event_type.encode())]
        if event_id := _event_id(record.body):
            headers.append(("event_id", event_id.encode()))
        # The producer span's parent is the command that recorded the event, not this loop.
        parent = extract_context({"traceparent": record.trace} if record.trace else {})
        with producing_span(self.topic, key, record.event_type, tracer=self._tracer, parent=parent):
            inject_headers(headers)
            return self.producer.send(self.topic, value=record.body, key=key, headers=headers)

    def drain(self, *, timeout: float = 120.0) -> int:
        """Publish until nothing is pending; retries failures until `timeout`, then re-raises."""
        deadline, total, failures = time.monotonic() + timeout, 0, 0
        while True:
            try:
                published = self.publish_batch()
            except Exception:
                failures += 1
                delay = self.backoff.delay(failures)
                if time.monotonic() + delay > deadline:
                    raise
                _log.warning("relay batch failed; retrying in %.1fs", delay, exc_info=True)
                time.sleep(delay)
                continue
            failures, total = 0, total + published
            if published == 0:
                return total

    def run_forever(self, poll_interval: float, stop_event: threading.Event) -> None:
        """Relay until `stop_event` is set; the batch in flight is finished, not abandoned."""
        failures = 0
        while not stop_event.is_set():
            try:
                published = self.publish_batch()
            except Exception:
                failures += 1
                delay = self.backoff.delay(failures)
                _log.warning("relay batch failed; retrying in %.1fs", delay, exc_info=True)
                stop_event.wait(delay)
                continue
            failures = 0
            if published < self.batch_size:  # caught up: poll; a full batch: go on at once
                stop_event.wait(poll_interval)


def _event_id(body: bytes) -> str | None:
    """The event id for the header, or None: the body is relayed as it is whatever this says."""
    try:
        value = json.loads(body).get("event_id")
    except (ValueError, AttributeError):
        return None
    return value if isinstance(value, str) else None
