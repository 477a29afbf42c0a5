"""Reading a commune's records from the event topics, touching only the partitions that hold it.

Producers key every record by commune code (the kit's relay: `key=commune_code.encode()`) with
kafka-python's default partitioner, which is the Java client's: murmur2 of the key bytes, made
non-negative, modulo the partition count. `partition_for` computes exactly that, so the replay
assigns those partitions and nothing else; `tests/integration` checks it against where the real
relay's records land.

The end of every partition is fixed when the read starts (its end offset, or with `as_of` the
first offset whose timestamp is later — `offsets_for_times`), so events published during a
replay never half-appear in it.
"""

from __future__ import annotations

import re
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from kafka import KafkaConsumer, TopicPartition
from kafka.admin import KafkaAdminClient
from kafka.errors import KafkaError
from kafka.partitioner.default import murmur2

from ..domain.log import Position, RawRecord

#: A context is lower-case letters, digits and dashes; `<topic>.dlq` and other names never match.
_CONTEXT = r"([a-z][a-z0-9-]*)"
_FETCH = {
    "fetch_max_bytes": 64 * 1024 * 1024,
    "max_partition_fetch_bytes": 16 * 1024 * 1024,
    "max_poll_records": 10_000,
    "fetch_min_bytes": 1,
    "check_crcs": True,  # a corrupted record is the broker's problem, not a forged event
}


class InfrastructureError(RuntimeError):
    """The broker could not be reached or read; nothing about the commune was judged."""


def partition_for(key: bytes, partitions: int) -> int:
    """The partition kafka-python's (and Java's) default partitioner sends `key` to."""
    digest: int = murmur2(key)
    return (digest & 0x7FFFFFFF) % partitions


@dataclass(frozen=True)
class PartitionRange:
    """Offsets [start, stop) of one partition, and the commune keys wanted from it."""

    topic: str
    service: str
    partition: int
    start: int
    stop: int
    keys: frozenset[bytes]

    @property
    def size(self) -> int:
        return max(0, self.stop - self.start)


def event_topics(topics: Iterable[str], prefix: str = "") -> dict[str, str]:
    """`<prefix><context>.events.v1` topic → its service (the context)."""
    pattern = re.compile(rf"^{re.escape(prefix)}{_CONTEXT}\.events\.v1$")
    return {t: m[1] for t in sorted(topics) if (m := pattern.fullmatch(t))}


def as_millis(moment: datetime) -> int:
    return int(moment.timestamp() * 1000)


