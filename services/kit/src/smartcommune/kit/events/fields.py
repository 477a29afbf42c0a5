"""Field types of the envelope: each one validates a rule and fixes its one serialised form.

The serialised form matters as much as validation: the hash is computed over the JSON text, so a
field that could serialise two ways (a timestamp with or without microseconds, `+00:00` or `Z`)
would give one event two hashes.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping
from datetime import UTC, datetime
from types import MappingProxyType
from typing import Annotated, Any

from pydantic import AfterValidator, BeforeValidator, Field, PlainSerializer

from .canonical import normalize
from .uuid7 import is_uuid7

_RFC3339 = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,6})?(Z|[+-]\d{2}:\d{2})$")
_TRACEPARENT = re.compile(r"^([0-9a-f]{2})-([0-9a-f]{32})-([0-9a-f]{16})-[0-9a-f]{2}$")


def nfc(value: Any) -> Any:
    """NFC-normalise a string (anything else passes through for the type check to judge)."""
    return unicodedata.normalize("NFC", value) if isinstance(value, str) else value


def _parse_time(value: Any) -> Any:
    # Only datetimes and RFC 3339 text: pydantic's lax mode would also take "2026-01-01" or a
    # Unix number, and an event must not record a time that nobody actually wrote down.
    if isinstance(value, str) and not _RFC3339.fullmatch(value):
        raise ValueError("must be an RFC 3339 timestamp with a time zone")
    if isinstance(value, str):
        return datetime.fromisoformat(value)
    if not isinstance(value, datetime):
        raise ValueError("must be a datetime or an RFC 3339 string")
    return value


def _to_utc(value: datetime) -> datetime:
    if value.tzinfo is None or value.utcoffset() is None:
        raise ValueError("must be timezone-aware (UTC)")
    return value.astimezone(UTC)


def format_utc(value: datetime) -> str:
    """`YYYY-MM-DDTHH:MM:SS.ffffffZ`: always microseconds, always `Z`."""
    return value.astimezone(UTC).replace(tzinfo=None).isoformat(timespec="microseconds") + "Z"


def _check_uuid7(value: str) -> str:
    if not is_uuid7(value):
        raise ValueError("must be a UUIDv7 in lower-case canonical form")
    return value


def _check_traceparent(value: str) -> str:
    match = _TRACEPARENT.fullmatch(value)
    if not match or match[1] == "ff" or set(match[2]) == {"0"} or set(match[3]) == {"0"}:
        raise ValueError("must be a W3C traceparent (00-<trace-id>-<parent-id>-<flags>)")
    return value


def freeze(value: Any) -> Any:
    """Deep read-only copy: dicts become mapping proxies, lists become tuples."""
    kind = type(value)
    if kind is str or kind is int or kind is bool or value is None:
        return value  # the leaves of normalised data, the commonest case by far
    if kind is dict or isinstance(value, Mapping):
        return MappingProxyType({key: freeze(item) for key, item in value.items()})
    if kind is list or isinstance(value, list | tuple):
        return tuple(freeze(item) for item in value)
    return value


def thaw(value: Any) -> Any:
    """Plain JSON data (dicts and lists) from a frozen payload."""
    kind = type(value)
    if kind is str or kind is int or kind is bool or value is None:
        return value
    if kind is MappingProxyType or isinstance(value, Mapping):
        return {key: thaw(item) for key, item in value.items()}
    if kind is tuple or isinstance(value, tuple | list):
        return [thaw(item) for item in value]
    return value


def _payload(value: Any) -> Any:
    if not isinstance(value, Mapping):
        raise ValueError("payload must be a JSON object")
    return normalize(value, "payload")


UtcDatetime = Annotated[
    datetime,
    BeforeValidator(_parse_time),
    AfterValidator(_to_utc),
    PlainSerializer(format_utc, return_type=str, when_used="json"),
]
EventId = Annotated[str, AfterValidator(_check_uuid7)]
#: dotted lower-case names such as `dossier.resolved` — never a Python import path
_EVENT_TYPE = r"^[a-z][a-z0-9_-]*(\.[a-z][a-z0-9_-]*)+$"
EventType = Annotated[str, Field(pattern=_EVENT_TYPE, max_length=120)]
ServiceName = Annotated[str, Field(pattern=r"^[a-z][a-z0-9-]*$", max_length=64)]
StreamId = Annotated[str, Field(min_length=1, max_length=200, pattern=r"^\S+$")]
CommuneCode = Annotated[str, Field(pattern=r"^[0-9]{5}$")]
UnitPath = Annotated[str, Field(pattern=r"^VN-[0-9A-Z]{2}(/[^/\s]+)+$", max_length=500)]
Sha256Hex = Annotated[str, Field(pattern=r"^[0-9a-f]{64}$")]
TraceParent = Annotated[str, AfterValidator(_check_traceparent)]
#: Validated as canonical JSON (no floats, NFC strings) and then frozen, so it cannot drift from
#: the hash computed over it.
Payload = Annotated[
    Mapping[str, Any],
    BeforeValidator(_payload),
    AfterValidator(freeze),
    PlainSerializer(thaw, return_type=dict[str, Any]),
]
