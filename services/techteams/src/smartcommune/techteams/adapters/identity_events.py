"""The households to visit: a tracking consumer of `identity.events.v1` keeps, per village, the
households and residents identity has registered (ids only — identity keeps the people).

The payload models are this service's reading of identity's published contract (its AsyncAPI
document), not identity's code: services never share code, and a field identity adds later is
ignored here (`extra="ignore"`) instead of breaking the consumer. A payload that does not fit
the contract is dead-lettered with the reason; event types not needed here are tracked and
skipped.

Membership moves: a resident added to a household leaves the one they were in, so each
household's `members` is the number of residents currently in it.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError
from sqlalchemy import Engine, insert, select, update
from sqlalchemy.orm import Session

from smartcommune.kit.consumer import DeadLetter, TrackingConsumer
from smartcommune.kit.events import EventEnvelope
from smartcommune.kit.events.fields import thaw
from smartcommune.kit.store import UnitOfWork
from smartcommune.kit.telemetry import Telemetry

from ..domain.values import HouseholdId, ResidentId, VillageCode
from .tables import households, residents


class _Payload(BaseModel):
    model_config = ConfigDict(extra="ignore", frozen=True)


class ResidentRegistered(_Payload):
    village_code: VillageCode
    household_id: HouseholdId | None = None


class HouseholdRegistered(_Payload):
    village_code: VillageCode
    member_ids: list[ResidentId] = Field(default_factory=list, max_length=100)


class HouseholdMemberAdded(_Payload):
    resident_id: ResidentId


def _parse(model: type[_Payload], envelope: EventEnvelope) -> Any:
    if envelope.event_version != 1:
        raise DeadLetter(f"{envelope.event_type} v{envelope.event_version} is not understood")
    try:
        return model.model_validate(thaw(envelope.payload))
    except ValidationError as exc:
        raise DeadLetter(f"{envelope.event_type}: {exc.errors()[0]['msg']}") from None


def _move(session: Session, resident_id: str, household_id: str, village_code: str) -> None:
    """`resident_id` is now in `household_id`: counts follow the move."""
    previous = session.execute(
        select(residents.c.household_id).where(residents.c.resident_id == resident_id)
    ).first()
    if previous is None:
        session.execute(
            insert(residents).values(
                resident_id=resident_id, village_code=village_code, household_id=household_id
            )
        )
    elif previous.household_id == household_id:
        return
    else:
        if previous.household_id is not None:
            _count(session, previous.household_id, -1)
        session.execute(
            update(residents)
            .where(residents.c.resident_id == resident_id)
            .values(household_id=household_id)
        )
    _count(session, household_id, +1)


def _count(session: Session, household_id: str, delta: int) -> None:
    session.execute(
        update(households)
        .where(households.c.household_id == household_id)
        .values(members=households.c.members + delta)
    )


def apply_identity_event(uow: UnitOfWork, envelope: EventEnvelope) -> None:
    """The tracking consumer's handler (it must not commit: the consumer does, once)."""
    session = uow.session
    match envelope.event_type:
        case "household.registered":
            facts: Any = _parse(HouseholdRegistered, envelope)
            known = session.execute(
                select(households.c.household_id).where(
                    households.c.household_id == envelope.stream_id
                )
            ).first()
            if known is None:
                session.execute(
                    insert(households).values(
                        household_id=envelope.stream_id, village_code=facts.village_code,
                        commune_code=envelope.commune_code, members=0,
                    )
                )  # fmt: skip
            for resident_id in facts.member_ids:
                _move(session, resident_id, envelope.stream_id, facts.village_code)
        case "household.member_added":
            facts = _parse(HouseholdMemberAdded, envelope)
            village = session.execute(
                select(households.c.village_code).where(
                    households.c.household_id == envelope.stream_id
                )
            ).scalar()
            if village is None:
                raise DeadLetter(f"household {envelope.stream_id} was never registered")
            _move(session, facts.resident_id, envelope.stream_id, village)
        case "resident.registered":
            facts = _parse(ResidentRegistered, envelope)
            known = session.execute(
                select(residents.c.resident_id).where(residents.c.resident_id == envelope.stream_id)
            ).first()
            if known is None:  # membership itself comes with household.member_added
                session.execute(
                    insert(residents).values(
                        resident_id=envelope.stream_id, village_code=facts.village_code,
                        household_id=None,
                    )
                )  # fmt: skip
        case _:
            return  # VNeID levels, erasures, certificates: not needed to plan visits


def identity_consumer(
    name: str, topic: str, engine: Engine, telemetry: Telemetry | None = None
) -> TrackingConsumer:
    handler: Callable[[UnitOfWork, EventEnvelope], None] = apply_identity_event
    return TrackingConsumer(
        name, topic, engine, handler,
        tracer=telemetry.tracer if telemetry else None,
        metrics=telemetry.metrics if telemetry else None,
    )  # fmt: skip
