"""Topic naming and idempotent provisioning with kafka-python's admin client.

Partitions are chosen up front and never grown automatically: Kafka maps a key (the commune
code) to a partition by `hash(key) % partitions`, so adding partitions later would scatter a
commune's history over two partitions and break per-commune ordering for every reader.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from kafka.admin import ConfigResource, ConfigResourceType, KafkaAdminClient

#: Events are the system of record: keep them forever, never compact them away.
EVENT_TOPIC_CONFIGS: Mapping[str, str] = {"retention.ms": "-1", "cleanup.policy": "delete"}
#: Enough for national scale (3,321 communes over many consumers) without ever growing.
DEFAULT_PARTITIONS = 64
DEFAULT_DLQ_PARTITIONS = 8


def event_topic(context: str, major: int = 1) -> str:
    """`<context>.events.v<major>`, e.g. `dossiers.events.v1`."""
    return f"{context}.events.v{major}"


def dlq_topic(topic: str) -> str:
    return f"{topic}.dlq"


@dataclass(frozen=True)
class TopicSpec:
    name: str
    partitions: int
    replication: int = 1
    configs: Mapping[str, str] = field(default_factory=lambda: dict(EVENT_TOPIC_CONFIGS))


def event_topic_specs(
    contexts: Iterable[str],
    *,
    partitions: int = DEFAULT_PARTITIONS,
    dlq_partitions: int = DEFAULT_DLQ_PARTITIONS,
    replication: int = 1,
) -> list[TopicSpec]:
    """Each context's event topic and its dead-letter topic."""
    specs: list[TopicSpec] = []
    for context in contexts:
        topic = event_topic(context)
        specs.append(TopicSpec(topic, partitions, replication))
        specs.append(TopicSpec(dlq_topic(topic), dlq_partitions, replication))
    return specs


@dataclass
class EnsureReport:
    created: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    reconfigured: list[str] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems


def ensure_topics(admin: KafkaAdminClient, specs: Iterable[TopicSpec]) -> EnsureReport:
    """Create missing topics, restore drifted configs, report what cannot be fixed safely."""
    report = EnsureReport()
    wanted = {spec.name: spec for spec in specs}
    existing = set(admin.list_topics())
    missing = [spec for name, spec in wanted.items() if name not in existing]
    if missing:
        admin.create_topics(
            {
                spec.name: {
                    "num_partitions": spec.partitions,
                    "replication_factor": spec.replication,
                    "configs": dict(spec.configs),
                }
                for spec in missing
            }
        )
        report.created.extend(spec.name for spec in missing)
    present = [wanted[name] for name in sorted(existing & wanted.keys())]
    if not present:
        return report
    partitions = {
        topic["name"]: len(topic["partitions"])
        for topic in admin.describe_topics([spec.name for spec in present])
    }
    for spec in present:
        if partitions[spec.name] != spec.partitions:
            report.problems.append(
                f"{spec.name} has {partitions[spec.name]} partitions, the platform expects "
                f"{spec.partitions}; partitions are never changed automatically (it would "
                "remap commune keys) — migrate the topic deliberately"
            )
            continue
        drift = _config_drift(admin, spec)
        if drift:
            admin.alter_configs(
                [ConfigResource(ConfigResourceType.TOPIC, spec.name, configs=drift)],
                incremental=True,
            )
            report.reconfigured.append(spec.name)
        else:
            report.unchanged.append(spec.name)
    return report


def _config_drift(admin: KafkaAdminClient, spec: TopicSpec) -> dict[str, str]:
    resource = ConfigResource(ConfigResourceType.TOPIC, spec.name, configs=dict(spec.configs))
    described = admin.describe_configs([resource], config_filter="all")
    actual = described["topic"][spec.name]
    return {
        key: value
        for key, value in spec.configs.items()
        if actual.get(key, {}).get("value") != value
    }
