"""A rollup decision on the real broker: its evidence frontier names the chains of a commune
merged into the audited one, and the replay reads that commune's partitions too, verifies its
chains, hands its events to the re-evaluation and checks the frontier against them."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from kafka import KafkaProducer

from smartcommune.audit.adapters.kafka_log import KafkaLog
from smartcommune.audit.application.replay import AuditResult, replay
from smartcommune.audit.domain.log import ChainKey
from smartcommune.audit.domain.outcome import ExitCode
from smartcommune.audit.testing import read_commune
from smartcommune.audit.testing_decisions import decision_payload, official, sign_as
from smartcommune.kit.events import EventEnvelope

from .conftest import History
from .test_replay_signatures import Scene, frontier_of

pytestmark = pytest.mark.integration


def copy_into(bootstrap: str, source: str, target: str, commune: str) -> None:
    """Write a commune's records (keyed by its code) into the target's existing topics."""
    producer = KafkaProducer(bootstrap_servers=bootstrap, acks="all")
    try:
        for service, items in read_commune(bootstrap, source, commune).items():
            for key, value in items:
                producer.send(f"{target}{service}.events.v1", key=key, value=value)
        producer.flush(timeout=60)
    finally:
        producer.close(timeout=10)


@dataclass(frozen=True)
class Agreeing:
    criteria_set_ok: bool = True
    agrees: bool = True
    comparisons: tuple[()] = ()


@dataclass
class Recorder:
    """Stands in for scoring's evaluator (its rollup is scoring's own test): agrees, and keeps
    the events it was given."""

    seen: list[EventEnvelope] = field(default_factory=list)

    def check(self, events: Sequence[EventEnvelope], decision: EventEnvelope) -> Any:
        self.seen = list(events)
        return Agreeing()


def test_a_rollup_decision_reads_and_verifies_the_merged_communes_chains(
    history: History, tmp_path: Path
) -> None:
    scene = Scene(history, tmp_path, "merged")
    merged = history.communes[1]
    copy_into(history.bootstrap, history.prefix, scene.prefix, merged)
    frontier = scene.frontier + frontier_of(history.bootstrap, scene.prefix, merged)
    record, officer = official(scene.ca, "district.officer")
    payload = sign_as(scene.ca, officer, decision_payload(scene.commune, frontier, record))
    recorder = Recorder()
    scene.publish(payload)  # (replayed there with scoring's evaluator; here with the recorder)
    with KafkaLog(history.bootstrap, topic_prefix=scene.prefix) as log:
        result: AuditResult = replay(log, scene.commune, roots=[scene.root], evaluator=recorder)

    assert result.related_communes == [merged]
    assert not result.findings
    chains = {c.chain: c for c in result.chains}
    for head in frontier_of(history.bootstrap, scene.prefix, merged):
        assert chains[ChainKey(head["service"], merged)].last_seq == head["chain_seq"]
    (decision,) = result.decisions
    assert decision.ok, [(c.name, c.detail) for c in decision.checks if not c.ok]
    assert result.exit_code == ExitCode.VERIFIED
    assert {e.commune_code for e in recorder.seen} == {scene.commune, merged}
    assert {r.keys for r in result.partitions} >= {frozenset({merged.encode()})}


def test_the_same_partitions_can_be_read_twice_with_one_log(history: History) -> None:
    """The second pass may read partitions the first one finished (and paused): two communes
    share a partition whenever there are more communes than partitions."""
    with KafkaLog(history.bootstrap, topic_prefix=history.prefix) as log:
        ranges = log.plan(lambda _service: [history.communes[0]])
        first = [r.position for r in log.read(ranges)]
        again = [r.position for r in log.read(ranges)]
    assert first
    assert again == first
