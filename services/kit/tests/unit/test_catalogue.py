"""The AsyncAPI event catalogue is generated from a service's payload registry."""

from __future__ import annotations

from smartcommune.kit.catalogue import asyncapi_document
from smartcommune.kit.events import EventPayload, PayloadRegistry

REGISTRY = PayloadRegistry("toys")


@REGISTRY.register
class ToyMade(EventPayload):
    """A toy was made in a village workshop."""

    event_type = "toy.made"
    event_version = 1
    count: int


@REGISTRY.register
class ToySold(EventPayload):
    event_type = "toy.sold"
    event_version = 1
    price_vnd: int


def test_the_catalogue_lists_the_topic_and_every_event_with_its_payload_schema() -> None:
    document = asyncapi_document(
        REGISTRY, version="1.2.0", description="Toys", consumes=["dossiers.events.v1"]
    )

    assert document["asyncapi"].startswith("3.")
    assert document["info"]["version"] == "1.2.0"
    addresses = {channel["address"] for channel in document["channels"].values()}
    assert addresses == {"toys.events.v1", "dossiers.events.v1"}
    schemas = document["components"]["schemas"]
    made = schemas["ToyMadeV1"]
    assert made["properties"]["event_type"]["const"] == "toy.made"
    assert made["properties"]["payload"]["$ref"].endswith("/ToyMade")
    assert made["description"] == "A toy was made in a village workshop."
    assert "chain_seq" in made["required"]
    assert schemas["ToySold"]["properties"]["price_vnd"]["type"] == "integer"
