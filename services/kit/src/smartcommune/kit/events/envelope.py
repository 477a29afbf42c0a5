"""The event envelope: the immutable, self-describing record of one fact.

An event is first a *draft* — what the aggregate decided: type, stream, commune, actor, payload.
The event store turns a draft into an envelope inside the write transaction, because only it
knows the stream version, the system time and the chain position (see `chain.seal`). Keeping the
two as separate types means an event without its chain fields cannot be published or stored by
mistake.

`to_wire()` gives the canonical JSON bytes (`canonical.py`); they are stored, published and
hashed as they are and never re-encoded. `from_wire()` validates the shape only: whether the
hash and the chain hold is `chain.verify_chain`'s question, asked by whoever needs the answer.

Drafts and actors remember that pydantic validated them (`was_validated`), so sealing can take a
draft's fields as they are instead of validating every event a second time on the write path.
"""

from __future__ import annotations

import weakref
from typing import Any, Self

from pydantic import BaseModel, ConfigDict, Field, PositiveInt, model_validator

from .canonical import canonical_bytes, parse_json
from .fields import (
    CommuneCode,
    EventId,
    EventType,
    Payload,
    ServiceName,
    Sha256Hex,
    StreamId,
    TraceParent,
    UnitPath,
    UtcDatetime,
    nfc,
)
from .uuid7 import new_event_id

#: Every draft and actor pydantic validated, by identity; entries go when their object does.
_validated: weakref.WeakValueDictionary[int, BaseModel] = weakref.WeakValueDictionary()


def was_validated(model: BaseModel) -> bool:
    """Whether pydantic validated this very object (so its fields hold every rule of its type).

    Only objects built through validation qualify: the constructor and `model_validate`.
    `model_construct()`, `model_copy()`, `copy.copy` and unpickling make new objects that were
    never validated, so they do not. The models are frozen and their payloads deep-frozen, so
    what was valid when validated stays valid.
    """
    return _validated.get(id(model)) is model


#: For the models that remember validation. Pydantic runs a model's "after" validators even on an
#: instance it was handed and did not re-validate (`revalidate_instances="never"`, the default),
#: so an unvalidated object passed in — `EventDraft(actor=Actor.model_construct(...))` — would
#: be remembered as validated. With "always", such an instance is validated into a new object.
_REMEMBERING = ConfigDict(revalidate_instances="always")


def _remember(model: BaseModel) -> None:
    _validated[id(model)] = model


class _Frozen(BaseModel):
    """Immutable, strict about unknown fields, and NFC for every top-level string."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    @model_validator(mode="before")
    @classmethod
    def _nfc_strings(cls, data: Any) -> Any:
        if isinstance(data, dict):
            return {key: nfc(value) for key, value in data.items()}
        return data


class Actor(_Frozen):
    """Who caused the event: a Keycloak subject and role, or `service:<name>` for automation."""

    model_config = _REMEMBERING

    subject: str = Field(min_length=1, max_length=200)
    role: str = Field(min_length=1, max_length=100)

    @classmethod
    def for_service(cls, name: str) -> Actor:
        return cls(subject=f"service:{name}", role="service")

    @model_validator(mode="after")
    def _service_subject_has_a_name(self) -> Self:
        if self.subject.startswith("service:") and len(self.subject) == len("service:"):
            raise ValueError("a service actor is 'service:<name>'")
        return self

    @model_validator(mode="after")
    def _remember_validated(self) -> Self:  # last: only reached when every rule held
        _remember(self)
        return self


class _EventFields(_Frozen):
    """What every event states about itself, draft or recorded."""

    event_id: EventId = Field(default_factory=new_event_id)
    event_type: EventType
    event_version: PositiveInt
    stream_id: StreamId
    commune_code: CommuneCode
    unit_path: UnitPath
    occurred_at: UtcDatetime
    actor: Actor
    trace: TraceParent | None = None
    payload: Payload


class EventDraft(_EventFields):
    """An event decided but not yet recorded: no service, stream version, time or chain fields.

    Build it through `PayloadRegistry.draft()` so the payload is checked against its schema and
    `event_type`/`event_version` come from the payload model rather than from the caller.
    """

    model_config = _REMEMBERING

    @model_validator(mode="after")
    def _remember_validated(self) -> Self:
        _remember(self)
        return self


class _SealFields(_Frozen):
    """What sealing adds to a draft, except the hash.

    Declared once for its two users: the envelope, and `chain.seal_all`, which validates these
    fields on their own when a draft needs no validation.
    """

    service: ServiceName
    stream_version: PositiveInt
    recorded_at: UtcDatetime
    chain_seq: PositiveInt
    prev_hash: Sha256Hex


class EventEnvelope(_SealFields, _EventFields):
    """A recorded event. Only the store (through `chain.seal`) should construct new ones.

    Its fields are a draft's (`_EventFields`), the sealing fields (`_SealFields`) and `hash`.
    """

    event_id: EventId
    hash: Sha256Hex

    def hashed_fields(self) -> dict[str, Any]:
        """The JSON data the hash is computed over: everything except `hash` itself."""
        return self.model_dump(mode="json", exclude={"hash"})

    def to_wire(self) -> bytes:
        """Canonical JSON bytes: what is stored, published and signed."""
        return canonical_bytes(self.model_dump(mode="json"))

    @classmethod
    def from_wire(cls, data: bytes | str) -> EventEnvelope:
        """Parse and validate wire bytes. Does NOT check the hash: see `chain.verify_chain`."""
        return cls.model_validate(parse_json(data))
