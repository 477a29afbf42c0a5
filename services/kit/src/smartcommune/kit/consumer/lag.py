"""Consumer lag: how many messages of each partition a consumer group still has to process.

lag = the partition's end offset (its high watermark) − the next offset this consumer has to
process, per partition, into `PlatformMetrics.record_lag` (gauge `smartcommune.consumer.lag`).
Two feeds, neither costing a round trip per message:

- *per message* (`started` / `finished`): the high watermark is read from the consumer, which
  keeps the one of its last fetch response (aiokafka's `highwater`, a dictionary read). A message
  being processed still counts: a consumer stuck on it shows a lag of at least one.
- *periodically* (`LagMonitor`, every `interval` and right after each rebalance): one ListOffsets
  request for the partitions this member holds, so the gauge keeps rising while the consumer is
  idle, stuck on a message or retrying it — times when no fetch refreshes the high watermark.
  A partition that has seen no message since it was assigned is measured from the consumer's
  position (its committed offset, or where the reset policy put it), known locally.

Only the member holding a partition reports it, so summing over members gives the group's lag;
a revoked partition's series is withdrawn rather than left at its last value.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Callable, Iterable, Mapping, Sequence
from collections.abc import Set as AbstractSet
from typing import Any, Protocol

from aiokafka import ConsumerRebalanceListener, TopicPartition

from ..telemetry import PlatformMetrics

_log = logging.getLogger(__name__)

DEFAULT_LAG_INTERVAL = 15.0
"""Seconds between two end-offset requests: a quarter of OpenTelemetry's default export period."""


class PartitionOffsets(Protocol):
    """What lag reporting reads from a Kafka consumer; aiokafka's `AIOKafkaConsumer` has it."""

    def assignment(self) -> AbstractSet[Any]: ...

    async def end_offsets(self, partitions: Sequence[Any]) -> Mapping[Any, int]: ...

    async def position(self, partition: Any) -> int: ...


def high_watermark(consumer: object, topic: str, partition: int) -> int | None:
    """The consumer's last known end offset of a partition, or None (not fetched, not assigned,
    or a consumer that does not know — FastStream's test broker hands out a fake one)."""
    read = getattr(consumer, "highwater", None)
    if read is None:
        return None
    try:
        value = read(TopicPartition(topic, partition))
    except Exception:  # revoked during a rebalance: aiokafka asserts; the next message tells
        return None
    return value if isinstance(value, int) else None


class LagReporter:
    """The lag of one consumer group on one topic, as this member sees it."""

    def __init__(self, group: str, topic: str, metrics: PlatformMetrics) -> None:
        self.group, self.topic, self._metrics = group, topic, metrics
        self._next: dict[int, int] = {}  # partition → next offset still to be processed
        self._end: dict[int, int] = {}  # partition → highest end offset seen

    def started(self, partition: int, offset: int, high_watermark: int | None) -> None:
        """A message is being processed: it and everything after it are still to do."""
        self._update(partition, offset, high_watermark)

    def finished(self, partition: int, offset: int, high_watermark: int | None) -> None:
        """A message was applied, recognised as a duplicate or dead-lettered."""
        self._update(partition, offset + 1, high_watermark)

    def revoked(self, partitions: Iterable[int]) -> None:
        """This member no longer holds `partitions`: another one reports them now."""
        for partition in partitions:
            self._next.pop(partition, None)
            self._end.pop(partition, None)
            self._metrics.forget_lag(self.group, self.topic, partition)

    async def refresh(self, consumer: PartitionOffsets) -> None:
        """Ask the broker for the end offsets of the partitions held, and report every one."""
        held = sorted(
            (tp for tp in consumer.assignment() if tp.topic == self.topic),
            key=lambda tp: int(tp.partition),
        )
        numbers = {int(tp.partition) for tp in held}
        self.revoked(sorted((self._next.keys() | self._end.keys()) - numbers))
        if not held:
            return
        ends = await consumer.end_offsets(held)
        for tp in held:
            partition, end = int(tp.partition), ends.get(tp)
            if end is None:
                continue
            self._end[partition] = end = max(end, self._end.get(partition, end))
            # Read after the await: messages processed meanwhile count.
            next_offset = self._next.get(partition)
            if next_offset is None:
                next_offset = await consumer.position(tp)
                if partition in self._next:  # a message started while we waited
                    next_offset = self._next[partition]
            self._metrics.record_lag(self.group, self.topic, partition, end - next_offset)

    def _update(self, partition: int, next_offset: int, high_watermark: int | None) -> None:
        self._next[partition] = next_offset
        end = self._end.get(partition)
        if high_watermark is not None:
            self._end[partition] = end = high_watermark if end is None else max(end, high_watermark)
        if end is not None:
            self._metrics.record_lag(self.group, self.topic, partition, end - next_offset)


class LagMonitor(ConsumerRebalanceListener):  # type: ignore[misc]  # aiokafka ships no types
    """Refreshes a `LagReporter` every `interval` seconds while its consumer runs.

    A rebalance listener, because assignment is the one moment FastStream lets us see the
    consumer start (and change hands): the first assignment starts the loop, every assignment
    triggers an immediate refresh, a revocation withdraws the partitions' series. The loop ends
    once `consumer_of()` returns None (the subscriber stopped).
    """

    def __init__(
        self,
        reporter: LagReporter,
        consumer_of: Callable[[], PartitionOffsets | None],
        *,
        interval: float = DEFAULT_LAG_INTERVAL,
    ) -> None:
        if interval <= 0:
            raise ValueError("the lag interval must be positive")
        self.reporter, self._consumer_of, self.interval = reporter, consumer_of, interval
        self._task: asyncio.Task[None] | None = None
        self._wake: asyncio.Event | None = None

    async def on_partitions_revoked(self, revoked: AbstractSet[Any]) -> None:
        topic = self.reporter.topic
        self.reporter.revoked(int(tp.partition) for tp in revoked if tp.topic == topic)

    async def on_partitions_assigned(self, assigned: AbstractSet[Any]) -> None:
        # No broker request here: aiokafka awaits this callback in the middle of the rebalance.
        if not self.running:
            self._wake = asyncio.Event()
            self._task = asyncio.create_task(self._run(), name=f"lag:{self.reporter.group}")
        elif self._wake is not None:
            self._wake.set()

    @property
    def running(self) -> bool:
        return self._task is not None and not self._task.done()

    async def stop(self) -> None:
        """Stop the loop now (it also stops by itself, within `interval`, with its consumer)."""
        if self._task is not None and self.running:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task

    async def _run(self) -> None:
        wake = self._wake
        assert wake is not None
        # The consumer is looked up on every tick: a subscriber restarted within one interval
        # brings a new consumer, and this loop (still running, so not started again) follows it.
        while (consumer := self._consumer_of()) is not None:
            wake.clear()
            try:
                await asyncio.wait_for(self.reporter.refresh(consumer), timeout=self.interval)
            except Exception:  # the gauge keeps its last values; the next tick tries again
                _log.debug("%s: lag refresh failed", self.reporter.group, exc_info=True)
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(wake.wait(), timeout=self.interval)
