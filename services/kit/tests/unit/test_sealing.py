"""Sealing validates each envelope once and hashes, stores and returns one and the same encoding.

`seal_all` takes shortcuts for speed — a draft pydantic already validated is not validated again,
the sealing fields are validated once per batch, the hashed bytes and the wire bytes come from
one encoding — so these tests pin down that the shortcuts change nothing: the wire bytes are
`to_wire()`, the hash is `compute_hash`, and a draft that skipped validation is still refused.
"""

import copy
import pickle
import unicodedata
from datetime import UTC, datetime, timedelta, timezone
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from pydantic import ValidationError

from smartcommune.kit.events import (
    GENESIS,
    Actor,
    EventDraft,
    Frontier,
    Sealed,
    canonical_bytes,
    compute_hash,
    seal,
    seal_all,
    verify_chain,
)
from smartcommune.kit.events.envelope import was_validated

pytestmark = pytest.mark.unit

SERVICE, COMMUNE = "toys", "08950"
T0 = datetime(2026, 3, 1, 2, 30, 0, 123, tzinfo=UTC)
TRACE = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01"


def draft(**overrides: Any) -> EventDraft:
    fields: dict[str, Any] = {
        "event_type": "toy.planted",
        "event_version": 1,
        "stream_id": "garden-1",
        "commune_code": COMMUNE,
        "unit_path": "VN-26/sông-lô/thôn-1",
        "occurred_at": datetime(2026, 3, 1, 9, 30, tzinfo=timezone(timedelta(hours=7))),
        "actor": Actor(subject="can-bo-1", role="commune-officer"),
        "trace": TRACE,
        "payload": {"species": "bưởi Diễn", "count": 3, "rows": [[1, 2], {"b": None}]},
    }
    return EventDraft(**(fields | overrides))


def seal_many(
    drafts: list[EventDraft], after: Frontier = GENESIS, version: int = 1
) -> list[Sealed]:
    return seal_all(drafts, service=SERVICE, stream_version=version, recorded_at=T0, after=after)


# Payloads in the shapes canonical JSON allows, with text that NFC changes.
letters = ["a", "ê", "e\u0302\u0323", "\u1ec7", '"', "\\", "\n", "\x00"]
json_text = st.lists(st.sampled_from(letters), max_size=6).map("".join)


def objects(values: st.SearchStrategy[Any]) -> st.SearchStrategy[dict[str, Any]]:
    # Keys that collide once NFC-normalised are refused (see test_canonical), so none here.
    return st.dictionaries(json_text, values, max_size=3).filter(
        lambda d: len({unicodedata.normalize("NFC", k) for k in d}) == len(d)
    )


json_values = st.recursive(
    st.none() | st.booleans() | st.integers(-(2**70), 2**70) | json_text,
    lambda inner: st.lists(inner, max_size=3) | objects(inner),
    max_leaves=12,
)
payloads = objects(json_values)


@settings(max_examples=200, deadline=None)
@given(payload=payloads, trace=st.sampled_from([TRACE, None]))
def test_the_wire_bytes_are_to_wire_and_the_hash_is_compute_hash(
    payload: dict[str, Any], trace: str | None
) -> None:
    (sealed,) = seal_many([draft(payload=payload, trace=trace)])
    assert sealed.wire == sealed.envelope.to_wire()
    assert sealed.wire == canonical_bytes(sealed.envelope.model_dump(mode="json"))
    assert sealed.envelope.hash == compute_hash(sealed.envelope)


def test_a_batch_is_consecutive_versions_on_one_gapless_chain() -> None:
    after = Frontier(7, "ab" * 32)
    sealed = seal_many([draft(), draft(), draft()], after=after, version=4)
    envelopes = [s.envelope for s in sealed]
    assert [e.stream_version for e in envelopes] == [4, 5, 6]
    assert [e.chain_seq for e in envelopes] == [8, 9, 10]
    assert [e.prev_hash for e in envelopes] == [after.hash, envelopes[0].hash, envelopes[1].hash]
    assert verify_chain(envelopes, SERVICE, COMMUNE, start=after).ok
    assert {e.recorded_at for e in envelopes} == {T0}


