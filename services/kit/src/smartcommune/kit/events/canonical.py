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
"""

from __future__ import annotations

import json
import unicodedata
from collections.abc import Mapping
from typing import Any


class CanonicalJSONError(ValueError):
    """A value has no canonical JSON form (float, unsupported type, clashing keys)."""


def normalize(value: Any, path: str = "$") -> Any:
    """Return `value` as plain JSON data with every string in NFC, or raise.

    Tuples become lists and mappings become dicts, so a frozen structure canonicalises like the
    mutable one it was made from.
    """
    if isinstance(value, str):
        return unicodedata.normalize("NFC", value)
    if value is None or isinstance(value, bool):
        return value
    if isinstance(value, int):
        return int(value)  # an IntEnum member becomes its plain number
    if isinstance(value, float):
        raise CanonicalJSONError(
            f"{path}: floats are not allowed in events; use an integer or a decimal string"
        )
    if isinstance(value, Mapping):
        out: dict[str, Any] = {}
        for key, item in value.items():
            if not isinstance(key, str):
                raise CanonicalJSONError(f"{path}: object keys must be strings, got {key!r}")
            nfc = unicodedata.normalize("NFC", key)
            if nfc in out:
                raise CanonicalJSONError(f"{path}: keys {key!r} clash once NFC-normalised")
            out[nfc] = normalize(item, f"{path}.{nfc}")
        return out
    if isinstance(value, list | tuple):
        return [normalize(item, f"{path}[{i}]") for i, item in enumerate(value)]
    raise CanonicalJSONError(f"{path}: {type(value).__name__} has no canonical JSON form")


def canonical_bytes(value: Any) -> bytes:
    """The canonical JSON encoding of `value` (see the module docstring for the rules)."""
    return json.dumps(
        normalize(value), sort_keys=True, separators=(",", ":"), ensure_ascii=False
    ).encode("utf-8")


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
