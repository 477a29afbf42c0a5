"""Commands: what officials may ask of the service, validated before any handler runs."""

from __future__ import annotations

from datetime import date

from pydantic import BaseModel, ConfigDict, Field

from ..domain.values import (
    ErasureBasis,
    HouseholdId,
    PersonalData,
    ResidentId,
    VillageCode,
    VneidLevel,
    VneidSource,
)


class Command(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class RegisterResident(Command):
    village_code: VillageCode
    household_id: HouseholdId | None = None
    personal_data: PersonalData


class RegisterHousehold(Command):
    village_code: VillageCode
    member_ids: list[ResidentId] = Field(default_factory=list, max_length=100)


class AddHouseholdMember(Command):
    resident_id: ResidentId


class RecordVneidLevel(Command):
    level: VneidLevel
    changed_on: date
    source: VneidSource
    #: Needed for a child aged 6 to 13 (Decree 69/2024): granted only on such a request.
    on_request_of_guardian: bool = False


class EraseResident(Command):
    basis: ErasureBasis = ErasureBasis.DATA_SUBJECT_REQUEST
