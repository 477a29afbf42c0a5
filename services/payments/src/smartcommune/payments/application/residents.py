"""Consuming `identity.events.v1`: the residents and households of each village, for the
adoption denominators (working-age residents, households).

Only pseudonymous ids, villages, households and birth years arrive — exactly what the
indicators need. Read tolerantly (the identity service may add fields); an event that breaks
its schema is dead-lettered. An erased resident (`resident.erased`) stops counting.
"""

from __future__ import annotations

from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, ValidationError
from sqlalchemy import select, update
from sqlalchemy.orm import Session

from smartcommune.kit.consumer import DeadLetter
from smartcommune.kit.events import EventEnvelope
from smartcommune.kit.events.fields import thaw
from smartcommune.kit.store import UnitOfWork

from ..adapters.tables import households, residents
from ..domain.values import HOUSEHOLD_ID, RESIDENT_ID

ResidentId = Annotated[str, Field(pattern=RESIDENT_ID)]
HouseholdId = Annotated[str, Field(pattern=HOUSEHOLD_ID)]
VillageCode = Annotated[str, Field(pattern=r"^[0-9]{7}$")]


class _Tolerant(BaseModel):
    model_config = ConfigDict(extra="ignore", frozen=True)


class ResidentRegistered(_Tolerant):
    village_code: VillageCode
    household_id: HouseholdId | None
    birth_year: Annotated[int, Field(ge=1890, le=2200)]


class HouseholdRegistered(_Tolerant):
    village_code: VillageCode
    member_ids: list[ResidentId] = Field(max_length=100)


class HouseholdMemberAdded(_Tolerant):
    resident_id: ResidentId


_MODELS: dict[str, type[_Tolerant]] = {
    "resident.registered": ResidentRegistered,
    "household.registered": HouseholdRegistered,
    "household.member_added": HouseholdMemberAdded,
}


def _household(session: Session, household_id: str, village: str, commune: str) -> None:
    if session.scalar(select(households.c.household_id).where(
            households.c.household_id == household_id)) is None:  # fmt: skip
        session.execute(
            households.insert().values(
                household_id=household_id, village_code=village, commune_code=commune
            )
        )


def apply_identity_event(uow: UnitOfWork, envelope: EventEnvelope) -> None:
    """The handler of the `payments.residents` consumer."""
    session, kind = uow.session, envelope.event_type
    if kind == "resident.erased":
        session.execute(
            update(residents).where(residents.c.resident_id == envelope.stream_id)
            .values(erased=True)
        )  # fmt: skip
        return
    model = _MODELS.get(kind)
    if model is None:
        return  # certificates, VNeID levels…: not needed for payments adoption
    try:
        payload = model.model_validate(thaw(envelope.payload))
    except ValidationError as exc:
        raise DeadLetter(f"{kind}: {exc.error_count()} invalid fields") from None
    commune = envelope.commune_code
    if isinstance(payload, ResidentRegistered):
        if payload.household_id is not None:
            _household(session, payload.household_id, payload.village_code, commune)
        known = select(residents.c.resident_id).where(residents.c.resident_id == envelope.stream_id)
        if session.scalar(known) is None:
            session.execute(
                residents.insert().values(
                    resident_id=envelope.stream_id, village_code=payload.village_code,
                    commune_code=commune, household_id=payload.household_id,
                    birth_year=payload.birth_year, erased=False,
                )
            )  # fmt: skip
    elif isinstance(payload, HouseholdRegistered):
        _household(session, envelope.stream_id, payload.village_code, commune)
        if payload.member_ids:
            session.execute(
                update(residents).where(residents.c.resident_id.in_(payload.member_ids))
                .values(household_id=envelope.stream_id)
            )  # fmt: skip
    elif isinstance(payload, HouseholdMemberAdded):
        session.execute(
            update(residents).where(residents.c.resident_id == payload.resident_id)
            .values(household_id=envelope.stream_id)
        )  # fmt: skip
