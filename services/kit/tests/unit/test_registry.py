"""Payloads are validated against their declared version on write and read, then upcast."""

from datetime import UTC, datetime
from typing import Any

import pytest
from pydantic import ValidationError

from smartcommune.kit.events import (
    GENESIS,
    Actor,
    EventEnvelope,
    EventPayload,
    PayloadRegistry,
    UnknownEventError,
    seal,
)

pytestmark = pytest.mark.unit


class ToyPlantedV1(EventPayload):
    event_type = "toy.planted"
    event_version = 1
    tree: str


class ToyPlantedV2(EventPayload):
    """v2 counts trees instead of naming one: v1 events read as one tree of that species."""

    event_type = "toy.planted"
    event_version = 2
    species: str
    count: int
    note: str | None = None


def upcast_v1_v2(data: dict[str, Any]) -> dict[str, Any]:
    return {"species": data["tree"], "count": 1}


def make_registry() -> PayloadRegistry:
    registry = PayloadRegistry("toys")
    registry.register(ToyPlantedV1)
    registry.register(ToyPlantedV2)
    registry.upcaster("toy.planted")(upcast_v1_v2)
    registry.check()
    return registry


PLACE: dict[str, Any] = {
    "stream_id": "garden-1",
    "commune_code": "08950",
    "unit_path": "VN-26/cao-phong/thon-1",
    "occurred_at": datetime(2026, 1, 1, tzinfo=UTC),
    "actor": Actor.for_service("toys"),
}


def stored_v1(tree: str) -> EventEnvelope:
    """An event written by an older release, when v1 was the latest."""
    old = PayloadRegistry("toys")
    old.register(ToyPlantedV1)
    return seal(
        old.draft(ToyPlantedV1(tree=tree), **PLACE),
        service="toys",
        stream_version=1,
        recorded_at=datetime(2026, 1, 1, tzinfo=UTC),
        after=GENESIS,
    )


def test_a_draft_takes_type_and_version_from_the_payload_model() -> None:
    draft = make_registry().draft(ToyPlantedV2(species="bưởi", count=3), **PLACE)
    assert (draft.event_type, draft.event_version) == ("toy.planted", 2)
    assert dict(draft.payload) == {"species": "bưởi", "count": 3, "note": None}


def test_writing_an_old_version_is_refused() -> None:
    with pytest.raises(ValueError, match="write v2"):
        make_registry().draft(ToyPlantedV1(tree="cam"), **PLACE)


def test_a_hand_made_payload_must_be_the_models_full_json_form() -> None:
    registry = make_registry()
    draft = registry.draft(ToyPlantedV2(species="cam", count=1), **PLACE)
    short = draft.model_copy(update={"payload": {"species": "cam", "count": 1}})
    with pytest.raises(ValueError, match="JSON form"):
        registry.validate_draft(short)
    wrong = draft.model_copy(update={"payload": {"species": "cam", "count": "many"}})
    with pytest.raises(ValidationError):
        registry.validate_draft(wrong)


def test_reading_a_v1_event_upcasts_it_to_v2_without_touching_its_bytes() -> None:
    envelope = stored_v1("bưởi")
    wire = envelope.to_wire()
    payload = make_registry().decode(envelope)
    assert payload == ToyPlantedV2(species="bưởi", count=1)
    assert envelope.to_wire() == wire
    assert envelope.event_version == 1


def test_reading_validates_the_payload_against_its_written_version() -> None:
    bad = stored_v1("cam").model_copy(update={"payload": {"tree": 7}})
    with pytest.raises(ValidationError):
        make_registry().decode(bad)


def test_a_faulty_upcaster_is_caught_at_its_step() -> None:
    registry = PayloadRegistry("toys")
    registry.register(ToyPlantedV1)
    registry.register(ToyPlantedV2)

    @registry.upcaster("toy.planted")
    def upcast_v1_v2(data: dict[str, Any]) -> dict[str, Any]:
        return {"species": data["tree"]}  # forgot `count`

    with pytest.raises(ValidationError, match="count"):
        registry.decode(stored_v1("cam"))


def test_unknown_types_and_versions_are_lookup_errors() -> None:
    registry = make_registry()
    with pytest.raises(UnknownEventError):
        registry.model("toy.felled", 1)
    with pytest.raises(UnknownEventError):
        registry.model("toy.planted", 3)


def test_upcaster_names_must_say_which_step_they_are() -> None:
    registry = make_registry()

    def convert(data: dict[str, Any]) -> dict[str, Any]:
        return data

    def upcast_v1_v3(data: dict[str, Any]) -> dict[str, Any]:
        return data

    for function in (convert, upcast_v1_v3):
        with pytest.raises(ValueError, match="upcast_vN_vN"):
            registry.upcaster("toy.planted")(function)


def test_check_finds_missing_versions_and_upcasters() -> None:
    registry = PayloadRegistry("toys")
    registry.register(ToyPlantedV2)
    with pytest.raises(ValueError, match=r"not 1\.\.2"):
        registry.check()
    registry.register(ToyPlantedV1)
    with pytest.raises(ValueError, match="upcast_v1_v2"):
        registry.check()


def test_registering_the_same_version_twice_is_refused() -> None:
    with pytest.raises(ValueError, match="already registered"):
        make_registry().register(ToyPlantedV1)


def test_registries_are_independent() -> None:
    make_registry()
    assert PayloadRegistry("other").event_types == []
