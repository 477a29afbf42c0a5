"""Canonical JSON is the byte form that is hashed: one value, one encoding, or a clear refusal."""

import unicodedata
from decimal import Decimal
from enum import IntEnum, StrEnum
from types import MappingProxyType

import pytest

from smartcommune.kit.events.canonical import CanonicalJSONError, canonical_bytes, parse_json

pytestmark = pytest.mark.unit

COMPOSED = "Nguyễn Thị Hồng"  # precomposed (NFC)
DECOMPOSED = unicodedata.normalize("NFD", COMPOSED)


def test_keys_are_sorted_and_there_is_no_whitespace() -> None:
    assert canonical_bytes({"b": 1, "a": [True, None, "x"]}) == b'{"a":[true,null,"x"],"b":1}'


def test_non_ascii_is_written_as_utf8_not_escaped() -> None:
    assert canonical_bytes({"tên": "Sông Lô"}) == '{"tên":"Sông Lô"}'.encode()


def test_decomposed_and_precomposed_vietnamese_encode_identically() -> None:
    assert COMPOSED != DECOMPOSED
    assert canonical_bytes({DECOMPOSED: DECOMPOSED}) == canonical_bytes({COMPOSED: COMPOSED})


def test_keys_that_clash_after_normalisation_are_refused() -> None:
    with pytest.raises(CanonicalJSONError, match="clash"):
        canonical_bytes({COMPOSED: 1, DECOMPOSED: 2})


@pytest.mark.parametrize("value", [1.0, float("nan"), float("inf"), {"a": [0.5]}])
def test_floats_are_refused(value: object) -> None:
    with pytest.raises(CanonicalJSONError, match="float"):
        canonical_bytes(value)


@pytest.mark.parametrize("value", [Decimal("1.5"), b"bytes", {1: "int key"}, {1, 2}])
def test_values_without_an_exact_json_form_are_refused(value: object) -> None:
    with pytest.raises(CanonicalJSONError):
        canonical_bytes(value)


def test_frozen_structures_encode_like_their_mutable_originals() -> None:
    frozen = MappingProxyType({"a": (1, MappingProxyType({"b": "c"}))})
    assert canonical_bytes(frozen) == canonical_bytes({"a": [1, {"b": "c"}]})


def test_big_integers_are_exact() -> None:
    assert canonical_bytes({"n": 10**30}) == b'{"n":1000000000000000000000000000000}'


def test_parse_json_round_trips_canonical_bytes() -> None:
    data = {"ổ": [1, "x", None, False], "a": {"z": -3}}
    assert canonical_bytes(parse_json(canonical_bytes(data))) == canonical_bytes(data)


@pytest.mark.parametrize(
    "text",
    ['{"a":1.5}', '{"a":NaN}', '{"a":Infinity}', '{"a":1,"a":2}', '{"a":1e3}'],
)
def test_parse_json_refuses_ambiguous_documents(text: str) -> None:
    with pytest.raises(CanonicalJSONError):
        parse_json(text)


def test_parse_json_requires_utf8() -> None:
    with pytest.raises(UnicodeDecodeError):
        parse_json('{"a":"ễ"}'.encode("utf-16"))


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ({"a": {"b": [1, {"c": 0.5}]}}, r"^\$\.a\.b\[1\]\.c: floats are not allowed"),
        ({"a": (1, MappingProxyType({"b": b"x"}))}, r"^\$\.a\[1\]\.b: bytes has no canonical"),
        ({"x": {COMPOSED: 1, DECOMPOSED: 2}}, r"^\$\.x: keys .* clash once NFC-normalised"),
        ([{1: "int key"}], r"^\$\[0\]: object keys must be strings"),
    ],
)
def test_a_refusal_says_where_the_value_is(value: object, message: str) -> None:
    with pytest.raises(CanonicalJSONError, match=message):
        canonical_bytes(value)


def test_enum_members_encode_as_their_plain_values() -> None:
    class Level(IntEnum):
        HIGH = 3

    class Kind(StrEnum):
        TREE = "cây"

    assert canonical_bytes({"l": Level.HIGH, "k": Kind.TREE}) == '{"k":"cây","l":3}'.encode()
