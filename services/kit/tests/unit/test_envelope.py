"""The envelope validates every field on the way in and has exactly one wire form."""

import unicodedata
from datetime import UTC, datetime, timedelta, timezone
from typing import Any

import pytest
from pydantic import ValidationError

from smartcommune.kit.events import (
    GENESIS,
    Actor,
    EventDraft,
    EventEnvelope,
    compute_hash,
    seal,
)

pytestmark = pytest.mark.unit

TRACE = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01"
ICT = timezone(timedelta(hours=7))  # Indochina Time


def draft_fields(**overrides: Any) -> dict[str, Any]:
    fields: dict[str, Any] = {
        "event_type": "dossier.resolved",
        "event_version": 1,
        "stream_id": "dossier-1",
        "commune_code": "08950",
        "unit_path": "VN-26/sông-lô/cao-phong/thôn-1",
        "occurred_at": datetime(2026, 3, 1, 9, 30, tzinfo=ICT),
        "actor": {"subject": "6f1c0f3e-5b0a-4c53-9f0e-1b2c3d4e5f60", "role": "commune-officer"},
        "trace": TRACE,
        "payload": {"dossier_no": "000.00.26.H56-260301-0001", "fee_vnd": 50_000},
    }
    return fields | overrides


def sealed(**overrides: Any) -> EventEnvelope:
    return seal(
        EventDraft(**draft_fields(**overrides)),
        service="dossiers",
        stream_version=1,
        recorded_at=datetime(2026, 3, 1, 2, 30, 0, 123, tzinfo=UTC),
        after=GENESIS,
    )


def test_times_are_stored_in_utc_with_z_and_microseconds() -> None:
    wire = sealed().to_wire()
    assert b'"occurred_at":"2026-03-01T02:30:00.000000Z"' in wire
    assert b'"recorded_at":"2026-03-01T02:30:00.000123Z"' in wire


def test_naive_and_date_only_times_are_refused() -> None:
    with pytest.raises(ValidationError, match="timezone-aware"):
        EventDraft(**draft_fields(occurred_at=datetime(2026, 3, 1, 9, 30)))
    with pytest.raises(ValidationError, match="RFC 3339"):
        EventDraft(**draft_fields(occurred_at="2026-03-01"))


def test_wire_bytes_round_trip_exactly() -> None:
    envelope = sealed()
    again = EventEnvelope.from_wire(envelope.to_wire())
    assert again == envelope
    assert again.to_wire() == envelope.to_wire()


def test_sealed_hash_is_over_the_envelope_without_hash() -> None:
    envelope = sealed()
    assert envelope.hash == compute_hash(envelope)
    assert (envelope.chain_seq, envelope.prev_hash) == (1, GENESIS.hash)
    assert "hash" not in envelope.hashed_fields()


def test_strings_are_nfc_everywhere_so_the_hash_ignores_how_text_was_typed() -> None:
    nfd = unicodedata.normalize("NFD", "VN-26/sông-lô/cao-phong/thôn-1")
    one = sealed(event_id="019a0000-0000-7000-8000-000000000001")
    two = sealed(
        event_id="019a0000-0000-7000-8000-000000000001",
        unit_path=nfd,
        payload={"dossier_no": "000.00.26.H56-260301-0001", "fee_vnd": 50_000},
    )
    assert two.unit_path == one.unit_path
    assert two.hash == one.hash


def test_payload_is_deeply_immutable() -> None:
    draft = EventDraft(**draft_fields(payload={"items": [{"a": 1}]}))
    with pytest.raises(TypeError):
        draft.payload["items"] = []  # type: ignore[index]  # the point: it must fail
    with pytest.raises(TypeError):
        draft.payload["items"][0]["a"] = 2
    with pytest.raises(ValidationError):
        draft.stream_id = "other"  # type: ignore[misc]  # the point: it must fail


def test_payload_floats_are_refused_at_draft_time() -> None:
    with pytest.raises(ValidationError, match="floats are not allowed"):
        EventDraft(**draft_fields(payload={"share": 0.5}))


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("event_type", "smartcommune.dossiers.events.DossierResolved"),
        ("event_type", "resolved"),
        ("event_version", 0),
        ("commune_code", "8950"),
        ("unit_path", "cao-phong/thon-1"),
        ("unit_path", "VN-26"),
        ("stream_id", ""),
        ("trace", "not-a-traceparent"),
        ("trace", "00-00000000000000000000000000000000-00f067aa0ba902b7-01"),
        ("event_id", "6f1c0f3e-5b0a-4c53-9f0e-1b2c3d4e5f60"),  # a UUIDv4
        ("actor", {"subject": "service:", "role": "service"}),
        ("unexpected", "field"),
    ],
)
def test_invalid_fields_are_refused(field: str, value: object) -> None:
    with pytest.raises(ValidationError):
        EventDraft(**draft_fields(**{field: value}))


def test_service_actor_spelling() -> None:
    assert Actor.for_service("scoring") == Actor(subject="service:scoring", role="service")


def test_from_wire_validates_the_shape_but_not_the_hash() -> None:
    fields = sealed().model_dump(mode="json") | {"hash": "f" * 64}
    tampered = EventEnvelope.model_validate(fields)
    assert EventEnvelope.from_wire(tampered.to_wire()).hash == "f" * 64
    with pytest.raises(ValidationError):
        EventEnvelope.from_wire(b'{"event_type":"dossier.resolved"}')
