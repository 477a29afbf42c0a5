"""What a consumer refuses before any effect, and why: each refusal has a stable reason code."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from smartcommune.kit.consumer import Rejection, inspect
from smartcommune.kit.events import (
    GENESIS,
    Actor,
    EventEnvelope,
    EventPayload,
    PayloadRegistry,
    seal,
)


class Counted(EventPayload):
    event_type = "toy.counted"
    event_version = 1
    n: int


REGISTRY = PayloadRegistry("toys")
REGISTRY.register(Counted)


def sealed(payload: dict[str, object], event_type: str = "toy.counted") -> EventEnvelope:
    draft = REGISTRY.draft(
        Counted(n=1),
        stream_id="counter-1",
        commune_code="08950",
        unit_path="VN-26/cao-phong",
        occurred_at=datetime(2026, 3, 1, tzinfo=UTC),
        actor=Actor.for_service("toys"),
    ).model_copy(update={"payload": payload, "event_type": event_type})
    return seal(
        draft, service="toys", stream_version=1, recorded_at=draft.occurred_at, after=GENESIS
    )


def test_a_valid_event_comes_back_as_its_envelope() -> None:
    envelope = sealed({"n": 3})
    assert inspect(envelope.to_wire(), REGISTRY) == envelope


@pytest.mark.parametrize(
    ("value", "reason"),
    [
        (None, "undecodable"),
        (b"\xff\xfe garbage", "undecodable"),
        (b'{"n": 1.5}', "undecodable"),  # floats have no canonical form
        (b'{"hello": "world"}', "invalid_envelope"),
    ],
)
def test_bytes_that_are_no_envelope_are_rejected(value: bytes | None, reason: str) -> None:
    verdict = inspect(value, REGISTRY)
    assert isinstance(verdict, Rejection)
    assert verdict.reason == reason
    assert verdict.event_id is None


def test_an_envelope_whose_content_no_longer_matches_its_hash_is_rejected() -> None:
    envelope = sealed({"n": 3})
    tampered = envelope.to_wire().replace(b'"n":3', b'"n":4')
    verdict = inspect(tampered, REGISTRY)
    assert verdict == Rejection(
        "altered", "hash does not match the event's content", envelope.event_id
    )


def test_payloads_are_checked_against_the_registry_only_when_one_is_given() -> None:
    wrong = sealed({"n": "three"})
    unknown = sealed({"n": 3}, event_type="toy.unknown")

    assert isinstance(inspect(wrong.to_wire(), None), EventEnvelope)
    invalid = inspect(wrong.to_wire(), REGISTRY)
    assert isinstance(invalid, Rejection)
    assert (invalid.reason, invalid.event_id) == ("schema_invalid", wrong.event_id)
    assert "n" in invalid.detail
    not_known = inspect(unknown.to_wire(), REGISTRY)
    assert isinstance(not_known, Rejection)
    assert not_known.reason == "unknown_event"
