"""Helpers for tests and benchmarks that tamper with a real topic: not used by the replay.

`copy_commune` reads one commune's records from a set of topics and writes them — possibly
edited, dropped, swapped or with records added — raw, with a plain kafka-python producer, to a
fresh set of topics, returning where each written record landed. That is what an attacker with
write access to the broker could do; the replay must point at the very record.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from kafka import KafkaProducer
from kafka.admin import KafkaAdminClient

from smartcommune.kit.events import EventEnvelope, canonical_bytes, compute_hash

from .adapters.kafka_log import KafkaLog

Record = tuple[bytes, bytes]  # key, value
Edit = Callable[[str, list[Record]], list[Record]]


@dataclass(frozen=True)
class Written:
    topic: str
    offsets: list[tuple[int, int]]  # (partition, offset) of each record written, in order


def read_commune(bootstrap: str, prefix: str, commune: str) -> dict[str, list[Record]]:
    """service → the commune's (key, value) records in partition order."""
    with KafkaLog(bootstrap, topic_prefix=prefix) as log:
        ranges = log.plan(lambda _service: [commune])
        services = {r.topic: r.service for r in ranges}
        out: dict[str, list[Record]] = {}
        for record in log.read(ranges):
            assert record.key is not None
            assert record.value is not None
            out.setdefault(services[record.position.topic], []).append((record.key, record.value))
    return out


def write_raw(
    bootstrap: str, prefix: str, records: dict[str, list[Record]], partitions: int
) -> dict[str, Written]:
    """Create `<prefix><service>.events.v1` topics and write the records in order."""
    admin = KafkaAdminClient(bootstrap_servers=bootstrap, client_id="audit-tests")
    try:
        admin.create_topics(
            {
                f"{prefix}{service}.events.v1": {
                    "num_partitions": partitions,
                    "replication_factor": 1,
                }
                for service in records
            }
        )
    finally:
        admin.close()
    producer = KafkaProducer(
        bootstrap_servers=bootstrap, acks="all", max_in_flight_requests_per_connection=1
    )
    written: dict[str, Written] = {}
    try:
        for service, items in records.items():
            topic = f"{prefix}{service}.events.v1"
            futures = [producer.send(topic, key=key, value=value) for key, value in items]
            producer.flush(timeout=60)
            metadata = [future.get(timeout=30) for future in futures]
            written[service] = Written(topic, [(m.partition, m.offset) for m in metadata])
    finally:
        producer.close(timeout=10)
    return written


def copy_commune(
    bootstrap: str,
    source_prefix: str,
    target_prefix: str,
    commune: str,
    *,
    partitions: int,
    edit: Edit | None = None,
) -> dict[str, Written]:
    records = read_commune(bootstrap, source_prefix, commune)
    if edit is not None:
        records = {service: edit(service, items) for service, items in records.items()}
    return write_raw(bootstrap, target_prefix, records, partitions)


def envelope_data(value: bytes) -> dict[str, Any]:
    data: dict[str, Any] = json.loads(value)
    return data


def encode(data: dict[str, Any], *, rehash: bool) -> bytes:
    """Canonical bytes of an edited envelope, with its hash recomputed when `rehash`."""
    if rehash:
        data = dict(data)
        data["hash"] = compute_hash(EventEnvelope.model_validate(data))
    return canonical_bytes(data)


def delete_topics(bootstrap: str, prefixes: tuple[str, ...], *, attempts: int = 5) -> list[str]:
    """Delete every topic starting with one of `prefixes`, retrying while any is still listed.

    The admin client reports a refused deletion (e.g. a controller busy on a loaded machine) in
    its response rather than raising, so success is judged by listing the topics again.
    """
    admin = KafkaAdminClient(bootstrap_servers=bootstrap, client_id="audit-tests.cleanup")
    try:
        left: list[str] = []
        for attempt in range(attempts):
            left = [t for t in admin.list_topics() if prefixes and t.startswith(prefixes)]
            if not left:
                break
            if attempt:
                time.sleep(2)
            admin.delete_topics(left, timeout_ms=30_000)
        return left
    finally:
        admin.close()
