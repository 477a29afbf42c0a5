"""Helpers for tests that run relays and tracking consumers against a real broker.

Not imported by the kit itself. Blocking kafka-python calls throughout: tests stay synchronous
and run the (async) consumer with `run_consumer`, which returns once a condition holds.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Callable, Iterable
from typing import Any

from kafka import KafkaConsumer, TopicPartition
from kafka.admin import KafkaAdminClient
from opentelemetry.sdk.metrics.export import InMemoryMetricReader, NumberDataPoint

from .broker import make_broker
from .consumer import TrackingConsumer

LAG_GAUGE = "smartcommune.consumer.lag"


def create_topics(bootstrap: str, names: Iterable[str], partitions: int = 3) -> None:
    admin = KafkaAdminClient(bootstrap_servers=bootstrap)
    try:
        specs = {name: {"num_partitions": partitions, "replication_factor": 1} for name in names}
        admin.create_topics(specs)
    finally:
        admin.close()


def read_topic(bootstrap: str, topic: str, timeout: float = 30.0) -> list[Any]:
    """Every record of `topic` from the beginning to its current end, partition by partition."""
    reader = KafkaConsumer(bootstrap_servers=bootstrap, enable_auto_commit=False)
    try:
        partitions = [TopicPartition(topic, p) for p in reader.partitions_for_topic(topic) or ()]
        reader.assign(partitions)
        reader.seek_to_beginning(*partitions)
        ends: dict[Any, int] = reader.end_offsets(partitions)
        records: list[Any] = []
        deadline = time.monotonic() + timeout
        while any(reader.position(tp) < end for tp, end in ends.items()):
            if time.monotonic() > deadline:
                raise TimeoutError(f"{topic}: could not read up to {ends}")
            for tp, batch in reader.poll(timeout_ms=500).items():
                records.extend(record for record in batch if record.offset < ends[tp])
        return sorted(records, key=lambda r: (r.partition, r.offset))
    finally:
        reader.close()


def caught_up(bootstrap: str, group: str, topic: str) -> bool:
    """Whether `group` has committed offsets up to the end of every partition of `topic`."""
    admin = KafkaAdminClient(bootstrap_servers=bootstrap)
    reader = KafkaConsumer(bootstrap_servers=bootstrap, enable_auto_commit=False)
    try:
        committed = admin.list_group_offsets({group: None}).get(group, {})
        partitions = [TopicPartition(topic, p) for p in reader.partitions_for_topic(topic) or ()]
        ends = reader.end_offsets(partitions)
        return all(
            end == 0 or (tp in committed and committed[tp].offset >= end)
            for tp, end in ends.items()
        )
    finally:
        reader.close()
        admin.close()


def run_consumer(
    bootstrap: str,
    consumers: Iterable[TrackingConsumer],
    until: Callable[[], bool],
    timeout: float = 60.0,
) -> None:
    """Run the consumers on one broker until `until()` holds (checked off the event loop)."""

    async def run() -> None:
        # FastStream logs every message at `log_level`: keep that below what tests show.
        broker = make_broker(bootstrap, client_id="kit-tests", log_level=logging.DEBUG)
        for consumer in consumers:
            consumer.subscribe(broker)
        async with broker:
            await broker.start()
            deadline = time.monotonic() + timeout
            while not await asyncio.to_thread(until):
                if time.monotonic() > deadline:
                    raise TimeoutError("the consumers did not get there in time")
                await asyncio.sleep(0.5)

    asyncio.run(run())


def reported_lag(reader: InMemoryMetricReader, group: str, topic: str) -> dict[int, int]:
    """What the lag gauge reports now for `group` on `topic`: partition → lag (collects once).

    `reader` is the one given to `setup_telemetry(metric_reader=...)`.
    """
    data = reader.get_metrics_data()
    if data is None:
        return {}
    lag: dict[int, int] = {}
    for resource in data.resource_metrics:
        for scope in resource.scope_metrics:
            for metric in scope.metrics:
                if metric.name != LAG_GAUGE:
                    continue
                for point in metric.data.data_points:
                    attributes = point.attributes or {}
                    mine = (attributes.get("consumer.group"), attributes.get("topic")) == (
                        group,
                        topic,
                    )
                    if mine and isinstance(point, NumberDataPoint):
                        lag[int(str(attributes["partition"]))] = int(point.value)
    return lag