def test_seal_is_one_event_of_seal_all() -> None:
    one = draft()
    (sealed,) = seal_many([one])
    assert seal(one, service=SERVICE, stream_version=1, recorded_at=T0, after=GENESIS) == (
        sealed.envelope
    )


def test_a_draft_that_skipped_validation_seals_to_the_same_event() -> None:
    """The full-validation path (copies) and the trusted path (validated drafts) agree."""
    validated = draft()
    copied = validated.model_copy()
    assert was_validated(validated)
    assert not was_validated(copied)
    ((fast,), (slow,)) = seal_many([validated]), seal_many([copied])
    assert (fast.envelope, fast.wire) == (slow.envelope, slow.wire)
    assert fast.envelope.payload == slow.envelope.payload
    with pytest.raises(TypeError):
        fast.envelope.payload["count"] = 4  # type: ignore[index]  # the point: it must fail


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("commune_code", "8950"),
        ("unit_path", "cao-phong"),
        ("event_version", 0),
        ("stream_id", "has space"),
        ("payload", {"share": 0.5}),
        ("actor", Actor.model_construct(subject="", role="")),
        ("trace", "not-a-traceparent"),
    ],
)
def test_a_copied_draft_with_an_invalid_field_is_still_refused(field: str, value: object) -> None:
    bad = draft().model_copy(update={field: value})
    with pytest.raises(ValidationError):
        seal_many([bad])


def test_an_unvalidated_actor_or_draft_is_validated_when_handed_to_a_draft() -> None:
    """Instances are re-validated, so nothing unvalidated is ever remembered as validated."""
    with pytest.raises(ValidationError, match="service actor"):
        draft(actor=Actor.model_construct(subject="service:", role="service"))
    copied = draft().model_copy(update={"commune_code": "8950"})
    with pytest.raises(ValidationError):
        EventDraft.model_validate(copied)
    fine = draft().model_copy()
    again = EventDraft.model_validate(fine)
    assert again == fine
    assert was_validated(again)
    assert not was_validated(fine)


def test_nfc_holds_on_the_trusted_path() -> None:
    nfd = unicodedata.normalize("NFD", "bưởi-Diễn")
    (sealed,) = seal_many([draft(payload={nfd: nfd}, stream_id=f"vườn-{nfd}")])
    composed = unicodedata.normalize("NFC", nfd)
    assert dict(sealed.envelope.payload) == {composed: composed}
    assert sealed.envelope.stream_id == f"vườn-{composed}"
    assert composed.encode() in sealed.wire
    assert nfd.encode() not in sealed.wire


@pytest.mark.parametrize(
    "sealing",
    [
        {"service": "Not A Service"},
        {"stream_version": 0},
        {"recorded_at": datetime(2026, 3, 1, 2, 30)},  # naive
        {"after": Frontier(0, "not-a-hash")},
    ],
)
def test_the_sealing_fields_are_validated(sealing: dict[str, Any]) -> None:
    arguments: dict[str, Any] = {
        "service": SERVICE,
        "stream_version": 1,
        "recorded_at": T0,
        "after": GENESIS,
    }
    with pytest.raises(ValidationError):
        seal_all([draft()], **(arguments | sealing))


def test_recorded_at_is_kept_in_utc() -> None:
    local = T0.astimezone(timezone(timedelta(hours=7)))
    (sealed,) = seal_all(
        [draft()], service=SERVICE, stream_version=1, recorded_at=local, after=GENESIS
    )
    assert sealed.envelope.recorded_at.utcoffset() == timedelta(0)
    assert b'"recorded_at":"2026-03-01T02:30:00.000123Z"' in sealed.wire


def test_only_objects_pydantic_validated_count_as_validated() -> None:
    actor = Actor(subject="can-bo-1", role="commune-officer")
    assert was_validated(actor)
    assert was_validated(Actor.model_validate({"subject": "x", "role": "y"}))
    assert was_validated(draft())
    for made in (
        Actor.model_construct(subject="x", role="y"),
        actor.model_copy(),
        actor.model_copy(update={"subject": ""}),
        copy.copy(actor),
        copy.deepcopy(actor),
        pickle.loads(pickle.dumps(actor)),  # noqa: S301 - our own bytes
    ):
        assert not was_validated(made)
