"""The platform's own metrics: the event flow through every service, and consumer lag.

One set of names for all services (`smartcommune.events.*`), told apart by the `service`
attribute, so one dashboard covers the platform. Attributes are kept low-cardinality on purpose
(event type, topic, partition — never an event id or a commune code).
"""

from __future__ import annotations

import threading
from collections.abc import Iterable

from opentelemetry.metrics import CallbackOptions, Meter, Observation
from opentelemetry.util.types import AttributeValue


class PlatformMetrics:
    """Counters for events appended, published, consumed and dead-lettered, plus a lag gauge."""

    def __init__(self, meter: Meter, service: str) -> None:
        self.service = service
        self._appended = meter.create_counter(
            "smartcommune.events.appended",
            unit="{event}",
            description="Events committed to the store",
        )
        self._published = meter.create_counter(
            "smartcommune.events.published", unit="{event}", description="Events sent to Kafka"
        )
        self._consumed = meter.create_counter(
            "smartcommune.events.consumed",
            unit="{event}",
            description="Events applied by a consumer",
        )
        self._dead_lettered = meter.create_counter(
            "smartcommune.events.dead_lettered",
            unit="{event}",
            description="Messages sent to a dead-letter topic",
        )
        # Lag is a level, not a flow: consumers report the latest value and the SDK samples it on
        # each collection, so a consumer that stops reporting keeps showing its last known lag.
        self._lag: dict[tuple[str, str, int], int] = {}
        self._lock = threading.Lock()
        meter.create_observable_gauge(
            "smartcommune.consumer.lag",
            callbacks=[self._observe_lag],
            unit="{message}",
            description="Messages between a consumer group's position and the partition's end",
        )

    def appended(self, event_type: str, count: int = 1) -> None:
        self._appended.add(count, {"service": self.service, "event_type": event_type})

    def published(self, topic: str, event_type: str, count: int = 1) -> None:
        attributes = {"service": self.service, "topic": topic, "event_type": event_type}
        self._published.add(count, attributes)

    def consumed(self, topic: str, event_type: str, count: int = 1) -> None:
        attributes = {"service": self.service, "topic": topic, "event_type": event_type}
        self._consumed.add(count, attributes)

    def dead_lettered(self, topic: str, count: int = 1) -> None:
        """`topic` is the source topic the message came from, not its `.dlq`."""
        self._dead_lettered.add(count, {"service": self.service, "topic": topic})

    def record_lag(self, group: str, topic: str, partition: int, lag: int) -> None:
        """Remember the latest lag of `group` on one partition (end offset minus position).

        Tracking consumers feed it (`smartcommune.kit.consumer.lag`); negative values — an end
        offset older than the position — are reported as 0.
        """
        with self._lock:
            self._lag[(group, topic, partition)] = max(lag, 0)

    def forget_lag(self, group: str, topic: str, partition: int) -> None:
        """Stop reporting one partition: it moved to another member of the group, which reports
        it from now on (two members reporting one partition would count its lag twice)."""
        with self._lock:
            self._lag.pop((group, topic, partition), None)

    def _observe_lag(self, _options: CallbackOptions) -> Iterable[Observation]:
        with self._lock:
            current = dict(self._lag)
        for (group, topic, partition), lag in sorted(current.items()):
            attributes: dict[str, AttributeValue] = {
                "service": self.service,
                "consumer.group": group,
                "topic": topic,
                "partition": partition,
            }
            yield Observation(lag, attributes)
