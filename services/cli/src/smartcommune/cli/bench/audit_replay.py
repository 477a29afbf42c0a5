"""Audit replay throughput for one commune inside a growing synthetic province.

What the numbers answer: how long an inspector waits for `smartcommune audit replay --commune C`
and how much of it is the replay's own work rather than Kafka's. A synthetic province is written
through the kit (EventStore appends into per-service SQLite stores, then the OutboxRelay onto
fresh topics of the local Kafka), in three stages of growing size on the same topics; after each
stage, for the same commune over the very same partitions and offsets:

- **replay**: `application.replay.replay()` — plan the commune's partitions, read them with
  kafka-python, parse every record of the commune into an envelope, verify every chain with the
  kit's `verify_chain`, judge decisions (none here), build the result;
- **raw**: a bare `KafkaConsumer` assigned to the same partition ranges, reading every record to
  the same stop offsets and touching nothing — the ceiling any kafka-python reader could reach.

Rounds alternate which side goes first; the fastest of each side's rounds is kept (the machine
is shared, so the minimum is the least noisy estimate). Topics are deleted at the end.
"""

from __future__ import annotations

import shutil
import tempfile
import time
import uuid
from dataclasses import dataclass
from pathlib import Path

from kafka import KafkaConsumer, TopicPartition

from smartcommune.audit.adapters.kafka_log import KafkaLog, PartitionRange
from smartcommune.audit.application.replay import keys_for, replay
from smartcommune.audit.synthetic.history import commune_history
from smartcommune.audit.synthetic.province import make_province
from smartcommune.audit.synthetic.writer import ProvinceWriter
from smartcommune.audit.testing import delete_topics

from ..stack import StackConfig, make_server
from .report import Report

#: Cumulative province sizes (communes); the replayed commune is the first one throughout.
STAGES = (8, 16, 32)
VILLAGES = 6
YEARS = 2
HOUSEHOLDS = 15
PARTITIONS = 16
ROUNDS = 3


@dataclass(frozen=True)
class StageResult:
    communes: int
    province_events: int
    commune_events: int
    offsets: int
    replay_seconds: float
    raw_seconds: float

    @property
    def replay_events_rate(self) -> float:
        return self.commune_events / self.replay_seconds

    @property
    def replay_offsets_rate(self) -> float:
        return self.offsets / self.replay_seconds

    @property
    def raw_offsets_rate(self) -> float:
        return self.offsets / self.raw_seconds


def time_replay(bootstrap: str, prefix: str, commune: str) -> tuple[float, int, int]:
    started = time.perf_counter()
    with KafkaLog(bootstrap, topic_prefix=prefix) as log:
        result = replay(log, commune, roots=[])
    elapsed = time.perf_counter() - started
    assert result.exit_code == 0, [f.describe() for f in result.findings]
    return elapsed, sum(c.verified for c in result.chains), result.scanned


def plan(bootstrap: str, prefix: str, commune: str) -> list[PartitionRange]:
    with KafkaLog(bootstrap, topic_prefix=prefix) as log:
        return log.plan(keys_for(commune))


def time_raw(bootstrap: str, ranges: list[PartitionRange]) -> tuple[float, int]:
    """A bare consumer over the same ranges: connect, assign, seek, read to the stop offsets."""
    started = time.perf_counter()
    consumer = KafkaConsumer(
        bootstrap_servers=bootstrap, enable_auto_commit=False, group_id=None,
        fetch_max_bytes=64 * 1024 * 1024, max_partition_fetch_bytes=16 * 1024 * 1024,
        max_poll_records=10_000,
    )  # fmt: skip
    try:
        stops = {TopicPartition(r.topic, r.partition): r for r in ranges if r.size}
        consumer.assign(list(stops))
        for tp, r in stops.items():
            consumer.seek(tp, r.start)
        read = 0
        while stops:
            for tp, messages in consumer.poll(timeout_ms=500).items():
                wanted = stops.get(tp)
                if wanted is None:
                    continue
                read += sum(1 for m in messages if m.offset < wanted.stop)
                if consumer.position(tp) >= wanted.stop:
                    del stops[tp]
                    consumer.pause(tp)
    finally:
        consumer.close()
    return time.perf_counter() - started, read


