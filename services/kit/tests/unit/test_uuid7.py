"""Event ids are UUIDv7: right version and variant, time-ordered, strictly increasing here."""

import time
import uuid

import pytest

from smartcommune.kit.events.uuid7 import is_uuid7, new_event_id, uuid7, uuid7_unix_ms

pytestmark = pytest.mark.unit


def test_version_and_variant_bits_are_those_of_uuid7() -> None:
    value = uuid7()
    assert value.version == 7
    assert value.variant == uuid.RFC_4122


def test_the_timestamp_is_the_current_unix_millisecond() -> None:
    before = time.time_ns() // 1_000_000
    stamp = uuid7_unix_ms(new_event_id())
    assert before <= stamp <= time.time_ns() // 1_000_000 + 1


def test_ids_made_in_a_burst_are_strictly_increasing() -> None:
    ids = [new_event_id() for _ in range(20_000)]  # many per millisecond: the counter works
    assert ids == sorted(ids)
    assert len(set(ids)) == len(ids)


def test_only_canonical_lower_case_uuid7_text_is_accepted() -> None:
    good = new_event_id()
    assert is_uuid7(good)
    assert not is_uuid7(good.upper())
    assert not is_uuid7(str(uuid.uuid4()))
    assert not is_uuid7(good.replace("-", ""))
