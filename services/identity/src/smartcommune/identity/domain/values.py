"""Value types shared by the aggregates, their events and the API.

Identifiers of residents and households are random (UUIDv4): never derived from a national ID
number, whose 10^12 values a hash could not hide. Personal data is a value of its own so that it
can only travel between the API and the encrypted vault — no event type has a field for it.
"""

from __future__ import annotations

import uuid
from datetime import date
from enum import StrEnum
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, StringConstraints

_UUID = r"[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}"
RESIDENT_ID = rf"^resident-{_UUID}$"
HOUSEHOLD_ID = rf"^household-{_UUID}$"

ResidentId = Annotated[str, StringConstraints(pattern=RESIDENT_ID)]
HouseholdId = Annotated[str, StringConstraints(pattern=HOUSEHOLD_ID)]
VillageCode = Annotated[str, StringConstraints(pattern=r"^[0-9]{7}$")]
BirthYear = Annotated[int, Field(ge=1890, le=2200)]


def new_resident_id() -> str:
    return f"resident-{uuid.uuid4()}"


def new_household_id() -> str:
    return f"household-{uuid.uuid4()}"


class VneidLevel(StrEnum):
    """VNeID electronic identification level (Decree 69/2024)."""

    NONE = "none"
    LEVEL_1 = "level_1"  # data matched with the national population database
    LEVEL_2 = "level_2"  # adds verified portrait and fingerprints, registered in person


class VneidSource(StrEnum):
    """How the commune learned the level: kept with the change so an auditor can weigh it."""

    POLICE_REGISTRATION = "police_registration"  # registered in person at the police
    VNEID_APP_CHECK = "vneid_app_check"  # an official saw the level in the resident's app
    POPULATION_DATABASE = "population_database"  # a list from the national population database
    TECHTEAM_VISIT = "techteam_visit"  # recorded by a community tech-team member on a visit


class ErasureBasis(StrEnum):
    """Why personal data was erased (Decree 13/2023 on personal data protection)."""

    DATA_SUBJECT_REQUEST = "data_subject_request"
    RETENTION_EXPIRED = "retention_expired"
    DECEASED = "deceased"


class PersonalData(BaseModel):
    """What identifies a person. Lives only in the vault, encrypted with the resident's key."""

    model_config = ConfigDict(frozen=True, extra="forbid", str_strip_whitespace=True)

    full_name: Annotated[str, StringConstraints(min_length=1, max_length=200)]
    #: The 12-digit citizen identity card number (căn cước công dân).
    national_id: Annotated[str, StringConstraints(pattern=r"^[0-9]{12}$")]
    date_of_birth: date
    phone: Annotated[str, StringConstraints(pattern=r"^(\+84|0)[0-9]{9,10}$")] | None = None