class KafkaLog:
    """The platform's event topics on one cluster, read with kafka-python."""

    def __init__(
        self,
        bootstrap: str,
        *,
        topic_prefix: str = "",
        client_id: str = "smartcommune-audit",
        timeout: float = 30.0,
    ) -> None:
        self.bootstrap, self.prefix, self.client_id = bootstrap, topic_prefix, client_id
        self.timeout = timeout
        self._consumer: Any = None

    def __enter__(self) -> KafkaLog:
        try:
            self._consumer = KafkaConsumer(
                bootstrap_servers=self.bootstrap,
                client_id=self.client_id,
                group_id=None,
                enable_auto_commit=False,
                auto_offset_reset="earliest",
                request_timeout_ms=int(self.timeout * 1000),
                **_FETCH,
            )
        except KafkaError as exc:
            raise InfrastructureError(f"Kafka at {self.bootstrap}: {exc!r}") from exc
        return self

    def __exit__(self, *_: object) -> None:
        if self._consumer is not None:
            self._consumer.close()
            self._consumer = None

    @property
    def consumer(self) -> Any:
        if self._consumer is None:
            raise RuntimeError("use KafkaLog inside `with`")
        return self._consumer

    # ---------------------------------------------------------------- planning
    def topics(self) -> dict[str, str]:
        """The event topics present on the cluster, listed with the admin client."""
        try:
            admin = KafkaAdminClient(
                bootstrap_servers=self.bootstrap,
                client_id=self.client_id,
                request_timeout_ms=int(self.timeout * 1000),
            )
        except KafkaError as exc:
            raise InfrastructureError(f"Kafka at {self.bootstrap}: {exc!r}") from exc
        try:
            return event_topics(admin.list_topics(), self.prefix)
        except KafkaError as exc:
            raise InfrastructureError(f"listing topics at {self.bootstrap}: {exc!r}") from exc
        finally:
            admin.close()

    def plan(
        self,
        keys_by_service: Callable[[str], Iterable[str]],
        *,
        as_of: datetime | None = None,
        topics: dict[str, str] | None = None,
    ) -> list[PartitionRange]:
        """For every event topic, the partitions holding the wanted commune keys, and offsets.

        `keys_by_service(service)` names the commune codes wanted from that service's topic.
        """
        topics = self.topics() if topics is None else topics
        if not topics:
            raise InfrastructureError(
                f"no topic named {self.prefix}<context>.events.v1 at {self.bootstrap}"
            )
        wanted: dict[TopicPartition, tuple[str, set[bytes]]] = {}
        try:
            for topic, service in topics.items():
                partitions = self.consumer.partitions_for_topic(topic)
                if not partitions:
                    raise InfrastructureError(f"no metadata for topic {topic}")
                for code in keys_by_service(service):
                    key = code.encode()
                    tp = TopicPartition(topic, partition_for(key, len(partitions)))
                    wanted.setdefault(tp, (service, set()))[1].add(key)
            if not wanted:
                return []
            tps = sorted(wanted)
            starts = self.consumer.beginning_offsets(tps)
            ends = self.consumer.end_offsets(tps)
            if as_of is not None:
                found = self.consumer.offsets_for_times({tp: as_millis(as_of) + 1 for tp in tps})
                ends = {tp: found[tp].offset if found.get(tp) else ends[tp] for tp in tps}
        except KafkaError as exc:
            raise InfrastructureError(f"reading offsets at {self.bootstrap}: {exc!r}") from exc
        return [
            PartitionRange(
                tp.topic,
                wanted[tp][0],
                tp.partition,
                starts[tp],
                ends[tp],
                frozenset(wanted[tp][1]),
            )
            for tp in tps
        ]

    # ---------------------------------------------------------------- reading
    def read(
        self,
        ranges: list[PartitionRange],
        *,
        on_progress: Callable[[int], None] | None = None,
        keep: Callable[[PartitionRange, bytes | None], bool] | None = None,
    ) -> Iterator[RawRecord]:
        """Every record in `ranges`, in offset order per partition; partitions interleave.

        `keep(range, key)` filters before a record object is built (default: the range's keys).
        `on_progress(n)` is called with the number of offsets passed since its last call.
        """
        todo = {TopicPartition(r.topic, r.partition): r for r in ranges if r.size > 0}
        if not todo:
            return
        consumer, keep = self.consumer, keep or _wanted_key
        try:
            consumer.assign(list(todo))
            # a partition paused at the end of an earlier read (the second pass for merged
            # communes reads the same partitions again) keeps its pause across `assign`
            consumer.resume(*todo)
            for tp, r in todo.items():
                consumer.seek(tp, r.start)
            idle_since = time.monotonic()
            while todo:
                batches = consumer.poll(timeout_ms=500)
                if not batches:
                    if time.monotonic() - idle_since > self.timeout:
                        left = {str(tp): r.stop for tp, r in todo.items()}
                        raise InfrastructureError(f"no records within {self.timeout}s; {left}")
                    continue
                idle_since = time.monotonic()
                for tp, messages in batches.items():
                    found = todo.get(tp)
                    if found is None:
                        continue
                    r = found
                    passed = 0
                    for message in messages:
                        if message.offset >= r.stop:
                            break
                        passed += 1
                        if keep(r, message.key):
                            yield RawRecord(
                                Position(r.topic, r.partition, message.offset),
                                message.key,
                                message.value,
                                message.timestamp,
                            )
                    if on_progress is not None and passed:
                        on_progress(passed)
                    if consumer.position(tp) >= r.stop or (
                        messages and messages[-1].offset >= r.stop - 1
                    ):
                        del todo[tp]
                        consumer.pause(tp)
        except KafkaError as exc:
            raise InfrastructureError(f"reading from {self.bootstrap}: {exc!r}") from exc


def _wanted_key(r: PartitionRange, key: bytes | None) -> bool:
    return key in r.keys
