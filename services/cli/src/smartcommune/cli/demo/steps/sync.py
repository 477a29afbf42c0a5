"""Waiting for what happens through Kafka: the relays publish, the consumers catch up.

The scenario's writes are answered at once; the facts then travel service → outbox relay →
topic → consumer. Before the scoring service is asked for scorecards, every event of the run
must have reached it: the topics' end offsets stop moving (the relays are done) and the
consumer group has committed up to them (the consumer applied everything).
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from typing import Any

from kafka import KafkaConsumer, TopicPartition
from kafka.admin import KafkaAdminClient

from ..api import DemoError


def _committed(
    admin: KafkaAdminClient, group_prefix: str, wanted: set[TopicPartition]
) -> dict[TopicPartition, Any]:
    """Committed offsets on `wanted` of every group named `<group_prefix>…` (a service may run
    one group per source topic, e.g. `scoring.indicators-dossiers`)."""
    groups = [g["group_id"] for g in admin.list_groups()
              if str(g["group_id"]).startswith(group_prefix)]  # fmt: skip
    if not groups:
        return {}
    found: dict[TopicPartition, Any] = {}
    for offsets in admin.list_group_offsets(dict.fromkeys(groups)).values():
        for tp, meta in offsets.items():
            if tp in wanted and (tp not in found or meta.offset > found[tp].offset):
                found[tp] = meta
    return found


def wait_for_consumer(
    bootstrap: str,
    group: str,
    topics: Sequence[str],
    *,
    stable_for: float = 3.0,
    timeout: float = 180.0,
) -> dict[str, int]:
    """Block until the consumer group(s) named `group…` consumed `topics` to their settled
    ends; returns the events per topic."""
    admin = KafkaAdminClient(bootstrap_servers=bootstrap, client_id="smartcommune-demo")
    consumer = KafkaConsumer(bootstrap_servers=bootstrap, client_id="smartcommune-demo")
    try:
        partitions = [
            TopicPartition(topic, p)
            for topic in topics
            for p in sorted(consumer.partitions_for_topic(topic) or ())
        ]
        deadline = time.monotonic() + timeout
        last_ends: dict[TopicPartition, int] = {}
        settled_since = time.monotonic()
        while True:
            ends = consumer.end_offsets(partitions)
            if ends != last_ends:
                last_ends, settled_since = ends, time.monotonic()
            committed = _committed(admin, group, set(ends))
            behind = {
                tp: end - (committed[tp].offset if tp in committed else 0)
                for tp, end in ends.items()
                if end > (committed[tp].offset if tp in committed else 0)
            }
            if not behind and time.monotonic() - settled_since >= stable_for:
                totals: dict[str, int] = {}
                for tp, end in ends.items():
                    totals[tp.topic] = totals.get(tp.topic, 0) + end
                return totals
            if time.monotonic() > deadline:
                lag = sum(behind.values())
                raise DemoError(
                    f"consumer group {group} is still {lag} events behind after {timeout:.0f}s"
                )
            time.sleep(1.0)
    finally:
        consumer.close()
        admin.close()


def wait_for_topic(
    bootstrap: str, topic: str, minimum: int, *, stable_for: float = 2.0, timeout: float = 60.0
) -> int:
    """Block until `topic` holds at least `minimum` records and its end stopped moving."""
    consumer = KafkaConsumer(bootstrap_servers=bootstrap, client_id="smartcommune-demo")
    try:
        partitions = [TopicPartition(topic, p) for p in consumer.partitions_for_topic(topic) or ()]
        deadline = time.monotonic() + timeout
        last, settled_since = -1, time.monotonic()
        while True:
            total = int(sum(consumer.end_offsets(partitions).values()))
            if total != last:
                last, settled_since = total, time.monotonic()
            if total >= minimum and time.monotonic() - settled_since >= stable_for:
                return total
            if time.monotonic() > deadline:
                raise DemoError(f"{topic} holds {total} records, expected {minimum} or more")
            time.sleep(0.5)
    finally:
        consumer.close()
