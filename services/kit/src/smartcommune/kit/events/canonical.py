"""Canonical JSON: the one byte form of an event that is hashed, signed, stored and published.

Two parties that hash "the same" event must produce the same bytes, years apart and in other
languages, so the form leaves nothing to a serialiser's taste:

* object keys sorted by Unicode code point, separators `,` and `:`, no whitespace;
* UTF-8 output, non-ASCII characters written as themselves (`ensure_ascii=False`);
* every string — keys included — in Unicode NFC, because Vietnamese text arrives both
  precomposed ("ệ") and decomposed ("e" + two combining marks) and must hash the same;
* only JSON's exact types: objects, arrays, strings, integers, booleans and null.

**Floats are rejected.** Their decimal text depends on the serialiser (`1.0` vs `1`, `1e-07` vs
`1.0E-7`) and NaN/Infinity are not JSON at all, so a float would make the hash ambiguous.
Quantities are integers in their smallest unit (VND, percent × 100, metres); an exact decimal
travels as a string (e.g. `"12.50"`, which is what pydantic produces for `Decimal` in JSON mode).

**Speed.** Every append runs this on every event, so `normalize` is one walk that takes the
exact built-in types (`str`, `dict`, `list`, …) first and leaves `isinstance` checks against the
abstract types to the rare subclass; the location of a refused value (`$.payload.items[2]`) is
only spelled out when something is refused. Encoding goes through one prebuilt encoder, whose
C implementation sorts the keys.
"""

from __future__ import annotations

import json
import unicodedata
from collections.abc import Mapping
from functools import partial
from types import MappingProxyType
from typing import Any

_nfc = partial(unicodedata.normalize, "NFC")
#: `sort_keys` sorts by code point: Python compares `str` that way. `check_circular` is off
#: because `normalize` builds new containers (a cycle in its input never gets this far);
#: `allow_nan` is off as a last line behind the float check.
_ENCODER = json.JSONEncoder(
    ensure_ascii=False,
    check_circular=False,
    allow_nan=False,
    sort_keys=True,
    separators=(",", ":"),
)
_OBJECTS = (dict, MappingProxyType)
_ARRAYS = (list, tuple)


class CanonicalJSONError(ValueError):
    """A value has no canonical JSON form (float, unsupported type, clashing keys)."""


class _RefusedError(Exception):
    """Raised deep in the walk; each enclosing container prepends its step to `where`."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason
        self.where = ""


def normalize(value: Any, path: str = "$") -> Any:
    """Return `value` as plain JSON data with every string in NFC, or raise.

    Tuples become lists and mappings become dicts, so a frozen structure canonicalises like the
    mutable one it was made from. Every container in the result is new, never one of `value`'s.
    """
    try:
        return _normalize(value)
    except _RefusedError as refused:
        raise CanonicalJSONError(f"{path}{refused.where}: {refused.reason}") from None


def canonical_bytes(value: Any) -> bytes:
    """The canonical JSON encoding of `value` (see the module docstring for the rules)."""
    return encode_normalized(normalize(value)).encode("utf-8")


def encode_normalized(data: Any) -> str:
    """The canonical JSON text of `data` that `normalize` returned (or built like it).

    For callers that normalise once and encode more than once; anything else must go through
    `canonical_bytes`.
    """
    return _ENCODER.encode(data)


def _normalize(value: Any) -> Any:
    kind = type(value)
    if kind is str:
        return _nfc(value)
    if kind in _OBJECTS:
        return _normalize_object(value)
    if kind in _ARRAYS:
        return _normalize_array(value)
    if value is None or kind is bool or kind is int:
        return value
    return _normalize_other(value)


def _normalize_object(value: Mapping[Any, Any]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key, item in value.items():
        if not isinstance(key, str):
            raise _RefusedError(f"object keys must be strings, got {key!r}")
        nfc = _nfc(key)
        if nfc in out:
            raise _RefusedError(f"keys {key!r} clash once NFC-normalised")
        try:
            out[nfc] = _nfc(item) if type(item) is str else _normalize(item)
        except _RefusedError as refused:
            refused.where = f".{nfc}{refused.where}"
            raise
    return out


def _normalize_array(value: list[Any] | tuple[Any, ...]) -> list[Any]:
    out: list[Any] = []
    for index, item in enumerate(value):
        try:
            out.append(_nfc(item) if type(item) is str else _normalize(item))
        except _RefusedError as refused:
            refused.where = f"[{index}]{refused.where}"
            raise
    return out


def _normalize_other(value: Any) -> Any:
    """Subclasses of the JSON types (e.g. enum members) and everything that is refused."""
    if isinstance(value, str):
        return _nfc(value)
    if isinstance(value, int):
        return int(value)  # an IntEnum member becomes its plain number
    if isinstance(value, float):
        raise _RefusedError("floats are not allowed in events; use an integer or a decimal string")
    if isinstance(value, Mapping):
        return _normalize_object(value)
    if isinstance(value, list | tuple):
        return _normalize_array(value)
    raise _RefusedError(f"{type(value).__name__} has no canonical JSON form")


def _no_duplicate_keys(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key, item in pairs:
        if key in out:
            # Parsers disagree on which duplicate wins, so such a document is ambiguous evidence.
            raise CanonicalJSONError(f"duplicate key {key!r} in JSON object")
        out[key] = item
    return out


def _reject_constant(name: str) -> Any:
    raise CanonicalJSONError(f"{name} is not JSON")


def _reject_float(text: str) -> Any:
    raise CanonicalJSONError(f"float {text} is not allowed in events")


def parse_json(data: bytes | str) -> Any:
    """Parse JSON strictly: UTF-8 only, no floats, no NaN/Infinity, no duplicate keys."""
    text = data.decode("utf-8") if isinstance(data, bytes) else data
    return json.loads(
        text,
        object_pairs_hook=_no_duplicate_keys,
        parse_constant=_reject_constant,
        parse_float=_reject_float,
    )
