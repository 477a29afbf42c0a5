"""The `make bench audit_replay` machinery, run tiny on the real broker: it measures what it
claims (same partitions and offsets on both sides, a verified replay at every size)."""

from __future__ import annotations

from pathlib import Path

import pytest

from smartcommune.cli.bench.audit_replay import measure

pytestmark = pytest.mark.integration


def test_the_benchmark_replays_and_reads_the_same_offsets_at_each_size(
    kafka_bootstrap: str, tmp_path: Path
) -> None:
    results = measure(
        kafka_bootstrap, tmp_path, stages=(1, 3), villages=1, years=1, households=3,
        partitions=2, rounds=1,
    )  # fmt: skip
    assert [r.communes for r in results] == [1, 3]
    assert results[0].commune_events == results[1].commune_events > 0
    assert results[0].province_events < results[1].province_events
    assert all(r.offsets >= r.commune_events and r.replay_seconds > 0 for r in results)
