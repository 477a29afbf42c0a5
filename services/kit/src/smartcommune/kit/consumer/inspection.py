"""Deciding, before any effect, whether a message is an event this consumer can apply.

Whatever fails here fails the same way on every redelivery, so retrying would block the
partition forever: such a message is *rejected* and goes to the dead-letter topic with the
reason. Everything that fails later (the database, the handler) may heal and is retried.
"""

from __future__ import annotations

from dataclasses import dataclass

from pydantic import ValidationError

from ..events import EventEnvelope, PayloadRegistry, UnknownEventError, compute_hash, parse_json


@dataclass(frozen=True)
class Rejection:
    """Why a message is dead-lettered: a stable `reason` code and a readable `detail`."""

    reason: (
        str  # undecodable | invalid_envelope | altered | unknown_event | schema_invalid | rejected
    )
    detail: str
    event_id: str | None = None


class DeadLetter(Exception):  # noqa: N818 - a verb: `raise DeadLetter("…")` reads as the intent
    """Raised by a handler for a permanent problem only it can see; the message is dead-lettered
    with reason `rejected`, its effects rolled back. Anything else a handler raises is retried."""


def inspect(value: bytes | None, registry: PayloadRegistry | None) -> EventEnvelope | Rejection:
    """The envelope in `value`, its hash re-checked and its payload validated, or a rejection."""
    if value is None:
        return Rejection("undecodable", "the message has no value")
    try:
        data = parse_json(value)
    except ValueError as exc:  # not UTF-8, not JSON, or not canonical-JSON data (floats, …)
        return Rejection("undecodable", _short(exc))
    try:
        envelope = EventEnvelope.model_validate(data)
    except ValidationError as exc:
        return Rejection("invalid_envelope", _short(exc))
    if compute_hash(envelope) != envelope.hash:
        # Applying it would put content into a projection that no chain vouches for.
        return Rejection("altered", "hash does not match the event's content", envelope.event_id)
    if registry is not None:
        try:
            registry.decode(envelope)
        except UnknownEventError as exc:
            return Rejection("unknown_event", _short(exc), envelope.event_id)
        except (ValidationError, ValueError) as exc:
            return Rejection("schema_invalid", _short(exc), envelope.event_id)
    return envelope


def _short(exc: BaseException, limit: int = 500) -> str:
    text = " ".join(str(exc).split())
    return text if len(text) <= limit else text[: limit - 1] + "…"
