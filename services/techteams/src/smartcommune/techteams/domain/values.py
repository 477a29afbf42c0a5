"""Value types of the tech-team domain and the validation rules they carry.

Residents and households are the identity service's pseudonymous ids (`resident-<uuid>`,
`household-<uuid>`): the patterns are repeated here rather than imported, because they are a
published contract and a service never depends on another service's code.
"""

from __future__ import annotations

import re
import unicodedata
from datetime import date, datetime, timedelta, timezone
from enum import StrEnum
from typing import Annotated

from pydantic import AfterValidator, Field

#: Vietnam keeps UTC+7 without daylight saving: dates are counted in this zone.
VIETNAM = timezone(timedelta(hours=7), "ICT")
MIN_MEMBERS, MAX_MEMBERS = 4, 10

_UUID = r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}"
#: identity gives UUIDv4s; any UUID is accepted, since nothing here depends on the version and
#: deterministic generators (benchmarks, imports) derive UUIDv5s of the same shape.
RESIDENT_ID = rf"^resident-{_UUID}$"
HOUSEHOLD_ID = rf"^household-{_UUID}$"
#: Ids this service gives are UUIDv7: time-ordered, so pages sorted by id are newest-first.
TEAM_ID = rf"^team-{_UUID}$"
MEMBER_ID = rf"^member-{_UUID}$"
TASK_ID = rf"^task-{_UUID}$"
TRAINING_ID = rf"^training-{_UUID}$"
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]")


class MemberRole(StrEnum):
    """Who sits on a team (tổ công nghệ số cộng đồng): the village head usually leads it."""

    LEADER = "leader"
    VILLAGE_HEAD = "village_head"
    YOUTH_UNION = "youth_union"
    WOMENS_UNION = "womens_union"
    TEACHER = "teacher"
    COMMUNE_OFFICIAL = "commune_official"
    POLICE = "police"
    OTHER = "other"


class TaskType(StrEnum):
    VNEID_INSTALL = "vneid_install"
    E_PAYMENT = "e_payment"
    PUBLIC_SERVICE_PORTAL = "public_service_portal"
    DIGITAL_ADDRESS = "digital_address"
    E_HEALTH_RECORD = "e_health_record"
    HOUSEHOLD_VISIT = "household_visit"
    TRAINING = "training"
    SURVEY = "survey"


class TargetKind(StrEnum):
    HOUSEHOLD = "household"
    RESIDENT = "resident"


class TaskStatus(StrEnum):
    OPEN = "open"
    ASSIGNED = "assigned"
    DONE = "done"
    CANCELLED = "cancelled"


class TaskOutcome(StrEnum):
    """What a visit achieved: done, done in part, refused by the resident, nobody at home."""

    SUCCEEDED = "succeeded"
    PARTIAL = "partial"
    DECLINED = "declined"
    NOT_AT_HOME = "not_at_home"


class Facility(StrEnum):
    FREE_WIFI_CULTURAL_HOUSE = "free_wifi_cultural_house"
    SECURITY_CAMERAS = "security_cameras"
    SMART_LOUDSPEAKERS = "smart_loudspeakers"
    SOCIAL_NETWORK_CHANNEL = "social_network_channel"
    DIGITAL_PRODUCTION_MODEL = "digital_production_model"
    E_HEALTH_RECORDS = "e_health_records"


#: Facilities counted in units (cameras, loudspeakers, models); the others are there or not.
COUNTED = frozenset(
    {Facility.SECURITY_CAMERAS, Facility.SMART_LOUDSPEAKERS, Facility.DIGITAL_PRODUCTION_MODEL}
)


def clean_text(value: str) -> str:
    """NFC, no control characters, valid UTF-8, not blank: a text kept forever in a hash."""
    value = unicodedata.normalize("NFC", value).strip()
    if _CONTROL.search(value):
        raise ValueError("must not contain control characters")
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        raise ValueError("must be valid Unicode text") from None
    if not value:
        raise ValueError("must not be blank")
    return value


def _plausible_date(value: date) -> date:
    if not 2000 <= value.year <= 2099:
        raise ValueError("must be between the years 2000 and 2099")
    return value


def local_date(moment: datetime) -> date:
    return moment.astimezone(VIETNAM).date()


Text = Annotated[str, AfterValidator(clean_text)]
ShortText = Annotated[Text, Field(min_length=1, max_length=200)]
Note = Annotated[Text, Field(min_length=1, max_length=500)]
Day = Annotated[date, AfterValidator(_plausible_date)]
VillageCode = Annotated[str, Field(pattern=r"^[0-9]{7}$")]
ResidentId = Annotated[str, Field(pattern=RESIDENT_ID)]
HouseholdId = Annotated[str, Field(pattern=HOUSEHOLD_ID)]
TeamId = Annotated[str, Field(pattern=TEAM_ID)]
MemberId = Annotated[str, Field(pattern=MEMBER_ID)]
TaskId = Annotated[str, Field(pattern=TASK_ID)]
TrainingId = Annotated[str, Field(pattern=TRAINING_ID)]
#: A commune decision number such as `12/QĐ-UBND`.
DecisionNumber = Annotated[
    str, Field(min_length=1, max_length=64, pattern=r"^[0-9A-Za-zĐđ][0-9A-Za-zĐđ./-]*$")
]
#: A Keycloak subject (a UUID): pseudonymous, and what the access token names the caller by.
AccountSubject = Annotated[str, Field(pattern=rf"^{_UUID}$")]
Sha256 = Annotated[str, Field(pattern=r"^[0-9a-f]{64}$")]
Count = Annotated[int, Field(ge=0, le=1000)]
People = Annotated[int, Field(ge=0, le=100)]
