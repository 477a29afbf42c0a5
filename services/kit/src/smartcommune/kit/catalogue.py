"""The event catalogue: AsyncAPI documents generated from a service's FastStream declarations.

A service publishes through the outbox relay (raw bytes), so FastStream never sees its events at
run time; the catalogue still comes *from the code*: the service's payload registry is declared
on a FastStream broker as a publisher whose message is "one of these envelopes", and the topics
it consumes as subscribers. Nothing connects: the broker is only described, never started.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any, Literal, Union
from urllib.parse import unquote

from faststream.kafka import KafkaBroker
from faststream.specification import AsyncAPI
from pydantic import create_model

from .events import EventEnvelope, PayloadRegistry
from .topics import event_topic


def _class_name(event_type: str, version: int) -> str:
    words = event_type.replace("_", ".").split(".")
    return "".join(word.capitalize() for word in words) + f"V{version}"


def envelope_schemas(registry: PayloadRegistry) -> list[type[EventEnvelope]]:
    """One envelope model per registered (event_type, version), its payload typed precisely."""
    models: list[type[EventEnvelope]] = []
    for event_type in registry.event_types:
        for version in range(1, registry.latest_version(event_type) + 1):
            payload = registry.model(event_type, version)
            fields: dict[str, Any] = {
                "event_type": (Literal[event_type], ...),
                "event_version": (Literal[version], ...),
                "payload": (payload, ...),
            }
            models.append(
                create_model(
                    _class_name(event_type, version),
                    __base__=EventEnvelope,
                    __doc__=(payload.__doc__ or event_type).strip(),
                    **fields,
                )
            )
    return models


def asyncapi_document(
    registry: PayloadRegistry,
    *,
    version: str,
    description: str,
    consumes: Sequence[str] | Mapping[str, str] = (),
) -> dict[str, Any]:
    """The AsyncAPI 3 document of a service: the topic it publishes and those it consumes.

    `consumes` lists the consumed topics, or maps each to the consumer group that reads it; a
    named group is written into the receiving operation (Kafka binding `groupId`), which FastStream
    itself leaves out of the document.
    """
    groups = dict(consumes) if isinstance(consumes, Mapping) else {}
    broker = KafkaBroker("kafka:9092")
    topic = event_topic(registry.service)
    schemas = envelope_schemas(registry)
    message: Any = Union[tuple(schemas)] if len(schemas) > 1 else schemas[0]  # noqa: UP007
    broker.publisher(
        topic,
        title=topic,
        description=f"Events of the {registry.service} service, keyed by commune code.",
        schema=message,
    )
    for consumed in consumes:

        async def described_only(body: dict[str, Any]) -> None:  # never started
            return None

        broker.subscriber(
            consumed, group_id=f"{registry.service}.projections", title=f"{consumed} (consumed)"
        )(described_only)
    spec = AsyncAPI(
        broker, title=f"{registry.service} events", version=version, description=description
    )
    document: dict[str, Any] = spec.to_specification().to_jsonable()
    for consumed, group in groups.items():
        name_consumer_group(document, consumed, group)
    return document


def name_consumer_group(document: dict[str, Any], topic: str, group: str) -> dict[str, Any]:
    """Give the operations receiving `topic` the Kafka binding of their consumer group (AsyncAPI
    Kafka operation binding `groupId`, a schema) and say it in their description."""
    channels: dict[str, Any] = document["channels"]
    found = False
    for operation in document["operations"].values():
        channel = channels[unquote(operation["channel"]["$ref"].removeprefix("#/channels/"))]
        if operation["action"] != "receive" or channel["address"] != topic:
            continue
        operation.setdefault("bindings", {})["kafka"] = {
            "bindingVersion": channel["bindings"]["kafka"]["bindingVersion"],
            "groupId": {"type": "string", "enum": [group]},
        }
        operation["description"] = f"Consumed by the consumer group `{group}`."
        found = True
    if not found:
        raise ValueError(f"the document consumes no topic {topic}")
    return document
