"""Payload schemas by (event_type, event_version), and the upcasters between versions.

Each service owns one `PayloadRegistry` and registers its payload models and upcasters on it
explicitly — there is no global registry, so what a service can read and write is visible in its
own code. Writers always write the latest version of a type. Readers validate a stored payload
against the model of the version it was *written* with and then upcast it step by step
(`upcast_v1_v2`, `upcast_v2_v3`, …) to the latest model. Upcasting happens in memory only: the
stored bytes, and therefore the hash, stay as written.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import datetime
from typing import Any, ClassVar, TypeVar

from pydantic import BaseModel, ConfigDict, TypeAdapter

from .canonical import normalize
from .envelope import Actor, EventDraft, EventEnvelope
from .fields import EventType, ServiceName, thaw

Upcaster = Callable[[dict[str, Any]], dict[str, Any]]
_UPCASTER_NAME = re.compile(r"^upcast_v(\d+)_v(\d+)$")
_EVENT_TYPE: TypeAdapter[str] = TypeAdapter(EventType)
_SERVICE: TypeAdapter[str] = TypeAdapter(ServiceName)


class EventPayload(BaseModel):
    """Base of payload models: frozen, closed, and stating which event type and version it is.

    Use int (smallest unit) or `Decimal` (serialised as a string) for quantities: floats are
    refused by the canonical JSON that events are hashed in.
    """

    model_config = ConfigDict(frozen=True, extra="forbid")
    event_type: ClassVar[str]
    event_version: ClassVar[int]


P = TypeVar("P", bound=type[EventPayload])


class UnknownEventError(LookupError):
    """No model is registered for an (event_type, event_version)."""


class PayloadRegistry:
    def __init__(self, service: str) -> None:
        self.service = _SERVICE.validate_python(service)
        self._models: dict[str, dict[int, type[EventPayload]]] = {}
        self._upcasters: dict[str, dict[int, Upcaster]] = {}

    # ---------------------------------------------------------------- declaring
    def register(self, model: P) -> P:
        """Register a payload model (usable as a class decorator)."""
        event_type, version = _EVENT_TYPE.validate_python(model.event_type), model.event_version
        if not isinstance(version, int) or version < 1:
            raise ValueError(f"{model.__name__}.event_version must be an int >= 1")
        versions = self._models.setdefault(event_type, {})
        if version in versions:
            raise ValueError(f"{event_type} v{version} is already registered")
        versions[version] = model
        return model

    def upcaster(self, event_type: str) -> Callable[[Upcaster], Upcaster]:
        """Register a function named `upcast_vN_vM` (M = N+1) for `event_type`."""

        def add(function: Upcaster) -> Upcaster:
            match = _UPCASTER_NAME.fullmatch(function.__name__)
            if not match or int(match[2]) != int(match[1]) + 1:
                raise ValueError(f"upcaster {function.__name__!r} must be named upcast_vN_vN+1")
            steps = self._upcasters.setdefault(event_type, {})
            if int(match[1]) in steps:
                raise ValueError(f"{event_type}: {function.__name__} is already registered")
            steps[int(match[1])] = function
            return function

        return add

    def check(self) -> None:
        """Raise unless every type has versions 1..latest and an upcaster between each pair."""
        for event_type in self._upcasters.keys() - self._models.keys():
            raise ValueError(f"upcasters registered for unknown event type {event_type}")
        for event_type, versions in self._models.items():
            latest = max(versions)
            if sorted(versions) != list(range(1, latest + 1)):
                raise ValueError(f"{event_type}: versions {sorted(versions)} are not 1..{latest}")
            steps = self._upcasters.get(event_type, {})
            if sorted(steps) != list(range(1, latest)):
                wanted = ", ".join(f"upcast_v{n}_v{n + 1}" for n in range(1, latest))
                raise ValueError(f"{event_type}: upcasters must be exactly [{wanted}]")

    # ---------------------------------------------------------------- looking up
    @property
    def event_types(self) -> list[str]:
        return sorted(self._models)

    def latest_version(self, event_type: str) -> int:
        return max(self._versions(event_type))

    def model(self, event_type: str, version: int) -> type[EventPayload]:
        try:
            return self._versions(event_type)[version]
        except KeyError:
            message = f"{self.service}: no model for {event_type} v{version}"
            raise UnknownEventError(message) from None

    def _versions(self, event_type: str) -> dict[int, type[EventPayload]]:
        if event_type not in self._models:
            raise UnknownEventError(f"{self.service}: unknown event type {event_type}")
        return self._models[event_type]

    # ---------------------------------------------------------------- writing
    def draft(
        self,
        payload: EventPayload,
        *,
        stream_id: str,
        commune_code: str,
        unit_path: str,
        occurred_at: datetime,
        actor: Actor,
        trace: str | None = None,
    ) -> EventDraft:
        """A draft whose type, version and payload come from a registered payload model.

        Refuses a model that is not the one registered for its type, or not its latest version.
        The payload itself is checked against the model once, by `EventStore.append`
        (`validate_draft`): there no draft can go around the check, so doing it here too would
        only do the same work twice.
        """
        kind = type(payload)
        if self.model(kind.event_type, kind.event_version) is not kind:
            raise UnknownEventError(f"{kind.__name__} is not the model registered for its type")
        self._check_latest(kind.event_type, kind.event_version)
        return EventDraft(
            event_type=kind.event_type,
            event_version=kind.event_version,
            stream_id=stream_id,
            commune_code=commune_code,
            unit_path=unit_path,
            occurred_at=occurred_at,
            actor=actor,
            trace=trace,
            payload=payload.model_dump(mode="json"),
        )

    def validate_draft(self, draft: EventDraft) -> None:
        """Raise unless the draft is at the latest version and its payload is the model's form.

        Requiring the model's exact JSON form (defaults filled in) keeps stored payloads
        explicit: a reader never depends on what a default *was* when the event was written.
        """
        self._check_latest(draft.event_type, draft.event_version)
        model = self.model(draft.event_type, draft.event_version)
        written = thaw(draft.payload)
        if normalize(model.model_validate(written).model_dump(mode="json")) != written:
            raise ValueError(f"{draft.event_type}: payload is not in its model's JSON form")

    def _check_latest(self, event_type: str, version: int) -> None:
        latest = self.latest_version(event_type)
        if version != latest:
            raise ValueError(f"{event_type}: write v{latest}, not v{version}")

    # ---------------------------------------------------------------- reading
    def decode(self, envelope: EventEnvelope) -> EventPayload:
        """The payload as the latest model: validated as written, then upcast step by step."""
        event_type, version = envelope.event_type, envelope.event_version
        data = self.model(event_type, version).model_validate(thaw(envelope.payload))
        latest = self.latest_version(event_type)
        while version < latest:
            upcast = self._upcasters.get(event_type, {}).get(version)
            if upcast is None:
                raise UnknownEventError(f"{event_type}: no upcast_v{version}_v{version + 1}")
            version += 1
            # Each intermediate result is validated, so a faulty upcaster is caught at its step.
            data = self.model(event_type, version).model_validate(
                upcast(data.model_dump(mode="json"))
            )
        return data
