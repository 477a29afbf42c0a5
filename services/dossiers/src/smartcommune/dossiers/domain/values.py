"""Value types of the dossier domain and the validation rules they carry.

Every text that ends up in an event goes through `Text` (NFC, no control characters, encodable
as UTF-8) because an event is hashed and kept forever: a stray NUL or a lone surrogate would
either break the canonical JSON or make the same words hash two ways.
"""

from __future__ import annotations

import re
import unicodedata
from datetime import date, datetime, timedelta, timezone
from enum import StrEnum
from typing import Annotated

from pydantic import AfterValidator, Field

#: Vietnam has kept UTC+7 without daylight saving since 1975: dates are counted in this zone.
VIETNAM = timezone(timedelta(hours=7), "ICT")
MAX_FEE_VND = 10**12

_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]")


class Kind(StrEnum):
    """Administrative-procedure dossier (hồ sơ thủ tục hành chính) or internal work record
    (hồ sơ công việc)."""

    PROCEDURE = "procedure"
    WORK_RECORD = "work_record"


class Channel(StrEnum):
    """How it was submitted (Decree 42/2022): full-process online (toàn trình), partial online
    (một phần), in person at the one-stop shop, or by post."""

    FULL_ONLINE = "full_online"
    PARTIAL_ONLINE = "partial_online"
    IN_PERSON = "in_person"
    POSTAL = "postal"


ONLINE_CHANNELS = frozenset({Channel.FULL_ONLINE, Channel.PARTIAL_ONLINE})


class ApplicantType(StrEnum):
    CITIZEN = "citizen"
    BUSINESS = "business"


class Outcome(StrEnum):
    """The result: the request granted, or refused in writing with reasons."""

    GRANTED = "granted"
    DENIED = "denied"


class Satisfaction(StrEnum):
    VERY_SATISFIED = "very_satisfied"
    SATISFIED = "satisfied"
    DISSATISFIED = "dissatisfied"


SATISFIED = frozenset({Satisfaction.VERY_SATISFIED, Satisfaction.SATISFIED})


def clean_text(value: str) -> str:
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


def _not_personal(value: str) -> str:
    """Refuse what looks like a national ID or a phone number.

    Events are kept forever and published to every service, so they must never carry data that
    identifies a person (ARCHITECTURE §3): the applicant is a pseudonymous reference issued by the
    identity service. A typist pasting the 12-digit citizen ID (CCCD), the old 9-digit ID (CMND)
    or a phone number into that field is the likely mistake, so it is caught here, at the door.
    """
    digits = re.sub(r"[\s.()+-]", "", value)
    if digits.isdigit() and 9 <= len(digits) <= 12:
        raise ValueError(
            "must be a pseudonymous reference, not a national ID or phone number "
            "(personal data never enters an event)"
        )
    return value


def plausible_moment(value: datetime) -> datetime:
    if value.tzinfo is None or value.utcoffset() is None:
        raise ValueError("must carry a time zone (e.g. 2026-03-01T08:30:00+07:00)")
    if not 2000 <= value.year <= 2099:
        raise ValueError("must be between the years 2000 and 2099")
    return value


def _plausible_date(value: date) -> date:
    if not 2000 <= value.year <= 2099:
        raise ValueError("must be between the years 2000 and 2099")
    return value


def local_date(moment: datetime) -> date:
    """The calendar date in Vietnam of a moment: dates and deadlines are counted locally."""
    return moment.astimezone(VIETNAM).date()


Text = Annotated[str, AfterValidator(clean_text)]
ShortText = Annotated[Text, Field(min_length=1, max_length=200)]
LongText = Annotated[Text, Field(min_length=1, max_length=2000)]
DossierNumber = Annotated[str, Field(pattern=r"^[A-Za-z0-9][A-Za-z0-9._/-]{2,63}$")]
ProcedureCode = Annotated[str, Field(pattern=r"^[A-Za-z0-9][A-Za-z0-9.-]{0,39}$")]
ApplicantRef = Annotated[
    str,
    Field(min_length=4, max_length=64, pattern=r"^[A-Za-z0-9][A-Za-z0-9._:-]*$"),
    AfterValidator(_not_personal),
]
CommuneCode = Annotated[str, Field(pattern=r"^[0-9]{5}$")]
VillageCode = Annotated[str, Field(pattern=r"^[0-9]{7}$")]
FeeVnd = Annotated[int, Field(ge=0, le=MAX_FEE_VND)]
Moment = Annotated[datetime, AfterValidator(plausible_moment)]
Day = Annotated[date, AfterValidator(_plausible_date)]
