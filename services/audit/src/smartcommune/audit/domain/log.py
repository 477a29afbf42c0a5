"""Where a record sits in Kafka, and the records and events read from there."""

from __future__ import annotations

from dataclasses import dataclass

from smartcommune.kit.events import EventEnvelope


@dataclass(frozen=True, order=True)
class Position:
    topic: str
    partition: int
    offset: int

    def __str__(self) -> str:
        return f"{self.topic}[{self.partition}]@{self.offset}"

    def as_json(self) -> dict[str, object]:
        return {"topic": self.topic, "partition": self.partition, "offset": self.offset}


@dataclass(frozen=True)
class RawRecord:
    """One Kafka record as read: the bytes are judged later, never trusted on arrival."""

    position: Position
    key: bytes | None
    value: bytes | None
    timestamp_ms: int


@dataclass(frozen=True)
class ChainKey:
    """A (service, commune) hash chain. The service is the topic's, not the event's claim."""

    service: str
    commune_code: str

    def __str__(self) -> str:
        return f"{self.service}/{self.commune_code}"


@dataclass(frozen=True)
class LocatedEvent:
    envelope: EventEnvelope
    position: Position