def measure(
    bootstrap: str,
    folder: Path,
    *,
    stages: tuple[int, ...] = STAGES,
    villages: int = VILLAGES,
    years: int = YEARS,
    households: int = HOUSEHOLDS,
    partitions: int = PARTITIONS,
    rounds: int = ROUNDS,
) -> list[StageResult]:
    prefix = f"bench-audit-{uuid.uuid4().hex[:8]}."
    province = make_province("26", communes=max(stages), villages=villages, first_commune=60000)
    target = province.communes[0].code
    writer = ProvinceWriter(bootstrap, folder, prefix=prefix, partitions=partitions)
    results: list[StageResult] = []
    written = done = 0
    try:
        for size in stages:
            for commune in province.communes[done:size]:
                counts = writer.append(commune_history(commune, years=years, households=households))
                written += sum(counts.values())
            done = size
            writer.publish()
            ranges = plan(bootstrap, prefix, target)
            time_raw(bootstrap, ranges)  # warm-up: page cache and connections, untimed
            replays, raws = [], []
            for number in range(rounds):
                order = ("replay", "raw") if number % 2 == 0 else ("raw", "replay")
                for side in order:
                    if side == "replay":
                        seconds, events, scanned = time_replay(bootstrap, prefix, target)
                        replays.append(seconds)
                    else:
                        raw_seconds, raw_read = time_raw(bootstrap, ranges)
                        raws.append(raw_seconds)
            assert raw_read == scanned == sum(r.size for r in ranges), (raw_read, scanned)
            results.append(StageResult(size, written, events, scanned, min(replays), min(raws)))
    finally:
        writer.close()
        delete_topics(bootstrap, (prefix,))
    return results


def run() -> Report:
    server = make_server("kafka", StackConfig.from_env())
    started = server.start(timeout=300)
    folder = Path(tempfile.mkdtemp(prefix="sc-bench-audit-"))
    try:
        results = measure(server.address, folder)
    finally:
        shutil.rmtree(folder, ignore_errors=True)
        if started:
            server.stop()
    report = Report(
        "Audit replay throughput",
        [
            "communes in province",
            "province events",
            "commune events",
            "offsets read",
            "replay (s)",
            "replay (commune events/s)",
            "replay (offsets/s)",
            "raw kafka-python (offsets/s)",
            "replay / raw",
        ],
    )
    for r in results:
        report.add(
            r.communes, r.province_events, r.commune_events, r.offsets, r.replay_seconds,
            r.replay_events_rate, r.replay_offsets_rate, r.raw_offsets_rate,
            r.raw_seconds / r.replay_seconds,
        )  # fmt: skip
    first, last = results[0], results[-1]
    report.notes.extend(
        [
            f"Synthetic province written through the kit (EventStore → OutboxRelay) onto fresh "
            f"topics of {PARTITIONS} partitions on the local Kafka at {server.address}; "
            f"{VILLAGES} villages per commune, {YEARS} years, {HOUSEHOLDS} households per "
            "village; the same first commune is replayed at every size.",
            "replay = plan partitions + read + parse + verify every chain + report (no "
            "decisions in this history); raw = bare KafkaConsumer over the same partitions and "
            f"offsets; fastest of {ROUNDS} alternating rounds each.",
            f"Growth: province x{last.communes / first.communes:.0f} "
            f"({first.province_events:,} → {last.province_events:,} events) made the replay "
            f"read x{last.offsets / max(1, first.offsets):.1f} offsets and take "
            f"x{last.replay_seconds / first.replay_seconds:.1f} the time: a replay reads only "
            "the commune's partitions, so it grows with the communes sharing them (communes / "
            "partitions), not with the province.",
        ]
    )
    return report
