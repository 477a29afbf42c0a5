"""Topic provisioning against the real broker: idempotent, self-healing, never regrows."""

from __future__ import annotations

import uuid
from collections.abc import Iterator

import pytest
from kafka.admin import ConfigResource, ConfigResourceType, KafkaAdminClient

from smartcommune.kit.topics import ensure_topics, event_topic_specs

pytestmark = pytest.mark.integration


@pytest.fixture
def admin(kafka_bootstrap: str) -> Iterator[KafkaAdminClient]:
    client = KafkaAdminClient(bootstrap_servers=kafka_bootstrap)
    yield client
    client.close()


def test_ensure_creates_event_and_dead_letter_topics_once(admin: KafkaAdminClient) -> None:
    context = f"ctx{uuid.uuid4().hex[:8]}"
    specs = event_topic_specs([context], partitions=6, dlq_partitions=2)

    first = ensure_topics(admin, specs)
    second = ensure_topics(admin, specs)

    assert first.created == [f"{context}.events.v1", f"{context}.events.v1.dlq"]
    assert second.created == []
    assert second.ok
    assert sorted(second.unchanged) == sorted(first.created)
    described = {t["name"]: len(t["partitions"]) for t in admin.describe_topics(first.created)}
    assert described == {f"{context}.events.v1": 6, f"{context}.events.v1.dlq": 2}
    configs = admin.describe_configs(
        [ConfigResource(ConfigResourceType.TOPIC, f"{context}.events.v1")], config_filter="all"
    )["topic"][f"{context}.events.v1"]
    assert configs["retention.ms"]["value"] == "-1"
    assert configs["cleanup.policy"]["value"] == "delete"
    admin.delete_topics(first.created)


def test_ensure_restores_a_drifted_retention(admin: KafkaAdminClient) -> None:
    context = f"ctx{uuid.uuid4().hex[:8]}"
    specs = event_topic_specs([context], partitions=2, dlq_partitions=1)
    ensure_topics(admin, specs)
    topic = f"{context}.events.v1"
    admin.alter_configs(
        [ConfigResource(ConfigResourceType.TOPIC, topic, configs={"retention.ms": "60000"})],
        incremental=True,
    )

    report = ensure_topics(admin, specs)

    assert report.reconfigured == [topic]
    assert ensure_topics(admin, specs).reconfigured == []
    admin.delete_topics([topic, f"{topic}.dlq"])


def test_ensure_refuses_to_change_the_partition_count(admin: KafkaAdminClient) -> None:
    context = f"ctx{uuid.uuid4().hex[:8]}"
    ensure_topics(admin, event_topic_specs([context], partitions=2, dlq_partitions=1))

    report = ensure_topics(admin, event_topic_specs([context], partitions=4, dlq_partitions=1))

    assert not report.ok
    assert "has 2 partitions" in report.problems[0]
    assert "expects 4" in report.problems[0]
    assert len(admin.describe_topics([f"{context}.events.v1"])[0]["partitions"]) == 2
    admin.delete_topics([f"{context}.events.v1", f"{context}.events.v1.dlq"])
